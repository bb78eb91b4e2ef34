/* util.h - allocation that exits on exhaustion, growable buffers, escaping. */
#ifndef TLSDIAG_UTIL_H
#define TLSDIAG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* xcalloc, xreallocarray and xstrdup exit with a message on exhaustion:
 * a CLI cannot continue without memory (as p0f). No size reaches them
 * without first being capped by limits.h. */
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *s);
/* oom prints "tlsdiag: out of memory" and exits 2: what the three above
 * do on exhaustion, and what any other allocator of the program does. */
void	oom(void) __attribute__((noreturn));
/* What the allocator adds to each allocation, on average (glibc: a size
 * word, and the rounding of the chunk to 16 bytes), for the memory
 * accounting of --max-memory. */
#define ALLOC_OVERHEAD	16

/*
 * struct buf - a growable byte buffer with a ceiling (curl's dynbuf).
 * buf_add returns false, adding nothing, if the ceiling would be passed.
 */
struct buf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

void	buf_init(struct buf *b, size_t max);
void	buf_cleanup(struct buf *b);
bool	buf_add(struct buf *b, const void *p, size_t len);
/* buf_consume drops the first |n| bytes of |b|. */
void	buf_consume(struct buf *b, size_t n);
void	buf_reset(struct buf *b);

/*
 * struct sb - an unbounded string builder for output text; always
 * NUL-terminated. Output is built per connection and written at once.
 */
/* hash_bytes is a fast, non-cryptographic hash of |len| bytes, eight at
 * a time with a multiply-xorshift mix, for the caches and memos: they
 * match entries by comparing the bytes, so only speed depends on it. */
uint64_t	hash_bytes(const void *data, size_t len);

struct sb {
	char	*s;
	size_t	 len;
	size_t	 cap;
	size_t	 escaped;	/* control characters written as escapes
				 * (\x.., \u....): where pool.c looks for
				 * pending ids beyond the raw ones */
};

void	sb_init(struct sb *b);
void	sb_cleanup(struct sb *b);
void	sb_reset(struct sb *b);
/* sb_grow makes room for |extra| more bytes and the NUL (sb_add's slow
 * path). */
void	sb_grow(struct sb *b, size_t extra);

/* sb_add appends |len| bytes; inline, as output is built from many short
 * pieces. */
static inline void
sb_add(struct sb *b, const char *s, size_t len)
{
	if (b->cap - b->len <= len)
		sb_grow(b, len);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static inline void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* sb_printf appends as snprintf would; the plain conversions (%s %c %d
 * %u with l, ll or z, and %%) are written without stdio. */
void	sb_printf(struct sb *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sb_vprintf(struct sb *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* fmt_u64 writes |v| in decimal at |out| (room for 20 bytes), as "%llu"
 * would without the NUL, and returns its length; fmt_milli writes |v|
 * thousandths as sb_milli does (room for 25 bytes). */
size_t	fmt_u64(char *out, uint64_t v);
size_t	fmt_milli(char *out, int64_t v);
/* sb_u64 appends |v| in decimal, as "%llu" would, without printf. */
void	sb_u64(struct sb *b, uint64_t v);
/* sb_milli appends |v| thousandths as a decimal with three places, the
 * text "%.3f" gives for v / 1000.0 (a time in ms from microseconds). */
void	sb_milli(struct sb *b, int64_t v);
/* sb_hex appends |len| bytes as lower-case hex digits, two per byte. */
void	sb_hex(struct sb *b, const uint8_t *p, size_t len);
/* sb_hex16 appends |v| & 0xffff as "0x%04x" would. */
void	sb_hex16(struct sb *b, unsigned v);
/* sb_text_escaped appends |len| wire bytes for a terminal: printable
 * ASCII and valid UTF-8 (except C1 controls) as they are, backslash as
 * "\\", everything else as "\xNN". Nothing from the wire can move the
 * cursor or change colours. */
void	sb_text_escaped(struct sb *b, const uint8_t *p, size_t len);
/* sb_json_string appends |len| bytes as a quoted JSON string: valid
 * UTF-8 passes through, control characters become \uXXXX (or \n ...),
 * and each byte of invalid UTF-8 becomes the code point U+00XX, so the
 * result is always valid JSON. */
void	sb_json_string(struct sb *b, const uint8_t *p, size_t len);
void	sb_json_cstr(struct sb *b, const char *s);
/* sb_json_lit appends |s|, a name of the program's own (printable ASCII
 * without '"' or '\\', never bytes from the wire: the tables of
 * tls_names.c, event and verdict names), as a JSON string, quoted
 * without a look for escapes. */
static inline void
sb_json_lit(struct sb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->cap - b->len <= n + 2)
		sb_grow(b, n + 2);
	b->s[b->len] = '"';
	memcpy(b->s + b->len + 1, s, n);
	b->s[b->len + 1 + n] = '"';
	b->len += n + 2;
	b->s[b->len] = '\0';
}

/*
 * time_us returns |sec| seconds plus |usec| microseconds as microseconds
 * since the epoch. Any pair (a pcap header holds what the file says: a
 * pcapng timestamp with an extreme if_tsresol or if_tsoffset, a tv_usec
 * past a million) gives a defined result: a sum beyond the int64_t range
 * saturates at INT64_MIN or INT64_MAX. Callers check the result against
 * LIMIT_TS_MIN_US..LIMIT_TS_MAX_US (analyzer_packet counts the rest).
 */
int64_t	time_us(int64_t sec, int64_t usec);
/* fmt_time_iso writes |usec| since the epoch as
 * "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" into |out| (at least 32 bytes). */
void	fmt_time_iso(char *out, size_t out_len, int64_t usec);
/* fmt_addr writes an IPv4 or IPv6 address as text (af 4 or 6). */
void	fmt_addr(char *out, size_t out_len, uint8_t af, const uint8_t *a);

#endif
