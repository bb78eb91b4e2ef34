/* decode.h - link, IP and TCP headers to a struct segment. */
#ifndef TLSDIAG_DECODE_H
#define TLSDIAG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define TCP_URG	0x20
#define TCP_ECE	0x40
#define TCP_CWR	0x80

/* TCP options kept for the timeline (RFC 9293 3.2, RFC 7323). */
struct tcp_opts {
	bool		has_mss;
	bool		has_wscale;
	bool		sack_ok;
	bool		has_ts;
	uint16_t	mss;
	uint8_t		wscale;
	uint32_t	tsval;
	uint32_t	tsecr;
};

/*
 * One TCP segment. |payload| borrows from the packet buffer and is valid
 * only inside the capture callback.
 */
struct segment {
	uint8_t		 af;		/* 4 or 6 */
	uint8_t		 src[16];	/* IPv4 uses the first 4 bytes */
	uint8_t		 dst[16];
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint8_t		 flags;		/* TCP_* */
	uint16_t	 win;
	const uint8_t	*opts;		/* TCP options, for decode_tcp_options */
	size_t		 opts_len;
	uint16_t	 vlan[2];	/* outermost first; 0 if none */
	uint8_t		 encap;		/* tunnels unwrapped (IP-in-IP, GRE,
					 * VXLAN, Geneve) */
	bool		 link_exact;	/* the link layer gave the exact length
					 * of the IP packet (PPPoE): an IP
					 * length past it is bounded by it */
	bool		 has_sgt;	/* Cisco MetaData security group tag */
	uint16_t	 sgt;
	uint16_t	 ethertype;	/* DECODE_NOT_TCP: the ethertype that
					 * was not decoded (0: none, or not
					 * an Ethernet-type framing) */
	const uint8_t	*payload;
	size_t		 payload_len;	/* bytes captured */
	size_t		 payload_wire_len; /* bytes per the IP length; more
					    * than payload_len if snaplen cut */
	bool		 ip_len_over;	/* decode_frame: the IP length claimed
					 * more than the whole frame held */
};

enum decode_status {
	DECODE_OK,
	DECODE_NOT_TCP,		/* valid, but not TCP over IP (ARP, UDP, ...) */
	DECODE_FRAGMENT,	/* an IP fragment: counted, not reassembled */
	DECODE_TRUNCATED,	/* headers cut short by the snapshot length */
	DECODE_MALFORMED,	/* headers present but invalid */
};

/* decode_link_supported returns true if |dlt| (a DLT_ value from
 * pcap_datalink) is a link type decode_packet understands. */
bool		 decode_link_supported(int dlt);

/* decode_packet decodes the |caplen| captured bytes at |pkt| of link type
 * |dlt| into |out|. It returns DECODE_OK when |out| holds a TCP segment;
 * any other status leaves |out| unspecified but for |out->ethertype|,
 * which DECODE_NOT_TCP sets to the ethertype it stopped at (0 when it
 * stopped elsewhere). |out->payload| borrows
 * from |pkt|. It never reads outside [pkt, pkt + caplen). */
enum decode_status decode_packet(struct segment *out, int dlt,
		    const uint8_t *pkt, size_t caplen);
/* decode_packet_layers is decode_packet without its fast path for
 * Ethernet, IPv4 and TCP: every frame layer by layer. The same result;
 * the tests compare them. */
enum decode_status decode_packet_layers(struct segment *out, int dlt,
		    const uint8_t *pkt, size_t caplen);

/*
 * decode_frame is decode_packet for a frame that was |wirelen| bytes long
 * on the wire. When the whole frame was captured (caplen >= wirelen), IP
 * lengths that claim more bytes than the frame holds are a malformed
 * header, not a cut by the snapshot length: the payload is what the frame
 * holds (payload_wire_len == payload_len) and |out->ip_len_over| is set.
 * tshark reads such a frame the same way ("IPv4 total length exceeds
 * packet length").
 */
enum decode_status decode_frame(struct segment *out, int dlt,
		    const uint8_t *pkt, size_t caplen, size_t wirelen);

/* decode_tcp_options reads the options of |s| (which must come from a
 * DECODE_OK decode_packet, its packet still valid). They are read only on
 * demand: the analysis needs none of them on the hot path. */
void		 decode_tcp_options(const struct segment *s, struct tcp_opts *o);

/* decode_status_name returns a short name of |s| for stats output. */
const char	*decode_status_name(enum decode_status s);

#endif
