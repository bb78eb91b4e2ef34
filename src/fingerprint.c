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
#include "util.h"

/* A remembered hello shape: |key| is its fingerprint inputs (fkey). */
struct fp_memo {
	uint64_t	hash;
	size_t		key_len;	/* 0: empty */
	uint8_t		key[LIMIT_FP_MEMO_KEY];
	char		ja4[FP_JA4_LEN + 1];
	char		ja3[FP_MD5_LEN + 1];	/* JA3S for a ServerHello */
};

struct fp_hasher {
	EVP_MD		*md5;		/* NULL when the library has none */
	EVP_MD		*sha256;
	EVP_MD_CTX	*ctx;
	struct fp_memo	memo[LIMIT_FP_MEMO];
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
	char		 buf[512];
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

/* ds_room returns where |need| (at most 8) more characters go. */
static inline char *
ds_room(struct dstream *d, size_t need)
{
	if (d->len + need > sizeof(d->buf))
		ds_flush(d);
	return d->buf + d->len;
}

static inline void
ds_char(struct dstream *d, char c)
{
	*ds_room(d, 1) = c;
	d->len++;
}

/* ds_dec writes |v| (at most 65535) in decimal. */
static inline void
ds_dec(struct dstream *d, unsigned v)
{
	char t[5], *p = ds_room(d, sizeof(t));
	size_t n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < sizeof(t));
	while (n > 0)
		*p++ = t[--n];
	d->len = (size_t)(p - d->buf);
}

static const char hexdig[] = "0123456789abcdef";

/* ds_hex4 writes |v| as 4 lower-case hex digits. */
static inline void
ds_hex4(struct dstream *d, uint16_t v)
{
	char *p = ds_room(d, 4);

	p[0] = hexdig[(v >> 12) & 0xf];
	p[1] = hexdig[(v >> 8) & 0xf];
	p[2] = hexdig[(v >> 4) & 0xf];
	p[3] = hexdig[v & 0xf];
	d->len += 4;
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

/* grease is tls_is_grease (RFC 8701), inline: it runs on every value. */
static inline bool
grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* next_u16 reads the next code point of a vector of uint16. */
static inline bool
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
		if (grease(v))
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
		if (!grease(x) && x > version)
			version = x;
	if (version == 0)
		version = ch->legacy_version;

	/* Cipher hash (JA4_b): sorted hex, GREASE left out, SCSVs kept. */
	n = 0;
	r = ch->raw_suites;
	while (next_suite(ch, &r, &x)) {
		if (grease(x))
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
		if (grease(x))
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
			if (grease(x))
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

/* ---- the memo ---- */

static const char none[FP_JA4_LEN + 1];	/* an absent fingerprint */

/* A fingerprint key under construction; |ok| false once it overflows. */
struct fkey {
	uint8_t	b[LIMIT_FP_MEMO_KEY];
	size_t	len;
	bool	ok;
};

static void
fk_u16(struct fkey *k, uint16_t v)
{
	if (k->len + 2 > sizeof(k->b)) {
		k->ok = false;
		return;
	}
	k->b[k->len++] = (uint8_t)(v >> 8);
	k->b[k->len++] = (uint8_t)v;
}

/* fk_mark starts a counted list; fk_count fills its count in. */
static size_t
fk_mark(struct fkey *k)
{
	size_t at = k->len;

	fk_u16(k, 0);
	return at;
}

static void
fk_count(struct fkey *k, size_t at, size_t n)
{
	if (k->ok) {
		k->b[at] = (uint8_t)(n >> 8);
		k->b[at + 1] = (uint8_t)n;
	}
}

enum fk_kind {
	FK_U16,		/* a vector of uint16 */
	FK_EXTS,	/* an extensions block: its types */
	FK_SUITES,	/* the hello's suites (TLS or SSLv2 form) */
};

/* fk_list appends the non-GREASE code points of |r|, counted. A vector
 * holds at most 32767 of them, so the 16-bit count is exact. Extension
 * types come from the parser's list when it kept them all. */
static void
fk_list(struct fkey *k, struct rd r, enum fk_kind kind,
    const struct tls_client_hello *ch)
{
	size_t at = fk_mark(k), n = 0, i;
	uint16_t v;
	uint8_t *o;
	bool more;

	/* At most one key byte per wire byte (a type is 2 of an extension's
	 * 4 or more, a suite 2 of 2 or 3). */
	if (!k->ok || k->len + rd_left(&r) > sizeof(k->b)) {
		k->ok = false;
		return;
	}
	o = k->b + k->len;
	if (kind == FK_EXTS && ch->exts.num == ch->exts.total) {
		for (i = 0; i < ch->exts.num; i++) {
			v = ch->exts.v[i];
			if (grease(v))
				continue;
			*o++ = (uint8_t)(v >> 8);
			*o++ = (uint8_t)v;
			n++;
		}
		k->len = (size_t)(o - k->b);
		fk_count(k, at, n);
		return;
	}
	for (;;) {
		switch (kind) {
		case FK_U16:
			more = next_u16(&r, &v);
			break;
		case FK_EXTS:
			more = next_ext(&r, &v);
			break;
		case FK_SUITES:
		default:
			more = next_suite(ch, &r, &v);
			break;
		}
		if (!more)
			break;
		if (grease(v))
			continue;
		*o++ = (uint8_t)(v >> 8);
		*o++ = (uint8_t)v;
		n++;
	}
	k->len = (size_t)(o - k->b);
	fk_count(k, at, n);
}

static struct fp_memo *
memo_find(struct fp_hasher *h, const struct fkey *k, uint64_t *hv)
{
	struct fp_memo *m;

	*hv = hash_bytes(k->b, k->len);
	m = &h->memo[*hv % LIMIT_FP_MEMO];
	if (m->key_len == k->len && m->hash == *hv &&
	    memcmp(m->key, k->b, k->len) == 0)
		return m;
	return NULL;
}

static void
memo_store(struct fp_hasher *h, const struct fkey *k, uint64_t hv,
    const char *ja4, const char *ja3)
{
	struct fp_memo *m = &h->memo[hv % LIMIT_FP_MEMO];

	m->hash = hv;
	m->key_len = k->len;
	memcpy(m->key, k->b, k->len);
	memcpy(m->ja4, ja4, sizeof(m->ja4));
	memcpy(m->ja3, ja3, sizeof(m->ja3));
}

void
fp_client_hello(struct fp_hasher *h, char ja4[FP_JA4_LEN + 1],
    char ja3[FP_MD5_LEN + 1], const struct tls_client_hello *ch)
{
	const struct tls_name *a;
	struct fp_memo *m;
	struct fkey k;
	uint64_t hv;
	uint8_t *p;
	size_t i;

	/* Everything both fingerprints read, GREASE left out. */
	k.len = 0;
	k.ok = true;
	fk_u16(&k, 'C');
	fk_u16(&k, ch->legacy_version);
	fk_u16(&k, ch->sslv2 ? 1 : 0);
	fk_list(&k, ch->raw_suites, FK_SUITES, ch);
	fk_list(&k, ch->raw_exts, FK_EXTS, ch);
	fk_list(&k, ch->raw_groups, FK_U16, ch);
	fk_list(&k, ch->raw_sig_algs, FK_U16, ch);
	fk_list(&k, ch->raw_versions, FK_U16, ch);
	fk_u16(&k, ch->has_ec_formats ? 1 : 0);
	fk_u16(&k, (uint16_t)rd_left(&ch->raw_ec_formats));
	if (k.ok && ch->has_ec_formats &&
	    k.len + rd_left(&ch->raw_ec_formats) <= sizeof(k.b)) {
		p = k.b + k.len;
		for (i = 0; i < rd_left(&ch->raw_ec_formats); i++)
			(void)rd_peek_u8(&ch->raw_ec_formats, i, &p[i]);
		k.len += i;
	} else if (ch->has_ec_formats)
		k.ok = false;
	/* ALPN: JA4 reads only whether there is a first value, and its
	 * first and last bytes. */
	a = ch->alpn.num > 0 ? &ch->alpn.proto[0] : NULL;
	fk_u16(&k, a != NULL && a->len > 0 ? 1 : 0);
	if (a != NULL && a->len > 0)
		fk_u16(&k, (uint16_t)((unsigned)a->b[0] << 8 |
		    a->b[a->len - 1]));

	if (k.ok) {
		m = memo_find(h, &k, &hv);
		if (m != NULL) {
			memcpy(ja4, m->ja4, FP_JA4_LEN + 1);
			memcpy(ja3, m->ja3, FP_MD5_LEN + 1);
			return;
		}
	}
	if (!fp_ja4(h, ja4, ch))
		memcpy(ja4, none, FP_JA4_LEN + 1);
	if (!fp_ja3(h, ja3, ch))
		memcpy(ja3, none, FP_MD5_LEN + 1);
	if (k.ok)
		memo_store(h, &k, hv, ja4, ja3);
}

void
fp_server_hello(struct fp_hasher *h, char ja3s[FP_MD5_LEN + 1],
    const struct tls_server_hello *sh)
{
	struct fp_memo *m;
	struct fkey k;
	struct rd r = sh->raw_exts;
	uint64_t hv;
	uint16_t v;
	size_t at, n = 0;

	/* JA3S keeps GREASE (see fp_ja3s), so the key does too. */
	k.len = 0;
	k.ok = true;
	fk_u16(&k, 'S');
	fk_u16(&k, sh->legacy_version);
	fk_u16(&k, sh->suite);
	at = fk_mark(&k);
	while (next_ext(&r, &v)) {
		fk_u16(&k, v);
		n++;
	}
	fk_count(&k, at, n);
	if (k.ok) {
		m = memo_find(h, &k, &hv);
		if (m != NULL) {
			memcpy(ja3s, m->ja3, FP_MD5_LEN + 1);
			return;
		}
	}
	(void)fp_ja3s(h, ja3s, sh);
	if (k.ok)
		memo_store(h, &k, hv, none, ja3s);
}
