/* check_x509.c - unit tests for certificate summaries, cache and checks. */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "limits.h"
#include "x509.h"
#include "check_main.h"

/* Capture times inside and around the test PKI's validity windows
 * (tests/certs/make-certs.sh): never today's date. */
#define AT_VALID	1906502400LL	/* 2030-06-01T00:00:00Z */
#define AT_EXPIRED	1613520000LL	/* 2021-02-17, 2020-01-02 + 412 days */
#define AT_SOON		2397340800LL	/* 2045-12-20, 11 days before the end */
#define AT_LATE		2537654400LL	/* 2050-06-01, after every CA */
#define LEAF_START	1577836800LL	/* 2020-01-01T00:00:00Z */
#define LEAF_END	2398291200LL	/* 2045-12-31T00:00:00Z */

#define MAX_FINDINGS	32

/* Length of tests/certs/leaf.der, read before the loop test is added. */
static size_t leaf_len;

/* cert_path writes $srcdir/tests/certs/NAME. */
static void
cert_path(char *out, size_t out_len, const char *name)
{
	const char *srcdir = getenv("srcdir");
	int n;

	n = snprintf(out, out_len, "%s/tests/certs/%s",
	    srcdir != NULL ? srcdir : ".", name);
	ck_assert(n > 0 && (size_t)n < out_len);
}

/* load_der reads tests/certs/NAME.der into an exactly-sized heap buffer
 * (so that ASan and valgrind catch over-reads). */
static uint8_t *
load_der(const char *name, size_t *out_len)
{
	char path[1024], file[256];
	uint8_t *b;
	FILE *f;
	long len;

	(void)snprintf(file, sizeof(file), "%s.der", name);
	cert_path(path, sizeof(path), file);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	ck_assert(len > 0);
	rewind(f);
	b = malloc((size_t)len);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*out_len = (size_t)len;
	return b;
}

static uint8_t *
dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *b;

	b = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(b);
	if (len > 0)
		memcpy(b, p, len);
	return b;
}

/* get parses tests/certs/NAME.der through |c|; it must parse. */
static struct x509_cert *
get(struct x509_cache *c, const char *name)
{
	struct x509_cert *x;
	uint8_t *der;
	size_t len;

	der = load_der(name, &len);
	x = x509_cache_get(c, der, len);
	free(der);
	ck_assert_msg(x != NULL, "%s does not parse", name);
	return x;
}

/* name_der returns the DER subject name of tests/certs/NAME.der. */
static uint8_t *
name_der(const char *name, size_t *out_len)
{
	const unsigned char *p;
	unsigned char *out = NULL;
	uint8_t *der, *b;
	size_t len;
	X509 *x;
	int n;

	der = load_der(name, &len);
	p = der;
	x = d2i_X509(NULL, &p, (long)len);
	ck_assert_ptr_nonnull(x);
	n = i2d_X509_NAME(X509_get_subject_name(x), &out);
	ck_assert_int_gt(n, 0);
	b = dup_exact(out, (size_t)n);
	OPENSSL_free(out);
	X509_free(x);
	free(der);
	*out_len = (size_t)n;
	return b;
}

/* cn_der returns the DER of the Name "CN=|cn|". */
static uint8_t *
cn_der(const char *cn, size_t *out_len)
{
	X509_NAME *nm;
	unsigned char *out = NULL;
	uint8_t *b;
	int n;

	nm = X509_NAME_new();
	ck_assert_ptr_nonnull(nm);
	ck_assert(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0));
	n = i2d_X509_NAME(nm, &out);
	ck_assert_int_gt(n, 0);
	b = dup_exact(out, (size_t)n);
	OPENSSL_free(out);
	X509_NAME_free(nm);
	*out_len = (size_t)n;
	return b;
}

/* struct run is one chain under test, its cache and its findings. */
struct run {
	struct x509_cache	*cache;
	struct x509_cert	*chain[LIMIT_CHAIN_CERTS];
	size_t			 n;
	struct x509_check_params p;
	struct x509_finding	 f[MAX_FINDINGS];
	size_t			 nf;
};

static void
run_init(struct run *r, enum x509_role role, const char *sni, int64_t at)
{
	memset(r, 0, sizeof(*r));
	r->cache = x509_cache_new(64);
	ck_assert_ptr_nonnull(r->cache);
	r->p.role = role;
	if (sni != NULL) {
		r->p.sni = (const uint8_t *)sni;
		r->p.sni_len = strlen(sni);
	}
	r->p.at = at;
}

/* run_init_ca starts a client-role run with a CertificateRequest list of
 * |n| CA names. */
static void
run_init_ca(struct run *r, const uint8_t **names, size_t *lens, size_t n)
{
	run_init(r, X509_ROLE_CLIENT, NULL, AT_VALID);
	r->p.ca_names_present = true;
	r->p.ca_names = names;
	r->p.ca_name_lens = lens;
	r->p.num_ca_names = n;
}

/* run_add appends tests/certs/NAME.der, or an unparseable entry for
 * NULL. */
static void
run_add(struct run *r, const char *name)
{
	ck_assert_uint_lt(r->n, LIMIT_CHAIN_CERTS);
	r->chain[r->n++] = name != NULL ? get(r->cache, name) : NULL;
}

static void
run_add_der(struct run *r, const uint8_t *der, size_t len)
{
	ck_assert_uint_lt(r->n, LIMIT_CHAIN_CERTS);
	r->chain[r->n] = x509_cache_get(r->cache, der, len);
	ck_assert_ptr_nonnull(r->chain[r->n]);
	r->n++;
}

/* memo_bypass: chains with an unparseable entry are not memoised. */
static bool
memo_bypass(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->chain[i] == NULL)
			return true;
	return false;
}

/* One memo for every check of a test (each test is its own process):
 * checks that differ in one input follow each other, so a memo key that
 * missed an input would answer with the previous check's findings. */
static struct x509_check_memo *memo;

static void
same_findings(const struct x509_finding *a, size_t na,
    const struct x509_finding *b, size_t nb)
{
	size_t i;

	ck_assert_uint_eq(na, nb);
	for (i = 0; i < na; i++) {
		ck_assert_int_eq(a[i].code, b[i].code);
		ck_assert_int_eq(a[i].severity, b[i].severity);
		ck_assert_int_eq(a[i].cert, b[i].cert);
		ck_assert_str_eq(a[i].text, b[i].text);
	}
}

/* run_check checks the chain directly, then through the memo twice (the
 * second time a hit, unless the chain has an unparseable entry): all
 * three must agree. */
static size_t
run_check(struct run *r)
{
	struct x509_finding m[MAX_FINDINGS];
	struct x509_check_memo_stats before, after;
	size_t nm;

	r->nf = x509_check_chain(r->f, MAX_FINDINGS, r->chain, r->n, &r->p);
	ck_assert_uint_le(r->nf, MAX_FINDINGS);
	if (memo == NULL)
		memo = x509_check_memo_new();
	ck_assert_ptr_nonnull(memo);
	nm = x509_check_chain_memo(memo, m, MAX_FINDINGS, r->chain, r->n,
	    &r->p);
	same_findings(r->f, r->nf, m, nm);
	x509_check_memo_stats(memo, &before);
	nm = x509_check_chain_memo(memo, m, MAX_FINDINGS, r->chain, r->n,
	    &r->p);
	same_findings(r->f, r->nf, m, nm);
	x509_check_memo_stats(memo, &after);
	if (r->n > 0 && !memo_bypass(r))
		ck_assert_uint_eq(after.hits, before.hits + 1);
	return r->nf;
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		x509_cert_unref(r->chain[i]);
	x509_cache_free(r->cache);
}

static const struct x509_finding *
find(const struct x509_finding *out, size_t n, enum x509_finding_code code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i].code == code)
			return &out[i];
	return NULL;
}

static bool
has_finding(const struct x509_finding *out, size_t n,
    enum x509_finding_code code)
{
	return find(out, n, code) != NULL;
}

/* has asserts that |r| has |code| and returns it. */
static const struct x509_finding *
has(const struct run *r, enum x509_finding_code code)
{
	const struct x509_finding *f = find(r->f, r->nf, code);

	ck_assert_msg(f != NULL, "no %s finding",
	    x509_finding_code_name(code));
	return f;
}

static void
hasnt(const struct run *r, enum x509_finding_code code)
{
	const struct x509_finding *f = find(r->f, r->nf, code);

	ck_assert_msg(f == NULL, "unexpected %s: %s",
	    x509_finding_code_name(code), f != NULL ? f->text : "");
}

/* none asserts that |r| has no finding at all. */
static void
none(const struct run *r)
{
	ck_assert_msg(r->nf == 0, "unexpected %s: %s", r->nf > 0 ?
	    x509_finding_code_name(r->f[0].code) : "", r->nf > 0 ?
	    r->f[0].text : "");
}

/* make_cert builds a self-signed Ed25519 certificate whose CN and DNS
 * SAN hold the given bytes (NULs and control characters included),
 * something the openssl CLI cannot write. */
static uint8_t *
make_cert(size_t *out_len, const uint8_t *cn, size_t cn_len, const char *org,
    const uint8_t *dns, size_t dns_len)
{
	EVP_PKEY_CTX *kc;
	EVP_PKEY *k = NULL;
	X509 *x;
	X509_NAME *nm;
	GENERAL_NAMES *gens;
	GENERAL_NAME *g;
	ASN1_IA5STRING *ia5;
	unsigned char *out = NULL;
	uint8_t *b;
	int n;

	kc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	ck_assert_ptr_nonnull(kc);
	ck_assert_int_eq(EVP_PKEY_keygen_init(kc), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(kc, &k), 1);
	EVP_PKEY_CTX_free(kc);
	x = X509_new();
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 0x77), 1);
	nm = X509_NAME_new();
	if (org != NULL)
		ck_assert_int_eq(X509_NAME_add_entry_by_NID(nm,
		    NID_organizationName, MBSTRING_UTF8,
		    (const unsigned char *)org, -1, -1, 0), 1);
	ck_assert_int_eq(X509_NAME_add_entry_by_NID(nm, NID_commonName,
	    MBSTRING_UTF8, cn, (int)cn_len, -1, 0), 1);
	ck_assert_int_eq(X509_set_subject_name(x, nm), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, nm), 1);
	X509_NAME_free(nm);
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notBefore(x),
	    (time_t)LEAF_START));
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notAfter(x),
	    (time_t)LEAF_END));
	ck_assert_int_eq(X509_set_pubkey(x, k), 1);
	if (dns != NULL) {
		gens = sk_GENERAL_NAME_new_null();
		g = GENERAL_NAME_new();
		ia5 = ASN1_IA5STRING_new();
		ck_assert_int_eq(ASN1_STRING_set(ia5, dns, (int)dns_len), 1);
		GENERAL_NAME_set0_value(g, GEN_DNS, ia5);
		ck_assert_int_gt(sk_GENERAL_NAME_push(gens, g), 0);
		ck_assert_int_eq(X509_add1_ext_i2d(x, NID_subject_alt_name,
		    gens, 0, X509V3_ADD_DEFAULT), 1);
		GENERAL_NAMES_free(gens);
	}
	ck_assert_int_gt(X509_sign(x, k, NULL), 0);
	n = i2d_X509(x, &out);
	ck_assert_int_gt(n, 0);
	b = dup_exact(out, (size_t)n);
	OPENSSL_free(out);
	X509_free(x);
	EVP_PKEY_free(k);
	*out_len = (size_t)n;
	return b;
}

/* ---- Core: summaries ---- */

START_TEST(test_summary_leaf)
{
	struct x509_cache *c;
	struct x509_cert *leaf, *inter;
	const struct cert_info *ci;
	uint8_t *der, sha[32];
	unsigned int sha_len;
	size_t len;

	c = x509_cache_new(8);
	leaf = get(c, "leaf");
	inter = get(c, "inter");
	ci = x509_cert_info(leaf);
	/* RFC 4514 order: the most specific RDN (CN) first. */
	ck_assert_str_eq(ci->subject, "CN=tls-server.local,O=LMT Corp");
	ck_assert_str_eq(ci->issuer, "CN=intermediateCA,O=LMT Corp");
	ck_assert_str_eq(ci->subject_cn, "tls-server.local");
	ck_assert_str_eq(ci->serial, "1003");
	ck_assert_int_eq(ci->not_before, LEAF_START);
	ck_assert_int_eq(ci->not_after, LEAF_END);
	ck_assert_str_eq(ci->sig_alg, "sha256WithRSAEncryption");
	ck_assert_str_eq(ci->key_type, "EC");
	ck_assert_int_eq(ci->key_bits, 256);
	ck_assert_str_eq(ci->curve, "prime256v1");
	ck_assert(!ci->is_ca);
	ck_assert(!ci->self_signed);
	ck_assert(ci->has_key_usage);
	ck_assert_uint_eq(ci->key_usage, KU_DIGITAL_SIGNATURE |
	    KU_KEY_ENCIPHERMENT);
	ck_assert(ci->has_eku);
	ck_assert(ci->eku_server_auth);
	ck_assert(!ci->eku_client_auth);
	ck_assert(!ci->eku_any);
	ck_assert_uint_eq(ci->num_san, 1);
	ck_assert_uint_eq(ci->total_san, 1);
	ck_assert_str_eq(ci->san[0], "DNS:tls-server.local");
	ck_assert_uint_eq(strlen(ci->ski), 40);
	ck_assert_str_eq(ci->aki, x509_cert_info(inter)->ski);
	der = load_der("leaf", &len);
	ck_assert_int_eq(EVP_Digest(der, len, sha, &sha_len, EVP_sha256(),
	    NULL), 1);
	ck_assert_mem_eq(ci->sha256, sha, sizeof(sha));
	free(der);

	ci = x509_cert_info(inter);
	ck_assert_str_eq(ci->key_type, "RSA");
	ck_assert_int_eq(ci->key_bits, 2048);
	ck_assert_str_eq(ci->curve, "");
	ck_assert(ci->is_ca);
	ck_assert(!ci->self_signed);
	ck_assert(!ci->has_eku);
	ck_assert_uint_eq(ci->num_san, 0);
	x509_cert_unref(leaf);
	x509_cert_unref(inter);
	x509_cache_free(c);
}
END_TEST

START_TEST(test_summary_other)
{
	struct x509_cache *c;
	struct x509_cert *root, *ip, *self, *sha1;
	const struct cert_info *ci;

	c = x509_cache_new(8);
	root = get(c, "root");
	ci = x509_cert_info(root);
	ck_assert_str_eq(ci->subject, "CN=rootCA,O=LMT Corp");
	ck_assert_str_eq(ci->subject, ci->issuer);
	ck_assert(ci->self_signed);
	ck_assert(ci->is_ca);
	ck_assert_str_eq(ci->aki, "");

	ip = get(c, "ip");
	ci = x509_cert_info(ip);
	ck_assert_uint_eq(ci->num_san, 4);
	ck_assert_str_eq(ci->san[0], "IP:127.0.0.1");
	ck_assert_str_eq(ci->san[1], "IP:::1");
	ck_assert_str_eq(ci->san[2], "URI:https://ip.test/");
	ck_assert_str_eq(ci->san[3], "email:ops@ip.test");

	self = get(c, "selfsigned");
	ci = x509_cert_info(self);
	ck_assert(ci->self_signed);
	ck_assert(!ci->is_ca);
	ck_assert_str_eq(ci->key_type, "Ed25519");
	ck_assert_str_eq(ci->sig_alg, "ED25519");

	sha1 = get(c, "sha1");
	ck_assert_str_eq(x509_cert_info(sha1)->sig_alg,
	    "sha1WithRSAEncryption");
	x509_cert_unref(root);
	x509_cert_unref(ip);
	x509_cert_unref(self);
	x509_cert_unref(sha1);
	x509_cache_free(c);
}
END_TEST

/* NULs, control characters and UTF-8 in names pass through; a NUL is
 * shown as "\0"; RFC 4514 specials are escaped. */
START_TEST(test_summary_hostile_names)
{
	static const uint8_t cn[] = "evil\0\001\303\274.local";
	static const uint8_t dns[] = "tls-server.local\0.evil.test";
	struct x509_cache *c;
	struct x509_cert *x;
	const struct cert_info *ci;
	struct run r;
	uint8_t *der;
	size_t len;

	der = make_cert(&len, cn, sizeof(cn) - 1, "LMT, Corp", dns,
	    sizeof(dns) - 1);
	c = x509_cache_new(8);
	x = x509_cache_get(c, der, len);
	ck_assert_ptr_nonnull(x);
	ci = x509_cert_info(x);
	ck_assert_str_eq(ci->subject,
	    "CN=evil\\0\001\303\274.local,O=LMT\\, Corp");
	ck_assert_str_eq(ci->subject_cn, "evil\\0\001\303\274.local");
	ck_assert_str_eq(ci->san[0], "DNS:tls-server.local\\0.evil.test");
	ck_assert(ci->self_signed);
	ck_assert_str_eq(ci->serial, "77");
	x509_cert_unref(x);
	x509_cache_free(c);

	/* The NUL-truncated SAN does not cover the name before the NUL. */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add_der(&r, der, len);
	run_check(&r);
	has(&r, X509F_NAME_MISMATCH);
	has(&r, X509F_SELF_SIGNED_LEAF);
	run_free(&r);
	free(der);
}
END_TEST

START_TEST(test_name_to_text)
{
	static const uint8_t empty[] = { 0x30, 0x00 };
	static const uint8_t junk[] = { 0x04, 0x02, 'h', 'i' };
	char out[LIMIT_DN_TEXT], small[5];
	uint8_t *der, *plus;
	size_t len;

	der = name_der("clientCA", &len);
	ck_assert(x509_name_to_text(out, sizeof(out), der, len));
	ck_assert_str_eq(out, "CN=clientCA,O=LMT Corp");
	ck_assert(x509_name_to_text(small, sizeof(small), der, len));
	ck_assert_str_eq(small, "CN=c");
	/* One trailing byte, and every strict prefix, are not a Name. */
	plus = malloc(len + 1);
	ck_assert_ptr_nonnull(plus);
	memcpy(plus, der, len);
	plus[len] = 0;
	ck_assert(!x509_name_to_text(out, sizeof(out), plus, len + 1));
	ck_assert_str_eq(out, "<unparseable name>");
	free(plus);
	for (; len > 0; len--) {
		plus = dup_exact(der, len - 1);
		ck_assert(!x509_name_to_text(out, sizeof(out), plus, len - 1));
		free(plus);
	}
	free(der);
	ck_assert(!x509_name_to_text(out, sizeof(out), junk, sizeof(junk)));
	ck_assert_str_eq(out, "<unparseable name>");
	ck_assert(!x509_name_to_text(small, sizeof(small), junk,
	    sizeof(junk)));
	ck_assert_str_eq(small, "<unp");
	ck_assert(!x509_name_to_text(out, sizeof(out), NULL, 0));
	ck_assert(x509_name_to_text(out, sizeof(out), empty, sizeof(empty)));
	ck_assert_str_eq(out, "");
}
END_TEST

/* The memo of CA name text gives what x509_name_to_text gives, for a
 * name seen again, for another name in the same slot's place, for an
 * unparseable one, and never serves a small buffer from the memo. */
START_TEST(test_name_memo)
{
	static const uint8_t junk[] = { 0x04, 0x02, 'h', 'i' };
	static const uint8_t empty[] = { 0x30, 0x00 };
	const char *names[] = { "clientCA", "rogueCA", "clientCA" };
	struct x509_cache *c;
	char a[LIMIT_DN_TEXT], b[LIMIT_DN_TEXT], small[5];
	uint8_t *der;
	size_t len, i, round;

	c = x509_cache_new(4);
	ck_assert_ptr_nonnull(c);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 3; i++) {
			der = name_der(names[i], &len);
			ck_assert(x509_name_to_text(a, sizeof(a), der, len));
			ck_assert(x509_cache_name_text(c, b, sizeof(b), der,
			    len));
			ck_assert_str_eq(a, b);
			ck_assert(x509_cache_name_text(c, small,
			    sizeof(small), der, len));
			ck_assert_uint_eq(strlen(small), 4);
			ck_assert_mem_eq(small, a, 4);
			ck_assert(x509_cache_name_text(c, b, sizeof(b), der,
			    len));
			ck_assert_str_eq(a, b);
			free(der);
		}
		ck_assert(!x509_cache_name_text(c, b, sizeof(b), junk,
		    sizeof(junk)));
		ck_assert_str_eq(b, "<unparseable name>");
		ck_assert(x509_cache_name_text(c, b, sizeof(b), empty,
		    sizeof(empty)));
		ck_assert_str_eq(b, "");
		ck_assert(!x509_cache_name_text(c, b, sizeof(b), NULL, 0));
	}
	der = name_der("rogueCA", &len);
	ck_assert(x509_cache_name_text(c, b, sizeof(b), der, len));
	ck_assert_str_eq(b, "CN=rogueCA");
	free(der);
	x509_cache_free(c);
}
END_TEST

START_TEST(test_code_names)
{
	int c, d;

	for (c = X509F_UNPARSEABLE; c <= X509F_CA_AS_LEAF; c++) {
		ck_assert_str_ne(x509_finding_code_name(c), "unknown");
		for (d = X509F_UNPARSEABLE; d < c; d++)
			ck_assert_str_ne(x509_finding_code_name(c),
			    x509_finding_code_name(d));
	}
	ck_assert_str_eq(x509_finding_code_name(X509F_SELF_SIGNED_LEAF),
	    "self_signed");
	ck_assert_str_eq(x509_finding_code_name(X509F_ISSUER_NOT_ACCEPTED),
	    "issuer_not_accepted");
	ck_assert_str_eq(x509_finding_code_name(X509F_CA_AS_LEAF),
	    "ca_as_leaf");
	ck_assert_str_eq(x509_finding_code_name(
	    (enum x509_finding_code)(X509F_CA_AS_LEAF + 1)), "unknown");
}
END_TEST

/* ---- Core: the cache ---- */

START_TEST(test_cache_shares)
{
	struct x509_cache *c;
	struct x509_cert *a, *b, *d;
	struct x509_cache_stats st;

	c = x509_cache_new(8);
	a = get(c, "leaf");
	b = get(c, "leaf");
	ck_assert_ptr_eq(a, b);
	d = get(c, "inter");
	ck_assert_ptr_ne(a, d);
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.parsed, 2);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.entries, 2);
	x509_cert_unref(a);
	x509_cert_unref(b);
	x509_cert_unref(d);
	/* Unreferenced entries stay cached below the cap. */
	a = get(c, "leaf");
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.parsed, 2);
	ck_assert_uint_eq(st.hits, 2);
	ck_assert_uint_eq(st.evicted, 0);
	x509_cert_unref(a);
	x509_cache_free(c);
}
END_TEST

START_TEST(test_cache_evicts)
{
	struct x509_cache *c;
	struct x509_cert *a, *b;
	struct x509_cache_stats st;

	c = x509_cache_new(2);
	x509_cert_unref(get(c, "leaf"));
	x509_cert_unref(get(c, "inter"));
	x509_cert_unref(get(c, "root"));
	/* Three entries, cap two: the least recently used goes. */
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.entries, 2);
	ck_assert_uint_eq(st.evicted, 1);
	x509_cert_unref(get(c, "inter"));
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.parsed, 3);
	x509_cert_unref(get(c, "leaf"));
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.parsed, 4);
	x509_cache_free(c);

	/* Referenced entries are never evicted. */
	c = x509_cache_new(1);
	a = get(c, "leaf");
	b = get(c, "inter");
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.entries, 2);
	ck_assert_uint_eq(st.evicted, 0);
	ck_assert_str_eq(x509_cert_info(a)->subject_cn, "tls-server.local");
	x509_cert_unref(a);
	x509_cert_unref(b);
	x509_cache_free(c);

	/* Zero: nothing unreferenced is kept past the next insert. */
	c = x509_cache_new(0);
	x509_cert_unref(get(c, "leaf"));
	x509_cert_unref(get(c, "inter"));
	x509_cache_stats(c, &st);
	ck_assert_uint_le(st.entries, 1);
	x509_cache_free(c);
}
END_TEST

/* Certificates outlive the cache while referenced; the uncached path
 * (NULL cache) gives a private reference. */
START_TEST(test_cache_lifetime)
{
	struct x509_cache *c;
	struct x509_cert *a, *b;

	c = x509_cache_new(8);
	a = get(c, "leaf");
	x509_cache_free(c);
	ck_assert_str_eq(x509_cert_info(a)->subject,
	    "CN=tls-server.local,O=LMT Corp");
	x509_cert_unref(a);
	a = get(NULL, "leaf");
	b = get(NULL, "leaf");
	ck_assert_ptr_ne(a, b);
	x509_cert_unref(a);
	x509_cert_unref(b);
	x509_cert_unref(NULL);
	x509_cache_free(NULL);
}
END_TEST

/* ---- Limits: parsing ---- */

START_TEST(test_trailing_byte)
{
	struct x509_cache *c;
	struct x509_cache_stats st;
	uint8_t *der, *plus, *big;
	size_t len;

	c = x509_cache_new(8);
	der = load_der("leaf", &len);
	plus = malloc(len + 1);
	ck_assert_ptr_nonnull(plus);
	memcpy(plus, der, len);
	plus[len] = 0x00;
	ck_assert_ptr_null(x509_cache_get(c, plus, len + 1));
	ck_assert_ptr_null(x509_cache_get(c, der, 0));
	ck_assert_ptr_null(x509_cache_get(c, NULL, len));
	/* Over LIMIT_CERT_BYTES: refused before parsing. */
	big = calloc(1, LIMIT_CERT_BYTES + 1);
	ck_assert_ptr_nonnull(big);
	memcpy(big, der, len);
	ck_assert_ptr_null(x509_cache_get(c, big, LIMIT_CERT_BYTES + 1));
	x509_cache_stats(c, &st);
	ck_assert_uint_eq(st.rejected, 4);
	ck_assert_uint_eq(st.entries, 0);
	free(big);
	free(plus);
	free(der);
	x509_cache_free(c);
}
END_TEST

/* Every strict prefix of a certificate's DER is rejected. */
START_TEST(test_prefixes)
{
	uint8_t *der, *b;
	size_t len;

	der = load_der("leaf", &len);
	ck_assert_uint_eq(len, leaf_len);
	b = dup_exact(der, (size_t)_i);
	ck_assert_ptr_null(x509_cache_get(NULL, b, (size_t)_i));
	free(b);
	free(der);
}
END_TEST

/* ---- Checks ---- */

START_TEST(test_valid_chain)
{
	struct run r;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	none(&r);
	run_free(&r);

	/* The root too: only an info finding. */
	run_init(&r, X509_ROLE_SERVER, "TLS-Server.Local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_add(&r, "root");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	ck_assert_int_eq(has(&r, X509F_ROOT_SENT)->severity, X509_SEV_INFO);
	ck_assert_int_eq(has(&r, X509F_ROOT_SENT)->cert, 2);
	run_free(&r);
}
END_TEST

START_TEST(test_expired)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_EXPIRED);
	run_add(&r, "expired");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_EXPIRED);
	ck_assert_int_eq(f->severity, X509_SEV_ERROR);
	ck_assert_int_eq(f->cert, 0);
	ck_assert_str_eq(f->text, "certificate CN=tls-server.local,O=LMT Corp "
	    "expired 412 days before the capture (not after "
	    "2020-01-02T00:00:00Z)");
	run_free(&r);

	/* One second after the end is expired; the end itself is not. */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", LEAF_END + 1);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_str_eq(has(&r, X509F_EXPIRED)->text, "certificate "
	    "CN=tls-server.local,O=LMT Corp expired less than a day before "
	    "the capture (not after 2045-12-31T00:00:00Z)");
	run_free(&r);
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", LEAF_END);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	hasnt(&r, X509F_EXPIRED);
	has(&r, X509F_EXPIRES_SOON);
	run_free(&r);
}
END_TEST

START_TEST(test_not_yet_valid)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "future");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_NOT_YET_VALID);
	ck_assert_int_eq(f->severity, X509_SEV_ERROR);
	ck_assert_ptr_nonnull(strstr(f->text,
	    "CN=tls-server.local,O=LMT Corp"));
	ck_assert_ptr_nonnull(strstr(f->text,
	    "(not before 2040-01-01T00:00:00Z)"));
	run_free(&r);
}
END_TEST

START_TEST(test_expires_soon)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_SOON);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_EXPIRES_SOON);
	ck_assert_int_eq(f->severity, X509_SEV_WARNING);
	ck_assert_str_eq(f->text, "certificate CN=tls-server.local,O=LMT Corp "
	    "expires 11 days after the capture (not after "
	    "2045-12-31T00:00:00Z)");
	run_free(&r);
}
END_TEST

/* name_run checks |cert| (+ intermediate) against |sni| (|len| bytes). */
static void
name_run(struct run *r, const char *cert, const char *sni, size_t len)
{
	run_init(r, X509_ROLE_SERVER, NULL, AT_VALID);
	r->p.sni = (const uint8_t *)sni;
	r->p.sni_len = len;
	run_add(r, cert);
	run_add(r, "inter");
	run_check(r);
}

static bool
name_matches(const char *cert, const char *sni)
{
	struct run r;
	bool m;

	name_run(&r, cert, sni, strlen(sni));
	m = !has_finding(r.f, r.nf, X509F_NAME_MISMATCH);
	run_free(&r);
	return m;
}

START_TEST(test_name_mismatch)
{
	static const char nul[] = "tls-server.local\0.x";
	char longname[300];
	struct run r;
	const struct x509_finding *f;

	name_run(&r, "wrongname", "tls-server.local", 16);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_NAME_MISMATCH);
	ck_assert_int_eq(f->severity, X509_SEV_ERROR);
	ck_assert_str_eq(f->text, "certificate CN=other.local,O=LMT Corp does "
	    "not cover the name tls-server.local asked for: it covers "
	    "DNS:other.local");
	run_free(&r);

	/* A NUL in the SNI never matches, and shows as "\0". */
	name_run(&r, "leaf", nul, sizeof(nul) - 1);
	f = has(&r, X509F_NAME_MISMATCH);
	ck_assert_ptr_nonnull(strstr(f->text, "tls-server.local\\0.x"));
	run_free(&r);

	memset(longname, 'a', sizeof(longname));
	name_run(&r, "leaf", longname, sizeof(longname));
	has(&r, X509F_NAME_MISMATCH);
	run_free(&r);

	ck_assert(name_matches("leaf", "tls-server.local"));
	ck_assert(name_matches("leaf", "tls-server.local."));
	ck_assert(!name_matches("leaf", "tls-server.local.."));
	ck_assert(!name_matches("leaf", "tls-server..local"));
	ck_assert(!name_matches("leaf", "."));
	ck_assert(!name_matches("leaf", "tls-server.loca"));
	ck_assert(!name_matches("leaf", "x.tls-server.local"));
}
END_TEST

START_TEST(test_no_sni)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, NULL, AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_NO_SNI);
	ck_assert_int_eq(f->severity, X509_SEV_INFO);
	run_free(&r);

	/* A client chain has no name to check. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	hasnt(&r, X509F_NO_SNI);
	run_free(&r);
}
END_TEST

START_TEST(test_wildcard)
{
	ck_assert(name_matches("wildcard", "a.example.test"));
	ck_assert(name_matches("wildcard", "A.Example.TEST"));
	ck_assert(!name_matches("wildcard", "a.b.example.test"));
	ck_assert(!name_matches("wildcard", "example.test"));
	ck_assert(!name_matches("wildcard", ".example.test"));
}
END_TEST

START_TEST(test_ip_san)
{
	struct run r;

	ck_assert(name_matches("ip", "127.0.0.1"));
	ck_assert(name_matches("ip", "::1"));
	ck_assert(name_matches("ip", "0:0::1"));
	ck_assert(!name_matches("ip", "127.0.0.2"));
	ck_assert(!name_matches("leaf", "127.0.0.1"));
	name_run(&r, "ip", "127.0.0.1", 9);
	ck_assert_uint_eq(r.nf, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_cn_only)
{
	struct run r;
	const struct x509_finding *f;

	name_run(&r, "cnonly", "cn-only.local", 13);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_CN_ONLY);
	ck_assert_int_eq(f->severity, X509_SEV_WARNING);
	run_free(&r);

	name_run(&r, "cnonly", "x.local", 7);
	f = has(&r, X509F_NAME_MISMATCH);
	ck_assert_ptr_nonnull(strstr(f->text,
	    "it has no subjectAltName and its CN is \"cn-only.local\""));
	hasnt(&r, X509F_CN_ONLY);
	run_free(&r);

	/* IP SANs only: the CN is still consulted for a DNS name. */
	name_run(&r, "ip", "ip.test", 7);
	has(&r, X509F_CN_ONLY);
	run_free(&r);

	/* A DNS SAN: the CN is not consulted (nor reported). */
	name_run(&r, "wrongname", "other.local", 11);
	none(&r);
	run_free(&r);
}
END_TEST

START_TEST(test_eku)
{
	struct run r;

	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "client-noauth");
	run_add(&r, "clientCA");
	run_check(&r);
	ck_assert_int_eq(has(&r, X509F_NO_CLIENT_AUTH)->severity,
	    X509_SEV_ERROR);
	run_free(&r);

	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "client");
	run_add(&r, "clientCA");
	run_check(&r);
	hasnt(&r, X509F_NO_CLIENT_AUTH);
	has(&r, X509F_ROOT_SENT);
	ck_assert_uint_eq(r.nf, 1);
	run_free(&r);

	/* A server presenting a client-only certificate. */
	run_init(&r, X509_ROLE_SERVER, "client", AT_VALID);
	run_add(&r, "client");
	run_check(&r);
	has(&r, X509F_NO_SERVER_AUTH);
	run_free(&r);

	/* No EKU at all (the intermediate): any use. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "inter");
	run_check(&r);
	hasnt(&r, X509F_NO_CLIENT_AUTH);
	run_free(&r);
}
END_TEST

START_TEST(test_issuer_not_accepted)
{
	static const uint8_t junk[] = { 0x05, 0x00 };
	struct run r;
	const struct x509_finding *f;
	const uint8_t *names[2];
	size_t lens[2];
	uint8_t *der;
	size_t len;

	der = name_der("clientCA", &len);
	names[0] = der;
	lens[0] = len;
	run_init_ca(&r, names, lens, 1);
	run_add(&r, "client-rogue");
	run_check(&r);
	f = has(&r, X509F_ISSUER_NOT_ACCEPTED);
	ck_assert_int_eq(f->severity, X509_SEV_ERROR);
	ck_assert_str_eq(f->text, "the issuer CN=rogueCA is not among the CAs "
	    "the server accepts (CN=clientCA,O=LMT Corp)");
	run_free(&r);

	/* The chain up to the rogue root: still not accepted. */
	run_init_ca(&r, names, lens, 1);
	run_add(&r, "client-rogue");
	run_add(&r, "rogueCA");
	run_check(&r);
	has(&r, X509F_ISSUER_NOT_ACCEPTED);
	run_free(&r);

	/* Issued by an accepted CA: nothing, not even a missing
	 * intermediate (the server names the leaf's issuer). */
	run_init_ca(&r, names, lens, 1);
	run_add(&r, "client");
	run_check(&r);
	none(&r);
	run_free(&r);

	/* An unparseable name in the list is shown, never matched. */
	names[1] = junk;
	lens[1] = sizeof(junk);
	run_init_ca(&r, names, lens, 2);
	run_add(&r, "client-rogue");
	run_check(&r);
	ck_assert_ptr_nonnull(strstr(has(&r, X509F_ISSUER_NOT_ACCEPTED)->text,
	    "(CN=clientCA,O=LMT Corp; <unparseable name>)"));
	run_free(&r);

	/* An empty list: the server takes any CA. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	r.p.ca_names_present = true;
	r.p.num_ca_names = 0;
	run_add(&r, "client-rogue");
	run_check(&r);
	hasnt(&r, X509F_ISSUER_NOT_ACCEPTED);
	run_free(&r);

	/* No CertificateRequest list seen. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "client-rogue");
	run_check(&r);
	hasnt(&r, X509F_ISSUER_NOT_ACCEPTED);
	run_free(&r);
	free(der);
}
END_TEST

/* Checks of one chain that differ in a single input, one after the
 * other: run_check asserts that the memo answers each as a direct check
 * does, and here the direct answers differ, so a memo key that left the
 * input out would fail. */
START_TEST(test_check_memo_inputs)
{
	struct run r;
	const uint8_t *names[1];
	size_t lens[1], nf[2];
	uint8_t *der[2];
	size_t dlen[2];
	int k;

	/* Role. */
	for (k = 0; k < 2; k++) {
		run_init(&r, k == 0 ? X509_ROLE_CLIENT : X509_ROLE_SERVER,
		    NULL, AT_VALID);
		run_add(&r, "client");
		nf[k] = run_check(&r);
		if (k == 1)
			has(&r, X509F_NO_SERVER_AUTH);
		else
			hasnt(&r, X509F_NO_SERVER_AUTH);
		run_free(&r);
	}
	/* CA names of the same length and count. */
	der[0] = cn_der("rogueCB", &dlen[0]);
	der[1] = name_der("rogueCA", &dlen[1]);
	ck_assert_uint_eq(dlen[0], dlen[1]);
	for (k = 0; k < 2; k++) {
		names[0] = der[k];
		lens[0] = dlen[k];
		run_init_ca(&r, names, lens, 1);
		run_add(&r, "client-rogue");
		run_check(&r);
		if (k == 0)
			has(&r, X509F_ISSUER_NOT_ACCEPTED);
		else
			hasnt(&r, X509F_ISSUER_NOT_ACCEPTED);
		run_free(&r);
	}
	free(der[0]);
	free(der[1]);
	/* SNI. */
	for (k = 0; k < 2; k++) {
		run_init(&r, X509_ROLE_SERVER, k == 0 ? "tls-server.local" :
		    "tls-server.locax", AT_VALID);
		run_add(&r, "leaf");
		run_add(&r, "inter");
		run_check(&r);
		if (k == 1)
			has(&r, X509F_NAME_MISMATCH);
		else
			hasnt(&r, X509F_NAME_MISMATCH);
		run_free(&r);
	}
	(void)nf;
}
END_TEST

START_TEST(test_missing_intermediate)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	/* Issue 15 case 9: without a store, whether the issuer is a root
	 * the peer trusts or an intermediate it lacks is not known, and a
	 * peer that completed the handshake held it: info, and the text
	 * does not call it a missing intermediate. */
	f = has(&r, X509F_MISSING_INTERMEDIATE);
	ck_assert_int_eq(f->severity, X509_SEV_INFO);
	ck_assert_str_eq(f->text, "the chain stops at CN=tls-server.local,"
	    "O=LMT Corp: its issuer CN=intermediateCA,O=LMT Corp was not "
	    "sent, so a peer must already hold CN=intermediateCA,O=LMT Corp "
	    "(as a trusted root, or as an intermediate it has cached) to "
	    "build the chain");
	run_free(&r);

	/* A client certificate alone, with nothing to tell whether its
	 * issuer is the server's CA: only an info finding. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	run_add(&r, "client");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	ck_assert_int_eq(has(&r, X509F_MISSING_INTERMEDIATE)->severity,
	    X509_SEV_INFO);
	run_free(&r);
}
END_TEST

START_TEST(test_wrong_order)
{
	struct run r;

	/* Intermediate first: the leaf is not the first certificate. */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "inter");
	run_add(&r, "leaf");
	run_check(&r);
	ck_assert_int_eq(has(&r, X509F_WRONG_ORDER)->cert, 1);
	has(&r, X509F_CA_AS_LEAF);
	has(&r, X509F_NAME_MISMATCH);
	hasnt(&r, X509F_UNRELATED);
	run_free(&r);

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "root");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_int_eq(has(&r, X509F_WRONG_ORDER)->cert, 0);
	has(&r, X509F_ROOT_SENT);
	hasnt(&r, X509F_UNRELATED);
	hasnt(&r, X509F_MISSING_INTERMEDIATE);
	run_free(&r);
}
END_TEST

START_TEST(test_self_signed)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "self.local", AT_VALID);
	run_add(&r, "selfsigned");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_SELF_SIGNED_LEAF);
	ck_assert_int_eq(f->cert, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_weak)
{
	struct run r;
	const struct x509_finding *f;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "rsa1024");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_WEAK_KEY);
	ck_assert_int_eq(f->severity, X509_SEV_WARNING);
	ck_assert_ptr_nonnull(strstr(f->text, "1024-bit RSA key"));
	run_free(&r);

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "sha1");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	f = has(&r, X509F_WEAK_SIGNATURE);
	ck_assert_ptr_nonnull(strstr(f->text, "sha1WithRSAEncryption"));
	run_free(&r);
}
END_TEST

START_TEST(test_duplicate_unrelated)
{
	struct run r;

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	ck_assert_int_eq(has(&r, X509F_DUPLICATE)->cert, 2);
	run_free(&r);

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_add(&r, "rogueCA");
	run_add(&r, "wildcard");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 2);
	ck_assert_int_eq(r.f[0].code, X509F_UNRELATED);
	ck_assert_int_eq(r.f[0].cert, 2);
	ck_assert_int_eq(r.f[1].code, X509F_UNRELATED);
	ck_assert_int_eq(r.f[1].cert, 3);
	run_free(&r);
}
END_TEST

START_TEST(test_bad_signature)
{
	struct run r;
	uint8_t *der;
	size_t len;

	der = load_der("leaf", &len);
	der[len - 1] ^= 0x01;	/* inside the signature's s INTEGER */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add_der(&r, der, len);
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_int_eq(has(&r, X509F_BAD_SIGNATURE)->severity,
	    X509_SEV_ERROR);
	hasnt(&r, X509F_MISSING_INTERMEDIATE);
	run_free(&r);
	free(der);
}
END_TEST

START_TEST(test_ca_as_leaf_unparseable)
{
	struct run r;

	run_init(&r, X509_ROLE_SERVER, "intermediateCA", AT_VALID);
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_int_eq(has(&r, X509F_CA_AS_LEAF)->severity,
	    X509_SEV_WARNING);
	run_free(&r);

	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, "leaf");
	run_add(&r, NULL);
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 1);
	ck_assert_int_eq(has(&r, X509F_UNPARSEABLE)->cert, 1);
	run_free(&r);

	/* Nothing parses: one finding per certificate, nothing else. */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	run_add(&r, NULL);
	run_add(&r, NULL);
	run_check(&r);
	ck_assert_uint_eq(r.nf, 2);
	run_free(&r);
}
END_TEST

/* Errors come first, and |max_out| is never exceeded. */
START_TEST(test_max_out)
{
	struct run r;
	struct x509_finding one[1];
	size_t i;

	run_init(&r, X509_ROLE_SERVER, "nomatch.test", AT_VALID);
	run_add(&r, "rsa1024");
	run_check(&r);
	ck_assert_uint_eq(r.nf, 3);
	for (i = 1; i < r.nf; i++)
		ck_assert_int_ge(r.f[i - 1].severity, r.f[i].severity);
	ck_assert_uint_eq(x509_check_chain(one, 1, r.chain, r.n, &r.p), 1);
	ck_assert_int_eq(one[0].code, X509F_NAME_MISMATCH);
	ck_assert_uint_eq(x509_check_chain(one, 0, r.chain, r.n, &r.p), 0);
	ck_assert_uint_eq(x509_check_chain(one, 1, r.chain, 0, &r.p), 0);
	run_free(&r);
}
END_TEST

/* ---- Trust store ---- */

static struct x509_store *
store(const char *file, const char *dir)
{
	char fp[1024], dp[1024], err[X509_ERRBUF_SIZE];
	struct x509_store *s;

	if (file != NULL)
		cert_path(fp, sizeof(fp), file);
	if (dir != NULL)
		cert_path(dp, sizeof(dp), dir);
	s = x509_store_load(file != NULL ? fp : NULL, dir != NULL ? dp : NULL,
	    err);
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

START_TEST(test_store)
{
	struct x509_store *s;
	struct run r;
	const struct x509_finding *f;

	s = store("root.pem", NULL);
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	r.p.store = s;
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	none(&r);
	r.p.at = AT_LATE;
	run_check(&r);
	f = has(&r, X509F_UNTRUSTED);
	ck_assert_int_eq(f->severity, X509_SEV_ERROR);
	ck_assert_ptr_nonnull(strstr(f->text, "certificate has expired"));
	has(&r, X509F_EXPIRED);
	run_free(&r);

	/* Leaf only: the store has the root, not the intermediate. */
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	r.p.store = s;
	run_add(&r, "leaf");
	run_check(&r);
	ck_assert_str_eq(has(&r, X509F_UNTRUSTED)->text, "chain does not "
	    "verify against the given CA file: unable to get local issuer "
	    "certificate (depth 0)");
	/* With a store that lacks the issuer: a warning, saying so. */
	f = has(&r, X509F_MISSING_INTERMEDIATE);
	ck_assert_int_eq(f->severity, X509_SEV_WARNING);
	ck_assert_str_eq(f->text, "the chain stops at CN=tls-server.local,"
	    "O=LMT Corp: its issuer CN=intermediateCA,O=LMT Corp was not "
	    "sent and the CA file given does not hold it (an intermediate "
	    "the sender should send, or a root missing there)");
	run_free(&r);
	x509_store_free(s);

	/* The wrong CA. */
	s = store("clientCA.pem", NULL);
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	r.p.store = s;
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	ck_assert_str_eq(has(&r, X509F_UNTRUSTED)->text, "chain does not "
	    "verify against the given CA file: unable to get local issuer "
	    "certificate (depth 1)");
	run_free(&r);

	/* Client certificates, checked for the sslclient purpose; the
	 * store holding the issuer means no intermediate is missing. */
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	r.p.store = s;
	run_add(&r, "client");
	run_check(&r);
	none(&r);
	run_free(&r);
	run_init(&r, X509_ROLE_CLIENT, NULL, AT_VALID);
	r.p.store = s;
	run_add(&r, "client-noauth");
	run_check(&r);
	has(&r, X509F_NO_CLIENT_AUTH);
	ck_assert_ptr_nonnull(strstr(has(&r, X509F_UNTRUSTED)->text,
	    "unsuitable certificate purpose"));
	run_free(&r);
	x509_store_free(s);

	/* A hashed directory (--ca-path). */
	s = store(NULL, "capath");
	run_init(&r, X509_ROLE_SERVER, "tls-server.local", AT_VALID);
	r.p.store = s;
	run_add(&r, "leaf");
	run_add(&r, "inter");
	run_check(&r);
	none(&r);
	run_free(&r);
	x509_store_free(s);
	x509_store_free(NULL);
}
END_TEST

START_TEST(test_store_errors)
{
	char err[X509_ERRBUF_SIZE], path[1024];

	err[0] = '\0';
	ck_assert_ptr_null(x509_store_load(NULL, NULL, err));
	ck_assert_str_ne(err, "");
	err[0] = '\0';
	ck_assert_ptr_null(x509_store_load("/nonexistent/ca.pem", NULL, err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ca.pem"));
	err[0] = '\0';
	ck_assert_ptr_null(x509_store_load(NULL, "/nonexistent/dir", err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
	/* A DER file is not PEM: nothing to load. */
	cert_path(path, sizeof(path), "root.der");
	err[0] = '\0';
	ck_assert_ptr_null(x509_store_load(path, NULL, err));
	ck_assert_str_ne(err, "");
	/* A file is not a directory. */
	err[0] = '\0';
	ck_assert_ptr_null(x509_store_load(NULL, path, err));
	ck_assert_str_ne(err, "");
}
END_TEST

/* ---- PEM extraction ---- */

START_TEST(test_write_pem)
{
	char dir[] = "/tmp/check_x509.XXXXXX", path[1024];
	char err[X509_ERRBUF_SIZE];
	static const char hex[] = "0123456789abcdef";
	const struct cert_info *ci;
	struct x509_cert *x;
	unsigned char *out = NULL;
	uint8_t *der;
	size_t len, i;
	X509 *px;
	FILE *f;
	int n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	x = get(NULL, "leaf");
	ci = x509_cert_info(x);
	n = snprintf(path, sizeof(path), "%s/", dir);
	for (i = 0; i < sizeof(ci->sha256); i++) {
		path[n++] = hex[ci->sha256[i] >> 4];
		path[n++] = hex[ci->sha256[i] & 0x0f];
	}
	(void)snprintf(path + n, sizeof(path) - (size_t)n, ".pem");
	ck_assert(x509_write_pem(x, dir, err));
	/* Already there: kept, and still a success. */
	ck_assert(x509_write_pem(x, dir, err));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no %s", path);
	px = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(px);
	n = i2d_X509(px, &out);
	der = load_der("leaf", &len);
	ck_assert_uint_eq((size_t)n, len);
	ck_assert_mem_eq(out, der, len);
	free(der);
	OPENSSL_free(out);
	X509_free(px);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);

	err[0] = '\0';
	ck_assert(!x509_write_pem(x, "/nonexistent/dir", err));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir"));
	x509_cert_unref(x);
}
END_TEST

static Suite *
x509_suite(void)
{
	Suite *s;
	TCase *core, *checks, *limits;

	s = suite_create("x509");
	core = tcase_create("Core");
	tcase_add_test(core, test_summary_leaf);
	tcase_add_test(core, test_summary_other);
	tcase_add_test(core, test_summary_hostile_names);
	tcase_add_test(core, test_name_to_text);
	tcase_add_test(core, test_name_memo);
	tcase_add_test(core, test_code_names);
	tcase_add_test(core, test_cache_shares);
	tcase_add_test(core, test_cache_evicts);
	tcase_add_test(core, test_cache_lifetime);
	tcase_add_test(core, test_write_pem);
	suite_add_tcase(s, core);

	checks = tcase_create("Checks");
	tcase_add_test(checks, test_valid_chain);
	tcase_add_test(checks, test_expired);
	tcase_add_test(checks, test_not_yet_valid);
	tcase_add_test(checks, test_expires_soon);
	tcase_add_test(checks, test_name_mismatch);
	tcase_add_test(checks, test_no_sni);
	tcase_add_test(checks, test_wildcard);
	tcase_add_test(checks, test_ip_san);
	tcase_add_test(checks, test_cn_only);
	tcase_add_test(checks, test_eku);
	tcase_add_test(checks, test_issuer_not_accepted);
	tcase_add_test(checks, test_check_memo_inputs);
	tcase_add_test(checks, test_missing_intermediate);
	tcase_add_test(checks, test_wrong_order);
	tcase_add_test(checks, test_self_signed);
	tcase_add_test(checks, test_weak);
	tcase_add_test(checks, test_duplicate_unrelated);
	tcase_add_test(checks, test_bad_signature);
	tcase_add_test(checks, test_ca_as_leaf_unparseable);
	tcase_add_test(checks, test_max_out);
	tcase_add_test(checks, test_store);
	tcase_add_test(checks, test_store_errors);
	suite_add_tcase(s, checks);

	limits = tcase_create("Limits");
	tcase_add_test(limits, test_trailing_byte);
	tcase_add_loop_test(limits, test_prefixes, 0, (int)leaf_len);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	const char *path;
	char leaf[1024];
	FILE *f;

	/* Outside a test: no ck_assert here. */
	path = getenv("srcdir");
	(void)snprintf(leaf, sizeof(leaf), "%s/tests/certs/leaf.der",
	    path != NULL ? path : ".");
	f = fopen(leaf, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || ftell(f) <= 0) {
		fprintf(stderr, "check_x509: cannot read %s\n", leaf);
		return EXIT_FAILURE;
	}
	leaf_len = (size_t)ftell(f);
	fclose(f);
	return check_run(x509_suite());
}
