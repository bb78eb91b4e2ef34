/* slab.h - fixed-size objects in large blocks, backed by huge pages. */
#ifndef TLSDIAG_SLAB_H
#define TLSDIAG_SLAB_H

#include <stddef.h>

/*
 * A slab hands out objects of one size from blocks of SLAB_BLOCK bytes
 * that the kernel is asked to back with transparent huge pages
 * (madvise(MADV_HUGEPAGE)). With hundreds of thousands of connections
 * open, each packet touches a connection no other packet touched for a
 * while: with 4 KiB pages nearly every such touch also misses the TLB,
 * and each fresh page is a page fault (bench/RESULTS.md: a third of the
 * time on the benchmark's 200,000-open capture).
 *
 * Each block counts its objects in use. A block whose last object is
 * freed is unmapped, so that a spike of connections does not keep its
 * memory for the rest of a live capture; one wholly free block is kept,
 * so that a slab hovering at a block's edge does not map and unmap it
 * again and again. A slab is one thread's.
 *
 * The sanitizer and fuzz builds (TLSDIAG_PLAIN_ALLOC) use calloc and free
 * instead, so that AddressSanitizer sees every object's bounds and life.
 */
struct slab_block;

struct slab {
	size_t			 size;		/* of an object, rounded */
	size_t			 per_block;
	struct slab_block	*room;		/* blocks with a free object,
						 * doubly linked */
	struct slab_block	*full;		/* the others, doubly linked */
	size_t			 nblocks;
	size_t			 nempty;	/* blocks with none in use */
	size_t			 unmapped;	/* blocks given back so far */
};

/* A block's size, and its alignment: slab_free finds an object's block
 * by rounding its address down. */
#define SLAB_BLOCK	(4 * 1024 * 1024)

/* slab_init makes |s| a slab of objects of |size| bytes (at most a
 * quarter of SLAB_BLOCK). */
void	slab_init(struct slab *s, size_t size);
/* slab_zalloc returns a zeroed object; out of memory, it exits with a
 * message, as xcalloc does. */
void	*slab_zalloc(struct slab *s);
/* slab_free gives back |p| (from slab_zalloc on |s|; NULL: nothing). */
void	slab_free(struct slab *s, void *p);
/* slab_destroy releases every block of |s|: its objects are gone. The
 * caller must have given back each object with slab_free first: in the
 * plain build each object is its own calloc, which slab_destroy does not
 * know of. */
void	slab_destroy(struct slab *s);
/* slab_object_bytes is what one object of |s| takes. */
size_t	slab_object_bytes(const struct slab *s);
/* slab_rounded is what an object of |size| bytes takes in any slab:
 * slab_object_bytes of a slab made with slab_init(s, size). */
size_t	slab_rounded(size_t size);

#endif
