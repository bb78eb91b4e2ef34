/* check_forgot.c - unit tests for the connections reported idle and forgotten (forgot.c). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "forgot.h"
#include "limits.h"
#include "check_main.h"

#define SEC	1000000LL

/* key makes the flow key of client port |port| (IPv4, 10.0.0.1 to
 * 10.0.0.2:443). */
static struct flow_key
key(uint16_t port)
{
	struct flow_key k;

	memset(&k, 0, sizeof(k));
	k.af = 4;
	k.a[0] = k.b[0] = 10;
	k.a[3] = 1;
	k.b[3] = 2;
	k.pa = port;
	k.pb = 443;
	return k;
}

static void
add(struct forgot *g, uint16_t port, uint64_t id, int64_t now_us)
{
	struct forgot_entry e;

	memset(&e, 0, sizeof(e));
	e.key = key(port);
	e.conn_id = id;
	e.idle_at_us = now_us - 60 * SEC;
	e.client_is_a = (port & 1) != 0;
	forgot_add(g, &e, now_us);
}

/* An entry is found by its key once, with what was kept; another key is
 * not found; the newest of one key is found first. */
/* The size the limit's comment gives. */
START_TEST(test_entry_size)
{
	ck_assert_uint_le(sizeof(struct forgot_entry), 72);
}
END_TEST

START_TEST(test_take)
{
	struct forgot *g = forgot_new();
	struct forgot_entry e;
	struct flow_key k = key(1001);

	ck_assert(!forgot_take(g, &k, 0, &e));
	add(g, 1001, 7, 100 * SEC);
	add(g, 1002, 8, 101 * SEC);
	k = key(1003);
	ck_assert(!forgot_take(g, &k, 102 * SEC, &e));
	k = key(1001);
	ck_assert(forgot_take(g, &k, 102 * SEC, &e));
	ck_assert_uint_eq(e.conn_id, 7);
	ck_assert_int_eq(e.idle_at_us, 40 * SEC);
	ck_assert(e.client_is_a);
	ck_assert(!forgot_take(g, &k, 102 * SEC, &e));
	/* The same tuple forgotten twice: the newer first. */
	add(g, 1002, 9, 103 * SEC);
	k = key(1002);
	ck_assert(forgot_take(g, &k, 104 * SEC, &e));
	ck_assert_uint_eq(e.conn_id, 9);
	ck_assert(forgot_take(g, &k, 104 * SEC, &e));
	ck_assert_uint_eq(e.conn_id, 8);
	forgot_free(g);
}
END_TEST

/* Entries go after LIMIT_FORGOTTEN_SECONDS, oldest first, and only by
 * their age below the count. */
START_TEST(test_age)
{
	struct forgot *g = forgot_new();
	struct forgot_entry e;
	struct flow_key k;
	int64_t day = LIMIT_FORGOTTEN_SECONDS * SEC;

	add(g, 2001, 1, 0);
	add(g, 2002, 2, 10 * SEC);
	k = key(2002);
	ck_assert(!forgot_take(g, &k, 10 * SEC + day + 1, &e));
	ck_assert_uint_eq(forgot_count(g), 0);
	add(g, 2001, 3, 2 * day);
	add(g, 2002, 4, 2 * day + 10 * SEC);
	k = key(2002);
	ck_assert(forgot_take(g, &k, 3 * day + 5 * SEC, &e));
	ck_assert_uint_eq(e.conn_id, 4);
	k = key(2001);
	ck_assert(!forgot_take(g, &k, 3 * day + 5 * SEC, &e));
	forgot_free(g);
}
END_TEST

/* Past LIMIT_FORGOTTEN the oldest go; the ring grows and wraps without
 * losing an entry or its chain. */
START_TEST(test_many)
{
	struct forgot *g = forgot_new();
	struct forgot_entry e;
	struct flow_key k;
	uint32_t i, n = LIMIT_FORGOTTEN + 100;

	for (i = 0; i < n; i++)
		add(g, (uint16_t)(i % 60000), (uint64_t)i + 1,
		    (int64_t)i * 1000);
	ck_assert_uint_eq(forgot_count(g), LIMIT_FORGOTTEN);
	/* Port 5 was added at i = 5 and 60005: the first is gone. */
	k = key(5);
	ck_assert(forgot_take(g, &k, (int64_t)n * 1000, &e));
	ck_assert_uint_eq(e.conn_id, 60006);
	ck_assert(!forgot_take(g, &k, (int64_t)n * 1000, &e));
	/* Port 20000, added once at i = 20000: still there. */
	k = key(20000);
	ck_assert(forgot_take(g, &k, (int64_t)n * 1000, &e));
	ck_assert_uint_eq(e.conn_id, 20001);
	for (i = 100; i < 200; i++)
		add(g, (uint16_t)(60000 + i), 1000000 + i,
		    (int64_t)(n + i) * 1000);
	k = key(60150);
	ck_assert(forgot_take(g, &k, (int64_t)(n + 200) * 1000, &e));
	ck_assert_uint_eq(e.conn_id, 1000150);
	forgot_free(g);
}
END_TEST

static Suite *
forgot_suite(void)
{
	Suite *s = suite_create("forgot");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_entry_size);
	tcase_add_test(tc, test_take);
	tcase_add_test(tc, test_age);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(forgot_suite());
}
