#!/bin/bash
# make-hostile.sh - a real capture whose SNI carries terminal escape
# sequences, control characters and invalid UTF-8, for the escaping tests.
# openssl s_client sends whatever bytes -servername gets; s_server on
# 127.0.0.1 answers. Run as root from the repository top: bash pcaps/make-hostile.sh
set -euo pipefail
cd "$(dirname "$0")"
PORT=14499
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
tcpdump -i lo -U -s 0 -w hostile-sni.pcap "tcp port $PORT" 2>"$tmp/td" &
for _ in $(seq 50); do grep -q listening "$tmp/td" && break; sleep 0.1; done
openssl s_server -accept 127.0.0.1:$PORT -cert pki/server.crt \
    -key pki/server.key -cert_chain pki/intermediateCA.crt -www -quiet \
    >/dev/null 2>&1 &
sleep 0.5
# ESC [ 2 J (clear screen), ESC ] 0 ; (window title), BEL, CR, a lone
# 0xff byte, a quote and a backslash.
sni=$(printf 'evil\033[2J\033]0;pwned\007\r"\\\377.test')
echo | timeout 5 openssl s_client -connect 127.0.0.1:$PORT \
    -servername "$sni" -CAfile pki/rootCA.crt >/dev/null 2>&1 || true
sleep 0.5
kill %2 2>/dev/null || true
sleep 0.3
kill -INT %1
wait %1 2>/dev/null || true
