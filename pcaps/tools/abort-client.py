#!/usr/bin/env python3
"""TLS client that gives up right after the server's hello flight.

It runs a real OpenSSL client handshake (Python ssl over memory BIOs), sends
the ClientHello, reads the server's flight until the client has its own next
flight ready (TLS 1.2: after ServerHelloDone; TLS 1.3: after the server's
Finished), then throws that flight away and closes the TCP connection with a
FIN: no alert, no RST. The server certificate is verified first (against
--cafile) so the abort is not a certificate rejection in disguise.

usage: abort-client.py HOST PORT SERVERNAME CAFILE {1.2|1.3} KEYLOGFILE
"""
import socket
import ssl
import sys


def main():
    host, port, name, cafile, ver, keylog = sys.argv[1:7]
    ctx = ssl.create_default_context(cafile=cafile)
    v = ssl.TLSVersion.TLSv1_2 if ver == "1.2" else ssl.TLSVersion.TLSv1_3
    ctx.minimum_version = ctx.maximum_version = v
    ctx.keylog_filename = keylog
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname=name)
    sock = socket.create_connection((host, int(port)), timeout=5)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    sock.sendall(out.read())                     # ClientHello
    done = False
    while not done:
        data = sock.recv(65536)
        if not data:
            print("server closed first", file=sys.stderr)
            break
        inc.write(data)
        try:
            obj.do_handshake()
            done = True
        except ssl.SSLWantReadError:
            done = out.pending > 0
    pending = out.pending
    out.read()                                   # our next flight: never sent
    sock.shutdown(socket.SHUT_WR)                # FIN, no alert
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass
    sock.close()
    print(f"aborted after server flight; discarded {pending} bytes of client flight", file=sys.stderr)


if __name__ == "__main__":
    main()
