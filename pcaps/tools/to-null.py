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
import struct
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    data = open(src, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("not a classic pcap file")
    vmaj, vmin, tz, sig, snap, link = struct.unpack(e + "HHiIII", data[4:24])
    if link != 1:
        sys.exit(f"link type {link} is not Ethernet")
    out = [magic if e == "<" else magic[::-1], struct.pack("<HHiIII", vmaj, vmin, tz, sig, snap, 0)]
    off = 24
    n = 0
    while off + 16 <= len(data):
        ts, tfrac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        etype = struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
        if etype == 0x0800:
            af = 2
        elif etype == 0x86DD:
            af = 30
        else:
            continue
        body = struct.pack("<I", af) + frame[14:]
        out.append(struct.pack("<IIII", ts, tfrac, len(body), orig - 14 + 4))
        out.append(body)
        n += 1
    open(dst, "wb").write(b"".join(out))
    print(f"{n} frames written", file=sys.stderr)


if __name__ == "__main__":
    main()
