#!/usr/bin/env python3
"""tls_load.py - real TLS load for the live capture test (tests/e2e/live-load.sh).

usage: tls_load.py server PKIDIR ADDR PORT READYFILE
       tls_load.py client PKIDIR ADDR PORT REFUSED_PORT N PARALLEL FIRST_PORT [KEYLOG]

The server is Python's ssl module (OpenSSL) with the test PKI's server
certificate and intermediate CA; it answers one HTTP/1.0 request per
connection. The client makes N short connections from PARALLEL threads, as
fast as they go, cycling through three kinds:
  ok         TLS 1.3, trusts rootCA, GET / and read the answer
  untrusted  TLS 1.2, trusts only rogueCA: the client aborts with unknown_ca
  refused    TCP to REFUSED_PORT, where nothing listens
Each connection binds its own client port, FIRST_PORT + i, so that every
report of tlsdiag can be matched with what the client did. The client prints
one line per connection: "PORT KIND RESULT" (RESULT is what the client saw:
ok, verify-failed, refused, or an error), then exits 0 if every connection
behaved as its kind expects. With KEYLOG, the ok connections append their
secrets to that file (SSLKEYLOGFILE format) as they go.
"""
import os
import socket
import ssl
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

KINDS = ("ok", "untrusted", "refused")


def server(pki, addr, port, ready):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(pki, "server-chain.crt"),
                        os.path.join(pki, "server.key"))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(1024)
    with open(ready, "w", encoding="ascii") as f:
        f.write("ready\n")

    def serve(conn):
        try:
            conn.settimeout(10)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                tls.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def one(pki, addr, port, refused_port, i, first_port, keylog):
    kind = KINDS[i % len(KINDS)]
    cport = first_port + i
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(10)
    try:
        s.bind((addr, cport))
        if kind == "refused":
            try:
                s.connect((addr, refused_port))
                return cport, kind, "connected"
            except ConnectionRefusedError:
                return cport, kind, "refused"
        s.connect((addr, port))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if kind == "ok":
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3
            ctx.load_verify_locations(os.path.join(pki, "rootCA.crt"))
            if keylog:
                ctx.keylog_filename = keylog
        else:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_verify_locations(os.path.join(pki, "rogueCA.crt"))
        try:
            tls = ctx.wrap_socket(s, server_hostname="tls-server.local")
        except ssl.SSLCertVerificationError:
            return cport, kind, "verify-failed"
        tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
        tls.close()
        return cport, kind, "ok" if data.endswith(b"ok\n") else "short-answer"
    except (OSError, ssl.SSLError) as e:
        return cport, kind, "error:" + type(e).__name__
    finally:
        s.close()


def client(pki, addr, port, refused_port, n, par, first_port, keylog=None):
    want = {"ok": "ok", "untrusted": "verify-failed", "refused": "refused"}
    bad = 0
    with ThreadPoolExecutor(max_workers=int(par)) as ex:
        futs = [ex.submit(one, pki, addr, int(port), int(refused_port), i,
                          int(first_port), keylog) for i in range(int(n))]
        for f in futs:
            cport, kind, res = f.result()
            print(cport, kind, res)
            if res != want[kind]:
                bad += 1
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "server":
        server(*sys.argv[2:6])
        return 0
    if len(sys.argv) in (9, 10) and sys.argv[1] == "client":
        return client(*sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
