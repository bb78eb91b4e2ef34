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
with correct IPv4 header and TCP checksums (pcaps/tools/pcapio.py).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'pcaps', 'tools'))
from pcapio import (  # noqa: E402
    TCP_ACK, TCP_PSH, TCP_SYN, PcapWriter, frame, tcp_header)
from forge import CT_HANDSHAKE, Conversation, parse_records  # noqa: E402

START_S = 1700000000


class FloodWriter(PcapWriter):
    """Ethernet/IPv4/TCP frames without options, 1 microsecond apart."""

    def __init__(self, path):
        PcapWriter.__init__(self, path, start_us=START_S * 1000000, step=1)

    def tcp(self, src, dst, sport, dport, seq, ack, flags, payload=b''):
        self.add(frame(4, src, dst, tcp_header(sport, dport, seq, ack, flags,
                                               0xffff), payload))


def ip(a, b, c, d):
    return bytes((a, b, c, d))


def syn_flood(path, n):
    w = FloodWriter(path)
    for i in range(n):
        # Client 10.x.y.z:port and server 172.16-31.x.y:port all vary.
        src = ip(10, (i >> 16) & 255, (i >> 8) & 255, 1 + (i & 127))
        dst = ip(172, 16 + (i & 15), (i >> 4) & 255, 1 + ((i >> 12) & 127))
        sport = 1024 + (i * 7) % 64000
        dport = 1 + (i * 13) % 65535
        w.tcp(src, dst, sport, dport, (i * 2654435761) & 0xffffffff, 0,
              TCP_SYN)
    w.close()


def client_hello(pcaps):
    conv = Conversation(os.path.join(pcaps, 'tls13-ok.pcap'))
    data = conv.flights()[0][1]
    recs, end = parse_records(data)
    assert recs and recs[0][0] == CT_HANDSHAKE
    return data[:end]


def half_open(path, n, ch):
    w = FloodWriter(path)
    server = ip(192, 168, 7, 1)
    for base in range(0, n, 1000):
        batch = range(base, min(n, base + 1000))

        def ep(i):
            return ip(10, 200 + (i >> 16) % 50, (i >> 8) & 255,
                      1 + (i & 127)), 1024 + (i * 3) % 64000

        for i in batch:
            src, sport = ep(i)
            w.tcp(src, server, sport, 443, 1000 + i, 0, TCP_SYN)
        for i in batch:
            src, sport = ep(i)
            w.tcp(server, src, 443, sport, 5000 + i, 1001 + i,
                  TCP_SYN | TCP_ACK)
        for i in batch:
            src, sport = ep(i)
            w.tcp(src, server, sport, 443, 1001 + i, 5001 + i, TCP_ACK)
        for i in batch:
            src, sport = ep(i)
            w.tcp(src, server, sport, 443, 1001 + i, 5001 + i,
                  TCP_ACK | TCP_PSH, ch)
    w.close()


def ooo(path, n, ch):
    w = FloodWriter(path)
    blob = (ch * (61440 // len(ch) + 1))[:61440]
    server = ip(192, 168, 8, 1)
    for i in range(n):
        src, sport = ip(10, 250, (i >> 8) & 255, 1 + (i & 127)), 2000 + i
        w.tcp(src, server, sport, 443, 1000, 0, TCP_SYN)
        w.tcp(server, src, 443, sport, 5000, 1001, TCP_SYN | TCP_ACK)
        w.tcp(src, server, sport, 443, 1001, 5001, TCP_ACK)
        # Byte 1001 never comes; 1002.. and 1002+61440.. wait behind it.
        w.tcp(src, server, sport, 443, 1002, 5001, TCP_ACK | TCP_PSH,
              blob)
        w.tcp(src, server, sport, 443, 1002 + len(blob), 5001,
              TCP_ACK | TCP_PSH, blob)
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
