#!/usr/bin/env python3
"""The RDP connection preamble (MS-RDPBCGR 2.2.1.1 and 2.2.1.2), then TLS.

Only the X.224 Connection Request / Connection Confirm PDUs with their
RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE are built here (TPKT, RFC
1006); the TLS that follows is the ssl module's, that is OpenSSL's. Nothing
after the TLS handshake is RDP: this is a stand-in for the negotiation
phase of an RDP server, for captures.

server: rdp-x224.py server HOST PORT CERTCHAIN KEY KEYLOG ANSWER...
  one connection per ANSWER, in order:
    ssl      RDP_NEG_RSP selecting PROTOCOL_SSL, then a TLS handshake; the
             server reads the client's first TLS data (or its close) and
             closes
    failN    RDP_NEG_FAILURE with failureCode N, then close
    rdp      RDP_NEG_RSP selecting PROTOCOL_RDP (standard RDP security)
client: rdp-x224.py client HOST PORT PROTOCOLS [KEYLOG]
  sends a Connection Request asking for PROTOCOLS (requestedProtocols,
  e.g. 3 = SSL | HYBRID); if the Confirm selects a TLS protocol, does a TLS
  handshake (no certificate check: RDP clients pin or ask), sends a line
  and reads until the server closes.
"""
import socket
import ssl
import struct
import sys

NEG_REQ, NEG_RSP, NEG_FAILURE = 1, 2, 3
PROTOCOL_RDP, PROTOCOL_SSL = 0, 1


def tpkt(payload):
    return struct.pack(">BBH", 3, 0, 4 + len(payload)) + payload


def x224(code, variable):
    # LI counts the bytes after itself: code, DST-REF, SRC-REF, class,
    # then the variable part.
    fixed = struct.pack(">BHHB", code, 0, 0x1234 if code == 0xD0 else 0, 0)
    return tpkt(bytes([len(fixed) + len(variable)]) + fixed + variable)


def neg(kind, flags, value):
    return struct.pack("<BBHI", kind, flags, 8, value)


def read_pdu(sock):
    head = b""
    while len(head) < 4:
        b = sock.recv(4 - len(head))
        if not b:
            raise EOFError("closed before a TPKT header")
        head += b
    n = struct.unpack(">H", head[2:4])[0]
    body = b""
    while len(body) < n - 4:
        b = sock.recv(n - 4 - len(body))
        if not b:
            raise EOFError("closed inside a TPKT")
        body += b
    return head + body


def server(host, port, chain, key, keylog, answers):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    ctx.keylog_filename = keylog
    ls = socket.socket(socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, port))
    ls.listen(4)
    ls.settimeout(60)
    for a in answers:
        conn, _ = ls.accept()
        conn.settimeout(10)
        try:
            cr = read_pdu(conn)
            req = struct.unpack("<I", cr[-4:])[0] if cr[-8] == NEG_REQ else 0
            print(f"rdp: requested protocols {req:#x}, answer {a}",
                  file=sys.stderr)
            if a == "ssl":
                conn.sendall(x224(0xD0, neg(NEG_RSP, 0, PROTOCOL_SSL)))
                t = ctx.wrap_socket(conn, server_side=True)
                t.recv(4096)
            elif a == "rdp":
                conn.sendall(x224(0xD0, neg(NEG_RSP, 0, PROTOCOL_RDP)))
                conn.recv(4096)
            elif a.startswith("fail"):
                conn.sendall(x224(0xD0, neg(NEG_FAILURE, 0, int(a[4:]))))
        except (ssl.SSLError, OSError, EOFError) as e:
            print("rdp:", e, file=sys.stderr)
        finally:
            conn.close()


def client(host, port, protocols, keylog):
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(x224(0xE0, b"Cookie: mstshash=tlsdiag\r\n" +
                   neg(NEG_REQ, 0, protocols)))
    cc = read_pdu(s)
    kind, value = cc[11], struct.unpack("<I", cc[15:19])[0]
    print(f"rdp client: confirm type {kind} value {value:#x}", file=sys.stderr)
    if kind == NEG_RSP and value & 0x1B:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if keylog:
            ctx.keylog_filename = keylog
        t = ctx.wrap_socket(s)
        print("rdp client:", t.version(), file=sys.stderr)
        t.sendall(b"tlsdiag\r\n")
        while t.recv(4096):
            pass
        t.close()
    else:
        s.close()


def main():
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
               sys.argv[6], sys.argv[7:])
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4], 0),
               sys.argv[5] if len(sys.argv) > 5 else None)


if __name__ == "__main__":
    main()
