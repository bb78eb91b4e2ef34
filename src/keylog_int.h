/* keylog_int.h - what record decryption (tls_decrypt.c) reads of a key log
 * (keylog.c): the secrets logged for a client random. Not for other
 * modules, which use the keylog_* functions of tls_decrypt.h. */
#ifndef TLSDIAG_KEYLOG_INT_H
#define TLSDIAG_KEYLOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest secret kept: Hash.length of SHA-384 (TLS 1.3), and the
 * 48-byte TLS 1.2 master secret (RFC 5246 8.1). */
#define SECRET_MAX		48

#define RANDOM_LEN		32

/* The labels of the NSS key log format we recognise. */
enum kl_label {
	KL_CLIENT_RANDOM,		/* TLS 1.2 master secret */
	KL_CLIENT_EARLY,		/* CLIENT_EARLY_TRAFFIC_SECRET */
	KL_CLIENT_HS,			/* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	KL_SERVER_HS,			/* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	KL_CLIENT_AP,			/* CLIENT_TRAFFIC_SECRET_0 */
	KL_SERVER_AP,			/* SERVER_TRAFFIC_SECRET_0 */
	KL_NUM_KEPT,			/* labels below are checked, not kept */
	KL_EXPORTER = KL_NUM_KEPT,	/* EXPORTER_SECRET */
	KL_EARLY_EXPORTER,		/* EARLY_EXPORTER_SECRET */
	KL_NUM
};

/* The key log (tls_decrypt.h) and the secrets of one client random in it
 * (opaque). */
struct keylog;
struct kl_entry;

/* keylog_find returns the entry of |client_random| in |kl|, or NULL. */
struct kl_entry	*keylog_find(const struct keylog *kl,
		    const uint8_t client_random[RANDOM_LEN]);
/* keylog_secret copies the logged secret |lb| of |e| into |out| if it is
 * |len| bytes long; false if it was not logged or has another length. */
bool		 keylog_secret(const struct kl_entry *e, enum kl_label lb,
		    size_t len, uint8_t *out);

#endif
