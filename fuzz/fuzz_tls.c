/* fuzz_tls.c - libFuzzer target: tls_stream (STARTTLS, records, cipher state, handshake parsers) on raw stream bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "timeline.h"
#include "tls_msg.h"
#include "tls_record.h"
#include "tls_stream.h"
#include "util.h"

/*
 * Input: one flags byte, then chunks, each
 *   uint8 op;        bit 0: direction (0 client to server), bits 1-2:
 *                    1 gap, anything else data (2 and 3 were the skim
 *                    and handshake-reset ops before tls_stream decided
 *                    those itself; old inputs still read)
 *   uint16 len;      big-endian
 *   opaque data[len] (data chunks only; a short tail is fed as is)
 * Flags bit 0: the stream starts midstream (no STARTTLS, resynchronise);
 * bit 1: a small handshake buffer, so that the paths for messages larger
 * than the buffer (truncated delivery, skipping the rest) run on small
 * inputs.
 * The stream is src/tls_stream.c itself, as the analyzer drives it; the
 * hook parses every message as the analyzer's facts layer would, without
 * certificates or key logs.
 */
#define OP_GAP		1

/* The small handshake buffer of flags bit 1. */
#define FZ_SMALL_HS	512

struct fz_conn {
	struct tls_stream	 ts;
	struct tl_conn		*tl;
	bool			 stopped[2];
	uint64_t		 sink;		/* keeps the parsed values live */
};

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_certificate(struct fz_conn *c, struct rd *body, bool tls13)
{
	struct tls_certificate *m;
	size_t i;

	m = xcalloc(1, sizeof(*m));
	if (tls_parse_certificate(body, tls13, m) == TLS_OK)
		for (i = 0; i < m->num_certs; i++)
			c->sink += rd_left(&m->certs[i]);
	free(m);
}

static void
fz_cert_request(struct fz_conn *c, struct rd *body, bool tls13)
{
	struct tls_cert_request *m;
	size_t i;

	m = xcalloc(1, sizeof(*m));
	if (tls_parse_cert_request(body, tls13, m) == TLS_OK)
		for (i = 0; i < m->num_ca_names; i++)
			c->sink += rd_left(&m->ca_names[i]);
	free(m);
}

static void
fz_sslv2(struct fz_conn *c, struct tls_stream_msg *m)
{
	struct tls_client_hello *h;
	struct rd r;

	/* The analyzer reads an SSL 2.0 ServerHello's certificate; here a
	 * message type byte of 4 is enough to take the SSL 2.0 path. */
	if (m->type == TLS_HS_SERVER_HELLO) {
		m->sslv2_server = m->len > 10;
		return;
	}
	h = xcalloc(1, sizeof(*h));
	rd_init(&r, m->body, m->len);
	if (tls_parse_sslv2_client_hello(&r, h) == TLS_OK)
		c->sink += h->suites.num;
	free(h);
}

/* fz_msg is the facts hook: one whole message, parsed. */
static void
fz_msg(void *arg, struct tls_stream_msg *m)
{
	struct fz_conn *c = arg;
	struct rd r;
	union {
		struct tls_client_hello		ch;
		struct tls_encrypted_extensions	ee;
		struct tls_server_key_exchange	ske;
		struct tls_cert_verify		cv;
		struct tls_new_session_ticket	nst;
		struct tls_key_update		ku;
	} *u;
	enum tls_status st;
	uint8_t type = m->type;

	if (m->sslv2) {
		fz_sslv2(c, m);
		return;
	}
	rd_init(&r, m->body, m->len);
	u = xcalloc(1, sizeof(*u));
	switch (type) {
	case TLS_HS_CLIENT_HELLO:
		st = tls_parse_client_hello(&r, &u->ch);
		if (st == TLS_OK)
			c->sink += u->ch.sni.len + u->ch.alpn.num;
		break;
	case TLS_HS_SERVER_HELLO:
		/* Parsed by the stream for its cipher state. */
		st = m->sh != NULL ? TLS_OK : TLS_MALFORMED;
		break;
	case TLS_HS_ENCRYPTED_EXTENSIONS:
		st = tls_parse_encrypted_extensions(&r, &u->ee);
		break;
	case TLS_HS_CERTIFICATE:
		fz_certificate(c, &r, m->tls13);
		st = TLS_OK;
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		fz_cert_request(c, &r, m->tls13);
		st = TLS_OK;
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
		st = tls_parse_server_key_exchange(&r, &u->ske);
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		st = tls_parse_cert_verify(&r, &u->cv);
		break;
	case TLS_HS_NEW_SESSION_TICKET:
		st = tls_parse_new_session_ticket(&r, m->tls13, &u->nst);
		break;
	case TLS_HS_KEY_UPDATE:
		st = tls_parse_key_update(&r, &u->ku);
		break;
	default:
		st = TLS_UNSUPPORTED;
		break;
	}
	c->sink += (uint64_t)st;
	free(u);
}

/* fz_feed is analyzer.c's rs_data: the stream, then what it found. A
 * stopped direction is only counted from then on, as reasm does. */
static void
fz_feed(struct fz_conn *c, int dir, const uint8_t *p, size_t len,
    uint64_t frame)
{
	struct tls_stamp at = { frame, (int64_t)frame * 1000 };
	unsigned r;

	if (c->stopped[dir])
		return;
	r = tls_stream_feed(&c->ts, dir, p, len, at);
	c->sink += tls_stream_mem(&c->ts) + ((r & TLS_STREAM_SETTLED) != 0);
	if (r & TLS_STREAM_STOP(TL_C2S))
		c->stopped[TL_C2S] = true;
	if (r & TLS_STREAM_STOP(TL_S2C))
		c->stopped[TL_S2C] = true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_conn *c;
	struct rd in, chunk;
	uint8_t flags = 0, op;
	uint16_t len;
	uint64_t frame = 0;
	int d;

	rd_init(&in, data, size);
	(void)rd_u8(&in, &flags);
	c = xcalloc(1, sizeof(*c));
	c->tl = tl_conn_new(1);
	tls_stream_init(&c->ts, c->tl, fz_msg, c, (flags & 1) != 0);
	if (flags & 2)
		for (d = 0; d < 2; d++) {
			tls_hs_cleanup(&c->ts.hs[d]);
			tls_hs_init(&c->ts.hs[d], FZ_SMALL_HS);
		}
	while (rd_left(&in) > 0) {
		frame++;
		if (!rd_u8(&in, &op) || !rd_u16(&in, &len)) {
			fz_feed(c, 0, rd_ptr(&in), rd_left(&in), frame);
			break;
		}
		d = op & 1;
		if (((op >> 1) & 3) == OP_GAP) {
			if (!c->stopped[d])
				tls_stream_gap(&c->ts, d, len);
			continue;
		}
		if (!rd_bytes(&in, &chunk, len))
			rd_bytes(&in, &chunk, rd_left(&in));
		fz_feed(c, d, rd_ptr(&chunk), rd_left(&chunk), frame);
	}
	c->sink += c->tl->num_events;
	tls_stream_cleanup(&c->ts);
	tl_conn_free(c->tl);
	free(c);
	return 0;
}
