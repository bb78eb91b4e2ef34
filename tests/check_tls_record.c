/* check_tls_record.c - unit tests of record framing and handshake defragmentation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tls_msg.h"
#include "tls_record.h"
#include "check_main.h"

/* What the callbacks saw. */
struct seen {
	int		records;
	uint8_t		ct[16];
	size_t		len[16];
	uint8_t		first[16];
	int		not_tls;
	int		resync;
	int		sslv2;
	int		msgs;
	uint8_t		type[16];
	size_t		mlen[16];
	bool		trunc[16];
};

static enum tls_rec_next
on_record(void *arg, uint8_t ct, uint16_t v, const uint8_t *p, size_t len)
{
	struct seen *s = arg;

	(void)v;
	if (s->records < 16) {
		s->ct[s->records] = ct;
		s->len[s->records] = len;
		s->first[s->records] = p != NULL && len > 0 ? p[0] : 0;
	}
	s->records++;
	return TLS_REC_NEXT_READ;
}

static void
on_v2(void *arg, const uint8_t *p, size_t len)
{
	(void)p;
	(void)len;
	((struct seen *)arg)->sslv2++;
}

static void
on_not_tls(void *arg, const uint8_t *p, size_t len)
{
	(void)p;
	(void)len;
	((struct seen *)arg)->not_tls++;
}

static void
on_resync(void *arg, const char *what, uint64_t n)
{
	(void)what;
	(void)n;
	((struct seen *)arg)->resync++;
}

static bool
on_msg(void *arg, uint8_t type, const uint8_t *b, size_t len, bool trunc)
{
	struct seen *s = arg;

	(void)b;
	if (s->msgs < 16) {
		s->type[s->msgs] = type;
		s->mlen[s->msgs] = len;
		s->trunc[s->msgs] = trunc;
	}
	s->msgs++;
	return false;
}

static const struct tls_rec_cb cb = { on_record, on_v2, on_not_tls,
    on_resync };
static const struct tls_hs_cb hcb = { on_msg };

/* Forged for the test: three records (handshake 6 bytes, CCS 1 byte,
 * application data 3 bytes). */
static const uint8_t three[] = {
	22, 3, 1, 0, 6, 1, 0, 0, 2, 0xaa, 0xbb,
	20, 3, 3, 0, 1, 1,
	23, 3, 3, 0, 3, 7, 8, 9,
};

/* The three records come out the same whatever the split point. */
START_TEST(test_split_everywhere)
{
	struct tls_rec r;
	struct seen s;
	size_t cut = (size_t)_i;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, three, cut);
	tls_rec_feed(&r, &cb, &s, three + cut, sizeof(three) - cut);
	ck_assert_int_eq(s.records, 3);
	ck_assert_int_eq(s.ct[0], 22);
	ck_assert_uint_eq(s.len[0], 6);
	ck_assert_int_eq(s.first[0], 1);
	ck_assert_int_eq(s.ct[1], 20);
	ck_assert_int_eq(s.ct[2], 23);
	ck_assert_uint_eq(s.len[2], 3);
	ck_assert_int_eq(s.first[2], 7);
	ck_assert_int_eq(s.not_tls, 0);
	tls_rec_cleanup(&r);
}
END_TEST

/* One byte at a time. */
START_TEST(test_byte_by_byte)
{
	struct tls_rec r;
	struct seen s;
	size_t i;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	for (i = 0; i < sizeof(three); i++)
		tls_rec_feed(&r, &cb, &s, three + i, 1);
	ck_assert_int_eq(s.records, 3);
	tls_rec_cleanup(&r);
}
END_TEST

/*
 * A large segment after a partial record (Wireshark's
 * http2_follow_multistream.pcapng, frames 145 to 155: 16,346 bytes of a
 * 16,413-byte record pending, then a 2,726-byte segment): the record is
 * completed and what follows it read, though the two do not fit in the
 * buffer together. Forged: a handshake record of 16,408 bytes and an
 * application data record of 3,000, cut 16,346 bytes in (3,072 bytes
 * follow), with the buffer of tls_stream.c.
 */
START_TEST(test_big_segment_after_partial)
{
	static uint8_t b[2 * 5 + 16408 + 3000];
	struct tls_rec r;
	struct seen s;

	memset(b, 0x5a, sizeof(b));
	memcpy(b, "\x16\x03\x03\x40\x18", 5);		/* 16408 */
	memcpy(b + 5 + 16408, "\x17\x03\x03\x0b\xb8", 5);	/* 3000 */
	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 16384 + 2048 + 5);
	tls_rec_feed(&r, &cb, &s, b, 16346);
	ck_assert_int_eq(s.records, 0);
	tls_rec_feed(&r, &cb, &s, b + 16346, sizeof(b) - 16346);
	ck_assert_int_eq(s.records, 2);
	ck_assert_uint_eq(s.len[0], 16408);
	ck_assert_uint_eq(s.len[1], 3000);
	ck_assert_int_eq(s.resync, 0);
	tls_rec_cleanup(&r);
}
END_TEST

START_TEST(test_not_tls)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct tls_rec r;
	struct seen s;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, http, sizeof(http) - 1);
	ck_assert_int_eq(s.not_tls, 1);
	ck_assert_int_eq(s.records, 0);
	ck_assert_int_eq(r.state, TLS_REC_NOT_TLS);
	tls_rec_cleanup(&r);
}
END_TEST

/* Forged: an SSLv2-compatible ClientHello header (length 0x0b, type 1,
 * version 3.1) then a TLS record. */
/* A record callback that switches its reader to skim mode, as
 * tls_stream does when a Finished settles the handshake. */
struct skimmer {
	struct tls_rec	*r;
	int		 records;
	int		 with_body;
};

static enum tls_rec_next
skim_on_record(void *arg, uint8_t ct, uint16_t v, const uint8_t *p,
    size_t len)
{
	struct skimmer *k = arg;

	(void)ct;
	(void)v;
	(void)len;
	k->records++;
	if (p != NULL)
		k->with_body++;
	return k->records == 1 ? TLS_REC_NEXT_SKIM : TLS_REC_NEXT_READ;
}

static const struct tls_rec_cb skim_cb = { skim_on_record, NULL, NULL, NULL };

/* Forged: three records, the first split so that the rest arrives in the
 * buffer; the first callback asks for skim mode. The other two are read
 * as headers only, from a buffer that is freed only afterwards (ASan
 * caught the reader freeing it under the running parse). */
START_TEST(test_skim_from_callback)
{
	static const uint8_t a[] = { 22, 3, 3, 0, 4, 20, 0, 0, 0 };
	static const uint8_t b[] = { 23, 3, 3, 0, 3, 1, 2, 3,
				     23, 3, 3, 0, 2, 4, 5 };
	struct tls_rec r;
	struct skimmer k;
	size_t split;

	for (split = 1; split < sizeof(a); split++) {
		uint8_t rest[sizeof(a) + sizeof(b)];

		memset(&k, 0, sizeof(k));
		k.r = &r;
		tls_rec_init(&r, 20000);
		tls_rec_feed(&r, &skim_cb, &k, a, split);
		memcpy(rest, a + split, sizeof(a) - split);
		memcpy(rest + sizeof(a) - split, b, sizeof(b));
		tls_rec_feed(&r, &skim_cb, &k, rest,
		    sizeof(a) - split + sizeof(b));
		ck_assert_int_eq(k.records, 3);
		ck_assert_int_eq(k.with_body, 1);
		ck_assert(r.skim);
		tls_rec_cleanup(&r);
	}
	/* The same in one piece (zero copy). */
	{
		uint8_t all[sizeof(a) + sizeof(b)];

		memset(&k, 0, sizeof(k));
		k.r = &r;
		memcpy(all, a, sizeof(a));
		memcpy(all + sizeof(a), b, sizeof(b));
		tls_rec_init(&r, 20000);
		tls_rec_feed(&r, &skim_cb, &k, all, sizeof(all));
		ck_assert_int_eq(k.records, 3);
		ck_assert_int_eq(k.with_body, 1);
		tls_rec_cleanup(&r);
	}
}
END_TEST

/* Forged: an SSL 2.0 SERVER-HELLO (length 11, type 4, hit 0, cert type
 * 1, version 0x0002, zero lengths, two stray bytes that make it
 * malformed for the analyzer), then bytes that are not TLS: the stream is
 * SSL 2.0 and nothing after the hello is read. */
START_TEST(test_sslv2_server_hello)
{
	static const uint8_t v2[] = {
		0x80, 0x0b, 0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00,
		0x81, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	};
	struct tls_rec r;
	struct seen s;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, v2, sizeof(v2));
	ck_assert_int_eq(s.sslv2, 1);
	ck_assert_int_eq(s.records, 0);
	ck_assert_int_eq(s.not_tls, 0);
	ck_assert_int_eq(r.state, TLS_REC_OFF);
	tls_rec_cleanup(&r);
}
END_TEST

START_TEST(test_sslv2_detect)
{
	static const uint8_t v2[] = {
		0x80, 0x0b, 0x01, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0xaa, 0xbb,
		21, 3, 1, 0, 2, 2, 40,
	};
	struct tls_rec r;
	struct seen s;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, v2, sizeof(v2));
	ck_assert_int_eq(s.sslv2, 1);
	ck_assert_int_eq(s.records, 1);
	ck_assert_int_eq(s.ct[0], 21);
	tls_rec_cleanup(&r);
}
END_TEST

/* After a gap the reader skips garbage and finds the next header. */
START_TEST(test_resync_after_gap)
{
	static const uint8_t tail[] = { 0x11, 0x22, 0x33, 0x44, 0x55,
	    21, 3, 3, 0, 2, 2, 48 };
	struct tls_rec r;
	struct seen s;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, three, 11);
	tls_rec_feed(&r, &cb, &s, three + 11, 3);	/* partial CCS */
	tls_rec_gap(&r, &cb, &s, 100);
	tls_rec_feed(&r, &cb, &s, tail, sizeof(tail));
	ck_assert_int_eq(s.records, 2);
	ck_assert_int_eq(s.ct[1], 21);
	ck_assert_uint_eq(s.len[1], 2);
	ck_assert_int_ge(s.resync, 1);
	tls_rec_cleanup(&r);
}
END_TEST

/* An absurd record length is not believed. */
START_TEST(test_absurd_length)
{
	static const uint8_t bad[] = { 22, 3, 3, 0xff, 0xff, 1, 2, 3 };
	struct tls_rec r;
	struct seen s;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, bad, sizeof(bad));
	ck_assert_int_eq(s.records, 0);
	ck_assert_int_eq(s.not_tls, 1);
	tls_rec_cleanup(&r);
}
END_TEST

/* Skim mode reports headers with p == NULL and buffers nothing. */
START_TEST(test_skim)
{
	struct tls_rec r;
	struct seen s;
	size_t i;

	memset(&s, 0, sizeof(s));
	tls_rec_init(&r, 20000);
	tls_rec_feed(&r, &cb, &s, three, 13);		/* rec 1 + 2 bytes */
	tls_rec_skim(&r);
	for (i = 13; i < sizeof(three); i++)
		tls_rec_feed(&r, &cb, &s, three + i, 1);
	ck_assert_int_eq(s.records, 3);
	ck_assert_uint_eq(s.len[2], 3);
	ck_assert_uint_eq(r.pending.cap, 0);
	tls_rec_cleanup(&r);
}
END_TEST

/* Forged: two handshake messages, split at every point across records. */
static const uint8_t msgs[] = {
	2, 0, 0, 3, 0xa, 0xb, 0xc,	/* ServerHello-typed, 3 bytes */
	14, 0, 0, 0,			/* ServerHelloDone */
};

START_TEST(test_hs_split_everywhere)
{
	struct tls_hs h;
	struct seen s;
	size_t cut = (size_t)_i;

	memset(&s, 0, sizeof(s));
	tls_hs_init(&h, 1000);
	tls_hs_feed(&h, &hcb, &s, msgs, cut);
	tls_hs_feed(&h, &hcb, &s, msgs + cut, sizeof(msgs) - cut);
	ck_assert_int_eq(s.msgs, 2);
	ck_assert_int_eq(s.type[0], 2);
	ck_assert_uint_eq(s.mlen[0], 3);
	ck_assert_int_eq(s.type[1], 14);
	ck_assert_uint_eq(s.mlen[1], 0);
	ck_assert(!tls_hs_partial(&h));
	tls_hs_cleanup(&h);
}
END_TEST

/* A message larger than the cap is delivered truncated once, and its
 * remaining bytes are not mistaken for new messages. */
START_TEST(test_hs_huge)
{
	uint8_t big[300];
	struct tls_hs h;
	struct seen s;

	memset(big, 0x41, sizeof(big));
	big[0] = 11;
	big[1] = 0;
	big[2] = 1;
	big[3] = 0x20;			/* 288 bytes */
	memset(&s, 0, sizeof(s));
	tls_hs_init(&h, 100);
	tls_hs_feed(&h, &hcb, &s, big, 150);
	tls_hs_feed(&h, &hcb, &s, big + 150, 142);
	tls_hs_feed(&h, &hcb, &s, msgs + 7, 4);	/* ServerHelloDone */
	ck_assert_int_eq(s.msgs, 2);
	ck_assert(s.trunc[0]);
	ck_assert_int_eq(s.type[0], 11);
	ck_assert_int_eq(s.type[1], 14);
	tls_hs_cleanup(&h);
}
END_TEST

/* A message larger than the cap, split anywhere and followed in the same
 * record by ServerHelloDone: delivered truncated once, then the next
 * message intact (the rest of the huge one is skipped exactly). */
START_TEST(test_hs_huge_split_everywhere)
{
	uint8_t big[292 + 4];
	struct tls_hs h;
	struct seen s;
	size_t cut = (size_t)_i;

	memset(big, 0x41, sizeof(big));
	big[0] = 11;
	big[1] = 0;
	big[2] = 1;
	big[3] = 0x20;			/* 288 bytes */
	memcpy(big + 292, msgs + 7, 4);	/* ServerHelloDone */
	memset(&s, 0, sizeof(s));
	tls_hs_init(&h, 100);
	tls_hs_feed(&h, &hcb, &s, big, cut);
	tls_hs_feed(&h, &hcb, &s, big + cut, sizeof(big) - cut);
	ck_assert_int_eq(s.msgs, 2);
	/* Whole in one feed, it is parsed in place, not truncated. */
	ck_assert(s.trunc[0] == (cut > 0 && cut < 292));
	ck_assert_int_eq(s.type[0], 11);
	ck_assert_int_eq(s.type[1], 14);
	ck_assert_uint_eq(s.mlen[1], 0);
	ck_assert(!s.trunc[1]);
	ck_assert(!tls_hs_partial(&h));
	tls_hs_cleanup(&h);
}
END_TEST

/* A partial message completed by a feed that also carries more small
 * messages than the buffer holds: none is lost. */
START_TEST(test_hs_small_msgs_overflow)
{
	uint8_t in[7 + 4 * 60];
	struct tls_hs h;
	struct seen s;
	size_t cut = (size_t)_i, i;

	memcpy(in, msgs, 7);		/* ServerHello-typed, 3 bytes */
	for (i = 7; i < sizeof(in); i += 4) {
		in[i] = 14;
		in[i + 1] = in[i + 2] = in[i + 3] = 0;
	}
	memset(&s, 0, sizeof(s));
	tls_hs_init(&h, 100);
	tls_hs_feed(&h, &hcb, &s, in, cut);
	tls_hs_feed(&h, &hcb, &s, in + cut, sizeof(in) - cut);
	ck_assert_int_eq(s.msgs, 1 + 60);
	ck_assert_int_eq(s.type[0], 2);
	ck_assert_int_eq(s.type[15], 14);
	ck_assert(!tls_hs_partial(&h));
	tls_hs_cleanup(&h);
}
END_TEST

/* MAC lengths of the suites that do not encrypt (IANA tls-parameters-4);
 * every encrypting suite gives 0. */
START_TEST(test_null_mac_len)
{
	ck_assert_uint_eq(tls_null_mac_len(0x0001), 16);	/* NULL_MD5 */
	ck_assert_uint_eq(tls_null_mac_len(0x0002), 20);	/* NULL_SHA */
	ck_assert_uint_eq(tls_null_mac_len(0xc010), 20);
	ck_assert_uint_eq(tls_null_mac_len(0x003b), 32);	/* SHA256 */
	ck_assert_uint_eq(tls_null_mac_len(0xc03b), 48);	/* SHA384 */
	ck_assert_uint_eq(tls_null_mac_len(0x0000), 0);	/* no MAC */
	ck_assert_uint_eq(tls_null_mac_len(0x0004), 0);	/* RC4_128_MD5 */
	ck_assert_uint_eq(tls_null_mac_len(0xc02b), 0);
	ck_assert_uint_eq(tls_null_mac_len(0x1301), 0);	/* TLS 1.3 */
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("tls_record");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");

	tcase_add_loop_test(tc, test_split_everywhere, 0, sizeof(three) + 1);
	tcase_add_test(tc, test_byte_by_byte);
	tcase_add_test(tc, test_big_segment_after_partial);
	tcase_add_test(tc, test_not_tls);
	tcase_add_test(tc, test_sslv2_detect);
	tcase_add_test(tc, test_sslv2_server_hello);
	tcase_add_test(tc, test_skim_from_callback);
	tcase_add_test(tc, test_resync_after_gap);
	tcase_add_test(tc, test_skim);
	tcase_add_test(tc, test_null_mac_len);
	tcase_add_loop_test(tc, test_hs_split_everywhere, 0, sizeof(msgs) + 1);
	tcase_add_test(tl, test_absurd_length);
	tcase_add_test(tl, test_hs_huge);
	tcase_add_loop_test(tl, test_hs_huge_split_everywhere, 0, 292 + 4 + 1);
	tcase_add_loop_test(tl, test_hs_small_msgs_overflow, 0, 7);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return check_run(record_suite());
}
