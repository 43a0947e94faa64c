# Every shipped bench scenario (scenarios/bench/*.stream) runs its whole default sweep with
# every run "ok" (scaled down: fewer packets and blocks), writes a valid result, and gives
# the same cost metrics twice (compare at threshold 0 both ways).
. "$(dirname "$0")/lib.sh"

BENCH="$(cd "$(dirname "$0")/../../scenarios/bench" && pwd)"

found=0
for f in "$BENCH"/*.stream; do
	[ -e "$f" ] || continue
	found=$((found + 1))
done
if [ "$found" -lt 5 ]; then
	FAIL=$((FAIL + 1))
	echo "FAIL: expected the shipped bench scenarios in $BENCH, found $found" >&2
fi

SMALL="packets=128 blocks=16"
expect_exit 0 "bench every shipped scenario" -- "$BIN" bench --out "$TMP/a.json" $SMALL "$BENCH"
expect_grep out " 0 with mismatches, 0 stopped" "every run ok"
if grep -E '^(mismatch|error) ' "$TMP/out" >/dev/null; then
	FAIL=$((FAIL + 1)); echo "FAIL: a shipped scenario did not run cleanly" >&2
else
	PASS=$((PASS + 1))
fi
expect_exit 0 "and again" -- "$BIN" bench --quiet --out "$TMP/b.json" $SMALL "$BENCH"
expect_exit 0 "same costs (a, b)" -- "$BIN" compare --quiet --threshold 0 "$TMP/a.json" "$TMP/b.json"
expect_exit 0 "same costs (b, a)" -- "$BIN" compare --quiet --threshold 0 "$TMP/b.json" "$TMP/a.json"

finish
