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
 * mapped at a multiple of it, or the kernel could back none of it. */
#define HUGE_PAGE	((size_t)2 * 1024 * 1024)

/* At the start of each block. */
struct slab_block {
	struct slab_block	*next;
	void			*map;		/* what munmap takes (SLAB_BLOCK
						 * bytes) */
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

/* new_block maps a block at a multiple of HUGE_PAGE: a larger mapping,
 * whose head and tail it trims. */
static struct slab_block *
new_block(void)
{
	struct slab_block *b;
	uint8_t *map, *at;
	size_t len = SLAB_BLOCK + HUGE_PAGE, head;

	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		oom();
	head = (HUGE_PAGE - (uintptr_t)map % HUGE_PAGE) % HUGE_PAGE;
	at = map + head;
	if (head > 0)
		(void)munmap(map, head);
	if (len - head > SLAB_BLOCK)
		(void)munmap(at + SLAB_BLOCK, len - head - SLAB_BLOCK);
	/* Advice only: without THP the block is 4 KiB pages. */
	(void)madvise(at, SLAB_BLOCK, MADV_HUGEPAGE);
	b = (struct slab_block *)(void *)at;
	b->map = at;
	return b;
}

void *
slab_zalloc(struct slab *s)
{
	struct slab_block *b;
	uint8_t *p;

	if (s->free_list != NULL) {
		p = s->free_list;
		memcpy(&s->free_list, p, sizeof(void *));
		memset(p, 0, s->size);
		return p;
	}
	if (s->left == 0) {
		b = new_block();
		b->next = s->blocks;
		s->blocks = b;
		s->nblocks++;
		s->left = s->per_block;
	}
	/* Never used: still the zeroes of the mapping. */
	p = (uint8_t *)s->blocks + HEADER_BYTES +
	    (s->per_block - s->left) * s->size;
	s->left--;
	return p;
}

void
slab_free(struct slab *s, void *p)
{
	if (p == NULL)
		return;
	memcpy(p, &s->free_list, sizeof(void *));
	s->free_list = p;
}

void
slab_destroy(struct slab *s)
{
	struct slab_block *b, *next;

	for (b = s->blocks; b != NULL; b = next) {
		next = b->next;
		(void)munmap(b->map, SLAB_BLOCK);
	}
	s->blocks = NULL;
	s->nblocks = 0;
	s->left = 0;
	s->free_list = NULL;
}

#endif
