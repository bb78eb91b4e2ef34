/* x509_parse.c - DER certificates and names to plain C summaries through
 * libcrypto; bounded text; PEM files. */
#include <sys/types.h>

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
#include <openssl/x509v3.h>
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#include <openssl/ec.h>
#endif

#include "limits.h"
#include "rd.h"
#include "x509.h"
#include "x509_int.h"

/* ---- bounded text ---- */

void
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

void
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

void
tb_str(struct tb *t, const char *s)
{
	tb_bytes(t, (const uint8_t *)s, strlen(s));
}

void __attribute__((format(printf, 2, 0)))
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

void __attribute__((format(printf, 2, 3)))
tb_printf(struct tb *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tb_vprintf(t, fmt, ap);
	va_end(ap);
}

/* x509_set_err fills a caller's X509_ERRBUF_SIZE error buffer. */
void __attribute__((format(printf, 2, 3)))
x509_set_err(char *errbuf, const char *fmt, ...)
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

/* x509_iso_time writes |t| (epoch seconds) as "YYYY-MM-DDTHH:MM:SSZ". */
void
x509_iso_time(char *out, size_t out_len, int64_t t)
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

/* x509_cert_parse decodes |der| (exactly one certificate) with one reference
 * for the caller, or returns NULL. */
struct x509_cert *
x509_cert_parse(const uint8_t *der, size_t der_len, const uint8_t *sha)
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

const struct cert_info *
x509_cert_info(const struct x509_cert *x)
{
	return &x->info;
}

/* ---- names ---- */

/* x509_parse_name decodes a DER Name with no trailing bytes, or NULL. */
X509_NAME *
x509_parse_name(const uint8_t *der, size_t der_len)
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

	nm = x509_parse_name(der, der_len);
	if (nm != NULL)
		ok = name_text(out, out_len, nm);
	X509_NAME_free(nm);
	if (!ok) {
		tb_init(&t, out, out_len);
		tb_str(&t, "<unparseable name>");
	}
	return ok;
}

/* ---- PEM ---- */

bool
x509_write_pem(const struct x509_cert *x, const char *dir,
    char errbuf[X509_ERRBUF_SIZE])
{
	char path[4096], hex[SHA256_LEN * 2 + 1];
	struct tb t;
	FILE *f;
	int fd, n;

	if (x == NULL || dir == NULL) {
		x509_set_err(errbuf, "no certificate or directory");
		return false;
	}
	tb_init(&t, hex, sizeof(hex));
	tb_hex(&t, x->info.sha256, SHA256_LEN);
	n = snprintf(path, sizeof(path), "%s/%s.pem", dir, hex);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		x509_set_err(errbuf, "%s: path too long", dir);
		return false;
	}
	/* O_EXCL: an existing file (the same certificate) is kept. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1) {
		if (errno == EEXIST)
			return true;
		x509_set_err(errbuf, "%s: %s", path, strerror(errno));
		return false;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		x509_set_err(errbuf, "%s: %s", path, strerror(errno));
		(void)close(fd);
		(void)unlink(path);
		return false;
	}
	if (PEM_write_X509(f, x->x) != 1) {
		x509_set_err(errbuf, "%s: cannot write PEM", path);
		ERR_clear_error();
		(void)fclose(f);
		(void)unlink(path);
		return false;
	}
	if (fclose(f) != 0) {
		x509_set_err(errbuf, "%s: %s", path, strerror(errno));
		(void)unlink(path);
		return false;
	}
	return true;
}
