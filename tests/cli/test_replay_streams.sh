# Every shipped stream under scenarios/streams/ replays with no mismatch (exit 0), on a
# fresh simulated host each, and gives the same output twice (determinism).
. "$(dirname "$0")/lib.sh"

STREAMS="$(cd "$(dirname "$0")/../../scenarios/streams" && pwd)"

found=0
for f in "$STREAMS"/*.stream; do
	[ -e "$f" ] || continue
	found=$((found + 1))
	name=$(basename "$f")
	expect_exit 0 "replay $name" -- "$BIN" replay "$f"
	expect_grep out "^PASS " "$name passes"
	expect_exit 0 "trace check $name" -- "$BIN" trace check "$f"
done
if [ "$found" -lt 6 ]; then
	FAIL=$((FAIL + 1))
	echo "FAIL: expected the shipped streams in $STREAMS, found $found" >&2
fi

# the whole folder at once, twice, with the same JSON
expect_exit 0 "replay the folder" -- "$BIN" replay --quiet --json "$TMP/a.json" "$STREAMS"
expect_exit 0 "replay the folder again" -- "$BIN" replay --quiet --json "$TMP/b.json" "$STREAMS"
if cmp -s "$TMP/a.json" "$TMP/b.json"; then
	PASS=$((PASS + 1))
else
	FAIL=$((FAIL + 1))
	echo "FAIL: two replays of the same streams wrote different JSON" >&2
fi

finish
