#!/bin/sh
# benchtools.sh - bench/alternate.py, the comparison of builds in
# alternation: two builds over two captures in 3 rounds give a table per
# capture with a row per build, the second's ratio to the first and its
# count of faster rounds out of 3; the order of the builds rotates from
# round to round (a build that records the order it ran in says so); a
# build that fails stops it with exit 1 naming the build's exit; a build
# that is not there, or no capture, is a usage error (exit 2).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
ALT="$top_srcdir/bench/alternate.py"

python3 "$ALT" --rounds 3 --capture "$PCAPS/tls12-ok.pcap" \
    --capture "$PCAPS/kb-mtls.pcap" first="$TLSDIAG" second="$TLSDIAG" \
    >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^| first | ' "$TMP/out")" -eq 2 ] &&
    [ "$(grep -c '^| second | .* | [0-3] of 3 |$' "$TMP/out")" -eq 2 ] &&
    grep -q "^$PCAPS/tls12-ok.pcap, 3 rounds\$" "$TMP/out" &&
    grep -q "^$PCAPS/kb-mtls.pcap, 3 rounds\$" "$TMP/out"; then
	pass
else
	fail "two builds: exit $rc: $(head -c 600 "$TMP/out") $(cat "$TMP/err")"
fi

# Builds that log the order they ran in: a b, then b a, then a b.
for n in a b; do
	cat >"$TMP/$n" <<SH
#!/bin/sh
echo $n >>"$TMP/order"
SH
	chmod +x "$TMP/$n"
done
python3 "$ALT" --rounds 3 --capture "$PCAPS/tls12-ok.pcap" \
    "$TMP/a" "$TMP/b" >/dev/null 2>&1
if [ "$(tr '\n' ' ' <"$TMP/order")" = "a b b a a b " ]; then
	pass
else
	fail "rotation: $(tr '\n' ' ' <"$TMP/order")"
fi

python3 "$ALT" --rounds 1 --args=--no-such-option \
    --capture "$PCAPS/tls12-ok.pcap" "$TLSDIAG" >/dev/null 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'exited 1' "$TMP/err"; then
	pass
else
	fail "failing build: exit $rc: $(cat "$TMP/err")"
fi

for args in "--capture $PCAPS/tls12-ok.pcap $TMP/none" "$TLSDIAG" \
    "--capture $TMP/none.pcap $TLSDIAG"; do
	# shellcheck disable=SC2086
	python3 "$ALT" --rounds 1 $args >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 2 ]; then pass; else fail "usage ($args): exit $rc"; fi
done

finish
