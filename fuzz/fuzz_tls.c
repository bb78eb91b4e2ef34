/* fuzz_tls.c - libFuzzer target: STARTTLS, record layer and handshake parsers on raw stream bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "starttls.h"
#include "tls_msg.h"
#include "tls_record.h"
#include "util.h"

/*
 * Input: one flags byte, then chunks, each
 *   uint8 op;        bit 0: direction (0 client to server), bits 1-2:
 *                    0 data, 1 gap, 2 skim (handshake settled),
 *                    3 handshake reset
 *   uint16 len;      big-endian
 *   opaque data[len] (data chunks only; a short tail is fed as is)
 * Flags bit 0: the stream starts midstream (no STARTTLS, resynchronise);
 * bit 1: a small handshake buffer, so that the paths for messages larger
 * than the buffer (truncated delivery, skipping the rest) run on small
 * inputs.
 * The callbacks do what src/analyzer.c does with each record and
 * message, without the timeline.
 */
#define OP_DATA		0
#define OP_GAP		1
#define OP_SKIM		2
#define OP_HS_RESET	3

/* The small handshake buffer of flags bit 1. */
#define FZ_SMALL_HS	512

struct fz_dir {
	struct fz_conn	*c;
	int		 dir;
};

struct fz_conn {
	struct tls_rec	 rec[2];
	struct tls_hs	 hs[2];
	struct starttls	 st;
	struct fz_dir	 d[2];
	bool		 tls13;
	bool		 enc[2];
	bool		 finished[2];
	bool		 settled;
	size_t		 hs_max;
	uint64_t	 sink;		/* keeps the parsed values live */
};

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void	fz_settle(struct fz_conn *);

static void
fz_certificate(struct fz_conn *c, struct rd *body)
{
	struct tls_certificate *m;
	size_t i;

	m = xcalloc(1, sizeof(*m));
	if (tls_parse_certificate(body, c->tls13, m) == TLS_OK)
		for (i = 0; i < m->num_certs; i++)
			c->sink += rd_left(&m->certs[i]);
	free(m);
}

static void
fz_cert_request(struct fz_conn *c, struct rd *body)
{
	struct tls_cert_request *m;
	size_t i;

	m = xcalloc(1, sizeof(*m));
	if (tls_parse_cert_request(body, c->tls13, m) == TLS_OK)
		for (i = 0; i < m->num_ca_names; i++)
			c->sink += rd_left(&m->ca_names[i]);
	free(m);
}

static void
fz_msg(void *arg, uint8_t type, const uint8_t *body, size_t len,
    bool truncated)
{
	struct fz_dir *fd = arg;
	struct fz_conn *c = fd->c;
	struct rd r;
	union {
		struct tls_client_hello		ch;
		struct tls_server_hello		sh;
		struct tls_encrypted_extensions	ee;
		struct tls_server_key_exchange	ske;
		struct tls_cert_verify		cv;
		struct tls_new_session_ticket	nst;
		struct tls_key_update		ku;
	} *u;
	enum tls_status st;

	if (truncated)
		return;
	rd_init(&r, body, len);
	u = xcalloc(1, sizeof(*u));
	switch (type) {
	case TLS_HS_CLIENT_HELLO:
		st = tls_parse_client_hello(&r, &u->ch);
		if (st == TLS_OK)
			c->sink += u->ch.sni.len + u->ch.alpn.num;
		break;
	case TLS_HS_SERVER_HELLO:
		st = tls_parse_server_hello(&r, &u->sh);
		if (st == TLS_OK && !u->sh.is_hrr &&
		    tls_server_hello_version(&u->sh) == TLS_V_TLS13) {
			c->tls13 = true;
			c->enc[1] = true;
		}
		break;
	case TLS_HS_ENCRYPTED_EXTENSIONS:
		st = tls_parse_encrypted_extensions(&r, &u->ee);
		break;
	case TLS_HS_CERTIFICATE:
		fz_certificate(c, &r);
		st = TLS_OK;
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		fz_cert_request(c, &r);
		st = TLS_OK;
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
		st = tls_parse_server_key_exchange(&r, &u->ske);
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		st = tls_parse_cert_verify(&r, &u->cv);
		break;
	case TLS_HS_NEW_SESSION_TICKET:
		st = tls_parse_new_session_ticket(&r, c->tls13, &u->nst);
		break;
	case TLS_HS_KEY_UPDATE:
		st = tls_parse_key_update(&r, &u->ku);
		break;
	case TLS_HS_FINISHED:
		c->finished[fd->dir] = true;
		st = TLS_OK;
		break;
	default:
		st = TLS_UNSUPPORTED;
		break;
	}
	c->sink += (uint64_t)st;
	free(u);
	fz_settle(c);
}

static const struct tls_hs_cb fz_hs_cb = { fz_msg };

/* fz_settle is analyzer.c's settle: both Finished seen, so both record
 * layers skim from here on, switched from inside a record callback. */
static void
fz_settle(struct fz_conn *c)
{
	int d;

	if (c->settled || !c->finished[0] || !c->finished[1])
		return;
	c->settled = true;
	for (d = 0; d < 2; d++) {
		tls_rec_skim(&c->rec[d]);
		tls_hs_discard(&c->hs[d]);
	}
}

static void
fz_record(void *arg, uint8_t ct, uint16_t version, const uint8_t *p,
    size_t len)
{
	struct fz_dir *fd = arg;
	struct fz_conn *c = fd->c;
	struct tls_alert al;
	struct rd r;

	c->sink += version + len;
	if (p == NULL)
		return;		/* skim mode: header only */
	switch (ct) {
	case TLS_CT_CHANGE_CIPHER_SPEC:
		if (!c->tls13)
			c->enc[fd->dir] = true;
		break;
	case TLS_CT_ALERT:
		rd_init(&r, p, len);
		if (tls_parse_alert(&r, &al) == TLS_OK)
			c->sink += al.description;
		break;
	case TLS_CT_HANDSHAKE:
		/* As the analyzer: encrypted TLS 1.2 Finished is not parsed. */
		if (c->enc[fd->dir] && !c->tls13)
			break;
		tls_hs_feed(&c->hs[fd->dir], &fz_hs_cb, fd, p, len);
		break;
	default:
		break;
	}
}

static void
fz_sslv2(void *arg, const uint8_t *p, size_t len)
{
	struct fz_dir *fd = arg;
	struct tls_client_hello *h;
	struct rd r;

	h = xcalloc(1, sizeof(*h));
	rd_init(&r, p, len);
	if (tls_parse_sslv2_client_hello(&r, h) == TLS_OK)
		fd->c->sink += h->suites.num;
	free(h);
}

static void
fz_not_tls(void *arg, const uint8_t *p, size_t len)
{
	struct fz_dir *fd = arg;

	if (len > 0)
		fd->c->sink += p[0] + p[len - 1];
}

static void
fz_resync(void *arg, const char *what, uint64_t skipped)
{
	struct fz_dir *fd = arg;

	fd->c->sink += skipped + (what != NULL ? strlen(what) : 0);
}

static const struct tls_rec_cb fz_rec_cb = {
	fz_record, fz_sslv2, fz_not_tls, fz_resync
};

/* fz_data is analyzer.c's rs_data: STARTTLS preamble, then records. */
static void
fz_data(struct fz_conn *c, int dir, const uint8_t *p, size_t len)
{
	size_t used;

	if (c->st.state != STARTTLS_DONE &&
	    c->rec[dir].state == TLS_REC_DETECT &&
	    c->rec[dir].pending.len == 0) {
		used = starttls_feed(&c->st, dir, p, len);
		c->st.upgraded_now = false;
		c->st.refused_now = false;
		if (used == len)
			return;
		p += used;
		len -= used;
	}
	tls_rec_feed(&c->rec[dir], &fz_rec_cb, &c->d[dir], p, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_conn *c;
	struct rd in, chunk;
	uint8_t flags = 0, op;
	uint16_t len;
	int d;

	rd_init(&in, data, size);
	(void)rd_u8(&in, &flags);
	c = xcalloc(1, sizeof(*c));
	c->hs_max = (flags & 2) != 0 ? FZ_SMALL_HS : LIMIT_HS_MSG_BYTES;
	for (d = 0; d < 2; d++) {
		tls_rec_init(&c->rec[d], LIMIT_RECORD_BYTES + 5);
		tls_hs_init(&c->hs[d], c->hs_max);
		c->d[d].c = c;
		c->d[d].dir = d;
	}
	starttls_init(&c->st);
	if (flags & 1) {
		for (d = 0; d < 2; d++)
			tls_rec_gap(&c->rec[d], &fz_rec_cb, &c->d[d], 0);
		c->st.state = STARTTLS_DONE;
	}
	while (rd_left(&in) > 0) {
		if (!rd_u8(&in, &op) || !rd_u16(&in, &len)) {
			fz_data(c, 0, rd_ptr(&in), rd_left(&in));
			break;
		}
		d = op & 1;
		switch ((op >> 1) & 3) {
		case OP_DATA:
			if (!rd_bytes(&in, &chunk, len))
				rd_bytes(&in, &chunk, rd_left(&in));
			fz_data(c, d, rd_ptr(&chunk), rd_left(&chunk));
			break;
		case OP_GAP:
			tls_hs_reset(&c->hs[d]);
			tls_rec_gap(&c->rec[d], &fz_rec_cb, &c->d[d], len);
			break;
		case OP_SKIM:
			tls_rec_skim(&c->rec[d]);
			tls_hs_cleanup(&c->hs[d]);
			tls_hs_init(&c->hs[d], c->hs_max);
			break;
		case OP_HS_RESET:
			tls_hs_reset(&c->hs[d]);
			break;
		}
	}
	for (d = 0; d < 2; d++) {
		tls_rec_cleanup(&c->rec[d]);
		tls_hs_cleanup(&c->hs[d]);
	}
	starttls_cleanup(&c->st);
	free(c);
	return 0;
}
