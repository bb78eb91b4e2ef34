#!/usr/bin/env python3
"""Rewrite an Ethernet pcap (e.g. a Linux `lo` capture) as LINKTYPE_NULL.

LINKTYPE_NULL (DLT_NULL, 0) is the BSD loopback encapsulation: a 4-byte
address family in the *capturing host's* byte order, then the IP packet.
No stock tool on Linux writes it (editcap -T null only relabels the file
header, and editcap -C can chop but not insert bytes), so this script
replaces each 14-byte Ethernet header with that 4-byte header.
The file is written little-endian (magic d4 c3 b2 a1) and the AF value in
little-endian too, as a little-endian BSD host would: AF_INET = 2,
AF_INET6 = 30 (the macOS/FreeBSD-ish value; readers should accept 24, 28, 30).
Only classic pcap input (not pcapng) is accepted; frames that are neither
IPv4 nor IPv6 are dropped.

usage: to-null.py IN.pcap OUT.pcap
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    try:
        cap = pcapio.read(src, strict=False)
    except pcapio.PcapError as e:
        sys.exit(str(e))
    if cap.format != "pcap":
        sys.exit("not a classic pcap file")
    if cap.link_field != pcapio.LINKTYPE_ETHERNET:
        sys.exit(f"link type {cap.link_field} is not Ethernet")
    n = 0
    with pcapio.PcapWriter.like(dst, cap, endian="<",
                                linktype=pcapio.LINKTYPE_NULL) as w:
        for r in cap.records:
            frame = r.data
            etype = struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
            if etype == pcapio.ETHERTYPE_IPV4:
                af = 2
            elif etype == pcapio.ETHERTYPE_IPV6:
                af = 30
            else:
                continue
            w.add_ts(r.sec, r.frac, struct.pack("<I", af) + frame[14:],
                     wirelen=r.wirelen - 14 + 4)
            n += 1
    print(f"{n} frames written", file=sys.stderr)


if __name__ == "__main__":
    main()
