/* knowledge.c - what the capture showed about servers, across connections. */
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "timeline.h"
#include "tls_msg.h"
#include "util.h"
#include "x509.h"

/* A name a server was asked for, and the chain it answered with. */
struct kb_name {
	bool		has_sni;
	uint8_t		sni[LIMIT_NAME_BYTES];
	size_t		sni_len;
	int		chain;		/* index into srv->chains */
	bool		varies;		/* answered with two chains or more */
};

struct kb_server {
	struct kb_server	*next;		/* hash chain */
	uint8_t			 af;
	uint8_t			 ip[16];
	uint16_t		 port;
	struct kb_chain		 chains[LIMIT_KB_CHAINS];
	size_t			 num_chains;
	bool			 chains_full;	/* a further chain was seen */
	struct kb_name		 names[LIMIT_KB_NAMES];
	size_t			 num_names;
	/* The CA names of its CertificateRequest, as text (heap). */
	char			*ca_text;
	uint64_t		 ca_conn;
	uint64_t		 ca_frame;
	bool			 ca_varies;	/* two different lists seen */
};

#define KB_BUCKETS	4096

struct kb {
	struct kb_server	*bucket[KB_BUCKETS];
	struct kb_stats		 st;
};

struct kb *
kb_new(void)
{
	return xcalloc(1, sizeof(struct kb));
}

void
kb_free(struct kb *k)
{
	struct kb_server *s, *next;
	size_t b, i, j;

	if (k == NULL)
		return;
	for (b = 0; b < KB_BUCKETS; b++)
		for (s = k->bucket[b]; s != NULL; s = next) {
			next = s->next;
			for (i = 0; i < s->num_chains; i++)
				for (j = 0; j < s->chains[i].num; j++)
					x509_cert_unref(s->chains[i].certs[j]);
			free(s->ca_text);
			free(s);
		}
	free(k);
}

static size_t
bucket_of(uint8_t af, const uint8_t ip[16], uint16_t port)
{
	uint8_t key[19];

	key[0] = af;
	memcpy(key + 1, ip, 16);
	key[17] = (uint8_t)(port >> 8);
	key[18] = (uint8_t)port;
	return (size_t)(hash_bytes(key, sizeof(key)) % KB_BUCKETS);
}

static struct kb_server *
server_find(const struct kb *k, const struct tl_conn *c)
{
	struct kb_server *s;

	for (s = k->bucket[bucket_of(c->af, c->server_ip, c->server_port)];
	    s != NULL; s = s->next)
		if (s->af == c->af && s->port == c->server_port &&
		    memcmp(s->ip, c->server_ip, 16) == 0)
			return s;
	return NULL;
}

static struct kb_server *
server_get(struct kb *k, const struct tl_conn *c)
{
	struct kb_server *s = server_find(k, c);
	size_t b;

	if (s != NULL || k->st.servers >= LIMIT_KB_SERVERS)
		return s;
	b = bucket_of(c->af, c->server_ip, c->server_port);
	s = xcalloc(1, sizeof(*s));
	s->af = c->af;
	memcpy(s->ip, c->server_ip, 16);
	s->port = c->server_port;
	s->next = k->bucket[b];
	k->bucket[b] = s;
	k->st.servers++;
	return s;
}

/* same_chain: the same certificates, in the same order. */
static bool
same_chain(const struct kb_chain *kc, const struct tl_chain *ch)
{
	size_t i;

	if (kc->num != ch->num)
		return false;
	for (i = 0; i < ch->num; i++)
		if (memcmp(x509_cert_info(kc->certs[i])->sha256,
		    x509_cert_info(ch->certs[i])->sha256, 32) != 0)
			return false;
	return true;
}

/* chain_readable: every certificate the server sent was read. */
static bool
chain_readable(const struct tl_chain *ch)
{
	size_t i;

	if (!ch->present || ch->num == 0 || ch->num != ch->total)
		return false;
	for (i = 0; i < ch->num; i++)
		if (ch->certs[i] == NULL)
			return false;
	return true;
}

static bool
chain_decrypted(const struct tl_conn *c)
{
	const struct tl_event *e = tl_find(c, TL_EV_HANDSHAKE,
	    TLS_HS_CERTIFICATE, TL_S2C);

	return e != NULL && e->decrypted;
}

/* chain_index returns the index of |c|'s chain in |s|, adding it, or -1
 * when the server already has LIMIT_KB_CHAINS others. */
static int
chain_index(struct kb *k, struct kb_server *s, const struct tl_conn *c)
{
	const struct tl_chain *ch = &c->server_chain;
	struct kb_chain *kc;
	size_t i;

	for (i = 0; i < s->num_chains; i++)
		if (same_chain(&s->chains[i], ch)) {
			s->chains[i].seen++;
			return (int)i;
		}
	if (s->num_chains >= LIMIT_KB_CHAINS) {
		s->chains_full = true;
		k->st.full++;
		return -1;
	}
	kc = &s->chains[s->num_chains];
	for (i = 0; i < ch->num; i++)
		kc->certs[i] = x509_cert_ref(ch->certs[i]);
	kc->num = ch->num;
	kc->conn_id = c->id;
	kc->frame = ch->frame;
	kc->version = c->sh.version;
	kc->decrypted = chain_decrypted(c);
	kc->seen = 1;
	k->st.chains++;
	return (int)s->num_chains++;
}

static struct kb_name *
name_find(struct kb_server *s, const struct tl_conn *c)
{
	size_t i;

	for (i = 0; i < s->num_names; i++)
		if (s->names[i].has_sni == c->ch.has_sni &&
		    (!c->ch.has_sni || (s->names[i].sni_len ==
		    c->ch.sni.len && memcmp(s->names[i].sni, c->ch.sni.b,
		    c->ch.sni.len) == 0)))
			return &s->names[i];
	return NULL;
}

void
kb_learn(struct kb *k, const struct tl_conn *c)
{
	struct kb_server *s;
	struct kb_name *n;
	int ci;

	if (k == NULL || !chain_readable(&c->server_chain) ||
	    !c->ch.present || c->midstream)
		return;
	if ((s = server_get(k, c)) == NULL) {
		k->st.full++;
		return;
	}
	if ((ci = chain_index(k, s, c)) < 0)
		return;
	if ((n = name_find(s, c)) != NULL) {
		if (n->chain != ci)
			n->varies = true;
		return;
	}
	if (s->num_names >= LIMIT_KB_NAMES)
		return;
	n = &s->names[s->num_names++];
	n->has_sni = c->ch.has_sni;
	if (c->ch.has_sni) {
		memcpy(n->sni, c->ch.sni.b, c->ch.sni.len);
		n->sni_len = c->ch.sni.len;
	}
	n->chain = ci;
}

/* known_chain is |c|'s server chain as |k| knows it, or NULL. */
static struct kb_chain *
known_chain(const struct kb *k, const struct tl_conn *c)
{
	struct kb_server *s;
	size_t i;

	if (k == NULL || !chain_readable(&c->server_chain) ||
	    (s = server_find(k, c)) == NULL)
		return NULL;
	for (i = 0; i < s->num_chains; i++)
		if (same_chain(&s->chains[i], &c->server_chain))
			return &s->chains[i];
	return NULL;
}

/* sni_hash: the name |c| asked for, hashed (0: no SNI). */
static uint64_t
sni_hash(const struct tl_conn *c)
{
	if (!c->ch.has_sni)
		return 0;
	return hash_bytes(c->ch.sni.b, c->ch.sni.len) | 1;
}

static bool
same_client(const struct kb_user *u, const struct tl_conn *c)
{
	return u->af == c->af && memcmp(u->ip, c->client_ip, 16) == 0 &&
	    u->sni_hash == sni_hash(c);
}

void
kb_learn_use(struct kb *k, const struct tl_conn *c)
{
	struct kb_chain *kc;
	struct kb_user *u;
	size_t i;

	if (c->midstream || (kc = known_chain(k, c)) == NULL)
		return;
	for (i = 0; i < kc->num_users; i++)
		if (same_client(&kc->users[i], c))
			return;
	if (kc->num_users >= LIMIT_KB_USERS)
		return;
	u = &kc->users[kc->num_users++];
	u->af = c->af;
	memcpy(u->ip, c->client_ip, 16);
	u->sni_hash = sni_hash(c);
	u->conn_id = c->id;
}

uint64_t
kb_used_by(struct kb *k, const struct tl_conn *c)
{
	const struct kb_chain *kc = known_chain(k, c);
	size_t i;

	if (kc == NULL)
		return 0;
	for (i = 0; i < kc->num_users; i++)
		if (same_client(&kc->users[i], c) &&
		    kc->users[i].conn_id != c->id)
			return kc->users[i].conn_id;
	return 0;
}

/* ca_text renders a CertificateRequest's CA names as one line. */
static char *
ca_text(const struct tl_cert_request *r)
{
	struct sb b;
	size_t i;
	char *s;

	sb_init(&b);
	for (i = 0; i < r->num_ca; i++) {
		if (i > 0)
			sb_puts(&b, "; ");
		sb_puts(&b, r->ca_text[i]);
	}
	if (r->total_ca > r->num_ca)
		sb_printf(&b, "; and %zu more", r->total_ca - r->num_ca);
	if (r->total_ca == 0)
		sb_puts(&b, "any CA: the list was empty");
	s = xstrdup(b.s);
	sb_cleanup(&b);
	return s;
}

void
kb_learn_ca(struct kb *k, const struct tl_conn *c)
{
	struct kb_server *s;
	char *t;

	if (k == NULL || !tl_cr(c)->present || c->midstream ||
	    (s = server_get(k, c)) == NULL)
		return;
	t = ca_text(tl_cr(c));
	if (s->ca_text == NULL) {
		s->ca_text = t;
		s->ca_conn = c->id;
		s->ca_frame = tl_cr(c)->frame;
		return;
	}
	if (strcmp(s->ca_text, t) != 0)
		s->ca_varies = true;
	free(t);
}

const char *
kb_ca_names(struct kb *k, const struct tl_conn *c, uint64_t *conn_id,
    uint64_t *frame)
{
	struct kb_server *s;

	if (k == NULL || (s = server_find(k, c)) == NULL ||
	    s->ca_text == NULL || s->ca_varies)
		return NULL;
	*conn_id = s->ca_conn;
	*frame = s->ca_frame;
	return s->ca_text;
}

size_t
kb_tls13_cert_record_len(struct x509_cert *const *certs, size_t num,
    size_t tag_len)
{
	/* RFC 8446 4.4.2: context<0..255> (empty), then a 24-bit list of
	 * entries, each cert_data<1..2^24-1> and extensions<0..2^16-1>;
	 * the message header is 4 bytes, the record adds the inner content
	 * type byte and the AEAD tag (5.2). */
	size_t len = 4 + 1 + 3, i, d;

	for (i = 0; i < num; i++) {
		if ((d = x509_cert_der_len(certs[i])) == 0)
			return 0;
		len += 3 + d + 2;
	}
	return len + 1 + tag_len;
}

/* tag_len: the AEAD tag of a TLS 1.3 suite (RFC 8446 B.4). */
static size_t
tag_len(uint16_t suite)
{
	return suite == 0x1305 ? 8 : 16;	/* TLS_AES_128_CCM_8_SHA256 */
}

/*
 * server_records collects the lengths of the encrypted records the server
 * sent after its ServerHello and before the client's second flight: the
 * flight that holds the Certificate.
 */
static size_t
server_records(const struct tl_conn *c, const struct tl_event **out,
    size_t max)
{
	const struct tl_event *e;
	bool after_sh = false;
	size_t i, n = 0;

	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		if (e->type == TL_EV_HANDSHAKE && e->hs_type ==
		    TLS_HS_SERVER_HELLO)
			after_sh = true;
		else if (!after_sh)
			continue;
		else if (e->dir == TL_C2S && (e->type == TL_EV_ENCRYPTED ||
		    e->type == TL_EV_ALERT || e->type == TL_EV_HANDSHAKE ||
		    e->type == TL_EV_APPDATA))
			break;
		else if (e->dir == TL_S2C && e->type == TL_EV_ENCRYPTED &&
		    n < max)
			out[n++] = e;
	}
	return n;
}

/* by_length picks the one chain whose Certificate record is on the wire. */
static bool
by_length(struct kb_server *s, const struct tl_conn *c,
    struct kb_match *out)
{
	const struct tl_event *rec[16];
	size_t nrec, i, j, want, hits = 0;
	int pick = -1;

	nrec = server_records(c, rec, 16);
	for (i = 0; i < s->num_chains; i++) {
		want = kb_tls13_cert_record_len(s->chains[i].certs,
		    s->chains[i].num, tag_len(c->sh.suite));
		for (j = 0; j < nrec && want > 0; j++)
			if (rec[j]->len == want) {
				if (pick != (int)i)
					hits++;
				pick = (int)i;
				out->record_len = (uint32_t)want;
				out->record_frame = rec[j]->frame;
				break;
			}
	}
	if (hits != 1)
		return false;
	out->chain = &s->chains[pick];
	out->reason = KB_RECORD_LENGTH;
	return true;
}

void
kb_match(struct kb *k, const struct tl_conn *c, struct kb_match *out)
{
	struct kb_server *s;
	struct kb_name *n;
	const struct tl_event *rec[16];
	size_t i, nrec;

	memset(out, 0, sizeof(*out));
	if (k == NULL || !c->sh.present || !c->sh.tls13 ||
	    chain_readable(&c->server_chain) ||
	    (s = server_find(k, c)) == NULL || s->num_chains == 0)
		return;
	if (by_length(s, c, out)) {
		k->st.inferred++;
		return;
	}
	/*
	 * The server sends its flight in separate records (three or more),
	 * yet none has the length of a known chain: this connection got a
	 * chain not seen elsewhere (another name, a rotation, a stapled
	 * OCSP response). No inference.
	 */
	nrec = server_records(c, rec, 16);
	if (nrec >= 3)
		return;
	n = name_find(s, c);
	if (n != NULL && !n->varies) {
		out->chain = &s->chains[n->chain];
		out->reason = KB_SAME_NAME;
	} else if (n == NULL && s->num_names >= 2 && s->num_chains == 1 &&
	    !s->chains_full) {
		for (i = 0; i < s->num_names; i++)
			if (s->names[i].varies)
				return;
		out->chain = &s->chains[0];
		out->reason = KB_ANY_NAME;
		out->names = s->num_names;
	}
	if (out->chain != NULL)
		k->st.inferred++;
}

const char *
kb_reason_name(enum kb_reason r)
{
	switch (r) {
	case KB_RECORD_LENGTH:
		return "record_length";
	case KB_SAME_NAME:
		return "same_name";
	case KB_ANY_NAME:
		return "any_name";
	case KB_NONE:
		break;
	}
	return "none";
}

void
kb_stats(const struct kb *k, struct kb_stats *out)
{
	if (k == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = k->st;
}
