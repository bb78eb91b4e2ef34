/* ovpn.h - OpenVPN over TCP: the TLS records its control channel carries. */
#ifndef TLSDIAG_OVPN_H
#define TLSDIAG_OVPN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * OpenVPN over TCP frames each packet with a 2-byte length. A packet starts
 * with a byte of opcode (high 5 bits) and key id; control packets then hold
 * the sender's 8-byte session id, with tls-auth an HMAC, a packet id and a
 * time, an ack array (a count, 4-byte ids, the peer's session id when the
 * count is not 0), a 4-byte message id (not in P_ACK_V1), and for
 * P_CONTROL_V1 a piece of the TLS stream. Data packets are the tunnel,
 * encrypted with keys TLS agreed on. With tls-crypt the control channel is
 * encrypted too and its TLS cannot be read ("opaque").
 */

/* Enough for a control packet's header: opcode, session id, an HMAC of up
 * to SHA-512 with packet id and time, 8 acks, the peer's id, message id. */
#define OVPN_HDR_MAX	(1 + 8 + 64 + 8 + 1 + 8 * 4 + 8 + 4)

struct ovpn_dir {
	uint8_t		 hdr[OVPN_HDR_MAX];
	uint16_t	 hdr_len;	/* bytes of it collected */
	uint16_t	 hdr_need;	/* its length, once known (0: not yet) */
	uint8_t		 len_bytes;	/* of the 2-byte length read */
	uint16_t	 pkt_len;	/* this packet's length */
	uint16_t	 left;		/* bytes of its payload still to come */
	bool		 pass;		/* the payload is TLS: hand it on */
	bool		 broken;	/* framing lost: nothing more is read */
	uint32_t	 next_id;	/* next P_CONTROL_V1 message id */
	uint64_t	 packets;	/* packets read */
};

struct ovpn {
	uint8_t		 auth_len;	/* tls-auth HMAC bytes (0: none) */
	bool		 opaque;	/* tls-crypt: no TLS to read */
	struct ovpn_dir	 d[2];
};

/* ovpn_tls_fn takes the next |len| bytes of TLS that |dir| carried. */
typedef void	(*ovpn_tls_fn)(void *arg, int dir, const uint8_t *p,
		    size_t len);

/*
 * ovpn_detect tells whether |p|, the first |len| bytes a client sent, is
 * OpenVPN's first packet (a P_CONTROL_HARD_RESET_CLIENT, whole in |p|),
 * and if so fills |*o| for ovpn_feed: the tls-auth HMAC length it implies,
 * or |opaque| when no layout fits (tls-crypt).
 */
bool	ovpn_detect(struct ovpn *o, const uint8_t *p, size_t len);
/*
 * ovpn_feed reads the next |len| bytes of direction |dir| and hands the
 * TLS they carry to |fn| (never with tls-crypt). It returns false once the
 * bytes break the framing: that direction is then ignored.
 */
bool	ovpn_feed(struct ovpn *o, int dir, const uint8_t *p, size_t len,
	    ovpn_tls_fn fn, void *arg);
/* ovpn_gap says bytes of |dir| are missing: its framing is lost. */
void	ovpn_gap(struct ovpn *o, int dir);

#endif
