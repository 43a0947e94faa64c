# `iommusim run`: the runner is itself tested on a fixture folder whose scenarios break
# their expectations on purpose (tests/replay/data/run_fixture/). Each failure must appear in
# the table, with its first failing line (file:line:col and why), in the JUnit XML (valid,
# a <failure> or <error> per scenario with that line) and in the JSON; exit codes; folders
# searched recursively in name order; a progress line only on a terminal.
. "$(dirname "$0")/lib.sh"

FIX="$(cd "$(dirname "$0")/../replay/data/run_fixture" && pwd)"

# ---- help and usage ------------------------------------------------------------------
expect_exit 0 "run --help" -- "$BIN" run --help
expect_grep out "usage: iommusim run \[--junit FILE\] \[--json FILE\] \[--quiet\]" "run --help shows its usage"
expect_exit 0 "--help lists run" -- "$BIN" --help
expect_grep out "^  run " "the command list has run"
expect_exit 2 "run without a scenario" -- "$BIN" run
expect_grep err "no scenario to run" "says what is missing"
expect_exit 2 "an empty folder" -- "$BIN" run "$TMP"
expect_grep err "no scenario to run" "an empty folder holds no scenario"
expect_exit 2 "an unknown option" -- "$BIN" run --frob "$FIX"
expect_grep err "unknown option '--frob'" "names the option"
expect_exit 2 "--junit without a file name" -- "$BIN" run "$FIX" --junit
expect_exit 2 "--json without a file name" -- "$BIN" run "$FIX" --json
expect_exit 3 "a bad parameter override" -- "$BIN" run drv.vtd.flush=sometimes "$FIX/pass"
expect_grep err "drv.vtd.flush" "names the parameter"

# ---- passing scenarios ----------------------------------------------------------------
expect_exit 0 "a passing folder, sub-folders included" -- "$BIN" run "$FIX/pass"
expect_grep out "^PASS .*pass/nested/deeper/also_ok.stream" "a scenario two folders down runs"
expect_grep out "^PASS .*pass/ok.stream " "the other one too"
expect_grep out "SCENARIO *SIMULATED *HOST *CHECKS" "a table header"
expect_grep out "run: 2 scenarios: 2 passed, 0 failed, 0 errors" "a summary line"
expect_grep out "^PASS .*ok.stream *[0-9.]* us *[0-9.]* m\?s *14$" \
	"a row holds the simulated time, the host time and the checks"
# name order: nested/deeper/also_ok before ok
first=$(grep -n "also_ok.stream" "$TMP/out" | cut -d: -f1)
second=$(grep -n "pass/ok.stream" "$TMP/out" | cut -d: -f1)
if [ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ]; then
	PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL: not in name order" >&2; fi
# not a terminal: no progress line
if grep -q "$(printf '\r')" "$TMP/out" || grep -q '\[1/2\]' "$TMP/out"; then
	FAIL=$((FAIL + 1)); echo "FAIL: a progress line on a pipe" >&2; else PASS=$((PASS + 1)); fi

# a parameter override reaches every scenario: with a flush queue the DMA after the unmap
# still finds its translation, so ok.stream's fault expectation fails
expect_exit 1 "an override" -- "$BIN" run drv.vtd.flush=deferred "$FIX/pass/ok.stream"
expect_grep out "ok.stream:14:[0-9]*: dma: status: expected fault, got ok" "the override took effect"

# ---- deliberately broken scenarios ----------------------------------------------------------
expect_exit 1 "broken expectations fail the run" -- "$BIN" run "$FIX/broken"
expect_exit 3 "the whole fixture: an error wins over failures" -- \
	"$BIN" run --junit "$TMP/r.xml" --json "$TMP/r.json" "$FIX"
OUT="$TMP/run.out"
cp "$TMP/out" "$OUT"
expect_grep out "^FAIL .*broken/wrong_dma.stream" "a FAIL row"
expect_grep out "^FAIL .*broken/wrong_fault.stream" "a FAIL row"
expect_grep out "^FAIL .*broken/wrong_stat.stream" "a FAIL row"
expect_grep out "^ERROR .*errors/stops.stream" "an ERROR row"
expect_grep out "^PASS .*pass/ok.stream" "the passing ones pass"
expect_grep out "run: 6 scenarios: 2 passed, 3 failed, 1 error;" "the summary counts"
expect_grep out "^  .*wrong_dma.stream:12:50: dma: status: expected ok, got fault (reason 0x71" \
	"the first failing line of wrong_dma, with its column and why"
expect_grep out "(1 more mismatch: iommusim replay .*wrong_dma.stream)" "the others are counted"
expect_grep out "^  .*wrong_fault.stream:12:65: hwdma: reason: expected 0x85 (SGN.6 no write permission), got 0x71" \
	"a fault reason"
expect_grep out "^  .*wrong_stat.stream:8:37: expect stat: vtd.req.untranslated: expected == 3, got 2" \
	"a statistic"
expect_grep out "^  .*stops.stream:6:37: expect stat: vtd.req.untranslated: expected == 2, got 1" \
	"the first failing line of a scenario that then stopped"
expect_grep out "then stopped: .*stops.stream:7:1: unknown verb 'advanse' (did you mean advance?)" \
	"and where it stopped"
if grep "wrong_dma.stream:14" "$OUT" | grep -q "^  "; then
	FAIL=$((FAIL + 1)); echo "FAIL: a second mismatch was shown as the first" >&2
else PASS=$((PASS + 1)); fi

expect_exit 1 "--quiet prints only what did not pass" -- "$BIN" run --quiet "$FIX/broken" "$FIX/pass"
if grep -q "^PASS" "$TMP/out" || grep -q "SCENARIO" "$TMP/out"; then
	FAIL=$((FAIL + 1)); echo "FAIL: --quiet printed passing rows or the header" >&2
else PASS=$((PASS + 1)); fi
expect_grep out "^FAIL .*wrong_dma.stream" "--quiet keeps the failures"
expect_exit 3 "a missing file is an error" -- "$BIN" run "$TMP/nosuch.stream"
expect_grep out "^ERROR .*nosuch.stream" "in the table"

# ---- JUnit XML --------------------------------------------------------------------------------
R="$TMP/r.xml"
if command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout "$R" 2>"$TMP/xmlerr"; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: the JUnit report is not well-formed XML:" >&2
		cat "$TMP/xmlerr" >&2; fi
elif command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$R"; then
		PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL: the JUnit report is not XML" >&2; fi
fi
cp "$R" "$TMP/out"
expect_grep out '<testsuites name="iommusim run" tests="6" failures="3" errors="1"' "the totals"
expect_grep out '<testsuite name="[^"]*run_fixture/broken" tests="3" failures="3" errors="0"' \
	"a testsuite per folder"
expect_grep out '<testcase classname="[^"]*run_fixture.broken" name="wrong_dma" file="[^"]*wrong_dma.stream"' \
	"a testcase per scenario"
expect_grep out '<failure message="[^"]*wrong_dma.stream:12:50: dma: status: expected ok, got fault' \
	"the failure message holds the first failing line"
expect_grep out '<failure message="[^"]*wrong_stat.stream:8:37: expect stat' "the statistic's line"
expect_grep out '<error message="[^"]*stops.stream:6:37:' "an error for a scenario that stopped"
expect_grep out "unknown verb &apos;advanse&apos;" "its stop in the body, escaped"
expect_grep out 'open /dev/&lt;&amp;&gt;&quot;&apos;' "markup characters escaped"
if grep -q "$(printf '\377')" "$R"; then
	FAIL=$((FAIL + 1)); echo "FAIL: a byte that is not UTF-8 reached the XML" >&2
else PASS=$((PASS + 1)); fi

# ---- JSON --------------------------------------------------------------------------------------
cp "$TMP/r.json" "$TMP/out"
expect_grep out '"failed": 3' "the JSON summary"
expect_grep out '"status": "error"' "a scenario's status"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$TMP/r.json" >"$TMP/jcheck" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
by = {s["file"].rsplit("/", 1)[1]: s for s in d["scenarios"]}
assert d["summary"] == {**d["summary"], "scenarios": 6, "passed": 2, "failed": 3, "errors": 1}
w = by["wrong_dma.stream"]
assert w["status"] == "fail" and w["first_failure"]["line"] == 12, w
assert w["mismatches"][0]["line"] == 12 and w["mismatches"][0]["col"] == 50
assert w["mismatches"][0]["expected"] == "ok" and w["mismatches"][0]["got"] == "fault"
assert w["mismatches"][1]["line"] == 14 and w["mismatches"][1]["key"] == "data"
assert by["wrong_stat.stream"]["first_failure"]["line"] == 8
s = by["stops.stream"]
assert s["status"] == "error" and s["first_failure"]["line"] == 6
assert "advanse" in s["error"]
assert by["ok.stream"]["status"] == "pass" and "first_failure" not in by["ok.stream"]
assert by["ok.stream"]["stats"]["counters"]["ep0.dma"] == 2
print("json ok")
EOF
	if grep -q "json ok" "$TMP/jcheck"; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: the JSON report:" >&2; cat "$TMP/jcheck" >&2; fi
fi

# ---- a terminal gets a progress line ---------------------------------------------------------------
if command -v script >/dev/null 2>&1; then
	script -qec "'$BIN' run '$FIX/pass'" /dev/null >"$TMP/tty" 2>&1
	if grep -q '\[1/2\]' "$TMP/tty"; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: no progress line on a terminal" >&2; cat "$TMP/tty" >&2; fi
fi

finish
