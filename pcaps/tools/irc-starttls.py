#!/usr/bin/env python3
"""Minimal IRC server with STARTTLS, for capturing an IRC STARTTLS upgrade.

Speaks just enough IRC for openssl s_client -starttls irc: it answers the
client's STARTTLS with numeric 670 (RPL_STARTTLS, the IRCv3 tls extension)
and starts TLS, or in MODE refuse with 691 (ERR_STARTTLS) and goes on in
plaintext. Over TLS it greets with 001 and closes the link on QUIT. MODES
is a comma-separated list, one per connection, served one after the other:
ok (wait for the client's STARTTLS), notice (send a NOTICE on connect, as
servers do while looking the client up, then as ok), refuse.

usage: irc-starttls.py HOST PORT CERTCHAIN KEY MODES
"""
import socket
import ssl
import sys

NAME = "tls-server.local"


def serve(conn, ctx, mode):
    f = conn.makefile("rwb")

    def say(line):
        f.write(line.encode() + b"\r\n")
        f.flush()

    if mode == "notice":
        say(f":{NAME} NOTICE * :*** Looking up your hostname...")
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode(errors="replace").strip()
        verb = cmd.split(" ", 1)[0].upper()
        if verb == "STARTTLS" and mode == "refuse":
            say(f":{NAME} 691 * :STARTTLS failed (TLS is not configured)")
        elif verb == "STARTTLS":
            say(f":{NAME} 670 * :STARTTLS successful, go ahead with TLS "
                "handshake")
            f.close()
            conn = ctx.wrap_socket(conn, server_side=True)
            f = conn.makefile("rwb")
            say(f":{NAME} 001 tlsdiag :Welcome over TLS")
            while True:
                line = f.readline()
                if not line or line.upper().startswith(b"QUIT"):
                    break
            say("ERROR :Closing Link: tlsdiag (Quit)")
            f.close()
            try:
                conn.unwrap()
            except (OSError, ssl.SSLError):
                pass
            return
        elif verb == "QUIT":
            say("ERROR :Closing Link: tlsdiag (Quit)")
            return
        else:
            say(f":{NAME} 451 * :You have not registered")


def main():
    host, port, chain, key, modes = sys.argv[1:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, int(port)))
    srv.listen(4)
    for mode in modes.split(","):
        conn, _ = srv.accept()
        try:
            serve(conn, ctx, mode)
        except (OSError, ssl.SSLError) as e:
            print(f"connection ({mode}): {e}", file=sys.stderr)
        finally:
            conn.close()
    srv.close()


if __name__ == "__main__":
    main()
