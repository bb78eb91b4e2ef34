"""forge.py - TCP connection synthesis, TLS framing and DER helpers for
make-hostile.py and make-flood.py, on top of pcaps/tools/pcapio.py (the
capture files, frames and checksums of every script).

Python 3 standard library only, deterministic (no clock, no unseeded
randomness). Every frame built here carries a correct IPv4 header checksum
and a correct TCP checksum (IPv4 or IPv6 pseudo-header) unless a caller
deliberately breaks them.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'pcaps', 'tools'))
from pcapio import (  # noqa: E402
    LINKTYPE_ETHERNET, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, PcapError,
    decode, frame, read, tcp_header)

CT_CCS = 20
CT_ALERT = 21
CT_HANDSHAKE = 22
CT_APPDATA = 23

HS_CLIENT_HELLO = 1
HS_SERVER_HELLO = 2
HS_CERTIFICATE = 11
HS_SERVER_KEY_EXCHANGE = 12
HS_CERTIFICATE_REQUEST = 13
HS_SERVER_HELLO_DONE = 14
HS_CLIENT_KEY_EXCHANGE = 16


class Conversation:
    """The first TCP connection of a capture, as the client and server
    endpoints and the in-order list of data segments: (dir, payload),
    dir 0 client to server, 1 server to client. Retransmissions are
    dropped; FIN and RST are remembered only as facts."""

    def __init__(self, path):
        cap = read(path)
        if cap.linktype != LINKTYPE_ETHERNET:
            raise PcapError('%s: link type %d, want Ethernet' %
                            (path, cap.linktype))
        self.path = path
        self.segments = []
        self.client = None
        nxt = [None, None]
        for r in cap.records:
            pk = decode(LINKTYPE_ETHERNET, r.data)
            if pk is None or pk.tcp is None:
                continue
            af, src, dst, flags = pk.af, pk.src, pk.dst, pk.flags
            sport, dport, seq, payload = pk.sport, pk.dport, pk.seq, \
                bytes(pk.payload)
            if self.client is None:
                if not (flags & TCP_SYN) or (flags & TCP_ACK):
                    continue
                self.af = af
                self.client = (src, sport)
                self.server = (dst, dport)
            if (src, sport) == self.client and (dst, dport) == self.server:
                dr = 0
            elif (src, sport) == self.server and (dst, dport) == self.client:
                dr = 1
            else:
                continue
            if flags & TCP_SYN:
                nxt[dr] = (seq + 1) & 0xffffffff
                continue
            if not payload or nxt[dr] is None:
                continue
            if seq != nxt[dr]:
                continue        # retransmission or hole: keep it simple
            nxt[dr] = (seq + len(payload)) & 0xffffffff
            self.segments.append((dr, payload))
        if self.client is None:
            raise PcapError('%s: no SYN found' % path)

    def stream(self, dr):
        return b''.join(p for d, p in self.segments if d == dr)

    def flights(self):
        """Consecutive segments of one direction merged: [(dir, bytes)]."""
        out = []
        for d, p in self.segments:
            if out and out[-1][0] == d:
                out[-1] = (d, out[-1][1] + p)
            else:
                out.append((d, p))
        return out


# ---- synthesis ----

class Conn:
    """One synthesised TCP connection written to |w| (a PcapWriter with
    link type Ethernet). Sequence and acknowledgement numbers are kept
    right, so a reassembler sees a clean byte stream unless the caller
    asks otherwise."""

    def __init__(self, w, af, cip, cport, sip, sport, isn_c=0x10000000,
                 isn_s=0x20000000, mss=1448):
        self.w = w
        self.af = af
        self.ep = [(cip, cport), (sip, sport)]
        self.seq = [isn_c, isn_s]
        self.mss = mss
        self.ident = [1, 1]

    def packet(self, dr, flags, payload=b'', seq=None, ack=None,
               options=b''):
        src, sport = self.ep[dr]
        dst, dport = self.ep[1 - dr]
        if seq is None:
            seq = self.seq[dr]
        if ack is None:
            ack = self.seq[1 - dr] if flags & TCP_ACK else 0
        tcp = tcp_header(sport, dport, seq, ack, flags, options=options)
        self.w.add(frame(self.af, src, dst, tcp, payload,
                         ident=self.ident[dr]))
        self.ident[dr] += 1

    def open(self, answer=True):
        self.packet(0, TCP_SYN, options=b'\x02\x04\x05\xb4')
        self.seq[0] += 1
        if not answer:
            return
        self.packet(1, TCP_SYN | TCP_ACK, options=b'\x02\x04\x05\xb4')
        self.seq[1] += 1
        self.packet(0, TCP_ACK)

    def send(self, dr, data, mss=None, ack=True):
        """Send |data| from |dr| in segments of at most |mss| bytes, then
        (if |ack|) an empty ACK from the other side."""
        mss = mss or self.mss
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            self.packet(dr, TCP_ACK | TCP_PSH, chunk)
            self.seq[dr] += len(chunk)
        if ack and data:
            self.packet(1 - dr, TCP_ACK)

    def fin(self, dr):
        self.packet(dr, TCP_FIN | TCP_ACK)
        self.seq[dr] += 1

    def close(self):
        self.fin(0)
        self.fin(1)
        self.packet(0, TCP_ACK)

    def rst(self, dr):
        self.packet(dr, TCP_RST | TCP_ACK)


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def client_endpoint(i, base_ip=(10, 1), base_port=1024):
    """Distinct client (ip, port) number |i|: ports 1024..65535 on
    10.1.0.1, then 10.1.0.2, ..."""
    n = 65536 - base_port
    host = 1 + i // n
    return (bytes([base_ip[0], base_ip[1], (host >> 8) & 255, host & 255]),
            base_port + i % n)


# ---- TLS framing ----

def parse_records(stream):
    """Complete records at the front of |stream|: [(ct, ver, payload,
    offset)], and the offset of the first byte not consumed."""
    out = []
    off = 0
    while off + 5 <= len(stream):
        ct, ver, ln = struct.unpack('!BHH', stream[off:off + 5])
        if off + 5 + ln > len(stream):
            break
        out.append((ct, ver, stream[off + 5:off + 5 + ln], off))
        off += 5 + ln
    return out, off


def record(ct, ver, payload):
    return struct.pack('!BHH', ct, ver, len(payload)) + payload


def records(ct, ver, payload, size=16384):
    """|payload| framed in records of at most |size| bytes."""
    if not payload:
        return record(ct, ver, b'')
    return b''.join(record(ct, ver, payload[i:i + size])
                    for i in range(0, len(payload), size))


def hs(t, body):
    return struct.pack('!B', t) + len(body).to_bytes(3, 'big') + body


def parse_hs(data):
    """Handshake messages in |data|: [(type, body)]; a partial tail is
    dropped."""
    out = []
    off = 0
    while off + 4 <= len(data):
        t = data[off]
        ln = int.from_bytes(data[off + 1:off + 4], 'big')
        if off + 4 + ln > len(data):
            break
        out.append((t, data[off + 4:off + 4 + ln]))
        off += 4 + ln
    return out


def u8v(b):
    return struct.pack('!B', len(b)) + b


def u16v(b):
    return struct.pack('!H', len(b)) + b


def u24v(b):
    return len(b).to_bytes(3, 'big') + b


def parse_client_hello(body):
    """Split a ClientHello body: (prefix up to the extensions, [(type,
    data)]). The prefix is version, random, session id, suites and
    compression methods."""
    off = 2 + 32
    off += 1 + body[off]
    off += 2 + struct.unpack('!H', body[off:off + 2])[0]
    off += 1 + body[off]
    prefix = body[:off]
    exts = []
    if off < len(body):
        total = struct.unpack('!H', body[off:off + 2])[0]
        p = off + 2
        end = p + total
        while p < end:
            t, ln = struct.unpack('!HH', body[p:p + 4])
            exts.append((t, body[p + 4:p + 4 + ln]))
            p += 4 + ln
    return prefix, exts


def build_exts(exts):
    return b''.join(struct.pack('!HH', t, len(d)) + d for t, d in exts)


def client_hello(prefix, exts, ext_len=None):
    """A ClientHello body from |prefix| and the extension list; |ext_len|
    overrides the extensions length field (forged)."""
    blob = build_exts(exts)
    if ext_len is None:
        ext_len = len(blob)
    return prefix + struct.pack('!H', ext_len & 0xffff) + blob


# ---- DER ----

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(b)]) + b


def der(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_parse(b, off=0):
    """(tag, header length, content length) of the TLV at |off|."""
    tag = b[off]
    l0 = b[off + 1]
    if l0 < 0x80:
        return tag, 2, l0
    n = l0 & 0x7f
    return tag, 2 + n, int.from_bytes(b[off + 2:off + 2 + n], 'big')


def der_children(b):
    """The TLVs inside one constructed content |b|: [(tag, whole bytes)]."""
    out = []
    off = 0
    while off < len(b):
        tag, hl, cl = der_parse(b, off)
        out.append((tag, b[off:off + hl + cl]))
        off += hl + cl
    return out


def der_content(tlv):
    tag, hl, cl = der_parse(tlv)
    return tlv[hl:hl + cl]


def der_oid(dotted):
    parts = [int(x) for x in dotted.split('.')]
    out = bytearray([parts[0] * 40 + parts[1]])
    for v in parts[2:]:
        enc = [v & 0x7f]
        v >>= 7
        while v:
            enc.append(0x80 | (v & 0x7f))
            v >>= 7
        out += bytes(reversed(enc))
    return der(0x06, bytes(out))


def nested_sequences(depth, inner=b'\x05\x00', tag=0x30):
    """|depth| constructed TLVs (|tag|) each holding the next, |inner| at
    the bottom, with definite DER lengths. Built from the inside out as a
    list of headers, so 10,000 levels cost one join, not 10,000 copies."""
    hdrs = []
    n = len(inner)
    for _ in range(depth):
        h = bytes([tag]) + der_len(n)
        hdrs.append(h)
        n += len(h)
    return b''.join(reversed(hdrs)) + inner
