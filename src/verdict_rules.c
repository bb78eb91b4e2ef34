/* verdict_rules.c - the rule table: which verdict code a connection's facts
 * match, and with what confidence; verdict_decide applies it. */
#include <stddef.h>
#include <stdlib.h>

#include "timeline.h"
#include "tls_msg.h"
#include "util.h"
#include "verdict.h"
#include "verdict_int.h"
#include "x509.h"

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
/* server_alert: the first fatal alert came from the server. */
static bool
alert_from(const struct vctx *x, int dir)
{
	return x->alert != NULL && x->alert->dir == dir;
}

static bool
alert_is(const struct vctx *x, int dir, int desc)
{
	return vr_alert_known(x) && x->alert->dir == dir &&
	    x->alert->alert_desc == desc;
}

bool
vr_alert_known(const struct vctx *x)
{
	return x->alert != NULL && !x->alert->inferred && !x->alert_padded &&
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

/* The SYN was never answered. Certain when the client sent it again (it
 * got no SYN-ACK); a single SYN is inferred: the SYN-ACK may only be
 * missing from the capture (PCAPdroid's metadata.pcap holds no packet of
 * any IPv6 server, and its client reset a connection 6 s after its one
 * SYN). */
static bool
m_tcp_no_answer(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	if (!c->syn || c->synack || c->rst[TL_S2C] || c->data[0] ||
	    c->data[1] || c->pkts[TL_S2C] != 0)
		return false;
	*inf = c->syn_count < 2;
	return true;
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

/* OpenVPN with tls-crypt: its TLS is encrypted, nothing can be judged. */
static bool
m_tunnel_opaque(const struct vctx *x, bool *inf)
{
	*inf = true;
	return x->c->tunnel_opaque && !x->any_tls;
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
	if (x->ccert_empty && (tl_cr(x->c)->present || x->cflight == CF_EMPTY)) {
		*inf = x->ccert_inferred;
		return true;
	}
	/* TLS 1.2: a CertificateRequest and no client Certificate at all
	 * (SSL 3.0 style "no_certificate") before the server's refusal. */
	if (!x->tls13 && tl_cr(x->c)->present && !x->c->client_chain.present &&
	    alert_from(x, TL_S2C) && vr_alert_known(x) &&
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
	if (!server_alert_after_ccert(x) || !vr_alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_UNKNOWN_CA)
		return true;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    (vf_finding(cc, X509F_ISSUER_NOT_ACCEPTED) != NULL ||
	    vf_finding(cc, X509F_UNTRUSTED) != NULL);
}

static bool
m_client_cert_expired(const struct vctx *x, bool *inf)
{
	const struct tl_chain *cc = &x->c->client_chain;

	(void)inf;
	if (!server_alert_after_ccert(x) || !vr_alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_CERTIFICATE_EXPIRED)
		return true;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    (vf_finding(cc, X509F_EXPIRED) != NULL ||
	    vf_finding(cc, X509F_NOT_YET_VALID) != NULL);
}

static bool
m_client_cert_rejected(const struct vctx *x, bool *inf)
{
	if (!server_alert_after_ccert(x))
		return false;
	*inf = !vr_alert_known(x) || x->ccert_inferred;
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
	    !vr_alert_known(x);
}

static bool
m_server_cert_untrusted(const struct vctx *x, bool *inf)
{
	const struct tl_chain *sc = x->sc;

	if (hidden_on_known(x)) {
		*inf = true;
		return vf_finding(sc, X509F_UNTRUSTED) != NULL ||
		    vf_finding(sc, X509F_MISSING_INTERMEDIATE) != NULL ||
		    vf_finding(sc, X509F_SELF_SIGNED_LEAF) != NULL;
	}
	if (!client_alert_on_server_cert(x) || !vr_alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_UNKNOWN_CA)
		return true;	/* the alert names the cause */
	*inf = x->sc_known;	/* the chain's findings name it */
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    vf_finding(sc, X509F_NAME_MISMATCH) == NULL &&
	    (vf_finding(sc, X509F_MISSING_INTERMEDIATE) != NULL ||
	    vf_finding(sc, X509F_SELF_SIGNED_LEAF) != NULL ||
	    vf_finding(sc, X509F_UNTRUSTED) != NULL);
}

static bool
m_server_cert_name_mismatch(const struct vctx *x, bool *inf)
{
	*inf = x->sc_known;
	if (hidden_on_known(x))
		return vf_finding(x->sc, X509F_NAME_MISMATCH) != NULL;
	if (!client_alert_on_server_cert(x) || !vr_alert_known(x))
		return false;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_CERTIFICATE_EXPIRED &&
	    x->alert->alert_desc != AL_UNKNOWN_CA &&
	    vf_finding(x->sc, X509F_NAME_MISMATCH) != NULL;
}

static bool
m_server_cert_expired(const struct vctx *x, bool *inf)
{
	const struct tl_chain *sc = x->sc;

	if (hidden_on_known(x)) {
		*inf = true;
		return vf_finding(sc, X509F_EXPIRED) != NULL ||
		    vf_finding(sc, X509F_NOT_YET_VALID) != NULL;
	}
	if (!client_alert_on_server_cert(x) || !vr_alert_known(x))
		return false;
	if (x->alert->alert_desc == AL_CERTIFICATE_EXPIRED)
		return true;	/* the alert names the cause */
	*inf = x->sc_known;
	return alert_is_cert_problem(x->alert->alert_desc) &&
	    x->alert->alert_desc != AL_UNKNOWN_CA &&
	    (vf_finding(sc, X509F_EXPIRED) != NULL ||
	    vf_finding(sc, X509F_NOT_YET_VALID) != NULL);
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
	    !vr_alert_known(x) || (x->alert->alert_desc != AL_BAD_CERTIFICATE &&
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

static bool
m_server_cert_rejected(const struct vctx *x, bool *inf)
{
	if (!client_alert_on_server_cert(x))
		return false;
	if (!vr_alert_known(x)) {
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
	/* A client that sent a Heartbeat did send something (zeek's
	 * heartbleed-encrypted-success.pcap: 60 KB came back). */
	if (!x->done || x->quit == NULL || x->quit_late ||
	    x->c->heartbeat[TL_C2S] ||
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
/* ... unless the same client sent data over the same chain in another
 * connection (suricata-verify's tls-subjectaltname: a browser's spare
 * connections closed unused): it did not reject that certificate. */
static bool
m_client_quit_cert(const struct vctx *x, bool *inf)
{
	return m_client_quit(x, inf) && x->c->chain_used_by == 0;
}

static bool
m_client_quit_name(const struct vctx *x, bool *inf)
{
	return m_client_quit_cert(x, inf) && x->c->ch.has_sni &&
	    vf_finding(x->sc, X509F_NAME_MISMATCH) != NULL;
}

static bool
m_client_quit_expired(const struct vctx *x, bool *inf)
{
	return m_client_quit_cert(x, inf) &&
	    (vf_finding(x->sc, X509F_EXPIRED) != NULL ||
	    vf_finding(x->sc, X509F_NOT_YET_VALID) != NULL);
}

static bool
m_client_quit_untrusted(const struct vctx *x, bool *inf)
{
	return m_client_quit_cert(x, inf) &&
	    vf_finding(x->sc, X509F_UNTRUSTED) != NULL;
}

static bool
m_alert_other(const struct vctx *x, bool *inf)
{
	*inf = x->alert != NULL && !vr_alert_known(x);
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

const struct tl_event *
vr_client_close(const struct vctx *x)
{
	if (x->cnotify != NULL && (x->cclose == NULL || x->cnotify < x->cclose))
		return x->cnotify;
	return x->cclose;
}

/* The client closed after the server's flight, before any alert: an
 * alert the server sends after that is its reaction, not the cause. A
 * close_notify is a close, at any level (testssl.sh sends it as fatal
 * when it has read the server's hello). */
static bool
m_client_aborted(const struct vctx *x, bool *inf)
{
	const struct tl_event *cclose = vr_client_close(x);

	(void)inf;
	/* A client that sent its Finished did not give up: the server's
	 * Finished is what is missing (PcapPlusPlus's tls.pcap, port
	 * 55305: the client's second flight, False Start data, then its
	 * FIN). */
	if (!x->server_flight || x->done || cclose == NULL ||
	    x->cfin_ev != NULL || x->c->ccs[TL_C2S] ||
	    x->c->heartbeat[TL_C2S])
		return false;
	/* An alert from the client itself came before its close in the
	 * stream, even when captured after it: nothing is sent after a
	 * RST or FIN. */
	if (x->alert != NULL && (x->alert->frame <= cclose->frame ||
	    x->alert->dir == cclose->dir))
		return false;
	if (x->sclose != NULL && x->sclose->frame < cclose->frame)
		return false;
	return x->sh_ev != NULL && cclose->frame > x->sh_ev->frame;
}

/*
 * The client connected and closed without sending a byte (a port probe, a
 * TCP health check): a server alert after that answers the close, not a
 * ClientHello (testssl.sh and sslscan open one such connection: SYN, ACK,
 * FIN, then OpenSSL's decode_error).
 */
static bool
m_closed_silent(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return c->synack && !c->midstream && !c->data[TL_C2S] &&
	    c->gap_bytes[TL_C2S] == 0 && x->cclose != NULL &&
	    x->ch_ev == NULL && x->sh_ev == NULL && x->alert != NULL &&
	    x->alert->dir == TL_S2C && x->alert > x->cclose;
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
	/* Silence counts when a second went by, before the client gave up
	 * or the capture ended (a client that closes at once gave the
	 * server no time: suricata's app-layer-protocol-prefilter), or the
	 * idle timeout ended it; not an idle timeout that a leap of the
	 * capture's clock ran out: the capture stopped watching (captures
	 * joined, a clock set). */
	if (x->cclose != NULL && x->cclose->ts_us - x->ch_ev->ts_us >= 1000000)
		return true;
	return (c->end == TL_END_IDLE && !c->end_at_leap) ||
	    (x->cclose == NULL && c->last_us - x->ch_ev->ts_us >= 1000000);
}

static bool
m_incomplete(const struct vctx *x, bool *inf)
{
	(void)x;
	(void)inf;
	return true;
}

/*
 * Ports where a client expects TLS from the first byte (IANA and common
 * use): HTTPS, SMTPS/submissions, LDAPS, DNS over TLS, FTPS, IMAPS,
 * POP3S, SIP-TLS, and the usual alternative HTTPS ports.
 */
bool
vr_tls_port(uint16_t port)
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

/* The capture holds the client's side only: no packet of the server's,
 * though the client sent data (so the server's SYN-ACK was sent, and is
 * not in the capture). */
static bool
client_side_only(const struct tl_conn *c)
{
	return c->pkts[TL_S2C] == 0 && c->data[TL_C2S];
}

/* The server spoke: its bytes are in the capture, or, with the client's
 * side only, the client acknowledged more of its stream than a FIN. */
static bool
server_spoke(const struct tl_conn *c)
{
	return c->data[TL_S2C] ||
	    (client_side_only(c) && tl_acked(c, TL_C2S) > 1);
}

/* The client closed (FIN or RST) before the server did. */
static bool
client_closed_first(const struct vctx *x)
{
	return x->cclose != NULL && (x->sclose == NULL ||
	    x->cclose < x->sclose);
}

/* Plaintext where nobody expected TLS: neither side sent a TLS record,
 * no STARTTLS upgrade was asked for, the port is not a TLS port, and the
 * server spoke (plaintext) or the client closed first. A server that
 * closes without a word at a plaintext request is what a TLS server
 * does: not_tls. */
static bool
m_plaintext(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	/* Through a proxy, the port asked for is the one that tells (a
	 * SOCKS tunnel to port 80). */
	if (c->starttls && c->tunnel_port != 0)
		return (c->not_tls[0] || c->not_tls[1]) && !c->tls[0] &&
		    !c->tls[1] && !vr_tls_port(c->tunnel_port) &&
		    (server_spoke(c) || client_closed_first(x));
	return (c->not_tls[0] || c->not_tls[1]) && !c->tls[0] && !c->tls[1] &&
	    !c->starttls && !vr_tls_port(c->server_port) &&
	    (server_spoke(c) || client_closed_first(x));
}

/* A plaintext protocol that tlsdiag followed (starttls.c: SMTP, FTP,
 * IMAP, POP3, MySQL...) ran with no TLS byte, no upgrade asked for and
 * none refused, on a port that is not a TLS port: SMTP without STARTTLS,
 * an FTP or MySQL session in the clear. The proxies in front of TLS
 * (HTTP CONNECT, SOCKS) are not such a protocol. */
static bool
m_plain_proto(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;
	const char *p = c->plain_proto;

	(void)inf;
	return p != NULL && strcmp(p, "HTTP CONNECT") != 0 &&
	    strncmp(p, "SOCKS", 5) != 0 && !c->starttls && !c->plain_asked &&
	    c->starttls_refused == NULL && !x->any_tls &&
	    !vr_tls_port(c->server_port);
}

/* ssh_banner: the first bytes |dir| sent, not TLS, are an SSH
 * identification string (RFC 4253 4.2: "SSH-protoversion-..."). */
static bool
ssh_banner(const struct tl_conn *c, int dir)
{
	const struct tl_event *e = tl_find(c, TL_EV_NOT_TLS, -1, dir);
	const uint8_t *p;
	size_t n;

	if (e == NULL)
		return false;
	p = tl_event_raw(c, e, &n);
	return (n >= 8 && memcmp(p, "SSH-2.0-", 8) == 0) ||
	    (n >= 9 && memcmp(p, "SSH-1.99-", 9) == 0);
}

/* SSH both ways on a TLS port: one shared with SSH by a protocol
 * multiplexer (sslh) that sent the client to an SSH server. Neither side
 * expected TLS (elsewhere m_plaintext says so already). */
static bool
m_ssh(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	(void)inf;
	return vr_tls_port(c->server_port) && !x->any_tls && !c->tls[0] &&
	    !c->tls[1] && !c->starttls && ssh_banner(c, TL_C2S) &&
	    ssh_banner(c, TL_S2C);
}

/* The server's side is not in the capture, and the client's ACKs show it
 * spoke, or the capture started mid-connection (no ACK before the
 * client's data to count from) and did not end with it: nothing the
 * server did can be judged. With the client's SYN and ACKs that
 * acknowledge nothing of the server, its silence is inferred
 * (server_silent); a capture that ends after a client's packets from
 * the middle of a connection ends mid-handshake (handshake_incomplete). */
static bool
m_client_side_only(const struct vctx *x, bool *inf)
{
	const struct tl_conn *c = x->c;

	if (!client_side_only(c) || (tl_acked(c, TL_C2S) <= 1 &&
	    (!c->midstream || c->end == TL_END_EOF)))
		return false;
	*inf = true;
	return true;
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

/* The server answered an SSLv2-compatible hello in SSL 2.0. */
static bool
m_sslv2_server(const struct vctx *x, bool *inf)
{
	if (x->sh_ev == NULL || !x->sh_ev->sslv2)
		return false;
	*inf = true;	/* what follows is SSL 2.0, not read */
	return true;
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

/* The rule table: the first rule that matches decides. The order goes
 * from the network up: TCP, then the protocol, then what the alerts and
 * certificates say, then how the connection ended. */
static const struct rule rules[] = {
	{ VC_TCP_NO_ANSWER, false, m_tcp_no_answer, vt_tcp_no_answer },
	{ VC_TCP_REFUSED, false, m_tcp_refused, vt_tcp_refused },
	{ VC_HANDSHAKE_NOT_SEEN, false, m_tunnel_opaque, vt_tunnel_opaque },
	{ VC_NOT_TLS, false, m_preamble_refused, vt_preamble_refused },
	{ VC_PLAINTEXT, false, m_plain_proto, vt_plain_proto },
	{ VC_PLAINTEXT, false, m_ssh, vt_ssh },
	{ VC_PLAINTEXT, false, m_plaintext, vt_plaintext },
	{ VC_NOT_TLS, false, m_banner_before_hello, vt_banner_before_hello },
	{ VC_NOT_TLS, false, m_not_tls, vt_not_tls },
	{ VC_HANDSHAKE_NOT_SEEN, false, m_client_side_only,
	    vt_client_side_only },
	{ VC_HANDSHAKE_NOT_SEEN, false, m_handshake_not_seen,
	    vt_handshake_not_seen },
	{ VC_CLOSED_BEFORE_TLS, false, m_closed_silent,
	    vt_closed_before_tls },
	{ VC_CLIENT_ABORTED, false, m_client_aborted,
	    vt_client_aborted },
	{ VC_VERSION_MISMATCH, false, m_sslv2_server, vt_sslv2_server },
	{ VC_VERSION_MISMATCH, false, m_version_mismatch,
	    vt_version_mismatch },
	{ VC_SNI_REJECTED, false, m_sni_rejected, vt_sni_rejected },
	{ VC_CIPHER_MISMATCH, false, m_cipher_mismatch,
	    vt_cipher_mismatch },
	{ VC_SERVER_REJECTED_HELLO, false, m_server_rejected_hello,
	    vt_server_rejected_hello },
	{ VC_CLIENT_CERT_MISSING, false, m_client_cert_missing,
	    vt_client_cert_missing },
	{ VC_CLIENT_CERT_UNTRUSTED, false, m_client_cert_untrusted,
	    vt_client_cert_untrusted },
	{ VC_CLIENT_CERT_EXPIRED, false, m_client_cert_expired,
	    vt_client_cert_expired },
	{ VC_CLIENT_CERT_REJECTED, false, m_client_cert_rejected,
	    vt_client_cert_rejected },
	{ VC_CLIENT_CERT_RESET, false, m_client_cert_reset,
	    vt_client_cert_reset },
	{ VC_SERVER_CERT_EXPIRED, false, m_server_cert_expired,
	    vt_server_cert_expired },
	{ VC_SERVER_CERT_NAME_MISMATCH, false, m_server_cert_name_mismatch,
	    vt_server_cert_name_mismatch },
	{ VC_SERVER_CERT_UNTRUSTED, false, m_server_cert_untrusted,
	    vt_server_cert_untrusted },
	{ VC_SERVER_CERT_UNTRUSTED, false, m_server_cert_trust_left,
	    vt_server_cert_trust_left },
	{ VC_SERVER_CERT_REJECTED, false, m_server_cert_rejected,
	    vt_server_cert_rejected },
	{ VC_SERVER_CERT_NAME_MISMATCH, true, m_client_quit_name,
	    vt_client_quit },
	{ VC_SERVER_CERT_EXPIRED, true, m_client_quit_expired,
	    vt_client_quit },
	{ VC_SERVER_CERT_UNTRUSTED, true, m_client_quit_untrusted,
	    vt_client_quit },
	{ VC_CLOSED_AFTER_HANDSHAKE, false, m_client_quit, vt_client_quit },
	{ VC_ALERT_OTHER, false, m_alert_other, vt_alert_other },
	{ VC_OK, false, m_ok, vt_ok },
	{ VC_SERVER_CLOSED_AFTER_HELLO, false, m_server_closed_after_hello,
	    vt_server_closed_after_hello },
	{ VC_CLOSED_BEFORE_TLS, false, m_closed_before_tls,
	    vt_closed_before_tls },
	{ VC_SERVER_SILENT, false, m_server_silent, vt_server_silent },
	{ VC_HANDSHAKE_INCOMPLETE, false, m_incomplete,
	    vt_incomplete },
};

uint64_t
vr_gap_after(const struct tl_conn *c, int dir, const struct tl_event *after)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < c->num_events; i++)
		if (c->events[i].type == TL_EV_GAP &&
		    (dir < 0 || c->events[i].dir == dir) &&
		    (after == NULL || &c->events[i] > after))
			n += c->events[i].bytes;
	return n;
}

/*
 * in: silence_unsure says that a verdict resting on a side saying
 * nothing (no alert, no answer) cannot be sure of it: bytes of that side
 * are missing from where the silence is claimed, and an alert may be
 * among them (nDPI's ja3_lots_of_cipher_suites.pcap: 7 client bytes the
 * server acknowledged, the size of an alert record).
 */
static bool
silence_unsure(const struct vctx *x, enum verdict_code code)
{
	switch (code) {
	case VC_CLIENT_ABORTED:
		return vr_gap_after(x->c, TL_C2S, x->sh_ev) > 0;
	case VC_SERVER_SILENT:
	case VC_SERVER_CLOSED_AFTER_HELLO:
		return vr_gap_after(x->c, TL_S2C, x->ch_ev) > 0;
	case VC_CLIENT_CERT_RESET:
		return vr_gap_after(x->c, TL_S2C, x->ccert_ev) > 0;
	case VC_CLOSED_BEFORE_TLS:
	case VC_CLOSED_AFTER_HANDSHAKE:
		return vr_gap_after(x->c, -1, NULL) > 0;
	default:
		return false;
	}
}

/* heartbeat_evidence names the client's first Heartbeat request, and
 * says so when it claims more payload than it carries (Heartbleed). */
static void
heartbeat_evidence(const struct tl_conn *c, struct verdict *v)
{
	size_t i;

	for (i = 0; i < c->num_events; i++) {
		const struct tl_event *e = &c->events[i];

		if (e->type != TL_EV_HEARTBEAT || e->dir != TL_C2S)
			continue;
		vt_evidence(v, vt_str("frame %llu: the client sent a Heartbeat "
		    "%s (%u bytes)", (unsigned long long)e->frame,
		    e->what != NULL ? e->what : "record", e->len));
		return;
	}
}

struct verdict *
verdict_decide(const struct tl_conn *c)
{
	struct verdict *v;
	struct vctx x;
	size_t i;
	bool inferred;

	vf_read(&x, c);
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
		vt_evidence(v, xstrdup("the ClientHello is not in the "
		    "capture (it started mid-handshake, or sees one direction "
		    "only): what the client offered is not known"));
	}
	/* (The rest of a connection reported idle has its roles.) */
	if (c->midstream && c->continues == 0 &&
	    v->num_evidence < VERDICT_MAX_EVIDENCE)
		vt_evidence(v, xstrdup("the capture started mid-connection: "
		    "roles were guessed from ports and the first ClientHello"));
	if (c->gap_bytes[0] + c->gap_bytes[1] > 0 &&
	    v->code != VC_HANDSHAKE_INCOMPLETE)
		vt_evidence(v, vt_str("%llu bytes are missing from the capture",
		    (unsigned long long)(c->gap_bytes[0] + c->gap_bytes[1])));
	/* in: a hello read in part (issue 15 case 7). */
	if (c->ch.present && c->ch.malformed != NULL)
		vt_evidence(v, vt_str("frame %llu: the ClientHello is not "
		    "well-formed (%s); the rest of it was read",
		    (unsigned long long)c->ch.frame, c->ch.malformed));
	/* in: what the capture cut or skipped lowers the confidence of what
	 * it touched (issue 15 cases 5 and 8). */
	if (c->snap_pkts[0] + c->snap_pkts[1] > 0) {
		if (c->snap_gap_bytes[0] + c->snap_gap_bytes[1] > 0)
			v->inferred = true;
		vt_evidence(v, vt_str("%llu packets of this connection were "
		    "cut by the snapshot length (-s)",
		    (unsigned long long)(c->snap_pkts[0] + c->snap_pkts[1])));
	}
	if (silence_unsure(&x, v->code))
		v->inferred = true;
	heartbeat_evidence(c, v);
	if (x.alert_padded)
		vt_evidence(v, vt_str("frame %llu: the client's %u-byte "
		    "encrypted record is too small for its Finished (%u bytes "
		    "with this cipher suite) and it closed after it: an alert, "
		    "padded (inferred)", (unsigned long long)x.alert->frame,
		    x.alert->len, 17u + 4u + (c->sh.suite == 0x1302 ? 48u : 32u)));
	if (x.early_ccs != NULL)
		vt_evidence(v, vt_str("frame %llu: the client sent "
		    "ChangeCipherSpec before its key exchange, with no key to "
		    "change to: the probe for CCS injection (CVE-2014-0224)",
		    (unsigned long long)x.early_ccs->frame));
	if (c->one_sided) {
		v->inferred = true;
		vt_evidence(v, xstrdup("only one direction of this connection "
		    "is in the capture"));
	}
	return v;
}
