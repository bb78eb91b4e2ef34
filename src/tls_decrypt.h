/* tls_decrypt.h - NSS key log files and TLS record decryption (RFC 8446 7, RFC 5246 6.3). */
#ifndef TLSDIAG_TLS_DECRYPT_H
#define TLSDIAG_TLS_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The secrets of an NSS key log file (SSLKEYLOGFILE), keyed by client
 * random (opaque). */
struct keylog;

struct keylog	*keylog_new(void);
/* keylog_free(NULL) does nothing. */
void		 keylog_free(struct keylog *kl);
/* keylog_load adds the lines of |path|. Malformed lines are counted, not
 * fatal. It returns false and fills |errbuf| only when the file cannot be
 * read. */
bool		 keylog_load(struct keylog *kl, const char *path, char *errbuf,
		    size_t errbuf_len);
/*
 * keylog_follow adds the complete lines of |path| from byte |*offset| on
 * and moves |*offset| past the last of them: a line still being written
 * is read the next time. A file now shorter than |*offset| (truncated or
 * replaced) is read again from the start. For a key log that a client
 * appends to during a live capture. It returns false, filling |errbuf|
 * and setting |*missing| when the file does not exist (yet), if the file
 * cannot be read.
 */
bool		 keylog_follow(struct keylog *kl, const char *path,
		    uint64_t *offset, bool *missing, char *errbuf,
		    size_t errbuf_len);
/* keylog_add_text adds the NSS key log lines in |len| bytes at |p| (a
 * pcapng Decryption Secrets Block), as keylog_load does a file's. */
void		 keylog_add_text(struct keylog *kl, const uint8_t *p,
		    size_t len);
/* keylog_entries returns the number of secrets loaded. */
size_t		 keylog_entries(const struct keylog *kl);
/* keylog_bad_lines returns the number of malformed lines seen. */
size_t		 keylog_bad_lines(const struct keylog *kl);

/* Decryption state of one connection (opaque). */
struct tls_decrypt;

/*
 * tls_decrypt_new returns the decryption state for the connection whose
 * ClientHello carried |client_random|, negotiating |version| and |suite|
 * (the ServerHello's), or NULL when |kl| has no secret for it or the suite
 * is not supported (then the caller infers).
 */
struct tls_decrypt *tls_decrypt_new(const struct keylog *kl,
		    const uint8_t client_random[32], uint16_t version,
		    uint16_t suite, const uint8_t server_random[32]);
/* tls_decrypt_free(NULL) does nothing. */
void		 tls_decrypt_free(struct tls_decrypt *d);
/* tls_decrypt_active returns true if records of direction |dir| (0
 * client to server, 1 server to client) are being decrypted now. */
bool		 tls_decrypt_active(const struct tls_decrypt *d, int dir);
/* tls_decrypt_ccs tells |d| that |dir| sent ChangeCipherSpec (TLS 1.2:
 * its next records use the new keys, sequence number 0). */
void		 tls_decrypt_ccs(struct tls_decrypt *d, int dir);
/* tls_decrypt_finished tells |d| that |dir| sent its Finished (TLS 1.3:
 * its next records use the application traffic secret). */
void		 tls_decrypt_finished(struct tls_decrypt *d, int dir);
/* tls_decrypt_refill takes from |kl| the TLS 1.3 application traffic
 * secrets |d| did not have when it was made (a key log still being
 * written when the ServerHello was read). */
void		 tls_decrypt_refill(struct tls_decrypt *d, const struct keylog *kl,
		    const uint8_t client_random[32]);
/* tls_decrypt_key_update tells |d| that |dir| sent a KeyUpdate (TLS 1.3,
 * RFC 8446 4.6.3): its next records use the next application traffic
 * secret, sequence number 0. */
void		 tls_decrypt_key_update(struct tls_decrypt *d, int dir);

enum tls_decrypt_result {
	TLS_DECRYPT_OK,		/* |*pt| holds the plaintext */
	TLS_DECRYPT_NO_KEY,	/* no key for this direction or phase yet */
	TLS_DECRYPT_BAD_KEY,	/* the record did not authenticate */
};

/*
 * tls_decrypt_record decrypts one protected record of direction |dir|
 * (|ct| and |version| from its header, |p|/|len| its body). On success
 * |*inner_ct| is the real content type and |*pt|/|*pt_len| the plaintext,
 * valid until the next call with |d|.
 */
enum tls_decrypt_result tls_decrypt_record(struct tls_decrypt *d, int dir,
		    uint8_t ct, uint16_t version, const uint8_t *p, size_t len,
		    uint8_t *inner_ct, const uint8_t **pt, size_t *pt_len);

/* The hash of a key schedule, for the derivation functions below. */
enum tls_decrypt_hash {
	TLS_DECRYPT_SHA256,
	TLS_DECRYPT_SHA384,
};

/*
 * tls_decrypt_expand_label writes HKDF-Expand-Label(|secret|, |label|,
 * |context|, |out_len|) of RFC 8446 7.1 ("tls13 " is prepended to
 * |label|) to |out|. tls_decrypt_prf12 writes |out_len| bytes of the TLS
 * 1.2 PRF(|secret|, |label|, |seed|) of RFC 5246 5 to |out|. Both return
 * false if libcrypto fails or a length is out of range. They are public
 * for the tests against published vectors.
 */
bool		 tls_decrypt_expand_label(uint8_t *out, size_t out_len,
		    enum tls_decrypt_hash h, const uint8_t *secret,
		    size_t secret_len, const char *label,
		    const uint8_t *context, size_t context_len);
bool		 tls_decrypt_prf12(uint8_t *out, size_t out_len,
		    enum tls_decrypt_hash h, const uint8_t *secret,
		    size_t secret_len, const char *label, const uint8_t *seed,
		    size_t seed_len);

#endif
