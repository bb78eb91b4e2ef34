# lib.sh - shared helpers for the end-to-end tests (sourced).
# Automake runs each test with TLSDIAG and top_srcdir set; by hand:
#   TLSDIAG=./tlsdiag top_srcdir=. sh tests/e2e/verdicts.sh
: "${TLSDIAG:=./tlsdiag}"
: "${top_srcdir:=.}"
PCAPS="$top_srcdir/pcaps"
TOOLS="$top_srcdir/tests/tools"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
passes=0

pass() {
	passes=$((passes + 1))
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# finish prints the plain closing line and exits 1 on any failure.
finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit $?
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# table_rows FILE: one assertion per "PASS ..." / "FAIL ..." line that the
# table driver tests/tools/e2e_table.py wrote to FILE; any other line (a
# traceback) fails too, and so does a table of no row.
table_rows() {
	_n=0
	while IFS= read -r _line; do
		_n=$((_n + 1))
		case $_line in
		"PASS "*) pass ;;
		"FAIL "*) fail "${_line#FAIL }" ;;
		*) fail "e2e_table.py: $_line" ;;
		esac
	done <"$1"
	[ "$_n" -gt 0 ] || fail "$1: no table row checked"
}

# pin_verdict DIR FILE PORT CODE OUTCOME: the one connection of DIR/FILE
# from client port PORT has that verdict code and outcome (else it prints
# what it has and returns 1).
pin_verdict() {
	"$TLSDIAG" --json -r "$1/$2" 2>/dev/null | python3 -c '
import json, sys
port, code, outcome = int(sys.argv[1]), sys.argv[2], sys.argv[3]
got = [(o["verdict"]["code"], o["verdict"]["outcome"]) for o in
       map(json.loads, sys.stdin) if "client" in o and
       o["client"]["port"] == port]
sys.exit(0 if got == [(code, outcome)] else print(port, got) or 1)' "$3" "$4" "$5"
}
