/* timeline.c - one connection's events and facts; no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "tls_names.h"
#include "util.h"

/* put_dec writes |v| in decimal at |p| and returns the end. */
static char *
put_dec(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* Written by hand: a report of --threads holds one or more, and
 * snprintf cost more than the rest of placing them. */
const char *
tl_id_str(char buf[TL_ID_STRLEN], uint64_t id)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t nonce;
	char *p = buf;
	int i;

	if (id & TL_ID_PENDING) {
		nonce = id >> TL_ID_FRAME_BITS & TL_ID_NONCE_MASK;
		*p++ = TL_ID_MARK_OPEN;
		for (i = 5; i >= 0; i--)
			*p++ = hex[nonce >> (4 * i) & 0xf];
		*p++ = '-';
		p = put_dec(p, id & TL_ID_FRAME_MASK);
		*p++ = TL_ID_MARK_CLOSE;
	} else
		p = put_dec(p, id);
	*p = '\0';
	return buf;
}

_Static_assert(TL_ID_STRLEN >= 1 + 6 + 1 + 20 + 1 + 1,
    "a pending id fits its buffer");

void
tl_ack(struct tl_conn *c, int dir, uint32_t ack)
{
	if (!c->ack_seen[dir]) {
		c->ack_seen[dir] = true;
		c->ack_first[dir] = c->ack_top[dir] = ack;
	} else if ((int32_t)(ack - c->ack_top[dir]) > 0)
		c->ack_top[dir] = ack;
}

uint32_t
tl_acked(const struct tl_conn *c, int dir)
{
	return c->ack_seen[dir] ? c->ack_top[dir] - c->ack_first[dir] : 0;
}

const struct tl_cert_request tl_cr_none;

struct tl_cert_request *
tl_cr_make(struct tl_conn *c)
{
	if (c->cr == NULL)
		c->cr = xcalloc(1, sizeof(*c->cr));
	return c->cr;
}

/* What a name of length 0 points at. */
static const uint8_t empty_name[1];

/* keep copies |n| bytes of |p| at |*at| and moves |*at| past them; it
 * returns where they are, or NULL for none. */
static void *
keep(uint8_t **at, const void *p, size_t n)
{
	uint8_t *r = *at;

	if (n == 0)
		return NULL;
	memcpy(r, p, n);
	*at += n;
	return r;
}

static void
keep_list(struct tl_u16s *dst, uint8_t **at, const struct tls_u16_list *src)
{
	/* Counts within one handshake message: under 2^24. */
	dst->v = keep(at, src->v, src->num * sizeof(uint16_t));
	dst->num = (uint32_t)src->num;
	dst->total = (uint32_t)src->total;
}

static void
keep_name(struct tl_name *dst, uint8_t **at, const uint8_t *b, size_t len,
    size_t wire_len)
{
	dst->b = len > 0 ? keep(at, b, len) : empty_name;
	dst->len = (uint32_t)len;		/* within one message */
	dst->wire_len = (uint32_t)wire_len;
}

void
tl_keep_client_hello(struct tl_client_hello *ch,
    const struct tls_client_hello *h, const uint8_t *alpn, size_t alpn_len)
{
	const struct tls_u16_list *src[] = { &h->versions, &h->suites,
	    &h->groups, &h->key_shares, &h->sig_algs, &h->exts };
	struct tl_u16s *dst[] = { &ch->versions, &ch->suites, &ch->groups,
	    &ch->key_shares, &ch->sig_algs, &ch->exts };
	size_t i, n = h->sni.len + alpn_len;
	uint8_t *at;

	/* Each list holds at most LIMIT_HELLO_LIST entries, each name at
	 * most LIMIT_NAME_BYTES bytes. The lists go first: the allocation
	 * is aligned for their entries. */
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		n += src[i]->num * sizeof(uint16_t);
	free(ch->heap);
	/* Not zeroed: the copies below fill every byte. */
	ch->heap = n > 0 ? xreallocarray(NULL, 1, n) : NULL;
	at = ch->heap;
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		keep_list(dst[i], &at, src[i]);
	keep_name(&ch->sni, &at, h->sni.b, h->sni.len, h->sni.wire_len);
	keep_name(&ch->alpn, &at, alpn, alpn_len, alpn_len);
}

void
tl_keep_server_hello(struct tl_server_hello *sh,
    const struct tls_server_hello *h)
{
	size_t n = h->exts.num * sizeof(uint16_t) + h->alpn.len;
	uint8_t *at;

	free(sh->heap);
	sh->heap = n > 0 ? xreallocarray(NULL, 1, n) : NULL;
	at = sh->heap;
	keep_list(&sh->exts, &at, &h->exts);
	keep_name(&sh->alpn, &at, h->alpn.b, h->alpn.len, h->alpn.wire_len);
}

_Static_assert(LIMIT_EVENTS < 255, "an event's preview index is a byte");

void
tl_event_set_raw(struct tl_conn *c, struct tl_event *e, const uint8_t *p,
    size_t len)
{
	struct tl_preview *pv;

	/* One preview an event at most, and the scratch event none: there
	 * are fewer than 255 (LIMIT_EVENTS). */
	if (e == c->overflow || c->num_previews >= LIMIT_EVENTS)
		return;
	if (e->preview == 0) {
		c->previews = xreallocarray(c->previews, c->num_previews + 1,
		    sizeof(*c->previews));
		e->preview = (uint8_t)++c->num_previews;
	}
	pv = &c->previews[e->preview - 1];
	pv->len = (uint8_t)(len < sizeof(pv->b) ? len : sizeof(pv->b));
	memcpy(pv->b, p, pv->len);
}

const uint8_t *
tl_event_raw(const struct tl_conn *c, const struct tl_event *e, size_t *len)
{
	const struct tl_preview *pv;

	if (e->preview == 0 || e->preview > c->num_previews) {
		*len = 0;
		return (const uint8_t *)"";
	}
	pv = &c->previews[e->preview - 1];
	*len = pv->len;
	return pv->b;
}

/* heap_bytes is what an allocation of |n| bytes costs (none for 0). */
static size_t
heap_bytes(size_t n)
{
	return n > 0 ? n + ALLOC_OVERHEAD : 0;
}

size_t
tl_conn_heap_bytes(const struct tl_conn *c)
{
	const struct tl_client_hello *ch = &c->ch;
	size_t m;

	m = heap_bytes(c->cap_events * sizeof(struct tl_event));
	if (c->cr != NULL)
		m += heap_bytes(sizeof(*c->cr));
	m += heap_bytes((ch->versions.num + ch->suites.num + ch->groups.num +
	    ch->key_shares.num + ch->sig_algs.num + ch->exts.num) *
	    sizeof(uint16_t) + ch->sni.len + ch->alpn.len);
	m += heap_bytes(c->sh.exts.num * sizeof(uint16_t) + c->sh.alpn.len);
	m += heap_bytes(c->num_previews * sizeof(struct tl_preview));
	m += heap_bytes(c->server_chain.num * sizeof(struct x509_cert *));
	m += heap_bytes(c->client_chain.num * sizeof(struct x509_cert *));
	m += heap_bytes(c->known_chain.num * sizeof(struct x509_cert *));
	return m;
}

struct tl_conn *
tl_conn_new(uint64_t id)
{
	struct tl_conn *c;

	c = xcalloc(1, sizeof(*c));
	c->id = id;
	return c;
}

void
tl_chain_clear(struct tl_chain *ch)
{
	size_t i;

	for (i = 0; i < ch->num; i++)
		x509_cert_unref(ch->certs[i]);
	free(ch->certs);
	free(ch->findings);
	memset(ch, 0, sizeof(*ch));
}

void
tl_chain_set(struct tl_chain *ch, size_t n)
{
	if (n > LIMIT_CHAIN_CERTS)
		n = LIMIT_CHAIN_CERTS;
	ch->certs = n > 0 ? xcalloc(n, sizeof(*ch->certs)) : NULL;
	ch->num = (uint32_t)n;
}

void
tl_conn_clear(struct tl_conn *c)
{
	size_t i;

	tl_chain_clear(&c->server_chain);
	tl_chain_clear(&c->client_chain);
	tl_chain_clear(&c->known_chain);
	free(c->known_ca);
	if (c->cr != NULL) {
		for (i = 0; i < c->cr->num_ca; i++) {
			free(c->cr->ca_text[i]);
			free(c->cr->ca_der[i]);
		}
		free(c->cr);
		c->cr = NULL;
	}
	free(c->previews);
	free(c->ch.heap);
	free(c->sh.heap);
	free(c->events);
	free(c->overflow);
}

void
tl_conn_free(struct tl_conn *c)
{
	if (c == NULL)
		return;
	tl_conn_clear(c);
	free(c);
}

struct tl_event *
tl_add_event(struct tl_conn *c, enum tl_ev_type type, enum tl_dir dir,
    uint64_t frame, int64_t ts_us)
{
	struct tl_event *e;
	size_t ncap;

	if (c->num_events == c->cap_events) {
		if (c->cap_events >= LIMIT_EVENTS) {
			c->dropped_events++;
			if (c->overflow == NULL)
				c->overflow = xcalloc(1, sizeof(*c->overflow));
			memset(c->overflow, 0, sizeof(*c->overflow));
			return c->overflow;
		}
		/* Half as much again: most connections end between 16 and
		 * 24 events (a TLS 1.2 handshake with its data and close). */
		ncap = c->cap_events == 0 ? 16 :
		    c->cap_events + c->cap_events / 2;
		if (ncap > LIMIT_EVENTS)
			ncap = LIMIT_EVENTS;
		c->events = xreallocarray(c->events, ncap, sizeof(*c->events));
		c->cap_events = ncap;
	}
	e = &c->events[c->num_events++];
	memset(e, 0, sizeof(*e));
	e->type = (uint8_t)type;
	e->dir = (uint8_t)dir;
	e->frame = frame;
	e->ts_us = ts_us;
	return e;
}

const struct tl_event *
tl_find(const struct tl_conn *c, enum tl_ev_type type, int hs_type, int dir)
{
	size_t i;
	const struct tl_event *e;

	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		if (e->type != type)
			continue;
		if (dir >= 0 && e->dir != dir)
			continue;
		if (type == TL_EV_HANDSHAKE && hs_type >= 0 &&
		    e->hs_type != hs_type)
			continue;
		return e;
	}
	return NULL;
}

const struct tl_event *
tl_first_alert(const struct tl_conn *c)
{
	const struct tl_event *first = NULL;
	size_t i;

	for (i = 0; i < c->num_events; i++) {
		if (c->events[i].type != TL_EV_ALERT)
			continue;
		if (c->events[i].alert_level == 2 || c->events[i].inferred)
			return &c->events[i];
		if (first == NULL)
			first = &c->events[i];
	}
	return first;
}

const char *
tl_ev_name(const struct tl_event *e)
{
	const char *n;

	switch ((enum tl_ev_type)e->type) {
	case TL_EV_SYN:
		return "SYN";
	case TL_EV_SYNACK:
		return "SYN-ACK";
	case TL_EV_FIN:
		return "FIN";
	case TL_EV_RST:
		return "RST";
	case TL_EV_HANDSHAKE:
		n = tls_hs_name(e->hs_type);
		return n != NULL ? n : "UnknownHandshake";
	case TL_EV_CCS:
		return "ChangeCipherSpec";
	case TL_EV_ALERT:
		return "Alert";
	case TL_EV_APPDATA:
		return "ApplicationData";
	case TL_EV_ENCRYPTED:
		return "EncryptedRecord";
	case TL_EV_GAP:
		return "Gap";
	case TL_EV_NOT_TLS:
		return "NotTLS";
	case TL_EV_MALFORMED:
		return "Malformed";
	case TL_EV_CONFLICT:
		return "OverlapConflict";
	case TL_EV_STARTTLS:
		return "StartTLS";
	case TL_EV_RESYNC:
		return "Resync";
	case TL_EV_TRUNCATED:
		return "Truncated";
	case TL_EV_HEARTBEAT:
		return "Heartbeat";
	}
	return "Unknown";
}

const char *
tl_client_ja4(const struct tl_conn *c)
{
	return c->ch.present && c->ch.ja4[0] != '\0' ? c->ch.ja4 : NULL;
}

const char *
tl_dir_name(int dir)
{
	return dir == TL_C2S ? "c2s" : "s2c";
}
