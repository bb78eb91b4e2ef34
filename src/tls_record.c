/* tls_record.c - TLS record framing and handshake message defragmentation. */
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "tls_msg.h"
#include "tls_record.h"

/*
 * RFC 8446 5.1:
 *   struct {
 *       ContentType type;
 *       ProtocolVersion legacy_record_version;
 *       uint16 length;
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;
 */
#define REC_HDR		5
/* How far past a gap we look for the next plausible record header before
 * calling the stream lost; a record is at most LIMIT_RECORD_BYTES. */
#define RESYNC_WINDOW	(2 * LIMIT_RECORD_BYTES)

/*
 * header_check says whether |r| starts with a record header we believe: a
 * known content type, version 3.0 to 3.4, a length within the RFC limit.
 * It returns 1 for yes, 0 for no (with |*why|), -1 when fewer than 5
 * bytes are there to tell.
 */
static int
header_check(const struct rd *r, const char **why)
{
	uint8_t ct, maj, min;
	uint16_t len;

	if (!rd_peek_u8(r, 0, &ct) || !rd_peek_u8(r, 1, &maj) ||
	    !rd_peek_u8(r, 2, &min) || !rd_peek_u16(r, 3, &len))
		return -1;
	if (ct < TLS_CT_CHANGE_CIPHER_SPEC || ct > TLS_CT_HEARTBEAT) {
		*why = "unknown record content type";
		return 0;
	}
	if (maj != 3 || min > 4) {
		*why = "record version is not SSL 3.0 to TLS 1.3";
		return 0;
	}
	if (len > LIMIT_RECORD_BYTES) {
		*why = "record longer than the RFC allows";
		return 0;
	}
	if (len == 0 && ct != TLS_CT_APPLICATION_DATA) {
		*why = "empty non-application record";
		return 0;
	}
	return 1;
}

/* sslv2_hello_check: RFC 5246 E.2, a 2-byte header with the high bit set,
 * msg_type 1 (ClientHello), version 0x0002 or 0x03xx. */
static bool
sslv2_hello_check(const struct rd *r)
{
	uint8_t b0, type, maj;

	if (!rd_peek_u8(r, 0, &b0) || !rd_peek_u8(r, 2, &type) ||
	    !rd_peek_u8(r, 3, &maj))
		return false;
	return (b0 & 0x80) != 0 && type == 1 && (maj == 0 || maj == 3);
}

/* sslv2_server_hello_check: an SSL 2.0 SERVER-HELLO, the answer of a
 * server that speaks only SSL 2.0: a 2-byte header with the high bit set,
 * msg_type 4, session_id_hit 0 or 1, certificate_type, version 0x0002. */
static bool
sslv2_server_hello_check(const struct rd *r)
{
	uint8_t b0, type, hit;
	uint16_t ver;

	if (!rd_peek_u8(r, 0, &b0) || !rd_peek_u8(r, 2, &type) ||
	    !rd_peek_u8(r, 3, &hit) || !rd_peek_u16(r, 5, &ver))
		return false;
	return (b0 & 0x80) != 0 && type == 4 && hit <= 1 && ver == 0x0002;
}

size_t
tls_null_mac_len(uint16_t suite)
{
	switch (suite) {
	case 0x0001:	/* TLS_RSA_WITH_NULL_MD5 */
		return 16;
	case 0x0002:	/* TLS_RSA_WITH_NULL_SHA */
	case 0x002c:	/* TLS_PSK_WITH_NULL_SHA */
	case 0x002d:	/* TLS_DHE_PSK_WITH_NULL_SHA */
	case 0x002e:	/* TLS_RSA_PSK_WITH_NULL_SHA */
	case 0xc001:	/* TLS_ECDH_ECDSA_WITH_NULL_SHA */
	case 0xc006:	/* TLS_ECDHE_ECDSA_WITH_NULL_SHA */
	case 0xc00b:	/* TLS_ECDH_RSA_WITH_NULL_SHA */
	case 0xc010:	/* TLS_ECDHE_RSA_WITH_NULL_SHA */
	case 0xc015:	/* TLS_ECDH_anon_WITH_NULL_SHA */
	case 0xc039:	/* TLS_ECDHE_PSK_WITH_NULL_SHA */
		return 20;
	case 0x003b:	/* TLS_RSA_WITH_NULL_SHA256 */
	case 0x00b0:	/* TLS_PSK_WITH_NULL_SHA256 */
	case 0x00b4:	/* TLS_DHE_PSK_WITH_NULL_SHA256 */
	case 0x00b8:	/* TLS_RSA_PSK_WITH_NULL_SHA256 */
	case 0xc03a:	/* TLS_ECDHE_PSK_WITH_NULL_SHA256 */
		return 32;
	case 0x00b1:	/* TLS_PSK_WITH_NULL_SHA384 */
	case 0x00b5:	/* TLS_DHE_PSK_WITH_NULL_SHA384 */
	case 0x00b9:	/* TLS_RSA_PSK_WITH_NULL_SHA384 */
	case 0xc03b:	/* TLS_ECDHE_PSK_WITH_NULL_SHA384 */
		return 48;
	default:
		return 0;
	}
}

bool
tls_rec_looks_like_tls(const uint8_t *p, size_t len, bool *need_more)
{
	struct rd r;
	const char *why = NULL;
	int h;

	rd_init(&r, p, len);
	*need_more = false;
	if (len < 4) {
		/* Decide early on the first byte when we can. */
		if (len >= 1 && (p[0] < 20 || p[0] > 24) && (p[0] & 0x80) == 0)
			return false;
		*need_more = true;
		return false;
	}
	if (sslv2_hello_check(&r))
		return true;
	if (len >= 7 && sslv2_server_hello_check(&r))
		return true;
	h = header_check(&r, &why);
	if (h < 0) {
		*need_more = true;
		return false;
	}
	return h == 1;
}

void
tls_rec_init(struct tls_rec *r, size_t max_buffer)
{
	memset(r, 0, sizeof(*r));
	r->state = TLS_REC_DETECT;
	buf_init(&r->pending, max_buffer);
}

void
tls_rec_cleanup(struct tls_rec *r)
{
	buf_cleanup(&r->pending);
}

void
tls_rec_off(struct tls_rec *r)
{
	r->state = TLS_REC_OFF;
	buf_cleanup(&r->pending);
}

/*
 * rec_detect reads the start of a stream in |in|: it tells TLS from other
 * bytes and passes over an SSL 2.0 hello. It returns true, with how many
 * of consume's |start| bytes were used in |*used|, when consume must
 * return; false when records follow.
 */
static bool
rec_detect(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    struct rd *in, size_t start, size_t *used)
{
	struct rd body;
	uint16_t l2;
	bool more, v2server;

	*used = start;
	if (!tls_rec_looks_like_tls(rd_ptr(in), rd_left(in), &more)) {
		if (more && rd_left(in) < LIMIT_PREVIEW_BYTES) {
			*used = start - rd_left(in);
			return true;
		}
		r->state = TLS_REC_NOT_TLS;
		if (cb->not_tls != NULL)
			cb->not_tls(arg, rd_ptr(in),
			    rd_left(in) < LIMIT_PREVIEW_BYTES ?
			    rd_left(in) : LIMIT_PREVIEW_BYTES);
		return true;
	}
	if (sslv2_hello_check(in) || sslv2_server_hello_check(in)) {
		v2server = sslv2_server_hello_check(in);
		if (!rd_peek_u16(in, 0, &l2)) {
			*used = start - rd_left(in);
			return true;
		}
		l2 &= 0x7fff;
		if (rd_left(in) < 2 + (size_t)l2 || !rd_skip(in, 2) ||
		    !rd_bytes(in, &body, l2)) {
			*used = start - rd_left(in);
			return true;
		}
		r->records++;
		if (cb->sslv2_hello != NULL)
			cb->sslv2_hello(arg, body.p, body.len);
		if (v2server) {
			/* SSL 2.0 records follow: not read. */
			r->state = TLS_REC_OFF;
			return true;
		}
	}
	r->state = TLS_REC_RECORDS;
	return false;
}

/*
 * rec_resync looks for a plausible header in |in|, byte by byte, and
 * reports once, when found, how much was passed over. It returns false
 * when |in| ran out first.
 */
static bool
rec_resync(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    struct rd *in)
{
	const char *why = NULL;
	size_t skip = 0;
	int h;

	for (;;) {
		h = header_check(in, &why);
		if (h != 0)
			break;
		rd_skip(in, 1);
		skip++;
	}
	r->skipped += skip;
	r->resync_skipped += skip;
	if (h < 0)
		return false;
	if (cb->resync != NULL)
		cb->resync(arg, r->resync_why, r->resync_skipped);
	r->resync_skipped = 0;
	r->state = TLS_REC_RECORDS;
	return true;
}

/*
 * consume parses as many whole records as |in| holds and returns how
 * many bytes it used; the rest is a partial record (or too little to
 * detect or resynchronise on). It stops after a record whose callback
 * asked for skim mode, and sets |*skim|.
 */
static size_t
consume(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    const uint8_t *p, size_t len, bool *skim)
{
	struct rd in, hdr, body;
	const char *why = NULL;
	uint8_t ct;
	uint16_t ver, rlen;
	size_t start = len, used;
	int h;

	rd_init(&in, p, len);
	while (rd_left(&in) > 0) {
		switch (r->state) {
		case TLS_REC_DETECT:
			if (rec_detect(r, cb, arg, &in, start, &used))
				return used;
			break;
		case TLS_REC_RESYNC:
			if (!rec_resync(r, cb, arg, &in))
				return start - rd_left(&in);
			break;
		case TLS_REC_RECORDS:
			h = header_check(&in, &why);
			if (h < 0)
				return start - rd_left(&in);
			if (h == 0) {
				r->resync_why = why;
				r->resync_skipped = 1;
				r->state = TLS_REC_RESYNC;
				rd_skip(&in, 1);
				r->skipped++;
				break;
			}
			if (!rd_bytes(&in, &hdr, REC_HDR))
				return start - rd_left(&in);
			rd_u8(&hdr, &ct);
			rd_u16(&hdr, &ver);
			rd_u16(&hdr, &rlen);
			if (!rd_bytes(&in, &body, rlen)) {
				/* Partial record: keep it from its header. */
				return start - rd_left(&in) - REC_HDR;
			}
			r->records++;
			if (cb->record != NULL && cb->record(arg, ct, ver,
			    body.p, body.len) == TLS_REC_NEXT_SKIM) {
				/* tls_rec_feed reads the rest in skim mode. */
				*skim = true;
				return start - rd_left(&in);
			}
			break;
		case TLS_REC_NOT_TLS:
		case TLS_REC_OFF:
			return start;
		}
	}
	return start;
}

static void	skim_feed(struct tls_rec *, const struct tls_rec_cb *, void *,
		    const uint8_t *, size_t);

/* tls_rec_skim switches to skim mode, keeping a buffered partial record's
 * header and skipping the rest of it. */
void
tls_rec_skim(struct tls_rec *r)
{
	struct rd in;
	uint8_t ct;
	uint16_t ver, rlen;

	if (r->skim || r->state != TLS_REC_RECORDS)
		return;
	r->skim = true;
	/* A partial record in the buffer: keep its header, skip the rest. */
	rd_init(&in, r->pending.p, r->pending.len);
	if (rd_u8(&in, &ct) && rd_u16(&in, &ver) && rd_u16(&in, &rlen)) {
		memcpy(r->hdr, r->pending.p, REC_HDR);
		r->hdr_len = 0;
		r->body_left = rlen > rd_left(&in) ?
		    (uint32_t)(rlen - rd_left(&in)) : 0;
	} else if (r->pending.len > 0) {
		memcpy(r->hdr, r->pending.p, r->pending.len);
		r->hdr_len = (uint8_t)r->pending.len;
	}
	buf_cleanup(&r->pending);
}

/* skim_feed reads record headers and skips bodies without buffering. */
static void
skim_feed(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    const uint8_t *p, size_t len)
{
	struct rd in, h;
	const char *why = NULL;
	uint8_t ct;
	uint16_t ver, rlen;
	size_t n;

	while (len > 0) {
		if (r->body_left > 0) {
			n = len < r->body_left ? len : r->body_left;
			r->body_left -= (uint32_t)n;
			p += n;
			len -= n;
			continue;
		}
		n = REC_HDR - r->hdr_len;
		if (n > len)
			n = len;
		memcpy(r->hdr + r->hdr_len, p, n);
		r->hdr_len += (uint8_t)n;
		p += n;
		len -= n;
		if (r->hdr_len < REC_HDR)
			return;
		r->hdr_len = 0;
		rd_init(&h, r->hdr, REC_HDR);
		if (header_check(&h, &why) != 1) {
			/* Lost framing on a settled stream: stop looking. */
			if (cb->resync != NULL)
				cb->resync(arg, why, 0);
			r->state = TLS_REC_OFF;
			return;
		}
		rd_init(&in, r->hdr, REC_HDR);
		rd_u8(&in, &ct);
		rd_u16(&in, &ver);
		rd_u16(&in, &rlen);
		r->records++;
		r->body_left = rlen;
		if (cb->record != NULL)
			cb->record(arg, ct, ver, NULL, rlen);
		if (r->state == TLS_REC_OFF)
			return;
	}
}

void
tls_rec_feed(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    const uint8_t *p, size_t len)
{
	size_t used, take;
	bool skim = false;

	if (r->state == TLS_REC_NOT_TLS || r->state == TLS_REC_OFF || len == 0)
		return;
	if (r->skim) {
		skim_feed(r, cb, arg, p, len);
		return;
	}
	if (r->pending.len == 0) {
		/* Zero copy: parse straight from the delivered bytes. */
		used = consume(r, cb, arg, p, len, &skim);
		if (skim) {
			tls_rec_skim(r);
			/* In skim mode, or not (resynchronising): the rest
			 * goes through the front door again. */
			tls_rec_feed(r, cb, arg, p + used, len - used);
			return;
		}
		if (used < len && r->state != TLS_REC_OFF &&
		    r->state != TLS_REC_NOT_TLS &&
		    !buf_add(&r->pending, p + used, len - used)) {
			r->state = TLS_REC_RESYNC;
			buf_reset(&r->pending);
		}
		return;
	}
	/* Only as much as the buffer holds at a time (a record at most):
	 * a large segment after a partial record (TSO/GRO captures, 64 KB
	 * segments) completes the record, and the rest follows. */
	take = r->pending.max - r->pending.len;
	if (take > len)
		take = len;
	if (take == 0 || !buf_add(&r->pending, p, take)) {
		/* Cannot happen for a sane record; drop and resynchronise. */
		buf_reset(&r->pending);
		r->state = TLS_REC_RESYNC;
		return;
	}
	used = consume(r, cb, arg, r->pending.p, r->pending.len, &skim);
	if (r->state == TLS_REC_OFF || r->state == TLS_REC_NOT_TLS) {
		buf_cleanup(&r->pending);
		return;
	}
	buf_consume(&r->pending, used);
	if (skim) {
		/* The rest of the buffer is read in skim mode, then freed:
		 * skim_feed keeps nothing. */
		struct buf rest = r->pending;

		buf_init(&r->pending, rest.max);
		tls_rec_skim(r);
		tls_rec_feed(r, cb, arg, rest.p, rest.len);
		buf_cleanup(&rest);
	} else if (r->state == TLS_REC_RESYNC &&
	    r->pending.len > RESYNC_WINDOW)
		buf_consume(&r->pending, r->pending.len - REC_HDR);
	if (take < len)
		tls_rec_feed(r, cb, arg, p + take, len - take);
}

void
tls_rec_gap(struct tls_rec *r, const struct tls_rec_cb *cb, void *arg,
    uint64_t nbytes)
{
	(void)nbytes;
	if (r->state == TLS_REC_NOT_TLS || r->state == TLS_REC_OFF)
		return;
	if (r->skim) {
		/* Framing is lost and the handshake is over: stop. */
		r->state = TLS_REC_OFF;
		return;
	}
	if (r->state == TLS_REC_DETECT && r->pending.len == 0) {
		/* Nothing seen yet: the stream starts after the gap. */
		r->resync_why = "resynchronised after a gap";
		r->resync_skipped = 0;
		r->state = TLS_REC_RESYNC;
		return;
	}
	(void)cb;
	(void)arg;
	r->resync_why = "resynchronised after a gap";
	r->resync_skipped = r->pending.len;
	buf_reset(&r->pending);
	r->state = TLS_REC_RESYNC;
}

/*
 * RFC 8446 4:
 *   struct {
 *       HandshakeType msg_type;
 *       uint24 length;
 *       ...
 *   } Handshake;
 */
#define HS_HDR	4

void
tls_hs_init(struct tls_hs *h, size_t max_msg)
{
	memset(h, 0, sizeof(*h));
	buf_init(&h->pending, max_msg + HS_HDR);
}

void
tls_hs_cleanup(struct tls_hs *h)
{
	buf_cleanup(&h->pending);
}

void
tls_hs_reset(struct tls_hs *h)
{
	buf_reset(&h->pending);
	h->skip = 0;
}

void
tls_hs_discard(struct tls_hs *h)
{
	buf_cleanup(&h->pending);
	h->skip = 0;
}

bool
tls_hs_partial(const struct tls_hs *h)
{
	return h->pending.len > 0;
}

/* hs_consume delivers the whole messages in |p| and returns the bytes
 * used. A message longer than the buffer is delivered truncated. A
 * callback that wants no more sets |*stop|, and the rest counts as used. */
static size_t
hs_consume(struct tls_hs *h, const struct tls_hs_cb *cb, void *arg,
    const uint8_t *p, size_t len, bool final_chunk, bool *stop)
{
	struct rd in, body;
	uint8_t type;
	uint32_t mlen;
	size_t start = len;

	rd_init(&in, p, len);
	while (rd_left(&in) >= HS_HDR) {
		struct rd save = in;

		rd_u8(&in, &type);
		rd_u24(&in, &mlen);
		if (!rd_bytes(&in, &body, mlen)) {
			if ((size_t)mlen + HS_HDR > h->pending.max &&
			    final_chunk) {
				/* Too large to hold: hand over what we have. */
				h->skip = mlen - rd_left(&in);
				h->messages++;
				*stop = cb->msg(arg, type, rd_ptr(&in),
				    rd_left(&in), true);
				return start;
			}
			in = save;
			break;
		}
		h->messages++;
		if (cb->msg(arg, type, body.p, body.len, false)) {
			*stop = true;
			return start;
		}
	}
	return start - rd_left(&in);
}

/* hs_feed_loop is tls_hs_feed without the discard; it returns true,
 * early, when a callback wanted no more messages. */
static bool
hs_feed_loop(struct tls_hs *h, const struct tls_hs_cb *cb, void *arg,
    const uint8_t *p, size_t len)
{
	size_t used, room;
	bool stop = false;

	while (len > 0 && !stop) {
		if (h->skip > 0) {
			used = h->skip < len ? (size_t)h->skip : len;
			h->skip -= used;
			p += used;
			len -= used;
			continue;
		}
		if (h->pending.len == 0) {
			used = hs_consume(h, cb, arg, p, len, false, &stop);
			if (!stop && used < len &&
			    !buf_add(&h->pending, p + used, len - used)) {
				/* The tail of one huge message: deliver
				 * truncated. */
				(void)hs_consume(h, cb, arg, p + used,
				    len - used, true, &stop);
			}
			return stop;
		}
		if (buf_add(&h->pending, p, len)) {
			used = hs_consume(h, cb, arg, h->pending.p,
			    h->pending.len, false, &stop);
			buf_consume(&h->pending, used);
			return stop;
		}
		/*
		 * |p| does not fit: fill the buffer, deliver the whole
		 * messages it holds, and go round with the rest of |p|. A
		 * buffer still full holds the start of a message larger
		 * than it: deliver that truncated, and skip its rest (bytes
		 * of |p| included) before reading the next header.
		 */
		room = h->pending.max - h->pending.len;
		(void)buf_add(&h->pending, p, room);
		p += room;
		len -= room;
		used = hs_consume(h, cb, arg, h->pending.p, h->pending.len,
		    false, &stop);
		buf_consume(&h->pending, used);
		if (!stop && h->pending.len == h->pending.max) {
			(void)hs_consume(h, cb, arg, h->pending.p,
			    h->pending.len, true, &stop);
			buf_reset(&h->pending);
		}
	}
	return stop;
}

void
tls_hs_feed(struct tls_hs *h, const struct tls_hs_cb *cb, void *arg,
    const uint8_t *p, size_t len)
{
	/* The buffer is freed only once no callback reads from it. */
	if (hs_feed_loop(h, cb, arg, p, len))
		tls_hs_discard(h);
}
