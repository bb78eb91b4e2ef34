/* check_flow.c - unit tests of the connection table and TCP events. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "check_main.h"

static struct segment
seg(uint8_t a, uint16_t sp, uint8_t b, uint16_t dp, uint8_t flags,
    uint32_t seq)
{
	struct segment s;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.src[0] = 10;
	s.src[3] = a;
	s.dst[0] = 10;
	s.dst[3] = b;
	s.sport = sp;
	s.dport = dp;
	s.flags = flags;
	s.seq = seq;
	return s;
}

START_TEST(test_key_symmetric)
{
	struct segment x = seg(1, 51000, 2, 443, TCP_SYN, 1);
	struct segment y = seg(2, 443, 1, 51000, TCP_SYN | TCP_ACK, 9);
	struct flow_key k1, k2;
	int d1, d2;

	d1 = flow_key_of(&k1, &x);
	d2 = flow_key_of(&k2, &y);
	ck_assert_mem_eq(&k1, &k2, sizeof(k1));
	ck_assert_int_ne(d1, d2);
}
END_TEST

/*
 * The --shard hash: the same for both directions, and the documented
 * 64-bit FNV-1a over af, the service endpoint's address and port (the
 * lower port; big-endian). The expected values were computed apart, in Python, from
 * that description; they hold on any machine.
 */
START_TEST(test_shard_hash)
{
	struct segment x = seg(1, 51000, 2, 443, TCP_SYN, 1);
	struct segment y = seg(2, 443, 1, 51000, TCP_ACK, 9);
	struct flow_key k1, k2;

	flow_key_of(&k1, &x);
	flow_key_of(&k2, &y);
	ck_assert_uint_eq(flow_key_shard_hash(&k1), 0x7c70a01cf90efb47ULL);
	ck_assert_uint_eq(flow_key_shard_hash(&k2), 0x7c70a01cf90efb47ULL);
	/* Another client of the same service: the same shard. */
	x = seg(3, 40000, 2, 443, TCP_SYN, 1);
	flow_key_of(&k1, &x);
	ck_assert_uint_eq(flow_key_shard_hash(&k1), 0x7c70a01cf90efb47ULL);
	/* Another server: another hash. */
	x = seg(1, 51000, 3, 443, TCP_SYN, 1);
	flow_key_of(&k1, &x);
	ck_assert_uint_eq(flow_key_shard_hash(&k1), 0x73cdef1cf42cbf88ULL);
	/* IPv6, same address both ways (::1): the lower port comes first. */
	memset(&x, 0, sizeof(x));
	x.af = 6;
	x.src[15] = 1;
	x.dst[15] = 1;
	x.sport = 51000;
	x.dport = 443;
	y = x;
	y.sport = 443;
	y.dport = 51000;
	flow_key_of(&k1, &x);
	flow_key_of(&k2, &y);
	ck_assert_uint_eq(flow_key_shard_hash(&k1), 0xc886e01b2ed3e1baULL);
	ck_assert_uint_eq(flow_key_shard_hash(&k2), 0xc886e01b2ed3e1baULL);
}
END_TEST

/*
 * The route of each packet hashes the segment without making its key
 * (flow_segment_shard_hash): the same value as the key's hash, for both
 * directions, ports equal or not, addresses equal or not, IPv4 and IPv6.
 * The segments are pseudo-random (a fixed seed), the ports and address
 * bytes drawn from few values so that the ties come up often.
 */
START_TEST(test_shard_hash_segment)
{
	struct segment x, y;
	struct flow_key k;
	unsigned i, j, n4 = 0, n6 = 0, ties = 0;
	uint32_t r = 12345;

	for (i = 0; i < 20000; i++) {
		memset(&x, 0, sizeof(x));
		r = r * 1103515245u + 12345u;
		x.af = (r >> 30) & 1 ? 6 : 4;
		for (j = 0; j < 16; j++) {
			r = r * 1103515245u + 12345u;
			if (x.af == 6 || j < 4) {
				x.src[j] = (uint8_t)((r >> 16) % 3);
				x.dst[j] = (uint8_t)((r >> 20) % 3);
			}
		}
		r = r * 1103515245u + 12345u;
		x.sport = (uint16_t)((r >> 16) % 4 * 16000);
		x.dport = (uint16_t)((r >> 8) % 4 * 16000);
		y = x;
		memcpy(y.src, x.dst, 16);
		memcpy(y.dst, x.src, 16);
		y.sport = x.dport;
		y.dport = x.sport;
		flow_key_of(&k, &x);
		ck_assert_uint_eq(flow_segment_shard_hash(&x),
		    flow_key_shard_hash(&k));
		ck_assert_uint_eq(flow_segment_shard_hash(&y),
		    flow_key_shard_hash(&k));
		/* The router's hash: both directions alike too. */
		ck_assert_uint_eq(flow_segment_route_hash(&x),
		    flow_segment_route_hash(&y));
		if (x.af == 6)
			n6++;
		else
			n4++;
		if (x.sport == x.dport)
			ties++;
	}
	/* The draw did make each case. */
	ck_assert_uint_gt(n4, 1000);
	ck_assert_uint_gt(n6, 1000);
	ck_assert_uint_gt(ties, 1000);
}
END_TEST

/* The router's hash (conn.c: its top 12 bits pick one of 4096 buckets):
 * a service's clients do not matter, and services that differ only in
 * their last address bytes or their port spread over the buckets. */
START_TEST(test_route_hash)
{
	uint8_t seen[4096] = { 0 };
	struct segment x, z;
	unsigned i, used = 0, b;

	for (i = 0; i < 20000; i++) {
		memset(&x, 0, sizeof(x));
		x.af = 4;
		x.src[0] = 10;
		x.src[1] = 1;
		x.src[2] = (uint8_t)(i & 0xff);
		x.src[3] = 7;
		x.sport = (uint16_t)(40000 + i % 1000);
		x.dst[0] = 10;
		x.dst[2] = (uint8_t)(i >> 8);
		x.dst[3] = (uint8_t)i;
		x.dport = 443;
		z = x;		/* another client of the same service */
		z.src[1] = 2;
		z.sport = 50000;
		ck_assert_uint_eq(flow_segment_route_hash(&x),
		    flow_segment_route_hash(&z));
		b = flow_segment_route_hash(&x) >> 20;
		used += seen[b] == 0;
		seen[b] = 1;
	}
	/* 20,000 drawn at random would fill about 4,065 of 4,096. */
	ck_assert_uint_gt(used, 3900);
	memset(seen, 0, sizeof(seen));
	used = 0;
	for (i = 1; i <= 20000; i++) {	/* one address, many ports */
		x.dport = (uint16_t)i;
		x.sport = 60000;
		b = flow_segment_route_hash(&x) >> 20;
		used += seen[b] == 0;
		seen[b] = 1;
	}
	ck_assert_uint_gt(used, 3900);
}
END_TEST

/* The table's hash (its low bits pick the bucket): keys that differ only
 * in a client's port, or only in a client address's last bytes, spread
 * as random keys would (16,384 of them fill about 10,356 of 16,384
 * buckets), for IPv4 and for IPv6. */
START_TEST(test_key_hash_spread)
{
	uint8_t seen[16384];
	struct segment x;
	struct flow_key k;
	unsigned i, used, b, af, vary;

	for (af = 4; af <= 6; af += 2)
		for (vary = 0; vary < 2; vary++) {
			memset(seen, 0, sizeof(seen));
			used = 0;
			for (i = 0; i < 16384; i++) {
				memset(&x, 0, sizeof(x));
				x.af = (uint8_t)af;
				x.src[0] = x.dst[0] = 10;
				x.src[3] = vary ? (uint8_t)i : 1;
				x.src[2] = vary ? (uint8_t)(i >> 8) : 0;
				x.dst[3] = 2;
				x.sport = vary ? 40000 : (uint16_t)(1024 + i);
				x.dport = 443;
				flow_key_of(&k, &x);
				b = flow_key_hash(&k) & 16383;
				used += seen[b] == 0;
				seen[b] = 1;
			}
			ck_assert_msg(used > 9800, "af %u vary %u: %u buckets",
			    af, vary, used);
		}
}
END_TEST

START_TEST(test_table)
{
	struct flow_table *t = flow_table_new(4);
	struct flow_key k;
	struct flow *f[3000];
	struct segment s;
	int i;

	for (i = 0; i < 3000; i++) {
		s = seg(1, (uint16_t)(1000 + i), 2, 443, TCP_SYN, 0);
		flow_key_of(&k, &s);
		ck_assert_ptr_null(flow_find(t, &k));
		f[i] = flow_insert(t, &k);
		flow_touch(t, f[i], i);
	}
	ck_assert_uint_eq(flow_count(t), 3000);
	ck_assert_ptr_eq(flow_oldest(t), f[0]);
	flow_touch(t, f[0], 5000);
	ck_assert_ptr_eq(flow_oldest(t), f[1]);
	s = seg(2, 443, 1, 1500, TCP_ACK, 0);
	flow_key_of(&k, &s);
	ck_assert_ptr_eq(flow_find(t, &k), f[500]);
	flow_remove(t, f[500]);
	ck_assert_ptr_null(flow_find(t, &k));
	ck_assert_uint_eq(flow_count(t), 2999);
	flow_table_free(t);
}
END_TEST

START_TEST(test_tcp_events)
{
	struct flow_table *t = flow_table_new(4);
	struct flow_key k;
	struct flow *f;
	struct segment s;
	unsigned ev;
	int kd, dir;

	s = seg(1, 51000, 2, 443, TCP_SYN, 100);
	kd = flow_key_of(&k, &s);
	f = flow_insert(t, &k);
	ev = flow_tcp(f, &s, kd, &dir);
	ck_assert_uint_eq(ev, FLOW_EV_SYN);
	ck_assert_int_eq(dir, 0);
	ev = flow_tcp(f, &s, kd, &dir);
	ck_assert_uint_eq(ev, FLOW_EV_SYN_RETX);
	s = seg(2, 443, 1, 51000, TCP_SYN | TCP_ACK, 900);
	kd = flow_key_of(&k, &s);
	ev = flow_tcp(f, &s, kd, &dir);
	ck_assert_uint_eq(ev, FLOW_EV_SYNACK);
	ck_assert_int_eq(dir, 1);
	s = seg(2, 443, 1, 51000, TCP_RST | TCP_ACK, 901);
	kd = flow_key_of(&k, &s);
	ev = flow_tcp(f, &s, kd, &dir);
	ck_assert_uint_eq(ev, FLOW_EV_RST);
	ck_assert_int_eq(dir, 1);
	/* Port reuse: a SYN with a new ISN after the reset. */
	s = seg(1, 51000, 2, 443, TCP_SYN, 5000);
	kd = flow_key_of(&k, &s);
	ev = flow_tcp(f, &s, kd, &dir);
	ck_assert_uint_eq(ev, FLOW_EV_NEW_CONN);
	flow_table_free(t);
}
END_TEST

/* Without a SYN the lower port is taken for the server. */
START_TEST(test_midstream_roles)
{
	struct flow_table *t = flow_table_new(4);
	struct flow_key k;
	struct flow *f;
	struct segment s;
	int kd, dir;

	s = seg(2, 443, 1, 51000, TCP_ACK | TCP_PSH, 7);
	kd = flow_key_of(&k, &s);
	f = flow_insert(t, &k);
	flow_tcp(f, &s, kd, &dir);
	ck_assert_int_eq(dir, 1);
	s = seg(1, 51000, 2, 443, TCP_ACK | TCP_FIN, 7);
	kd = flow_key_of(&k, &s);
	ck_assert_uint_eq(flow_tcp(f, &s, kd, &dir), FLOW_EV_FIN);
	ck_assert_int_eq(dir, 0);
	flow_table_free(t);
}
END_TEST

static Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_key_symmetric);
	tcase_add_test(tc, test_shard_hash);
	tcase_add_test(tc, test_shard_hash_segment);
	tcase_add_test(tc, test_route_hash);
	tcase_add_test(tc, test_key_hash_spread);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_tcp_events);
	tcase_add_test(tc, test_midstream_roles);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(flow_suite());
}
