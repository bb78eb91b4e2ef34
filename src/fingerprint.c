/* fingerprint.c - TLS fingerprints: JA4 (client), JA3 and JA3S. */
/*
 * Written from the published descriptions, not from their code:
 *   JA4: FoxIO-LLC/ja4 technical_details/JA4.md (BSD 3-Clause). Only the
 *        TLS client fingerprint; the rest of JA4+ is under another license.
 *   JA3, JA3S: salesforce/ja3 README.md (BSD 3-Clause).
 * Each string is fed to the digest through a small stack buffer as it is
 * formed, so that no list length needs a heap buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fingerprint.h"
#include "limits.h"
#include "rd.h"

struct fp_hasher {
	EVP_MD		*md5;		/* NULL when the library has none */
	EVP_MD		*sha256;
	EVP_MD_CTX	*ctx;
};

struct fp_hasher *
fp_hasher_new(void)
{
	struct fp_hasher *h;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	h->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || (h->md5 == NULL && h->sha256 == NULL)) {
		fp_hasher_free(h);
		return NULL;
	}
	return h;
}

void
fp_hasher_free(struct fp_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_free(h->md5);
	EVP_MD_free(h->sha256);
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

/* ---- a digest fed through a stack buffer ---- */

struct dstream {
	EVP_MD_CTX	*ctx;
	bool		 ok;
	size_t		 len;
	char		 buf[256];
};

static bool
ds_start(struct dstream *d, struct fp_hasher *h, const EVP_MD *md)
{
	d->ctx = h->ctx;
	d->ok = md != NULL && EVP_DigestInit_ex(h->ctx, md, NULL) == 1;
	d->len = 0;
	return d->ok;
}

static void
ds_flush(struct dstream *d)
{
	if (d->ok && d->len > 0 &&
	    EVP_DigestUpdate(d->ctx, d->buf, d->len) != 1)
		d->ok = false;
	d->len = 0;
}

static void
ds_put(struct dstream *d, const char *s, size_t n)
{
	if (d->len + n > sizeof(d->buf))
		ds_flush(d);
	if (n > sizeof(d->buf)) {
		if (d->ok && EVP_DigestUpdate(d->ctx, s, n) != 1)
			d->ok = false;
		return;
	}
	memcpy(d->buf + d->len, s, n);
	d->len += n;
}

static void
ds_char(struct dstream *d, char c)
{
	ds_put(d, &c, 1);
}

/* ds_dec writes |v| in decimal. */
static void
ds_dec(struct dstream *d, unsigned v)
{
	char t[8];
	size_t n = sizeof(t);

	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n > 0);
	ds_put(d, t + n, sizeof(t) - n);
}

static const char hexdig[] = "0123456789abcdef";

/* ds_hex4 writes |v| as 4 lower-case hex digits. */
static void
ds_hex4(struct dstream *d, uint16_t v)
{
	char t[4];

	t[0] = hexdig[(v >> 12) & 0xf];
	t[1] = hexdig[(v >> 8) & 0xf];
	t[2] = hexdig[(v >> 4) & 0xf];
	t[3] = hexdig[v & 0xf];
	ds_put(d, t, sizeof(t));
}

/* ds_end finishes the digest and writes its first |hex_len| hex digits
 * and a NUL into |out|. */
static bool
ds_end(struct dstream *d, char *out, size_t hex_len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t i;

	ds_flush(d);
	if (!d->ok || EVP_DigestFinal_ex(d->ctx, md, &md_len) != 1 ||
	    (size_t)md_len * 2 < hex_len)
		return false;
	for (i = 0; i < hex_len; i++)
		out[i] = hexdig[(md[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf];
	out[hex_len] = '\0';
	return true;
}

/* ---- walking the borrowed vectors ---- */

/* next_u16 reads the next code point of a vector of uint16. */
static bool
next_u16(struct rd *r, uint16_t *v)
{
	return rd_u16(r, v);
}

/* next_ext reads the type of the next Extension of an extensions block
 * and skips its data (RFC 8446 4.2; the block was checked when parsed). */
static bool
next_ext(struct rd *r, uint16_t *type)
{
	struct rd data;

	return rd_u16(r, type) && rd_vec16(r, &data);
}

/* next_v2_suite reads the next CipherSpec of an SSLv2-compatible hello
 * that is a TLS suite (first byte 0), skipping the SSLv2-only ones. */
static bool
next_v2_suite(struct rd *r, uint16_t *v)
{
	uint8_t kind;

	while (rd_u8(r, &kind)) {
		if (!rd_u16(r, v))
			return false;
		if (kind == 0)
			return true;
	}
	return false;
}

static bool
next_suite(const struct tls_client_hello *ch, struct rd *r, uint16_t *v)
{
	return ch->sslv2 ? next_v2_suite(r, v) : next_u16(r, v);
}

/* ds_dec_list writes the non-GREASE values of the uint16 vector |r| in
 * decimal, joined by '-' (JA3). */
static void
ds_dec_list(struct dstream *d, struct rd r, bool exts)
{
	uint16_t v;
	bool first = true;

	while (exts ? next_ext(&r, &v) : next_u16(&r, &v)) {
		if (tls_is_grease(v))
			continue;
		if (!first)
			ds_char(d, '-');
		ds_dec(d, v);
		first = false;
	}
}

/* ---- JA3 and JA3S ---- */

bool
fp_ja3(struct fp_hasher *h, char out[FP_MD5_LEN + 1],
    const struct tls_client_hello *ch)
{
	struct dstream d;
	struct rd r;
	uint8_t f;
	bool first = true;

	out[0] = '\0';
	if (ch->sslv2 || !ds_start(&d, h, h->md5))
		return false;
	/* SSLVersion,Cipher,SSLExtension,EllipticCurve,EllipticCurvePointFormat */
	ds_dec(&d, ch->legacy_version);
	ds_char(&d, ',');
	ds_dec_list(&d, ch->raw_suites, false);
	ds_char(&d, ',');
	ds_dec_list(&d, ch->raw_exts, true);
	ds_char(&d, ',');
	ds_dec_list(&d, ch->raw_groups, false);
	ds_char(&d, ',');
	if (ch->has_ec_formats) {
		r = ch->raw_ec_formats;
		while (rd_u8(&r, &f)) {
			if (!first)
				ds_char(&d, '-');
			ds_dec(&d, f);
			first = false;
		}
	}
	return ds_end(&d, out, FP_MD5_LEN);
}

bool
fp_ja3s(struct fp_hasher *h, char out[FP_MD5_LEN + 1],
    const struct tls_server_hello *sh)
{
	struct dstream d;
	struct rd r = sh->raw_exts;
	uint16_t v;
	bool first = true;

	out[0] = '\0';
	if (!ds_start(&d, h, h->md5))
		return false;
	/* SSLVersion,Cipher,SSLExtension. The published JA3S leaves the
	 * server's extension list as it is (servers send no GREASE in a
	 * ServerHello, RFC 8701 4). */
	ds_dec(&d, sh->legacy_version);
	ds_char(&d, ',');
	ds_dec(&d, sh->suite);
	ds_char(&d, ',');
	while (next_ext(&r, &v)) {
		if (!first)
			ds_char(&d, '-');
		ds_dec(&d, v);
		first = false;
	}
	return ds_end(&d, out, FP_MD5_LEN);
}

/* ---- JA4 ---- */

/* ja4_version maps a protocol version to JA4's two characters. */
static const char *
ja4_version(uint16_t v)
{
	switch (v) {
	case TLS_V_TLS13:
		return "13";
	case TLS_V_TLS12:
		return "12";
	case TLS_V_TLS11:
		return "11";
	case TLS_V_TLS10:
		return "10";
	case TLS_V_SSL3:
		return "s3";
	case TLS_V_SSL2:
		return "s2";
	case 0xfeff:
		return "d1";	/* DTLS 1.0 */
	case 0xfefd:
		return "d2";	/* DTLS 1.2 */
	case 0xfefc:
		return "d3";	/* DTLS 1.3 */
	default:
		return "00";
	}
}

static bool
is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/*
 * ja4_alpn writes the two ALPN characters: "00" without a first ALPN
 * value; its first and last bytes when both are ASCII alphanumerics (a
 * one-byte value is both); otherwise the first and last characters of
 * the value's hex form, the high nibble of the first byte and the low
 * nibble of the last.
 */
static void
ja4_alpn(char out[2], const struct tls_client_hello *ch)
{
	const struct tls_name *p;
	uint8_t a, z;

	if (ch->alpn.num == 0 || ch->alpn.proto[0].len == 0) {
		out[0] = out[1] = '0';
		return;
	}
	p = &ch->alpn.proto[0];
	a = p->b[0];
	z = p->b[p->len - 1];
	if (is_alnum(a) && is_alnum(z)) {
		out[0] = (char)a;
		out[1] = (char)z;
	} else {
		out[0] = hexdig[a >> 4];
		out[1] = hexdig[z & 0xf];
	}
}

static int
cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* sort_u16 sorts |v| in place: insertion sort for the usual few dozen
 * values, qsort beyond. */
static void
sort_u16(uint16_t *v, size_t n)
{
	size_t i, j;
	uint16_t t;

	if (n > 64) {
		qsort(v, n, sizeof(*v), cmp_u16);
		return;
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* ds_hex_joined writes |v| as comma-joined 4-digit hex. */
static void
ds_hex_joined(struct dstream *d, const uint16_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			ds_char(d, ',');
		ds_hex4(d, v[i]);
	}
}

bool
fp_ja4(struct fp_hasher *h, char out[FP_JA4_LEN + 1],
    const struct tls_client_hello *ch)
{
	uint16_t v[LIMIT_FP_SORT];
	struct dstream d;
	struct rd r;
	uint16_t x, version = 0;
	size_t n, num_suites = 0, num_exts = 0, num_sigs = 0;
	bool sni = false;
	char alpn[2];

	out[0] = '\0';
	if (h->sha256 == NULL)
		return false;

	/* Version: the highest non-GREASE supported_versions entry, else
	 * the hello's version field (the record version is not used). */
	r = ch->raw_versions;
	while (next_u16(&r, &x))
		if (!tls_is_grease(x) && x > version)
			version = x;
	if (version == 0)
		version = ch->legacy_version;

	/* Cipher hash (JA4_b): sorted hex, GREASE left out, SCSVs kept. */
	n = 0;
	r = ch->raw_suites;
	while (next_suite(ch, &r, &x)) {
		if (tls_is_grease(x))
			continue;
		if (n == LIMIT_FP_SORT)
			return false;
		v[n++] = x;
	}
	num_suites = n;
	sort_u16(v, n);
	if (n == 0)
		memcpy(out + 11, "000000000000", 12);
	else {
		if (!ds_start(&d, h, h->sha256))
			return false;
		ds_hex_joined(&d, v, n);
		if (!ds_end(&d, out + 11, 12))
			return false;
	}

	/* Extension hash (JA4_c): sorted hex without GREASE, SNI (0000) and
	 * ALPN (0010), then '_' and the signature algorithms in wire order
	 * when there are any. No extension left: twelve zeros. */
	n = 0;
	r = ch->raw_exts;
	while (next_ext(&r, &x)) {
		if (tls_is_grease(x))
			continue;
		num_exts++;
		if (x == TLS_EXT_SERVER_NAME)
			sni = true;
		if (x == TLS_EXT_SERVER_NAME || x == TLS_EXT_ALPN)
			continue;
		if (n == LIMIT_FP_SORT)
			return false;
		v[n++] = x;
	}
	sort_u16(v, n);
	if (n == 0)
		memcpy(out + 24, "000000000000", 12);
	else {
		if (!ds_start(&d, h, h->sha256))
			return false;
		ds_hex_joined(&d, v, n);
		r = ch->raw_sig_algs;
		while (next_u16(&r, &x)) {
			if (tls_is_grease(x))
				continue;
			ds_char(&d, num_sigs == 0 ? '_' : ',');
			ds_hex4(&d, x);
			num_sigs++;
		}
		if (!ds_end(&d, out + 24, 12))
			return false;
	}

	/* JA4_a: t, version, d/i, counts capped at 99, ALPN. */
	ja4_alpn(alpn, ch);
	snprintf(out, 11, "t%s%c%02zu%02zu", ja4_version(version),
	    sni ? 'd' : 'i', num_suites > 99 ? (size_t)99 : num_suites,
	    num_exts > 99 ? (size_t)99 : num_exts);
	out[8] = alpn[0];
	out[9] = alpn[1];
	out[10] = '_';
	out[23] = '_';
	out[FP_JA4_LEN] = '\0';
	return true;
}
