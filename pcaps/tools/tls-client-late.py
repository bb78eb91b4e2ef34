#!/usr/bin/env python3
"""A TLS client (the ssl module: OpenSSL) that starts its handshake DELAY
seconds after the TCP connection is up, as a client far from the server
does: a server that greets first (an SMTP banner) is heard before the
ClientHello. Prints what happened; exits 0 either way.

usage: tls-client-late.py HOST PORT DELAY SNI CAFILE [KEYLOG]
"""
import socket
import ssl
import sys
import time


def main():
    host, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    sni, cafile = sys.argv[4], sys.argv[5]
    ctx = ssl.create_default_context(cafile=cafile)
    if len(sys.argv) > 6:
        ctx.keylog_filename = sys.argv[6]
    s = socket.create_connection((host, port), timeout=10)
    time.sleep(delay)
    try:
        t = ctx.wrap_socket(s, server_hostname=sni)
        print("tls:", t.version())
        t.close()
    except (ssl.SSLError, OSError) as e:
        print("tls failed:", e)
        s.close()


if __name__ == "__main__":
    main()
