/* tls_stream.h - one connection's TLS, both directions: preamble, records, handshake messages, keys and cipher state. */
#ifndef TLSDIAG_TLS_STREAM_H
#define TLSDIAG_TLS_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovpn.h"
#include "starttls.h"
#include "timeline.h"
#include "tls_msg.h"
#include "tls_record.h"

struct tls_decrypt;

/*
 * What one direction's records are, as far as the stream can tell. The
 * rules that read it are in tls_stream.c, each with its reason.
 */
enum tls_cipher {
	TLS_CIPHER_PLAIN,	/* records read as they are */
	TLS_CIPHER_ENCRYPTED,	/* after the sender's TLS 1.2 CCS, or the
				 * server's records after a TLS 1.3 hello */
	TLS_CIPHER_UNKNOWN,	/* picked up midstream: no handshake
				 * message read yet */
};

/*
 * One whole handshake message (or SSL 2.0 hello), handed to the facts
 * layer. Its event is already on the timeline, tagged; the hook adds
 * what it reads to it and to the connection's facts.
 */
struct tls_stream_msg {
	struct tl_conn		*c;		/* the connection */
	struct tl_event		*ev;
	int			 dir;		/* enum tl_dir */
	uint8_t			 type;		/* TLS_HS_* */
	const uint8_t		*body;
	size_t			 len;
	bool			 sslv2;		/* an SSL 2.0 hello, from its
						 * message type byte on */
	bool			 tls13;		/* the ServerHello chose 1.3 */
	/* TLS_HS_SERVER_HELLO: the message as tls_stream parsed it for its
	 * own rules, or NULL when it is malformed. */
	const struct tls_server_hello *sh;
	/* The keys in use, or NULL. The hook may refill them from a key
	 * log that grows (a Finished read while following the log). */
	struct tls_decrypt	*dec;
	/* Out, ServerHello: the keys the key log has for this connection
	 * (tls_stream owns them from then on), or NULL. */
	struct tls_decrypt	*keys;
	/* Out, SSL 2.0: a well-formed SSL 2.0 ServerHello was read. */
	bool			 sslv2_server;
};

/* The facts layer: called from inside tls_stream_feed, and never calls
 * back into the stream. */
typedef void	(*tls_stream_msg_fn)(void *arg, struct tls_stream_msg *m);

/* What a call found, for the caller to act on (bits). */
#define TLS_STREAM_SETTLED	0x1u	/* the handshake is over */
#define TLS_STREAM_STOP(dir)	(0x2u << (dir))	/* nothing more to read
						 * from direction |dir| */

/* Where the bytes being fed were captured: the stamp of new events. */
struct tls_stamp {
	uint64_t	frame;
	int64_t		ts_us;
};

struct tls_stream_dir {
	struct tls_stream	*ts;
	int			 dir;
};

struct tls_stream {
	struct tl_conn		*c;		/* events and TLS facts go here */
	tls_stream_msg_fn	 msg_fn;
	void			*msg_arg;
	struct tls_stream_dir	 d[2];		/* the callbacks' argument */
	struct tls_stamp	 at;		/* of the bytes being read */
	/* The preamble before TLS (STARTTLS, proxies): its reader, from
	 * the first byte until it is done, then NULL with |st_done| (most
	 * connections begin with TLS: its bytes are theirs for one call).
	 * It is the first member of tls_stream.c's struct preamble, which
	 * keeps the stamps of each direction's first preamble byte too. */
	struct starttls		*st;
	bool			 st_done;
	struct tls_rec		 rec[2];
	struct tls_hs		 hs[2];
	struct ovpn		*ovpn;		/* OpenVPN over TCP, or NULL */
	struct tls_decrypt	*dec;		/* key log state, or NULL */
	/* A renegotiation (TLS 1.2 and below): its keys from the key log
	 * (or NULL: none there), which each side uses from its next
	 * ChangeCipherSpec on (|renewed|), the other keeping |dec| until
	 * then (its NewSessionTicket, say). */
	struct tls_decrypt	*dec_next;
	bool			 renewing[2];	/* its CCS is still to come */
	bool			 renewed[2];	/* on dec_next */
	enum tls_cipher		 cipher[2];
	bool			 sh_seen;	/* a ServerHello was read */
	bool			 hrr_seen;
	bool			 tls13;		/* ServerHello chose TLS 1.3 */
	bool			 settled;	/* handshake over */
	bool			 skim[2];	/* settle's answer to the running
						 * record callback */
	uint8_t			 phase;		/* TLS 1.3 without keys */
	uint8_t			 reneg_events;	/* shown after the handshake */
	uint8_t			 hb_events;	/* Heartbeat records shown */
	uint16_t		 null_mac;	/* MAC bytes of a NULL cipher */
	unsigned		 out;		/* TLS_STREAM_* of this call */
};

/* tls_stream_init starts both directions of |c|'s stream. |midstream|:
 * the capture began inside the connection, maybe inside a record. */
void	tls_stream_init(struct tls_stream *ts, struct tl_conn *c,
	    tls_stream_msg_fn fn, void *arg, bool midstream);
void	tls_stream_cleanup(struct tls_stream *ts);
/* tls_stream_feed reads the next |len| bytes of direction |dir|. */
unsigned tls_stream_feed(struct tls_stream *ts, int dir, const uint8_t *p,
	    size_t len, struct tls_stamp at);
/* tls_stream_gap says |nbytes| bytes of |dir| are missing. */
void	tls_stream_gap(struct tls_stream *ts, int dir, uint64_t nbytes);
/* tls_stream_mem returns the bytes the stream holds in buffers. */
size_t	tls_stream_mem(const struct tls_stream *ts);

#endif
