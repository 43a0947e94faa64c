# `iommusim demo`: the main job of `make run` must work and check itself.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "demo passes its own end-to-end checks" -- "$BIN" demo
expect_grep out "demo: all checks passed" "demo reports success"
expect_grep out "holds the 256 bytes written" "DMA data landed at the translated address"
expect_grep out "reason 0x06" "the unmapped read is recorded with VT-d fault reason 6"
expect_grep out "IOTLB hit" "the second DMA to the same pages hits the IOTLB"
expect_grep out "fault event MSI: write 0x40 to 0xfee00000" "fault event interrupt delivered"

# Memory latency shows in the walk: a slower memory must give a slower first DMA.
"$BIN" demo mem.read_latency_ns=100 | grep "write 256 B" | sed -n "s/.* ok *\([0-9.]*\) ns.*/\1/p" >"$TMP/fast"
"$BIN" demo mem.read_latency_ns=400 | grep "write 256 B" | sed -n "s/.* ok *\([0-9.]*\) ns.*/\1/p" >"$TMP/slow"
if awk -v f="$(cat "$TMP/fast")" -v s="$(cat "$TMP/slow")" 'BEGIN { exit !(s > f) }'; then
	PASS=$((PASS + 1))
else
	FAIL=$((FAIL + 1)); echo "FAIL: 400 ns memory not slower: $(cat "$TMP/fast") vs $(cat "$TMP/slow")" >&2
fi

# Same inputs, same output (determinism).
"$BIN" demo --json >"$TMP/a"; "$BIN" demo --json >"$TMP/b"
if cmp -s "$TMP/a" "$TMP/b"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: two demo runs differ" >&2; fi

expect_exit 3 "bad parameter" -- "$BIN" demo vtd.iotlb.sets=3
expect_grep err "vtd.iotlb.sets" "bad parameter named"
expect_exit 2 "stray argument" -- "$BIN" demo extra

finish
