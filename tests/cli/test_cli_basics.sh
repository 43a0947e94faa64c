# Top-level behaviour of the iommusim program: help, version, exit codes.
. "$(dirname "$0")/lib.sh"

expect_exit 2 "no arguments is a usage error" -- "$BIN"
expect_grep err "usage: iommusim" "usage printed on stderr without arguments"

expect_exit 0 "--help" -- "$BIN" --help
expect_grep out "exit codes:" "--help documents exit codes"
expect_grep out "params" "--help lists the params command"

expect_exit 0 "--version" -- "$BIN" --version
expect_grep out "^iommusim [0-9][0-9]*\.[0-9][0-9]*\.[0-9]" "--version prints a version"

expect_exit 2 "unknown command" -- "$BIN" frobnicate
expect_grep err "no command 'frobnicate'" "unknown command is named"

expect_exit 2 "unknown top-level option" -- "$BIN" --frob
expect_grep err "unknown option '--frob'" "unknown option is named"

for cmd in demo params version; do
	expect_exit 0 "$cmd --help" -- "$BIN" "$cmd" --help
	expect_grep out "usage: iommusim $cmd" "$cmd --help shows its usage"
	expect_exit 0 "help $cmd" -- "$BIN" help "$cmd"
	expect_grep out "usage: iommusim $cmd" "help $cmd shows its usage"
done

expect_exit 2 "help for an unknown command" -- "$BIN" help nosuch
expect_exit 2 "version takes no arguments" -- "$BIN" version extra

finish
