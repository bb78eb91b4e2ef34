/* check_verdict.c - the rule table on timelines built by hand, one per code. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "tls_msg.h"
#include "verdict.h"

static uint64_t frame;

static struct tl_event *
add(struct tl_conn *c, enum tl_ev_type t, int dir)
{
	frame++;
	return tl_add_event(c, t, (enum tl_dir)dir, frame,
	    (int64_t)frame * 1000);
}

static struct tl_event *
hs(struct tl_conn *c, int dir, uint8_t type)
{
	struct tl_event *e = add(c, TL_EV_HANDSHAKE, dir);

	e->hs_type = type;
	return e;
}

static void
alert(struct tl_conn *c, int dir, uint8_t desc)
{
	struct tl_event *e = add(c, TL_EV_ALERT, dir);

	e->alert_level = 2;
	e->alert_desc = desc;
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
	memcpy(c->ch.sni.b, "tls-server.local", 16);
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

	memcpy(e->raw, "GET / HTTP/1.1\r\n", 16);
	e->raw_len = 16;
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

	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	expect(c, "server_silent", false);
}
END_TEST

START_TEST(test_client_cert_missing_tls12)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 2;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE_REQUEST);
	c->cr.present = true;
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

static struct tl_conn *
tls12_with_client_cert(void)
{
	struct tl_conn *c = conn_server_hello(TLS_V_TLS12);

	hs(c, TL_S2C, TLS_HS_CERTIFICATE)->count = 2;
	hs(c, TL_S2C, TLS_HS_CERTIFICATE_REQUEST);
	c->cr.present = true;
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

	add(c, TL_EV_FIN, TL_C2S);
	c->fin[0] = true;
	/* The server's reaction to the close is not the cause. */
	alert(c, TL_S2C, 50);
	expect(c, "client_aborted", false);
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
	c->settled = true;
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

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_tcp_no_answer);
	tcase_add_test(tc, test_tcp_refused);
	tcase_add_test(tc, test_not_tls);
	tcase_add_test(tc, test_closed_before_tls);
	tcase_add_test(tc, test_version_mismatch);
	tcase_add_test(tc, test_cipher_mismatch);
	tcase_add_test(tc, test_sni_rejected);
	tcase_add_test(tc, test_server_rejected_hello);
	tcase_add_test(tc, test_server_closed_after_hello);
	tcase_add_test(tc, test_server_silent);
	tcase_add_test(tc, test_client_cert_missing_tls12);
	tcase_add_test(tc, test_client_cert_missing_tls13_alert);
	tcase_add_test(tc, test_client_cert_untrusted);
	tcase_add_test(tc, test_client_cert_untrusted_by_finding);
	tcase_add_test(tc, test_client_cert_expired);
	tcase_add_test(tc, test_client_cert_rejected);
	tcase_add_test(tc, test_client_cert_reset);
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
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(verdict_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
