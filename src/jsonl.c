/* jsonl.c - read back the JSON lines tlsdiag wrote, for the summary (--from-json). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdio.h>

#include "jsonl.h"
#include "rd.h"
#include "util.h"

/* A client certificate seen in full, by the hex of its SHA-256. */
struct jcert {
	char	 sha[65];
	char	*subject;
	char	*issuer;
};

struct jsonl {
	struct jcert		*certs;		/* open addressing */
	size_t			 num;
	unsigned long long	 unresolved;
};

/* Slots of the certificate table: twice the cache of distinct ones. */
#define JCERT_SLOTS	(2 * LIMIT_CERT_CACHE)

struct jsonl *
jsonl_new(void)
{
	return xcalloc(1, sizeof(struct jsonl));
}

void
jsonl_free(struct jsonl *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; j->certs != NULL && i < JCERT_SLOTS; i++) {
		free(j->certs[i].subject);
		free(j->certs[i].issuer);
	}
	free(j->certs);
	free(j);
}

unsigned long long
jsonl_unresolved(const struct jsonl *j)
{
	return j->unresolved;
}

/* jcert_slot returns the slot of |sha|: its entry or a free one. */
static struct jcert *
jcert_slot(struct jsonl *j, const char *sha)
{
	size_t h;

	if (j->certs == NULL)
		j->certs = xcalloc(JCERT_SLOTS, sizeof(*j->certs));
	h = (size_t)hash_bytes(sha, strlen(sha)) & (JCERT_SLOTS - 1);
	while (j->certs[h].subject != NULL &&
	    strcmp(j->certs[h].sha, sha) != 0)
		h = (h + 1) & (JCERT_SLOTS - 1);
	return &j->certs[h];
}

/* Bytes of the dotted path of a value ("client_certs.0.subject"). */
#define PATH_BYTES	128

/* Fields of a report the summary needs, by dotted path. */
enum field {
	F_NONE,
	F_ID,
	F_CLIENT_IP,
	F_SERVER_IP,
	F_SERVER_PORT,
	F_START,
	F_SNI,
	F_CODE,
	F_OUTCOME,
	F_CC_SUBJECT,
	F_CC_ISSUER,
	F_CC_SHA256,
	F_JA4,
	F_NUM
};

static const char *const field_path[F_NUM] = {
	NULL, "id", "client.ip", "server.ip", "server.port", "start",
	"tls.sni", "verdict.code", "verdict.outcome",
	"client_certs.0.subject", "client_certs.0.issuer",
	"client_certs.0.sha256", "tls.ja4",
};

struct jp {
	struct rd		 r;
	char			 path[PATH_BYTES];
	size_t			 path_len;
	bool			 path_over;	/* too long: matches nothing */
	int			 depth;
	const char		*why;
	bool			 seen[F_NUM];
	struct jsonl_conn	*out;
	uint8_t			 ip_text[2][64];
	size_t			 ip_len[2];
	uint8_t			 start[40];
	size_t			 start_len;
	bool			 sni_null;
	char			 str[JSONL_STR_BYTES];	/* last string */
	size_t			 str_len;
	bool			 str_over;
};

static bool	value(struct jp *);

static bool
bad(struct jp *p, const char *why)
{
	if (p->why == NULL)
		p->why = why;
	return false;
}

static void
ws(struct jp *p)
{
	uint8_t c;

	while (rd_peek_u8(&p->r, 0, &c) &&
	    (c == ' ' || c == '\t' || c == '\n' || c == '\r'))
		(void)rd_skip(&p->r, 1);
}

static bool
lit(struct jp *p, const char *s)
{
	size_t n = strlen(s);

	if (rd_left(&p->r) < n || memcmp(rd_ptr(&p->r), s, n) != 0)
		return bad(p, "not JSON: bad literal");
	return rd_skip(&p->r, n);
}

static void
put_utf8(struct jp *p, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (p->str_len + n >= sizeof(p->str)) {
		p->str_over = true;
		return;
	}
	memcpy(p->str + p->str_len, u, n);
	p->str_len += n;
	p->str[p->str_len] = '\0';
}

static bool
hex4(struct jp *p, uint32_t *out)
{
	uint8_t c;
	int i;

	*out = 0;
	for (i = 0; i < 4; i++) {
		if (!rd_u8(&p->r, &c))
			return bad(p, "not JSON: short \\u escape");
		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*out |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*out |= (uint32_t)(c - 'A' + 10);
		else
			return bad(p, "not JSON: bad \\u escape");
	}
	return true;
}

/*
 * string reads a JSON string (RFC 8259 7) into p->str, unescaped. Raw
 * bytes must be valid UTF-8 (tlsdiag never writes anything else).
 */
static bool
string(struct jp *p)
{
	uint8_t c, d;
	uint32_t cp, lo;
	int n, i;

	p->str_len = 0;
	p->str[0] = '\0';
	p->str_over = false;
	if (!rd_u8(&p->r, &c) || c != '"')
		return bad(p, "not JSON: string expected");
	for (;;) {
		if (!rd_u8(&p->r, &c))
			return bad(p, "not JSON: unterminated string");
		if (c == '"')
			return true;
		if (c < 0x20)
			return bad(p, "not JSON: control byte in a string");
		if (c == '\\') {
			if (!rd_u8(&p->r, &c))
				return bad(p, "not JSON: short escape");
			switch (c) {
			case '"': case '\\': case '/':
				put_utf8(p, c);
				break;
			case 'b': put_utf8(p, '\b'); break;
			case 'f': put_utf8(p, '\f'); break;
			case 'n': put_utf8(p, '\n'); break;
			case 'r': put_utf8(p, '\r'); break;
			case 't': put_utf8(p, '\t'); break;
			case 'u':
				if (!hex4(p, &cp))
					return false;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return bad(p, "not JSON: lone "
					    "low surrogate");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (!lit(p, "\\u") || !hex4(p, &lo) ||
					    lo < 0xdc00 || lo > 0xdfff)
						return bad(p, "not JSON: lone "
						    "high surrogate");
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				put_utf8(p, cp);
				break;
			default:
				return bad(p, "not JSON: bad escape");
			}
			continue;
		}
		if (c < 0x80) {
			put_utf8(p, c);
			continue;
		}
		/* UTF-8 (RFC 3629 4): no overlongs, no surrogates. */
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return bad(p, "not JSON: invalid UTF-8");
		for (i = 0; i < n; i++) {
			if (!rd_u8(&p->r, &d) || (d & 0xc0) != 0x80)
				return bad(p, "not JSON: invalid UTF-8");
			cp = cp << 6 | (d & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return bad(p, "not JSON: invalid UTF-8");
		put_utf8(p, cp);
	}
}

/* number reads a JSON number; |*u| gets it when it is a non-negative
 * integer that fits, else |*is_uint| is false. */
static bool
number(struct jp *p, uint64_t *u, bool *is_uint)
{
	uint8_t c;
	bool digits = false;

	*u = 0;
	*is_uint = true;
	if (rd_peek_u8(&p->r, 0, &c) && c == '-') {
		(void)rd_skip(&p->r, 1);
		*is_uint = false;
	}
	if (!rd_peek_u8(&p->r, 0, &c) || c < '0' || c > '9')
		return bad(p, "not JSON: bad number");
	if (c == '0') {
		(void)rd_skip(&p->r, 1);
		digits = true;
	} else {
		while (rd_peek_u8(&p->r, 0, &c) && c >= '0' && c <= '9') {
			if (*u > (UINT64_MAX - 9) / 10)
				*is_uint = false;
			*u = *u * 10 + (uint64_t)(c - '0');
			(void)rd_skip(&p->r, 1);
			digits = true;
		}
	}
	if (!digits)
		return bad(p, "not JSON: bad number");
	if (rd_peek_u8(&p->r, 0, &c) && c == '.') {
		*is_uint = false;
		(void)rd_skip(&p->r, 1);
		if (!rd_peek_u8(&p->r, 0, &c) || c < '0' || c > '9')
			return bad(p, "not JSON: bad fraction");
		while (rd_peek_u8(&p->r, 0, &c) && c >= '0' && c <= '9')
			(void)rd_skip(&p->r, 1);
	}
	if (rd_peek_u8(&p->r, 0, &c) && (c == 'e' || c == 'E')) {
		*is_uint = false;
		(void)rd_skip(&p->r, 1);
		if (rd_peek_u8(&p->r, 0, &c) && (c == '+' || c == '-'))
			(void)rd_skip(&p->r, 1);
		if (!rd_peek_u8(&p->r, 0, &c) || c < '0' || c > '9')
			return bad(p, "not JSON: bad exponent");
		while (rd_peek_u8(&p->r, 0, &c) && c >= '0' && c <= '9')
			(void)rd_skip(&p->r, 1);
	}
	return true;
}

static enum field
field_here(const struct jp *p)
{
	int f;

	if (p->path_over)
		return F_NONE;
	for (f = 1; f < F_NUM; f++)
		if (strcmp(p->path, field_path[f]) == 0)
			return (enum field)f;
	return F_NONE;
}

/* path_push appends ".seg" (or "seg" at the top) to the path and returns
 * the old length, for path_pop. */
static size_t
path_push(struct jp *p, const char *seg, size_t len)
{
	size_t old = p->path_len, need = len + (old > 0 ? 1 : 0);

	if (p->path_over || old + need >= sizeof(p->path)) {
		p->path_over = true;
		return old;
	}
	if (old > 0)
		p->path[p->path_len++] = '.';
	memcpy(p->path + p->path_len, seg, len);
	p->path_len += len;
	p->path[p->path_len] = '\0';
	return old;
}

static void
path_pop(struct jp *p, size_t old, bool was_over)
{
	p->path_len = old;
	p->path[old] = '\0';
	p->path_over = was_over;
}

static bool
copy_str(struct jp *p, char *dst, size_t dst_len)
{
	if (p->str_over || p->str_len >= dst_len ||
	    memchr(p->str, '\0', p->str_len) != NULL)
		return bad(p, "a field is too long or holds a NUL");
	memcpy(dst, p->str, p->str_len + 1);
	return true;
}

/* scalar_string keeps the string just read if its path is a field. */
static bool
scalar_string(struct jp *p)
{
	struct jsonl_conn *o = p->out;
	enum field f = field_here(p);

	if (f == F_NONE)
		return true;
	if (p->seen[f])
		return bad(p, "a field appears twice");
	p->seen[f] = true;
	switch (f) {
	case F_CLIENT_IP:
	case F_SERVER_IP:
		if (p->str_over || p->str_len >= sizeof(p->ip_text[0]))
			return bad(p, "bad address");
		memcpy(p->ip_text[f == F_SERVER_IP], p->str, p->str_len + 1);
		p->ip_len[f == F_SERVER_IP] = p->str_len;
		return true;
	case F_START:
		if (p->str_over || p->str_len >= sizeof(p->start))
			return bad(p, "bad start time");
		memcpy(p->start, p->str, p->str_len + 1);
		p->start_len = p->str_len;
		return true;
	case F_SNI:
		if (p->str_over || p->str_len > sizeof(o->sni))
			return bad(p, "SNI too long");
		memcpy(o->sni, p->str, p->str_len);
		o->sc.sni_len = p->str_len;
		o->sc.has_sni = true;
		return true;
	case F_CODE:
		return copy_str(p, o->code, sizeof(o->code));
	case F_OUTCOME:
		return copy_str(p, o->outcome, sizeof(o->outcome));
	case F_CC_SUBJECT:
		return copy_str(p, o->subject, sizeof(o->subject));
	case F_CC_ISSUER:
		return copy_str(p, o->issuer, sizeof(o->issuer));
	case F_CC_SHA256:
		return copy_str(p, o->cert_sha256, sizeof(o->cert_sha256));
	case F_JA4:
		return copy_str(p, o->ja4, sizeof(o->ja4));
	default:
		return bad(p, "a field has the wrong type");
	}
}

static bool
object(struct jp *p)
{
	uint8_t c;
	size_t old;
	bool was_over, first = true;

	(void)rd_skip(&p->r, 1);	/* { */
	ws(p);
	if (rd_peek_u8(&p->r, 0, &c) && c == '}')
		return rd_skip(&p->r, 1);
	for (;;) {
		if (!first) {
			ws(p);
			if (!rd_u8(&p->r, &c))
				return bad(p, "not JSON: unterminated object");
			if (c == '}')
				return true;
			if (c != ',')
				return bad(p, "not JSON: , or } expected");
			ws(p);
		}
		first = false;
		if (!string(p))
			return false;
		ws(p);
		if (!rd_u8(&p->r, &c) || c != ':')
			return bad(p, "not JSON: : expected");
		was_over = p->path_over;
		if (p->str_over)
			p->path_over = true;
		old = path_push(p, p->str, p->str_len);
		if (!value(p))
			return false;
		path_pop(p, old, was_over);
	}
}

static bool
array(struct jp *p)
{
	uint8_t c;
	size_t old, n = 0;
	bool was_over;
	char ix[24];

	(void)rd_skip(&p->r, 1);	/* [ */
	ws(p);
	if (rd_peek_u8(&p->r, 0, &c) && c == ']')
		return rd_skip(&p->r, 1);
	for (;;) {
		if (n > 0) {
			ws(p);
			if (!rd_u8(&p->r, &c))
				return bad(p, "not JSON: unterminated array");
			if (c == ']')
				return true;
			if (c != ',')
				return bad(p, "not JSON: , or ] expected");
		}
		was_over = p->path_over;
		/* Only the first element can be a field's. */
		if (n == 0)
			old = path_push(p, "0", 1);
		else {
			snprintf(ix, sizeof(ix), "%zu", n);
			old = path_push(p, ix, strlen(ix));
		}
		if (!value(p))
			return false;
		path_pop(p, old, was_over);
		n++;
	}
}

static bool
value(struct jp *p)
{
	uint8_t c;
	uint64_t u;
	bool ok, is_uint;
	enum field f;

	ws(p);
	if (!rd_peek_u8(&p->r, 0, &c))
		return bad(p, "not JSON: value expected");
	switch (c) {
	case '{':
	case '[':
		if (++p->depth > LIMIT_JSON_DEPTH)
			return bad(p, "nested too deep");
		if (field_here(p) != F_NONE)
			return bad(p, "a field has the wrong type");
		ok = c == '{' ? object(p) : array(p);
		p->depth--;
		return ok;
	case '"':
		return string(p) && scalar_string(p);
	case 't':
	case 'f':
	case 'n':
		if (!lit(p, c == 't' ? "true" : c == 'f' ? "false" : "null"))
			return false;
		f = field_here(p);
		if (f == F_NONE)
			return true;
		if (p->seen[f])
			return bad(p, "a field appears twice");
		p->seen[f] = true;
		/* null is "none" for the optional fields. */
		if (c == 'n' && (f == F_SNI || f == F_JA4))
			return true;
		return bad(p, "a field has the wrong type");
	default:
		if (!number(p, &u, &is_uint))
			return false;
		f = field_here(p);
		if (f == F_NONE)
			return true;
		if (p->seen[f])
			return bad(p, "a field appears twice");
		p->seen[f] = true;
		if (!is_uint)
			return bad(p, "a field has the wrong type");
		if (f == F_ID) {
			p->out->id = u;
			return true;
		}
		if (f == F_SERVER_PORT && u <= 65535) {
			p->out->sc.server_port = (uint16_t)u;
			return true;
		}
		return bad(p, "a field has the wrong type");
	}
}

/* parse_ip reads an address written by fmt_addr. */
static bool
parse_ip(uint8_t *af, uint8_t ip[16], const uint8_t *t)
{
	memset(ip, 0, 16);
	if (inet_pton(AF_INET, (const char *)t, ip) == 1) {
		*af = 4;
		return true;
	}
	if (inet_pton(AF_INET6, (const char *)t, ip) == 1) {
		*af = 6;
		return true;
	}
	return false;
}

static bool
digits(const uint8_t *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* parse_time reads "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" (fmt_time_iso). */
static bool
parse_time(int64_t *us, const uint8_t *t, size_t len)
{
	struct tm tm;
	int y, mo, d, h, mi, s, frac;
	time_t sec;

	if (len != 27 || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
	    t[13] != ':' || t[16] != ':' || t[19] != '.' || t[26] != 'Z' ||
	    !digits(t, 4, &y) || !digits(t + 5, 2, &mo) ||
	    !digits(t + 8, 2, &d) || !digits(t + 11, 2, &h) ||
	    !digits(t + 14, 2, &mi) || !digits(t + 17, 2, &s) ||
	    !digits(t + 20, 6, &frac) || mo < 1 || mo > 12 || d < 1 ||
	    d > 31 || h > 23 || mi > 59 || s > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	sec = timegm(&tm);
	*us = (int64_t)sec * 1000000 + frac;
	return true;
}

enum jsonl_status
jsonl_parse(struct jsonl *j, struct jsonl_conn *out, const char **why,
    const uint8_t *line, size_t len)
{
	struct jcert *jc;
	struct jp *p;
	enum jsonl_status st = JSONL_BAD;
	uint8_t c;

	p = xcalloc(1, sizeof(*p));
	memset(out, 0, sizeof(*out));
	p->out = out;
	rd_init(&p->r, line, len);
	ws(p);
	if (!rd_peek_u8(&p->r, 0, &c) || c != '{') {
		bad(p, "not a JSON object");
		goto done;
	}
	if (!value(p))
		goto done;
	ws(p);
	if (rd_left(&p->r) != 0) {
		bad(p, "not JSON: bytes after the object");
		goto done;
	}
	if (!p->seen[F_ID] && !p->seen[F_CODE]) {
		st = JSONL_OTHER;
		goto done;
	}
	if (!p->seen[F_ID] || !p->seen[F_CLIENT_IP] || !p->seen[F_SERVER_IP] ||
	    !p->seen[F_SERVER_PORT] || !p->seen[F_START] ||
	    !p->seen[F_CODE] || !p->seen[F_OUTCOME]) {
		bad(p, "a report without id, client, server, start or "
		    "verdict");
		goto done;
	}
	if (!parse_ip(&out->sc.af, out->sc.client_ip, p->ip_text[0]) ||
	    !parse_ip(&c, out->sc.server_ip, p->ip_text[1]) ||
	    c != out->sc.af) {
		bad(p, "bad address");
		goto done;
	}
	if (!parse_time(&out->sc.start_us, p->start, p->start_len)) {
		bad(p, "bad start time");
		goto done;
	}
	out->sc.outcome = summary_outcome_of(out->outcome);
	if (out->sc.outcome == SUM_NUM_OUTCOMES) {
		bad(p, "unknown outcome");
		goto done;
	}
	out->sc.code = out->code;
	out->sc.sni = out->sni;
	if (p->seen[F_CC_SUBJECT] && p->seen[F_CC_ISSUER]) {
		out->sc.cc_subject = out->subject;
		out->sc.cc_issuer = out->issuer;
		if (out->cert_sha256[0] != '\0' && strlen(out->cert_sha256) ==
		    64 && j->num < LIMIT_CERT_CACHE) {
			jc = jcert_slot(j, out->cert_sha256);
			if (jc->subject == NULL) {
				memcpy(jc->sha, out->cert_sha256, 65);
				jc->subject = xstrdup(out->subject);
				jc->issuer = xstrdup(out->issuer);
				j->num++;
			}
		}
	} else if (p->seen[F_CC_SUBJECT] || p->seen[F_CC_ISSUER]) {
		bad(p, "a client certificate without subject or issuer");
		goto done;
	} else if (out->cert_sha256[0] != '\0') {
		/* --json=compact: a certificate written in full before. */
		jc = jcert_slot(j, out->cert_sha256);
		if (jc->subject != NULL) {
			memcpy(out->subject, jc->subject,
			    strlen(jc->subject) + 1);
			memcpy(out->issuer, jc->issuer, strlen(jc->issuer) + 1);
			out->sc.cc_subject = out->subject;
			out->sc.cc_issuer = out->issuer;
		} else
			j->unresolved++;
	}
	if (out->ja4[0] != '\0')
		out->sc.ja4 = out->ja4;
	st = JSONL_CONN;
done:
	*why = p->why;
	free(p);
	return st;
}
