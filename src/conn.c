/* conn.c - the connection lifecycle: one state machine, one expiry walk. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "forgot.h"
#include "limits.h"
#include "util.h"

struct conn_table {
	struct conn_params	 p;
	struct flow_table	*flows;
	int64_t			 now_us;
	int64_t			 jump_us;	/* a leap not yet confirmed */
	/* The flow of the packet that leapt ahead: when the next packet
	 * confirms the leap, it is touched at the new time, or the leap
	 * would expire the connection it opened (its SYN). */
	struct flow_key		 jump_key;
	bool			 jump_key_set;
	bool			 leap_touch;	/* a leap confirmed since the
						 * last segment: touch jump_key */
	int64_t			 leapt_from_us;	/* conn_leapt_from */
	uint64_t		 ticks;		/* packets, for conn_touch_key */
	/* Reset connections waiting to be reported, oldest first: one list
	 * per linger length (LINGER_*), so that each is in deadline order
	 * and a connection is reported when its own linger ends. */
	struct conn_life	*linger_head[2], *linger_tail[2];
	struct forgot		*forgot;	/* reported idle, forgotten */
};

static const char *const state_names[] = {
	[CONN_OPENING] = "opening",
	[CONN_ESTABLISHED] = "established",
	[CONN_HANDSHAKING] = "handshaking",
	[CONN_SETTLED] = "settled",
	[CONN_LINGERING] = "lingering",
	[CONN_REPORTED] = "reported",
};

const char *
conn_state_name(enum conn_state s)
{
	if ((size_t)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

/* advance moves |*s| forward to |to| (OPENING < ESTABLISHED <
 * HANDSHAKING < SETTLED); it never goes back. */
static void
advance(enum conn_state *s, enum conn_state to)
{
	if (*s < to)
		*s = to;
}

static struct conn_step
step(enum conn_action act, enum tl_end end)
{
	struct conn_step r;

	r.act = act;
	r.end = end;
	return r;
}

/* report_end: the end reason of a report forced by |in|. A connection
 * reset and waiting for stragglers ended with its reset, whatever forces
 * the report (except the idle timeout, which is said as such). */
static enum tl_end
report_end(const struct conn_life *l, enum conn_input in)
{
	switch (in) {
	case CONN_IN_IDLE:
		return TL_END_IDLE;
	case CONN_IN_CAP:
		return l->state == CONN_LINGERING ? TL_END_CLOSED :
		    TL_END_EVICTED;
	case CONN_IN_EOF:
		return l->state == CONN_LINGERING ? TL_END_CLOSED :
		    TL_END_EOF;
	default:
		return TL_END_CLOSED;
	}
}

struct conn_step
conn_transition(struct conn_life *l, const struct conn_params *p,
    const struct conn_event *e)
{
	enum conn_state *cur;
	int64_t linger;

	if (l->state == CONN_REPORTED)
		return step(CONN_ACT_NONE, TL_END_OPEN);
	/* While lingering, progress is remembered for a revival. */
	cur = l->state == CONN_LINGERING ? &l->before_rst : &l->state;
	switch (e->in) {
	case CONN_IN_SYNACK:
		advance(cur, CONN_ESTABLISHED);
		return step(CONN_ACT_NONE, TL_END_OPEN);
	case CONN_IN_DATA:
		advance(cur, CONN_HANDSHAKING);
		return step(CONN_ACT_NONE, TL_END_OPEN);
	case CONN_IN_SETTLED:
		advance(cur, CONN_SETTLED);
		return step(CONN_ACT_NONE, TL_END_OPEN);
	case CONN_IN_RST:
		if (l->state == CONN_LINGERING)
			return step(CONN_ACT_NONE, TL_END_OPEN);
		linger = p->linger_us > 0 ? p->linger_us : LIMIT_LINGER_US;
		/* A client that reset its own unanswered attempt may send the
		 * same SYN again much later (Windows retries for 21 s). */
		if (e->syn_reset)
			linger = LIMIT_LINGER_SYN_US;
		l->before_rst = l->state;
		l->state = CONN_LINGERING;
		l->linger_until = e->now_us + linger;
		return step(CONN_ACT_LINGER, TL_END_OPEN);
	case CONN_IN_SYN_RETRY:
		if (l->state != CONN_LINGERING)
			return step(CONN_ACT_NONE, TL_END_OPEN);
		l->state = l->before_rst;
		return step(CONN_ACT_REVIVE, TL_END_OPEN);
	case CONN_IN_IDLE:
		/* An established connection may idle longer (keep-alive,
		 * pooled connections): look at it again later. */
		if (l->state == CONN_SETTLED && e->now_us - l->last_us <=
		    p->idle_us * LIMIT_SETTLED_IDLE_FACTOR)
			return step(CONN_ACT_KEEP, TL_END_OPEN);
		break;
	case CONN_IN_FIN_BOTH:
	case CONN_IN_PORT_REUSE:
	case CONN_IN_LINGER_OVER:
	case CONN_IN_CAP:
	case CONN_IN_EOF:
		break;
	}
	{
		enum tl_end end = report_end(l, e->in);

		l->state = CONN_REPORTED;
		return step(CONN_ACT_REPORT, end);
	}
}

/* ---- the linger list ---- */

enum { LINGER_RST, LINGER_SYN };

static void
linger_unlink(struct conn_table *t, struct conn_life *l)
{
	int i;

	if (l->linger_prev != NULL)
		l->linger_prev->linger_next = l->linger_next;
	else if (t->linger_head[0] == l)
		t->linger_head[0] = l->linger_next;
	else if (t->linger_head[1] == l)
		t->linger_head[1] = l->linger_next;
	else
		return;		/* not on a list */
	if (l->linger_next != NULL)
		l->linger_next->linger_prev = l->linger_prev;
	else
		for (i = 0; i < 2; i++)
			if (t->linger_tail[i] == l)
				t->linger_tail[i] = l->linger_prev;
	l->linger_prev = l->linger_next = NULL;
}

/* linger_append puts |l| at the end of the list of its linger length,
 * and notes on its flow when and on which list (conn_order). */
static void
linger_append(struct conn_table *t, struct conn_life *l, bool syn_reset)
{
	int i = syn_reset ? LINGER_SYN : LINGER_RST;

	l->linger_prev = t->linger_tail[i];
	l->linger_next = NULL;
	if (t->linger_tail[i] != NULL)
		t->linger_tail[i]->linger_next = l;
	else
		t->linger_head[i] = l;
	t->linger_tail[i] = l;
	if (l->flow != NULL) {
		l->flow->linger_tick = t->ticks;
		l->flow->linger_list = (uint8_t)i;
	}
}

/* linger_due is the lingering connection whose linger ended first, if it
 * has ended (on equal deadlines, the short list's first), or NULL. */
static struct conn_life *
linger_due(const struct conn_table *t)
{
	struct conn_life *a = t->linger_head[0], *b = t->linger_head[1];

	if (b != NULL && (a == NULL || b->linger_until < a->linger_until))
		a = b;
	return a != NULL && t->now_us >= a->linger_until ? a : NULL;
}

/* ---- the table ---- */

struct conn_table *
conn_table_new(const struct conn_params *p)
{
	struct conn_table *t;

	t = xcalloc(1, sizeof(*t));
	t->p = *p;
	t->flows = flow_table_new(1024);
	t->forgot = forgot_new();
	t->leapt_from_us = INT64_MIN;
	return t;
}

void
conn_table_free(struct conn_table *t)
{
	if (t == NULL)
		return;
	flow_table_free(t->flows);
	forgot_free(t->forgot);
	free(t);
}

int64_t
conn_now(const struct conn_table *t)
{
	return t->now_us;
}

bool
conn_clock(struct conn_table *t, int64_t ts_us, bool first)
{
	int64_t confirm = t->jump_us;
	bool leap = false, held = false;

	t->ticks++;
	t->jump_us = 0;
	if (ts_us > t->now_us && !first &&
	    ts_us - t->now_us > LIMIT_CLOCK_JUMP_US &&
	    (confirm == 0 || ts_us < confirm - LIMIT_CLOCK_JUMP_US)) {
		t->jump_us = ts_us;
		held = true;
	} else if (ts_us > t->now_us) {
		leap = ts_us - t->now_us > LIMIT_CLOCK_JUMP_US;
		if (leap)
			t->leapt_from_us = t->now_us;
		t->now_us = ts_us;
	}
	/* The packet held back at the last tick: if this one confirmed its
	 * leap, the next TCP segment's conn_segment_begin touches its flow
	 * (this packet may be no TCP segment); if not, it is forgotten. */
	if (confirm != 0 && leap)
		t->leap_touch = t->jump_key_set;
	else if (held || confirm != 0)
		t->jump_key_set = false;
	return held;
}

void
conn_tick(struct conn_table *t, int64_t now_us)
{
	if (now_us > t->now_us && now_us <= LIMIT_TS_MAX_US)
		t->now_us = now_us;
}

/*
 * touch makes |f| the most recently seen flow, and notes when: the
 * packet, and the step of its work (TOUCH_*, in the order they run), so
 * that the order of the open flows is a number (conn_touch_key).
 */
enum { TOUCH_LEAP, TOUCH_KEEP, TOUCH_SEGMENT };

static void
touch(struct conn_table *t, struct flow *f, unsigned step)
{
	flow_touch(t->flows, f, t->now_us);
	f->touch_before = step == TOUCH_KEEP ? f->touch : 0;
	f->touch = t->ticks * 4 + step;
	if (step != TOUCH_KEEP)
		f->pkt_touch = f->touch;
}

void
conn_order(const struct conn_life *l, struct conn_order *o)
{
	memset(o, 0, sizeof(*o));
	o->linger_until = l->linger_until;
	if (l->flow == NULL)
		return;
	o->touch = l->flow->touch;
	o->touch_before = l->flow->touch_before;
	o->pkt_touch = l->flow->pkt_touch;
	o->linger_list = l->flow->linger_list;
	o->linger_tick = l->flow->linger_tick;
}

static bool
expired(struct conn_expired *x, struct conn_life *l, enum conn_input why,
    enum tl_end end, bool remove)
{
	x->life = l;
	x->why = why;
	x->end = end;
	x->remove = remove;
	return true;
}

/* forget removes the tombstone |f|, remembering it if it was reported
 * idle. */
static void
forget(struct conn_table *t, struct flow *f)
{
	struct forgot_entry e;

	if (f->idle_ended && f->conn_id != 0) {
		memset(&e, 0, sizeof(e));
		e.key = f->key;
		e.conn_id = f->conn_id;
		e.idle_at_us = f->last_us;
		e.client_is_a = f->tcp.client_is_a;
		forgot_add(t->forgot, &e, t->now_us);
	}
	flow_remove(t->flows, f);
}

/* tomb_due: the tombstone |f| (NULL: none) is to be forgotten now (step 2
 * of conn_expire_next). */
static bool
tomb_due(const struct conn_table *t, const struct flow *f)
{
	int64_t tomb_us = LIMIT_TOMBSTONE_SECONDS * 1000000LL;

	if (tomb_us > t->p.idle_us)
		tomb_us = t->p.idle_us;
	return f != NULL && (t->now_us - f->last_us > tomb_us ||
	    flow_count(t->flows) > t->p.max_flows);
}

/* open_due: the open flow |f| (NULL: none) is to be looked at now (steps
 * 3 and 4), for the reason put in |*in|. */
static bool
open_due(const struct conn_table *t, const struct flow *f, size_t mem,
    enum conn_input *in)
{
	if (f == NULL)
		return false;
	if (t->now_us - f->last_us > t->p.idle_us)
		*in = CONN_IN_IDLE;
	else if (mem > t->p.max_memory ||
	    flow_count(t->flows) > t->p.max_flows)
		*in = CONN_IN_CAP;
	else
		return false;
	return true;
}

/* expire_open is steps 3 and 4 of conn_expire_next. */
static bool
expire_open(struct conn_table *t, size_t mem, struct conn_expired *x)
{
	struct conn_event e;
	struct conn_step r;
	struct conn_life *l;
	struct flow *f;

	while ((f = flow_oldest(t->flows)) != NULL) {
		if (!open_due(t, f, mem, &e.in))
			return false;	/* nothing more to expire */
		if ((l = f->conn) == NULL) {
			flow_remove(t->flows, f);
			continue;
		}
		e.now_us = t->now_us;
		e.syn_reset = false;
		r = conn_transition(l, &t->p, &e);
		if (r.act == CONN_ACT_KEEP) {
			touch(t, f, TOUCH_KEEP);
			continue;
		}
		/* conn_reported or conn_remove takes it off the linger list. */
		f->idle_ended = e.in == CONN_IN_IDLE;
		return expired(x, l, e.in, r.end, e.in == CONN_IN_CAP);
	}
	return false;
}

bool
conn_expire_pending(const struct conn_table *t, size_t mem)
{
	enum conn_input in;

	return linger_due(t) != NULL ||
	    tomb_due(t, flow_oldest_reported(t->flows)) ||
	    open_due(t, flow_oldest(t->flows), mem, &in);
}

bool
conn_clock_run(struct conn_table *t, uint64_t n, int64_t ts_max,
    int64_t max_step, size_t mem)
{
	int64_t was = t->now_us;

	if (n == 0 || t->jump_us != 0 || t->leap_touch || t->jump_key_set ||
	    max_step > LIMIT_CLOCK_JUMP_US)
		return false;
	if (ts_max > t->now_us)
		t->now_us = ts_max;
	if (conn_expire_pending(t, mem)) {
		t->now_us = was;
		return false;
	}
	t->ticks += n;
	return true;
}

bool
conn_expire_next(struct conn_table *t, size_t mem, struct conn_expired *x)
{
	struct conn_event e;
	struct conn_step r;
	struct conn_life *l;
	struct flow *f;

	x->life = NULL;
	if (x->phase == 0) {
		if ((l = linger_due(t)) != NULL) {
			memset(&e, 0, sizeof(e));
			e.in = CONN_IN_LINGER_OVER;
			e.now_us = t->now_us;
			r = conn_transition(l, &t->p, &e);
			return expired(x, l, e.in, r.end, false);
		}
		x->phase = 1;
	}
	if (x->phase == 1) {
		while ((f = flow_oldest_reported(t->flows)) != NULL &&
		    tomb_due(t, f))
			forget(t, f);
		x->phase = 2;
	}
	return expire_open(t, mem, x);
}

void
conn_reported(struct conn_table *t, struct conn_life *l)
{
	linger_unlink(t, l);
	l->state = CONN_REPORTED;
	if (l->flow == NULL)
		return;
	l->flow->conn = NULL;
	flow_set_reported(t->flows, l->flow, true);
	l->flow = NULL;
}

void
conn_remove(struct conn_table *t, struct conn_life *l)
{
	struct flow *f = l->flow;

	linger_unlink(t, l);
	l->state = CONN_REPORTED;
	l->flow = NULL;
	if (f != NULL)
		flow_remove(t->flows, f);
}

/* first_conn: the first open flow from |f| on that has a connection. */
static struct conn_life *
first_conn(const struct flow *f)
{
	for (; f != NULL; f = f->lru_next)
		if (f->conn != NULL)
			return f->conn;
	return NULL;
}

struct conn_life *
conn_table_oldest(const struct conn_table *t)
{
	return first_conn(flow_oldest(t->flows));
}

static int
by_last_packet(const void *pa, const void *pb)
{
	const struct conn_life *a = *(const struct conn_life *const *)pa;
	const struct conn_life *b = *(const struct conn_life *const *)pb;

	return a->flow->pkt_touch < b->flow->pkt_touch ? -1 :
	    a->flow->pkt_touch > b->flow->pkt_touch;
}

struct conn_life **
conn_table_open(const struct conn_table *t, size_t *n)
{
	struct conn_life **v = NULL, *l;
	size_t cap = 0;

	*n = 0;
	for (l = conn_table_oldest(t); l != NULL; l = conn_next(l)) {
		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[(*n)++] = l;
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), by_last_packet);
	return v;
}

struct conn_life *
conn_next(const struct conn_life *l)
{
	return l->flow == NULL ? NULL : first_conn(l->flow->lru_next);
}

/* restart makes a finished tuple's flow new again for |s|. */
static void
restart(struct conn_table *t, struct flow *f, const struct segment *s,
    struct conn_seg_out *o)
{
	flow_set_reported(t->flows, f, false);
	f->idle_ended = false;
	memset(&f->tcp, 0, sizeof(f->tcp));
	o->fev = flow_tcp(f, s, o->kdir, &o->dir);
}

/* new_flow: the flow of |k| for |s|, or NULL when |s| starts nothing. */
static struct flow *
new_flow(struct conn_table *t, const struct flow_key *k,
    const struct segment *s)
{
	/*
	 * Issue 19: a segment that carries nothing (no SYN, no RST, at most
	 * one byte) starts no connection. It is a keepalive probe (seq =
	 * snd_nxt - 1, 0 or 1 byte) or its answer, or the ACK or FIN of a
	 * connection reported idle and forgotten; a capture started
	 * mid-connection begins with its first data. A stray reset is
	 * still a fact worth a connection (refused without a seen SYN).
	 */
	if ((s->flags & (TCP_SYN | TCP_RST)) == 0 && s->payload_wire_len <= 1)
		return NULL;
	return flow_insert(t->flows, k);
}

struct conn_life *
conn_segment_begin(struct conn_table *t)
{
	struct flow *f = NULL;

	if (t->leap_touch && t->jump_key_set &&
	    (f = flow_find(t->flows, &t->jump_key)) != NULL) {
		touch(t, f, TOUCH_LEAP);
		if (f->conn != NULL)
			((struct conn_life *)f->conn)->last_us = t->now_us;
	}
	t->leap_touch = false;
	t->jump_key_set = false;
	return f != NULL ? f->conn : NULL;
}

/* The shares of conn_worker_weight: the caps of worker 0, which also
 * reads, and of each other (bench/RESULTS.md, session 15). */
#define CONN_WEIGHT_FIRST	2
#define CONN_WEIGHT_OTHER	3

unsigned
conn_worker_weight(uint32_t worker_k, uint32_t worker_n)
{
	if (worker_n <= 1)
		return 1;
	return worker_k == 0 ? CONN_WEIGHT_FIRST : CONN_WEIGHT_OTHER;
}

/* in_shard: a connection of hash |h| is this --shard's (K/N: h mod N is
 * K - 1; all without --shard). */
static bool
in_shard(const struct conn_params *p, uint64_t h)
{
	return p->shard_n <= 1 || h % p->shard_n == p->shard_k - 1;
}

/*
 * The router's estimate of what a packet costs each thread, in about
 * nanoseconds on the machines of bench/RESULTS.md (session 16): only the
 * proportions matter (ROUTE_COST_READ 130 against 100 was 3 to 8% faster
 * on each benchmark capture, in alternation). The reading thread reads,
 * decodes and routes every packet (ROUTE_COST_READ and a byte in
 * 2^ROUTE_READ_SHIFT), and copies those of the other workers (a byte in
 * 2^ROUTE_COPY_SHIFT); the worker whose packet it is analyses it
 * (ROUTE_COST_PKT), and a connection's handshake and report cost
 * ROUTE_COST_CONN more, counted at its SYN.
 */
#define ROUTE_COST_READ		130
#define ROUTE_READ_SHIFT	5
#define ROUTE_COPY_SHIFT	5
#define ROUTE_COST_PKT		150
#define ROUTE_COST_CONN		5000

struct conn_router {
	struct conn_params	 p;
	/* The worker of each bucket of services (the top bits of their
	 * hash), plus one; 0 while none came. */
	uint16_t		 bucket[CONN_ROUTE_BUCKETS];
	uint64_t		*load;		/* per worker, the costs above */
};

struct conn_router *
conn_router_new(const struct conn_params *p)
{
	struct conn_router *r = xcalloc(1, sizeof(*r));

	r->p = *p;
	r->load = xcalloc(p->worker_n > 0 ? p->worker_n : 1,
	    sizeof(*r->load));
	return r;
}

void
conn_router_free(struct conn_router *r)
{
	if (r == NULL)
		return;
	free(r->load);
	free(r);
}

/* least_loaded is the worker the router counts least for so far; on a
 * tie the last (not the reading thread's). */
static unsigned
least_loaded(const struct conn_router *r)
{
	unsigned k, best = r->p.worker_n - 1;

	for (k = best; k-- > 0;)
		if (r->load[k] < r->load[best])
			best = k;
	return best;
}

unsigned
conn_router_packet(struct conn_router *r, const struct segment *s,
    size_t caplen)
{
	unsigned w;
	size_t b;

	r->load[0] += ROUTE_COST_READ + (caplen >> ROUTE_READ_SHIFT);
	if (s == NULL || r->p.worker_n <= 1)
		return 0;
	if (r->p.shard_n > 1 && !in_shard(&r->p, flow_segment_shard_hash(s)))
		return 0;	/* worker 0 counts it, no more */
	b = (size_t)(flow_segment_route_hash(s) >> 20) % CONN_ROUTE_BUCKETS;
	if (r->bucket[b] == 0)
		r->bucket[b] = (uint16_t)(least_loaded(r) + 1);
	w = r->bucket[b] - 1u;
	r->load[w] += ROUTE_COST_PKT;
	if ((s->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		r->load[w] += ROUTE_COST_CONN;
	if (w != 0)
		r->load[0] += caplen >> ROUTE_COPY_SHIFT;
	return w;
}

int64_t
conn_leapt_from(const struct conn_table *t)
{
	return t->leapt_from_us;
}

bool
conn_leap_pending(const struct conn_table *t)
{
	return t->jump_us != 0;
}

void
conn_segment_elsewhere(struct conn_table *t, const struct segment *s)
{
	if (t->jump_us != 0) {
		(void)flow_key_of(&t->jump_key, s);
		t->jump_key_set = true;
	}
}

uint32_t
conn_prefetch_bucket(const struct conn_table *t, const struct segment *s)
{
	struct flow_key k;
	uint32_t h;

	(void)flow_key_of(&k, s);
	h = flow_key_hash(&k);
	flow_prefetch_bucket(t->flows, h);
	return h;
}

void
conn_prefetch_flow(const struct conn_table *t, uint32_t h)
{
	flow_prefetch_entry(t->flows, h);
}

const struct conn_life *
conn_prefetched_life(const struct conn_table *t, uint32_t h)
{
	return flow_prefetched_conn(t->flows, h);
}

enum conn_seg
conn_segment(struct conn_table *t, const struct segment *s,
    struct conn_seg_out *o)
{
	struct flow_key k;
	struct flow *f;
	struct conn_life *l;
	struct forgot_entry g;

	memset(o, 0, sizeof(*o));
	o->kdir = flow_key_of(&k, s);
	if (t->jump_us != 0) {
		t->jump_key = k;
		t->jump_key_set = true;
	}
	/* Another worker's segments never come here (conn_router_packet). */
	if (t->p.shard_n > 1 && !in_shard(&t->p, flow_key_shard_hash(&k)))
		return CONN_SEG_OTHER_SHARD;
	if ((f = flow_find(t->flows, &k)) == NULL) {
		if ((f = new_flow(t, &k, s)) == NULL)
			return CONN_SEG_IGNORED;
		/* Not a new connection: the rest of one reported idle. */
		if (!(s->flags & TCP_SYN) &&
		    forgot_take(t->forgot, &k, t->now_us, &g)) {
			o->continues = g.conn_id;
			o->continues_idle_us = g.idle_at_us;
			f->tcp.have_client = true;	/* its roles */
			f->tcp.client_is_a = g.client_is_a;
		}
	}
	o->flow = f;
	touch(t, f, TOUCH_SEGMENT);
	o->fev = flow_tcp(f, s, o->kdir, &o->dir);
	if (o->fev & FLOW_EV_NEW_CONN) {
		/* Port reuse: the old connection is reported first. */
		if ((l = f->conn) != NULL) {
			(void)conn_input(t, l, CONN_IN_PORT_REUSE, false);
			linger_unlink(t, l);
			l->flow = NULL;
			f->conn = NULL;
			o->finished = l;
		}
		restart(t, f, s, o);
	}
	/*
	 * The client's SYN again after a reset of an attempt that never got
	 * a SYN-ACK (it reset a stale answer): the same attempt goes on if
	 * it is still lingering, else it is a new one.
	 */
	if ((o->fev & FLOW_EV_SYN_RETX) && !f->tcp.synack &&
	    (f->tcp.rst[0] || f->tcp.rst[1])) {
		if (f->reported)
			restart(t, f, s, o);
		else if ((l = f->conn) != NULL &&
		    conn_input(t, l, CONN_IN_SYN_RETRY, false).act ==
		    CONN_ACT_REVIVE) {
			f->tcp.rst[0] = f->tcp.rst[1] = false;
			o->revived = true;
		}
	}
	if (f->reported) {
		o->conn_id = f->conn_id;
		return CONN_SEG_TOMBSTONE;
	}
	if ((o->life = f->conn) != NULL)
		o->life->last_us = t->now_us;
	return CONN_SEG_FOLLOW;
}

void
conn_attach(struct conn_table *t, struct flow *f, struct conn_life *l,
    void *owner)
{
	l->state = f->tcp.syn && !f->tcp.synack ? CONN_OPENING :
	    CONN_ESTABLISHED;
	l->before_rst = l->state;
	l->last_us = t->now_us;
	l->flow = f;
	l->owner = owner;
	f->conn = l;
}

struct conn_step
conn_input(struct conn_table *t, struct conn_life *l, enum conn_input in,
    bool syn_reset)
{
	struct conn_event e;
	struct conn_step r;

	memset(&e, 0, sizeof(e));
	e.in = in;
	e.now_us = t->now_us;
	e.syn_reset = syn_reset;
	r = conn_transition(l, &t->p, &e);
	if (r.act == CONN_ACT_LINGER)
		linger_append(t, l, syn_reset);
	else if (r.act == CONN_ACT_REVIVE || r.act == CONN_ACT_REPORT)
		linger_unlink(t, l);
	return r;
}
