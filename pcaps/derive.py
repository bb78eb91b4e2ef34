#!/usr/bin/env python3
"""derive.py - make captures that stress TCP reassembly from the real ones.

    python3 pcaps/derive.py            # (re)make every capture in PLAN
    python3 pcaps/derive.py tls12-ok   # only the derived captures of tls12-ok
    python3 pcaps/derive.py --check    # also compare each one with tshark

Reads pcaps/<name>.pcap and writes pcaps/derived/<name>-<kind>.pcap. Python 3
standard library only; deterministic (no clock, fixed seeds): a re-run gives
byte-identical files.

Input: classic pcap, little-endian, microsecond timestamps (magic
d4 c3 b2 a1), link type 1 (Ethernet), frames not truncated (caplen ==
wire length). Anything else is refused with a message and exit status 2.
Frames that are not IPv4/IPv6 + TCP (ARP, VLAN-tagged, ...) are copied as
they are; IPv4 fragments and IPv6 extension headers are refused.

Every TCP frame written is rebuilt: IPv4 total length and header checksum,
IPv6 payload length and the TCP checksum (IPv4 or IPv6 pseudo-header) are
recomputed. (The loopback originals carry the partial checksums of
checksum offload, so tshark calls most of them bad; the derived ones are all
correct.)

Kinds (all per TCP connection, several connections may be interleaved):

  reordered   data segments cut at 400 bytes of payload ("MSS 400"), then
              within every run of consecutive data segments of one
              direction (a flight: no packet of the other direction in
              between) the segments are reversed in windows of 3, a last
              pair swapped: a b c d e -> c b a e d. Packets keep their
              slots: each slot keeps its timestamp, so the file stays in
              time order while sequence numbers go backwards.
  duplicated  MSS 400 as above; every data segment is followed at once by
              a copy (IPv4 ID + 1, same timestamp: a fast retransmission),
              and about one in three (random.Random(SEED)) is sent once more
              3 to 6 packets later (never after the connection's first FIN
              or RST, so no packet arrives for a closed connection).
  overlap     every data segment over 300 bytes re-sliced into overlapping
              segments with identical bytes: over 800 bytes, 800-byte
              slices every 400 bytes ([0,800) [400,1200) [800,1600) ...);
              otherwise two slices [0,2L/3) [L/3,L). Same timestamp.
  dropped     MSS 400 as above; in the server's first flight one segment
              is removed: the middle one of those that lie wholly inside
              the flight's largest TLS record (the Certificate, in clear in
              TLS 1.2, encrypted in TLS 1.3). The hole is therefore inside
              one record whose header was seen, and the records after it
              (ServerKeyExchange, ServerHelloDone, the alert...) are intact.
              The client's ACKs still acknowledge past the hole (they were
              recorded on loopback, where nothing was lost).
  midstream   every packet of the connection before its first data segment
              removed (SYN, SYN-ACK, ACK): the capture starts with the
              ClientHello.
  midstream-nohello
              every packet before the server's first data segment removed
              (handshake, ClientHello and the server's ACK of it): the
              capture starts with the ServerHello flight.
"""
import os
import random
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tools"))
import pcapio  # noqa: E402
OUTDIR = os.path.join(HERE, "derived")
SEED = 20261123
MSS = 400

ALL = ["reordered", "duplicated", "overlap", "dropped", "midstream"]
PLAN = {
    "tls12-ok": ALL + ["midstream-nohello"],
    "tls12-untrusted-ca": ALL + ["rst-first"],
    "tls12-server-expired": ALL + ["midstream-nohello"],
    "tls12-client-cert-untrusted": ALL + ["midstream-nohello"],
    "tls12-client-cert-reset": ALL,
    "tls13-ok": ALL + ["midstream-nohello"],
    "tls13-client-cert-untrusted": ALL,
    "tls13-client-cert-missing": ALL,
    "mixed-20": ["reordered", "duplicated", "overlap"],
}

FIN, SYN, RST, PSH = 0x01, 0x02, 0x04, 0x08


class Refused(Exception):
    pass


# ---------------------------------------------------------------- pcap I/O

def read_pcap(path):
    try:
        cap = pcapio.read(path)
    except pcapio.PcapError as e:
        raise Refused(str(e))
    if cap.format == "pcapng":
        raise Refused(f"{path}: pcapng; only classic pcap is handled "
                      "(editcap -F pcap converts)")
    if cap.endian == ">":
        raise Refused(f"{path}: big-endian pcap; only little-endian is handled")
    if cap.nano:
        raise Refused(f"{path}: nanosecond pcap; only microsecond is handled")
    if cap.linktype != pcapio.LINKTYPE_ETHERNET:
        raise Refused(f"{path}: link type {cap.linktype}; only Ethernet (1) "
                      "is handled")
    frames = []
    for n, r in enumerate(cap.records, 1):
        if r.caplen != r.wirelen:
            raise Refused(f"{path}: frame {n} cut by the "
                          f"snap length ({r.caplen} of {r.wirelen} bytes)")
        frames.append(parse_frame(r.sec, r.frac, r.data, f"{path}: frame {n}"))
    return cap, frames


def write_pcap(path, cap, pkts):
    """|pkts| into |path| with the file header of |cap| (the original)."""
    tmp = path + ".tmp"
    with pcapio.PcapWriter.like(tmp, cap) as w:
        for p in pkts:
            w.add_ts(p.sec, p.usec, p.bytes())
    os.replace(tmp, path)


# ------------------------------------------------------- frames and packets

class Pkt:
    """One frame. TCP frames are kept in pieces and rebuilt by bytes()."""

    def __init__(self, sec, usec, raw):
        self.sec, self.usec, self.raw = sec, usec, raw
        self.tcp = False

    def copy(self, **kw):
        p = Pkt.__new__(Pkt)
        p.__dict__.update(self.__dict__)
        p.__dict__.update(kw)
        return p

    def bytes(self):
        if not self.tcp:
            return self.raw
        tcph = bytearray(self.tcph)
        struct.pack_into("!I", tcph, 4, self.seq)
        tcph[13] = self.flags
        seg = pcapio.tcp_segment(self.ver, self.src, self.dst, tcph,
                                 self.payload)
        iph = bytearray(self.iph)
        if self.ver == 4:
            struct.pack_into("!HH", iph, 2, len(iph) + len(seg), self.ipid)
            iph[10:12] = b"\0\0"
            struct.pack_into("!H", iph, 10, pcapio.csum(iph))
        else:
            struct.pack_into("!H", iph, 4, len(seg))
        return self.eth + bytes(iph) + seg


def parse_frame(sec, usec, raw, where):
    p = Pkt(sec, usec, raw)
    d = pcapio.decode(pcapio.LINKTYPE_ETHERNET, raw)
    if d is None or len(d.link) != 14:
        return p                        # not IP, or VLAN-tagged
    if d.proto != 6:
        if d.af == 6 and d.proto in (0, 43, 44, 60):
            raise Refused(f"{where}: IPv6 extension header {d.proto}")
        return p
    if d.error is not None:
        raise Refused(f"{where}: {d.error}")
    if d.truncated:
        raise Refused(f"{where}: bad IPv{d.af} length")
    p.tcp = True
    p.ver, p.iph, p.ipid = d.af, d.ip, d.ident
    p.src, p.dst = d.src, d.dst
    p.eth = d.link
    p.tcph = d.tcp
    p.payload = d.payload
    p.sport, p.dport, p.seq = d.sport, d.dport, d.seq
    p.flags = d.flags
    a, b = (p.src, p.sport), (p.dst, p.dport)
    p.conn = (a, b) if a < b else (b, a)
    p.side = (a, b)  # sender endpoint first
    return p


def annotate(pkts):
    """Set p.dir ('c2s'/'s2c') and p.cid (connection number, 1-based).

    Client = sender of the first SYN without ACK, else of the first packet.
    """
    client = {}
    order = {}
    for p in pkts:
        if not p.tcp:
            continue
        if p.conn not in order:
            order[p.conn] = len(order) + 1
            client[p.conn] = p.side[0]
        if p.flags & SYN and not p.flags & 0x10 and client[p.conn] != p.side[0]:
            client[p.conn] = p.side[0]
    for p in pkts:
        if p.tcp:
            p.cid = order[p.conn]
            p.dir = "c2s" if p.side[0] == client[p.conn] else "s2c"
    return pkts


# -------------------------------------------------------------- transforms

def data(p):
    return p.tcp and len(p.payload) > 0


def cut(p, start, end, last):
    """The slice [start,end) of p's payload as a segment of its own; FIN,
    PSH and RST stay on the last slice only."""
    flags = p.flags if last else p.flags & ~(FIN | PSH | RST)
    return p.copy(seq=(p.seq + start) & 0xFFFFFFFF,
                  payload=p.payload[start:end], flags=flags)


def split_mss(pkts, mss=MSS):
    out = []
    for p in pkts:
        if data(p) and len(p.payload) > mss:
            n = len(p.payload)
            for s in range(0, n, mss):
                out.append(cut(p, s, min(s + mss, n), s + mss >= n))
        else:
            out.append(p)
    return out


def runs(pkts):
    """Lists of indexes of data segments that form one flight: consecutive
    data segments of one connection and direction, with no packet of the
    other direction and no SYN/FIN/RST of the connection in between."""
    open_run = {}
    result = []
    for i, p in enumerate(pkts):
        if not p.tcp:
            continue
        other = (p.cid, "s2c" if p.dir == "c2s" else "c2s")
        if other in open_run:
            result.append(open_run.pop(other))
        key = (p.cid, p.dir)
        if p.flags & (SYN | FIN | RST):
            if key in open_run:
                result.append(open_run.pop(key))
        if data(p):
            open_run.setdefault(key, []).append(i)
            if p.flags & (FIN | RST):
                result.append(open_run.pop(key))
    result.extend(open_run.values())
    return sorted(result)


def permute(n):
    """Reversed windows of 3, a trailing pair swapped: 0 1 2 3 4 -> 2 1 0 4 3."""
    order = []
    i = 0
    while i < n:
        w = 3 if n - i >= 3 else n - i
        order.extend(range(i + w - 1, i - 1, -1))
        i += w
    return order


def reordered(pkts):
    pkts = split_mss(pkts)
    out = list(pkts)
    for r in runs(pkts):
        for slot, src in zip(r, permute(len(r))):
            p = pkts[r[src]]
            out[slot] = p.copy(sec=pkts[slot].sec, usec=pkts[slot].usec)
    return out


def first_close(pkts):
    """Index of each connection's first FIN or RST."""
    close = {}
    for i, p in enumerate(pkts):
        if p.tcp and p.flags & (FIN | RST) and p.cid not in close:
            close[p.cid] = i
    return close


def rst_first(pkts):
    """Each connection's first RST swapped with the data segment just
    before it from the same side (a capture point that saw them out of
    order): the alert then arrives after the reset."""
    out = list(pkts)
    for cid, i in first_close(pkts).items():
        if not pkts[i].flags & RST:
            continue
        j = i - 1
        while j >= 0 and not (pkts[j].tcp and pkts[j].cid == cid and
                              data(pkts[j])):
            j -= 1
        if j < 0 or pkts[j].dir != pkts[i].dir:
            continue
        out[j] = pkts[i].copy(sec=pkts[j].sec, usec=pkts[j].usec)
        out[i] = pkts[j].copy(sec=pkts[i].sec, usec=pkts[i].usec)
    if out == list(pkts):
        raise Refused("no RST right after a data segment")
    return out


def duplicated(pkts):
    rng = random.Random(SEED)
    pkts = split_mss(pkts)
    out = []
    for p in pkts:
        out.append(p)
        if data(p):
            out.append(p.copy(ipid=(p.ipid + 1) & 0xFFFF, dup=True))
    # late copies: decided in file order, inserted from the end backwards
    close = first_close(out)
    late = []
    for i, p in enumerate(out):
        if data(p) and not getattr(p, "dup", False) and rng.random() < 1 / 3:
            j = i + 2 + rng.randint(3, 6)  # after the immediate copy
            limit = close.get(p.cid, len(out))
            if p.flags & (FIN | RST):
                continue
            j = min(j, limit, len(out))
            if j > i + 1:
                late.append((j, i))
    for j, i in sorted(late, reverse=True):
        prev = out[j - 1]
        out.insert(j, out[i].copy(ipid=(out[i].ipid + 2) & 0xFFFF,
                                  sec=prev.sec, usec=prev.usec, dup=True))
    return out


def overlap(pkts):
    out = []
    for p in pkts:
        n = len(p.payload) if p.tcp else 0
        if n > 800:
            s = 0
            while True:
                e = min(s + 800, n)
                out.append(cut(p, s, e, e == n))
                if e == n:
                    break
                s += 400
        elif n > 300:
            out.append(cut(p, 0, (2 * n + 2) // 3, False))
            out.append(cut(p, n // 3, n, True))
        else:
            out.append(p)
    return out


def tls_records(buf):
    """(start, end) of each whole TLS record at the start of buf."""
    recs = []
    off = 0
    while off + 5 <= len(buf) and buf[off] in (20, 21, 22, 23):
        end = off + 5 + struct.unpack("!H", buf[off + 3:off + 5])[0]
        recs.append((off, min(end, len(buf))))
        off = end
    return recs


def dropped(pkts):
    pkts = split_mss(pkts)
    drop = set()
    seen = set()
    for r in runs(pkts):
        p0 = pkts[r[0]]
        if p0.dir != "s2c" or p0.cid in seen:
            continue
        seen.add(p0.cid)
        buf = b"".join(pkts[i].payload for i in r)
        recs = tls_records(buf)
        if not recs:
            continue
        rs, re_ = max(recs, key=lambda x: x[1] - x[0])
        inside = []
        off = 0
        for k, i in enumerate(r):
            n = len(pkts[i].payload)
            if off >= rs + 5 and off + n <= re_ and k < len(r) - 1:
                inside.append(i)
            off += n
        if inside:
            drop.add(inside[len(inside) // 2])
    if not drop:
        raise Refused("no server flight with a segment inside its largest "
                      "record: nothing to drop")
    return [p for i, p in enumerate(pkts) if i not in drop]


def midstream(pkts, direction=None):
    """Drop each connection's packets before its first data segment (of
    direction, if given)."""
    start = {}
    for i, p in enumerate(pkts):
        if data(p) and (direction is None or p.dir == direction):
            start.setdefault(p.cid, i)
    return [p for i, p in enumerate(pkts)
            if not p.tcp or i >= start.get(p.cid, 0)]


KINDS = {
    "reordered": reordered,
    "duplicated": duplicated,
    "overlap": overlap,
    "dropped": dropped,
    "midstream": midstream,
    "midstream-nohello": lambda pkts: midstream(pkts, "s2c"),
    "rst-first": rst_first,
}


# ------------------------------------------------------------ tshark check

def tshark(args):
    r = subprocess.run(["tshark"] + args, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"tshark {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def hs_types(path):
    """Handshake message types per tcp.stream, in stream order."""
    out = tshark(["-r", path, "-o", "tcp.reassemble_out_of_order:TRUE",
                  "-Y", "tls.handshake.type", "-T", "fields",
                  "-e", "tcp.stream", "-e", "tls.handshake.type"])
    per = {}
    for line in out.splitlines():
        st, types = (line.split("\t") + [""])[:2]
        per.setdefault(int(st), []).extend(types.split(","))
    return per


def check(orig, path, kind):
    problems = []
    bad = tshark(["-r", path, "-o", "tcp.check_checksum:TRUE",
                  "-o", "ip.check_checksum:TRUE", "-Y",
                  "tcp.checksum.status==0 || ip.checksum.status==0",
                  "-T", "fields", "-e", "frame.number"]).split()
    if bad:
        problems.append(f"bad checksums in frames {' '.join(bad)}")
    if kind in ("reordered", "duplicated", "overlap"):
        a, b = hs_types(orig), hs_types(path)
        if a != b:
            problems.append(f"handshake messages differ: {a} vs {b}")
    if kind == "dropped":
        lost = tshark(["-r", path, "-Y", "tcp.analysis.lost_segment",
                       "-T", "fields", "-e", "frame.number"]).split()
        if not lost:
            problems.append("tshark sees no lost segment")
        else:
            problems.append(f"(ok) lost segment before frame {lost[0]}")
    return problems


# ------------------------------------------------------------------- main

def main(argv):
    do_check = "--check" in argv
    names = [a for a in argv if not a.startswith("-")]
    for a in argv:
        if a.startswith("-") and a != "--check":
            print(__doc__)
            return 0 if a in ("-h", "--help") else 2
    for n in names:
        if n not in PLAN:
            print(f"derive.py: {n}: not in PLAN", file=sys.stderr)
            return 2
    os.makedirs(OUTDIR, exist_ok=True)
    status = 0
    for name in names or PLAN:
        src = os.path.join(HERE, name + ".pcap")
        try:
            cap, pkts = read_pcap(src)
        except Refused as e:
            print(f"derive.py: {e}", file=sys.stderr)
            return 2
        annotate(pkts)
        for kind in PLAN[name]:
            dst = os.path.join(OUTDIR, f"{name}-{kind}.pcap")
            try:
                new = KINDS[kind](pkts)
            except Refused as e:
                print(f"derive.py: {name}-{kind}: {e}", file=sys.stderr)
                status = 1
                continue
            write_pcap(dst, cap, new)
            line = f"{os.path.relpath(dst)}: {len(new)} frames (from {len(pkts)})"
            if do_check:
                probs = check(src, dst, kind)
                if any(not x.startswith("(ok)") for x in probs):
                    status = 1
                line += "; tshark: " + ("; ".join(probs) or "ok")
            print(line)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
