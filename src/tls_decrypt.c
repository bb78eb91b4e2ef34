/* tls_decrypt.c - TLS record decryption: key schedules and AEAD records;
 * the key log it reads is in keylog.c. */
/*
 * A key log (SSLKEYLOGFILE, as NSS, OpenSSL, curl and Wireshark use it)
 * gives per client random either the TLS 1.2 master secret or the TLS 1.3
 * traffic secrets. From those this file derives the record keys (RFC 5246
 * 6.3 with the PRF of RFC 5246 5, RFC 8446 7.1 and 7.3) and opens AEAD
 * records (RFC 5288, RFC 6655, RFC 7905, RFC 8446 5.2). Only libcrypto's
 * EVP interfaces of OpenSSL 1.1.1 and 3.0 are used; no libcrypto type
 * leaves this file.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "keylog_int.h"
#include "limits.h"
#include "rd.h"
#include "tls_decrypt.h"
#include "util.h"

/* Longest secret, seed or output the derivation functions take. */
#define KDF_INPUT_MAX		4096

#define NONCE_LEN		12	/* every AEAD here (RFC 8446 5.3) */
#define KEY_MAX			32
#define TAG_MAX			16

/* RFC 5246 6.2.1 / RFC 8446 5.1 content types. */
#define CT_APPLICATION_DATA	23
#define CT_HANDSHAKE		22
#define HS_END_OF_EARLY_DATA	5
/* Early data records read before the ServerHello (the key is known from
 * it on): that many sequence numbers are tried for the first after. */
#define EARLY_SEQ_WINDOW	64

#define TLS12_VERSION		0x0303
#define TLS13_VERSION		0x0304

/* The AEAD constructions we open. */
enum aead {
	AEAD_AES_128_GCM,
	AEAD_AES_256_GCM,
	AEAD_CHACHA20_POLY1305,
	AEAD_AES_128_CCM,
	AEAD_AES_256_CCM,
	AEAD_AES_128_CCM_8,
	AEAD_AES_256_CCM_8,
};

/*
 * |fixed_iv_len| is TLS 1.2's SecurityParameters.fixed_iv_length: the
 * 4-byte salt of RFC 5288 3 / RFC 6655 3 (then |explicit_len| bytes of
 * nonce open each record), or the whole 12-byte IV of RFC 7905 2.
 */
static const struct aead_info {
	uint8_t		key_len;
	uint8_t		tag_len;
	uint8_t		fixed_iv_len;
	uint8_t		explicit_len;
	bool		ccm;
} aead_infos[] = {
	[AEAD_AES_128_GCM] =		{ 16, 16, 4, 8, false },
	[AEAD_AES_256_GCM] =		{ 32, 16, 4, 8, false },
	[AEAD_CHACHA20_POLY1305] =	{ 32, 16, 12, 0, false },
	[AEAD_AES_128_CCM] =		{ 16, 16, 4, 8, true },
	[AEAD_AES_256_CCM] =		{ 32, 16, 4, 8, true },
	[AEAD_AES_128_CCM_8] =		{ 16, 8, 4, 8, true },
	[AEAD_AES_256_CCM_8] =		{ 32, 8, 4, 8, true },
};

struct suite {
	uint16_t	id;
	enum aead	aead;
	enum tls_decrypt_hash hash;	/* the PRF's or HKDF's hash */
};

/* RFC 8446 B.4. */
static const struct suite tls13_suites[] = {
	{ 0x1301, AEAD_AES_128_GCM,		TLS_DECRYPT_SHA256 },
	{ 0x1302, AEAD_AES_256_GCM,		TLS_DECRYPT_SHA384 },
	{ 0x1303, AEAD_CHACHA20_POLY1305,	TLS_DECRYPT_SHA256 },
	{ 0x1304, AEAD_AES_128_CCM,		TLS_DECRYPT_SHA256 },
	{ 0x1305, AEAD_AES_128_CCM_8,		TLS_DECRYPT_SHA256 },
	{ 0, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },
};

/* TLS 1.2 AEAD suites (IANA TLS Cipher Suites registry). */
static const struct suite tls12_suites[] = {
	/* RFC 5288, RFC 5487, RFC 5289, RFC 8442: AES-GCM. */
	{ 0x009c, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* RSA */
	{ 0x009d, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x009e, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DHE_RSA */
	{ 0x009f, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00a0, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DH_RSA */
	{ 0x00a1, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00a2, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DHE_DSS */
	{ 0x00a3, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00a4, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DH_DSS */
	{ 0x00a5, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00a6, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DH_anon */
	{ 0x00a7, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00a8, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* PSK */
	{ 0x00a9, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00aa, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* DHE_PSK */
	{ 0x00ab, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0x00ac, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* RSA_PSK */
	{ 0x00ad, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0xc02b, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* ECDHE_ECDSA */
	{ 0xc02c, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0xc02d, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* ECDH_ECDSA */
	{ 0xc02e, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0xc02f, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* ECDHE_RSA */
	{ 0xc030, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0xc031, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* ECDH_RSA */
	{ 0xc032, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	{ 0xd001, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },	/* ECDHE_PSK */
	{ 0xd002, AEAD_AES_256_GCM, TLS_DECRYPT_SHA384 },
	/* RFC 7905: ChaCha20-Poly1305. */
	{ 0xcca8, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* ECDHE_RSA */
	{ 0xcca9, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* ECDHE_ECDSA */
	{ 0xccaa, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* DHE_RSA */
	{ 0xccab, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* PSK */
	{ 0xccac, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* ECDHE_PSK */
	{ 0xccad, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* DHE_PSK */
	{ 0xccae, AEAD_CHACHA20_POLY1305, TLS_DECRYPT_SHA256 },	/* RSA_PSK */
	/* RFC 6655, RFC 7251: AES-CCM; the PRF is SHA-256 for all. */
	{ 0xc09c, AEAD_AES_128_CCM, TLS_DECRYPT_SHA256 },	/* RSA */
	{ 0xc09d, AEAD_AES_256_CCM, TLS_DECRYPT_SHA256 },
	{ 0xc09e, AEAD_AES_128_CCM, TLS_DECRYPT_SHA256 },	/* DHE_RSA */
	{ 0xc09f, AEAD_AES_256_CCM, TLS_DECRYPT_SHA256 },
	{ 0xc0a0, AEAD_AES_128_CCM_8, TLS_DECRYPT_SHA256 },	/* RSA */
	{ 0xc0a1, AEAD_AES_256_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0xc0a2, AEAD_AES_128_CCM_8, TLS_DECRYPT_SHA256 },	/* DHE_RSA */
	{ 0xc0a3, AEAD_AES_256_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0xc0a4, AEAD_AES_128_CCM, TLS_DECRYPT_SHA256 },	/* PSK */
	{ 0xc0a5, AEAD_AES_256_CCM, TLS_DECRYPT_SHA256 },
	{ 0xc0a6, AEAD_AES_128_CCM, TLS_DECRYPT_SHA256 },	/* DHE_PSK */
	{ 0xc0a7, AEAD_AES_256_CCM, TLS_DECRYPT_SHA256 },
	{ 0xc0a8, AEAD_AES_128_CCM_8, TLS_DECRYPT_SHA256 },	/* PSK */
	{ 0xc0a9, AEAD_AES_256_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0xc0aa, AEAD_AES_128_CCM_8, TLS_DECRYPT_SHA256 },	/* DHE_PSK */
	{ 0xc0ab, AEAD_AES_256_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0xc0ac, AEAD_AES_128_CCM, TLS_DECRYPT_SHA256 },	/* ECDHE_ECDSA */
	{ 0xc0ad, AEAD_AES_256_CCM, TLS_DECRYPT_SHA256 },
	{ 0xc0ae, AEAD_AES_128_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0xc0af, AEAD_AES_256_CCM_8, TLS_DECRYPT_SHA256 },
	{ 0, AEAD_AES_128_GCM, TLS_DECRYPT_SHA256 },
};

/* The keys of one direction. */
struct dec_dir {
	uint8_t		 key[KEY_MAX];
	uint8_t		 iv[NONCE_LEN];		/* TLS 1.2: fixed_iv_len used */
	uint8_t		 secret[SECRET_MAX];	/* TLS 1.3: current secret */
	uint64_t	 seq;
	bool		 active;		/* records are opened now */
	bool		 app;			/* TLS 1.3: past Finished */
};

struct tls_decrypt {
	const struct aead_info	*aead;
	const EVP_CIPHER	*cipher;
	enum tls_decrypt_hash	 hash;
	bool			 tls13;
	size_t			 hash_len;
	bool			 has_app[2];
	uint8_t			 app_secret[2][SECRET_MAX];
	struct dec_dir		 dir[2];
	/* TLS 1.3 0-RTT (RFC 8446 2.3): the client's early data key, tried
	 * first on its records until its EndOfEarlyData, or until one does
	 * not open with it (the server refused the early data). */
	struct dec_dir		 early;
	EVP_CIPHER_CTX		*ctx;
	uint8_t			 pt[LIMIT_RECORD_BYTES];
};

/*
 * Key derivation.
 */

static const EVP_MD *
hash_md(enum tls_decrypt_hash h)
{
	return h == TLS_DECRYPT_SHA384 ? EVP_sha384() : EVP_sha256();
}

static size_t
hash_len(enum tls_decrypt_hash h)
{
	return h == TLS_DECRYPT_SHA384 ? 48 : 32;
}

/*
 * RFC 8446 7.1:
 *   HKDF-Expand-Label(Secret, Label, Context, Length) =
 *        HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;
 *   } HkdfLabel;
 */
bool
tls_decrypt_expand_label(uint8_t *out, size_t out_len,
    enum tls_decrypt_hash h, const uint8_t *secret, size_t secret_len,
    const char *label, const uint8_t *context, size_t context_len)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t label_len, n, got;
	EVP_PKEY_CTX *pctx;
	bool ok;

	label_len = strlen(label);
	if (out_len == 0 || out_len > KDF_INPUT_MAX || secret_len == 0 ||
	    secret_len > KDF_INPUT_MAX ||
	    label_len > 255 - (sizeof(prefix) - 1) || context_len > 255 ||
	    (context_len > 0 && context == NULL))
		return false;
	n = 0;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(sizeof(prefix) - 1 + label_len);
	memcpy(info + n, prefix, sizeof(prefix) - 1);
	n += sizeof(prefix) - 1;
	memcpy(info + n, label, label_len);
	n += label_len;
	info[n++] = (uint8_t)context_len;
	if (context_len > 0)
		memcpy(info + n, context, context_len);
	n += context_len;

	pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	if (pctx == NULL)
		return false;
	got = out_len;
	ok = EVP_PKEY_derive_init(pctx) == 1 &&
	    EVP_PKEY_CTX_hkdf_mode(pctx,
	    EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) == 1 &&
	    EVP_PKEY_CTX_set_hkdf_md(pctx, hash_md(h)) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_key(pctx, secret, (int)secret_len) == 1 &&
	    EVP_PKEY_CTX_add1_hkdf_info(pctx, info, (int)n) == 1 &&
	    EVP_PKEY_derive(pctx, out, &got) == 1 && got == out_len;
	EVP_PKEY_CTX_free(pctx);
	OPENSSL_cleanse(info, sizeof(info));
	return ok;
}

/*
 * RFC 5246 5:
 *   PRF(secret, label, seed) = P_<hash>(secret, label + seed)
 */
bool
tls_decrypt_prf12(uint8_t *out, size_t out_len, enum tls_decrypt_hash h,
    const uint8_t *secret, size_t secret_len, const char *label,
    const uint8_t *seed, size_t seed_len)
{
	EVP_PKEY_CTX *pctx;
	size_t got;
	bool ok;

	/* Bounds for EVP's int lengths; real inputs are under 100 bytes. */
	if (out_len == 0 || out_len > KDF_INPUT_MAX || secret_len == 0 ||
	    secret_len > KDF_INPUT_MAX || seed_len > KDF_INPUT_MAX ||
	    strlen(label) > KDF_INPUT_MAX)
		return false;
	pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_TLS1_PRF, NULL);
	if (pctx == NULL)
		return false;
	got = out_len;
	ok = EVP_PKEY_derive_init(pctx) == 1 &&
	    EVP_PKEY_CTX_set_tls1_prf_md(pctx, hash_md(h)) == 1 &&
	    EVP_PKEY_CTX_set1_tls1_prf_secret(pctx, secret,
	    (int)secret_len) == 1 &&
	    EVP_PKEY_CTX_add1_tls1_prf_seed(pctx, (const uint8_t *)label,
	    (int)strlen(label)) == 1 &&
	    (seed_len == 0 ||
	    EVP_PKEY_CTX_add1_tls1_prf_seed(pctx, seed, (int)seed_len) == 1) &&
	    EVP_PKEY_derive(pctx, out, &got) == 1 && got == out_len;
	EVP_PKEY_CTX_free(pctx);
	return ok;
}

/* RFC 8446 7.3: the key and iv of a direction from its traffic secret. */
static bool
tls13_set_secret(struct tls_decrypt *d, struct dec_dir *dd,
    const uint8_t *secret)
{
	if (dd->secret != secret)
		memcpy(dd->secret, secret, d->hash_len);
	dd->seq = 0;
	dd->active = tls_decrypt_expand_label(dd->key, d->aead->key_len,
	    d->hash, dd->secret, d->hash_len, "key", NULL, 0) &&
	    tls_decrypt_expand_label(dd->iv, NONCE_LEN, d->hash, dd->secret,
	    d->hash_len, "iv", NULL, 0);
	return dd->active;
}

static const EVP_CIPHER *
aead_cipher(enum aead a)
{
	switch (a) {
	case AEAD_AES_128_GCM:
		return EVP_aes_128_gcm();
	case AEAD_AES_256_GCM:
		return EVP_aes_256_gcm();
	case AEAD_CHACHA20_POLY1305:
		return EVP_chacha20_poly1305();
	case AEAD_AES_128_CCM:
	case AEAD_AES_128_CCM_8:
		return EVP_aes_128_ccm();
	case AEAD_AES_256_CCM:
	case AEAD_AES_256_CCM_8:
		return EVP_aes_256_ccm();
	}
	return NULL;
}

static const struct suite *
suite_find(const struct suite *tab, uint16_t id)
{
	size_t i;

	for (i = 0; tab[i].id != 0; i++) {
		if (tab[i].id == id)
			return &tab[i];
	}
	return NULL;
}

/* tls13_version is true for TLS 1.3 and the drafts (25 to 28) whose
 * record protection and key schedule labels are those of RFC 8446. */
static bool
tls13_version(uint16_t v)
{
	return v == TLS13_VERSION || (v >= 0x7f19 && v <= 0x7f1c);
}

static bool
tls13_init(struct tls_decrypt *d, const struct kl_entry *e)
{
	static const enum kl_label hs[2] = { KL_CLIENT_HS, KL_SERVER_HS };
	static const enum kl_label ap[2] = { KL_CLIENT_AP, KL_SERVER_AP };
	uint8_t secret[SECRET_MAX];
	bool any = false;
	int i;

	for (i = 0; i < 2; i++) {
		d->has_app[i] = keylog_secret(e, ap[i], d->hash_len,
		    d->app_secret[i]);
		if (d->has_app[i])
			any = true;
		if (keylog_secret(e, hs[i], d->hash_len, secret) &&
		    tls13_set_secret(d, &d->dir[i], secret))
			any = true;
	}
	if (keylog_secret(e, KL_CLIENT_EARLY, d->hash_len, secret))
		(void)tls13_set_secret(d, &d->early, secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	return any;
}

/*
 * RFC 5246 6.3:
 *   key_block = PRF(SecurityParameters.master_secret, "key expansion",
 *       SecurityParameters.server_random + SecurityParameters.client_random);
 * cut into client_write_MAC_key, server_write_MAC_key (empty for AEAD),
 * client_write_key, server_write_key, client_write_IV, server_write_IV.
 */
static bool
tls12_init(struct tls_decrypt *d, const struct kl_entry *e,
    const uint8_t client_random[RANDOM_LEN],
    const uint8_t server_random[RANDOM_LEN])
{
	uint8_t master[48], seed[2 * RANDOM_LEN];
	uint8_t block[2 * KEY_MAX + 2 * NONCE_LEN];
	struct rd r;
	size_t klen = d->aead->key_len, ivlen = d->aead->fixed_iv_len;
	bool ok;

	if (!keylog_secret(e, KL_CLIENT_RANDOM, sizeof(master), master))
		return false;
	memcpy(seed, server_random, RANDOM_LEN);
	memcpy(seed + RANDOM_LEN, client_random, RANDOM_LEN);
	ok = tls_decrypt_prf12(block, 2 * klen + 2 * ivlen, d->hash, master,
	    sizeof(master), "key expansion", seed, sizeof(seed));
	if (ok) {
		rd_init(&r, block, 2 * klen + 2 * ivlen);
		ok = rd_copy(&r, d->dir[0].key, klen) &&
		    rd_copy(&r, d->dir[1].key, klen) &&
		    rd_copy(&r, d->dir[0].iv, ivlen) &&
		    rd_copy(&r, d->dir[1].iv, ivlen) && rd_left(&r) == 0;
	}
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(block, sizeof(block));
	return ok;
}

struct tls_decrypt *
tls_decrypt_new(const struct keylog *kl, const uint8_t client_random[32],
    uint16_t version, uint16_t suite, const uint8_t server_random[32])
{
	const struct kl_entry *e;
	const struct suite *s;
	struct tls_decrypt *d;
	bool tls13, ok;

	if (kl == NULL || client_random == NULL)
		return NULL;
	tls13 = tls13_version(version);
	if (tls13)
		s = suite_find(tls13_suites, suite);
	else if (version == TLS12_VERSION && server_random != NULL)
		s = suite_find(tls12_suites, suite);
	else
		s = NULL;	/* no AEAD before TLS 1.2; CBC not supported */
	if (s == NULL)
		return NULL;
	e = keylog_find(kl, client_random);
	if (e == NULL)
		return NULL;

	d = xcalloc(1, sizeof(*d));
	d->aead = &aead_infos[s->aead];
	d->cipher = aead_cipher(s->aead);
	d->hash = s->hash;
	d->hash_len = hash_len(s->hash);
	d->tls13 = tls13;
	d->ctx = EVP_CIPHER_CTX_new();
	if (d->cipher == NULL || d->ctx == NULL) {
		tls_decrypt_free(d);
		return NULL;
	}
	if (tls13)
		ok = tls13_init(d, e);
	else
		ok = tls12_init(d, e, client_random, server_random);
	if (!ok) {
		tls_decrypt_free(d);
		return NULL;
	}
	return d;
}

void
tls_decrypt_free(struct tls_decrypt *d)
{
	if (d == NULL)
		return;
	EVP_CIPHER_CTX_free(d->ctx);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}

bool
tls_decrypt_active(const struct tls_decrypt *d, int dir)
{
	if (d == NULL || dir < 0 || dir > 1)
		return false;
	return d->dir[dir].active;
}

void
tls_decrypt_ccs(struct tls_decrypt *d, int dir)
{
	if (d == NULL || dir < 0 || dir > 1 || d->tls13)
		return;
	d->dir[dir].active = true;
	d->dir[dir].seq = 0;
}

void
tls_decrypt_finished(struct tls_decrypt *d, int dir)
{
	struct dec_dir *dd;

	if (d == NULL || dir < 0 || dir > 1 || !d->tls13)
		return;
	dd = &d->dir[dir];
	/* A later Finished (post-handshake authentication, RFC 8446 4.6.2)
	 * is sent under the application keys and changes nothing. */
	if (dd->app)
		return;
	dd->app = true;
	if (d->has_app[dir])
		(void)tls13_set_secret(d, dd, d->app_secret[dir]);
	else
		dd->active = false;
}

void
tls_decrypt_refill(struct tls_decrypt *d, const struct keylog *kl,
    const uint8_t client_random[32])
{
	static const enum kl_label ap[2] = { KL_CLIENT_AP, KL_SERVER_AP };
	const struct kl_entry *e;
	int i;

	if (d == NULL || kl == NULL || !d->tls13 ||
	    (d->has_app[0] && d->has_app[1]))
		return;
	e = keylog_find(kl, client_random);
	if (e == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (!d->has_app[i])
			d->has_app[i] = keylog_secret(e, ap[i], d->hash_len,
			    d->app_secret[i]);
}

/*
 * RFC 8446 7.2:
 *   application_traffic_secret_N+1 =
 *       HKDF-Expand-Label(application_traffic_secret_N,
 *                         "traffic upd", "", Hash.length)
 */
void
tls_decrypt_key_update(struct tls_decrypt *d, int dir)
{
	struct dec_dir *dd;
	uint8_t next[SECRET_MAX];

	if (d == NULL || dir < 0 || dir > 1 || !d->tls13)
		return;
	dd = &d->dir[dir];
	if (!dd->app || !dd->active)
		return;
	if (tls_decrypt_expand_label(next, d->hash_len, d->hash, dd->secret,
	    d->hash_len, "traffic upd", NULL, 0))
		(void)tls13_set_secret(d, dd, next);
	else
		dd->active = false;
	OPENSSL_cleanse(next, sizeof(next));
}

/*
 * aead_open authenticates and decrypts |in| (|in_len| bytes, tag apart)
 * into d->pt. For CCM, EVP wants the tag and the total length before the
 * additional data.
 */
static bool
aead_open(struct tls_decrypt *d, const uint8_t *key,
    const uint8_t nonce[NONCE_LEN], const uint8_t *aad, size_t aad_len,
    const struct rd *in, const struct rd *tag)
{
	EVP_CIPHER_CTX *c = d->ctx;
	void *tagp = (void *)(uintptr_t)rd_ptr(tag);
	int tag_len, in_len, outl, finl;

	if (rd_left(in) > sizeof(d->pt) || rd_left(tag) != d->aead->tag_len)
		return false;
	tag_len = (int)rd_left(tag);
	in_len = (int)rd_left(in);
	if (EVP_CIPHER_CTX_reset(c) != 1 ||
	    EVP_DecryptInit_ex(c, d->cipher, NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, NONCE_LEN,
	    NULL) != 1)
		return false;
	if (d->aead->ccm) {
		if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, tag_len,
		    tagp) != 1 ||
		    EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) != 1 ||
		    EVP_DecryptUpdate(c, NULL, &outl, NULL, in_len) != 1 ||
		    EVP_DecryptUpdate(c, NULL, &outl, aad, (int)aad_len) != 1)
			return false;
		/* CCM checks the tag here and has no final step. */
		return EVP_DecryptUpdate(c, d->pt, &outl, rd_ptr(in),
		    in_len) == 1 && outl == in_len;
	}
	if (EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &outl, aad, (int)aad_len) != 1)
		return false;
	outl = 0;
	if (in_len > 0 && EVP_DecryptUpdate(c, d->pt, &outl, rd_ptr(in),
	    in_len) != 1)
		return false;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, tag_len,
	    tagp) != 1)
		return false;
	finl = 0;
	return EVP_DecryptFinal_ex(c, d->pt + outl, &finl) == 1 &&
	    outl + finl == in_len;
}

/* seq_nonce makes the per-record nonce of RFC 8446 5.3 and RFC 7905 2:
 * the 64-bit sequence number, left-padded to 12 bytes, XOR the IV. */
static void
seq_nonce(uint8_t nonce[NONCE_LEN], const uint8_t iv[NONCE_LEN],
    uint64_t seq)
{
	int i;

	memcpy(nonce, iv, NONCE_LEN);
	for (i = 0; i < 8; i++)
		nonce[NONCE_LEN - 1 - i] ^= (uint8_t)(seq >> (8 * i));
}

static void
put_u64(uint8_t out[8], uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/*
 * RFC 8446 5.2:
 *   struct {
 *       ContentType opaque_type = application_data; (23)
 *       ProtocolVersion legacy_record_version = 0x0303;
 *       uint16 length;
 *       opaque encrypted_record[TLSCiphertext.length];
 *   } TLSCiphertext;
 * additional_data = the record header; the plaintext is
 *   struct {
 *       opaque content[TLSPlaintext.length];
 *       ContentType type;
 *       uint8 zeros[length_of_padding];
 *   } TLSInnerPlaintext;
 * An inner plaintext of only zeros (no type, RFC 8446 5.4) authenticates
 * but is reported with |*inner_ct| 0, an invalid content type.
 */
static enum tls_decrypt_result
tls13_record(struct tls_decrypt *d, struct dec_dir *dd, uint8_t ct,
    uint16_t version, const uint8_t *p, size_t len, uint8_t *inner_ct,
    size_t *pt_len)
{
	struct rd rec, body, tag, pt;
	uint8_t nonce[NONCE_LEN], aad[5], c;
	size_t n;

	if (ct != CT_APPLICATION_DATA)
		return TLS_DECRYPT_NO_KEY;	/* not protected */
	rd_init(&rec, p, len);
	if (len > LIMIT_RECORD_BYTES || len < (size_t)d->aead->tag_len + 1 ||
	    !rd_bytes(&rec, &body, len - d->aead->tag_len) ||
	    !rd_bytes(&rec, &tag, d->aead->tag_len))
		return TLS_DECRYPT_BAD_KEY;
	aad[0] = ct;
	aad[1] = (uint8_t)(version >> 8);
	aad[2] = (uint8_t)version;
	aad[3] = (uint8_t)(len >> 8);
	aad[4] = (uint8_t)len;
	seq_nonce(nonce, dd->iv, dd->seq);
	if (!aead_open(d, dd->key, nonce, aad, sizeof(aad), &body, &tag))
		return TLS_DECRYPT_BAD_KEY;
	dd->seq++;
	/* The content type is the last non-zero byte. */
	rd_init(&pt, d->pt, rd_left(&body));
	n = rd_left(&pt);
	while (n > 0 && rd_peek_u8(&pt, n - 1, &c) && c == 0)
		n--;
	if (n == 0) {
		*inner_ct = 0;
		*pt_len = 0;
		return TLS_DECRYPT_OK;
	}
	(void)rd_peek_u8(&pt, n - 1, inner_ct);
	*pt_len = n - 1;
	return TLS_DECRYPT_OK;
}

/*
 * RFC 5246 6.2.3.3:
 *   struct {
 *       opaque nonce_explicit[SecurityParameters.record_iv_length];
 *       aead-ciphered struct {
 *           opaque content[TLSCompressed.length];
 *       };
 *   } GenericAEADCipher;
 *   additional_data = seq_num + TLSCompressed.type +
 *                     TLSCompressed.version + TLSCompressed.length;
 * The nonce is salt + nonce_explicit (RFC 5288 3, RFC 6655 3), or for
 * ChaCha20-Poly1305 the IV XOR the sequence number (RFC 7905 2).
 */
static enum tls_decrypt_result
tls12_record(struct tls_decrypt *d, struct dec_dir *dd, uint8_t ct,
    uint16_t version, const uint8_t *p, size_t len, uint8_t *inner_ct,
    size_t *pt_len)
{
	struct rd rec, body, tag;
	uint8_t nonce[NONCE_LEN], aad[13];
	size_t plen;

	rd_init(&rec, p, len);
	if (len > LIMIT_RECORD_BYTES)
		return TLS_DECRYPT_BAD_KEY;
	if (d->aead->explicit_len > 0) {
		memcpy(nonce, dd->iv, d->aead->fixed_iv_len);
		if (!rd_copy(&rec, nonce + d->aead->fixed_iv_len,
		    d->aead->explicit_len))
			return TLS_DECRYPT_BAD_KEY;
	} else
		seq_nonce(nonce, dd->iv, dd->seq);
	if (rd_left(&rec) < d->aead->tag_len)
		return TLS_DECRYPT_BAD_KEY;
	plen = rd_left(&rec) - d->aead->tag_len;
	if (!rd_bytes(&rec, &body, plen) ||
	    !rd_bytes(&rec, &tag, d->aead->tag_len))
		return TLS_DECRYPT_BAD_KEY;
	put_u64(aad, dd->seq);
	aad[8] = ct;
	aad[9] = (uint8_t)(version >> 8);
	aad[10] = (uint8_t)version;
	aad[11] = (uint8_t)(plen >> 8);
	aad[12] = (uint8_t)plen;
	if (!aead_open(d, dd->key, nonce, aad, sizeof(aad), &body, &tag))
		return TLS_DECRYPT_BAD_KEY;
	dd->seq++;
	*inner_ct = ct;
	*pt_len = plen;
	return TLS_DECRYPT_OK;
}

/*
 * early_record opens a client record with the early data key: the early
 * records before the ServerHello were read before the key was known, so
 * the next few sequence numbers are tried. After the EndOfEarlyData, or
 * a record that does not open, the key is given up.
 */
static enum tls_decrypt_result
early_record(struct tls_decrypt *d, uint8_t ct, uint16_t version,
    const uint8_t *p, size_t len, uint8_t *ict, size_t *n)
{
	uint64_t seq = d->early.seq;
	enum tls_decrypt_result res = TLS_DECRYPT_BAD_KEY;

	for (; seq < d->early.seq + EARLY_SEQ_WINDOW; seq++) {
		struct dec_dir dd = d->early;

		dd.seq = seq;
		res = tls13_record(d, &dd, ct, version, p, len, ict, n);
		if (res != TLS_DECRYPT_BAD_KEY) {
			d->early.seq = dd.seq;
			break;
		}
	}
	if (res != TLS_DECRYPT_OK || (*ict == CT_HANDSHAKE && *n > 0 &&
	    d->pt[0] == HS_END_OF_EARLY_DATA)) {
		OPENSSL_cleanse(&d->early, sizeof(d->early));
		d->early.active = false;
	}
	return res;
}

enum tls_decrypt_result
tls_decrypt_record(struct tls_decrypt *d, int dir, uint8_t ct,
    uint16_t version, const uint8_t *p, size_t len, uint8_t *inner_ct,
    const uint8_t **pt, size_t *pt_len)
{
	struct dec_dir *dd;
	enum tls_decrypt_result res;
	uint8_t ict;
	size_t n;

	if (d == NULL || dir < 0 || dir > 1 || (p == NULL && len > 0))
		return TLS_DECRYPT_NO_KEY;
	dd = &d->dir[dir];
	if (!dd->active)
		return TLS_DECRYPT_NO_KEY;
	ict = 0;
	n = 0;
	if (d->tls13 && dir == 0 && d->early.active && !dd->app &&
	    early_record(d, ct, version, p, len, &ict, &n) ==
	    TLS_DECRYPT_OK) {
		*inner_ct = ict;
		*pt = d->pt;
		*pt_len = n;
		return TLS_DECRYPT_OK;
	}
	if (d->tls13)
		res = tls13_record(d, dd, ct, version, p, len, &ict, &n);
	else
		res = tls12_record(d, dd, ct, version, p, len, &ict, &n);
	if (res != TLS_DECRYPT_OK)
		return res;
	*inner_ct = ict;
	*pt = d->pt;
	*pt_len = n;
	return TLS_DECRYPT_OK;
}
