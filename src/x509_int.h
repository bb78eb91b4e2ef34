/* x509_int.h - what the parts of the certificate module share (x509_parse.c,
 * x509_cache.c, x509_check.c); not for other modules, which include x509.h. */
#ifndef TLSDIAG_X509_INT_H
#define TLSDIAG_X509_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "x509.h"

#define SHA256_LEN		32
#define SECS_PER_DAY		86400

/* A parsed certificate (opaque outside these files). */
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

struct x509_store {
	X509_STORE	*st;		/* its address: the check memo's key */
	const char	*what;		/* "CA file", for findings */
};

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

/* ---- x509_parse.c ---- */

/* The struct tb writers: tb_init points |t| at |size| bytes at |p| and
 * makes it the empty string; the others append, as described above. */
void	tb_init(struct tb *t, char *p, size_t size);
void	tb_bytes(struct tb *t, const uint8_t *s, size_t len);
void	tb_str(struct tb *t, const char *s);
void	tb_vprintf(struct tb *t, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
void	tb_printf(struct tb *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* x509_set_err fills a caller's X509_ERRBUF_SIZE error buffer. */
void	x509_set_err(char *errbuf, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* x509_iso_time writes |t| (epoch seconds) as "YYYY-MM-DDTHH:MM:SSZ". */
void	x509_iso_time(char *out, size_t out_len, int64_t t);
/* x509_parse_name decodes a DER Name with no trailing bytes, or returns
 * NULL; the caller frees it with X509_NAME_free. */
X509_NAME	*x509_parse_name(const uint8_t *der, size_t der_len);
/* x509_cert_parse decodes |der| (exactly one certificate, whose SHA-256
 * is |sha|) with one reference for the caller, or returns NULL. */
struct x509_cert *x509_cert_parse(const uint8_t *der, size_t der_len,
	    const uint8_t *sha);

#endif
