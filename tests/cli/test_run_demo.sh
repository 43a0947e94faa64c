# The shipped demo scenario (what `make run` runs): it passes through `iommusim run`, and
# `iommusim replay` agrees; deterministic (two runs write the same JSON but for host time).
. "$(dirname "$0")/lib.sh"

DEMO="$(cd "$(dirname "$0")/../../scenarios/demo" && pwd)"

expect_exit 0 "the demo folder passes" -- "$BIN" run "$DEMO"
expect_grep out "^PASS .*demo.stream" "a PASS row"
expect_grep out "run: 1 scenario: 1 passed, 0 failed, 0 errors" "the summary"
expect_exit 0 "replay agrees" -- "$BIN" replay "$DEMO/demo.stream"

expect_exit 0 "json 1" -- "$BIN" run --quiet --json "$TMP/a.json" "$DEMO"
expect_exit 0 "json 2" -- "$BIN" run --quiet --json "$TMP/b.json" "$DEMO"
grep -v '"host_time_s"' "$TMP/a.json" >"$TMP/a2"
grep -v '"host_time_s"' "$TMP/b.json" >"$TMP/b2"
if cmp -s "$TMP/a2" "$TMP/b2"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: two runs of the demo differ beyond the host time" >&2
	diff "$TMP/a2" "$TMP/b2" | head -20 >&2; fi

finish
