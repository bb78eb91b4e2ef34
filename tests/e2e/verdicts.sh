#!/bin/sh
# verdicts.sh - every capture in pcaps/ gives its expected verdict code,
# confidence and key events (tests/e2e/expected/verdicts.tsv), each
# asserted on its own. The expected codes were checked against tshark's
# view of each capture (pcaps/expected.tsv, made by pcaps/tools/oracle.sh).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

while IFS="$(printf '\t')" read -r cap conn keys code conf events; do
	case "$cap" in ''|\#*|capture) continue ;; esac
	out="$TMP/$cap.$keys.json"
	if [ ! -f "$out" ]; then
		if [ "$keys" = "keys" ]; then
			"$TLSDIAG" --json --keylog "$PCAPS/${cap%.*}.keys" \
			    -r "$PCAPS/$cap" >"$out" 2>"$TMP/err" ||
			    { fail "$cap: exit $?: $(cat "$TMP/err")"; continue; }
		else
			SSLKEYLOGFILE= "$TLSDIAG" --json -r "$PCAPS/$cap" \
			    >"$out" 2>"$TMP/err" ||
			    { fail "$cap: exit $?: $(cat "$TMP/err")"; continue; }
		fi
	fi
	# shellcheck disable=SC2086
	if msg=$(python3 "$TOOLS/check_verdicts.py" "$out" "$conn" "$code" \
	    "$conf" $events); then
		pass
	else
		fail "$cap#$conn ($keys): $msg"
	fi
done <"$top_srcdir/tests/e2e/expected/verdicts.tsv"
finish
