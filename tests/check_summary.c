/* check_summary.c - unit tests of the operator's summary (counting, order, caps). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "check_main.h"

static void
conn(struct sum_conn *c, uint16_t port, const char *sni, uint32_t client,
    const char *code, enum sum_outcome o, int64_t t)
{
	memset(c, 0, sizeof(*c));
	c->af = 4;
	c->server_ip[0] = 10;
	c->server_ip[3] = 1;
	c->server_port = port;
	if (sni != NULL) {
		c->has_sni = true;
		c->sni = (const uint8_t *)sni;
		c->sni_len = strlen(sni);
	}
	c->client_ip[0] = 192;
	c->client_ip[1] = (uint8_t)(client >> 16);
	c->client_ip[2] = (uint8_t)(client >> 8);
	c->client_ip[3] = (uint8_t)client;
	c->code = code;
	c->outcome = o;
	c->start_us = t;
}

START_TEST(test_services_and_causes)
{
	struct summary *s = summary_new();
	const struct sum_service *v;
	struct sum_conn c;
	uint32_t i;

	/* a:443 "a": 10 ok, 3 missing from 2 clients, 1 untrusted.
	 * b:8443 (no SNI): 6 refused. */
	for (i = 0; i < 10; i++) {
		conn(&c, 443, "a", i, "ok", SUM_OK, 100 + i);
		ck_assert(summary_add(s, &c));
	}
	for (i = 0; i < 3; i++) {
		conn(&c, 443, "a", i % 2, "client_cert_missing", SUM_FAILED,
		    50 + i);
		ck_assert(summary_add(s, &c));
	}
	conn(&c, 443, "a", 77, "client_cert_untrusted", SUM_FAILED, 500);
	c.cc_subject = "CN=rogue";
	c.cc_issuer = "CN=rogueCA";
	ck_assert(summary_add(s, &c));
	for (i = 0; i < 6; i++) {
		conn(&c, 8443, NULL, 5, "tcp_refused", SUM_FAILED, 7);
		ck_assert(summary_add(s, &c));
	}
	summary_sort(s);
	ck_assert_uint_eq(summary_conns(s), 20);
	ck_assert_uint_eq(summary_outcome(s, SUM_OK), 10);
	ck_assert_uint_eq(summary_outcome(s, SUM_FAILED), 10);
	ck_assert_uint_eq(summary_code_count(s, "client_cert_missing"), 3);
	ck_assert_uint_eq(summary_num_services(s), 2);
	ck_assert(summary_first_us(s) == 7);
	ck_assert(summary_last_us(s) == 500);
	/* Worst first: 6 failing before 4 failing. */
	v = summary_service(s, 0);
	ck_assert_uint_eq(v->port, 8443);
	ck_assert(!v->has_sni);
	ck_assert_uint_eq(v->clients, 1);
	v = summary_service(s, 1);
	ck_assert_uint_eq(v->port, 443);
	ck_assert_uint_eq(v->conns, 14);
	ck_assert_uint_eq(v->clients, 10 + 1);	/* 0..9 and 77 */
	ck_assert(v->first_us == 50 && v->last_us == 500);
	ck_assert_uint_eq(v->num_causes, 2);
	ck_assert_str_eq(v->causes[0].code, "client_cert_missing");
	ck_assert_uint_eq(v->causes[0].count, 3);
	ck_assert_uint_eq(v->causes[0].clients, 2);
	ck_assert(v->causes[0].first_us == 50 && v->causes[0].last_us == 52);
	/* No certificate: one item of empty text, 3 connections. */
	ck_assert_uint_eq(v->causes[0].certs->num, 1);
	ck_assert_uint_eq(v->causes[0].certs->item[0].text_len, 0);
	ck_assert_uint_eq(v->causes[0].certs->item[0].count, 3);
	/* Addresses, most frequent first: .0 twice, .1 once. */
	ck_assert_uint_eq(v->causes[0].addrs->num, 2);
	ck_assert_uint_eq(v->causes[0].addrs->item[0].ip[3], 0);
	ck_assert_uint_eq(v->causes[0].addrs->item[0].count, 2);
	ck_assert_str_eq(v->causes[1].certs->item[0].text, "CN=rogue");
	ck_assert_str_eq(v->causes[1].certs->item[0].text + 9, "CN=rogueCA");
	summary_free(s);
}
END_TEST

/* A connection counted after a sort still finds its service and its
 * distinct clients (keys hold a stable service id, not a position). */
START_TEST(test_add_after_sort)
{
	struct summary *s = summary_new();
	const struct sum_service *v;
	struct sum_conn c;

	conn(&c, 1, "x", 1, "ok", SUM_OK, 1);
	ck_assert(summary_add(s, &c));
	conn(&c, 2, "y", 1, "tcp_refused", SUM_FAILED, 1);
	ck_assert(summary_add(s, &c));
	summary_sort(s);
	conn(&c, 1, "x", 1, "ok", SUM_OK, 2);
	ck_assert(summary_add(s, &c));
	conn(&c, 1, "x", 2, "ok", SUM_OK, 3);
	ck_assert(summary_add(s, &c));
	summary_sort(s);
	v = summary_service(s, 1);
	ck_assert_uint_eq(v->port, 1);
	ck_assert_uint_eq(v->conns, 3);
	ck_assert_uint_eq(v->clients, 2);
	summary_free(s);
}
END_TEST

/* Past LIMIT_SUM_ITEMS distinct addresses, the rest are counted. */
START_TEST(test_list_cap)
{
	struct summary *s = summary_new();
	const struct sum_service *v;
	struct sum_conn c;
	uint32_t i;

	for (i = 0; i < LIMIT_SUM_ITEMS + 10; i++) {
		conn(&c, 1, "x", i, "client_cert_missing", SUM_FAILED, 1);
		ck_assert(summary_add(s, &c));
	}
	summary_sort(s);
	v = summary_service(s, 0);
	ck_assert_uint_eq(v->causes[0].addrs->num, LIMIT_SUM_ITEMS);
	ck_assert_uint_eq(v->causes[0].addrs->other, 10);
	ck_assert_uint_eq(v->causes[0].clients, LIMIT_SUM_ITEMS + 10);
	summary_free(s);
}
END_TEST

/* Past LIMIT_SUM_SERVICES, connections go to "other services". */
START_TEST(test_service_cap)
{
	struct summary *s = summary_new();
	struct sum_conn c;
	uint32_t i;

	for (i = 0; i < LIMIT_SUM_SERVICES + 5; i++) {
		conn(&c, (uint16_t)(i + 1), NULL, 1, "tcp_refused",
		    SUM_FAILED, 1);
		ck_assert(summary_add(s, &c));
	}
	ck_assert_uint_eq(summary_num_services(s), LIMIT_SUM_SERVICES);
	ck_assert_uint_eq(summary_other_conns(s), 5);
	ck_assert_uint_eq(summary_other_failures(s), 5);
	ck_assert_uint_eq(summary_conns(s), LIMIT_SUM_SERVICES + 5);
	summary_free(s);
}
END_TEST

START_TEST(test_rejects)
{
	struct summary *s = summary_new();
	struct sum_conn c;

	conn(&c, 1, NULL, 1, "ok", SUM_NUM_OUTCOMES, 1);
	ck_assert(!summary_add(s, &c));
	conn(&c, 1, NULL, 1, "ok", SUM_OK, 1);
	c.af = 5;
	ck_assert(!summary_add(s, &c));
	ck_assert_uint_eq(summary_conns(s), 0);
	ck_assert_int_eq(summary_outcome_of("suspect"), SUM_SUSPECT);
	ck_assert_int_eq(summary_outcome_of("nope"), SUM_NUM_OUTCOMES);
	summary_free(s);
}
END_TEST

static Suite *
summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");

	tcase_add_test(tc, test_services_and_causes);
	tcase_add_test(tc, test_add_after_sort);
	tcase_add_test(tl, test_list_cap);
	tcase_add_test(tl, test_service_cap);
	tcase_add_test(tl, test_rejects);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return check_run(summary_suite());
}
