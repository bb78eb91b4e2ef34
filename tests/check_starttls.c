/* check_starttls.c - unit tests of the plaintext preamble follower for
 * IRC STARTTLS. The byte strings below are forged, written after the
 * lines of pcaps/irc-starttls.pcap (openssl s_client -starttls irc against
 * tools/irc-starttls.py) and of zeek's irc-starttls.pcap; the capture
 * itself is checked end to end in tests/e2e/verdicts.sh. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "starttls.h"

static size_t
feed(struct starttls *st, int dir, const char *s)
{
	return starttls_feed(st, dir, (const uint8_t *)s, strlen(s));
}

/* Client first: STARTTLS, the server's 670, then TLS both ways. */
START_TEST(test_irc_client_first)
{
	struct starttls st;
	static const char ok[] = ":irc.example 670 nick :STARTTLS "
	    "successful, go ahead with TLS handshake\r\n";

	starttls_init(&st);
	ck_assert_uint_eq(feed(&st, 0, "STARTTLS\r\n"), 10);
	ck_assert_int_eq(st.state, STARTTLS_FOLLOW);
	ck_assert_str_eq(st.proto, "IRC");
	ck_assert(st.requested);
	ck_assert_uint_eq(feed(&st, 1, ok), strlen(ok));
	ck_assert(st.upgraded_now);
	ck_assert(st.tls[0] && st.tls[1]);
	ck_assert_int_eq(st.state, STARTTLS_DONE);
	/* What follows is TLS for the record layer. */
	ck_assert_uint_eq(feed(&st, 0, "\x16\x03\x01\x00\x05"), 0);
	starttls_cleanup(&st);
}
END_TEST

/* Server first: a NOTICE while it looks the client up, then the client's
 * STARTTLS (which must not turn the stream into SMTP), another notice and
 * the 670 in one read. */
START_TEST(test_irc_notice_first)
{
	struct starttls st;
	static const char two[] = ":irc.example NOTICE * :*** Found your "
	    "hostname\r\n:irc.example 670 * :go ahead\r\n";

	starttls_init(&st);
	ck_assert_uint_eq(feed(&st, 1, ":irc.example NOTICE * :*** Looking "
	    "up your hostname...\r\n"), 56);
	ck_assert_str_eq(st.proto, "IRC");
	ck_assert(!st.requested);
	ck_assert_uint_eq(feed(&st, 0, "STARTTLS\r\n"), 10);
	ck_assert(st.requested);
	ck_assert_str_eq(st.proto, "IRC");	/* not SMTP */
	ck_assert_uint_eq(feed(&st, 1, two), strlen(two));
	ck_assert(st.upgraded_now);
	starttls_cleanup(&st);
}
END_TEST

/* 691 ERR_STARTTLS: refused, with the reason. */
START_TEST(test_irc_refused)
{
	struct starttls st;

	starttls_init(&st);
	feed(&st, 0, "STARTTLS\r\n");
	feed(&st, 1, ":irc.example 691 * :STARTTLS failed\r\n");
	ck_assert(st.refused_now);
	ck_assert(!st.upgraded_now);
	ck_assert_ptr_nonnull(st.why);
	ck_assert_ptr_nonnull(strstr(st.why, "691"));
	starttls_cleanup(&st);
}
END_TEST

/* Lines that are not numerics, or numerics other than 670/691, do not
 * upgrade: a prefix without a space, a 4-digit command, 6700. */
START_TEST(test_irc_not_numeric)
{
	struct starttls st;

	starttls_init(&st);
	feed(&st, 0, "CAP LS 302\r\nSTARTTLS\r\n");
	ck_assert_str_eq(st.proto, "IRC");
	ck_assert(st.requested);
	feed(&st, 1, ":irc.example CAP * LS :tls\r\n");
	feed(&st, 1, ":irc.example 6700 * :no\r\n");
	feed(&st, 1, ":irc.example\r\n");
	feed(&st, 1, "670\r\n");
	ck_assert(!st.upgraded_now);
	ck_assert(!st.refused_now);
	ck_assert_int_eq(st.state, STARTTLS_FOLLOW);
	feed(&st, 1, "670 * :bare numeric, no prefix\r\n");
	ck_assert(st.upgraded_now);
	starttls_cleanup(&st);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("starttls");
	TCase *irc = tcase_create("irc");

	tcase_add_test(irc, test_irc_client_first);
	tcase_add_test(irc, test_irc_notice_first);
	tcase_add_test(irc, test_irc_refused);
	tcase_add_test(irc, test_irc_not_numeric);
	suite_add_tcase(s, irc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_ENV);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
