#!/usr/bin/env python3
"""make-hostile.py - derive hostile captures from the real ones in pcaps/.

    python3 tests/hostile/make-hostile.py [--pcaps DIR] [--only KIND,...] OUTDIR

Writes OUTDIR/<kind>-<source>.pcap and OUTDIR/manifest.tsv, one line per
capture: file name, what exit status to accept ("ok": 0; "trunc": 0 or
2, the file itself is cut or broken at the pcap level) and extra tlsdiag
arguments ("-" for none; PCAPS/ in them is the --pcaps directory).

Python 3 standard library only and deterministic (fixed seeds, fixed
timestamps): a re-run gives byte-identical files. Nothing here is a
real capture any more: the TLS bytes come from the real captures, the
TCP/IP framing is rebuilt (each variant is its own TCP connection with a
distinct client port, correct IPv4 header and TCP checksums), and every
byte that differs from what a real peer sent is FORGED on purpose and
marked so in the comments below. These are malformed-input tests; the
program must survive them (exit 0, no crash, no sanitizer report, valid
JSON, bounded time), not diagnose them in any particular way.

Kinds:
  cut       the server's first flight cut at every offset, one connection
            per cut (FIN, RST or silence after the cut); also the
            ClientHello cut at every offset
  flip      1-4 bytes flipped at random TLS payload positions (seed fixed),
            hundreds of connections per source
  lenfield  every record, handshake and vector length field of the clear
            flights set to 0, 1, value-1, value+1, the field's maximum and
            the protocol limits and limit+1 (2^14, 2^14+2048, 256 KiB)
  cert10k   a Certificate with 10,000 entries (tiny DER, and copies of the
            real leaf: 10 MB, record-framed over hundreds of records)
  sni64k    a ClientHello whose SNI fills the 64 KiB extensions block
  ext64k    a ClientHello with 16,383 distinct, duplicate or 65,535 tiny
            extensions; each known extension empty, short or garbage
  asn1deep  certificates and CA names with 10,000 nested SEQUENCEs/SETs
  rec1      handshakes in 1-byte records, 1-byte TCP segments, both, and
            with empty records in between
  endless   a connection that never ends (16 MiB of application data, no
            FIN; with a 2-hour gap; with time running backwards); 20,000
            SYNs never answered, SYN retransmissions, port reuse
  garbage   broken link/IP/TCP headers: every truncation, caplen < len,
            zero-length records, absurd IHL/data offset/lengths, VLAN
            stacks, IPv6 extension chains, TCP option garbage, random
            frames; for every link type tlsdiag decodes
  pcapfile  broken pcap files (cut records, bogus record lengths, odd
            snaplen, pcapng cut at many offsets): exit 0 or 2
"""
import argparse
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'pcaps', 'tools'))
from pcapio import (  # noqa: E402
    LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW, TCP_ACK,
    TCP_PSH, TCP_SYN, PcapWriter, csum, ipv4_header, ipv6_header, link_wrap,
    tcp_header, tcp_segment)
from forge import (  # noqa: E402
    CT_ALERT, CT_APPDATA, CT_CCS, CT_HANDSHAKE, HS_CERTIFICATE,
    HS_CERTIFICATE_REQUEST, HS_CLIENT_HELLO, HS_CLIENT_KEY_EXCHANGE,
    HS_SERVER_HELLO, HS_SERVER_KEY_EXCHANGE, Conn, Conversation,
    client_endpoint, client_hello, der, der_children, der_content, der_oid,
    hs, nested_sequences, parse_client_hello, parse_hs, parse_records,
    records, u16v, u24v)

SEED = 20240229
DEPTH = 10000

# Sources: the real captures the variants come from.
TLS12 = 'tls12-ok'
TLS13 = 'tls13-ok'
MTLS12 = 'tls12-client-cert-untrusted'
MTLS13 = 'tls13-client-cert-untrusted'


class Ctx:
    def __init__(self, pcaps, outdir):
        self.pcaps = pcaps
        self.outdir = outdir
        self.manifest = []
        self.convs = {}

    def conv(self, name):
        if name not in self.convs:
            self.convs[name] = Conversation(
                os.path.join(self.pcaps, name + '.pcap'))
        return self.convs[name]

    def keys(self, name):
        """Extra arguments naming the key log of |name|, if there is one."""
        if os.path.exists(os.path.join(self.pcaps, name + '.keys')):
            return '--keylog PCAPS/%s.keys' % name
        return '-'


class Capture:
    """One output capture of many synthesised connections."""

    def __init__(self, ctx, name, expect='ok', args='-',
                 linktype=LINKTYPE_ETHERNET, snaplen=262144):
        self.ctx = ctx
        self.name = name + '.pcap'
        self.path = os.path.join(ctx.outdir, self.name)
        self.w = PcapWriter(self.path, linktype=linktype, snaplen=snaplen)
        self.n = 0
        ctx.manifest.append((self.name, expect, args))

    def conn(self, conv, mss=1448):
        """A new connection with a client port of its own; the server is
        the source capture's server."""
        cip, cport = client_endpoint(self.n)
        if conv.af == 6:
            cip = b'\xfd' + b'\0' * 11 + cip
        self.n += 1
        return Conn(self.w, conv.af, cip, cport, conv.server[0],
                    conv.server[1], isn_c=0x10000000 + self.n * 7919,
                    isn_s=0xfffff000 + self.n * 104729, mss=mss)

    def close(self):
        self.w.close()


def replay(c, flights, end='fin'):
    """Open |c|, send |flights| [(dir, bytes)] and end with |end|: 'fin'
    (both sides), 'rst' (server resets), 'rstc' (client), or 'none'."""
    c.open()
    for d, data in flights:
        c.send(d, data)
    if end == 'fin':
        c.close()
    elif end == 'rst':
        c.rst(1)
    elif end == 'rstc':
        c.rst(0)


def rewrite_hs_flight(data, fn, size=16384, empty_every=0):
    """Take the leading handshake records of |data| (one flight), give
    their messages [(type, body)] to |fn|, and frame what it returns in
    records of |size| bytes, followed by the flight's other records as
    they were. |empty_every| > 0 puts an empty handshake record after
    every that many records (FORGED: RFC 8446 5.1 forbids them)."""
    recs, end = parse_records(data)
    hsdata = b''
    ver = 0x0303
    cut = 0
    for ct, v, payload, off in recs:
        if ct != CT_HANDSHAKE:
            break
        if not hsdata:
            ver = v
        hsdata += payload
        cut = off + 5 + len(payload)
    msgs = fn(parse_hs(hsdata))
    body = b''.join(hs(t, b) for t, b in msgs)
    out = records(CT_HANDSHAKE, ver, body, size)
    if empty_every:
        parts, _ = parse_records(out)
        out = b''
        for i, (ct, v, payload, off) in enumerate(parts):
            out += struct.pack('!BHH', ct, v, len(payload)) + payload
            if i % empty_every == 0:
                out += struct.pack('!BHH', CT_HANDSHAKE, v, 0)
    return out + data[cut:]


def replace_msg(msgs, t, body_fn):
    return [(mt, body_fn(b) if mt == t else b) for mt, b in msgs]


# ---- (1) cut ----

def gen_cut(ctx):
    for src in (TLS12, TLS13, MTLS12):
        conv = ctx.conv(src)
        fl = conv.flights()
        cap = Capture(ctx, 'cut-' + src)
        flight = fl[1][1]
        for k in range(len(flight) + 1):
            # The server's first flight cut after |k| bytes; then FIN,
            # RST or nothing (the connection stays open to the end).
            c = cap.conn(conv)
            end = ('fin', 'rst', 'none')[k % 3]
            replay(c, [fl[0], (1, flight[:k])], end)
        ch = fl[0][1]
        for k in range(len(ch) + 1):
            # The ClientHello cut after |k| bytes, then the client leaves.
            c = cap.conn(conv)
            replay(c, [(0, ch[:k])], ('fin', 'rstc', 'none')[k % 3])
        cap.close()


# ---- (2) flip ----

def gen_flip(ctx):
    rng = random.Random(SEED)
    for src in (TLS12, TLS13, MTLS12, MTLS13, 'tls13-ok-ipv6',
                'tls12-mtls-ok', 'tls13-hrr', 'tls12-resume'):
        conv = ctx.conv(src)
        fl = conv.flights()
        hs_bytes = len(fl[0][1]) + len(fl[1][1])
        total = sum(len(p) for d, p in fl)
        cap = Capture(ctx, 'flip-' + src, args=ctx.keys(src))
        for i in range(400):
            # FORGED: 1-4 bytes XORed with a random non-zero value, in
            # the first two flights (where the clear-text parsers work)
            # for half the connections, anywhere for the others.
            flat = bytearray(b''.join(p for d, p in fl))
            span = hs_bytes if i % 2 == 0 else total
            for _ in range(rng.randint(1, 4)):
                flat[rng.randrange(span)] ^= rng.randint(1, 255)
            out = []
            off = 0
            for d, p in fl:
                out.append((d, bytes(flat[off:off + len(p)])))
                off += len(p)
            replay(cap.conn(conv), out, ('fin', 'rst', 'none')[i % 3])
        cap.close()


# ---- (3) lenfield ----

REC_LIMITS = (16384, 16385, 16384 + 2048, 16384 + 2049)
HS_LIMITS = (256 * 1024, 256 * 1024 + 1, 16384, 16385)


def lengths_in_flight(data, tls13):
    """Every length field in the clear part of one flight: [(name,
    offset, width, value, extra values)]. Stops at the first record that
    is not handshake or alert in the clear."""
    fields = []
    recs, _ = parse_records(data)
    for ri, (ct, v, payload, off) in enumerate(recs):
        fields.append(('record%d' % ri, off + 3, 2, len(payload),
                       REC_LIMITS))
        if ct != CT_HANDSHAKE:
            if ct in (CT_CCS, CT_APPDATA):
                break
            continue
        p = 0
        while p + 4 <= len(payload):
            t = payload[p]
            ln = int.from_bytes(payload[p + 1:p + 4], 'big')
            base = off + 5 + p + 4
            fields.append(('hs%d' % t, base - 3, 3, ln, HS_LIMITS))
            if p + 4 + ln > len(payload):
                break
            body = payload[p + 4:p + 4 + ln]
            try:
                fields += body_fields(t, body, base, tls13)
            except (IndexError, struct.error):
                pass
            p += 4 + ln
    return fields


def vec_fields(name, body, pos, base, w):
    """The length field of a vector of width |w| at |pos|; returns the
    field list and the position after the vector."""
    v = int.from_bytes(body[pos:pos + w], 'big')
    return [(name, base + pos, w, v, ())], pos + w + v


def ext_fields(prefix, body, pos, base):
    f, end = vec_fields(prefix + '-exts', body, pos, base, 2)
    p = pos + 2
    while p + 4 <= end:
        t, ln = struct.unpack('!HH', body[p:p + 4])
        f.append(('%s-ext%d' % (prefix, t), base + p + 2, 2, ln, ()))
        if t == 0 and ln >= 5:
            # server_name: ServerNameList, then HostName (RFC 6066 3).
            f.append(('sni-list', base + p + 4, 2,
                      struct.unpack('!H', body[p + 4:p + 6])[0], ()))
            f.append(('sni-name', base + p + 7, 2,
                      struct.unpack('!H', body[p + 7:p + 9])[0], ()))
        if t in (10, 13, 16, 43, 51) and ln >= 2 and prefix == 'ch':
            f.append(('ch-ext%d-list' % t, base + p + 4,
                      1 if t == 43 else 2,
                      body[p + 4] if t == 43 else
                      struct.unpack('!H', body[p + 4:p + 6])[0], ()))
        p += 4 + ln
    return f


def body_fields(t, body, base, tls13):
    f = []
    if t == HS_CLIENT_HELLO:
        p = 34
        g, p = vec_fields('ch-sid', body, p, base, 1)
        f += g
        g, p = vec_fields('ch-suites', body, p, base, 2)
        f += g
        g, p = vec_fields('ch-comp', body, p, base, 1)
        f += g
        if p < len(body):
            f += ext_fields('ch', body, p, base)
    elif t == HS_SERVER_HELLO:
        p = 34
        g, p = vec_fields('sh-sid', body, p, base, 1)
        f += g
        p += 3
        if p < len(body):
            f += ext_fields('sh', body, p, base)
    elif t == HS_CERTIFICATE and not tls13:
        g, end = vec_fields('cert-list', body, 0, base, 3)
        f += g
        p = 3
        i = 0
        while p + 3 <= end:
            g, p = vec_fields('cert%d' % i, body, p, base, 3)
            f += g
            i += 1
    elif t == HS_CERTIFICATE_REQUEST and not tls13:
        g, p = vec_fields('cr-types', body, 0, base, 1)
        f += g
        g, p = vec_fields('cr-sigalgs', body, p, base, 2)
        f += g
        g, end = vec_fields('cr-cas', body, p, base, 2)
        f += g
        p += 2
        i = 0
        while p + 2 <= end:
            g, p = vec_fields('cr-ca%d' % i, body, p, base, 2)
            f += g
            i += 1
    elif t == HS_SERVER_KEY_EXCHANGE:
        g, p = vec_fields('ske-point', body, 3, base, 1)
        f += g
        g, p = vec_fields('ske-sig', body, p + 2, base, 2)
        f += g
    elif t == HS_CLIENT_KEY_EXCHANGE:
        g, p = vec_fields('cke-point', body, 0, base, 1)
        f += g
    return f


def field_values(width, value, extra):
    top = (1 << (8 * width)) - 1
    vals = {0, 1, value - 1, value + 1, top} | set(extra)
    return sorted(v for v in vals if 0 <= v <= top and v != value)


def gen_lenfield(ctx):
    for src in (TLS12, TLS13, MTLS12):
        conv = ctx.conv(src)
        fl = conv.flights()
        tls13 = src.startswith('tls13')
        cap = Capture(ctx, 'lenfield-' + src)
        # The client's first flight, the server's first flight and (in
        # TLS 1.2 with a client certificate) the client's second flight.
        for idx in (0, 1, 2):
            if idx >= len(fl):
                break
            data = fl[idx][1]
            for name, off, width, value, extra in lengths_in_flight(
                    data, tls13):
                for v in field_values(width, value, extra):
                    # FORGED: the length field |name| set to |v|.
                    forged = bytearray(data)
                    forged[off:off + width] = v.to_bytes(width, 'big')
                    out = list(fl)
                    out[idx] = (fl[idx][0], bytes(forged))
                    replay(cap.conn(conv), out)
        cap.close()


# ---- (4) cert10k ----

def cert_list(ders):
    return u24v(b''.join(u24v(d) for d in ders))


def gen_cert10k(ctx):
    conv = ctx.conv(TLS12)
    fl = conv.flights()
    orig = [b for t, b in parse_hs(b''.join(
        p for ct, v, p, o in parse_records(fl[1][1])[0]
        if ct == CT_HANDSHAKE)) if t == HS_CERTIFICATE][0]
    real = []
    p = 3
    while p < len(orig):
        ln = int.from_bytes(orig[p:p + 3], 'big')
        real.append(orig[p + 3:p + 3 + ln])
        p += 3 + ln
    leaf = real[0]
    variants = {
        # FORGED: 10,000 entries of a 5-byte DER INTEGER-in-SEQUENCE
        # (not a certificate): 80 KB, parsed in full, 16 kept.
        'tiny': cert_list([b'\x30\x03\x02\x01\x00'] * 10000),
        # FORGED: 10,000 empty entries (RFC 5246 says <1..2^24-1>).
        'empty': cert_list([b''] * 10000),
        # FORGED: 10,000 copies of the real leaf: 10 MB, far past the
        # 256 KiB handshake message cap, framed over ~600 records.
        'copies': cert_list([leaf] * 10000),
        # FORGED: 200 distinct, parseable leaves (last signature byte
        # changed): the chain and the cache see many certificates.
        'distinct': cert_list([leaf[:-1] + bytes([i & 255])
                               for i in range(200)]),
        # FORGED: the real chain followed by 10,000 tiny entries, list
        # length honest.
        'chain-then-tiny': cert_list(real + [b'\x30\x00'] * 10000),
    }
    cap = Capture(ctx, 'cert10k-' + TLS12)
    for name in sorted(variants):
        body = variants[name]
        flight = rewrite_hs_flight(
            fl[1][1], lambda m, b=body: replace_msg(m, HS_CERTIFICATE,
                                                    lambda _: b))
        replay(cap.conn(conv), [fl[0], (1, flight)] + fl[2:])
    cap.close()
    # The client's Certificate in TLS 1.2 mutual TLS, sent in the clear.
    conv = ctx.conv(MTLS12)
    fl = conv.flights()
    cap = Capture(ctx, 'cert10k-' + MTLS12)
    for name in ('tiny', 'empty', 'copies'):
        body = variants[name]
        flight = rewrite_hs_flight(
            fl[2][1], lambda m, b=body: replace_msg(m, HS_CERTIFICATE,
                                                    lambda _: b))
        replay(cap.conn(conv), fl[:2] + [(0, flight)] + fl[3:])
    cap.close()


# ---- (5) sni64k ----

def sni_ext(names, list_len=None):
    lst = b''.join(b'\x00' + u16v(n) for n in names)
    if list_len is None:
        list_len = len(lst)
    return struct.pack('!H', list_len & 0xffff) + lst


def fill_sni(exts, make):
    """|exts| with the server_name data replaced by make(room), where
    room is what is left of the 65,535-byte extensions block."""
    others = sum(4 + len(d) for t, d in exts if t != 0)
    room = 65535 - others - 4
    out = [(t, d) for t, d in exts if t != 0]
    return [(0, make(room))] + out


def gen_sni64k(ctx):
    hostile = ('evil\033[2J\033]0;pwned\007\r\n"\\\0\xff\xfe'
               '\u202e\ud7ff').encode('utf-8', 'surrogatepass')
    for src in (TLS12, TLS13):
        conv = ctx.conv(src)
        fl = conv.flights()
        recs, _ = parse_records(fl[0][1])
        ch_body = parse_hs(b''.join(p for ct, v, p, o in recs))[0][1]
        prefix, exts = parse_client_hello(ch_body)
        variants = {
            # FORGED: one host_name filling the block ('a' * ~65,000).
            'one-name': lambda room: sni_ext([b'a' * (room - 5)]),
            # FORGED: 63-byte labels, dots, ~1000 labels.
            'labels': lambda room: sni_ext(
                [(b'a' * 63 + b'.') * ((room - 5) // 64)]),
            # FORGED: terminal escapes, NUL, invalid UTF-8, RLO, repeated.
            'hostile': lambda room: sni_ext(
                [(hostile * 65536)[:room - 5]]),
            # FORGED: 10,000 host_name entries of 3 bytes.
            'many-names': lambda room: sni_ext([b'x.y'] * min(
                10000, (room - 2) // 6)),
            # FORGED: the ServerNameList length says 0xffff.
            'list-lies': lambda room: sni_ext([b'b' * (room - 5)],
                                              list_len=0xffff),
        }
        cap = Capture(ctx, 'sni64k-' + src)
        for name in sorted(variants):
            body = client_hello(prefix, fill_sni(exts, variants[name]))
            flight = rewrite_hs_flight(
                fl[0][1], lambda m, b=body: replace_msg(
                    m, HS_CLIENT_HELLO, lambda _: b))
            replay(cap.conn(conv), [(0, flight)] + fl[1:])
        cap.close()


# ---- (6) ext64k ----

KNOWN_EXTS = list(range(0, 60)) + [0xff01, 0xfe0d, 0x3374, 0x4469,
                                   0x0a0a, 0xfafa]
EXT_DATA = (b'', b'\x00', b'\xff', b'\x00\x01', b'\x00\x02\x00',
            b'\xff\xff\xff\xff', b'\x00\x00', b'\x01\x00\x00\x00\x00')


def gen_ext64k(ctx):
    for src in (TLS12, TLS13):
        conv = ctx.conv(src)
        fl = conv.flights()
        recs, _ = parse_records(fl[0][1])
        ch_body = parse_hs(b''.join(p for ct, v, p, o in recs))[0][1]
        prefix, exts = parse_client_hello(ch_body)
        used = {t for t, d in exts}
        real_len = sum(4 + len(d) for t, d in exts)
        room = (65535 - real_len) // 4
        fill = [t for t in range(0x2000, 0x10000) if t not in used][:room]
        bodies = {
            # FORGED: the real extensions, then distinct unknown empty
            # ones up to the 65,535-byte block (about 16,000).
            'distinct': client_hello(prefix, exts + [(t, b'')
                                                     for t in fill]),
            # FORGED: the same unknown type about 16,000 times
            # (duplicates: RFC 8446 4.2 makes this malformed).
            'duplicate': client_hello(prefix, exts + [(0x7777, b'')] *
                                      len(fill)),
            # FORGED: 65,535 empty extensions of types 0..65534 (262 KB,
            # past the 256 KiB message cap); the extensions length field
            # can only say 0xffff.
            'count65535': client_hello(prefix, [(t, b'')
                                                for t in range(65535)],
                                       ext_len=0xffff),
            # FORGED: 65,535 extensions, but the block and message stop
            # at 0xffff bytes (16,383 whole ones and 3 bytes).
            'count65535-cut': client_hello(
                prefix, [(t, b'') for t in range(65535)])[:len(prefix) +
                                                          2 + 0xffff],
        }
        cap = Capture(ctx, 'ext64k-' + src)
        for name in sorted(bodies):
            flight = rewrite_hs_flight(
                fl[0][1], lambda m, b=bodies[name]: replace_msg(
                    m, HS_CLIENT_HELLO, lambda _: b))
            replay(cap.conn(conv), [(0, flight)] + fl[1:])
        # FORGED: each known extension type (and GREASE) with empty,
        # short and garbage data in place of the real one or added.
        for t in KNOWN_EXTS:
            for data in EXT_DATA:
                new = [(et, ed) for et, ed in exts if et != t] + [(t, data)]
                body = client_hello(prefix, new)
                flight = rewrite_hs_flight(
                    fl[0][1], lambda m, b=body: replace_msg(
                        m, HS_CLIENT_HELLO, lambda _: b))
                replay(cap.conn(conv), [(0, flight)] + fl[1:2], 'fin')
        # FORGED: the same for the ServerHello's extensions.
        srecs, _ = parse_records(fl[1][1])
        for t in (0, 10, 11, 16, 23, 35, 41, 42, 43, 44, 51, 0xff01):
            for data in EXT_DATA:
                def sh_fn(msgs, t=t, data=data):
                    out = []
                    for mt, b in msgs:
                        if mt == HS_SERVER_HELLO:
                            # version, random, session id, suite and
                            # compression, then the extensions.
                            sid = b[34]
                            pfx = b[:35 + sid + 3]
                            sexts = []
                            p = len(pfx) + 2
                            while p + 4 <= len(b):
                                et, ln = struct.unpack('!HH', b[p:p + 4])
                                sexts.append((et, b[p + 4:p + 4 + ln]))
                                p += 4 + ln
                            new = [(et, ed) for et, ed in sexts
                                   if et != t] + [(t, data)]
                            b = client_hello(pfx, new)
                        out.append((mt, b))
                    return out
                flight = rewrite_hs_flight(fl[1][1], sh_fn)
                replay(cap.conn(conv), [fl[0], (1, flight)] + fl[2:4])
        cap.close()


# ---- (7) asn1deep ----

def rebuild_cert(cert, tbs_fn):
    """|cert| with its TBSCertificate children passed through |tbs_fn|
    (list of (tag, tlv) -> list of tlv); the signature no longer
    verifies (FORGED)."""
    top = der_children(der_content(cert))
    tbs = der_children(der_content(top[0][1]))
    new_tbs = der(0x30, b''.join(tbs_fn(tbs)))
    return der(0x30, new_tbs + top[1][1] + top[2][1])


def with_extension(cert, ext):
    """|cert| with the extension |ext| added, replacing one of the same
    OID."""
    oid = der_children(der_content(ext))[0][1]

    def fn(tbs):
        out = []
        for tag, tlv in tbs:
            if tag == 0xa3:
                seq = der_content(tlv)
                exts = b''.join(e for t, e in der_children(der_content(seq))
                                if der_children(der_content(e))[0][1] != oid)
                exts += ext
                tlv = der(0xa3, der(0x30, exts))
            out.append(tlv)
        return out
    return rebuild_cert(cert, fn)


def with_subject_rdn(cert, rdn, field=5):
    """Append |rdn| to the subject (TBS field 5) or issuer (3)."""
    def fn(tbs):
        out = [tlv for tag, tlv in tbs]
        i = field if tbs[0][0] == 0xa0 else field - 1
        out[i] = der(0x30, der_content(out[i]) + rdn)
        return out
    return rebuild_cert(cert, fn)


def gen_asn1deep(ctx):
    conv = ctx.conv(TLS12)
    fl = conv.flights()
    certmsg = [b for t, b in parse_hs(b''.join(
        p for ct, v, p, o in parse_records(fl[1][1])[0]
        if ct == CT_HANDSHAKE)) if t == HS_CERTIFICATE][0]
    real = []
    p = 3
    while p < len(certmsg):
        ln = int.from_bytes(certmsg[p:p + 3], 'big')
        real.append(certmsg[p + 3:p + 3 + ln])
        p += 3 + ln
    leaf = real[0]
    oid = der_oid('1.3.6.1.4.1.55555.1')
    deep = nested_sequences(DEPTH)
    leaves = {
        # FORGED: the whole certificate is 10,000 nested SEQUENCEs.
        'seq': deep,
        # FORGED: 10,000 nested SETs.
        'set': nested_sequences(DEPTH, tag=0x31),
        # FORGED: 10,000 indefinite-length SEQUENCEs (BER, not DER).
        'indef': b'\x30\x80' * DEPTH + b'\x00\x00' * DEPTH,
        # FORGED: 10,000 constructed OCTET STRINGs (BER string nesting).
        'octets': nested_sequences(DEPTH, b'\x04\x00', tag=0x24),
        # FORGED: the real leaf with a private extension whose value is
        # 10,000 nested SEQUENCEs.
        'in-extension': with_extension(leaf, der(0x30, oid + der(
            0x04, deep))),
        # FORGED: a subjectAltName otherName whose value is the nesting.
        'in-san': with_extension(leaf, der(0x30, der_oid('2.5.29.17') +
                                           der(0x04, der(0x30, der(
                                               0xa0, oid + der(
                                                   0xa0, deep)))))),
        # FORGED: a subject attribute whose value is the nesting.
        'in-subject': with_subject_rdn(leaf, der(0x31, der(
            0x30, oid + deep))),
        # FORGED: an issuer attribute of 10,000 nested SETs.
        'in-issuer': with_subject_rdn(leaf, der(0x31, der(
            0x30, der_oid('2.5.4.3') + nested_sequences(
                DEPTH, tag=0x31))), field=3),
    }
    cap = Capture(ctx, 'asn1deep-' + TLS12)
    for name in sorted(leaves):
        body = cert_list([leaves[name]] + real[1:])
        flight = rewrite_hs_flight(
            fl[1][1], lambda m, b=body: replace_msg(m, HS_CERTIFICATE,
                                                    lambda _: b))
        replay(cap.conn(conv), [fl[0], (1, flight)] + fl[2:])
    cap.close()

    # The CertificateRequest's acceptable CA names (TLS 1.2, in the
    # clear) and the client's certificate.
    conv = ctx.conv(MTLS12)
    fl = conv.flights()
    cap = Capture(ctx, 'asn1deep-' + MTLS12)
    names = {
        'seq': deep,
        'set': nested_sequences(DEPTH, tag=0x31),
        'indef': b'\x30\x80' * DEPTH + b'\x00\x00' * DEPTH,
        'value': der(0x30, der(0x31, der(0x30, der_oid('2.5.4.3') +
                                         deep))),
    }
    for name in sorted(names):
        def cr_fn(b, dn=names[name]):
            # FORGED: the real types and signature algorithms, then one
            # CA name: |dn| (which may be longer than a u16 vector holds:
            # then it is cut to fit).
            n = b[0]
            p = 1 + n
            sl = struct.unpack('!H', b[p:p + 2])[0]
            head = b[:p + 2 + sl]
            dn = dn[:0xffff - 2]
            return head + u16v(u16v(dn))
        flight = rewrite_hs_flight(
            fl[1][1], lambda m, f=cr_fn: replace_msg(
                m, HS_CERTIFICATE_REQUEST, f))
        replay(cap.conn(conv), [fl[0], (1, flight)] + fl[2:])
    for name in ('seq', 'indef', 'in-subject'):
        body = cert_list([leaves[name]])
        flight = rewrite_hs_flight(
            fl[2][1], lambda m, b=body: replace_msg(m, HS_CERTIFICATE,
                                                    lambda _: b))
        replay(cap.conn(conv), fl[:2] + [(0, flight)] + fl[3:])
    cap.close()


# ---- (8) rec1 ----

def split_clear_records(data, size, cts=(CT_HANDSHAKE, CT_ALERT, CT_CCS),
                        empty=False):
    """Every record of |data| with a content type in |cts| re-framed
    in records of |size| bytes (FORGED framing; the bytes are real).
    |empty|: an empty record of the same type after each (FORGED)."""
    recs, end = parse_records(data)
    out = b''
    for ct, v, payload, off in recs:
        if ct in cts:
            for i in range(0, len(payload), size):
                out += struct.pack('!BHH', ct, v, len(
                    payload[i:i + size])) + payload[i:i + size]
                if empty:
                    out += struct.pack('!BHH', ct, v, 0)
        else:
            out += struct.pack('!BHH', ct, v, len(payload)) + payload
    return out + data[end:]


def gen_rec1(ctx):
    for src in (TLS12, TLS13, MTLS12):
        conv = ctx.conv(src)
        fl = conv.flights()
        cap = Capture(ctx, 'rec1-' + src)
        one = [(d, split_clear_records(p, 1)) for d, p in fl]
        # 1-byte records, normal TCP segments.
        replay(cap.conn(conv), one)
        # 1-byte records, each TCP segment 1 byte.
        replay(cap.conn(conv, mss=1), one[:3])
        # The real records, 1-byte TCP segments.
        replay(cap.conn(conv, mss=1), fl[:3])
        # 1-byte records with an empty record after each (FORGED).
        replay(cap.conn(conv), [(d, split_clear_records(p, 1, empty=True))
                                for d, p in fl])
        # 2- and 3-byte records (handshake headers split differently).
        for n in (2, 3, 5):
            replay(cap.conn(conv), [(d, split_clear_records(p, n))
                                    for d, p in fl])
        cap.close()


# ---- (9) endless ----

def appdata_stream(rng, nbytes, ver=0x0303):
    """Application data records of 16 KiB random bytes (FORGED: no peer
    sent them; they stand for a long download)."""
    out = []
    left = nbytes
    while left > 0:
        n = min(16384, left)
        out.append(struct.pack('!BHH', CT_APPDATA, ver, n) +
                   rng.getrandbits(8 * n).to_bytes(n, 'big'))
        left -= n
    return out


def gen_endless(ctx, megabytes):
    rng = random.Random(SEED + 9)
    for src in (TLS13, TLS12):
        conv = ctx.conv(src)
        fl = conv.flights()
        # The real handshake and first exchange, then only application
        # data: no close_notify, no FIN, no RST; the capture just stops.
        cap = Capture(ctx, 'endless-' + src, args=ctx.keys(src))
        c = cap.conn(conv)
        replay(c, fl[:4], 'none')
        recs = appdata_stream(rng, megabytes << 20)
        for i, r in enumerate(recs):
            c.send(1 if i % 8 else 0, r, ack=(i % 4 == 0))
        # A second one with a 2-hour silence in the middle (idle timeout
        # ends it, then its packets come back midstream), and a third
        # whose timestamps jump back one hour (FORGED clock).
        for jump in (7200 * 10 ** 6, -3600 * 10 ** 6):
            c = cap.conn(conv)
            replay(c, fl[:4], 'none')
            for i in range(64):
                if i == 32:
                    cap.w.clock += jump
                c.send(1, recs[i % len(recs)], ack=(i % 4 == 0))
        cap.close()
    # 20,000 SYNs to one server, never answered; the first 1,000 sent
    # four times more (retransmissions); 1,000 SYNs reusing one port
    # with new initial sequence numbers.
    conv = ctx.conv(TLS12)
    cap = Capture(ctx, 'endless-syns')
    conns = [cap.conn(conv) for _ in range(20000)]
    for c in conns:
        c.open(answer=False)
    for rep in range(4):
        cap.w.clock += 1000000 << rep
        for c in conns[:1000]:
            c.packet(0, TCP_SYN, seq=c.seq[0] - 1)
    c = cap.conn(conv)
    for i in range(1000):
        c.seq[0] = (i * 2654435761) & 0xffffffff
        c.open(answer=(i % 2 == 0))
    cap.close()


# ---- (10) garbage ----

def tcp_frame_parts(conv):
    """A real ClientHello-carrying segment of |conv| as (ip src, ip dst,
    tcp header, payload), IPv4."""
    fl = conv.flights()
    tcp = tcp_header(conv.client[1], conv.server[1], 0x10000001,
                     0x20000001, TCP_ACK | TCP_PSH)
    return conv.client[0], conv.server[0], tcp, fl[0][1]


def garbage_ip_packets(conv, rng):
    """IPv4/IPv6 packets (no link header) with broken headers; each
    FORGED. The real ClientHello bytes ride inside when there is room."""
    src, dst, tcp, pl = tcp_frame_parts(conv)
    seg = tcp_segment(4, src, dst, tcp, pl)
    good = ipv4_header(src, dst, len(seg), 7) + seg
    out = [good]
    # Every truncation of a good packet, including zero bytes.
    for k in range(0, 120):
        out.append(good[:k])
    for k in range(120, len(good), 37):
        out.append(good[:k])
    # IP version and IHL: every value.
    for v in range(16):
        for ihl in range(16):
            b = bytearray(good)
            b[0] = (v << 4) | ihl
            out.append(bytes(b))
    # IPv4 total length: absurd values (short, = header, past the end).
    for tot in (0, 1, 19, 20, 21, 39, 40, 41, len(good) - 1,
                len(good) + 1, 0xffff):
        b = bytearray(good)
        b[2:4] = struct.pack('!H', tot)
        b[10:12] = b'\0\0'
        b[10:12] = struct.pack('!H', csum(bytes(b[:20])))
        out.append(bytes(b))
    # IHL 15 (60 bytes of options) on a packet of 40 bytes; options
    # garbage on a long one.
    b = bytearray(good[:40])
    b[0] = 0x4f
    out.append(bytes(b))
    opts = bytes([0x44, 0x00, 0x01, 0x07, 0xff, 0x00, 0x83, 0x02]) * 5
    out.append(struct.pack('!BBHHHBBH4s4s', 0x4f, 0, 60 + len(seg), 9, 0,
                           64, 6, 0, src, dst) + opts + seg)
    # Fragments: first, middle, last, overlapping, offset max.
    for ff in (0x2000, 0x2001, 0x0001, 0x1fff, 0x3fff, 0x8000, 0x4000 |
               0x2000):
        out.append(ipv4_header(src, dst, len(seg), 11, flags_frag=ff) + seg)
    # Protocol not TCP, TCP header short, TCP data offset every value.
    out.append(ipv4_header(src, dst, len(seg), 12, proto=17) + seg)
    for k in range(0, 21):
        out.append(ipv4_header(src, dst, k, 13) + seg[:k])
    for doff in range(16):
        s2 = bytearray(seg)
        s2[12] = doff << 4
        out.append(ipv4_header(src, dst, len(s2), 14) + bytes(s2))
    # TCP options: length 0, 1, past the header, unterminated, huge MSS
    # and window scale, SACK blocks garbage.
    for o in (b'\x02\x00\x00\x00', b'\x02\x01\x00\x00', b'\x08\x28' +
              b'\0' * 2, b'\x05\xff\x00\x00', b'\x03\x03\xff\x00',
              b'\x05\x0a' + b'\xff' * 10, b'\x01' * 40, b'\x13\x12' +
              b'\x00' * 38, b'\xfe\x02\xfe\x02'):
        t2 = tcp_header(conv.client[1], conv.server[1], 0x10000001,
                        0x20000001, TCP_ACK | TCP_PSH, options=o[:40])
        s2 = tcp_segment(4, src, dst, t2, pl)
        out.append(ipv4_header(src, dst, len(s2), 15) + s2)
    # Every flag combination on an empty segment (SYN+FIN+RST+URG ...).
    for fl_ in range(64):
        t2 = tcp_header(conv.client[1], conv.server[1], 0xffffffff,
                        0xffffffff, fl_)
        s2 = tcp_segment(4, src, dst, t2, b'x' if fl_ & 1 else b'')
        out.append(ipv4_header(src, dst, len(s2), 16) + s2)
    # Port 0 both ends, bad TCP checksum, bad IP checksum.
    t2 = tcp_header(0, 0, 1, 1, TCP_SYN)
    s2 = tcp_segment(4, src, dst, t2, b'')
    out.append(ipv4_header(src, dst, len(s2), 17) + s2)
    b = bytearray(good)
    b[10] ^= 0xff
    b[36] ^= 0xff
    out.append(bytes(b))
    # IPv6: payload length lies, long extension header chains, fragment
    # header, jumbo payload length 0, unknown next header.
    s6 = tcp_segment(6, b'\xfd' + b'\0' * 14 + b'\1',
                     b'\xfd' + b'\0' * 14 + b'\2', tcp, pl)
    a6, b6 = b'\xfd' + b'\0' * 14 + b'\1', b'\xfd' + b'\0' * 14 + b'\2'
    g6 = ipv6_header(a6, b6, len(s6)) + s6
    out.append(g6)
    for k in (0, 1, 39, 40, 41, 59, 60):
        out.append(g6[:k])
    for plen in (0, 1, 19, 20, len(s6) - 1, len(s6) + 1, 0xffff):
        out.append(ipv6_header(a6, b6, plen) + s6)
    for nh in (0, 43, 44, 60, 59, 50, 51, 135, 253):
        chain = b''
        for i in range(200):
            chain += bytes([nh if i < 199 else 6, 0]) + b'\0' * 6
        out.append(ipv6_header(a6, b6, len(chain) + len(s6), nh=nh) +
                   chain + s6)
        out.append(ipv6_header(a6, b6, 8, nh=nh) + bytes([nh, 255]) +
                   b'\0' * 6)
    # Random garbage that starts like IPv4 or IPv6.
    for i in range(2000):
        n = rng.randrange(0, 200)
        r = bytearray(rng.getrandbits(8 * n).to_bytes(n, 'big'))
        if n:
            r[0] = (r[0] & 0x0f) | (0x40 if i % 2 else 0x60)
        out.append(bytes(r))
    return out


def gen_garbage(ctx):
    rng = random.Random(SEED + 10)
    conv = ctx.conv(TLS12)
    ips = garbage_ip_packets(conv, rng)
    for lt, name in ((LINKTYPE_ETHERNET, 'ethernet'), (LINKTYPE_RAW, 'raw'),
                     (LINKTYPE_NULL, 'null'), (LINKTYPE_LOOP, 'loop'),
                     (LINKTYPE_LINUX_SLL, 'sll'),
                     (LINKTYPE_LINUX_SLL2, 'sll2'),
                     (LINKTYPE_IPV4, 'ipv4'), (LINKTYPE_IPV6, 'ipv6')):
        cap = Capture(ctx, 'garbage-' + name, linktype=lt)
        w = cap.w
        # The real handshake first, so the broken packets land on a
        # known flow as well as on new ones.
        for ip in ips:
            fr = link_wrap(lt, ip)
            w.add(fr)
            # The same frame with caplen < len (snaplen cut): the record
            # says more was on the wire than was captured.
            w.add(fr[:len(fr) // 2], wirelen=len(fr) + 1000)
        # Every truncation of the link header itself.
        fr = link_wrap(lt, ips[0])
        for k in range(0, 64):
            w.add(fr[:k])
        # Zero-length records: nothing captured, nothing on the wire /
        # nothing captured, 1500 bytes on the wire.
        for wl in (0, 1500, 0xffffffff):
            w.add(b'', wirelen=wl)
        if lt == LINKTYPE_ETHERNET:
            # VLAN stacks: 1,000 802.1Q tags, alternating 802.1ad/QinQ,
            # a tag stack cut in the middle.
            for tags in (1, 2, 100, 1000):
                vl = b''.join(struct.pack(
                    '!HH', i & 0xfff, (0x8100, 0x88a8, 0x9100)[i % 3])
                    for i in range(tags))
                w.add(fr[:12] + b'\x81\x00' + vl + b'\x08\x00' + ips[0])
                w.add(fr[:12] + b'\x81\x00' + vl[:len(vl) // 2])
            # Unknown, ARP and LLC-length ethertypes.
            for et in (0x0806, 0x88cc, 0x0000, 0x05dc, 0xffff):
                w.add(fr[:12] + struct.pack('!H', et) + ips[0])
        if lt in (LINKTYPE_NULL, LINKTYPE_LOOP):
            # Every address family value that matters, and garbage ones.
            for af in (0, 1, 2, 24, 28, 30, 0xffffffff):
                for e in ('<I', '>I'):
                    w.add(struct.pack(e, af) + ips[0])
        if lt in (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2):
            for proto in (0x0001, 0x0004, 0x8100, 0xffff):
                w.add(fr[:14] + struct.pack('!H', proto) + ips[0]
                      if lt == LINKTYPE_LINUX_SLL else
                      struct.pack('!H', proto) + fr[2:])
        cap.close()


# ---- pcap-level breakage ----

def gen_pcapfile(ctx):
    src = os.path.join(ctx.pcaps, TLS12 + '.pcap')
    with open(src, 'rb') as f:
        raw = f.read()
    out = ctx.outdir

    def put(name, blob):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(blob)
        ctx.manifest.append((name, 'trunc', '-'))

    # Cut at every offset past the file header (byte by byte in the
    # first 200, then every 53 bytes).
    for k in list(range(24, 200)) + list(range(200, len(raw), 53)):
        put('pcapfile-cut%05d.pcap' % k, raw[:k])
    hdr, rest = raw[:24], raw[24:]
    first_incl = struct.unpack('<I', rest[8:12])[0]
    for name, incl, orig in (('caplen-huge', 0xffffffff, 0xffffffff),
                             ('caplen-256k', 262145, 262145),
                             ('caplen-gt-len', first_incl, 1),
                             ('caplen-zero', 0, 1500),
                             ('caplen-past-eof', first_incl + 10000,
                              first_incl + 10000)):
        # FORGED record header of the first packet.
        b = bytearray(rest)
        b[8:16] = struct.pack('<II', incl, orig)
        put('pcapfile-%s.pcap' % name, hdr + bytes(b))
    for snap in (0, 1, 14, 65535, 0x7fffffff, 0xffffffff):
        # FORGED file header snaplen.
        put('pcapfile-snaplen-%d.pcap' % snap,
            hdr[:16] + struct.pack('<I', snap) + hdr[20:] + rest)
    for ver in ((2, 3), (1, 0), (0xffff, 0xffff)):
        put('pcapfile-version-%d-%d.pcap' % ver,
            hdr[:4] + struct.pack('<HH', *ver) + hdr[8:] + rest)
    # Timestamps: microseconds >= 10^6, all ones, zero.
    b = bytearray(rest)
    b[4:8] = struct.pack('<I', 0xffffffff)
    b[0:4] = struct.pack('<I', 0xffffffff)
    put('pcapfile-ts-absurd.pcap', hdr + bytes(b))
    ng = os.path.join(ctx.pcaps, TLS13 + '.pcapng')
    if os.path.exists(ng):
        with open(ng, 'rb') as f:
            nraw = f.read()
        for k in range(0, len(nraw), max(1, len(nraw) // 40)):
            put('pcapfile-ng-cut%05d.pcapng' % k, nraw[:k])
            b = bytearray(nraw)
            # FORGED: one byte of a pcapng block changed.
            b[k] ^= 0xff
            put('pcapfile-ng-flip%05d.pcapng' % k, bytes(b))


KINDS = ('cut', 'flip', 'lenfield', 'cert10k', 'sni64k', 'ext64k',
         'asn1deep', 'rec1', 'endless', 'garbage', 'pcapfile')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pcaps', default=os.path.join(here, '..', '..',
                                                    'pcaps'))
    ap.add_argument('--only', default=','.join(KINDS))
    ap.add_argument('--endless-mb', type=int, default=16)
    ap.add_argument('outdir')
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    ctx = Ctx(a.pcaps, a.outdir)
    for kind in a.only.split(','):
        if kind not in KINDS:
            ap.error('unknown kind %s' % kind)
        if kind == 'endless':
            gen_endless(ctx, a.endless_mb)
        else:
            globals()['gen_' + kind](ctx)
    with open(os.path.join(a.outdir, 'manifest.tsv'), 'w') as f:
        for name, expect, args in ctx.manifest:
            f.write('%s\t%s\t%s\n' % (name, expect, args))
    return 0


if __name__ == '__main__':
    sys.exit(main())
