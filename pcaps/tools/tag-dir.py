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
import struct
import sys


def main():
    src, dst, side, etype, taghex = sys.argv[1:6]
    data = open(src, "rb").read()
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif data[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("not a classic pcap file")
    if struct.unpack(e + "I", data[20:24])[0] != 1:
        sys.exit("not an Ethernet capture")
    ins = bytes.fromhex(etype) + bytes.fromhex(taghex)
    out = [data[:24]]
    off = 24
    client = None
    while off + 16 <= len(data):
        ts, tu, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + cap]
        off += 16 + cap
        sport = dport = None
        etherype_ok = len(frame) >= 14 and frame[12:14] in (b"\x08\x00",
                                                             b"\x86\xdd")
        if etherype_ok:
            if frame[12:14] == b"\x08\x00":
                ihl = (frame[14] & 0x0f) * 4
                proto = frame[14 + 9]
                tcp = 14 + ihl
            else:
                proto = frame[14 + 6]
                tcp = 14 + 40
            if proto == 6 and len(frame) >= tcp + 14:
                sport, dport = struct.unpack(">HH", frame[tcp:tcp + 4])
                flags = frame[tcp + 13]
                if client is None and flags & 0x02 and not flags & 0x10:
                    client = sport
        from_client = sport is not None and sport == client
        tag = sport is not None and client is not None and (
            (side == "c2s" and from_client) or
            (side == "s2c" and not from_client))
        if tag:
            frame = frame[:12] + ins + frame[12:]
            cap += len(ins)
            wire += len(ins)
        out.append(struct.pack(e + "IIII", ts, tu, cap, wire) + frame)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
