/* check_tls_stream.c - record sequences through tls_stream -> expected events, cipher states and results. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "tls_msg.h"
#include "tls_stream.h"

#include "hellos.h"
#include "check_main.h"

/*
 * The ServerHello bodies are real: tests/hellos.h and the one below; every
 * other record is made for the test: handshake messages other than the
 * ServerHello are a 4-byte header and filler (the hook here does not parse
 * them), and encrypted records are filler of the right length.
 */

/* pcaps/tls12-null-cipher.pcap frame 6 (read with tshark):
 * TLS_RSA_WITH_NULL_SHA256 (0x003b), a 32-byte MAC and no encryption */
static const uint8_t shnull[] = {
	0x03, 0x03, 0x03, 0xb5, 0x67, 0xa3, 0xaf, 0x7e, 0x6d, 0x6e, 0xe4, 0xec,
	0x33, 0xac, 0x29, 0xf7, 0xb8, 0x30, 0xfb, 0x93, 0x1f, 0x07, 0x16, 0xbe,
	0x17, 0xe3, 0xa6, 0x0f, 0x87, 0xa8, 0x68, 0x9f, 0x6d, 0x06, 0x00, 0x00,
	0x3b, 0x00, 0x00, 0x11, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x23, 0x00,
	0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
};

#define C	TL_C2S
#define S	TL_S2C

/* One connection under test: the stream, its timeline, what the hook saw
 * and the results of the feeds. */
struct t {
	struct tls_stream	 ts;
	struct tl_conn		*c;
	int			 msgs;
	uint8_t			 msg_type[32];
	size_t			 msg_len[32];
	unsigned		 out;		/* all results, or'ed */
	uint64_t		 frame;
	uint8_t			 buf[20000];
	size_t			 len;		/* bytes built, not yet fed */
};

static void
hook(void *arg, struct tls_stream_msg *m)
{
	struct t *t = arg;

	if (t->msgs < 32) {
		t->msg_type[t->msgs] = m->type;
		t->msg_len[t->msgs] = m->len;
	}
	t->msgs++;
	/* As the analyzer: a well-formed SSL 2.0 ServerHello is accepted. */
	if (m->sslv2 && m->type == TLS_HS_SERVER_HELLO)
		m->sslv2_server = true;
}

static struct t *
start(bool midstream)
{
	struct t *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->c = tl_conn_new(1);
	tls_stream_init(&t->ts, t->c, hook, t, midstream);
	return t;
}

static void
finish(struct t *t)
{
	tls_stream_cleanup(&t->ts);
	tl_conn_free(t->c);
	free(t);
}

/* rec appends one record: content type, |n| payload bytes (|p|, or filler
 * when NULL). */
static void
rec(struct t *t, uint8_t ct, const uint8_t *p, size_t n)
{
	uint8_t *b = t->buf + t->len;

	ck_assert_uint_le(t->len + 5 + n, sizeof(t->buf));
	b[0] = ct;
	b[1] = 3;
	b[2] = 3;
	b[3] = (uint8_t)(n >> 8);
	b[4] = (uint8_t)n;
	if (p != NULL)
		memcpy(b + 5, p, n);
	else
		memset(b + 5, 0xa5, n);
	t->len += 5 + n;
}

/* hs appends one handshake record holding one message of |type|: the
 * body |p| of |n| bytes, or |n| bytes of filler. */
static void
hs(struct t *t, uint8_t type, const uint8_t *p, size_t n)
{
	uint8_t m[4 + 256];

	ck_assert_uint_le(n, 256);
	m[0] = type;
	m[1] = 0;
	m[2] = (uint8_t)(n >> 8);
	m[3] = (uint8_t)n;
	if (p != NULL)
		memcpy(m + 4, p, n);
	else
		memset(m + 4, 0x5a, n);
	rec(t, TLS_CT_HANDSHAKE, m, 4 + n);
}

/* feed sends what was built, as one segment of |dir|. */
static unsigned
feed(struct t *t, int dir)
{
	struct tls_stamp at;
	unsigned r;

	at.frame = ++t->frame;
	at.ts_us = (int64_t)t->frame * 1000;
	r = tls_stream_feed(&t->ts, dir, t->buf, t->len, at);
	t->len = 0;
	t->out |= r;
	return r;
}

static const char *
type_name(const struct tl_event *e)
{
	static char hsbuf[8];

	switch ((enum tl_ev_type)e->type) {
	case TL_EV_HANDSHAKE:
		snprintf(hsbuf, sizeof(hsbuf), "HS%u", e->hs_type);
		return hsbuf;
	case TL_EV_CCS:		return "CCS";
	case TL_EV_ALERT:	return "ALERT";
	case TL_EV_APPDATA:	return "APP";
	case TL_EV_ENCRYPTED:	return "ENC";
	case TL_EV_NOT_TLS:	return "NOTTLS";
	case TL_EV_MALFORMED:	return "MALFORMED";
	case TL_EV_STARTTLS:	return "STARTTLS";
	case TL_EV_RESYNC:	return "RESYNC";
	default:		return "OTHER";
	}
}

/*
 * events renders the timeline in one line: per event its direction (>
 * client to server, < back), type (HS<n> for handshake message n), flags
 * (e encrypted, i inferred, d decrypted, 2 an SSL 2.0 hello) and flight
 * (:1 client first, :2 server, :3 client second, :4 after the handshake).
 */
static const char *
events(const struct t *t)
{
	static char out[1024];
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < t->c->num_events && n < sizeof(out) - 40; i++) {
		const struct tl_event *e = &t->c->events[i];

		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%c%s%s%s%s%s:%u",
		    i > 0 ? " " : "", e->dir == C ? '>' : '<', type_name(e),
		    e->encrypted ? "e" : "", e->inferred ? "i" : "",
		    e->decrypted ? "d" : "", e->sslv2 ? "2" : "", e->flight);
	}
	return out;
}

/* Heartbeat records (RFC 6520): what a readable request claims, against
 * what its record holds. Forged (a malformed case): the type byte, the
 * claimed payload length, then the bytes given. zeek's heartbleed.pcap
 * frame 19 (tshark: record 16368 bytes, payload_length 16365) is the
 * no-padding case. */
START_TEST(test_heartbeat)
{
	static const struct {
		uint8_t		 type;
		uint16_t	 claimed;
		size_t		 carried;	/* bytes after the header */
		const char	*what;
	} hb[] = {
		{ 1, 16384, 1, "request claiming more payload than its record "
		    "holds (the Heartbleed probe, CVE-2014-0160)" },
		{ 1, 16365, 16365, "request without the 16 bytes of padding "
		    "RFC 6520 requires (a patched server discards it)" },
		{ 1, 18, 34, "request" },
		{ 2, 18, 34, "response" },
	};
	uint8_t b[16400];
	struct t *t;
	size_t i;

	for (i = 0; i < sizeof(hb) / sizeof(hb[0]); i++) {
		t = start(false);
		hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
		feed(t, C);
		memset(b, 0x41, sizeof(b));
		b[0] = hb[i].type;
		b[1] = (uint8_t)(hb[i].claimed >> 8);
		b[2] = (uint8_t)hb[i].claimed;
		rec(t, TLS_CT_HEARTBEAT, b, 3 + hb[i].carried);
		feed(t, C);
		ck_assert_uint_eq(t->c->num_events, 2);
		ck_assert_int_eq(t->c->events[1].type, TL_EV_HEARTBEAT);
		ck_assert_uint_eq(t->c->events[1].len, 3 + hb[i].carried);
		ck_assert(!t->c->events[1].encrypted);
		ck_assert_str_eq(t->c->events[1].what, hb[i].what);
		ck_assert(t->c->heartbeat[C]);
		finish(t);
	}
	/* After the client's ChangeCipherSpec, without keys: encrypted. */
	t = start(false);
	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, sh12, sizeof(sh12));
	feed(t, S);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HEARTBEAT, NULL, 32);
	feed(t, C);
	ck_assert_int_eq(t->c->events[t->c->num_events - 1].type,
	    TL_EV_HEARTBEAT);
	ck_assert(t->c->events[t->c->num_events - 1].encrypted);
	ck_assert_ptr_null(t->c->events[t->c->num_events - 1].what);
	finish(t);
}
END_TEST

/* A TLS 1.2 full handshake without keys: the CCS makes each sender
 * ENCRYPTED, so its handshake record is its Finished; both settle the
 * handshake and what follows is read as headers only. */
START_TEST(test_tls12_ccs_then_finished)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	ck_assert_uint_eq(feed(t, C), 0);
	hs(t, TLS_HS_SERVER_HELLO, sh12, sizeof(sh12));
	hs(t, TLS_HS_SERVER_HELLO_DONE, NULL, 0);
	feed(t, S);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	hs(t, TLS_HS_CLIENT_KEY_EXCHANGE, NULL, 33);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, NULL, 40);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_ENCRYPTED);
	ck_assert_int_eq(t->ts.cipher[S], TLS_CIPHER_PLAIN);
	/* Even a record that would read as an alert is encrypted now. */
	rec(t, TLS_CT_ALERT, (const uint8_t *)"\1\0", 2);
	feed(t, C);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, NULL, 40);
	ck_assert_uint_eq(feed(t, S), TLS_STREAM_SETTLED);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 100);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 100);
	feed(t, C);
	ck_assert(t->ts.rec[C].skim && t->ts.rec[S].skim);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 <HS14:2 >HS16:3 >CCS:3 "
	    ">HS20e:3 >ALERTe:3 <CCS:2 <HS20e:2 >APP:4");
	ck_assert_int_eq(t->msgs, 4);	/* CH, SH, SHD, CKE */
	ck_assert(t->c->finished[C] && t->c->finished[S]);
	ck_assert_uint_eq(t->c->appdata_records[C], 2);
	finish(t);
}
END_TEST

/* The Finished that settles the handshake comes in the middle of a
 * segment: the records after it in the same segment are read as headers
 * only, so a handshake record there is a renegotiation, not a message. */
START_TEST(test_settle_mid_segment)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, sh12, sizeof(sh12));
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, NULL, 40);
	feed(t, S);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, NULL, 40);	/* settles */
	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);	/* skimmed */
	ck_assert_uint_eq(feed(t, C), TLS_STREAM_SETTLED);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 <CCS:2 <HS20e:2 >CCS:3 "
	    ">HS20e:3 >ENCe:4");
	ck_assert(t->c->renegotiated);
	ck_assert_int_eq(t->msgs, 2);
	finish(t);
}
END_TEST

/* TLS 1.3 without keys: the compatibility CCS changes nothing; the flight
 * phases follow who speaks; the server answering the client's flight
 * settles the handshake (both Finished inferred) and is tagged as after
 * the handshake; a first record of an alert's size after it is the
 * inferred alert that ends the session. */
START_TEST(test_tls13_flights)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, sh13, sizeof(sh13));
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 1500);
	feed(t, S);
	ck_assert(t->ts.tls13);
	ck_assert_int_eq(t->ts.cipher[S], TLS_CIPHER_ENCRYPTED);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 53);	/* client Finished */
	feed(t, C);
	ck_assert(t->c->encrypted_hs[C] && t->c->encrypted_hs[S]);
	ck_assert(!t->c->finished[C]);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 200);	/* a ticket */
	ck_assert_uint_eq(feed(t, S), TLS_STREAM_SETTLED);
	ck_assert(t->c->finished[C] && t->c->finished[S]);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 19);
	feed(t, C);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 <CCS:2 <ENCe:2 >CCS:3 "
	    ">ENCe:3 <ENCe:4 >ALERTei:4");
	ck_assert_uint_eq(t->c->appdata_records[C], 0);
	finish(t);
}
END_TEST

/* TLS 1.3 without keys: a record of an alert's size in the handshake is
 * an alert (the client rejecting the server's flight), and the server
 * answering with it does not settle anything; its answer is no longer
 * the server's flight (the verdict reads that tag). */
START_TEST(test_tls13_alert_in_handshake)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, sh13, sizeof(sh13));
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 1500);
	feed(t, S);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 19);
	feed(t, C);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 19);
	ck_assert_uint_eq(feed(t, S), 0);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 <ENCe:2 >ALERTei:3 "
	    "<ALERTei:4");
	ck_assert(!t->ts.settled);
	ck_assert(!t->c->finished[C] && !t->c->finished[S]);
	finish(t);
}
END_TEST

/* After a HelloRetryRequest the client's CCS is the compatibility one:
 * its second ClientHello is in the clear. */
START_TEST(test_hrr_compat_ccs)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, hrr, sizeof(hrr));
	feed(t, S);
	ck_assert(t->ts.hrr_seen && !t->ts.sh_seen);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	hs(t, TLS_HS_CLIENT_HELLO, NULL, 60);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 >CCS:1 >HS1:1");
	ck_assert_int_eq(t->msgs, 3);
	ck_assert_uint_eq(t->msg_len[2], 60);
	finish(t);
}
END_TEST

/* A one-sided capture: no ServerHello or HelloRetryRequest seen, so the
 * client's CCS makes it ENCRYPTED; a whole ClientHello after it shows the
 * CCS was TLS 1.3's compatibility one: back to PLAIN, and read. */
START_TEST(test_second_hello_after_ccs)
{
	struct t *t = start(false);
	uint8_t fin[40];

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_ENCRYPTED);
	hs(t, TLS_HS_CLIENT_HELLO, NULL, 70);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	ck_assert_str_eq(events(t), ">HS1:1 >CCS:1 >HS1:1");
	ck_assert(!t->c->finished[C]);
	/* Anything else after a CCS is the encrypted Finished, even one
	 * whose first bytes look like a ClientHello header of another
	 * length. */
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	memset(fin, 0xa5, sizeof(fin));
	fin[0] = TLS_HS_CLIENT_HELLO;
	fin[1] = fin[2] = 0;
	fin[3] = sizeof(fin) - 8;
	rec(t, TLS_CT_HANDSHAKE, fin, sizeof(fin));
	feed(t, C);
	ck_assert(t->c->finished[C]);
	ck_assert_str_eq(events(t), ">HS1:1 >CCS:1 >HS1:1 >CCS:1 >HS20e:1");
	finish(t);
}
END_TEST

/* A NULL cipher: after the CCS a record is the plaintext and a 32-byte
 * MAC (SHA-256), read as such; the handshake settles on both Finished
 * but both directions keep reading records (alerts in the clear). */
START_TEST(test_null_cipher)
{
	struct t *t = start(false);
	uint8_t al[2 + 32] = { 2, 40 };
	uint8_t fin[4 + 12 + 32] = { TLS_HS_FINISHED, 0, 0, 12 };

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	hs(t, TLS_HS_SERVER_HELLO, shnull, sizeof(shnull));
	feed(t, S);
	ck_assert_uint_eq(t->ts.null_mac, 32);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, fin, sizeof(fin));
	feed(t, C);
	rec(t, TLS_CT_CHANGE_CIPHER_SPEC, (const uint8_t *)"\1", 1);
	rec(t, TLS_CT_HANDSHAKE, fin, sizeof(fin));
	ck_assert_uint_eq(feed(t, S), TLS_STREAM_SETTLED);
	ck_assert(!t->ts.rec[C].skim && !t->ts.rec[S].skim);
	rec(t, TLS_CT_ALERT, al, sizeof(al));
	feed(t, S);
	ck_assert_str_eq(events(t), ">HS1:1 <HS2:2 >CCS:3 >HS20:3 <CCS:2 "
	    "<HS20:2 <ALERT:4");
	ck_assert_uint_eq(t->c->events[t->c->num_events - 1].alert_desc, 40);
	ck_assert_uint_eq(t->msg_len[2], 12);
	finish(t);
}
END_TEST

/* Application data before any ServerHello: early data or garbage, never
 * counted as the session's data. */
START_TEST(test_appdata_before_hello)
{
	struct t *t = start(false);

	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	rec(t, TLS_CT_APPLICATION_DATA, NULL, 300);
	feed(t, C);
	ck_assert_str_eq(events(t), ">HS1:1 >ENCe:1");
	ck_assert_uint_eq(t->c->appdata_records[C], 0);
	finish(t);
}
END_TEST

/* Midstream: the cipher state is UNKNOWN until a handshake message is
 * read; an alert that does not read as one is encrypted under keys whose
 * CCS came before the capture. */
START_TEST(test_midstream_unknown)
{
	struct t *t = start(true);

	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_UNKNOWN);
	ck_assert_int_eq(t->ts.cipher[S], TLS_CIPHER_UNKNOWN);
	rec(t, TLS_CT_ALERT, NULL, 26);
	feed(t, S);
	ck_assert_int_eq(t->ts.cipher[S], TLS_CIPHER_UNKNOWN);
	hs(t, TLS_HS_CLIENT_HELLO, NULL, 40);
	feed(t, C);
	ck_assert_int_eq(t->ts.cipher[C], TLS_CIPHER_PLAIN);
	ck_assert_str_eq(events(t), "<ALERTe:2 >HS1:1");
	finish(t);
}
END_TEST

/* Not TLS: the stream says so and asks its direction to stop. */
START_TEST(test_not_tls_stops)
{
	struct t *t = start(false);
	static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	memcpy(t->buf, get, sizeof(get) - 1);
	t->len = sizeof(get) - 1;
	ck_assert_uint_eq(feed(t, C), TLS_STREAM_STOP(C));
	ck_assert(t->c->not_tls[C]);
	ck_assert_str_eq(events(t), ">NOTTLS:1");
	finish(t);
}
END_TEST

/* Made for the test: an SSL 2.0 CLIENT-HELLO answered by an SSL 2.0
 * SERVER-HELLO the facts layer accepts: the client's direction stops and
 * the handshake is as settled as it gets. */
START_TEST(test_sslv2_server_hello)
{
	struct t *t = start(false);
	static const uint8_t ch2[] = {
		0x80, 0x1c, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00,
		0x00, 0x10, 0x07, 0x00, 0xc0, 0xaa, 0xaa, 0xaa, 0xaa,
		0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
		0xaa, 0xaa, 0xaa,
	};
	static const uint8_t sh2[] = {
		0x80, 0x0b, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};

	memcpy(t->buf, ch2, sizeof(ch2));
	t->len = sizeof(ch2);
	feed(t, C);
	memcpy(t->buf, sh2, sizeof(sh2));
	t->len = sizeof(sh2);
	ck_assert_uint_eq(feed(t, S), TLS_STREAM_SETTLED | TLS_STREAM_STOP(C));
	ck_assert_int_eq(t->ts.rec[C].state, TLS_REC_OFF);
	ck_assert_str_eq(events(t), ">HS12:1 <HS22:2");
	finish(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tls_stream");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_tls12_ccs_then_finished);
	tcase_add_test(tc, test_heartbeat);
	tcase_add_test(tc, test_settle_mid_segment);
	tcase_add_test(tc, test_tls13_flights);
	tcase_add_test(tc, test_tls13_alert_in_handshake);
	tcase_add_test(tc, test_hrr_compat_ccs);
	tcase_add_test(tc, test_second_hello_after_ccs);
	tcase_add_test(tc, test_null_cipher);
	tcase_add_test(tc, test_appdata_before_hello);
	tcase_add_test(tc, test_midstream_unknown);
	tcase_add_test(tc, test_not_tls_stops);
	tcase_add_test(tc, test_sslv2_server_hello);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(suite());
}
