#!/bin/sh
# live-summary.sh - live capture on lo with --summary-interval 1: while a
# real openssl client and server talk, the summary is printed every
# second without stopping, SIGUSR1 prints it at once, the counts are said
# to be since the start, and the service appears in it. Needs root.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "skipped: needs root"
command -v openssl >/dev/null 2>&1 || skip "skipped: needs openssl"
PKI="$PCAPS/pki"
PORT=$((30000 + $$ % 10000))

"$TLSDIAG" -i lo -q --summary-interval 1 "tcp port $PORT" >"$TMP/out" \
    2>"$TMP/err" &
td=$!
sleep 1
kill -0 "$td" 2>/dev/null || { cat "$TMP/err"; fail "tlsdiag -i lo died"; finish; }
openssl s_server -accept "127.0.0.1:$PORT" -cert "$PKI/server.crt" \
    -key "$PKI/server.key" -cert_chain "$PKI/intermediateCA.crt" -www \
    -quiet >/dev/null 2>&1 &
srv=$!
sleep 0.5
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -quiet \
    -connect "127.0.0.1:$PORT" -servername tls-server.local \
    -CAfile "$PKI/rootCA.crt" >/dev/null 2>&1
sleep 2.5
n1=$(grep -c '^Interim summary at .*, counted since the start:$' "$TMP/out")
kill -USR1 "$td"
sleep 0.5
n2=$(grep -c '^Interim summary at ' "$TMP/out")
kill "$srv" 2>/dev/null
kill -INT "$td"
wait "$td"
rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "tlsdiag exit $rc after SIGINT"; fi
if [ "$n1" -ge 2 ]; then pass; else fail "$n1 interim summaries in 3.5 s"; fi
if [ "$n2" -gt "$n1" ]; then pass; else fail "SIGUSR1 printed no summary"; fi
if grep -q "^Summary: 1 connection: 1 ok," "$TMP/out"; then pass; else
	fail "no summary counting the handshake: $(head -20 "$TMP/out")"; fi
# The last summary (at SIGINT) is the final one, with packet counts.
if tail -n 3 "$TMP/out" | grep -q '^Packets: '; then pass; else
	fail "no final summary"; fi
finish
