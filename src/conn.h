/* conn.h - the connection lifecycle: one state machine, one expiry walk. */
#ifndef TLSDIAG_CONN_H
#define TLSDIAG_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"
#include "timeline.h"

/*
 * The life of one TCP connection, from its first packet to its report:
 *
 *	OPENING -----> ESTABLISHED -----> HANDSHAKING -----> SETTLED
 *	 (SYN)          (SYN-ACK, or       (payload)          (handshake
 *	                 picked up                             over)
 *	                 midstream)
 *	   any of the four --RST--> LINGERING --SYN retry--> the state before
 *	   any --FIN both ways, linger over, idle, cap, end--> REPORTED
 *
 * A FIN from one side alone changes nothing (a half-close: the other side
 * may still answer). REPORTED is the tombstone: the flow stays, without
 * the connection's data, to absorb its last packets; it is removed after
 * LIMIT_TOMBSTONE_SECONDS or when over the flow cap, and a new SYN on it
 * (port reuse, or the client's SYN again after it reset an unanswered
 * attempt) starts a new connection.
 */
enum conn_state {
	CONN_OPENING,		/* SYN seen, no answer yet */
	CONN_ESTABLISHED,	/* SYN-ACK seen, or picked up midstream */
	CONN_HANDSHAKING,	/* payload seen, handshake not over */
	CONN_SETTLED,		/* handshake over: the fast path */
	CONN_LINGERING,		/* reset: waiting for stragglers */
	CONN_REPORTED,		/* reported: a tombstone, or gone */
};

/* What happened to a connection, as the transition function reads it. */
enum conn_input {
	CONN_IN_SYNACK,		/* the server answered */
	CONN_IN_DATA,		/* payload in either direction */
	CONN_IN_SETTLED,	/* the handshake is over */
	CONN_IN_FIN_BOTH,	/* both sides sent FIN */
	CONN_IN_RST,		/* a reset from either side */
	CONN_IN_SYN_RETRY,	/* the client's SYN again, no SYN-ACK yet */
	CONN_IN_PORT_REUSE,	/* a new SYN on a finished tuple */
	CONN_IN_LINGER_OVER,	/* its linger deadline passed */
	CONN_IN_IDLE,		/* no packet for the idle timeout */
	CONN_IN_CAP,		/* over the flow or memory cap: evicted */
	CONN_IN_EOF,		/* end of input */
};

/* What the caller must do. */
enum conn_action {
	CONN_ACT_NONE,
	CONN_ACT_LINGER,	/* wait until linger_until, then report */
	CONN_ACT_REVIVE,	/* the reset attempt goes on: forget the RST */
	CONN_ACT_KEEP,		/* idle but settled: look again later */
	CONN_ACT_REPORT,	/* report it now, with the end reason */
};

struct conn_params {
	int64_t		idle_us;	/* --idle-timeout */
	int64_t		linger_us;	/* 0: LIMIT_LINGER_US */
	size_t		max_flows;
	size_t		max_memory;	/* bytes the caller counts */
	uint32_t	shard_k;	/* --shard K/N; n 0 or 1: all */
	uint32_t	shard_n;
	/* --threads: worker |worker_k| (0-based) of |worker_n| takes the
	 * connections of its shard that the router sends it
	 * (conn_router_packet); its caps are its share of the run's
	 * (conn_worker_weight); n 0 or 1: all. */
	uint32_t	worker_k;
	uint32_t	worker_n;
};

/* The lifecycle state of one connection; the caller embeds it in its own
 * per-connection data and points |owner| at that. */
struct conn_life {
	enum conn_state		 state;
	enum conn_state		 before_rst;	/* restored by a SYN retry */
	int64_t			 last_us;	/* its last packet */
	int64_t			 linger_until;
	struct flow		*flow;		/* NULL once detached */
	void			*owner;
	struct conn_life	*linger_prev, *linger_next;
};

/* One transition: the input, when, and what the linger depends on. */
struct conn_event {
	enum conn_input	 in;
	int64_t		 now_us;
	bool		 syn_reset;	/* the client reset an attempt that
					 * never got a SYN-ACK */
};

struct conn_step {
	enum conn_action act;
	enum tl_end	 end;		/* with CONN_ACT_REPORT */
};

/*
 * conn_transition is the state machine: it moves |l| on |e| and says what
 * the caller must do. It keeps no other state and reads no clock.
 */
struct conn_step	 conn_transition(struct conn_life *l,
			    const struct conn_params *p,
			    const struct conn_event *e);
/* conn_state_name: "opening", "established", ... for tests and traces. */
const char		*conn_state_name(enum conn_state s);

/* ---- the table: flows, linger list, clock, expiry ---- */

struct conn_table;

struct conn_table	*conn_table_new(const struct conn_params *p);
/* conn_table_free frees the flows; the caller has reported (or freed)
 * every connection first (conn_table_oldest). */
void			 conn_table_free(struct conn_table *t);
/* conn_now: the capture clock, in microseconds. */
int64_t			 conn_now(const struct conn_table *t);

/*
 * conn_clock moves the clock to a packet's time. Time never runs
 * backwards; a single packet more than LIMIT_CLOCK_JUMP_US ahead (a broken
 * clock, a damaged capture) does not move it, or it would expire every
 * connection: the leap is taken only when the next packet confirms it.
 * |first| is true for the first packet of the input. Returns true when it
 * held a leap back (the caller counts it).
 */
bool			 conn_clock(struct conn_table *t, int64_t ts_us,
			    bool first);
/*
 * conn_clock_run is conn_clock for |n| packets at once, whose latest time
 * is |ts_max| and none of which is more than |max_step| ahead of the
 * latest before it (the clock's time for the first): it moves the clock
 * and returns true only when that is all the |n| calls would have done
 * (no leap held back or pending, none taken, nothing due for the expiry
 * walk at the end with |mem| bytes counted, so nothing at any of them: a
 * deadline passed stays passed). Else it changes nothing.
 */
bool			 conn_clock_run(struct conn_table *t, uint64_t n,
			    int64_t ts_max, int64_t max_step, size_t mem);
/* conn_leapt_from: the clock's time before its last leap (more than
 * LIMIT_CLOCK_JUMP_US ahead, confirmed); INT64_MIN if it never leapt. */
int64_t			 conn_leapt_from(const struct conn_table *t);
/* conn_tick moves the clock to |now_us| (live capture, no packet). */
void			 conn_tick(struct conn_table *t, int64_t now_us);

/* What conn_expire_next found; zero it before the first call of a walk
 * (the walk goes on from |phase|). */
struct conn_expired {
	int			 phase;
	struct conn_life	*life;	/* report it (NULL: walk over) */
	enum tl_end		 end;
	enum conn_input		 why;	/* LINGER_OVER, IDLE or CAP */
	bool			 remove; /* then conn_remove, not
					  * conn_reported */
};

/*
 * conn_expire_next walks the expiry in this order and returns true with
 * the next connection to report (report it, then call again with the
 * same |x|), false at the end of the walk:
 *   1. reset connections whose linger is over, oldest first;
 *   2. tombstones idle for LIMIT_TOMBSTONE_SECONDS (or the idle timeout,
 *      if shorter), or while over the flow cap, removed here;
 *   3. open flows idle for the idle timeout, least recently seen first: a
 *      settled one may idle LIMIT_SETTLED_IDLE_FACTOR timeouts since its
 *      last packet (keep-alive) and is looked at again later; the others
 *      are reported and become tombstones;
 *   4. while over the flow cap or |mem| > max_memory, the least recently
 *      seen open flow is reported and removed (evicted).
 * The caller ends each one it is given with conn_reported or conn_remove
 * (as x->remove says) before it calls again: that takes it off the
 * linger list and out of the open flows.
 */
bool			 conn_expire_next(struct conn_table *t, size_t mem,
			    struct conn_expired *x);
/* conn_expire_pending tells whether a walk now would do anything: false
 * exactly when conn_expire_next would return false at once and change
 * nothing (the same tests of each step; every packet asks, the walk is
 * for when something is due). */
bool			 conn_expire_pending(const struct conn_table *t,
			    size_t mem);
/*
 * conn_order places |l| in the orders in which one table reports its
 * connections, for --threads (pool.h), whose workers' tables are fed the
 * same packets and number them alike:
 *   - the open connections, least recently seen first (the expiry walk,
 *     the end of input): by |touch|, the number of the packet that last
 *     touched the flow times 4 plus the step of that packet's work, then,
 *     when the expiry walk made that touch (several flows then tie), by
 *     |touch_before|, the |touch| before it;
 *   - the lingering ones: by |linger_until|, then |linger_list| (the
 *     linger length: reset 0, a client's reset of its unanswered SYN 1),
 *     then |linger_tick|, the packet count when the linger began.
 * A detached connection has 0 for all but |linger_until|.
 */
struct conn_order {
	uint64_t	touch;
	uint64_t	touch_before;
	uint64_t	pkt_touch;	/* |touch| of its last packet */
	int64_t		linger_until;
	unsigned	linger_list;
	uint64_t	linger_tick;
};
void			 conn_order(const struct conn_life *l,
			    struct conn_order *o);
/* conn_reported: |l| was reported; its flow becomes a tombstone. */
void			 conn_reported(struct conn_table *t,
			    struct conn_life *l);
/* conn_remove: |l| was reported; its flow is removed. */
void			 conn_remove(struct conn_table *t, struct conn_life *l);
/* conn_table_oldest: the least recently seen open connection (the end
 * of input reports it with CONN_IN_EOF, then conn_remove), or NULL;
 * conn_next: the one seen after |l|. */
struct conn_life	*conn_table_oldest(const struct conn_table *t);
/* conn_table_open returns the |*n| open connections in the order of
 * their last packets (the end of input reports them so), in an array
 * the caller frees. */
struct conn_life	**conn_table_open(const struct conn_table *t, size_t *n);
struct conn_life	*conn_next(const struct conn_life *l);

/* What conn_segment made of a segment. */
enum conn_seg {
	CONN_SEG_IGNORED,	/* starts nothing: a keepalive, a lone ACK */
	CONN_SEG_OTHER_SHARD,	/* --shard: not this process's */
	CONN_SEG_TOMBSTONE,	/* of a connection already reported */
	CONN_SEG_FOLLOW,	/* follow it (o->life NULL: a new one) */
};

struct conn_seg_out {
	struct flow		*flow;
	struct conn_life	*life;	/* NULL: attach a new connection */
	struct conn_life	*finished; /* port reuse: report it first
					    * (detached from the flow) */
	bool			 revived; /* a SYN retry undid the reset */
	unsigned		 fev;	/* FLOW_EV_* */
	int			 kdir;	/* direction relative to the key */
	int			 dir;	/* 0 client to server */
	uint64_t		 conn_id; /* the tombstone's connection */
	/* A new flow without a SYN that is the rest of a connection
	 * reported idle and forgotten: its id, and its last packet's time
	 * before the silence (LIMIT_FORGOTTEN). */
	uint64_t		 continues;
	int64_t			 continues_idle_us;
};

/*
 * conn_segment_begin starts the work on a TCP segment, before the expiry
 * walk: when the packets since the last segment confirmed a leap of the
 * clock, the flow of the packet that leapt is touched at the new time (or
 * the walk would expire the connection that packet opened), and its
 * connection returned (NULL: none), whose caller dates that packet anew.
 */
struct conn_life	*conn_segment_begin(struct conn_table *t);
/* conn_prefetch_bucket starts loading the hash bucket of the flow of
 * |s| and returns its hash; conn_prefetch_flow, given that hash a little
 * later, the flow the bucket holds first (flow_prefetch_bucket): a worker
 * calls them for the segments it will take next, so that conn_segment
 * does not wait for memory with many connections open. */
uint32_t		 conn_prefetch_bucket(const struct conn_table *t,
			    const struct segment *s);
void			 conn_prefetch_flow(const struct conn_table *t,
			    uint32_t h);
/* conn_prefetched_life, after conn_prefetch_flow has had time, returns
 * the connection of that flow (flow_prefetched_conn: maybe another's, or
 * NULL), for its caller to prefetch what it keeps with it. */
const struct conn_life	*conn_prefetched_life(const struct conn_table *t,
			    uint32_t h);
/* conn_segment finds (or makes) the flow of |s| and runs its TCP events:
 * the shard, keepalives of no connection, port reuse and the SYN retry
 * after a reset. Run conn_segment_begin and the expiry walk before it. */
enum conn_seg		 conn_segment(struct conn_table *t,
			    const struct segment *s, struct conn_seg_out *o);
/*
 * --threads: the thread that reads routes each TCP segment once
 * (conn_router_packet: the worker whose connection it is, and for another
 * --shard's, worker 0, which counts it). The other workers see it go by
 * with conn_segment_begin, the expiry walk and conn_segment_elsewhere,
 * which remembers its flow if it leapt the clock (conn_leap_pending:
 * then decode it first). conn_segment is given only the segments routed
 * to its table.
 */
/*
 * conn_worker_weight is worker |worker_k|'s share of the caps
 * (--max-flows, --max-memory), of 3 |worker_n| - 1 in all: worker 0 runs
 * in the thread that also reads the input and writes the reports
 * (pool.c), so it takes two shares and every other worker three.
 */
unsigned		 conn_worker_weight(uint32_t worker_k, uint32_t worker_n);
/*
 * The router of --threads, in the thread that reads: it sends each TCP
 * segment to the worker of its service (flow_segment_route_hash, so both
 * directions of a connection, and every connection to one server, go to
 * one worker), and what is not a TCP segment, or another --shard's, to
 * worker 0. A service's worker is chosen when its first packet comes:
 * the worker the router has counted least work for so far, from the
 * packets and connections it sent each and what reading costs the
 * reading thread (worker 0). So a capture of one server is not analysed
 * in the thread that also reads, and one of large transfers gives that
 * thread fewer services. The choice depends only on the input: the same
 * capture is split alike every time. Services are kept in
 * CONN_ROUTE_BUCKETS buckets by their hash; beyond, they share.
 */
#define CONN_ROUTE_BUCKETS	4096
struct conn_router;
struct conn_router	*conn_router_new(const struct conn_params *p);
void			 conn_router_free(struct conn_router *r);
/* conn_router_packet routes a packet of |caplen| bytes: |s| its TCP
 * segment, or NULL; it returns the worker (0-based). */
unsigned		 conn_router_packet(struct conn_router *r,
			    const struct segment *s, size_t caplen);
bool			 conn_leap_pending(const struct conn_table *t);
void			 conn_segment_elsewhere(struct conn_table *t,
			    const struct segment *s);
/* conn_attach makes |l| (zeroed by the caller) the connection of |f|:
 * OPENING if a SYN was seen, else ESTABLISHED (midstream). */
void			 conn_attach(struct conn_table *t, struct flow *f,
			    struct conn_life *l, void *owner);
/* conn_input runs |in| on |l| at the clock's time; a LINGER is put on
 * the linger list, a REVIVE taken off it. */
struct conn_step	 conn_input(struct conn_table *t, struct conn_life *l,
			    enum conn_input in, bool syn_reset);

#endif
