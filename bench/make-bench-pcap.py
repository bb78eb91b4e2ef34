#!/usr/bin/env python3
"""Build a large benchmark capture for tlsdiag from the reference captures.

Python 3 standard library only.  Reads the real loopback handshakes of
pcaps/*.pcap (Ethernet, IPv4; the rows of pcaps/expected.tsv), splits them
into TCP connections ("templates"), and writes a classic pcap (microsecond
timestamps, link type Ethernet) in which those connections are replicated
many times, interleaved in time, each with

  * its own addresses: client 10.64.0.0/10 + connection number (distinct per
    connection), server one of 1024 addresses in 10.0.0.0/16 (a few per
    scenario, so that reports can group by server), server port 443 (587 for
    SMTP STARTTLS, 5432 for PostgreSQL, 80 for plain HTTP and for the
    "TLS to an HTTP port" scenario), client port 1024-65535;
  * its own initial sequence numbers (random; some connections wrap 2^32);
  * timestamps: connections start at a constant rate (default 2,000/s,
    jittered), each keeping the packet spacing of its recording; the first
    connection starts at the time of the recordings (certificate validity
    checks depend on the capture time);
  * segments larger than the MSS (1448 bytes of payload, as on Ethernet with
    TCP timestamps; loopback used 64 KiB) cut into MSS-sized segments with
    consecutive sequence numbers (SYN MSS options rewritten to 1460);
  * IPv4 header checksums recomputed, TCP checksums recomputed (the loopback
    recordings carry partial checksums; here every checksum is valid).

Bulk data (unless --handshake-only): every successful TLS connection (verdict
`ok` in expected.tsv) and every plain-HTTP connection gets a download appended
right after its last server application-data segment: full-size TLS
records (2^14 + 17 bytes, header of the recorded application-data record,
body its ciphertext repeated; a whole number of records) cut into MSS-sized
server segments that continue the server's sequence space,
acknowledged by the client every second segment; every later packet of the
connection (close_notify, FIN, ...) has its server sequence numbers and
client acknowledgement numbers moved by the inserted byte count and its time
by the download's duration.  Bulk sizes are log-normal (heavy tailed), scaled
so that the file reaches --size-mb; per-connection throughput is log-normal
around 1 MB/s, so hundreds of connections are open at once.

Non-TLS traffic: the http-to-tls-port, tls-to-http-port, tcp-refused and
tcp-no-answer recordings, plus "plain HTTP" connections made from the TCP
skeleton of http-to-tls-port (real SYN/ACK/GET packets) with an HTTP/1.1 200
response (synthesized, Connection: close) and a bulk body.

--concurrent C makes the many-open-connections variant instead: long-lived
TLS sessions (the successful TLS templates that have application data) in
batches of C connections. A batch opens all its connections (each its
recorded handshake and first data, starting --cc-rate per second), then
exchanges data round-robin (--cc-rounds rounds; in each, every connection
gets one full-size server segment of its download, acknowledged by the
client), then closes them all (the rest of each recording: close_notify,
FIN, ...), in connection order; the next batch starts after. So C
connections are open at once, and --concurrent 200 gives the same packets
with 200 open at once. Addresses, ports, sequence numbers, segment sizes and
checksums are made as for the other captures.

--repeat N writes N back-to-back copies of the same sequence of connections
(same scenarios, sizes and relative timing, new addresses, timestamps
continuing): the same capture N times longer.

A sidecar FILE.meta.json gives the counts (connections, TLS handshakes,
packets, bytes, expected verdicts) that bench/run.sh uses for rates.
"""

import argparse
import heapq
import json
import math
import os
import random
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PCAPS = os.path.join(os.path.dirname(HERE), 'pcaps')
sys.path.insert(0, os.path.join(DEFAULT_PCAPS, 'tools'))
import pcapio  # noqa: E402

M32 = 0xFFFFFFFF
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

BULK_RECORD = 16384 + 17


# --------------------------------------------------------------- reading

def read_pcap(path):
    """(linktype, [(ts_us, frame bytes)]) of a capture (pcapio)."""
    cap = pcapio.read(path, strict=False)
    return cap.linktype, [(r.ts_us, r.data) for r in cap.records]


class Pkt:
    """One TCP segment of a template, with sequence numbers relative to the
    first sequence number each side sent."""
    __slots__ = ('t', 'dir', 'eth', 'tos', 'ipid', 'ipoff', 'ttl', 'flags',
                 'win', 'urg', 'opts', 'payload', 'seq', 'ack')

    def copy(self, **kw):
        p = Pkt()
        for k in Pkt.__slots__:
            setattr(p, k, kw.get(k, getattr(self, k)))
        return p


class Template:
    def __init__(self, name, code, pkts, sport):
        self.name = name
        self.code = code           # the scenario (pcaps/expected.tsv)
        self.expect = code         # the verdict expected without a key log
        self.pkts = pkts
        self.server_port = sport
        self.bulk_unit = None      # bytes repeated in the download
        self.bulk_at = None        # index in pkts after which it goes
        self.has_ch = any(p.dir == 0 and len(p.payload) > 5 and
                          p.payload[0] == 0x16 and p.payload[5] == 0x01
                          for p in pkts)


def parse_frame(frame):
    """Ethernet/IPv4/TCP frame (no VLAN tag) -> (src, sport, dst, dport,
    fields) or None."""
    d = pcapio.decode(pcapio.LINKTYPE_ETHERNET, frame)
    if d is None or d.af != 4 or d.tcp is None or len(d.link) != 14:
        return None
    return (d.src, d.sport, d.dst, d.dport, d.link, d.tos, d.ident, d.frag,
            d.ttl, d.flags, d.win, d.urg, d.options, d.payload, d.seq, d.ack)


def rewrite_mss(opts, mss):
    o, i = bytearray(opts), 0
    while i < len(o):
        k = o[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(o) or o[i + 1] < 2:
            break
        if k == 2 and o[i + 1] == 4:
            struct.pack_into('!H', o, i + 2, mss + 52 - 40)  # 1460 for 1448
        i += o[i + 1]
    return bytes(o)


def load_templates(pcapdir, mss):
    rows = []
    with open(os.path.join(pcapdir, 'expected.tsv')) as f:
        for line in f:
            c = line.rstrip('\n').split('\t')
            if c[0] == 'capture' or len(c) < 3:
                continue
            rows.append((c[0], int(c[1]), c[2]))
    # The benchmark runs without key logs: where tests/e2e/expected/
    # verdicts.tsv gives the verdict without keys (TLS 1.3 failures seen
    # only through encrypted records), expect that one.
    nokeys = {}
    vt = os.path.join(os.path.dirname(pcapdir.rstrip('/')), 'tests', 'e2e', 'expected',
                      'verdicts.tsv')
    if os.path.exists(vt):
        with open(vt) as f:
            for line in f:
                c = line.rstrip('\n').split('\t')
                if len(c) >= 4 and c[2] == '-' and c[1].isdigit():
                    # code@outcome: the code is what --json's verdict.code says
                    nokeys[(c[0], int(c[1]))] = c[3].split('@')[0]
    bycap = {}
    for cap, n, code in rows:
        bycap.setdefault(cap, {})[n] = (code, nokeys.get((cap, n), code))
    templates, skipped = [], []
    for cap in sorted(bycap):
        # link-* are the same scenario in other framings (tls13-ok).
        if cap.startswith('link-') or not cap.endswith('.pcap'):
            skipped.append(cap)
            continue
        linktype, frames = read_pcap(os.path.join(pcapdir, cap))
        if linktype != 1:
            skipped.append(cap)
            continue
        conns, order = {}, []
        for us, fr in frames:
            r = parse_frame(fr)
            if r is None:
                continue
            key = (r[0], r[1], r[2], r[3])
            rkey = (r[2], r[3], r[0], r[1])
            if key in conns:
                c, d = conns[key], 0
            elif rkey in conns:
                c, d = conns[rkey], 1
            else:
                c, d = [], 0
                conns[key] = c
                order.append(key)
            c.append((us, d, r))
        if not order:
            skipped.append(cap)
            continue
        for n, key in enumerate(order, 1):
            if n not in bycap[cap]:
                continue
            code, expect = bycap[cap][n]
            raw = conns[key]
            t0 = raw[0][0]
            isn = [None, None]
            for us, d, r in raw:
                if isn[d] is None:
                    isn[d] = r[14]
            pkts = []
            for us, d, r in raw:
                (_, _, _, _, eth, tos, ipid, ipoff, ttl, flags, win, urg, opts,
                 payload, seq, ack) = r
                if flags & SYN:
                    opts = rewrite_mss(opts, mss)
                base = Pkt()
                base.t, base.dir, base.eth, base.tos = us - t0, d, eth, tos
                base.ipid, base.ipoff, base.ttl, base.flags = ipid, ipoff, ttl, flags
                base.win, base.urg, base.opts = win, urg, opts
                base.payload = payload
                base.seq = (seq - isn[d]) & M32
                base.ack = ((ack - isn[1 - d]) & M32) if (flags & ACK and isn[1 - d] is not None) else 0
                if mss and len(payload) > mss:
                    # cut into MSS pieces: PSH and FIN on the last only
                    pieces = [payload[i:i + mss] for i in range(0, len(payload), mss)]
                    for k, piece in enumerate(pieces):
                        last = k == len(pieces) - 1
                        fl = flags if last else flags & ~(PSH | FIN)
                        pkts.append(base.copy(payload=piece, flags=fl,
                                              seq=(base.seq + k * mss) & M32,
                                              t=base.t + k))
                else:
                    pkts.append(base)
            sport = key[3]
            c2s0 = next((p.payload for p in pkts if p.dir == 0 and p.payload), b'')
            if cap.startswith('starttls-smtp'):
                port = 587
            elif cap.startswith('starttls-postgres'):
                port = 5432
            elif code == 'not_tls' and c2s0[:1] == b'\x16':
                port = 80
            else:
                port = 443
            t = Template('%s#%d' % (cap[:-5], n), code, pkts, port)
            t.expect = expect
            if code == 'ok':
                find_bulk_unit(t)
            templates.append(t)
    return templates, skipped


def find_bulk_unit(t):
    """The server's last application-data segment (whole TLS records, all of
    type 23, larger than a close_notify) is the unit the download repeats."""
    s2c = sorted((p.seq, i, p) for i, p in enumerate(t.pkts) if p.dir == 1 and p.payload)
    if not s2c:
        return
    stream, starts = bytearray(), {}
    base = s2c[0][0]
    for seq, i, p in s2c:
        off = (seq - base) & M32
        if off == len(stream):
            stream += p.payload
        starts.setdefault(off, i)
    bounds, types, off = set(), {}, 0
    while off + 5 <= len(stream):
        bounds.add(off)
        ln = struct.unpack_from('!H', stream, off + 3)[0]
        types[off] = stream[off]
        off += 5 + ln
    bounds.add(off)
    # original (not cut) segments: group consecutive pieces by PSH
    best = None
    i = 0
    order = [i for _, i, _ in s2c]
    while i < len(order):
        j = i
        while j < len(order) - 1 and not (t.pkts[order[j]].flags & PSH):
            j += 1
        first, last = t.pkts[order[i]], t.pkts[order[j]]
        a = (first.seq - base) & M32
        b = ((last.seq - base) & M32) + len(last.payload)
        if a in bounds and b in bounds and b - a >= 64:
            recs, o, ok = [], a, True
            while o < b:
                if o not in types or types[o] != 23:
                    ok = False
                    break
                o += 5 + struct.unpack_from('!H', stream, o + 3)[0]
            if ok and o == b:
                best = (order[j], bytes(stream[a:b]))
        i = j + 1
    if best:
        # A download is sent in full-size records, as servers do (OpenSSL
        # and nginx fill 16 KiB records when the application writes a large
        # buffer): one record of 2^14 + 17 bytes (TLS 1.3: 16 KiB of data,
        # content type, AEAD tag), header from the recorded record, body
        # the recorded ciphertext repeated (it is never decrypted).
        at, seg = best
        body = (seg * (BULK_RECORD // len(seg) + 1))[:BULK_RECORD]
        t.bulk_at = at
        t.bulk_unit = seg[:3] + struct.pack('!H', BULK_RECORD) + body


def plain_http_template(src, mss):
    """Plain HTTP on port 80 from the TCP skeleton of http-to-tls-port: the
    real SYN, SYN-ACK, ACK and GET, then a 200 response and the body."""
    pk = src.pkts
    hdr = (b'HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: '
           b'application/octet-stream\r\nConnection: close\r\n\r\n')
    get_i = next(i for i, p in enumerate(pk) if p.dir == 0 and p.payload)
    ack_i = next(i for i, p in enumerate(pk) if i > get_i and p.dir == 1)
    a = pk[ack_i]
    resp = a.copy(payload=hdr, flags=PSH | ACK, t=a.t + 50)
    out = pk[:ack_i + 1] + [resp]
    for p in pk[ack_i + 1:]:
        if p.dir == 1:
            out.append(p.copy(seq=(p.seq + len(hdr)) & M32, t=p.t + 100))
        else:
            out.append(p.copy(ack=(p.ack + len(hdr)) & M32 if p.flags & ACK else 0, t=p.t + 100))
    t = Template('plain-http', 'not_tls', out, 80)
    # plain HTTP on port 80 is `plaintext` (not a TLS failure), not not_tls
    t.expect = 'plaintext'
    t.has_ch = False
    body = bytes((i * 7 + 13) & 0x7f | 0x20 for i in range(4096))
    t.bulk_at, t.bulk_unit = ack_i + 1, body
    return t


# --------------------------------------------------------------- writing

def build(p, src, dst, sport, dport, seq, ack, payload=None):
    """Frame bytes of template packet p with new endpoints and numbers."""
    if payload is None:
        payload = p.payload
    seg = pcapio.tcp_segment(4, src, dst, pcapio.tcp_header(
        sport, dport, seq, ack, p.flags, p.win, p.opts, p.urg), payload)
    return b''.join((p.eth, pcapio.ipv4_header(
        src, dst, len(seg), p.ipid, ttl=p.ttl, flags_frag=p.ipoff,
        tos=p.tos), seg))


def conn_packets(t, start, cip, sip, cport, isn, bulk, rate_bps, mss):
    """Generator of (ts_us, frame) for one connection."""
    ends = ((cip, cport, sip, t.server_port), (sip, t.server_port, cip, cport))
    pk = t.pkts
    at = t.bulk_at if (bulk and t.bulk_unit) else None
    shift_b = 0   # bytes inserted in the server stream
    shift_t = 0   # microseconds inserted
    ins_seq = None
    for i, p in enumerate(pk):
        d = p.dir
        a, ap, b, bp = ends[d]
        seq = p.seq
        ackv = p.ack
        if ins_seq is not None:
            if d == 1 and seq >= ins_seq:
                seq += shift_b
            elif d == 0 and p.flags & ACK and ackv >= ins_seq:
                ackv += shift_b
        yield (start + p.t + shift_t,
               build(p, a, b, ap, bp, (seq + isn[d]) & M32,
                     ((ackv + isn[1 - d]) & M32) if p.flags & ACK else 0))
        if i == at:
            unit = t.bulk_unit
            U = len(unit)
            big = unit * (mss // U + 2)
            s_next = p.seq + len(p.payload)
            c_next = 0
            cack = None
            for q in pk[:i + 1]:
                if q.dir == 0:
                    e = q.seq + len(q.payload) + (1 if q.flags & (SYN | FIN) else 0)
                    c_next = max(c_next, e)
                    cack = q
            dtpl = p.copy(flags=ACK | PSH)
            atpl = cack.copy(flags=ACK, payload=b'')
            gap = max(1, int(mss * 1e6 / rate_bps))
            t0 = start + p.t + shift_t
            sent, k = 0, 0
            while sent < bulk:
                n = min(mss, bulk - sent)
                o = sent % U
                t0 += gap
                yield (t0, build(dtpl, sip, cip, t.server_port, cport,
                                 (s_next + sent + isn[1]) & M32,
                                 (c_next + isn[0]) & M32, big[o:o + n]))
                sent += n
                k += 1
                if k % 2 == 0 or sent >= bulk:
                    yield (t0 + 20, build(atpl, cip, sip, cport, t.server_port,
                                          (c_next + isn[0]) & M32,
                                          (s_next + sent + isn[1]) & M32))
            ins_seq = s_next
            shift_b = sent
            shift_t = t0 + 40 - (start + p.t)


def write_concurrent(args, out, n, templates, base_t0, clist):
    """The --concurrent variant; returns (codes, counts, n_tls, max_open,
    data bytes)."""
    pool = [t for t in templates if t.code == 'ok' and t.bulk_unit]
    rng = random.Random(args.seed)
    C = max(1, args.concurrent)
    dt = max(1, int(1e6 / args.cc_rate))
    hs_dur = max(t.pkts[t.bulk_at].t for t in pool)
    cl_dur = max(t.pkts[-1].t - t.pkts[t.bulk_at + 1].t
                 for t in pool if t.bulk_at + 1 < len(t.pkts))
    prep = {}
    for t in pool:
        p = t.pkts[t.bulk_at]
        c_next, cack = 0, None
        for q in t.pkts[:t.bulk_at + 1]:
            if q.dir == 0:
                c_next = max(c_next, q.seq + len(q.payload) +
                             (1 if q.flags & (SYN | FIN) else 0))
                cack = q
        U = len(t.bulk_unit)
        prep[t.name] = (p.seq + len(p.payload), c_next, p.copy(flags=ACK | PSH),
                        cack.copy(flags=ACK, payload=b''),
                        t.bulk_unit * (args.mss // U + 2), U)
    codes, counts = {}, {}
    n_tls = data_bytes = 0
    max_open = 0
    t0 = base_t0
    g = 0
    tid = {t.name: k for k, t in enumerate(templates)}

    def merge(gens):
        """Write the packets of timed generators in time order: gens are
        (start, generator) in start order; each generator yields (ts, frame)
        from its start on."""
        heap, serial = [], 0
        for start, gen in gens:
            while heap and heap[0][0] <= start:
                ts, k, frame, gn = heapq.heappop(heap)
                out.add(frame, ts_us=ts)
                nx = next(gn, None)
                if nx is not None:
                    heapq.heappush(heap, (nx[0], k, nx[1], gn))
            first = next(gen, None)
            if first is not None:
                serial += 1
                heapq.heappush(heap, (first[0], serial, first[1], gen))
        while heap:
            ts, k, frame, gn = heapq.heappop(heap)
            out.add(frame, ts_us=ts)
            nx = next(gn, None)
            if nx is not None:
                heapq.heappush(heap, (nx[0], k, nx[1], gn))

    def hs_part(c, start):
        t, cip, sip, cport, isn = c
        ends = ((cip, cport, sip, t.server_port), (sip, t.server_port, cip, cport))
        for p in t.pkts[:t.bulk_at + 1]:
            a, ap, b, bp = ends[p.dir]
            yield (start + p.t, build(p, a, b, ap, bp, (p.seq + isn[p.dir]) & M32,
                                      ((p.ack + isn[1 - p.dir]) & M32) if p.flags & ACK else 0))

    def close_part(c, start, sent):
        t, cip, sip, cport, isn = c
        ends = ((cip, cport, sip, t.server_port), (sip, t.server_port, cip, cport))
        ins = prep[t.name][0]
        rest = t.pkts[t.bulk_at + 1:]
        for p in rest:
            d = p.dir
            a, ap, b, bp = ends[d]
            seq, ackv = p.seq, p.ack
            if d == 1 and seq >= ins:
                seq += sent
            elif d == 0 and p.flags & ACK and ackv >= ins:
                ackv += sent
            yield (start + p.t - rest[0].t,
                   build(p, a, b, ap, bp, (seq + isn[d]) & M32,
                         ((ackv + isn[1 - d]) & M32) if p.flags & ACK else 0))

    while g < n:
        batch = []
        for _ in range(min(C, n - g)):
            t = pool[rng.randrange(len(pool))]
            isn = (rng.getrandbits(32), rng.getrandbits(32))
            srv = tid[t.name] * 16 + rng.randrange(16)
            cip = bytes((10, 64 + (g >> 16) % 192, (g >> 8) & 255, g & 255))
            sip = bytes((10, 0, 1 + (srv >> 8) % 254, srv & 255 or 1))
            cport = 1024 + (g * 7919) % 64511
            batch.append((t, cip, sip, cport, isn))
            if clist:
                clist.write('%s\t%d\t%s\t%s\n' % ('.'.join(map(str, cip)), cport,
                                                   t.name, t.expect))
            counts[t.name] = counts.get(t.name, 0) + 1
            codes[t.expect] = codes.get(t.expect, 0) + 1
            n_tls += t.has_ch
            g += 1
        max_open = max(max_open, len(batch))
        # open
        merge((t0 + i * dt, hs_part(c, t0 + i * dt)) for i, c in enumerate(batch))
        # data, round-robin
        td = t0 + len(batch) * dt + hs_dur + 1000
        for r in range(args.cc_rounds):
            for i, c in enumerate(batch):
                t, cip, sip, cport, isn = c
                s_next, c_next, dtpl, atpl, big, U = prep[t.name]
                sent = r * args.mss
                o = sent % U
                ts = td + (r * len(batch) + i) * dt
                out.add(build(dtpl, sip, cip, t.server_port, cport,
                              (s_next + sent + isn[1]) & M32,
                              (c_next + isn[0]) & M32, big[o:o + args.mss]),
                        ts_us=ts)
                out.add(build(atpl, cip, sip, cport, t.server_port,
                              (c_next + isn[0]) & M32,
                              (s_next + sent + args.mss + isn[1]) & M32),
                        ts_us=ts + min(20, dt // 2))
                data_bytes += args.mss
        # close
        tc = td + args.cc_rounds * len(batch) * dt + 1000
        sent = args.cc_rounds * args.mss
        merge((tc + i * dt, close_part(c, tc + i * dt, sent)) for i, c in enumerate(batch))
        t0 = tc + len(batch) * dt + cl_dur + 1000
    return codes, counts, n_tls, max_open, data_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--pcaps', default=DEFAULT_PCAPS, help='reference captures (default: %(default)s)')
    ap.add_argument('--connections', type=int, default=100000)
    ap.add_argument('--size-mb', type=float, default=2048,
                    help='target file size in MB (10^6 bytes) with bulk data (default 2048)')
    ap.add_argument('--scale', type=float, default=1.0,
                    help='multiply --connections and --size-mb (e.g. 0.02 for a quick run)')
    ap.add_argument('--handshake-only', action='store_true', help='no bulk data')
    ap.add_argument('--repeat', type=int, default=1,
                    help='write the same sequence of connections N times, timestamps continuing')
    ap.add_argument('--rate', type=float, default=2000, help='new connections per second (capture time)')
    ap.add_argument('--mss', type=int, default=1448)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--concurrent', type=int, metavar='C',
                    help='many-open-connections variant: long-lived TLS sessions in '
                         'batches of C open at once (see above); --connections and '
                         '--scale give the total')
    ap.add_argument('--cc-rounds', type=int, default=2,
                    help='--concurrent: data rounds (one server segment per '
                         'connection each; default %(default)s)')
    ap.add_argument('--cc-rate', type=float, default=20000,
                    help='--concurrent: connections opened per second and '
                         'data segments per second (capture time; default %(default)s)')
    ap.add_argument('--conn-list', metavar='FILE',
                    help='write one line per connection: client address, client port, '
                         'template, expected verdict (for tracing a verdict difference)')
    args = ap.parse_args()

    t_begin = time.time()
    n = max(1, int(args.connections * args.scale))
    target = args.size_mb * args.scale * 1e6
    templates, skipped = load_templates(args.pcaps, args.mss)
    http_src = next(t for t in templates if t.name.startswith('http-to-tls-port'))
    plain = plain_http_template(http_src, args.mss)
    ok = [t for t in templates if t.code == 'ok']
    fail = [t for t in templates if t.code not in ('ok', 'not_tls', 'tcp_refused', 'tcp_no_answer')]
    other = [t for t in templates if t.code in ('not_tls', 'tcp_refused', 'tcp_no_answer')]
    # mix: 75% successful TLS, 17% failed TLS, 5% other non-TLS/TCP, 3% plain HTTP
    groups = [(0.75, ok), (0.17, fail), (0.05, other), (0.03, [plain])]
    cum, acc = [], 0.0
    for w, g in groups:
        acc += w
        cum.append((acc, g))

    def pick(rng):
        x = rng.random()
        for c, g in cum:
            if x < c:
                return g[rng.randrange(len(g))]
        return cum[-1][1][0]

    def tmpl_bytes(t):
        return sum(16 + 14 + 20 + 20 + len(p.opts) + len(p.payload) for p in t.pkts)

    # expected bytes without bulk, to size the bulk
    rng = random.Random(args.seed)
    est = sum(tmpl_bytes(pick(rng)) for _ in range(min(n, 20000))) / min(n, 20000)
    hs_bytes = est * n
    bulk_conns_frac = (0.75 * sum(1 for t in ok if t.bulk_unit) / len(ok)) + 0.03
    bulk_total = max(0.0, target - hs_bytes)
    # a 1448-byte segment costs 1448+16+66 bytes on file, plus half an ACK
    wire = (args.mss + 16 + 66 + 0.5 * (16 + 66)) / args.mss
    # each download is rounded up to whole records (about half a record
    # more per connection on average): take it out of the target
    mean_bulk = bulk_total / wire / max(1.0, n * bulk_conns_frac) - BULK_RECORD / 2
    sigma = 1.6
    mu = math.log(max(1.0, mean_bulk)) - sigma * sigma / 2
    # capture time: that of the recordings (certificate validity)
    _, fr = read_pcap(os.path.join(args.pcaps, 'tls13-ok.pcap'))
    base_t0 = fr[0][0]

    out = pcapio.PcapWriter(args.output)
    clist = open(args.conn_list, 'w') if args.conn_list else None
    if args.concurrent:
        codes, counts, n_tls, max_active, data = write_concurrent(
            args, out, n, templates, base_t0, clist)
        out.close()
        if clist:
            clist.close()
        meta = {
            'file': os.path.abspath(args.output),
            'connections': n,
            'tls_handshakes': n_tls,
            'packets': out.count,
            'bytes': out.bytes,
            'concurrent': args.concurrent,
            'max_concurrent_connections': max_active,
            'cc_rounds': args.cc_rounds,
            'cc_rate': args.cc_rate,
            'data_payload_bytes': data,
            'scale': args.scale,
            'size_mb': args.size_mb,
            'repeat': 1,
            'handshake_only': False,
            'seed': args.seed,
            'mss': args.mss,
            'tcp_checksums': 'recomputed',
            'expected_verdicts': dict(sorted(codes.items())),
            'templates': dict(sorted(counts.items())),
            'skipped_captures': skipped,
            'seconds_to_build': round(time.time() - t_begin, 1),
        }
        with open(args.output + '.meta.json', 'w') as f:
            json.dump(meta, f, indent=1)
        print('%s: %d connections, %d open at once, %d packets, %.1f MB, built in %.0f s' % (
            args.output, n, max_active, out.count, out.bytes / 1e6,
            meta['seconds_to_build']), file=sys.stderr)
        return
    heap = []
    counts, codes = {}, {}
    n_tls = n_bulk = bulk_bytes = 0
    max_active = 0
    serial = 0
    period = n / args.rate
    tid = {t.name: k for k, t in enumerate(templates + [plain])}
    # Knowledge across connections (issue 16): the connections of one
    # kb-* recording (TLS 1.2 clients that see the chain, TLS 1.3 clients
    # that reject it) share the servers, as they did when recorded; every
    # other template has servers of its own. kb-other-server is two servers
    # in its recording, and kb-late is about the order of its connections
    # (the chain shown after the failure), which a replay does not keep:
    # their templates keep servers of their own.
    def group(t):
        cap = t.name.split('#')[0]
        if cap.startswith('kb-') and cap not in ('kb-other-server', 'kb-late'):
            return cap
        return t.name
    gid = {}
    for t in templates + [plain]:
        gid.setdefault(group(t), len(gid))
    # Each shared server first shows its chain to one TLS 1.2 client (the
    # recording's #1), before any other connection: every later TLS 1.3
    # connection to it can then be judged on that chain, whatever the order
    # in which connections end (reports stream, knowledge only grows).
    teachers = [t for t in templates if group(t) != t.name and
                t.name.endswith('#1') and t.code == 'ok']

    def arrivals():
        g = n * args.repeat
        r = random.Random(args.seed + 1)
        for t in teachers:
            for k in range(16):
                isn = (r.getrandbits(32), r.getrandbits(32))
                yield base_t0 + g - n * args.repeat, g, t, isn, 0, 1e6, \
                    gid[group(t)] * 16 + k
                g += 1
        base = base_t0 + 1000000 if teachers else base_t0
        for rep in range(args.repeat):
            r = random.Random(args.seed)
            for i in range(n):
                g = rep * n + i
                start = base + int((rep * period + (i + r.random()) / args.rate) * 1e6)
                t = pick(r)
                isn = (r.getrandbits(32), r.getrandbits(32))
                bulk = 0
                if t.bulk_unit:  # drawn in both variants: same connections
                    bulk = int(min(64e6, r.lognormvariate(mu, sigma)))
                    u = len(t.bulk_unit)  # whole records (or body units)
                    bulk = (bulk + u - 1) // u * u
                    if args.handshake_only:
                        bulk = 0
                rate_bps = min(100e6, r.lognormvariate(math.log(1e6), 1.0))
                srv = gid[group(t)] * 16 + r.randrange(16)
                yield start, g, t, isn, bulk, rate_bps, srv

    for start, g, t, isn, bulk, rate_bps, srv in arrivals():
        while heap and heap[0][0] <= start:
            ts, k, frame, gen = heapq.heappop(heap)
            out.add(frame, ts_us=ts)
            nx = next(gen, None)
            if nx is not None:
                heapq.heappush(heap, (nx[0], k, nx[1], gen))
        cip = bytes((10, 64 + (g >> 16) % 192, (g >> 8) & 255, g & 255))
        sip = bytes((10, 0, 1 + (srv >> 8) % 254, srv & 255 or 1))
        cport = 1024 + (g * 7919) % 64511
        gen = conn_packets(t, start, cip, sip, cport, isn, bulk, rate_bps, args.mss)
        first = next(gen)
        serial += 1
        heapq.heappush(heap, (first[0], serial, first[1], gen))
        if len(heap) > max_active:
            max_active = len(heap)
        if clist:
            clist.write('%s\t%d\t%s\t%s\n' % ('.'.join(map(str, cip)), cport, t.name, t.expect))
        counts[t.name] = counts.get(t.name, 0) + 1
        codes[t.expect] = codes.get(t.expect, 0) + 1
        n_tls += t.has_ch
        if bulk:
            n_bulk += 1
            bulk_bytes += bulk
    while heap:
        ts, k, frame, gen = heapq.heappop(heap)
        out.add(frame, ts_us=ts)
        nx = next(gen, None)
        if nx is not None:
            heapq.heappush(heap, (nx[0], k, nx[1], gen))
    out.close()
    if clist:
        clist.close()
    meta = {
        'file': os.path.abspath(args.output),
        'connections': n * args.repeat + 16 * len(teachers),
        'tls_handshakes': n_tls,
        'packets': out.count,
        'bytes': out.bytes,
        'bulk_connections': n_bulk,
        'bulk_payload_bytes': bulk_bytes,
        'max_concurrent_connections': max_active,
        'scale': args.scale,
        'size_mb': args.size_mb,
        'repeat': args.repeat,
        'handshake_only': args.handshake_only,
        'seed': args.seed,
        'rate_conn_per_s': args.rate,
        'mss': args.mss,
        'tcp_checksums': 'recomputed',
        'expected_verdicts': dict(sorted(codes.items())),
        'templates': dict(sorted(counts.items())),
        'skipped_captures': skipped,
        'seconds_to_build': round(time.time() - t_begin, 1),
    }
    with open(args.output + '.meta.json', 'w') as f:
        json.dump(meta, f, indent=1)
    print('%s: %d connections (%d TLS handshakes, %d with bulk), %d packets, %.1f MB, '
          'max %d concurrent, built in %.0f s' % (
              args.output, meta['connections'], n_tls, n_bulk, out.count,
              out.bytes / 1e6, max_active, meta['seconds_to_build']), file=sys.stderr)


if __name__ == '__main__':
    main()
