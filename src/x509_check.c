/* x509_check.c - checks of a certificate chain: names against the SNI,
 * validity at capture time, order and signatures, issuer against the CA
 * list and the trust store. */
#include <sys/types.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "limits.h"
#include "x509.h"
#include "x509_int.h"

/* A leaf expiring within this many seconds of the capture is worth a
 * warning: renewals are usually planned 30 days ahead. */
#define EXPIRES_SOON_SECS	(30 * SECS_PER_DAY)
/* Keys below this many bits are breakable or soon will be (NIST SP
 * 800-131A disallows RSA and DSA below 2048 bits). */
#define WEAK_KEY_BITS		2048
/* SAN entries quoted in a name_mismatch sentence; the rest are counted. */
#define MISMATCH_SAN_SHOWN	4

/* ---- trust store ---- */

struct x509_store *
x509_store_load(const char *file, const char *dir,
    char errbuf[X509_ERRBUF_SIZE])
{
	struct x509_store *s;
	struct stat st;
	const char *why;

	if (file == NULL && dir == NULL) {
		x509_set_err(errbuf, "no CA file or directory given");
		return NULL;
	}
	if (file != NULL && stat(file, &st) == -1) {
		x509_set_err(errbuf, "%s: %s", file, strerror(errno));
		return NULL;
	}
	if (file != NULL && S_ISDIR(st.st_mode)) {
		x509_set_err(errbuf, "%s: is a directory", file);
		return NULL;
	}
	if (dir != NULL && stat(dir, &st) == -1) {
		x509_set_err(errbuf, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (dir != NULL && !S_ISDIR(st.st_mode)) {
		x509_set_err(errbuf, "%s: not a directory", dir);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		x509_set_err(errbuf, "out of memory");
		return NULL;
	}
	s->st = X509_STORE_new();
	if (s->st == NULL) {
		x509_set_err(errbuf, "out of memory");
		free(s);
		return NULL;
	}
	/* X509_STORE_load_locations, not load_file/load_path: libcrypto
	 * 1.1.1 is the oldest we build with. */
	if (X509_STORE_load_locations(s->st, file, dir) != 1) {
		why = ERR_reason_error_string(ERR_peek_last_error());
		x509_set_err(errbuf, "%s: cannot load CA certificates: %s",
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
			nm = x509_parse_name(p->ca_names[i],
			    p->ca_name_lens[i]);
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
		x509_iso_time(when, sizeof(when), ci->not_after);
		span(d, sizeof(d), at - ci->not_after);
		add(k, X509F_EXPIRED, X509_SEV_ERROR, (int)i, "certificate %s "
		    "expired %s before the capture (not after %s)", subj(k, i),
		    d, when);
	} else if (at < ci->not_before) {
		x509_iso_time(when, sizeof(when), ci->not_before);
		span(d, sizeof(d), ci->not_before - at);
		add(k, X509F_NOT_YET_VALID, X509_SEV_ERROR, (int)i,
		    "certificate %s was not yet valid at the capture: it "
		    "becomes valid %s later (not before %s)", subj(k, i), d,
		    when);
	} else if (i == 0 && ci->not_after - at < EXPIRES_SOON_SECS) {
		x509_iso_time(when, sizeof(when), ci->not_after);
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

/* ---- names of codes ---- */

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
