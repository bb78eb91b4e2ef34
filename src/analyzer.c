/* analyzer.c - the one context: wires decode, flows, reassembly, TLS, verdicts. */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "conn.h"
#include "decode.h"
#include "fingerprint.h"
#include "flow.h"
#include "knowledge.h"
#include "limits.h"
#include "rd.h"
#include "reasm.h"
#include "timeline.h"
#include "tls_decrypt.h"
#include "tls_msg.h"
#include "tls_names.h"
#include "tls_stream.h"
#include "util.h"
#include "verdict.h"
#include "x509.h"

struct conn_rt;

/* The context of one direction of one connection, for the callbacks. */
struct dir_ctx {
	struct analyzer	*a;
	struct conn_rt	*cr;
	int		 dir;		/* enum tl_dir */
};

/* Per-connection state that the timeline does not keep. */
struct conn_rt {
	struct tl_conn		*tl;
	struct analyzer		*a;
	struct conn_life	 life;		/* conn.c's: state, flow */
	struct reasm_dir	 rs[2];
	struct dir_ctx		 dctx[2];
	struct tls_stream	 ts;		/* records, messages, keys */
	size_t			 mem;		/* bytes counted in a->mem */
};

struct analyzer {
	struct analyzer_opts	 opt;
	analyzer_conn_fn	 fn;
	void			*fn_arg;
	struct conn_table	*conns;		/* flows and their lifecycle */
	struct x509_cache	*certs;
	struct x509_store	*store;
	struct x509_store	*client_store;
	struct x509_check_memo	*check_memo;	/* findings of recent chains */
	struct kb		*kb;		/* chains seen, per server */
	struct keylog		*keylog;
	struct fp_hasher	*fp;		/* JA3/JA4 digests */
	uint64_t		*keylog_off;	/* follow: bytes read, per file */
	struct analyzer_stats	 st;
	uint64_t		 next_id;
	size_t			 mem;		/* buffered payload, all flows */
	/* The packet being processed, for event stamps. */
	uint64_t		 frame;
	uint64_t		 frames_seen;	/* analyzed and skipped */
	int64_t			 now_us;	/* conn_now: the packet's time */
	uint64_t		 pkt_conn;	/* connection of the last packet */
	char			 extract_err[X509_ERRBUF_SIZE];	/* first */
	/* What the parsers fill for one handshake message; reused for
	 * every message (each parser clears it), never allocated. */
	union {
		struct tls_client_hello		ch;
		struct tls_server_hello		sh;
		struct tls_server_key_exchange	ske;
		struct tls_cert_verify		cv;
	}			 msg;
};

static void	conn_finish(struct analyzer *, struct conn_rt *, enum tl_end);
static void	on_message(void *, struct tls_stream_msg *);

static bool	rs_data(void *, const uint8_t *, size_t);
static void	rs_gap(void *, uint64_t);
static void	rs_conflict(void *, uint64_t, size_t);

static const struct reasm_cb rs_cb = { rs_data, rs_gap, rs_conflict };

struct analyzer *
analyzer_new(const struct analyzer_opts *opt, analyzer_conn_fn fn, void *arg,
    char errbuf[ANALYZER_ERRBUF_SIZE])
{
	struct analyzer *a;
	char xerr[X509_ERRBUF_SIZE];
	size_t i;

	a = xcalloc(1, sizeof(*a));
	a->opt = *opt;
	a->fn = fn;
	a->fn_arg = arg;
	a->conns = conn_table_new(&(struct conn_params){
	    .idle_us = opt->idle_us, .linger_us = opt->linger_us,
	    .max_flows = opt->max_flows, .max_memory = opt->max_memory,
	    .shard_k = opt->shard_k, .shard_n = opt->shard_n });
	a->certs = x509_cache_new(LIMIT_CERT_CACHE);
	a->check_memo = x509_check_memo_new();
	a->kb = opt->kb != NULL ? opt->kb : kb_new();
	a->fp = fp_hasher_new();
	if (a->fp == NULL) {
		snprintf(errbuf, ANALYZER_ERRBUF_SIZE,
		    "libcrypto has no SHA-256 digest (fingerprints)");
		analyzer_free(a);
		return NULL;
	}
	if (opt->ca_file != NULL || opt->ca_path != NULL) {
		a->store = x509_store_load(opt->ca_file, opt->ca_path, xerr);
		if (a->store == NULL) {
			snprintf(errbuf, ANALYZER_ERRBUF_SIZE, "%s", xerr);
			analyzer_free(a);
			return NULL;
		}
	}
	if (opt->client_ca_file != NULL) {
		a->client_store = x509_store_load(opt->client_ca_file, NULL,
		    xerr);
		if (a->client_store == NULL) {
			snprintf(errbuf, ANALYZER_ERRBUF_SIZE, "%s", xerr);
			analyzer_free(a);
			return NULL;
		}
	}
	if (opt->keylog_files != NULL && opt->keylog_files[0] != NULL) {
		a->keylog = keylog_new();
		for (i = 0; opt->keylog_files[i] != NULL; i++)
			;
		a->keylog_off = xcalloc(i, sizeof(*a->keylog_off));
		for (i = 0; opt->keylog_files[i] != NULL; i++) {
			bool ok, missing = false;

			if (opt->keylog_follow)
				ok = keylog_follow(a->keylog,
				    opt->keylog_files[i], &a->keylog_off[i],
				    &missing, errbuf, ANALYZER_ERRBUF_SIZE);
			else
				ok = keylog_load(a->keylog,
				    opt->keylog_files[i], errbuf,
				    ANALYZER_ERRBUF_SIZE);
			if (!ok && !missing) {
				analyzer_free(a);
				return NULL;
			}
		}
		a->st.keylog_entries = keylog_entries(a->keylog);
		a->st.keylog_bad_lines = keylog_bad_lines(a->keylog);
	}
	return a;
}

/* keylog_refresh reads what was appended to the followed key logs; true
 * if it brought new secrets. */
static bool
keylog_refresh(struct analyzer *a)
{
	size_t i, before;
	bool missing;

	if (!a->opt.keylog_follow || a->keylog == NULL)
		return false;
	before = keylog_entries(a->keylog);
	for (i = 0; a->opt.keylog_files[i] != NULL; i++)
		(void)keylog_follow(a->keylog, a->opt.keylog_files[i],
		    &a->keylog_off[i], &missing, NULL, 0);
	a->st.keylog_entries = keylog_entries(a->keylog);
	a->st.keylog_bad_lines = keylog_bad_lines(a->keylog);
	return a->st.keylog_entries != before;
}

/* in: key log lines from a capture file (pcapng DSB, issue 15 case 10),
 * used as --keylog is; call before the packets they decrypt. */
void
analyzer_add_keylog(struct analyzer *a, const uint8_t *p, size_t len)
{
	if (a->keylog == NULL)
		a->keylog = keylog_new();
	keylog_add_text(a->keylog, p, len);
	a->st.keylog_entries = keylog_entries(a->keylog);
	a->st.keylog_bad_lines = keylog_bad_lines(a->keylog);
}

const struct analyzer_stats *
analyzer_stats(const struct analyzer *a)
{
	return &a->st;
}

/* conn_rt_free releases a connection's runtime state and timeline. */
static void
conn_rt_free(struct analyzer *a, struct conn_rt *cr)
{
	int d;

	a->mem -= cr->mem;
	for (d = 0; d < 2; d++)
		reasm_cleanup(&cr->rs[d]);
	tls_stream_cleanup(&cr->ts);
	verdict_free(cr->tl->verdict);	/* the analyzer's, not the timeline's */
	tl_conn_free(cr->tl);
	free(cr);
}

void
analyzer_free(struct analyzer *a)
{
	struct conn_life *l;

	if (a == NULL)
		return;
	while ((l = conn_table_oldest(a->conns)) != NULL) {
		conn_remove(a->conns, l);
		conn_rt_free(a, l->owner);
	}
	conn_table_free(a->conns);
	x509_cache_free(a->certs);
	x509_store_free(a->store);
	x509_store_free(a->client_store);
	x509_check_memo_free(a->check_memo);
	if (a->kb != a->opt.kb)
		kb_free(a->kb);
	keylog_free(a->keylog);
	fp_hasher_free(a->fp);
	free(a->keylog_off);
	free(a);
}

/* ev adds an event stamped with the current packet. */
static struct tl_event *
ev(struct analyzer *a, struct conn_rt *cr, enum tl_ev_type type, int dir)
{
	return tl_add_event(cr->tl, type, (enum tl_dir)dir, a->frame,
	    a->now_us);
}

/* mem_update recounts the bytes |cr| holds and adjusts the total. */
static void
mem_update(struct analyzer *a, struct conn_rt *cr)
{
	size_t m;

	/* The connection's own structures count too, so that the memory
	 * cap bounds a flood of connections, not only their payload. */
	m = sizeof(*cr) + sizeof(*cr->tl) + cr->tl->cap_events *
	    sizeof(struct tl_event);
	m += cr->rs[0].ooo_bytes + cr->rs[1].ooo_bytes +
	    tls_stream_mem(&cr->ts);
	a->mem = a->mem - cr->mem + m;
	cr->mem = m;
	if (a->mem > a->st.mem_peak)
		a->st.mem_peak = a->mem;
}

static struct conn_rt *
conn_new(struct analyzer *a, struct flow *f, const struct segment *s,
    int dir)
{
	struct conn_rt *cr;
	struct tl_conn *c;
	size_t alen = s->af == 6 ? 16 : 4;
	int d;

	cr = xcalloc(1, sizeof(*cr));
	cr->a = a;
	/* --shard K/N: ids K, K + N, K + 2N...: unique over the shards. */
	c = tl_conn_new(a->opt.shard_n > 1 ? a->next_id++ * a->opt.shard_n +
	    a->opt.shard_k : ++a->next_id);
	f->conn_id = c->id;
	a->st.connections++;
	cr->tl = c;
	c->af = s->af;
	if (dir == TL_C2S) {
		memcpy(c->client_ip, s->src, alen);
		memcpy(c->server_ip, s->dst, alen);
		c->client_port = s->sport;
		c->server_port = s->dport;
	} else {
		memcpy(c->client_ip, s->dst, alen);
		memcpy(c->server_ip, s->src, alen);
		c->client_port = s->dport;
		c->server_port = s->sport;
	}
	c->start_us = a->now_us;
	c->last_us = a->now_us;
	c->first_frame = a->frame;
	for (d = 0; d < 2; d++) {
		reasm_init(&cr->rs[d], a->opt.max_stream_bytes);
		cr->dctx[d].a = a;
		cr->dctx[d].cr = cr;
		cr->dctx[d].dir = d;
	}
	tls_stream_init(&cr->ts, c, on_message, cr, !f->tcp.syn &&
	    !f->tcp.synack);
	conn_attach(a->conns, f, &cr->life, cr);
	return cr;
}

/* ---- TLS handshake messages ---- */

static void
copy_list(struct tls_u16_list *dst, const struct tls_u16_list *src)
{
	memcpy(dst, src, sizeof(*dst));
}

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
on_client_hello(struct analyzer *a, struct conn_rt *cr,
    const struct tls_client_hello *h, struct tl_event *e)
{
	struct tl_client_hello *ch = &cr->tl->ch;
	uint16_t maxv = h->legacy_version;
	size_t i, j;

	for (i = 0; i < h->versions.num; i++)
		if (!tls_is_grease(h->versions.v[i]) &&
		    version_rank(h->versions.v[i]) > version_rank(maxv))
			maxv = h->versions.v[i];
	e->version = maxv;
	e->sslv2 = h->sslv2;
	if (ch->present)
		return;		/* second ClientHello after HRR */
	ch->present = true;
	fp_client_hello(a->fp, ch->ja4, ch->ja3, h);
	ch->sslv2 = h->sslv2;
	ch->frame = e->frame;
	ch->legacy_version = h->legacy_version;
	ch->max_version = maxv;
	ch->malformed = h->malformed;	/* in: issue 15 case 7 */
	copy_list(&ch->versions, &h->versions);
	copy_list(&ch->suites, &h->suites);
	copy_list(&ch->groups, &h->groups);
	copy_list(&ch->key_shares, &h->key_shares);
	copy_list(&ch->sig_algs, &h->sig_algs);
	copy_list(&ch->exts, &h->exts);
	ch->has_sni = h->has_sni;
	ch->sni = h->sni;
	ch->alpn.len = 0;
	for (i = 0; i < h->alpn.num; i++) {
		const struct tls_name *pn = &h->alpn.proto[i];

		if (i > 0 && ch->alpn.len < sizeof(ch->alpn.b))
			ch->alpn.b[ch->alpn.len++] = ',';
		for (j = 0; j < pn->len && ch->alpn.len < sizeof(ch->alpn.b);
		    j++)
			ch->alpn.b[ch->alpn.len++] = pn->b[j];
	}
	ch->alpn.wire_len = ch->alpn.len;
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
on_server_hello(struct analyzer *a, struct conn_rt *cr,
    const struct tls_server_hello *h, struct tls_stream_msg *m)
{
	struct tl_event *e = m->ev;
	struct tl_server_hello *sh = &cr->tl->sh;
	struct tl_client_hello *ch = &cr->tl->ch;
	uint16_t v = tls_server_hello_version(h);

	e->version = v;
	e->cipher = h->suite;
	if (h->is_hrr) {
		e->hs_type = TLS_HS_HELLO_RETRY_REQUEST;
		sh->hrr_seen = true;
		sh->hrr_group = h->key_share_group;
		return;
	}
	if (sh->present)
		return;
	sh->present = true;
	sh->frame = e->frame;
	sh->version = v;
	sh->suite = h->suite;
	sh->group = h->key_share_group;
	sh->has_alpn = h->has_alpn;
	sh->alpn = h->alpn;
	sh->ems = h->has_ems;
	sh->compression = h->compression;
	copy_list(&sh->exts, &h->exts);
	fp_server_hello(a->fp, sh->ja3s, h);
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
	if (a->keylog != NULL && ch->present && h->compression == 0) {
		m->keys = tls_decrypt_new(a->keylog, ch->random, v, h->suite,
		    sh->random);
		if (m->keys == NULL && keylog_refresh(a))
			m->keys = tls_decrypt_new(a->keylog, ch->random, v,
			    h->suite, sh->random);
		if (m->keys != NULL)
			a->st.decrypted_conns++;
	}
}

static void
on_certificate(struct analyzer *a, struct conn_rt *cr, struct rd *body,
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
	ch = dir == TL_S2C ? &cr->tl->server_chain : &cr->tl->client_chain;
	e->count = (uint32_t)m.total_certs;
	if (ch->present)
		return;
	ch->present = true;
	ch->frame = e->frame;
	ch->total = m.total_certs;
	ch->num = m.num_certs;
	for (i = 0; i < m.num_certs; i++)
		ch->certs[i] = x509_cache_get(a->certs, rd_ptr(&m.certs[i]),
		    rd_left(&m.certs[i]));
	/* A chain in the clear is known at once, for the connections that
	 * end before this one does (issue 16). */
	if (dir == TL_S2C)
		kb_learn(a->kb, cr->tl);
	if (a->opt.extract_dir != NULL) {
		char xerr[X509_ERRBUF_SIZE];

		for (i = 0; i < ch->num; i++)
			if (ch->certs[i] != NULL &&
			    !x509_write_pem(ch->certs[i], a->opt.extract_dir,
			    xerr) && a->st.extract_errors++ == 0)
				snprintf(a->extract_err, sizeof(a->extract_err),
				    "%s", xerr);
	}
}

static void
on_cert_request(struct analyzer *a, struct conn_rt *cr, struct rd *body,
    const struct tls_stream_msg *sm)
{
	struct tl_event *e = sm->ev;
	struct tls_cert_request m;
	struct tl_cert_request *r = &cr->tl->cr;
	size_t i, n;
	char text[LIMIT_DN_TEXT];

	if (tls_parse_cert_request(body, sm->tls13, &m) != TLS_OK) {
		e->what = "malformed CertificateRequest";
		return;
	}
	e->count = (uint32_t)m.total_ca_names;
	if (r->present)
		return;
	r->present = true;
	r->frame = e->frame;
	r->total_ca = m.total_ca_names;
	copy_list(&r->sig_algs, &m.sig_algs);
	n = m.num_cert_types < sizeof(r->cert_types) ? m.num_cert_types :
	    sizeof(r->cert_types);
	memcpy(r->cert_types, m.cert_types, n);
	r->num_cert_types = n;
	for (i = 0; i < m.num_ca_names; i++) {
		size_t len = rd_left(&m.ca_names[i]);

		x509_cache_name_text(a->certs, text, sizeof(text),
		    rd_ptr(&m.ca_names[i]), len);
		r->ca_text[i] = xstrdup(text);
		r->ca_der[i] = xcalloc(1, len);
		memcpy(r->ca_der[i], rd_ptr(&m.ca_names[i]), len);
		r->ca_der_len[i] = len;
	}
	r->num_ca = m.num_ca_names;
	kb_learn_ca(a->kb, cr->tl);
}

/* on_tls_message reads one whole TLS handshake message into the facts. */
static void
on_tls_message(struct analyzer *a, struct conn_rt *cr,
    struct tls_stream_msg *m)
{
	struct tl_event *e = m->ev;
	struct rd r;
	enum tls_status st = TLS_OK;

	rd_init(&r, m->body, m->len);
	switch (m->type) {
	case TLS_HS_CLIENT_HELLO:
		st = tls_parse_client_hello(&r, &a->msg.ch);
		/* in: a hello with one bad extension keeps what was read
		 * (issue 15 case 7); the event says where it was bad. */
		if (st == TLS_OK || a->msg.ch.malformed != NULL)
			on_client_hello(a, cr, &a->msg.ch, e);
		if (st != TLS_OK && a->msg.ch.malformed != NULL)
			e->what = a->msg.ch.malformed;
		break;
	case TLS_HS_SERVER_HELLO:
		/* Parsed by tls_stream for its own rules. */
		if (m->sh != NULL)
			on_server_hello(a, cr, m->sh, m);
		else
			st = TLS_MALFORMED;
		break;
	case TLS_HS_CERTIFICATE:
		on_certificate(a, cr, &r, m);
		break;
	case TLS_HS_CERTIFICATE_REQUEST:
		on_cert_request(a, cr, &r, m);
		break;
	case TLS_HS_SERVER_KEY_EXCHANGE:
		st = tls_parse_server_key_exchange(&r, &a->msg.ske);
		if (st == TLS_OK && a->msg.ske.has_group &&
		    cr->tl->sh.group == 0)
			cr->tl->sh.group = a->msg.ske.group;
		break;
	case TLS_HS_CERTIFICATE_VERIFY:
		st = tls_parse_cert_verify(&r, &a->msg.cv);
		break;
	case TLS_HS_FINISHED:
		/* Live: the client may have written its traffic secrets
		 * since the ServerHello was read. */
		if (m->dec != NULL && m->tls13 && a->opt.keylog_follow) {
			(void)keylog_refresh(a);
			tls_decrypt_refill(m->dec, a->keylog,
			    cr->tl->ch.random);
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
sslv2_server_hello(struct analyzer *a, struct conn_rt *cr,
    const struct tls_stream_msg *m)
{
	struct tl_server_hello *sh = &cr->tl->sh;
	struct tl_chain *chain = &cr->tl->server_chain;
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
		chain->total = chain->num = 1;
		chain->certs[0] = x509_cache_get(a->certs, rd_ptr(&cert),
		    rd_left(&cert));
	}
	return true;
}

/* on_message is tls_stream's hook: one whole handshake message or SSL 2.0
 * hello, with its event already on the timeline. */
static void
on_message(void *arg, struct tls_stream_msg *m)
{
	struct conn_rt *cr = arg;
	struct analyzer *a = cr->a;
	struct rd r;

	if (!m->sslv2) {
		on_tls_message(a, cr, m);
		return;
	}
	if (m->type == TLS_HS_SERVER_HELLO) {
		m->sslv2_server = sslv2_server_hello(a, cr, m);
		return;
	}
	rd_init(&r, m->body, m->len);
	if (tls_parse_sslv2_client_hello(&r, &a->msg.ch) == TLS_OK)
		on_client_hello(a, cr, &a->msg.ch, m->ev);
	else
		m->ev->what = "malformed SSLv2 ClientHello";
}

/* ---- reassembly callbacks ---- */

/* rs_data hands the next bytes of a direction to its TLS stream, and acts
 * on what the stream found; true stops the direction's reassembly. */
static bool
rs_data(void *arg, const uint8_t *p, size_t len)
{
	struct dir_ctx *dc = arg;
	struct conn_rt *cr = dc->cr;
	struct tls_stamp at = { dc->a->frame, dc->a->now_us };
	unsigned r;

	r = tls_stream_feed(&cr->ts, dc->dir, p, len, at);
	if (r & TLS_STREAM_SETTLED) {
		/* The fast path: nothing more is buffered. */
		(void)conn_input(dc->a->conns, &cr->life, CONN_IN_SETTLED,
		    false);
		mem_update(dc->a, cr);
	}
	if (r & TLS_STREAM_STOP(!dc->dir))
		reasm_stop(&cr->rs[!dc->dir]);
	return (r & TLS_STREAM_STOP(dc->dir)) != 0;
}

static void
rs_gap(void *arg, uint64_t nbytes)
{
	struct dir_ctx *dc = arg;
	struct tl_conn *c = dc->cr->tl;
	struct tl_event *e;
	uint64_t snap;

	c->gap_bytes[dc->dir] += nbytes;
	e = ev(dc->a, dc->cr, TL_EV_GAP, dc->dir);
	e->bytes = nbytes;
	/* in: bytes cut by the snapshot length reach reasm as lost ranges,
	 * delivered only as gaps: charge this gap to them first. */
	snap = c->snap_bytes[dc->dir] - c->snap_gap_bytes[dc->dir];
	if (snap > nbytes)
		snap = nbytes;
	c->snap_gap_bytes[dc->dir] += snap;
	if (snap == nbytes)
		e->what = "(cut by the snapshot length)";
	else if (snap > 0)
		e->what = "(partly cut by the snapshot length)";
	tls_stream_gap(&dc->cr->ts, dc->dir, nbytes);
}

static void
rs_conflict(void *arg, uint64_t off, size_t len)
{
	struct dir_ctx *dc = arg;
	struct tl_event *e;

	e = ev(dc->a, dc->cr, TL_EV_CONFLICT, dc->dir);
	e->bytes = off;
	e->len = (uint32_t)len;
}

/* ---- connection life ---- */

/* check_server_chain checks |ch|, a chain the server sent (or, for
 * known_chain, most likely sent), as a client asking for |c|'s SNI would. */
static void
check_server_chain(struct analyzer *a, const struct tl_conn *c,
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
	p.store = a->store;
	n = x509_check_chain_memo(a->check_memo, tmp, 32, ch->certs, ch->num,
	    &p);
	ch->findings = xcalloc(n, sizeof(*tmp));
	memcpy(ch->findings, tmp, n * sizeof(*tmp));
	ch->num_findings = n;
	ch->store_checked = a->store != NULL;
}

/* check_chains runs the certificate checks once the connection is over,
 * when the SNI and the acceptable CA list are known. */
static void
check_chains(struct analyzer *a, struct conn_rt *cr)
{
	struct tl_conn *c = cr->tl;
	struct x509_check_params p;
	struct x509_finding tmp[32];
	size_t n;
	int64_t at = c->start_us / 1000000;

	check_server_chain(a, c, &c->server_chain);
	check_server_chain(a, c, &c->known_chain);
	if (c->client_chain.num > 0) {
		memset(&p, 0, sizeof(p));
		p.role = X509_ROLE_CLIENT;
		p.at = at;
		p.store = a->client_store;
		p.ca_names_present = c->cr.present;
		p.ca_names = (const uint8_t *const *)c->cr.ca_der;
		p.ca_name_lens = c->cr.ca_der_len;
		p.num_ca_names = c->cr.num_ca;
		n = x509_check_chain_memo(a->check_memo, tmp, 32,
		    c->client_chain.certs, c->client_chain.num, &p);
		c->client_chain.findings = xcalloc(n, sizeof(*tmp));
		memcpy(c->client_chain.findings, tmp, n * sizeof(*tmp));
		c->client_chain.num_findings = n;
	}
}

/*
 * recall_chain: a TLS 1.3 connection whose chain is encrypted gets the
 * chain it most likely received from what other connections to the same
 * server showed (issue 16). A connection that shows its chain taught it
 * when its Certificate was read (on_certificate).
 */
static void
recall_chain(struct analyzer *a, struct tl_conn *c)
{
	struct kb_match m;
	const char *cas;
	size_t i;

	if (!c->cr.present && c->sh.present && c->sh.tls13 &&
	    (cas = kb_ca_names(a->kb, c, &c->known_ca_conn,
	    &c->known_ca_frame)) != NULL)
		c->known_ca = xstrdup(cas);
	kb_match(a->kb, c, &m);
	if (m.chain == NULL)
		return;
	for (i = 0; i < m.chain->num; i++)
		c->known_chain.certs[i] = x509_cert_ref(m.chain->certs[i]);
	c->known_chain.num = c->known_chain.total = m.chain->num;
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

/*
 * conn_finish reports |cr| and frees it. The caller tells conn.c what
 * becomes of its flow (conn_reported: a tombstone that absorbs the
 * connection's last packets, only the flow entry kept, so that memory
 * follows the connections still open; or conn_remove).
 */
static void
conn_finish(struct analyzer *a, struct conn_rt *cr, enum tl_end why)
{
	int d;

	for (d = 0; d < 2; d++)
		reasm_flush(&cr->rs[d], &rs_cb, &cr->dctx[d]);
	cr->tl->end = why;
	/* Bytes cut by the snapshot length are said apart (snaplen_cut). */
	if (cr->tl->kernel_drops || cr->tl->gap_bytes[0] +
	    cr->tl->gap_bytes[1] > cr->tl->snap_gap_bytes[0] +
	    cr->tl->snap_gap_bytes[1]) {
		cr->tl->capture_loss = true;
		a->st.loss_conns++;
	}
	/* in: one direction only, though data flowed (skipped link-layer
	 * tags, an asymmetric tap): the verdict says so. */
	cr->tl->one_sided = (cr->tl->pkts[0] == 0) != (cr->tl->pkts[1] == 0) &&
	    (cr->tl->data[0] || cr->tl->data[1]);
	if (cr->tl->one_sided)
		a->st.one_sided++;
	recall_chain(a, cr->tl);
	check_chains(a, cr);
	cr->tl->verdict = verdict_decide(cr->tl);
	if (a->fn != NULL)
		a->fn(a->fn_arg, cr->tl);
}

/* report finishes |cr| and lets conn.c keep its flow as a tombstone. */
static void
report(struct analyzer *a, struct conn_rt *cr, enum tl_end why)
{
	conn_finish(a, cr, why);
	conn_reported(a->conns, &cr->life);
	conn_rt_free(a, cr);
}

/* expire reports what conn.c's expiry walk finds, in its order. */
static void
expire(struct analyzer *a)
{
	struct conn_expired x;
	struct conn_rt *cr;

	x.phase = 0;
	while (conn_expire_next(a->conns, a->mem, &x)) {
		cr = x.life->owner;
		if (x.why == CONN_IN_IDLE)
			a->st.idle_closed++;
		else if (x.why == CONN_IN_CAP)
			a->st.evicted++;
		conn_finish(a, cr, x.end);
		if (x.remove)
			conn_remove(a->conns, &cr->life);
		else
			conn_reported(a->conns, &cr->life);
		conn_rt_free(a, cr);
	}
}

static void
tcp_events(struct analyzer *a, struct conn_rt *cr, const struct segment *s,
    unsigned fev, int dir)
{
	struct tl_conn *c = cr->tl;
	struct tl_event *e;

	if (fev & FLOW_EV_SYN) {
		e = ev(a, cr, TL_EV_SYN, dir);
		e->count = 1;
		c->syn = true;
		c->syn_count = 1;
		reasm_set_isn(&cr->rs[TL_C2S], s->seq);
	}
	if (fev & FLOW_EV_SYN_RETX) {
		c->syn_count++;
		e = (struct tl_event *)tl_find(c, TL_EV_SYN, -1, TL_C2S);
		if (e != NULL)
			e->count = c->syn_count;
	}
	if (fev & FLOW_EV_SYNACK) {
		ev(a, cr, TL_EV_SYNACK, dir);
		c->synack = true;
		c->synack_count = 1;
		reasm_set_isn(&cr->rs[TL_S2C], s->seq);
	}
	if (fev & FLOW_EV_SYNACK_RETX) {
		c->synack_count++;
		/* Several SYN-ACKs with different sequence numbers (a
		 * middlebox, a server answering each SYN afresh): before
		 * any server byte, the latest one is the one the client
		 * acknowledges. */
		if (!c->data[TL_S2C])
			reasm_set_isn(&cr->rs[TL_S2C], s->seq);
	}
	if (fev & FLOW_EV_FIN) {
		ev(a, cr, TL_EV_FIN, dir);
		c->fin[dir] = true;
	}
	if (fev & FLOW_EV_RST) {
		ev(a, cr, TL_EV_RST, dir);
		c->rst[dir] = true;
		c->rst_frame[dir] = a->frame;
	}
}

/*
 * in: count_skipped counts a frame that stopped at an ethertype decode.c
 * does not follow, unless it is one that never carries IP. Such frames
 * may be one direction of a connection (issue 15 case 5).
 */
static void
count_skipped(struct analyzer *a, uint16_t type)
{
	size_t i;

	switch (type) {
	case 0:			/* not an ethertype framing, or none */
	case 0x0806:		/* ARP */
	case 0x8035:		/* RARP */
	case 0x88cc:		/* LLDP */
	case 0x888e:		/* 802.1X EAPOL */
	case 0x8809:		/* slow protocols (LACP) */
	case 0x88f7:		/* PTP */
	case 0x8902:		/* 802.1ag CFM */
	case 0x9000:		/* loopback (configuration test) */
		return;
	default:
		if (type < 0x0600)	/* an 802.3 length: LLC, STP, CDP */
			return;
		break;
	}
	a->st.skipped++;
	for (i = 0; i < a->st.num_skipped_types; i++)
		if (a->st.skipped_types[i].type == type) {
			a->st.skipped_types[i].n++;
			return;
		}
	if (i < ANALYZER_SKIP_TYPES) {
		a->st.skipped_types[i].type = type;
		a->st.skipped_types[i].n = 1;
		a->st.num_skipped_types++;
	} else
		a->st.skipped_other++;
}

/* count_decoded counts what decoding made of a frame; true when it is a
 * TCP segment to follow. */
static bool
count_decoded(struct analyzer *a, enum decode_status ds,
    const struct segment *s, size_t caplen, size_t wirelen)
{
	/* in: every packet cut by the snapshot length counts, whatever
	 * decoding made of it. */
	if (caplen < wirelen || ds == DECODE_TRUNCATED)
		a->st.truncated++;
	switch (ds) {
	case DECODE_OK:
		a->st.tcp++;
		return true;
	case DECODE_NOT_TCP:
		a->st.not_tcp++;
		count_skipped(a, s->ethertype);
		return false;
	case DECODE_FRAGMENT:
		a->st.fragments++;
		return false;
	case DECODE_TRUNCATED:
		return false;
	case DECODE_MALFORMED:
		a->st.malformed++;
		return false;
	}
	return false;
}

/*
 * segment_flow hands |s| to conn.c (expiry first, then its flow's TCP
 * events) and returns the connection to follow, or NULL: not followed,
 * another shard's, or a tombstone's.
 */
static struct conn_rt *
segment_flow(struct analyzer *a, const struct segment *s,
    struct conn_seg_out *o)
{
	struct conn_rt *cr;

	conn_segment_begin(a->conns);
	expire(a);
	switch (conn_segment(a->conns, s, o)) {
	case CONN_SEG_IGNORED:
		a->st.keepalive_ignored++;
		return NULL;
	case CONN_SEG_OTHER_SHARD:
		a->st.other_shard++;
		return NULL;
	case CONN_SEG_TOMBSTONE:
		if (o->finished != NULL)	/* port reuse, then a tombstone */
			report(a, o->finished->owner, TL_END_CLOSED);
		a->pkt_conn = o->conn_id;
		return NULL;
	case CONN_SEG_FOLLOW:
		break;
	}
	if (o->finished != NULL) {
		/* Port reuse: the old connection ends here. */
		cr = o->finished->owner;
		conn_finish(a, cr, TL_END_CLOSED);
		conn_rt_free(a, cr);
	}
	if (o->life != NULL) {
		cr = o->life->owner;
		if (o->revived)
			cr->tl->rst[0] = cr->tl->rst[1] = false;
		return cr;
	}
	cr = conn_new(a, o->flow, s, o->dir);
	if (!(o->fev & FLOW_EV_SYN) && !o->flow->tcp.syn)
		cr->tl->midstream = true;
	return cr;
}

/* flow_conn counts |s| in the connection |cr|. */
static void
flow_conn(struct analyzer *a, struct conn_rt *cr, const struct flow *f,
    const struct segment *s, int dir)
{
	a->pkt_conn = cr->tl->id;
	cr->tl->last_us = a->now_us;
	cr->tl->pkts[dir]++;
	cr->tl->bytes[dir] += s->payload_wire_len;
	if (!cr->tl->midstream && !f->tcp.syn && cr->tl->pkts[0] +
	    cr->tl->pkts[1] == 1)
		cr->tl->midstream = true;
}

/* swap_roles: midstream, the "server" sent a ClientHello: it is the
 * client, whatever the ports said. */
static void
swap_roles(struct flow *f, struct tl_conn *c, int kdir)
{
	uint8_t ip[16];
	uint16_t port;

	flow_set_client(f, kdir);
	memcpy(ip, c->client_ip, 16);
	memcpy(c->client_ip, c->server_ip, 16);
	memcpy(c->server_ip, ip, 16);
	port = c->client_port;
	c->client_port = c->server_port;
	c->server_port = port;
	c->pkts[0] = c->pkts[1];
	c->pkts[1] = 0;
	c->bytes[0] = c->bytes[1];
	c->bytes[1] = 0;
}

/* segment_data hands the payload of |s| to the stream of |dir|, and
 * returns the direction it turned out to be (a midstream role swap). */
static int
segment_data(struct conn_rt *cr, struct flow *f, const struct segment *s,
    int kdir, int dir)
{
	uint32_t seq = s->seq + ((s->flags & TCP_SYN) ? 1 : 0);

	if (cr->tl->midstream && !cr->tl->data[0] && !cr->tl->data[1] &&
	    !f->tcp.syn && !f->tcp.synack && s->payload_len >= 6 &&
	    s->payload[0] == 22 && s->payload[5] == 1 && dir == TL_S2C) {
		swap_roles(f, cr->tl, kdir);
		dir = TL_C2S;
	}
	/* in: a segment cut by the snapshot length; its lost bytes become
	 * gaps (rs_gap says so). */
	if (s->payload_wire_len > s->payload_len) {
		cr->tl->snap_pkts[dir]++;
		cr->tl->snap_bytes[dir] += s->payload_wire_len - s->payload_len;
	}
	cr->tl->data[dir] = true;
	reasm_add(&cr->rs[dir], &rs_cb, &cr->dctx[dir], seq, s->payload,
	    s->payload_len, s->payload_wire_len);
	return dir;
}

void
analyzer_packet(struct analyzer *a, int dlt, int64_t ts_us,
    const uint8_t *pkt, size_t caplen, size_t wirelen)
{
	struct segment s;
	struct conn_seg_out o;
	struct conn_rt *cr;
	int dir;

	a->pkt_conn = 0;
	a->st.frames++;
	a->st.bytes += wirelen;
	a->frame = ++a->frames_seen;
	if (ts_us < LIMIT_TS_MIN_US || ts_us > LIMIT_TS_MAX_US) {
		/* Beyond it the idle and linger sums could overflow. */
		a->st.clock_out_of_range++;
		ts_us = a->now_us;
	}
	if (conn_clock(a->conns, ts_us, a->st.frames <= 1))
		a->st.clock_jumps++;
	a->now_us = conn_now(a->conns);
	if (!count_decoded(a, decode_frame(&s, dlt, pkt, caplen, wirelen), &s,
	    caplen, wirelen))
		return;
	if ((cr = segment_flow(a, &s, &o)) == NULL)
		return;
	dir = o.dir;
	flow_conn(a, cr, o.flow, &s, dir);
	tcp_events(a, cr, &s, o.fev, dir);
	if (o.fev & FLOW_EV_SYNACK)
		(void)conn_input(a->conns, &cr->life, CONN_IN_SYNACK, false);
	/* The server's ACK before its SYN-ACK (a challenge ACK for a stale
	 * connection, RFC 5961 4) acks nothing of this client's stream:
	 * taking it would declare a bogus gap and lose what follows. */
	if ((s.flags & TCP_ACK) != 0 && (dir == TL_C2S || cr->tl->synack ||
	    !cr->tl->syn))
		reasm_peer_ack(&cr->rs[!dir], &rs_cb, &cr->dctx[!dir], s.ack);
	if (s.payload_wire_len == 1 && (s.flags & (TCP_SYN | TCP_FIN)) == 0 &&
	    cr->rs[dir].have_isn && s.seq == cr->rs[dir].next - 1) {
		/* Issue 19: a keepalive probe with one byte of garbage
		 * (seq = snd_nxt - 1): not stream data. */
	} else if (s.payload_wire_len > 0) {
		if (!cr->tl->data[0] && !cr->tl->data[1])	/* the first */
			(void)conn_input(a->conns, &cr->life, CONN_IN_DATA,
			    false);
		dir = segment_data(cr, o.flow, &s, o.kdir, dir);
	}
	if (o.fev & FLOW_EV_FIN)
		cr->rs[dir].fin_seen = true;
	mem_update(a, cr);
	if (cr->tl->fin[0] && cr->tl->fin[1]) {
		if (conn_input(a->conns, &cr->life, CONN_IN_FIN_BOTH,
		    false).act == CONN_ACT_REPORT)
			report(a, cr, TL_END_CLOSED);
	} else if (cr->tl->rst[0] || cr->tl->rst[1])
		(void)conn_input(a->conns, &cr->life, CONN_IN_RST,
		    cr->tl->rst[TL_C2S] && !cr->tl->synack);
}

uint64_t
analyzer_packet_conn(const struct analyzer *a)
{
	return a->pkt_conn;
}

void
analyzer_tick(struct analyzer *a, int64_t now_us)
{
	conn_tick(a->conns, now_us);
	a->now_us = conn_now(a->conns);
	expire(a);
}

const char *
analyzer_extract_error(const struct analyzer *a)
{
	return a->st.extract_errors > 0 ? a->extract_err : NULL;
}

void
analyzer_skip_frames(struct analyzer *a, uint64_t n)
{
	a->frames_seen += n;
}

void
analyzer_capture_lost(struct analyzer *a)
{
	struct conn_life *l;

	for (l = conn_table_oldest(a->conns); l != NULL; l = conn_next(l))
		((struct conn_rt *)l->owner)->tl->kernel_drops = true;
}

void
analyzer_flush(struct analyzer *a)
{
	struct conn_life *l;
	struct conn_rt *cr;
	struct conn_step r;

	while ((l = conn_table_oldest(a->conns)) != NULL) {
		cr = l->owner;
		r = conn_input(a->conns, l, CONN_IN_EOF, false);
		conn_finish(a, cr, r.end);
		conn_remove(a->conns, l);
		conn_rt_free(a, cr);
	}
}
