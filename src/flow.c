/* flow.c - the connection table: 5-tuple lookup, roles, TCP events, LRU. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "slab.h"
#include "util.h"

struct flow_table {
	struct flow	**bucket;
	size_t		  nbucket;	/* a power of two */
	size_t		  count;
	/* Two lists, least recently seen first: open flows, and reported
	 * ones (tombstones), which expire on a shorter clock. */
	struct flow	 *lru_head[2];	/* oldest; index: flow.reported */
	struct flow	 *lru_tail[2];	/* newest */
	struct slab	  slab;		/* the entries (slab.h) */
};

/*
 * key_hash mixes the key eight bytes at a time (multiply, xor-shift):
 * a few dozen instructions per packet where byte-wise FNV took hundreds,
 * and well spread in the low bits that pick the bucket, even when only
 * the last bytes of the addresses and the ports differ. flow_key_of
 * zeroes the key, so unused address bytes and padding hash alike; an
 * IPv4 key is hashed from its addresses and ports alone.
 */
static uint32_t
key_hash(const struct flow_key *k)
{
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0, w;
	uint32_t a, b;
	size_t i;

	if (k->af != 6) {
		/* IPv4: the rest of the key is zeroes; two rounds where the
		 * whole key takes five. */
		memcpy(&a, k->a, sizeof(a));
		memcpy(&b, k->b, sizeof(b));
		h = ((uint64_t)a << 32 | b) * m;
		h ^= h >> 31;
		h = (h ^ ((uint64_t)k->pa << 16 | k->pb)) * m;
		h ^= h >> 29;
		h *= m;
		return (uint32_t)(h >> 32);
	}
	for (i = 0; i + 8 <= sizeof(*k); i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h = (h ^ w) * m;
		h ^= h >> 31;
	}
	w = 0;
	memcpy(&w, p + i, sizeof(*k) - i);
	h = (h ^ w) * m;
	h ^= h >> 29;
	h *= m;
	return (uint32_t)(h >> 32);
}

uint32_t
flow_key_hash(const struct flow_key *k)
{
	return key_hash(k);
}

size_t
flow_entry_bytes(void)
{
	/* grow doubles the buckets when there are as many flows: at most
	 * two buckets a flow. */
	return slab_rounded(sizeof(struct flow)) + 2 * sizeof(struct flow *);
}

struct flow_table *
flow_table_new(size_t expect)
{
	struct flow_table *t;
	size_t n = 1024;

	while (n < expect && n < ((size_t)1 << 24))
		n <<= 1;
	t = xcalloc(1, sizeof(*t));
	slab_init(&t->slab, sizeof(struct flow));
	t->bucket = xcalloc(n, sizeof(*t->bucket));
	t->nbucket = n;
	return t;
}

void
flow_table_free(struct flow_table *t)
{
	struct flow *f, *next;
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < 2; i++)
		for (f = t->lru_head[i]; f != NULL; f = next) {
			next = f->lru_next;
			slab_free(&t->slab, f);
		}
	slab_destroy(&t->slab);
	free(t->bucket);
	free(t);
}

int
flow_key_of(struct flow_key *k, const struct segment *s)
{
	const uint8_t *lo = s->src, *hi = s->dst;
	uint16_t plo = s->sport, phi = s->dport;
	uint32_t x, y;
	int c;

	memset(k, 0, sizeof(*k));
	k->af = s->af;
	if (s->af != 6) {	/* memcmp's order: big-endian */
		x = (uint32_t)s->src[0] << 24 | (uint32_t)s->src[1] << 16 |
		    (uint32_t)s->src[2] << 8 | s->src[3];
		y = (uint32_t)s->dst[0] << 24 | (uint32_t)s->dst[1] << 16 |
		    (uint32_t)s->dst[2] << 8 | s->dst[3];
		c = x < y ? -1 : x > y;
	} else
		c = memcmp(s->src, s->dst, 16);
	if (c == 0)
		c = s->sport < s->dport ? -1 : (s->sport > s->dport);
	if (c > 0) {
		lo = s->dst;
		hi = s->src;
		plo = s->dport;
		phi = s->sport;
	}
	/* Sizes known here, so the copies are a move or two each. */
	if (s->af != 6) {
		memcpy(k->a, lo, 4);
		memcpy(k->b, hi, 4);
	} else {
		memcpy(k->a, lo, 16);
		memcpy(k->b, hi, 16);
	}
	k->pa = plo;
	k->pb = phi;
	return c > 0;
}

static uint64_t
fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* shard_hash is flow_key_shard_hash of the service endpoint |addr| (|af|'s
 * length) and |port|. */
static uint64_t
shard_hash(uint8_t af, const uint8_t *addr, uint16_t port)
{
	uint8_t p[2];
	uint64_t h = 14695981039346656037ULL;

	h = fnv1a(h, &af, 1);
	h = fnv1a(h, addr, af == 6 ? 16 : 4);
	p[0] = (uint8_t)(port >> 8);
	p[1] = (uint8_t)(port & 0xff);
	return fnv1a(h, p, 2);
}

uint64_t
flow_key_shard_hash(const struct flow_key *k)
{
	/* The service: the endpoint with the lower port (a on a tie). */
	if (k->pb < k->pa)
		return shard_hash(k->af, k->b, k->pb);
	return shard_hash(k->af, k->a, k->pa);
}

/* service_of points |*addr| at the service endpoint of |s| and returns its
 * port: the endpoint with the lower port, the lower address (key a, as
 * flow_key_of orders them) when both ports are equal. */
static uint16_t
service_of(const struct segment *s, const uint8_t **addr)
{
	if (s->sport != s->dport) {
		*addr = s->sport < s->dport ? s->src : s->dst;
		return s->sport < s->dport ? s->sport : s->dport;
	}
	*addr = memcmp(s->src, s->dst, s->af == 6 ? 16 : 4) <= 0 ?
	    s->src : s->dst;
	return s->sport;
}

uint64_t
flow_segment_shard_hash(const struct segment *s)
{
	const uint8_t *svc;
	uint16_t port = service_of(s, &svc);

	return shard_hash(s->af, svc, port);
}

uint32_t
flow_segment_route_hash(const struct segment *s)
{
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	const uint8_t *svc;
	uint64_t h = (uint64_t)service_of(s, &svc) << 8 | s->af;
	uint32_t w;
	size_t i, n = s->af == 6 ? 16 : 4;

	/* Big-endian words: the same buckets on every machine. */
	for (i = 0; i < n; i += 4) {
		memcpy(&w, svc + i, sizeof(w));
		h = (h ^ (uint64_t)ntohl(w) << 24) * m;
		h ^= h >> 29;
	}
	h *= m;
	return (uint32_t)(h >> 32);
}

void
flow_prefetch_bucket(const struct flow_table *t, uint32_t h)
{
	__builtin_prefetch(&t->bucket[h & (t->nbucket - 1)]);
}

void
flow_prefetch_entry(const struct flow_table *t, uint32_t h)
{
	const char *f = (const char *)t->bucket[h & (t->nbucket - 1)];
	size_t i;

	/* A prefetch never faults: the entry may go before it is read. */
	if (f != NULL)
		for (i = 0; i < sizeof(struct flow); i += 64)
			__builtin_prefetch(f + i);
}

void *
flow_prefetched_conn(const struct flow_table *t, uint32_t h)
{
	const struct flow *f = t->bucket[h & (t->nbucket - 1)];

	return f != NULL && f->hash == h ? f->conn : NULL;
}

struct flow *
flow_find(struct flow_table *t, const struct flow_key *k)
{
	uint32_t h = key_hash(k);
	struct flow *f;

	for (f = t->bucket[h & (t->nbucket - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && memcmp(&f->key, k, sizeof(*k)) == 0)
			return f;
	return NULL;
}

/* lru_unlink takes |f| off its list (open or reported). */
static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	int l = f->reported;

	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		t->lru_head[l] = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		t->lru_tail[l] = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

/* lru_append puts |f| last (newest) on its list. */
static void
lru_append(struct flow_table *t, struct flow *f)
{
	int l = f->reported;

	f->lru_prev = t->lru_tail[l];
	f->lru_next = NULL;
	if (t->lru_tail[l] != NULL)
		t->lru_tail[l]->lru_next = f;
	else
		t->lru_head[l] = f;
	t->lru_tail[l] = f;
}

static void
grow(struct flow_table *t)
{
	struct flow **nb, *f, *next;
	size_t n = t->nbucket * 2, i;

	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < t->nbucket; i++) {
		for (f = t->bucket[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = nb[f->hash & (n - 1)];
			nb[f->hash & (n - 1)] = f;
		}
	}
	free(t->bucket);
	t->bucket = nb;
	t->nbucket = n;
}

struct flow *
flow_insert(struct flow_table *t, const struct flow_key *k)
{
	struct flow *f;
	size_t b;

	if (t->count >= t->nbucket && t->nbucket < ((size_t)1 << 26))
		grow(t);
	f = slab_zalloc(&t->slab);
	f->key = *k;
	f->hash = key_hash(k);
	b = f->hash & (t->nbucket - 1);
	f->hnext = t->bucket[b];
	t->bucket[b] = f;
	lru_append(t, f);
	t->count++;
	return f;
}

void
flow_remove(struct flow_table *t, struct flow *f)
{
	struct flow **pp;

	for (pp = &t->bucket[f->hash & (t->nbucket - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	}
	lru_unlink(t, f);
	t->count--;
	slab_free(&t->slab, f);
}

void
flow_touch(struct flow_table *t, struct flow *f, int64_t now_us)
{
	f->last_us = now_us;
	if (t->lru_tail[f->reported] == f)
		return;
	lru_unlink(t, f);
	lru_append(t, f);
}

void
flow_set_reported(struct flow_table *t, struct flow *f, bool reported)
{
	if (f->reported == reported)
		return;
	lru_unlink(t, f);
	f->reported = reported;
	lru_append(t, f);
}

struct flow *
flow_oldest(const struct flow_table *t)
{
	return t->lru_head[0];
}

struct flow *
flow_oldest_reported(const struct flow_table *t)
{
	return t->lru_head[1];
}

size_t
flow_count(const struct flow_table *t)
{
	return t->count;
}

void
flow_set_client(struct flow *f, int kdir)
{
	f->tcp.have_client = true;
	f->tcp.client_is_a = kdir == 0;
}

void
flow_guess_client(struct flow *f)
{
	/* The lower port is usually the service (443, 8443, 25 ...). */
	flow_set_client(f, f->key.pa < f->key.pb ? 1 : 0);
}

unsigned
flow_tcp(struct flow *f, const struct segment *s, int kdir, int *dir)
{
	struct flow_tcp *st = &f->tcp;
	unsigned ev = 0;
	bool syn = (s->flags & TCP_SYN) != 0, ack = (s->flags & TCP_ACK) != 0;
	int d;

	if (syn && !ack) {
		if (!st->have_client)
			flow_set_client(f, kdir);
		d = (kdir == 0) == st->client_is_a ? 0 : 1;
		if (d == 0 && st->syn && s->seq != st->syn_seq &&
		    (st->fin[0] || st->fin[1] || st->rst[0] || st->rst[1] ||
		    st->synack)) {
			/* A new ISN on a tuple that was used: port reuse. */
			*dir = 0;
			return FLOW_EV_NEW_CONN;
		}
		if (d == 0 && !st->syn) {
			st->syn = true;
			st->syn_seq = s->seq;
			st->syn_count = 1;
			ev |= FLOW_EV_SYN;
		} else if (d == 0) {
			st->syn_count++;
			ev |= FLOW_EV_SYN_RETX;
		}
		*dir = d;
		return ev;
	}
	if (!st->have_client) {
		if (syn && ack)
			flow_set_client(f, kdir == 0 ? 1 : 0);
		else
			flow_guess_client(f);
	}
	d = (kdir == 0) == st->client_is_a ? 0 : 1;
	*dir = d;
	if (syn && ack && d == 1) {
		if (!st->synack) {
			st->synack = true;
			st->synack_seq = s->seq;
			st->synack_count = 1;
			ev |= FLOW_EV_SYNACK;
		} else {
			st->synack_count++;
			ev |= FLOW_EV_SYNACK_RETX;
		}
	}
	if ((s->flags & TCP_FIN) != 0 && !st->fin[d]) {
		st->fin[d] = true;
		ev |= FLOW_EV_FIN;
	}
	if ((s->flags & TCP_RST) != 0 && !st->rst[d]) {
		st->rst[d] = true;
		ev |= FLOW_EV_RST;
	}
	return ev;
}
