#!/usr/bin/env python3
"""TCP relay that resets a TLS connection right after the client's Certificate.

Models a server (or a middlebox in front of it) that drops the connection
with a TCP RST, and no TLS alert, as soon as the client has sent its
certificate. It relays byte-for-byte between the client and a real TLS
server (openssl s_server) and watches the client->server records:

  TLS 1.2: a plaintext handshake record from the client whose message type
           is 11 (Certificate)                            -> reset
  TLS 1.3: the first encrypted record (type 23) from the client after the
           server has sent encrypted records (its flight)  -> reset; in an
           mTLS handshake that record is the client's Certificate

The triggering record is not forwarded. The client socket is closed with
SO_LINGER {1, 0}, so the kernel sends RST instead of FIN.

usage: reset-relay.py LISTEN_HOST LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT [COUNT]
"""
import select
import socket
import struct
import sys
import time


def records(buf):
    """Split complete TLS records off the front of buf; return (list, rest)."""
    out = []
    while len(buf) >= 5:
        n = struct.unpack("!H", buf[3:5])[0]
        if len(buf) < 5 + n:
            break
        out.append(buf[:5 + n])
        buf = buf[5 + n:]
    return out, buf


def relay(c, up):
    cbuf = b""
    server_encrypted = False
    client_ccs = False
    deadline = time.time() + 15
    while time.time() < deadline:
        r, _, _ = select.select([c, up], [], [], 0.5)
        if up in r:
            data = up.recv(65536)
            if not data:
                return "upstream closed"
            # record boundaries in the server stream are not needed exactly:
            # any type-23 record header at a record start marks the flight
            sbuf = data
            while len(sbuf) >= 5:
                if sbuf[0] == 23:
                    server_encrypted = True
                n = struct.unpack("!H", sbuf[3:5])[0]
                sbuf = sbuf[5 + n:]
            c.sendall(data)
        if c in r:
            data = c.recv(65536)
            if not data:
                return "client closed"
            cbuf += data
            recs, cbuf = records(cbuf)
            for rec in recs:
                ctype = rec[0]
                if ctype == 20:
                    client_ccs = True
                if ctype == 22 and not client_ccs and len(rec) > 5 and rec[5] == 11:
                    return "reset"       # TLS 1.2 client Certificate
                if ctype == 23 and server_encrypted:
                    return "reset"       # TLS 1.3 client's encrypted flight
                up.sendall(rec)
    return "timeout"


def main():
    lh, lp, uh, up_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ls = socket.socket(socket.AF_INET6 if ":" in lh else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((lh, lp))
    ls.listen(8)
    ls.settimeout(30)
    for _ in range(count):
        c, addr = ls.accept()
        up = socket.create_connection((uh, up_port), timeout=10)
        why = relay(c, up)
        print(f"relay {addr}: {why}", flush=True)
        if why == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            up.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        up.close()


if __name__ == "__main__":
    main()
