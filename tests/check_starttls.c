/* check_starttls.c - unit tests of the plaintext preamble follower for
 * IRC STARTTLS and SOCKS4a. The IRC byte strings below are forged, written
 * after the lines of pcaps/irc-starttls.pcap (openssl s_client -starttls
 * irc against tools/irc-starttls.py) and of zeek's irc-starttls.pcap; the
 * capture itself is checked end to end in tests/e2e/verdicts.sh. The SOCKS4a
 * bytes are real (see there). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "starttls.h"
#include "check_main.h"

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

/* ja4's socks4-https.pcap (../shared/corpora, read with tshark), frames 4
 * and 6: a SOCKS4a CONNECT to login.live.com:443 (address 0.0.0.1, user id
 * "fd7bcf7b5c9e1d", then the name) and the proxy's grant (CD 90). */
static const uint8_t socks4a_req[] = {
	0x04, 0x01, 0x01, 0xbb, 0x00, 0x00, 0x00, 0x01, 'f', 'd', '7', 'b',
	'c', 'f', '7', 'b', '5', 'c', '9', 'e', '1', 'd', 0x00, 'l', 'o',
	'g', 'i', 'n', '.', 'l', 'i', 'v', 'e', '.', 'c', 'o', 'm', 0x00,
};
static const uint8_t socks4_grant[] = {
	0x00, 0x5a, 0x01, 0xbb, 0x83, 0xfd, 0x3d, 0x50,
};

/* The whole 4a request (user id and name) is the preamble; the grant
 * upgrades; a TLS record follows. */
START_TEST(test_socks4a_granted)
{
	struct starttls st;

	starttls_init(&st);
	ck_assert_uint_eq(starttls_feed(&st, 0, socks4a_req,
	    sizeof(socks4a_req)), sizeof(socks4a_req));
	ck_assert_str_eq(st.proto, "SOCKS4");
	ck_assert_uint_eq(starttls_feed(&st, 1, socks4_grant,
	    sizeof(socks4_grant)), sizeof(socks4_grant));
	ck_assert(st.upgraded_now);
	ck_assert_int_eq(st.state, STARTTLS_DONE);
	ck_assert_uint_eq(st.dest_port, 443);	/* 0x01bb */
	starttls_cleanup(&st);
}
END_TEST

/* The port an HTTP CONNECT asks for (RFC 9110 9.3.6); none when the
 * request line has no port, or a port that is not a number. */
START_TEST(test_connect_port)
{
	static const struct {
		const char	*line;
		uint16_t	 port;
	} t[] = {
		{ "CONNECT example.com:8443 HTTP/1.1\r\n", 8443 },
		{ "CONNECT [::1]:443 HTTP/1.1\r\n", 443 },
		{ "CONNECT example.com HTTP/1.1\r\n", 0 },
		{ "CONNECT example.com:4x3 HTTP/1.1\r\n", 0 },
		{ "CONNECT example.com:99999 HTTP/1.1\r\n", 0 },
	};
	struct starttls st;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		starttls_init(&st);
		(void)starttls_feed(&st, 0, (const uint8_t *)t[i].line,
		    strlen(t[i].line));
		ck_assert_str_eq(st.proto, "HTTP CONNECT");
		ck_assert_uint_eq(st.dest_port, t[i].port);
		starttls_cleanup(&st);
	}
}
END_TEST

/* Forged from the grant above: CD 91 instead of 90 is a refusal, with the
 * sentence of code 91. */
START_TEST(test_socks4_refused)
{
	struct starttls st;
	uint8_t no[sizeof(socks4_grant)];

	memcpy(no, socks4_grant, sizeof(no));
	no[1] = 91;
	starttls_init(&st);
	starttls_feed(&st, 0, socks4a_req, sizeof(socks4a_req));
	starttls_feed(&st, 1, no, sizeof(no));
	ck_assert(st.refused_now);
	ck_assert(!st.upgraded_now);
	ck_assert_ptr_nonnull(strstr(st.why, "(reply 91)"));
	starttls_cleanup(&st);
}
END_TEST

/* How each protocol asks for TLS, for the verdict's sentence. */
START_TEST(test_upgrade_name)
{
	ck_assert_str_eq(starttls_upgrade_name("FTP"), "AUTH TLS");
	ck_assert_str_eq(starttls_upgrade_name("POP3"), "STLS");
	ck_assert_str_eq(starttls_upgrade_name("MySQL"), "its SSL request");
	ck_assert_str_eq(starttls_upgrade_name("LDAP"), "StartTLS");
	ck_assert_str_eq(starttls_upgrade_name("SMTP"), "STARTTLS");
	ck_assert_str_eq(starttls_upgrade_name("IMAP"), "STARTTLS");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("starttls");
	TCase *irc = tcase_create("irc");
	TCase *socks = tcase_create("socks4");

	tcase_add_test(irc, test_irc_client_first);
	tcase_add_test(irc, test_irc_notice_first);
	tcase_add_test(irc, test_irc_refused);
	tcase_add_test(irc, test_irc_not_numeric);
	suite_add_tcase(s, irc);
	tcase_add_test(socks, test_socks4a_granted);
	tcase_add_test(socks, test_socks4_refused);
	tcase_add_test(socks, test_connect_port);
	tcase_add_test(socks, test_upgrade_name);
	suite_add_tcase(s, socks);
	return s;
}

int
main(void)
{
	return check_run(suite());
}
