/* x509.h - certificate summaries and checks; the only door to libcrypto's X.509. */
#ifndef TLSDIAG_X509_H
#define TLSDIAG_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

#define X509_ERRBUF_SIZE	256

/* What a certificate says, as plain C data. Text fields are NUL-terminated
 * and may hold any byte from the wire except NUL (renderers escape them);
 * a NUL inside a name is rendered as "\0" here already. */
struct cert_info {
	char		subject[LIMIT_DN_TEXT];	/* RFC 4514 one-line, e.g. "CN=a,O=b" */
	char		issuer[LIMIT_DN_TEXT];
	char		subject_cn[LIMIT_DN_TEXT];	/* first CN, "" if none */
	char		serial[80];		/* hex, upper case */
	int64_t		not_before;		/* seconds since the epoch, UTC */
	int64_t		not_after;
	char		sig_alg[48];		/* e.g. "sha256WithRSAEncryption" */
	char		key_type[16];		/* "RSA", "EC", "Ed25519", "DSA", ... */
	int		key_bits;
	char		curve[32];		/* EC curve name, "" otherwise */
	bool		is_ca;			/* basicConstraints CA:TRUE */
	bool		self_signed;		/* subject == issuer and own key verifies */
	bool		has_key_usage;
	uint32_t	key_usage;		/* X509v3 KU_* bits as libcrypto gives them */
	bool		has_eku;
	bool		eku_server_auth;
	bool		eku_client_auth;
	bool		eku_any;
	char		san[LIMIT_SAN][LIMIT_NAME_BYTES];	/* "DNS:x", "IP:1.2.3.4", "URI:..", "email:.." */
	size_t		num_san;
	size_t		total_san;
	char		ski[64];		/* hex, "" if absent */
	char		aki[64];
	uint8_t		sha256[32];
};

/* A parsed certificate, shared through the cache (opaque). */
struct x509_cert;

/* The parse cache: a certificate seen on many connections is parsed once. */
struct x509_cache;

/* x509_cache_new returns an empty cache holding at most |max_entries|
 * unreferenced certificates. x509_cache_free(NULL) does nothing. */
struct x509_cache	*x509_cache_new(size_t max_entries);
void			 x509_cache_free(struct x509_cache *c);

/*
 * x509_cache_get parses |der| (exactly one DER certificate, no trailing
 * bytes, at most LIMIT_CERT_BYTES) or finds it in |c| by SHA-256. It
 * returns a new reference the caller releases with x509_cert_unref, or
 * NULL if |der| is not a certificate. It keeps no pointer into |der|.
 */
struct x509_cert	*x509_cache_get(struct x509_cache *c, const uint8_t *der,
			    size_t der_len);
void			 x509_cert_unref(struct x509_cert *x);
/* x509_cert_ref takes one more reference to |x| (released with
 * x509_cert_unref) and returns it. */
struct x509_cert	*x509_cert_ref(struct x509_cert *x);
/* x509_cert_der_len returns the length of |x|'s DER encoding (0 for
 * NULL). */
size_t			 x509_cert_der_len(const struct x509_cert *x);

/* Counters of a parse cache (for --summary and the tests). */
struct x509_cache_stats {
	size_t		entries;	/* certificates cached now */
	uint64_t	hits;		/* x509_cache_get answered from the cache */
	uint64_t	parsed;		/* certificates parsed and cached */
	uint64_t	rejected;	/* inputs that were not a certificate */
	uint64_t	evicted;	/* unreferenced entries dropped */
};
/* x509_cache_stats fills |out| with |c|'s counters (zeros for NULL). */
void			 x509_cache_stats(const struct x509_cache *c,
			    struct x509_cache_stats *out);
/* x509_cert_info returns |x|'s summary; valid while |x| is referenced. */
const struct cert_info	*x509_cert_info(const struct x509_cert *x);

/* x509_name_to_text renders a DER DistinguishedName (as in a
 * CertificateRequest) as RFC 4514 one-line text into |out|. It returns
 * false, writing "<unparseable name>", if |der| is not a Name. */
bool	x509_name_to_text(char *out, size_t out_len, const uint8_t *der,
	    size_t der_len);

/* A trust store loaded from --ca-file / --ca-path (opaque). */
/* x509_cache_name_text is x509_name_to_text with a memo in |c| of the
 * names seen recently (the CA names of CertificateRequests repeat on
 * every connection to a server). Only an |out| of LIMIT_DN_TEXT bytes or
 * more is served from the memo. */
bool	x509_cache_name_text(struct x509_cache *c, char *out, size_t out_len,
	    const uint8_t *der, size_t der_len);

struct x509_store;
/* x509_store_load loads PEM certificates. It returns NULL and fills
 * |errbuf| on failure. x509_store_free(NULL) does nothing. */
struct x509_store	*x509_store_load(const char *file, const char *dir,
			    char errbuf[X509_ERRBUF_SIZE]);
void			 x509_store_free(struct x509_store *s);

enum x509_role {
	X509_ROLE_SERVER,	/* chain the server sent; checked as a client would */
	X509_ROLE_CLIENT,	/* chain the client sent; checked as a server would */
};

enum x509_severity {
	X509_SEV_INFO,
	X509_SEV_WARNING,	/* worth fixing, does not fail a handshake by itself */
	X509_SEV_ERROR,		/* a peer following the RFCs would reject it */
};

/* Stable finding codes; x509_finding_code_name gives their JSON names. */
enum x509_finding_code {
	X509F_UNPARSEABLE,		/* "unparseable": DER does not parse */
	X509F_EXPIRED,			/* "expired" at capture time */
	X509F_NOT_YET_VALID,		/* "not_yet_valid" */
	X509F_EXPIRES_SOON,		/* "expires_soon": within 30 days */
	X509F_NAME_MISMATCH,		/* "name_mismatch": SNI not covered */
	X509F_NO_SNI,			/* "no_sni": no name to check (info) */
	X509F_CN_ONLY,			/* "cn_only": name matched CN, no SAN */
	X509F_MISSING_INTERMEDIATE,	/* "missing_intermediate": issuer of the
					 * last certificate not sent and it is
					 * not self-signed */
	X509F_SELF_SIGNED_LEAF,		/* "self_signed": the leaf signs itself */
	X509F_WRONG_ORDER,		/* "wrong_order": cert i not issued by i+1 */
	X509F_DUPLICATE,		/* "duplicate": same certificate twice */
	X509F_UNRELATED,		/* "unrelated": belongs to no path */
	X509F_ROOT_SENT,		/* "root_sent": self-signed root sent (info) */
	X509F_BAD_SIGNATURE,		/* "bad_signature": issuer's key does not verify */
	X509F_NO_SERVER_AUTH,		/* "no_server_auth": EKU lacks serverAuth */
	X509F_NO_CLIENT_AUTH,		/* "no_client_auth": EKU lacks clientAuth */
	X509F_ISSUER_NOT_ACCEPTED,	/* "issuer_not_accepted": no CA of the
					 * chain is in the CertificateRequest */
	X509F_WEAK_KEY,			/* "weak_key": RSA/DSA < 2048 bits */
	X509F_WEAK_SIGNATURE,		/* "weak_signature": SHA-1 or MD5 */
	X509F_UNTRUSTED,		/* "untrusted": the trust store given
					 * does not verify the chain */
	X509F_CA_AS_LEAF,		/* "ca_as_leaf": leaf has CA:TRUE */
};

struct x509_finding {
	enum x509_finding_code	code;
	enum x509_severity	severity;
	int			cert;		/* index in the chain, -1 for the chain */
	char			text[LIMIT_DN_TEXT + 256];	/* one plain sentence */
};

/* What the peer checks the chain against. */
struct x509_check_params {
	enum x509_role		 role;
	const uint8_t		*sni;		/* NULL or the SNI bytes */
	size_t			 sni_len;
	int64_t			 at;		/* capture time, epoch seconds */
	/* CertificateRequest acceptable CA names (DER); only for
	 * X509_ROLE_CLIENT. |ca_names_present| false: no list was seen. */
	bool			 ca_names_present;
	const uint8_t *const	*ca_names;
	const size_t		*ca_name_lens;
	size_t			 num_ca_names;
	const struct x509_store	*store;		/* NULL: no trust store given */
};

/*
 * x509_check_chain checks |chain| (|n| certificates in wire order; entries
 * may be NULL for unparseable DER) as the peer described by |p| would,
 * and writes at most |max_out| findings to |out|. It returns the number of
 * findings written.
 */
size_t	x509_check_chain(struct x509_finding *out, size_t max_out,
	    struct x509_cert *const *chain, size_t n,
	    const struct x509_check_params *p);

/*
 * A memo of chain checks: x509_check_chain_memo returns what
 * x509_check_chain would, from the memo when the same inputs (the
 * certificates by SHA-256, role, SNI, capture second, CA names, store,
 * |max_out|) were checked recently. Chains with an unparseable entry are
 * always checked afresh.
 */
struct x509_check_memo;
struct x509_check_memo_stats {
	uint64_t	hits;
	uint64_t	misses;
};
struct x509_check_memo	*x509_check_memo_new(void);
void			 x509_check_memo_free(struct x509_check_memo *m);
void			 x509_check_memo_stats(const struct x509_check_memo *m,
			    struct x509_check_memo_stats *out);
size_t	x509_check_chain_memo(struct x509_check_memo *m,
	    struct x509_finding *out, size_t max_out,
	    struct x509_cert *const *chain, size_t n,
	    const struct x509_check_params *p);

/* x509_finding_code_name returns the stable JSON name of |c|. */
const char	*x509_finding_code_name(enum x509_finding_code c);

/* x509_write_pem writes |x| as DIR/<sha256 hex>.pem unless it exists.
 * It returns false and fills |errbuf| on failure. */
bool	x509_write_pem(const struct x509_cert *x, const char *dir,
	    char errbuf[X509_ERRBUF_SIZE]);

#endif
