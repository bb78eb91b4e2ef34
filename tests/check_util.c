/* check_util.c - unit tests of buffers and of text and JSON escaping. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static char *
text(const char *in, size_t len)
{
	struct sb b;

	sb_init(&b);
	sb_puts(&b, "");
	sb_text_escaped(&b, (const uint8_t *)in, len);
	return b.s;
}

static char *
json(const char *in, size_t len)
{
	struct sb b;

	sb_init(&b);
	sb_json_string(&b, (const uint8_t *)in, len);
	return b.s;
}

START_TEST(test_text_plain)
{
	char *s = text("tls-server.local", 16);

	ck_assert_str_eq(s, "tls-server.local");
	free(s);
}
END_TEST

/* A terminal escape from the wire must not reach the terminal. */
START_TEST(test_text_escape_sequences)
{
	static const char in[] = "evil\033[2J\033]0;pwned\007\r\n\\x";
	char *s = text(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "evil\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0a\\\\x");
	ck_assert_ptr_null(strchr(s, '\033'));
	free(s);
}
END_TEST

START_TEST(test_text_utf8_and_invalid)
{
	/* "é" passes; a lone 0xff and a C1 control (U+009B, CSI) do not. */
	static const char in[] = "caf\xc3\xa9 \xff \xc2\x9b";
	char *s = text(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "caf\xc3\xa9 \\xff \\xc2\\x9b");
	free(s);
}
END_TEST

START_TEST(test_text_nul)
{
	char *s = text("a\0b", 3);

	ck_assert_str_eq(s, "a\\x00b");
	free(s);
}
END_TEST

START_TEST(test_json_escapes)
{
	static const char in[] = "\"q\" \\ \n\t\x01\x7f";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\\\"q\\\" \\\\ \\n\\t\\u0001\\u007f\"");
	free(s);
}
END_TEST

START_TEST(test_json_invalid_utf8)
{
	/* Overlong "/", a surrogate, a truncated sequence: each byte becomes
	 * U+00XX so the output is valid JSON and loses nothing. */
	static const char in[] = "\xc0\xaf\xed\xa0\x80\xe2\x82";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2"
	    "\\u0082\"");
	free(s);
}
END_TEST

START_TEST(test_json_utf8_passes)
{
	static const char in[] = "\xe2\x82\xac\xf0\x9f\x94\x92";
	char *s = json(in, sizeof(in) - 1);

	ck_assert_str_eq(s, "\"\xe2\x82\xac\xf0\x9f\x94\x92\"");
	free(s);
}
END_TEST

/* Every byte value, alone, gives a quoted string with no raw control. */
START_TEST(test_json_every_byte)
{
	char in[1], *s;
	size_t i;

	in[0] = (char)_i;
	s = json(in, 1);
	ck_assert_int_eq(s[0], '"');
	ck_assert_int_eq(s[strlen(s) - 1], '"');
	for (i = 0; s[i] != '\0'; i++)
		ck_assert_int_ge((unsigned char)s[i], 0x20);
	free(s);
	s = text(in, 1);
	for (i = 0; s[i] != '\0'; i++)
		ck_assert((unsigned char)s[i] >= 0x20 &&
		    (unsigned char)s[i] < 0x7f);
	free(s);
}
END_TEST

START_TEST(test_buf_cap)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert(buf_add(&b, "0123456789", 10));
	ck_assert(!buf_add(&b, "x", 1));
	ck_assert_uint_eq(b.len, 10);
	buf_consume(&b, 4);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_mem_eq(b.p, "456789", 6);
	ck_assert(buf_add(&b, "ab", 2));
	buf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	buf_cleanup(&b);
}
END_TEST

START_TEST(test_time_iso)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), 1709232022123456LL);
	ck_assert_str_eq(t, "2024-02-29T18:40:22.123456Z");
	fmt_time_iso(t, sizeof(t), 0);
	ck_assert_str_eq(t, "1970-01-01T00:00:00.000000Z");
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_text_plain);
	tcase_add_test(tc, test_text_escape_sequences);
	tcase_add_test(tc, test_text_utf8_and_invalid);
	tcase_add_test(tc, test_text_nul);
	tcase_add_test(tc, test_json_escapes);
	tcase_add_test(tc, test_json_invalid_utf8);
	tcase_add_test(tc, test_json_utf8_passes);
	tcase_add_loop_test(tc, test_json_every_byte, 0, 256);
	tcase_add_test(tc, test_buf_cap);
	tcase_add_test(tc, test_time_iso);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
