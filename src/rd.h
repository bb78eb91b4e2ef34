/* rd.h - bounded reader over borrowed bytes (the shape of BoringSSL's CBS). */
#ifndef TLSDIAG_RD_H
#define TLSDIAG_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every parser in tlsdiag reads through a struct rd. It borrows bytes,
 * never owns them, and a failed read leaves it unchanged, so a caller
 * can try another interpretation of the same bytes.
 */
struct rd {
	const uint8_t	*p;
	size_t		 len;
};

/* rd_init points |r| at |len| bytes at |p|. It neither copies nor owns them. */
void		rd_init(struct rd *r, const uint8_t *p, size_t len);
/* rd_left returns how many bytes remain in |r|. */
size_t		rd_left(const struct rd *r);
/* rd_ptr returns the current position of |r| (valid for rd_left bytes). */
const uint8_t	*rd_ptr(const struct rd *r);
/* rd_u8 .. rd_u32 read a big-endian integer into |*out| and advance |r|.
 * They return false, leaving |r| unchanged, if too few bytes remain. */
bool		rd_u8(struct rd *r, uint8_t *out);
bool		rd_u16(struct rd *r, uint16_t *out);
bool		rd_u24(struct rd *r, uint32_t *out);
bool		rd_u32(struct rd *r, uint32_t *out);
/* rd_u16le and rd_u32le read little-endian integers (pcap and BSD
 * loopback headers). */
bool		rd_u16le(struct rd *r, uint16_t *out);
bool		rd_u32le(struct rd *r, uint32_t *out);
/* rd_skip advances |r| by |n| bytes, or returns false if fewer remain. */
bool		rd_skip(struct rd *r, size_t n);
/* rd_copy copies |n| bytes into |out| and advances |r|. */
bool		rd_copy(struct rd *r, void *out, size_t n);
/* rd_bytes makes |out| borrow the next |n| bytes of |r| and advances |r|. */
bool		rd_bytes(struct rd *r, struct rd *out, size_t n);
/* rd_vec8/16/24 read a length prefix of that width and that many bytes
 * into |out| (a TLS opaque<..> vector). |out| borrows from |r|'s buffer. */
bool		rd_vec8(struct rd *r, struct rd *out);
bool		rd_vec16(struct rd *r, struct rd *out);
bool		rd_vec24(struct rd *r, struct rd *out);
/* rd_peek_u8 reads the byte at |off| without advancing |r|. */
bool		rd_peek_u8(const struct rd *r, size_t off, uint8_t *out);
/* rd_peek_u16 reads the big-endian uint16_t at |off| without advancing. */
bool		rd_peek_u16(const struct rd *r, size_t off, uint16_t *out);

#endif
