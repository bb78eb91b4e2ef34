/*
 * check_pool.c - unit tests for pool.c's helpers that name connections:
 * reading a pending id in a report (timeline.h) in its three forms, and
 * numbering the connections from the frames that began them.
 *
 * These helpers are static: this file includes pool.c, and so the test
 * program links no pool.o of its own (pool.c's other functions come
 * with it).
 */
#include "../src/pool.c"
#include "check_main.h"

#include <check.h>

/* A pool with just what the helpers read. */
static struct pool *
pool_of(uint32_t nonce)
{
	struct pool *pl = xcalloc(1, sizeof(*pl));

	set_nonce(pl, nonce);
	return pl;
}

static void
pool_of_free(struct pool *pl)
{
	free(pl->made);
	free(pl->made_before);
	free(pl);
}

static size_t
pid(const struct pool *pl, const char *s, uint64_t *frame)
{
	return pending_id(pl, s, strlen(s), frame);
}

START_TEST(test_pending_id_forms)
{
	struct pool *pl = pool_of(0xabc123);
	uint64_t f = 0;

	/* Raw (in JSON numbers and text ids), escaped in text, in JSON. */
	ck_assert_uint_eq(pid(pl, "\001abc123-42\002 rest", &f), 11);
	ck_assert_uint_eq(f, 42);
	ck_assert_uint_eq(pid(pl, "\\x01abc123-7\\x02", &f), 16);
	ck_assert_uint_eq(f, 7);
	ck_assert_uint_eq(pid(pl, "\\u0001abc123-123456\\u0002", &f), 25);
	ck_assert_uint_eq(f, 123456);
	/* The largest frame a 64-bit count holds (20 digits). */
	ck_assert_uint_eq(pid(pl, "\001abc123-18446744073709551615\002", &f),
	    29);
	ck_assert_uint_eq(f, UINT64_MAX);
	pool_of_free(pl);
}
END_TEST

/* What is not this run's pending id is left as it is: a name from the
 * wire does not know the nonce, and a broken form is not read. */
START_TEST(test_pending_id_not)
{
	struct pool *pl = pool_of(0xabc123);
	uint64_t f = 99;
	static const char *const no[] = {
		"\001abc124-42\002",		/* another nonce */
		"\001ABC123-42\002",		/* the nonce is lower case */
		"\001abc123-\002",		/* no frame */
		"\001abc123-42",		/* not closed */
		"\001abc123-42\\x02",		/* closed in another form */
		"\\x01abc123-42\002",
		"\001abc123 42\002",		/* not a dash */
		"\001abc12",			/* cut short */
		"\\u0001abc123-4x\\u0002",	/* not a number */
		"\001abc123-123456789012345678901\002",	/* 21 digits */
		"abc123-42",
		"",
	};
	size_t i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(pid(pl, no[i], &f) == 0, "read as an id: case %zu",
		    i);
	/* Bounded by |n|, not by a NUL: one byte short of the close. */
	ck_assert_uint_eq(pending_id(pl, "\001abc123-42\002", 10, &f), 0);
	pool_of_free(pl);
}
END_TEST

/* find_ids, on a worker's report: every pending id is found, and an
 * escaped backslash before "x01" (a name from the wire) is not one. */
START_TEST(test_find_ids)
{
	struct pool *pl = pool_of(0x00beef);
	struct res r;
	struct rec e;
	/* The name's bytes were a backslash, "x0100beef-6" and 0x02:
	 * escaped, the backslash is doubled, and the rest looks like an id
	 * to a reader that would not skip the pair. */
	const char *text = "conn \001" "00beef-5\002 sni \"\\\\x0100beef-6"
	    "\\x02\" then \\x0100beef-8\\x02 and \\u000100beef-9\\u0002.";

	memset(&r, 0, sizeof(r));
	memset(&e, 0, sizeof(e));
	sb_init(&r.bytes);
	e.text = keep_cstr(&r, text);
	e.text_len = strlen(text);
	/* A rendering that escaped nothing holds raw marks only. */
	find_ids(pl, &r, &e, false);
	ck_assert_uint_eq(e.nid, 1);
	ck_assert_uint_eq(r.ids[0].frame, 5);
	r.nids = 0;
	find_ids(pl, &r, &e, true);
	ck_assert_uint_eq(e.nid, 3);
	ck_assert_uint_eq(r.ids[0].frame, 5);
	ck_assert_uint_eq(r.ids[0].off, 5);
	ck_assert_uint_eq(r.ids[0].len, 10);
	ck_assert_uint_eq(r.ids[1].frame, 8);
	ck_assert_uint_eq(r.ids[2].frame, 9);
	ck_assert_int_eq(memcmp(r.bytes.s + r.ids[2].off, "\\u0001", 6), 0);
	free(r.ids);
	sb_cleanup(&r.bytes);
	pool_of_free(pl);
}
END_TEST

/* id_of numbers connections in the order of the frames that began
 * them, across blocks of MADE_BLOCK words, and by shard with --shard. */
START_TEST(test_id_of)
{
	struct pool *pl = pool_of(1);
	static const uint64_t began[] = { 3, 64, 65, 511, 512, 9000, 9001 };
	size_t i;

	for (i = 0; i < sizeof(began) / sizeof(began[0]); i++)
		made_set(pl, began[i]);
	made_count(pl, 0);
	for (i = 0; i < sizeof(began) / sizeof(began[0]); i++)
		ck_assert_uint_eq(id_of(pl, began[i]), i + 1);
	/* A frame that began none, and one past every block. */
	ck_assert_uint_eq(id_of(pl, 4), 0);
	ck_assert_uint_eq(id_of(pl, 1000000), 0);
	/* Shard 2 of 3 numbers its connections 2, 5, 8, ... */
	pl->shard_k = 2;
	pl->shard_n = 3;
	ck_assert_uint_eq(id_of(pl, 3), 2);
	ck_assert_uint_eq(id_of(pl, 64), 5);
	ck_assert_uint_eq(id_of(pl, 9001), 2 + 6 * 3);
	pool_of_free(pl);
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pending_id_forms);
	tcase_add_test(tc, test_pending_id_not);
	tcase_add_test(tc, test_find_ids);
	tcase_add_test(tc, test_id_of);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(pool_suite());
}
