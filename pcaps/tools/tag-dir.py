#!/usr/bin/env python3
"""Insert a link-layer tag in the frames of ONE direction of a capture.

    tag-dir.py IN.pcap OUT.pcap s2c|c2s ETHERTYPE TAGHEX

Real networks put tags between the MAC addresses and the IP ethertype, and
often in one direction only (a switch port that adds Cisco MetaData with
the source's security group tag, a tap on one side of a fabric). No stock
tool inserts them (editcap can chop bytes but not insert them), so this
script rewrites a real Ethernet capture: in every frame sent by the chosen
side (the client is the sender of the first SYN), after the 12 bytes of
MAC addresses, it inserts ETHERTYPE (hex, 2 bytes) and TAGHEX (the tag's
bytes after its ethertype), and the frame's own ethertype follows. Frames
of the other direction are copied as they are. Lengths in the record
headers grow by the inserted bytes; nothing else changes.

Used by pcaps/tools/link-tags.sh:
  8909 01010001 0064   Cisco MetaData: version 1, length 1 (8 bytes), the
                       SGT option (0x0001), security group tag 100
  88b5 00000000        IEEE 802 local experimental ethertype 1, standing
                       for any tag tlsdiag does not decode

Input: classic pcap, either byte order, link type 1 (Ethernet).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402


def main():
    src, dst, side, etype, taghex = sys.argv[1:6]
    try:
        cap = pcapio.read(src, strict=False)
    except pcapio.PcapError as e:
        sys.exit(str(e))
    if cap.format != "pcap":
        sys.exit("not a classic pcap file")
    if cap.link_field != pcapio.LINKTYPE_ETHERNET:
        sys.exit("not an Ethernet capture")
    ins = bytes.fromhex(etype) + bytes.fromhex(taghex)
    client = None
    with pcapio.PcapWriter.like(dst, cap) as w:
        for r in cap.records:
            frame = r.data
            d = pcapio.decode(pcapio.LINKTYPE_ETHERNET, frame)
            sport = None
            if d is not None and d.tcp is not None and len(d.link) == 14:
                sport = d.sport
                if client is None and d.flags & pcapio.TCP_SYN and \
                        not d.flags & pcapio.TCP_ACK:
                    client = sport
            from_client = sport is not None and sport == client
            tag = sport is not None and client is not None and (
                (side == "c2s" and from_client) or
                (side == "s2c" and not from_client))
            if tag:
                w.add_ts(r.sec, r.frac, frame[:12] + ins + frame[12:],
                         wirelen=r.wirelen + len(ins),
                         caplen=r.caplen + len(ins))
            else:
                w.add_ts(r.sec, r.frac, frame, wirelen=r.wirelen,
                         caplen=r.caplen)


if __name__ == "__main__":
    main()
