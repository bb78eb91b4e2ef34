/* check_util.c - unit tests of buffers and of text and JSON escaping. */
#include <arpa/inet.h>
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "util.h"
#include "check_main.h"

static char *
text(const char *in, size_t len)
{
	struct sb b;

	sb_init(&b);
	sb_puts(&b, "");
	sb_text_escaped(&b, (const uint8_t *)in, len);
	return b.s;
}

static char *
json(const char *in, size_t len)
{
	struct sb b;

	sb_init(&b);
	sb_json_string(&b, (const uint8_t *)in, len);
	return b.s;
}

/* sb_u64 and sb_milli against snprintf's "%llu" and "%.3f", at the edges
 * and across digit counts. */
/* u64_as_printf: sb_u64 writes |v| as snprintf's %llu does. */
static void
u64_as_printf(struct sb *b, uint64_t v)
{
	char want[32];

	sb_reset(b);
	sb_u64(b, v);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	ck_assert_str_eq(b->s, want);
}

START_TEST(test_numbers)
{
	static const int64_t ms[] = { 0, 1, -1, 999, 1000, -1000, 12345,
	    -9999999, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	char want[64];
	struct sb b;
	uint64_t v;
	size_t i;

	sb_init(&b);
	/* Each power of ten and each bit length, and their neighbours: the
	 * digit count comes from the bit length. */
	for (v = 1, i = 0; i < 20; i++, v *= 10) {
		u64_as_printf(&b, v - 1);
		u64_as_printf(&b, v);
		u64_as_printf(&b, v + 1);
	}
	for (i = 0; i < 64; i++) {
		u64_as_printf(&b, (1ULL << i) - 1);
		u64_as_printf(&b, 1ULL << i);
		u64_as_printf(&b, (1ULL << i) | ((1ULL << i) - 1));
	}
	sb_reset(&b);
	sb_u64(&b, UINT64_MAX);
	ck_assert_str_eq(b.s, "18446744073709551615");
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		uint64_t u = ms[i] < 0 ? (uint64_t)0 - (uint64_t)ms[i] :
		    (uint64_t)ms[i];

		sb_reset(&b);
		sb_add(&b, "x", 1);	/* appends */
		sb_milli(&b, ms[i]);
		snprintf(want, sizeof(want), "x%s%llu.%03u", ms[i] < 0 ? "-" :
		    "", (unsigned long long)(u / 1000), (unsigned)(u % 1000));
		ck_assert_str_eq(b.s, want);
	}
	sb_cleanup(&b);
}
END_TEST

START_TEST(test_text_plain)
{
	char *s = text("tls-server.local", 16);

	ck_assert_str_eq(s, "tls-server.local");
	free(s);
}
END_TEST

/* A terminal escape from the wire must not reach the terminal. */
START_TEST(test_text_escape_sequences)
{
	static const char in[] = "evil\033[2J\033]0;pwned\007\r\n\\x";
	char *s = text(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "evil\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0a\\\\x");
	ck_assert_ptr_null(strchr(s, '\033'));
	free(s);
}
END_TEST

START_TEST(test_text_utf8_and_invalid)
{
	/* "é" passes; a lone 0xff and a C1 control (U+009B, CSI) do not. */
	static const char in[] = "caf\xc3\xa9 \xff \xc2\x9b";
	char *s = text(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "caf\xc3\xa9 \\xff \\xc2\\x9b");
	free(s);
}
END_TEST

START_TEST(test_text_nul)
{
	char *s = text("a\0b", 3);

	ck_assert_str_eq(s, "a\\x00b");
	free(s);
}
END_TEST

START_TEST(test_json_escapes)
{
	static const char in[] = "\"q\" \\ \n\t\x01\x7f";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\\\"q\\\" \\\\ \\n\\t\\u0001\\u007f\"");
	free(s);
}
END_TEST

/*
 * sb_text_escaped takes runs of plain text 16 and 8 bytes at a time: a
 * byte that needs a look, at every place in a 41-byte text and in every
 * length up to it, is still written as the byte-by-byte rules say.
 */
START_TEST(test_text_escaped_runs)
{
	static const struct {
		const char	*in;
		size_t		 in_len;
		const char	*out;
	} special[] = {
		{ "\x00", 1, "\\x00" }, { "\x1f", 1, "\\x1f" },
		{ "\"", 1, "\"" }, { "\\", 1, "\\\\" },
		{ "\x7f", 1, "\\x7f" }, { "\x80", 1, "\\x80" },
		{ "\xc3\xa9", 2, "\xc3\xa9" },		/* U+00E9 */
		{ "\xc2\x85", 2, "\\xc2\\x85" },		/* C1: NEL */
		{ "\xe2\x80\xae", 3, "\\xe2\\x80\\xae" },	/* bidi */
	};
	char in[64], want[96], *got;
	size_t k, at, len, sl, ol;

	for (k = 0; k < sizeof(special) / sizeof(special[0]); k++) {
		sl = special[k].in_len;
		ol = strlen(special[k].out);
		for (at = 0; at + sl <= 41; at++)
			for (len = at + sl; len <= 41; len++) {
				memset(in, 'a', sizeof(in));
				memcpy(in + at, special[k].in, sl);
				memset(want, 'a', sizeof(want));
				memcpy(want + at, special[k].out, ol);
				want[at + ol + (len - at - sl)] = '\0';
				got = text(in, len);
				ck_assert_str_eq(got, want);
				free(got);
			}
	}
}
END_TEST

/* sb.escaped counts the control characters written as escapes (pool.c
 * looks for ids in escaped form only then): each escaper counts its own,
 * and plain text, quotes and backslashes leave it alone. */
START_TEST(test_escaped_count)
{
	struct sb b;

	sb_init(&b);
	ck_assert_uint_eq(b.escaped, 0);
	sb_json_string(&b, (const uint8_t *)"plain \"q\" \\", 11);
	sb_text_escaped(&b, (const uint8_t *)"plain", 5);
	ck_assert_uint_eq(b.escaped, 0);
	sb_json_string(&b, (const uint8_t *)"a\001b\002", 4);
	ck_assert_uint_eq(b.escaped, 2);
	sb_text_escaped(&b, (const uint8_t *)"\001", 1);
	ck_assert_uint_eq(b.escaped, 3);
	sb_json_string(&b, (const uint8_t *)"\xc0", 1);	/* invalid */
	ck_assert_uint_eq(b.escaped, 4);
	sb_reset(&b);		/* a count, not a state of the text */
	ck_assert_uint_eq(b.escaped, 4);
	sb_cleanup(&b);
	ck_assert_uint_eq(b.escaped, 0);
}
END_TEST

START_TEST(test_json_invalid_utf8)
{
	/* Overlong "/", a surrogate, a truncated sequence: each byte becomes
	 * U+00XX so the output is valid JSON and loses nothing. */
	static const char in[] = "\xc0\xaf\xed\xa0\x80\xe2\x82";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2"
	    "\\u0082\"");
	free(s);
}
END_TEST

START_TEST(test_json_utf8_passes)
{
	static const char in[] = "\xe2\x82\xac\xf0\x9f\x94\x92";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\xe2\x82\xac\xf0\x9f\x94\x92\"");
	free(s);
}
END_TEST

/* Every byte value, alone, gives a quoted string with no raw control. */
START_TEST(test_json_every_byte)
{
	char in[1], *s;
	size_t i;

	in[0] = (char)_i;
	s = json(in, 1);
	ck_assert_int_eq(s[0], '"');
	ck_assert_int_eq(s[strlen(s) - 1], '"');
	for (i = 0; s[i] != '\0'; i++)
		ck_assert_int_ge((unsigned char)s[i], 0x20);
	free(s);
	s = text(in, 1);
	for (i = 0; s[i] != '\0'; i++)
		ck_assert((unsigned char)s[i] >= 0x20 &&
		    (unsigned char)s[i] < 0x7f);
	free(s);
}
END_TEST

/* inner returns json(p, len) without its quotes. */
static char *
inner(const char *p, size_t len)
{
	char *s = json(p, len);
	size_t n = strlen(s);

	ck_assert_uint_ge(n, 2);
	memmove(s, s + 1, n - 2);
	s[n - 2] = '\0';
	return s;
}

/* sb_json_string reads eight bytes at a time while none needs a look:
 * a byte that does, at any offset of any length, is escaped exactly as
 * it is alone. */
START_TEST(test_json_word_boundaries)
{
	static const uint8_t special[] = { 0x00, 0x01, 0x0a, 0x1f, 0x20,
	    0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0xc3, 0xff };
	char buf[40], expect[200], *whole, *a, *m, *z;
	size_t len, k, j;

	for (len = 1; len <= 33; len++)
		for (k = 0; k < len; k++)
			for (j = 0; j < sizeof(special); j++) {
				memset(buf, 'a' + (int)(len % 26), len);
				buf[k] = (char)special[j];
				whole = inner(buf, len);
				a = inner(buf, k);
				m = inner(buf + k, 1);
				z = inner(buf + k + 1, len - k - 1);
				snprintf(expect, sizeof(expect), "%s%s%s", a,
				    m, z);
				ck_assert_str_eq(whole, expect);
				free(whole);
				free(a);
				free(m);
				free(z);
			}
}
END_TEST

/* fmt_addr writes IPv4 itself: the same text as inet_ntop. */
START_TEST(test_fmt_addr)
{
	static const uint8_t v4[][4] = { { 0, 0, 0, 0 }, { 255, 255, 255, 255 },
	    { 127, 0, 0, 1 }, { 10, 9, 99, 100 }, { 1, 20, 199, 200 } };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	char a[64], b[64];
	size_t i;
	unsigned v;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		fmt_addr(a, sizeof(a), 4, v4[i]);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, v4[i], b, sizeof(b)));
		ck_assert_str_eq(a, b);
	}
	for (v = 0; v < 256; v++) {
		uint8_t x[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 3),
		    (uint8_t)(v * 7) };

		fmt_addr(a, sizeof(a), 4, x);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, x, b, sizeof(b)));
		ck_assert_str_eq(a, b);
	}
	v6[15] = 1;
	fmt_addr(a, sizeof(a), 6, v6);
	ck_assert_str_eq(a, "2001:db8::1");
	/* Too small for the longest dotted quad: inet_ntop's answer. */
	fmt_addr(a, 8, 4, v4[1]);
	ck_assert_str_eq(a, "?");
}
END_TEST

/* sb_printf writes plain conversions itself and hands the rest to
 * vsnprintf: both give exactly what snprintf gives. */
#define SAME(...) do {							\
	struct sb b_;							\
	char want_[256];						\
									\
	sb_init(&b_);							\
	sb_puts(&b_, "<");						\
	sb_printf(&b_, __VA_ARGS__);					\
	want_[0] = '<';							\
	snprintf(want_ + 1, sizeof(want_) - 1, __VA_ARGS__);		\
	ck_assert_str_eq(b_.s, want_);					\
	ck_assert_uint_eq(b_.len, strlen(want_));			\
	sb_cleanup(&b_);						\
} while (0)

START_TEST(test_printf_matches_snprintf)
{
	SAME("plain text, no conversion");
	SAME("%s", "");
	SAME("%s and %s", "a", "bcd");
	SAME("100%% of %u", 7u);
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld|%llu|%lld", LLONG_MIN, ULLONG_MAX, LLONG_MAX);
	SAME("%zu %zd", SIZE_MAX, (ssize_t)-5);
	SAME("%c%c%c", 'x', '%', 'y');
	SAME("frame %llu: %s sent %s%s", 123456789ULL, "the server",
	    "alert", " (fatal)");
	SAME("trailing %s", "percent");
	/* Handed to vsnprintf. */
	SAME("%x %04x %5d|%-3u|%.2s", 0xbeefu, 0x1fu, 42, 7u, "abc");
	SAME("%s=%02x", "byte", 5u);
	SAME("%.3f", 1.25);
	{
		/* A fast start taken back for vsnprintf keeps what came
		 * before it. */
		struct sb b;

		sb_init(&b);
		sb_add(&b, "pre:", 4);
		sb_printf(&b, "%s=%02x|%s", "byte", 5u, "end");
		ck_assert_str_eq(b.s, "pre:byte=05|end");
		ck_assert_uint_eq(b.len, 15);
		sb_cleanup(&b);
	}
}
END_TEST

/* hash_bytes: equal bytes hash alike, an empty input may be NULL, and
 * a change of any one byte (tail bytes included) or of the length shows. */
START_TEST(test_hash_bytes)
{
	uint8_t a[24], b[24];
	size_t len, i;

	ck_assert_uint_eq(hash_bytes(NULL, 0), hash_bytes(a, 0));
	for (len = 1; len <= sizeof(a); len++) {
		for (i = 0; i < len; i++)
			a[i] = (uint8_t)(i * 7 + len);
		memcpy(b, a, len);
		ck_assert_uint_eq(hash_bytes(a, len), hash_bytes(b, len));
		ck_assert_uint_ne(hash_bytes(a, len), hash_bytes(a, len - 1));
		for (i = 0; i < len; i++) {
			b[i] ^= 1;
			ck_assert_uint_ne(hash_bytes(a, len), hash_bytes(b, len));
			b[i] ^= 1;
		}
	}
}
END_TEST

START_TEST(test_buf_cap)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert(buf_add(&b, "0123456789", 10));
	ck_assert(!buf_add(&b, "x", 1));
	ck_assert_uint_eq(b.len, 10);
	buf_consume(&b, 4);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_mem_eq(b.p, "456789", 6);
	ck_assert(buf_add(&b, "ab", 2));
	buf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	buf_cleanup(&b);
}
END_TEST

START_TEST(test_time_iso)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), 1709232022123456LL);
	ck_assert_str_eq(t, "2024-02-29T18:40:22.123456Z");
	fmt_time_iso(t, sizeof(t), 0);
	ck_assert_str_eq(t, "1970-01-01T00:00:00.000000Z");
}
END_TEST

/* time_us is exact in range and saturates outside it, never overflows
 * (a --enable-sanitizers build reports any signed overflow here). */
START_TEST(test_time_us)
{
	char t[40];

	ck_assert_int_eq(time_us(1709232022, 123456), 1709232022123456LL);
	ck_assert_int_eq(time_us(0, 0), 0);
	ck_assert_int_eq(time_us(-1, 999999), -1);
	ck_assert_int_eq(time_us(0, 4294967295LL), 4294967295LL);
	/* The far-future pcapng timestamp of fuzz/regress/pcap/ts-overflow. */
	ck_assert_int_eq(time_us(21221839637205LL, 31250), INT64_MAX);
	ck_assert_int_eq(time_us(INT64_MAX, INT64_MAX), INT64_MAX);
	ck_assert_int_eq(time_us(INT64_MIN, 0), INT64_MIN);
	ck_assert_int_eq(time_us(INT64_MIN, INT64_MAX), INT64_MIN);
	ck_assert_int_eq(time_us(INT64_MAX / 1000000, INT64_MAX % 1000000),
	    INT64_MAX);
	ck_assert_int_eq(time_us(INT64_MAX / 1000000, INT64_MAX % 1000000 + 1),
	    INT64_MAX);
	ck_assert_int_eq(time_us(INT64_MIN / 1000000, INT64_MIN % 1000000),
	    INT64_MIN);
	ck_assert_int_eq(time_us(INT64_MIN / 1000000,
	    INT64_MIN % 1000000 - 1), INT64_MIN);
	ck_assert_int_eq(time_us(0, INT64_MIN), INT64_MIN);
	/* The last time LIMIT_TS_MAX_US admits. */
	ck_assert_int_eq(time_us(253402300799LL, 999999), LIMIT_TS_MAX_US);
	fmt_time_iso(t, sizeof(t), LIMIT_TS_MAX_US);
	ck_assert_str_eq(t, "9999-12-31T23:59:59.999999Z");
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_text_plain);
	tcase_add_test(tc, test_text_escape_sequences);
	tcase_add_test(tc, test_text_utf8_and_invalid);
	tcase_add_test(tc, test_text_nul);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_escaped_count);
	tcase_add_test(tc, test_text_escaped_runs);
	tcase_add_test(tc, test_json_invalid_utf8);
	tcase_add_test(tc, test_json_utf8_passes);
	tcase_add_loop_test(tc, test_json_every_byte, 0, 256);
	tcase_add_test(tc, test_json_word_boundaries);
	tcase_add_test(tc, test_fmt_addr);
	tcase_add_test(tc, test_printf_matches_snprintf);
	tcase_add_test(tc, test_hash_bytes);
	tcase_add_test(tc, test_buf_cap);
	tcase_add_test(tc, test_time_iso);
	tcase_add_test(tc, test_time_us);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(util_suite());
}
