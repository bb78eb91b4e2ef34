/* verdict_facts.c - the facts the verdict rules read, from a connection's
 * timeline: flights, alerts, closes, the client certificate, completion. */
#include <string.h>

#include "timeline.h"
#include "tls_msg.h"
#include "verdict_int.h"
#include "x509.h"

const struct x509_finding *
vf_finding(const struct tl_chain *ch, enum x509_finding_code code)
{
	size_t i;

	for (i = 0; i < ch->num_findings; i++)
		if (ch->findings[i].code == code)
			return &ch->findings[i];
	return NULL;
}

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
			/* The client's readable close_notify: how it left. */
			if (e->dir == TL_C2S && e->alert_desc == 0 &&
			    !e->inferred && (!e->encrypted || e->decrypted) &&
			    x->cfin_ev == NULL) {
				if (x->cnotify == NULL)
					x->cnotify = e;
				break;
			}
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
			if (e->hs_type == TLS_HS_SERVER_HELLO && x->sh_ev == NULL)
				x->sh_ev = e;
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
		if (e->dir == TL_S2C && e->flight == TL_FLIGHT_SERVER) {
			x->server_flight = true;
			x->server_flight_end = e;
		} else if (e->dir == TL_C2S &&
		    e->flight == TL_FLIGHT_CLIENT_SECOND) {
			if (e->type == TL_EV_ENCRYPTED && x->cfin_ev == NULL &&
			    e->len == 17 + 4 + finished_len(c->sh.suite))
				x->cfin_ev = e;
			if (e->type == TL_EV_ENCRYPTED && nrec < 8)
				rec[nrec++] = e->len > 17 ? e->len - 17 : 0;
			if (e->type == TL_EV_ENCRYPTED)
				x->ccert_ev = e;
		}
	}
	return nrec;
}

/*
 * padded_alert: TLS 1.3 without keys, the client's second flight is one
 * record, too small for its Finished (and bigger than an unpadded empty
 * Certificate), and the client closed after it with nothing encrypted
 * from the server in between: an alert with padding (Java's JSSE pads
 * TLS 1.3 records: its certificate_unknown is a 35-byte record, not 19).
 * It becomes the deciding alert, which nothing can read.
 */
static void
padded_alert(struct vctx *x, const size_t rec[8], size_t nrec)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e = NULL, *f;
	size_t i;

	if (!x->tls13 || nrec != 1 || x->alert != NULL || x->cclose == NULL ||
	    c->client_chain.present || rec[0] <= 8 ||
	    rec[0] >= 4 + finished_len(c->sh.suite))
		return;
	for (i = 0; i < c->num_events && e == NULL; i++)
		if (c->events[i].type == TL_EV_ENCRYPTED &&
		    c->events[i].dir == TL_C2S &&
		    c->events[i].flight == TL_FLIGHT_CLIENT_SECOND)
			e = &c->events[i];
	if (e == NULL || x->cclose < e)
		return;
	for (f = e + 1; f < x->cclose; f++)
		if (f->dir == TL_S2C && (f->type == TL_EV_ENCRYPTED ||
		    f->type == TL_EV_ALERT || f->type == TL_EV_APPDATA))
			return;
	x->alert = e;
	x->alert_padded = true;
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
		/* A first record too small for a Finished and for any
		 * certificate, padded (Java pads TLS 1.3 records: an empty
		 * Certificate of 24 bytes), followed by more of the flight
		 * or by the server's answer: the empty Certificate. Alone
		 * and followed by the client's close, it is an alert
		 * (padded_alert). */
		if (x->cflight == CF_UNKNOWN && rec[0] == 8)
			x->cflight = CF_EMPTY;
		else if (x->cflight == CF_UNKNOWN && rec[0] > 8 &&
		    rec[0] < fin && !x->alert_padded) {
			x->cflight = CF_EMPTY;
			x->ccert_padded = true;
			x->cflight_bytes = rec[0] + 17;
		}
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

/*
 * early_ccs finds a ChangeCipherSpec the client sent in a full TLS 1.2 (or
 * older) handshake after the server's ServerHelloDone and before any
 * handshake message of its own after the hello: there is no key yet to
 * change to. Only the probe for CCS injection (CVE-2014-0224) sends one
 * (nmap's ssl-ccs-injection). Not when client bytes are missing: the key
 * exchange may be among them.
 */
static const struct tl_event *
early_ccs(const struct vctx *x)
{
	const struct tl_conn *c = x->c;
	const struct tl_event *e;
	bool hello_done = false;
	size_t i;

	if (x->tls13 || !c->ccs[TL_C2S] || c->gap_bytes[TL_C2S] > 0)
		return NULL;
	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		if (e->type == TL_EV_CCS)
			return e->dir == TL_C2S && hello_done ? e : NULL;
		if (e->type != TL_EV_HANDSHAKE)
			continue;
		if (e->dir == TL_S2C &&
		    e->hs_type == TLS_HS_SERVER_HELLO_DONE)
			hello_done = true;
		else if (e->dir == TL_C2S && e->hs_type != TLS_HS_CLIENT_HELLO)
			return NULL;
	}
	return NULL;
}

void
vf_read(struct vctx *x, const struct tl_conn *c)
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
	x->early_ccs = early_ccs(x);
	padded_alert(x, rec, nrec);
	size_client_flight(x, rec, nrec);
	ccert_facts(x);
	done_facts(x);
	quit_facts(x);
}
