# Shared helpers for the CLI tests. Each test script gets the iommusim binary as $1.
BIN=${1:?usage: sh test.sh path/to/iommusim}
PASS=0
FAIL=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# expect_exit CODE DESCRIPTION -- CMD...
expect_exit() {
	want=$1; desc=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "FAIL: $desc: exit $got, expected $want" >&2
		sed 's/^/  stdout: /' "$TMP/out" >&2
		sed 's/^/  stderr: /' "$TMP/err" >&2
	fi
}

# expect_grep FILE(out|err) PATTERN DESCRIPTION: the last command's output matches PATTERN.
expect_grep() {
	if grep -q -e "$2" "$TMP/$1"; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "FAIL: $3: '$2' not in std$1:" >&2
		sed 's/^/  | /' "$TMP/$1" >&2
	fi
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
