/* rd.h - bounded reader over borrowed bytes (the shape of BoringSSL's CBS). */
#ifndef TLSDIAG_RD_H
#define TLSDIAG_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Every parser in tlsdiag reads through a struct rd. It borrows bytes,
 * never owns them, and a failed read leaves it unchanged, so a caller
 * can try another interpretation of the same bytes.
 *
 * The primitives are inline: every packet header and every handshake
 * field goes through them, and a function call each cost more than the
 * read itself. The vector readers and the little-endian ones are in rd.c.
 */
struct rd {
	const uint8_t	*p;
	size_t		 len;
};

/* rd_u16le and rd_u32le read little-endian integers (pcap and BSD
 * loopback headers). */
bool		rd_u16le(struct rd *r, uint16_t *out);
bool		rd_u32le(struct rd *r, uint32_t *out);
/* rd_vec8/16/24 read a length prefix of that width and that many bytes
 * into |out| (a TLS opaque<..> vector). |out| borrows from |r|'s buffer. */
bool		rd_vec8(struct rd *r, struct rd *out);
bool		rd_vec16(struct rd *r, struct rd *out);
bool		rd_vec24(struct rd *r, struct rd *out);

/* rd_init points |r| at |len| bytes at |p|. It neither copies nor owns them. */
static inline void
rd_init(struct rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = p == NULL ? 0 : len;
}

/* rd_left returns how many bytes remain in |r|. */
static inline size_t
rd_left(const struct rd *r)
{
	return r->len;
}

/* rd_ptr returns the current position of |r| (valid for rd_left bytes). */
static inline const uint8_t *
rd_ptr(const struct rd *r)
{
	return r->p;
}

/*
 * On a little-endian machine with GCC's byte-swap builtins (GCC, Clang),
 * rd_u16 and rd_u32 load the field whole and swap it: a packet header or
 * a hello is read field by field, and the byte loop cost several times
 * more. Elsewhere, the loop.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define RD_BSWAP	1
#endif

/* rd_be reads an |n|-byte big-endian integer (1 <= n <= 4). */
static inline bool
rd_be(struct rd *r, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (r->len < n)
		return false;
	for (i = 0; i < n; i++)
		v = (v << 8) | r->p[i];
	r->p += n;
	r->len -= n;
	*out = v;
	return true;
}

/* rd_u8 .. rd_u32 read a big-endian integer into |*out| and advance |r|.
 * They return false, leaving |r| unchanged, if too few bytes remain. */
static inline bool
rd_u8(struct rd *r, uint8_t *out)
{
	uint32_t v;

	if (!rd_be(r, 1, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

static inline bool
rd_u16(struct rd *r, uint16_t *out)
{
#ifdef RD_BSWAP
	uint16_t v;

	if (r->len < 2)
		return false;
	memcpy(&v, r->p, 2);
	*out = __builtin_bswap16(v);
	r->p += 2;
	r->len -= 2;
	return true;
#else
	uint32_t v;

	if (!rd_be(r, 2, &v))
		return false;
	*out = (uint16_t)v;
	return true;
#endif
}

static inline bool
rd_u24(struct rd *r, uint32_t *out)
{
	return rd_be(r, 3, out);
}

static inline bool
rd_u32(struct rd *r, uint32_t *out)
{
#ifdef RD_BSWAP
	uint32_t v;

	if (r->len < 4)
		return false;
	memcpy(&v, r->p, 4);
	*out = __builtin_bswap32(v);
	r->p += 4;
	r->len -= 4;
	return true;
#else
	return rd_be(r, 4, out);
#endif
}

/* rd_skip advances |r| by |n| bytes, or returns false if fewer remain. */
static inline bool
rd_skip(struct rd *r, size_t n)
{
	if (r->len < n)
		return false;
	r->p += n;
	r->len -= n;
	return true;
}

/* rd_copy copies |n| bytes into |out| and advances |r|. */
static inline bool
rd_copy(struct rd *r, void *out, size_t n)
{
	if (r->len < n)
		return false;
	if (n > 0)
		memcpy(out, r->p, n);
	r->p += n;
	r->len -= n;
	return true;
}

/* rd_bytes makes |out| borrow the next |n| bytes of |r| and advances |r|. */
static inline bool
rd_bytes(struct rd *r, struct rd *out, size_t n)
{
	if (r->len < n)
		return false;
	out->p = r->p;
	out->len = n;
	r->p += n;
	r->len -= n;
	return true;
}

/* rd_peek_u8 reads the byte at |off| without advancing |r|. */
static inline bool
rd_peek_u8(const struct rd *r, size_t off, uint8_t *out)
{
	if (off >= r->len)
		return false;
	*out = r->p[off];
	return true;
}

/* rd_peek_u16 reads the big-endian uint16_t at |off| without advancing. */
static inline bool
rd_peek_u16(const struct rd *r, size_t off, uint16_t *out)
{
#ifdef RD_BSWAP
	uint16_t v;
#endif

	if (off >= r->len || r->len - off < 2)
		return false;
#ifdef RD_BSWAP
	memcpy(&v, r->p + off, 2);
	*out = __builtin_bswap16(v);
#else
	*out = (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
#endif
	return true;
}

#endif
