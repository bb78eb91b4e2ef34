/* starttls.h - follow a plaintext preamble up to a TLS upgrade. */
#ifndef TLSDIAG_STARTTLS_H
#define TLSDIAG_STARTTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "util.h"

enum starttls_state {
	STARTTLS_DETECT,	/* no byte seen yet */
	STARTTLS_FOLLOW,	/* following a known plaintext protocol */
	STARTTLS_DONE,		/* TLS from the start, upgraded, or unknown */
};

/*
 * SMTP (RFC 3207), IMAP (RFC 2595), POP3 (STLS), FTP (AUTH TLS, RFC 4217),
 * PostgreSQL (SSLRequest), XMPP (RFC 6120 5), LDAP (RFC 4511 4.14),
 * MySQL (CLIENT_SSL), IRC (STARTTLS, numeric 670; the IRCv3 tls
 * extension), RDP (X.224 Connection Request and Confirm with
 * RDP_NEG_REQ/RSP, MS-RDPBCGR 2.2.1.1 and 2.2.1.2), and the proxies in
 * front of TLS: HTTP CONNECT (RFC 9110 9.3.6), SOCKS 4/4a and SOCKS 5
 * (RFC 1928, RFC 1929). Each direction switches to TLS after the line or
 * packet that completes the upgrade on its side.
 */
struct starttls {
	enum starttls_state	 state;
	const char		*proto;		/* "SMTP", ... or NULL */
	bool			 requested;	/* client asked to upgrade */
	bool			 tls[2];	/* direction now carries TLS */
	bool			 upgraded_now;	/* event for the caller */
	bool			 refused_now;
	struct buf		 line[2];	/* partial line per direction */
	size_t			 seen[2];	/* plaintext bytes followed */
	char			 tag[32];	/* IMAP command tag */
	uint8_t			 step[2];	/* binary protocols: message
						 * number per direction */
	bool			 ok_status;	/* CONNECT: 200 seen */
	/* Why the upgrade was refused (static text naming the protocol
	 * and the side that refused), set with |refused_now|. */
	const char		*why;
	/* The client started TLS after the server's plaintext greeting
	 * (a banner on an implicit-TLS port) without asking to upgrade:
	 * event for the caller, who shows head[1] as the server's
	 * plaintext. The client's bytes are left to the record layer. */
	bool			 unasked_now;
	bool			 server_first;	/* detected from the server */
	uint32_t		 rdp_requested;	/* RDP_NEG_REQ protocols */
	/* The proxies: the port the client asked to reach through the
	 * tunnel (SOCKS request, CONNECT host:port); 0 unknown. */
	uint16_t		 dest_port;
	uint8_t			 head[2][LIMIT_PREVIEW_BYTES];
	uint8_t			 head_len[2];	/* first plaintext bytes */
};

void	starttls_init(struct starttls *st);
/* starttls_is_tls says whether |len| bytes that begin a direction are
 * TLS, or too short to tell but begin as a record or an SSLv2 hello
 * would: then they are no preamble, whichever side sends them. */
bool	starttls_is_tls(const uint8_t *p, size_t len);
void	starttls_cleanup(struct starttls *st);
/*
 * starttls_feed takes |len| stream bytes of direction |dir| (0 client to
 * server) and returns how many of them are plaintext preamble. The rest,
 * if any, is TLS for the record layer. When the stream is not a known
 * STARTTLS protocol it returns 0 and the state becomes STARTTLS_DONE.
 */
size_t	starttls_feed(struct starttls *st, int dir, const uint8_t *p,
	    size_t len);
/* starttls_upgrade_name says how protocol |proto| (one of the names this
 * file gives: "FTP", "POP3"...) asks for TLS: "AUTH TLS", "STLS"... */
const char *starttls_upgrade_name(const char *proto);

#endif
