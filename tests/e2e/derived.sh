#!/bin/sh
# derived.sh - the captures made by pcaps/derive.py from the real ones
# (reordered, duplicated and overlapping segments, a dropped segment, a
# capture starting mid-connection) give their expected verdict code,
# confidence and key events (tests/e2e/expected/derived.tsv), each asserted
# on its own. Captures are named relative to pcaps/ (derived/X.pcap); a
# "keys" row uses the original capture's key log (the name without the
# -reordered, -duplicated, ... suffix).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

while IFS="$(printf '\t')" read -r cap conn keys code conf events; do
	case "$cap" in ''|\#*|capture) continue ;; esac
	out="$TMP/$(echo "$cap" | tr / _).$keys.json"
	if [ ! -f "$out" ]; then
		if [ "$keys" = "keys" ]; then
			base=$(basename "$cap" .pcap)
			base=${base%-midstream-nohello}
			for k in reordered duplicated overlap dropped midstream; do
				base=${base%-"$k"}
			done
			"$TLSDIAG" --json --keylog "$PCAPS/$base.keys" \
			    -r "$PCAPS/$cap" >"$out" 2>"$TMP/err" ||
			    { fail "$cap: exit $?: $(cat "$TMP/err")"; continue; }
		else
			SSLKEYLOGFILE='' "$TLSDIAG" --json -r "$PCAPS/$cap" \
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
done <"$top_srcdir/tests/e2e/expected/derived.tsv"
finish
