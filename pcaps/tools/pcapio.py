"""pcapio.py - the one capture library of tlsdiag's Python scripts.

Reads classic pcap (either byte order, micro- or nanosecond magic) and
pcapng (SHB, IDB, EPB, SPB and the obsolete PB; if_tsresol, if_tsoffset;
either byte order per section); writes classic pcap and pcapng; builds
Ethernet, IPv4, IPv6 and TCP headers with correct checksums (RFC 1071,
RFC 793 / RFC 8200 8.1 pseudo-headers) and decodes frames of the link types
tlsdiag reads back into their TCP/IP fields.

Python 3 standard library only; nothing here reads the clock or a random
generator, so scripts built on it stay deterministic.

Every script that reads or writes captures imports it (pcaps/derive.py,
pcaps/tools/to-null.py, pcaps/tools/tag-dir.py, tests/hostile/*.py,
fuzz/mkseeds.py, bench/make-bench-pcap.py, some tests/e2e/*.sh). A script
finds it from its own location, never from the working directory (make
distcheck runs them from a build directory apart from the sources):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), '..', 'pcaps', 'tools'))    # from a directory at the top
    import pcapio
"""
import struct

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_OLD = 12           # DLT_RAW on OpenBSD; libpcap maps it to 101
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86dd
VLAN_TPIDS = (0x8100, 0x88a8, 0x9100)   # 802.1Q, 802.1ad, old QinQ

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10
TCP_URG = 0x20

PCAP_MAGIC_US = 0xa1b2c3d4
PCAP_MAGIC_NS = 0xa1b23c4d
PCAPNG_SHB = 0x0a0d0d0a
PCAPNG_IDB = 1
PCAPNG_PB = 2                   # obsolete Packet Block
PCAPNG_SPB = 3
PCAPNG_EPB = 6
PCAPNG_BOM = 0x1a2b3c4d
PCAPNG_OPT_TSRESOL = 9
PCAPNG_OPT_TSOFFSET = 14

# The magic of a capture file (its first four bytes), as files hold them.
CLASSIC_MAGICS = (b'\xd4\xc3\xb2\xa1', b'\xa1\xb2\xc3\xd4',
                  b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
PCAPNG_MAGIC = b'\x0a\x0d\x0d\x0a'


class PcapError(Exception):
    pass


# ---------------------------------------------------------------- reading

class Record:
    """One packet record. |sec| and |frac| are the timestamp as the file
    gives it for classic pcap (|frac| in microseconds, or nanoseconds when
    |nano|); pcapng timestamps are converted to these units. |data| is
    what was captured, |wirelen| the length on the wire, |caplen| the
    captured length the record header states (len(data) in a whole file),
    |iface| the pcapng interface (0 for classic pcap), |offset| where the
    record starts in the file."""
    __slots__ = ('sec', 'frac', 'nano', 'data', 'wirelen', 'caplen',
                 'iface', 'offset')

    def __init__(self, sec, frac, nano, data, wirelen, caplen=None,
                 iface=0, offset=0):
        self.sec, self.frac, self.nano = sec, frac, nano
        self.data, self.wirelen = data, wirelen
        self.caplen = len(data) if caplen is None else caplen
        self.iface, self.offset = iface, offset

    @property
    def ts_us(self):
        return self.sec * 1000000 + (self.frac // 1000 if self.nano
                                     else self.frac)

    @property
    def ts_ns(self):
        return self.sec * 1000000000 + (self.frac if self.nano
                                        else self.frac * 1000)


class Interface:
    """A pcapng interface (a classic pcap file has one)."""
    __slots__ = ('linktype', 'snaplen', 'tsresol', 'tsoffset')

    def __init__(self, linktype, snaplen, tsresol=6, tsoffset=0):
        self.linktype, self.snaplen = linktype, snaplen
        self.tsresol, self.tsoffset = tsresol, tsoffset


class Capture:
    """A capture file read whole. |format| is 'pcap' or 'pcapng';
    |endian| '<' or '>' (of the first section for pcapng); |linktype|,
    |snaplen| those of the file (of the first interface for pcapng).
    Classic pcap only: |nano|, |version|, |thiszone|, |sigfigs| and
    |link_field| (the raw 32-bit link type word, FCS bits included) are
    the file header's, so that a rewrite can keep it (PcapWriter.like)."""

    def __init__(self, fmt, endian):
        self.format = fmt
        self.endian = endian
        self.nano = False
        self.version = (2, 4)
        self.thiszone = 0
        self.sigfigs = 0
        self.link_field = None
        self.interfaces = []
        self.records = []

    @property
    def linktype(self):
        return self.interfaces[0].linktype if self.interfaces else None

    @property
    def snaplen(self):
        return self.interfaces[0].snaplen if self.interfaces else None


def pcap_endian(data):
    """('<' or '>', nano) of a classic pcap file's magic, or None."""
    m = bytes(data[:4])
    if m == CLASSIC_MAGICS[0]:
        return '<', False
    if m == CLASSIC_MAGICS[1]:
        return '>', False
    if m == CLASSIC_MAGICS[2]:
        return '<', True
    if m == CLASSIC_MAGICS[3]:
        return '>', True
    return None


def pcap_record_offsets(data):
    """(endian, [offset of each record header]) of the classic pcap file
    in |data|, or None when it is not one. Lenient: the last record may
    run past the end (for tools that mutate files)."""
    en = pcap_endian(data)
    if en is None:
        return None
    e = en[0]
    offs = []
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(e + 'I', data, off + 8)[0]
        offs.append(off)
        off += 16 + incl
    return e, offs


def _read_classic(data, name, strict):
    e, nano = pcap_endian(data)
    if len(data) < 24:
        raise PcapError('%s: too short for a pcap file header' % name)
    cap = Capture('pcap', e)
    cap.nano = nano
    vmaj, vmin, cap.thiszone, cap.sigfigs, snaplen, link = struct.unpack(
        e + 'HHiIII', data[4:24])
    cap.version = (vmaj, vmin)
    cap.link_field = link
    cap.interfaces.append(Interface(link & 0x0fffffff, snaplen,
                                    9 if nano else 6))
    off = 24
    while off < len(data):
        if off + 16 > len(data):
            if strict:
                raise PcapError('%s: truncated record header at byte %d' %
                                (name, off))
            break
        sec, frac, incl, orig = struct.unpack_from(e + 'IIII', data, off)
        body = data[off + 16:off + 16 + incl]
        if len(body) != incl and strict:
            raise PcapError('%s: truncated record %d' %
                            (name, len(cap.records) + 1))
        cap.records.append(Record(sec, frac, nano, body, orig, incl, 0, off))
        off += 16 + incl
    return cap


def _resol_to_ns(ts, tsresol):
    """|ts| in units of the if_tsresol value |tsresol| -> nanoseconds
    (rounded down when the unit is finer)."""
    v = tsresol & 0x7f
    if tsresol & 0x80:
        return (ts * 1000000000) >> v
    if v <= 9:
        return ts * 10 ** (9 - v)
    return ts // 10 ** (v - 9)


def pcapng_blocks(data):
    """[(offset, type, total length, endian)] of the pcapng blocks in
    |data|, in order; the byte order is each section's (little-endian
    until a section header says otherwise). Stops at the first block
    whose length is short, not a multiple of 4 or past the end."""
    out = []
    off = 0
    e = '<'
    while off + 12 <= len(data):
        btype = struct.unpack_from('<I', data, off)[0]
        if btype == PCAPNG_SHB and off + 12 <= len(data):
            bom = bytes(data[off + 8:off + 12])
            e = '>' if bom == b'\x1a\x2b\x3c\x4d' else '<'
        btype, blen = struct.unpack_from(e + 'II', data, off)
        if blen < 12 or off + blen > len(data):
            break
        out.append((off, btype, blen, e))
        off += blen
    return out


def _options(body, e):
    """{code: value} of a pcapng option list."""
    opts = {}
    off = 0
    while off + 4 <= len(body):
        code, ln = struct.unpack_from(e + 'HH', body, off)
        if code == 0:
            break
        opts.setdefault(code, body[off + 4:off + 4 + ln])
        off += 4 + ln + (4 - ln % 4) % 4
    return opts


def _read_pcapng(data, name, strict):
    blocks = pcapng_blocks(data)
    end = blocks[-1][0] + blocks[-1][2] if blocks else 0
    if strict and end != len(data):
        raise PcapError('%s: broken pcapng block at byte %d' % (name, end))
    cap = None
    ifaces = []
    for off, btype, blen, e in blocks:
        body = data[off + 8:off + blen - 4]
        if btype == PCAPNG_SHB:
            if cap is None:
                cap = Capture('pcapng', e)
                cap.version = struct.unpack_from(e + 'HH', body, 4)
            ifaces = []
            continue
        if cap is None:
            raise PcapError('%s: pcapng block before the section header' %
                            name)
        if btype == PCAPNG_IDB:
            lt, _, snap = struct.unpack_from(e + 'HHI', body, 0)
            opts = _options(body[8:], e)
            resol = opts.get(PCAPNG_OPT_TSRESOL, b'\x06')[:1] or b'\x06'
            tsoff = opts.get(PCAPNG_OPT_TSOFFSET)
            ifc = Interface(lt, snap, resol[0],
                            struct.unpack(e + 'q', tsoff[:8])[0]
                            if tsoff and len(tsoff) >= 8 else 0)
            ifaces.append(ifc)
            cap.interfaces.append(ifc)
            continue
        if btype in (PCAPNG_EPB, PCAPNG_PB):
            if btype == PCAPNG_EPB:
                iface, hi, lo, incl, orig = struct.unpack_from(
                    e + 'IIIII', body, 0)
            else:
                iface, _, hi, lo, incl, orig = struct.unpack_from(
                    e + 'HHIIII', body, 0)
            pkt = body[20:20 + incl]
            if len(pkt) != incl and strict:
                raise PcapError('%s: pcapng packet block at byte %d cut' %
                                (name, off))
            ts = (hi << 32) | lo
        elif btype == PCAPNG_SPB:
            iface, ts = 0, None
            orig = struct.unpack_from(e + 'I', body, 0)[0]
            snap = ifaces[0].snaplen if ifaces else 0
            incl = min(orig, snap or orig, len(body) - 4)
            pkt = body[4:4 + incl]
        else:
            continue                    # NRB, ISB, DSB, custom ...
        if iface >= len(ifaces):
            raise PcapError('%s: packet of undeclared interface %d' %
                            (name, iface))
        ifc = ifaces[iface]
        if ts is None:
            sec, frac, nano = 0, 0, False
        elif ifc.tsresol == 6:
            sec, frac, nano = ts // 1000000 + ifc.tsoffset, ts % 1000000, \
                False
        else:
            ns = _resol_to_ns(ts, ifc.tsresol)
            sec, frac, nano = ns // 1000000000 + ifc.tsoffset, \
                ns % 1000000000, True
        cap.records.append(Record(sec, frac, nano, pkt, orig, incl,
                                  cap.interfaces.index(ifc), off))
    if cap is None:
        raise PcapError('%s: no pcapng section header' % name)
    return cap


def read_bytes(data, name='capture', strict=True):
    """The Capture in |data| (classic pcap or pcapng). With |strict| a
    record or block cut short raises PcapError; without, reading stops
    there (classic pcap keeps the cut record)."""
    if pcap_endian(data) is not None:
        return _read_classic(data, name, strict)
    if bytes(data[:4]) == PCAPNG_MAGIC:
        return _read_pcapng(data, name, strict)
    raise PcapError('%s: not a pcap or pcapng file (magic %s)' %
                    (name, bytes(data[:4]).hex()))


def read(path, strict=True):
    """The Capture in the file |path|; see read_bytes."""
    with open(path, 'rb') as f:
        return read_bytes(f.read(), path, strict)


# ---------------------------------------------------------------- writing

def pcap_header(linktype=LINKTYPE_ETHERNET, snaplen=262144, nano=False,
                endian='<', version=(2, 4), thiszone=0, sigfigs=0):
    """A classic pcap file header. |linktype| is written as it is (a
    link_field with FCS bits too)."""
    return struct.pack(endian + 'IHHiIII',
                       PCAP_MAGIC_NS if nano else PCAP_MAGIC_US,
                       version[0], version[1], thiszone, sigfigs, snaplen,
                       linktype)


class PcapWriter:
    """A classic pcap file. |clock| is the timestamp of the next packet in
    microseconds for add() without |ts_us|; add() then advances it by
    |step|. |count| counts records, |bytes| the bytes of the file."""

    def __init__(self, path, linktype=LINKTYPE_ETHERNET, snaplen=262144,
                 start_us=1700000000 * 1000000, step=20, nano=False,
                 endian='<', version=(2, 4), thiszone=0, sigfigs=0):
        self.f = open(path, 'wb')
        hdr = pcap_header(linktype, snaplen, nano, endian, version,
                          thiszone, sigfigs)
        self.f.write(hdr)
        self.rec = struct.Struct(endian + 'IIII')
        self.nano = nano
        self.clock = start_us
        self.step = step
        self.count = 0
        self.bytes = len(hdr)
        self.buf = []
        self.buffered = 0

    @classmethod
    def like(cls, path, cap, **kw):
        """A writer whose file header is that of the classic pcap Capture
        |cap|, except for what |kw| changes (linktype=...)."""
        args = dict(linktype=cap.link_field, snaplen=cap.snaplen,
                    nano=cap.nano, endian=cap.endian, version=cap.version,
                    thiszone=cap.thiszone, sigfigs=cap.sigfigs)
        args.update(kw)
        return cls(path, **args)

    def add(self, data, wirelen=None, caplen=None, ts_us=None):
        """Write one record at |ts_us| (default: the clock). |caplen| may
        differ from len(data) only in a deliberately broken file."""
        if ts_us is None:
            ts_us = self.clock
            self.clock += self.step
        sec, frac = divmod(ts_us, 1000000)
        if self.nano:
            frac *= 1000
        n = len(data)
        self.buf.append(self.rec.pack(sec, frac, n if caplen is None
                                      else caplen, n if wirelen is None
                                      else wirelen))
        self.buf.append(data)
        self.count += 1
        self.bytes += 16 + n
        self.buffered += 16 + n
        if self.buffered > (1 << 22):
            self.flush()

    def add_ts(self, sec, frac, data, wirelen=None, caplen=None):
        """Write one record with the timestamp fields as they are (|frac|
        in the file's unit)."""
        if wirelen is None:
            wirelen = len(data)
        if caplen is None:
            caplen = len(data)
        self.buf.append(self.rec.pack(sec, frac, caplen, wirelen))
        self.buf.append(data)
        self.count += 1
        self.bytes += 16 + len(data)
        self.buffered += 16 + len(data)
        if self.buffered > (1 << 22):
            self.flush()

    def add_record(self, r, data=None, wirelen=None):
        """Write Record |r| (from a file of the same time unit), with
        |data| and |wirelen| in place of its own when given."""
        if data is None:
            data = r.data
        self.add_ts(r.sec, r.frac, data,
                    r.wirelen if wirelen is None else wirelen)

    def add_raw(self, blob):
        """Write |blob| as it is (broken record headers)."""
        self.flush()
        self.f.write(blob)
        self.bytes += len(blob)

    def flush(self):
        self.f.write(b''.join(self.buf))
        self.buf = []
        self.buffered = 0

    def close(self):
        self.flush()
        self.f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def pcapng_option(code, value):
    """One pcapng option, padded to 32 bits (little-endian)."""
    pad = (4 - len(value) % 4) % 4
    return struct.pack('<HH', code, len(value)) + value + b'\0' * pad


def pcapng_block(btype, body):
    """One little-endian pcapng block around |body|."""
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def pcapng_bytes(linktype, snaplen, packets, tsresol=None, tsoffset=None):
    """A little-endian pcapng file: a section header, one interface
    (with the if_tsresol / if_tsoffset options when given) and one
    enhanced packet block per (timestamp in the interface's unit, data,
    wire length) of |packets|."""
    out = [pcapng_block(PCAPNG_SHB, struct.pack('<IHHq', PCAPNG_BOM, 1, 0,
                                                -1))]
    opts = b''
    if tsresol is not None:
        opts += pcapng_option(PCAPNG_OPT_TSRESOL, bytes([tsresol]))
    if tsoffset is not None:
        opts += pcapng_option(PCAPNG_OPT_TSOFFSET, struct.pack('<q',
                                                               tsoffset))
    if opts:
        opts += pcapng_option(0, b'')
    out.append(pcapng_block(PCAPNG_IDB, struct.pack(
        '<HHI', linktype & 0xffff, 0, snaplen) + opts))
    for ts, pkt, orig in packets:
        pad = (4 - len(pkt) % 4) % 4
        out.append(pcapng_block(PCAPNG_EPB, struct.pack(
            '<IIIII', 0, ts >> 32, ts & 0xffffffff, len(pkt), orig) +
            pkt + b'\0' * pad))
    return b''.join(out)


# ------------------------------------------------------------- checksums

def csum(data):
    """The Internet checksum (RFC 1071) of |data|. The one's complement
    sum of 16-bit words is the big-endian integer modulo 0xffff (2^16 is
    1 modulo 0xffff), except that a nonzero sum is 0xffff, not 0."""
    v = int.from_bytes(data, 'big')
    if len(data) % 2:
        v <<= 8
    if v == 0:
        return 0xffff
    v %= 0xffff
    return (~v) & 0xffff if v else 0


def tcp_checksum(src, dst, tcp, payload=b''):
    """The TCP checksum of header |tcp| (its checksum field zero) and
    |payload| between IPv4 or IPv6 (by the address length) addresses
    |src| and |dst|. The pseudo-header (RFC 793 3.1, RFC 8200 8.1) sums
    to the addresses + protocol 6 + the segment length in either case.
    Pieces are summed apart, so a large payload is never copied."""
    n = len(tcp) + len(payload)
    if len(tcp) % 2:
        tcp, payload = bytes(tcp) + bytes(payload), b''
    p = int.from_bytes(payload, 'big')
    if len(payload) % 2:
        p <<= 8
    v = (int.from_bytes(src, 'big') + int.from_bytes(dst, 'big') + 6 + n +
         int.from_bytes(tcp, 'big') + p) % 0xffff
    return (~v) & 0xffff if v else 0


# --------------------------------------------------------------- building

ETH_SRC = bytes.fromhex('020000000001')
ETH_DST = bytes.fromhex('020000000002')


def tcp_header(sport, dport, seq, ack, flags, win=65535, options=b'',
               urg=0):
    """A TCP header, checksum zero; |options| padded to 32 bits."""
    if len(options) % 4:
        options += b'\0' * (4 - len(options) % 4)
    doff = (20 + len(options)) // 4
    return struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff,
                       ack & 0xffffffff, doff << 4, flags, win, 0,
                       urg) + options


def tcp_segment(af, src, dst, tcp, payload):
    """|tcp| header + |payload| with the TCP checksum filled in (|af| 4 or
    6 is kept for the callers' sake; the address length decides)."""
    h = bytearray(tcp)
    h[16:18] = b'\0\0'
    struct.pack_into('!H', h, 16, tcp_checksum(src, dst, h, payload))
    return bytes(h) + payload


def ipv4_header(src, dst, payload_len, ident=0, proto=6, ttl=64,
                flags_frag=0x4000, tos=0):
    """A 20-byte IPv4 header with its checksum."""
    h = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, tos, 20 + payload_len,
                              ident & 0xffff, flags_frag, ttl, proto, 0,
                              src, dst))
    struct.pack_into('!H', h, 10, csum(h))
    return bytes(h)


def ipv6_header(src, dst, payload_len, nh=6, hlim=64):
    return struct.pack('!IHBB16s16s', 0x60000000, payload_len, nh, hlim,
                       src, dst)


def ether(ethertype, payload, dst=ETH_DST, src=ETH_SRC):
    return dst + src + struct.pack('!H', ethertype) + payload


def link_wrap(linktype, ip):
    """|ip| (an IPv4 or IPv6 packet, by its version nibble) behind a link
    header of |linktype|: Ethernet, raw IP, BSD loopback (NULL: the
    writer's byte order, little-endian here; LOOP: big-endian; AF_INET 2,
    AF_INET6 30), Linux cooked v1 and v2."""
    v6 = len(ip) > 0 and (ip[0] >> 4) == 6
    et = ETHERTYPE_IPV6 if v6 else ETHERTYPE_IPV4
    if linktype == LINKTYPE_ETHERNET:
        return ether(et, ip)
    if linktype in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6):
        return ip
    if linktype == LINKTYPE_NULL:
        return struct.pack('<I', 30 if v6 else 2) + ip
    if linktype == LINKTYPE_LOOP:
        return struct.pack('>I', 30 if v6 else 2) + ip
    if linktype == LINKTYPE_LINUX_SLL:
        return struct.pack('!HHH8sH', 0, 772, 6, b'\0' * 8, et) + ip
    if linktype == LINKTYPE_LINUX_SLL2:
        return struct.pack('!HHIHBB8s', et, 0, 1, 772, 0, 6, b'\0' * 8) + ip
    raise ValueError(linktype)


def ip_packet(af, src, dst, tcp, payload, ident=0):
    """An IP packet (no link header) carrying one TCP segment."""
    seg = tcp_segment(af, src, dst, tcp, payload)
    if af == 4:
        return ipv4_header(src, dst, len(seg), ident) + seg
    return ipv6_header(src, dst, len(seg)) + seg


def frame(af, src, dst, tcp, payload, ident=0):
    """An Ethernet frame carrying one TCP segment."""
    return ether(ETHERTYPE_IPV4 if af == 4 else ETHERTYPE_IPV6,
                 ip_packet(af, src, dst, tcp, payload, ident))


# --------------------------------------------------------------- decoding

def link_payload(linktype, data):
    """(link header bytes, ethertype, network-layer bytes) of a frame of
    |linktype|, or None when the link type is not one tlsdiag reads or
    the header is cut. Ethernet VLAN tags (802.1Q, 802.1ad, 0x9100) are
    part of the link header; BSD loopback address families are taken in
    either byte order (2 is IPv4; 24, 28, 30 IPv6)."""
    if linktype == LINKTYPE_ETHERNET:
        if len(data) < 14:
            return None
        et = struct.unpack_from('!H', data, 12)[0]
        off = 14
        while et in VLAN_TPIDS and len(data) >= off + 4:
            et = struct.unpack_from('!H', data, off + 2)[0]
            off += 4
        return data[:off], et, data[off:]
    if linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
        if len(data) < 4:
            return None
        le = struct.unpack_from('<I', data)[0]
        be = struct.unpack_from('>I', data)[0]
        if linktype == LINKTYPE_LOOP:
            le = be
        if le == 2 or be == 2:
            et = ETHERTYPE_IPV4
        elif le in (24, 28, 30) or be in (24, 28, 30):
            et = ETHERTYPE_IPV6
        else:
            return data[:4], 0, data[4:]
        return data[:4], et, data[4:]
    if linktype in (LINKTYPE_RAW_OLD, LINKTYPE_RAW, LINKTYPE_IPV4,
                    LINKTYPE_IPV6):
        if not data:
            return None
        return b'', (ETHERTYPE_IPV4 if data[0] >> 4 == 4 else
                     ETHERTYPE_IPV6), data
    if linktype == LINKTYPE_LINUX_SLL:
        if len(data) < 16:
            return None
        return data[:16], struct.unpack_from('!H', data, 14)[0], data[16:]
    if linktype == LINKTYPE_LINUX_SLL2:
        if len(data) < 20:
            return None
        return data[:20], struct.unpack_from('!H', data, 0)[0], data[20:]
    return None


class Packet:
    """An IPv4 or IPv6 packet as decode() finds it. |link| is the link
    header; |ip| the IP header (IPv4 with its options); |tos|, |ident|,
    |frag| (flags and fragment offset), |ttl| and |proto| the IP fields
    (IPv6: traffic class, 0, 0, hop limit, next header). When it carries a
    whole TCP header, |tcp| holds it (options included) and |sport| ...
    |payload| its fields; otherwise |tcp| is None and |error| may say why
    (a fragment, a bad length). |truncated|: the IP length runs past the
    captured bytes (the payload is what was captured)."""
    __slots__ = ('link', 'ethertype', 'af', 'ip', 'src', 'dst', 'tos',
                 'ident', 'frag', 'ttl', 'proto', 'tcp', 'sport', 'dport',
                 'seq', 'ack', 'flags', 'win', 'urg', 'options', 'payload',
                 'truncated', 'error')

    def __init__(self):
        for k in Packet.__slots__:
            setattr(self, k, None)
        self.truncated = False


def decode(linktype, data):
    """The Packet in frame |data| of |linktype|, or None when it is not
    IPv4 or IPv6 (ARP, an unknown link type, a cut link header)."""
    lp = link_payload(linktype, data)
    if lp is None:
        return None
    link, et, p = lp
    pk = Packet()
    pk.link, pk.ethertype = link, et
    if et == ETHERTYPE_IPV4 and len(p) >= 20 and p[0] >> 4 == 4:
        ihl = (p[0] & 15) * 4
        pk.af = 4
        (pk.tos, tot, pk.ident, pk.frag, pk.ttl,
         pk.proto) = struct.unpack_from('!xBHHHBB', p, 0)
        pk.src, pk.dst = bytes(p[12:16]), bytes(p[16:20])
        pk.ip = p[:ihl]
        if pk.proto != 6:
            return pk
        if pk.frag & 0x3fff:
            pk.error = 'IPv4 fragment'
            return pk
        if ihl < 20 or tot < ihl + 20:
            pk.error = 'bad IPv4 total length %d' % tot
            return pk
        if tot > len(p):
            pk.truncated = True
        seg = p[ihl:tot]
    elif et == ETHERTYPE_IPV6 and len(p) >= 40 and p[0] >> 4 == 6:
        pk.af = 6
        plen, pk.proto, pk.ttl = struct.unpack_from('!HBB', p, 4)
        pk.tos = (struct.unpack_from('!I', p, 0)[0] >> 20) & 0xff
        pk.ident = pk.frag = 0
        pk.src, pk.dst = bytes(p[8:24]), bytes(p[24:40])
        pk.ip = p[:40]
        if pk.proto != 6:
            return pk
        if 40 + plen > len(p):
            pk.truncated = True
        seg = p[40:40 + plen]
    else:
        return None
    if len(seg) < 20:
        pk.error = 'TCP header cut'
        return pk
    doff = (seg[12] >> 4) * 4
    if doff < 20 or doff > len(seg):
        pk.error = 'bad TCP header'
        return pk
    (pk.sport, pk.dport, pk.seq, pk.ack, _, pk.flags, pk.win, _,
     pk.urg) = struct.unpack_from('!HHIIBBHHH', seg, 0)
    pk.tcp = seg[:doff]
    pk.options = seg[20:doff]
    pk.payload = seg[doff:]
    return pk

