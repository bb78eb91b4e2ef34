/* util.c - allocation that exits on exhaustion, growable buffers, escaping. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

void
oom(void)
{
	fputs("tlsdiag: out of memory\n", stderr);
	exit(2);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		oom();
	q = realloc(p, n * size == 0 ? 1 : n * size);
	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	char *p;

	p = strdup(s);
	if (p == NULL)
		oom();
	return p;
}

void
buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_cleanup(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

bool
buf_add(struct buf *b, const void *p, size_t len)
{
	size_t ncap;

	if (len == 0)
		return true;
	if (len > b->max || b->len > b->max - len)
		return false;
	if (b->len + len > b->cap) {
		ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap < b->len + len)
			ncap *= 2;
		if (ncap > b->max)
			ncap = b->max;
		b->p = xreallocarray(b->p, ncap, 1);
		b->cap = ncap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return true;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
}

uint64_t
hash_bytes(const void *data, size_t len)
{
	const uint8_t *p = data;
	const uint64_t m = 0x9e3779b97f4a7c15ULL;
	uint64_t h = len * m, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	w = 0;
	if (len > i)
		memcpy(&w, p + i, len - i);
	h = (h ^ w) * m;
	return h ^ (h >> 32);
}

void
sb_init(struct sb *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->escaped = 0;
}

void
sb_cleanup(struct sb *b)
{
	free(b->s);
	sb_init(b);
}

void
sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
sb_grow(struct sb *b, size_t extra)
{
	size_t ncap;

	if (b->len + extra + 1 <= b->cap)
		return;
	ncap = b->cap == 0 ? 1024 : b->cap;
	while (ncap < b->len + extra + 1)
		ncap *= 2;
	b->s = xreallocarray(b->s, ncap, 1);
	b->cap = ncap;
}

static void
sb_i64(struct sb *b, int64_t v)
{
	if (v < 0) {
		sb_add(b, "-", 1);
		sb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		sb_u64(b, (uint64_t)v);
}

/*
 * fmt_fast formats |fmt| as vsnprintf would, for the conversions it
 * knows: %s %c %d %u %ld %lu %lld %llu %zd %zu and %%, with no flag,
 * width or precision. At any other it stops and returns false, what it
 * wrote still in |b| (the caller takes it back and asks vsnprintf).
 */
static bool
fmt_fast(struct sb *b, const char *fmt, va_list ap)
{
	const char *p = fmt, *q;
	char c;
	int len;

	for (;;) {
		if ((q = strchr(p, '%')) == NULL)
			q = p + strlen(p);
		if (q > p)
			sb_add(b, p, (size_t)(q - p));
		if (*q == '\0')
			return true;
		q++;
		len = 0;
		if (q[0] == 'l' && q[1] == 'l') {
			len = 2;
			q += 2;
		} else if (q[0] == 'l') {
			len = 1;
			q++;
		} else if (q[0] == 'z') {
			len = 3;
			q++;
		}
		if ((len != 0 && (*q == 's' || *q == 'c' || *q == '%')) ||
		    (*q != 's' && *q != 'c' && *q != '%' && *q != 'd' &&
		    *q != 'u'))
			return false;
		switch (*q) {
		case '%':
			sb_add(b, "%", 1);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			sb_add(b, &c, 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			sb_puts(b, s != NULL ? s : "(null)");
			break;
		}
		case 'd':
			if (len == 2)
				sb_i64(b, va_arg(ap, long long));
			else if (len == 1)
				sb_i64(b, va_arg(ap, long));
			else if (len == 3)
				sb_i64(b, va_arg(ap, ssize_t));
			else
				sb_i64(b, va_arg(ap, int));
			break;
		default:	/* 'u' */
			if (len == 2)
				sb_u64(b, va_arg(ap, unsigned long long));
			else if (len == 1)
				sb_u64(b, va_arg(ap, unsigned long));
			else if (len == 3)
				sb_u64(b, va_arg(ap, size_t));
			else
				sb_u64(b, va_arg(ap, unsigned));
			break;
		}
		p = q + 1;
	}
}

void
sb_vprintf(struct sb *b, const char *fmt, va_list ap)
{
	va_list ap2, ap3;
	size_t room, start = b->len;
	int n;

	/* The common conversions without stdio, in one pass: reports are
	 * built from thousands of short pieces. */
	va_copy(ap3, ap);
	if (fmt_fast(b, fmt, ap3)) {
		va_end(ap3);
		if (b->s == NULL)
			sb_grow(b, 0);
		b->s[b->len] = '\0';
		return;
	}
	va_end(ap3);
	b->len = start;		/* taken back: vsnprintf does it all */
	/* One pass when the text fits in the room left (the usual case);
	 * a second, after growing, when it does not. */
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->s == NULL ? NULL : b->s + b->len, room, fmt, ap);
	if (n < 0) {
		if (b->s != NULL)
			b->s[b->len] = '\0';
		va_end(ap2);
		return;
	}
	if ((size_t)n >= room) {
		sb_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

/* digit_pairs holds "00" to "99". */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* put_u64 writes |v| in decimal at the end of the |n| bytes at |out|
 * (20 are always enough) and returns where it begins. */
static size_t
put_u64(char *out, size_t n, uint64_t v)
{
	while (v >= 100) {
		n -= 2;
		memcpy(out + n, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		n -= 2;
		memcpy(out + n, digit_pairs + 2 * v, 2);
	} else
		out[--n] = (char)('0' + v);
	return n;
}

/*
 * digits_u64 is the number of decimal digits of |v|: its bit length times
 * log10(2) (1233 / 4096) is the count or one less, and one comparison
 * says which. above[t] is 10^t (0 for t = 0, so that 0 and 1 take one).
 */
static size_t
digits_u64(uint64_t v)
{
	static const uint64_t above[20] = { 0ULL, 10ULL, 100ULL, 1000ULL,
	    10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
	    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL,
	    10000000000000000ULL, 100000000000000000ULL,
	    1000000000000000000ULL, 10000000000000000000ULL };
	size_t t = (size_t)(64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + (v >= above[t]);
}

size_t
fmt_u64(char *out, uint64_t v)
{
	size_t n;

	/* Counts, lengths and zeros are most of a report's numbers. */
	if (v < 10) {
		out[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(out, digit_pairs + 2 * v, 2);
		return 2;
	}
	n = digits_u64(v);

	(void)put_u64(out, n, v);
	return n;
}

size_t
fmt_milli(char *out, int64_t v)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned r = (unsigned)(u % 1000);
	size_t n = 0;

	if (v < 0)
		out[n++] = '-';
	n += fmt_u64(out + n, u / 1000);
	out[n++] = '.';
	memcpy(out + n, digit_pairs + 2 * (r / 10), 2);
	out[n + 2] = (char)('0' + r % 10);
	return n + 3;
}

void
sb_u64(struct sb *b, uint64_t v)
{
	if (b->cap - b->len <= 20)
		sb_grow(b, 20);
	b->len += fmt_u64(b->s + b->len, v);
	b->s[b->len] = '\0';
}

void
sb_milli(struct sb *b, int64_t v)
{
	if (b->cap - b->len <= 25)
		sb_grow(b, 25);
	b->len += fmt_milli(b->s + b->len, v);
	b->s[b->len] = '\0';
}

void
sb_hex(struct sb *b, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	sb_grow(b, 2 * len);
	for (i = 0; i < len; i++) {
		b->s[b->len++] = digits[p[i] >> 4];
		b->s[b->len++] = digits[p[i] & 0x0f];
	}
	b->s[b->len] = '\0';
}

void
sb_hex16(struct sb *b, unsigned v)
{
	uint8_t be[2];

	be[0] = (uint8_t)(v >> 8);
	be[1] = (uint8_t)v;
	sb_add(b, "0x", 2);
	sb_hex(b, be, sizeof(be));
}

/*
 * utf8_seq returns the length of the valid UTF-8 sequence at |p| (at most
 * |len| bytes), or 0 if it is not one (overlong, surrogate, > U+10FFFF).
 * |*cp| receives the code point.
 */
static size_t
utf8_seq(const uint8_t *p, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* json_plain[c] is 1 for the bytes a JSON string holds as they are:
 * printable ASCII except '"' and '\\'. */
static const uint8_t json_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

/* word_plain tells whether the eight bytes at |p| are all printable
 * ASCII other than |q| and '\\': none below 0x20, none from 0x7f up.
 * With |q| '"' that is json_plain; with '\\', what text keeps as is. */
static inline bool
word_plain(const uint8_t *p, uint8_t q)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w, bad;

	memcpy(&w, p, sizeof(w));
	bad = w & high;				/* >= 0x80 */
	bad |= (w - ones * 0x20) & ~w & high;	/* < 0x20 */
	bad |= ((w ^ (ones * q)) - ones) & ~(w ^ (ones * q)) & high;
	bad |= ((w ^ (ones * 0x5c)) - ones) & ~(w ^ (ones * 0x5c)) & high;
	bad |= ((w ^ (ones * 0x7f)) - ones) & ~(w ^ (ones * 0x7f)) & high;
	return bad == 0;
}

/* plain_run16 is how many of the |len| bytes at |p| are json_plain, from
 * the first, counted in blocks of sixteen (where SSE2 has them; else 0):
 * the rest is for word_plain and json_plain. */
static inline size_t
plain_run16(const uint8_t *p, size_t len, char q)
{
	size_t n = 0;
#ifdef __SSE2__
	__m128i v, bad;
	unsigned mask;

	for (; n + 16 <= len; n += 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + n));
		/* Signed: below 0x20, or from 0x80 up (negative). */
		bad = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
		bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(q)));
		bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
		bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
		mask = (unsigned)_mm_movemask_epi8(bad);
		if (mask != 0)
			return n + (size_t)__builtin_ctz(mask);
	}
#else
	(void)p;
	(void)len;
	(void)q;
#endif
	return n;
}

void
sb_json_string(struct sb *b, const uint8_t *p, size_t len)
{
	size_t i, n;
	uint32_t cp;

	sb_add(b, "\"", 1);
	for (i = 0; i < len; i += n) {
		/* Fast path: a run of printable ASCII that needs no escape,
		 * sixteen or eight bytes at a time while no byte needs a
		 * look. */
		n = plain_run16(p + i, len - i, '"');
		for (; i + n + 8 <= len && word_plain(p + i + n, '"'); n += 8)
			;
		for (; i + n < len && json_plain[p[i + n]]; n++)
			;
		if (n > 0) {
			sb_add(b, (const char *)p + i, n);
			continue;
		}
		n = utf8_seq(p + i, len - i, &cp);
		if (n == 0) {
			/* Invalid UTF-8: the byte as U+00XX. */
			sb_printf(b, "\\u%04x", p[i]);
			b->escaped++;
			n = 1;
			continue;
		}
		if (cp == '"')
			sb_add(b, "\\\"", 2);
		else if (cp == '\\')
			sb_add(b, "\\\\", 2);
		else if (cp == '\n')
			sb_add(b, "\\n", 2);
		else if (cp == '\r')
			sb_add(b, "\\r", 2);
		else if (cp == '\t')
			sb_add(b, "\\t", 2);
		else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 ||
		    cp == 0x2029) {
			sb_printf(b, "\\u%04x", cp);
			b->escaped++;
		} else
			sb_add(b, (const char *)p + i, n);
	}
	sb_add(b, "\"", 1);
}

void
sb_json_cstr(struct sb *b, const char *s)
{
	sb_json_string(b, (const uint8_t *)s, strlen(s));
}

void
sb_text_escaped(struct sb *b, const uint8_t *p, size_t len)
{
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		/* Fast path, as in sb_json_string: a run of printable ASCII
		 * but '\\' ('"' included), kept as it is. */
		n = plain_run16(p + i, len - i, '\\');
		for (; i + n + 8 <= len && word_plain(p + i + n, '\\');
		    n += 8)
			;
		for (; i + n < len && (json_plain[p[i + n]] ||
		    p[i + n] == '"'); n++)
			;
		if (n > 0) {
			sb_add(b, (const char *)p + i, n);
			continue;
		}
		n = utf8_seq(p + i, len - i, &cp);
		if (n == 1 && cp == '\\') {
			sb_add(b, "\\\\", 2);
			continue;
		}
		if (n > 1 && !(cp >= 0x80 && cp < 0xa0) && cp != 0x2028 &&
		    cp != 0x2029 && !(cp >= 0x202a && cp <= 0x202e) &&
		    !(cp >= 0x2066 && cp <= 0x2069)) {
			sb_add(b, (const char *)p + i, n);
			continue;
		}
		/* Control, C1, bidi override or invalid byte. */
		sb_printf(b, "\\x%02x", p[i]);
		b->escaped++;
		n = 1;
	}
}

/* time_us: see util.h. Saturates where the exact sum would not fit. */
int64_t
time_us(int64_t sec, int64_t usec)
{
	int64_t us, sum;

	if (__builtin_mul_overflow(sec, (int64_t)1000000, &us))
		return sec < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_add_overflow(us, usec, &sum))
		return usec < 0 ? INT64_MIN : INT64_MAX;
	return sum;
}

/* put_digits writes the |n| low decimal digits of |v|, zero-padded. */
static void
put_digits(char *out, size_t n, unsigned v)
{
	while (n > 0) {
		out[--n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
fmt_time_iso(char *out, size_t out_len, int64_t usec)
{
	struct tm tm;
	time_t t;
	int64_t frac;

	t = (time_t)(usec / 1000000);
	frac = usec % 1000000;
	if (frac < 0) {
		frac += 1000000;
		t -= 1;
	}
	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, out_len, "invalid-time");
		return;
	}
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 ||
	    out_len < 28) {
		snprintf(out, out_len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)frac);
		return;
	}
	/* The usual case without printf (it runs per certificate). */
	put_digits(out, 4, (unsigned)(tm.tm_year + 1900));
	out[4] = '-';
	put_digits(out + 5, 2, (unsigned)tm.tm_mon + 1);
	out[7] = '-';
	put_digits(out + 8, 2, (unsigned)tm.tm_mday);
	out[10] = 'T';
	put_digits(out + 11, 2, (unsigned)tm.tm_hour);
	out[13] = ':';
	put_digits(out + 14, 2, (unsigned)tm.tm_min);
	out[16] = ':';
	put_digits(out + 17, 2, (unsigned)tm.tm_sec);
	out[19] = '.';
	put_digits(out + 20, 6, (unsigned)frac);
	out[26] = 'Z';
	out[27] = '\0';
}

void
fmt_addr(char *out, size_t out_len, uint8_t af, const uint8_t *a)
{
	char v4[16];
	size_t n = 0;
	int i;

	if (af != 6 && out_len >= sizeof(v4)) {
		/* IPv4 without inet_ntop's sprintf: it is on every report. */
		for (i = 0; i < 4; i++) {
			unsigned o = a[i];

			if (i > 0)
				v4[n++] = '.';
			if (o >= 100)
				v4[n++] = (char)('0' + o / 100);
			if (o >= 10)
				v4[n++] = (char)('0' + o / 10 % 10);
			v4[n++] = (char)('0' + o % 10);
		}
		v4[n] = '\0';
		memcpy(out, v4, n + 1);
		return;
	}
	if (inet_ntop(af == 6 ? AF_INET6 : AF_INET, a, out,
	    (socklen_t)out_len) == NULL)
		snprintf(out, out_len, "?");
}
