/* x509_cache.c - the parse cache of certificates (by DER), the memo of
 * CA name texts and the memo of chain checks. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "limits.h"
#include "util.h"
#include "x509.h"
#include "x509_int.h"

#define NAME_MEMO_SLOTS	64

struct x509_cache {
	struct x509_cert	**bucket;
	size_t			 num_buckets;	/* a power of two */
	size_t			 count;
	size_t			 max_entries;
	size_t			 next_sweep;	/* 0: sweep when over max */
	uint64_t		 clock;
	struct x509_cache_stats	 stats;
	/* Text of recently seen CertificateRequest CA names, by DER. */
	struct name_memo {
		uint64_t	 hash;
		uint8_t		*der;
		size_t		 der_len;
		char		*text;
		bool		 ok;
	}			 names[NAME_MEMO_SLOTS];
};

/* ---- cache ---- */

struct x509_cache *
x509_cache_new(size_t max_entries)
{
	struct x509_cache *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->num_buckets = 64;
	c->bucket = calloc(c->num_buckets, sizeof(*c->bucket));
	if (c->bucket == NULL) {
		free(c);
		return NULL;
	}
	c->max_entries = max_entries;
	return c;
}

struct x509_cert *
x509_cert_ref(struct x509_cert *x)
{
	if (x != NULL)
		x->refs++;
	return x;
}

size_t
x509_cert_der_len(const struct x509_cert *x)
{
	int n;

	if (x == NULL)
		return 0;
	if (x->der != NULL)
		return x->der_len;
	n = i2d_X509(x->x, NULL);
	return n > 0 ? (size_t)n : 0;
}

void
x509_cert_unref(struct x509_cert *x)
{
	if (x == NULL || x->refs == 0)
		return;
	if (--x->refs > 0)
		return;
	X509_free(x->x);
	free(x->der);
	free(x);
}

/* x509_cache_free drops the cache's own references; certificates still
 * referenced by callers live until their last x509_cert_unref. */
void
x509_cache_free(struct x509_cache *c)
{
	struct x509_cert *xc, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->num_buckets; i++)
		for (xc = c->bucket[i]; xc != NULL; xc = next) {
			next = xc->next;
			xc->next = NULL;
			xc->in_cache = false;
			x509_cert_unref(xc);
		}
	for (i = 0; i < NAME_MEMO_SLOTS; i++) {
		free(c->names[i].der);
		free(c->names[i].text);
	}
	free(c->bucket);
	free(c);
}

/*
 * der_hash is the cache's key of a certificate: its length and its last
 * DER_HASH_TAIL bytes, which lie in its signature and so differ from one
 * certificate to the next; hashing the whole DER cost more than the rest
 * of the lookup. Certificates that share a tail only share a bucket: a
 * hit is still a comparison of the whole DER.
 */
#define DER_HASH_TAIL	64

static uint64_t
der_hash(const uint8_t *der, size_t der_len)
{
	size_t n = der_len < DER_HASH_TAIL ? der_len : DER_HASH_TAIL;

	return hash_bytes(der + der_len - n, n) ^ der_len;
}

/* bucket_of maps a DER hash into |c|'s table. */
static size_t
bucket_of(const struct x509_cache *c, uint64_t h)
{
	return (size_t)(h & (c->num_buckets - 1));
}

/* cache_grow doubles the table; on allocation failure chains get longer. */
static void
cache_grow(struct x509_cache *c)
{
	struct x509_cert **old = c->bucket, *xc, *next;
	size_t i, old_num = c->num_buckets, b;

	if (old_num > SIZE_MAX / 2 / sizeof(*old))
		return;
	c->bucket = calloc(old_num * 2, sizeof(*c->bucket));
	if (c->bucket == NULL) {
		c->bucket = old;
		return;
	}
	c->num_buckets = old_num * 2;
	for (i = 0; i < old_num; i++)
		for (xc = old[i]; xc != NULL; xc = next) {
			next = xc->next;
			b = bucket_of(c, xc->der_hash);
			xc->next = c->bucket[b];
			c->bucket[b] = xc;
		}
	free(old);
}

/* cache_remove unlinks |xc| and drops the cache's reference to it. */
static void
cache_remove(struct x509_cache *c, struct x509_cert *xc)
{
	struct x509_cert **pp;

	for (pp = &c->bucket[bucket_of(c, xc->der_hash)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == xc) {
			*pp = xc->next;
			xc->next = NULL;
			xc->in_cache = false;
			c->count--;
			c->stats.evicted++;
			x509_cert_unref(xc);
			return;
		}
}

static int
cmp_last_use(const void *a, const void *b)
{
	const struct x509_cert *const *x = a, *const *y = b;

	if ((*x)->last_use < (*y)->last_use)
		return -1;
	return (*x)->last_use > (*y)->last_use;
}

/*
 * cache_sweep evicts the least recently used unreferenced entries until
 * a quarter of |max_entries| is free again. When callers hold too many
 * for that, the next sweep waits for another quarter of inserts, so the
 * cost of sweeping stays constant per insert.
 */
static void
cache_sweep(struct x509_cache *c)
{
	struct x509_cert **v, *xc;
	size_t i, k, nv = 0, low;

	low = c->max_entries - c->max_entries / 4;
	v = calloc(c->count, sizeof(*v));
	if (v != NULL) {
		for (i = 0; i < c->num_buckets; i++)
			for (xc = c->bucket[i]; xc != NULL; xc = xc->next)
				if (xc->refs == 1 && nv < c->count)
					v[nv++] = xc;
		qsort(v, nv, sizeof(*v), cmp_last_use);
		for (k = 0; k < nv && c->count > low; k++)
			cache_remove(c, v[k]);
		free(v);
	}
	c->next_sweep = c->count > low ? c->count + 1 + c->max_entries / 4 :
	    0;
}

/*
 * x509_cache_get: the cache keeps one reference to every entry; an
 * entry only the cache references is "unreferenced" and may be evicted.
 */
struct x509_cert *
x509_cache_get(struct x509_cache *c, const uint8_t *der, size_t der_len)
{
	uint8_t sha[SHA256_LEN];
	unsigned int sha_len = 0;
	struct x509_cert *xc;
	uint64_t h;
	size_t b;

	if (der == NULL || der_len == 0 || der_len > LIMIT_CERT_BYTES)
		goto reject;
	h = der_hash(der, der_len);
	if (c != NULL) {
		b = bucket_of(c, h);
		for (xc = c->bucket[b]; xc != NULL; xc = xc->next)
			if (xc->der_hash == h && xc->der_len == der_len &&
			    memcmp(xc->der, der, der_len) == 0) {
				xc->refs++;
				xc->last_use = ++c->clock;
				c->stats.hits++;
				return xc;
			}
	}
	if (EVP_Digest(der, der_len, sha, &sha_len, EVP_sha256(), NULL) !=
	    1 || sha_len != SHA256_LEN) {
		ERR_clear_error();
		goto reject;
	}
	if (c == NULL)
		return x509_cert_parse(der, der_len, sha);
	xc = x509_cert_parse(der, der_len, sha);
	if (xc == NULL)
		goto reject;
	xc->der = malloc(der_len);
	if (xc->der == NULL) {
		/* Not cached, but still a good answer. */
		c->stats.parsed++;
		return xc;
	}
	memcpy(xc->der, der, der_len);
	xc->der_len = der_len;
	xc->der_hash = h;
	b = bucket_of(c, h);
	c->stats.parsed++;
	xc->refs++;
	xc->in_cache = true;
	xc->last_use = ++c->clock;
	xc->next = c->bucket[b];
	c->bucket[b] = xc;
	c->count++;
	if (c->count > c->num_buckets)
		cache_grow(c);
	if (c->count > c->max_entries && c->count >= c->next_sweep)
		cache_sweep(c);
	return xc;

reject:
	if (c != NULL)
		c->stats.rejected++;
	return NULL;
}

void
x509_cache_stats(const struct x509_cache *c, struct x509_cache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return;
	*out = c->stats;
	out->entries = c->count;
}

bool
x509_cache_name_text(struct x509_cache *c, char *out, size_t out_len,
    const uint8_t *der, size_t der_len)
{
	struct name_memo *m;
	char full[LIMIT_DN_TEXT];
	size_t tlen;
	uint64_t h;
	bool ok;

	if (c == NULL || out == NULL || out_len < sizeof(full) || der == NULL)
		return x509_name_to_text(out, out_len, der, der_len);
	h = hash_bytes(der, der_len);
	m = &c->names[h % NAME_MEMO_SLOTS];
	if (m->text != NULL && m->hash == h && m->der_len == der_len &&
	    (der_len == 0 || memcmp(m->der, der, der_len) == 0)) {
		memcpy(out, m->text, strlen(m->text) + 1);
		return m->ok;
	}
	ok = x509_name_to_text(full, sizeof(full), der, der_len);
	tlen = strlen(full);
	memcpy(out, full, tlen + 1);
	free(m->der);
	free(m->text);
	m->der = malloc(der_len > 0 ? der_len : 1);
	m->text = malloc(tlen + 1);
	if (m->der == NULL || m->text == NULL) {
		free(m->der);
		free(m->text);
		m->der = NULL;
		m->text = NULL;
		return ok;
	}
	if (der_len > 0)
		memcpy(m->der, der, der_len);
	memcpy(m->text, full, tlen + 1);
	m->der_len = der_len;
	m->hash = h;
	m->ok = ok;
	return ok;
}

/* ---- memo of chain checks ---- */

/*
 * A busy server sends the same chain to every client, and the checks of
 * a chain (names of the CAs asked for, sentences, signatures) cost far
 * more than the rest of a handshake. The memo keeps the findings of the
 * last checks by their exact inputs: the chain's certificates (SHA-256),
 * the role, the SNI, the capture second, the CA names and the trust
 * store. A hit is always what x509_check_chain would return.
 */
#define CHECK_MEMO_SLOTS	64

struct check_memo_slot {
	uint64_t		 hash;
	/* The trust store checked against, held (up_ref) for as long as
	 * its address is in |key|: no other store can have that address
	 * meanwhile, even after x509_store_free. */
	X509_STORE		*store;
	uint8_t			*key;
	size_t			 key_len;
	struct x509_finding	*out;
	size_t			 n_out;
};

struct x509_check_memo {
	struct check_memo_slot	 slot[CHECK_MEMO_SLOTS];
	struct x509_check_memo_stats st;
};

struct x509_check_memo *
x509_check_memo_new(void)
{
	return calloc(1, sizeof(struct x509_check_memo));
}

void
x509_check_memo_free(struct x509_check_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < CHECK_MEMO_SLOTS; i++) {
		free(m->slot[i].key);
		free(m->slot[i].out);
		X509_STORE_free(m->slot[i].store);
	}
	free(m);
}

void
x509_check_memo_stats(const struct x509_check_memo *m,
    struct x509_check_memo_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (m != NULL)
		*out = m->st;
}

static void
key_put(uint8_t *key, size_t *len, const void *p, size_t n)
{
	if (n == 0)
		return;		/* |p| may be NULL */
	memcpy(key + *len, p, n);
	*len += n;
}

/* check_key serialises the inputs of a check into a new buffer; NULL
 * when the chain has an unparseable entry (not memoised). */
static uint8_t *
check_key(struct x509_cert *const *chain, size_t n, size_t max_out,
    const struct x509_check_params *p, size_t *key_len)
{
	size_t i, len = 0, cap;
	uint8_t *key;
	uint64_t v;
	uint64_t store = p->store != NULL ? (uint64_t)(uintptr_t)p->store->st :
	    0;

	cap = 64 + n * SHA256_LEN + p->sni_len;
	if (p->role == X509_ROLE_CLIENT)
		for (i = 0; i < p->num_ca_names; i++)
			cap += 8 + p->ca_name_lens[i];
	for (i = 0; i < n; i++)
		if (chain[i] == NULL)
			return NULL;
	key = malloc(cap);
	if (key == NULL)
		return NULL;
	v = (uint64_t)p->role;
	key_put(key, &len, &v, sizeof(v));
	v = n;
	key_put(key, &len, &v, sizeof(v));
	v = max_out;
	key_put(key, &len, &v, sizeof(v));
	v = (uint64_t)p->at;
	key_put(key, &len, &v, sizeof(v));
	key_put(key, &len, &store, sizeof(store));
	for (i = 0; i < n; i++)
		key_put(key, &len, chain[i]->info.sha256, SHA256_LEN);
	v = p->sni != NULL ? p->sni_len : (uint64_t)-1;
	key_put(key, &len, &v, sizeof(v));
	if (p->sni != NULL)
		key_put(key, &len, p->sni, p->sni_len);
	if (p->role == X509_ROLE_CLIENT) {
		v = p->ca_names_present ? p->num_ca_names : (uint64_t)-1;
		key_put(key, &len, &v, sizeof(v));
		for (i = 0; p->ca_names_present && i < p->num_ca_names; i++) {
			v = p->ca_name_lens[i];
			key_put(key, &len, &v, sizeof(v));
			key_put(key, &len, p->ca_names[i], p->ca_name_lens[i]);
		}
	}
	*key_len = len;
	return key;
}

size_t
x509_check_chain_memo(struct x509_check_memo *m, struct x509_finding *out,
    size_t max_out, struct x509_cert *const *chain, size_t n,
    const struct x509_check_params *p)
{
	struct check_memo_slot *sl;
	uint8_t *key;
	size_t key_len = 0, written;
	uint64_t h;

	if (m == NULL || out == NULL || max_out == 0 || chain == NULL ||
	    n == 0 || p == NULL ||
	    (key = check_key(chain, n, max_out, p, &key_len)) == NULL)
		return x509_check_chain(out, max_out, chain, n, p);
	h = hash_bytes(key, key_len);
	sl = &m->slot[h % CHECK_MEMO_SLOTS];
	if (sl->key != NULL && sl->hash == h && sl->key_len == key_len &&
	    memcmp(sl->key, key, key_len) == 0) {
		free(key);
		if (sl->n_out > 0)
			memcpy(out, sl->out, sl->n_out * sizeof(*out));
		m->st.hits++;
		return sl->n_out;
	}
	written = x509_check_chain(out, max_out, chain, n, p);
	m->st.misses++;
	free(sl->key);
	free(sl->out);
	X509_STORE_free(sl->store);
	memset(sl, 0, sizeof(*sl));
	if (p->store != NULL && X509_STORE_up_ref(p->store->st) != 1) {
		/* Not held: its address must not be a key. */
		free(key);
		return written;
	}
	sl->store = p->store != NULL ? p->store->st : NULL;
	sl->key = key;
	sl->key_len = key_len;
	sl->hash = h;
	sl->n_out = written;
	sl->out = written > 0 ? malloc(written * sizeof(*out)) : NULL;
	if (written > 0 && sl->out == NULL) {
		free(sl->key);
		sl->key = NULL;
		return written;
	}
	if (written > 0)
		memcpy(sl->out, out, written * sizeof(*out));
	return written;
}
