#!/usr/bin/env python3
"""make-flood.py - captures that try to exhaust tlsdiag's memory and time.

    python3 tests/hostile/make-flood.py [--syns N] [--half-open N]
        [--ooo N] [--pcaps DIR] OUTDIR

Writes, all FORGED traffic (no real peer sent any of it; the ClientHello
bytes are the real one from pcaps/tls13-ok.pcap):

  syn-flood.pcap   N SYNs (default 200,000), each a new connection: the
                   client address and port and the server address and
                   port all change (a port scan of many hosts), so every
                   SYN is its own flow and its own summary group. None is
                   answered. 1 microsecond apart: no idle timeout helps.
  half-open.pcap   N handshakes (default 100,000): SYN, SYN-ACK, ACK and a
                   real ClientHello, then nothing, ever. Opened in batches
                   of 1,000 so that they are all open at once.
  ooo.pcap         N connections (default 200) that each leave a one-byte
                   hole at the start of the client's stream and then send
                   two 60 KiB segments past it: about 120 KiB per
                   connection held out of order, never delivered. With
                   --max-memory 16 the memory cap, not the flow cap, must
                   evict.

Python 3 standard library only, deterministic. Frames are Ethernet/IPv4
with correct IPv4 header and TCP checksums, computed incrementally from a
template so that two million frames take seconds, not minutes.
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcaplib import (  # noqa: E402
    CT_HANDSHAKE, TCP_ACK, TCP_PSH, TCP_SYN, Conversation, parse_records)

START_S = 1700000000


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def words(b):
    if len(b) % 2:
        b += b'\0'
    return sum(struct.unpack('!%dH' % (len(b) // 2), b))


class FastWriter:
    """Ethernet/IPv4/TCP frames without options straight into a pcap
    file, checksums from precomputed sums."""

    def __init__(self, path):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0,
                                 262144, 1))
        self.buf = bytearray()
        self.us = 0
        self.eth = (bytes.fromhex('020000000002020000000001') +
                    b'\x08\x00')

    def add(self, src, dst, sport, dport, seq, ack, flags, payload=b'',
            psum=None):
        """|src|, |dst| are IPv4 addresses as 32-bit ints; |psum| the
        precomputed words() of |payload|."""
        if psum is None:
            psum = words(payload)
        tlen = 20 + len(payload)
        ip_sum = fold(0x4500 + 20 + tlen + 0x4000 + 0x4006 +
                      (src >> 16) + (src & 0xffff) + (dst >> 16) +
                      (dst & 0xffff))
        tcp_sum = fold((src >> 16) + (src & 0xffff) + (dst >> 16) +
                       (dst & 0xffff) + 6 + tlen + sport + dport +
                       (seq >> 16) + (seq & 0xffff) + (ack >> 16) +
                       (ack & 0xffff) + (0x5000 | flags) + 0xffff + psum)
        frame = (self.eth +
                 struct.pack('!BBHHHBBHII', 0x45, 0, 20 + tlen, 0, 0x4000,
                             64, 6, (~ip_sum) & 0xffff, src, dst) +
                 struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50,
                             flags, 0xffff, (~tcp_sum) & 0xffff, 0) +
                 payload)
        self.buf += struct.pack('<IIII', START_S + self.us // 1000000,
                                self.us % 1000000, len(frame), len(frame))
        self.buf += frame
        self.us += 1
        if len(self.buf) > (4 << 20):
            self.f.write(self.buf)
            self.buf = bytearray()

    def close(self):
        self.f.write(self.buf)
        self.f.close()


def ip(a, b, c, d):
    return (a << 24) | (b << 16) | (c << 8) | d


def syn_flood(path, n):
    w = FastWriter(path)
    for i in range(n):
        # Client 10.x.y.z:port and server 172.16-31.x.y:port all vary.
        src = ip(10, (i >> 16) & 255, (i >> 8) & 255, 1 + (i & 127))
        dst = ip(172, 16 + (i & 15), (i >> 4) & 255, 1 + ((i >> 12) & 127))
        sport = 1024 + (i * 7) % 64000
        dport = 1 + (i * 13) % 65535
        w.add(src, dst, sport, dport, (i * 2654435761) & 0xffffffff, 0,
              TCP_SYN)
    w.close()


def client_hello(pcaps):
    conv = Conversation(os.path.join(pcaps, 'tls13-ok.pcap'))
    data = conv.flights()[0][1]
    recs, end = parse_records(data)
    assert recs and recs[0][0] == CT_HANDSHAKE
    return data[:end]


def half_open(path, n, ch):
    w = FastWriter(path)
    psum = words(ch)
    server = ip(192, 168, 7, 1)
    for base in range(0, n, 1000):
        batch = range(base, min(n, base + 1000))

        def ep(i):
            return ip(10, 200 + (i >> 16) % 50, (i >> 8) & 255,
                      1 + (i & 127)), 1024 + (i * 3) % 64000

        for i in batch:
            src, sport = ep(i)
            w.add(src, server, sport, 443, 1000 + i, 0, TCP_SYN)
        for i in batch:
            src, sport = ep(i)
            w.add(server, src, 443, sport, 5000 + i, 1001 + i,
                  TCP_SYN | TCP_ACK)
        for i in batch:
            src, sport = ep(i)
            w.add(src, server, sport, 443, 1001 + i, 5001 + i, TCP_ACK)
        for i in batch:
            src, sport = ep(i)
            w.add(src, server, sport, 443, 1001 + i, 5001 + i,
                  TCP_ACK | TCP_PSH, ch, psum)
    w.close()


def ooo(path, n, ch):
    w = FastWriter(path)
    blob = (ch * (61440 // len(ch) + 1))[:61440]
    psum = words(blob)
    server = ip(192, 168, 8, 1)
    for i in range(n):
        src, sport = ip(10, 250, (i >> 8) & 255, 1 + (i & 127)), 2000 + i
        w.add(src, server, sport, 443, 1000, 0, TCP_SYN)
        w.add(server, src, 443, sport, 5000, 1001, TCP_SYN | TCP_ACK)
        w.add(src, server, sport, 443, 1001, 5001, TCP_ACK)
        # Byte 1001 never comes; 1002.. and 1002+61440.. wait behind it.
        w.add(src, server, sport, 443, 1002, 5001, TCP_ACK | TCP_PSH,
              blob, psum)
        w.add(src, server, sport, 443, 1002 + len(blob), 5001,
              TCP_ACK | TCP_PSH, blob, psum)
    w.close()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pcaps', default=os.path.join(here, '..', '..',
                                                    'pcaps'))
    ap.add_argument('--syns', type=int, default=200000)
    ap.add_argument('--half-open', type=int, default=100000)
    ap.add_argument('--ooo', type=int, default=200)
    ap.add_argument('outdir')
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    ch = client_hello(a.pcaps)
    syn_flood(os.path.join(a.outdir, 'syn-flood.pcap'), a.syns)
    half_open(os.path.join(a.outdir, 'half-open.pcap'), a.half_open, ch)
    ooo(os.path.join(a.outdir, 'ooo.pcap'), a.ooo, ch)
    return 0


if __name__ == '__main__':
    sys.exit(main())
