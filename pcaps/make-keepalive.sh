#!/bin/bash
# make-keepalive.sh - a real capture of a stalled TLS handshake kept alive
# by TCP keepalive probes spaced beyond tlsdiag's --idle-timeout, for the
# idle/keepalive tests (issue 19). Scaled down from curl's 60 s keepalive
# against the default 60 s idle timeout: the probes come every 2 s, the
# test runs tlsdiag with --idle-timeout 1. A Python server on 127.0.0.1
# reads the ClientHello and never answers; a Python ssl client with
# SO_KEEPALIVE (TCP_KEEPIDLE 2, TCP_KEEPINTVL 2) waits 9 s for the
# ServerHello, then closes (FIN). Linux sends its probes with seq =
# snd_nxt - 1 and no payload; the server's stack acknowledges each.
# Run as root from the repository top: bash pcaps/make-keepalive.sh
set -euo pipefail
cd "$(dirname "$0")"
PORT=14498
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
tcpdump -i lo -U -s 0 -w keepalive-stall.pcap "tcp port $PORT" 2>"$tmp/td" &
for _ in $(seq 50); do grep -q listening "$tmp/td" && break; sleep 0.1; done
python3 - "$PORT" <<'PY' &
import socket, sys, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(1)
c, _ = ls.accept()
c.recv(65536)           # the ClientHello; never answered
c.settimeout(12)
try:
    c.recv(65536)       # until the client gives up (FIN)
except OSError:
    pass
c.close()
PY
sleep 0.5
python3 - "$PORT" <<'PY' || true
import socket, ssl, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 2)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 2)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 9)
s.settimeout(9)
s.connect(("127.0.0.1", int(sys.argv[1])))
ctx = ssl.create_default_context()
try:
    ctx.wrap_socket(s, server_hostname="tls-server.local")
except (OSError, ssl.SSLError):
    pass
s.close()
PY
sleep 1
kill -INT %1
wait %1 2>/dev/null || true
