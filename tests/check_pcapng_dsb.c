/* check_pcapng_dsb.c - unit tests of the pcapng Decryption Secrets Block
 * reader: the real DSB written by editcap --inject-secrets gives back the
 * key log it was made from; forged DSB bodies (said so below) test byte
 * order, other secrets types and lengths past the body. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "pcapng_dsb.h"
#include "check_main.h"

struct got {
	char	buf[8192];
	size_t	len;
	size_t	calls;
};

static void
collect(void *arg, const uint8_t *p, size_t len)
{
	struct got *g = arg;

	ck_assert_uint_le(g->len + len, sizeof(g->buf));
	memcpy(g->buf + g->len, p, len);
	g->len += len;
	g->calls++;
}

static const char *
path(char *buf, size_t n, const char *name)
{
	const char *srcdir = getenv("srcdir");

	snprintf(buf, n, "%s/pcaps/%s", srcdir != NULL ? srcdir : ".", name);
	return buf;
}

/* Real: editcap --inject-secrets tls,tls13-ok.keys tls13-ok.pcapng. */
START_TEST(test_real_dsb)
{
	struct pcapng_dsb_stats st;
	struct got *g;
	char p[1024], want[8192];
	size_t n;
	FILE *fp;

	g = calloc(1, sizeof(*g));
	ck_assert_ptr_nonnull(g);
	ck_assert(pcapng_dsb_scan(path(p, sizeof(p),
	    "derived/tls13-ok-dsb.pcapng"), collect, g, &st));
	ck_assert_uint_eq(st.tls, 1);
	ck_assert_uint_eq(st.other, 0);
	ck_assert_uint_eq(g->calls, 1);
	fp = fopen(path(p, sizeof(p), "tls13-ok.keys"), "rb");
	ck_assert_ptr_nonnull(fp);
	n = fread(want, 1, sizeof(want), fp);
	fclose(fp);
	ck_assert_uint_eq(g->len, n);
	ck_assert(memcmp(g->buf, want, n) == 0);
	free(g);
}
END_TEST

/* Real: a pcapng without DSB, and a classic pcap (not pcapng at all). */
START_TEST(test_real_no_dsb)
{
	struct pcapng_dsb_stats st;
	struct got *g;
	char p[1024];

	g = calloc(1, sizeof(*g));
	ck_assert_ptr_nonnull(g);
	ck_assert(pcapng_dsb_scan(path(p, sizeof(p), "tls13-ok.pcapng"),
	    collect, g, &st));
	ck_assert_uint_eq(st.tls, 0);
	ck_assert(!pcapng_dsb_scan(path(p, sizeof(p), "tls13-ok.pcap"),
	    collect, g, &st));
	ck_assert(!pcapng_dsb_scan(path(p, sizeof(p), "no-such-file"),
	    collect, g, &st));
	ck_assert_uint_eq(g->calls, 0);
	free(g);
}
END_TEST

/* Forged DSB bodies. */
START_TEST(test_parse_forged)
{
	static const uint8_t le_body[] = {
		0x4b, 0x53, 0x4c, 0x54, 3, 0, 0, 0, 'a', 'b', 'c', 0,
	};
	static const uint8_t be_body[] = {
		0x54, 0x4c, 0x53, 0x4b, 0, 0, 0, 2, 'x', 'y', 0, 0,
	};
	static const uint8_t wg_body[] = {
		0x57, 0x47, 0x4b, 0x4c, 4, 0, 0, 0, 1, 2, 3, 4,
	};
	static const uint8_t long_body[] = {
		0x4b, 0x53, 0x4c, 0x54, 9, 0, 0, 0, 'a', 'b', 'c', 0,
	};
	struct pcapng_dsb_stats st;
	struct got *g;

	g = calloc(1, sizeof(*g));
	ck_assert_ptr_nonnull(g);
	memset(&st, 0, sizeof(st));
	ck_assert(pcapng_dsb_parse(le_body, sizeof(le_body), true, collect,
	    g, &st));
	ck_assert(pcapng_dsb_parse(be_body, sizeof(be_body), false, collect,
	    g, &st));
	ck_assert_uint_eq(g->len, 5);
	ck_assert(memcmp(g->buf, "abcxy", 5) == 0);
	/* The wrong byte order reads a length past the body. */
	ck_assert(!pcapng_dsb_parse(be_body, sizeof(be_body), true, collect,
	    g, &st));
	ck_assert(pcapng_dsb_parse(wg_body, sizeof(wg_body), true, collect,
	    g, &st));
	ck_assert(!pcapng_dsb_parse(long_body, sizeof(long_body), true,
	    collect, g, &st));
	ck_assert(!pcapng_dsb_parse(le_body, 7, true, collect, g, &st));
	ck_assert_uint_eq(st.tls, 2);
	ck_assert_uint_eq(g->calls, 2);
	free(g);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("pcapng_dsb");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_add_test(core, test_real_dsb);
	tcase_add_test(core, test_real_no_dsb);
	tcase_add_test(limits, test_parse_forged);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	return check_run(suite());
}
