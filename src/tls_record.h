/* tls_record.h - TLS record framing and handshake message defragmentation. */
#ifndef TLSDIAG_TLS_RECORD_H
#define TLSDIAG_TLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* What the record callback asks of the reader for the records after it. */
enum tls_rec_next {
	TLS_REC_NEXT_READ,	/* go on reading whole records */
	TLS_REC_NEXT_SKIM,	/* the handshake is over: headers only */
};

/*
 * What the record layer reports. Calls happen from inside tls_rec_feed;
 * pointers are valid only during the call. A callback never calls back
 * into its reader: it says what it wants by what it returns.
 */
struct tls_rec_cb {
	/* One complete record: content type, record version, payload; in
	 * skim mode p == NULL (the return value is then not read). */
	enum tls_rec_next (*record)(void *arg, uint8_t ct, uint16_t version,
		    const uint8_t *p, size_t len);
	/* An SSLv2-compatible ClientHello (body after the 2-byte length). */
	void	(*sslv2_hello)(void *arg, const uint8_t *p, size_t len);
	/* The stream does not start like TLS; |p| holds its first bytes. */
	void	(*not_tls)(void *arg, const uint8_t *p, size_t len);
	/* After an implausible record header (|what| says why) or a gap,
	 * the next plausible header was found |skipped| bytes on. */
	void	(*resync)(void *arg, const char *what, uint64_t skipped);
};

enum tls_rec_state {
	TLS_REC_DETECT,		/* first bytes not seen yet */
	TLS_REC_RECORDS,	/* reading records */
	TLS_REC_RESYNC,		/* after a gap: looking for a record header */
	TLS_REC_NOT_TLS,	/* not TLS: ignore the rest */
	TLS_REC_OFF,		/* switched off by the caller */
};

struct tls_rec {
	enum tls_rec_state	state;
	struct buf		pending;	/* a partial record */
	uint64_t		records;
	uint64_t		skipped;
	const char		*resync_why;	/* why we are resynchronising */
	uint64_t		resync_skipped;	/* bytes passed over so far */
	/* Skim mode (tls_rec_skim): headers only, bodies skipped unread. */
	bool			skim;
	uint8_t			hdr[5];
	uint8_t			hdr_len;
	uint32_t		body_left;
};

void	tls_rec_init(struct tls_rec *r, size_t max_buffer);
void	tls_rec_cleanup(struct tls_rec *r);
/* tls_rec_feed takes the next |len| bytes of the stream. */
void	tls_rec_feed(struct tls_rec *r, const struct tls_rec_cb *cb,
	    void *arg, const uint8_t *p, size_t len);
/* tls_rec_gap says |nbytes| bytes of the stream are missing; the partial
 * record is dropped and the reader resynchronises on the next header. */
void	tls_rec_gap(struct tls_rec *r, const struct tls_rec_cb *cb,
	    void *arg, uint64_t nbytes);
/* tls_rec_skim switches |r| to reading record headers only: the record
 * callback gets p == NULL and the body length, and no byte is buffered
 * (the fast path once a handshake is settled). Not from |r|'s own record
 * callback, which returns TLS_REC_NEXT_SKIM instead. */
void	tls_rec_skim(struct tls_rec *r);
/* tls_rec_off stops all parsing and frees the buffer (fast path); not
 * from |r|'s own callbacks. */
void	tls_rec_off(struct tls_rec *r);
/*
 * tls_null_mac_len returns the MAC length of a TLS 1.2-and-older cipher
 * suite that authenticates without encrypting (a NULL bulk cipher: RFC
 * 5246 A.5, RFC 4785, RFC 5487, RFC 4492, RFC 5489), or 0 for any other
 * suite. Under such a suite a record after ChangeCipherSpec is the
 * plaintext followed by that many MAC bytes: no IV, no padding.
 */
size_t	tls_null_mac_len(uint16_t suite);
/* tls_rec_looks_like_tls returns true if |p| begins with a plausible TLS
 * record header or SSLv2 ClientHello (|len| >= 3 needed; fewer: false and
 * |*need_more| true). */
bool	tls_rec_looks_like_tls(const uint8_t *p, size_t len, bool *need_more);

/*
 * Handshake message defragmentation: messages split across records and
 * several messages per record (RFC 8446 5.1).
 */
struct tls_hs_cb {
	/* One complete handshake message. |truncated|: the message was longer
	 * than the buffer allows and |len| bytes of its body are given.
	 * Returns true when no more messages are wanted: the rest of the
	 * record is dropped and the buffer freed (tls_hs_discard). */
	bool	(*msg)(void *arg, uint8_t type, const uint8_t *body,
		    size_t len, bool truncated);
};

struct tls_hs {
	struct buf	pending;
	uint64_t	messages;
	uint64_t	skip;	/* rest of a truncated message still to come */
};

void	tls_hs_init(struct tls_hs *h, size_t max_msg);
void	tls_hs_cleanup(struct tls_hs *h);
/* tls_hs_feed takes the payload of one handshake record. */
void	tls_hs_feed(struct tls_hs *h, const struct tls_hs_cb *cb, void *arg,
	    const uint8_t *p, size_t len);
/* tls_hs_reset drops a partial message (after a gap or key change). */
void	tls_hs_reset(struct tls_hs *h);
/* tls_hs_discard frees the buffer and drops what it holds: no more
 * messages are expected. Not from |h|'s own callback, which returns true
 * instead. */
void	tls_hs_discard(struct tls_hs *h);
/* tls_hs_partial returns true if a message is waiting for more bytes. */
bool	tls_hs_partial(const struct tls_hs *h);

#endif
