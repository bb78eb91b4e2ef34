/* slab.c - fixed-size objects in large blocks, backed by huge pages. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "slab.h"
#include "util.h"

/* The huge page size of x86-64 and arm64 (4 KiB base pages): a block is
 * a multiple of it, and so is its alignment, or the kernel could back
 * none of it. */
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

/* At the start of each block. */
struct slab_block {
	struct slab_block	*prev;		/* on the slab's room or full list */
	struct slab_block	*next;
	void			*free_list;	/* through each object's first word */
	size_t			 used;		/* objects handed out, not freed */
	size_t			 fresh;		/* never handed out, at its end */
};

/* The block header's room, a whole number of cache lines. */
#define HEADER_BYTES	((sizeof(struct slab_block) + 63) & ~(size_t)63)

size_t
slab_rounded(size_t size)
{
	if (size < sizeof(void *))
		size = sizeof(void *);	/* the free list's link */
	/* Objects of a cache line or more start on one. */
	return size >= 64 ? (size + 63) & ~(size_t)63 :
	    (size + 15) & ~(size_t)15;
}

void
slab_init(struct slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = slab_rounded(size);
	if (s->size > SLAB_BLOCK / 4)
		abort();	/* a caller's mistake, not the input's */
	s->per_block = (SLAB_BLOCK - HEADER_BYTES) / s->size;
}

size_t
slab_object_bytes(const struct slab *s)
{
	return s->size;
}

#ifdef TLSDIAG_PLAIN_ALLOC

void *
slab_zalloc(struct slab *s)
{
	return xcalloc(1, s->size);
}

void
slab_free(struct slab *s, void *p)
{
	(void)s;
	free(p);
}

void
slab_destroy(struct slab *s)
{
	(void)s;
}

#else

static void
list_remove(struct slab_block **head, struct slab_block *b)
{
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		*head = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	b->prev = b->next = NULL;
}

static void
list_push(struct slab_block **head, struct slab_block *b)
{
	b->prev = NULL;
	b->next = *head;
	if (*head != NULL)
		(*head)->prev = b;
	*head = b;
}

/* new_block maps a block at a multiple of SLAB_BLOCK: a mapping twice as
 * large, whose head and tail it trims. */
static struct slab_block *
new_block(struct slab *s)
{
	struct slab_block *b;
	uint8_t *map, *at;
	size_t len = 2 * (size_t)SLAB_BLOCK, head;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		oom();
	head = (SLAB_BLOCK - (uintptr_t)map % SLAB_BLOCK) % SLAB_BLOCK;
	at = map + head;
	if (head > 0)
		(void)munmap(map, head);
	(void)munmap(at + SLAB_BLOCK, len - head - SLAB_BLOCK);
	/* Advice only: without THP the block is 4 KiB pages. */
	(void)madvise(at, SLAB_BLOCK, MADV_HUGEPAGE);
	b = (struct slab_block *)(void *)at;
	b->fresh = s->per_block;
	s->nblocks++;
	s->nempty++;
	return b;
}

void *
slab_zalloc(struct slab *s)
{
	struct slab_block *b = s->room;
	uint8_t *p;

	if (b == NULL) {
		b = new_block(s);
		list_push(&s->room, b);
	}
	if (b->free_list != NULL) {
		p = b->free_list;
		memcpy(&b->free_list, p, sizeof(void *));
		memset(p, 0, s->size);
	} else {
		/* Never used: still the zeroes of the mapping. */
		p = (uint8_t *)b + HEADER_BYTES +
		    (s->per_block - b->fresh) * s->size;
		b->fresh--;
	}
	if (b->used++ == 0)
		s->nempty--;
	if (b->free_list == NULL && b->fresh == 0) {
		list_remove(&s->room, b);
		list_push(&s->full, b);
	}
	return p;
}

void
slab_free(struct slab *s, void *p)
{
	struct slab_block *b;

	if (p == NULL)
		return;
	b = (struct slab_block *)(void *)((uintptr_t)p &
	    ~((uintptr_t)SLAB_BLOCK - 1));
	if (b->free_list == NULL && b->fresh == 0) {
		list_remove(&s->full, b);
		list_push(&s->room, b);
	}
	memcpy(p, &b->free_list, sizeof(void *));
	b->free_list = p;
	if (--b->used > 0)
		return;
	/* Wholly free: given back, unless it is the one kept. */
	if (s->nempty == 0) {
		s->nempty++;
		return;
	}
	list_remove(&s->room, b);
	(void)munmap(b, SLAB_BLOCK);
	s->nblocks--;
	s->unmapped++;
}

static void
unmap_list(struct slab_block *b)
{
	struct slab_block *next;

	for (; b != NULL; b = next) {
		next = b->next;
		(void)munmap(b, SLAB_BLOCK);
	}
}

void
slab_destroy(struct slab *s)
{
	unmap_list(s->room);
	unmap_list(s->full);
	s->room = s->full = NULL;
	s->nblocks = 0;
	s->nempty = 0;
}

#endif
