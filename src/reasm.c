/* reasm.c - per-direction TCP byte-stream reassembly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "reasm.h"

/*
 * Positions are kept two ways. Sequence numbers (uint32_t) wrap, so a
 * segment is placed by its signed distance from |next|, (int32_t)(seq -
 * next), as RFC 9293 3.4 compares them modulo 2^32. Once placed, bytes are
 * named by their stream offset (uint64_t, counted from the first byte of
 * the stream), which never wraps; the queue is kept in stream offsets.
 *
 * Invariants: every queued entry starts after |offset| (bytes at |offset|
 * are delivered at once), entries are sorted and never overlap, and the
 * stream is handed on in order exactly once: each byte either through
 * data() or counted in a gap(). First data wins everywhere, including a
 * range queued as lost (cut by snaplen): it stays a gap even if a later
 * segment carries those bytes.
 *
 * A data callback may ask to stop the direction it was called for (a
 * stream found not to be TLS) by its return value; every loop checks
 * |stopped| after a callback and returns without touching the queue
 * again.
 */

/* A single segment longer than this cannot be placed by a signed 32-bit
 * distance; IP limits real ones to 64 KiB. */
#define REASM_SEG_MAX	INT32_MAX

struct reasm_seg {
	struct reasm_seg	*next;
	uint64_t		 off;	/* stream offset of the first byte */
	size_t			 len;
	bool			 lost;	/* cut by snaplen: no bytes, a gap */
	uint8_t			 data[];	/* |len| bytes unless |lost| */
};

/*
 * The callbacks of one reasm_add, reasm_peer_ack or reasm_flush call.
 * Adjacent gaps (a hole given up, then bytes known lost) are handed on
 * as one gap() call just before the next data() or at the end.
 */
struct emit {
	struct reasm_dir	*d;
	const struct reasm_cb	*cb;
	void			*arg;
	uint64_t		 gap;	/* gap bytes not yet handed on */
};

/* bump adds one to a counter of reasm_dir, which stops at its top. */
static void
bump(uint32_t *c)
{
	if (*c < UINT32_MAX)
		(*c)++;
}

static void	advance(struct reasm_dir *, uint64_t);
static bool	emit_flush(struct emit *);
static void	emit_gap(struct emit *, uint64_t);
static bool	emit_data(struct emit *, const uint8_t *, size_t);
static bool	emit_conflict(struct emit *, uint64_t, size_t);
static struct reasm_seg *pop_first(struct reasm_dir *);
static bool	deliver_first(struct emit *);
static bool	drain(struct emit *);
static bool	give_up_hole(struct emit *);
static bool	compare(struct emit *, const struct reasm_seg *, uint64_t,
		    const uint8_t *, uint64_t, uint64_t, uint64_t);
static struct reasm_seg **insert_range(struct reasm_dir *,
		    struct reasm_seg **, uint64_t, const uint8_t *, uint64_t,
		    uint64_t, uint64_t);
static struct reasm_seg **insert_one(struct reasm_dir *, struct reasm_seg **,
		    uint64_t, const uint8_t *, size_t);
static void	free_queue(struct reasm_dir *);
static void	add_in_order(struct emit *, uint64_t, const uint8_t *,
		    uint64_t, uint64_t);
static void	add_out_of_order(struct emit *, uint64_t, const uint8_t *,
		    uint64_t, uint64_t);

void
reasm_init(struct reasm_dir *d, size_t max_ooo_bytes)
{
	memset(d, 0, sizeof(*d));
	d->ooo = NULL;
	d->max_ooo_bytes = max_ooo_bytes;
}

void
reasm_cleanup(struct reasm_dir *d)
{
	free_queue(d);
}

void
reasm_stop(struct reasm_dir *d)
{
	free_queue(d);
	d->stopped = true;
}

void
reasm_set_isn(struct reasm_dir *d, uint32_t isn)
{
	/* Once bytes have been placed, a late or repeated SYN must not
	 * restart the stream: that would deliver bytes twice. */
	if (d->have_isn && (d->offset > 0 || d->ooo != NULL))
		return;
	if (d->have_isn && d->next != (uint32_t)(isn + 1)) {
		d->alt_next = d->next;
		d->have_alt = true;
	}
	d->have_isn = true;
	d->next = isn + 1;
	d->offset = 0;
}

static void
free_queue(struct reasm_dir *d)
{
	struct reasm_seg *q;

	while (d->ooo != NULL) {
		q = d->ooo;
		d->ooo = q->next;
		free(q);
	}
	d->ooo_bytes = 0;
	d->ooo_count = 0;
}

/* other_isn: before any byte, |seq| (a peer's ACK or the first data) is
 * the first byte of the other SYN-ACK's ISN: take that one. */
static void
other_isn(struct reasm_dir *d, uint32_t seq)
{
	if (d->have_alt && d->offset == 0 && d->ooo == NULL &&
	    seq == d->alt_next && seq != d->next) {
		d->alt_next = d->next;
		d->next = seq;
	}
}

/* advance moves |next| and |offset| past |n| bytes handed on. */
static void
advance(struct reasm_dir *d, uint64_t n)
{
	d->next = (uint32_t)(d->next + n);
	d->offset += n;
}

/* emit_flush hands on the pending gap. It returns false if the callback
 * stopped the direction. */
static bool
emit_flush(struct emit *e)
{
	uint64_t n = e->gap;

	if (n == 0 || e->d->stopped)
		return !e->d->stopped;
	e->gap = 0;
	bump(&e->d->gaps);
	e->d->gap_bytes += n;
	if (e->cb != NULL && e->cb->gap != NULL)
		e->cb->gap(e->arg, n);
	return !e->d->stopped;
}

/* emit_gap gives up the next |n| bytes of the stream. */
static void
emit_gap(struct emit *e, uint64_t n)
{
	advance(e->d, n);
	e->gap += n;
}

/* emit_data hands on the next |len| bytes of the stream, at |p|. It
 * returns false if a callback stopped the direction. */
static bool
emit_data(struct emit *e, const uint8_t *p, size_t len)
{
	if (!emit_flush(e))
		return false;
	advance(e->d, len);
	e->d->delivered += len;
	if (e->cb != NULL && e->cb->data != NULL && e->cb->data(e->arg, p, len))
		reasm_stop(e->d);
	return !e->d->stopped;
}

static bool
emit_conflict(struct emit *e, uint64_t off, size_t len)
{
	bump(&e->d->conflicts);
	if (e->cb != NULL && e->cb->conflict != NULL)
		e->cb->conflict(e->arg, off, len);
	return !e->d->stopped;
}

/* pop_first unlinks the first queued entry; the caller frees it. */
static struct reasm_seg *
pop_first(struct reasm_dir *d)
{
	struct reasm_seg *q = d->ooo;

	d->ooo = q->next;
	q->next = NULL;
	d->ooo_count--;
	if (!q->lost)
		d->ooo_bytes -= q->len;
	return q;
}

/* deliver_first hands on the first queued entry, from |offset| on (any
 * part before it was already handed on and is dropped). It returns false
 * if a callback stopped the direction. */
static bool
deliver_first(struct emit *e)
{
	struct reasm_dir *d = e->d;
	struct reasm_seg *q;
	uint64_t skip = 0, end;
	bool more = true;

	q = pop_first(d);
	end = q->off + q->len;
	if (q->off < d->offset)
		skip = d->offset - q->off;
	if (end > d->offset) {
		if (q->lost)
			emit_gap(e, q->len - skip);
		else
			more = emit_data(e, q->data + skip,
			    (size_t)(q->len - skip));
	}
	/* |q| is off the queue: a reasm_stop in the callback did not free
	 * it, so it is ours to free either way. */
	free(q);
	return more;
}

/* drain hands on every queued entry that has become contiguous. */
static bool
drain(struct emit *e)
{
	while (e->d->ooo != NULL && e->d->ooo->off <= e->d->offset) {
		if (!deliver_first(e))
			return false;
	}
	return true;
}

/* give_up_hole declares the bytes before the first queued entry lost and
 * hands on the queued bytes that follow it. */
static bool
give_up_hole(struct emit *e)
{
	struct reasm_dir *d = e->d;

	if (d->ooo == NULL)
		return true;
	if (d->ooo->off > d->offset)
		emit_gap(e, d->ooo->off - d->offset);
	return drain(e);
}

/*
 * compare checks the new bytes [from, to) of a segment whose data
 * [start, dend) is at |p| against the queued entry |q| and reports a
 * conflict if they differ. Bytes the new segment lacks (cut by snaplen)
 * or that |q| lacks (lost) are not compared. It returns false if the
 * callback stopped the direction (|q| is then freed).
 */
static bool
compare(struct emit *e, const struct reasm_seg *q, uint64_t start,
    const uint8_t *p, uint64_t dend, uint64_t from, uint64_t to)
{
	if (q->lost || from < q->off)
		return true;
	if (to > dend)
		to = dend;
	if (to > q->off + q->len)
		to = q->off + q->len;
	if (from >= to)
		return true;
	if (memcmp(p + (from - start), q->data + (from - q->off),
	    (size_t)(to - from)) == 0)
		return true;
	return emit_conflict(e, from, (size_t)(to - from));
}

/*
 * insert_one links a new entry of |len| bytes at stream offset |off| at
 * |*prevp| (copying |p|, or a lost range if |p| is NULL) and returns the
 * link after it. If memory runs out the bytes are not queued; they will
 * show up as part of a gap, never as wrong data.
 */
static struct reasm_seg **
insert_one(struct reasm_dir *d, struct reasm_seg **prevp, uint64_t off,
    const uint8_t *p, size_t len)
{
	struct reasm_seg *q;

	q = malloc(sizeof(*q) + (p != NULL ? len : 0));
	if (q == NULL)
		return prevp;
	q->off = off;
	q->len = len;
	q->lost = p == NULL;
	if (p != NULL) {
		memcpy(q->data, p, len);
		d->ooo_bytes += len;
	}
	q->next = *prevp;
	*prevp = q;
	d->ooo_count++;
	return &q->next;
}

/* insert_range queues [from, to) of a segment whose data [start, dend)
 * is at |p|: the captured part as bytes, the rest as lost. */
static struct reasm_seg **
insert_range(struct reasm_dir *d, struct reasm_seg **prevp, uint64_t start,
    const uint8_t *p, uint64_t dend, uint64_t from, uint64_t to)
{
	uint64_t mid = to < dend ? to : dend;

	if (from < mid) {
		prevp = insert_one(d, prevp, from, p + (from - start),
		    (size_t)(mid - from));
		from = mid;
	}
	if (from < to)
		prevp = insert_one(d, prevp, from, NULL, (size_t)(to - from));
	return prevp;
}

/*
 * add_in_order hands on a segment [start, end) that starts at |offset|,
 * with data [start, dend) at |p|: straight from the caller's buffer, but
 * where a queued entry already holds bytes the queued ones win (first
 * data seen). Then whatever became contiguous is drained.
 */
static void
add_in_order(struct emit *e, uint64_t start, const uint8_t *p, uint64_t dend,
    uint64_t end)
{
	struct reasm_dir *d = e->d;
	struct reasm_seg *q;
	uint64_t x, lim;

	while (d->offset < end) {
		x = d->offset;
		q = d->ooo;
		lim = q != NULL && q->off < end ? q->off : end;
		if (lim > x) {
			if (x < dend) {
				lim = lim < dend ? lim : dend;
				if (!emit_data(e, p + (x - start),
				    (size_t)(lim - x)))
					return;
			} else {
				/* Past the captured bytes: cut by snaplen. */
				emit_gap(e, lim - x);
			}
			continue;
		}
		/* |q| starts here: compare, then hand on its bytes. */
		if (!compare(e, q, start, p, dend, x, end))
			return;
		if (!deliver_first(e))
			return;
	}
	(void)drain(e);
}

/*
 * add_out_of_order queues the parts of [start, end) (data [start, dend)
 * at |p|) that no queued entry holds yet, and reports overlaps that
 * disagree with queued bytes.
 */
static void
add_out_of_order(struct emit *e, uint64_t start, const uint8_t *p,
    uint64_t dend, uint64_t end)
{
	struct reasm_dir *d = e->d;
	struct reasm_seg **prevp = &d->ooo, *q;
	uint64_t x = start, qend;
	size_t count = d->ooo_count;

	while (x < end) {
		q = *prevp;
		if (q == NULL || q->off >= end) {
			prevp = insert_range(d, prevp, start, p, dend, x, end);
			break;
		}
		qend = q->off + q->len;
		if (qend <= x) {
			prevp = &q->next;
			continue;
		}
		if (q->off > x) {
			prevp = insert_range(d, prevp, start, p, dend, x,
			    q->off);
			x = q->off;
		}
		/* |q| holds [x, min(qend, end)): it wins. */
		if (!compare(e, q, start, p, dend, x, end))
			return;
		x = qend < end ? qend : end;
		prevp = &q->next;
	}
	if (d->ooo_count > count)
		bump(&d->out_of_order);
	else
		bump(&d->retrans);	/* every byte already queued */
	while (d->ooo != NULL && (d->ooo_bytes > d->max_ooo_bytes ||
	    d->ooo_count > LIMIT_OOO_SEGMENTS)) {
		if (!give_up_hole(e))
			return;
	}
}

void
reasm_add(struct reasm_dir *d, const struct reasm_cb *cb, void *arg,
    uint32_t seq, const uint8_t *p, size_t len, size_t wire_len)
{
	struct emit e = { d, cb, arg, 0 };
	int64_t rel;
	uint64_t skip, start, dend, end;

	if (wire_len < len)
		wire_len = len;
	if (wire_len == 0 || wire_len > REASM_SEG_MAX)
		return;
	if (p == NULL)
		len = 0;
	if (!d->have_isn) {
		/* Midstream: the first segment seen starts the stream. */
		d->have_isn = true;
		d->next = seq;
		d->offset = 0;
	}
	other_isn(d, seq);
	rel = (int32_t)(seq - d->next);
	if (rel + (int64_t)wire_len <= 0) {
		bump(&d->retrans);	/* nothing after |next| */
		return;
	}
	if (d->stopped) {
		/* Count only; keep |next| at the highest byte seen so
		 * that retransmissions are still told apart. */
		if (rel > 0)
			bump(&d->out_of_order);
		advance(d, (uint64_t)(rel + (int64_t)wire_len));
		return;
	}
	/*
	 * Drop the part before |next|: those bytes were handed on already
	 * (or given up). We no longer hold them, so an overlap there is
	 * not checked for conflicting bytes; only queued bytes are.
	 */
	skip = rel < 0 ? (uint64_t)-rel : 0;
	if (skip < len) {
		p += skip;
		len -= (size_t)skip;
	} else {
		p += len;
		len = 0;
	}
	wire_len -= (size_t)skip;
	start = d->offset + (rel > 0 ? (uint64_t)rel : 0);
	dend = start + len;
	end = start + wire_len;
	if (start == d->offset)
		add_in_order(&e, start, p, dend, end);
	else
		add_out_of_order(&e, start, p, dend, end);
	(void)emit_flush(&e);
}

void
reasm_peer_ack(struct reasm_dir *d, const struct reasm_cb *cb, void *arg,
    uint32_t ack)
{
	struct emit e = { d, cb, arg, 0 };
	int64_t rel;
	uint64_t target, lim, n;

	if (!d->have_isn || d->stopped)
		return;
	other_isn(d, ack);
	rel = (int32_t)(ack - d->next);
	if (rel <= 0)
		return;
	/* One past the data, nothing queued, no FIN seen: the FIN the
	 * capture does not hold (it ends before it, or was filtered), as
	 * likely as one lost byte; a byte it was shows once data follows
	 * it (queued behind the hole). */
	if (rel == 1 && d->ooo == NULL && !d->fin_seen)
		return;
	target = d->offset + (uint64_t)rel;
	while (d->offset < target) {
		if (d->ooo == NULL) {
			/*
			 * Nothing queued: the acked bytes were never
			 * captured. After a FIN, which takes the sequence
			 * number after the last byte (RFC 9293 3.4), the
			 * ack also covers the FIN itself.
			 */
			n = target - d->offset;
			if (d->fin_seen)
				n--;
			if (n > 0)
				emit_gap(&e, n);
			break;
		}
		lim = d->ooo->off < target ? d->ooo->off : target;
		if (lim > d->offset)
			emit_gap(&e, lim - d->offset);
		if (!drain(&e))
			return;
	}
	(void)emit_flush(&e);
}

void
reasm_flush(struct reasm_dir *d, const struct reasm_cb *cb, void *arg)
{
	struct emit e = { d, cb, arg, 0 };

	if (d->stopped)
		return;
	while (d->ooo != NULL) {
		if (!give_up_hole(&e))
			return;
	}
	(void)emit_flush(&e);
}
