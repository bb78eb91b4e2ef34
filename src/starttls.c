/* starttls.c - follow a plaintext preamble up to a TLS upgrade. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "rd.h"
#include "starttls.h"
#include "tls_record.h"

/* PostgreSQL SSLRequest: length 8, code 80877103 (1234 << 16 | 5679). */
static const uint8_t pg_sslrequest[8] = {
	0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f
};
/* LDAP StartTLS extended operation OID (RFC 4511 4.14.1). */
static const char ldap_oid[] = "1.3.6.1.4.1.1466.20037";

void
starttls_init(struct starttls *st)
{
	memset(st, 0, sizeof(*st));
	buf_init(&st->line[0], LIMIT_STARTTLS_BYTES);
	buf_init(&st->line[1], LIMIT_STARTTLS_BYTES);
}

void
starttls_cleanup(struct starttls *st)
{
	buf_cleanup(&st->line[0]);
	buf_cleanup(&st->line[1]);
}

static void
give_up(struct starttls *st)
{
	st->state = STARTTLS_DONE;
	starttls_cleanup(st);
}

static bool
prefix_ci(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && strncasecmp((const char *)p, s, n) == 0;
}

static bool
contains(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(p + i, s, n) == 0)
			return true;
	return false;
}

static void
upgrade(struct starttls *st)
{
	st->tls[0] = st->tls[1] = true;
	st->upgraded_now = true;
	st->state = STARTTLS_DONE;
	starttls_cleanup(st);
}

/* detect looks at the first bytes of a stream and picks a protocol. */
static bool
detect(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	bool more;

	if (tls_rec_looks_like_tls(p, len, &more) || more)
		return false;
	if (dir == 1) {
		if (prefix_ci(p, len, "220"))
			st->proto = "SMTP";	/* or FTP: the command tells */
		else if (prefix_ci(p, len, "* OK"))
			st->proto = "IMAP";
		else if (prefix_ci(p, len, "+OK"))
			st->proto = "POP3";
		else if (len > 5 && p[4] == 10 && p[3] == 0)
			st->proto = "MySQL";	/* protocol 10 greeting */
		else
			return false;
		return true;
	}
	if (len >= sizeof(pg_sslrequest) &&
	    memcmp(p, pg_sslrequest, sizeof(pg_sslrequest)) == 0) {
		st->proto = "PostgreSQL";
		st->requested = true;
		return true;
	}
	if (prefix_ci(p, len, "CONNECT ")) {
		st->proto = "HTTP CONNECT";
		st->requested = true;
		return true;
	}
	if (len >= 3 && p[0] == 5 && p[1] >= 1 && (size_t)p[1] + 2 == len) {
		st->proto = "SOCKS5";
		return true;
	}
	if (len >= 9 && p[0] == 4 && (p[1] == 1 || p[1] == 2) &&
	    p[len - 1] == 0) {
		st->proto = "SOCKS4";
		return true;
	}
	if (prefix_ci(p, len, "<?xml") || prefix_ci(p, len, "<stream:stream")) {
		st->proto = "XMPP";
		return true;
	}
	if (len > 2 && p[0] == 0x30 && contains(p, len, ldap_oid)) {
		st->proto = "LDAP";
		st->requested = true;
		return true;
	}
	return false;
}

/* line_proto handles one complete line of a line-based protocol. */
static void
line_proto(struct starttls *st, int dir, const uint8_t *l, size_t n)
{
	const char *sp;

	if (dir == 0) {
		if (prefix_ci(l, n, "STARTTLS")) {
			st->requested = true;
			st->proto = "SMTP";
		} else if (prefix_ci(l, n, "AUTH TLS") ||
		    prefix_ci(l, n, "AUTH SSL")) {
			st->requested = true;
			st->proto = "FTP";
		} else if (prefix_ci(l, n, "STLS")) {
			st->requested = true;
		} else if (strcmp(st->proto, "IMAP") == 0) {
			sp = memchr(l, ' ', n);
			if (sp != NULL && prefix_ci((const uint8_t *)sp + 1,
			    n - (size_t)((const uint8_t *)sp - l) - 1,
			    "STARTTLS")) {
				size_t tl = (size_t)((const uint8_t *)sp - l);

				if (tl >= sizeof(st->tag))
					tl = sizeof(st->tag) - 1;
				memcpy(st->tag, l, tl);
				st->tag[tl] = '\0';
				st->requested = true;
			}
		}
		return;
	}
	if (!st->requested)
		return;
	if (strcmp(st->proto, "HTTP CONNECT") == 0) {
		/* The status line, headers, then an empty line. */
		if (!st->ok_status) {
			if (n >= 12 && prefix_ci(l, n, "HTTP/") &&
			    memcmp(l + 8, " 200", 4) == 0)
				st->ok_status = true;
			else {
				st->refused_now = true;
				st->requested = false;
			}
		} else if (n <= 2 && (l[0] == '\r' || l[0] == '\n'))
			upgrade(st);
		return;
	}
	if (strcmp(st->proto, "SMTP") == 0) {
		if (n >= 4 && l[3] == '-')
			return;		/* continuation line */
		if (prefix_ci(l, n, "220"))
			upgrade(st);
		else {
			st->refused_now = true;
			st->requested = false;
		}
	} else if (strcmp(st->proto, "FTP") == 0) {
		if (prefix_ci(l, n, "234"))
			upgrade(st);
		else if (n >= 4 && l[3] != '-') {
			st->refused_now = true;
			st->requested = false;
		}
	} else if (strcmp(st->proto, "POP3") == 0) {
		if (prefix_ci(l, n, "+OK"))
			upgrade(st);
		else {
			st->refused_now = true;
			st->requested = false;
		}
	} else if (strcmp(st->proto, "IMAP") == 0) {
		size_t tl = strlen(st->tag);

		if (tl == 0 || n <= tl || memcmp(l, st->tag, tl) != 0)
			return;		/* untagged response */
		if (prefix_ci(l + tl, n - tl, " OK"))
			upgrade(st);
		else {
			st->refused_now = true;
			st->requested = false;
		}
	}
}

/*
 * socks_msg returns the length of the complete SOCKS message at the start
 * of |b| (message number |step| of direction |dir|), 0 if more bytes are
 * needed; it sets |*granted| when a server reply grants the connection
 * and |*refused| when it refuses it.
 */
static size_t
socks_msg(struct starttls *st, int dir, const uint8_t *b, size_t len,
    bool *granted, bool *refused)
{
	struct rd r, v;
	uint8_t ver, x, atyp, nmeth;
	size_t i;

	rd_init(&r, b, len);
	*granted = *refused = false;
	if (strcmp(st->proto, "SOCKS4") == 0) {
		if (dir == 1) {
			/* VN 0, CD 90 granted, port, address. */
			if (len < 8)
				return 0;
			if (b[1] == 90)
				*granted = true;
			else
				*refused = true;
			return 8;
		}
		/* VN CD port ip userid NUL [domain NUL for 4a]. */
		for (i = 8; i < len && b[i] != 0; i++)
			;
		if (i >= len)
			return 0;
		if (b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0) {
			for (i = i + 1; i < len && b[i] != 0; i++)
				;
			if (i >= len)
				return 0;
		}
		return i + 1;
	}
	/* SOCKS5: greeting, method choice, [auth], request, reply. */
	if (!rd_u8(&r, &ver))
		return 0;
	if (dir == 0 && st->step[0] == 0) {
		if (!rd_u8(&r, &nmeth) || !rd_skip(&r, nmeth))
			return 0;
		return len - rd_left(&r);
	}
	if (dir == 1 && st->step[1] == 0)
		return rd_skip(&r, 1) ? 2 : 0;
	if (ver == 1) {
		/* RFC 1929: username/password and its answer. */
		if (dir == 1) {
			if (!rd_u8(&r, &x))
				return 0;
			if (x != 0)
				*refused = true;
			return 2;
		}
		if (!rd_vec8(&r, &v) || !rd_vec8(&r, &v))
			return 0;
		return len - rd_left(&r);
	}
	/* Request or reply: VER CMD/REP RSV ATYP ADDR PORT. */
	if (!rd_u8(&r, &x) || !rd_skip(&r, 1) || !rd_u8(&r, &atyp))
		return 0;
	if (atyp == 1 && !rd_skip(&r, 4))
		return 0;
	if (atyp == 4 && !rd_skip(&r, 16))
		return 0;
	if (atyp == 3 && !rd_vec8(&r, &v))
		return 0;
	if (!rd_skip(&r, 2))
		return 0;
	if (dir == 1) {
		if (x == 0)
			*granted = true;
		else
			*refused = true;
	}
	return len - rd_left(&r);
}

/* socks_feed follows SOCKS messages and returns the preamble bytes of
 * this chunk. */
static size_t
socks_feed(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	struct buf *b = &st->line[dir];
	size_t before, off = 0, m;
	bool granted, refused;

	before = b->len;
	if (!buf_add(b, p, len)) {
		give_up(st);
		return len;
	}
	for (;;) {
		m = socks_msg(st, dir, b->p + off, b->len - off, &granted,
		    &refused);
		if (m == 0) {
			buf_consume(b, off);
			return len;
		}
		off += m;
		if (st->step[dir] < 255)
			st->step[dir]++;
		if (granted) {
			upgrade(st);
			/* The rest of this chunk, if any, is TLS. */
			return off - before;
		}
		if (refused) {
			st->refused_now = true;
			give_up(st);
			return len;
		}
	}
}

size_t
starttls_feed(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	size_t i, used = 0;
	struct buf *b;

	if (st->state == STARTTLS_DONE || st->tls[dir])
		return 0;
	if (st->state == STARTTLS_DETECT) {
		if (!detect(st, dir, p, len)) {
			give_up(st);
			return 0;
		}
		st->state = STARTTLS_FOLLOW;
	}
	st->seen[dir] += len;
	if (st->seen[dir] > LIMIT_STARTTLS_BYTES) {
		give_up(st);
		return len;
	}
	if (strncmp(st->proto, "SOCKS", 5) == 0)
		return socks_feed(st, dir, p, len);
	/* Binary protocols: one packet each way. */
	if (strcmp(st->proto, "PostgreSQL") == 0) {
		if (dir == 1 && len >= 1) {
			if (p[0] == 'S') {
				upgrade(st);
				return 1;
			}
			st->refused_now = true;
			give_up(st);
			return len;
		}
		return len < sizeof(pg_sslrequest) ? len :
		    sizeof(pg_sslrequest);
	}
	if (strcmp(st->proto, "LDAP") == 0) {
		/* ExtendedResponse [APPLICATION 24] with resultCode 0. */
		if (dir == 1) {
			if (contains(p, len, "\x0a\x01\x00"))
				upgrade(st);
			else {
				st->refused_now = true;
				give_up(st);
			}
		}
		return len;
	}
	if (strcmp(st->proto, "MySQL") == 0) {
		/* The client's SSLRequest: a 4-byte header (3-byte length
		 * 32, sequence id) and 32 bytes whose little-endian capability
		 * flags have CLIENT_SSL (0x0800, bit 3 of the second byte) set;
		 * TLS follows. */
		if (dir == 0 && len >= 36 && p[0] == 32 && p[1] == 0 &&
		    p[2] == 0 && (p[5] & 0x08) != 0) {
			upgrade(st);
			return 36;
		}
		return len;
	}
	if (strcmp(st->proto, "XMPP") == 0) {
		if (dir == 0 && contains(p, len, "<starttls"))
			st->requested = true;
		if (dir == 1 && st->requested && contains(p, len, "<proceed"))
			upgrade(st);
		else if (dir == 1 && st->requested &&
		    contains(p, len, "<failure")) {
			st->refused_now = true;
			give_up(st);
		}
		return len;
	}
	/* Line protocols. */
	b = &st->line[dir];
	for (i = 0; i < len; i++) {
		if (!buf_add(b, p + i, 1)) {
			give_up(st);
			return len;
		}
		if (p[i] != '\n')
			continue;
		line_proto(st, dir, b->p, b->len);
		if (st->state == STARTTLS_DONE)
			return i + 1;
		buf_reset(b);
		used = i + 1;
	}
	(void)used;
	return len;
}
