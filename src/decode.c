/* decode.c - link, IP and TCP headers to a struct segment. */
#include <string.h>

#include <pcap/pcap.h>

#include "decode.h"
#include "rd.h"

/*
 * Older libpcap headers lack some of the newer link types; the numbers
 * are the LINKTYPE_ values of the tcpdump.org registry.
 */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

/* LINKTYPE_ values in pcap files that libpcap maps to a DLT_ value that
 * differs between platforms (DLT_RAW is 12 or 14, DLT_LOOP 108 or 12). */
#define LINKTYPE_RAW	101
#define LINKTYPE_LOOP	108

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100	/* IEEE 802.1Q VLAN tag */
#define ETHERTYPE_8021AD	0x88a8	/* IEEE 802.1ad service tag (QinQ) */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-standard QinQ outer tag */
#define ETHERTYPE_PPPOE_SESS	0x8864	/* RFC 2516 PPPoE session stage */
#define ETHERTYPE_MPLS		0x8847	/* RFC 3032 MPLS unicast */
#define ETHERTYPE_MPLS_MC	0x8848	/* RFC 3032 MPLS multicast */
#define ETHERTYPE_TEB		0x6558	/* transparent Ethernet bridging */
#define ETHERTYPE_CISCO_MD	0x8909	/* Cisco MetaData (CMD, SGT) */
#define ETHERTYPE_ETAG		0x893f	/* IEEE 802.1BR E-Tag */
#define ETHERTYPE_PBB		0x88e7	/* IEEE 802.1ah I-Tag (PBB) */
#define ETHERTYPE_MACSEC	0x88e5	/* IEEE 802.1AE SecTAG */
#define ETHERTYPE_FABRICPATH	0x8903	/* Cisco FabricPath */

#define CMD_OPT_SGT		0x0001	/* CMD option: security group tag */
#define MACSEC_TCI_SC		0x20	/* SecTAG carries the 8-byte SCI */
#define MACSEC_TCI_E		0x08	/* user data encrypted */
#define MACSEC_ICV_LEN		16	/* GCM-AES integrity check value */

#define PPP_IP			0x0021	/* RFC 1332 */
#define PPP_IPV6		0x0057	/* RFC 5072 */

#define UDP_PORT_VXLAN		4789	/* RFC 7348 */
#define UDP_PORT_GENEVE		6081	/* RFC 8926 */
#define UDP_PORT_GTPU		2152	/* 3GPP TS 29.281 */

/* Tunnels unwrapped at most, so nesting cannot go on forever. */
#define DECODE_MAX_ENCAP	4

/* Address family values in DLT_NULL / DLT_LOOP headers (tcpdump's
 * af.h): AF_INET is 2 everywhere; AF_INET6 differs by system. */
#define BSD_AF_INET		2
#define LINUX_AF_INET6		10
#define BSD_AF_INET6_BSD	24	/* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

#define IPPROTO_NUM_HOPOPTS	0
#define IPPROTO_NUM_IPIP	4	/* IPv4 in IP, RFC 2003 */
#define IPPROTO_NUM_TCP		6
#define IPPROTO_NUM_UDP		17
#define IPPROTO_NUM_IPV6	41	/* IPv6 in IP, RFC 4213 */
#define IPPROTO_NUM_GRE		47	/* RFC 2784, RFC 2890 */
#define IPPROTO_NUM_ROUTING	43
#define IPPROTO_NUM_FRAGMENT	44
#define IPPROTO_NUM_ESP		50
#define IPPROTO_NUM_AH		51
#define IPPROTO_NUM_NONE	59
#define IPPROTO_NUM_DSTOPTS	60

#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WSCALE		3
#define TCPOPT_SACK_PERMITTED	4
#define TCPOPT_TIMESTAMP	8

/* The link-layer framings decode_packet knows. */
enum link {
	LINK_NONE,
	LINK_ETHER,
	LINK_SLL,
	LINK_SLL2,
	LINK_RAW,	/* IPv4 or IPv6, by the version nibble */
	LINK_IPV4,
	LINK_IPV6,
	LINK_NULL,	/* 4-byte AF in the capturing host's byte order */
	LINK_LOOP,	/* 4-byte AF in network byte order */
};

/*
 * Bytes of one protocol layer: |r| holds what was captured and |wire|
 * how many bytes the enclosing length field says there are (never less
 * than rd_left(&r)). A header that fits |wire| but not |r| was cut by
 * the snapshot length; one that does not fit |wire| is malformed.
 */
struct layer {
	struct rd	r;
	size_t		wire;
};

static enum link	decode_link(int);
static enum decode_status decode_need(const struct layer *, size_t);
static bool		decode_take(struct layer *, struct rd *, size_t);
static enum decode_status decode_ethertype(struct segment *, struct rd *,
			    uint16_t);
static enum decode_status decode_af(struct segment *, struct rd *, uint32_t);
static bool		decode_af_known(uint32_t);
static enum decode_status decode_ip(struct segment *, struct rd *);
static enum decode_status decode_ipv4(struct segment *, struct rd *);
static enum decode_status decode_ipv6(struct segment *, struct rd *);
static enum decode_status decode_tcp(struct segment *, struct layer *);
static enum decode_status decode_inner(struct segment *, struct layer *,
		    uint8_t);
static enum decode_status decode_ether(struct segment *, struct rd *);
static enum decode_status decode_pppoe(struct segment *, struct rd *);
static enum decode_status decode_mpls(struct segment *, struct rd *);
static enum decode_status decode_tag(struct segment *, struct rd *,
		    uint16_t *);
static void		decode_tcp_opts(struct tcp_opts *, struct rd *);

/* decode_link maps a DLT_ or LINKTYPE_ value to the framing it names. */
static enum link
decode_link(int dlt)
{
	/* An if chain, not a switch: DLT_RAW and DLT_LOOP take values that
	 * collide with the LINKTYPE_ numbers on some systems. */
	if (dlt == DLT_EN10MB)
		return LINK_ETHER;
	if (dlt == DLT_LINUX_SLL)
		return LINK_SLL;
	if (dlt == DLT_LINUX_SLL2)
		return LINK_SLL2;
	if (dlt == DLT_RAW || dlt == LINKTYPE_RAW)
		return LINK_RAW;
	if (dlt == DLT_IPV4)
		return LINK_IPV4;
	if (dlt == DLT_IPV6)
		return LINK_IPV6;
	if (dlt == DLT_NULL)
		return LINK_NULL;
	if (dlt == DLT_LOOP || dlt == LINKTYPE_LOOP)
		return LINK_LOOP;
	return LINK_NONE;
}

bool
decode_link_supported(int dlt)
{
	return decode_link(dlt) != LINK_NONE;
}

/* decode_need says why |n| more bytes of |l| are not available. */
static enum decode_status
decode_need(const struct layer *l, size_t n)
{
	if (n > l->wire)
		return DECODE_MALFORMED;
	if (n > rd_left(&l->r))
		return DECODE_TRUNCATED;
	return DECODE_OK;
}

/* decode_take moves the next |n| bytes of |l| into |out|; the caller has
 * checked them with decode_need. */
static bool
decode_take(struct layer *l, struct rd *out, size_t n)
{
	if (!rd_bytes(&l->r, out, n))
		return false;
	l->wire -= n;
	return true;
}

static bool
all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/*
 * decode_ether_fast decodes, through the same bounded reader, the frame
 * most captures are made of: Ethernet II, IPv4 without options, not a
 * fragment, TCP whose header the frame and the IP length both hold,
 * skipping the layers' dispatch and general checks (TCP is decode_tcp). It
 * returns false, |out| zeroed again, for anything else, which the
 * layers above then decode one by one; for what it takes, |out| is what
 * they would make (check_decode's test_fast_equals_layers compares them
 * over every header byte's values). |out| is zeroed by the caller.
 */
static bool
decode_ether_fast(struct segment *out, const uint8_t *pkt, size_t caplen)
{
	struct rd r;
	struct layer l;
	uint16_t type, len16, frag;
	uint8_t vhl, proto;
	size_t total, cap;

	rd_init(&r, pkt, caplen);
	if (!rd_skip(&r, 12) || !rd_u16(&r, &type) || type != ETHERTYPE_IP ||
	    !rd_peek_u8(&r, 0, &vhl) || vhl != 0x45 ||
	    !rd_peek_u16(&r, 2, &len16) || !rd_peek_u16(&r, 6, &frag) ||
	    !rd_peek_u8(&r, 9, &proto) || (frag & 0x3fff) != 0 ||
	    proto != IPPROTO_NUM_TCP)
		return false;
	total = len16 == 0 ? rd_left(&r) : len16;
	if (total < 20)
		return false;
	cap = rd_left(&r) < total ? rd_left(&r) : total;
	l.wire = total - 20;
	/* The IP header's addresses, then the TCP segment as decode_ipv4
	 * hands it on (decode_tcp: the same checks, the same fields). */
	if (!rd_bytes(&r, &l.r, cap) || !rd_skip(&l.r, 12) ||
	    !rd_copy(&l.r, out->src, 4) || !rd_copy(&l.r, out->dst, 4) ||
	    decode_tcp(out, &l) != DECODE_OK)
		goto no;
	out->af = 4;
	return true;
no:
	memset(out, 0, sizeof(*out));
	return false;
}

/*
 * ether_padding: a frame no longer than Ethernet's minimum (60 bytes
 * before the FCS) whose IP length counts some of the padding: an ACK or
 * SYN-ACK that seems to carry up to 6 zero bytes. Some middleboxes write
 * such lengths; the bytes are padding, not data, and would collide with
 * the real bytes at that sequence number.
 */
static void
ether_padding(struct segment *out, size_t caplen)
{
	if (caplen <= 60 && out->payload_len > 0 && out->payload_len <= 6 &&
	    out->encap == 0 && (out->flags & (TCP_PSH | TCP_FIN)) == 0 &&
	    all_zero(out->payload, out->payload_len)) {
		out->payload_len = 0;
		out->payload_wire_len = 0;
	}
}

enum decode_status
decode_packet(struct segment *out, int dlt, const uint8_t *pkt, size_t caplen)
{
	memset(out, 0, sizeof(*out));
	if (dlt == DLT_EN10MB && decode_ether_fast(out, pkt, caplen)) {
		ether_padding(out, caplen);
		return DECODE_OK;
	}
	return decode_packet_layers(out, dlt, pkt, caplen);
}

enum decode_status
decode_packet_layers(struct segment *out, int dlt, const uint8_t *pkt,
    size_t caplen)
{
	enum decode_status st;
	struct rd r;
	uint32_t af;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	rd_init(&r, pkt, caplen);
	switch (decode_link(dlt)) {
	case LINK_ETHER:
		st = decode_ether(out, &r);
		if (st == DECODE_OK)
			ether_padding(out, caplen);
		return st;
	case LINK_SLL:
		/*
		 * Linux cooked v1 (LINKTYPE_LINUX_SLL): packet type[2],
		 * ARPHRD type[2], address length[2], address[8],
		 * protocol[2].
		 */
		if (!rd_skip(&r, 14) || !rd_u16(&r, &type))
			return DECODE_TRUNCATED;
		return decode_ethertype(out, &r, type);
	case LINK_SLL2:
		/*
		 * Linux cooked v2 (LINKTYPE_LINUX_SLL2): protocol[2],
		 * reserved[2], interface index[4], ARPHRD type[2],
		 * packet type[1], address length[1], address[8].
		 */
		if (!rd_u16(&r, &type) || !rd_skip(&r, 18))
			return DECODE_TRUNCATED;
		return decode_ethertype(out, &r, type);
	case LINK_RAW:
		return decode_ip(out, &r);
	case LINK_IPV4:
		return decode_ipv4(out, &r);
	case LINK_IPV6:
		return decode_ipv6(out, &r);
	case LINK_NULL:
		/*
		 * The AF is in the byte order of the host that wrote the
		 * file, which need not be ours. As tcpdump does, take the
		 * little-endian reading if it is a known family, else the
		 * big-endian one.
		 */
		if (!rd_u32le(&r, &af))
			return DECODE_TRUNCATED;
		if (!decode_af_known(af))
			af = (af & 0xff) << 24 | (af & 0xff00) << 8 |
			    (af & 0xff0000) >> 8 | af >> 24;
		return decode_af(out, &r, af);
	case LINK_LOOP:
		if (!rd_u32(&r, &af))
			return DECODE_TRUNCATED;
		return decode_af(out, &r, af);
	case LINK_NONE:
		break;
	}
	return DECODE_NOT_TCP;
}

enum decode_status
decode_frame(struct segment *out, int dlt, const uint8_t *pkt, size_t caplen,
    size_t wirelen)
{
	enum decode_status st;

	st = decode_packet(out, dlt, pkt, caplen);
	if (st == DECODE_OK && caplen >= wirelen &&
	    out->payload_wire_len > out->payload_len) {
		out->payload_wire_len = out->payload_len;
		out->ip_len_over = true;
	}
	return st;
}

/* IEEE 802.3 / Ethernet II: dst[6] src[6] type[2]. */
static enum decode_status
decode_ether(struct segment *out, struct rd *r)
{
	uint16_t type;

	if (!rd_skip(r, 12) || !rd_u16(r, &type))
		return DECODE_TRUNCATED;
	return decode_ethertype(out, r, type);
}

/*
 * decode_ethertype follows |type| past any stack of IEEE 802.1Q / 802.1ad
 * tags (TCI[2] type[2] each) to IPv4 or IPv6. The first two VLAN ids are
 * kept, outermost first.
 */
static enum decode_status
decode_ethertype(struct segment *out, struct rd *r, uint16_t type)
{
	enum decode_status st;
	uint16_t tci;
	size_t ntags = 0, nmeta = 0;

	for (;;) {
		if (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
		    type == ETHERTYPE_QINQ_OLD) {
			if (!rd_u16(r, &tci) || !rd_u16(r, &type))
				return DECODE_TRUNCATED;
			if (ntags < sizeof(out->vlan) / sizeof(out->vlan[0]))
				out->vlan[ntags] = tci & 0x0fff;
			ntags++;
			continue;
		}
		if (type != ETHERTYPE_CISCO_MD && type != ETHERTYPE_ETAG &&
		    type != ETHERTYPE_MACSEC)
			break;
		/* Tags that sit between the MACs and IP on real networks;
		 * a bounded number, so a crafted frame cannot loop long. */
		if (++nmeta > DECODE_MAX_ENCAP)
			return DECODE_MALFORMED;
		st = decode_tag(out, r, &type);
		if (st != DECODE_OK)
			return st;
	}
	switch (type) {
	case ETHERTYPE_IP:
		return decode_ipv4(out, r);
	case ETHERTYPE_IPV6:
		return decode_ipv6(out, r);
	case ETHERTYPE_PPPOE_SESS:
		return decode_pppoe(out, r);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return decode_mpls(out, r);
	case ETHERTYPE_TEB:
		if (out->encap >= DECODE_MAX_ENCAP)
			return DECODE_NOT_TCP;
		out->encap++;
		return decode_ether(out, r);
	case ETHERTYPE_PBB:
		/* IEEE 802.1ah: I-Tag TCI[4] (I-PCP, I-DEI, UCA, I-SID),
		 * then the customer's Ethernet frame. */
		if (out->encap >= DECODE_MAX_ENCAP)
			return DECODE_NOT_TCP;
		out->encap++;
		if (!rd_skip(r, 4))
			return DECODE_TRUNCATED;
		return decode_ether(out, r);
	case ETHERTYPE_FABRICPATH:
		/* Cisco FabricPath: the outer MACs, ethertype 0x8903 and
		 * FTag/TTL[2], then the classic Ethernet frame. */
		if (out->encap >= DECODE_MAX_ENCAP)
			return DECODE_NOT_TCP;
		out->encap++;
		if (!rd_skip(r, 2))
			return DECODE_TRUNCATED;
		return decode_ether(out, r);
	default:
		/* ARP, LLDP, an 802.3 length field, ...: the caller counts
		 * what was skipped by its ethertype. */
		out->ethertype = type;
		return DECODE_NOT_TCP;
	}
}

/*
 * decode_tag reads one tag that precedes the next ethertype and replaces
 * |*type| with it.
 *
 * Cisco MetaData (ethertype 0x8909, as Wireshark's "cmd" dissector reads
 * it): version[1] length[1] then options of 4 bytes each, option
 * type/length[2] value[2], the first the security group tag (SGT, type
 * 0x0001), then the next ethertype[2]. |length| counts the header in 8-byte
 * units from its own ethertype on: 1 is the usual single SGT option.
 *
 * IEEE 802.1BR E-Tag (0x893f): E-PCP, E-DEI, ingress E-CID base, GRP,
 * E-CID base, ingress E-CID ext, E-CID ext in 6 bytes, then the next
 * ethertype.
 *
 * IEEE 802.1AE SecTAG (0x88e5): TCI/AN[1] SL[1] PN[4] [SCI[8] if SC],
 * then, when the E bit is clear (integrity only), the ethertype of the
 * user data in clear; the 16-byte ICV at the end lies past the IP packet.
 * Encrypted MACsec is skipped (counted under 0x88e5).
 */
static enum decode_status
decode_tag(struct segment *out, struct rd *r, uint16_t *type)
{
	uint8_t ver, len, tci;
	uint16_t opt, val;
	size_t optlen;

	switch (*type) {
	case ETHERTYPE_CISCO_MD:
		if (!rd_u8(r, &ver) || !rd_u8(r, &len))
			return DECODE_TRUNCATED;
		if (len == 0)
			return DECODE_MALFORMED;
		optlen = (size_t)len * 8 - 4;
		if (rd_left(r) < optlen + 2)
			return DECODE_TRUNCATED;
		if (!rd_u16(r, &opt) || !rd_u16(r, &val) ||
		    !rd_skip(r, optlen - 4) || !rd_u16(r, type))
			return DECODE_TRUNCATED;
		if (opt == CMD_OPT_SGT) {
			out->has_sgt = true;
			out->sgt = val;
		}
		(void)ver;
		return DECODE_OK;
	case ETHERTYPE_ETAG:
		if (!rd_skip(r, 6) || !rd_u16(r, type))
			return DECODE_TRUNCATED;
		return DECODE_OK;
	case ETHERTYPE_MACSEC:
		if (!rd_u8(r, &tci) || !rd_skip(r, 5))
			return DECODE_TRUNCATED;
		if ((tci & MACSEC_TCI_SC) != 0 && !rd_skip(r, 8))
			return DECODE_TRUNCATED;
		if ((tci & MACSEC_TCI_E) != 0) {
			out->ethertype = ETHERTYPE_MACSEC;
			return DECODE_NOT_TCP;
		}
		if (!rd_u16(r, type))
			return DECODE_TRUNCATED;
		return DECODE_OK;
	default:
		return DECODE_MALFORMED;
	}
}

/*
 * RFC 2516 4: ver[4 bits] type[4 bits] code[1] session_id[2] length[2],
 * then the PPP protocol[2] (RFC 1661 2) of the payload.
 */
static enum decode_status
decode_pppoe(struct segment *out, struct rd *r)
{
	uint16_t len, proto;
	uint8_t vt, code;

	if (!rd_u8(r, &vt) || !rd_u8(r, &code) || !rd_skip(r, 2) ||
	    !rd_u16(r, &len) || !rd_u16(r, &proto))
		return DECODE_TRUNCATED;
	if (vt != 0x11 || code != 0)
		return DECODE_NOT_TCP;
	/* The PPPoE length covers the PPP protocol and the packet: past it
	 * is Ethernet padding (tshark bounds the IP packet the same way). */
	if (len >= 2 && rd_left(r) >= (size_t)len - 2) {
		struct rd ip;

		if (!rd_bytes(r, &ip, (size_t)len - 2))
			return DECODE_TRUNCATED;
		*r = ip;
		out->link_exact = true;
	}
	switch (proto) {
	case PPP_IP:
		return decode_ipv4(out, r);
	case PPP_IPV6:
		return decode_ipv6(out, r);
	default:
		return DECODE_NOT_TCP;	/* LCP, IPCP, ... */
	}
}

/*
 * RFC 3032 2.1: label stack entries of label[20 bits] TC[3] S[1] TTL[8];
 * after the one with S (bottom of stack) comes the payload, IPv4 or IPv6
 * by its version nibble.
 */
static enum decode_status
decode_mpls(struct segment *out, struct rd *r)
{
	uint32_t lse;
	size_t n;

	for (n = 0; n < 16; n++) {
		if (!rd_u32(r, &lse))
			return DECODE_TRUNCATED;
		if ((lse & 0x100) != 0)
			return decode_ip(out, r);
	}
	return DECODE_MALFORMED;
}

/* decode_af_known says whether |af| is a DLT_NULL family we decode. */
static bool
decode_af_known(uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
	case LINUX_AF_INET6:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return true;
	default:
		return false;
	}
}

/* decode_af decodes the packet after a DLT_NULL / DLT_LOOP header. */
static enum decode_status
decode_af(struct segment *out, struct rd *r, uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
		return decode_ipv4(out, r);
	case LINUX_AF_INET6:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return decode_ipv6(out, r);
	default:
		return DECODE_NOT_TCP;
	}
}

/* decode_ip picks IPv4 or IPv6 by the version nibble (raw IP links). */
static enum decode_status
decode_ip(struct segment *out, struct rd *r)
{
	uint8_t vhl;

	if (!rd_peek_u8(r, 0, &vhl))
		return DECODE_TRUNCATED;
	switch (vhl >> 4) {
	case 4:
		return decode_ipv4(out, r);
	case 6:
		return decode_ipv6(out, r);
	default:
		return DECODE_MALFORMED;
	}
}

/*
 * RFC 791 3.1:
 *   version[4 bits] IHL[4 bits] TOS[1] total length[2] identification[2]
 *   flags[3 bits] fragment offset[13 bits] TTL[1] protocol[1]
 *   header checksum[2] source[4] destination[4] options[IHL*4 - 20]
 * The checksum is not verified: offloading makes it wrong in captures
 * taken on the sending host.
 */
static enum decode_status
decode_ipv4(struct segment *out, struct rd *r)
{
	struct rd hdr;
	struct layer l;
	uint16_t len16, frag;
	uint8_t vhl, proto;
	size_t hlen, total, cap;

	if (rd_left(r) < 20)
		return DECODE_TRUNCATED;
	if (!rd_peek_u8(r, 0, &vhl) || !rd_peek_u16(r, 2, &len16) ||
	    !rd_peek_u16(r, 6, &frag) || !rd_peek_u8(r, 9, &proto))
		return DECODE_TRUNCATED;
	if (vhl >> 4 != 4)
		return DECODE_MALFORMED;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (hlen < 20)
		return DECODE_MALFORMED;
	if (rd_left(r) < hlen)
		return DECODE_TRUNCATED;
	/*
	 * A total length of 0 is what Linux shows on the sending host for
	 * TCP segmentation offload and for BIG TCP packets over 64 KiB
	 * (Wireshark's "TSO" case, tcpdump's "length 0"): the captured
	 * bytes are all there is to go by.
	 */
	total = len16 == 0 ? rd_left(r) : len16;
	if (out->link_exact && total > rd_left(r))
		total = rd_left(r);
	if (total < hlen)
		return DECODE_MALFORMED;
	/* Bound the packet by the IP length, dropping Ethernet padding. */
	cap = rd_left(r) < total ? rd_left(r) : total;
	if (!rd_bytes(r, &l.r, cap) || !rd_bytes(&l.r, &hdr, hlen))
		return DECODE_TRUNCATED;
	l.wire = total - hlen;
	if (!rd_skip(&hdr, 12) || !rd_copy(&hdr, out->src, 4) ||
	    !rd_copy(&hdr, out->dst, 4))
		return DECODE_TRUNCATED;
	out->af = 4;
	/* More fragments, or an offset: part of a fragmented datagram. */
	if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0)
		return proto == IPPROTO_NUM_TCP ? DECODE_FRAGMENT :
		    DECODE_NOT_TCP;
	if (proto != IPPROTO_NUM_TCP)
		return decode_inner(out, &l, proto);
	return decode_tcp(out, &l);
}

/*
 * RFC 8200 3:
 *   version[4 bits] traffic class[8 bits] flow label[20 bits]
 *   payload length[2] next header[1] hop limit[1] source[16]
 *   destination[16]
 * then a chain of extension headers (RFC 8200 4) up to TCP.
 */
static enum decode_status
decode_ipv6(struct segment *out, struct rd *r)
{
	struct rd hdr, ext;
	struct layer l;
	enum decode_status st;
	uint16_t plen, fragoff;
	uint8_t vtc, nh, hlen;
	size_t cap, n;

	if (!rd_bytes(r, &hdr, 40))
		return DECODE_TRUNCATED;
	if (!rd_u8(&hdr, &vtc) || !rd_skip(&hdr, 3) ||
	    !rd_u16(&hdr, &plen) || !rd_u8(&hdr, &nh) ||
	    !rd_skip(&hdr, 1) || !rd_copy(&hdr, out->src, 16) ||
	    !rd_copy(&hdr, out->dst, 16))
		return DECODE_TRUNCATED;
	if (vtc >> 4 != 6)
		return DECODE_MALFORMED;
	out->af = 6;
	/* RFC 2675 jumbograms (payload length 0, the real length in a
	 * hop-by-hop option) are not decoded. */
	if (plen == 0 && nh == IPPROTO_NUM_HOPOPTS)
		return DECODE_MALFORMED;
	cap = rd_left(r) < plen ? rd_left(r) : plen;
	if (!rd_bytes(r, &l.r, cap))
		return DECODE_TRUNCATED;
	l.wire = plen;

	for (;;) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
			return decode_tcp(out, &l);
		case IPPROTO_NUM_HOPOPTS:
		case IPPROTO_NUM_ROUTING:
		case IPPROTO_NUM_DSTOPTS:
			/* RFC 8200 4.3-4.6: next[1] length[1] in 8-octet
			 * units, not counting the first 8. */
			st = decode_need(&l, 2);
			if (st != DECODE_OK)
				return st;
			if (!rd_peek_u8(&l.r, 0, &nh) ||
			    !rd_peek_u8(&l.r, 1, &hlen))
				return DECODE_TRUNCATED;
			n = ((size_t)hlen + 1) * 8;
			break;
		case IPPROTO_NUM_FRAGMENT:
			/* RFC 8200 4.5: next[1] reserved[1] offset[13 bits]
			 * res[2 bits] M[1 bit] identification[4]. */
			n = 8;
			st = decode_need(&l, n);
			if (st != DECODE_OK)
				return st;
			if (!rd_peek_u8(&l.r, 0, &nh) ||
			    !rd_peek_u16(&l.r, 2, &fragoff))
				return DECODE_TRUNCATED;
			/* RFC 6946: an atomic fragment (offset 0, M 0) is
			 * a whole packet. */
			if ((fragoff & 0xfff9) != 0)
				return DECODE_FRAGMENT;
			break;
		case IPPROTO_NUM_AH:
			/* RFC 4302 2: next[1] length[1] in 4-octet units,
			 * minus 2. */
			st = decode_need(&l, 2);
			if (st != DECODE_OK)
				return st;
			if (!rd_peek_u8(&l.r, 0, &nh) ||
			    !rd_peek_u8(&l.r, 1, &hlen))
				return DECODE_TRUNCATED;
			n = ((size_t)hlen + 2) * 4;
			break;
		case IPPROTO_NUM_IPIP:
		case IPPROTO_NUM_IPV6:
		case IPPROTO_NUM_GRE:
		case IPPROTO_NUM_UDP:
			return decode_inner(out, &l, nh);
		case IPPROTO_NUM_ESP:		/* encrypted: cannot see TCP */
		case IPPROTO_NUM_NONE:
		default:			/* ICMPv6, ... */
			return DECODE_NOT_TCP;
		}
		st = decode_need(&l, n);
		if (st != DECODE_OK)
			return st;
		if (!decode_take(&l, &ext, n))
			return DECODE_TRUNCATED;
	}
}

/*
 * 3GPP TS 29.281 5.1, GTP-U version 1: flags[1] (version[3 bits] PT E S
 * PN) message type[1] length[2] TEID[4]; with E, S or PN a sequence
 * number[2], N-PDU number[1] and next extension type[1]; each extension
 * header is length[1] in 4-byte words, content, next type[1]. A G-PDU
 * (type 255) carries a user IP packet, IPv4 or IPv6 by its version nibble.
 */
static enum decode_status
decode_gtpu(struct segment *out, struct rd *r)
{
	uint8_t flags, type, next, words;
	size_t n;

	if (!rd_u8(r, &flags) || !rd_u8(r, &type) || !rd_skip(r, 6))
		return DECODE_TRUNCATED;
	if ((flags >> 5) != 1 || (flags & 0x10) == 0 || type != 255)
		return DECODE_NOT_TCP;	/* GTP' or signalling, not a G-PDU */
	if ((flags & 0x07) != 0) {
		if (!rd_skip(r, 3) || !rd_u8(r, &next))
			return DECODE_TRUNCATED;
		for (n = 0; next != 0; n++) {
			if (n >= 16)
				return DECODE_MALFORMED;
			if (!rd_u8(r, &words) || words == 0 ||
			    !rd_skip(r, (size_t)words * 4 - 2) ||
			    !rd_u8(r, &next))
				return DECODE_TRUNCATED;
		}
	}
	out->encap++;
	return decode_ip(out, r);
}

/*
 * decode_inner unwraps a tunnel carried by IP protocol |proto|: IPv4 or
 * IPv6 in IP, GRE (RFC 2784: flags and version[2] protocol[2], then a
 * checksum and reserved word[4] with C, a key[4] with K, a sequence
 * number[4] with S; RFC 2890), and VXLAN (RFC 7348: 8 bytes, then
 * Ethernet) or Geneve (RFC 8926: ver and option length in 4-byte words
 * [1] flags[1] protocol[2] VNI and reserved[4], the options, then the
 * protocol's payload) over UDP (RFC 768: 8 bytes). The innermost
 * addresses win; other protocols are not TCP.
 */
static enum decode_status
decode_inner(struct segment *out, struct layer *l, uint8_t proto)
{
	struct rd *r = &l->r;
	uint16_t flags, type, sport, dport;
	uint8_t optlen;

	if (out->encap >= DECODE_MAX_ENCAP)
		return DECODE_NOT_TCP;
	switch (proto) {
	case IPPROTO_NUM_IPIP:
		out->encap++;
		return decode_ipv4(out, r);
	case IPPROTO_NUM_IPV6:
		out->encap++;
		return decode_ipv6(out, r);
	case IPPROTO_NUM_GRE:
		if (!rd_u16(r, &flags) || !rd_u16(r, &type))
			return DECODE_TRUNCATED;
		if ((flags & 0x0007) != 0)
			return DECODE_NOT_TCP;	/* version 1: PPTP */
		if (((flags & 0x8000) != 0 && !rd_skip(r, 4)) ||
		    ((flags & 0x2000) != 0 && !rd_skip(r, 4)) ||
		    ((flags & 0x1000) != 0 && !rd_skip(r, 4)))
			return DECODE_TRUNCATED;
		out->encap++;
		return decode_ethertype(out, r, type);
	case IPPROTO_NUM_UDP:
		if (!rd_u16(r, &sport) || !rd_u16(r, &dport) ||
		    !rd_skip(r, 4))
			return DECODE_TRUNCATED;
		if (dport == UDP_PORT_VXLAN) {
			if (!rd_skip(r, 8))
				return DECODE_TRUNCATED;
			out->encap++;
			return decode_ether(out, r);
		}
		if (dport == UDP_PORT_GENEVE) {
			if (!rd_u8(r, &optlen) || !rd_skip(r, 1) ||
			    !rd_u16(r, &type) || !rd_skip(r, 4) ||
			    !rd_skip(r, (size_t)(optlen & 0x3f) * 4))
				return DECODE_TRUNCATED;
			if ((optlen >> 6) != 0)
				return DECODE_NOT_TCP;	/* unknown version */
			out->encap++;
			return decode_ethertype(out, r, type);
		}
		if (dport == UDP_PORT_GTPU || sport == UDP_PORT_GTPU)
			return decode_gtpu(out, r);
		return DECODE_NOT_TCP;
	default:
		return DECODE_NOT_TCP;
	}
}

/*
 * RFC 9293 3.1:
 *   source port[2] destination port[2] sequence[4] acknowledgment[4]
 *   data offset[4 bits] reserved[4 bits] flags[1] window[2] checksum[2]
 *   urgent pointer[2] options[data offset * 4 - 20]
 * |l| holds the IP payload.
 */
static enum decode_status
decode_tcp(struct segment *out, struct layer *l)
{
	struct rd hdr, opts;
	enum decode_status st;
	uint8_t doff;
	size_t hlen;

	st = decode_need(l, 20);
	if (st != DECODE_OK)
		return st;
	if (!rd_peek_u8(&l->r, 12, &doff))
		return DECODE_TRUNCATED;
	hlen = (size_t)(doff >> 4) * 4;
	if (hlen < 20)
		return DECODE_MALFORMED;
	st = decode_need(l, hlen);
	if (st != DECODE_OK)
		return st;
	if (!decode_take(l, &hdr, hlen))
		return DECODE_TRUNCATED;
	if (!rd_u16(&hdr, &out->sport) || !rd_u16(&hdr, &out->dport) ||
	    !rd_u32(&hdr, &out->seq) || !rd_u32(&hdr, &out->ack) ||
	    !rd_skip(&hdr, 1) || !rd_u8(&hdr, &out->flags) ||
	    !rd_u16(&hdr, &out->win) || !rd_skip(&hdr, 4) ||
	    !rd_bytes(&hdr, &opts, hlen - 20))
		return DECODE_TRUNCATED;
	out->opts = rd_ptr(&opts);
	out->opts_len = rd_left(&opts);
	out->payload = rd_ptr(&l->r);
	out->payload_len = rd_left(&l->r);
	out->payload_wire_len = l->wire;
	return DECODE_OK;
}

/*
 * RFC 9293 3.2: kind[1], or kind[1] length[1] data[length - 2]. A list
 * that runs past the header ends parsing; the segment stays valid.
 */
static void
decode_tcp_opts(struct tcp_opts *o, struct rd *r)
{
	struct rd val;
	uint8_t kind, len;

	while (rd_left(r) > 0) {
		if (!rd_u8(r, &kind) || kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP)
			continue;
		if (!rd_u8(r, &len) || len < 2 || !rd_bytes(r, &val, len - 2))
			return;
		/* An option of a known kind with the wrong length is
		 * skipped by its length, not believed. */
		switch (kind) {
		case TCPOPT_MSS:
			if (len == 4 && rd_u16(&val, &o->mss))
				o->has_mss = true;
			break;
		case TCPOPT_WSCALE:	/* RFC 7323 2.2 */
			if (len == 3 && rd_u8(&val, &o->wscale))
				o->has_wscale = true;
			break;
		case TCPOPT_SACK_PERMITTED:	/* RFC 2018 2 */
			if (len == 2)
				o->sack_ok = true;
			break;
		case TCPOPT_TIMESTAMP:	/* RFC 7323 3.2 */
			if (len == 10 && rd_u32(&val, &o->tsval) &&
			    rd_u32(&val, &o->tsecr))
				o->has_ts = true;
			break;
		default:
			break;
		}
	}
}

void
decode_tcp_options(const struct segment *s, struct tcp_opts *o)
{
	struct rd r;

	memset(o, 0, sizeof(*o));
	rd_init(&r, s->opts, s->opts_len);
	decode_tcp_opts(o, &r);
}

const char *
decode_status_name(enum decode_status s)
{
	switch (s) {
	case DECODE_OK:
		return "ok";
	case DECODE_NOT_TCP:
		return "not_tcp";
	case DECODE_FRAGMENT:
		return "fragment";
	case DECODE_TRUNCATED:
		return "truncated";
	case DECODE_MALFORMED:
		return "malformed";
	}
	return "unknown";
}
