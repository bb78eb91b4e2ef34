/* x509.c - certificate summaries and checks through libcrypto. */
#include <sys/types.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#include <openssl/ec.h>
#endif

#include "limits.h"
#include "rd.h"
#include "util.h"
#include "x509.h"

#define SHA256_LEN		32
#define SECS_PER_DAY		86400
/* A leaf expiring within this many seconds of the capture is worth a
 * warning: renewals are usually planned 30 days ahead. */
#define EXPIRES_SOON_SECS	(30 * SECS_PER_DAY)
/* Keys below this many bits are breakable or soon will be (NIST SP
 * 800-131A disallows RSA and DSA below 2048 bits). */
#define WEAK_KEY_BITS		2048
/* SAN entries quoted in a name_mismatch sentence; the rest are counted. */
#define MISMATCH_SAN_SHOWN	4

struct x509_cert {
	X509			*x;
	struct cert_info	 info;
	size_t			 refs;
	bool			 in_cache;	/* one of refs is the cache's */
	struct x509_cert	*next;		/* hash chain while in_cache */
	uint64_t		 last_use;	/* cache clock of last get */
	/* The cache's key: the DER bytes themselves (a copy) and a fast
	 * hash of them, so that a hit costs a hash and a memcmp, not a
	 * SHA-256. NULL for a certificate parsed outside the cache. */
	uint8_t			*der;
	size_t			 der_len;
	uint64_t		 der_hash;
	bool			 has_dns_san;
	/*
	 * The last issuer whose key was tried on this certificate's
	 * signature, and the result (1 verified, -1 did not, 0 none yet):
	 * the same chain on every connection is verified once.
	 */
	uint8_t			 memo_issuer[SHA256_LEN];
	int			 memo;
};

#define NAME_MEMO_SLOTS	64

struct x509_cache {
	struct x509_cert	**bucket;
	size_t			 num_buckets;	/* a power of two */
	size_t			 count;
	size_t			 max_entries;
	size_t			 next_sweep;	/* 0: sweep when over max */
	uint64_t		 clock;
	struct x509_cache_stats	 stats;
	/* Text of recently seen CertificateRequest CA names, by DER. */
	struct name_memo {
		uint64_t	 hash;
		uint8_t		*der;
		size_t		 der_len;
		char		*text;
		bool		 ok;
	}			 names[NAME_MEMO_SLOTS];
};

struct x509_store {
	X509_STORE	*st;		/* its address: the check memo's key */
	const char	*what;		/* "CA file", for findings */
};

/* ---- bounded text ---- */

/*
 * struct tb writes text into a caller's fixed buffer. It never writes
 * past |size|, always NUL-terminates, turns a NUL byte into the two
 * characters "\0", and when full stops without cutting a "\0" or a
 * UTF-8 sequence in two.
 */
struct tb {
	char	*p;
	size_t	 size;
	size_t	 len;
	bool	 full;
};

static void
tb_init(struct tb *t, char *p, size_t size)
{
	t->p = p;
	t->size = size;
	t->len = 0;
	t->full = size == 0;
	if (size > 0)
		p[0] = '\0';
}

/* tb_trim drops a UTF-8 sequence left incomplete at the end of |t|. */
static void
tb_trim(struct tb *t)
{
	size_t j = t->len, need;
	unsigned char lead;

	while (j > 0 && ((unsigned char)t->p[j - 1] & 0xc0) == 0x80)
		j--;
	if (j == 0 || (unsigned char)t->p[j - 1] < 0xc0)
		return;
	lead = (unsigned char)t->p[j - 1];
	if (lead >= 0xf0)
		need = 4;
	else if (lead >= 0xe0)
		need = 3;
	else
		need = 2;
	if (t->len - (j - 1) < need) {
		t->len = j - 1;
		t->p[t->len] = '\0';
	}
}

static void
tb_bytes(struct tb *t, const uint8_t *s, size_t len)
{
	struct rd r;
	uint8_t c;

	rd_init(&r, s, len);
	while (!t->full && rd_u8(&r, &c)) {
		if (c == '\0') {
			if (t->size - t->len < 3) {
				t->full = true;
				break;
			}
			t->p[t->len++] = '\\';
			t->p[t->len++] = '0';
		} else {
			if (t->size - t->len < 2) {
				t->full = true;
				break;
			}
			t->p[t->len++] = (char)c;
		}
		t->p[t->len] = '\0';
	}
	if (t->full)
		tb_trim(t);
}

static void
tb_str(struct tb *t, const char *s)
{
	tb_bytes(t, (const uint8_t *)s, strlen(s));
}

static void __attribute__((format(printf, 2, 0)))
tb_vprintf(struct tb *t, const char *fmt, va_list ap)
{
	int n;

	if (t->full)
		return;
	n = vsnprintf(t->p + t->len, t->size - t->len, fmt, ap);
	if (n < 0) {
		t->p[t->len] = '\0';
		t->full = true;
	} else if ((size_t)n >= t->size - t->len) {
		t->len = t->size - 1;
		t->full = true;
		tb_trim(t);
	} else
		t->len += (size_t)n;
}

static void __attribute__((format(printf, 2, 3)))
tb_printf(struct tb *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tb_vprintf(t, fmt, ap);
	va_end(ap);
}

/* set_err fills a caller's X509_ERRBUF_SIZE error buffer. */
static void __attribute__((format(printf, 2, 3)))
set_err(char *errbuf, const char *fmt, ...)
{
	struct tb t;
	va_list ap;

	tb_init(&t, errbuf, X509_ERRBUF_SIZE);
	va_start(ap, fmt);
	tb_vprintf(&t, fmt, ap);
	va_end(ap);
}

/* tb_hex appends |len| bytes as lower-case hex (as all hex tlsdiag
 * writes: serials, key ids, PEM file names, SHA-256), whole bytes only. */
static void
tb_hex(struct tb *t, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	struct rd r;
	uint8_t c;

	rd_init(&r, p, len);
	while (!t->full && rd_u8(&r, &c)) {
		if (t->size - t->len < 3) {
			t->full = true;
			break;
		}
		t->p[t->len++] = digits[c >> 4];
		t->p[t->len++] = digits[c & 0x0f];
		t->p[t->len] = '\0';
	}
}

/* ---- time ---- */

/* days_from_civil returns the days from 1970-01-01 to y-m-d in the
 * proleptic Gregorian calendar (H. Hinnant's algorithm); it needs no
 * time_t, timegm or TZ. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* iso_time writes |t| (epoch seconds) as "YYYY-MM-DDTHH:MM:SSZ". */
static void
iso_time(char *out, size_t out_len, int64_t t)
{
	int64_t z, era, y, days, secs;
	unsigned doe, yoe, doy, mp, d, m;

	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = (int64_t)yoe + era * 400 + (m <= 2);
	/* ASN.1 times cannot leave 0000..9999; clamp so the text is bounded. */
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	(void)snprintf(out, out_len, "%04u-%02u-%02uT%02u:%02u:%02uZ",
	    (unsigned)y % 10000u, m % 100u, d % 100u,
	    (unsigned)(secs / 3600) % 100u, (unsigned)(secs / 60 % 60) % 100u,
	    (unsigned)(secs % 60) % 100u);
}

/* asn1_time_epoch converts |t| to epoch seconds. */
static bool
asn1_time_epoch(int64_t *out, const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return false;
	*out = days_from_civil((int64_t)tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * SECS_PER_DAY +
	    (int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return true;
}

/* ---- summaries ---- */

/* Names print in RFC 4514 (RFC 2253) form: most specific RDN first,
 * "CN=a,O=b". UTF-8 and control characters pass through unescaped (the
 * renderers escape them); 2253 specials are still escaped. */
#define NAME_FLAGS	(XN_FLAG_RFC2253 & \
			    ~(unsigned long)(ASN1_STRFLGS_ESC_MSB | \
			    ASN1_STRFLGS_ESC_CTRL))

/* name_text renders |nm| into |out|; false if libcrypto cannot. */
static bool
name_text(char *out, size_t out_len, const X509_NAME *nm)
{
	struct tb t;
	BIO *b;
	char *data;
	long len;
	bool ok = false;

	tb_init(&t, out, out_len);
	if (nm == NULL)
		return false;
	b = BIO_new(BIO_s_mem());
	if (b == NULL)
		return false;
	if (X509_NAME_print_ex(b, nm, 0, NAME_FLAGS) >= 0) {
		len = BIO_get_mem_data(b, &data);
		if (len >= 0) {
			tb_bytes(&t, (const uint8_t *)data, (size_t)len);
			ok = true;
		}
	}
	BIO_free(b);
	ERR_clear_error();
	return ok;
}

/* asn1_string_text appends the bytes of |s| to |t| as UTF-8 when
 * libcrypto can convert them, raw otherwise. */
static void
asn1_string_text(struct tb *t, const ASN1_STRING *s)
{
	unsigned char *u = NULL;
	int n;

	n = ASN1_STRING_to_UTF8(&u, s);
	if (n >= 0) {
		tb_bytes(t, u, (size_t)n);
		OPENSSL_free(u);
		return;
	}
	ERR_clear_error();
	n = ASN1_STRING_length(s);
	if (n > 0)
		tb_bytes(t, ASN1_STRING_get0_data(s), (size_t)n);
}

/* fill_cn writes the most specific CN of |nm| (the first in RFC 4514
 * text, the last in DER order). */
static void
fill_cn(char *out, size_t out_len, const X509_NAME *nm)
{
	struct tb t;
	const X509_NAME_ENTRY *e;
	int i, last = -1;

	tb_init(&t, out, out_len);
	for (i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1); i >= 0;
	    i = X509_NAME_get_index_by_NID(nm, NID_commonName, i))
		last = i;
	if (last < 0)
		return;
	e = X509_NAME_get_entry(nm, last);
	if (e != NULL)
		asn1_string_text(&t, X509_NAME_ENTRY_get_data(e));
}

static void
fill_serial(struct cert_info *ci, const X509 *x)
{
	const ASN1_INTEGER *s = X509_get0_serialNumber(x);
	struct tb t;
	int n;

	tb_init(&t, ci->serial, sizeof(ci->serial));
	if (s == NULL)
		return;
	if (ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER)
		tb_str(&t, "-");
	n = ASN1_STRING_length(s);
	if (n <= 0)
		tb_str(&t, "00");
	else
		tb_hex(&t, ASN1_STRING_get0_data(s), (size_t)n);
}

static void
fill_sig_alg(struct cert_info *ci, const X509 *x)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	const char *ln;
	int nid;

	ci->sig_alg[0] = '\0';
	nid = X509_get_signature_nid(x);
	ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	if (ln != NULL) {
		(void)snprintf(ci->sig_alg, sizeof(ci->sig_alg), "%s", ln);
		return;
	}
	X509_get0_signature(NULL, &alg, x);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (obj != NULL && OBJ_obj2txt(ci->sig_alg, sizeof(ci->sig_alg), obj,
	    1) < 0)
		ci->sig_alg[0] = '\0';
}

static void
fill_key(struct cert_info *ci, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const char *name;
	ASN1_OBJECT *alg = NULL;
	int id;

	ci->key_type[0] = ci->curve[0] = '\0';
	ci->key_bits = 0;
	if (pk == NULL) {
		/* A key libcrypto cannot decode: name its algorithm. */
		ERR_clear_error();
		if (X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL,
		    X509_get_X509_PUBKEY(x)) == 1 && alg != NULL &&
		    OBJ_obj2txt(ci->key_type, sizeof(ci->key_type), alg, 0) < 0)
			ci->key_type[0] = '\0';
		return;
	}
	id = EVP_PKEY_base_id(pk);
	switch (id) {
	case EVP_PKEY_RSA:
		name = "RSA";
		break;
	case EVP_PKEY_RSA_PSS:
		name = "RSA-PSS";
		break;
	case EVP_PKEY_DSA:
		name = "DSA";
		break;
	case EVP_PKEY_EC:
		name = "EC";
		break;
	case EVP_PKEY_ED25519:
		name = "Ed25519";
		break;
	case EVP_PKEY_ED448:
		name = "Ed448";
		break;
	case EVP_PKEY_DH:
		name = "DH";
		break;
	default:
		name = OBJ_nid2sn(id);
		if (name == NULL)
			name = "unknown";
		break;
	}
	(void)snprintf(ci->key_type, sizeof(ci->key_type), "%s", name);
	ci->key_bits = EVP_PKEY_bits(pk);
	if (id == EVP_PKEY_EC) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
		if (EVP_PKEY_get_group_name(pk, ci->curve, sizeof(ci->curve),
		    NULL) != 1)
			ci->curve[0] = '\0';
#else
		const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
		const EC_GROUP *g = ec != NULL ? EC_KEY_get0_group(ec) : NULL;
		const char *sn = g != NULL ?
		    OBJ_nid2sn(EC_GROUP_get_curve_name(g)) : NULL;

		if (sn != NULL)
			(void)snprintf(ci->curve, sizeof(ci->curve), "%s", sn);
#endif
	}
	ERR_clear_error();
}

static void
fill_flags(struct cert_info *ci, X509 *x)
{
	uint32_t xf, xku;

	xf = X509_get_extension_flags(x);
	ci->is_ca = (xf & EXFLAG_CA) != 0;
	ci->has_key_usage = (xf & EXFLAG_KUSAGE) != 0;
	ci->key_usage = ci->has_key_usage ? X509_get_key_usage(x) : 0;
	ci->has_eku = (xf & EXFLAG_XKUSAGE) != 0;
	xku = ci->has_eku ? X509_get_extended_key_usage(x) : 0;
	ci->eku_server_auth = (xku & XKU_SSL_SERVER) != 0;
	ci->eku_client_auth = (xku & XKU_SSL_CLIENT) != 0;
	ci->eku_any = (xku & XKU_ANYEKU) != 0;
}

/* san_entry renders one GeneralName (RFC 5280 4.2.1.6) into |out|. */
static void
san_entry(char *out, size_t out_len, const GENERAL_NAME *g)
{
	struct tb t;
	const ASN1_STRING *s;
	const ASN1_OBJECT *oid;
	char buf[INET6_ADDRSTRLEN], dn[LIMIT_DN_TEXT];
	void *v;
	int type, n;

	tb_init(&t, out, out_len);
	v = GENERAL_NAME_get0_value(g, &type);
	switch (type) {
	case GEN_DNS:
		tb_str(&t, "DNS:");
		asn1_string_text(&t, v);
		break;
	case GEN_URI:
		tb_str(&t, "URI:");
		asn1_string_text(&t, v);
		break;
	case GEN_EMAIL:
		tb_str(&t, "email:");
		asn1_string_text(&t, v);
		break;
	case GEN_IPADD:
		s = v;
		n = ASN1_STRING_length(s);
		if (n == 4 && inet_ntop(AF_INET, ASN1_STRING_get0_data(s), buf,
		    sizeof(buf)) != NULL)
			tb_printf(&t, "IP:%s", buf);
		else if (n == 16 && inet_ntop(AF_INET6,
		    ASN1_STRING_get0_data(s), buf, sizeof(buf)) != NULL)
			tb_printf(&t, "IP:%s", buf);
		else
			tb_printf(&t, "IP:<%d bytes>", n);
		break;
	case GEN_DIRNAME:
		(void)name_text(dn, sizeof(dn), v);
		tb_printf(&t, "DirName:%s", dn);
		break;
	case GEN_RID:
		if (OBJ_obj2txt(buf, sizeof(buf), v, 1) < 0)
			buf[0] = '\0';
		tb_printf(&t, "RID:%s", buf);
		break;
	case GEN_OTHERNAME:
		oid = NULL;
		if (GENERAL_NAME_get0_otherName(g, (ASN1_OBJECT **)&oid,
		    NULL) != 1 || oid == NULL ||
		    OBJ_obj2txt(buf, sizeof(buf), oid, 1) < 0)
			buf[0] = '\0';
		tb_printf(&t, "othername:%s", buf);
		break;
	case GEN_X400:
		tb_str(&t, "X400Name");
		break;
	case GEN_EDIPARTY:
		tb_str(&t, "EdiPartyName");
		break;
	default:
		tb_printf(&t, "GeneralName type %d", type);
		break;
	}
}

static void
fill_san(struct x509_cert *xc)
{
	struct cert_info *ci = &xc->info;
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	int i, num, type;

	ci->num_san = ci->total_san = 0;
	gens = X509_get_ext_d2i(xc->x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL) {
		ERR_clear_error();
		return;
	}
	num = sk_GENERAL_NAME_num(gens);
	for (i = 0; i < num; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		(void)GENERAL_NAME_get0_value(g, &type);
		if (type == GEN_DNS)
			xc->has_dns_san = true;
		if (ci->num_san < LIMIT_SAN) {
			san_entry(ci->san[ci->num_san],
			    sizeof(ci->san[ci->num_san]), g);
			ci->num_san++;
		}
	}
	ci->total_san = (size_t)(num > 0 ? num : 0);
	GENERAL_NAMES_free(gens);
}

static void
fill_key_ids(struct cert_info *ci, X509 *x)
{
	const ASN1_OCTET_STRING *s;
	struct tb t;

	tb_init(&t, ci->ski, sizeof(ci->ski));
	s = X509_get0_subject_key_id(x);
	if (s != NULL && ASN1_STRING_length(s) > 0)
		tb_hex(&t, ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s));
	tb_init(&t, ci->aki, sizeof(ci->aki));
	s = X509_get0_authority_key_id(x);
	if (s != NULL && ASN1_STRING_length(s) > 0)
		tb_hex(&t, ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s));
}

/* cert_fill summarizes |xc->x| into |xc->info|. It returns false if
 * the validity dates cannot be read (RFC 5280 4.1.2.5 formats). */
static bool
cert_fill(struct x509_cert *xc)
{
	struct cert_info *ci = &xc->info;
	X509 *x = xc->x;
	EVP_PKEY *pk;

	if (!asn1_time_epoch(&ci->not_before, X509_get0_notBefore(x)) ||
	    !asn1_time_epoch(&ci->not_after, X509_get0_notAfter(x))) {
		ERR_clear_error();
		return false;
	}
	(void)name_text(ci->subject, sizeof(ci->subject),
	    X509_get_subject_name(x));
	(void)name_text(ci->issuer, sizeof(ci->issuer),
	    X509_get_issuer_name(x));
	fill_cn(ci->subject_cn, sizeof(ci->subject_cn),
	    X509_get_subject_name(x));
	fill_serial(ci, x);
	fill_sig_alg(ci, x);
	fill_key(ci, x);
	fill_flags(ci, x);
	fill_san(xc);
	fill_key_ids(ci, x);
	pk = X509_get0_pubkey(x);
	ci->self_signed = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 && pk != NULL &&
	    X509_verify(x, pk) == 1;
	ERR_clear_error();
	return true;
}

/* cert_parse decodes |der| (exactly one certificate) with one reference
 * for the caller, or returns NULL. */
static struct x509_cert *
cert_parse(const uint8_t *der, size_t der_len, const uint8_t *sha)
{
	const unsigned char *p = der;	/* d2i advances it; keep |der| */
	struct x509_cert *xc;
	X509 *x;

	x = d2i_X509(NULL, &p, (long)der_len);
	if (x == NULL) {
		ERR_clear_error();
		return NULL;
	}
	if (p != der + der_len) {	/* trailing bytes */
		X509_free(x);
		return NULL;
	}
	xc = calloc(1, sizeof(*xc));
	if (xc == NULL) {
		X509_free(x);
		return NULL;
	}
	xc->x = x;
	if (!cert_fill(xc)) {
		X509_free(x);
		free(xc);
		return NULL;
	}
	memcpy(xc->info.sha256, sha, SHA256_LEN);
	xc->refs = 1;
	return xc;
}

/* ---- cache ---- */

struct x509_cache *
x509_cache_new(size_t max_entries)
{
	struct x509_cache *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->num_buckets = 64;
	c->bucket = calloc(c->num_buckets, sizeof(*c->bucket));
	if (c->bucket == NULL) {
		free(c);
		return NULL;
	}
	c->max_entries = max_entries;
	return c;
}

struct x509_cert *
x509_cert_ref(struct x509_cert *x)
{
	if (x != NULL)
		x->refs++;
	return x;
}

size_t
x509_cert_der_len(const struct x509_cert *x)
{
	int n;

	if (x == NULL)
		return 0;
	if (x->der != NULL)
		return x->der_len;
	n = i2d_X509(x->x, NULL);
	return n > 0 ? (size_t)n : 0;
}

void
x509_cert_unref(struct x509_cert *x)
{
	if (x == NULL || x->refs == 0)
		return;
	if (--x->refs > 0)
		return;
	X509_free(x->x);
	free(x->der);
	free(x);
}

/* x509_cache_free drops the cache's own references; certificates still
 * referenced by callers live until their last x509_cert_unref. */
void
x509_cache_free(struct x509_cache *c)
{
	struct x509_cert *xc, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->num_buckets; i++)
		for (xc = c->bucket[i]; xc != NULL; xc = next) {
			next = xc->next;
			xc->next = NULL;
			xc->in_cache = false;
			x509_cert_unref(xc);
		}
	for (i = 0; i < NAME_MEMO_SLOTS; i++) {
		free(c->names[i].der);
		free(c->names[i].text);
	}
	free(c->bucket);
	free(c);
}

/* bucket_of maps a DER hash into |c|'s table. */
static size_t
bucket_of(const struct x509_cache *c, uint64_t h)
{
	return (size_t)(h & (c->num_buckets - 1));
}

/* cache_grow doubles the table; on allocation failure chains get longer. */
static void
cache_grow(struct x509_cache *c)
{
	struct x509_cert **old = c->bucket, *xc, *next;
	size_t i, old_num = c->num_buckets, b;

	if (old_num > SIZE_MAX / 2 / sizeof(*old))
		return;
	c->bucket = calloc(old_num * 2, sizeof(*c->bucket));
	if (c->bucket == NULL) {
		c->bucket = old;
		return;
	}
	c->num_buckets = old_num * 2;
	for (i = 0; i < old_num; i++)
		for (xc = old[i]; xc != NULL; xc = next) {
			next = xc->next;
			b = bucket_of(c, xc->der_hash);
			xc->next = c->bucket[b];
			c->bucket[b] = xc;
		}
	free(old);
}

/* cache_remove unlinks |xc| and drops the cache's reference to it. */
static void
cache_remove(struct x509_cache *c, struct x509_cert *xc)
{
	struct x509_cert **pp;

	for (pp = &c->bucket[bucket_of(c, xc->der_hash)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == xc) {
			*pp = xc->next;
			xc->next = NULL;
			xc->in_cache = false;
			c->count--;
			c->stats.evicted++;
			x509_cert_unref(xc);
			return;
		}
}

static int
cmp_last_use(const void *a, const void *b)
{
	const struct x509_cert *const *x = a, *const *y = b;

	if ((*x)->last_use < (*y)->last_use)
		return -1;
	return (*x)->last_use > (*y)->last_use;
}

/*
 * cache_sweep evicts the least recently used unreferenced entries until
 * a quarter of |max_entries| is free again. When callers hold too many
 * for that, the next sweep waits for another quarter of inserts, so the
 * cost of sweeping stays constant per insert.
 */
static void
cache_sweep(struct x509_cache *c)
{
	struct x509_cert **v, *xc;
	size_t i, k, nv = 0, low;

	low = c->max_entries - c->max_entries / 4;
	v = calloc(c->count, sizeof(*v));
	if (v != NULL) {
		for (i = 0; i < c->num_buckets; i++)
			for (xc = c->bucket[i]; xc != NULL; xc = xc->next)
				if (xc->refs == 1 && nv < c->count)
					v[nv++] = xc;
		qsort(v, nv, sizeof(*v), cmp_last_use);
		for (k = 0; k < nv && c->count > low; k++)
			cache_remove(c, v[k]);
		free(v);
	}
	c->next_sweep = c->count > low ? c->count + 1 + c->max_entries / 4 :
	    0;
}

/*
 * x509_cache_get: the cache keeps one reference to every entry; an
 * entry only the cache references is "unreferenced" and may be evicted.
 */
struct x509_cert *
x509_cache_get(struct x509_cache *c, const uint8_t *der, size_t der_len)
{
	uint8_t sha[SHA256_LEN];
	unsigned int sha_len = 0;
	struct x509_cert *xc;
	uint64_t h;
	size_t b;

	if (der == NULL || der_len == 0 || der_len > LIMIT_CERT_BYTES)
		goto reject;
	h = hash_bytes(der, der_len);
	if (c != NULL) {
		b = bucket_of(c, h);
		for (xc = c->bucket[b]; xc != NULL; xc = xc->next)
			if (xc->der_hash == h && xc->der_len == der_len &&
			    memcmp(xc->der, der, der_len) == 0) {
				xc->refs++;
				xc->last_use = ++c->clock;
				c->stats.hits++;
				return xc;
			}
	}
	if (EVP_Digest(der, der_len, sha, &sha_len, EVP_sha256(), NULL) !=
	    1 || sha_len != SHA256_LEN) {
		ERR_clear_error();
		goto reject;
	}
	if (c == NULL)
		return cert_parse(der, der_len, sha);
	xc = cert_parse(der, der_len, sha);
	if (xc == NULL)
		goto reject;
	xc->der = malloc(der_len);
	if (xc->der == NULL) {
		/* Not cached, but still a good answer. */
		c->stats.parsed++;
		return xc;
	}
	memcpy(xc->der, der, der_len);
	xc->der_len = der_len;
	xc->der_hash = h;
	b = bucket_of(c, h);
	c->stats.parsed++;
	xc->refs++;
	xc->in_cache = true;
	xc->last_use = ++c->clock;
	xc->next = c->bucket[b];
	c->bucket[b] = xc;
	c->count++;
	if (c->count > c->num_buckets)
		cache_grow(c);
	if (c->count > c->max_entries && c->count >= c->next_sweep)
		cache_sweep(c);
	return xc;

reject:
	if (c != NULL)
		c->stats.rejected++;
	return NULL;
}

void
x509_cache_stats(const struct x509_cache *c, struct x509_cache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return;
	*out = c->stats;
	out->entries = c->count;
}

const struct cert_info *
x509_cert_info(const struct x509_cert *x)
{
	return &x->info;
}

/* ---- names ---- */

/* parse_name decodes a DER Name with no trailing bytes, or NULL. */
static X509_NAME *
parse_name(const uint8_t *der, size_t der_len)
{
	const unsigned char *p = der;
	X509_NAME *nm;

	if (der == NULL || der_len == 0 || der_len > LIMIT_CERT_BYTES)
		return NULL;
	nm = d2i_X509_NAME(NULL, &p, (long)der_len);
	if (nm == NULL) {
		ERR_clear_error();
		return NULL;
	}
	if (p != der + der_len) {
		X509_NAME_free(nm);
		return NULL;
	}
	return nm;
}

bool
x509_name_to_text(char *out, size_t out_len, const uint8_t *der,
    size_t der_len)
{
	X509_NAME *nm;
	struct tb t;
	bool ok = false;

	nm = parse_name(der, der_len);
	if (nm != NULL)
		ok = name_text(out, out_len, nm);
	X509_NAME_free(nm);
	if (!ok) {
		tb_init(&t, out, out_len);
		tb_str(&t, "<unparseable name>");
	}
	return ok;
}

bool
x509_cache_name_text(struct x509_cache *c, char *out, size_t out_len,
    const uint8_t *der, size_t der_len)
{
	struct name_memo *m;
	char full[LIMIT_DN_TEXT];
	size_t tlen;
	uint64_t h;
	bool ok;

	if (c == NULL || out == NULL || out_len < sizeof(full) || der == NULL)
		return x509_name_to_text(out, out_len, der, der_len);
	h = hash_bytes(der, der_len);
	m = &c->names[h % NAME_MEMO_SLOTS];
	if (m->text != NULL && m->hash == h && m->der_len == der_len &&
	    (der_len == 0 || memcmp(m->der, der, der_len) == 0)) {
		memcpy(out, m->text, strlen(m->text) + 1);
		return m->ok;
	}
	ok = x509_name_to_text(full, sizeof(full), der, der_len);
	tlen = strlen(full);
	memcpy(out, full, tlen + 1);
	free(m->der);
	free(m->text);
	m->der = malloc(der_len > 0 ? der_len : 1);
	m->text = malloc(tlen + 1);
	if (m->der == NULL || m->text == NULL) {
		free(m->der);
		free(m->text);
		m->der = NULL;
		m->text = NULL;
		return ok;
	}
	if (der_len > 0)
		memcpy(m->der, der, der_len);
	memcpy(m->text, full, tlen + 1);
	m->der_len = der_len;
	m->hash = h;
	m->ok = ok;
	return ok;
}

/* ---- trust store ---- */

struct x509_store *
x509_store_load(const char *file, const char *dir,
    char errbuf[X509_ERRBUF_SIZE])
{
	struct x509_store *s;
	struct stat st;
	const char *why;

	if (file == NULL && dir == NULL) {
		set_err(errbuf, "no CA file or directory given");
		return NULL;
	}
	if (file != NULL && stat(file, &st) == -1) {
		set_err(errbuf, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (file != NULL && S_ISDIR(st.st_mode)) {
		set_err(errbuf, "%s: is a directory", file);
		return NULL;
	}
	if (dir != NULL && stat(dir, &st) == -1) {
		set_err(errbuf, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (dir != NULL && !S_ISDIR(st.st_mode)) {
		set_err(errbuf, "%s: not a directory", dir);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		set_err(errbuf, "out of memory");
		return NULL;
	}
	s->st = X509_STORE_new();
	if (s->st == NULL) {
		set_err(errbuf, "out of memory");
		free(s);
		return NULL;
	}
	/* X509_STORE_load_locations, not load_file/load_path: libcrypto
	 * 1.1.1 is the oldest we build with. */
	if (X509_STORE_load_locations(s->st, file, dir) != 1) {
		why = ERR_reason_error_string(ERR_peek_last_error());
		set_err(errbuf, "%s: cannot load CA certificates: %s",
		    file != NULL ? file : dir,
		    why != NULL ? why : "no certificate found");
		ERR_clear_error();
		X509_STORE_free(s->st);
		free(s);
		return NULL;
	}
	if (file != NULL && dir != NULL)
		s->what = "CA file and directory";
	else if (file != NULL)
		s->what = "CA file";
	else
		s->what = "CA directory";
	return s;
}

void
x509_store_free(struct x509_store *s)
{
	if (s == NULL)
		return;
	X509_STORE_free(s->st);
	free(s);
}

/* store_has_subject tells whether |s| holds a certificate named |nm|. */
static bool
store_has_subject(const struct x509_store *s, const X509_NAME *nm)
{
	X509_STORE_CTX *ctx;
	X509_OBJECT *obj = NULL;

	ctx = X509_STORE_CTX_new();
	if (ctx == NULL)
		return false;
	if (X509_STORE_CTX_init(ctx, s->st, NULL, NULL) == 1)
		obj = X509_STORE_CTX_get_obj_by_subject(ctx, X509_LU_X509,
		    (X509_NAME *)nm);
	X509_OBJECT_free(obj);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return obj != NULL;
}

/* ---- checks ---- */

/*
 * struct chk holds one run of x509_check_chain: the structure of the
 * chain worked out once, then findings emitted by severity, errors
 * first, so that a small |max_out| keeps the ones that matter.
 */
struct chk {
	struct x509_finding		*out;
	size_t				 max_out;
	size_t				 n_out;
	enum x509_severity		 pass;
	struct x509_cert *const		*chain;
	size_t				 num;	/* at most LIMIT_CHAIN_CERTS */
	const struct x509_check_params	*p;
	bool				 leaf;	/* chain[0] parsed */
	bool				 usable[LIMIT_CHAIN_CERTS];
	int				 dup_of[LIMIT_CHAIN_CERTS];
	int				 next[LIMIT_CHAIN_CERTS];
	/* parent[i]: index of the certificate whose key verifies i,
	 * i itself when self-signed, -1 when none was sent. */
	int				 parent[LIMIT_CHAIN_CERTS];
	/* bad_sig[i]: a certificate named as i's issuer whose key does
	 * not verify i, or -1. */
	int				 bad_sig[LIMIT_CHAIN_CERTS];
	bool				 on_path[LIMIT_CHAIN_CERTS];
	bool				 unrelated[LIMIT_CHAIN_CERTS];
	int				 path_end;
	bool				 missing;
	X509_NAME			*ca[LIMIT_CA_NAMES];
	size_t				 num_ca;
	bool				 accepted;
	int				 verify_err;	/* X509_V_OK or error */
	int				 verify_depth;
};

static void __attribute__((format(printf, 5, 6)))
add(struct chk *k, enum x509_finding_code code, enum x509_severity sev,
    int cert, const char *fmt, ...)
{
	struct x509_finding *f;
	struct tb t;
	va_list ap;

	if (sev != k->pass || k->n_out >= k->max_out)
		return;
	f = &k->out[k->n_out++];
	f->code = code;
	f->severity = sev;
	f->cert = cert;
	tb_init(&t, f->text, sizeof(f->text));
	va_start(ap, fmt);
	tb_vprintf(&t, fmt, ap);
	va_end(ap);
}

static const struct cert_info *
ci_of(const struct chk *k, size_t i)
{
	return &k->chain[i]->info;
}

/* subj names certificate |i| in a sentence. */
static const char *
subj(const struct chk *k, size_t i)
{
	const char *s = ci_of(k, i)->subject;

	return s[0] != '\0' ? s : "(empty subject)";
}

static X509 *
x_of(const struct chk *k, size_t i)
{
	return k->chain[i]->x;
}

/* signed_by tells whether the key of |j| verifies the signature on |i|,
 * remembering the answer in |i| for the next connection. */
static bool
signed_by(struct chk *k, size_t i, size_t j)
{
	struct x509_cert *c = k->chain[i];
	EVP_PKEY *pk;
	bool ok;

	if (c->memo != 0 && memcmp(c->memo_issuer, k->chain[j]->info.sha256,
	    SHA256_LEN) == 0)
		return c->memo > 0;
	pk = X509_get0_pubkey(x_of(k, j));
	ok = pk != NULL && X509_verify(x_of(k, i), pk) == 1;
	ERR_clear_error();
	memcpy(c->memo_issuer, k->chain[j]->info.sha256, SHA256_LEN);
	c->memo = ok ? 1 : -1;
	return ok;
}

/* find_parent sets parent[i] and bad_sig[i], trying the next
 * certificate sent first (RFC 8446 4.4.2 order), then any other. */
static void
find_parent(struct chk *k, size_t i)
{
	size_t t, j;
	int r;

	k->parent[i] = -1;
	k->bad_sig[i] = -1;
	if (ci_of(k, i)->self_signed) {
		k->parent[i] = (int)i;
		return;
	}
	for (t = 0; t <= k->num; t++) {
		if (t == 0) {
			if (k->next[i] < 0)
				continue;
			j = (size_t)k->next[i];
		} else {
			j = t - 1;
			if ((int)j == k->next[i])
				continue;
		}
		if (j == i || !k->usable[j])
			continue;
		/* Names, AKID against SKID, key type: RFC 5280 6.1.3 (a). */
		r = X509_check_issued(x_of(k, j), x_of(k, i));
		ERR_clear_error();
		if (r == X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH) {
			if (k->bad_sig[i] < 0)
				k->bad_sig[i] = (int)j;
			continue;
		}
		if (r != X509_V_OK && r != X509_V_ERR_KEYUSAGE_NO_CERTSIGN)
			continue;
		if (signed_by(k, i, j)) {
			k->parent[i] = (int)j;
			return;
		}
		if (k->bad_sig[i] < 0)
			k->bad_sig[i] = (int)j;
	}
}

/* descends_from_leaf tells whether following issuers from |i| reaches
 * certificate 0 (the leaf sent after its own issuer). */
static bool
descends_from_leaf(const struct chk *k, size_t i)
{
	size_t steps;
	int c = (int)i;

	for (steps = 0; steps < k->num; steps++) {
		if (k->parent[c] < 0 || k->parent[c] == c)
			return false;
		c = k->parent[c];
		if (c == 0)
			return true;
	}
	return false;
}

static bool
name_accepted(const struct chk *k, const X509_NAME *nm)
{
	size_t i;

	for (i = 0; i < k->num_ca; i++)
		if (X509_NAME_cmp(nm, k->ca[i]) == 0)
			return true;
	return false;
}

/* verify_store runs libcrypto's path validation at the capture time,
 * the way the peer of |p->role| would (RFC 5280 6.1). */
static void
verify_store(struct chk *k)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *untrusted;
	X509_VERIFY_PARAM *param;
	size_t i;
	bool ok = false;

	k->verify_err = X509_V_OK;
	k->verify_depth = 0;
	ctx = X509_STORE_CTX_new();
	untrusted = sk_X509_new_null();
	if (ctx == NULL || untrusted == NULL)
		goto out;
	for (i = 1; i < k->num; i++)
		if (k->usable[i] && sk_X509_push(untrusted, x_of(k, i)) <= 0)
			goto out;
	if (X509_STORE_CTX_init(ctx, k->p->store->st, x_of(k, 0),
	    untrusted) != 1)
		goto out;
	/* What libssl sets: a client checks the server's chain for the
	 * sslserver purpose, a server the client's for sslclient. */
	if (X509_STORE_CTX_set_default(ctx, k->p->role == X509_ROLE_SERVER ?
	    "ssl_server" : "ssl_client") != 1)
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)k->p->at);
	ok = true;
	if (X509_verify_cert(ctx) != 1) {
		k->verify_err = X509_STORE_CTX_get_error(ctx);
		if (k->verify_err == X509_V_OK)
			k->verify_err = X509_V_ERR_UNSPECIFIED;
		k->verify_depth = X509_STORE_CTX_get_error_depth(ctx);
	}
out:
	if (!ok) {
		k->verify_err = X509_V_ERR_OUT_OF_MEM;
		k->verify_depth = 0;
	}
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
}

/* analyze works out the structure of the chain once for all passes. */
static void
analyze(struct chk *k)
{
	const struct x509_check_params *p = k->p;
	size_t i, j;
	int c, last;
	X509_NAME *nm;

	for (i = 0; i < k->num; i++) {
		k->dup_of[i] = -1;
		k->usable[i] = false;
		if (k->chain[i] == NULL)
			continue;
		for (j = 0; j < i && k->dup_of[i] < 0; j++)
			if (k->chain[j] != NULL &&
			    memcmp(ci_of(k, i)->sha256, ci_of(k, j)->sha256,
			    SHA256_LEN) == 0)
				k->dup_of[i] = (int)j;
		k->usable[i] = k->dup_of[i] < 0;
	}
	k->leaf = k->num > 0 && k->usable[0];
	last = -1;
	for (i = k->num; i-- > 0; ) {
		k->next[i] = last;
		if (k->usable[i])
			last = (int)i;
	}
	for (i = 0; i < k->num; i++)
		if (k->usable[i])
			find_parent(k, i);

	/* The path from the leaf, following issuers (RFC 5280 6.1). */
	k->path_end = -1;
	for (c = k->leaf ? 0 : -1; c >= 0 && !k->on_path[c]; ) {
		k->on_path[c] = true;
		k->path_end = c;
		if (k->parent[c] == c)
			break;
		c = k->parent[c];
	}
	for (i = 0; i < k->num; i++)
		k->unrelated[i] = k->leaf && k->usable[i] && !k->on_path[i] &&
		    !descends_from_leaf(k, i);

	/* CertificateRequest names (RFC 8446 4.2.4, RFC 5246 7.4.4). */
	if (p->role == X509_ROLE_CLIENT && p->ca_names_present &&
	    p->ca_names != NULL && p->ca_name_lens != NULL) {
		for (i = 0; i < p->num_ca_names && k->num_ca < LIMIT_CA_NAMES;
		    i++) {
			nm = parse_name(p->ca_names[i], p->ca_name_lens[i]);
			if (nm != NULL)
				k->ca[k->num_ca++] = nm;
		}
		for (i = 0; i < k->num && !k->accepted; i++)
			if (k->usable[i])
				k->accepted = name_accepted(k,
				    X509_get_issuer_name(x_of(k, i))) ||
				    name_accepted(k,
				    X509_get_subject_name(x_of(k, i)));
	}

	/*
	 * Missing intermediate: the path stops at the leaf, which is not
	 * self-signed, and its issuer was not sent. When the path reaches a
	 * CA certificate, that one's issuer is taken to be a root the peer
	 * holds (RFC 8446 4.4.2 lets a sender omit it). The trust store or
	 * the CertificateRequest can show the leaf's issuer is such a CA.
	 */
	if (k->path_end == 0 && !ci_of(k, 0)->self_signed &&
	    k->bad_sig[0] < 0) {
		nm = X509_get_issuer_name(x_of(k, 0));
		k->missing = !(p->store != NULL &&
		    store_has_subject(p->store, nm)) &&
		    !(k->num_ca > 0 && name_accepted(k, nm));
	}

	k->verify_err = X509_V_OK;
	if (p->store != NULL && k->leaf)
		verify_store(k);
}

/* span writes |secs| as days in a sentence. */
static void
span(char *out, size_t out_len, int64_t secs)
{
	int64_t days = secs / SECS_PER_DAY;

	if (days < 1)
		(void)snprintf(out, out_len, "less than a day");
	else
		(void)snprintf(out, out_len, "%lld day%s", (long long)days,
		    days == 1 ? "" : "s");
}

static void
check_validity(struct chk *k, size_t i)
{
	const struct cert_info *ci = ci_of(k, i);
	char when[32], d[32];
	int64_t at = k->p->at;

	if (at > ci->not_after) {
		iso_time(when, sizeof(when), ci->not_after);
		span(d, sizeof(d), at - ci->not_after);
		add(k, X509F_EXPIRED, X509_SEV_ERROR, (int)i, "certificate %s "
		    "expired %s before the capture (not after %s)", subj(k, i),
		    d, when);
	} else if (at < ci->not_before) {
		iso_time(when, sizeof(when), ci->not_before);
		span(d, sizeof(d), ci->not_before - at);
		add(k, X509F_NOT_YET_VALID, X509_SEV_ERROR, (int)i,
		    "certificate %s was not yet valid at the capture: it "
		    "becomes valid %s later (not before %s)", subj(k, i), d,
		    when);
	} else if (i == 0 && ci->not_after - at < EXPIRES_SOON_SECS) {
		iso_time(when, sizeof(when), ci->not_after);
		span(d, sizeof(d), ci->not_after - at);
		add(k, X509F_EXPIRES_SOON, X509_SEV_WARNING, (int)i,
		    "certificate %s expires %s after the capture (not after "
		    "%s)", subj(k, i), d, when);
	}
}

/* san_list describes the names certificate 0 covers, for a mismatch. */
static void
san_list(const struct chk *k, char *out, size_t out_len)
{
	const struct cert_info *ci = ci_of(k, 0);
	struct tb t;
	size_t i;

	tb_init(&t, out, out_len);
	if (ci->num_san == 0) {
		tb_printf(&t, "it has no subjectAltName and its CN is \"%s\"",
		    ci->subject_cn);
		return;
	}
	tb_str(&t, "it covers ");
	for (i = 0; i < ci->num_san && i < MISMATCH_SAN_SHOWN; i++)
		tb_printf(&t, "%s%s", i > 0 ? ", " : "", ci->san[i]);
	if (ci->total_san > MISMATCH_SAN_SHOWN)
		tb_printf(&t, " and %zu more",
		    ci->total_san - MISMATCH_SAN_SHOWN);
}

/* check_name checks the SNI against the leaf as a client would (RFC
 * 6125 6.4, RFC 2818 3.1): SAN first, the CN only without DNS SANs,
 * wildcards only as a whole left-most label. */
static void
check_name(struct chk *k)
{
	const struct x509_check_params *p = k->p;
	char host[LIMIT_NAME_BYTES + 1], shown[LIMIT_NAME_BYTES * 2 + 1];
	char names[LIMIT_DN_TEXT];
	unsigned char ip[16];
	size_t host_len;
	struct tb t;
	bool match = false, is_ip = false;

	if (p->sni == NULL || p->sni_len == 0) {
		add(k, X509F_NO_SNI, X509_SEV_INFO, 0, "the client sent no "
		    "server name (SNI), so the names of certificate %s were "
		    "not checked", subj(k, 0));
		return;
	}
	tb_init(&t, shown, sizeof(shown));
	tb_bytes(&t, p->sni, p->sni_len);
	/*
	 * A name with a NUL, or longer than any DNS name, matches nothing;
	 * it never reaches libcrypto as a C string. Nor does one with a
	 * leading dot, which X509_check_host would take as "any subdomain
	 * of" rather than as a host name.
	 */
	if (p->sni_len < sizeof(host) && p->sni[0] != '.' &&
	    memchr(p->sni, '\0', p->sni_len) == NULL) {
		host_len = p->sni_len;
		memcpy(host, p->sni, host_len);
		/* Clients check "a.example." as "a.example" (an absolute
		 * name); RFC 6066 3 leaves the dot out of the SNI. */
		if (host_len > 1 && host[host_len - 1] == '.' &&
		    host[host_len - 2] != '.')
			host_len--;
		host[host_len] = '\0';
		is_ip = inet_pton(AF_INET, host, ip) == 1 ||
		    inet_pton(AF_INET6, host, ip) == 1;
		if (is_ip)
			match = X509_check_ip_asc(x_of(k, 0), host, 0) == 1;
		else
			match = X509_check_host(x_of(k, 0), host, host_len,
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
		ERR_clear_error();
	}
	if (!match) {
		san_list(k, names, sizeof(names));
		add(k, X509F_NAME_MISMATCH, X509_SEV_ERROR, 0, "certificate %s "
		    "does not cover the name %s asked for: %s", subj(k, 0),
		    shown, names);
	} else if (!is_ip && !k->chain[0]->has_dns_san)
		add(k, X509F_CN_ONLY, X509_SEV_WARNING, 0, "certificate %s has "
		    "no DNS subjectAltName: the name %s matched only its CN, "
		    "which browsers ignore", subj(k, 0), shown);
}

static void
check_eku(struct chk *k)
{
	const struct cert_info *ci = ci_of(k, 0);

	if (!ci->has_eku || ci->eku_any)
		return;
	if (k->p->role == X509_ROLE_SERVER && !ci->eku_server_auth)
		add(k, X509F_NO_SERVER_AUTH, X509_SEV_ERROR, 0, "certificate "
		    "%s has an extended key usage without serverAuth, so "
		    "clients refuse it for a TLS server", subj(k, 0));
	if (k->p->role == X509_ROLE_CLIENT && !ci->eku_client_auth)
		add(k, X509F_NO_CLIENT_AUTH, X509_SEV_ERROR, 0, "certificate "
		    "%s has an extended key usage without clientAuth, so "
		    "servers refuse it for a TLS client", subj(k, 0));
}

static void
check_ca_names(struct chk *k)
{
	const struct x509_check_params *p = k->p;
	char list[LIMIT_DN_TEXT], one[LIMIT_DN_TEXT];
	struct tb t;
	size_t i;
	int top;

	if (p->role != X509_ROLE_CLIENT || !p->ca_names_present ||
	    p->num_ca_names == 0 || k->accepted)
		return;
	tb_init(&t, list, sizeof(list));
	for (i = 0; i < p->num_ca_names && p->ca_names != NULL &&
	    p->ca_name_lens != NULL && !t.full; i++) {
		(void)x509_name_to_text(one, sizeof(one), p->ca_names[i],
		    p->ca_name_lens[i]);
		tb_printf(&t, "%s%s", i > 0 ? "; " : "", one);
	}
	top = k->path_end >= 0 ? k->path_end : 0;
	add(k, X509F_ISSUER_NOT_ACCEPTED, X509_SEV_ERROR, -1, "the issuer %s "
	    "is not among the CAs the server accepts (%s)",
	    ci_of(k, (size_t)top)->issuer[0] != '\0' ?
	    ci_of(k, (size_t)top)->issuer : "(empty name)", list);
}

static void
check_structure(struct chk *k)
{
	const struct cert_info *ci;
	size_t i;
	int par, nx;

	if (ci_of(k, 0)->self_signed)
		add(k, X509F_SELF_SIGNED_LEAF, X509_SEV_WARNING, 0,
		    "certificate %s is self-signed: a peer accepts it only if "
		    "it trusts this very certificate", subj(k, 0));
	else if (ci_of(k, 0)->is_ca)
		add(k, X509F_CA_AS_LEAF, X509_SEV_WARNING, 0, "certificate %s "
		    "is a CA certificate (basicConstraints CA:TRUE) sent as "
		    "the end-entity certificate", subj(k, 0));
	/*
	 * A client certificate issued straight by the server's client CA
	 * is often sent alone, correctly: with neither a trust store nor
	 * a CA list to tell, that is only worth an info finding.
	 */
	/*
	 * Whether the issuer not sent is an intermediate the sender should
	 * have sent or a root the peer must trust, the chain alone does not
	 * say. Without a trust store or CA list to check it against, a
	 * successful peer evidently held it: only an info finding.
	 */
	if (k->missing && k->p->store == NULL && k->num_ca == 0)
		add(k, X509F_MISSING_INTERMEDIATE, X509_SEV_INFO, 0, "the "
		    "chain stops at %s: its issuer %s was not sent, so a peer "
		    "must already hold %s (as a trusted root, or as an "
		    "intermediate it has cached) to build the chain",
		    subj(k, 0), ci_of(k, 0)->issuer, ci_of(k, 0)->issuer);
	else if (k->missing)
		add(k, X509F_MISSING_INTERMEDIATE, X509_SEV_WARNING, 0, "the "
		    "chain stops at %s: its issuer %s was not sent and %s does "
		    "not hold it (an intermediate the sender should send, or a "
		    "root missing there)", subj(k, 0), ci_of(k, 0)->issuer,
		    k->p->store != NULL ? "the CA file given" :
		    "the CA list of the CertificateRequest");
	for (i = 0; i < k->num; i++) {
		if (!k->usable[i] || k->unrelated[i])
			continue;
		ci = ci_of(k, i);
		par = k->parent[i];
		nx = k->next[i];
		if (par < 0 && k->bad_sig[i] >= 0)
			add(k, X509F_BAD_SIGNATURE, X509_SEV_ERROR, (int)i,
			    "certificate %s names %s as its issuer, but the "
			    "key of that certificate ([%d]) does not verify "
			    "its signature", subj(k, i), ci->issuer,
			    k->bad_sig[i]);
		if (par >= 0 && par != (int)i && par != nx) {
			if (nx >= 0)
				add(k, X509F_WRONG_ORDER, X509_SEV_WARNING,
				    (int)i, "certificate %s ([%zu]) is "
				    "followed by %s instead of its issuer, "
				    "which is sent at [%d]", subj(k, i), i,
				    subj(k, (size_t)nx), par);
			else
				add(k, X509F_WRONG_ORDER, X509_SEV_WARNING,
				    (int)i, "certificate %s ([%zu]) is sent "
				    "last, after its issuer %s ([%d])",
				    subj(k, i), i, ci->issuer, par);
		}
		if (i > 0 && par == (int)i && k->on_path[i])
			add(k, X509F_ROOT_SENT, X509_SEV_INFO, (int)i, "the "
			    "chain includes the self-signed root %s; peers use "
			    "their own copy, so sending it only costs bytes",
			    subj(k, i));
	}
	for (i = 0; i < k->num; i++) {
		if (k->unrelated[i])
			add(k, X509F_UNRELATED, X509_SEV_WARNING, (int)i,
			    "certificate %s ([%zu]) is not on the path from "
			    "%s to a root and the peer ignores it", subj(k, i),
			    i, subj(k, 0));
	}
}

/* check_weak flags keys and signature hashes below today's floor. */
static void
check_weak(struct chk *k, size_t i)
{
	const struct cert_info *ci = ci_of(k, i);
	int nid, md = NID_undef, pk = NID_undef;

	if ((strcmp(ci->key_type, "RSA") == 0 ||
	    strcmp(ci->key_type, "RSA-PSS") == 0 ||
	    strcmp(ci->key_type, "DSA") == 0) && ci->key_bits > 0 &&
	    ci->key_bits < WEAK_KEY_BITS)
		add(k, X509F_WEAK_KEY, X509_SEV_WARNING, (int)i, "certificate "
		    "%s has a %d-bit %s key (below %d bits)", subj(k, i),
		    ci->key_bits, ci->key_type, WEAK_KEY_BITS);
	/* A self-signed certificate's own signature protects nothing. */
	if (ci->self_signed)
		return;
	nid = X509_get_signature_nid(x_of(k, i));
	if (nid == NID_undef || OBJ_find_sigid_algs(nid, &md, &pk) != 1)
		return;
	if (md == NID_sha1 || md == NID_md5 || md == NID_md4 ||
	    md == NID_md2 || md == NID_md5_sha1)
		add(k, X509F_WEAK_SIGNATURE, X509_SEV_WARNING, (int)i,
		    "certificate %s is signed with %s, a hash broken for "
		    "signatures", subj(k, i), ci->sig_alg);
}

/* emit writes the findings of severity |k->pass|. */
static void
emit(struct chk *k)
{
	size_t i;

	for (i = 0; i < k->num; i++) {
		if (k->chain[i] == NULL)
			add(k, X509F_UNPARSEABLE, X509_SEV_ERROR, (int)i,
			    "certificate [%zu] of the chain does not parse as "
			    "DER X.509", i);
		else if (k->dup_of[i] >= 0)
			add(k, X509F_DUPLICATE, X509_SEV_WARNING, (int)i,
			    "certificate %s is sent twice ([%d] and [%zu])",
			    subj(k, i), k->dup_of[i], i);
	}
	if (k->leaf) {
		if (k->p->role == X509_ROLE_SERVER)
			check_name(k);
		check_eku(k);
		check_ca_names(k);
		if (k->p->store != NULL && k->verify_err != X509_V_OK)
			add(k, X509F_UNTRUSTED, X509_SEV_ERROR, -1, "chain "
			    "does not verify against the given %s: %s "
			    "(depth %d)",
			    k->p->store->what,
			    X509_verify_cert_error_string(k->verify_err),
			    k->verify_depth);
		check_structure(k);
	}
	for (i = 0; i < k->num; i++) {
		if (!k->usable[i] || k->unrelated[i])
			continue;
		check_validity(k, i);
		check_weak(k, i);
	}
}

size_t
x509_check_chain(struct x509_finding *out, size_t max_out,
    struct x509_cert *const *chain, size_t n,
    const struct x509_check_params *p)
{
	struct chk *k;
	size_t i, written;

	if (out == NULL || max_out == 0 || chain == NULL || n == 0 ||
	    p == NULL)
		return 0;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return 0;
	k->out = out;
	k->max_out = max_out;
	k->chain = chain;
	k->num = n < LIMIT_CHAIN_CERTS ? n : LIMIT_CHAIN_CERTS;
	k->p = p;
	analyze(k);
	k->pass = X509_SEV_ERROR;
	emit(k);
	k->pass = X509_SEV_WARNING;
	emit(k);
	k->pass = X509_SEV_INFO;
	emit(k);
	for (i = 0; i < k->num_ca; i++)
		X509_NAME_free(k->ca[i]);
	written = k->n_out;
	free(k);
	return written;
}

/* ---- memo of chain checks ---- */

/*
 * A busy server sends the same chain to every client, and the checks of
 * a chain (names of the CAs asked for, sentences, signatures) cost far
 * more than the rest of a handshake. The memo keeps the findings of the
 * last checks by their exact inputs: the chain's certificates (SHA-256),
 * the role, the SNI, the capture second, the CA names and the trust
 * store. A hit is always what x509_check_chain would return.
 */
#define CHECK_MEMO_SLOTS	64

struct check_memo_slot {
	uint64_t		 hash;
	/* The trust store checked against, held (up_ref) for as long as
	 * its address is in |key|: no other store can have that address
	 * meanwhile, even after x509_store_free. */
	X509_STORE		*store;
	uint8_t			*key;
	size_t			 key_len;
	struct x509_finding	*out;
	size_t			 n_out;
};

struct x509_check_memo {
	struct check_memo_slot	 slot[CHECK_MEMO_SLOTS];
	struct x509_check_memo_stats st;
};

struct x509_check_memo *
x509_check_memo_new(void)
{
	return calloc(1, sizeof(struct x509_check_memo));
}

void
x509_check_memo_free(struct x509_check_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < CHECK_MEMO_SLOTS; i++) {
		free(m->slot[i].key);
		free(m->slot[i].out);
		X509_STORE_free(m->slot[i].store);
	}
	free(m);
}

void
x509_check_memo_stats(const struct x509_check_memo *m,
    struct x509_check_memo_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (m != NULL)
		*out = m->st;
}

static void
key_put(uint8_t *key, size_t *len, const void *p, size_t n)
{
	if (n == 0)
		return;		/* |p| may be NULL */
	memcpy(key + *len, p, n);
	*len += n;
}

/* check_key serialises the inputs of a check into a new buffer; NULL
 * when the chain has an unparseable entry (not memoised). */
static uint8_t *
check_key(struct x509_cert *const *chain, size_t n, size_t max_out,
    const struct x509_check_params *p, size_t *key_len)
{
	size_t i, len = 0, cap;
	uint8_t *key;
	uint64_t v;
	uint64_t store = p->store != NULL ? (uint64_t)(uintptr_t)p->store->st :
	    0;

	cap = 64 + n * SHA256_LEN + p->sni_len;
	if (p->role == X509_ROLE_CLIENT)
		for (i = 0; i < p->num_ca_names; i++)
			cap += 8 + p->ca_name_lens[i];
	for (i = 0; i < n; i++)
		if (chain[i] == NULL)
			return NULL;
	key = malloc(cap);
	if (key == NULL)
		return NULL;
	v = (uint64_t)p->role;
	key_put(key, &len, &v, sizeof(v));
	v = n;
	key_put(key, &len, &v, sizeof(v));
	v = max_out;
	key_put(key, &len, &v, sizeof(v));
	v = (uint64_t)p->at;
	key_put(key, &len, &v, sizeof(v));
	key_put(key, &len, &store, sizeof(store));
	for (i = 0; i < n; i++)
		key_put(key, &len, chain[i]->info.sha256, SHA256_LEN);
	v = p->sni != NULL ? p->sni_len : (uint64_t)-1;
	key_put(key, &len, &v, sizeof(v));
	if (p->sni != NULL)
		key_put(key, &len, p->sni, p->sni_len);
	if (p->role == X509_ROLE_CLIENT) {
		v = p->ca_names_present ? p->num_ca_names : (uint64_t)-1;
		key_put(key, &len, &v, sizeof(v));
		for (i = 0; p->ca_names_present && i < p->num_ca_names; i++) {
			v = p->ca_name_lens[i];
			key_put(key, &len, &v, sizeof(v));
			key_put(key, &len, p->ca_names[i], p->ca_name_lens[i]);
		}
	}
	*key_len = len;
	return key;
}

size_t
x509_check_chain_memo(struct x509_check_memo *m, struct x509_finding *out,
    size_t max_out, struct x509_cert *const *chain, size_t n,
    const struct x509_check_params *p)
{
	struct check_memo_slot *sl;
	uint8_t *key;
	size_t key_len = 0, written;
	uint64_t h;

	if (m == NULL || out == NULL || max_out == 0 || chain == NULL ||
	    n == 0 || p == NULL ||
	    (key = check_key(chain, n, max_out, p, &key_len)) == NULL)
		return x509_check_chain(out, max_out, chain, n, p);
	h = hash_bytes(key, key_len);
	sl = &m->slot[h % CHECK_MEMO_SLOTS];
	if (sl->key != NULL && sl->hash == h && sl->key_len == key_len &&
	    memcmp(sl->key, key, key_len) == 0) {
		free(key);
		if (sl->n_out > 0)
			memcpy(out, sl->out, sl->n_out * sizeof(*out));
		m->st.hits++;
		return sl->n_out;
	}
	written = x509_check_chain(out, max_out, chain, n, p);
	m->st.misses++;
	free(sl->key);
	free(sl->out);
	X509_STORE_free(sl->store);
	memset(sl, 0, sizeof(*sl));
	if (p->store != NULL && X509_STORE_up_ref(p->store->st) != 1) {
		/* Not held: its address must not be a key. */
		free(key);
		return written;
	}
	sl->store = p->store != NULL ? p->store->st : NULL;
	sl->key = key;
	sl->key_len = key_len;
	sl->hash = h;
	sl->n_out = written;
	sl->out = written > 0 ? malloc(written * sizeof(*out)) : NULL;
	if (written > 0 && sl->out == NULL) {
		free(sl->key);
		sl->key = NULL;
		return written;
	}
	if (written > 0)
		memcpy(sl->out, out, written * sizeof(*out));
	return written;
}

/* ---- names of codes, PEM ---- */

static const char *const code_names[] = {
	[X509F_UNPARSEABLE] = "unparseable",
	[X509F_EXPIRED] = "expired",
	[X509F_NOT_YET_VALID] = "not_yet_valid",
	[X509F_EXPIRES_SOON] = "expires_soon",
	[X509F_NAME_MISMATCH] = "name_mismatch",
	[X509F_NO_SNI] = "no_sni",
	[X509F_CN_ONLY] = "cn_only",
	[X509F_MISSING_INTERMEDIATE] = "missing_intermediate",
	[X509F_SELF_SIGNED_LEAF] = "self_signed",
	[X509F_WRONG_ORDER] = "wrong_order",
	[X509F_DUPLICATE] = "duplicate",
	[X509F_UNRELATED] = "unrelated",
	[X509F_ROOT_SENT] = "root_sent",
	[X509F_BAD_SIGNATURE] = "bad_signature",
	[X509F_NO_SERVER_AUTH] = "no_server_auth",
	[X509F_NO_CLIENT_AUTH] = "no_client_auth",
	[X509F_ISSUER_NOT_ACCEPTED] = "issuer_not_accepted",
	[X509F_WEAK_KEY] = "weak_key",
	[X509F_WEAK_SIGNATURE] = "weak_signature",
	[X509F_UNTRUSTED] = "untrusted",
	[X509F_CA_AS_LEAF] = "ca_as_leaf",
};

const char *
x509_finding_code_name(enum x509_finding_code c)
{
	if ((size_t)c >= sizeof(code_names) / sizeof(code_names[0]) ||
	    code_names[c] == NULL)
		return "unknown";
	return code_names[c];
}

bool
x509_write_pem(const struct x509_cert *x, const char *dir,
    char errbuf[X509_ERRBUF_SIZE])
{
	char path[4096], hex[SHA256_LEN * 2 + 1];
	struct tb t;
	FILE *f;
	int fd, n;

	if (x == NULL || dir == NULL) {
		set_err(errbuf, "no certificate or directory");
		return false;
	}
	tb_init(&t, hex, sizeof(hex));
	tb_hex(&t, x->info.sha256, SHA256_LEN);
	n = snprintf(path, sizeof(path), "%s/%s.pem", dir, hex);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		set_err(errbuf, "%s: path too long", dir);
		return false;
	}
	/* O_EXCL: an existing file (the same certificate) is kept. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1) {
		if (errno == EEXIST)
			return true;
		set_err(errbuf, "%s: %s", path, strerror(errno));
		return false;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		set_err(errbuf, "%s: %s", path, strerror(errno));
		(void)close(fd);
		(void)unlink(path);
		return false;
	}
	if (PEM_write_X509(f, x->x) != 1) {
		set_err(errbuf, "%s: cannot write PEM", path);
		ERR_clear_error();
		(void)fclose(f);
		(void)unlink(path);
		return false;
	}
	if (fclose(f) != 0) {
		set_err(errbuf, "%s: %s", path, strerror(errno));
		(void)unlink(path);
		return false;
	}
	return true;
}
