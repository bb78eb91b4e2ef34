/* fingerprint.h - TLS fingerprints: JA4 (client), JA3 and JA3S. */
#ifndef TLSDIAG_FINGERPRINT_H
#define TLSDIAG_FINGERPRINT_H

#include <stdbool.h>

#include "tls_msg.h"

/* "t13d1516h2_8daaf6152771_e5627efa2ab1": 10 + 1 + 12 + 1 + 12. */
#define FP_JA4_LEN	36
/* An MD5 digest in lower-case hex (JA3, JA3S). */
#define FP_MD5_LEN	32

/*
 * The digests the fingerprints need (MD5, SHA-256), fetched once and
 * reused for every hello so that no fingerprint allocates, and a memo of
 * the last LIMIT_FP_MEMO hello shapes and their fingerprints. libcrypto
 * types stay inside fingerprint.c.
 */
struct fp_hasher;

/* fp_hasher_new returns a hasher, or NULL if libcrypto offers neither
 * digest. One without MD5 (a FIPS-only library) still computes JA4. */
struct fp_hasher	*fp_hasher_new(void);
/* fp_hasher_free releases |h|; fp_hasher_free(NULL) does nothing. */
void			 fp_hasher_free(struct fp_hasher *h);

/*
 * fp_ja4 writes the JA4 fingerprint of |ch| (FoxIO JA4 specification,
 * TLS over TCP) into |out| as a NUL-terminated string and returns true.
 * It returns false, with |out| empty, when a list is longer than
 * LIMIT_FP_SORT or the digest fails. An SSLv2-compatible hello is
 * fingerprinted from its version and the CipherSpecs that are TLS
 * suites (first byte 0); it has no extensions.
 */
bool	fp_ja4(struct fp_hasher *h, char out[FP_JA4_LEN + 1],
	    const struct tls_client_hello *ch);

/*
 * fp_ja3 writes the MD5 of the JA3 string of |ch| (salesforce/ja3:
 * "version,suites,extensions,groups,point formats", decimal, GREASE
 * left out) into |out| in lower-case hex and returns true. It returns
 * false, with |out| empty, for an SSLv2-compatible hello (JA3 is defined
 * on the TLS ClientHello only) or when MD5 is unavailable.
 */
bool	fp_ja3(struct fp_hasher *h, char out[FP_MD5_LEN + 1],
	    const struct tls_client_hello *ch);

/*
 * fp_ja3s writes the MD5 of the JA3S string of |sh| ("version,suite,
 * extensions", decimal, the legacy version field) into |out| and returns
 * true, or returns false with |out| empty when MD5 is unavailable.
 */
bool	fp_ja3s(struct fp_hasher *h, char out[FP_MD5_LEN + 1],
	    const struct tls_server_hello *sh);

/*
 * fp_client_hello fills |ja4| and |ja3| as fp_ja4 and fp_ja3 do, from the
 * memo when a hello with the same fingerprint inputs (version, suites,
 * extension types, groups, point formats, signature algorithms, versions,
 * the ends of the first ALPN value; GREASE left out) was seen before.
 */
void	fp_client_hello(struct fp_hasher *h, char ja4[FP_JA4_LEN + 1],
	    char ja3[FP_MD5_LEN + 1], const struct tls_client_hello *ch);
/* fp_server_hello fills |ja3s| as fp_ja3s does, through the memo. */
void	fp_server_hello(struct fp_hasher *h, char ja3s[FP_MD5_LEN + 1],
	    const struct tls_server_hello *sh);

#endif
