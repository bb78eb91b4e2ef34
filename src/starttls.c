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

/* RDP_NEG_REQ/RSP requestedProtocols and selectedProtocol bits
 * (MS-RDPBCGR 2.2.1.1.1): each of these runs over TLS. */
#define RDP_PROTOCOL_SSL	0x01
#define RDP_PROTOCOL_HYBRID	0x02
#define RDP_PROTOCOL_RDSTLS	0x04
#define RDP_PROTOCOL_HYBRID_EX	0x08
#define RDP_PROTOCOL_RDSAAD	0x10
#define RDP_TLS_PROTOCOLS	(RDP_PROTOCOL_SSL | RDP_PROTOCOL_HYBRID | \
	RDP_PROTOCOL_RDSTLS | RDP_PROTOCOL_HYBRID_EX | RDP_PROTOCOL_RDSAAD)
#define RDP_TYPE_NEG_REQ	0x01
#define RDP_TYPE_NEG_RSP	0x02
#define RDP_TYPE_NEG_FAILURE	0x03
/* The largest X.224 connection PDU we follow (a cookie or routing token
 * plus the negotiation request is far smaller). */
#define RDP_MAX_PDU		1024

/* Why a proxy or server refused, one sentence each, by the code the
 * protocol puts on the wire. */
static const char *const socks5_reply[] = {
	NULL,
	"the SOCKS5 proxy refused the CONNECT: general SOCKS server failure "
	    "(reply 1)",
	"the SOCKS5 proxy refused the CONNECT: not allowed by its rules "
	    "(reply 2)",
	"the SOCKS5 proxy refused the CONNECT: network unreachable from the "
	    "proxy (reply 3)",
	"the SOCKS5 proxy refused the CONNECT: host unreachable from the "
	    "proxy (reply 4)",
	"the SOCKS5 proxy refused the CONNECT: the destination refused the "
	    "proxy's connection (reply 5)",
	"the SOCKS5 proxy refused the CONNECT: TTL expired (reply 6)",
	"the SOCKS5 proxy refused the request: command not supported "
	    "(reply 7)",
	"the SOCKS5 proxy refused the CONNECT: address type not supported "
	    "(reply 8)",
};
static const char socks5_reply_other[] = "the SOCKS5 proxy refused the "
    "CONNECT with a reply code RFC 1928 does not assign";
static const char socks5_no_method[] = "the SOCKS5 proxy accepted none of "
    "the client's authentication methods (method 0xFF)";
static const char socks5_auth_failed[] = "the SOCKS5 proxy rejected the "
    "client's username and password (RFC 1929 status not 0)";
static const char *const socks4_reply[] = {
	"the SOCKS4 proxy rejected the request or could not connect "
	    "(reply 91)",
	"the SOCKS4 proxy rejected the request: it cannot reach the "
	    "client's identd (reply 92)",
	"the SOCKS4 proxy rejected the request: identd reports another "
	    "user ID (reply 93)",
};
static const char socks4_reply_other[] = "the SOCKS4 proxy rejected the "
    "request with an unassigned reply code";
static const char *const rdp_failure[] = {
	NULL,
	"the RDP server refused the connection: it requires TLS, which the "
	    "client did not offer (SSL_REQUIRED_BY_SERVER)",
	"the RDP server refused TLS: it only allows standard RDP security "
	    "(SSL_NOT_ALLOWED_BY_SERVER)",
	"the RDP server refused TLS: it has no certificate for it "
	    "(SSL_CERT_NOT_ON_SERVER)",
	"the RDP server refused the connection: the client's requested "
	    "protocols are inconsistent (INCONSISTENT_FLAGS)",
	"the RDP server refused the connection: it requires CredSSP (NLA), "
	    "which the client did not offer (HYBRID_REQUIRED_BY_SERVER)",
	"the RDP server refused the connection: it requires TLS with user "
	    "authentication (SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER)",
};
static const char rdp_failure_other[] = "the RDP server refused the "
    "connection with a failure code MS-RDPBCGR does not assign";
static const char rdp_standard[] = "the RDP server chose standard RDP "
    "security, without TLS, though the client offered TLS";
static const char rdp_no_neg[] = "the RDP server answered without a "
    "negotiation response (standard RDP security, no TLS) though the "
    "client offered TLS";
static const char pg_refused_n[] = "the PostgreSQL server refused the TLS "
    "upgrade: it answered the SSLRequest with N (SSL is off on the "
    "server)";
static const char pg_refused_e[] = "the PostgreSQL server refused the TLS "
    "upgrade: it answered the SSLRequest with an error message";
static const char pg_refused_other[] = "the PostgreSQL server answered the "
    "SSLRequest with neither S (TLS follows) nor N";
static const char http_connect_refused[] = "the HTTP proxy refused the "
    "CONNECT: its status is not 200";
static const char smtp_refused[] = "the SMTP server refused STARTTLS";
static const char ftp_refused[] = "the FTP server refused AUTH TLS";
static const char pop3_refused[] = "the POP3 server refused STLS";
static const char imap_refused[] = "the IMAP server refused STARTTLS";
static const char ldap_refused[] = "the LDAP server refused the StartTLS "
    "extended operation (resultCode not 0)";
static const char xmpp_refused[] = "the XMPP server answered <starttls/> "
    "with <failure/>";
static const char irc_refused[] = "the IRC server refused STARTTLS "
    "(numeric 691, ERR_STARTTLS)";

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

/* refuse records that the upgrade was refused, for the reason |why|,
 * and stops following the stream. */
static void
refuse(struct starttls *st, const char *why)
{
	st->refused_now = true;
	st->why = why;
	give_up(st);
}

static void
upgrade(struct starttls *st)
{
	st->tls[0] = st->tls[1] = true;
	st->upgraded_now = true;
	st->state = STARTTLS_DONE;
	starttls_cleanup(st);
}

/*
 * irc_numeric returns the three-digit numeric reply of an IRC server line
 * (RFC 2812 2.3.1: [":" prefix SPACE] command ...), or 0 when the command
 * is not a numeric.
 */
static int
irc_numeric(const uint8_t *l, size_t n)
{
	struct rd r;
	uint8_t c, d[3];
	size_t i;

	rd_init(&r, l, n);
	if (rd_peek_u8(&r, 0, &c) && c == ':') {
		do {
			if (!rd_u8(&r, &c))
				return 0;
		} while (c != ' ');
	}
	for (i = 0; i < 3; i++)
		if (!rd_u8(&r, &d[i]) || !isdigit(d[i]))
			return 0;
	if (!rd_u8(&r, &c) || c != ' ')
		return 0;
	return (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
}

/* irc_server_line: the first bytes a server sends are an IRC notice
 * (":name NOTICE ..."), as servers write while they look the client up. */
static bool
irc_server_line(const uint8_t *p, size_t len)
{
	const uint8_t *sp;

	if (len < 2 || p[0] != ':')
		return false;
	sp = memchr(p, ' ', len);
	return sp != NULL && prefix_ci(sp + 1, len - (size_t)(sp + 1 - p),
	    "NOTICE ");
}

/* detect looks at the first bytes of a stream and picks a protocol. */
/* connect_port: the port of "CONNECT host:port HTTP/1.1" (RFC 9110
 * 9.3.6), or 0. */
static uint16_t
connect_port(const uint8_t *p, size_t len)
{
	size_t i = 8, colon = 0;	/* after "CONNECT " */
	unsigned v = 0;

	for (; i < len && p[i] != ' ' && p[i] != '\r' && p[i] != '\n'; i++)
		if (p[i] == ':')
			colon = i;
	if (colon == 0 || colon + 1 == i || i - colon > 6)
		return 0;
	for (colon++; colon < i; colon++) {
		if (p[colon] < '0' || p[colon] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[colon] - '0');
	}
	return v <= 65535 ? (uint16_t)v : 0;
}

bool
starttls_is_tls(const uint8_t *p, size_t len)
{
	bool more;

	/* Too short to tell is TLS only when the first byte could start a
	 * record (content types 20 to 24) or an SSLv2 hello (high bit): a
	 * 4-byte SOCKS5 greeting (05 02 00 01, curl's) is not. */
	return tls_rec_looks_like_tls(p, len, &more) || (more && len > 0 &&
	    ((p[0] >= 20 && p[0] <= 24) || (p[0] & 0x80) != 0));
}

static bool
detect(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	if (starttls_is_tls(p, len))
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
		else if (irc_server_line(p, len))
			st->proto = "IRC";	/* a NOTICE on connect */
		else
			return false;
		st->server_first = true;
		return true;
	}
	if (len >= sizeof(pg_sslrequest) &&
	    memcmp(p, pg_sslrequest, sizeof(pg_sslrequest)) == 0) {
		st->proto = "PostgreSQL";
		st->requested = true;
		return true;
	}
	/* IRC (the IRCv3 tls extension): the client asks with STARTTLS
	 * before registering, perhaps after a capability listing. An SMTP
	 * client speaks second, so a first line STARTTLS is not SMTP. */
	if (prefix_ci(p, len, "STARTTLS\r\n") || prefix_ci(p, len,
	    "STARTTLS\n") || prefix_ci(p, len, "CAP LS")) {
		st->proto = "IRC";
		return true;
	}
	if (prefix_ci(p, len, "CONNECT ")) {
		st->proto = "HTTP CONNECT";
		st->requested = true;
		st->dest_port = connect_port(p, len);
		return true;
	}
	/* SOCKS5 greeting: VER 5, NMETHODS, METHODS; a client may send its
	 * request (VER 5 again) right behind it. */
	if (len >= 3 && p[0] == 5 && p[1] >= 1 && ((size_t)p[1] + 2 == len ||
	    ((size_t)p[1] + 2 < len && p[p[1] + 2] == 5))) {
		st->proto = "SOCKS5";
		return true;
	}
	/* RDP: TPKT (version 3) carrying an X.224 Connection Request
	 * (code 0xE0), at least the 7 fixed bytes of the TPDU. */
	if (len >= 11 && p[0] == 3 && p[1] == 0 && (p[5] & 0xf0) == 0xe0 &&
	    p[4] >= 6) {
		st->proto = "RDP";
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

/* client_line: a line from the client asks for the upgrade, or not. */
static void
client_line(struct starttls *st, const uint8_t *l, size_t n)
{
	const char *sp;

	if (strcmp(st->proto, "IRC") == 0) {
		if (prefix_ci(l, n, "STARTTLS"))
			st->requested = true;
	} else if (prefix_ci(l, n, "STARTTLS")) {
		st->requested = true;
		st->proto = "SMTP";
	} else if (prefix_ci(l, n, "AUTH TLS") ||
	    prefix_ci(l, n, "AUTH SSL")) {
		st->requested = true;
		st->proto = "FTP";
	} else if (prefix_ci(l, n, "STLS")) {
		st->requested = true;
	} else if (strcmp(st->proto, "SMTP") == 0 && (prefix_ci(l, n,
	    "USER ") || prefix_ci(l, n, "SYST") || prefix_ci(l, n, "FEAT") ||
	    prefix_ci(l, n, "AUTH GSSAPI"))) {
		/* A 220 greeting, then a command SMTP does not have. */
		st->proto = "FTP";
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
}

/* line_refused: the server's answer line refused the upgrade; the
 * stream is still followed (a client may ask again). */
static void
line_refused(struct starttls *st, const char *why)
{
	st->refused_now = true;
	st->why = why;
	st->requested = false;
}

/* line_proto handles one complete line of a line-based protocol. */
static void
line_proto(struct starttls *st, int dir, const uint8_t *l, size_t n)
{
	int code;

	if (dir == 0) {
		client_line(st, l, n);
		return;
	}
	if (!st->requested)
		return;
	if (strcmp(st->proto, "IRC") == 0) {
		/* Numeric 670 RPL_STARTTLS: TLS follows this line; 691
		 * ERR_STARTTLS: refused. Other lines (notices, the
		 * capability listing) are passed over. */
		code = irc_numeric(l, n);
		if (code == 670)
			upgrade(st);
		else if (code == 691) {
			line_refused(st, irc_refused);
		}
		return;
	}
	if (strcmp(st->proto, "HTTP CONNECT") == 0) {
		/* The status line, headers, then an empty line. */
		if (!st->ok_status) {
			if (n >= 12 && prefix_ci(l, n, "HTTP/") &&
			    memcmp(l + 8, " 200", 4) == 0)
				st->ok_status = true;
			else {
				line_refused(st, http_connect_refused);
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
			line_refused(st, smtp_refused);
		}
	} else if (strcmp(st->proto, "FTP") == 0) {
		if (prefix_ci(l, n, "234"))
			upgrade(st);
		else if (n >= 4 && l[3] != '-') {
			line_refused(st, ftp_refused);
		}
	} else if (strcmp(st->proto, "POP3") == 0) {
		if (prefix_ci(l, n, "+OK"))
			upgrade(st);
		else {
			line_refused(st, pop3_refused);
		}
	} else if (strcmp(st->proto, "IMAP") == 0) {
		size_t tl = strlen(st->tag);

		if (tl == 0 || n <= tl || memcmp(l, st->tag, tl) != 0)
			return;		/* untagged response */
		if (prefix_ci(l + tl, n - tl, " OK"))
			upgrade(st);
		else {
			line_refused(st, imap_refused);
		}
	}
}

/* What one preamble message did. */
enum pre_msg {
	PRE_MORE,		/* go on following */
	PRE_GRANTED,		/* TLS follows this message */
	PRE_REFUSED,		/* refused, for the reason in |*why| */
	PRE_STOP,		/* a turn we do not follow: give up */
};

/* socks5_why returns the sentence of SOCKS5 reply code |x|. */
static const char *
socks5_why(uint8_t x)
{
	return x < sizeof(socks5_reply) / sizeof(socks5_reply[0]) ?
	    socks5_reply[x] : socks5_reply_other;
}

/* skip_cstring passes |r| over a NUL-terminated string, NUL included;
 * false when no NUL is in |r|. */
static bool
skip_cstring(struct rd *r)
{
	uint8_t c;

	do {
		if (!rd_u8(r, &c))
			return false;
	} while (c != 0);
	return true;
}

/* socks4_msg is socks_msg for SOCKS4 and 4a: the client's VN CD port ip
 * userid NUL [domain NUL, for 4a: ip 0.0.0.x], the server's VN CD port
 * ip (CD 90: granted). */
static size_t
socks4_msg(struct starttls *st, int dir, const uint8_t *b, size_t len,
    enum pre_msg *res, const char **why)
{
	struct rd r;
	uint8_t vn, cd, ip[4];
	uint16_t port;

	rd_init(&r, b, len);
	if (!rd_u8(&r, &vn) || !rd_u8(&r, &cd) || !rd_u16(&r, &port) ||
	    !rd_copy(&r, ip, sizeof(ip)))
		return 0;
	if (dir == 1) {
		if (cd == 90)
			*res = PRE_GRANTED;
		else {
			*res = PRE_REFUSED;
			*why = cd >= 91 && cd <= 93 ? socks4_reply[cd - 91] :
			    socks4_reply_other;
		}
		return len - rd_left(&r);
	}
	if (!skip_cstring(&r))
		return 0;
	if (ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0 &&
	    !skip_cstring(&r))
		return 0;
	st->dest_port = port;
	return len - rd_left(&r);
}

/* socks5_request is socks_msg for a SOCKS5 request or reply, VER
 * CMD/REP RSV ATYP ADDR PORT, read from |r| (after VER) of |len| bytes. */
static size_t
socks5_request(struct starttls *st, struct rd *r, int dir, size_t len,
    enum pre_msg *res, const char **why)
{
	struct rd v;
	uint8_t x, atyp;
	uint16_t port;

	if (!rd_u8(r, &x) || !rd_skip(r, 1) || !rd_u8(r, &atyp))
		return 0;
	if (atyp == 1 && !rd_skip(r, 4))
		return 0;
	if (atyp == 4 && !rd_skip(r, 16))
		return 0;
	if (atyp == 3 && !rd_vec8(r, &v))
		return 0;
	if (atyp != 1 && atyp != 3 && atyp != 4) {
		/* A refusal may carry no usable address: the reply code
		 * still tells. */
		if (dir == 1 && x != 0) {
			*res = PRE_REFUSED;
			*why = socks5_why(x);
		} else
			*res = PRE_STOP;
		return len;
	}
	if (!rd_u16(r, &port))
		return 0;
	if (dir == 0)
		st->dest_port = port;
	if (dir == 1) {
		if (x == 0)
			*res = PRE_GRANTED;
		else {
			*res = PRE_REFUSED;
			*why = socks5_why(x);
		}
	}
	return len - rd_left(r);
}

/* socks5_msg is socks_msg for SOCKS5: greeting, method choice, [auth],
 * request, reply. */
static size_t
socks5_msg(struct starttls *st, int dir, const uint8_t *b, size_t len,
    enum pre_msg *res, const char **why)
{
	struct rd r, v;
	uint8_t ver, x, nmeth;

	rd_init(&r, b, len);
	if (!rd_u8(&r, &ver))
		return 0;
	if (dir == 0 && st->step[0] == 0) {
		if (!rd_u8(&r, &nmeth) || !rd_skip(&r, nmeth))
			return 0;
		return len - rd_left(&r);
	}
	if (dir == 1 && st->step[1] == 0) {
		/* VER METHOD: no authentication (0) and username/password
		 * (2) are followed; 0xFF refuses every offered method. */
		if (!rd_u8(&r, &x))
			return 0;
		if (ver != 5 || (x != 0 && x != 2 && x != 0xff))
			*res = PRE_STOP;
		else if (x == 0xff) {
			*res = PRE_REFUSED;
			*why = socks5_no_method;
		}
		return 2;
	}
	if (ver == 1) {
		/* RFC 1929: username/password and its answer. */
		if (dir == 1) {
			if (!rd_u8(&r, &x))
				return 0;
			if (x != 0) {
				*res = PRE_REFUSED;
				*why = socks5_auth_failed;
			}
			return 2;
		}
		if (!rd_vec8(&r, &v) || !rd_vec8(&r, &v))
			return 0;
		return len - rd_left(&r);
	}
	if (ver != 5) {
		*res = PRE_STOP;
		return len;
	}
	return socks5_request(st, &r, dir, len, res, why);
}

/*
 * socks_msg returns the length of the complete SOCKS message at the start
 * of |b| (message number |step| of direction |dir|), 0 if more bytes are
 * needed, and sets |*res| to what it did (|*why| when refused).
 */
static size_t
socks_msg(struct starttls *st, int dir, const uint8_t *b, size_t len,
    enum pre_msg *res, const char **why)
{
	*res = PRE_MORE;
	*why = NULL;
	if (strcmp(st->proto, "SOCKS4") == 0)
		return socks4_msg(st, dir, b, len, res, why);
	return socks5_msg(st, dir, b, len, res, why);
}

/*
 * rdp_msg reads one TPKT-framed X.224 connection PDU (RFC 1006, X.224
 * 13.3 and 13.4) at the start of |b|: the client's Connection Request
 * with its RDP_NEG_REQ, or the server's Connection Confirm with
 * RDP_NEG_RSP or RDP_NEG_FAILURE (MS-RDPBCGR 2.2.1.1, 2.2.1.2). It
 * returns the PDU's length, 0 if more bytes are needed.
 */
static size_t
rdp_msg(struct starttls *st, int dir, const uint8_t *b, size_t len,
    enum pre_msg *res, const char **why)
{
	struct rd r, neg;
	uint16_t tpkt_len, neg_len;
	uint8_t ver, li, code, type, flags;
	uint32_t val;

	rd_init(&r, b, len);
	*res = PRE_MORE;
	*why = NULL;
	if (!rd_u8(&r, &ver) || !rd_skip(&r, 1) || !rd_u16(&r, &tpkt_len))
		return 0;
	if (ver != 3 || tpkt_len < 11 || tpkt_len > RDP_MAX_PDU) {
		*res = PRE_STOP;
		return len;
	}
	if (len < tpkt_len)
		return 0;
	rd_init(&r, b + 4, tpkt_len - 4u);
	/* LI counts the TPDU bytes after itself: code, DST-REF, SRC-REF,
	 * class (6), then the variable part. */
	if (!rd_u8(&r, &li) || !rd_u8(&r, &code) || li < 6 ||
	    (size_t)li + 1 > rd_left(&r) + 2 || !rd_skip(&r, 5)) {
		*res = PRE_STOP;
		return tpkt_len;
	}
	if (dir == 0) {
		if ((code & 0xf0) != 0xe0) {
			*res = PRE_STOP;
			return tpkt_len;
		}
		/* The negotiation request closes the PDU: its 8 bytes are
		 * the last ones (a cookie line may come before it). */
		st->rdp_requested = 0;
		if (rd_left(&r) >= 8) {
			rd_init(&neg, b + tpkt_len - 8, 8);
			if (rd_u8(&neg, &type) && type == RDP_TYPE_NEG_REQ &&
			    rd_u8(&neg, &flags) && rd_u16le(&neg, &neg_len) &&
			    neg_len == 8 && rd_u32le(&neg, &val))
				st->rdp_requested = val;
		}
		if ((st->rdp_requested & RDP_TLS_PROTOCOLS) == 0)
			*res = PRE_STOP;	/* no TLS asked for */
		return tpkt_len;
	}
	if ((code & 0xf0) != 0xd0) {
		*res = PRE_STOP;
		return tpkt_len;
	}
	if (!rd_u8(&r, &type) || !rd_u8(&r, &flags) ||
	    !rd_u16le(&r, &neg_len) || neg_len != 8 || !rd_u32le(&r, &val)) {
		*res = PRE_REFUSED;
		*why = rdp_no_neg;
		return tpkt_len;
	}
	if (type == RDP_TYPE_NEG_RSP && (val & RDP_TLS_PROTOCOLS) != 0)
		*res = PRE_GRANTED;
	else if (type == RDP_TYPE_NEG_RSP) {
		*res = PRE_REFUSED;
		*why = rdp_standard;
	} else if (type == RDP_TYPE_NEG_FAILURE) {
		*res = PRE_REFUSED;
		*why = val < sizeof(rdp_failure) / sizeof(rdp_failure[0]) &&
		    val != 0 ? rdp_failure[val] : rdp_failure_other;
	} else {
		*res = PRE_REFUSED;
		*why = rdp_no_neg;
	}
	return tpkt_len;
}

/* msg_feed follows the messages of a binary preamble (SOCKS, RDP) and
 * returns the preamble bytes of this chunk. */
static size_t
msg_feed(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	struct buf *b = &st->line[dir];
	size_t before, off = 0, m;
	enum pre_msg res;
	const char *why;
	bool rdp = strcmp(st->proto, "RDP") == 0;

	before = b->len;
	if (!buf_add(b, p, len)) {
		give_up(st);
		return len;
	}
	for (;;) {
		if (rdp)
			m = rdp_msg(st, dir, b->p + off, b->len - off, &res,
			    &why);
		else
			m = socks_msg(st, dir, b->p + off, b->len - off, &res,
			    &why);
		if (m == 0) {
			buf_consume(b, off);
			return len;
		}
		off += m;
		if (st->step[dir] < 255)
			st->step[dir]++;
		switch (res) {
		case PRE_GRANTED:
			upgrade(st);
			/* The rest of this chunk, if any, is TLS. */
			return off > before ? off - before : 0;
		case PRE_REFUSED:
			refuse(st, why);
			return len;
		case PRE_STOP:
			give_up(st);
			return len;
		case PRE_MORE:
			break;
		}
	}
}

/*
 * binary_feed is starttls_feed for the protocols that upgrade in one
 * packet each way; it sets |*used| and returns true, or returns false
 * for a line protocol.
 */
static bool
binary_feed(struct starttls *st, int dir, const uint8_t *p, size_t len,
    size_t *used)
{
	*used = len;
	if (strcmp(st->proto, "PostgreSQL") == 0) {
		if (dir == 1 && len >= 1) {
			if (p[0] == 'S') {
				upgrade(st);
				*used = 1;
				return true;
			}
			refuse(st, p[0] == 'N' ? pg_refused_n : p[0] == 'E' ?
			    pg_refused_e : pg_refused_other);
			return true;
		}
		*used = len < sizeof(pg_sslrequest) ? len :
		    sizeof(pg_sslrequest);
		return true;
	}
	if (strcmp(st->proto, "LDAP") == 0) {
		/* ExtendedResponse [APPLICATION 24] with resultCode 0. */
		if (dir == 1) {
			if (contains(p, len, "\x0a\x01\x00"))
				upgrade(st);
			else
				refuse(st, ldap_refused);
		}
		return true;
	}
	if (strcmp(st->proto, "MySQL") == 0) {
		/* The client's SSLRequest: a 4-byte header (3-byte length
		 * 32, sequence id) and 32 bytes whose little-endian capability
		 * flags have CLIENT_SSL (0x0800, bit 3 of the second byte) set;
		 * TLS follows. */
		if (dir == 0 && len >= 36 && p[0] == 32 && p[1] == 0 &&
		    p[2] == 0 && (p[5] & 0x08) != 0) {
			upgrade(st);
			*used = 36;
		}
		return true;
	}
	if (strcmp(st->proto, "XMPP") == 0) {
		if (dir == 0 && contains(p, len, "<starttls"))
			st->requested = true;
		if (dir == 1 && st->requested && contains(p, len, "<proceed"))
			upgrade(st);
		else if (dir == 1 && st->requested &&
		    contains(p, len, "<failure"))
			refuse(st, xmpp_refused);
		return true;
	}
	return false;
}

/* line_feed is starttls_feed for the line protocols (SMTP, FTP, POP3,
 * IMAP, ...): each complete line of |dir| is read as a command or reply. */
static size_t
line_feed(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	struct buf *b = &st->line[dir];
	size_t i;

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
	}
	return len;
}

size_t
starttls_feed(struct starttls *st, int dir, const uint8_t *p, size_t len)
{
	size_t n, used;
	bool more;

	if (st->state == STARTTLS_DONE || st->tls[dir])
		return 0;
	if (st->state == STARTTLS_DETECT) {
		if (!detect(st, dir, p, len)) {
			give_up(st);
			return 0;
		}
		st->state = STARTTLS_FOLLOW;
	}
	/* A client that starts TLS after the server's greeting without
	 * asking to upgrade: the server spoke plaintext where the client
	 * expected TLS (a banner on an implicit-TLS port). */
	if (dir == 0 && st->server_first && !st->requested &&
	    tls_rec_looks_like_tls(p, len, &more)) {
		st->unasked_now = true;
		give_up(st);
		return 0;
	}
	if (st->head_len[dir] < sizeof(st->head[dir])) {
		n = sizeof(st->head[dir]) - st->head_len[dir];
		if (n > len)
			n = len;
		memcpy(st->head[dir] + st->head_len[dir], p, n);
		st->head_len[dir] += (uint8_t)n;
	}
	st->seen[dir] += len;
	if (st->seen[dir] > LIMIT_STARTTLS_BYTES) {
		give_up(st);
		return len;
	}
	if (strncmp(st->proto, "SOCKS", 5) == 0 ||
	    strcmp(st->proto, "RDP") == 0)
		return msg_feed(st, dir, p, len);
	if (binary_feed(st, dir, p, len, &used))
		return used;
	return line_feed(st, dir, p, len);
}

/* How each protocol asks for TLS; the rest say STARTTLS (SMTP, IMAP,
 * XMPP...). */
static const struct {
	const char	*proto;
	const char	*upgrade;
} upgrades[] = {
	{ "FTP", "AUTH TLS" },
	{ "POP3", "STLS" },
	{ "MySQL", "its SSL request" },
	{ "PostgreSQL", "its SSLRequest" },
	{ "RDP", "TLS negotiation" },
	{ "LDAP", "StartTLS" },
};

const char *
starttls_upgrade_name(const char *proto)
{
	size_t i;

	for (i = 0; i < sizeof(upgrades) / sizeof(upgrades[0]); i++)
		if (strcmp(proto, upgrades[i].proto) == 0)
			return upgrades[i].upgrade;
	return "STARTTLS";
}
