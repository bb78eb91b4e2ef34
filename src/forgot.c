/* forgot.c - connections reported idle and forgotten, remembered by their addresses for their late packets. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "forgot.h"
#include "limits.h"
#include "util.h"

/* The entries are a ring in the order they were added (so the oldest go
 * first), indexed by a hash of their keys with chains through the ring:
 * |bucket| and |next| hold a place in the ring plus one. */
struct forgot {
	struct forgot_entry *e;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 head;		/* the oldest */
	size_t		 n;
	uint32_t	*bucket;	/* 2 * cap of them */
};

#define FORGOT_FIRST	64

/* bucket_of is the bucket of |k|: flow.c's hash. */
static size_t
bucket_of(const struct forgot *g, const struct flow_key *k)
{
	return (size_t)flow_key_hash(k) & (2 * g->cap - 1);
}

struct forgot *
forgot_new(void)
{
	return xcalloc(1, sizeof(struct forgot));
}

void
forgot_free(struct forgot *g)
{
	if (g == NULL)
		return;
	free(g->e);
	free(g->bucket);
	free(g);
}

size_t
forgot_count(const struct forgot *g)
{
	return g->n;
}

/* link puts the entry at ring place |i| at the head of its chain. */
static void
link_entry(struct forgot *g, size_t i)
{
	size_t b = bucket_of(g, &g->e[i].key);

	g->e[i].next = g->bucket[b];
	g->bucket[b] = (uint32_t)(i + 1);
}

/* grow doubles the ring (or makes the first), its entries from place 0
 * in their order, and rebuilds the chains. */
static void
grow(struct forgot *g)
{
	size_t cap = g->cap != 0 ? g->cap * 2 : FORGOT_FIRST, i;
	struct forgot_entry *e = xcalloc(cap, sizeof(*e));

	for (i = 0; i < g->n; i++)
		e[i] = g->e[(g->head + i) & (g->cap - 1)];
	free(g->e);
	free(g->bucket);
	g->e = e;
	g->cap = cap;
	g->head = 0;
	g->bucket = xcalloc(2 * cap, sizeof(*g->bucket));
	for (i = 0; i < g->n; i++)
		link_entry(g, i);
}

/* drop_oldest removes the oldest entry from the ring and its chain. */
static void
drop_oldest(struct forgot *g)
{
	size_t h = g->head;
	uint32_t *p = &g->bucket[bucket_of(g, &g->e[h].key)];

	while (*p != 0 && *p != h + 1)
		p = &g->e[*p - 1].next;
	if (*p != 0)
		*p = g->e[h].next;
	g->head = (h + 1) & (g->cap - 1);
	g->n--;
}

/* age drops the entries forgotten longer ago than the limit. */
static void
age(struct forgot *g, int64_t now_us)
{
	while (g->n > 0 && now_us - g->e[g->head].added_us >
	    LIMIT_FORGOTTEN_SECONDS * 1000000LL)
		drop_oldest(g);
}

void
forgot_add(struct forgot *g, const struct forgot_entry *e, int64_t now_us)
{
	size_t i;

	age(g, now_us);
	if (g->n == LIMIT_FORGOTTEN)
		drop_oldest(g);
	if (g->n == g->cap)
		grow(g);
	i = (g->head + g->n) & (g->cap - 1);
	g->e[i] = *e;
	g->e[i].added_us = now_us;
	g->n++;
	link_entry(g, i);
}

bool
forgot_take(struct forgot *g, const struct flow_key *k, int64_t now_us,
    struct forgot_entry *e)
{
	uint32_t p;

	if (g->n == 0)
		return false;
	age(g, now_us);
	if (g->n == 0)
		return false;
	for (p = g->bucket[bucket_of(g, k)]; p != 0; p = g->e[p - 1].next) {
		if (g->e[p - 1].conn_id == 0 || memcmp(&g->e[p - 1].key, k, sizeof(*k)) != 0)
			continue;
		*e = g->e[p - 1];
		g->e[p - 1].conn_id = 0;
		return true;
	}
	return false;
}
