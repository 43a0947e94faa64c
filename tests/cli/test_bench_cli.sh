# `iommusim bench` and `iommusim compare`: determinism of the cost metrics, compare's exit
# codes on identical, doctored and mismatched results, the plot, and the error exits.
. "$(dirname "$0")/lib.sh"

BENCH="$(cd "$(dirname "$0")/../../scenarios/bench" && pwd)"
MICRO="$BENCH/flush_unmap.stream"

# ---- help and usage ------------------------------------------------------------------
for cmd in bench compare; do
	expect_exit 0 "$cmd --help" -- "$BIN" "$cmd" --help
	expect_grep out "usage: iommusim $cmd" "$cmd --help shows its usage"
	expect_grep out "exit status" "$cmd --help documents its exit codes"
done
expect_exit 0 "--help lists bench" -- "$BIN" --help
expect_grep out "bench" "the command list has bench"
expect_grep out "compare" "the command list has compare"
expect_exit 2 "bench without a scenario" -- "$BIN" bench
expect_grep err "no scenario given" "says what is missing"
expect_exit 2 "bench with an unknown option" -- "$BIN" bench --frob "$MICRO"
expect_grep err "unknown option '--frob'" "names the option"
expect_exit 2 "a sweep without values" -- "$BIN" bench --sweep size "$MICRO"
expect_grep err "KEY=v1,v2" "shows the sweep syntax"
expect_exit 2 "--plot-x without --plot" -- "$BIN" bench --plot-x size "$MICRO"
expect_exit 0 "--list-metrics" -- "$BIN" bench --list-metrics
# every standard metric a shipped scenario names is listed, with its unit and direction
for m in $(sed -n 's/^# bench: metric \([a-z0-9_]*\)$/\1/p' "$BENCH"/*.stream | sort -u); do
	expect_grep out "^  $m  *[^ ]*  *\(lower\|higher\)  *= " "--list-metrics lists $m"
done
expect_grep out "sim_ops_per_host_sec" "--list-metrics lists the automatic metrics"
expect_exit 2 "--list-metrics with a scenario" -- "$BIN" bench --list-metrics "$MICRO"
expect_grep err "takes nothing else" "says why"
expect_exit 2 "compare with one file" -- "$BIN" compare a.json
expect_exit 2 "compare with a bad threshold" -- "$BIN" compare --threshold -1 a.json b.json
expect_grep err "percentage" "explains the threshold"

# ---- bad input: exit 3 -----------------------------------------------------------------
expect_exit 3 "a missing scenario" -- "$BIN" bench "$TMP/none.stream"
expect_grep err "none.stream: cannot open" "names the file"
mkdir "$TMP/empty"
expect_exit 3 "a folder without scenarios" -- "$BIN" bench "$TMP/empty"
expect_grep err "without a \*.stream file" "says so"
expect_exit 3 "an unknown parameter" -- "$BIN" bench vtd.iotlb.setz=4 "$MICRO"
expect_grep err "vtd.iotlb.setz" "names the parameter"
expect_exit 3 "a value out of range" -- "$BIN" bench --sweep vtd.iotlb.sets=4,3 "$MICRO"
expect_grep err "vtd.iotlb.sets=3" "names the bad value"
expect_exit 3 "an undeclared variable" -- "$BIN" bench flows=4 "$MICRO"
expect_grep err "no scenario declares the variable 'flows'" "names the variable"
printf 'iommusim-stream 1\nsystem arch=vtd\n' >"$TMP/nometric.stream"
expect_exit 3 "a scenario without a metric" -- "$BIN" bench "$TMP/nometric.stream"
expect_grep err "nometric.stream: declares no metric" "says why"
printf 'iommusim-stream 1\n# bench: metric x unit=c better=lower = vtd.iotlb.hitz\nsystem arch=vtd\n' \
	>"$TMP/badstat.stream"
expect_exit 3 "a metric of an unknown statistic" -- "$BIN" bench "$TMP/badstat.stream"
expect_grep err "badstat.stream:2: bench: metric x:" "locates the metric"
printf 'iommusim-stream 1\n# bench: metric x unit=c better=lower = bench.lines\nsystem arch=vtd\nfrob 1\n' \
	>"$TMP/stops.stream"
expect_exit 3 "a scenario that stops" -- "$BIN" bench "$TMP/stops.stream"
expect_grep err "stops.stream:4" "locates the line"

# a failing expectation: the run is measured but marked, exit 1
printf 'iommusim-stream 1\n# bench: metric x unit=c better=lower = bench.lines\nsystem arch=vtd\nopen /dev/iommu -> fd=3\nclose 3 -> errno=EBADF\n' \
	>"$TMP/mismatch.stream"
expect_exit 1 "a scenario with a mismatch" -- "$BIN" bench --out "$TMP/mm.json" "$TMP/mismatch.stream"
expect_grep out "mismatch.stream:5" "the mismatch is reported"
expect_grep out "1 with mismatches" "the summary counts it"
if grep -q '"status": "mismatch"' "$TMP/mm.json"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: the run's status is not mismatch" >&2; fi

# ---- determinism and compare -------------------------------------------------------------
expect_exit 0 "bench the microbenchmark" -- "$BIN" bench --out "$TMP/a.json" \
	--sweep drv.vtd.flush=strict,batched "$MICRO"
expect_grep out "unmap_inval_cycles" "prints the metrics"
expect_grep out "18 runs: 18 ok" "3 sizes x 3 scopes x 2 policies"
expect_exit 0 "bench it again" -- "$BIN" bench --quiet --out "$TMP/b.json" \
	--sweep drv.vtd.flush=strict,batched "$MICRO"
if [ -s "$TMP/b.json" ] && ! grep -q . "$TMP/out"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: --quiet printed something or wrote no JSON" >&2; fi
# no cost metric worse in either direction at threshold 0: they are all identical
expect_exit 0 "compare run 1 with run 2" -- "$BIN" compare "$TMP/a.json" "$TMP/b.json"
expect_grep out "no regression" "nothing regressed"
expect_exit 0 "compare run 2 with run 1" -- "$BIN" compare --threshold 0 "$TMP/b.json" "$TMP/a.json"
if grep -E '  (better|worse, within threshold)$' "$TMP/out" >/dev/null; then
	FAIL=$((FAIL + 1)); echo "FAIL: a deterministic metric changed between two runs:" >&2
	grep -E '  (better|worse, within threshold)$' "$TMP/out" >&2
else
	PASS=$((PASS + 1))
fi
expect_grep out "unmap_inval_cycles .* same" "the table has the metric and its verdict"
# the JSON files differ at most in host time
for f in a b; do
	grep -v -e '"host_seconds"' "$TMP/$f.json" |
		awk '/"(sim_ops_per_host_sec|host_ms)": \{/ { skip = 2 } skip && /"value"/ { skip = 0; next } { print }' \
		>"$TMP/$f.det"
done
if cmp -s "$TMP/a.det" "$TMP/b.det"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: two runs wrote different deterministic JSON" >&2
	diff "$TMP/a.det" "$TMP/b.det" | head >&2
fi

expect_exit 0 "compare identical files" -- "$BIN" compare "$TMP/a.json" "$TMP/a.json"

# a doctored NEW: the 4K strict unmap got costlier
awk 'BEGIN { n = 0 } /"unmap_inval_cycles": \{/ { n++; hit = (n == 1) }
     hit && /"value"/ { sub(/"value": [0-9]+/, "\"value\": 999999"); hit = 0 } { print }' \
	"$TMP/a.json" >"$TMP/worse.json"
expect_exit 1 "a worse cost fails" -- "$BIN" compare "$TMP/a.json" "$TMP/worse.json"
expect_grep out "^REGRESSION .*flush_unmap.stream \[.*size=4K.*\]: unmap_inval_cycles" \
	"the regression names the run and the metric"
expect_grep out "1 regression" "and counts it"
expect_exit 1 "--quiet still names it" -- "$BIN" compare --quiet "$TMP/a.json" "$TMP/worse.json"
expect_grep out "^REGRESSION .*unmap_inval_cycles" "named in quiet mode"
expect_exit 0 "a large enough threshold lets it pass" -- \
	"$BIN" compare --threshold 100000% "$TMP/a.json" "$TMP/worse.json"
expect_exit 0 "--metric selects another metric" -- \
	"$BIN" compare --metric window_ns "$TMP/a.json" "$TMP/worse.json"
expect_exit 0 "the other way round it is an improvement" -- \
	"$BIN" compare "$TMP/worse.json" "$TMP/a.json"
# a benefit that dropped
awk 'BEGIN { n = 0 } /"invals_per_sec": \{/ { n++; hit = (n == 2) }
     hit && /"value"/ { sub(/"value": [0-9.e+]+/, "\"value\": 1"); hit = 0 } { print }' \
	"$TMP/a.json" >"$TMP/slower.json"
expect_exit 1 "a lower benefit fails" -- "$BIN" compare "$TMP/a.json" "$TMP/slower.json"
expect_grep out "REGRESSION .*invals_per_sec (1/s, better higher)" "names the benefit"

# mismatched results: exit 3 with the reason
expect_exit 0 "bench another sweep" -- "$BIN" bench --quiet --out "$TMP/c.json" \
	--sweep drv.vtd.flush=strict,deferred "$MICRO"
expect_exit 3 "different runs" -- "$BIN" compare "$TMP/a.json" "$TMP/c.json"
expect_grep err "is in BASE only" "says which run is missing"
sed 's/"schema_version": 1/"schema_version": 7/' "$TMP/a.json" >"$TMP/v7.json"
expect_exit 3 "another schema version" -- "$BIN" compare "$TMP/a.json" "$TMP/v7.json"
expect_grep err "schema_version 7" "names the version"
sed 's/"sha256": "[0-9a-f]*"/"sha256": "0000000000000000000000000000000000000000000000000000000000000000"/' \
	"$TMP/a.json" >"$TMP/h.json"
expect_exit 3 "another scenario content" -- "$BIN" compare "$TMP/a.json" "$TMP/h.json"
expect_grep err "differs between the results" "says the scenario changed"
echo '{"not": "a result"}' >"$TMP/x.json"
expect_exit 3 "not a bench result" -- "$BIN" compare "$TMP/a.json" "$TMP/x.json"
expect_grep err "not an iommusim bench result" "says what it is not"
echo '{' >"$TMP/broken.json"
expect_exit 3 "broken JSON" -- "$BIN" compare "$TMP/broken.json" "$TMP/a.json"
expect_grep err "broken.json:" "names the file"
expect_exit 3 "a missing file" -- "$BIN" compare "$TMP/nope.json" "$TMP/a.json"

# ---- JSON on standard output ----------------------------------------------------------
expect_exit 0 "--out -" -- "$BIN" bench --out - size=4K drv.vtd.flush=strict "$MICRO"
expect_grep out '"schema": "iommusim-bench"' "the document goes to standard output"
if grep -q '^OK' "$TMP/out"; then FAIL=$((FAIL + 1)); echo "FAIL: table mixed into JSON" >&2
else PASS=$((PASS + 1)); fi

# ---- plots -----------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
	expect_exit 0 "--plot" -- "$BIN" bench --quiet --sweep drv.vtd.flush=strict,batched \
		--plot "$TMP/p.svg" "$MICRO"
	if grep -q "<svg" "$TMP/p.svg" 2>/dev/null; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: --plot wrote no SVG" >&2; fi
	expect_exit 3 "--plot-metric that does not exist" -- "$BIN" bench --quiet \
		--plot "$TMP/q.svg" --plot-metric nosuch "$MICRO"
	expect_grep err "no metric 'nosuch'" "names it"
fi
expect_exit 3 "--plot without gnuplot" -- env PATH=/nonexistent "$BIN" bench --quiet \
	--out "$TMP/np.json" --plot "$TMP/np.svg" "$MICRO"
expect_grep err "needs gnuplot" "says what is missing"
expect_grep err "JSON results were written" "and that the JSON is there"
[ -s "$TMP/np.json" ] && PASS=$((PASS + 1)) || { FAIL=$((FAIL + 1)); echo "FAIL: no JSON" >&2; }

finish
