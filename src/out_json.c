/* out_json.c - one JSON object per connection (DESIGN.md "JSON lines"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "tls_names.h"
#include "verdict.h"
#include "x509.h"

/*
 * The report memo. Most connections in a capture come from a few client
 * builds and servers: the same offered lists and the same certificates
 * again and again. Their JSON is rendered once and copied afterwards.
 * The key is the exact input (a kind byte and the values), never a hash
 * alone, so a hit is always the text the renderer would have written.
 */
#define MEMO_SLOTS	256
#define MEMO_MAX_KEY	(2 + 2 * LIMIT_HELLO_LIST)
/* The key of a hello's "tls" fields (client_key): most hellos fit. */
#define MEMO_CLIENT_KEY	1024

struct memo_slot {
	uint64_t	 hash;
	size_t		 key_len;
	uint8_t		*key;
	size_t		 json_len;
	char		*json;
};

/* json_cstrs writes |n| C strings as JSON strings, comma-separated (the
 * caller writes the brackets). */
static void
json_cstrs(struct sb *b, char *const *strs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_puts(b, ",");
		sb_json_cstr(b, strs[i]);
	}
}

/*
 * The certificates a --json=compact stream has written in full, by
 * SHA-256: later reports refer to them as {"sha256":...,"ref":true}.
 * Bounded by LIMIT_CERT_CACHE; past it certificates are written in full
 * again (a reference never points at nothing).
 */
struct out_json_seen {
	uint8_t		(*sha)[32];	/* open addressing; all-zero: free */
	size_t		 num;
};

#define SEEN_SLOTS	(2 * LIMIT_CERT_CACHE)

/* The renderers' state, one per output. */
struct out_json {
	struct memo_slot	 memo[MEMO_SLOTS];
	struct out_json_seen	*seen;		/* --json=compact, or NULL */
};

/* memo_get appends the memoised JSON of |key| and returns true, or
 * returns false when it is not there. */
static bool
memo_get(const struct out_json *j, struct sb *b, const uint8_t *key,
    size_t len, uint64_t h)
{
	const struct memo_slot *m = &j->memo[h % MEMO_SLOTS];

	if (m->json == NULL || m->hash != h || m->key_len != len ||
	    memcmp(m->key, key, len) != 0)
		return false;
	sb_add(b, m->json, m->json_len);
	return true;
}

/* memo_put keeps |json| as the text of |key|, replacing the slot's. */
static void
memo_put(struct out_json *j, const uint8_t *key, size_t len, uint64_t h,
    const char *json, size_t json_len)
{
	struct memo_slot *m = &j->memo[h % MEMO_SLOTS];

	free(m->key);
	free(m->json);
	m->hash = h;
	m->key_len = len;
	m->key = xreallocarray(NULL, len, 1);
	memcpy(m->key, key, len);
	m->json_len = json_len;
	m->json = xreallocarray(NULL, json_len, 1);
	memcpy(m->json, json, json_len);
}

static struct out_json_seen *
seen_new(void)
{
	struct out_json_seen *s;

	s = xcalloc(1, sizeof(*s));
	s->sha = xcalloc(SEEN_SLOTS, sizeof(*s->sha));
	return s;
}

static void
seen_free(struct out_json_seen *s)
{
	if (s == NULL)
		return;
	free(s->sha);
	free(s);
}

struct out_json *
out_json_new(bool compact)
{
	struct out_json *j;

	j = xcalloc(1, sizeof(*j));
	if (compact)
		j->seen = seen_new();
	return j;
}

void
out_json_free(struct out_json *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < MEMO_SLOTS; i++) {
		free(j->memo[i].key);
		free(j->memo[i].json);
	}
	seen_free(j->seen);
	free(j);
}

/* seen_add returns true if |sha| was written before, else records it
 * (when there is room) and returns false. */
static bool
seen_add(struct out_json_seen *s, const uint8_t sha[32])
{
	static const uint8_t zero[32];
	size_t h = (size_t)hash_bytes(sha, 32) & (SEEN_SLOTS - 1);

	for (; memcmp(s->sha[h], zero, 32) != 0;
	    h = (h + 1) & (SEEN_SLOTS - 1))
		if (memcmp(s->sha[h], sha, 32) == 0)
			return true;
	if (s->num < LIMIT_CERT_CACHE) {
		memcpy(s->sha[h], sha, 32);
		s->num++;
	}
	return false;
}

static void
json_name(struct sb *b, const struct tl_name *n)
{
	sb_json_string(b, n->b, n->len);
}

static void
json_code(struct sb *b, const char *name, unsigned v, bool hex)
{
	if (name != NULL)		/* a table's (tls_names.c) */
		sb_json_lit(b, name);
	else {
		sb_add(b, "\"", 1);
		if (hex)
			sb_hex16(b, v);
		else
			sb_u64(b, v);
		sb_add(b, "\"", 1);
	}
}

static void
json_endpoint(struct sb *b, const struct tl_conn *c, bool server)
{
	char ip[64];

	fmt_addr(ip, sizeof(ip), c->af, server ? c->server_ip : c->client_ip);
	sb_puts(b, "{\"ip\":");
	sb_json_lit(b, ip);	/* digits, dots, hex and colons */
	sb_puts(b, ",\"port\":");
	sb_u64(b, server ? c->server_port : c->client_port);
	sb_add(b, "}", 1);
}

/* json_list appends the first |num| codes of |l| (at most l->num) by
 * name. */
static void
json_list(struct out_json *j, struct sb *b, const struct tl_u16s *l,
    size_t num, uint8_t kind, const char *(*name)(uint16_t))
{
	uint8_t key[MEMO_MAX_KEY];
	size_t i, klen, start = b->len;
	uint64_t h;

	if (num > l->num)
		num = l->num;
	key[0] = 'L';
	key[1] = kind;
	klen = 2;
	for (i = 0; i < num && klen + 2 <= sizeof(key); i++) {
		key[klen++] = (uint8_t)(l->v[i] >> 8);
		key[klen++] = (uint8_t)l->v[i];
	}
	h = hash_bytes(key, klen);
	if (i == num && memo_get(j, b, key, klen, h))
		return;
	sb_puts(b, "[");
	for (i = 0; i < num; i++) {
		if (i > 0)
			sb_puts(b, ",");
		json_code(b, name(l->v[i]), l->v[i], true);
	}
	sb_puts(b, "]");
	if (i == num)
		memo_put(j, key, klen, h, b->s + start, b->len - start);
}

/* json_event_handshake appends the fields of a handshake message event. */
static void
json_event_handshake(struct sb *b, const struct tl_conn *c,
    const struct tl_event *e)
{
	if (e->hs_type == TLS_HS_CLIENT_HELLO) {
		sb_puts(b, ",\"version\":");
		json_code(b, tls_version_name(e->version), e->version, true);
		if (c->ch.has_sni) {
			sb_puts(b, ",\"sni\":");
			json_name(b, &c->ch.sni);
		}
		if (e->sslv2)
			sb_puts(b, ",\"sslv2\":true");
	} else if (e->hs_type == TLS_HS_SERVER_HELLO ||
	    e->hs_type == TLS_HS_HELLO_RETRY_REQUEST) {
		sb_puts(b, ",\"version\":");
		json_code(b, tls_version_name(e->version), e->version, true);
		sb_puts(b, ",\"cipher\":");
		if (e->sslv2)
			sb_puts(b, "null,\"sslv2\":true");
		else
			json_code(b, tls_cipher_name(e->cipher), e->cipher,
			    true);
	} else if (e->hs_type == TLS_HS_CERTIFICATE ||
	    e->hs_type == TLS_HS_CERTIFICATE_REQUEST) {
		sb_puts(b, ",\"count\":");
		sb_u64(b, e->count);
	}
	sb_puts(b, ",\"length\":");
	sb_u64(b, e->len);
	if (e->encrypted)
		sb_puts(b, ",\"encrypted\":true");
}

/* json_event_alert appends the fields of an alert event; an alert not
 * read (encrypted, or inferred from a close) has null fields. */
static void
json_event_alert(struct sb *b, const struct tl_event *e)
{
	if (e->inferred || (e->encrypted && !e->decrypted))
		sb_puts(b, ",\"level\":null,\"description\":null");
	else {
		sb_printf(b, ",\"level\":\"%s\",\"description\":",
		    e->alert_level == 2 ? "fatal" :
		    e->alert_level == 1 ? "warning" : "unknown");
		json_code(b, tls_alert_name(e->alert_desc), e->alert_desc,
		    false);
	}
	sb_puts(b, e->encrypted ? ",\"encrypted\":true" :
	    ",\"encrypted\":false");
	if (e->inferred)
		sb_puts(b, ",\"inferred\":true");
}

/* put_lit copies the literal |s| to |p| and returns the byte after. */
#define put_lit(p, s)	(memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* json_event_head writes what every event begins with, from its frame to
 * its type, straight into |b|: a few hundred thousand events a second. */
static void
json_event_head(struct sb *b, const struct tl_conn *c,
    const struct tl_event *e)
{
	const char *name = tl_ev_name(e);	/* the program's own */
	size_t n = strlen(name);
	char *p;

	/* 9 + 20 + 8 + 25 + 21 bytes at most, then the name and its quote. */
	if (b->cap - b->len <= 85 + n + 1)
		sb_grow(b, 85 + n + 1);
	p = b->s + b->len;
	p = put_lit(p, "{\"frame\":");
	p += fmt_u64(p, e->frame);
	p = put_lit(p, ",\"t_ms\":");
	p += fmt_milli(p, e->ts_us - c->start_us);
	p = e->dir == TL_C2S ? put_lit(p, ",\"dir\":\"c2s\",\"type\":\"") :
	    put_lit(p, ",\"dir\":\"s2c\",\"type\":\"");
	memcpy(p, name, n);
	p += n;
	*p++ = '"';
	*p = '\0';
	b->len = (size_t)(p - b->s);
}

static void
json_event(struct sb *b, const struct tl_conn *c, const struct tl_event *e)
{
	json_event_head(b, c, e);
	switch ((enum tl_ev_type)e->type) {
	case TL_EV_SYN:
		if (e->count > 1)
			sb_printf(b, ",\"count\":%u", e->count);
		break;
	case TL_EV_HANDSHAKE:
		json_event_handshake(b, c, e);
		break;
	case TL_EV_ALERT:
		json_event_alert(b, e);
		break;
	case TL_EV_APPDATA:
		sb_puts(b, ",\"count\":");
		sb_u64(b, c->appdata_records[e->dir]);
		sb_puts(b, ",\"bytes\":");
		sb_u64(b, c->appdata_bytes[e->dir]);
		break;
	case TL_EV_ENCRYPTED:
	case TL_EV_CCS:
		sb_puts(b, ",\"length\":");
		sb_u64(b, e->len);
		break;
	case TL_EV_HEARTBEAT:
		sb_puts(b, ",\"length\":");
		sb_u64(b, e->len);
		sb_puts(b, e->encrypted ? ",\"encrypted\":true" :
		    ",\"encrypted\":false");
		break;
	case TL_EV_GAP:
		sb_printf(b, ",\"bytes\":%llu", (unsigned long long)e->bytes);
		break;
	case TL_EV_RESYNC:
		sb_printf(b, ",\"bytes\":%llu", (unsigned long long)e->bytes);
		break;
	case TL_EV_NOT_TLS: {
		size_t n;
		const uint8_t *raw = tl_event_raw(c, e, &n);

		sb_puts(b, ",\"data\":");
		sb_json_string(b, raw, n);
		break;
	}
	case TL_EV_CONFLICT:
		sb_printf(b, ",\"offset\":%llu,\"length\":%u",
		    (unsigned long long)e->bytes, e->len);
		break;
	default:
		break;
	}
	if (e->decrypted)
		sb_puts(b, ",\"decrypted\":true");
	if (e->what != NULL) {
		sb_puts(b, e->type == TL_EV_STARTTLS ? ",\"protocol\":" :
		    ",\"note\":");
		sb_json_cstr(b, e->what);
	}
	sb_puts(b, "}");
}

/* json_events appends the events of |c|, without the brackets. */
static void
json_events(struct sb *b, const struct tl_conn *c)
{
	size_t i;

	for (i = 0; i < c->num_events; i++) {
		if (i > 0)
			sb_puts(b, ",");
		json_event(b, c, &c->events[i]);
	}
}

static void
json_time(struct sb *b, int64_t sec)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), time_us(sec, 0));
	/* Certificates have second precision: drop the fraction. */
	if (strlen(t) > 20) {
		t[19] = 'Z';
		t[20] = '\0';
	}
	sb_json_cstr(b, t);
}

/* json_cert appends the object of one certificate, written in full. */
static void
json_cert(struct sb *b, const struct cert_info *ci)
{
	size_t j;

	sb_puts(b, "{\"subject\":");
	sb_json_cstr(b, ci->subject);
	sb_puts(b, ",\"issuer\":");
	sb_json_cstr(b, ci->issuer);
	sb_puts(b, ",\"serial\":");
	sb_json_cstr(b, ci->serial);
	sb_puts(b, ",\"not_before\":");
	json_time(b, ci->not_before);
	sb_puts(b, ",\"not_after\":");
	json_time(b, ci->not_after);
	sb_puts(b, ",\"san\":[");
	for (j = 0; j < ci->num_san; j++) {
		if (j > 0)
			sb_puts(b, ",");
		sb_json_cstr(b, ci->san[j]);
	}
	sb_puts(b, "]");
	if (ci->total_san > ci->num_san) {
		/* LIMIT_SAN: say it, never cut silently. */
		sb_puts(b, ",\"san_truncated\":true,\"san_total\":");
		sb_u64(b, ci->total_san);
	}
	sb_puts(b, ",\"key\":");
	sb_json_cstr(b, ci->key_type);
	sb_printf(b, ",\"key_bits\":%d", ci->key_bits);
	if (ci->curve[0] != '\0') {
		sb_puts(b, ",\"curve\":");
		sb_json_cstr(b, ci->curve);
	}
	sb_puts(b, ",\"signature\":");
	sb_json_cstr(b, ci->sig_alg);
	sb_printf(b, ",\"ca\":%s,\"self_signed\":%s",
	    ci->is_ca ? "true" : "false",
	    ci->self_signed ? "true" : "false");
	if (ci->has_eku) {
		bool first = true;

		sb_puts(b, ",\"eku\":[");
		if (ci->eku_server_auth) {
			sb_puts(b, "\"serverAuth\"");
			first = false;
		}
		if (ci->eku_client_auth) {
			sb_puts(b, first ? "" : ",");
			sb_puts(b, "\"clientAuth\"");
			first = false;
		}
		if (ci->eku_any)
			sb_puts(b, first ? "\"any\"" : ",\"any\"");
		sb_puts(b, "]");
	}
	sb_puts(b, ",\"sha256\":\"");
	sb_hex(b, ci->sha256, sizeof(ci->sha256));
	sb_puts(b, "\"}");
}

static void
json_chain(struct out_json *jo, struct sb *b, const struct tl_chain *ch)
{
	const struct cert_info *ci;
	uint8_t key[1 + 32];
	size_t i, start;
	uint64_t h;

	sb_puts(b, "[");
	for (i = 0; i < ch->num; i++) {
		if (i > 0)
			sb_puts(b, ",");
		if (ch->certs[i] == NULL) {
			sb_puts(b, "{\"unparseable\":true}");
			continue;
		}
		ci = x509_cert_info(ch->certs[i]);
		if (jo->seen != NULL && seen_add(jo->seen, ci->sha256)) {
			sb_puts(b, "{\"sha256\":\"");
			sb_hex(b, ci->sha256, sizeof(ci->sha256));
			sb_puts(b, "\",\"ref\":true}");
			continue;
		}
		/* A certificate's JSON follows from its DER alone. */
		key[0] = 'X';
		memcpy(key + 1, ci->sha256, sizeof(ci->sha256));
		h = hash_bytes(key, sizeof(key));
		if (memo_get(jo, b, key, sizeof(key), h))
			continue;
		start = b->len;
		json_cert(b, ci);
		memo_put(jo, key, sizeof(key), h, b->s + start,
		    b->len - start);
	}
	sb_puts(b, "]");
}

/* truncated appends "name_truncated":true,"name_total":N when a list
 * kept fewer items than the wire had. */
static void
truncated(struct sb *b, const char *name, size_t num, size_t total)
{
	if (total <= num)
		return;
	sb_printf(b, ",\"%s_truncated\":true,\"%s_total\":%zu", name, name,
	    total);
}

static void
json_findings(struct sb *b, const struct tl_chain *ch)
{
	size_t i;
	static const char *const sev[] = { "info", "warning", "error" };

	sb_puts(b, "[");
	for (i = 0; i < ch->num_findings; i++) {
		if (i > 0)
			sb_puts(b, ",");
		sb_puts(b, "{\"code\":");
		sb_json_cstr(b, x509_finding_code_name(ch->findings[i].code));
		sb_printf(b, ",\"severity\":\"%s\",\"cert\":%d,\"text\":",
		    sev[ch->findings[i].severity], ch->findings[i].cert);
		sb_json_cstr(b, ch->findings[i].text);
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

/* json_conn_head appends the connection's identity and flags, after
 * the opening brace. */
static void
json_conn_head(struct sb *b, const struct tl_conn *c)
{
	char t[40], idb[TL_ID_STRLEN];

	sb_puts(b, "\"id\":");
	sb_puts(b, tl_id_str(idb, c->id));
	sb_puts(b, ",\"client\":");
	json_endpoint(b, c, false);
	sb_puts(b, ",\"server\":");
	json_endpoint(b, c, true);
	fmt_time_iso(t, sizeof(t), c->start_us);
	sb_puts(b, ",\"start\":\"");
	sb_puts(b, t);
	sb_puts(b, "\",\"duration_ms\":");
	sb_milli(b, c->last_us - c->start_us);
	sb_puts(b, c->midstream ? ",\"midstream\":true" :
	    ",\"midstream\":false");
	if (c->continues != 0) {
		sb_puts(b, ",\"continues\":");
		sb_puts(b, tl_id_str(idb, c->continues));
	}
	sb_puts(b, c->renegotiated ? ",\"renegotiated\":true" :
	    ",\"renegotiated\":false");
	sb_puts(b, c->capture_loss ? ",\"capture_loss\":true" :
	    ",\"capture_loss\":false");
	sb_puts(b, c->kernel_drops ? ",\"kernel_drops\":true" :
	    ",\"kernel_drops\":false");
	if (c->starttls) {
		sb_puts(b, ",\"starttls\":");
		sb_json_cstr(b, c->starttls_proto);
	}
}

/* json_tls_server appends what the ServerHello chose, each field
 * followed by a comma (the SNI comes next). */
static void
json_tls_server(struct sb *b, const struct tl_conn *c)
{
	sb_puts(b, "\"version\":");
	json_code(b, tls_version_name(c->sh.version), c->sh.version, true);
	sb_puts(b, ",\"cipher\":");
	if (c->sh.version == TLS_V_SSL2)
		sb_puts(b, "null");
	else
		json_code(b, tls_cipher_name(c->sh.suite), c->sh.suite, true);
	sb_puts(b, ",\"version_hex\":\"");
	sb_hex16(b, c->sh.version);
	sb_add(b, "\"", 1);
	if (c->sh.version != TLS_V_SSL2) {
		sb_puts(b, ",\"cipher_hex\":\"");
		sb_hex16(b, c->sh.suite);
		sb_add(b, "\"", 1);
	}
	if (c->sh.group != 0) {
		sb_puts(b, ",\"group\":");
		json_code(b, tls_group_name(c->sh.group), c->sh.group, true);
	}
	sb_puts(b, c->sh.resumed ? ",\"resumed\":true" : ",\"resumed\":false");
	sb_puts(b, c->sh.hrr_seen ? ",\"hrr\":true," : ",\"hrr\":false,");
}

/* json_tls_client_render appends what the ClientHello offered. */
static void
json_tls_client_render(struct out_json *j, struct sb *b,
    const struct tl_conn *c)
{
	sb_puts(b, ",\"client_max_version\":");
	json_code(b, tls_version_name(c->ch.max_version), c->ch.max_version,
	    true);
	/* --json=compact names at most LIMIT_COMPACT_SUITES suites: a
	 * scanner's hello offers hundreds (testssl.sh: 4.6 KB of names). */
	size_t nsuites = j->seen != NULL && c->ch.suites.num >
	    LIMIT_COMPACT_SUITES ? LIMIT_COMPACT_SUITES : c->ch.suites.num;

	sb_puts(b, ",\"offered_versions\":");
	json_list(j, b, &c->ch.versions, SIZE_MAX, 'V', tls_version_name);
	truncated(b, "offered_versions", c->ch.versions.num,
	    c->ch.versions.total);
	sb_puts(b, ",\"offered_ciphers_count\":");
	sb_u64(b, c->ch.suites.total);
	sb_puts(b, ",\"offered_ciphers\":");
	json_list(j, b, &c->ch.suites, nsuites, 'C', tls_cipher_name);
	truncated(b, "offered_ciphers", nsuites, c->ch.suites.total);
	sb_puts(b, ",\"offered_groups\":");
	json_list(j, b, &c->ch.groups, SIZE_MAX, 'G', tls_group_name);
	truncated(b, "offered_groups", c->ch.groups.num, c->ch.groups.total);
	sb_puts(b, ",\"offered_alpn\":");
	json_name(b, &c->ch.alpn);
	truncated(b, "offered_alpn", c->ch.alpn.len, c->ch.alpn.wire_len);
	sb_puts(b, ",\"extensions\":");
	json_list(j, b, &c->ch.exts, SIZE_MAX, 'E', tls_ext_name);
	truncated(b, "extensions", c->ch.exts.num, c->ch.exts.total);
	/* Fingerprints: hex and digits only, no escaping needed. */
	if (c->ch.ja4[0] != '\0')
		sb_printf(b, ",\"ja4\":\"%s\"", c->ch.ja4);
	if (c->ch.ja3[0] != '\0')
		sb_printf(b, ",\"ja3\":\"%s\"", c->ch.ja3);
}

/*
 * client_key writes into |k| (|cap| bytes) everything
 * json_tls_client_render reads, so that hellos of one kind share its
 * text, and returns the key's length, or 0 when it does not fit.
 */
static size_t
client_key(uint8_t *k, size_t cap, const struct tl_conn *c)
{
	const struct tl_client_hello *ch = &c->ch;
	const struct tl_u16s *l[4] = { &ch->versions, &ch->suites,
	    &ch->groups, &ch->exts };
	uint32_t head[13];
	size_t i, n, need, ja4 = strlen(ch->ja4), ja3 = strlen(ch->ja3);

	head[0] = 'T';
	head[1] = ch->max_version;
	need = sizeof(head) + ch->alpn.len + ja4 + ja3;
	for (i = 0; i < 4; i++) {
		head[2 + 2 * i] = l[i]->num;
		head[3 + 2 * i] = l[i]->total;
		need += (size_t)l[i]->num * sizeof(uint16_t);
	}
	head[10] = ch->alpn.len;
	head[11] = ch->alpn.wire_len;
	head[12] = (uint32_t)(ja4 << 8 | ja3);
	if (need > cap)
		return 0;
	memcpy(k, head, sizeof(head));
	n = sizeof(head);
	for (i = 0; i < 4; i++) {
		if (l[i]->num > 0)	/* v may be NULL when num is 0 */
			memcpy(k + n, l[i]->v, l[i]->num * sizeof(uint16_t));
		n += l[i]->num * sizeof(uint16_t);
	}
	if (ch->alpn.len > 0)
		memcpy(k + n, ch->alpn.b, ch->alpn.len);
	n += ch->alpn.len;
	memcpy(k + n, ch->ja4, ja4);
	n += ja4;
	memcpy(k + n, ch->ja3, ja3);
	return n + ja3;
}

/* json_tls_client appends what the ClientHello offered: from the memo
 * when a hello with the same lists, ALPN and fingerprints came before
 * (the clients of a capture are mostly a few kinds of client). */
static void
json_tls_client(struct out_json *j, struct sb *b, const struct tl_conn *c)
{
	uint8_t key[MEMO_CLIENT_KEY];
	size_t klen = client_key(key, sizeof(key), c), start = b->len;
	uint64_t h = 0;

	if (klen > 0) {
		h = hash_bytes(key, klen);
		if (memo_get(j, b, key, klen, h))
			return;
	}
	json_tls_client_render(j, b, c);
	if (klen > 0)
		memo_put(j, key, klen, h, b->s + start, b->len - start);
}

/* json_tls appends the "tls" object. */
static void
json_tls(struct out_json *j, struct sb *b, const struct tl_conn *c)
{
	sb_puts(b, ",\"tls\":{");
	if (c->sh.present)
		json_tls_server(b, c);
	sb_puts(b, "\"sni\":");
	if (c->ch.has_sni)
		json_name(b, &c->ch.sni);
	else
		sb_puts(b, "null");
	if (c->ch.has_sni && c->ch.sni.wire_len > c->ch.sni.len)
		truncated(b, "sni", c->ch.sni.len, c->ch.sni.wire_len);
	sb_puts(b, ",\"alpn\":");
	if (c->sh.has_alpn)
		json_name(b, &c->sh.alpn);
	else
		sb_puts(b, "null");
	if (c->ch.present)
		json_tls_client(j, b, c);
	if (c->sh.present && c->sh.ja3s[0] != '\0')
		sb_printf(b, ",\"ja3s\":\"%s\"", c->sh.ja3s);
	sb_puts(b, "}");
}

/* json_certs appends both chains, their findings and the
 * CertificateRequest. */
static void
json_certs(struct out_json *j, struct sb *b, const struct tl_conn *c)
{
	size_t i;

	sb_puts(b, ",\"server_certs\":");
	json_chain(j, b, &c->server_chain);
	truncated(b, "server_certs", c->server_chain.num,
	    c->server_chain.total);
	sb_puts(b, ",\"server_findings\":");
	json_findings(b, &c->server_chain);
	if (tl_cr(c)->present) {
		sb_puts(b, ",\"cert_request\":{\"ca_names\":[");
		for (i = 0; i < tl_cr(c)->num_ca; i++) {
			if (i > 0)
				sb_puts(b, ",");
			sb_json_cstr(b, tl_cr(c)->ca_text[i]);
		}
		sb_printf(b, "],\"ca_names_total\":%zu}", tl_cr(c)->total_ca);
	} else
		sb_puts(b, ",\"cert_request\":null");
	sb_puts(b, ",\"client_certs\":");
	json_chain(j, b, &c->client_chain);
	truncated(b, "client_certs", c->client_chain.num,
	    c->client_chain.total);
	sb_puts(b, ",\"client_findings\":");
	json_findings(b, &c->client_chain);
}

/* json_counts appends the packet and byte counts of both directions. */
static void
json_counts(struct sb *b, const struct tl_conn *c)
{
	sb_puts(b, ",\"packets\":{\"c2s\":");
	sb_u64(b, c->pkts[0]);
	sb_puts(b, ",\"s2c\":");
	sb_u64(b, c->pkts[1]);
	sb_puts(b, "},\"bytes\":{\"c2s\":");
	sb_u64(b, c->bytes[0]);
	sb_puts(b, ",\"s2c\":");
	sb_u64(b, c->bytes[1]);
	sb_puts(b, "},\"snaplen_cut\":{\"packets\":{\"c2s\":");
	sb_u64(b, c->snap_pkts[0]);
	sb_puts(b, ",\"s2c\":");
	sb_u64(b, c->snap_pkts[1]);
	sb_puts(b, "},\"bytes\":{\"c2s\":");
	sb_u64(b, c->snap_bytes[0]);
	sb_puts(b, ",\"s2c\":");
	sb_u64(b, c->snap_bytes[1]);
	sb_puts(b, "}},\"one_sided\":");
	sb_puts(b, c->one_sided ? "true" : "false");
}

/* json_verdict appends the "verdict" object. */
static void
json_verdict(struct sb *b, const struct verdict *v)
{
	sb_puts(b, ",\"verdict\":{\"code\":");
	sb_json_lit(b, verdict_code_name(v->code));
	sb_puts(b, ",\"outcome\":\"");
	sb_puts(b, verdict_outcome_name(v->outcome));
	sb_puts(b, v->inferred ? "\",\"confidence\":\"inferred\"" :
	    "\",\"confidence\":\"certain\"");
	sb_puts(b, ",\"summary\":");
	sb_json_cstr(b, v->summary);
	sb_puts(b, ",\"evidence\":[");
	json_cstrs(b, v->evidence, v->num_evidence);
	sb_puts(b, "],\"next\":");
	sb_json_cstr(b, v->next);
	sb_puts(b, ",\"secondary\":[");
	json_cstrs(b, v->secondary, v->num_secondary);
	sb_puts(b, "]}");
}

void
out_json_conn(struct out_json *j, struct sb *b, const struct tl_conn *c)
{
	sb_puts(b, "{");
	json_conn_head(b, c);
	sb_puts(b, ",\"events\":[");
	json_events(b, c);
	sb_puts(b, "]");
	if (c->dropped_events > 0)
		sb_printf(b, ",\"events_dropped\":%llu",
		    (unsigned long long)c->dropped_events);
	json_tls(j, b, c);
	json_certs(j, b, c);
	json_counts(b, c);
	if (c->verdict != NULL)
		json_verdict(b, c->verdict);
	sb_puts(b, "}\n");
}

/* ---- Elastic Common Schema (--json=ecs) ---- */

/* The ECS release whose field list tests/ecs/ holds and the test checks
 * against. */
#define ECS_VERSION	"9.4.0"

/* ecs_endpoint appends "name":{ip, port, packets, bytes} of one side. */
static void
ecs_endpoint(struct sb *b, const char *name, const struct tl_conn *c,
    bool server)
{
	char ip[64];
	int d = server ? TL_S2C : TL_C2S;

	fmt_addr(ip, sizeof(ip), c->af, server ? c->server_ip : c->client_ip);
	sb_printf(b, ",\"%s\":{\"ip\":", name);
	sb_json_cstr(b, ip);
	sb_puts(b, ",\"port\":");
	sb_u64(b, server ? c->server_port : c->client_port);
	/* ECS: packets and bytes sent by this side. */
	sb_puts(b, ",\"packets\":");
	sb_u64(b, c->pkts[d]);
	sb_puts(b, ",\"bytes\":");
	sb_u64(b, c->bytes[d]);
	sb_puts(b, "}");
}

/* ecs_san appends a SAN without its "DNS:" (...) type prefix. */
static void
ecs_san(struct sb *b, const char *san)
{
	const char *colon = strchr(san, ':');

	sb_json_cstr(b, colon != NULL ? colon + 1 : san);
}

/* ecs_cert appends the ECS fields of a leaf certificate (tls.server.*,
 * tls.client.*), after an opening brace already written. */
static void
ecs_cert(struct sb *b, const struct cert_info *ci)
{
	size_t j;

	sb_puts(b, "\"subject\":");
	sb_json_cstr(b, ci->subject);
	sb_puts(b, ",\"issuer\":");
	sb_json_cstr(b, ci->issuer);
	sb_puts(b, ",\"not_before\":");
	json_time(b, ci->not_before);
	sb_puts(b, ",\"not_after\":");
	json_time(b, ci->not_after);
	sb_puts(b, ",\"hash\":{\"sha256\":\"");
	sb_hex(b, ci->sha256, sizeof(ci->sha256));
	sb_puts(b, "\"},\"x509\":{\"subject\":{\"distinguished_name\":");
	sb_json_cstr(b, ci->subject);
	sb_puts(b, "},\"issuer\":{\"distinguished_name\":");
	sb_json_cstr(b, ci->issuer);
	sb_puts(b, "},\"serial_number\":");
	sb_json_cstr(b, ci->serial);
	sb_puts(b, ",\"not_before\":");
	json_time(b, ci->not_before);
	sb_puts(b, ",\"not_after\":");
	json_time(b, ci->not_after);
	sb_puts(b, ",\"signature_algorithm\":");
	sb_json_cstr(b, ci->sig_alg);
	sb_puts(b, ",\"public_key_algorithm\":");
	sb_json_cstr(b, ci->key_type);
	sb_printf(b, ",\"public_key_size\":%d", ci->key_bits);
	if (ci->curve[0] != '\0') {
		sb_puts(b, ",\"public_key_curve\":");
		sb_json_cstr(b, ci->curve);
	}
	sb_puts(b, ",\"alternative_names\":[");
	for (j = 0; j < ci->num_san; j++) {
		if (j > 0)
			sb_puts(b, ",");
		ecs_san(b, ci->san[j]);
	}
	sb_puts(b, "]}");
}

/* ecs_version appends tls.version ("1.3") and tls.version_protocol. */
static void
ecs_version(struct sb *b, uint16_t v)
{
	const char *n = tls_version_name(v);

	if (n == NULL)
		return;
	if (strncmp(n, "TLS", 3) == 0) {
		sb_puts(b, ",\"version\":");
		sb_json_cstr(b, n + 3);
		sb_puts(b, ",\"version_protocol\":\"tls\"");
	} else if (strncmp(n, "SSL", 3) == 0) {
		sb_puts(b, ",\"version\":");
		sb_json_cstr(b, strcmp(n + 3, "3") == 0 ? "3.0" : "2.0");
		sb_puts(b, ",\"version_protocol\":\"ssl\"");
	}
}

/* ecs_event appends @timestamp, ecs, event and observer, after the
 * opening brace; |outcome| is the verdict's outcome class. */
static void
ecs_event(struct sb *b, const struct tl_conn *c, const char *outcome)
{
	const struct verdict *v = c->verdict;
	char t[40];

	fmt_time_iso(t, sizeof(t), c->start_us);
	sb_puts(b, "\"@timestamp\":");
	sb_json_cstr(b, t);
	sb_puts(b, ",\"ecs\":{\"version\":\"" ECS_VERSION "\"}");
	sb_puts(b, ",\"event\":{\"kind\":\"event\",\"category\":[\"network\"],"
	    "\"type\":[\"connection\",\"protocol\"],\"module\":\"tlsdiag\","
	    "\"dataset\":\"tlsdiag.connection\",\"outcome\":");
	/* ECS outcome: success, failure or unknown (of the handshake). */
	sb_puts(b, strcmp(outcome, "ok") == 0 ? "\"success\"" :
	    strcmp(outcome, "failed") == 0 ||
	    strcmp(outcome, "incomplete") == 0 ? "\"failure\"" :
	    "\"unknown\"");
	sb_puts(b, ",\"start\":");
	sb_json_cstr(b, t);
	fmt_time_iso(t, sizeof(t), c->last_us);
	sb_puts(b, ",\"end\":");
	sb_json_cstr(b, t);
	sb_puts(b, ",\"duration\":");	/* ECS: nanoseconds */
	sb_u64(b, (uint64_t)(c->last_us - c->start_us) * 1000);
	if (v != NULL) {
		sb_puts(b, ",\"code\":");
		sb_json_lit(b, verdict_code_name(v->code));
		sb_puts(b, ",\"reason\":");
		sb_json_cstr(b, v->summary);
	}
	sb_puts(b, "},\"observer\":{\"product\":\"tlsdiag\",\"vendor\":"
	    "\"tlsdiag\",\"type\":\"sensor\",\"version\":\"" PACKAGE_VERSION
	    "\"}");
}

/* ecs_network appends source, destination, client, server, network and
 * related. */
static void
ecs_network(struct sb *b, const struct tl_conn *c)
{
	char ip[64];

	ecs_endpoint(b, "source", c, false);
	ecs_endpoint(b, "destination", c, true);
	ecs_endpoint(b, "client", c, false);
	ecs_endpoint(b, "server", c, true);
	sb_printf(b, ",\"network\":{\"transport\":\"tcp\",\"type\":\"%s\"",
	    c->af == 6 ? "ipv6" : "ipv4");
	if (c->tls[0] || c->tls[1])
		sb_puts(b, ",\"protocol\":\"tls\"");
	sb_puts(b, ",\"packets\":");
	sb_u64(b, c->pkts[0] + c->pkts[1]);
	sb_puts(b, ",\"bytes\":");
	sb_u64(b, c->bytes[0] + c->bytes[1]);
	sb_puts(b, "},\"related\":{\"ip\":[");
	fmt_addr(ip, sizeof(ip), c->af, c->client_ip);
	sb_json_cstr(b, ip);
	fmt_addr(ip, sizeof(ip), c->af, c->server_ip);
	sb_puts(b, ",");
	sb_json_cstr(b, ip);
	sb_puts(b, "]");
	if (c->ch.has_sni) {
		sb_puts(b, ",\"hosts\":[");
		json_name(b, &c->ch.sni);
		sb_puts(b, "]");
	}
	sb_puts(b, "}");
}

/* ecs_tls_server appends what the ServerHello chose. */
static void
ecs_tls_server(struct sb *b, const struct tl_conn *c)
{
	ecs_version(b, c->sh.version);
	if (c->sh.version != TLS_V_SSL2) {
		sb_puts(b, ",\"cipher\":");
		json_code(b, tls_cipher_name(c->sh.suite), c->sh.suite, true);
	}
	if (c->sh.group != 0) {
		sb_puts(b, ",\"curve\":");
		json_code(b, tls_group_name(c->sh.group), c->sh.group, true);
	}
	sb_puts(b, c->sh.resumed ? ",\"resumed\":true" : ",\"resumed\":false");
	if (c->sh.has_alpn) {
		sb_puts(b, ",\"next_protocol\":");
		json_name(b, &c->sh.alpn);
	}
}

/* ecs_tls appends the "tls" object. */
static void
ecs_tls(struct out_json *j, struct sb *b, const struct tl_conn *c,
    const char *outcome)
{
	sb_puts(b, ",\"tls\":{\"established\":");
	sb_puts(b, strcmp(outcome, "ok") == 0 ? "true" : "false");
	if (c->sh.present)
		ecs_tls_server(b, c);
	sb_puts(b, ",\"client\":{");
	if (c->ch.present) {
		sb_puts(b, "\"supported_ciphers\":");
		json_list(j, b, &c->ch.suites, SIZE_MAX, 'C', tls_cipher_name);
		if (c->ch.has_sni) {
			sb_puts(b, ",\"server_name\":");
			json_name(b, &c->ch.sni);
		}
	}
	if (c->client_chain.num > 0 && c->client_chain.certs[0] != NULL) {
		sb_puts(b, c->ch.present ? "," : "");
		ecs_cert(b, x509_cert_info(c->client_chain.certs[0]));
	}
	sb_puts(b, "},\"server\":{");
	if (c->server_chain.num > 0 && c->server_chain.certs[0] != NULL)
		ecs_cert(b, x509_cert_info(c->server_chain.certs[0]));
	sb_puts(b, "}}");
}

/* ecs_tlsdiag appends what ECS has no field for, in tlsdiag's own
 * namespace. */
static void
ecs_tlsdiag(struct sb *b, const struct tl_conn *c, const char *outcome)
{
	const struct verdict *v = c->verdict;
	char idb[TL_ID_STRLEN];

	sb_puts(b, ",\"tlsdiag\":{\"id\":");
	sb_puts(b, tl_id_str(idb, c->id));
	sb_puts(b, c->midstream ? ",\"midstream\":true" :
	    ",\"midstream\":false");
	if (c->continues != 0) {
		sb_puts(b, ",\"continues\":");
		sb_puts(b, tl_id_str(idb, c->continues));
	}
	if (v != NULL) {
		sb_puts(b, ",\"verdict\":{\"code\":");
		sb_json_lit(b, verdict_code_name(v->code));
		sb_puts(b, ",\"outcome\":");
		sb_json_cstr(b, outcome);
		sb_puts(b, v->inferred ? ",\"confidence\":\"inferred\"" :
		    ",\"confidence\":\"certain\"");
		sb_puts(b, ",\"summary\":");
		sb_json_cstr(b, v->summary);
		sb_puts(b, ",\"evidence\":[");
		json_cstrs(b, v->evidence, v->num_evidence);
		sb_puts(b, "],\"next\":");
		sb_json_cstr(b, v->next);
		sb_puts(b, "}");
	}
	sb_puts(b, ",\"events\":[");
	json_events(b, c);
	sb_puts(b, "],\"server_findings\":");
	json_findings(b, &c->server_chain);
	sb_puts(b, ",\"client_findings\":");
	json_findings(b, &c->client_chain);
	sb_puts(b, "}");
}

void
out_ecs_conn(struct out_json *j, struct sb *b, const struct tl_conn *c)
{
	const char *outcome = c->verdict != NULL ?
	    verdict_outcome_name(c->verdict->outcome) : "unknown";

	sb_puts(b, "{");
	ecs_event(b, c, outcome);
	ecs_network(b, c);
	ecs_tls(j, b, c, outcome);
	ecs_tlsdiag(b, c, outcome);
	sb_puts(b, "}\n");
}
