#!/usr/bin/env python3
"""Minimal SMTP server with STARTTLS, for capturing a STARTTLS upgrade.

Speaks just enough SMTP for curl --ssl-reqd or openssl s_client -starttls smtp:
EHLO/HELO, STARTTLS, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Serves COUNT
connections one after the other, then exits. Mail is discarded.

MODE refuse answers STARTTLS with 454 (TLS not available), as a server
without a usable certificate does; it also serves as a plaintext-only SMTP
server (a banner where a client may expect TLS).

usage: smtp-starttls.py HOST PORT CERTCHAIN KEY [COUNT [MODE]]
"""
import socket
import ssl
import sys


def serve(conn, ctx, mode):
    f = conn.makefile("rwb")
    tls = False

    def say(line):
        f.write(line.encode() + b"\r\n")
        f.flush()

    say("220 tls-server.local ESMTP tlsdiag-test")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode(errors="replace").strip()
        verb = cmd.split(" ", 1)[0].upper()
        if verb == "EHLO":
            if tls:
                say("250-tls-server.local")
                say("250 8BITMIME")
            else:
                say("250-tls-server.local")
                say("250-8BITMIME")
                say("250 STARTTLS")
        elif verb == "HELO":
            say("250 tls-server.local")
        elif verb == "STARTTLS" and mode == "refuse":
            say("454 4.7.0 TLS not available due to local problem")
        elif verb == "STARTTLS" and not tls:
            say("220 2.0.0 Ready to start TLS")
            f.close()
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rwb")
            tls = True
        elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
            say("250 2.0.0 OK")
        elif verb == "DATA":
            say("354 End data with <CR><LF>.<CR><LF>")
            while True:
                l = f.readline()
                if not l or l.rstrip(b"\r\n") == b".":
                    break
            say("250 2.0.0 OK queued")
        elif verb == "QUIT":
            say("221 2.0.0 Bye")
            f.close()
            if tls:
                try:
                    conn.unwrap()
                except (ssl.SSLError, OSError):
                    pass
            return
        else:
            say("502 5.5.2 Command not recognized")


def main():
    host, port, chain, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    mode = sys.argv[6] if len(sys.argv) > 6 else "tls"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    ls = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(4)
    ls.settimeout(30)
    for _ in range(count):
        conn, _ = ls.accept()
        conn.settimeout(10)
        try:
            serve(conn, ctx, mode)
        except (ssl.SSLError, OSError) as e:
            print("smtp:", e, file=sys.stderr)
        finally:
            conn.close()


if __name__ == "__main__":
    main()
