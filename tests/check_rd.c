/* check_rd.c - unit tests for the bounded reader. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "rd.h"
#include "check_main.h"

static const uint8_t seq8[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
};

/* heap copies exactly |len| bytes long, so over-reads are caught. */
static uint8_t *
dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *b;

	b = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(b);
	if (len > 0)
		memcpy(b, p, len);
	return b;
}

/* same asserts that |r| still points at |p| with |len| bytes left. */
static void
same(const struct rd *r, const uint8_t *p, size_t len)
{
	ck_assert_ptr_eq(rd_ptr(r), p);
	ck_assert_uint_eq(rd_left(r), len);
}

START_TEST(test_init)
{
	struct rd r;
	uint8_t *b;

	b = dup_exact(seq8, sizeof(seq8));
	rd_init(&r, b, sizeof(seq8));
	same(&r, b, sizeof(seq8));
	rd_init(&r, b, 0);
	same(&r, b, 0);
	free(b);
}
END_TEST

START_TEST(test_ints)
{
	struct rd r;
	uint8_t *b, u8;
	uint16_t u16;
	uint32_t u32;

	b = dup_exact(seq8, sizeof(seq8));
	rd_init(&r, b, sizeof(seq8));
	ck_assert(rd_u8(&r, &u8));
	ck_assert_uint_eq(u8, 0x01);
	same(&r, b + 1, sizeof(seq8) - 1);
	ck_assert(rd_u16(&r, &u16));
	ck_assert_uint_eq(u16, 0x0203);
	same(&r, b + 3, sizeof(seq8) - 3);
	ck_assert(rd_u24(&r, &u32));
	ck_assert_uint_eq(u32, 0x040506);
	same(&r, b + 6, sizeof(seq8) - 6);
	ck_assert(rd_u32(&r, &u32));
	ck_assert_uint_eq(u32, 0x0708090a);
	same(&r, b + 10, sizeof(seq8) - 10);
	/* High bits set: no sign extension. */
	ck_assert(rd_u32(&r, &u32));
	ck_assert_uint_eq(u32, 0xf1f2f3f4u);
	ck_assert(rd_u16(&r, &u16));
	ck_assert_uint_eq(u16, 0xf5f6);
	same(&r, b + sizeof(seq8), 0);
	free(b);
}
END_TEST

START_TEST(test_ints_le)
{
	struct rd r;
	uint8_t *b;
	uint16_t u16;
	uint32_t u32;

	b = dup_exact(seq8 + 8, 8);		/* 09 0a f1 f2 f3 f4 f5 f6 */
	rd_init(&r, b, 8);
	ck_assert(rd_u16le(&r, &u16));
	ck_assert_uint_eq(u16, 0x0a09);
	ck_assert(rd_u32le(&r, &u32));
	ck_assert_uint_eq(u32, 0xf4f3f2f1u);
	same(&r, b + 6, 2);
	ck_assert(rd_u16le(&r, &u16));
	ck_assert_uint_eq(u16, 0xf6f5);
	same(&r, b + 8, 0);
	free(b);
}
END_TEST

/*
 * Limits: with fewer bytes than a read needs (every length from 0 up to
 * one short), each fixed-width read fails and leaves the reader as it
 * was; with exactly enough it succeeds and empties the reader.
 */
START_TEST(test_ints_short)
{
	struct rd r;
	uint8_t *b, u8;
	uint16_t u16;
	uint32_t u32;
	size_t n;

	for (n = 0; n <= 4; n++) {
		b = dup_exact(seq8, n);
		rd_init(&r, b, n);
		ck_assert(rd_u8(&r, &u8) == (n >= 1));
		rd_init(&r, b, n);
		ck_assert(rd_u16(&r, &u16) == (n >= 2));
		rd_init(&r, b, n);
		ck_assert(rd_u16le(&r, &u16) == (n >= 2));
		rd_init(&r, b, n);
		ck_assert(rd_u24(&r, &u32) == (n >= 3));
		rd_init(&r, b, n);
		ck_assert(rd_u32(&r, &u32) == (n >= 4));
		rd_init(&r, b, n);
		ck_assert(rd_u32le(&r, &u32) == (n >= 4));
		free(b);
	}
	for (n = 0; n < 4; n++) {
		b = dup_exact(seq8, n);
		rd_init(&r, b, n);
		if (n < 1) {
			ck_assert(!rd_u8(&r, &u8));
			same(&r, b, n);
		}
		if (n < 2) {
			ck_assert(!rd_u16(&r, &u16));
			same(&r, b, n);
			ck_assert(!rd_u16le(&r, &u16));
			same(&r, b, n);
		}
		if (n < 3) {
			ck_assert(!rd_u24(&r, &u32));
			same(&r, b, n);
		}
		ck_assert(!rd_u32(&r, &u32));
		same(&r, b, n);
		ck_assert(!rd_u32le(&r, &u32));
		same(&r, b, n);
		free(b);
	}
}
END_TEST

START_TEST(test_skip)
{
	struct rd r;
	uint8_t *b;

	b = dup_exact(seq8, 10);
	rd_init(&r, b, 10);
	ck_assert(rd_skip(&r, 0));
	same(&r, b, 10);
	ck_assert(rd_skip(&r, 3));
	same(&r, b + 3, 7);
	ck_assert(!rd_skip(&r, 8));		/* one past the end */
	same(&r, b + 3, 7);
	ck_assert(!rd_skip(&r, SIZE_MAX));
	same(&r, b + 3, 7);
	ck_assert(rd_skip(&r, 7));		/* exactly to the end */
	same(&r, b + 10, 0);
	ck_assert(!rd_skip(&r, 1));
	ck_assert(rd_skip(&r, 0));
	same(&r, b + 10, 0);
	free(b);
}
END_TEST

START_TEST(test_copy)
{
	struct rd r;
	uint8_t *b, out[8];
	volatile size_t huge;

	b = dup_exact(seq8, 10);
	rd_init(&r, b, 10);
	ck_assert(rd_copy(&r, out, 4));
	ck_assert_mem_eq(out, seq8, 4);
	same(&r, b + 4, 6);
	memset(out, 0xee, sizeof(out));
	ck_assert(!rd_copy(&r, out, 7));
	same(&r, b + 4, 6);
	/* Through a volatile: a constant SIZE_MAX lets GCC warn about the
	 * memcpy that the length check makes unreachable. */
	huge = SIZE_MAX;
	ck_assert(!rd_copy(&r, out, huge));
	same(&r, b + 4, 6);
	ck_assert(rd_copy(&r, out, 0));
	same(&r, b + 4, 6);
	ck_assert(rd_copy(&r, NULL, 0));	/* nothing to copy, no target */
	ck_assert(rd_copy(&r, out, 6));
	ck_assert_mem_eq(out, seq8 + 4, 6);
	same(&r, b + 10, 0);
	free(b);
}
END_TEST

START_TEST(test_bytes)
{
	struct rd r, sub;
	uint8_t *b, u8;

	b = dup_exact(seq8, 10);
	rd_init(&r, b, 10);
	ck_assert(rd_bytes(&r, &sub, 3));
	same(&sub, b, 3);
	same(&r, b + 3, 7);
	/* The sub-reader is bounded on its own. */
	ck_assert(rd_skip(&sub, 2));
	ck_assert(rd_u8(&sub, &u8));
	ck_assert_uint_eq(u8, 0x03);
	ck_assert(!rd_u8(&sub, &u8));
	sub.p = NULL;
	sub.len = 99;
	ck_assert(!rd_bytes(&r, &sub, 8));
	same(&r, b + 3, 7);
	ck_assert(!rd_bytes(&r, &sub, SIZE_MAX));
	same(&r, b + 3, 7);
	ck_assert(rd_bytes(&r, &sub, 0));
	same(&sub, b + 3, 0);
	same(&r, b + 3, 7);
	ck_assert(rd_bytes(&r, &sub, 7));
	same(&sub, b + 3, 7);
	same(&r, b + 10, 0);
	free(b);
}
END_TEST

/* Vectors: contents, empty, exactly filling, one byte short. */
START_TEST(test_vec)
{
	static const uint8_t v8[] = { 0x02, 0xaa, 0xbb, 0x00, 0xcc };
	static const uint8_t v16[] = { 0x00, 0x03, 0x01, 0x02, 0x03, 0x00,
	    0x00 };
	static const uint8_t v24[] = { 0x00, 0x00, 0x02, 0x0e, 0x0f, 0x00,
	    0x00, 0x00 };
	struct rd r, out;
	uint8_t *b;

	b = dup_exact(v8, sizeof(v8));
	rd_init(&r, b, sizeof(v8));
	ck_assert(rd_vec8(&r, &out));
	same(&out, b + 1, 2);
	same(&r, b + 3, 2);
	ck_assert(rd_vec8(&r, &out));		/* empty vector */
	same(&out, b + 4, 0);
	same(&r, b + 4, 1);
	ck_assert(!rd_vec8(&r, &out));		/* length 0xcc, 0 bytes left */
	same(&r, b + 4, 1);
	free(b);

	b = dup_exact(v16, sizeof(v16));
	rd_init(&r, b, sizeof(v16));
	ck_assert(rd_vec16(&r, &out));
	same(&out, b + 2, 3);
	ck_assert_mem_eq(rd_ptr(&out), v16 + 2, 3);
	ck_assert(rd_vec16(&r, &out));
	same(&out, b + 7, 0);
	same(&r, b + 7, 0);
	ck_assert(!rd_vec16(&r, &out));
	free(b);

	b = dup_exact(v24, sizeof(v24));
	rd_init(&r, b, sizeof(v24));
	ck_assert(rd_vec24(&r, &out));
	same(&out, b + 3, 2);
	ck_assert(rd_vec24(&r, &out));
	same(&out, b + 8, 0);
	same(&r, b + 8, 0);
	free(b);
}
END_TEST

/*
 * Limits: a vector whose length is one past the bytes left, or far past
 * them, fails and leaves the reader unchanged (length prefix included);
 * one whose length is exactly what is left succeeds; so does one that
 * leaves a trailing byte. A prefix cut inside the length field fails.
 */
START_TEST(test_vec_limits)
{
	struct rd r, out;
	uint8_t buf[3 + 4], *b;
	size_t w, body;
	bool ok;

	for (w = 1; w <= 3; w++) {
		for (body = 0; body <= 4; body++) {
			size_t declared;

			for (declared = 0; declared <= body + 1; declared++) {
				memset(buf, 0x5a, sizeof(buf));
				buf[w - 1] = (uint8_t)declared;
				if (w >= 2)
					buf[0] = 0;
				if (w == 3)
					buf[1] = 0;
				b = dup_exact(buf, w + body);
				rd_init(&r, b, w + body);
				if (w == 1)
					ok = rd_vec8(&r, &out);
				else if (w == 2)
					ok = rd_vec16(&r, &out);
				else
					ok = rd_vec24(&r, &out);
				if (declared <= body) {
					ck_assert(ok);
					same(&out, b + w, declared);
					same(&r, b + w + declared,
					    body - declared);
				} else {
					ck_assert(!ok);
					same(&r, b, w + body);
				}
				free(b);
			}
		}
		/* Cut inside the length prefix itself. */
		for (body = 0; body < w; body++) {
			memset(buf, 0, sizeof(buf));
			b = dup_exact(buf, body);
			rd_init(&r, b, body);
			if (w == 1)
				ok = rd_vec8(&r, &out);
			else if (w == 2)
				ok = rd_vec16(&r, &out);
			else
				ok = rd_vec24(&r, &out);
			ck_assert(!ok);
			same(&r, b, body);
			free(b);
		}
	}
	/* The largest lengths each width can declare, with nothing after. */
	memset(buf, 0xff, sizeof(buf));
	b = dup_exact(buf, 3);
	rd_init(&r, b, 3);
	ck_assert(!rd_vec8(&r, &out));
	same(&r, b, 3);
	ck_assert(!rd_vec16(&r, &out));
	same(&r, b, 3);
	ck_assert(!rd_vec24(&r, &out));
	same(&r, b, 3);
	free(b);
}
END_TEST

START_TEST(test_peek)
{
	struct rd r;
	uint8_t *b, u8;
	uint16_t u16;

	b = dup_exact(seq8, 4);
	rd_init(&r, b, 4);
	ck_assert(rd_peek_u8(&r, 0, &u8));
	ck_assert_uint_eq(u8, 0x01);
	ck_assert(rd_peek_u8(&r, 3, &u8));
	ck_assert_uint_eq(u8, 0x04);
	ck_assert(!rd_peek_u8(&r, 4, &u8));
	ck_assert(!rd_peek_u8(&r, SIZE_MAX, &u8));
	ck_assert(rd_peek_u16(&r, 0, &u16));
	ck_assert_uint_eq(u16, 0x0102);
	ck_assert(rd_peek_u16(&r, 2, &u16));
	ck_assert_uint_eq(u16, 0x0304);
	ck_assert(!rd_peek_u16(&r, 3, &u16));	/* one byte short */
	ck_assert(!rd_peek_u16(&r, 4, &u16));
	ck_assert(!rd_peek_u16(&r, SIZE_MAX, &u16));
	ck_assert(!rd_peek_u16(&r, SIZE_MAX - 1, &u16));
	same(&r, b, 4);				/* peeks never advance */
	ck_assert(rd_skip(&r, 3));
	ck_assert(rd_peek_u8(&r, 0, &u8));
	ck_assert_uint_eq(u8, 0x04);
	ck_assert(!rd_peek_u16(&r, 0, &u16));
	free(b);
}
END_TEST

/* A NULL pointer with length 0 is an empty reader; every read but the
 * zero-length ones fails. */
START_TEST(test_null)
{
	struct rd r, out;
	uint8_t u8, tmp[1];
	uint16_t u16;
	uint32_t u32;

	rd_init(&r, NULL, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert(!rd_u8(&r, &u8));
	ck_assert(!rd_u16(&r, &u16));
	ck_assert(!rd_u24(&r, &u32));
	ck_assert(!rd_u32(&r, &u32));
	ck_assert(!rd_u16le(&r, &u16));
	ck_assert(!rd_u32le(&r, &u32));
	ck_assert(!rd_skip(&r, 1));
	ck_assert(!rd_copy(&r, tmp, 1));
	ck_assert(!rd_bytes(&r, &out, 1));
	ck_assert(!rd_vec8(&r, &out));
	ck_assert(!rd_vec16(&r, &out));
	ck_assert(!rd_vec24(&r, &out));
	ck_assert(!rd_peek_u8(&r, 0, &u8));
	ck_assert(!rd_peek_u16(&r, 0, &u16));
	ck_assert(rd_skip(&r, 0));
	ck_assert(rd_copy(&r, tmp, 0));
	ck_assert(rd_bytes(&r, &out, 0));
	ck_assert_uint_eq(rd_left(&out), 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	/* rd.c also treats NULL with a non-zero length as empty. */
	rd_init(&r, NULL, 5);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert(!rd_u8(&r, &u8));
}
END_TEST

static Suite *
rd_suite(void)
{
	Suite *s;
	TCase *core, *limits;

	s = suite_create("rd");
	core = tcase_create("Core");
	tcase_add_test(core, test_init);
	tcase_add_test(core, test_ints);
	tcase_add_test(core, test_ints_le);
	tcase_add_test(core, test_skip);
	tcase_add_test(core, test_copy);
	tcase_add_test(core, test_bytes);
	tcase_add_test(core, test_vec);
	tcase_add_test(core, test_peek);
	suite_add_tcase(s, core);

	limits = tcase_create("Limits");
	tcase_add_test(limits, test_ints_short);
	tcase_add_test(limits, test_vec_limits);
	tcase_add_test(limits, test_null);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	return check_run(rd_suite());
}
