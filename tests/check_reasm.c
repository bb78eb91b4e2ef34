/* check_reasm.c - unit tests for TCP byte-stream reassembly. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "limits.h"
#include "reasm.h"
#include "check_main.h"

#define PAT_LEN		3000
#define MAX_EV		4096
#define MAX_CONF	16

/*
 * What reassembly handed on, in call order. Data bytes are stored at
 * their stream offset; |pos| is where the next call must start, so the
 * stream is checked to be handed on in order, each byte exactly once.
 */
struct rec {
	uint8_t		 buf[PAT_LEN + 512];
	uint64_t	 pos;
	struct {
		uint64_t	off;
		uint64_t	len;
		bool		gap;
	}		 ev[MAX_EV];
	size_t		 nev;
	struct {
		uint64_t	off;
		size_t		len;
	}		 conf[MAX_CONF];
	size_t		 nconf;
	const uint8_t	*last_p;	/* pointer of the last data() call */
	struct reasm_dir *stop_dir;	/* if set, data() asks to stop */
	size_t		 data_calls;
};

/* An expected run: adjacent data calls are merged before comparing. */
struct run {
	uint64_t	off;
	uint64_t	len;
	bool		gap;
};

static uint8_t pattern[PAT_LEN];

static void
pattern_init(void)
{
	size_t i;

	/* Not periodic in any small length, so a misplaced byte shows. */
	for (i = 0; i < PAT_LEN; i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251 + (i >> 5));
}

static void
rec_event(struct rec *r, uint64_t len, bool gap)
{
	ck_assert_uint_lt(r->nev, MAX_EV);
	r->ev[r->nev].off = r->pos;
	r->ev[r->nev].len = len;
	r->ev[r->nev].gap = gap;
	r->nev++;
	r->pos += len;
}

static bool
cb_data(void *arg, const uint8_t *p, size_t len)
{
	struct rec *r = arg;

	ck_assert_uint_gt(len, 0);
	ck_assert_uint_le(r->pos + len, sizeof(r->buf));
	memcpy(r->buf + r->pos, p, len);
	r->last_p = p;
	r->data_calls++;
	rec_event(r, len, false);
	return r->stop_dir != NULL;
}

static void
cb_gap(void *arg, uint64_t nbytes)
{
	struct rec *r = arg;

	ck_assert_uint_gt(nbytes, 0);
	rec_event(r, nbytes, true);
}

static void
cb_conflict(void *arg, uint64_t stream_off, size_t len)
{
	struct rec *r = arg;

	ck_assert_uint_lt(r->nconf, MAX_CONF);
	r->conf[r->nconf].off = stream_off;
	r->conf[r->nconf].len = len;
	r->nconf++;
}

static const struct reasm_cb cb = { cb_data, cb_gap, cb_conflict };

static struct rec *
rec_new(void)
{
	struct rec *r;

	r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	return r;
}

/*
 * add feeds stream bytes [off, off + len) of |src| as one segment of
 * a stream whose first byte has sequence |seq0|, from an exactly-sized
 * heap copy that is freed at once, so that a queue keeping a pointer
 * instead of a copy is caught.
 */
static void
add_src(struct reasm_dir *d, struct rec *r, uint32_t seq0, const uint8_t *src,
    size_t off, size_t len, size_t wire_len)
{
	uint8_t *p;

	p = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(p);
	if (len > 0)
		memcpy(p, src + off, len);
	reasm_add(d, &cb, r, (uint32_t)(seq0 + off), p, len, wire_len);
	free(p);
}

static void
add(struct reasm_dir *d, struct rec *r, uint32_t seq0, size_t off,
    size_t len)
{
	add_src(d, r, seq0, pattern, off, len, len);
}

/* expect compares the calls made (adjacent data merged) with |want|. */
static void
expect(const struct rec *r, const struct run *want, size_t nwant)
{
	size_t i, n = 0;
	struct run cur;

	for (i = 0; i < r->nev; i++) {
		cur.off = r->ev[i].off;
		cur.len = r->ev[i].len;
		cur.gap = r->ev[i].gap;
		while (!cur.gap && i + 1 < r->nev && !r->ev[i + 1].gap) {
			i++;
			cur.len += r->ev[i].len;
		}
		ck_assert_msg(n < nwant, "extra run at %llu",
		    (unsigned long long)cur.off);
		ck_assert_uint_eq(cur.off, want[n].off);
		ck_assert_uint_eq(cur.len, want[n].len);
		ck_assert_int_eq(cur.gap, want[n].gap);
		n++;
	}
	ck_assert_uint_eq(n, nwant);
}

/* expect_bytes checks that data [off, off + len) equals |src| there. */
static void
expect_bytes(const struct rec *r, const uint8_t *src, size_t off, size_t len)
{
	ck_assert_mem_eq(r->buf + off, src + off, len);
}

#define NRUNS(a)	(sizeof(a) / sizeof((a)[0]))

/* The four segments of the permutation test: [0,700) [700,1500)
 * [1500,2200) [2200,3000). */
static const size_t seg_off[5] = { 0, 700, 1500, 2200, PAT_LEN };

/* In order: each segment is handed on at once, from the caller's
 * buffer (no copy). */
START_TEST(test_in_order)
{
	static const struct run want[] = { { 0, PAT_LEN, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();
	size_t i;

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 1000);
	for (i = 0; i < 4; i++) {
		reasm_add(&d, &cb, r, (uint32_t)(1001 + seg_off[i]),
		    pattern + seg_off[i], seg_off[i + 1] - seg_off[i],
		    seg_off[i + 1] - seg_off[i]);
		ck_assert_ptr_eq(r->last_p, pattern + seg_off[i]);
		ck_assert_uint_eq(r->pos, seg_off[i + 1]);
	}
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, PAT_LEN);
	ck_assert_uint_eq(d.delivered, PAT_LEN);
	ck_assert_uint_eq(d.next, 1001 + PAT_LEN);
	ck_assert_uint_eq(d.offset, PAT_LEN);
	ck_assert_uint_eq(d.out_of_order, 0);
	ck_assert_uint_eq(d.retrans, 0);
	ck_assert_ptr_null(d.ooo);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/*
 * All 24 orders of the four segments, each with an ordinary ISN (_i <
 * 24) and with ISN 0xFFFFFF00, whose stream crosses 2^32 after 255 bytes
 * (_i >= 24). The stream must come out exactly, with no gap.
 */
START_TEST(test_permutations)
{
	static const struct run want[] = { { 0, PAT_LEN, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();
	uint32_t isn = _i < 24 ? 1000 : 0xFFFFFF00u;
	int order[4], used[4] = { 0, 0, 0, 0 };
	int code = _i % 24, k, j, c, queued = 0;
	size_t seg;

	/* Decode |code| as a permutation (factorial number system). */
	for (k = 0; k < 4; k++) {
		static const int fact[4] = { 6, 2, 1, 1 };

		c = code / fact[k];
		code %= fact[k];
		for (j = 0; j < 4; j++) {
			if (used[j])
				continue;
			if (c-- == 0)
				break;
		}
		order[k] = j;
		used[j] = 1;
	}
	reasm_init(&d, 65536);
	reasm_set_isn(&d, isn);
	for (k = 0; k < 4; k++) {
		seg = (size_t)order[k];
		if (seg_off[seg] != d.offset)
			queued++;
		add(&d, r, isn + 1, seg_off[seg], seg_off[seg + 1] -
		    seg_off[seg]);
	}
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, PAT_LEN);
	ck_assert_uint_eq(d.delivered, PAT_LEN);
	ck_assert_uint_eq(d.gaps, 0);
	ck_assert_uint_eq(d.retrans, 0);
	ck_assert_uint_eq(d.conflicts, 0);
	ck_assert_uint_eq(d.out_of_order, (uint64_t)queued);
	ck_assert_uint_eq(d.next, (uint32_t)(isn + 1 + PAT_LEN));
	ck_assert_ptr_null(d.ooo);
	ck_assert_uint_eq(d.ooo_bytes, 0);
	ck_assert_uint_eq(d.ooo_count, 0);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* Exact duplicates, in order and while queued, are dropped and counted. */
START_TEST(test_duplicates)
{
	static const struct run want[] = { { 0, PAT_LEN, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 0);
	add(&d, r, 1, 0, 700);
	add(&d, r, 1, 0, 700);			/* already delivered */
	ck_assert_uint_eq(d.retrans, 1);
	add(&d, r, 1, 1500, 700);
	add(&d, r, 1, 1500, 700);		/* already queued */
	ck_assert_uint_eq(d.retrans, 2);
	ck_assert_uint_eq(d.ooo_count, 1);
	ck_assert_uint_eq(d.ooo_bytes, 700);
	add(&d, r, 1, 1500, 300);		/* inside a queued one */
	ck_assert_uint_eq(d.retrans, 3);
	add(&d, r, 1, 700, 800);
	add(&d, r, 1, 2200, 800);
	add(&d, r, 1, 700, 800);
	add(&d, r, 1, 100, 50);			/* inside delivered bytes */
	ck_assert_uint_eq(d.retrans, 5);
	ck_assert_uint_eq(d.out_of_order, 1);
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, PAT_LEN);
	ck_assert_uint_eq(d.conflicts, 0);
	/* The counts are 32-bit: at their top they stay there. */
	d.retrans = UINT32_MAX - 1;
	add(&d, r, 1, 0, 700);
	ck_assert_uint_eq(d.retrans, UINT32_MAX);
	add(&d, r, 1, 0, 700);
	ck_assert_uint_eq(d.retrans, UINT32_MAX);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* Overlaps that carry the same bytes: no conflict, each byte once. */
START_TEST(test_overlap_same)
{
	static const struct run want[] = { { 0, 2500, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 77);
	add(&d, r, 78, 0, 1000);
	add(&d, r, 78, 500, 700);		/* [500,1200): half new */
	ck_assert_uint_eq(r->pos, 1200);
	add(&d, r, 78, 1500, 500);		/* queued [1500,2000) */
	add(&d, r, 78, 1700, 800);		/* queued [2000,2500) added */
	ck_assert_uint_eq(d.ooo_bytes, 1000);
	add(&d, r, 78, 1100, 1000);		/* [1100,2100) fills */
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, 2500);
	ck_assert_uint_eq(d.conflicts, 0);
	ck_assert_uint_eq(r->nconf, 0);
	ck_assert_ptr_null(d.ooo);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/*
 * Overlaps that carry different bytes: the first data seen wins and
 * queued bytes that differ are reported. Bytes already handed on are
 * not kept, so an overlap with them cannot be checked.
 */
START_TEST(test_overlap_conflict)
{
	static const struct run want[] = { { 0, 3000, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();
	uint8_t *other, *exp;
	size_t i;

	other = malloc(PAT_LEN);
	exp = malloc(PAT_LEN);
	ck_assert_ptr_nonnull(other);
	ck_assert_ptr_nonnull(exp);
	for (i = 0; i < PAT_LEN; i++)
		other[i] = (uint8_t)~pattern[i];
	reasm_init(&d, 65536);
	reasm_set_isn(&d, 5000);
	/* Queued [1000,2000) of the pattern; then [1500,2500) of other
	 * bytes: [1500,2000) conflicts, [2000,2500) of them is queued. */
	add(&d, r, 5001, 1000, 1000);
	add_src(&d, r, 5001, other, 1500, 1000, 1000);
	ck_assert_uint_eq(r->nconf, 1);
	ck_assert_uint_eq(r->conf[0].off, 1500);
	ck_assert_uint_eq(r->conf[0].len, 500);
	/* In order [0,1200) of other bytes: [1000,1200) conflicts with the
	 * queue, [0,1000) is new. */
	add_src(&d, r, 5001, other, 0, 1200, 1200);
	ck_assert_uint_eq(r->nconf, 2);
	ck_assert_uint_eq(r->conf[1].off, 1000);
	ck_assert_uint_eq(r->conf[1].len, 200);
	ck_assert_uint_eq(r->pos, 2500);
	/* Overlap with bytes already handed on: not reported; the new
	 * tail [2500,3000) is used. */
	add_src(&d, r, 5001, other, 2000, 1000, 1000);
	ck_assert_uint_eq(r->nconf, 2);
	ck_assert_uint_eq(d.conflicts, 2);
	memcpy(exp, other, 1000);
	memcpy(exp + 1000, pattern + 1000, 1000);
	memcpy(exp + 2000, other + 2000, 1000);
	expect(r, want, NRUNS(want));
	ck_assert_mem_eq(r->buf, exp, PAT_LEN);
	reasm_cleanup(&d);
	free(other);
	free(exp);
	free(r);
}
END_TEST

/* Across the 2^32 wrap: a hole straddling it, a retransmission from
 * before it, and an out-of-order segment after it. */
START_TEST(test_wrap)
{
	static const struct run want[] = { { 0, 1200, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();
	const uint32_t isn = 0xFFFFFF00u;

	reasm_init(&d, 65536);
	reasm_set_isn(&d, isn);
	ck_assert_uint_eq(d.next, 0xFFFFFF01u);
	add(&d, r, isn + 1, 0, 200);		/* up to 0xFFFFFFC9 */
	add(&d, r, isn + 1, 600, 600);		/* seq 0x00000159, queued */
	ck_assert_uint_eq(d.ooo_count, 1);
	add(&d, r, isn + 1, 0, 100);		/* from before the wrap */
	ck_assert_uint_eq(d.retrans, 1);
	add(&d, r, isn + 1, 200, 400);		/* straddles 2^32 */
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, 1200);
	ck_assert_uint_eq(d.next, (uint32_t)(isn + 1 + 1200));
	ck_assert_uint_eq(d.offset, 1200);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* A hole filled late: nothing after it moves until it fills. */
START_TEST(test_hole_filled)
{
	static const struct run want[] = { { 0, PAT_LEN, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 1);
	add(&d, r, 2, 0, 700);
	add(&d, r, 2, 1500, 700);
	add(&d, r, 2, 2200, 800);
	ck_assert_uint_eq(r->pos, 700);
	ck_assert_uint_eq(d.ooo_bytes, 1500);
	ck_assert_uint_eq(d.ooo_count, 2);
	add(&d, r, 2, 700, 800);
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, PAT_LEN);
	ck_assert_uint_eq(d.out_of_order, 2);
	ck_assert_uint_eq(d.ooo_bytes, 0);
	ck_assert_uint_eq(d.ooo_count, 0);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* A hole that never fills: the peer's ACK past it makes it a gap of
 * its exact size, and the bytes queued after it follow. */
START_TEST(test_peer_ack)
{
	static const struct run want[] = {
		{ 0, 700, false }, { 700, 800, true }, { 1500, 700, false },
		{ 2200, 300, true }, { 2500, 500, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 100);
	add(&d, r, 101, 0, 700);
	add(&d, r, 101, 1500, 700);
	reasm_peer_ack(&d, &cb, r, 101 + 700);		/* nothing new */
	reasm_peer_ack(&d, &cb, r, 101 + 10);		/* old ACK */
	ck_assert_uint_eq(r->nev, 1);
	/* ACK inside the queued bytes: the gap ends where they start. */
	reasm_peer_ack(&d, &cb, r, 101 + 2000);
	ck_assert_uint_eq(r->pos, 2200);
	ck_assert_uint_eq(d.gap_bytes, 800);
	/* ACK past everything with nothing queued: a gap up to it. */
	reasm_peer_ack(&d, &cb, r, 101 + 2500);
	ck_assert_uint_eq(r->pos, 2500);
	/* The bytes acked arrive after all: a retransmission now. */
	add(&d, r, 101, 2200, 300);
	ck_assert_uint_eq(d.retrans, 1);
	add(&d, r, 101, 2500, 500);
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, 700);
	expect_bytes(r, pattern, 1500, 700);
	expect_bytes(r, pattern, 2500, 500);
	ck_assert_uint_eq(d.gaps, 2);
	ck_assert_uint_eq(d.gap_bytes, 1100);
	ck_assert_uint_eq(d.delivered, 1900);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* After a FIN, the ACK covers one sequence number more than the data:
 * that is the FIN, not a missing byte. */
/*
 * SYN-ACKs with two ISNs (suricata-verify's tcp-fastopen-10: the server
 * answers with 3212050950 and 97572840 in turn, the last SYN-ACK before
 * the data has the first, the client acknowledges the second): the
 * client's ACK of the other one's first byte switches to it, with no
 * gap; so does data that starts there. Once a byte is placed, neither.
 */
START_TEST(test_two_isns)
{
	static const struct run want[] = { { 0, 1000, false } };
	struct reasm_dir d;
	struct rec *r;
	int k;

	for (k = 0; k < 3; k++) {
		r = rec_new();
		reasm_init(&d, 65536);
		reasm_set_isn(&d, 97572840u);
		reasm_set_isn(&d, 3212050950u);
		if (k == 0)
			reasm_peer_ack(&d, &cb, r, 97572841u);
		add(&d, r, 97572841u, 0, 1000);
		if (k == 2) {
			/* Placed: an ACK of the other no longer moves it. */
			reasm_set_isn(&d, 3212050950u);
			reasm_peer_ack(&d, &cb, r, 3212050951u);
			ck_assert_uint_eq(d.next, 97572841u + 1000);
		}
		ck_assert_uint_eq(d.gap_bytes, 0);
		expect(r, want, NRUNS(want));
		expect_bytes(r, pattern, 0, 1000);
		reasm_cleanup(&d);
		free(r);
	}
}
END_TEST

/* An ACK one past the data with no FIN seen (Wireshark's
 * tls12-chacha20poly1305.pcap ends before the server's FIN, which the
 * client acknowledges): the unseen FIN, not a lost byte; a byte it was
 * shows once data follows it. */
START_TEST(test_peer_ack_unseen_fin)
{
	static const struct run want[] = {
		{ 0, 700, false }, { 700, 1, true }, { 701, 300, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 100);
	add(&d, r, 101, 0, 700);
	reasm_peer_ack(&d, &cb, r, 101 + 701);
	ck_assert_uint_eq(d.gap_bytes, 0);
	ck_assert_uint_eq(r->pos, 700);
	/* Data after the byte: it was a byte after all. */
	add(&d, r, 101, 701, 300);
	reasm_peer_ack(&d, &cb, r, 101 + 1001);
	ck_assert_uint_eq(d.gap_bytes, 1);
	expect(r, want, NRUNS(want));
	reasm_cleanup(&d);
	free(r);
}
END_TEST

START_TEST(test_peer_ack_fin)
{
	static const struct run want[] = {
		{ 0, 500, false }, { 500, 100, true }, { 600, 400, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 9);
	add(&d, r, 10, 0, 500);
	add(&d, r, 10, 600, 400);		/* the FIN segment, queued */
	d.fin_seen = true;
	reasm_peer_ack(&d, &cb, r, 10 + 1000 + 1);
	expect(r, want, NRUNS(want));
	ck_assert_uint_eq(d.next, 10 + 1000);
	/* Nothing queued, all data in: the FIN's ACK is no gap. */
	reasm_peer_ack(&d, &cb, r, 10 + 1000 + 1);
	ck_assert_uint_eq(d.gaps, 1);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* reasm_flush gives up every hole: two holes, two gaps. */
START_TEST(test_flush)
{
	static const struct run want[] = {
		{ 0, 500, false }, { 500, 300, true }, { 800, 400, false },
		{ 1200, 300, true }, { 1500, 1500, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 0xFFFFFFFFu);
	add(&d, r, 0, 0, 500);
	add(&d, r, 0, 1500, 1500);
	add(&d, r, 0, 800, 400);
	ck_assert_uint_eq(r->pos, 500);
	reasm_flush(&d, &cb, r);
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, 500);
	expect_bytes(r, pattern, 800, 400);
	expect_bytes(r, pattern, 1500, 1500);
	ck_assert_uint_eq(d.gaps, 2);
	ck_assert_uint_eq(d.gap_bytes, 600);
	ck_assert_ptr_null(d.ooo);
	/* Nothing left: a second flush does nothing. */
	reasm_flush(&d, &cb, r);
	ck_assert_uint_eq(r->nev, NRUNS(want));
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* wire_len > len: the bytes cut by snaplen become a gap when the stream
 * reaches them, in order or from the queue. */
START_TEST(test_snaplen_cut)
{
	static const struct run want[] = {
		{ 0, 500, false }, { 500, 200, true }, { 700, 1100, false },
		{ 1800, 400, true }, { 2200, 300, false }, { 2500, 500, true },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 3);
	add_src(&d, r, 4, pattern, 0, 500, 700);	/* in order */
	ck_assert_uint_eq(r->pos, 700);
	ck_assert_uint_eq(d.gap_bytes, 200);
	add_src(&d, r, 4, pattern, 1500, 300, 700);	/* queued */
	ck_assert_uint_eq(d.ooo_count, 2);		/* bytes + lost */
	ck_assert_uint_eq(d.ooo_bytes, 300);
	add(&d, r, 4, 2200, 300);
	add(&d, r, 4, 700, 800);
	ck_assert_uint_eq(r->pos, 2500);
	/* A segment of which nothing was captured. */
	add_src(&d, r, 4, pattern, 2500, 0, 500);
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 0, 500);
	expect_bytes(r, pattern, 700, 1100);
	expect_bytes(r, pattern, 2200, 300);
	ck_assert_uint_eq(d.gap_bytes, 1100);
	ck_assert_uint_eq(d.offset, 3000);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* A hole given up next to bytes known lost: one gap() call for both. */
START_TEST(test_gap_merge)
{
	static const struct run want[] = {
		{ 0, 1200, true }, { 1200, 300, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 0);
	add_src(&d, r, 1, pattern, 1000, 0, 200);	/* all cut */
	add(&d, r, 1, 1200, 300);
	ck_assert_uint_eq(d.ooo_count, 2);
	ck_assert_uint_eq(d.ooo_bytes, 300);
	reasm_flush(&d, &cb, r);
	expect(r, want, NRUNS(want));
	ck_assert_uint_eq(d.gaps, 1);
	expect_bytes(r, pattern, 1200, 300);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* Past max_ooo_bytes the first hole is given up. */
START_TEST(test_cap_bytes)
{
	static const struct run want[] = {
		{ 0, 700, false }, { 700, 800, true }, { 1500, 1500, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 1000);
	reasm_set_isn(&d, 0);
	add(&d, r, 1, 0, 700);
	add(&d, r, 1, 1500, 500);		/* 500 held: under the cap */
	add(&d, r, 1, 2000, 500);		/* 1000 held: at the cap */
	ck_assert_uint_eq(r->pos, 700);
	ck_assert_uint_eq(d.ooo_bytes, 1000);
	add(&d, r, 1, 2500, 500);		/* 1500 held: over */
	expect(r, want, NRUNS(want));
	expect_bytes(r, pattern, 700 + 800, 1500);
	ck_assert_uint_eq(d.ooo_bytes, 0);
	/* The lost bytes turn up: retransmissions now. */
	add(&d, r, 1, 700, 800);
	ck_assert_uint_eq(d.retrans, 1);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* Past LIMIT_OOO_SEGMENTS entries the first hole is given up too. */
START_TEST(test_cap_segments)
{
	static const struct run want[] = {
		{ 0, 1, true }, { 1, 1, false },
	};
	struct reasm_dir d;
	struct rec *r = rec_new();
	size_t i;

	reasm_init(&d, 1024 * 1024);
	reasm_set_isn(&d, 0);
	/* One-byte segments at odd offsets 1, 3, 5, ...: every one is
	 * behind a hole. */
	for (i = 0; i < LIMIT_OOO_SEGMENTS; i++)
		add(&d, r, 1, 2 * i + 1, 1);
	ck_assert_uint_eq(d.ooo_count, LIMIT_OOO_SEGMENTS);
	ck_assert_uint_eq(r->nev, 0);
	add(&d, r, 1, 2 * LIMIT_OOO_SEGMENTS + 1, 1);
	expect(r, want, NRUNS(want));
	ck_assert_uint_eq(d.ooo_count, LIMIT_OOO_SEGMENTS);
	ck_assert_uint_eq(d.offset, 2);
	reasm_cleanup(&d);
	ck_assert_ptr_null(d.ooo);
	ck_assert_uint_eq(d.ooo_count, 0);
	free(r);
}
END_TEST

/* After reasm_stop, segments are only counted. */
START_TEST(test_stop)
{
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 0);
	add(&d, r, 1, 0, 700);
	add(&d, r, 1, 1500, 700);
	reasm_stop(&d);
	ck_assert(d.stopped);
	ck_assert_ptr_null(d.ooo);
	ck_assert_uint_eq(d.ooo_bytes, 0);
	ck_assert_uint_eq(d.ooo_count, 0);
	add(&d, r, 1, 700, 800);		/* in order */
	add(&d, r, 1, 2500, 500);		/* past a hole */
	ck_assert_uint_eq(d.out_of_order, 2);
	add(&d, r, 1, 2200, 300);		/* behind the highest seen */
	ck_assert_uint_eq(d.retrans, 1);
	reasm_peer_ack(&d, &cb, r, 1 + 5000);
	reasm_flush(&d, &cb, r);
	ck_assert_uint_eq(r->nev, 1);		/* only the first 700 */
	ck_assert_uint_eq(d.delivered, 700);
	ck_assert_uint_eq(d.gaps, 0);
	ck_assert_ptr_null(d.ooo);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* A data() callback that stops the direction (a stream found not to
 * be TLS) ends delivery at once; the queue is freed, nothing leaks. */
START_TEST(test_stop_in_callback)
{
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_set_isn(&d, 0);
	add(&d, r, 1, 700, 800);
	add(&d, r, 1, 1500, 700);
	add(&d, r, 1, 2200, 800);
	r->stop_dir = &d;
	add(&d, r, 1, 0, 1000);			/* overlaps the queue */
	ck_assert_uint_eq(r->data_calls, 1);
	ck_assert_uint_eq(r->pos, 700);
	ck_assert(d.stopped);
	ck_assert_ptr_null(d.ooo);
	reasm_flush(&d, &cb, r);
	ck_assert_uint_eq(r->data_calls, 1);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/* Without reasm_set_isn the first data segment starts the stream;
 * zero-length segments do nothing at all. */
START_TEST(test_midstream)
{
	static const struct run want[] = { { 0, 1500, false } };
	struct reasm_dir d;
	struct rec *r = rec_new();

	reasm_init(&d, 65536);
	reasm_add(&d, &cb, r, 12345, NULL, 0, 0);	/* pure ACK */
	ck_assert(!d.have_isn);
	reasm_peer_ack(&d, &cb, r, 99999);		/* no stream yet */
	reasm_flush(&d, &cb, r);
	ck_assert_uint_eq(r->nev, 0);
	add(&d, r, 0x80000000u, 700, 800);
	ck_assert(d.have_isn);
	ck_assert_uint_eq(d.next, 0x80000000u + 700 + 800);
	ck_assert_uint_eq(r->pos, 800);
	add(&d, r, 0x80000000u, 0, 700);		/* before the start */
	ck_assert_uint_eq(d.retrans, 1);
	add(&d, r, 0x80000000u, 1500, 700);
	reasm_add(&d, &cb, r, 0x80000000u + 2200, pattern, 0, 0);
	ck_assert_uint_eq(d.retrans, 1);
	ck_assert_uint_eq(d.out_of_order, 0);
	expect(r, want, NRUNS(want));
	ck_assert_mem_eq(r->buf, pattern + 700, 1500);
	/* A late SYN does not restart a running stream. */
	reasm_set_isn(&d, 0x80000000u - 1);
	ck_assert_uint_eq(d.offset, 1500);
	add(&d, r, 0x80000000u, 700, 800);
	ck_assert_uint_eq(d.retrans, 2);
	reasm_cleanup(&d);
	free(r);
}
END_TEST

/*
 * Random segments of one stream (overlapping, duplicated, out of order,
 * some cut by snaplen), random ACKs, then a flush: every call starts
 * where the previous ended, each byte is handed on once, data bytes are
 * the stream's, and identical overlaps never conflict.
 */
START_TEST(test_random)
{
	struct reasm_dir d;
	struct rec *r = rec_new();
	uint32_t x = 0x9e3779b9u * (uint32_t)(_i + 1), isn;
	uint64_t acked = 0;
	size_t k, off, len, cut, i;

	isn = x;
	reasm_init(&d, (_i % 3) == 0 ? 600 : 65536);
	if (_i % 4 != 0)
		reasm_set_isn(&d, isn);
	for (k = 0; k < 60; k++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		off = x % PAT_LEN;
		len = 1 + (x >> 12) % 400;
		if (off + len > PAT_LEN)
			len = PAT_LEN - off;
		cut = (x >> 24) % 8 == 0 ? len / 2 : len;
		add_src(&d, r, isn + 1, pattern, off, cut, len);
		if ((x >> 8) % 10 == 0 && d.have_isn) {
			acked = d.offset + (x >> 16) % 200;
			reasm_peer_ack(&d, &cb, r, (uint32_t)(d.next +
			    (acked - d.offset)));
		}
	}
	reasm_flush(&d, &cb, r);
	ck_assert_ptr_null(d.ooo);
	ck_assert_uint_eq(d.ooo_bytes, 0);
	ck_assert_uint_eq(d.conflicts, 0);
	ck_assert_uint_eq(d.delivered + d.gap_bytes, r->pos);
	ck_assert_uint_eq(d.offset, r->pos);
	/* With an ISN the stream offset is the pattern offset. */
	if (_i % 4 != 0) {
		for (i = 0; i < r->nev; i++) {
			if (!r->ev[i].gap)
				expect_bytes(r, pattern, r->ev[i].off,
				    r->ev[i].len);
		}
	}
	reasm_cleanup(&d);
	free(r);
}
END_TEST

static Suite *
reasm_suite(void)
{
	Suite *s;
	TCase *core, *limits;

	s = suite_create("reasm");
	core = tcase_create("Core");
	tcase_add_test(core, test_in_order);
	tcase_add_loop_test(core, test_permutations, 0, 48);
	tcase_add_test(core, test_duplicates);
	tcase_add_test(core, test_overlap_same);
	tcase_add_test(core, test_overlap_conflict);
	tcase_add_test(core, test_wrap);
	tcase_add_test(core, test_hole_filled);
	tcase_add_test(core, test_peer_ack);
	tcase_add_test(core, test_two_isns);
	tcase_add_test(core, test_peer_ack_unseen_fin);
	tcase_add_test(core, test_peer_ack_fin);
	tcase_add_test(core, test_flush);
	tcase_add_test(core, test_midstream);
	suite_add_tcase(s, core);

	limits = tcase_create("Limits");
	tcase_add_test(limits, test_snaplen_cut);
	tcase_add_test(limits, test_gap_merge);
	tcase_add_test(limits, test_cap_bytes);
	tcase_add_test(limits, test_cap_segments);
	tcase_add_test(limits, test_stop);
	tcase_add_test(limits, test_stop_in_callback);
	tcase_add_loop_test(limits, test_random, 0, 40);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	pattern_init();
	return check_run(reasm_suite());
}
