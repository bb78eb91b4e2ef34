/* tls_stream.c - one connection's TLS: the record rules of each cipher state, flights, settling. */
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "starttls.h"
#include "timeline.h"
#include "tls_decrypt.h"
#include "tls_msg.h"
#include "tls_record.h"
#include "tls_stream.h"

/*
 * TLS 1.3 without keys: which encrypted flight is on the wire, in order.
 * Who sends the next encrypted record moves it on.
 */
enum {
	PH_NONE,		/* before the ServerHello */
	PH_SERVER_FLIGHT,	/* server EE .. Finished */
	PH_CLIENT_FLIGHT,	/* client [Certificate, CV,] Finished */
	PH_SERVER_ANSWER,	/* what the server did next */
	PH_DONE,
};

/*
 * RFC 8446 5.2: an encrypted alert is 2 bytes + 1 content type byte + a
 * 16-byte AEAD tag = 19 bytes under every TLS 1.3 cipher suite.
 */
#define TLS13_ALERT_RECORD	19

static enum tls_rec_next rec_record(void *, uint8_t, uint16_t,
		    const uint8_t *, size_t);
static void	rec_sslv2(void *, const uint8_t *, size_t);
static void	rec_not_tls(void *, const uint8_t *, size_t);
static void	rec_resync(void *, const char *, uint64_t);
static bool	hs_msg(void *, uint8_t, const uint8_t *, size_t, bool);

static const struct tls_rec_cb rec_cb = {
	rec_record, rec_sslv2, rec_not_tls, rec_resync
};
static const struct tls_hs_cb hs_cb = { hs_msg };

void
tls_stream_init(struct tls_stream *ts, struct tl_conn *c,
    tls_stream_msg_fn fn, void *arg, bool midstream)
{
	int d;

	memset(ts, 0, sizeof(*ts));
	ts->c = c;
	ts->msg_fn = fn;
	ts->msg_arg = arg;
	for (d = 0; d < 2; d++) {
		ts->d[d].ts = ts;
		ts->d[d].dir = d;
		tls_rec_init(&ts->rec[d], LIMIT_RECORD_BYTES + 5);
		tls_hs_init(&ts->hs[d], LIMIT_HS_MSG_BYTES);
		ts->cipher[d] = midstream ? TLS_CIPHER_UNKNOWN :
		    TLS_CIPHER_PLAIN;
		/* Midstream: the stream may start inside a record, so look
		 * for the next plausible record header; no preamble. */
		if (midstream)
			tls_rec_gap(&ts->rec[d], &rec_cb, &ts->d[d], 0);
	}
	ts->st_done = midstream;
}

/* What a connection keeps while it reads a preamble (|ts->st| points at
 * its reader, the first member). */
struct preamble {
	struct starttls		st;
	struct tls_stamp	at[2];	/* each direction's first byte */
};

static struct preamble *
preamble_of(const struct tls_stream *ts)
{
	return (struct preamble *)(void *)ts->st;
}

/* st_end frees the preamble's reader: nothing more is read as one. */
static void
st_end(struct tls_stream *ts)
{
	if (ts->st != NULL) {
		starttls_cleanup(ts->st);
		free(preamble_of(ts));
		ts->st = NULL;
	}
	ts->st_done = true;
}

void
tls_stream_cleanup(struct tls_stream *ts)
{
	int d;

	for (d = 0; d < 2; d++) {
		tls_rec_cleanup(&ts->rec[d]);
		tls_hs_cleanup(&ts->hs[d]);
	}
	st_end(ts);		/* a preamble cut short */
	free(ts->ovpn);
	ts->ovpn = NULL;
	tls_decrypt_free(ts->dec);
	ts->dec = NULL;
	tls_decrypt_free(ts->dec_next);
	ts->dec_next = NULL;
}

size_t
tls_stream_mem(const struct tls_stream *ts)
{
	const struct buf *b[4] = { &ts->rec[0].pending, &ts->hs[0].pending,
	    &ts->rec[1].pending, &ts->hs[1].pending };
	size_t i, m = 0;

	for (i = 0; i < 4; i++)
		if (b[i]->cap > 0)
			m += b[i]->cap + ALLOC_OVERHEAD;
	if (ts->ovpn != NULL)
		m += sizeof(*ts->ovpn) + ALLOC_OVERHEAD;
	if (ts->st != NULL)
		m += sizeof(struct preamble) + ALLOC_OVERHEAD +
		    ts->st->line[0].cap +
		    ts->st->line[1].cap;
	return m;
}

/* flight says which handshake flight a record or message of |dir| is in
 * now: the client's first before any ServerHello, then the server's and
 * the client's second, and everything once the handshake is over. */
static enum tl_flight
flight(const struct tls_stream *ts, int dir)
{
	if (ts->settled)
		return TL_FLIGHT_POST;
	/* TLS 1.3 without keys: the phase says it; what the server says
	 * after the client's flight is its answer. */
	if (ts->phase >= PH_SERVER_ANSWER ||
	    (dir == TL_S2C && ts->phase == PH_CLIENT_FLIGHT))
		return TL_FLIGHT_POST;
	if (dir == TL_S2C)
		return TL_FLIGHT_SERVER;
	return ts->sh_seen ? TL_FLIGHT_CLIENT_SECOND : TL_FLIGHT_CLIENT_FIRST;
}

/* ev adds an event of |dir| stamped with the bytes being read and tagged
 * with its flight. */
static struct tl_event *
ev(struct tls_stream *ts, enum tl_ev_type type, int dir)
{
	struct tl_event *e;

	e = tl_add_event(ts->c, type, (enum tl_dir)dir, ts->at.frame,
	    ts->at.ts_us);
	e->flight = (uint8_t)flight(ts, dir);
	return e;
}

/* dec_of: the keys |dir|'s records are read with: a renegotiation's
 * once that side changed cipher. */
static struct tls_decrypt *
dec_of(const struct tls_stream *ts, int dir)
{
	return ts->renewed[dir] ? ts->dec_next : ts->dec;
}

/* keys_active: records of |dir| are read with the key log. */
static bool
keys_active(const struct tls_stream *ts, int dir)
{
	struct tls_decrypt *d = dec_of(ts, dir);

	return d != NULL && tls_decrypt_active(d, dir);
}

/* drop_keys forgets the key log state (a key that does not fit). */
static void
drop_keys(struct tls_stream *ts)
{
	tls_decrypt_free(ts->dec);
	tls_decrypt_free(ts->dec_next);
	ts->dec = ts->dec_next = NULL;
	ts->renewing[0] = ts->renewing[1] = false;
	ts->renewed[0] = ts->renewed[1] = false;
}

/* renew_ccs: |dir| changed cipher in a renegotiation. Once both sides
 * did, the renegotiation's keys are the connection's. */
static void
renew_ccs(struct tls_stream *ts, int dir)
{
	ts->renewing[dir] = false;
	ts->renewed[dir] = true;
	if (ts->dec_next != NULL)
		tls_decrypt_ccs(ts->dec_next, dir);
	if (ts->renewed[!dir]) {
		tls_decrypt_free(ts->dec);
		ts->dec = ts->dec_next;
		ts->dec_next = NULL;
		ts->renewed[0] = ts->renewed[1] = false;
	}
}

/*
 * settle: the handshake is over. A direction whose records may still say
 * something (keys for late alerts, a NULL cipher's alerts in the clear)
 * keeps reading them; the others read record headers only from now on.
 * |dir|'s reader is the one running: it hears so from its callback's
 * return (ts->skim), the other is switched at once.
 */
static void
settle(struct tls_stream *ts, int dir)
{
	int d;

	if (ts->settled)
		return;
	ts->settled = true;
	ts->out |= TLS_STREAM_SETTLED;
	for (d = 0; d < 2; d++) {
		if (keys_active(ts, d) || ts->null_mac > 0)
			continue;
		if (d == dir) {
			ts->skim[d] = true;
			continue;
		}
		tls_rec_skim(&ts->rec[d]);
		tls_hs_discard(&ts->hs[d]);
	}
}

/* ---- handshake messages ---- */

/* hello_tls13: TLS 1.3, its drafts (0x7fNN), Facebook's (0xfbNN) and
 * Chrome's experiment 0x7e01 all encrypt after the ServerHello. */
static bool
hello_tls13(uint16_t v)
{
	return v == TLS_V_TLS13 || (v & 0xff00) == 0x7f00 ||
	    (v & 0xff00) == 0xfb00 || v == 0x7e01;
}

/* server_hello applies a well-formed ServerHello to the cipher state:
 * the first one that is not a HelloRetryRequest decides. */
static void
server_hello(struct tls_stream *ts, const struct tls_server_hello *h)
{
	uint16_t v = tls_server_hello_version(h);

	if (h->is_hrr) {
		ts->hrr_seen = true;
		return;
	}
	if (ts->sh_seen)
		return;
	ts->sh_seen = true;
	if (hello_tls13(v)) {
		ts->tls13 = true;
		/* Everything the server sends after it is encrypted. */
		ts->cipher[TL_S2C] = TLS_CIPHER_ENCRYPTED;
		ts->phase = PH_SERVER_FLIGHT;
	} else
		ts->null_mac = (uint16_t)tls_null_mac_len(h->suite);
}

/* message_done applies what a whole message changes after the facts
 * layer read it: Finished and KeyUpdate move the keys on. */
static void
message_done(struct tls_stream *ts, int dir, uint8_t type)
{
	switch (type) {
	case TLS_HS_FINISHED:
		ts->c->finished[dir] = true;
		if (ts->dec != NULL && ts->tls13)
			tls_decrypt_finished(ts->dec, dir);
		break;
	case TLS_HS_KEY_UPDATE:
		/* RFC 8446 4.6.3: the sender's next records use the next
		 * application traffic secret. */
		if (ts->dec != NULL && ts->tls13)
			tls_decrypt_key_update(ts->dec, dir);
		break;
	default:
		break;
	}
}

/* msg_init fills what the facts hook gets for the message of event |e|. */
static void
msg_init(struct tls_stream_msg *m, struct tls_stream *ts, struct tl_event *e,
    const uint8_t *body, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->c = ts->c;
	m->ev = e;
	m->dir = e->dir;
	m->type = e->hs_type;
	m->body = body;
	m->len = len;
}

/* hs_msg is the defragmenter's callback: one whole message. It returns
 * true when the handshake settled and |dir| wants no more messages. */
static bool
hs_msg(void *arg, uint8_t type, const uint8_t *body, size_t len,
    bool truncated)
{
	struct tls_stream_dir *sd = arg;
	struct tls_stream *ts = sd->ts;
	struct tls_stream_msg m;
	struct tls_server_hello sh;
	struct tl_event *e;
	struct rd r;
	int dir = sd->dir;
	bool reneg;

	e = ev(ts, TL_EV_HANDSHAKE, dir);
	e->hs_type = type;
	e->len = (uint32_t)len;
	e->decrypted = keys_active(ts, dir);
	if (ts->cipher[dir] == TLS_CIPHER_UNKNOWN)
		ts->cipher[dir] = TLS_CIPHER_PLAIN;
	if (truncated) {
		e->what = "message larger than the capture limit; truncated";
		return false;
	}
	msg_init(&m, ts, e, body, len);
	/* A second ServerHello with keys in use: a renegotiation. */
	reneg = type == TLS_HS_SERVER_HELLO && ts->sh_seen && !ts->tls13 &&
	    ts->dec != NULL;
	if (type == TLS_HS_SERVER_HELLO) {
		rd_init(&r, body, len);
		if (tls_parse_server_hello(&r, &sh) == TLS_OK) {
			server_hello(ts, &sh);
			m.sh = &sh;
		}
	}
	m.tls13 = ts->tls13;
	m.dec = ts->dec;
	ts->msg_fn(ts->msg_arg, &m);
	if (reneg) {
		tls_decrypt_free(ts->dec_next);
		ts->dec_next = m.keys;
		ts->renewing[0] = ts->renewing[1] = true;
		ts->renewed[0] = ts->renewed[1] = false;
	} else if (m.keys != NULL && ts->dec == NULL)
		ts->dec = m.keys;
	else
		tls_decrypt_free(m.keys);
	message_done(ts, dir, type);
	/* TLS 1.2 and below: both Finished read means the handshake is done. */
	if (ts->c->finished[0] && ts->c->finished[1])
		settle(ts, dir);
	return ts->skim[dir];
}

/* ---- records ---- */

/*
 * encrypted_13: TLS 1.3 without keys, an encrypted record before the
 * handshake settled. Who sends it moves the flight phase on. Rules:
 * - a record of an alert's size is an alert (inferred);
 * - the server speaking again after the client's flight, not with an
 *   alert, accepted it (a ticket or data follows): both Finished are
 *   inferred and the handshake is over.
 */
static void
encrypted_13(struct tls_stream *ts, int dir, size_t len, struct tl_event *e)
{
	struct tl_conn *c = ts->c;

	if (dir == TL_C2S && ts->phase == PH_SERVER_FLIGHT)
		ts->phase = PH_CLIENT_FLIGHT;
	else if (dir == TL_S2C && ts->phase == PH_CLIENT_FLIGHT)
		ts->phase = PH_SERVER_ANSWER;
	if (len == TLS13_ALERT_RECORD) {
		e->type = TL_EV_ALERT;
		e->encrypted = true;
		e->inferred = true;
		return;
	}
	if (ts->phase == PH_CLIENT_FLIGHT)
		c->encrypted_hs[TL_C2S] = true;
	if (ts->phase == PH_SERVER_FLIGHT)
		c->encrypted_hs[TL_S2C] = true;
	if (ts->phase == PH_SERVER_ANSWER && dir == TL_S2C) {
		c->finished[TL_C2S] = true;
		c->finished[TL_S2C] = true;
		ts->phase = PH_DONE;
		settle(ts, dir);
	}
}

/*
 * appdata counts an application data record. TLS 1.3 without keys: a
 * first record of exactly the size of an alert, once the handshake is
 * over, is most likely the alert that ends the session (close_notify: a
 * client that checked the certificate after the handshake and left),
 * not data.
 */
static void
appdata(struct tls_stream *ts, int dir, size_t len)
{
	struct tl_conn *c = ts->c;
	struct tl_event *e;

	if (ts->tls13 && ts->dec == NULL && len == TLS13_ALERT_RECORD &&
	    c->appdata_records[dir] == 0) {
		e = ev(ts, TL_EV_ALERT, dir);
		e->len = (uint32_t)len;
		e->encrypted = true;
		e->inferred = true;
		return;
	}
	c->appdata_records[dir]++;
	c->appdata_bytes[dir] += len;
	if (c->appdata_records[dir] == 1) {
		e = ev(ts, TL_EV_APPDATA, dir);
		e->len = (uint32_t)len;
	}
}

/* plain_alerts says whether |p| reads as a few cleartext alerts in one
 * record (RFC 5246 allows several): pairs of level 1 or 2 and a
 * description. */
static bool
plain_alerts(const uint8_t *p, size_t len)
{
	size_t i;

	if (len == 0 || len % 2 != 0 || len > 8)
		return false;
	for (i = 0; i < len; i += 2)
		if (p[i] != 1 && p[i] != 2)
			return false;
	return true;
}

/* alert: an alert record read in the clear or with keys. One that does
 * not read as alerts is encrypted under keys whose ChangeCipherSpec is
 * not in the capture (it began after it: UNKNOWN), or broken. */
static void
alert(struct tls_stream *ts, int dir, const uint8_t *p, size_t len,
    bool decrypted)
{
	struct tl_event *e;
	struct tls_alert al;
	struct rd r;

	e = ev(ts, TL_EV_ALERT, dir);
	e->len = (uint32_t)len;
	e->decrypted = decrypted;
	if (!decrypted && len != 2 && !plain_alerts(p, len)) {
		e->encrypted = true;
		return;
	}
	rd_init(&r, p, len);
	if (tls_parse_alert(&r, &al) != TLS_OK) {
		e->what = "malformed Alert";
		return;
	}
	e->alert_level = al.level;
	e->alert_desc = al.description;
}

/*
 * ccs: a ChangeCipherSpec. In TLS 1.2 and below the sender's next records
 * are encrypted. The TLS 1.3 compatibility CCS (RFC 8446 D.4, also after
 * a HelloRetryRequest) changes nothing.
 */
static void
ccs(struct tls_stream *ts, int dir, size_t len)
{
	struct tl_event *e;

	e = ev(ts, TL_EV_CCS, dir);
	e->len = (uint32_t)len;
	ts->c->ccs[dir] = true;
	if (ts->tls13 || (ts->hrr_seen && !ts->sh_seen))
		return;
	ts->cipher[dir] = TLS_CIPHER_ENCRYPTED;
	if (ts->renewing[dir])
		renew_ccs(ts, dir);
	else if (ts->dec != NULL)
		tls_decrypt_ccs(ts->dec, dir);
}

/* What a Heartbeat request (RFC 6520 4: type, payload_length, payload,
 * at least 16 bytes of padding) is when it claims more payload than its
 * record holds, or leaves no room for the padding (OpenSSL's fix for
 * CVE-2014-0160 discards both). */
static const char hb_bleed[] = "request claiming more payload than its "
    "record holds (the Heartbleed probe, CVE-2014-0160)";
static const char hb_nopad[] = "request without the 16 bytes of padding "
    "RFC 6520 requires (a patched server discards it)";

/* heartbeat puts a Heartbeat record of |len| bytes on the timeline, the
 * first LIMIT_RENEG_EVENTS of them; |p| NULL: not readable. */
static void
heartbeat(struct tls_stream *ts, int dir, const uint8_t *p, size_t len,
    bool decrypted)
{
	struct tl_event *e;
	struct rd r;
	uint8_t type;
	uint16_t claimed;

	ts->c->heartbeat[dir] = true;
	if (ts->hb_events >= LIMIT_RENEG_EVENTS)
		return;
	ts->hb_events++;
	e = ev(ts, TL_EV_HEARTBEAT, dir);
	e->len = (uint32_t)len;
	e->encrypted = p == NULL || decrypted;
	e->decrypted = decrypted;
	if (p == NULL)
		return;
	rd_init(&r, p, len);
	if (!rd_u8(&r, &type) || !rd_u16(&r, &claimed))
		return;
	if (type == 1 && claimed > rd_left(&r))
		e->what = hb_bleed;
	else if (type == 1 && (size_t)claimed + 16 > rd_left(&r))
		e->what = hb_nopad;
	else if (type == 1)
		e->what = "request";
	else if (type == 2)
		e->what = "response";
}

/* plaintext handles one record whose content is readable: sent in the
 * clear, or decrypted with the key log. */
static void
plaintext(struct tls_stream *ts, int dir, uint8_t ct, const uint8_t *p,
    size_t len, bool decrypted)
{
	switch (ct) {
	case TLS_CT_CHANGE_CIPHER_SPEC:
		ccs(ts, dir, len);
		break;
	case TLS_CT_ALERT:
		alert(ts, dir, p, len, decrypted);
		break;
	case TLS_CT_HANDSHAKE:
		tls_hs_feed(&ts->hs[dir], &hs_cb, &ts->d[dir], p, len);
		break;
	case TLS_CT_APPLICATION_DATA:
		appdata(ts, dir, len);
		break;
	case TLS_CT_HEARTBEAT:
		heartbeat(ts, dir, p, len, decrypted);
		break;
	default:
		break;
	}
}

/*
 * skimmed: a record header read after the handshake. TLS 1.2 and older:
 * handshake records after the handshake are a renegotiation (a server
 * asking for a client certificate late, say), encrypted.
 */
static void
skimmed(struct tls_stream *ts, int dir, uint8_t ct, size_t len)
{
	struct tl_event *e;

	if (ct == TLS_CT_APPLICATION_DATA)
		appdata(ts, dir, len);
	else if (ct == TLS_CT_HEARTBEAT)
		heartbeat(ts, dir, NULL, len, false);
	else if (ct == TLS_CT_ALERT) {
		e = ev(ts, TL_EV_ALERT, dir);
		e->len = (uint32_t)len;
		e->encrypted = true;
	} else if ((ct == TLS_CT_HANDSHAKE ||
	    ct == TLS_CT_CHANGE_CIPHER_SPEC) && !ts->tls13 &&
	    ts->reneg_events < LIMIT_RENEG_EVENTS) {
		ts->reneg_events++;
		ts->c->renegotiated = true;
		e = ev(ts, ct == TLS_CT_HANDSHAKE ? TL_EV_ENCRYPTED :
		    TL_EV_CCS, dir);
		e->len = (uint32_t)len;
		e->encrypted = ct == TLS_CT_HANDSHAKE;
		e->what = "renegotiation";
	}
}

/* decrypt opens an encrypted record with the key log; true when it was
 * read (and handled) that way. A key that does not fit drops the key log
 * state; a missing one leaves the record to the rules of ENCRYPTED. */
static bool
decrypt(struct tls_stream *ts, int dir, uint8_t ct, uint16_t version,
    const uint8_t *p, size_t len)
{
	struct tl_event *e;
	uint8_t inner_ct;
	const uint8_t *pt;
	size_t pt_len;
	enum tls_decrypt_result dr;

	if (dec_of(ts, dir) == NULL || ct == TLS_CT_CHANGE_CIPHER_SPEC ||
	    !(ts->cipher[dir] == TLS_CIPHER_ENCRYPTED ||
	    (ts->tls13 && ct == TLS_CT_APPLICATION_DATA)))
		return false;
	dr = tls_decrypt_record(dec_of(ts, dir), dir, ct, version, p, len,
	    &inner_ct, &pt, &pt_len);
	if (dr == TLS_DECRYPT_OK) {
		if (inner_ct == TLS_CT_HANDSHAKE &&
		    !tls_hs_partial(&ts->hs[dir]) && ts->tls13 &&
		    dir == TL_C2S && ts->phase == PH_SERVER_FLIGHT)
			ts->phase = PH_CLIENT_FLIGHT;
		plaintext(ts, dir, inner_ct, pt, pt_len, true);
		return true;
	}
	if (dr == TLS_DECRYPT_BAD_KEY) {
		e = ev(ts, TL_EV_MALFORMED, dir);
		e->what = "key log entry does not match this connection";
		drop_keys(ts);
	}
	return false;	/* TLS_DECRYPT_NO_KEY: inference */
}

/* second_hello: a whole ClientHello in one handshake record. */
static bool
second_hello(const uint8_t *p, size_t len)
{
	return len >= 4 && p[0] == TLS_HS_CLIENT_HELLO &&
	    ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]) + 4 == len;
}

/*
 * encrypted: a record of an ENCRYPTED direction that the key log did not
 * open; true when a rule took it. Rules, in order:
 * - a second ClientHello from a client with no ServerHello seen (a
 *   one-sided capture): its CCS was TLS 1.3's compatibility one, before
 *   a ClientHello answering a HelloRetryRequest, in the clear: PLAIN;
 * - a NULL cipher: the record is the plaintext and a MAC;
 * - TLS 1.2: the only handshake message after ChangeCipherSpec is
 *   Finished (RFC 5246 7.4.9);
 * - an alert is encrypted.
 */
static bool
encrypted(struct tls_stream *ts, int dir, uint8_t ct, const uint8_t *p,
    size_t len)
{
	struct tl_conn *c = ts->c;
	struct tl_event *e;

	if (ct == TLS_CT_HEARTBEAT) {
		heartbeat(ts, dir, NULL, len, false);
		return true;
	}
	if (ct == TLS_CT_HANDSHAKE && !ts->tls13 && dir == TL_C2S &&
	    !ts->sh_seen && second_hello(p, len)) {
		ts->cipher[dir] = TLS_CIPHER_PLAIN;
		return false;
	}
	if ((ct == TLS_CT_HANDSHAKE || ct == TLS_CT_ALERT) &&
	    len > ts->null_mac && ts->null_mac > 0) {
		plaintext(ts, dir, ct, p, len - ts->null_mac, false);
		return true;
	}
	if (ct == TLS_CT_HANDSHAKE && !ts->tls13) {
		e = ev(ts, TL_EV_HANDSHAKE, dir);
		e->hs_type = TLS_HS_FINISHED;
		e->encrypted = true;
		e->len = (uint32_t)len;
		c->finished[dir] = true;
		if (c->finished[0] && c->finished[1])
			settle(ts, dir);
		return true;
	}
	if (ct == TLS_CT_ALERT) {
		e = ev(ts, TL_EV_ALERT, dir);
		e->len = (uint32_t)len;
		e->encrypted = true;
		return true;
	}
	return false;
}

/* record reads one whole record of |dir| by the rules of its cipher
 * state. */
static void
record(struct tls_stream *ts, int dir, uint8_t ct, uint16_t version,
    const uint8_t *p, size_t len)
{
	struct tl_event *e;

	if (decrypt(ts, dir, ct, version, p, len))
		return;
	if (ts->tls13 && ct == TLS_CT_APPLICATION_DATA && !ts->settled) {
		/* TLS 1.3 without keys: a handshake-phase record. */
		e = ev(ts, TL_EV_ENCRYPTED, dir);
		e->len = (uint32_t)len;
		e->encrypted = true;
		encrypted_13(ts, dir, len, e);
		return;
	}
	if (ts->cipher[dir] == TLS_CIPHER_ENCRYPTED &&
	    encrypted(ts, dir, ct, p, len))
		return;
	if (ct == TLS_CT_APPLICATION_DATA && !ts->sh_seen) {
		/* Early data or garbage before the ServerHello. */
		e = ev(ts, TL_EV_ENCRYPTED, dir);
		e->len = (uint32_t)len;
		e->encrypted = true;
		return;
	}
	plaintext(ts, dir, ct, p, len, false);
}

/* rec_record is the record layer's callback: one whole record, or after
 * the handshake its header only (p == NULL). */
static enum tls_rec_next
rec_record(void *arg, uint8_t ct, uint16_t version, const uint8_t *p,
    size_t len)
{
	struct tls_stream_dir *sd = arg;
	struct tls_stream *ts = sd->ts;
	int dir = sd->dir;

	ts->c->tls[dir] = true;
	if (ts->c->record_version[dir] == 0)
		ts->c->record_version[dir] = version;
	if (p == NULL) {
		skimmed(ts, dir, ct, len);
		return TLS_REC_NEXT_READ;
	}
	record(ts, dir, ct, version, p, len);
	if (!ts->skim[dir])
		return TLS_REC_NEXT_READ;
	/* Settled from this record: its defragmenter has returned. */
	ts->skim[dir] = false;
	tls_hs_discard(&ts->hs[dir]);
	return TLS_REC_NEXT_SKIM;
}

/*
 * sslv2: an SSL 2.0 hello. A SERVER-HELLO (message type 4) that the facts
 * layer reads means the server speaks only SSL 2.0: the client's next
 * messages are SSL 2.0 records too, so that direction stops, and the
 * handshake is as settled as it will get.
 */
static void
rec_sslv2(void *arg, const uint8_t *p, size_t len)
{
	struct tls_stream_dir *sd = arg;
	struct tls_stream *ts = sd->ts;
	struct tls_stream_msg m;
	struct tl_event *e;
	bool server = len > 0 && p[0] == 4;

	ts->c->tls[sd->dir] = true;
	e = ev(ts, TL_EV_HANDSHAKE, sd->dir);
	e->hs_type = server ? TLS_HS_SERVER_HELLO : TLS_HS_CLIENT_HELLO;
	e->sslv2 = true;
	e->len = (uint32_t)len;
	msg_init(&m, ts, e, p, len);
	m.sslv2 = true;
	ts->msg_fn(ts->msg_arg, &m);
	if (!server || !m.sslv2_server)
		return;
	if (!ts->sh_seen) {
		ts->sh_seen = true;
		ts->null_mac = (uint16_t)tls_null_mac_len(0);
	}
	tls_rec_off(&ts->rec[!sd->dir]);
	ts->settled = true;
	ts->out |= TLS_STREAM_SETTLED | TLS_STREAM_STOP(!sd->dir);
}

static void
rec_not_tls(void *arg, const uint8_t *p, size_t len)
{
	struct tls_stream_dir *sd = arg;
	struct tl_event *e;

	sd->ts->c->not_tls[sd->dir] = true;
	e = ev(sd->ts, TL_EV_NOT_TLS, sd->dir);
	tl_event_set_raw(sd->ts->c, e, p, len);
	/* Nothing more to learn from this direction. */
	sd->ts->out |= TLS_STREAM_STOP(sd->dir);
}

static void
rec_resync(void *arg, const char *what, uint64_t skipped)
{
	struct tls_stream_dir *sd = arg;
	struct tl_event *e;

	/* A stream whose first captured byte starts a record (the capture
	 * began between records) skipped nothing: nothing to tell. */
	if (skipped == 0 && sd->ts->rec[sd->dir].records == 0)
		return;
	e = ev(sd->ts, TL_EV_RESYNC, sd->dir);
	e->what = what;
	e->bytes = skipped;
}

/* ---- the preamble before TLS ---- */

/* preamble_events puts on the timeline what the STARTTLS or proxy
 * preamble reader just found in |p|: an upgrade, a refusal, or a server
 * greeting the client answered with TLS without asking. */
static void
preamble_events(struct tls_stream *ts, int dir, const uint8_t *p,
    size_t len)
{
	struct starttls *st = ts->st;
	struct tl_conn *c = ts->c;
	struct tl_event *e;

	if (st->upgraded_now) {
		st->upgraded_now = false;
		c->starttls = true;
		c->starttls_proto = st->proto;
		c->tunnel_port = st->dest_port;
		e = ev(ts, TL_EV_STARTTLS, dir);
		e->what = st->proto;
	}
	if (st->refused_now) {
		/* The refusal names the protocol, the side and why; raw
		 * keeps the refusing bytes for the evidence. */
		st->refused_now = false;
		e = ev(ts, TL_EV_STARTTLS, dir);
		e->what = st->why != NULL ? st->why : "upgrade refused";
		tl_event_set_raw(c, e, p, len);
		c->starttls_proto = st->proto;
		c->starttls_refused = e->what;
	}
	if (st->state == STARTTLS_FOLLOW && st->proto != NULL) {
		c->plain_proto = st->proto;
		c->plain_asked = st->requested;
	}
	if (st->unasked_now) {
		/* The server's greeting was plaintext and the client answered
		 * it with TLS: show the greeting as the server's NotTLS, at
		 * the frame that carried it. */
		st->unasked_now = false;
		c->not_tls[TL_S2C] = true;
		e = tl_add_event(c, TL_EV_NOT_TLS, TL_S2C,
		    preamble_of(ts)->at[TL_S2C].frame,
		    preamble_of(ts)->at[TL_S2C].ts_us);
		e->flight = (uint8_t)flight(ts, TL_S2C);
		tl_event_set_raw(c, e, st->head[TL_S2C],
		    st->head_len[TL_S2C]);
		ts->out |= TLS_STREAM_STOP(TL_S2C);
	}
}

/* ovpn_tls hands the TLS that an OpenVPN packet carried to the record
 * layer. */
static void
ovpn_tls(void *arg, int dir, const uint8_t *p, size_t len)
{
	struct tls_stream *ts = arg;

	tls_rec_feed(&ts->rec[dir], &rec_cb, &ts->d[dir], p, len);
}

/*
 * ovpn_start looks at the client's first bytes for OpenVPN's first packet
 * (OpenVPN over TCP, on port 1194 or often 443): its TLS is then read out
 * of the control channel's packets, and the timeline says so. With
 * tls-crypt that channel is encrypted: nothing of its TLS can be read.
 */
static void
ovpn_start(struct tls_stream *ts, const uint8_t *p, size_t len)
{
	struct ovpn o;
	struct tl_event *e;

	if (!ovpn_detect(&o, p, len))
		return;
	ts->ovpn = xcalloc(1, sizeof(*ts->ovpn));
	*ts->ovpn = o;
	st_end(ts);
	ts->c->starttls = true;
	ts->c->starttls_proto = "OpenVPN";
	ts->c->tunnel_opaque = o.opaque;
	e = ev(ts, TL_EV_STARTTLS, TL_C2S);
	e->what = o.opaque ? "OpenVPN, control channel encrypted (tls-crypt)" :
	    "OpenVPN";
}

/* ovpn_read reads |dir|'s bytes of an OpenVPN connection. */
static unsigned
ovpn_read(struct tls_stream *ts, int dir, const uint8_t *p, size_t len)
{
	struct tl_event *e;

	if (!ovpn_feed(ts->ovpn, dir, p, len, ovpn_tls, ts)) {
		e = ev(ts, TL_EV_MALFORMED, dir);
		e->what = "OpenVPN framing lost: the rest of this direction "
		    "is not read";
	}
	return ts->out;
}

unsigned
tls_stream_feed(struct tls_stream *ts, int dir, const uint8_t *p, size_t len,
    struct tls_stamp at)
{
	size_t used;

	ts->at = at;
	ts->out = 0;
	if (ts->ovpn != NULL)
		return ovpn_read(ts, dir, p, len);
	if (!ts->st_done && ts->rec[dir].state == TLS_REC_DETECT &&
	    ts->rec[dir].pending.len == 0) {
		/* The client's first bytes: OpenVPN's first packet? */
		if (dir == TL_C2S && (ts->st == NULL ||
		    (ts->st->state == STARTTLS_DETECT &&
		    ts->st->head_len[dir] == 0))) {
			ovpn_start(ts, p, len);
			if (ts->ovpn != NULL)
				return ovpn_read(ts, dir, p, len);
		}
		/* TLS from the first byte, as on most connections: no
		 * preamble reader to set up, it would give up at once. */
		if (ts->st == NULL && starttls_is_tls(p, len))
			st_end(ts);
		else {
			if (ts->st == NULL) {
				ts->st = &((struct preamble *)xcalloc(1,
				    sizeof(struct preamble)))->st;
				starttls_init(ts->st);
			}
			if (ts->st->head_len[dir] == 0)
				preamble_of(ts)->at[dir] = at;
			used = starttls_feed(ts->st, dir, p, len);
			preamble_events(ts, dir, p, len);
			if (ts->st->state == STARTTLS_DONE)
				st_end(ts);
			if (used == len)
				return ts->out;
			p += used;
			len -= used;
		}
	}
	tls_rec_feed(&ts->rec[dir], &rec_cb, &ts->d[dir], p, len);
	return ts->out;
}

void
tls_stream_gap(struct tls_stream *ts, int dir, uint64_t nbytes)
{
	if (ts->ovpn != NULL)
		ovpn_gap(ts->ovpn, dir);
	tls_hs_reset(&ts->hs[dir]);
	tls_rec_gap(&ts->rec[dir], &rec_cb, &ts->d[dir], nbytes);
}
