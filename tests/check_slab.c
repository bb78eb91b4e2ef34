/* check_slab.c - unit tests for the slab of fixed-size objects. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "flow.h"
#include "slab.h"
#include "check_main.h"

/* zeroed says whether |n| bytes at |p| are all zero. */
static bool
zeroed(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

START_TEST(test_sizes)
{
	struct slab s;

	slab_init(&s, 1);
	ck_assert_uint_eq(slab_object_bytes(&s), 16);	/* a pointer, rounded */
	slab_init(&s, 40);
	ck_assert_uint_eq(slab_object_bytes(&s), 48);
	slab_init(&s, 64);
	ck_assert_uint_eq(slab_object_bytes(&s), 64);
	slab_init(&s, 6040);
	ck_assert_uint_eq(slab_object_bytes(&s), 6080);
	/* slab_rounded is what slab_init gives, and flow.c's
	 * flow_entry_bytes counts an entry as the slab stores it. */
	ck_assert_uint_eq(slab_rounded(1), 16);
	ck_assert_uint_eq(slab_rounded(6040), 6080);
	slab_init(&s, sizeof(struct flow));
	ck_assert_uint_eq(slab_rounded(sizeof(struct flow)),
	    slab_object_bytes(&s));
	ck_assert_uint_eq(slab_object_bytes(&s) % 64, 0);
	ck_assert_uint_eq(slab_object_bytes(&s) + 2 * sizeof(struct flow *),
	    flow_entry_bytes());
}
END_TEST

/* Objects across several blocks: zeroed, aligned, apart, and each keeps
 * what is written in it. */
START_TEST(test_many)
{
	enum { N = 3000, SIZE = 5000 };
	struct slab s;
	uint8_t **v;
	size_t i;

	slab_init(&s, SIZE);
	v = calloc(N, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < N; i++) {
		v[i] = slab_zalloc(&s);
		ck_assert_ptr_nonnull(v[i]);
		ck_assert(zeroed(v[i], SIZE));
#ifndef TLSDIAG_PLAIN_ALLOC	/* the sanitizer build: calloc */
		ck_assert_uint_eq((uintptr_t)v[i] % 64, 0);
#endif
		memset(v[i], (int)(i % 251) + 1, SIZE);
	}
#ifndef TLSDIAG_PLAIN_ALLOC
	/* 3,000 objects of 5,056 bytes: more than three 4 MiB blocks. */
	ck_assert_uint_ge(s.nblocks, 4);
#endif
	for (i = 0; i < N; i++) {
		ck_assert_uint_eq(v[i][0], (i % 251) + 1);
		ck_assert_uint_eq(v[i][SIZE - 1], (i % 251) + 1);
	}
	for (i = 0; i < N; i++)
		slab_free(&s, v[i]);
	slab_destroy(&s);
	ck_assert_uint_eq(s.nblocks, 0);
	free(v);
}
END_TEST

/* Blocks whose objects are all freed are given back but one, in any
 * order of frees, and the objects in use meanwhile keep their bytes. */
START_TEST(test_release)
{
	enum { N = 4000, SIZE = 3000 };
	struct slab s;
	uint8_t **v;
	uint32_t x = 12345;
	size_t i, k, live = 0, peak = 0;

	slab_init(&s, SIZE);
	v = calloc(N, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	/* Churn: each step frees or allocates a slot picked at random,
	 * checking the slot's bytes before it is freed. */
	for (k = 0; k < 40000; k++) {
		x = x * 1103515245u + 12345u;
		i = (x >> 8) % N;
		if (v[i] != NULL) {
			ck_assert_uint_eq(v[i][0], (i % 251) + 1);
			ck_assert_uint_eq(v[i][SIZE - 1], (i % 251) + 1);
			slab_free(&s, v[i]);
			v[i] = NULL;
			live--;
			continue;
		}
		v[i] = slab_zalloc(&s);
		ck_assert(zeroed(v[i], SIZE));
		memset(v[i], (int)(i % 251) + 1, SIZE);
		if (++live > peak)
			peak = live;
	}
	ck_assert_uint_gt(peak, s.per_block);	/* more than a block */
	for (i = 0; i < N; i++) {
		if (v[i] == NULL)
			continue;
		ck_assert_uint_eq(v[i][SIZE / 2], (i % 251) + 1);
		slab_free(&s, v[i]);
		v[i] = NULL;
	}
#ifndef TLSDIAG_PLAIN_ALLOC
	/* Nothing in use: one block kept, the others unmapped. */
	ck_assert_uint_eq(s.nblocks, 1);
	ck_assert_uint_eq(s.nempty, 1);
	ck_assert_uint_ge(s.unmapped, 1);
#endif
	/* And the slab serves again, from the block it kept first. */
	for (i = 0; i < N; i++) {
		v[i] = slab_zalloc(&s);
		ck_assert(zeroed(v[i], SIZE));
		memset(v[i], 7, SIZE);
	}
#ifndef TLSDIAG_PLAIN_ALLOC
	ck_assert_uint_eq(s.nblocks, (N + s.per_block - 1) / s.per_block);
	ck_assert_uint_eq(s.nempty, 0);
#endif
	for (i = 0; i < N; i++)
		slab_free(&s, v[i]);
	slab_destroy(&s);
	free(v);
}
END_TEST

/* A freed object comes back zeroed, and before any fresh one. */
START_TEST(test_reuse)
{
	struct slab s;
	uint8_t *a, *b, *c;

	slab_init(&s, 200);
	a = slab_zalloc(&s);
	b = slab_zalloc(&s);
	ck_assert_ptr_ne(a, b);
	memset(a, 0xff, 200);
	slab_free(&s, a);
	slab_free(&s, NULL);
	c = slab_zalloc(&s);
#ifndef TLSDIAG_PLAIN_ALLOC	/* AddressSanitizer holds freed memory back */
	ck_assert_ptr_eq(c, a);
#endif
	ck_assert(zeroed(c, 200));
	slab_free(&s, b);
	slab_free(&s, c);
	slab_destroy(&s);
	/* A destroyed slab starts again. */
	a = slab_zalloc(&s);
	ck_assert(zeroed(a, 200));
	slab_free(&s, a);
	slab_destroy(&s);
}
END_TEST

static Suite *
slab_suite(void)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_release);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(slab_suite());
}
