/* check_ovpn.c - unit tests for OpenVPN over TCP de-framing (ovpn.c). The
 * packets here are built by hand from the layout ovpn.h describes (the
 * first one is the one of pcaps/openvpn-tcp443.pcap, frame 4); real
 * captures are pcaps/openvpn-*.pcap (tests/e2e/verdicts.sh). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "ovpn.h"
#include "check_main.h"

/* The client's first packet, no tls-auth: length 14, opcode 7 (hard reset
 * client v2) key 0, session id, no ack, message id 0. */
static const uint8_t reset_v2[] = {
	0x00, 0x0e, 0x38, 0x80, 0xd9, 0xb0, 0xc5, 0x3b, 0x84, 0xf3, 0x47,
	0x00, 0x00, 0x00, 0x00, 0x00,
};

struct got {
	size_t	 n[2];
	uint8_t	 dir_b[2][256];
};

static void
collect(void *arg, int dir, const uint8_t *p, size_t len)
{
	struct got *g = arg;

	ck_assert_uint_le(g->n[dir] + len, sizeof(g->dir_b[dir]));
	memcpy(g->dir_b[dir] + g->n[dir], p, len);
	g->n[dir] += len;
}

/* control appends to |out| a P_CONTROL_V1 (or opcode |op|) of session id
 * 1..8, |acks| acks, message id |id| and |plen| payload bytes; returns
 * its length with the 2-byte prefix. */
static size_t
control(uint8_t *out, uint8_t op, uint8_t acks, uint32_t id,
    const char *payload, size_t plen)
{
	size_t n = 2, i;

	out[n++] = (uint8_t)(op << 3);
	for (i = 0; i < 8; i++)
		out[n++] = (uint8_t)(i + 1);
	out[n++] = acks;
	for (i = 0; i < acks; i++) {
		memset(out + n, 0, 4);
		n += 4;
	}
	if (acks > 0) {
		memset(out + n, 9, 8);
		n += 8;
	}
	if (op != 5) {
		out[n++] = (uint8_t)(id >> 24);
		out[n++] = (uint8_t)(id >> 16);
		out[n++] = (uint8_t)(id >> 8);
		out[n++] = (uint8_t)id;
	}
	memcpy(out + n, payload, plen);
	n += plen;
	out[0] = (uint8_t)((n - 2) >> 8);
	out[1] = (uint8_t)(n - 2);
	return n;
}

START_TEST(test_detect)
{
	struct ovpn o;
	uint8_t ta[2 + 1 + 8 + 32 + 8 + 1 + 4];
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x00, 0x10, 0x01 };
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";

	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	ck_assert(!o.opaque);
	ck_assert_uint_eq(o.auth_len, 0);
	/* Cut short: not whole in the first segment, not taken. */
	ck_assert(!ovpn_detect(&o, reset_v2, sizeof(reset_v2) - 1));
	ck_assert(!ovpn_detect(&o, tls, sizeof(tls)));
	ck_assert(!ovpn_detect(&o, http, sizeof(http) - 1));
	/* tls-auth with HMAC-SHA256: HMAC, replay packet id 1, time. */
	memset(ta, 0xa5, sizeof(ta));
	ta[0] = 0;
	ta[1] = sizeof(ta) - 2;
	ta[2] = 7 << 3;
	memcpy(ta + 2 + 9 + 32, "\0\0\0\1", 4);
	ta[2 + 9 + 32 + 8] = 0;				/* no ack */
	memset(ta + 2 + 9 + 32 + 9, 0, 4);		/* message id 0 */
	ck_assert(ovpn_detect(&o, ta, sizeof(ta)));
	ck_assert(!o.opaque);
	ck_assert_uint_eq(o.auth_len, 32);
	/* Nothing fits (tls-crypt: the rest is encrypted): opaque. */
	ta[2 + 9 + 32 + 3] = 7;
	ck_assert(ovpn_detect(&o, ta, sizeof(ta)));
	ck_assert(o.opaque);
	/* tls-crypt-v2's hard reset: opaque whatever follows. */
	memcpy(ta, reset_v2, sizeof(reset_v2));
	ta[2] = 10 << 3;
	ck_assert(ovpn_detect(&o, ta, sizeof(reset_v2)));
	ck_assert(o.opaque);
}
END_TEST

/* TLS bytes come out of P_CONTROL_V1 payloads only, in order, fed one
 * byte at a time; a control packet sent again and data packets do not. */
START_TEST(test_feed)
{
	struct ovpn o;
	struct got g;
	uint8_t s[512];
	size_t n = 0, i;

	memset(&g, 0, sizeof(g));
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	memcpy(s, reset_v2, sizeof(reset_v2));
	n = sizeof(reset_v2);
	n += control(s + n, 4, 0, 1, "\x16\x03\x01", 3);
	n += control(s + n, 5, 1, 0, "", 0);			/* P_ACK_V1 */
	n += control(s + n, 4, 2, 2, "\x00\x05", 2);
	n += control(s + n, 4, 0, 1, "XXX", 3);			/* again */
	s[n++] = 0;
	s[n++] = 4;
	memcpy(s + n, "\x48zzz", 4);				/* P_DATA_V2 */
	n += 4;
	n += control(s + n, 4, 0, 3, "AB", 2);
	for (i = 0; i < n; i++)
		ck_assert(ovpn_feed(&o, 0, s + i, 1, collect, &g));
	ck_assert_uint_eq(g.n[0], 7);
	ck_assert(memcmp(g.dir_b[0], "\x16\x03\x01\x00\x05" "AB", 7) == 0);
	ck_assert_uint_eq(g.n[1], 0);
	ck_assert_uint_eq(o.d[0].packets, 7);
	/* The same, whole: the same bytes. */
	memset(&g, 0, sizeof(g));
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	ck_assert(ovpn_feed(&o, 1, s, n, collect, &g));
	ck_assert_uint_eq(g.n[1], 7);
	ck_assert(memcmp(g.dir_b[1], "\x16\x03\x01\x00\x05" "AB", 7) == 0);
}
END_TEST

/* Bytes that break the framing (forged: an ack count past 8, a length of
 * 0, an opcode of 0) stop the direction, once; the other goes on. */
START_TEST(test_broken)
{
	struct ovpn o;
	struct got g;
	uint8_t s[128];
	size_t n;

	memset(&g, 0, sizeof(g));
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	n = control(s, 4, 0, 1, "ab", 2);
	s[2 + 9] = 9;
	ck_assert(!ovpn_feed(&o, 0, s, n, collect, &g));
	ck_assert(o.d[0].broken);
	ck_assert(ovpn_feed(&o, 0, s, n, collect, &g));	/* said once */
	ck_assert_uint_eq(g.n[0], 0);
	n = control(s, 4, 0, 1, "ab", 2);
	ck_assert(ovpn_feed(&o, 1, s, n, collect, &g));
	ck_assert_uint_eq(g.n[1], 2);
	ck_assert(!ovpn_feed(&o, 1, (const uint8_t *)"\0\0", 2, collect, &g));
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	ck_assert(!ovpn_feed(&o, 0, (const uint8_t *)"\0\3\0ab", 5, collect,
	    &g));
	/* A header longer than its packet. */
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	ck_assert(!ovpn_feed(&o, 0, (const uint8_t *)"\0\4\x20\1\2\3", 6,
	    collect, &g));
	/* A gap loses the framing too. */
	ck_assert(ovpn_detect(&o, reset_v2, sizeof(reset_v2)));
	ovpn_gap(&o, 0);
	ck_assert(o.d[0].broken);
}
END_TEST

/* With tls-crypt nothing is handed on, and nothing is called broken. */
START_TEST(test_opaque)
{
	struct ovpn o;
	struct got g;
	uint8_t s[128];
	size_t n;

	memset(&g, 0, sizeof(g));
	memcpy(s, reset_v2, sizeof(reset_v2));
	s[2] = 10 << 3;
	ck_assert(ovpn_detect(&o, s, sizeof(reset_v2)));
	n = control(s, 4, 0, 1, "\x16\x03\x01", 3);
	ck_assert(ovpn_feed(&o, 0, s, n, collect, &g));
	ck_assert(ovpn_feed(&o, 1, s, n, collect, &g));
	ck_assert_uint_eq(g.n[0] + g.n[1], 0);
	ck_assert_uint_eq(o.d[0].packets, 1);
}
END_TEST

static Suite *
ovpn_suite(void)
{
	Suite *s = suite_create("ovpn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_feed);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_opaque);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(ovpn_suite());
}
