/* check_jsonl.c - unit tests of the JSON line reader (--from-json). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "check_main.h"

/* A report as tlsdiag writes it, cut to the fields read back plus a few
 * that are skipped (arrays, nesting, escapes, numbers of every shape). */
static const char line_ok[] =
    "{\"id\":7,\"client\":{\"ip\":\"10.0.0.5\",\"port\":51234},"
    "\"server\":{\"ip\":\"10.0.0.9\",\"port\":443},"
    "\"start\":\"2024-02-29T18:40:22.123456Z\",\"duration_ms\":12.5e0,"
    "\"events\":[{\"frame\":1,\"t_ms\":-0.0,\"type\":\"SYN\"},[],{}],"
    "\"tls\":{\"version\":\"TLS1.2\",\"sni\":\"t\\u00e9st\\/x\","
    "\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\"},"
    "\"client_certs\":[{\"subject\":\"CN=a\\\"b,O=\\ud83d\\ude00\","
    "\"issuer\":\"CN=ca\",\"sha256\":\""
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"},"
    "{\"subject\":\"CN=second\",\"issuer\":\"CN=x\"}],"
    "\"verdict\":{\"code\":\"client_cert_untrusted\",\"outcome\":\"failed\","
    "\"evidence\":[\"a\",\"b\"],\"flag\":true,\"none\":null}}";

static enum jsonl_status
parse(struct jsonl *j, struct jsonl_conn *c, const char **why,
    const char *s, size_t len)
{
	uint8_t *copy;
	enum jsonl_status st;

	/* An exactly sized heap copy: ASan catches any over-read. */
	copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	st = jsonl_parse(j, c, why, copy, len);
	free(copy);
	return st;
}

START_TEST(test_report)
{
	struct jsonl *j = jsonl_new();
	struct jsonl_conn *c = calloc(1, sizeof(*c));
	const char *why = NULL;

	ck_assert_int_eq(parse(j, c, &why, line_ok, strlen(line_ok)),
	    JSONL_CONN);
	ck_assert_uint_eq(c->id, 7);
	ck_assert_int_eq(c->sc.af, 4);
	ck_assert_int_eq(c->sc.client_ip[3], 5);
	ck_assert_int_eq(c->sc.server_ip[3], 9);
	ck_assert_int_eq(c->sc.server_port, 443);
	ck_assert(c->sc.has_sni);
	ck_assert_uint_eq(c->sc.sni_len, 7);
	ck_assert_mem_eq(c->sc.sni, "t\xc3\xa9st/x", 7);
	/* 2024-02-29T18:40:22Z is 1709232022 (date -u -d ... +%s). */
	ck_assert(c->sc.start_us == 1709232022LL * 1000000 + 123456);
	ck_assert_str_eq(c->sc.code, "client_cert_untrusted");
	ck_assert_int_eq(c->sc.outcome, SUM_FAILED);
	ck_assert_str_eq(c->sc.cc_subject, "CN=a\"b,O=\xf0\x9f\x98\x80");
	ck_assert_str_eq(c->sc.cc_issuer, "CN=ca");
	ck_assert_str_eq(c->sc.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	free(c);
	jsonl_free(j);
}
END_TEST

/* Every strict prefix of a valid line is rejected, never read past (one
 * test for all of them: a forked test each is slow under sanitizers). */
START_TEST(test_prefixes)
{
	struct jsonl *j = jsonl_new();
	struct jsonl_conn *c = calloc(1, sizeof(*c));
	const char *why;
	size_t n;

	for (n = 0; n < sizeof(line_ok) - 1; n++) {
		why = NULL;
		ck_assert_msg(parse(j, c, &why, line_ok, n) == JSONL_BAD,
		    "prefix of %zu bytes accepted", n);
		ck_assert_ptr_nonnull(why);
	}
	free(c);
	jsonl_free(j);
}
END_TEST

START_TEST(test_bad_lines)
{
	static const char *const bad[] = {
		"not json",
		"{\"id\":1}x",
		"{\"id\":1,}",
		"{\"a\":[1,2}",
		"{\"a\":01}",
		"{\"a\":1.}",
		"{\"a\":\"\\x\"}",
		"{\"a\":\"\\ud800\"}",
		"{\"a\":\"\\udc00\"}",
		"{\"a\":\"\xc0\xaf\"}",		/* overlong UTF-8 */
		"{\"a\":\"\xed\xa0\x80\"}",	/* a surrogate in UTF-8 */
		"{\"a\":\"tab\there\"}",		/* raw control byte */
		"{\"a\":tru}",
		"[1]",
		"{\"id\":1,\"id\":2,\"verdict\":{\"code\":\"ok\"}}",
		"{\"id\":\"1\",\"verdict\":{\"code\":\"ok\"}}",
		"{\"id\":1,\"verdict\":{\"code\":\"ok\"}}",	/* lacks fields */
	};
	struct jsonl *j = jsonl_new();
	struct jsonl_conn *c = calloc(1, sizeof(*c));
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(parse(j, c, &why, bad[i], strlen(bad[i])) ==
		    JSONL_BAD, "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	free(c);
	jsonl_free(j);
}
END_TEST

START_TEST(test_other_and_depth)
{
	static const char other[] = "{\"summary\":{\"a\":[1]}}";
	struct jsonl *j = jsonl_new();
	struct jsonl_conn *c = calloc(1, sizeof(*c));
	const char *why = NULL;
	char deep[200];
	size_t i, n = 0;

	ck_assert_int_eq(parse(j, c, &why, other, strlen(other)), JSONL_OTHER);
	/* 17 levels: past LIMIT_JSON_DEPTH. */
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"a\":");
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "1");
	for (i = 0; i < 17; i++)
		deep[n++] = '}';
	ck_assert_int_eq(parse(j, c, &why, deep, n), JSONL_BAD);
	free(c);
	jsonl_free(j);
}
END_TEST

/* --json=compact: a certificate written in full once, then by SHA-256. */
START_TEST(test_compact_reference)
{
	static const char ref[] =
	    "{\"id\":8,\"client\":{\"ip\":\"::1\",\"port\":1},"
	    "\"server\":{\"ip\":\"::1\",\"port\":2},"
	    "\"start\":\"2024-02-29T18:40:22.000000Z\",\"tls\":{\"sni\":null},"
	    "\"client_certs\":[{\"sha256\":"
	    "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\","
	    "\"ref\":true}],"
	    "\"verdict\":{\"code\":\"ok\",\"outcome\":\"ok\"}}";
	struct jsonl *j = jsonl_new();
	struct jsonl_conn *c = calloc(1, sizeof(*c));
	const char *why = NULL;

	ck_assert_int_eq(parse(j, c, &why, ref, strlen(ref)), JSONL_CONN);
	ck_assert_ptr_null(c->sc.cc_subject);
	ck_assert_uint_eq(jsonl_unresolved(j), 1);
	ck_assert_int_eq(parse(j, c, &why, line_ok, strlen(line_ok)),
	    JSONL_CONN);
	ck_assert_int_eq(parse(j, c, &why, ref, strlen(ref)), JSONL_CONN);
	ck_assert_int_eq(c->sc.af, 6);
	ck_assert(!c->sc.has_sni);
	ck_assert_str_eq(c->sc.cc_subject, "CN=a\"b,O=\xf0\x9f\x98\x80");
	ck_assert_str_eq(c->sc.cc_issuer, "CN=ca");
	ck_assert_uint_eq(jsonl_unresolved(j), 1);
	free(c);
	jsonl_free(j);
}
END_TEST

static Suite *
jsonl_suite(void)
{
	Suite *s = suite_create("jsonl");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");

	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_compact_reference);
	tcase_add_test(tc, test_other_and_depth);
	tcase_add_test(tl, test_prefixes);
	tcase_add_test(tl, test_bad_lines);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return check_run(jsonl_suite());
}
