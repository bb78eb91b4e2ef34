/* facts.c - handshake messages into a connection's facts (hellos, chains, CA names, keys), and the checks at its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "fingerprint.h"
#include "knowledge.h"
#include "limits.h"
#include "rd.h"
#include "timeline.h"
#include "tls_decrypt.h"
#include "tls_msg.h"
#include "tls_names.h"
#include "tls_stream.h"
#include "util.h"
#include "x509.h"

struct facts {
	struct x509_cache	*certs;
	struct x509_store	*store;
	struct x509_store	*client_store;
	struct x509_check_memo	*check_memo;	/* findings of recent chains */
	struct kb		*kb;		/* chains seen, per server */
	bool			 own_kb;
	struct fp_hasher	*fp;		/* JA3/JA4 digests */
	struct keylog		*keylog;
	const char *const	*keylog_files;
	uint64_t		*keylog_off;	/* follow: bytes read, per file */
	bool			 keylog_follow;
	const char		*extract_dir;
	struct facts_stats	 st;
	char			 extract_err[X509_ERRBUF_SIZE];	/* first */
	/* What the parsers fill for one handshake message; reused for
	 * every message (each parser clears it), never allocated. */
	union {
		struct tls_client_hello		ch;
		struct tls_server_key_exchange	ske;
		struct tls_cert_verify		cv;
	}			 msg;
};

static bool
keylogs_load(struct facts *f, const struct facts_opts *opt,
    char errbuf[FACTS_ERRBUF_SIZE])
{
	size_t i;

	f->keylog = keylog_new();
	for (i = 0; opt->keylog_files[i] != NULL; i++)
		;
	f->keylog_off = xcalloc(i, sizeof(*f->keylog_off));
	for (i = 0; opt->keylog_files[i] != NULL; i++) {
		bool ok, missing = false;

		if (opt->keylog_follow)
			ok = keylog_follow(f->keylog, opt->keylog_files[i],
			    &f->keylog_off[i], &missing, errbuf,
			    FACTS_ERRBUF_SIZE);
		else
			ok = keylog_load(f->keylog, opt->keylog_files[i],
			    errbuf, FACTS_ERRBUF_SIZE);
		if (!ok && !missing)
			return false;
	}
	f->st.keylog_entries = keylog_entries(f->keylog);
	f->st.keylog_bad_lines = keylog_bad_lines(f->keylog);
	return true;
}

struct facts *
facts_new(const struct facts_opts *opt, char errbuf[FACTS_ERRBUF_SIZE])
{
	struct facts *f;
	char xerr[X509_ERRBUF_SIZE];

	f = xcalloc(1, sizeof(*f));
	f->certs = x509_cache_new(LIMIT_CERT_CACHE);
	f->check_memo = x509_check_memo_new();
	f->own_kb = opt->kb == NULL;
	f->kb = opt->kb != NULL ? opt->kb : kb_new();
	f->keylog_files = opt->keylog_files;
	f->keylog_follow = opt->keylog_follow;
	f->extract_dir = opt->extract_dir;
	f->fp = fp_hasher_new();
	if (f->fp == NULL) {
		snprintf(errbuf, FACTS_ERRBUF_SIZE,
		    "libcrypto has no SHA-256 digest (fingerprints)");
		goto fail;
	}
	if (opt->ca_file != NULL || opt->ca_path != NULL) {
		f->store = x509_store_load(opt->ca_file, opt->ca_path, xerr);
		if (f->store == NULL) {
			snprintf(errbuf, FACTS_ERRBUF_SIZE, "%s", xerr);
			goto fail;
		}
	}
	if (opt->client_ca_file != NULL) {
		f->client_store = x509_store_load(opt->client_ca_file, NULL,
		    xerr);
		if (f->client_store == NULL) {
			snprintf(errbuf, FACTS_ERRBUF_SIZE, "%s", xerr);
			goto fail;
		}
	}
	if (opt->keylog_files != NULL && opt->keylog_files[0] != NULL &&
	    !keylogs_load(f, opt, errbuf))
		goto fail;
	return f;
fail:
	facts_free(f);
	return NULL;
}

void
facts_free(struct facts *f)
{
	if (f == NULL)
		return;
	x509_cache_free(f->certs);
	x509_store_free(f->store);
	x509_store_free(f->client_store);
	x509_check_memo_free(f->check_memo);
	if (f->own_kb)
		kb_free(f->kb);
	keylog_free(f->keylog);
	fp_hasher_free(f->fp);
	free(f->keylog_off);
	free(f);
}

/* keylog_refresh reads what was appended to the followed key logs; true
 * if it brought new secrets. */
static bool
keylog_refresh(struct facts *f)
{
	size_t i, before;
	bool missing;

	if (!f->keylog_follow || f->keylog == NULL)
		return false;
	before = keylog_entries(f->keylog);
	for (i = 0; f->keylog_files[i] != NULL; i++)
		(void)keylog_follow(f->keylog, f->keylog_files[i],
		    &f->keylog_off[i], &missing, NULL, 0);
	f->st.keylog_entries = keylog_entries(f->keylog);
	f->st.keylog_bad_lines = keylog_bad_lines(f->keylog);
	return f->st.keylog_entries != before;
}

void
facts_add_keylog(struct facts *f, const uint8_t *p, size_t len)
{
	if (f->keylog == NULL)
		f->keylog = keylog_new();
	keylog_add_text(f->keylog, p, len);
	f->st.keylog_entries = keylog_entries(f->keylog);
	f->st.keylog_bad_lines = keylog_bad_lines(f->keylog);
}

const struct facts_stats *
facts_stats(const struct facts *f)
{
	return &f->st;
}

const char *
facts_extract_error(const struct facts *f)
{
	return f->st.extract_errors > 0 ? f->extract_err : NULL;
}

/* ---- handshake messages ---- */

/* version_rank orders protocol versions: TLS 1.3 drafts (0x7f00 | NN)
 * between TLS 1.2 and TLS 1.3; anything unknown ranks lowest. */
static uint32_t
version_rank(uint16_t v)
{
	if ((v & 0xff00) == 0x7f00)
		return 0x30300u + (v & 0xffu);
	if (v >= 0x0300 && v <= 0x0304)
		return (uint32_t)v << 8;
	return 0;
}

static void
on_client_hello(struct facts *f, struct tl_conn *c,
    const struct tls_client_hello *h, struct tl_event *e)
{
	struct tl_client_hello *ch = &c->ch;
	uint16_t maxv = h->legacy_version;
	uint8_t alpn[LIMIT_NAME_BYTES];	/* the offered, joined with ',' */
	size_t i, j, alpn_len = 0;

	for (i = 0; i < h->versions.num; i++)
		if (!tls_is_grease(h->versions.v[i]) &&
		    version_rank(h->versions.v[i]) > version_rank(maxv))
			maxv = h->versions.v[i];
	e->version = maxv;
	e->sslv2 = h->sslv2;
	memcpy(ch->last_random, h->random, sizeof(ch->last_random));
	if (ch->present)
		return;		/* second ClientHello after HRR, or a
				 * renegotiation's */
	ch->present = true;
	fp_client_hello(f->fp, ch->ja4, ch->ja3, h);
	ch->sslv2 = h->sslv2;
	ch->frame = e->frame;
	ch->legacy_version = h->legacy_version;
	ch->max_version = maxv;
	ch->malformed = h->malformed;	/* in: issue 15 case 7 */
	ch->has_sni = h->has_sni;
	for (i = 0; i < h->alpn.num; i++) {
		const struct tls_name *pn = &h->alpn.proto[i];

		if (i > 0 && alpn_len < sizeof(alpn))
			alpn[alpn_len++] = ',';
		for (j = 0; j < pn->len && alpn_len < sizeof(alpn); j++)
			alpn[alpn_len++] = pn->b[j];
	}
	tl_keep_client_hello(ch, h, alpn, alpn_len);
	ch->has_session_id = h->session_id_len > 0;
	ch->session_id_len = h->session_id_len;
	memcpy(ch->session_id, h->session_id, sizeof(ch->session_id));
	ch->has_ticket = h->has_session_ticket && h->session_ticket_len > 0;
	ch->has_psk = h->has_psk;
	ch->has_early_data = h->has_early_data;
	ch->has_ech = h->has_ech;
	memcpy(ch->random, h->random, sizeof(ch->random));
}

/* on_server_hello copies what the server chose; the keys the key log has
 * for the connection go to m->keys. */
static void
on_server_hello(struct facts *f, struct tl_conn *c,
    const struct tls_server_hello *h, struct tls_stream_msg *m)
{
	struct tl_event *e = m->ev;
	struct tl_server_hello *sh = &c->sh;
	struct tl_client_hello *ch = &c->ch;
	uint16_t v = tls_server_hello_version(h);

	e->version = v;
	e->cipher = h->suite;
	if (h->is_hrr) {
		e->hs_type = TLS_HS_HELLO_RETRY_REQUEST;
		sh->hrr_seen = true;
		sh->hrr_group = h->key_share_group;
		return;
	}
	if (sh->present) {
		/* A renegotiation (TLS 1.2 and below): its keys, if the key
		 * log has them; tls_stream moves each side to them at its
		 * ChangeCipherSpec. */
		if (!m->tls13 && f->keylog != NULL && h->compression == 0)
			m->keys = tls_decrypt_new(f->keylog, ch->last_random,
			    v, h->suite, h->random);
		return;
	}
	sh->present = true;
	sh->frame = e->frame;
	sh->version = v;
	sh->suite = h->suite;
	sh->group = h->key_share_group;
	sh->has_alpn = h->has_alpn;
	sh->ems = h->has_ems;
	sh->compression = h->compression;
	tl_keep_server_hello(sh, h);
	fp_server_hello(f->fp, sh->ja3s, h);
	memcpy(sh->random, h->random, sizeof(sh->random));
	if (m->tls13) {		/* tls_stream's rule */
		sh->tls13 = true;
		sh->resumed = h->has_psk;
	} else if (ch->present && ch->session_id_len > 0 &&
	    h->session_id_len == ch->session_id_len &&
	    memcmp(h->session_id, ch->session_id, h->session_id_len) == 0)
		sh->resumed = true;
	/* Compressed records (DEFLATE, RFC 3749) would need inflating
	 * after decryption: not done, so not decrypted. */
	if (f->keylog != NULL && ch->present && h->compression == 0) {
		m->keys = tls_decrypt_new(f->keylog, ch->random, v, h->suite,
		    sh->random);
		if (m->keys == NULL && keylog_refresh(f))
			m->keys = tls_decrypt_new(f->keylog, ch->random, v,
			    h->suite, sh->random);
		if (m->keys != NULL)
			f->st.decrypted_conns++;
	}
}

static void
on_certificate(struct facts *f, struct tl_conn *c, struct rd *body,
    const struct tls_stream_msg *sm)
{
	struct tl_event *e = sm->ev;
	int dir = sm->dir;
	struct tls_certificate m;
	struct tl_chain *ch;
	size_t i;

	if (tls_parse_certificate(body, sm->tls13, &m) != TLS_OK) {
		e->what = "malformed Certificate";
		return;
	}
	ch = dir == TL_S2C ? &c->server_chain : &c->client_chain;
	e->count = (uint32_t)m.total_certs;
	if (ch->present)
		return;
	ch->present = true;
	ch->frame = e->frame;
	ch->total = (uint32_t)m.total_certs;	/* in one message */
	tl_chain_set(ch, m.num_certs);
	for (i = 0; i < ch->num; i++)
		ch->certs[i] = x509_cache_get(f->certs, rd_ptr(&m.certs[i]),
		    rd_left(&m.certs[i]));
	/* A chain in the clear is known at once, for the connections that
	 * end before this one does (issue 16). */
	if (dir == TL_S2C)
		kb_learn(f->kb, c);
	if (f->extract_dir != NULL) {
		char xerr[X509_ERRBUF_SIZE];

		for (i = 0; i < ch->num; i++)
			if (ch->certs[i] != NULL &&
			    !x509_write_pem(ch->certs[i], f->extract_dir,
			    xerr) && f->st.extract_errors++ == 0)
				snprintf(f->extract_err, sizeof(f->extract_err),
				    "%s", xerr);
	}
}

static void
on_cert_request(struct facts *f, struct tl_conn *c, struct rd *body,
    const struct tls_stream_msg *sm)
{
	struct tl_event *e = sm->ev;
	struct tls_cert_request m;
	struct tl_cert_request *r;
	size_t i, n;
	char text[LIMIT_DN_TEXT];

	if (tls_parse_cert_request(body, sm->tls13, &m) != TLS_OK) {
		e->what = "malformed CertificateRequest";
		return;
	}
	e->count = (uint32_t)m.total_ca_names;
	if (tl_cr(c)->present)
		return;
	r = tl_cr_make(c);
	r->present = true;
	r->frame = e->frame;
	r->total_ca = m.total_ca_names;
	r->sig_algs = m.sig_algs;
	n = m.num_cert_types < sizeof(r->cert_types) ? m.num_cert_types :
	    sizeof(r->cert_types);
	memcpy(r->cert_types, m.cert_types, n);
	r->num_cert_types = n;
	for (i = 0; i < m.num_ca_names; i++) {
		size_t len = rd_left(&m.ca_names[i]);

		x509_cache_name_text(f->certs, text, sizeof(text),
		    rd_ptr(&m.ca_names[i]), len);
		r->ca_text[i] = xstrdup(text);
		r->ca_der[i] = xcalloc(1, len);
		memcpy(r->ca_der[i], rd_ptr(&m.ca_names[i]), len);
		r->ca_der_len[i] = len;
	}
	r->num_ca = m.num_ca_names;
	kb_learn_ca(f->kb, c);
}

/* on_tls_message reads one whole TLS handshake message into the facts. */
static void
on_tls_message(struct facts *f, struct tl_conn *c,
    struct tls_stream_msg *m)
{
	struct tl_event *e = m->ev;
	struct rd r;
	enum tls_status st = TLS_OK;

	rd_init(&r, m->body, m->len);
	switch (m->type) {
	case TLS_HS_CLIENT_HELLO:
		st = tls_parse_client_hello(&r, &f->msg.ch);
		/* in: a hello with one bad extension keeps what was read
		 * (issue 15 case 7); the event says where it was bad. */
		if (st == TLS_OK || f->msg.ch.malformed != NULL)
			on_client_hello(f, c, &f->msg.ch, e);
		if (st != TLS_OK && f->msg.ch.malformed != NULL)
			e->what = f->msg.ch.malformed;
		break;
	case TLS_HS_SERVER_HELLO:
		/* Parsed by tls_stream for its own rules. */
		if (m->sh != NULL)
			on_server_hello(f, c, m->sh, m);
		else
			st = TLS_MALFORMED;
		break;
	case TLS_HS_CERTIFICATE:
		on_certificate(f, c, &r, m);
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		on_cert_request(f, c, &r, m);
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
		st = tls_parse_server_key_exchange(&r, &f->msg.ske);
		if (st == TLS_OK && f->msg.ske.has_group &&
		    c->sh.group == 0)
			c->sh.group = f->msg.ske.group;
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		st = tls_parse_cert_verify(&r, &f->msg.cv);
		break;
	case TLS_HS_FINISHED:
		/* Live: the client may have written its traffic secrets
		 * since the ServerHello was read. */
		if (m->dec != NULL && m->tls13 && f->keylog_follow) {
			(void)keylog_refresh(f);
			tls_decrypt_refill(m->dec, f->keylog,
			    c->ch.random);
		}
		break;
	default:
		break;
	}
	if (st != TLS_OK && e->what == NULL)
		e->what = "malformed message";
}

/*
 * sslv2_server_hello: an SSL 2.0 SERVER-HELLO (the server speaks only
 * SSL 2.0). Its layout: msg_type 4, session_id_hit, certificate_type,
 * version, then the lengths of the certificate, the cipher specs and the
 * connection id, then those three. The certificate (type 1, X.509) joins
 * the server chain. True when it reads that way.
 */
static bool
sslv2_server_hello(struct facts *f, struct tl_conn *c,
    const struct tls_stream_msg *m)
{
	struct tl_server_hello *sh = &c->sh;
	struct tl_chain *chain = &c->server_chain;
	struct tl_event *e = m->ev;
	struct rd r, cert;
	uint8_t type, hit, ctype;
	uint16_t ver, clen, slen, ilen;

	rd_init(&r, m->body, m->len);
	if (!rd_u8(&r, &type) || !rd_u8(&r, &hit) || !rd_u8(&r, &ctype) ||
	    !rd_u16(&r, &ver) || !rd_u16(&r, &clen) || !rd_u16(&r, &slen) ||
	    !rd_u16(&r, &ilen) || !rd_bytes(&r, &cert, clen) ||
	    !rd_skip(&r, slen) || !rd_skip(&r, ilen) || rd_left(&r) != 0) {
		e->what = "malformed SSLv2 ServerHello";
		return false;
	}
	e->version = ver;
	if (!sh->present) {
		sh->present = true;
		sh->frame = e->frame;
		sh->version = ver;
	}
	if (ctype == 1 && clen > 0 && !chain->present) {
		chain->present = true;
		chain->frame = e->frame;
		chain->total = 1;
		tl_chain_set(chain, 1);
		chain->certs[0] = x509_cache_get(f->certs, rd_ptr(&cert),
		    rd_left(&cert));
	}
	return true;
}

void
facts_message(void *arg, struct tls_stream_msg *m)
{
	struct facts *f = arg;
	struct tl_conn *c = m->c;
	struct rd r;

	if (!m->sslv2) {
		on_tls_message(f, c, m);
		return;
	}
	if (m->type == TLS_HS_SERVER_HELLO) {
		m->sslv2_server = sslv2_server_hello(f, c, m);
		return;
	}
	rd_init(&r, m->body, m->len);
	if (tls_parse_sslv2_client_hello(&r, &f->msg.ch) == TLS_OK)
		on_client_hello(f, c, &f->msg.ch, m->ev);
	else
		m->ev->what = "malformed SSLv2 ClientHello";
}

/* ---- at the end of a connection ---- */

/* check_server_chain checks |ch|, a chain the server sent (or, for
 * known_chain, most likely sent), as a client asking for |c|'s SNI would. */
static void
check_server_chain(struct facts *f, const struct tl_conn *c,
    struct tl_chain *ch)
{
	struct x509_check_params p;
	struct x509_finding tmp[32];
	size_t n;

	if (ch->num == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.role = X509_ROLE_SERVER;
	if (c->ch.has_sni) {
		p.sni = c->ch.sni.b;
		p.sni_len = c->ch.sni.len;
	}
	p.at = c->start_us / 1000000;
	p.store = f->store;
	n = x509_check_chain_memo(f->check_memo, tmp, 32, ch->certs, ch->num,
	    &p);
	ch->findings = xcalloc(n, sizeof(*tmp));
	memcpy(ch->findings, tmp, n * sizeof(*tmp));
	ch->num_findings = (uint32_t)n;	/* at most 32 */
	ch->store_checked = f->store != NULL;
}

/* check_chains runs the certificate checks once the connection is over,
 * when the SNI and the acceptable CA list are known. */
static void
check_chains(struct facts *f, struct tl_conn *c)
{
	struct x509_check_params p;
	struct x509_finding tmp[32];
	size_t n;
	int64_t at = c->start_us / 1000000;

	check_server_chain(f, c, &c->server_chain);
	check_server_chain(f, c, &c->known_chain);
	if (c->client_chain.num > 0) {
		memset(&p, 0, sizeof(p));
		p.role = X509_ROLE_CLIENT;
		p.at = at;
		p.store = f->client_store;
		p.ca_names_present = tl_cr(c)->present;
		p.ca_names = (const uint8_t *const *)tl_cr(c)->ca_der;
		p.ca_name_lens = tl_cr(c)->ca_der_len;
		p.num_ca_names = tl_cr(c)->num_ca;
		n = x509_check_chain_memo(f->check_memo, tmp, 32,
		    c->client_chain.certs, c->client_chain.num, &p);
		c->client_chain.findings = xcalloc(n, sizeof(*tmp));
		memcpy(c->client_chain.findings, tmp, n * sizeof(*tmp));
		c->client_chain.num_findings = (uint32_t)n;
	}
}

/*
 * recall_chain: a TLS 1.3 connection whose chain is encrypted gets the
 * chain it most likely received from what other connections to the same
 * server showed (issue 16). A connection that shows its chain taught it
 * when its Certificate was read (on_certificate).
 */
static void
recall_chain(struct facts *f, struct tl_conn *c)
{
	struct kb_match m;
	const char *cas;
	size_t i;

	if (!tl_cr(c)->present && c->sh.present && c->sh.tls13 &&
	    (cas = kb_ca_names(f->kb, c, &c->known_ca_conn,
	    &c->known_ca_frame)) != NULL)
		c->known_ca = xstrdup(cas);
	kb_match(f->kb, c, &m);
	if (m.chain == NULL)
		return;
	tl_chain_set(&c->known_chain, m.chain->num);
	for (i = 0; i < c->known_chain.num; i++)
		c->known_chain.certs[i] = x509_cert_ref(m.chain->certs[i]);
	c->known_chain.total = c->known_chain.num;
	c->known_chain.present = true;
	c->known_chain.frame = m.chain->frame;
	c->known.conn_id = m.chain->conn_id;
	c->known.frame = m.chain->frame;
	c->known.version = m.chain->version;
	c->known.decrypted = m.chain->decrypted;
	c->known.reason = (int)m.reason;
	c->known.record_len = m.record_len;
	c->known.record_frame = m.record_frame;
	c->known.names = m.names;
}

void
facts_conn_end(struct facts *f, struct tl_conn *c)
{
	recall_chain(f, c);
	check_chains(f, c);
	c->chain_used_by = kb_used_by(f->kb, c);
}

void
facts_client_data(struct facts *f, const struct tl_conn *c)
{
	if (c->finished[TL_C2S] && c->finished[TL_S2C])
		kb_learn_use(f->kb, c);
}
