/* check_fingerprint.c - unit tests of the JA4, JA3 and JA3S fingerprints. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "tls_msg.h"
#include "check_main.h"

/*
 * The hellos here are built byte by byte: each test is an edge case of a
 * specification (its worked example, GREASE everywhere, odd ALPN bytes,
 * huge lists, an SSLv2-compatible hello) that no client we can run on
 * loopback sends on demand. Real captures are compared end to end by
 * tests/e2e/fingerprints.sh (tshark, the JA4 project's snapshots,
 * suricata-verify).
 *
 * Expected values come from outside this code: the worked examples of
 * FoxIO-LLC/ja4 technical_details/JA4.md and salesforce/ja3 README.md,
 * suricata-verify tls-ja3s, and for the other strings
 *   printf '%s' STRING | sha256sum | cut -c1-12     (JA4 parts)
 *   printf '%s' STRING | md5sum                       (JA3, JA3S)
 * with the string written out by hand in the comment beside each value.
 */

/* ---- a small builder of handshake bodies ---- */

struct hb {
	uint8_t	b[16384];
	size_t	n;
};

static void
put8(struct hb *h, unsigned v)
{
	ck_assert_uint_lt(h->n, sizeof(h->b));
	h->b[h->n++] = (uint8_t)v;
}

static void
put16(struct hb *h, unsigned v)
{
	put8(h, (v >> 8) & 0xff);
	put8(h, v & 0xff);
}

static void
putn(struct hb *h, const void *p, size_t len)
{
	ck_assert_uint_le(h->n + len, sizeof(h->b));
	memcpy(h->b + h->n, p, len);
	h->n += len;
}

/* open16 reserves a 16-bit length and returns where it is. */
static size_t
open16(struct hb *h)
{
	size_t at = h->n;

	put16(h, 0);
	return at;
}

static void
close16(struct hb *h, size_t at)
{
	size_t len = h->n - at - 2;

	h->b[at] = (uint8_t)(len >> 8);
	h->b[at + 1] = (uint8_t)len;
}

static size_t
open8(struct hb *h)
{
	put8(h, 0);
	return h->n - 1;
}

static void
close8(struct hb *h, size_t at)
{
	h->b[at] = (uint8_t)(h->n - at - 1);
}

/* ch_start writes a ClientHello up to its cipher suites' length. */
static size_t
ch_start(struct hb *h, unsigned version)
{
	uint8_t random[32];

	memset(h, 0, sizeof(*h));
	memset(random, 0x11, sizeof(random));
	put16(h, version);
	putn(h, random, sizeof(random));
	put8(h, 0);			/* empty session id */
	return open16(h);		/* cipher_suites */
}

/* ch_suites_end closes the suites, writes null compression and opens
 * the extensions block (the caller closes it, or drops it). */
static size_t
ch_suites_end(struct hb *h, size_t suites)
{
	close16(h, suites);
	put8(h, 1);
	put8(h, 0);
	return open16(h);
}

static void
ext_empty(struct hb *h, unsigned type)
{
	put16(h, type);
	put16(h, 0);
}

static void
ext_u16s(struct hb *h, unsigned type, bool vec8, const uint16_t *v,
    size_t n)
{
	size_t e, l, i;

	put16(h, type);
	e = open16(h);
	l = vec8 ? open8(h) : open16(h);
	for (i = 0; i < n; i++)
		put16(h, v[i]);
	if (vec8)
		close8(h, l);
	else
		close16(h, l);
	close16(h, e);
}

static void
ext_sni(struct hb *h, const char *name)
{
	size_t e, l, nl;

	put16(h, TLS_EXT_SERVER_NAME);
	e = open16(h);
	l = open16(h);
	put8(h, 0);			/* host_name */
	nl = open16(h);
	putn(h, name, strlen(name));
	close16(h, nl);
	close16(h, l);
	close16(h, e);
}

/* ext_alpn writes an ALPN extension with one protocol of |len| bytes. */
static void
ext_alpn(struct hb *h, const uint8_t *p, size_t len)
{
	size_t e, l;

	put16(h, TLS_EXT_ALPN);
	e = open16(h);
	l = open16(h);
	put8(h, (unsigned)len);
	putn(h, p, len);
	put8(h, 8);
	putn(h, "http/1.1", 8);
	close16(h, l);
	close16(h, e);
}

static void
ext_raw(struct hb *h, unsigned type, const void *p, size_t len)
{
	put16(h, type);
	put16(h, (unsigned)len);
	putn(h, p, len);
}

/* parse_ch parses |h| from an exactly-sized heap copy (so that ASan
 * catches any over-read) into |ch|. The copy is returned: |ch| borrows
 * from it, the caller frees it. */
static uint8_t *
parse_ch(const struct hb *h, struct tls_client_hello *ch, bool sslv2)
{
	uint8_t *copy = malloc(h->n);
	struct rd r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, h->b, h->n);
	rd_init(&r, copy, h->n);
	if (sslv2)
		ck_assert_int_eq(tls_parse_sslv2_client_hello(&r, ch), TLS_OK);
	else
		ck_assert_int_eq(tls_parse_client_hello(&r, ch), TLS_OK);
	return copy;
}

static struct fp_hasher *fh;

static void
setup(void)
{
	fh = fp_hasher_new();
	ck_assert_ptr_nonnull(fh);
}

static void
teardown(void)
{
	fp_hasher_free(fh);
	fh = NULL;
}

/*
 * The worked example of JA4.md: 15 suites, 16 extensions (in the order
 * the document lists them), 8 signature algorithms, ALPN h2, TLS 1.3 in
 * supported_versions. With |grease|, GREASE values are added to every
 * list (suites, extensions, supported_versions, groups, key shares,
 * signature algorithms), as Chrome does and more.
 */
static const uint16_t ex_suites[] = {
	0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
	0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
};
static const uint16_t ex_sigs[] = {
	0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
};

static void
build_example(struct hb *h, bool grease, bool sni, const uint8_t *alpn,
    size_t alpn_len)
{
	static const uint8_t cc[] = { 0x02, 0x00, 0x02 };
	static const uint8_t alps[] = { 0x00, 0x03, 0x02, 'h', '2' };
	static const uint8_t psk_modes[] = { 0x01, 0x01 };
	static const uint8_t status[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t reneg[] = { 0x00 };
	static const uint8_t ecpf[] = { 0x01, 0x00 };
	static const uint8_t pad[16] = { 0 };
	uint16_t vers[3], groups[4], sigs[9];
	uint8_t ks[2 + 2 + 2 + 32];
	size_t s, e, i, nv = 0, ng = 0, ns = 0;

	s = ch_start(h, 0x0303);
	if (grease)
		put16(h, 0x0a0a);
	for (i = 0; i < sizeof(ex_suites) / sizeof(ex_suites[0]); i++)
		put16(h, ex_suites[i]);
	e = ch_suites_end(h, s);
	if (grease)
		ext_empty(h, 0x1a1a);
	ext_raw(h, 0x001b, cc, sizeof(cc));
	if (sni)
		ext_sni(h, "example.com");
	/* key_share: one X25519 share (and a GREASE one). */
	memset(ks, 0x22, sizeof(ks));
	ks[0] = 0;
	ks[1] = 36;
	ks[2] = 0x00;
	ks[3] = 0x1d;
	ks[4] = 0;
	ks[5] = 32;
	if (grease) {
		static const uint8_t gks[] = { 0x00, 0x05 + 36, 0x3a, 0x3a,
		    0x00, 0x01, 0x00 };
		uint8_t all[sizeof(gks) + sizeof(ks) - 2];

		memcpy(all, gks, sizeof(gks));
		memcpy(all + sizeof(gks), ks + 2, sizeof(ks) - 2);
		ext_raw(h, TLS_EXT_KEY_SHARE, all, sizeof(all));
	} else
		ext_raw(h, TLS_EXT_KEY_SHARE, ks, sizeof(ks));
	if (alpn != NULL)
		ext_alpn(h, alpn, alpn_len);
	ext_raw(h, 0x4469, alps, sizeof(alps));
	ext_empty(h, TLS_EXT_EXTENDED_MASTER_SECRET);
	ext_raw(h, TLS_EXT_PSK_KEY_EXCHANGE_MODES, psk_modes,
	    sizeof(psk_modes));
	if (grease)
		sigs[ns++] = 0x5a5a;
	for (i = 0; i < sizeof(ex_sigs) / sizeof(ex_sigs[0]); i++)
		sigs[ns++] = ex_sigs[i];
	ext_u16s(h, TLS_EXT_SIGNATURE_ALGORITHMS, false, sigs, ns);
	ext_raw(h, TLS_EXT_STATUS_REQUEST, status, sizeof(status));
	ext_empty(h, TLS_EXT_SESSION_TICKET);
	ext_empty(h, 0x0012);
	if (grease)
		vers[nv++] = 0x6a6a;
	vers[nv++] = 0x0304;
	vers[nv++] = 0x0303;
	ext_u16s(h, TLS_EXT_SUPPORTED_VERSIONS, true, vers, nv);
	ext_raw(h, TLS_EXT_RENEGOTIATION_INFO, reneg, sizeof(reneg));
	ext_raw(h, TLS_EXT_EC_POINT_FORMATS, ecpf, sizeof(ecpf));
	if (grease)
		groups[ng++] = 0x7a7a;
	groups[ng++] = 0x001d;
	groups[ng++] = 0x0017;
	groups[ng++] = 0x0018;
	ext_u16s(h, TLS_EXT_SUPPORTED_GROUPS, false, groups, ng);
	if (grease)
		ext_raw(h, 0x8a8a, "\0", 1);
	ext_raw(h, 0x0015, pad, sizeof(pad));
	close16(h, e);
}

/*
 * JA3 string of the example:
 * 771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-
 * 157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0
 */
#define EX_JA3	"c000e2caf3a25423f9de6c8a4b12a975"
#define EX_JA4	"t13d1516h2_8daaf6152771_e5627efa2ab1"

START_TEST(test_ja4_spec_example)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t *buf;

	build_example(&h, false, true, (const uint8_t *)"h2", 2);
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, EX_JA4);
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, EX_JA3);
	free(buf);
}
END_TEST

/* GREASE in suites, extensions (first, last, middle), versions, groups,
 * key shares and signature algorithms changes neither fingerprint. */
START_TEST(test_grease_everywhere)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t *buf;

	build_example(&h, true, true, (const uint8_t *)"h2", 2);
	buf = parse_ch(&h, &ch, false);
	ck_assert(ch.has_grease);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, EX_JA4);
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, EX_JA3);
	free(buf);
}
END_TEST

/* No SNI: 'i' and one extension fewer; the hashes do not change since
 * SNI is not in the extension hash. */
START_TEST(test_ja4_no_sni)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1];
	uint8_t *buf;

	build_example(&h, false, false, (const uint8_t *)"h2", 2);
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "t13i1515h2_8daaf6152771_e5627efa2ab1");
	free(buf);
}
END_TEST

/* JA4.md "ALPN Extension Value": the two characters for a first ALPN
 * value, including its worked examples of non-alphanumeric bytes. */
static const struct {
	const char	*alpn;
	size_t		 len;
	const char	*want;
} alpn_cases[] = {
	{ "h2", 2, "h2" },
	{ "http/1.1", 8, "h1" },
	{ "h", 1, "hh" },		/* one character is first and last */
	{ "\xab", 1, "ab" },
	{ " ", 1, "20" },
	{ "\xab\xcd", 2, "ad" },
	{ " a", 2, "21" },
	{ "0\xab", 2, "3b" },
	{ "a ", 2, "60" },
	{ "01\xab\xcd", 4, "3d" },
	{ "0\xab\xcd" "1", 4, "01" },
	{ "\xba\xad", 2, "bd" },	/* ja4 tls-non-ascii-alpn.pcapng */
	{ "_x_", 3, "5f" },
	{ NULL, 0, "00" },		/* no ALPN extension */
};

START_TEST(test_ja4_alpn)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1];
	uint8_t *buf;

	build_example(&h, false, true, (const uint8_t *)alpn_cases[_i].alpn,
	    alpn_cases[_i].len);
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_uint_eq(strlen(ja4), FP_JA4_LEN);
	ck_assert_msg(memcmp(ja4 + 8, alpn_cases[_i].want, 2) == 0,
	    "case %d: %s", _i, ja4);
	/* ALPN never changes the counts' extension list or the hashes,
	 * except that no ALPN extension is one extension fewer. */
	ck_assert_str_eq(ja4 + 10, EX_JA4 + 10);
	ck_assert_int_eq(ja4[7], alpn_cases[_i].alpn == NULL ? '5' : '6');
	free(buf);
}
END_TEST

/* salesforce/ja3 README: its two worked examples. */
START_TEST(test_ja3_readme)
{
	static const uint16_t s1[] = { 47, 53, 5, 10, 49161, 49162, 49171,
	    49172, 50, 56, 19, 4 };
	static const uint16_t s2[] = { 4, 5, 10, 9, 100, 98, 3, 6, 19, 18,
	    99 };
	static const uint16_t groups[] = { 23, 24, 25 };
	static const uint8_t ecpf[] = { 0x01, 0x00 };
	struct hb h;
	struct tls_client_hello ch;
	char ja3[FP_MD5_LEN + 1];
	uint8_t *buf;
	size_t s, e, i;

	/* 769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,
	 * 23-24-25,0 */
	s = ch_start(&h, 0x0301);
	for (i = 0; i < sizeof(s1) / sizeof(s1[0]); i++)
		put16(&h, s1[i]);
	e = ch_suites_end(&h, s);
	ext_sni(&h, "a.example");
	ext_u16s(&h, TLS_EXT_SUPPORTED_GROUPS, false, groups, 3);
	ext_raw(&h, TLS_EXT_EC_POINT_FORMATS, ecpf, sizeof(ecpf));
	close16(&h, e);
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, "ada70206e40642a3e4461f35503241d5");
	free(buf);

	/* 769,4-5-10-9-100-98-3-6-19-18-99,,, (no extensions block) */
	s = ch_start(&h, 0x0301);
	for (i = 0; i < sizeof(s2) / sizeof(s2[0]); i++)
		put16(&h, s2[i]);
	(void)ch_suites_end(&h, s);
	h.n -= 2;			/* drop the extensions block */
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, "de350869b8c85de67a350c8d186f11e6");
	free(buf);
}
END_TEST

/* suricata-verify tls-ja3s: "771,49199,65281-0-11-16-23". */
START_TEST(test_ja3s)
{
	static const uint8_t reneg[] = { 0x00 };
	static const uint8_t ecpf[] = { 0x01, 0x00 };
	static const uint8_t alpn[] = { 0x00, 0x03, 0x02, 'h', '2' };
	struct hb h;
	struct tls_server_hello sh;
	char ja3s[FP_MD5_LEN + 1];
	uint8_t random[32], *copy;
	struct rd r;
	size_t e;

	memset(&h, 0, sizeof(h));
	memset(random, 0x33, sizeof(random));
	put16(&h, 0x0303);
	putn(&h, random, sizeof(random));
	put8(&h, 0);
	put16(&h, 49199);
	put8(&h, 0);
	e = open16(&h);
	ext_raw(&h, TLS_EXT_RENEGOTIATION_INFO, reneg, sizeof(reneg));
	ext_empty(&h, TLS_EXT_SERVER_NAME);
	ext_raw(&h, TLS_EXT_EC_POINT_FORMATS, ecpf, sizeof(ecpf));
	ext_raw(&h, TLS_EXT_ALPN, alpn, sizeof(alpn));
	ext_empty(&h, TLS_EXT_EXTENDED_MASTER_SECRET);
	close16(&h, e);
	copy = malloc(h.n);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, h.b, h.n);
	rd_init(&r, copy, h.n);
	ck_assert_int_eq(tls_parse_server_hello(&r, &sh), TLS_OK);
	ck_assert(fp_ja3s(fh, ja3s, &sh));
	ck_assert_str_eq(ja3s, "5d79edf64e03689ff559a54e9d9487bc");
	free(copy);
}
END_TEST

/*
 * An SSLv2-compatible hello (RFC 5246 E.2) announcing TLS 1.0, with one
 * SSLv2-only CipherSpec (RC4_128_WITH_MD5, 0x010080) and four TLS
 * suites. JA4: version 10, no SNI, the 4 TLS suites, no extensions:
 *   000a,002f,0035,00ff -> e2f6df6ad119
 * JA3 is not defined on it.
 */
START_TEST(test_sslv2_hello)
{
	static const uint8_t specs[] = {
		0x01, 0x00, 0x80, 0x00, 0x00, 0x35, 0x00, 0x00, 0x2f,
		0x00, 0x00, 0x0a, 0x00, 0x00, 0xff,
	};
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t chal[16], *buf;

	memset(&h, 0, sizeof(h));
	memset(chal, 0x44, sizeof(chal));
	put8(&h, 1);				/* CLIENT-HELLO */
	put16(&h, 0x0301);
	put16(&h, sizeof(specs));
	put16(&h, 0);				/* session id */
	put16(&h, sizeof(chal));
	putn(&h, specs, sizeof(specs));
	putn(&h, chal, sizeof(chal));
	buf = parse_ch(&h, &ch, true);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "t10i040000_e2f6df6ad119_000000000000");
	ck_assert(!fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, "");
	free(buf);
}
END_TEST

/*
 * A TLS 1.0 hello without extensions: "i", no ALPN, 00 extensions, the
 * extension hash twelve zeros. The suites are sent 0035, 002f: JA4 sorts
 * them, JA3 keeps the wire order.
 *   002f,0035 -> f54dd463d39b; JA3 "769,53-47,,,".
 */
START_TEST(test_no_extensions)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t *buf;
	size_t s;

	s = ch_start(&h, 0x0301);
	put16(&h, 0x0035);
	put16(&h, 0x002f);
	(void)ch_suites_end(&h, s);
	h.n -= 2;
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "t10i020000_f54dd463d39b_000000000000");
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, "89eaa18a4d23e99e26753e524a2a5d16");
	free(buf);
}
END_TEST

/*
 * Only SNI and ALPN: both count, neither is hashed, so the extension
 * hash is twelve zeros. One suite: 1301 -> 0f2cb44170f4.
 */
START_TEST(test_only_sni_alpn)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1];
	uint8_t *buf;
	size_t s, e;

	s = ch_start(&h, 0x0303);
	put16(&h, 0x1301);
	e = ch_suites_end(&h, s);
	ext_sni(&h, "example.com");
	ext_alpn(&h, (const uint8_t *)"h2", 2);
	close16(&h, e);
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "t12d0102h2_0f2cb44170f4_000000000000");
	free(buf);
}
END_TEST

/*
 * Version: the highest non-GREASE supported_versions entry, numerically
 * (a TLS 1.3 draft, 0x7f1c, is above 0x0304 and unknown: "00"); with
 * only GREASE there, the hello's own version.
 */
START_TEST(test_ja4_versions)
{
	static const uint16_t draft[] = { 0x0303, 0x7f1c, 0x0304 };
	static const uint16_t only_grease[] = { 0x2a2a };
	static const uint16_t old[] = { 0x0300, 0x0301 };
	static const struct {
		const uint16_t	*v;
		size_t		 n;
		const char	*want;
	} cases[] = {
		{ draft, 3, "t00" },
		{ only_grease, 1, "t12" },
		{ old, 2, "t10" },
	};
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1];
	uint8_t *buf;
	size_t s, e, i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = ch_start(&h, 0x0303);
		put16(&h, 0x1301);
		e = ch_suites_end(&h, s);
		ext_u16s(&h, TLS_EXT_SUPPORTED_VERSIONS, true, cases[i].v,
		    cases[i].n);
		close16(&h, e);
		buf = parse_ch(&h, &ch, false);
		ck_assert(fp_ja4(fh, ja4, &ch));
		ck_assert_msg(strncmp(ja4, cases[i].want, 3) == 0, "%s", ja4);
		free(buf);
	}
}
END_TEST

/*
 * 120 suites (0x0001 .. 0x0078): the count is capped at 99, the hash has
 * them all: "0001,0002,...,0078" -> 0f8860b09f90. 1100 suites: more than
 * LIMIT_FP_SORT, no JA4, but JA3 (no sort) still.
 */
START_TEST(test_long_lists)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t *buf;
	size_t s, i;

	s = ch_start(&h, 0x0303);
	for (i = 120; i >= 1; i--)
		put16(&h, (unsigned)i);
	(void)ch_suites_end(&h, s);
	h.n -= 2;
	buf = parse_ch(&h, &ch, false);
	ck_assert(fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "t12i990000_0f8860b09f90_000000000000");
	free(buf);

	s = ch_start(&h, 0x0303);
	for (i = 0; i < LIMIT_FP_SORT + 76; i++)
		put16(&h, (unsigned)(0x1000 + i));
	(void)ch_suites_end(&h, s);
	h.n -= 2;
	buf = parse_ch(&h, &ch, false);
	ck_assert(!fp_ja4(fh, ja4, &ch));
	ck_assert_str_eq(ja4, "");
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_uint_eq(strlen(ja3), FP_MD5_LEN);
	free(buf);
}
END_TEST

/* A malformed ec_point_formats list is left out of JA3 (the field is
 * empty) without failing the hello. */
START_TEST(test_ja3_bad_point_formats)
{
	static const uint8_t bad[] = { 0x02, 0x00 };	/* length 2, 1 byte */
	struct hb h;
	struct tls_client_hello ch;
	char ja3[FP_MD5_LEN + 1];
	uint8_t *buf;
	size_t s, e;

	/* "769,47-53,11,," -> db2d34c57fe2b936e325c508779a286e */
	s = ch_start(&h, 0x0301);
	put16(&h, 0x002f);
	put16(&h, 0x0035);
	e = ch_suites_end(&h, s);
	ext_raw(&h, TLS_EXT_EC_POINT_FORMATS, bad, sizeof(bad));
	close16(&h, e);
	buf = parse_ch(&h, &ch, false);
	ck_assert(!ch.has_ec_formats);
	ck_assert(fp_ja3(fh, ja3, &ch));
	ck_assert_str_eq(ja3, "db2d34c57fe2b936e325c508779a286e");
	free(buf);
}
END_TEST

/*
 * The memo: a hello seen again gives the same fingerprints as computed
 * afresh; a hello differing only by GREASE shares them; one with the same
 * suites in another order does not (JA3 keeps the order, JA4 not).
 */
START_TEST(test_memo)
{
	struct hb h;
	struct tls_client_hello ch;
	char ja4[FP_JA4_LEN + 1], ja3[FP_MD5_LEN + 1];
	uint8_t *buf;
	int round;
	size_t s;

	for (round = 0; round < 2; round++) {
		build_example(&h, false, true, (const uint8_t *)"h2", 2);
		buf = parse_ch(&h, &ch, false);
		fp_client_hello(fh, ja4, ja3, &ch);
		ck_assert_str_eq(ja4, EX_JA4);
		ck_assert_str_eq(ja3, EX_JA3);
		free(buf);
		build_example(&h, true, true, (const uint8_t *)"h2", 2);
		buf = parse_ch(&h, &ch, false);
		fp_client_hello(fh, ja4, ja3, &ch);
		ck_assert_str_eq(ja4, EX_JA4);
		ck_assert_str_eq(ja3, EX_JA3);
		free(buf);
		/* "769,47-53,,," and "769,53-47,,,": same JA4. */
		s = ch_start(&h, 0x0301);
		put16(&h, 0x002f);
		put16(&h, 0x0035);
		(void)ch_suites_end(&h, s);
		h.n -= 2;
		buf = parse_ch(&h, &ch, false);
		fp_client_hello(fh, ja4, ja3, &ch);
		ck_assert_str_eq(ja4, "t10i020000_f54dd463d39b_000000000000");
		ck_assert_str_eq(ja3, "dac4920d4335e769327dbf4e1b759e15");
		free(buf);
		s = ch_start(&h, 0x0301);
		put16(&h, 0x0035);
		put16(&h, 0x002f);
		(void)ch_suites_end(&h, s);
		h.n -= 2;
		buf = parse_ch(&h, &ch, false);
		fp_client_hello(fh, ja4, ja3, &ch);
		ck_assert_str_eq(ja4, "t10i020000_f54dd463d39b_000000000000");
		ck_assert_str_eq(ja3, "89eaa18a4d23e99e26753e524a2a5d16");
		free(buf);
	}
}
END_TEST

static Suite *
fingerprint_suite(void)
{
	Suite *s;
	TCase *core, *edge;

	s = suite_create("fingerprint");
	core = tcase_create("Core");
	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_ja4_spec_example);
	tcase_add_test(core, test_ja3_readme);
	tcase_add_test(core, test_ja3s);
	suite_add_tcase(s, core);
	edge = tcase_create("Edge");
	tcase_add_checked_fixture(edge, setup, teardown);
	tcase_add_test(edge, test_grease_everywhere);
	tcase_add_test(edge, test_ja4_no_sni);
	tcase_add_loop_test(edge, test_ja4_alpn, 0,
	    sizeof(alpn_cases) / sizeof(alpn_cases[0]));
	tcase_add_test(edge, test_sslv2_hello);
	tcase_add_test(edge, test_no_extensions);
	tcase_add_test(edge, test_only_sni_alpn);
	tcase_add_test(edge, test_ja4_versions);
	tcase_add_test(edge, test_long_lists);
	tcase_add_test(edge, test_ja3_bad_point_formats);
	tcase_add_test(edge, test_memo);
	suite_add_tcase(s, edge);
	return s;
}

int
main(void)
{
	return check_run(fingerprint_suite());
}
