#!/bin/bash
# bad-alpn.sh - a real server's answer to a ClientHello with one malformed
# extension (issue 15 case 7).
#
#   sudo bash pcaps/tools/bad-alpn.sh      (from the top of the tree; root
#                                          for tcpdump on lo)
#
# No client sends a broken ALPN list on purpose, so the hello is a recorded
# one: curl's ClientHello of pcaps/tls13-ok.pcap (frame 4, read with
# tshark), with ONE byte changed: the ALPN ProtocolNameList length 0x000c
# becomes 0x0001 (RFC 7301 requires at least 2; the extension keeps its
# framing, 14 bytes). A Python socket sends those bytes to a real
# `openssl s_server -tls1_3` on 127.0.0.1 and reads its answer; tcpdump on
# lo records the exchange into pcaps/derived/tls13-bad-alpn.pcap.
# The SNI (tls-server.local), versions, suites and key share are curl's.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-14490}
OUT=derived/tls13-bad-alpn.pcap
WORK=$(mktemp -d)
trap 'kill $SRV $CAP 2>/dev/null || true; rm -rf "$WORK"' EXIT

hex=$(tshark -r tls13-ok.pcap -Y 'tls.handshake.type==1' -T fields \
    -e tcp.payload | head -1)
python3 - "$hex" "$WORK/hello" <<'PY'
import sys
b = bytearray.fromhex(sys.argv[1])
alpn = bytes.fromhex("0010000e000c026832")
i = b.find(alpn)
assert i > 0 and b.find(alpn, i + 1) < 0, "ALPN extension not found once"
b[i + 5] = 0x01
open(sys.argv[2], "wb").write(b)
PY

openssl s_server -accept "127.0.0.1:$PORT" -tls1_3 -www \
    -cert pki/server.crt -key pki/server.key \
    -cert_chain pki/intermediateCA.crt >"$WORK/server.log" 2>&1 &
SRV=$!
for i in $(seq 50); do
	ss -Hltn "sport = :$PORT" | grep -q . && break
	sleep 0.1
done
tcpdump -i lo -U --immediate-mode -s 0 -nn -w "$OUT" "tcp port $PORT" \
    2>"$WORK/tcpdump.log" &
CAP=$!
for i in $(seq 50); do
	grep -q 'listening on' "$WORK/tcpdump.log" && break
	sleep 0.1
done
python3 - "$PORT" "$WORK/hello" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(open(sys.argv[2], "rb").read())
got = b""
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        got += d
except socket.timeout:
    pass
s.close()
print("server answered %d bytes: %s" % (len(got), got[:16].hex()))
PY
sleep 0.7
kill -INT $CAP
wait $CAP || true
kill $SRV 2>/dev/null || true
sed -n 1,5p "$WORK/server.log"
echo "wrote pcaps/$OUT"
