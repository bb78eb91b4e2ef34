/* timeline.h - one connection's events and facts, in capture order; no I/O. */
#ifndef TLSDIAG_TIMELINE_H
#define TLSDIAG_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint.h"
#include "limits.h"
#include "tls_msg.h"
#include "x509.h"

enum tl_dir {
	TL_C2S = 0,
	TL_S2C = 1,
};

/*
 * The handshake flight an event belongs to, as tls_stream saw it: what
 * the client sent before any ServerHello, what the server sent up to the
 * end of its handshake, what the client sent after the ServerHello, and
 * everything once the handshake is over. TCP and capture events have none.
 */
enum tl_flight {
	TL_FLIGHT_NONE,
	TL_FLIGHT_CLIENT_FIRST,
	TL_FLIGHT_SERVER,
	TL_FLIGHT_CLIENT_SECOND,
	TL_FLIGHT_POST,
};

enum tl_ev_type {
	TL_EV_SYN,
	TL_EV_SYNACK,
	TL_EV_FIN,
	TL_EV_RST,
	TL_EV_HANDSHAKE,	/* hs_type says which message */
	TL_EV_CCS,
	TL_EV_ALERT,
	TL_EV_APPDATA,		/* first record per direction, with a count */
	TL_EV_ENCRYPTED,	/* a handshake-phase record we cannot read */
	TL_EV_GAP,		/* bytes missing from the capture */
	TL_EV_NOT_TLS,		/* the stream is not TLS; raw holds its start */
	TL_EV_MALFORMED,	/* what says how */
	TL_EV_CONFLICT,		/* overlapping TCP data that differs */
	TL_EV_STARTTLS,		/* plaintext upgrade; what names the protocol */
	TL_EV_RESYNC,		/* bytes skipped to find a record header */
	TL_EV_TRUNCATED,	/* a cap was hit; what says which */
	TL_EV_HEARTBEAT,	/* a Heartbeat record (RFC 6520); what says
				 * request or response when readable */
};

struct tl_event {
	uint64_t	 frame;		/* 1-based across the whole input */
	int64_t		 ts_us;		/* capture time, microseconds */
	uint8_t		 type;		/* enum tl_ev_type */
	uint8_t		 dir;		/* enum tl_dir */
	uint8_t		 hs_type;	/* TL_EV_HANDSHAKE */
	uint8_t		 alert_level;
	uint8_t		 alert_desc;
	uint8_t		 flight;	/* enum tl_flight */
	uint8_t		 preview;	/* wire bytes kept: 1 + an index
					 * into the connection's previews;
					 * 0: none (read with tl_event_raw) */
	bool		 encrypted:1;	/* alert or record under encryption */
	bool		 decrypted:1;	/* read with a key log */
	bool		 inferred:1;	/* type deduced from size/order */
	bool		 sslv2:1;	/* SSLv2-compatible ClientHello */
	uint16_t	 version;	/* hello versions, record version */
	uint16_t	 cipher;	/* ServerHello */
	uint32_t	 len;		/* record or message length */
	/* One or the other, by type: 48 bytes an event, not 56. */
	union {
		uint32_t count;		/* SYN: times sent; Certificate:
					 * certificates; CertificateRequest:
					 * CA names */
		uint64_t bytes;		/* gap, resync: bytes; conflict:
					 * its offset */
	};
	const char	*what;		/* static text: malformed reason, ... */
};

/* The first bytes of something that is not TLS (a plaintext greeting, a
 * refusal), from the wire: escape them. Few events have one, so they are
 * kept beside the timeline, and an event is 48 bytes, not 80. */
struct tl_preview {
	uint8_t		 len;
	uint8_t		 b[LIMIT_PREVIEW_BYTES];
};

/*
 * A list of 16-bit codes from a hello, kept at its length: every
 * connection has a ClientHello, and room for LIMIT_HELLO_LIST entries in
 * each of its lists was two thirds of a connection's timeline
 * (bench/RESULTS.md). |v| points into heap memory the connection owns
 * (NULL when num is 0); num and total are tls_u16_list's. The names of
 * a hello are kept the same way (struct tl_name).
 */
struct tl_u16s {
	const uint16_t		*v;
	uint32_t		num;		/* entries kept */
	uint32_t		total;		/* entries on the wire (a hello
						 * is under 2^24 bytes) */
};

/* A name from a hello (SNI, ALPN), kept at its length: |b| points into
 * heap memory the connection owns, or at a constant "" when len is 0.
 * Wire bytes, not a C string: renderers escape them. */
struct tl_name {
	const uint8_t		*b;
	uint32_t		len;		/* bytes kept */
	uint32_t		wire_len;	/* on the wire (may exceed len;
						 * under 2^24, a message's) */
};

/* What the client offered, copied out of the ClientHello. */
struct tl_client_hello {
	uint64_t		frame;
	const char		*malformed;	/* where it broke the RFC, or NULL
						 * (static text, tls_msg.h) */
	void			*heap;		/* the lists' entries and the
						 * names' bytes, one allocation
						 * (tl_keep_client_hello) */
	struct tl_u16s		versions;
	struct tl_u16s		suites;
	struct tl_u16s		groups;
	struct tl_u16s		key_shares;
	struct tl_u16s		sig_algs;
	struct tl_u16s		exts;
	struct tl_name		sni;
	struct tl_name		alpn;		/* offered, joined with ',' */
	uint16_t		legacy_version;
	uint16_t		max_version;	/* highest offered */
	/* (The small fields together: no padding between them.) */
	bool			present;
	bool			sslv2;
	bool			has_sni;
	bool			has_session_id;
	bool			has_ticket;
	bool			has_psk;
	bool			has_early_data;
	bool			has_ech;
	uint8_t			session_id_len;
	uint8_t			session_id[32];
	uint8_t			random[32];
	/* The latest ClientHello's (a renegotiation's; else random). */
	uint8_t			last_random[32];
	/* Fingerprints of this hello, "" when not computed (fingerprint.h:
	 * no JA3 for an SSLv2-compatible hello). */
	char			ja4[FP_JA4_LEN + 1];
	char			ja3[FP_MD5_LEN + 1];
};

/* What the server chose. */
struct tl_server_hello {
	uint64_t		frame;
	void			*heap;		/* exts and alpn, one allocation
						 * (tl_keep_server_hello) */
	struct tl_name		alpn;
	struct tl_u16s		exts;
	uint16_t		version;	/* negotiated */
	uint16_t		suite;
	uint16_t		group;
	uint16_t		hrr_group;
	bool			present;
	bool			hrr_seen;
	bool			tls13;		/* TLS 1.3 or one of its drafts */
	bool			has_alpn;
	bool			resumed;	/* echoed session id or PSK */
	bool			ems;
	uint8_t			compression;	/* method chosen; 0 none */
	uint8_t			random[32];
	char			ja3s[FP_MD5_LEN + 1];	/* "" when not computed */
};

/* A certificate chain as sent, and what the checks found. */
struct tl_chain {
	uint64_t		frame;
	/* heap, |num| (at most LIMIT_CHAIN_CERTS; tl_chain_set): a
	 * connection without certificates keeps no room for them.
	 * NULL: unparseable. */
	struct x509_cert	**certs;
	struct x509_finding	*findings;	/* heap, num_findings */
	uint32_t		num;		/* certs[] entries */
	uint32_t		total;		/* on the wire (within one
						 * message: under 2^24) */
	uint32_t		num_findings;
	bool			present;	/* a Certificate message was seen */
	bool			encrypted_inferred; /* TLS 1.3 flight, not read */
	bool			store_checked;	/* against --ca-file/--ca-path */
};

/* The server's CertificateRequest. */
struct tl_cert_request {
	bool			present;
	uint64_t		frame;
	size_t			num_ca;
	size_t			total_ca;
	char			*ca_text[LIMIT_CA_NAMES];	/* heap */
	uint8_t			*ca_der[LIMIT_CA_NAMES];	/* heap */
	size_t			ca_der_len[LIMIT_CA_NAMES];
	struct tls_u16_list	sig_algs;
	uint8_t			cert_types[16];
	size_t			num_cert_types;
};

enum tl_end {
	TL_END_OPEN,		/* still running */
	TL_END_CLOSED,		/* FIN both ways, or RST */
	TL_END_IDLE,		/* idle timeout */
	TL_END_EOF,		/* end of input */
	TL_END_EVICTED,		/* memory or flow cap */
};

struct verdict;

/* One TCP connection. */
struct tl_conn {
	uint64_t		id;
	uint8_t			af;
	uint8_t			client_ip[16];
	uint8_t			server_ip[16];
	uint16_t		client_port;
	uint16_t		server_port;
	bool			midstream;	/* SYN not seen: roles guessed */
	/* Midstream: the rest of connection |continues| (its id), which
	 * was reported idle: silent since |continues_idle_us|. */
	uint64_t		continues;
	int64_t			continues_idle_us;
	int64_t			start_us;
	int64_t			last_us;
	uint64_t		first_frame;
	enum tl_end		end;
	/* Ended idle after a leap of the capture's clock that came after
	 * its last packet (conn_leapt_from): how long it was silent is not
	 * known, only that the capture holds nothing more of it. */
	bool			end_at_leap;
	int64_t			end_us;		/* capture time of the report */

	struct tl_event		*events;	/* heap, up to LIMIT_EVENTS */
	size_t			num_events;
	size_t			cap_events;
	uint64_t		dropped_events;
	/* What tl_add_event hands out past LIMIT_EVENTS: written, never
	 * read, so that callers need not test for a dropped event. */
	struct tl_event		*overflow;
	struct tl_preview	*previews;	/* heap, num_previews (events'
						 * preview indexes) */
	size_t			num_previews;

	/* Counters per direction. */
	uint64_t		pkts[2];
	uint64_t		bytes[2];	/* TCP payload */
	uint64_t		appdata_records[2];
	uint64_t		appdata_bytes[2];
	uint64_t		gap_bytes[2];
	uint32_t		syn_count;
	uint32_t		synack_count;
	/* Snapshot length: packets of this connection cut short (captured
	 * length below the wire length), the TCP payload bytes they lost, and
	 * how many of gap_bytes[] those account for. */
	uint64_t		snap_pkts[2];
	uint64_t		snap_bytes[2];
	uint64_t		snap_gap_bytes[2];
	/* Packets were seen one way only though data flowed: the other
	 * direction is not in the capture (skipped link-layer tags, an
	 * asymmetric tap). Set when the connection ends. */
	bool			one_sided;

	/* The ACK numbers each side sent: its first and its highest (in
	 * sequence space order). In a capture of one direction only, what a
	 * side acknowledged of the other's stream (tl_acked) shows whether
	 * the other side spoke. */
	uint32_t		ack_first[2];
	uint32_t		ack_top[2];
	bool			ack_seen[2];

	/* TCP facts. */
	bool			syn;
	bool			synack;
	bool			fin[2];
	bool			rst[2];
	uint64_t		rst_frame[2];
	bool			data[2];	/* any payload byte */
	bool			heartbeat[2];	/* a Heartbeat record sent */

	/* TLS facts. */
	bool			tls[2];		/* records seen that direction */
	bool			not_tls[2];
	bool			ccs[2];
	bool			finished[2];	/* Finished read or inferred */
	bool			encrypted_hs[2]; /* TLS 1.3 encrypted flight seen */
	bool			renegotiated;	/* handshake records after it */
	struct tl_client_hello	ch;
	struct tl_server_hello	sh;
	struct tl_chain		server_chain;
	struct tl_chain		client_chain;
	struct tl_cert_request	*cr;		/* NULL: none seen; read it with
						 * tl_cr */
	/*
	 * TLS 1.3 without keys: the chain this connection most likely
	 * received, as another connection to the same server showed it
	 * (knowledge.c), checked against this connection's name and time;
	 * known_chain.num == 0 when none is likely enough. |known| says
	 * where it was seen and why it is taken (reason: enum kb_reason).
	 */
	struct tl_chain		known_chain;
	struct {
		uint64_t	conn_id;
		uint64_t	frame;
		uint16_t	version;
		bool		decrypted;
		int		reason;
		uint32_t	record_len;
		uint64_t	record_frame;
		size_t		names;
	}			known;
	/* TLS 1.3 without keys, the CertificateRequest encrypted: the CA
	 * names the same server asked for in another connection (heap text,
	 * knowledge.c), and where; NULL when not known. */
	char			*known_ca;
	uint64_t		known_ca_conn;
	uint64_t		known_ca_frame;
	/* Another connection in which the same client sent data over the
	 * same server chain (kb_used_by), or 0. */
	uint64_t		chain_used_by;
	bool			starttls;
	/* OpenVPN's control channel encrypted (tls-crypt): its TLS is not
	 * on the wire to read. */
	bool			tunnel_opaque;
	const char		*starttls_proto;
	/* A plaintext protocol tlsdiag followed before any TLS (starttls.c:
	 * "SMTP", "FTP", "MySQL"...), and whether the client asked to
	 * upgrade it; NULL when none. */
	const char		*plain_proto;
	bool			plain_asked;
	/* Through a proxy (HTTP CONNECT, SOCKS): the port the client asked
	 * to reach; 0 when none or not known. */
	uint16_t		tunnel_port;
	/* A refused upgrade or proxy request: why, naming the protocol
	 * and the side (static text), or NULL. */
	const char		*starttls_refused;
	uint16_t		record_version[2];

	/*
	 * Capture loss (issue 19): packets of this connection may be
	 * missing from the capture, not from the wire. |kernel_drops|: the
	 * kernel's drop counter (pcap_stats) rose while the connection was
	 * open, in a live capture. |capture_loss|: that, or a sequence gap
	 * (gap_bytes); set before the verdict is decided, which should
	 * lower its confidence when it is set (an absent message may just
	 * be lost).
	 */
	bool			kernel_drops;
	bool			capture_loss;

	/* The verdict, decided when the connection ends. The analyzer owns
	 * and frees it (verdict.h includes this header, not the reverse). */
	struct verdict		*verdict;
};

/*
 * A connection id with TL_ID_PENDING set is not a number yet. With
 * --threads a worker cannot know how many connections the others made
 * before one of its own, so it names it by the frame it began at (the
 * low TL_ID_FRAME_BITS bits) and a nonce of the run (the bits between),
 * and the reports carry that as "\001NNNNNN-FRAME\002" (the nonce in six
 * hex digits): raw where an id is written, escaped ("\x01" in text,
 * "\u0001" in JSON) inside sentences. The thread that writes the reports
 * replaces each with the number (pool.c); the nonce keeps a name from
 * the wire from passing for one. tl_id_str writes |id| for a report
 * into |buf| and returns |buf|.
 */
#define TL_ID_PENDING		(1ULL << 63)
#define TL_ID_FRAME_BITS	39
#define TL_ID_FRAME_MASK	((1ULL << TL_ID_FRAME_BITS) - 1)
#define TL_ID_NONCE_MASK	0xffffffULL
#define TL_ID_MARK_OPEN		'\001'
#define TL_ID_MARK_CLOSE	'\002'
#define TL_ID_STRLEN		32
const char	*tl_id_str(char buf[TL_ID_STRLEN], uint64_t id);

/* tl_ack notes the ACK number |ack| that side |dir| sent. */
void		 tl_ack(struct tl_conn *c, int dir, uint32_t ack);
/* tl_acked: how many sequence numbers of the other side's stream |dir|
 * acknowledged after its first ACK (its bytes, and 1 for a FIN). */
uint32_t	 tl_acked(const struct tl_conn *c, int dir);

/* The CertificateRequest of |c|: the one seen, or tl_cr_none (absent, all
 * zero). Few connections have one: it is allocated when seen
 * (tl_cr_make), 1 KB less for each connection that has none. */
extern const struct tl_cert_request tl_cr_none;

static inline const struct tl_cert_request *
tl_cr(const struct tl_conn *c)
{
	return c->cr != NULL ? c->cr : &tl_cr_none;
}

/* tl_cr_make returns |c|'s CertificateRequest to fill, allocating it. */
struct tl_cert_request	*tl_cr_make(struct tl_conn *c);

/* tl_keep_client_hello copies the six lists and the SNI of |h|, and
 * |alpn| (the offered protocols joined with ','), into |ch|, in one
 * allocation that |ch| owns (ch->heap). */
void	tl_keep_client_hello(struct tl_client_hello *ch,
	    const struct tls_client_hello *h, const uint8_t *alpn,
	    size_t alpn_len);
/* tl_keep_server_hello copies the extension list and the ALPN of |h|
 * into |sh|, in one allocation that |sh| owns (sh->heap). */
void	tl_keep_server_hello(struct tl_server_hello *sh,
	    const struct tls_server_hello *h);
/* tl_event_set_raw keeps the first LIMIT_PREVIEW_BYTES of |p| as |e|'s
 * wire bytes (|e| one of |c|'s events; nothing for the scratch event). */
void	tl_event_set_raw(struct tl_conn *c, struct tl_event *e,
	    const uint8_t *p, size_t len);
/* tl_event_raw returns |e|'s wire bytes and sets |*len| (0 and "" when it
 * has none). */
const uint8_t	*tl_event_raw(const struct tl_conn *c,
		    const struct tl_event *e, size_t *len);
/* tl_conn_heap_bytes is what |c| holds on the heap besides certificates
 * and itself: its events, its CertificateRequest, its hello lists and
 * its previews, each with the allocator's overhead (util.h), for
 * --max-memory. */
size_t	tl_conn_heap_bytes(const struct tl_conn *c);

/* tl_conn_new returns a zeroed connection with id |id|. */
struct tl_conn	*tl_conn_new(uint64_t id);
/* tl_conn_free releases |c| and every certificate reference it holds.
 * tl_conn_free(NULL) does nothing. */
void		 tl_conn_free(struct tl_conn *c);
/* tl_conn_clear releases what |c| holds, not |c| itself: for a
 * connection the caller allocated (zeroed, its id set). */
void		 tl_conn_clear(struct tl_conn *c);
/* tl_add_event appends an event and returns it for the caller to fill
 * (type, dir, frame, time set). When the timeline is full it counts the
 * event as dropped and returns a scratch event owned by |c|. */
struct tl_event	*tl_add_event(struct tl_conn *c, enum tl_ev_type type,
		    enum tl_dir dir, uint64_t frame, int64_t ts_us);
/* tl_find returns the first event of |type| (and |hs_type| for
 * handshakes, or any when -1) sent in |dir| (or either when -1). */
const struct tl_event *tl_find(const struct tl_conn *c, enum tl_ev_type type,
		    int hs_type, int dir);
/* tl_last_alert returns the first fatal (or last) alert, or NULL. */
const struct tl_event *tl_first_alert(const struct tl_conn *c);
/* tl_chain_clear drops a chain's certificates and findings. */
void		 tl_chain_clear(struct tl_chain *ch);
/* tl_chain_set gives the empty chain |ch| room for |n| certificates (at
 * most LIMIT_CHAIN_CERTS; more are not kept), all NULL, and makes |n|
 * its number; the caller fills them in. */
void		 tl_chain_set(struct tl_chain *ch, size_t n);
/* tl_ev_name returns the DESIGN.md event type name of |e|. */
const char	*tl_ev_name(const struct tl_event *e);
/* tl_client_ja4 returns the JA4 fingerprint of the connection's first
 * ClientHello, or NULL when there is none. It points into |c|. */
const char	*tl_client_ja4(const struct tl_conn *c);
/* tl_dir_name returns "c2s" or "s2c". */
const char	*tl_dir_name(int dir);

#endif
