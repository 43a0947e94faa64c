# `iommusim params`: listing, overrides and their errors.
. "$(dirname "$0")/lib.sh"

expect_exit 0 "params lists everything" -- "$BIN" params
expect_grep out "mem.read_latency_ns" "memory latency parameter listed"
expect_grep out "endpoint.ats" "endpoint parameters listed"
expect_grep out "vtd.iotlb.sets" "VT-d model parameters listed"
expect_grep out "drv.vtd.flush" "VT-d driver parameters listed"

expect_exit 0 "params for one component" -- "$BIN" params mem
expect_grep out "mem.addr_bits" "mem component listed"
if grep -q "endpoint.ats" "$TMP/out"; then
	FAIL=$((FAIL + 1)); echo "FAIL: 'params mem' listed another component" >&2
else
	PASS=$((PASS + 1))
fi

expect_exit 3 "unknown component" -- "$BIN" params nosuch
expect_grep err "no component 'nosuch'" "unknown component named"

expect_exit 0 "a valid override" -- "$BIN" params mem.read_latency_ns=197
expect_grep out '"mem.read_latency_ns": *197' "override shows in the JSON values"

expect_exit 3 "unknown key" -- "$BIN" params mem.read_latancy_ns=5
expect_grep err "mem.read_latancy_ns" "unknown key is named"
expect_grep err "mem.read_latency_ns" "closest key suggested"

expect_exit 3 "value out of range" -- "$BIN" params mem.addr_bits=80
expect_grep err "mem.addr_bits" "out-of-range key named"
expect_grep err "52" "allowed range shown"

expect_exit 3 "not a number" -- "$BIN" params mem.read_latency_ns=fast
expect_grep err "fast" "bad value shown"

expect_exit 0 "--json prints defaults" -- "$BIN" params --json
expect_grep out '"mem.addr_bits": *52' "default in JSON"

expect_exit 2 "unknown option" -- "$BIN" params --frob

finish
