#!/usr/bin/env python3
# mkseeds.py - seed inputs for the fuzz targets from pcaps/ and tests/certs/.
#
#   python3 fuzz/mkseeds.py OUTDIR [extra captures ...]
#
# writes OUTDIR/tls, OUTDIR/x509 and OUTDIR/pcap in the input formats that
# fuzz/fuzz_tls.c, fuzz/fuzz_x509.c and fuzz/fuzz_pcap.c describe. The
# committed fuzz/corpus/ is a libFuzzer -merge=1 minimisation of these
# plus what the fuzzer found (fuzz/README.md). Only the standard library.
import glob
import hashlib
import os
import struct
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'pcaps', 'tools'))
import pcapio  # noqa: E402


def write(outdir, kind, data):
    d = os.path.join(outdir, kind)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def tcp_segments(path, data):
    """Yield (src, dst, sport, dport, seq, flags, payload) of every TCP
    segment of a capture (pcaps/tools/pcapio.py reads and decodes it)."""
    try:
        cap = pcapio.read_bytes(data, path, strict=False)
    except pcapio.PcapError:
        return
    for r in cap.records:
        d = pcapio.decode(cap.interfaces[r.iface].linktype, r.data)
        if d is not None and d.tcp is not None:
            yield d.src, d.dst, d.sport, d.dport, d.seq, d.flags, d.payload


def chunk(op, d, data):
    return struct.pack('>BH', (op << 1) | d, len(data)) + data


def tls_streams(path):
    """Yield one fuzz_tls input per TCP connection of a capture."""
    with open(path, 'rb') as f:
        data = f.read()
    conns = {}
    for src, dst, sport, dport, seq, flags, pay in tcp_segments(path, data):
        a, b = (src, sport), (dst, dport)
        key = (min(a, b), max(a, b))
        c = conns.setdefault(key, {'client': None, 'next': {}, 'out': []})
        if c['client'] is None and (flags & 0x12) == 0x02:
            c['client'] = a
        if c['client'] is None:
            c['client'] = a
        d = 0 if a == c['client'] else 1
        if flags & 0x02:
            c['next'][d] = (seq + 1) & 0xffffffff
            continue
        if not pay:
            continue
        nxt = c['next'].get(d, seq)
        diff = (seq - nxt) & 0xffffffff
        if diff >= 0x80000000:
            # Retransmission or overlap: keep the new tail only.
            old = (nxt - seq) & 0xffffffff
            if old >= len(pay):
                continue
            pay, seq = pay[old:], nxt
        elif diff > 0:
            c['out'].append(struct.pack('>BH', (1 << 1) | d,
                                        min(diff, 0xffff)))
        c['next'][d] = (seq + len(pay)) & 0xffffffff
        while pay:
            c['out'].append(chunk(0, d, pay[:0xffff]))
            pay = pay[0xffff:]
    for c in conns.values():
        if c['out']:
            yield b'\0' + b''.join(c['out'])


def der_item(b, off):
    """Return (tag, content start, end) of the DER item at |off|."""
    tag, n = b[off], b[off + 1]
    off += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[off:off + k], 'big')
        off += k
    return tag, off, off + n


def cert_names(der):
    """Return (issuer DER, subject DER) of a certificate."""
    _, s, _ = der_item(der, 0)          # Certificate
    _, s, _ = der_item(der, s)          # tbsCertificate
    items = []
    off = s
    for _ in range(6):
        tag, cs, end = der_item(der, off)
        items.append((tag, off, end))
        off = end
    if items[0][0] != 0xa0:             # no explicit version
        items.insert(0, None)
    iss, sub = items[3], items[5]
    return der[iss[1]:iss[2]], der[sub[1]:sub[2]]


def x509_input(flags, at, sni, certs, ca_names=()):
    out = struct.pack('>BIB', flags, at, len(sni)) + sni
    for c in certs:
        out += struct.pack('>BH', 0, len(c)) + c
    for n in ca_names:
        out += struct.pack('>BH', 1, len(n)) + n
    return out


def x509_seeds(outdir):
    certs = {}
    for p in sorted(glob.glob(os.path.join(TOP, 'tests/certs/*.der'))):
        with open(p, 'rb') as f:
            certs[os.path.basename(p)[:-4]] = f.read()
    at = 1700000000
    for name, der in certs.items():
        write(outdir, 'x509', x509_input(2, at, b'tls-server.local', [der]))
    g = certs.get
    chains = [
        (2, b'tls-server.local', ['leaf', 'inter']),
        (2, b'tls-server.local', ['leaf', 'inter', 'root']),
        (2 | 8, b'other.example', ['inter', 'leaf', 'leaf']),
        (0, b'', ['wildcard', 'inter', 'rogueCA']),
        (2, b'10.0.0.1', ['ip', 'inter']),
        (1 | 2 | 4, b'', ['client', 'clientCA']),
        (1 | 4, b'', ['client-rogue', 'rogueCA']),
        (1, b'', ['client-noauth']),
    ]
    for flags, sni, names in chains:
        ders = [g(n) for n in names if g(n) is not None]
        cas = []
        if flags & 4:
            cas = [cert_names(g('clientCA'))[1], cert_names(g('root'))[1]]
        write(outdir, 'x509', x509_input(flags, at, sni, ders, cas))


def hash_index(path):
    """A small number fixed by the file's name (not by Python's hash)."""
    return int(hashlib.sha1(os.path.basename(path).encode()).hexdigest()[:4],
               16)


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: mkseeds.py OUTDIR [extra captures ...]')
    outdir = sys.argv[1]
    caps = sorted(glob.glob(os.path.join(TOP, 'pcaps/*.pcap')) +
                  glob.glob(os.path.join(TOP, 'pcaps/*.pcapng')))
    extra = sys.argv[2:]
    for p in caps + extra:
        with open(p, 'rb') as f:
            data = f.read()
        keys = os.path.splitext(p)[0] + '.keys'
        if os.path.exists(keys):
            with open(keys, 'rb') as f:
                data = b'#KEYLOG\n' + f.read() + b'#END\n' + data
        write(outdir, 'pcap', data)
        # fuzz_cli: option bytes (fuzz/fuzz_cli.c) vary with the capture,
        # so that the seeds between them cover every output mode.
        n = len(caps) + hash_index(p)
        write(outdir, 'cli', bytes([n & 0xff, (n >> 3) & 0x3f, 40]) + data)
    # Several -r: pairs of captures, the second one without its key log.
    for i in range(0, len(caps) - 1, 5):
        with open(caps[i], 'rb') as f:
            a = f.read()
        with open(caps[i + 1], 'rb') as f:
            b = f.read()
        write(outdir, 'cli', bytes([0x09 | (i & 0x46), 0x10 & i, 3]) + a +
              b'#FILE\n' + b)
    # fuzz_tls: each connection's two streams, from every capture.
    for p in caps + extra:
        for s in tls_streams(p):
            write(outdir, 'tls', s)
            # The same stream midstream (flags bit 0).
            write(outdir, 'tls', b'\1' + s[1:])
    x509_seeds(outdir)


main()
