#!/bin/sh
# live.sh - live capture on lo while a real openssl client and server
# talk on 127.0.0.1: the handshake is reported as it ends, SIGUSR1 prints
# the counters, SIGINT finishes cleanly, and the analysis runs as the -Z
# user (nobody) after the interface is opened. Needs root.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "skipped: needs root"
command -v openssl >/dev/null 2>&1 || skip "skipped: needs openssl"
PKI="$PCAPS/pki"
PORT=$((20000 + $$ % 10000))

"$TLSDIAG" -i lo -Z nobody --json "tcp port $PORT" >"$TMP/out" \
    2>"$TMP/err" &
td=$!
sleep 1
kill -0 "$td" 2>/dev/null || { cat "$TMP/err"; fail "tlsdiag -i lo died"; finish; }
uid=$(awk '/^Uid:/ { print $3 }' "/proc/$td/status")
if [ "$uid" = 65534 ]; then pass; else
	fail "effective uid after start-up is $uid, want 65534 (nobody)"; fi

openssl s_server -accept "127.0.0.1:$PORT" -cert "$PKI/server.crt" \
    -key "$PKI/server.key" -cert_chain "$PKI/intermediateCA.crt" -www \
    -quiet >/dev/null 2>&1 &
srv=$!
sleep 0.5
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -quiet \
    -connect "127.0.0.1:$PORT" -servername tls-server.local \
    -CAfile "$PKI/rootCA.crt" >/dev/null 2>&1
sleep 0.5
kill -USR1 "$td"
sleep 0.3
kill "$srv" 2>/dev/null
kill -INT "$td"
wait "$td"
rc=$?
if [ "$rc" -eq 0 ]; then pass; else fail "tlsdiag exit $rc after SIGINT"; fi
if grep -q "packets received" "$TMP/err"; then pass; else
	fail "no pcap counters on stderr: $(cat "$TMP/err")"; fi
if msg=$(python3 "$TOOLS/check_verdicts.py" "$TMP/out" 1 ok certain \
    c2s:SYN s2c:SYN-ACK c2s:ClientHello s2c:ServerHello); then pass; else
	fail "live: $msg"; fi
finish
