#!/bin/sh
# escaping.sh - a real ClientHello whose SNI carries terminal escapes,
# control characters and an invalid UTF-8 byte (pcaps/hostile-sni.pcap,
# made by pcaps/make-hostile.sh; the bytes were checked with tshark -x):
# text output shows them escaped and never raw; JSON is valid and keeps
# every byte.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

cap="$PCAPS/hostile-sni.pcap"
for mode in "" "-v" "-q" "--color=always"; do
	# shellcheck disable=SC2086
	"$TLSDIAG" $mode -r "$cap" >"$TMP/out" 2>"$TMP/err" ||
	    { fail "text $mode: exit $?"; continue; }
	# No ESC except our own colour codes (ESC [ digits m), no BEL, no CR.
	if LC_ALL=C grep -q "$(printf '\007\|\r')" "$TMP/out"; then
		fail "text $mode: raw BEL or CR from the wire reached the output"
	elif LC_ALL=C sed 's/\x1b\[[0-9;]*m//g' "$TMP/out" |
	    LC_ALL=C grep -q "$(printf '\033')"; then
		fail "text $mode: a raw escape sequence reached the output"
	elif ! grep -qF 'evil\x1b[2J\x1b]0;pwned\x07\x0d"\\\xff.test' \
	    "$TMP/out"; then
		fail "text $mode: the escaped SNI is not shown: $(grep -a sni "$TMP/out" | head -1)"
	else
		pass
	fi
done
"$TLSDIAG" --json -r "$cap" >"$TMP/json" 2>"$TMP/err" || fail "json: exit $?"
if python3 - "$TMP/json" <<'PY'
import json, sys
want = 'evil\x1b[2J\x1b]0;pwned\x07\r"\\\xff.test'
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    assert o["tls"]["sni"] == want, repr(o["tls"]["sni"])
    assert any(e.get("sni") == want for e in o["events"])
PY
then pass; else fail "json: invalid or the SNI bytes were not kept"; fi
finish
