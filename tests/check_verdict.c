/* check_verdict.c - the rule table on timelines built by hand, one per code. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "timeline.h"
#include "tls_msg.h"
#include "util.h"
#include "verdict.h"
#include "check_main.h"

static uint64_t frame;

/*
 * flight_of tags a new event as tls_stream would, from the timeline so
 * far: TCP events have none; before the ServerHello the client is in its
 * first flight; then the server's flight and the client's second; in TLS
 * 1.3 without keys, once the client sent an encrypted record, what the
 * server sends is its answer (after the handshake), and so is everything
 * after that answer.
 */
static uint8_t
flight_of(const struct tl_conn *c, enum tl_ev_type t, int dir)
{
	bool sh = false, cflight = false, answered = false;
	size_t i;

	if (t == TL_EV_SYN || t == TL_EV_SYNACK || t == TL_EV_FIN ||
	    t == TL_EV_RST || t == TL_EV_GAP)
		return TL_FLIGHT_NONE;
	for (i = 0; i < c->num_events; i++) {
		const struct tl_event *e = &c->events[i];
		bool enc = e->type == TL_EV_ENCRYPTED ||
		    (e->type == TL_EV_ALERT && e->encrypted && !e->decrypted);

		if (e->type == TL_EV_HANDSHAKE &&
		    e->hs_type == TLS_HS_SERVER_HELLO)
			sh = true;
		if (sh && c->sh.tls13 && enc && e->dir == TL_C2S)
			cflight = true;
		else if (cflight && enc && e->dir == TL_S2C)
			answered = true;
	}
	if (!sh)
		return dir == TL_C2S ? TL_FLIGHT_CLIENT_FIRST :
		    TL_FLIGHT_SERVER;
	if (answered || (cflight && dir == TL_S2C))
		return TL_FLIGHT_POST;
	return dir == TL_S2C ? TL_FLIGHT_SERVER : TL_FLIGHT_CLIENT_SECOND;
}

static struct tl_event *
add(struct tl_conn *c, enum tl_ev_type t, int dir)
{
	uint8_t fl = flight_of(c, t, dir);
	struct tl_event *e;

	frame++;
	e = tl_add_event(c, t, (enum tl_dir)dir, frame, (int64_t)frame * 1000);
	e->flight = fl;
	return e;
}

static struct tl_event *
hs(struct tl_conn *c, int dir, uint8_t type)
{
	struct tl_event *e = add(c, TL_EV_HANDSHAKE, dir);

	e->hs_type = type;
	return e;
}

static struct tl_event *
alert(struct tl_conn *c, int dir, uint8_t desc)
{
	struct tl_event *e = add(c, TL_EV_ALERT, dir);

	e->alert_level = 2;
	e->alert_desc = desc;
	return e;
}

static struct tl_conn *
conn_tcp(void)
{
	struct tl_conn *c = tl_conn_new(1);

	frame = 0;
	c->af = 4;
	c->client_ip[0] = 127;
	c->client_ip[3] = 1;
	c->server_ip[0] = 127;
	c->server_ip[3] = 1;
	c->client_port = 50000;
	c->server_port = 443;
	add(c, TL_EV_SYN, TL_C2S)->count = 1;
	c->syn = true;
	c->syn_count = 1;
	add(c, TL_EV_SYNACK, TL_S2C);
	c->synack = true;
	c->pkts[0] = c->pkts[1] = 1;
	return c;
}

static struct tl_conn *
conn_hello(uint16_t version)
{
	struct tl_conn *c = conn_tcp();
	struct tl_event *e;

	e = hs(c, TL_C2S, TLS_HS_CLIENT_HELLO);
	e->version = version;
	c->ch.present = true;
	c->ch.max_version = version;
	c->ch.has_sni = true;
	c->ch.sni.b = (const uint8_t *)"tls-server.local";	/* not heap:
						 * ch.heap stays NULL */
	c->ch.sni.len = c->ch.sni.wire_len = 16;
	c->tls[0] = true;
	c->data[0] = true;
	return c;
}

static struct tl_conn *
conn_server_hello(uint16_t version)
{
	struct tl_conn *c = conn_hello(version);
	struct tl_event *e;

	e = hs(c, TL_S2C, TLS_HS_SERVER_HELLO);
	e->version = version;
	e->cipher = version == TLS_V_TLS13 ? 0x1301 : 0xc02f;
	c->sh.present = true;
	c->sh.version = version;
	c->sh.tls13 = version == TLS_V_TLS13;
	c->sh.suite = e->cipher;
	c->tls[1] = true;
	c->data[1] = true;
	return c;
}

/* expect_v asserts code, confidence and outcome, and returns the verdict
 * for more checks; the caller frees it and |c|. */
static struct verdict *
expect_v(struct tl_conn *c, const char *code, bool inferred,
    enum verdict_outcome outcome)
{
	struct verdict *v = verdict_decide(c);

	ck_assert_str_eq(verdict_code_name(v->code), code);
	ck_assert_int_eq(v->inferred, inferred);
	ck_assert_str_eq(verdict_outcome_name(v->outcome),
	    verdict_outcome_name(outcome));
	ck_assert_ptr_nonnull(v->summary);
	ck_assert_ptr_nonnull(v->next);
	return v;
}

static bool
evidence_has(const struct verdict *v, const char *needle)
{
	size_t i;

	for (i = 0; i < v->num_evidence; i++)
		if (strstr(v->evidence[i], needle) != NULL)
			return true;
	return false;
}

static void
expect(struct tl_conn *c, const char *code, bool inferred)
{
	struct verdict *v = verdict_decide(c);

	ck_assert_str_eq(verdict_code_name(v->code), code);
	ck_assert_int_eq(v->inferred, inferred);
	ck_assert_ptr_nonnull(v->summary);
	ck_assert_ptr_nonnull(v->next);
	ck_assert_int_gt(strlen(v->summary), 10);
	verdict_free(v);
	tl_conn_free(c);
}

START_TEST(test_tcp_no_answer)
{
	struct tl_conn *c = tl_conn_new(1);

	add(c, TL_EV_SYN, TL_C2S)->count = 3;
	c->syn = true;
	c->syn_count = 3;
	c->pkts[0] = 3;
	expect(c, "tcp_no_answer", false);
	/* One SYN: its answer may be missing from the capture only. */
	c = tl_conn_new(1);
	add(c, TL_EV_SYN, TL_C2S)->count = 1;
	c->syn = true;
	c->syn_count = 1;
	c->pkts[0] = 1;
	expect(c, "tcp_no_answer", true);
}
END_TEST

START_TEST(test_tcp_refused)
{
	struct tl_conn *c = tl_conn_new(1);

	add(c, TL_EV_SYN, TL_C2S);
	c->syn = true;
	add(c, TL_EV_RST, TL_S2C);
	c->rst[1] = true;
	expect(c, "tcp_refused", false);
}
END_TEST

START_TEST(test_not_tls)
{
	struct tl_conn *c = conn_tcp();
	struct tl_event *e = add(c, TL_EV_NOT_TLS, TL_C2S);

	tl_event_set_raw(c, e, (const uint8_t *)"GET / HTTP/1.1\r\n", 16);
	c->not_tls[0] = true;
	expect(c, "not_tls", false);
}
END_TEST

START_TEST(test_closed_before_tls)
{
	struct tl_conn *c = conn_tcp();

	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	expect(c, "closed_before_tls", false);
}
END_TEST

/* A client that connects and closes without a byte: the server's alert
 * answers the close (testssl.sh, sslscan: OpenSSL's decode_error), not a
 * ClientHello. */
START_TEST(test_closed_silent_alert)
{
	struct tl_conn *c = conn_tcp();
	struct verdict *v;

	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	alert(c, TL_S2C, 50);
	c->tls[1] = c->data[1] = true;
	v = expect_v(c, "closed_before_tls", false, VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(v->summary, "decode_error answers that "
	    "close"));
	verdict_free(v);
	tl_conn_free(c);
	/* Client bytes lost: they may have been a hello the alert refuses. */
	c = conn_tcp();
	add(c, TL_EV_GAP, TL_C2S)->bytes = 200;
	c->gap_bytes[TL_C2S] = 200;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	alert(c, TL_S2C, 50);
	c->tls[1] = c->data[1] = true;
	v = verdict_decide(c);
	ck_assert_str_ne(verdict_code_name(v->code), "closed_before_tls");
	verdict_free(v);
	tl_conn_free(c);
	/* An alert before the client's close is not an answer to it. */
	c = conn_tcp();
	alert(c, TL_S2C, 50);
	c->tls[1] = c->data[1] = true;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = verdict_decide(c);
	ck_assert_str_ne(verdict_code_name(v->code), "closed_before_tls");
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

START_TEST(test_version_mismatch)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS12);

	alert(c, TL_S2C, 70);
	expect(c, "version_mismatch", false);
}
END_TEST

START_TEST(test_cipher_mismatch)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS12);

	alert(c, TL_S2C, 40);
	expect(c, "cipher_mismatch", false);
}
END_TEST

START_TEST(test_sni_rejected)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS13);

	alert(c, TL_S2C, 112);
	expect(c, "sni_rejected", false);
}
END_TEST

START_TEST(test_server_rejected_hello)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS13);

	alert(c, TL_S2C, 47);	/* illegal_parameter */
	expect(c, "server_rejected_hello", false);
}
END_TEST

START_TEST(test_server_closed_after_hello)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS13);

	add(c, TL_EV_RST, TL_S2C);
	c->rst[1] = true;
	expect(c, "server_closed_after_hello", false);
}
END_TEST

START_TEST(test_server_silent)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS13);
	struct verdict *v;
	int64_t ch = c->events[c->num_events - 1].ts_us;

	add(c, TL_EV_FIN, TL_C2S)->ts_us = ch + 2500000;
	c->fin[0] = true;
	c->last_us = ch + 2500000;
	v = expect_v(c, "server_silent", false, VERDICT_FAILED);
	ck_assert_str_eq(v->summary, "the server never answered the "
	    "ClientHello (2.5 s of silence, then the client closed)");
	verdict_free(v);
	tl_conn_free(c);
	/* A client that closes at once gives the server no time to answer
	 * (suricata-verify's app-layer-protocol-prefilter). */
	c = conn_hello(TLS_V_TLS13);
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	expect(c, "handshake_incomplete", false);
}
END_TEST

/* Ended by the idle timeout: silent until then, unless a leap of the
 * capture's clock ran the timeout out (captures joined): then the
 * capture stopped watching, and only the silence before it counts. */
START_TEST(test_server_silent_leap)
{
	const int64_t day = 86400LL * 1000000;
	struct tl_conn *c;
	struct verdict *v;
	int leap;

	for (leap = 0; leap < 2; leap++) {
		c = conn_hello(TLS_V_TLS13);
		c->last_us = c->events[c->num_events - 1].ts_us;
		c->end = TL_END_IDLE;
		c->end_us = c->last_us + 20 * day;
		c->end_at_leap = leap;
		v = expect_v(c, leap ? "handshake_incomplete" : "server_silent",
		    false, leap ? VERDICT_INCOMPLETE : VERDICT_FAILED);
		ck_assert_ptr_nonnull(strstr(v->summary, leap ?
		    "the capture's clock leapt 20.0 days ahead in the middle "
		    "of the handshake" : "(1728000.0 s of silence, until the "
		    "idle timeout ended the connection)"));
		ck_assert_int_eq(strstr(v->next, "one recording") != NULL,
		    leap);
		verdict_free(v);
		tl_conn_free(c);
	}
	/* The client gave up 2.5 s after its ClientHello, then the leap. */
	c = conn_hello(TLS_V_TLS13);
	add(c, TL_EV_FIN, TL_C2S)->ts_us = c->events[c->num_events -
	    1].ts_us + 2500000;
	c->fin[0] = true;
	c->last_us = c->events[c->num_events - 1].ts_us;
	c->end = TL_END_IDLE;
	c->end_us = c->last_us + 1200 * day;
	c->end_at_leap = true;
	v = expect_v(c, "server_silent", false, VERDICT_FAILED);
	ck_assert_str_eq(v->summary, "the server never answered the "
	    "ClientHello (2.5 s of silence, then the capture's clock leapt "
	    "3.3 years ahead)");
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* Asked for a certificate, the client left without one or an alert
 * (Chromium with none to offer: it would ask its user, then connects
 * again): the request and its CAs are named. */
START_TEST(test_client_aborted_after_cr)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);
	struct tl_cert_request *cr;
	struct verdict *v;

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 2;
	c->server_chain.present = true;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE_REQUEST);
	cr = tl_cr_make(c);
	cr->present = true;
	cr->frame = 6;
	cr->ca_text[0] = strdup("CN=clientCA,O=LMT Corp");
	cr->num_ca = cr->total_ca = 1;
	hs(c, TL_S2C, TLS_HS_SERVER_HELLO_DONE);
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	alert(c, TL_S2C, 50);
	v = expect_v(c, "client_aborted", false, VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(v->summary, "asked for a client "
	    "certificate from the CAs (CN=clientCA,O=LMT Corp)"));
	ck_assert(evidence_has(v, "frame 6: server sent CertificateRequest"));
	ck_assert_ptr_nonnull(strstr(v->next, "CN=clientCA"));
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

START_TEST(test_client_cert_missing_tls12)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 2;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE_REQUEST);
	tl_cr_make(c)->present = true;
	hs(c, TL_S2C, TLS_HS_SERVER_HELLO_DONE);
	hs(c, TL_C2S, TLS_HS_CERTIFICATE)->count = 0;
	c->client_chain.present = true;
	hs(c, TL_C2S, TLS_HS_CLIENT_KEY_EXCHANGE);
	alert(c, TL_S2C, 40);
	expect(c, "client_cert_missing", false);
}
END_TEST

START_TEST(test_client_cert_missing_tls13_alert)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2000;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 17 + 36 + 8;
	alert(c, TL_S2C, 116);
	expect(c, "client_cert_missing", false);
}
END_TEST

/* Java pads its TLS 1.3 records (pcaps/java-*.pcap): its alert is a
 * 35-byte record, its empty Certificate 41 bytes. Too small for a Finished
 * (53 or 69 bytes), alone and followed by the client's close: an alert;
 * followed by the server's alert: the empty Certificate. */
START_TEST(test_padded_tls13)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);
	struct tl_event *e;
	struct verdict *v;

	c->sh.suite = 0x1302;
	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2000;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 35;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = expect_v(c, "server_cert_rejected", true, VERDICT_FAILED);
	ck_assert(evidence_has(v, "35-byte encrypted record is too small "
	    "for its Finished (69 bytes"));
	verdict_free(v);
	tl_conn_free(c);
	/* The empty Certificate, padded, refused. */
	c = conn_server_hello(TLS_V_TLS13);
	c->sh.suite = 0x1302;
	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2000;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 41;
	e = alert(c, TL_S2C, 0);	/* a 19-byte record: nothing read */
	e->inferred = e->encrypted = true;
	e->alert_level = 0;
	e->len = 19;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 85;
	v = expect_v(c, "client_cert_missing", true, VERDICT_FAILED);
	ck_assert(evidence_has(v, "an empty Certificate, padded"));
	verdict_free(v);
	tl_conn_free(c);
	/* The server answered the small record with a ticket: accepted,
	 * not an alert. */
	c = conn_server_hello(TLS_V_TLS13);
	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2000;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 35;
	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 250;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = verdict_decide(c);
	ck_assert(!evidence_has(v, "an alert, padded"));
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

static struct tl_conn *
tls12_with_client_cert(void)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 2;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE_REQUEST);
	tl_cr_make(c)->present = true;
	hs(c, TL_S2C, TLS_HS_SERVER_HELLO_DONE);
	hs(c, TL_C2S, TLS_HS_CERTIFICATE)->count = 1;
	c->client_chain.present = true;
	c->client_chain.total = 1;
	hs(c, TL_C2S, TLS_HS_CLIENT_KEY_EXCHANGE);
	hs(c, TL_C2S, TLS_HS_CERTIFICATE_VERIFY);
	return c;
}

START_TEST(test_client_cert_untrusted)
{
	struct tl_conn *c = tls12_with_client_cert();

	alert(c, TL_S2C, 48);
	expect(c, "client_cert_untrusted", false);
}
END_TEST

/* A bad_certificate alert with the issuer outside the CA list is still
 * an untrusted issuer: the finding names the cause. */
START_TEST(test_client_cert_untrusted_by_finding)
{
	struct tl_conn *c = tls12_with_client_cert();

	c->client_chain.findings = calloc(1, sizeof(struct x509_finding));
	c->client_chain.findings[0].code = X509F_ISSUER_NOT_ACCEPTED;
	c->client_chain.findings[0].severity = X509_SEV_ERROR;
	c->client_chain.num_findings = 1;
	alert(c, TL_S2C, 42);
	expect(c, "client_cert_untrusted", false);
}
END_TEST

START_TEST(test_client_cert_expired)
{
	struct tl_conn *c = tls12_with_client_cert();

	alert(c, TL_S2C, 45);
	expect(c, "client_cert_expired", false);
}
END_TEST

START_TEST(test_client_cert_rejected)
{
	struct tl_conn *c = tls12_with_client_cert();

	alert(c, TL_S2C, 43);
	expect(c, "client_cert_rejected", false);
}
END_TEST

START_TEST(test_client_cert_reset)
{
	struct tl_conn *c = tls12_with_client_cert();

	add(c, TL_EV_RST, TL_S2C);
	c->rst[1] = true;
	expect(c, "client_cert_reset", false);
}
END_TEST

static struct tl_conn *
tls12_server_flight(void)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 1;
	c->server_chain.present = true;
	hs(c, TL_S2C, TLS_HS_SERVER_HELLO_DONE);
	return c;
}

/* A close_notify after the server's hello is a close at any level
 * (testssl.sh marks it fatal): the client gave up, no error alert. */
START_TEST(test_client_close_notify)
{
	struct tl_conn *c = tls12_server_flight();
	struct verdict *v;

	alert(c, TL_C2S, 0);
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = expect_v(c, "client_aborted", false, VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(v->summary, "close_notify"));
	verdict_free(v);
	tl_conn_free(c);
	/* At warning level the same. */
	c = tls12_server_flight();
	alert(c, TL_C2S, 0)->alert_level = 1;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	expect(c, "client_aborted", false);
	/* A real error alert stays the cause. */
	c = tls12_server_flight();
	alert(c, TL_C2S, 48);
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	expect(c, "server_cert_untrusted", false);
}
END_TEST

/* A ChangeCipherSpec from the client before its key exchange: the CCS
 * injection probe (nmap's ssl-ccs-injection), refused by the server. */
START_TEST(test_early_ccs)
{
	struct tl_conn *c = tls12_server_flight();
	struct verdict *v;

	add(c, TL_EV_CCS, TL_C2S);
	c->ccs[TL_C2S] = true;
	alert(c, TL_S2C, 10);
	v = expect_v(c, "alert_other", false, VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(v->summary, "CVE-2014-0224"));
	ck_assert(evidence_has(v, "before its key exchange"));
	verdict_free(v);
	tl_conn_free(c);
	/* After the key exchange it is the normal one. */
	c = tls12_server_flight();
	hs(c, TL_C2S, TLS_HS_CLIENT_KEY_EXCHANGE);
	add(c, TL_EV_CCS, TL_C2S);
	c->ccs[TL_C2S] = true;
	alert(c, TL_S2C, 20);
	v = verdict_decide(c);
	ck_assert(!evidence_has(v, "CVE-2014-0224"));
	ck_assert_ptr_null(strstr(v->summary, "CVE-2014-0224"));
	verdict_free(v);
	tl_conn_free(c);
	/* Client bytes missing: the key exchange may be among them. */
	c = tls12_server_flight();
	add(c, TL_EV_GAP, TL_C2S)->bytes = 70;
	c->gap_bytes[TL_C2S] = 70;
	add(c, TL_EV_CCS, TL_C2S);
	c->ccs[TL_C2S] = true;
	alert(c, TL_S2C, 10);
	v = verdict_decide(c);
	ck_assert(!evidence_has(v, "CVE-2014-0224"));
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

START_TEST(test_server_cert_untrusted)
{
	struct tl_conn *c = tls12_server_flight();

	alert(c, TL_C2S, 48);
	expect(c, "server_cert_untrusted", false);
}
END_TEST

START_TEST(test_server_cert_expired)
{
	struct tl_conn *c = tls12_server_flight();

	alert(c, TL_C2S, 45);
	expect(c, "server_cert_expired", false);
}
END_TEST

START_TEST(test_server_cert_name_mismatch)
{
	struct tl_conn *c = tls12_server_flight();

	c->server_chain.findings = calloc(1, sizeof(struct x509_finding));
	c->server_chain.findings[0].code = X509F_NAME_MISMATCH;
	c->server_chain.findings[0].severity = X509_SEV_ERROR;
	strcpy(c->server_chain.findings[0].text, "the certificate does not "
	    "cover tls-server.local");
	c->server_chain.num_findings = 1;
	alert(c, TL_C2S, 42);
	expect(c, "server_cert_name_mismatch", false);
}
END_TEST

START_TEST(test_server_cert_rejected)
{
	struct tl_conn *c = tls12_server_flight();

	alert(c, TL_C2S, 42);
	expect(c, "server_cert_rejected", false);
}
END_TEST

START_TEST(test_client_aborted)
{
	struct tl_conn *c = tls12_server_flight();
	struct verdict *v;

	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	/* The server's reaction to the close is not the cause. */
	alert(c, TL_S2C, 50);
	expect(c, "client_aborted", false);
	/* Bytes of the client's missing: an alert may be among them. */
	c = tls12_server_flight();
	add(c, TL_EV_GAP, TL_C2S)->bytes = 7;
	c->gap_bytes[TL_C2S] = 7;
	add(c, TL_EV_RST, TL_C2S);
	c->rst[0] = true;
	v = expect_v(c, "client_aborted", true, VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(v->summary, "7 bytes of the client's "
	    "are missing"));
	verdict_free(v);
	tl_conn_free(c);
	/* Client bytes missing only before the server's hello: the
	 * silence after it is sure, and the sentence says no more than the
	 * confidence does. */
	c = conn_hello(TLS_V_TLS12);
	add(c, TL_EV_GAP, TL_C2S)->bytes = 5;
	c->gap_bytes[TL_C2S] = 5;
	{
		struct tl_event *e = hs(c, TL_S2C, TLS_HS_SERVER_HELLO);

		e->version = TLS_V_TLS12;
		e->cipher = 0xc02f;
	}
	c->sh.present = true;
	c->sh.version = TLS_V_TLS12;
	c->sh.suite = 0xc02f;
	c->tls[1] = c->data[1] = true;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 1;
	c->server_chain.present = true;
	hs(c, TL_S2C, TLS_HS_SERVER_HELLO_DONE);
	add(c, TL_EV_RST, TL_C2S);
	c->rst[0] = true;
	v = expect_v(c, "client_aborted", false, VERDICT_FAILED);
	ck_assert_str_eq(v->summary, "the client gave up after the server's "
	    "hello without sending an alert");
	verdict_free(v);
	tl_conn_free(c);
	/* A client that sent its second flight did not give up: the
	 * server's Finished is what is missing. */
	c = tls12_server_flight();
	hs(c, TL_C2S, TLS_HS_CLIENT_KEY_EXCHANGE);
	add(c, TL_EV_CCS, TL_C2S);
	c->ccs[0] = true;
	hs(c, TL_C2S, TLS_HS_FINISHED)->encrypted = true;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	expect(c, "handshake_incomplete", false);
}
END_TEST

START_TEST(test_alert_other)
{
	struct tl_conn *c = tls12_server_flight();

	alert(c, TL_S2C, 80);	/* internal_error */
	expect(c, "alert_other", false);
}
END_TEST

START_TEST(test_ok)
{
	struct tl_conn *c = tls12_server_flight();

	add(c, TL_EV_CCS, TL_C2S);
	hs(c, TL_C2S, TLS_HS_FINISHED)->encrypted = true;
	add(c, TL_EV_CCS, TL_S2C);
	hs(c, TL_S2C, TLS_HS_FINISHED)->encrypted = true;
	c->finished[0] = c->finished[1] = true;
	expect(c, "ok", false);
}
END_TEST

START_TEST(test_incomplete)
{
	struct tl_conn *c = tls12_server_flight();

	c->end = TL_END_EOF;
	expect(c, "handshake_incomplete", false);
}
END_TEST

/* TLS 1.3 without keys: an empty Certificate in the client's flight (8
 * bytes more than Finished) and a 19-byte record from the server. */
START_TEST(test_tls13_inferred_missing)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);
	struct tl_event *e;

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2500;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 17 + 36 + 8;
	e = add(c, TL_EV_ALERT, TL_S2C);
	e->inferred = e->encrypted = true;
	e->len = 19;
	expect(c, "client_cert_missing", true);
}
END_TEST

START_TEST(test_tls13_inferred_client_rejected)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);
	struct tl_event *e;

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2500;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 1400;
	e = add(c, TL_EV_ALERT, TL_S2C);
	e->inferred = e->encrypted = true;
	e->len = 19;
	expect(c, "client_cert_rejected", true);
}
END_TEST

START_TEST(test_tls13_inferred_server_rejected)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);
	struct tl_event *e;

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2500;
	e = add(c, TL_EV_ALERT, TL_C2S);
	e->inferred = e->encrypted = true;
	e->len = 19;
	expect(c, "server_cert_rejected", true);
}
END_TEST

START_TEST(test_tls13_inferred_reset)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2500;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 1400;
	add(c, TL_EV_RST, TL_S2C);
	c->rst[1] = true;
	expect(c, "client_cert_reset", true);
}
END_TEST

/* The one table: every code has a name, a class and a meaning, and the
 * names parse back to their codes. */
START_TEST(test_code_table)
{
	enum verdict_code vc;
	enum verdict_outcome vo;
	size_t i;

	for (i = 0; i < VC_COUNT; i++) {
		ck_assert_ptr_nonnull(verdict_code_table[i].name);
		ck_assert_ptr_nonnull(verdict_code_table[i].meaning);
		/* Written in JSON without a look for escapes (sb_json_lit). */
		ck_assert_uint_eq(strspn(verdict_code_table[i].name,
		    "abcdefghijklmnopqrstuvwxyz0123456789_"),
		    strlen(verdict_code_table[i].name));
		ck_assert(verdict_code_parse(verdict_code_table[i].name,
		    strlen(verdict_code_table[i].name), &vc));
		ck_assert_int_eq(vc, (int)i);
	}
	ck_assert(!verdict_code_parse("ok2", 3, &vc));
	ck_assert(verdict_outcome_parse("suspect", 7, &vo));
	ck_assert_int_eq(vo, VERDICT_SUSPECT);
	ck_assert_str_eq(verdict_code_name(VC_COUNT), "?");
	ck_assert_int_eq(verdict_code_table[VC_HANDSHAKE_NOT_SEEN].outcome,
	    VERDICT_UNKNOWN);
	ck_assert_int_eq(verdict_code_table[VC_PLAINTEXT].outcome,
	    VERDICT_NOT_TLS);
	ck_assert(!verdict_outcome_is_failure(VERDICT_UNKNOWN));
	ck_assert(verdict_outcome_is_failure(VERDICT_SUSPECT));
}
END_TEST

/* A TLS 1.2 handshake both Finished, the client's Finished at t = 10 ms. */
static struct tl_conn *
tls12_done(void)
{
	struct tl_conn *c = tls12_server_flight();

	add(c, TL_EV_CCS, TL_C2S);
	hs(c, TL_C2S, TLS_HS_FINISHED)->encrypted = true;
	add(c, TL_EV_CCS, TL_S2C);
	hs(c, TL_S2C, TLS_HS_FINISHED)->encrypted = true;
	c->finished[0] = c->finished[1] = true;
	return c;
}

/* The capture started mid-session: encrypted records and a FIN only. */
START_TEST(test_handshake_not_seen)
{
	struct tl_conn *c = tl_conn_new(1);
	struct verdict *v;

	frame = 0;
	c->midstream = true;
	add(c, TL_EV_APPDATA, TL_C2S);
	c->appdata_records[0] = 3;
	c->tls[0] = c->tls[1] = true;
	add(c, TL_EV_ALERT, TL_S2C)->encrypted = true;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	c->pkts[0] = c->pkts[1] = 3;
	v = expect_v(c, "handshake_not_seen", true, VERDICT_UNKNOWN);
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* A settled stream (tls_stream's fast path, which the timeline no longer
 * even carries) is not a completed handshake: an SSL 2.0 answer settles
 * the stream and is not ok. */
START_TEST(test_settled_is_not_done)
{
	struct tl_conn *c = conn_hello(TLS_V_TLS10);
	struct tl_event *e = hs(c, TL_S2C, TLS_HS_SERVER_HELLO);
	struct verdict *v;

	e->sslv2 = true;
	e->version = TLS_V_SSL2;
	c->sh.present = true;
	c->sh.version = TLS_V_SSL2;
	c->tls[1] = c->data[1] = true;
	v = expect_v(c, "version_mismatch", true, VERDICT_FAILED);
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* A fatal alert after application data flowed ends the session; the
 * handshake completed. */
START_TEST(test_alert_after_data_is_ok)
{
	struct tl_conn *c = tls12_done();
	struct verdict *v;

	add(c, TL_EV_APPDATA, TL_C2S);
	add(c, TL_EV_APPDATA, TL_S2C);
	c->appdata_records[0] = c->appdata_records[1] = 1;
	alert(c, TL_S2C, 20);	/* bad_record_mac, readable with keys */
	v = expect_v(c, "ok", false, VERDICT_OK);
	ck_assert(evidence_has(v, "session ended"));
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* TLS 1.2: the client closes 15 s after the handshake without data (an
 * unused connection): ok, not a rejection. At once: suspect. */
START_TEST(test_tls12_late_close_is_ok)
{
	struct tl_conn *c = tls12_done();
	struct tl_event *e;
	struct verdict *v;

	e = add(c, TL_EV_FIN, TL_C2S);
	e->ts_us += 15 * 1000000LL;
	c->fin[0] = true;
	v = expect_v(c, "ok", false, VERDICT_OK);
	verdict_free(v);
	tl_conn_free(c);

	c = tls12_done();
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = expect_v(c, "closed_after_handshake", true, VERDICT_SUSPECT);
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* The client closes at once after the handshake over an expired
 * certificate: server_cert_expired (suspect); but not when the same
 * client sent data over the same chain in #10 (suricata-verify's
 * tls-subjectaltname #56): closed_after_handshake, naming #10. */
START_TEST(test_client_quit_used_elsewhere)
{
	struct tl_conn *c;
	struct verdict *v;
	int used;

	for (used = 0; used < 2; used++) {
		c = tls12_done();
		c->server_chain.findings = calloc(1,
		    sizeof(struct x509_finding));
		c->server_chain.findings[0].code = X509F_EXPIRED;
		c->server_chain.findings[0].severity = X509_SEV_ERROR;
		strcpy(c->server_chain.findings[0].text, "the certificate "
		    "expired");
		c->server_chain.num_findings = 1;
		c->chain_used_by = used ? 10 : 0;
		add(c, TL_EV_FIN, TL_C2S);
		c->fin[0] = true;
		v = expect_v(c, used ? "closed_after_handshake" :
		    "server_cert_expired", true, VERDICT_SUSPECT);
		if (used) {
			ck_assert(strstr(v->summary, "the same client sent "
			    "data over this same chain in #10") != NULL);
			ck_assert(strstr(v->next, "(#10 did)") != NULL);
		}
		verdict_free(v);
		tl_conn_free(c);
	}
}
END_TEST

/* TLS 1.3 without keys: the client's Finished (17 + 4 + 32 bytes) and a
 * 19-byte close_notify in one segment, then the server's tickets: the
 * handshake completed and the client left at once; no certificate
 * rejection. */
START_TEST(test_tls13_finished_and_close_notify)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS13);
	struct tl_event *e;
	struct verdict *v;

	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 2500;
	add(c, TL_EV_ENCRYPTED, TL_C2S)->len = 53;
	e = add(c, TL_EV_ALERT, TL_C2S);
	e->inferred = e->encrypted = true;
	e->len = 19;
	add(c, TL_EV_ENCRYPTED, TL_S2C)->len = 250;	/* ticket */
	c->finished[0] = c->finished[1] = true;
	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	v = expect_v(c, "closed_after_handshake", true, VERDICT_SUSPECT);
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* Plaintext both ways on port 80 is not a TLS failure; a plaintext
 * request that a server closes without a word is (a TLS server). */
START_TEST(test_plaintext)
{
	struct tl_conn *c = conn_tcp();
	struct tl_event *e;
	struct verdict *v;

	c->server_port = 80;
	e = add(c, TL_EV_NOT_TLS, TL_C2S);
	tl_event_set_raw(c, e, (const uint8_t *)"GET / HTTP/1.1\r\n", 16);
	c->not_tls[0] = true;
	c->data[0] = c->data[1] = true;
	v = expect_v(c, "plaintext", false, VERDICT_NOT_TLS);
	verdict_free(v);
	tl_conn_free(c);

	c = conn_tcp();
	c->server_port = 8080;
	e = add(c, TL_EV_NOT_TLS, TL_C2S);
	tl_event_set_raw(c, e, (const uint8_t *)"\0\0\0\x08\x04\xd2\x16\x2f",
	    8);
	c->not_tls[0] = true;
	c->data[0] = true;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	v = expect_v(c, "not_tls", false, VERDICT_FAILED);
	/* A payload starting with a NUL byte is shown, not cut short. */
	ck_assert(evidence_has(v, "\\x00\\x00\\x00\\x08"));
	verdict_free(v);
	tl_conn_free(c);

	/* A ClientHello answered with an alert's shape and a zeroed header
	 * (zeek's tls-1.2-protocol-error.pcap): not "plaintext". */
	c = conn_hello(TLS_V_TLS12);
	e = add(c, TL_EV_NOT_TLS, TL_S2C);
	tl_event_set_raw(c, e, (const uint8_t *)"\0\0\0\0\x02\0\x28", 7);
	c->not_tls[1] = true;
	c->data[1] = true;
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[1] = true;
	v = expect_v(c, "not_tls", false, VERDICT_FAILED);
	ck_assert(strstr(v->summary, "have the shape of an alert: "
	    "handshake_failure") != NULL);
	ck_assert(strstr(v->next, "refuses this ClientHello") != NULL);
	verdict_free(v);
	tl_conn_free(c);

	/* The client spoke and closed first, the server only answered its
	 * close (pcapFS's system-tests.pcapng #10): no one expected TLS. */
	c = conn_tcp();
	c->server_port = 12345;
	e = add(c, TL_EV_NOT_TLS, TL_C2S);
	tl_event_set_raw(c, e, (const uint8_t *)"pcapFStest\n", 11);
	c->not_tls[0] = true;
	c->data[0] = true;
	add(c, TL_EV_FIN, TL_C2S);
	add(c, TL_EV_FIN, TL_S2C);
	c->fin[0] = c->fin[1] = true;
	v = expect_v(c, "plaintext", false, VERDICT_NOT_TLS);
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* SSH both ways on port 443 (zeek's ssl-and-ssh-using-sslh.pcap: sslh
 * shares the port): plaintext, neither side expected TLS; SSH from the
 * client alone there is still not_tls. */
START_TEST(test_ssh_tls_port)
{
	struct tl_conn *c;
	struct tl_event *e;
	struct verdict *v;
	int both;

	for (both = 0; both < 2; both++) {
		c = conn_tcp();
		c->server_port = 443;
		e = add(c, TL_EV_NOT_TLS, TL_C2S);
		tl_event_set_raw(c, e, (const uint8_t *)"SSH-2.0-OpenSSH_6.9\r\n",
		    21);
		c->not_tls[0] = true;
		c->data[0] = true;
		if (both) {
			e = add(c, TL_EV_NOT_TLS, TL_S2C);
			tl_event_set_raw(c, e,
			    (const uint8_t *)"SSH-2.0-OpenSSH_6.7p1\r\n", 23);
			c->not_tls[1] = true;
			c->data[1] = true;
		}
		add(c, TL_EV_FIN, TL_C2S);
		add(c, TL_EV_FIN, TL_S2C);
		c->fin[0] = c->fin[1] = true;
		if (both) {
			v = expect_v(c, "plaintext", false, VERDICT_NOT_TLS);
			ck_assert_str_eq(v->summary, "SSH on port 443: not TLS, "
			    "and neither side expected TLS: both sent SSH "
			    "identification strings (a multiplexer such as "
			    "sslh shares this TLS port between SSH and TLS)");
			ck_assert(evidence_has(v, "server sent \"SSH-2.0-"));
		} else
			v = expect_v(c, "not_tls", false, VERDICT_FAILED);
		verdict_free(v);
		tl_conn_free(c);
	}
}
END_TEST

/* A plaintext protocol tlsdiag followed for a STARTTLS that never came
 * (emix.pcap's FTP and MySQL sessions): plaintext, certain; not where
 * the client asked to upgrade, nor on a TLS port. */
START_TEST(test_plain_proto)
{
	struct tl_conn *c;
	struct verdict *v;
	int k;

	for (k = 0; k < 3; k++) {
		c = conn_tcp();
		c->server_port = k == 2 ? 465 : 21;
		c->plain_proto = "FTP";
		c->plain_asked = k == 1;
		c->data[0] = c->data[1] = true;
		c->bytes[0] = 120;
		c->bytes[1] = 873;
		add(c, TL_EV_FIN, TL_C2S);
		add(c, TL_EV_FIN, TL_S2C);
		c->fin[0] = c->fin[1] = true;
		v = verdict_decide(c);
		if (k == 0) {
			ck_assert_str_eq(verdict_code_name(v->code),
			    "plaintext");
			ck_assert(!v->inferred);
			ck_assert_str_eq(v->summary, "FTP on port 21 without "
			    "AUTH TLS: not TLS, and neither side asked for it");
			ck_assert(evidence_has(v, "120 bytes from the client, "
			    "873 from the server"));
		} else
			ck_assert_str_ne(verdict_code_name(v->code),
			    "plaintext");
		verdict_free(v);
		tl_conn_free(c);
	}
}
END_TEST

/* The capture holds the client's side only (PCAPdroid's metadata.pcap):
 * its ACKs tell whether the server spoke. */
START_TEST(test_client_side_only)
{
	struct tl_conn *c;
	struct tl_event *e;
	struct verdict *v;
	int spoke;

	for (spoke = 0; spoke < 2; spoke++) {
		c = tl_conn_new(1);
		c->client_port = 59424;
		c->server_port = 443;
		add(c, TL_EV_SYN, TL_C2S)->count = 1;
		c->syn = true;
		c->syn_count = 1;
		e = hs(c, TL_C2S, TLS_HS_CLIENT_HELLO);
		e->version = TLS_V_TLS13;
		c->ch.present = true;
		c->ch.max_version = TLS_V_TLS13;
		c->tls[0] = c->data[0] = true;
		c->pkts[0] = 4;
		tl_ack(c, TL_C2S, 1000001);	/* the SYN-ACK's ISN + 1 */
		tl_ack(c, TL_C2S, spoke ? 1004309 : 1000001);
		add(c, TL_EV_FIN, TL_C2S)->ts_us = e->ts_us + 2000000;
		c->fin[0] = true;
		c->last_us = e->ts_us + 2000000;
		c->one_sided = true;
		if (spoke) {
			v = expect_v(c, "handshake_not_seen", true,
			    VERDICT_UNKNOWN);
			ck_assert_ptr_nonnull(strstr(v->summary, "the client "
			    "acknowledged 4308 bytes of it"));
		} else {
			v = expect_v(c, "server_silent", true,
			    VERDICT_FAILED);
			ck_assert(evidence_has(v, "the client's ACKs "
			    "acknowledge nothing of it"));
		}
		verdict_free(v);
		tl_conn_free(c);
	}
	/* Mid-connection, one packet: no ACK to count from. */
	c = tl_conn_new(1);
	c->midstream = true;
	e = hs(c, TL_C2S, TLS_HS_CLIENT_HELLO);
	c->ch.present = true;
	c->tls[0] = c->data[0] = true;
	c->pkts[0] = 1;
	tl_ack(c, TL_C2S, 77);
	c->one_sided = true;
	v = expect_v(c, "handshake_not_seen", true, VERDICT_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(v->summary, "whether the server "
	    "answered is not known"));
	verdict_free(v);
	tl_conn_free(c);
}
END_TEST

/* render_json returns |c|'s JSON report as output |j| writes it (the
 * caller frees it). */
static char *
render_json(struct out_json *j, struct tl_conn *c)
{
	struct sb b;

	c->verdict = verdict_decide(c);
	sb_init(&b);
	out_json_conn(j, &b, c);
	verdict_free(c->verdict);
	c->verdict = NULL;
	return b.s;
}

/*
 * One JSON output renders hellos that differ in one suite, in the ALPN
 * they offer, in a fingerprint: each report shows its own, although the
 * "tls" fields of a hello seen before come from the output's memo
 * (out_json.c, client_key), and the same hello again gives the same text.
 */
START_TEST(test_json_hello_memo)
{
	static const uint16_t s1[] = { 0x1301, 0x1302 };
	static const uint16_t s2[] = { 0x1301, 0x1303 };
	static const char *const ja4[] = {
		"t13d0200h2_000000000000_000000000000",
		"t13d0200h2_000000000000_000000000001",
	};
	struct out_json *j = out_json_new(false);
	struct tl_conn *c;
	char *t[5];
	size_t i;

	for (i = 0; i < 5; i++) {
		c = conn_hello(TLS_V_TLS13);
		c->ch.suites.v = i == 1 ? s2 : s1;
		c->ch.suites.num = c->ch.suites.total = 2;
		c->ch.alpn.b = (const uint8_t *)(i == 2 ? "h2" : "h3");
		c->ch.alpn.len = c->ch.alpn.wire_len = 2;
		memcpy(c->ch.ja4, ja4[i == 3], sizeof(c->ch.ja4));
		t[i] = render_json(j, c);
		tl_conn_free(c);
	}
	ck_assert_ptr_nonnull(strstr(t[0], "\"offered_ciphers\":["
	    "\"TLS_AES_128_GCM_SHA256\",\"TLS_AES_256_GCM_SHA384\"]"));
	ck_assert_ptr_nonnull(strstr(t[1], "\"offered_ciphers\":["
	    "\"TLS_AES_128_GCM_SHA256\",\"TLS_CHACHA20_POLY1305_SHA256\"]"));
	ck_assert_ptr_nonnull(strstr(t[0], "\"offered_alpn\":\"h3\""));
	ck_assert_ptr_nonnull(strstr(t[2], "\"offered_alpn\":\"h2\""));
	ck_assert_ptr_nonnull(strstr(t[0], ja4[0]));
	ck_assert_ptr_nonnull(strstr(t[3], ja4[1]));
	ck_assert_ptr_null(strstr(t[3], ja4[0]));
	ck_assert_str_eq(t[4], t[0]);
	/* The evidence of the verdict: the hello's line, built piece by
	 * piece (verdict_text.c, ev_line). */
	ck_assert_ptr_nonnull(strstr(t[0], "\"frame 3: ClientHello offering "
	    "up to TLS1.3 with SNI tls-server.local\""));
	for (i = 0; i < 5; i++)
		free(t[i]);
	out_json_free(j);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_tcp_no_answer);
	tcase_add_test(tc, test_tcp_refused);
	tcase_add_test(tc, test_not_tls);
	tcase_add_test(tc, test_closed_before_tls);
	tcase_add_test(tc, test_closed_silent_alert);
	tcase_add_test(tc, test_version_mismatch);
	tcase_add_test(tc, test_cipher_mismatch);
	tcase_add_test(tc, test_sni_rejected);
	tcase_add_test(tc, test_server_rejected_hello);
	tcase_add_test(tc, test_server_closed_after_hello);
	tcase_add_test(tc, test_server_silent);
	tcase_add_test(tc, test_server_silent_leap);
	tcase_add_test(tc, test_client_cert_missing_tls12);
	tcase_add_test(tc, test_client_cert_missing_tls13_alert);
	tcase_add_test(tc, test_client_cert_untrusted);
	tcase_add_test(tc, test_client_cert_untrusted_by_finding);
	tcase_add_test(tc, test_client_cert_expired);
	tcase_add_test(tc, test_client_cert_rejected);
	tcase_add_test(tc, test_client_cert_reset);
	tcase_add_test(tc, test_client_close_notify);
	tcase_add_test(tc, test_client_aborted_after_cr);
	tcase_add_test(tc, test_padded_tls13);
	tcase_add_test(tc, test_early_ccs);
	tcase_add_test(tc, test_server_cert_untrusted);
	tcase_add_test(tc, test_server_cert_expired);
	tcase_add_test(tc, test_server_cert_name_mismatch);
	tcase_add_test(tc, test_server_cert_rejected);
	tcase_add_test(tc, test_client_aborted);
	tcase_add_test(tc, test_alert_other);
	tcase_add_test(tc, test_ok);
	tcase_add_test(tc, test_incomplete);
	tcase_add_test(tc, test_tls13_inferred_missing);
	tcase_add_test(tc, test_tls13_inferred_client_rejected);
	tcase_add_test(tc, test_tls13_inferred_server_rejected);
	tcase_add_test(tc, test_tls13_inferred_reset);
	tcase_add_test(tc, test_code_table);
	tcase_add_test(tc, test_handshake_not_seen);
	tcase_add_test(tc, test_settled_is_not_done);
	tcase_add_test(tc, test_alert_after_data_is_ok);
	tcase_add_test(tc, test_tls12_late_close_is_ok);
	tcase_add_test(tc, test_client_quit_used_elsewhere);
	tcase_add_test(tc, test_tls13_finished_and_close_notify);
	tcase_add_test(tc, test_plaintext);
	tcase_add_test(tc, test_client_side_only);
	tcase_add_test(tc, test_plain_proto);
	tcase_add_test(tc, test_ssh_tls_port);
	tcase_add_test(tc, test_json_hello_memo);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(verdict_suite());
}
