/* verdict.c - rules from a connection's timeline to a cause, in words. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "timeline.h"
#include "tls_msg.h"
#include "tls_names.h"
#include "util.h"
#include "verdict.h"
#include "x509.h"

const struct verdict_code_info verdict_code_table[VC_COUNT] = {
	[VC_OK] = { "ok", VERDICT_OK,
	    "the handshake completed (resumed or full)" },
	[VC_TCP_NO_ANSWER] = { "tcp_no_answer", VERDICT_FAILED,
	    "the SYN was never answered" },
	[VC_TCP_REFUSED] = { "tcp_refused", VERDICT_FAILED,
	    "the SYN was answered by a RST" },
	[VC_CLOSED_BEFORE_TLS] = { "closed_before_tls", VERDICT_FAILED,
	    "TCP was established, then closed before any TLS byte" },
	[VC_NOT_TLS] = { "not_tls", VERDICT_FAILED,
	    "a side spoke something that is not TLS where TLS was expected" },
	[VC_VERSION_MISMATCH] = { "version_mismatch", VERDICT_FAILED,
	    "no common protocol version" },
	[VC_CIPHER_MISMATCH] = { "cipher_mismatch", VERDICT_FAILED,
	    "no common cipher suite, group or signature scheme" },
	[VC_SNI_REJECTED] = { "sni_rejected", VERDICT_FAILED,
	    "the server refused the requested name" },
	[VC_SERVER_REJECTED_HELLO] = { "server_rejected_hello",
	    VERDICT_FAILED,
	    "another fatal alert from the server answered the ClientHello" },
	[VC_SERVER_CLOSED_AFTER_HELLO] = { "server_closed_after_hello",
	    VERDICT_FAILED,
	    "the server closed after the ClientHello with no alert" },
	[VC_SERVER_SILENT] = { "server_silent", VERDICT_FAILED,
	    "no answer to the ClientHello" },
	[VC_SERVER_CERT_UNTRUSTED] = { "server_cert_untrusted",
	    VERDICT_FAILED,
	    "the client does not trust the server chain" },
	[VC_SERVER_CERT_NAME_MISMATCH] = { "server_cert_name_mismatch",
	    VERDICT_FAILED,
	    "the server certificate does not cover the name asked for" },
	[VC_SERVER_CERT_EXPIRED] = { "server_cert_expired", VERDICT_FAILED,
	    "the server certificate was expired or not yet valid" },
	[VC_SERVER_CERT_REJECTED] = { "server_cert_rejected", VERDICT_FAILED,
	    "the client rejected the server certificate for another reason" },
	[VC_CLIENT_ABORTED] = { "client_aborted", VERDICT_FAILED,
	    "the client closed after the server's flight with no alert" },
	[VC_CLIENT_CERT_MISSING] = { "client_cert_missing", VERDICT_FAILED,
	    "the server required a client certificate and got none" },
	[VC_CLIENT_CERT_UNTRUSTED] = { "client_cert_untrusted",
	    VERDICT_FAILED,
	    "the server rejected the client certificate's issuer" },
	[VC_CLIENT_CERT_EXPIRED] = { "client_cert_expired", VERDICT_FAILED,
	    "the client certificate was expired or not yet valid" },
	[VC_CLIENT_CERT_REJECTED] = { "client_cert_rejected", VERDICT_FAILED,
	    "the server rejected the client certificate for another reason" },
	[VC_CLIENT_CERT_RESET] = { "client_cert_reset", VERDICT_FAILED,
	    "the server closed right after the client certificate" },
	[VC_HANDSHAKE_INCOMPLETE] = { "handshake_incomplete",
	    VERDICT_INCOMPLETE,
	    "the capture or the connection ended mid-handshake" },
	[VC_ALERT_OTHER] = { "alert_other", VERDICT_FAILED,
	    "another fatal alert ended the handshake" },
	[VC_CLOSED_AFTER_HANDSHAKE] = { "closed_after_handshake",
	    VERDICT_SUSPECT,
	    "completed, then the client closed at once without data" },
	[VC_HANDSHAKE_NOT_SEEN] = { "handshake_not_seen", VERDICT_UNKNOWN,
	    "the capture holds no handshake for this connection" },
	[VC_PLAINTEXT] = { "plaintext", VERDICT_NOT_TLS,
	    "a plaintext protocol where nobody expected TLS" },
};

/* Alert descriptions, RFC 8446 6 and the IANA registry. */
#define AL_CLOSE_NOTIFY			0
#define AL_HANDSHAKE_FAILURE		40
#define AL_BAD_CERTIFICATE		42
#define AL_UNSUPPORTED_CERTIFICATE	43
#define AL_CERTIFICATE_REVOKED		44
#define AL_CERTIFICATE_EXPIRED		45
#define AL_CERTIFICATE_UNKNOWN		46
#define AL_UNKNOWN_CA			48
#define AL_ACCESS_DENIED		49
#define AL_DECRYPT_ERROR		51
#define AL_PROTOCOL_VERSION		70
#define AL_INSUFFICIENT_SECURITY	71
#define AL_UNRECOGNIZED_NAME		112
#define AL_CERTIFICATE_REQUIRED		116

/* What the client's encrypted TLS 1.3 flight carried, from its size. */
enum cflight {
	CF_UNKNOWN,
	CF_NONE,		/* Finished only: no certificate asked */
	CF_EMPTY,		/* an empty Certificate: asked, none sent */
	CF_CERT,		/* a certificate and CertificateVerify */
};

/* Facts the rules share, computed once from the timeline. */
struct vctx {
	const struct tl_conn	*c;
	const struct tl_event	*alert;		/* first fatal alert */
	const struct tl_event	*rst;		/* first RST */
	const struct tl_event	*fin;		/* first FIN */
	const struct tl_event	*cclose;	/* first FIN or RST by the client */
	const struct tl_event	*sclose;	/* first FIN or RST by the server */
	const struct tl_event	*ch_ev;
	const struct tl_event	*sh_ev;
	bool			 tls13;
	bool			 done;		/* handshake completed */
	bool			 any_tls;
	bool			 server_tls;	/* server sent any TLS */
	/* Client certificate: sent (certain or inferred), empty. */
	bool			 ccert_sent;
	bool			 ccert_empty;
	bool			 ccert_inferred;
	const struct tl_event	*ccert_ev;	/* the last event of it */
	enum cflight		 cflight;
	size_t			 cflight_bytes;
	bool			 server_flight;	/* server's hello flight seen */
	const struct tl_event	*server_flight_end;
	const struct tl_event	*cfin_ev;	/* the client's Finished */
	const struct tl_event	*quit;		/* how the client left after it */
	bool			 quit_late;	/* ... but not at once */
	/* The event that completed the handshake: the second Finished
	 * (TLS 1.2 and older), or the server's first record after the
	 * client's Finished (TLS 1.3). NULL when it did not complete. */
	const struct tl_event	*done_ev;
	const struct tl_event	*late_alert;	/* an alert after done_ev */
	bool			 handshake_seen; /* a hello in the capture */
	/* The server chain the rules judge: the one read from the wire
	 * (or decrypted), else the one another connection to the same
	 * server showed (sc_known: every cause from it is inferred). */
	const struct tl_chain	*sc;
	bool			 sc_known;
};

struct rule {
	enum verdict_code	 code;
	/* The handshake completed and the client left at once: the outcome
	 * is suspect, whatever the code's class. */
	bool			 after_handshake;
	/* match returns true if the rule applies; it may set |*inferred|. */
	bool	(*match)(const struct vctx *, bool *inferred);
	/* explain fills the summary, evidence and next step. */
	void	(*explain)(const struct vctx *, struct verdict *);
};

/* ---- text helpers ---- */

static char *
vstr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
vstr(const char *fmt, ...)
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

static void
add_evidence(struct verdict *v, char *s)
{
	if (v->num_evidence < VERDICT_MAX_EVIDENCE)
		v->evidence[v->num_evidence++] = s;
	else
		free(s);
}

/* name_of copies a wire name into |out| as a C string; NUL bytes become
 * "\0" so that no byte is lost (renderers escape the rest). */
static const char *
name_of(char *out, size_t out_len, const struct tls_name *n)
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

	if (e->inferred)
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

static const struct x509_finding *
finding(const struct tl_chain *ch, enum x509_finding_code code)
{
	size_t i;

	for (i = 0; i < ch->num_findings; i++)
		if (ch->findings[i].code == code)
			return &ch->findings[i];
	return NULL;
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

/* ev_line describes event |e| in one line for the evidence list. */
static char *
ev_line(const struct vctx *x, const struct tl_event *e)
{
	char vb[16], ab[32], sni[LIMIT_NAME_BYTES * 2 + 4];
	const struct tl_conn *c = x->c;

	if (e->type == TL_EV_ALERT)
		return vstr("frame %llu: %s sent %s%s%s", (unsigned long long)
		    e->frame, side(e->dir), e->inferred ?
		    "a 19-byte encrypted record, the size of an alert" :
		    alert_name(e, ab, sizeof(ab)),
		    e->alert_level == 2 ? " (fatal)" : "",
		    e->decrypted ? " (decrypted)" : "");
	if (e->type == TL_EV_HANDSHAKE && e->hs_type == TLS_HS_CLIENT_HELLO)
		return vstr("frame %llu: ClientHello offering up to %s%s%s%s",
		    (unsigned long long)e->frame,
		    ver_name(e->version, vb, sizeof(vb)),
		    c->ch.has_sni ? " with SNI " : " without SNI",
		    c->ch.has_sni ? name_of(sni, sizeof(sni), &c->ch.sni) : "",
		    e->sslv2 ? " (SSLv2-compatible)" : "");
	if (e->type == TL_EV_HANDSHAKE && e->hs_type == TLS_HS_SERVER_HELLO) {
		const char *cn = tls_cipher_name(e->cipher);

		if (e->sslv2)
			return vstr("frame %llu: ServerHello choosing SSL 2.0 "
			    "(prohibited since RFC 6176)",
			    (unsigned long long)e->frame);
		return vstr("frame %llu: ServerHello choosing %s, %s",
		    (unsigned long long)e->frame,
		    ver_name(e->version, vb, sizeof(vb)),
		    cn != NULL ? cn : "an unknown cipher");
	}
	if (e->type == TL_EV_RST || e->type == TL_EV_FIN)
		return vstr("frame %llu: %s sent %s", (unsigned long long)
		    e->frame, side(e->dir), tl_ev_name(e));
	if (e->type == TL_EV_HANDSHAKE && e->hs_type == TLS_HS_CERTIFICATE)
		return vstr("frame %llu: %s sent Certificate with %u "
		    "certificate(s)", (unsigned long long)e->frame,
		    side(e->dir), e->count);
	return vstr("frame %llu: %s %s", (unsigned long long)e->frame,
	    side(e->dir), tl_ev_name(e));
}

static void
add_ev(struct verdict *v, const struct vctx *x, const struct tl_event *e)
{
	if (e != NULL)
		add_evidence(v, ev_line(x, e));
}

static void
add_findings(struct verdict *v, const struct tl_chain *ch,
    enum x509_severity min)
{
	size_t i;

	for (i = 0; i < ch->num_findings; i++)
		if (ch->findings[i].severity >= min)
			add_evidence(v, vstr("%s", ch->findings[i].text));
}

/* ca_list joins the acceptable CA names as "(A; B)". */
static char *
ca_list(const struct tl_conn *c)
{
	struct sb b;
	size_t i;
	char *s;

	sb_init(&b);
	sb_puts(&b, "(");
	if (!c->cr.present) {
		/* TLS 1.3 without keys: the list is encrypted; another
		 * connection to the server may have shown it. */
		if (c->known_ca != NULL)
			sb_printf(&b, "%s, as it asked in #%llu", c->known_ca,
			    (unsigned long long)c->known_ca_conn);
		else
			sb_puts(&b, "its list is encrypted in TLS 1.3");
		sb_puts(&b, ")");
		s = xstrdup(b.s);
		sb_cleanup(&b);
		return s;
	}
	for (i = 0; i < c->cr.num_ca; i++) {
		if (i > 0)
			sb_puts(&b, "; ");
		sb_puts(&b, c->cr.ca_text[i]);
	}
	if (c->cr.total_ca > c->cr.num_ca)
		sb_printf(&b, "; and %zu more", c->cr.total_ca - c->cr.num_ca);
	if (c->cr.num_ca == 0)
		sb_puts(&b, "any CA: the list was empty");
	sb_puts(&b, ")");
	s = xstrdup(b.s);
	sb_cleanup(&b);
	return s;
}

/* ---- facts ---- */

static size_t
finished_len(uint16_t suite)
{
	/* RFC 8446 B.4: the SHA-384 suite has a 48-byte Finished. */
	return suite == 0x1302 ? 48 : 32;
}

/*
 * done_facts finds the event that completed the handshake (x->done_ev)
 * and sets aside an alert that came after it: a fatal alert once the
 * handshake is over (after application data, say) is how the session
 * ended, not why the handshake failed.
 */
static void
done_facts(struct vctx *x)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e, *fin[2] = { NULL, NULL }, *app[2] = {
	    NULL, NULL };
	size_t i;

	x->handshake_seen = x->ch_ev != NULL || x->sh_ev != NULL;
	/*
	 * TLS 1.3 without keys, no certificate asked of the client: its
	 * second flight is a Finished alone, which it sends only when it
	 * accepted the server's flight, and the server has nothing left to
	 * judge. The handshake completed even when the server never speaks
	 * again (the client closed at once).
	 */
	if (x->tls13 && !x->done && x->cflight == CF_NONE &&
	    x->cfin_ev != NULL && !(x->alert != NULL &&
	    x->alert->dir == TL_S2C && x->alert < x->cfin_ev))
		x->done = true;
	if (!x->done)
		return;
	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		if (e->type == TL_EV_HANDSHAKE && e->hs_type ==
		    TLS_HS_FINISHED && fin[e->dir] == NULL)
			fin[e->dir] = e;
		if (e->type == TL_EV_APPDATA && app[e->dir] == NULL)
			app[e->dir] = e;
		/* TLS 1.3: the server's first record after the client's
		 * Finished that is not an alert or a close. */
		if (x->tls13 && x->done_ev == NULL && x->cfin_ev != NULL &&
		    e > x->cfin_ev && e->dir == TL_S2C &&
		    (e->type == TL_EV_HANDSHAKE || e->type == TL_EV_APPDATA ||
		    e->type == TL_EV_ENCRYPTED))
			x->done_ev = e;
	}
	/* TLS 1.2 and older: the second Finished. Not in TLS 1.3, where the
	 * server judges the client's flight after both. */
	if (!x->tls13 && x->done_ev == NULL && fin[0] != NULL &&
	    fin[1] != NULL)
		x->done_ev = fin[0] > fin[1] ? fin[0] : fin[1];
	if (x->tls13 && x->done_ev == NULL && x->cflight == CF_NONE)
		x->done_ev = x->cfin_ev;
	if (x->done_ev == NULL && app[0] != NULL && app[1] != NULL)
		x->done_ev = app[0] > app[1] ? app[0] : app[1];
	if (x->alert != NULL && x->done_ev != NULL && x->alert > x->done_ev) {
		x->late_alert = x->alert;
		x->alert = NULL;
	}
}

/*
 * scan_events walks the timeline once: the first alert, resets and FINs,
 * the hellos, the flights and the client's certificate; for TLS 1.3 without
 * keys, the lengths of the client's second flight's records go to |rec|
 * (at most 8), their count is returned.
 */
static size_t
scan_events(struct vctx *x, size_t rec[8])
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e;
	size_t i, nrec = 0;
	int phase = 0;		/* 0 before SH, 1 server flight, 2 client,
				 * 3 the server's answer */

	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		switch ((enum tl_ev_type)e->type) {
		case TL_EV_RST:
		case TL_EV_FIN:
			if (e->type == TL_EV_RST && x->rst == NULL)
				x->rst = e;
			if (e->type == TL_EV_FIN && x->fin == NULL)
				x->fin = e;
			if (e->dir == TL_C2S && x->cclose == NULL)
				x->cclose = e;
			if (e->dir == TL_S2C && x->sclose == NULL)
				x->sclose = e;
			break;
		case TL_EV_ALERT:
			if (x->alert != NULL)
				break;
			/* An encrypted alert the client sends after its
			 * own Finished is how it left (close_notify, or a
			 * rejection after the handshake), not a handshake
			 * alert: the quit rules read it. */
			if (e->dir == TL_C2S && x->cfin_ev != NULL &&
			    e > x->cfin_ev && (e->inferred ||
			    (e->encrypted && !e->decrypted)))
				break;
			if (e->alert_level == 2 || e->inferred ||
			    (e->encrypted && !e->decrypted &&
			    !(c->finished[0] && c->finished[1])))
				x->alert = e;
			else if (e->encrypted && !e->decrypted &&
			    !x->done && !c->finished[e->dir])
				x->alert = e;
			break;
		case TL_EV_HANDSHAKE:
			if (e->hs_type == TLS_HS_CLIENT_HELLO && x->ch_ev == NULL)
				x->ch_ev = e;
			if (e->hs_type == TLS_HS_SERVER_HELLO && x->sh_ev == NULL) {
				x->sh_ev = e;
				phase = 1;
			}
			if (e->dir == TL_S2C && (e->hs_type ==
			    TLS_HS_SERVER_HELLO_DONE || e->hs_type ==
			    TLS_HS_FINISHED || e->hs_type ==
			    TLS_HS_CERTIFICATE || e->hs_type ==
			    TLS_HS_SERVER_HELLO)) {
				x->server_flight = true;
				if (x->ccert_ev == NULL)
					x->server_flight_end = e;
			}
			if (e->dir == TL_C2S && e->hs_type ==
			    TLS_HS_CERTIFICATE) {
				x->ccert_ev = e;
				x->ccert_sent = e->count > 0;
				x->ccert_empty = e->count == 0;
			}
			if (e->dir == TL_C2S && e->hs_type == TLS_HS_FINISHED &&
			    x->cfin_ev == NULL)
				x->cfin_ev = e;
			if (e->dir == TL_C2S && x->ccert_ev != NULL &&
			    (e->hs_type == TLS_HS_CLIENT_KEY_EXCHANGE ||
			    e->hs_type == TLS_HS_CERTIFICATE_VERIFY ||
			    e->hs_type == TLS_HS_FINISHED))
				x->ccert_ev = e;
			break;
		default:
			break;
		}
		/* TLS 1.3 flights: encrypted records and undecrypted alerts
		 * change the phase by who sends them. */
		if (!x->tls13 || !(e->type == TL_EV_ENCRYPTED ||
		    (e->type == TL_EV_ALERT && e->encrypted && !e->decrypted)))
			continue;
		if (e->dir == TL_S2C && phase == 1) {
			x->server_flight = true;
			x->server_flight_end = e;
		} else if (e->dir == TL_C2S && (phase == 1 || phase == 2)) {
			phase = 2;
			if (e->type == TL_EV_ENCRYPTED && x->cfin_ev == NULL &&
			    e->len == 17 + 4 + finished_len(c->sh.suite))
				x->cfin_ev = e;
			if (e->type == TL_EV_ENCRYPTED && nrec < 8)
				rec[nrec++] = e->len > 17 ? e->len - 17 : 0;
			if (e->type == TL_EV_ENCRYPTED)
				x->ccert_ev = e;
		} else if (e->dir == TL_S2C && phase == 2)
			phase = 3;
	}
	return nrec;
}

static void
size_client_flight(struct vctx *x, const size_t rec[8], size_t nrec)
{
	const struct tl_conn *c = x->c;
	size_t j, sum, fin;

	/*
	 * TLS 1.3 without keys: size the client's second flight. Finished is
	 * 4 + hash bytes, an empty Certificate 8; each record adds 17 (type
	 * byte and tag). A running sum that lands exactly on Finished (or
	 * Finished plus an empty Certificate) at a record boundary says what
	 * the flight held, even when application data follows it.
	 */
	if (x->tls13 && nrec > 0 && !c->client_chain.present) {
		fin = 4 + finished_len(c->sh.suite);
		x->ccert_inferred = true;
		x->cflight = CF_UNKNOWN;
		for (j = 0, sum = 0; j < nrec; j++) {
			sum += rec[j];
			if (sum == fin) {
				x->cflight = CF_NONE;
				break;
			}
			if (sum == fin + 8) {
				x->cflight = CF_EMPTY;
				break;
			}
			if (sum > fin + 8)
				break;
		}
		x->cflight_bytes = sum;
		if (x->cflight == CF_UNKNOWN && rec[0] == 8)
			x->cflight = CF_EMPTY;
		else if (x->cflight == CF_UNKNOWN && sum > fin + 8)
			x->cflight = CF_CERT;
		if (x->cflight == CF_EMPTY)
			x->ccert_empty = true;
		if (x->cflight == CF_CERT)
			x->ccert_sent = true;
	}
}

/* ccert_facts: the client's certificate as read, and whether the server
 * answered it (TLS 1.3). */
static void
ccert_facts(struct vctx *x)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e;
	size_t i;

	if (c->client_chain.present) {
		x->ccert_sent = c->client_chain.total > 0;
		x->ccert_empty = c->client_chain.total == 0;
		x->ccert_inferred = false;
	}
	/*
	 * TLS 1.3 with a client certificate: both Finished messages do not
	 * make the handshake done; the server accepts the client's flight
	 * only by answering it (ticket, data). A server that closes first
	 * has not.
	 */
	if (x->tls13 && x->ccert_sent && x->ccert_ev != NULL && x->done) {
		bool answered = false;

		for (i = 0; i < c->num_events && !answered; i++) {
			e = &c->events[i];
			answered = e > x->ccert_ev && e->dir == TL_S2C &&
			    e->type != TL_EV_RST && e->type != TL_EV_FIN &&
			    e->type != TL_EV_GAP;
		}
		if (!answered && (x->sclose != NULL || x->rst != NULL))
			x->done = false;
	}
}

/* quit_facts: how the client left after its Finished, and how soon. */
static void
quit_facts(struct vctx *x)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e;
	size_t i;

	for (i = 0; x->cfin_ev != NULL && i < c->num_events; i++) {
		e = &c->events[i];
		if (e <= x->cfin_ev)
			continue;
		if (e->dir == TL_S2C && e->type == TL_EV_ALERT)
			break;
		if (e->dir != TL_C2S)
			continue;
		if (e->type == TL_EV_APPDATA || e->type == TL_EV_ENCRYPTED)
			break;
		if (e->type == TL_EV_ALERT || e->type == TL_EV_FIN ||
		    e->type == TL_EV_RST) {
			x->quit = e;
			break;
		}
	}
	if (x->quit != NULL) {
		const struct tl_event *ref = x->done_ev != NULL &&
		    x->done_ev < x->quit ? x->done_ev : x->cfin_ev;

		x->quit_late = x->quit->ts_us - ref->ts_us > LIMIT_QUIT_AFTER_US;
	}
}

static void
facts(struct vctx *x, const struct tl_conn *c)
{
	size_t rec[8], nrec;

	memset(x, 0, sizeof(*x));
	x->c = c;
	x->sc = &c->server_chain;
	if (c->server_chain.num == 0 && c->known_chain.num > 0) {
		x->sc = &c->known_chain;
		x->sc_known = true;
	}
	x->tls13 = c->sh.present && c->sh.tls13;
	x->any_tls = c->tls[0] || c->tls[1];
	x->server_tls = c->tls[1];
	/* Completed: both Finished read or inferred (for TLS 1.3 without
	 * keys the analyzer infers them from the server answering the
	 * client's flight), or application data both ways after a
	 * ServerHello. Never from |settled|, which only stops buffering. */
	x->done = (c->finished[0] && c->finished[1]) ||
	    (c->appdata_records[0] > 0 && c->appdata_records[1] > 0 &&
	    c->sh.present && c->sh.version != TLS_V_SSL2);
	nrec = scan_events(x, rec);
	size_client_flight(x, rec, nrec);
	ccert_facts(x);
	done_facts(x);
	quit_facts(x);
}

/* server_alert: the first fatal alert came from the server. */
static bool
alert_from(const struct vctx *x, int dir)
{
	return x->alert != NULL && x->alert->dir == dir;
}

static bool
alert_is(const struct vctx *x, int dir, int desc)
{
	return alert_from(x, dir) && !x->alert->inferred &&
	    (!x->alert->encrypted || x->alert->decrypted) &&
	    x->alert->alert_desc == desc;
}

static bool
alert_known(const struct vctx *x)
{
	return x->alert != NULL && !x->alert->inferred &&
	    (!x->alert->encrypted || x->alert->decrypted);
}

static bool
alert_is_cert_problem(int desc)
{
	return desc == AL_BAD_CERTIFICATE || desc ==
	    AL_UNSUPPORTED_CERTIFICATE || desc == AL_CERTIFICATE_REVOKED ||
	    desc == AL_CERTIFICATE_EXPIRED || desc == AL_CERTIFICATE_UNKNOWN ||
	    desc == AL_UNKNOWN_CA || desc == AL_ACCESS_DENIED ||
	    desc == AL_DECRYPT_ERROR || desc == AL_HANDSHAKE_FAILURE;
}

/* The server's alert answers the client's certificate flight. */
static bool
server_alert_after_ccert(const struct vctx *x)
{
	return alert_from(x, TL_S2C) && x->ccert_ev != NULL &&
	    x->alert->frame >= x->ccert_ev->frame && x->ccert_sent;
}

static void	known_evidence(const struct vctx *, struct verdict *);

/* ---- rules: match ---- */

static bool
m_tcp_no_answer(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return c->syn && !c->synack && !c->rst[TL_S2C] && !c->data[0] &&
	    !c->data[1] && c->pkts[TL_S2C] == 0;
}

static bool
m_tcp_refused(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return c->syn && !c->synack && c->rst[TL_S2C] && !c->data[1];
}

static bool
m_not_tls(const struct vctx *x, bool *inf)
{
	(void)inf;
	return x->c->not_tls[0] || x->c->not_tls[1];
}

static bool
m_version_mismatch(const struct vctx *x, bool *inf)
{
	(void)inf;
	return (alert_is(x, TL_S2C, AL_PROTOCOL_VERSION) ||
	    alert_is(x, TL_C2S, AL_PROTOCOL_VERSION)) && !x->done;
}

static bool
m_sni_rejected(const struct vctx *x, bool *inf)
{
	(void)inf;
	return alert_is(x, TL_S2C, AL_UNRECOGNIZED_NAME) && !x->done;
}

static bool
m_cipher_mismatch(const struct vctx *x, bool *inf)
{
	(void)inf;
	return !x->c->sh.present && !x->done &&
	    (alert_is(x, TL_S2C, AL_HANDSHAKE_FAILURE) ||
	    alert_is(x, TL_S2C, AL_INSUFFICIENT_SECURITY));
}

/* in: server bytes lost before its alert (a gap: a short snapshot
 * length, a lost segment). The server may have answered the hello: its
 * alert is not known to refuse it. */
static bool
server_gap_before_alert(const struct vctx *x)
{
	const struct tl_event *g;

	g = tl_find(x->c, TL_EV_GAP, -1, TL_S2C);
	return g != NULL && x->alert != NULL && g < x->alert;
}

static bool
m_server_rejected_hello(const struct vctx *x, bool *inf)
{
	(void)inf;
	return !x->c->sh.present && alert_from(x, TL_S2C) && !x->done &&
	    !server_gap_before_alert(x);
}

static bool
m_client_cert_missing(const struct vctx *x, bool *inf)
{
	if (x->done && !alert_from(x, TL_S2C))
		return false;
	if (alert_is(x, TL_S2C, AL_CERTIFICATE_REQUIRED))
		return true;
	if (!alert_from(x, TL_S2C) && !(x->rst != NULL &&
	    x->rst->dir == TL_S2C) && !(x->fin != NULL &&
	    x->fin->dir == TL_S2C))
		return false;
	if (x->ccert_empty && (x->c->cr.present || x->cflight == CF_EMPTY)) {
		*inf = x->ccert_inferred;
		return true;
	}
	/* TLS 1.2: a CertificateRequest and no client Certificate at all
	 * (SSL 3.0 style "no_certificate") before the server's refusal. */
	if (!x->tls13 && x->c->cr.present && !x->c->client_chain.present &&
	    alert_from(x, TL_S2C) && alert_known(x) &&
	    tl_find(x->c, TL_EV_HANDSHAKE, TLS_HS_CLIENT_KEY_EXCHANGE,
	    TL_C2S) != NULL)
		return true;
	return false;
}

static bool
m_client_cert_untrusted(const struct vctx *x, bool *inf)
{
	const struct tl_chain *cc = &x->c->client_chain;

	(void)inf;
	if (!server_alert_after_ccert(x) || !alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_UNKNOWN_CA)
		return true;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    (finding(cc, X509F_ISSUER_NOT_ACCEPTED) != NULL ||
	    finding(cc, X509F_UNTRUSTED) != NULL);
}

static bool
m_client_cert_expired(const struct vctx *x, bool *inf)
{
	const struct tl_chain *cc = &x->c->client_chain;

	(void)inf;
	if (!server_alert_after_ccert(x) || !alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_CERTIFICATE_EXPIRED)
		return true;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    (finding(cc, X509F_EXPIRED) != NULL ||
	    finding(cc, X509F_NOT_YET_VALID) != NULL);
}

static bool
m_client_cert_rejected(const struct vctx *x, bool *inf)
{
	if (!server_alert_after_ccert(x))
		return false;
	*inf = !alert_known(x) || x->ccert_inferred;
	return true;
}

static bool
m_client_cert_reset(const struct vctx *x, bool *inf)
{
	const struct tl_event *close = x->rst;

	if (x->done || x->alert != NULL || !x->ccert_sent ||
	    x->ccert_ev == NULL)
		return false;
	if (close == NULL || close->dir != TL_S2C)
		close = (x->fin != NULL && x->fin->dir == TL_S2C) ? x->fin :
		    NULL;
	if (close == NULL || close->frame < x->ccert_ev->frame)
		return false;
	*inf = x->ccert_inferred;
	return true;
}

static bool
client_alert_on_server_cert(const struct vctx *x)
{
	return alert_from(x, TL_C2S) && x->server_flight &&
	    (x->ccert_ev == NULL || x->alert->frame <= x->ccert_ev->frame);
}

/*
 * The client answered the server's flight with an alert tlsdiag cannot
 * read (TLS 1.3 without keys), and the chain it judged is known from
 * another connection to the same server: a finding on that chain that
 * every verifying client rejects is the likely cause (inferred).
 */
static bool
hidden_on_known(const struct vctx *x)
{
	return x->sc_known && client_alert_on_server_cert(x) &&
	    !alert_known(x);
}

static bool
m_server_cert_untrusted(const struct vctx *x, bool *inf)
{
	const struct tl_chain *sc = x->sc;

	if (hidden_on_known(x)) {
		*inf = true;
		return finding(sc, X509F_UNTRUSTED) != NULL ||
		    finding(sc, X509F_MISSING_INTERMEDIATE) != NULL ||
		    finding(sc, X509F_SELF_SIGNED_LEAF) != NULL;
	}
	if (!client_alert_on_server_cert(x) || !alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_UNKNOWN_CA)
		return true;	/* the alert names the cause */
	*inf = x->sc_known;	/* the chain's findings name it */
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    finding(sc, X509F_NAME_MISMATCH) == NULL &&
	    (finding(sc, X509F_MISSING_INTERMEDIATE) != NULL ||
	    finding(sc, X509F_SELF_SIGNED_LEAF) != NULL ||
	    finding(sc, X509F_UNTRUSTED) != NULL);
}

static bool
m_server_cert_name_mismatch(const struct vctx *x, bool *inf)
{
	*inf = x->sc_known;
	if (hidden_on_known(x))
		return finding(x->sc, X509F_NAME_MISMATCH) != NULL;
	if (!client_alert_on_server_cert(x) || !alert_known(x))
		return false;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    x->alert->alert_desc != AL_UNKNOWN_CA &&
	    finding(x->sc, X509F_NAME_MISMATCH) != NULL;
}

static bool
m_server_cert_expired(const struct vctx *x, bool *inf)
{
	const struct tl_chain *sc = x->sc;

	if (hidden_on_known(x)) {
		*inf = true;
		return finding(sc, X509F_EXPIRED) != NULL ||
		    finding(sc, X509F_NOT_YET_VALID) != NULL;
	}
	if (!client_alert_on_server_cert(x) || !alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_CERTIFICATE_EXPIRED)
		return true;	/* the alert names the cause */
	*inf = x->sc_known;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_UNKNOWN_CA &&
	    (finding(sc, X509F_EXPIRED) != NULL ||
	    finding(sc, X509F_NOT_YET_VALID) != NULL);
}

/*
 * Elimination (issue: explain what TLS 1.3 hides): the client answered the
 * server's chain with bad_certificate or certificate_unknown, and every
 * check tlsdiag can make passes: every certificate parsed, no error and no
 * chain warning (missing intermediate, self-signed leaf, order), valid at
 * capture time, the name covered. What is left is trust: the client does
 * not trust the chain's root, or a policy of its own rejects it. Inferred;
 * a CA file given (--ca-file) turns it into a finding either way.
 */
static bool
m_server_cert_trust_left(const struct vctx *x, bool *inf)
{
	const struct tl_chain *sc = x->sc;
	size_t i;

	/* The alert read (bad_certificate, certificate_unknown), or hidden
	 * in TLS 1.3 with the chain known from another connection. */
	if (!hidden_on_known(x) && (!client_alert_on_server_cert(x) ||
	    !alert_known(x) || (x->alert->alert_desc != AL_BAD_CERTIFICATE &&
	    x->alert->alert_desc != AL_CERTIFICATE_UNKNOWN)))
		return false;
	/* With a CA file given the chain was checked against it: a chain
	 * that verifies leaves no guess (server_cert_rejected says so). */
	if (sc->num == 0 || sc->num < sc->total || !x->c->ch.has_sni ||
	    sc->store_checked)
		return false;
	for (i = 0; i < sc->num; i++)
		if (sc->certs[i] == NULL)
			return false;
	for (i = 0; i < sc->num_findings; i++)
		if (sc->findings[i].severity >= X509_SEV_ERROR ||
		    sc->findings[i].code == X509F_MISSING_INTERMEDIATE ||
		    sc->findings[i].code == X509F_SELF_SIGNED_LEAF ||
		    sc->findings[i].code == X509F_WRONG_ORDER ||
		    sc->findings[i].code == X509F_UNRELATED ||
		    sc->findings[i].code == X509F_NO_SERVER_AUTH)
			return false;
	*inf = true;
	return true;
}

static void
e_server_cert_trust_left(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;
	const struct cert_info *top = x509_cert_info(sc->certs[sc->num - 1]);
	const char *root = top->self_signed ? top->subject : top->issuer;
	char ab[32];

	v->summary = vstr("the client rejected the server certificate (%s) "
	    "although every check tlsdiag can make passes (the chain is "
	    "complete and in order, valid at capture time, and covers the "
	    "name asked for): what is left is trust, so the client most "
	    "likely does not trust the root %s (or a policy of its own "
	    "rejects the chain)", alert_name(x->alert, ab, sizeof(ab)), root);
	add_evidence(v, vstr("server certificate %s issued by %s",
	    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	add_evidence(v, vstr("%zu certificate(s) sent, each issued by the "
	    "next; the chain ends at %s", sc->num, root));
	add_ev(v, x, x->alert);
	v->next = vstr("add %s to the client's trust store (or point the "
	    "client at the CA file that holds it); run tlsdiag with --ca-file "
	    "of that store to check the chain against it", root);
}

static bool
m_server_cert_rejected(const struct vctx *x, bool *inf)
{
	if (!client_alert_on_server_cert(x))
		return false;
	if (!alert_known(x)) {
		*inf = true;
		return true;
	}
	return alert_is_cert_problem(x->alert->alert_desc);
}

/*
 * The handshake completed but the client left at once, before sending
 * any data. Clients that check the name or the chain after the handshake
 * (curl with OpenSSL) close like this when they reject the certificate;
 * so do health checks and probes. Only a finding on the server chain
 * makes it a certificate verdict (inferred); otherwise it is ok, with a
 * note.
 */
static bool
m_client_quit(const struct vctx *x, bool *inf)
{
	if (!x->done || x->quit == NULL || x->quit_late ||
	    (x->alert != NULL && x->alert->dir == TL_S2C &&
	    x->alert->frame < x->quit->frame))
		return false;
	if (x->quit->type == TL_EV_ALERT && !x->quit->inferred &&
	    (!x->quit->encrypted || x->quit->decrypted) &&
	    x->quit->alert_level == 2)
		return false;	/* a readable fatal alert: the alert rules */
	*inf = true;
	return true;
}

/*
 * Only a finding that every verifying client rejects turns the close into
 * a certificate cause: the name asked for not covered, a certificate out
 * of its validity period, or a chain the CA file given does not verify.
 * A self-signed leaf or a missing intermediate is trusted by some clients
 * (a private CA, a cached intermediate): closed_after_handshake names it.
 */
static bool
m_client_quit_name(const struct vctx *x, bool *inf)
{
	return m_client_quit(x, inf) && x->c->ch.has_sni &&
	    finding(x->sc, X509F_NAME_MISMATCH) != NULL;
}

static bool
m_client_quit_expired(const struct vctx *x, bool *inf)
{
	return m_client_quit(x, inf) &&
	    (finding(x->sc, X509F_EXPIRED) != NULL ||
	    finding(x->sc, X509F_NOT_YET_VALID) != NULL);
}

static bool
m_client_quit_untrusted(const struct vctx *x, bool *inf)
{
	return m_client_quit(x, inf) &&
	    finding(x->sc, X509F_UNTRUSTED) != NULL;
}

static bool
m_alert_other(const struct vctx *x, bool *inf)
{
	*inf = x->alert != NULL && !alert_known(x);
	return x->alert != NULL && !x->done;
}

static bool
m_ok(const struct vctx *x, bool *inf)
{
	(void)inf;
	return x->done;
}

static bool
m_server_closed_after_hello(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	/* The server closed first: a FIN answering the client's, after
	 * the client gave up waiting, is silence (m_server_silent). */
	return x->ch_ev != NULL && !x->server_tls && !c->data[TL_S2C] &&
	    (c->rst[TL_S2C] || c->fin[TL_S2C]) && (x->cclose == NULL ||
	    (x->sclose != NULL && x->sclose->frame <= x->cclose->frame));
}

/* The client closed after the server's flight, before any alert: an
 * alert the server sends after that is its reaction, not the cause. */
static bool
m_client_aborted(const struct vctx *x, bool *inf)
{
	(void)inf;
	if (!x->server_flight || x->done || x->cclose == NULL)
		return false;
	/* An alert from the client itself came before its close in the
	 * stream, even when captured after it: nothing is sent after a
	 * RST or FIN. */
	if (x->alert != NULL && (x->alert->frame <= x->cclose->frame ||
	    x->alert->dir == x->cclose->dir))
		return false;
	if (x->sclose != NULL && x->sclose->frame < x->cclose->frame)
		return false;
	return x->sh_ev != NULL && x->cclose->frame > x->sh_ev->frame;
}

static bool
m_closed_before_tls(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return !x->any_tls && !c->not_tls[0] && !c->not_tls[1] &&
	    (c->synack || c->midstream) &&
	    (c->rst[0] || c->rst[1] || c->fin[0] || c->fin[1]);
}

static bool
m_server_silent(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	if (x->ch_ev == NULL || c->data[TL_S2C] || x->server_tls)
		return false;
	/* Silence counts when the client gave up or a second went by. */
	return c->rst[TL_C2S] || c->fin[TL_C2S] || c->end == TL_END_IDLE ||
	    c->last_us - x->ch_ev->ts_us >= 1000000;
}

static bool
m_incomplete(const struct vctx *x, bool *inf)
{
	(void)x;
	(void)inf;
	return true;
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

static void
e_ok(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	char vb[16], sni[LIMIT_NAME_BYTES * 2 + 4];
	const char *cn = tls_cipher_name(c->sh.suite);
	size_t i;

	v->summary = vstr("%s handshake completed%s%s%s%s", c->sh.present ?
	    ver_name(c->sh.version, vb, sizeof(vb)) : "TLS",
	    c->sh.resumed ? " (resumed session)" : "",
	    c->ch.has_sni ? " for " : "",
	    c->ch.has_sni ? name_of(sni, sizeof(sni), &c->ch.sni) : "",
	    c->starttls ? " after a STARTTLS upgrade" : "");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	if (c->sh.present && cn != NULL)
		add_evidence(v, vstr("cipher %s", cn));
	if (x->done_ev != NULL)
		add_ev(v, x, x->done_ev);
	if (x->late_alert != NULL)
		add_evidence(v, vstr("the session ended with %s, after the "
		    "handshake had completed (frame %llu)", x->late_alert->inferred ?
		    "an encrypted alert" : alert_name(x->late_alert, vb,
		    sizeof(vb)), (unsigned long long)x->late_alert->frame));
	v->next = xstrdup(chain_errors(c) ? "nothing failed here; the "
	    "certificate findings above are still worth fixing" :
	    "nothing to fix");
	if (c->sh.compression != 0 && v->num_secondary < VERDICT_MAX_SECONDARY)
		v->secondary[v->num_secondary++] = vstr("the server chose TLS "
		    "compression (method %u): it leaks secrets (CRIME) and "
		    "RFC 7457 advises against it; disable it on the server",
		    c->sh.compression);
	if (x->quit != NULL && x->quit_late &&
	    v->num_secondary < VERDICT_MAX_SECONDARY)
		v->secondary[v->num_secondary++] = vstr("the client closed "
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

static void
e_tcp_no_answer(const struct vctx *x, struct verdict *v)
{
	char ep[80];

	endpoint(ep, sizeof(ep), x->c, true);
	v->summary = vstr("the server %s never answered the client's SYN "
	    "(sent %u time%s)", ep, x->c->syn_count,
	    x->c->syn_count == 1 ? "" : "s");
	add_ev(v, x, tl_find(x->c, TL_EV_SYN, -1, TL_C2S));
	v->next = vstr("check routing and firewalls between client and %s "
	    "(a filter dropping SYNs looks like this), and that the host is "
	    "up", ep);
}

static void
e_tcp_refused(const struct vctx *x, struct verdict *v)
{
	char ep[80];

	endpoint(ep, sizeof(ep), x->c, true);
	v->summary = vstr("connection refused: nothing accepts connections "
	    "on %s (the SYN was answered by a reset)", ep);
	add_ev(v, x, tl_find(x->c, TL_EV_SYN, -1, TL_C2S));
	add_ev(v, x, x->rst);
	v->next = vstr("check that the service is running and listening on "
	    "%s (ss -ltnp on the server) and the client uses the right port",
	    ep);
}

/* preview writes wire bytes as text: printable ASCII as is, \r and \n
 * as such, every other byte (NUL included) as \xNN, so that a payload
 * starting with a NUL byte is not shown as empty. */
static void
preview(struct sb *b, const uint8_t *p, size_t len)
{
	size_t i;

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
plaintext_name(const struct tl_event *e)
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
	size_t i, n;

	for (i = 0; e != NULL && i < sizeof(known) / sizeof(known[0]); i++) {
		n = strlen(known[i].prefix);
		if (e->raw_len >= n && memcmp(e->raw, known[i].prefix, n) == 0)
			return known[i].name;
	}
	return "a plaintext protocol";
}

/*
 * Ports where a client expects TLS from the first byte (IANA and common
 * use): HTTPS, SMTPS/submissions, LDAPS, DNS over TLS, FTPS, IMAPS,
 * POP3S, SIP-TLS, and the usual alternative HTTPS ports.
 */
static bool
tls_port(uint16_t port)
{
	static const uint16_t ports[] = {
		443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061,
		5986, 6697, 8443, 9443,
	};
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* Plaintext where nobody expected TLS: neither side sent a TLS record,
 * no STARTTLS upgrade was asked for, the port is not a TLS port, and the
 * server spoke plaintext too (one that closes without a word at a
 * plaintext request is what a TLS server does: not_tls). */
static bool
m_plaintext(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return (c->not_tls[0] || c->not_tls[1]) && !c->tls[0] && !c->tls[1] &&
	    !c->starttls && !tls_port(c->server_port) && c->data[TL_S2C];
}

static void
e_plaintext(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, -1);
	struct sb b;

	sb_init(&b);
	if (e != NULL)
		preview(&b, e->raw, e->raw_len);
	v->summary = vstr("%s on port %u: not TLS, and nothing here expected "
	    "TLS", plaintext_name(e), x->c->server_port);
	if (e != NULL)
		add_evidence(v, vstr("frame %llu: %s sent \"%s\"",
		    (unsigned long long)e->frame, side(e->dir), b.s));
	sb_cleanup(&b);
	v->next = xstrdup("nothing, if plaintext is meant here; if the "
	    "service should be encrypted, use its TLS port or STARTTLS");
}

/* ---- plaintext preambles (starttls.c): a refusal, and a banner where
 * the client expected TLS ---- */

/* The server or proxy refused the upgrade or the tunnel in the plaintext
 * preamble, and no TLS followed: the wire says who and why. */
static bool
m_preamble_refused(const struct vctx *x, bool *inf)
{
	(void)inf;
	return x->c->starttls_refused != NULL && !x->any_tls;
}

static void
e_preamble_refused(const struct vctx *x, struct verdict *v)
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
	v->summary = vstr("%s; no TLS followed", c->starttls_refused);
	if (e != NULL) {
		sb_init(&b);
		preview(&b, e->raw, e->raw_len);
		add_evidence(v, vstr("frame %llu: the %s refused in the %s "
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

/* The server greeted in plaintext and the client answered with a
 * ClientHello, without asking to upgrade (a banner on port 465). */
static bool
m_banner_before_hello(const struct vctx *x, bool *inf)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, TL_S2C);

	(void)inf;
	return e != NULL && x->ch_ev != NULL && e < x->ch_ev &&
	    x->c->tls[TL_C2S] && !x->c->starttls;
}

static void
e_banner_before_hello(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, TL_S2C);
	uint16_t port = x->c->server_port;
	struct sb b;

	sb_init(&b);
	preview(&b, e->raw, e->raw_len);
	if (tls_port(port))
		v->summary = vstr("the server spoke plaintext (%s) on port %u, "
		    "a TLS port, and the client's ClientHello found no TLS "
		    "server: it does not speak TLS on this port",
		    plaintext_name(e), port);
	else
		v->summary = vstr("the server greeted in plaintext (%s) on port "
		    "%u and the client sent a ClientHello without asking to "
		    "upgrade: the server expects plaintext or STARTTLS here",
		    plaintext_name(e), port);
	add_evidence(v, vstr("frame %llu: server sent \"%s\" before any TLS",
	    (unsigned long long)e->frame, b.s != NULL ? b.s : ""));
	sb_cleanup(&b);
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sclose);
	v->next = xstrdup(tls_port(port) ? "make the server speak TLS at once "
	    "on this port (implicit TLS, e.g. SMTPS wrapper mode on 465), or "
	    "point the client at the port where it uses STARTTLS" :
	    "use STARTTLS on this port, or point the client at the server's "
	    "implicit-TLS port");
}

/* The server answered an SSLv2-compatible hello in SSL 2.0. */
static bool
m_sslv2_server(const struct vctx *x, bool *inf)
{
	if (x->sh_ev == NULL || !x->sh_ev->sslv2)
		return false;
	*inf = true;	/* what follows is SSL 2.0, not read */
	return true;
}

static void
e_sslv2_server(const struct vctx *x, struct verdict *v)
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

/* The capture started after the handshake: nothing to judge. */
static bool
m_handshake_not_seen(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	if (!c->midstream || x->handshake_seen || c->not_tls[0] ||
	    c->not_tls[1])
		return false;
	*inf = true;	/* never certain: nothing was seen to be sure of */
	return true;
}

static void
e_handshake_not_seen(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
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
	v->summary = vstr("the capture holds no handshake for this "
	    "connection: it started after the handshake, and shows %s", what);
	add_evidence(v, vstr("frame %llu: first packet seen, without the "
	    "SYN", (unsigned long long)c->first_frame));
	add_evidence(v, vstr("%llu packets from the client side, %llu from "
	    "the server side", (unsigned long long)c->pkts[0],
	    (unsigned long long)c->pkts[1]));
	v->next = xstrdup("start the capture before the connection opens to "
	    "see its handshake");
}

static void
e_not_tls(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *e = tl_find(x->c, TL_EV_NOT_TLS, -1, -1);
	struct sb b;
	int d = e != NULL ? e->dir : TL_C2S;

	sb_init(&b);
	if (e != NULL)
		preview(&b, e->raw, e->raw_len);
	else
		sb_puts(&b, "");
	if (d == TL_C2S && x->c->tls[TL_S2C])
		v->summary = vstr("the client did not speak TLS to a TLS "
		    "server");
	else if (d == TL_C2S)
		v->summary = vstr("the client spoke something that is not "
		    "TLS");
	else if (x->c->tls[TL_C2S])
		v->summary = vstr("the client spoke TLS but the server "
		    "answered in plaintext: it does not speak TLS on this port");
	else
		v->summary = vstr("the server spoke something that is not TLS");
	if (e != NULL)
		add_evidence(v, vstr("frame %llu: %s sent \"%s\"",
		    (unsigned long long)e->frame, side(d), b.s != NULL ?
		    b.s : ""));
	add_ev(v, x, x->ch_ev);
	sb_cleanup(&b);
	v->next = xstrdup(d == TL_C2S ? "use a TLS client (https://) for "
	    "this port, or the plaintext port for plaintext" :
	    "point the client at the server's TLS port, or use plaintext "
	    "(http://) here; for mail and databases check STARTTLS");
}

static void
e_version_mismatch(const struct vctx *x, struct verdict *v)
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
	v->summary = vstr("no common TLS version: the client offered %s%s%s "
	    "and the %s refused with %s", min != ch->max_version ?
	    ver_name(min, lo, sizeof(lo)) : "only ",
	    min != ch->max_version ? " to " : "",
	    ver_name(ch->max_version, vb, sizeof(vb)), side(x->alert->dir),
	    alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->alert);
	v->next = vstr("align the protocol versions: enable %s on the server "
	    "or a newer version on the client (test with openssl s_client "
	    "-tls1_2 / -tls1_3)", ver_name(ch->max_version, vb, sizeof(vb)));
}

static void
e_cipher_mismatch(const struct vctx *x, struct verdict *v)
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
	v->summary = vstr("no cipher suite (or group) in common: the server "
	    "refused the ClientHello with %s", alert_name(x->alert, ab,
	    sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_evidence(v, vstr("the client offered %s", b.s != NULL ? b.s :
	    "no suites"));
	add_ev(v, x, x->alert);
	sb_cleanup(&b);
	v->next = xstrdup("compare the server's cipher and group settings "
	    "with what the client offered (openssl ciphers -v on each side); "
	    "enable at least one common suite");
}

static void
e_sni_rejected(const struct vctx *x, struct verdict *v)
{
	char sni[LIMIT_NAME_BYTES * 2 + 4];

	v->summary = vstr("the server does not serve the name %s the client "
	    "asked for (unrecognized_name)", x->c->ch.has_sni ?
	    name_of(sni, sizeof(sni), &x->c->ch.sni) : "(none)");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->alert);
	v->next = xstrdup("check the server's virtual host / SNI "
	    "configuration for this name, or the name the client uses");
}

static void
e_server_rejected_hello(const struct vctx *x, struct verdict *v)
{
	char ab[32];

	v->summary = vstr("the server refused the ClientHello with %s",
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

	if (c->cr.present || c->known_ca == NULL)
		return;
	add_evidence(v, vstr("the CertificateRequest of this connection is "
	    "encrypted; in #%llu (frame %llu) the same server accepted "
	    "client certificates issued by: %s", (unsigned long long)
	    c->known_ca_conn, (unsigned long long)c->known_ca_frame,
	    c->known_ca));
}

static void
e_client_cert_missing(const struct vctx *x, struct verdict *v)
{
	char *cas = ca_list(x->c);
	char ab[32];

	if (x->alert != NULL)
		v->summary = vstr("the server requires a client certificate "
		    "and the client sent none; the server refused with %s",
		    alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vstr("the server requires a client certificate "
		    "and the client sent none; the server closed the "
		    "connection");
	if (x->c->cr.present)
		add_evidence(v, vstr("frame %llu: server sent "
		    "CertificateRequest accepting %s", (unsigned long long)
		    x->c->cr.frame, cas));
	else if (x->cflight == CF_EMPTY)
		add_evidence(v, vstr("the client's encrypted flight is %zu "
		    "bytes: Finished plus an empty Certificate, so the server "
		    "asked for one (inferred)", x->cflight_bytes));
	known_ca_evidence(x, v);
	add_ev(v, x, x->ccert_ev);
	add_ev(v, x, x->alert != NULL ? x->alert : x->rst);
	v->next = vstr("configure the client with a certificate and key "
	    "issued by a CA the server accepts %s (curl --cert/--key, "
	    "openssl s_client -cert/-key)", cas);
	free(cas);
}

static void
e_client_cert_untrusted(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	char *cas = ca_list(x->c);
	char ab[32];

	if (x->c->cr.present)
		v->summary = vstr("the server rejected the client certificate "
		    "(%s): its issuer %s is not among the CAs the server "
		    "accepts %s", alert_name(x->alert, ab, sizeof(ab)),
		    leaf_issuer(cc), cas);
	else
		v->summary = vstr("the server rejected the client certificate "
		    "(%s): it does not trust its issuer %s",
		    alert_name(x->alert, ab, sizeof(ab)), leaf_issuer(cc));
	add_ev(v, x, tl_find(x->c, TL_EV_HANDSHAKE,
	    TLS_HS_CERTIFICATE_REQUEST, TL_S2C));
	add_evidence(v, vstr("client certificate %s issued by %s",
	    leaf_subject(cc), leaf_issuer(cc)));
	add_findings(v, cc, X509_SEV_ERROR);
	add_ev(v, x, x->alert);
	v->next = vstr("issue the client certificate from a CA the server "
	    "accepts %s, or add %s to the server's client CA file", cas,
	    leaf_issuer(cc));
	free(cas);
}

static void
e_client_cert_expired(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	const struct x509_finding *f = finding(cc, X509F_EXPIRED);
	char ab[32];

	if (f == NULL)
		f = finding(cc, X509F_NOT_YET_VALID);
	v->summary = vstr("the server rejected the client certificate (%s)%s%s",
	    alert_name(x->alert, ab, sizeof(ab)), f != NULL ? ": " : ": it is "
	    "outside its validity period", f != NULL ? f->text : "");
	add_evidence(v, vstr("client certificate %s", leaf_subject(cc)));
	add_ev(v, x, x->alert);
	v->next = xstrdup("renew the client certificate (and check the "
	    "clocks of both hosts)");
}

static void
e_client_cert_rejected(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *cc = &x->c->client_chain;
	char ab[32];

	if (x->ccert_inferred)
		v->summary = vstr("the server rejected the client's "
		    "certificate: it answered the client's %zu-byte "
		    "certificate flight with %s", x->cflight_bytes,
		    alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vstr("the server rejected the client certificate "
		    "%s with %s", leaf_subject(cc), alert_name(x->alert, ab,
		    sizeof(ab)));
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

static void
e_client_cert_reset(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = (x->rst != NULL &&
	    x->rst->dir == TL_S2C) ? x->rst : x->fin;

	v->summary = vstr("the server %s the connection right after the "
	    "client's certificate, without an alert", close->type ==
	    TL_EV_RST ? "reset" : "closed");
	if (x->c->client_chain.num > 0)
		add_evidence(v, vstr("client certificate %s issued by %s",
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
	char vb[16], why[160];

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
	add_evidence(v, vstr("the certificates of this connection are "
	    "encrypted (TLS 1.3, no key); the chain judged here is the one "
	    "this server sent in #%llu (%s%s, frame %llu): %s",
	    (unsigned long long)c->known.conn_id,
	    ver_name(c->known.version, vb, sizeof(vb)),
	    c->known.decrypted ? ", decrypted" : "",
	    (unsigned long long)c->known.frame, why));
}

static void
e_server_cert(const struct vctx *x, struct verdict *v, const char *what,
    enum x509_finding_code code)
{
	const struct tl_chain *sc = x->sc;
	const struct x509_finding *f = finding(sc, code);
	char ab[32], cmd[LIMIT_NAME_BYTES * 2 + 128];

	if (x->sc_known && f != NULL && !alert_known(x))
		v->summary = vstr("the client rejected the server certificate "
		    "(its alert is encrypted), most likely because %s",
		    f->text);
	else if (x->alert->inferred)
		v->summary = vstr("the client rejected the server's "
		    "certificate: it answered the server's encrypted flight "
		    "with an alert");
	else if (f != NULL)
		v->summary = vstr("the client rejected the server certificate "
		    "(%s): %s", alert_name(x->alert, ab, sizeof(ab)), f->text);
	else if (sc->num == 0)
		v->summary = vstr("the client rejected the server certificate "
		    "(encrypted in TLS 1.3: a key log, --keylog, shows it): %s "
		    "(%s)", what, alert_name(x->alert, ab, sizeof(ab)));
	else
		v->summary = vstr("the client rejected the server certificate "
		    "%s: %s (%s)", leaf_subject(sc), what,
		    alert_name(x->alert, ab, sizeof(ab)));
	if (sc->num > 0)
		add_evidence(v, vstr("server certificate %s issued by %s",
		    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	add_findings(v, sc, X509_SEV_WARNING);
	add_ev(v, x, x->alert);
	s_client_cmd(cmd, sizeof(cmd), x->c);
	v->next = vstr("run %s and check the chain the server sends, the "
	    "name and the dates against the client's CA store", cmd);
}

static void
e_server_cert_untrusted(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;

	const struct x509_finding *mi = finding(sc,
	    X509F_MISSING_INTERMEDIATE);
	char ab[32];

	if (mi != NULL) {
		e_server_cert(x, v, "the chain is incomplete",
		    X509F_MISSING_INTERMEDIATE);
		free(v->summary);
		v->summary = vstr("the client rejected the server certificate "
		    "(%s): it does not hold %s, the issuer of %s, which the "
		    "server did not send", alert_known(x) ? alert_name(x->alert,
		    ab, sizeof(ab)) : "its alert is encrypted", leaf_issuer(sc),
		    leaf_subject(sc));
		if (mi->severity < X509_SEV_WARNING)
			add_evidence(v, xstrdup(mi->text));
		free(v->next);
		v->next = vstr("if %s is an intermediate CA, configure the "
		    "server to send it after the leaf; if it is a root, add it "
		    "to the client's trust store (curl --cacert, openssl "
		    "s_client -CAfile)%s", leaf_issuer(sc),
		    mi->severity < X509_SEV_WARNING ? "; --ca-file with the "
		    "client's store checks the chain against it" : "");
		return;
	}
	if (finding(sc, X509F_SELF_SIGNED_LEAF) != NULL)
		e_server_cert(x, v, "it is self-signed",
		    X509F_SELF_SIGNED_LEAF);
	else
		e_server_cert(x, v, "the client does not trust its CA",
		    X509F_UNTRUSTED);
	free(v->next);
	if (sc->num > 0)
		v->next = vstr("add the root CA of %s to the client's trust "
		    "store (curl --cacert, openssl s_client -CAfile), or have "
		    "the server use a certificate from a CA the client trusts",
		    leaf_issuer(sc));
	else
		v->next = xstrdup("add the root CA of the server's chain to "
		    "the client's trust store (curl --cacert, openssl s_client "
		    "-CAfile), or have the server use a certificate from a CA "
		    "the client trusts; a key log (--keylog) shows the chain");
}

static void
e_server_cert_name_mismatch(const struct vctx *x, struct verdict *v)
{
	char sni[LIMIT_NAME_BYTES * 2 + 4];

	e_server_cert(x, v, "it does not cover the name asked for",
	    X509F_NAME_MISMATCH);
	free(v->next);
	v->next = vstr("use the name the certificate covers, or issue the "
	    "server a certificate whose SAN includes %s", x->c->ch.has_sni ?
	    name_of(sni, sizeof(sni), &x->c->ch.sni) : "the name the client "
	    "uses");
}

static void
e_server_cert_expired(const struct vctx *x, struct verdict *v)
{
	e_server_cert(x, v, "it is outside its validity period",
	    X509F_EXPIRED);
	if (finding(x->sc, X509F_EXPIRED) == NULL &&
	    finding(x->sc, X509F_NOT_YET_VALID) != NULL) {
		free(v->summary);
		v->summary = vstr("the client rejected the server certificate:"
		    " %s", finding(x->sc,
		    X509F_NOT_YET_VALID)->text);
	}
	free(v->next);
	v->next = xstrdup("renew the server certificate (and check the "
	    "clocks of both hosts)");
}

static void
e_server_cert_rejected(const struct vctx *x, struct verdict *v)
{
	const struct tl_chain *sc = x->sc;

	e_server_cert(x, v, "the client refused it", X509F_UNTRUSTED);
	if (sc->num > 0 && sc->store_checked &&
	    finding(sc, X509F_UNTRUSTED) == NULL) {
		add_evidence(v, xstrdup("the chain verifies against the CA "
		    "file given (--ca-file/--ca-path): if that is the client's "
		    "store, the client rejects the chain for a reason of its "
		    "own (a pinned key, revocation, a policy)"));
		free(v->next);
		v->next = xstrdup("read the client's error message: its "
		    "trust store accepts this chain, so look for pinning, "
		    "revocation checks or a policy in the client");
		return;
	}
	if (x->alert->inferred) {
		free(v->next);
		v->next = xstrdup("the alert and the certificates are "
		    "encrypted in TLS 1.3: run again with a key log (--keylog) "
		    "to see which, or test with openssl s_client -showcerts");
	}
}

static void
e_client_aborted(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = x->cclose;

	v->summary = vstr("the client gave up after the server's hello "
	    "without sending an alert");
	add_ev(v, x, x->sh_ev);
	if (x->sc->num > 0)
		add_evidence(v, vstr("server certificate %s issued by %s",
		    leaf_subject(x->sc),
		    leaf_issuer(x->sc)));
	add_findings(v, x->sc, X509_SEV_WARNING);
	add_ev(v, x, close);
	v->next = xstrdup("read the client's error (a certificate it did not "
	    "accept, a timeout, a pinned key): clients that close without an "
	    "alert keep the reason to themselves");
}

static void
e_client_quit(const struct vctx *x, struct verdict *v)
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

	for (i = 0; i < sizeof(order) / sizeof(order[0]) && f == NULL; i++)
		f = finding(sc, order[i]);
	if (v->code != VC_CLOSED_AFTER_HANDSHAKE && f != NULL)
		v->summary = vstr("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data, as a "
		    "client does that checks the certificate after the "
		    "handshake and rejects it: %s", ms, f->text);
	else if (f != NULL)
		v->summary = vstr("the handshake completed, then the client "
		    "closed at once (%.1f ms later) without sending data: a "
		    "probe or health check, or a client that rejected the "
		    "server certificate after the handshake; a client that "
		    "does not trust it would: %s", ms, f->text);
	else
		v->summary = vstr("the handshake completed, then the client "
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
		add_evidence(v, vstr("server certificate %s issued by %s",
		    leaf_subject(sc), leaf_issuer(sc)));
	known_evidence(x, v);
	add_findings(v, sc, X509_SEV_WARNING);
	v->next = xstrdup(x->tls13 && sc->num == 0 ? "the certificates are "
	    "encrypted in TLS 1.3: run again with a key log (--keylog) to "
	    "see them, or read the client's error message; a probe or health "
	    "check needs nothing" : "read the client's error message; check "
	    "the name it connects to against the certificate SAN and its CA "
	    "store against the chain; a probe or health check needs "
	    "nothing");
}

static void
e_alert_other(const struct vctx *x, struct verdict *v)
{
	char ab[32];

	v->summary = vstr("the %s ended the handshake with %s",
	    side(x->alert->dir), alert_name(x->alert, ab, sizeof(ab)));
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	add_ev(v, x, x->alert);
	v->next = vstr("read the %s's log for this connection; the alert "
	    "names the cause", side(x->alert->dir));
}

static void
e_server_closed_after_hello(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = x->rst != NULL &&
	    x->rst->dir == TL_S2C ? x->rst : x->fin;

	v->summary = vstr("the server %s the connection in answer to the "
	    "ClientHello, without an alert", close != NULL &&
	    close->type == TL_EV_RST ? "reset" : "closed");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, close);
	v->next = xstrdup("check that the server speaks TLS on this port and "
	    "accepts the offered versions and SNI; a middlebox or a server "
	    "that drops unknown names behaves like this");
}

static void
e_closed_before_tls(const struct vctx *x, struct verdict *v)
{
	const struct tl_event *close = x->rst != NULL ? x->rst : x->fin;

	v->summary = vstr("the TCP connection was %s by the %s before any "
	    "TLS byte was sent", close != NULL && close->type == TL_EV_RST ?
	    "reset" : "closed", close != NULL ? side(close->dir) : "peer");
	add_ev(v, x, tl_find(x->c, TL_EV_SYNACK, -1, TL_S2C));
	add_ev(v, x, close);
	v->next = xstrdup("a port probe or health check looks like this; if a "
	    "client was meant to connect, check it starts TLS (or STARTTLS)");
}

static void
e_server_silent(const struct vctx *x, struct verdict *v)
{
	v->summary = vstr("the server never answered the ClientHello "
	    "(%.1f s of silence)", (double)(x->c->last_us - x->ch_ev->ts_us) /
	    1e6);
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->rst != NULL ? x->rst : x->fin);
	v->next = xstrdup("check that the port serves TLS (not a plaintext "
	    "protocol waiting for the client to speak first) and that nothing "
	    "in the path drops large packets (MTU)");
}

static void
e_incomplete(const struct vctx *x, struct verdict *v)
{
	const struct tl_conn *c = x->c;
	const char *why = c->end == TL_END_EOF ? "the capture ends" :
	    c->end == TL_END_IDLE ? "the connection went idle" :
	    c->end == TL_END_EVICTED ? "tlsdiag evicted the connection "
	    "(memory or flow cap)" : "the connection closed";
	const struct tl_event *last = c->num_events > 0 ?
	    &c->events[c->num_events - 1] : NULL;

	if (x->ch_ev == NULL && !x->any_tls)
		v->summary = vstr("%s before the handshake started%s", why,
		    c->midstream ? " (capture started mid-connection)" : "");
	else
		v->summary = vstr("%s in the middle of the handshake%s", why,
		    c->midstream ? " (capture started mid-connection)" : "");
	add_ev(v, x, x->ch_ev);
	add_ev(v, x, x->sh_ev);
	if (last != NULL && last != x->ch_ev && last != x->sh_ev)
		add_ev(v, x, last);
	if (c->gap_bytes[0] + c->gap_bytes[1] > 0)
		add_evidence(v, vstr("%llu bytes are missing from the capture",
		    (unsigned long long)(c->gap_bytes[0] + c->gap_bytes[1])));
	v->next = xstrdup("capture longer or with a larger snap length, and "
	    "check the capture for drops (tlsdiag reports pcap drops at the "
	    "end)");
}

/* The rule table: the first rule that matches decides. The order goes
 * from the network up: TCP, then the protocol, then what the alerts and
 * certificates say, then how the connection ended. */
static const struct rule rules[] = {
	{ VC_TCP_NO_ANSWER, false, m_tcp_no_answer, e_tcp_no_answer },
	{ VC_TCP_REFUSED, false, m_tcp_refused, e_tcp_refused },
	{ VC_NOT_TLS, false, m_preamble_refused, e_preamble_refused },
	{ VC_PLAINTEXT, false, m_plaintext, e_plaintext },
	{ VC_NOT_TLS, false, m_banner_before_hello, e_banner_before_hello },
	{ VC_NOT_TLS, false, m_not_tls, e_not_tls },
	{ VC_HANDSHAKE_NOT_SEEN, false, m_handshake_not_seen,
	    e_handshake_not_seen },
	{ VC_CLIENT_ABORTED, false, m_client_aborted,
	    e_client_aborted },
	{ VC_VERSION_MISMATCH, false, m_sslv2_server, e_sslv2_server },
	{ VC_VERSION_MISMATCH, false, m_version_mismatch,
	    e_version_mismatch },
	{ VC_SNI_REJECTED, false, m_sni_rejected, e_sni_rejected },
	{ VC_CIPHER_MISMATCH, false, m_cipher_mismatch,
	    e_cipher_mismatch },
	{ VC_SERVER_REJECTED_HELLO, false, m_server_rejected_hello,
	    e_server_rejected_hello },
	{ VC_CLIENT_CERT_MISSING, false, m_client_cert_missing,
	    e_client_cert_missing },
	{ VC_CLIENT_CERT_UNTRUSTED, false, m_client_cert_untrusted,
	    e_client_cert_untrusted },
	{ VC_CLIENT_CERT_EXPIRED, false, m_client_cert_expired,
	    e_client_cert_expired },
	{ VC_CLIENT_CERT_REJECTED, false, m_client_cert_rejected,
	    e_client_cert_rejected },
	{ VC_CLIENT_CERT_RESET, false, m_client_cert_reset,
	    e_client_cert_reset },
	{ VC_SERVER_CERT_EXPIRED, false, m_server_cert_expired,
	    e_server_cert_expired },
	{ VC_SERVER_CERT_NAME_MISMATCH, false, m_server_cert_name_mismatch,
	    e_server_cert_name_mismatch },
	{ VC_SERVER_CERT_UNTRUSTED, false, m_server_cert_untrusted,
	    e_server_cert_untrusted },
	{ VC_SERVER_CERT_UNTRUSTED, false, m_server_cert_trust_left,
	    e_server_cert_trust_left },
	{ VC_SERVER_CERT_REJECTED, false, m_server_cert_rejected,
	    e_server_cert_rejected },
	{ VC_SERVER_CERT_NAME_MISMATCH, true, m_client_quit_name,
	    e_client_quit },
	{ VC_SERVER_CERT_EXPIRED, true, m_client_quit_expired,
	    e_client_quit },
	{ VC_SERVER_CERT_UNTRUSTED, true, m_client_quit_untrusted,
	    e_client_quit },
	{ VC_CLOSED_AFTER_HANDSHAKE, false, m_client_quit, e_client_quit },
	{ VC_ALERT_OTHER, false, m_alert_other, e_alert_other },
	{ VC_OK, false, m_ok, e_ok },
	{ VC_SERVER_CLOSED_AFTER_HELLO, false, m_server_closed_after_hello,
	    e_server_closed_after_hello },
	{ VC_CLOSED_BEFORE_TLS, false, m_closed_before_tls,
	    e_closed_before_tls },
	{ VC_SERVER_SILENT, false, m_server_silent, e_server_silent },
	{ VC_HANDSHAKE_INCOMPLETE, false, m_incomplete,
	    e_incomplete },
};

struct verdict *
verdict_decide(const struct tl_conn *c)
{
	struct verdict *v;
	struct vctx x;
	size_t i;
	bool inferred;

	facts(&x, c);
	v = xcalloc(1, sizeof(*v));
	v->code = VC_HANDSHAKE_INCOMPLETE;	/* the last rule always matches */
	v->outcome = VERDICT_INCOMPLETE;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		inferred = false;
		if (!rules[i].match(&x, &inferred))
			continue;
		v->code = rules[i].code;
		v->outcome = rules[i].after_handshake ? VERDICT_SUSPECT :
		    verdict_code_table[v->code].outcome;
		v->inferred = inferred;
		rules[i].explain(&x, v);
		break;
	}
	if (c->midstream && x.ch_ev == NULL && x.handshake_seen) {
		/* The server's side of the handshake without the client's:
		 * what the client offered and did is not known. */
		v->inferred = true;
		add_evidence(v, xstrdup("the ClientHello is not in the "
		    "capture (it started mid-handshake, or sees one direction "
		    "only): what the client offered is not known"));
	}
	if (c->midstream && v->num_evidence < VERDICT_MAX_EVIDENCE)
		add_evidence(v, xstrdup("the capture started mid-connection: "
		    "roles were guessed from ports and the first ClientHello"));
	if (c->gap_bytes[0] + c->gap_bytes[1] > 0 &&
	    v->code != VC_HANDSHAKE_INCOMPLETE)
		add_evidence(v, vstr("%llu bytes are missing from the capture",
		    (unsigned long long)(c->gap_bytes[0] + c->gap_bytes[1])));
	/* in: a hello read in part (issue 15 case 7). */
	if (c->ch.present && c->ch.malformed != NULL)
		add_evidence(v, vstr("frame %llu: the ClientHello is not "
		    "well-formed (%s); the rest of it was read",
		    (unsigned long long)c->ch.frame, c->ch.malformed));
	/* in: what the capture cut or skipped lowers the confidence of what
	 * it touched (issue 15 cases 5 and 8). */
	if (c->snap_pkts[0] + c->snap_pkts[1] > 0) {
		if (c->snap_gap_bytes[0] + c->snap_gap_bytes[1] > 0)
			v->inferred = true;
		add_evidence(v, vstr("%llu packets of this connection were cut "
		    "by the snapshot length (-s)",
		    (unsigned long long)(c->snap_pkts[0] + c->snap_pkts[1])));
	}
	if (c->one_sided) {
		v->inferred = true;
		add_evidence(v, xstrdup("only one direction of this connection "
		    "is in the capture"));
	}
	return v;
}

void
verdict_free(struct verdict *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->summary);
	for (i = 0; i < v->num_evidence; i++)
		free(v->evidence[i]);
	free(v->next);
	for (i = 0; i < v->num_secondary; i++)
		free(v->secondary[i]);
	free(v);
}

static const char *const outcome_names[VERDICT_OUTCOME_COUNT] = {
	[VERDICT_OK] = "ok",
	[VERDICT_FAILED] = "failed",
	[VERDICT_INCOMPLETE] = "incomplete",
	[VERDICT_SUSPECT] = "suspect",
	[VERDICT_UNKNOWN] = "unknown",
	[VERDICT_NOT_TLS] = "not_tls",
};

const char *
verdict_outcome_name(enum verdict_outcome o)
{
	if ((unsigned)o >= VERDICT_OUTCOME_COUNT)
		return "?";
	return outcome_names[o];
}

bool
verdict_outcome_is_failure(enum verdict_outcome o)
{
	return o == VERDICT_FAILED || o == VERDICT_INCOMPLETE ||
	    o == VERDICT_SUSPECT;
}

const char *
verdict_code_name(enum verdict_code code)
{
	if ((unsigned)code >= VC_COUNT)
		return "?";
	return verdict_code_table[code].name;
}

static bool
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

bool
verdict_code_parse(const char *name, size_t len, enum verdict_code *out)
{
	size_t i;

	for (i = 0; i < VC_COUNT; i++)
		if (name_is(name, len, verdict_code_table[i].name)) {
			*out = (enum verdict_code)i;
			return true;
		}
	return false;
}

bool
verdict_outcome_parse(const char *name, size_t len,
    enum verdict_outcome *out)
{
	size_t i;

	for (i = 0; i < VERDICT_OUTCOME_COUNT; i++)
		if (name_is(name, len, outcome_names[i])) {
			*out = (enum verdict_outcome)i;
			return true;
		}
	return false;
}
