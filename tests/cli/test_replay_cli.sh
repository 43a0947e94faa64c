# `iommusim replay` and `iommusim trace`: exit codes, mismatch reports with their line,
# stopping at bad lines, parameter overrides, JSON, canonical printing.
. "$(dirname "$0")/lib.sh"

DATA="$(cd "$(dirname "$0")/../replay/data" && pwd)"

# ---- help and usage ------------------------------------------------------------------
for cmd in replay trace; do
	expect_exit 0 "$cmd --help" -- "$BIN" "$cmd" --help
	expect_grep out "usage: iommusim $cmd" "$cmd --help shows its usage"
done
expect_exit 0 "--help lists replay" -- "$BIN" --help
expect_grep out "replay" "the command list has replay"
expect_grep out "trace" "the command list has trace"
expect_exit 2 "replay without a file" -- "$BIN" replay
expect_grep err "no stream to replay" "says what is missing"
expect_exit 2 "replay with an unknown option" -- "$BIN" replay --frob "$DATA/good.stream"
expect_grep err "unknown option '--frob'" "names the option"
expect_exit 2 "--json without a file name" -- "$BIN" replay "$DATA/good.stream" --json
expect_exit 2 "trace without a subcommand" -- "$BIN" trace
expect_exit 2 "trace with an unknown subcommand" -- "$BIN" trace frob x
expect_exit 2 "trace print with two files" -- "$BIN" trace print a b

# ---- outcomes ---------------------------------------------------------------------------
expect_exit 0 "a matching stream" -- "$BIN" replay "$DATA/good.stream"
expect_grep out "^PASS .*good.stream" "a PASS line"
expect_grep out "1 passed, 0 failed, 0 stopped" "a summary line"

expect_exit 1 "wrong recorded results" -- "$BIN" replay "$DATA/wrong_result.stream"
expect_grep out "wrong_result.stream:12:78: IOMMU_IOAS_UNMAP: length: expected 0x1000, got 0x2000" \
	"a wrong field is reported with its line, column, ioctl and values"
expect_grep out "wrong_result.stream:14:[0-9]*: IOMMU_IOAS_UNMAP: errno: expected EINVAL, got ENOENT" \
	"a wrong errno is reported with its line"
expect_grep out "wrong_result.stream:16:[0-9]*: dma: status: expected ok, got fault" \
	"a DMA outcome is reported with its line"
expect_grep out "3 mismatches" "the count of mismatches"
if grep -q "wrong_result.stream:18:" "$TMP/out"; then
	FAIL=$((FAIL + 1)); echo "FAIL: a matching line was reported" >&2
else
	PASS=$((PASS + 1))
fi

expect_exit 1 "--quiet prints only the mismatches" -- "$BIN" replay --quiet "$DATA/wrong_result.stream"
if [ "$(wc -l < "$TMP/out")" -eq 3 ]; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: --quiet printed more than the 3 mismatches" >&2; fi

expect_exit 3 "a malformed line stops the stream" -- "$BIN" replay "$DATA/malformed.stream"
expect_grep err "malformed.stream:5:9: unknown ioctl 'IOMMU_IOAS_ALOC' (did you mean IOMMU_IOAS_ALLOC?)" \
	"file:line:col and a suggestion"
expect_grep out "stopped at line 5" "the stop line"

expect_exit 3 "a name whose line failed" -- "$BIN" replay "$DATA/unbound.stream"
expect_grep out "unbound.stream:6: IOMMU_HWPT_ALLOC: errno: expected success, got ENOENT" \
	"the failing call is a mismatch"
expect_grep err "unbound.stream:7:[0-9]*: \$hwpt has no value: line 6 was expected to bind it" \
	"the use names the line that should have bound it"

expect_exit 3 "no system line" -- "$BIN" replay "$DATA/no_system.stream"
expect_grep err "no_system.stream:2:1: 'open' needs the system" "names what is missing"
expect_exit 3 "a missing file" -- "$BIN" replay "$TMP/nosuch.stream"
expect_grep err "nosuch.stream" "names the file"

# several files: every one runs; a stop outranks a mismatch in the exit code
expect_exit 1 "good and wrong" -- "$BIN" replay "$DATA/good.stream" "$DATA/wrong_result.stream"
expect_grep out "2 streams: 1 passed, 1 failed, 0 stopped" "both ran"
expect_exit 3 "wrong and malformed" -- "$BIN" replay "$DATA/wrong_result.stream" "$DATA/malformed.stream"
expect_grep out "1 failed, 1 stopped" "both ran"

# ---- parameters --------------------------------------------------------------------------
expect_exit 0 "a parameter override" -- "$BIN" replay drv.vtd.flush=strict "$DATA/good.stream"
expect_exit 3 "an unknown parameter" -- "$BIN" replay vtd.iotlb.setz=4 "$DATA/good.stream"
expect_grep err "did you mean vtd.iotlb.sets" "suggests the parameter"
expect_exit 3 "an unknown driver parameter" -- "$BIN" replay drv.vtd.flsh=4 "$DATA/good.stream"
expect_grep err "did you mean drv.vtd.flush" "suggests the driver parameter"
# with deferred flushing an unmapped IOVA still translates until the flush queue drains
expect_exit 1 "deferred flush shows the stale IOTLB" -- "$BIN" replay drv.vtd.flush=deferred "$DATA/good.stream"
expect_grep out "good.stream:16:[0-9]*: dma: status: expected fault, got ok" "the stale translation"

# ---- JSON -----------------------------------------------------------------------------------
expect_exit 1 "--json" -- "$BIN" replay --quiet --json "$TMP/r.json" "$DATA/good.stream" "$DATA/wrong_result.stream"
if grep -q '"mismatches": 3' "$TMP/r.json" && grep -q '"line": 12' "$TMP/r.json" &&
   grep -q '"key": "length"' "$TMP/r.json" && grep -q '"status": "pass"' "$TMP/r.json" &&
   grep -q '"counters"' "$TMP/r.json"; then
	PASS=$((PASS + 1))
else
	FAIL=$((FAIL + 1)); echo "FAIL: the JSON lacks the summary, a mismatch or the stats:" >&2
	sed 's/^/  | /' "$TMP/r.json" | head -40 >&2
fi

# ---- trace ------------------------------------------------------------------------------------
expect_exit 0 "trace print" -- "$BIN" trace print "$DATA/good.stream"
expect_grep out "^iommusim-stream 1$" "the version line"
expect_grep out "^ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=\$ioas" "a line in canonical form"
cp "$TMP/out" "$TMP/printed.stream"
expect_exit 0 "trace print of its own output" -- "$BIN" trace print "$TMP/printed.stream"
if cmp -s "$TMP/out" "$TMP/printed.stream"; then PASS=$((PASS + 1)); else
	FAIL=$((FAIL + 1)); echo "FAIL: printing twice changed the text" >&2; fi
printf 'iommusim-stream 1\nclose   3     # two spaces\n' > "$TMP/spaces.stream"
expect_exit 0 "trace print from stdin" -- sh -c "\"$BIN\" trace print - < \"$TMP/spaces.stream\""
expect_grep out "^close 3 # two spaces$" "canonical spacing"
printf 'open /dev/iommu\n' > "$TMP/noversion.stream"
expect_exit 3 "trace print of a stream without its version line" -- "$BIN" trace print "$TMP/noversion.stream"
expect_grep err "noversion.stream:1:1: missing version line" "the format error"

expect_exit 0 "trace check" -- "$BIN" trace check "$DATA/good.stream" "$DATA/wrong_result.stream"
expect_grep out "good.stream: ok (16 lines)" "ok with the line count"
expect_exit 3 "trace check of a malformed stream" -- "$BIN" trace check "$DATA/malformed.stream"
expect_grep err "malformed.stream:5:9: unknown ioctl" "the bad line"
printf 'iommusim-stream 1\nsystem arch=vtd\ndma 0000:03:00.0 wrte iova=0x1000 len=8 fill=1\n' > "$TMP/dir.stream"
expect_exit 3 "trace check of a bad dma line" -- "$BIN" trace check "$TMP/dir.stream"
expect_grep err "dir.stream:3:18: dma: direction 'wrte'" "the verb's own check"
printf 'iommusim-stream 1\nsystem arch=vtd vtd.iotlb.sets=3\n' > "$TMP/param.stream"
expect_exit 3 "trace check of a bad parameter" -- "$BIN" trace check "$TMP/param.stream"
expect_grep err "param.stream:2:17: system: " "the parameter's column"
printf 'iommusim-stream 1\nsystem arch=vtd\nadvanse ns=5\n' > "$TMP/verb.stream"
expect_exit 3 "trace check of an unknown verb" -- "$BIN" trace check "$TMP/verb.stream"
expect_grep err "verb.stream:3:1: unknown verb 'advanse' (did you mean advance?)" "suggests the verb"

finish
