/* keylog.c - NSS key log files (SSLKEYLOGFILE): parsing, and lookup of the
 * secrets logged for a client random. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "keylog_int.h"
#include "rd.h"
#include "tls_decrypt.h"
#include "util.h"

/*
 * Longest key log line we parse, in bytes. The longest known label (31
 * bytes), a client random (64 hex digits) and a SHA-384 secret (96) take
 * under 200 bytes; 1 KiB leaves room for labels we do not know. Longer
 * lines are skipped and counted as malformed, whatever their length.
 */
#define KEYLOG_LINE_MAX		1024

/* Client randoms kept from key logs: about 400 bytes each, so the table
 * stays under 512 MiB. Further randoms are counted as bad lines. */
#define KEYLOG_MAX_RANDOMS	(1U << 20)

/* Hash buckets to start with; the table doubles up to KEYLOG_MAX_RANDOMS. */
#define KEYLOG_MIN_BUCKETS	256

/* The labels of keylog_int.h by their names in the file. */
static const struct kl_name {
	const char	*name;
	enum kl_label	 label;
} kl_names[] = {
	{ "CLIENT_RANDOM",			KL_CLIENT_RANDOM },
	{ "CLIENT_EARLY_TRAFFIC_SECRET",	KL_CLIENT_EARLY },
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET",	KL_CLIENT_HS },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET",	KL_SERVER_HS },
	{ "CLIENT_TRAFFIC_SECRET_0",		KL_CLIENT_AP },
	{ "SERVER_TRAFFIC_SECRET_0",		KL_SERVER_AP },
	{ "EXPORTER_SECRET",			KL_EXPORTER },
	{ "EARLY_EXPORTER_SECRET",		KL_EARLY_EXPORTER },
	{ NULL,					KL_NUM },
};

/* The secrets logged for one client random. */
struct kl_entry {
	struct kl_entry	*next;
	uint8_t		 client_random[RANDOM_LEN];
	uint16_t	 have;			/* bit (1 << label) per label */
	uint8_t		 len[KL_NUM_KEPT];
	uint8_t		 secret[KL_NUM_KEPT][SECRET_MAX];
};

struct keylog {
	struct kl_entry	**bucket;
	size_t		  num_buckets;		/* a power of two */
	size_t		  num_randoms;
	size_t		  entries;		/* distinct (random, label) */
	size_t		  bad;
};

/*
 * Key log parsing.
 */

struct keylog *
keylog_new(void)
{
	struct keylog *kl;

	kl = xcalloc(1, sizeof(*kl));
	kl->num_buckets = KEYLOG_MIN_BUCKETS;
	kl->bucket = xcalloc(kl->num_buckets, sizeof(*kl->bucket));
	return kl;
}

void
keylog_free(struct keylog *kl)
{
	struct kl_entry *e, *next;
	size_t i;

	if (kl == NULL)
		return;
	for (i = 0; i < kl->num_buckets; i++) {
		for (e = kl->bucket[i]; e != NULL; e = next) {
			next = e->next;
			OPENSSL_cleanse(e, sizeof(*e));
			free(e);
		}
	}
	free(kl->bucket);
	free(kl);
}

size_t
keylog_entries(const struct keylog *kl)
{
	return kl->entries;
}

size_t
keylog_bad_lines(const struct keylog *kl)
{
	return kl->bad;
}

/* kl_hash is FNV-1a over a client random. The randoms come from the key
 * log the operator gave us, so no keyed hash is needed. */
static size_t
kl_hash(const uint8_t client_random[RANDOM_LEN])
{
	struct rd r;
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t c;

	rd_init(&r, client_random, RANDOM_LEN);
	while (rd_u8(&r, &c)) {
		h ^= c;
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

struct kl_entry *
keylog_find(const struct keylog *kl,
    const uint8_t client_random[RANDOM_LEN])
{
	struct kl_entry *e;

	e = kl->bucket[kl_hash(client_random) & (kl->num_buckets - 1)];
	for (; e != NULL; e = e->next) {
		if (memcmp(e->client_random, client_random, RANDOM_LEN) == 0)
			return e;
	}
	return NULL;
}

/* kl_grow doubles the table when it is fuller than one entry a bucket. */
static void
kl_grow(struct keylog *kl)
{
	struct kl_entry **nb, *e, *next;
	size_t n, i, h;

	if (kl->num_randoms < kl->num_buckets ||
	    kl->num_buckets >= KEYLOG_MAX_RANDOMS)
		return;
	n = kl->num_buckets * 2;
	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < kl->num_buckets; i++) {
		for (e = kl->bucket[i]; e != NULL; e = next) {
			next = e->next;
			h = kl_hash(e->client_random) & (n - 1);
			e->next = nb[h];
			nb[h] = e;
		}
	}
	free(kl->bucket);
	kl->bucket = nb;
	kl->num_buckets = n;
}

/* kl_add stores one secret. It returns false if the table is full. */
static bool
kl_add(struct keylog *kl, const uint8_t client_random[RANDOM_LEN],
    enum kl_label label, const uint8_t *secret, size_t secret_len)
{
	struct kl_entry *e;
	size_t h;

	e = keylog_find(kl, client_random);
	if (e == NULL) {
		if (kl->num_randoms >= KEYLOG_MAX_RANDOMS)
			return false;
		e = xcalloc(1, sizeof(*e));
		memcpy(e->client_random, client_random, RANDOM_LEN);
		h = kl_hash(client_random) & (kl->num_buckets - 1);
		e->next = kl->bucket[h];
		kl->bucket[h] = e;
		kl->num_randoms++;
		kl_grow(kl);
	}
	if ((e->have & (1U << label)) == 0)
		kl->entries++;
	e->have |= (uint16_t)(1U << label);
	/* A repeated line replaces the earlier secret: the newest wins. */
	if (label < KL_NUM_KEPT) {
		memcpy(e->secret[label], secret, secret_len);
		e->len[label] = (uint8_t)secret_len;
	}
	return true;
}

static bool
kl_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* kl_skip_blanks advances |line| past spaces, tabs and carriage returns
 * (a CRLF file leaves a CR at the end of each line). */
static void
kl_skip_blanks(struct rd *line)
{
	uint8_t c;

	while (rd_peek_u8(line, 0, &c) && kl_blank(c))
		(void)rd_skip(line, 1);
}

/* kl_token makes |tok| the next run of non-blank bytes of |line|. It
 * returns false if only blanks remain. */
static bool
kl_token(struct rd *line, struct rd *tok)
{
	size_t n;
	uint8_t c;

	kl_skip_blanks(line);
	n = 0;
	while (rd_peek_u8(line, n, &c) && !kl_blank(c))
		n++;
	if (n == 0)
		return false;
	return rd_bytes(line, tok, n);
}

static int
kl_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* kl_hex decodes the hex digits of |tok| into |out| (NULL: only check
 * them), at most |out_max| bytes. It returns false on an odd count, a
 * non-hex byte or too many bytes. */
static bool
kl_hex(struct rd *tok, uint8_t *out, size_t out_max, size_t *out_len)
{
	size_t n;
	uint8_t hi, lo;
	int h, l;

	if (rd_left(tok) == 0 || rd_left(tok) % 2 != 0 ||
	    rd_left(tok) / 2 > out_max)
		return false;
	n = 0;
	while (rd_u8(tok, &hi) && rd_u8(tok, &lo)) {
		h = kl_hexval(hi);
		l = kl_hexval(lo);
		if (h < 0 || l < 0)
			return false;
		if (out != NULL)
			out[n] = (uint8_t)(h << 4 | l);
		n++;
	}
	*out_len = n;
	return true;
}

/* kl_label_syntax is true for an upper-case NSS-style label, so that a
 * label from a newer writer is ignored but random text is malformed. */
static bool
kl_label_syntax(struct rd tok)
{
	uint8_t c;

	while (rd_u8(&tok, &c)) {
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return false;
	}
	return true;
}

static enum kl_label
kl_lookup(const struct rd *tok)
{
	size_t i, n;

	for (i = 0; kl_names[i].name != NULL; i++) {
		n = strlen(kl_names[i].name);
		if (rd_left(tok) == n &&
		    memcmp(rd_ptr(tok), kl_names[i].name, n) == 0)
			return kl_names[i].label;
	}
	return KL_NUM;
}

/*
 * kl_line parses one line, "LABEL <client_random> <secret>" in hex.
 * Comments (#) and blank lines are skipped, unknown labels ignored;
 * everything else that does not fit is counted as malformed.
 */
static void
kl_line(struct keylog *kl, const uint8_t *p, size_t len)
{
	struct rd line, label, random_hex, secret_hex, extra;
	uint8_t client_random[RANDOM_LEN], secret[SECRET_MAX], c;
	size_t n, secret_len;
	enum kl_label lb;

	rd_init(&line, p, len);
	kl_skip_blanks(&line);
	if (rd_left(&line) == 0)
		return;
	if (rd_peek_u8(&line, 0, &c) && c == '#')
		return;
	if (!kl_token(&line, &label) || !kl_token(&line, &random_hex) ||
	    !kl_token(&line, &secret_hex) || kl_token(&line, &extra) ||
	    !kl_label_syntax(label)) {
		kl->bad++;
		return;
	}
	lb = kl_lookup(&label);
	if (lb == KL_NUM) {
		/* A label we do not know: skip it if it is well formed. */
		if (!kl_hex(&random_hex, NULL, SIZE_MAX, &n) ||
		    !kl_hex(&secret_hex, NULL, SIZE_MAX, &n))
			kl->bad++;
		return;
	}
	if (!kl_hex(&random_hex, client_random, sizeof(client_random), &n) ||
	    n != RANDOM_LEN ||
	    !kl_hex(&secret_hex, secret, sizeof(secret), &secret_len)) {
		kl->bad++;
		return;
	}
	/* RFC 5246 8.1: the master secret is 48 bytes; TLS 1.3 secrets are
	 * Hash.length, 32 (SHA-256) or 48 (SHA-384) (RFC 8446 7.1). */
	if ((lb == KL_CLIENT_RANDOM && secret_len != 48) ||
	    (lb != KL_CLIENT_RANDOM && secret_len != 32 && secret_len != 48)) {
		kl->bad++;
		return;
	}
	if (!kl_add(kl, client_random, lb, secret, secret_len))
		kl->bad++;
	OPENSSL_cleanse(secret, sizeof(secret));
}

void
keylog_add_text(struct keylog *kl, const uint8_t *p, size_t len)
{
	struct rd r, line;
	uint8_t c;
	size_t n;

	rd_init(&r, p, len);
	while (rd_left(&r) > 0) {
		/* One line: up to a newline or the end. */
		for (n = 0; rd_peek_u8(&r, n, &c) && c != '\n'; n++)
			;
		if (!rd_bytes(&r, &line, n))
			break;
		(void)rd_skip(&r, 1);		/* the newline, if any */
		if (n > KEYLOG_LINE_MAX)
			kl->bad++;
		else if (n > 0)
			kl_line(kl, rd_ptr(&line), n);
	}
}

/*
 * kl_read adds the lines of |fp| from its position on. |*consumed| counts
 * the bytes up to the end of the last complete line; with |partial| a
 * last line without a newline is added too.
 */
static bool
kl_read(struct keylog *kl, FILE *fp, bool partial, uint64_t *consumed)
{
	struct rd r;
	uint8_t chunk[8192], line[KEYLOG_LINE_MAX], c;
	size_t n, line_len;
	uint64_t pos = 0;
	bool too_long, ok;

	line_len = 0;
	too_long = false;
	*consumed = 0;
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), fp);
		if (n == 0)
			break;
		rd_init(&r, chunk, n);
		while (rd_u8(&r, &c)) {
			pos++;
			if (c == '\n') {
				if (too_long)
					kl->bad++;
				else
					kl_line(kl, line, line_len);
				line_len = 0;
				too_long = false;
				*consumed = pos;
			} else if (too_long)
				continue;
			else if (line_len == sizeof(line))
				too_long = true;
			else
				line[line_len++] = c;
		}
	}
	ok = ferror(fp) == 0;
	if (ok && partial) {
		if (too_long)
			kl->bad++;
		else if (line_len > 0)
			kl_line(kl, line, line_len);	/* no final newline */
		*consumed = pos;
	}
	OPENSSL_cleanse(line, sizeof(line));
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return ok;
}

bool
keylog_load(struct keylog *kl, const char *path, char *errbuf,
    size_t errbuf_len)
{
	FILE *fp;
	uint64_t consumed;
	bool ok;

	fp = fopen(path, "rb");
	if (fp == NULL) {
		if (errbuf != NULL && errbuf_len > 0)
			snprintf(errbuf, errbuf_len, "cannot open key log %s: %s",
			    path, strerror(errno));
		return false;
	}
	ok = kl_read(kl, fp, true, &consumed);
	if (!ok && errbuf != NULL && errbuf_len > 0)
		snprintf(errbuf, errbuf_len, "cannot read key log %s: %s",
		    path, strerror(errno));
	fclose(fp);
	return ok;
}

bool
keylog_follow(struct keylog *kl, const char *path, uint64_t *offset,
    bool *missing, char *errbuf, size_t errbuf_len)
{
	struct stat sb;
	FILE *fp;
	uint64_t consumed;
	bool ok;

	*missing = false;
	if (stat(path, &sb) != 0) {
		*missing = errno == ENOENT;
		if (errbuf != NULL && errbuf_len > 0)
			snprintf(errbuf, errbuf_len, "cannot open key log %s: %s",
			    path, strerror(errno));
		return false;
	}
	if ((uint64_t)sb.st_size == *offset)
		return true;		/* nothing new */
	if ((uint64_t)sb.st_size < *offset)
		*offset = 0;		/* truncated or replaced */
	fp = fopen(path, "rb");
	if (fp == NULL || fseeko(fp, (off_t)*offset, SEEK_SET) != 0) {
		if (errbuf != NULL && errbuf_len > 0)
			snprintf(errbuf, errbuf_len, "cannot open key log %s: %s",
			    path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return false;
	}
	ok = kl_read(kl, fp, false, &consumed);
	if (ok)
		*offset += consumed;
	else if (errbuf != NULL && errbuf_len > 0)
		snprintf(errbuf, errbuf_len, "cannot read key log %s: %s",
		    path, strerror(errno));
	fclose(fp);
	return ok;
}

/* keylog_secret copies the logged secret |lb| into |out| if it is |len|
 * bytes long. */
bool
keylog_secret(const struct kl_entry *e, enum kl_label lb, size_t len,
    uint8_t *out)
{
	if ((e->have & (1U << lb)) == 0 || e->len[lb] != len)
		return false;
	memcpy(out, e->secret[lb], len);
	return true;
}
