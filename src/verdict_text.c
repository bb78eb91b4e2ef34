/* verdict_text.c - a verdict in words: summary sentence, evidence lines
 * and next step for each rule. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "starttls.h"
#include "timeline.h"
#include "tls_msg.h"
#include "tls_names.h"
#include "util.h"
#include "verdict_int.h"
#include "x509.h"

char *
vt_str(const char *fmt, ...)
{
	va_list ap;
	struct sb b;

	sb_init(&b);
	sb_grow(&b, 0);
	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.s;
}

void
vt_evidence(struct verdict *v, char *s)
{
	if (v->num_evidence < VERDICT_MAX_EVIDENCE)
		v->evidence[v->num_evidence++] = s;
	else
		free(s);
}

/* name_of copies a wire name into |out| as a C string; NUL bytes become
 * "\0" so that no byte is lost (renderers escape the rest). */
static const char *
name_of(char *out, size_t out_len, const struct tl_name *n)
{
	size_t i, o = 0;

	for (i = 0; i < n->len && o + 3 < out_len; i++) {
		if (n->b[i] == '\0') {
			out[o++] = '\\';
			out[o++] = '0';
		} else
			out[o++] = (char)n->b[i];
	}
	out[o] = '\0';
	return out;
}

static const char *
ver_name(uint16_t v, char *buf, size_t len)
{
	const char *n = tls_version_name(v);

	if (n != NULL)
		return n;
	snprintf(buf, len, "0x%04x", v);
	return buf;
}

static const char *
alert_name(const struct tl_event *e, char *buf, size_t len)
{
	const char *n;

	if (e->inferred || e->type != TL_EV_ALERT)	/* padded_alert */
		return "an encrypted alert";
	if (e->encrypted && !e->decrypted)
		return "an encrypted alert";
	n = tls_alert_name(e->alert_desc);
	if (n != NULL)
		return n;
	snprintf(buf, len, "alert %u", e->alert_desc);
	return buf;
}

static const char *
side(int dir)
{
	return dir == TL_C2S ? "client" : "server";
}

static void
endpoint(char *out, size_t len, const struct tl_conn *c, bool server)
{
	char ip[64];

	fmt_addr(ip, sizeof(ip), c->af, server ? c->server_ip : c->client_ip);
	if (c->af == 6)
		snprintf(out, len, "[%s]:%u", ip,
		    server ? c->server_port : c->client_port);
	else
		snprintf(out, len, "%s:%u", ip,
		    server ? c->server_port : c->client_port);
}

/* connect_arg: "host:port" for openssl s_client, with -servername. */
static void
s_client_cmd(char *out, size_t len, const struct tl_conn *c)
{
	char ep[80], sni[LIMIT_NAME_BYTES * 2 + 4];

	endpoint(ep, sizeof(ep), c, true);
	if (c->ch.has_sni)
		snprintf(out, len, "openssl s_client -connect %s -servername "
		    "%s -showcerts", ep, name_of(sni, sizeof(sni), &c->ch.sni));
	else
		snprintf(out, len, "openssl s_client -connect %s -showcerts",
		    ep);
}

/* unread_cert says, in words, why a certificate's names are not known. */
static const char *
unread_cert(const struct tl_chain *ch)
{
	if (ch->num == 0)
		return "(not visible: encrypted in TLS 1.3, a key log "
		    "(--keylog) shows it)";
	return "(a certificate that does not parse as X.509)";
}

static const char *
leaf_subject(const struct tl_chain *ch)
{
	if (ch->num > 0 && ch->certs[0] != NULL)
		return x509_cert_info(ch->certs[0])->subject;
	return unread_cert(ch);
}

static const char *
leaf_issuer(const struct tl_chain *ch)
{
	if (ch->num > 0 && ch->certs[0] != NULL)
		return x509_cert_info(ch->certs[0])->issuer;
	return unread_cert(ch);
}

/*
 * ev_line describes event |e| in one line for the evidence list, built
 * piece by piece rather than through vt_str: a report has several and
 * most connections have a report.
 */
static char *
ev_line(const struct vctx *x, const struct tl_event *e)
{
	char vb[16], ab[32], sni[LIMIT_NAME_BYTES * 2 + 4];
	const struct tl_conn *c = x->c;
	const char *cn;
	struct sb b;

	sb_init(&b);
	sb_puts(&b, "frame ");
	sb_u64(&b, e->frame);
	sb_puts(&b, ": ");
	if (e->type == TL_EV_ALERT) {
		sb_puts(&b, side(e->dir));
		sb_puts(&b, " sent ");
		sb_puts(&b, e->inferred ?
		    "a 19-byte encrypted record, the size of an alert" :
		    alert_name(e, ab, sizeof(ab)));
		if (e->alert_level == 2)
			sb_puts(&b, " (fatal)");
		if (e->decrypted)
			sb_puts(&b, " (decrypted)");
	} else if (e->type == TL_EV_HANDSHAKE &&
	    e->hs_type == TLS_HS_CLIENT_HELLO) {
		sb_puts(&b, "ClientHello offering up to ");
		sb_puts(&b, ver_name(e->version, vb, sizeof(vb)));
		if (c->ch.has_sni) {
			sb_puts(&b, " with SNI ");
			sb_puts(&b, name_of(sni, sizeof(sni), &c->ch.sni));
		} else
			sb_puts(&b, " without SNI");
		if (e->sslv2)
			sb_puts(&b, " (SSLv2-compatible)");
	} else if (e->type == TL_EV_HANDSHAKE &&
	    e->hs_type == TLS_HS_SERVER_HELLO && e->sslv2)
		sb_puts(&b, "ServerHello choosing SSL 2.0 (prohibited since "
		    "RFC 6176)");
	else if (e->type == TL_EV_HANDSHAKE &&
	    e->hs_type == TLS_HS_SERVER_HELLO) {
		cn = tls_cipher_name(e->cipher);
		sb_puts(&b, "ServerHello choosing ");
		sb_puts(&b, ver_name(e->version, vb, sizeof(vb)));
		sb_puts(&b, ", ");
		sb_puts(&b, cn != NULL ? cn : "an unknown cipher");
	} else if (e->type == TL_EV_HANDSHAKE &&
	    e->hs_type == TLS_HS_CERTIFICATE) {
		sb_puts(&b, side(e->dir));
		sb_puts(&b, " sent Certificate with ");
		sb_u64(&b, e->count);
		sb_puts(&b, " certificate(s)");
	} else {
		sb_puts(&b, side(e->dir));
		sb_puts(&b, e->type == TL_EV_RST || e->type == TL_EV_FIN ?
		    " sent " : " ");
		sb_puts(&b, tl_ev_name(e));
	}
	return b.s;
}

static void
add_ev(struct verdict *v, const struct vctx *x, const struct tl_event *e)
{
	if (e != NULL)
		vt_evidence(v, ev_line(x, e));
}

static void
add_findings(struct verdict *v, const struct tl_chain *ch,
    enum x509_severity min)
{
	size_t i;

	for (i = 0; i < ch->num_findings; i++)
		if (ch->findings[i].severity >= min)
			vt_evidence(v, vt_str("%s", ch->findings[i].text));
}

/* ca_list joins the acceptable CA names as "(A; B)". */
static char *
ca_list(const struct tl_conn *c)
{
	struct sb b;
	size_t i;
	char *s, idb[TL_ID_STRLEN];

	sb_init(&b);
	sb_puts(&b, "(");
	if (!tl_cr(c)->present) {
		/* TLS 1.3 without keys: the list is encrypted; another
		 * connection to the server may have shown it. */
		if (c->known_ca != NULL)
			sb_printf(&b, "%s, as it asked in #%s", c->known_ca,
			    tl_id_str(idb, c->known_ca_conn));
		else
			sb_puts(&b, "its list is encrypted in TLS 1.3");
		sb_puts(&b, ")");
		s = xstrdup(b.s);
		sb_cleanup(&b);
		return s;
	}
	for (i = 0; i < tl_cr(c)->num_ca; i++) {
		if (i > 0)
			sb_puts(&b, "; ");
		sb_puts(&b, tl_cr(c)->ca_text[i]);
	}
	if (tl_cr(c)->total_ca > tl_cr(c)->num_ca)
		sb_printf(&b, "; and %zu more", tl_cr(c)->total_ca - tl_cr(c)->num_ca);
	if (tl_cr(c)->num_ca == 0)
		sb_puts(&b, "any CA: the list was empty");
	sb_puts(&b, ")");
	s = xstrdup(b.s);
	sb_cleanup(&b);
	return s;
}

/* chain_errors: a certificate check found an error on either chain. */
static bool
chain_errors(const struct tl_conn *c)
{
	size_t i;

	for (i = 0; i < c->server_chain.num_findings; i++)
		if (c->server_chain.findings[i].severity >= X509_SEV_ERROR)
			return true;
	for (i = 0; i < c->client_chain.num_findings; i++)
		if (c->client_chain.findings[i].severity >= X509_SEV_ERROR)
			return true;
	return false;
}

/* ---- rules: explain ---- */

void
vt_ok(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char vb[16], sni[LIMIT_NAME_BYTES * 2 + 4];
	const char *cn = tls_cipher_name(c->sh.suite);
	struct sb b;
	size_t i;

	/* Most connections end here: the sentence is built piece by piece
	 * rather than through vt_str. */
	sb_init(&b);
	sb_puts(&b, c->sh.present ? ver_name(c->sh.version, vb, sizeof(vb)) :
	    "TLS");
	sb_puts(&b, " handshake completed");
	if (c->sh.resumed)
		sb_puts(&b, " (resumed session)");
	if (c->ch.has_sni) {
		sb_puts(&b, " for ");
		sb_puts(&b, name_of(sni, sizeof(sni), &c->ch.sni));
	}
	if (c->starttls)
		sb_puts(&b, c->starttls_proto != NULL &&
		    strcmp(c->starttls_proto, "OpenVPN") == 0 ? " inside "
		    "OpenVPN's control channel" : " after a STARTTLS upgrade");
	v->summary = b.s;
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	if (c->sh.present && cn != NULL) {
		sb_init(&b);
		sb_puts(&b, "cipher ");
		sb_puts(&b, cn);
		vt_evidence(v, b.s);
	}
	if (x->done_ev != NULL)
		add_ev(v, x, x->done_ev);
	if (x->late_alert != NULL)
		vt_evidence(v, vt_str("the session ended with %s, after the "
		    "handshake had completed (frame %llu)", x->late_alert->inferred ?
		    "an encrypted alert" : alert_name(x->late_alert, vb,
		    sizeof(vb)), (unsigned long long)x->late_alert->frame));
	v->next = xstrdup(chain_errors(c) ? "nothing failed here; the "
	    "certificate findings above are still worth fixing" :
	    "nothing to fix");
	if (c->sh.compression != 0 && v->num_secondary < VERDICT_MAX_SECONDARY)
		v->secondary[v->num_secondary++] = vt_str("the server chose "
		    "TLS compression (method %u): it leaks secrets (CRIME) and "
		    "RFC 7457 advises against it; disable it on the server",
		    c->sh.compression);
	if (x->quit != NULL && x->quit_late &&
	    v->num_secondary < VERDICT_MAX_SECONDARY)
		v->secondary[v->num_secondary++] = vt_str("the client closed "
		    "%.1f s after the handshake without sending any data: a "
		    "connection opened ahead of need and not used",
		    (double)(x->quit->ts_us - x->cfin_ev->ts_us) / 1e6);
	for (i = 0; i < c->server_chain.num_findings; i++)
		if (c->server_chain.findings[i].severity >= X509_SEV_WARNING &&
		    v->num_secondary < VERDICT_MAX_SECONDARY)
			v->secondary[v->num_secondary++] =
			    xstrdup(c->server_chain.findings[i].text);
	for (i = 0; i < c->client_chain.num_findings; i++)
		if (c->client_chain.findings[i].severity >= X509_SEV_WARNING &&
		    v->num_secondary < VERDICT_MAX_SECONDARY)
			v->secondary[v->num_secondary++] =
			    xstrdup(c->client_chain.findings[i].text);
}

void
vt_tcp_no_answer(const struct vctx *x, struct verdict *v)
{
	char ep[80];

	endpoint(ep, sizeof(ep), x->c, true);
	v->summary = vt_str("the server %s never answered the client's SYN "
	    "(sent %u time%s)", ep, x->c->syn_count,
	    x->c->syn_count == 1 ? "" : "s");
	add_ev(v, x, tl_find(x->c, TL_EV_SYN, -1, TL_C2S));
	v->next = vt_str("check routing and firewalls between client and %s "
	    "(a filter dropping SYNs looks like this), and that the host is "
	    "up", ep);
}

void
vt_tcp_refused(const struct vctx *x, struct verdict *v)
{
	char ep[80];

	endpoint(ep, sizeof(ep), x->c, true);
	v->summary = vt_str("connection refused: nothing accepts connections "
	    "on %s (the SYN was answered by a reset)", ep);
	add_ev(v, x, tl_find(x->c, TL_EV_SYN, -1, TL_C2S));
	add_ev(v, x, x->rst);
	v->next = vt_str("check that the service is running and listening on "
	    "%s (ss -ltnp on the server) and the client uses the right port",
	    ep);
}

/* preview writes wire bytes as text: printable ASCII as is, \r and \n
 * as such, every other byte (NUL included) as \xNN, so that a payload
 * starting with a NUL byte is not shown as empty. */
static void
preview(struct sb *b, const struct tl_conn *c, const struct tl_event *e)
{
	size_t i, len;
	const uint8_t *p = tl_event_raw(c, e, &len);

	sb_puts(b, "");
	for (i = 0; i < len; i++) {
		if (p[i] == '\r')
			sb_puts(b, "\\r");
		else if (p[i] == '\n')
			sb_puts(b, "\\n");
		else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' &&
		    p[i] != '"')
			sb_add(b, (const char *)&p[i], 1);
		else
			sb_printf(b, "\\x%02x", p[i]);
	}
}

/* plaintext_name guesses the plaintext protocol from its first bytes. */
static const char *
plaintext_name(const struct tl_conn *c, const struct tl_event *e)
{
	static const struct {
		const char	*prefix;
		const char	*name;
	} known[] = {
		{ "GET ", "HTTP" }, { "POST ", "HTTP" }, { "HEAD ", "HTTP" },
		{ "PUT ", "HTTP" }, { "OPTIONS ", "HTTP" },
		{ "CONNECT ", "HTTP" }, { "HTTP/", "HTTP" }, { "SSH-", "SSH" },
		{ "220", "a server banner (SMTP or FTP)" },
		{ "+OK", "POP3" }, { "* OK", "IMAP" }, { "EHLO", "SMTP" },
		{ "HELO", "SMTP" }, { "USER ", "FTP" },
	};
	size_t i, n, len = 0;
	const uint8_t *raw = e != NULL ? tl_event_raw(c, e, &len) : NULL;

	for (i = 0; raw != NULL && i < sizeof(known) / sizeof(known[0]); i++) {
		n = strlen(known[i].prefix);
		if (len >= n && memcmp(raw, known[i].prefix, n) == 0)
			return known[i].name;
	}
	return "a plaintext protocol";
}

void
vt_plaintext(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, -1);
	struct sb b;

	sb_init(&b);
	if (e != NULL)
		preview(&b, x->c, e);
	if (x->c->starttls && x->c->tunnel_port != 0)
		v->summary = vt_str("%s through the %s proxy to port %u: not "
		    "TLS, and nothing here expected TLS", plaintext_name(x->c,
		    e), x->c->starttls_proto, x->c->tunnel_port);
	else
		v->summary = vt_str("%s on port %u: not TLS, and nothing here "
		    "expected TLS", plaintext_name(x->c, e),
		    x->c->server_port);
	if (e != NULL)
		vt_evidence(v, vt_str("frame %llu: %s sent \"%s\"",
		    (unsigned long long)e->frame, side(e->dir), b.s));
	sb_cleanup(&b);
	v->next = xstrdup("nothing, if plaintext is meant here; if the "
	    "service should be encrypted, use its TLS port or STARTTLS");
}

void
vt_plain_proto(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	const char *up = starttls_upgrade_name(c->plain_proto);

	v->summary = vt_str("%s on port %u without %s: not TLS, and neither "
	    "side asked for it", c->plain_proto, c->server_port, up);
	vt_evidence(v, vt_str("%s in the clear: %llu bytes from the client, "
	    "%llu from the server", c->plain_proto,
	    (unsigned long long)c->bytes[TL_C2S],
	    (unsigned long long)c->bytes[TL_S2C]));
	v->next = vt_str("nothing, if plaintext is meant here; if the service "
	    "should be encrypted, have the client use %s (or the service's "
	    "TLS port)", up);
}

void
vt_ssh(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e;
	struct sb b;
	int d;

	v->summary = vt_str("SSH on port %u: not TLS, and neither side "
	    "expected TLS: both sent SSH identification strings (a "
	    "multiplexer such as sslh shares this TLS port between SSH and "
	    "TLS)", c->server_port);
	for (d = TL_C2S; d <= TL_S2C; d++) {
		if ((e = tl_find(c, TL_EV_NOT_TLS, -1, d)) == NULL)
			continue;
		sb_init(&b);
		preview(&b, c, e);
		vt_evidence(v, vt_str("frame %llu: %s sent \"%s\"",
		    (unsigned long long)e->frame, side(d), b.s));
		sb_cleanup(&b);
	}
	v->next = xstrdup("nothing, if SSH is meant here; TLS clients of this "
	    "port depend on the multiplexer telling the two apart");
}

void
vt_preamble_refused(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e = NULL;
	const char *proto = c->starttls_proto != NULL ? c->starttls_proto :
	    "";
	size_t i;
	struct sb b;

	for (i = 0; i < c->num_events && e == NULL; i++)
		if (c->events[i].type == TL_EV_STARTTLS &&
		    c->events[i].what == c->starttls_refused)
			e = &c->events[i];
	v->summary = vt_str("%s; no TLS followed", c->starttls_refused);
	if (e != NULL) {
		sb_init(&b);
		preview(&b, x->c, e);
		vt_evidence(v, vt_str("frame %llu: the %s refused in the %s "
		    "preamble, sending \"%s\"", (unsigned long long)e->frame,
		    side(e->dir), proto, b.s != NULL ? b.s : ""));
		sb_cleanup(&b);
	}
	add_ev(v, x, x->cclose);
	add_ev(v, x, x->sclose);
	if (strncmp(proto, "SOCKS", 5) == 0 ||
	    strcmp(proto, "HTTP CONNECT") == 0)
		v->next = xstrdup("the proxy's reply names the cause: check "
		    "its rules and the client's credentials, and that the "
		    "destination is reachable from the proxy and listening");
	else if (strcmp(proto, "RDP") == 0)
		v->next = xstrdup("compare the security layers the client "
		    "offers with those the server allows (TLS, CredSSP/NLA, "
		    "standard RDP security) and the server's certificate "
		    "setup");
	else if (strcmp(proto, "PostgreSQL") == 0)
		v->next = xstrdup("turn TLS on in the server (ssl = on, with a "
		    "certificate and key), or let the client connect without "
		    "TLS if plaintext is acceptable");
	else
		v->next = xstrdup("configure TLS on the server (a certificate "
		    "and key for the upgrade), or read the server's reply for "
		    "why it refused");
}

void
vt_banner_before_hello(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, TL_S2C);
	uint16_t port = x->c->server_port;
	struct sb b;

	sb_init(&b);
	preview(&b, x->c, e);
	if (vr_tls_port(port))
		v->summary = vt_str("the server spoke plaintext (%s) on port "
		    "%u, a TLS port, and the client's ClientHello found no TLS "
		    "server: it does not speak TLS on this port",
		    plaintext_name(x->c, e), port);
	else
		v->summary = vt_str("the server greeted in plaintext (%s) on "
		    "port %u and the client sent a ClientHello without asking "
		    "to upgrade: the server expects plaintext or STARTTLS here",
		    plaintext_name(x->c, e), port);
	vt_evidence(v, vt_str("frame %llu: server sent \"%s\" before any TLS",
	    (unsigned long long)e->frame, b.s != NULL ? b.s : ""));
	sb_cleanup(&b);
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sclose);
	v->next = xstrdup(vr_tls_port(port) ? "make the server speak TLS at "
	    "once on this port (implicit TLS, e.g. SMTPS wrapper mode on "
	    "465), or point the client at the port where it uses STARTTLS" :
	    "use STARTTLS on this port, or point the client at the server's "
	    "implicit-TLS port");
}

void
vt_sslv2_server(const struct vctx *x, struct verdict *v)
{
	v->summary = xstrdup("the server answered in SSL 2.0, which RFC 6176 "
	    "prohibits and no current client accepts; what follows is SSL "
	    "2.0 and is not read, so whether this client went on is not "
	    "known");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	v->next = xstrdup("enable TLS 1.2 or later on the server and disable "
	    "SSL 2.0");
}

void
vt_tunnel_opaque(const struct vctx *x, struct verdict *v)
{
	v->summary = xstrdup("an OpenVPN connection whose control channel is "
	    "encrypted (tls-crypt): the TLS handshake inside it cannot be "
	    "read from the wire");
	add_ev(v, x, tl_find(x->c, TL_EV_STARTTLS, -1, TL_C2S));
	v->next = xstrdup("read the OpenVPN logs of both ends (a failed "
	    "handshake shows as \"TLS Error: TLS handshake failed\"); "
	    "tlsdiag cannot remove tls-crypt");
}

void
vt_handshake_not_seen(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char idb[TL_ID_STRLEN];
	const char *what;

	if (c->appdata_records[0] + c->appdata_records[1] > 0 ||
	    tl_find(c, TL_EV_ENCRYPTED, -1, -1) != NULL ||
	    tl_find(c, TL_EV_ALERT, -1, -1) != NULL)
		what = "only encrypted records of a session already set up";
	else if (c->data[0] || c->data[1])
		what = "only bytes of a stream already under way";
	else if (c->rst[0] || c->rst[1] || c->fin[0] || c->fin[1])
		what = "only the end of the connection";
	else
		what = "only TCP segments without data";
	if (c->continues != 0) {
		v->summary = vt_str("this is the rest of connection #%s, "
		    "which was reported when it went idle: after %.1f s of "
		    "silence it shows %s", tl_id_str(idb, c->continues),
		    (double)(c->start_us - c->continues_idle_us) / 1e6, what);
		vt_evidence(v, vt_str("frame %llu: first packet after the "
		    "silence, without a SYN", (unsigned long long)
		    c->first_frame));
	} else {
		v->summary = vt_str("the capture holds no handshake for this "
		    "connection: it started after the handshake, and shows %s",
		    what);
		vt_evidence(v, vt_str("frame %llu: first packet seen, without "
		    "the SYN", (unsigned long long)c->first_frame));
	}
	vt_evidence(v, vt_str("%llu packets from the client side, %llu from "
	    "the server side", (unsigned long long)c->pkts[0],
	    (unsigned long long)c->pkts[1]));
	v->next = xstrdup(c->continues != 0 ? "see the connection it "
	    "continues for the handshake; raise --idle-timeout above the "
	    "silence to see it as one connection" : "start the capture "
	    "before the connection opens to see its handshake");
}

void
vt_client_side_only(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;

	if (tl_acked(c, TL_C2S) > 1)
		v->summary = vt_str("the capture holds only the client's side "
		    "of this connection: the server answered (the client "
		    "acknowledged %lu bytes of it) but none of its packets is "
		    "in the capture, so the handshake cannot be judged",
		    (unsigned long)tl_acked(c, TL_C2S));
	else
		v->summary = xstrdup("the capture holds only the client's "
		    "side of this connection, from the middle of it: whether "
		    "the server answered is not known, so the handshake "
		    "cannot be judged");
	add_ev(v, x, x->ch_ev);
	vt_evidence(v, vt_str("%llu packets from the client side, none from "
	    "the server side", (unsigned long long)c->pkts[TL_C2S]));
	v->next = xstrdup("capture where both directions pass: the server's "
	    "packets may take another path, or carry a VLAN or tunnel tag that "
	    "the capture filter skips");
}

/*
 * alert_shape: the server's answer |e| to a ClientHello has an alert
 * record's shape but a header that is not TLS: 7 bytes, a length of 2
 * and a known description (zeek's tls-1.2-protocol-error.pcap: 00 00 00
 * 00 02 00 28, a handshake_failure with its type, version and level
 * zeroed). Returns the description's name, or NULL.
 */
static const char *
alert_shape(const struct tl_conn *c, const struct tl_event *e)
{
	const uint8_t *p;
	size_t n;

	if (e == NULL || e->dir != TL_S2C || !c->tls[TL_C2S])
		return NULL;
	p = tl_event_raw(c, e, &n);
	if (n != 7 || p[3] != 0 || p[4] != 2 || p[5] > 2)
		return NULL;
	return tls_alert_name(p[6]);
}

void
vt_not_tls(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, -1);
	const char *shape = alert_shape(x->c, e);
	struct sb b;
	int d = e != NULL ? e->dir : TL_C2S;

	sb_init(&b);
	if (e != NULL)
		preview(&b, x->c, e);
	else
		sb_puts(&b, "");
	if (d == TL_C2S && x->c->tls[TL_S2C])
		v->summary = vt_str("the client did not speak TLS to a TLS "
		    "server");
	else if (d == TL_C2S)
		v->summary = vt_str("the client spoke something that is not "
		    "TLS");
	else if (shape != NULL)
		v->summary = vt_str("the client spoke TLS and the server "
		    "answered with 7 bytes that are no TLS record but have the "
		    "shape of an alert: %s, its record type, version and level "
		    "not set (a broken TLS stack or middlebox rejecting the "
		    "ClientHello)", shape);
	else if (x->c->tls[TL_C2S])
		v->summary = vt_str("the client spoke TLS but the server "
		    "answered in plaintext: it does not speak TLS on this port");
	else
		v->summary = vt_str("the server spoke something that is not "
		    "TLS");
	if (e != NULL)
		vt_evidence(v, vt_str("frame %llu: %s sent \"%s\"",
		    (unsigned long long)e->frame, side(d), b.s != NULL ?
		    b.s : ""));
	add_ev(v, x, x->ch_ev);
	sb_cleanup(&b);
	if (shape != NULL) {
		v->next = xstrdup("the server, or something in front of it, "
		    "refuses this ClientHello: compare the versions and cipher "
		    "suites the client offers with what the server accepts");
		return;
	}
	v->next = xstrdup(d == TL_C2S ? "use a TLS client (https://) for "
	    "this port, or the plaintext port for plaintext" :
	    "point the client at the server's TLS port, or use plaintext "
	    "(http://) here; for mail and databases check STARTTLS");
}

void
vt_version_mismatch(const struct vctx *x, struct verdict *v)
{
	const struct tl_client_hello *ch = &x->c->ch;
	char vb[16], lo[16], ab[32];
	uint16_t min = 0xffff;
	size_t i;

	for (i = 0; i < ch->versions.num; i++)
		if (!tls_is_grease(ch->versions.v[i]) &&
		    ch->versions.v[i] < min)
			min = ch->versions.v[i];
	if (ch->versions.num == 0)
		min = ch->max_version;
	v->summary = vt_str("no common TLS version: the client offered %s%s%s "
	    "and the %s refused with %s", min != ch->max_version ?
	    ver_name(min, lo, sizeof(lo)) : "only ",
	    min != ch->max_version ? " to " : "",
	    ver_name(ch->max_version, vb, sizeof(vb)), side(x->alert->dir),
	    alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->alert);
	v->next = vt_str("align the protocol versions: enable %s on the server "
	    "or a newer version on the client (test with openssl s_client "
	    "-tls1_2 / -tls1_3)", ver_name(ch->max_version, vb, sizeof(vb)));
}

void
vt_cipher_mismatch(const struct vctx *x, struct verdict *v)
{
	const struct tl_client_hello *ch = &x->c->ch;
	struct sb b;
	size_t i, n = 0;
	char ab[32];
	const char *cn;

	sb_init(&b);
	for (i = 0; i < ch->suites.num && n < 6; i++) {
		if (tls_is_grease(ch->suites.v[i]))
			continue;
		cn = tls_cipher_name(ch->suites.v[i]);
		if (n++ > 0)
			sb_puts(&b, ", ");
		if (cn != NULL)
			sb_puts(&b, cn);
		else
			sb_printf(&b, "0x%04x", ch->suites.v[i]);
	}
	if (ch->suites.total > n)
		sb_printf(&b, " and %zu more", ch->suites.total - n);
	v->summary = vt_str("no cipher suite (or group) in common: the server "
	    "refused the ClientHello with %s", alert_name(x->alert, ab,
	    sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	vt_evidence(v, vt_str("the client offered %s", b.s != NULL ? b.s :
	    "no suites"));
	add_ev(v, x, x->alert);
	sb_cleanup(&b);
	v->next = xstrdup("compare the server's cipher and group settings "
	    "with what the client offered (openssl ciphers -v on each side); "
	    "enable at least one common suite");
}

void
vt_sni_rejected(const struct vctx *x, struct verdict *v)
{
	char sni[LIMIT_NAME_BYTES * 2 + 4];

	v->summary = vt_str("the server does not serve the name %s the client "
	    "asked for (unrecognized_name)", x->c->ch.has_sni ?
	    name_of(sni, sizeof(sni), &x->c->ch.sni) : "(none)");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->alert);
	v->next = xstrdup("check the server's virtual host / SNI "
	    "configuration for this name, or the name the client uses");
}

void
vt_server_rejected_hello(const struct vctx *x, struct verdict *v)
{
	char ab[32];

	v->summary = vt_str("the server refused the ClientHello with %s",
	    alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->alert);
	v->next = xstrdup("read the server's log for this connection; compare "
	    "the client's offered versions, suites and extensions with the "
	    "server's configuration");
}

/* known_ca_evidence: TLS 1.3 without keys, the CA names this server asked
 * for in another connection (issue 16, the client side). */
static void
known_ca_evidence(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char idb[TL_ID_STRLEN];

	if (tl_cr(c)->present || c->known_ca == NULL)
		return;
	vt_evidence(v, vt_str("the CertificateRequest of this connection is "
	    "encrypted; in #%s (frame %llu) the same server accepted "
	    "client certificates issued by: %s", tl_id_str(idb,
	    c->known_ca_conn), (unsigned long long)c->known_ca_frame,
	    c->known_ca));
}

void
vt_client_cert_missing(const struct vctx *x, struct verdict *v)
{
	char *cas = ca_list(x->c);
	char ab[32];

	if (x->alert != NULL)
		v->summary = vt_str("the server requires a client certificate "
		    "and the client sent none; the server refused with %s",
		    alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vt_str("the server requires a client certificate "
		    "and the client sent none; the server closed the "
		    "connection");
	if (tl_cr(x->c)->present)
		vt_evidence(v, vt_str("frame %llu: server sent "
		    "CertificateRequest accepting %s", (unsigned long long)
		    tl_cr(x->c)->frame, cas));
	else if (x->cflight == CF_EMPTY && x->ccert_padded)
		vt_evidence(v, vt_str("the client's first encrypted record "
		    "after the server's flight is %zu bytes, too small for its "
		    "Finished or any certificate: an empty Certificate, padded "
		    "(Java pads its records), so the server asked for one "
		    "(inferred)", x->cflight_bytes));
	else if (x->cflight == CF_EMPTY)
		vt_evidence(v, vt_str("the client's encrypted flight is %zu "
		    "bytes: Finished plus an empty Certificate, so the server "
		    "asked for one (inferred)", x->cflight_bytes));
	known_ca_evidence(x, v);
	add_ev(v, x, x->ccert_ev);
	add_ev(v, x, x->alert != NULL ? x->alert : x->rst);
	v->next = vt_str("configure the client with a certificate and key "
	    "issued by a CA the server accepts %s (curl --cert/--key, "
	    "openssl s_client -cert/-key)", cas);
	free(cas);
}

void
vt_client_cert_untrusted(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	char *cas = ca_list(x->c);
	char ab[32];

	if (tl_cr(x->c)->present)
		v->summary = vt_str("the server rejected the client "
		    "certificate (%s): its issuer %s is not among the CAs "
		    "the server accepts %s", alert_name(x->alert, ab,
		    sizeof(ab)), leaf_issuer(cc), cas);
	else
		v->summary = vt_str("the server rejected the client "
		    "certificate (%s): it does not trust its issuer %s",
		    alert_name(x->alert, ab, sizeof(ab)), leaf_issuer(cc));
	add_ev(v, x, tl_find(x->c, TL_EV_HANDSHAKE,
	    TLS_HS_CERTIFICATE_REQUEST, TL_S2C));
	vt_evidence(v, vt_str("client certificate %s issued by %s",
	    leaf_subject(cc), leaf_issuer(cc)));
	add_findings(v, cc, X509_SEV_ERROR);
	add_ev(v, x, x->alert);
	v->next = vt_str("issue the client certificate from a CA the server "
	    "accepts %s, or add %s to the server's client CA file", cas,
	    leaf_issuer(cc));
	free(cas);
}

void
vt_client_cert_expired(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	const struct x509_finding *f = vf_finding(cc, X509F_EXPIRED);
	char ab[32];

	if (f == NULL)
		f = vf_finding(cc, X509F_NOT_YET_VALID);
	v->summary = vt_str("the server rejected the client certificate "
	    "(%s)%s%s",
	    alert_name(x->alert, ab, sizeof(ab)), f != NULL ? ": " : ": it is "
	    "outside its validity period", f != NULL ? f->text : "");
	vt_evidence(v, vt_str("client certificate %s", leaf_subject(cc)));
	add_ev(v, x, x->alert);
	v->next = xstrdup("renew the client certificate (and check the "
	    "clocks of both hosts)");
}

void
vt_client_cert_rejected(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	char ab[32];

	if (x->ccert_inferred)
		v->summary = vt_str("the server rejected the client's "
		    "certificate: it answered the client's %zu-byte "
		    "certificate flight with %s", x->cflight_bytes,
		    alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vt_str("the server rejected the client "
		    "certificate %s with %s", leaf_subject(cc),
		    alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ccert_ev);
	add_findings(v, cc, X509_SEV_WARNING);
	known_ca_evidence(x, v);
	add_ev(v, x, x->alert);
	v->next = xstrdup(x->ccert_inferred ? "the alert is encrypted: run "
	    "again with a key log (--keylog) to read it, and check the "
	    "server's log for the certificate it rejected" :
	    "check the server's log; common causes are a certificate without "
	    "the clientAuth extended key usage, a revoked certificate, or a "
	    "key that does not match");
}

void
vt_client_cert_reset(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = (x->rst != NULL &&
	    x->rst->dir == TL_S2C) ? x->rst : x->fin;

	v->summary = vt_str("the server %s the connection right after the "
	    "client's certificate, without an alert", close->type ==
	    TL_EV_RST ? "reset" : "closed");
	if (x->c->client_chain.num > 0)
		vt_evidence(v, vt_str("client certificate %s issued by %s",
		    leaf_subject(&x->c->client_chain),
		    leaf_issuer(&x->c->client_chain)));
	add_ev(v, x, x->ccert_ev);
	add_ev(v, x, close);
	add_findings(v, &x->c->client_chain, X509_SEV_WARNING);
	known_ca_evidence(x, v);
	v->next = xstrdup("the server (or a proxy in front of it) dropped the "
	    "client's credentials without saying why: read its log for this "
	    "connection, and compare the client certificate's issuer with "
	    "the server's client CA list");
}

/*
 * known_evidence says where the chain judged comes from when this
 * connection's own is encrypted (issue 16), and why it is taken to be the
 * one this connection received.
 */
static void
known_evidence(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char vb[16], why[160], idb[TL_ID_STRLEN];

	if (!x->sc_known)
		return;
	switch ((enum kb_reason)c->known.reason) {
	case KB_RECORD_LENGTH:
		(void)snprintf(why, sizeof(why), "this connection's encrypted "
		    "record in frame %llu is %u bytes, exactly what that chain "
		    "encodes to as a TLS 1.3 Certificate",
		    (unsigned long long)c->known.record_frame,
		    c->known.record_len);
		break;
	case KB_SAME_NAME:
		(void)snprintf(why, sizeof(why), "the server sent it, and "
		    "only it, to every client that asked for this name");
		break;
	case KB_ANY_NAME:
		(void)snprintf(why, sizeof(why), "the server sent it, and "
		    "only it, whatever name was asked (%zu names seen)",
		    c->known.names);
		break;
	case KB_NONE:
		why[0] = '\0';
		break;
	}
	vt_evidence(v, vt_str("%s; the chain judged here is the one "
	    "this server sent in #%s (%s%s, frame %llu): %s", c->sh.resumed ?
	    "this handshake resumed a session: no certificate was sent in it"
	    : "the certificates of this connection are encrypted (TLS 1.3, "
	    "no key)",
	    tl_id_str(idb, c->known.conn_id),
	    ver_name(c->known.version, vb, sizeof(vb)),
	    c->known.decrypted ? ", decrypted" : "",
	    (unsigned long long)c->known.frame, why));
}

static void
e_server_cert(const struct vctx *x, struct verdict *v, const char *what,
    enum x509_finding_code code)
{
	const struct tl_chain *sc = x->sc;
	const struct x509_finding *f = vf_finding(sc, code);
	char ab[32], cmd[LIMIT_NAME_BYTES * 2 + 128];

	if (x->sc_known && f != NULL && !vr_alert_known(x))
		v->summary = vt_str("the client rejected the server "
		    "certificate (its alert is encrypted), most likely "
		    "because %s", f->text);
	else if (x->alert->inferred || x->alert_padded)
		v->summary = vt_str("the client rejected the server's "
		    "certificate: it answered the server's encrypted flight "
		    "with an alert");
	else if (f != NULL)
		v->summary = vt_str("the client rejected the server "
		    "certificate (%s): %s", alert_name(x->alert, ab,
		    sizeof(ab)), f->text);
	else if (sc->num == 0 && x->c->sh.resumed)
		v->summary = vt_str("the client rejected the server "
		    "certificate of the session it resumed (a resumed "
		    "handshake sends none): %s (%s)", what,
		    alert_name(x->alert, ab, sizeof(ab)));
	else if (sc->num == 0)
		v->summary = vt_str("the client rejected the server "
		    "certificate (encrypted in TLS 1.3: a key log, --keylog, "
		    "shows it): %s (%s)", what, alert_name(x->alert, ab,
		    sizeof(ab)));
	else
		v->summary = vt_str("the client rejected the server "
		    "certificate %s: %s (%s)", leaf_subject(sc), what,
		    alert_name(x->alert, ab, sizeof(ab)));
	if (sc->num > 0)
		vt_evidence(v, vt_str("server certificate %s issued by %s",
		    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	add_findings(v, sc, X509_SEV_WARNING);
	add_ev(v, x, x->alert);
	s_client_cmd(cmd, sizeof(cmd), x->c);
	v->next = vt_str("run %s and check the chain the server sends, the "
	    "name and the dates against the client's CA store", cmd);
}

void
vt_server_cert_untrusted(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;

	const struct x509_finding *mi = vf_finding(sc,
	    X509F_MISSING_INTERMEDIATE);
	char ab[32];

	if (mi != NULL) {
		e_server_cert(x, v, "the chain is incomplete",
		    X509F_MISSING_INTERMEDIATE);
		free(v->summary);
		v->summary = vt_str("the client rejected the server "
		    "certificate (%s): it does not hold %s, the issuer of %s, "
		    "which the server did not send", vr_alert_known(x) ?
		    alert_name(x->alert, ab, sizeof(ab)) :
		    "its alert is encrypted", leaf_issuer(sc),
		    leaf_subject(sc));
		if (mi->severity < X509_SEV_WARNING)
			vt_evidence(v, xstrdup(mi->text));
		free(v->next);
		v->next = vt_str("if %s is an intermediate CA, configure the "
		    "server to send it after the leaf; if it is a root, add it "
		    "to the client's trust store (curl --cacert, openssl "
		    "s_client -CAfile)%s", leaf_issuer(sc),
		    mi->severity < X509_SEV_WARNING ? "; --ca-file with the "
		    "client's store checks the chain against it" : "");
		return;
	}
	if (vf_finding(sc, X509F_SELF_SIGNED_LEAF) != NULL)
		e_server_cert(x, v, "it is self-signed",
		    X509F_SELF_SIGNED_LEAF);
	else
		e_server_cert(x, v, "the client does not trust its CA",
		    X509F_UNTRUSTED);
	free(v->next);
	if (sc->num > 0)
		v->next = vt_str("add the root CA of %s to the client's trust "
		    "store (curl --cacert, openssl s_client -CAfile), or have "
		    "the server use a certificate from a CA the client trusts",
		    leaf_issuer(sc));
	else
		v->next = xstrdup("add the root CA of the server's chain to "
		    "the client's trust store (curl --cacert, openssl s_client "
		    "-CAfile), or have the server use a certificate from a CA "
		    "the client trusts; a key log (--keylog) shows the chain");
}

void
vt_server_cert_name_mismatch(const struct vctx *x, struct verdict *v)
{
	char sni[LIMIT_NAME_BYTES * 2 + 4];

	e_server_cert(x, v, "it does not cover the name asked for",
	    X509F_NAME_MISMATCH);
	free(v->next);
	v->next = vt_str("use the name the certificate covers, or issue the "
	    "server a certificate whose SAN includes %s", x->c->ch.has_sni ?
	    name_of(sni, sizeof(sni), &x->c->ch.sni) : "the name the client "
	    "uses");
}

void
vt_server_cert_expired(const struct vctx *x, struct verdict *v)
{
	e_server_cert(x, v, "it is outside its validity period",
	    X509F_EXPIRED);
	if (vf_finding(x->sc, X509F_EXPIRED) == NULL &&
	    vf_finding(x->sc, X509F_NOT_YET_VALID) != NULL) {
		free(v->summary);
		v->summary = vt_str("the client rejected the server "
		    "certificate: %s", vf_finding(x->sc,
		    X509F_NOT_YET_VALID)->text);
	}
	free(v->next);
	v->next = xstrdup("renew the server certificate (and check the "
	    "clocks of both hosts)");
}
void
vt_server_cert_trust_left(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;
	const struct cert_info *top = x509_cert_info(sc->certs[sc->num - 1]);
	const char *root = top->self_signed ? top->subject : top->issuer;
	char ab[32];

	v->summary = vt_str("the client rejected the server certificate (%s) "
	    "although every check tlsdiag can make passes (the chain is "
	    "complete and in order, valid at capture time, and covers the "
	    "name asked for): what is left is trust, so the client most "
	    "likely does not trust the root %s (or a policy of its own "
	    "rejects the chain)", alert_name(x->alert, ab, sizeof(ab)), root);
	vt_evidence(v, vt_str("server certificate %s issued by %s",
	    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	vt_evidence(v, vt_str("%u certificate(s) sent, each issued by the "
	    "next; the chain ends at %s", sc->num, root));
	add_ev(v, x, x->alert);
	v->next = vt_str("add %s to the client's trust store (or point the "
	    "client at the CA file that holds it); run tlsdiag with --ca-file "
	    "of that store to check the chain against it", root);
}

void
vt_server_cert_rejected(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;

	e_server_cert(x, v, "the client refused it", X509F_UNTRUSTED);
	if (sc->num > 0 && sc->store_checked &&
	    vf_finding(sc, X509F_UNTRUSTED) == NULL) {
		vt_evidence(v, xstrdup("the chain verifies against the CA "
		    "file given (--ca-file/--ca-path): if that is the client's "
		    "store, the client rejects the chain for a reason of its "
		    "own (a pinned key, revocation, a policy)"));
		free(v->next);
		v->next = xstrdup("read the client's error message: its "
		    "trust store accepts this chain, so look for pinning, "
		    "revocation checks or a policy in the client");
		return;
	}
	if (x->alert->inferred || x->alert_padded) {
		free(v->next);
		v->next = xstrdup("the alert and the certificates are "
		    "encrypted in TLS 1.3: run again with a key log (--keylog) "
		    "to see which, or test with openssl s_client -showcerts");
	}
}

void
vt_client_aborted(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = vr_client_close(x);
	/* Where the silence is claimed from, as the confidence has it. */
	uint64_t lost = vr_gap_after(x->c, TL_C2S, x->sh_ev);
	/* Asked for a certificate (in the clear, or decrypted): Chromium
	 * closes like this while it asks its user which one to send, then
	 * connects again. */
	char *cas = tl_cr(x->c)->present && lost == 0 ? ca_list(x->c) : NULL;

	if (cas != NULL)
		v->summary = vt_str("the client gave up when the server asked "
		    "for a client certificate from the CAs %s: it %s without "
		    "sending one or an error alert; a client with no "
		    "certificate from those CAs does this, and so does a "
		    "browser that stops to ask its user, then connects again",
		    cas, close->type == TL_EV_ALERT ? "closed with "
		    "close_notify" : close->type == TL_EV_RST ? "reset the "
		    "connection" : "closed");
	else if (close->type == TL_EV_ALERT)
		v->summary = vt_str("the client gave up after the server's "
		    "hello: it closed with close_notify, without an error "
		    "alert");
	else if (lost > 0)
		v->summary = vt_str("the client gave up after the server's "
		    "hello, with no alert in the capture (%llu bytes of the "
		    "client's are missing from it after the hello: one may be "
		    "among them)", (unsigned long long)lost);
	else
		v->summary = vt_str("the client gave up after the server's "
		    "hello without sending an alert");
	add_ev(v, x, x->sh_ev);
	if (x->sc->num > 0)
		vt_evidence(v, vt_str("server certificate %s issued by %s",
		    leaf_subject(x->sc),
		    leaf_issuer(x->sc)));
	/* A chain from another connection says where it comes from. */
	known_evidence(x, v);
	add_findings(v, x->sc, X509_SEV_WARNING);
	if (cas != NULL)
		vt_evidence(v, vt_str("frame %llu: server sent "
		    "CertificateRequest accepting %s", (unsigned long long)
		    tl_cr(x->c)->frame, cas));
	add_ev(v, x, close);
	if (cas != NULL)
		v->next = vt_str("check that the client has a certificate and "
		    "key issued by a CA the server accepts %s; a browser that "
		    "asked its user connects again with the answer: look for "
		    "its next connection", cas);
	else
		v->next = xstrdup("read the client's error (a certificate it "
		    "did not accept, a timeout, a pinned key): clients that "
		    "close without an alert keep the reason to themselves");
	free(cas);
}

void
vt_client_quit(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;
	const struct x509_finding *f = NULL;
	static const enum x509_finding_code order[] = {
		X509F_NAME_MISMATCH, X509F_EXPIRED, X509F_NOT_YET_VALID,
		X509F_UNTRUSTED, X509F_MISSING_INTERMEDIATE,
		X509F_SELF_SIGNED_LEAF, X509F_BAD_SIGNATURE,
		X509F_NO_SERVER_AUTH,
	};
	const struct tl_event *ref = x->done_ev != NULL &&
	    x->done_ev < x->quit ? x->done_ev : x->cfin_ev;
	double ms = (double)(x->quit->ts_us - ref->ts_us) / 1000.0;
	size_t i;

	char idb[TL_ID_STRLEN];

	for (i = 0; i < sizeof(order) / sizeof(order[0]) && f == NULL; i++)
		f = vf_finding(sc, order[i]);
	if (x->c->chain_used_by != 0)
		v->summary = vt_str("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data; not "
		    "over the certificate: the same client sent data over this "
		    "same chain in #%s (a spare connection closed unused, or a "
		    "probe)", ms, tl_id_str(idb, x->c->chain_used_by));
	else if (v->code != VC_CLOSED_AFTER_HANDSHAKE && f != NULL)
		v->summary = vt_str("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data, as a "
		    "client does that checks the certificate after the "
		    "handshake and rejects it: %s", ms, f->text);
	else if (f != NULL)
		v->summary = vt_str("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data: a "
		    "probe or health check, or a client that rejected the "
		    "server certificate after the handshake; a client that "
		    "does not trust it would: %s", ms, f->text);
	else
		v->summary = vt_str("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data: a "
		    "probe or health check, or a client that rejected the "
		    "server certificate after the handshake (curl checks the "
		    "name then)%s", ms, x->tls13 && sc->num == 0 ? "; the "
		    "certificate is encrypted in TLS 1.3" : "");
	add_ev(v, x, x->cfin_ev);
	if (x->done_ev != NULL && x->done_ev != x->cfin_ev &&
	    x->done_ev < x->quit)
		add_ev(v, x, x->done_ev);
	add_ev(v, x, x->quit);
	if (sc->num > 0)
		vt_evidence(v, vt_str("server certificate %s issued by %s",
		    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	add_findings(v, sc, X509_SEV_WARNING);
	if (x->c->chain_used_by != 0) {
		v->next = vt_str("nothing, if the client's other connections "
		    "to this server work (#%s did); else read its error message",
		    tl_id_str(idb, x->c->chain_used_by));
		return;
	}
	v->next = xstrdup(x->tls13 && sc->num == 0 ? "the certificates are "
	    "encrypted in TLS 1.3: run again with a key log (--keylog) to "
	    "see them, or read the client's error message; a probe or health "
	    "check needs nothing" : "read the client's error message; check "
	    "the name it connects to against the certificate SAN and its CA "
	    "store against the chain; a probe or health check needs "
	    "nothing");
}

void
vt_alert_other(const struct vctx *x, struct verdict *v)
{
	char ab[32];

	if (x->early_ccs != NULL && x->alert->dir == TL_S2C &&
	    x->alert > x->early_ccs) {
		v->summary = vt_str("the server refused the client's early "
		    "ChangeCipherSpec (sent before its key exchange: the CCS "
		    "injection probe, CVE-2014-0224) with %s",
		    alert_name(x->alert, ab, sizeof(ab)));
		add_ev(v, x, x->sh_ev);
		add_ev(v, x, x->alert);
		v->next = xstrdup("nothing to fix on the server: it refuses "
		    "the probe; the client is a scanner or a test of "
		    "CVE-2014-0224");
		return;
	}
	v->summary = vt_str("the %s ended the handshake with %s",
	    side(x->alert->dir), alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	add_ev(v, x, x->alert);
	v->next = vt_str("read the %s's log for this connection; the alert "
	    "names the cause", side(x->alert->dir));
}

void
vt_server_closed_after_hello(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = x->rst != NULL &&
	    x->rst->dir == TL_S2C ? x->rst : x->fin;

	v->summary = vt_str("the server %s the connection in answer to the "
	    "ClientHello, without an alert", close != NULL &&
	    close->type == TL_EV_RST ? "reset" : "closed");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, close);
	v->next = xstrdup("check that the server speaks TLS on this port and "
	    "accepts the offered versions and SNI; a middlebox or a server "
	    "that drops unknown names behaves like this");
}

void
vt_closed_before_tls(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = x->rst != NULL ? x->rst : x->fin;

	char ab[32];

	if (x->alert != NULL)
		/* m_closed_silent: the server's alert answers the close. */
		v->summary = vt_str("the client %s the TCP connection without "
		    "sending a byte; the server's %s answers that close, not "
		    "a ClientHello", x->cclose->type == TL_EV_RST ? "reset" :
		    "closed", alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vt_str("the TCP connection was %s by the %s "
		    "before any TLS byte was sent", close != NULL &&
		    close->type == TL_EV_RST ? "reset" : "closed", close != NULL ?
		    side(close->dir) : "peer");
	add_ev(v, x, tl_find(x->c, TL_EV_SYNACK, -1, TL_S2C));
	add_ev(v, x, x->alert != NULL ? x->cclose : close);
	add_ev(v, x, x->alert);
	v->next = xstrdup("a port probe or health check looks like this; if a "
	    "client was meant to connect, check it starts TLS (or STARTTLS)");
}

/* span_text writes |us| microseconds (a leap of the clock: more than a
 * day) in days, or in years past a thousand days. */
static const char *
span_text(char *buf, size_t n, int64_t us)
{
	double days = (double)us / (86400.0 * 1e6);

	if (days >= 1000)
		(void)snprintf(buf, n, "%.1f years", days / 365.25);
	else
		(void)snprintf(buf, n, "%.1f days", days);
	return buf;
}

void
vt_server_silent(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	/* Ended by the idle timeout: the silence lasted until then, not
	 * only until the connection's last packet. */
	bool idle = c->end == TL_END_IDLE && c->end_us > c->last_us;
	char span[48];

	if (idle && c->end_at_leap)
		/* The capture's clock leapt ahead (captures joined, a clock
		 * set): the time up to the leap is not time the client
		 * waited. */
		v->summary = vt_str("the server never answered the "
		    "ClientHello (%.1f s of silence, then the capture's clock "
		    "leapt %s ahead)", (double)(c->last_us -
		    x->ch_ev->ts_us) / 1e6, span_text(span, sizeof(span),
		    c->end_us - c->last_us));
	else if (x->cclose != NULL && x->cclose->ts_us >= x->ch_ev->ts_us)
		/* The client gave up: the silence it waited through. */
		v->summary = vt_str("the server never answered the "
		    "ClientHello (%.1f s of silence, then the client %s)",
		    (double)(x->cclose->ts_us - x->ch_ev->ts_us) / 1e6,
		    x->cclose->type == TL_EV_RST ? "reset the connection" :
		    "closed");
	else
		v->summary = vt_str("the server never answered the "
		    "ClientHello (%.1f s of silence%s)", (double)((idle ?
		    c->end_us : c->last_us) - x->ch_ev->ts_us) / 1e6, idle ?
		    ", until the idle timeout ended the connection" : "");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->rst != NULL ? x->rst : x->fin);
	if (c->pkts[TL_S2C] == 0 && c->ack_seen[TL_C2S])
		vt_evidence(v, xstrdup("no packet of the server's is in the "
		    "capture; the client's ACKs acknowledge nothing of it after "
		    "its SYN-ACK"));
	v->next = xstrdup("check that the port serves TLS (not a plaintext "
	    "protocol waiting for the client to speak first) and that nothing "
	    "in the path drops large packets (MTU)");
}

void
vt_incomplete(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char leap[96], span[48];
	const char *why = c->end == TL_END_EOF ? "the capture ends" :
	    c->end_at_leap ? leap :
	    c->end == TL_END_IDLE ? "the connection went idle" :
	    c->end == TL_END_EVICTED ? "tlsdiag evicted the connection "
	    "(memory or flow cap)" : "the connection closed";
	const struct tl_event *last = c->num_events > 0 ?
	    &c->events[c->num_events - 1] : NULL;

	if (c->end_at_leap)
		(void)snprintf(leap, sizeof(leap), "the capture's clock leapt "
		    "%s ahead", span_text(span, sizeof(span), c->end_us -
		    c->last_us));
	if (x->ch_ev == NULL && !x->any_tls)
		v->summary = vt_str("%s before the handshake started%s", why,
		    c->midstream ? " (capture started mid-connection)" : "");
	else
		v->summary = vt_str("%s in the middle of the handshake%s", why,
		    c->midstream ? " (capture started mid-connection)" : "");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	if (last != NULL && last != x->ch_ev && last != x->sh_ev)
		add_ev(v, x, last);
	if (c->gap_bytes[0] + c->gap_bytes[1] > 0)
		vt_evidence(v, vt_str("%llu bytes are missing from the capture",
		    (unsigned long long)(c->gap_bytes[0] + c->gap_bytes[1])));
	v->next = xstrdup(c->end_at_leap ? "the capture joins recordings "
	    "made at different times (or its clock was set meanwhile): "
	    "capture this connection again in one recording" : "capture "
	    "longer or with a larger snap length, and check the capture for "
	    "drops (tlsdiag reports pcap drops at the end)");
}
