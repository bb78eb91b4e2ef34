#!/usr/bin/env python3
"""pcapio_check.py - pcaps/tools/pcapio.py against tshark (the oracle).

usage: pcapio_check.py TOP_SRCDIR TMPDIR

1. Real captures (every link type tlsdiag reads, IPv6, pcapng, snaplen-cut
   frames): for every frame, the timestamp (ns), the captured and wire
   lengths, and for TCP frames the ports, raw sequence number, flags and
   payload length as pcapio reads and decodes them must be tshark's.
2. Frames pcapio builds (IPv4 and IPv6, odd and even payloads, TCP
   options) written as little-endian microsecond pcap, big-endian
   nanosecond pcap and pcapng with the if_tsresol values 6, 9 and 2^-20
   and an if_tsoffset, and behind every link header link_wrap builds:
   tshark must call every IPv4 header and TCP checksum good and see the
   same fields, and pcapio must read back what it wrote. csum is checked
   against the RFC 1071 fold, its 0 / 0xffff corners included.
Prints one line per failed check and a count; exit 1 on any failure.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(sys.argv[1], 'pcaps', 'tools'))
import pcapio  # noqa: E402

FIELDS = ['frame.time_epoch', 'frame.cap_len', 'frame.len', 'tcp.srcport',
          'tcp.dstport', 'tcp.seq_raw', 'tcp.flags', 'tcp.len',
          'tcp.checksum.status', 'ip.checksum.status']
REAL = ['tls13-ok.pcap', 'tls13-ok.pcapng', 'tls13-ok-ipv6.pcap',
        'link-null.pcap', 'link-raw.pcap', 'link-sll.pcap',
        'link-sll2.pcap', 'link-vlan.pcap', 'link-qinq.pcap',
        'mixed-20.pcap', 'derived/tls12-ok-snap120.pcap',
        'derived/tls13-ok-dsb.pcapng', 'derived/tls12-ok-cmd-s2c.pcap']

fails = 0
checks = 0


def fail(msg):
    global fails
    fails += 1
    print('FAIL: ' + msg)


def count():
    global checks
    checks += 1


def tshark(path):
    args = ['tshark', '-r', path, '-o', 'tcp.check_checksum:TRUE',
            '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.desegment_tcp_streams:FALSE',
            '-T', 'fields']
    for f in FIELDS:
        args += ['-e', f]
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         env=dict(os.environ, SSLKEYLOGFILE=''))
    return [dict(zip(FIELDS, line.split('\t')))
            for line in out.stdout.splitlines()]


def mine(cap):
    """The FIELDS tshark gives, from pcapio (checksums excepted)."""
    rows = []
    for r in cap.records:
        ns = r.ts_ns
        row = {'frame.time_epoch': '%d.%09d' % (ns // 10 ** 9, ns % 10 ** 9),
               'frame.cap_len': str(len(r.data)),
               'frame.len': str(r.wirelen)}
        d = pcapio.decode(cap.interfaces[r.iface].linktype, r.data)
        if d is not None and d.tcp is not None:
            row.update({'tcp.srcport': str(d.sport),
                        'tcp.dstport': str(d.dport),
                        'tcp.seq_raw': str(d.seq),
                        'tcp.flags': '0x%04x' % d.flags,
                        'tcp.len': str(len(d.payload))})
            if d.truncated:     # tshark gives the length the IP header says
                row['tcp.len'] = '>%d' % len(d.payload)
        rows.append(row)
    return rows


def compare(label, cap, path, want_good=False):
    got, want = mine(cap), tshark(path)
    count()
    if len(got) != len(want):
        fail('%s: %d records, tshark %d' % (label, len(got), len(want)))
        return
    for n, (g, w) in enumerate(zip(got, want), 1):
        for k, v in g.items():
            count()
            tv = w.get(k, '')
            if v.startswith('>'):
                if not tv.isdigit() or int(tv) <= int(v[1:]):
                    fail('%s frame %d: cut segment, tshark tcp.len %s' %
                         (label, n, tv))
                continue
            if tv != v:
                fail('%s frame %d: %s %s, tshark %s' % (label, n, k, v, tv))
        if want_good:
            for k in ('tcp.checksum.status', 'ip.checksum.status'):
                count()
                if w.get(k, '') not in ('', '1'):
                    fail('%s frame %d: %s %s (1 is good)' %
                         (label, n, k, w.get(k)))


def built_frames():
    """(ts_ns, frame) of frames built by pcapio."""
    a4, b4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    a6 = bytes.fromhex('fd000000000000000000000000000001')
    b6 = bytes.fromhex('fd000000000000000000000000000002')
    out = []
    t = 1700000000 * 10 ** 9 + 123456000
    for k, (af, s, d) in enumerate(((4, a4, b4), (6, a6, b6)) * 3):
        for pl in (b'', b'x', b'hello, world', bytes(range(256)) * 7):
            opts = b'\x02\x04\x05\xb4\x01\x03\x03\x07' if k % 2 else b''
            tcp = pcapio.tcp_header(1024 + k, 443, 0xfffffff0 + k,
                                    k * 77, pcapio.TCP_ACK | pcapio.TCP_PSH,
                                    options=opts)
            out.append((t, pcapio.frame(af, s, d, tcp, pl, ident=k)))
            t += 1000 + k
    return out


def main():
    top, tmp = sys.argv[1], sys.argv[2]
    for name in REAL:
        path = os.path.join(top, 'pcaps', name)
        compare(name, pcapio.read(path), path)
    frames = built_frames()
    # The checksum helpers against the RFC 1071 fold, corners included.
    for data in (b'', b'\0\0', b'\xff\xff', b'\x12', b'\xff\xff\xff\xff',
                 b'\x00\x01\xff\xfe', bytes(range(255))):
        padded = data + b'\0' * (len(data) % 2)
        s = sum(padded[i] << 8 | padded[i + 1]
                for i in range(0, len(padded), 2))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        count()
        if pcapio.csum(data) != (~s) & 0xffff:
            fail('csum(%s) = %#x, fold gives %#x' %
                 (data.hex(), pcapio.csum(data), (~s) & 0xffff))
    variants = [
        ('le-us.pcap', dict(), None),
        ('be-ns.pcap', dict(endian='>', nano=True), None),
        ('ng-6.pcapng', None, (None, None)),
        ('ng-9.pcapng', None, (9, None)),
        ('ng-bin20.pcapng', None, (0x80 | 20, None)),
        ('ng-offset.pcapng', None, (9, 1000)),
    ]
    for name, kw, ng in variants:
        path = os.path.join(tmp, name)
        want = []
        if ng is None:
            with pcapio.PcapWriter(path, **kw) as w:
                for ns, fr in frames:
                    if kw.get('nano'):
                        w.add_ts(ns // 10 ** 9, ns % 10 ** 9, fr)
                        want.append(ns)
                    else:
                        w.add(fr, ts_us=ns // 1000)
                        want.append(ns // 1000 * 1000)
        else:
            res, off = ng
            pkts = []
            for ns, fr in frames:
                base = ns - (off or 0) * 10 ** 9
                if res is None:
                    ts = base // 1000
                    want.append(ts * 1000 + (off or 0) * 10 ** 9)
                elif res == 9:
                    ts = base
                    want.append(ns)
                else:
                    ts = (base << 20) // 10 ** 9
                    want.append(((ts * 10 ** 9) >> 20) + (off or 0) * 10 ** 9)
                pkts.append((ts, fr, len(fr)))
            with open(path, 'wb') as f:
                f.write(pcapio.pcapng_bytes(pcapio.LINKTYPE_ETHERNET, 65535,
                                            pkts, res, off))
        cap = pcapio.read(path)
        got = [(r.ts_ns, r.data) for r in cap.records]
        count()
        if got != [(w, fr) for w, (_, fr) in zip(want, frames)]:
            fail('%s: pcapio does not read back what it wrote' % name)
        if name.startswith('ng-bin'):
            # tshark rounds a binary fraction its own way: compare the
            # rest, and the times to the microsecond.
            rows = tshark(path)
            for n, (r, w) in enumerate(zip(rows, want), 1):
                count()
                if abs(float(r['frame.time_epoch']) * 1e6 - w / 1e3) > 2:
                    fail('%s frame %d: time %s, pcapio %d ns' %
                         (name, n, r['frame.time_epoch'], w))
            continue
        compare(name, cap, path, want_good=True)
    # Every link header link_wrap builds, around IPv4 and IPv6 packets.
    for lt in (pcapio.LINKTYPE_NULL, pcapio.LINKTYPE_ETHERNET,
               pcapio.LINKTYPE_RAW, pcapio.LINKTYPE_LOOP,
               pcapio.LINKTYPE_LINUX_SLL, pcapio.LINKTYPE_LINUX_SLL2,
               pcapio.LINKTYPE_IPV4, pcapio.LINKTYPE_IPV6):
        path = os.path.join(tmp, 'link-%d.pcap' % lt)
        with pcapio.PcapWriter(path, linktype=lt) as w:
            for ns, fr in frames:
                ip = fr[14:]
                v6 = ip[0] >> 4 == 6
                if (lt == pcapio.LINKTYPE_IPV4 and v6) or \
                        (lt == pcapio.LINKTYPE_IPV6 and not v6):
                    continue
                w.add(pcapio.link_wrap(lt, ip), ts_us=ns // 1000)
        cap = pcapio.read(path)
        count()
        if len(cap.records) < len(frames) // 2:
            fail('link type %d: %d records' % (lt, len(cap.records)))
        compare('link type %d' % lt, cap, path, want_good=True)
    print('%d checks, %d failed' % (checks, fails))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
