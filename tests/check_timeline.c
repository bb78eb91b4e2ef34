/* check_timeline.c - unit tests for what a connection's timeline keeps on
 * the heap: hello lists and names at their length, and wire previews beside the
 * events. */
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "limits.h"
#include "timeline.h"
#include "tls_msg.h"
#include "util.h"
#include "check_main.h"

/* fill sets |l| to |n| entries base, base+1, ... of |total| on the wire. */
static void
fill(struct tls_u16_list *l, size_t n, size_t total, uint16_t base)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < n; i++)
		l->v[i] = (uint16_t)(base + i);
	l->num = n;
	l->total = total;
}

/* same says whether |k| holds what |l| holds. */
static bool
same(const struct tl_u16s *k, const struct tls_u16_list *l)
{
	return k->num == l->num && k->total == l->total &&
	    (l->num == 0 ? k->v == NULL :
	    memcmp(k->v, l->v, l->num * sizeof(uint16_t)) == 0);
}

START_TEST(test_client_hello)
{
	struct tls_client_hello *h = calloc(1, sizeof(*h));
	struct tl_conn *c = tl_conn_new(1);
	size_t before = tl_conn_heap_bytes(c);

	ck_assert_ptr_nonnull(h);
	fill(&h->versions, 3, 3, 0x0304);
	fill(&h->suites, LIMIT_HELLO_LIST, 300, 0xc000);
	fill(&h->groups, 0, 0, 0);
	fill(&h->key_shares, 1, 1, 0x001d);
	fill(&h->sig_algs, 9, 9, 0x0401);
	fill(&h->exts, 12, 12, 0);
	memcpy(h->sni.b, "example.com", 11);
	h->sni.len = 11;
	h->sni.wire_len = 300;
	tl_keep_client_hello(&c->ch, h, (const uint8_t *)"h2,http/1.1", 11);
	ck_assert(same(&c->ch.versions, &h->versions));
	ck_assert(same(&c->ch.suites, &h->suites));
	ck_assert(same(&c->ch.groups, &h->groups));	/* empty: NULL */
	ck_assert(same(&c->ch.key_shares, &h->key_shares));
	ck_assert(same(&c->ch.sig_algs, &h->sig_algs));
	ck_assert(same(&c->ch.exts, &h->exts));
	ck_assert_uint_eq(c->ch.suites.v[LIMIT_HELLO_LIST - 1],
	    0xc000 + LIMIT_HELLO_LIST - 1);
	ck_assert_uint_eq(c->ch.sni.len, 11);
	ck_assert_uint_eq(c->ch.sni.wire_len, 300);
	ck_assert_mem_eq(c->ch.sni.b, "example.com", 11);
	ck_assert_uint_eq(c->ch.alpn.len, 11);
	ck_assert_uint_eq(c->ch.alpn.wire_len, 11);
	ck_assert_mem_eq(c->ch.alpn.b, "h2,http/1.1", 11);
	/* One allocation for the six lists and two names, counted with its
	 * overhead. */
	ck_assert_uint_eq(tl_conn_heap_bytes(c) - before,
	    (3 + LIMIT_HELLO_LIST + 1 + 9 + 12) * 2 + 11 + 11 +
	    ALLOC_OVERHEAD);
	/* The copies are the connection's: the parser's may change. */
	fill(&h->versions, 1, 1, 0x0303);
	h->sni.b[0] = 'X';
	ck_assert_uint_eq(c->ch.versions.v[0], 0x0304);
	ck_assert_uint_eq(c->ch.sni.b[0], 'e');
	/* Kept again (facts.c does not, but may): the old copy is freed
	 * (valgrind and ASan would see a leak), and an empty name is "",
	 * never NULL, so that memcmp and memcpy may take it. */
	fill(&h->suites, 0, 0, 0);
	h->sni.len = h->sni.wire_len = 0;
	tl_keep_client_hello(&c->ch, h, NULL, 0);
	ck_assert(same(&c->ch.suites, &h->suites));
	ck_assert(same(&c->ch.versions, &h->versions));
	ck_assert_ptr_nonnull(c->ch.sni.b);
	ck_assert_ptr_nonnull(c->ch.alpn.b);
	ck_assert_uint_eq(c->ch.sni.len + c->ch.alpn.len, 0);
	tl_conn_free(c);
	free(h);
}
END_TEST

START_TEST(test_server_hello)
{
	struct tls_server_hello *h = calloc(1, sizeof(*h));
	struct tl_conn *c = tl_conn_new(2);

	ck_assert_ptr_nonnull(h);
	tl_keep_server_hello(&c->sh, h);
	ck_assert_ptr_null(c->sh.exts.v);
	ck_assert_ptr_null(c->sh.heap);
	ck_assert_ptr_nonnull(c->sh.alpn.b);
	ck_assert_uint_eq(tl_conn_heap_bytes(c), 0);
	fill(&h->exts, 5, 7, 0xff01);
	memcpy(h->alpn.b, "h2", 2);
	h->alpn.len = h->alpn.wire_len = 2;
	tl_keep_server_hello(&c->sh, h);
	ck_assert(same(&c->sh.exts, &h->exts));
	ck_assert_mem_eq(c->sh.alpn.b, "h2", 2);
	ck_assert_uint_eq(tl_conn_heap_bytes(c), 10 + 2 + ALLOC_OVERHEAD);
	tl_conn_free(c);		/* frees sh.heap */
	free(h);
}
END_TEST

START_TEST(test_previews)
{
	static const uint8_t greeting[] = "220 mail.example.com ESMTP "
	    "ready for anything you say";	/* 53 bytes */
	struct tl_conn *c = tl_conn_new(3);
	struct tl_event *a, *b, *d;
	const uint8_t *p;
	size_t n = 99;

	/* An event is a cache line: the previews are beside it. */
	ck_assert_uint_le(sizeof(struct tl_event), 64);
	a = tl_add_event(c, TL_EV_SYN, TL_C2S, 1, 0);
	p = tl_event_raw(c, a, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(p);
	b = tl_add_event(c, TL_EV_NOT_TLS, TL_S2C, 2, 1);
	tl_event_set_raw(c, b, greeting, sizeof(greeting) - 1);
	d = tl_add_event(c, TL_EV_STARTTLS, TL_S2C, 3, 2);
	tl_event_set_raw(c, d, (const uint8_t *)"454 no", 6);
	b = &c->events[1];
	p = tl_event_raw(c, b, &n);
	ck_assert_uint_eq(n, LIMIT_PREVIEW_BYTES);	/* cut */
	ck_assert_mem_eq(p, greeting, LIMIT_PREVIEW_BYTES);
	p = tl_event_raw(c, &c->events[2], &n);
	ck_assert_uint_eq(n, 6);
	ck_assert_mem_eq(p, "454 no", 6);
	/* Set again: the event keeps its one preview. */
	tl_event_set_raw(c, &c->events[2], (const uint8_t *)"5", 1);
	ck_assert_uint_eq(c->num_previews, 2);
	p = tl_event_raw(c, &c->events[2], &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(p[0], '5');
	tl_conn_free(c);
}
END_TEST

/* Past LIMIT_EVENTS, tl_add_event hands out a scratch event: a preview
 * set on it is not kept, and the kept ones stay bounded. */
START_TEST(test_previews_bounded)
{
	struct tl_conn *c = tl_conn_new(4);
	struct tl_event *e;
	size_t i, n;

	for (i = 0; i < LIMIT_EVENTS + 50; i++) {
		e = tl_add_event(c, TL_EV_NOT_TLS, TL_C2S, i + 1, 0);
		tl_event_set_raw(c, e, (const uint8_t *)"GET /", 5);
	}
	ck_assert_uint_eq(c->num_events, LIMIT_EVENTS);
	ck_assert_uint_eq(c->dropped_events, 50);
	ck_assert_uint_eq(c->num_previews, LIMIT_EVENTS);
	ck_assert_uint_eq(c->overflow->preview, 0);
	(void)tl_event_raw(c, &c->events[LIMIT_EVENTS - 1], &n);
	ck_assert_uint_eq(n, 5);
	tl_conn_free(c);
}
END_TEST

/* tl_id_str, written by hand, against the format it replaced. */
START_TEST(test_id_str)
{
	const uint64_t frames[] = { 0, 1, 9, 10, 12345, TL_ID_FRAME_MASK };
	const uint64_t nonces[] = { 0, 0xa, 0xabcdef, TL_ID_NONCE_MASK };
	char got[TL_ID_STRLEN], want[TL_ID_STRLEN];
	uint64_t id;
	size_t i, j;

	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		(void)snprintf(want, sizeof(want), "%llu",
		    (unsigned long long)frames[i]);
		ck_assert_str_eq(tl_id_str(got, frames[i]), want);
		for (j = 0; j < sizeof(nonces) / sizeof(nonces[0]); j++) {
			id = TL_ID_PENDING | nonces[j] << TL_ID_FRAME_BITS |
			    frames[i];
			(void)snprintf(want, sizeof(want), "%c%06llx-%llu%c",
			    TL_ID_MARK_OPEN, (unsigned long long)nonces[j],
			    (unsigned long long)frames[i], TL_ID_MARK_CLOSE);
			ck_assert_str_eq(tl_id_str(got, id), want);
		}
	}
	ck_assert_str_eq(tl_id_str(got, UINT64_MAX >> 1),
	    "9223372036854775807");
}
END_TEST

static Suite *
timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_client_hello);
	tcase_add_test(tc, test_server_hello);
	tcase_add_test(tc, test_previews);
	tcase_add_test(tc, test_previews_bounded);
	tcase_add_test(tc, test_id_str);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(timeline_suite());
}
