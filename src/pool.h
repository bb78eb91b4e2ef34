/* pool.h - the analysis of capture files spread over worker threads (--threads), the reports in one order. */
#ifndef TLSDIAG_POOL_H
#define TLSDIAG_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "out.h"

/*
 * A pool runs |n| analyzers: worker 0 in the caller's thread, each other
 * in a thread of its own. Each is one shard of the connections in the
 * sense of --shard (flow_key_shard_hash: every connection to one service
 * in one worker, so that what the capture teaches about a server stays
 * whole); each service goes to the worker the router has counted least
 * work for when it first comes (conn_router_packet: worker 0, whose
 * thread also reads and writes, takes fewer). The caller's thread
 * decodes each packet once and routes it (analyzer_route): worker 0's
 * are analysed at once, from the caller's buffer, the others' copied
 * into the chunk; its worker takes it whole, and the others only see it
 * go by (its frame number, its time and, for a TCP segment, the expiry
 * walk: analyzer_packet_elsewhere, or for a run of them that only moves
 * the clock, analyzer_elsewhere_run). So each worker reports its
 * connections as one thread would, at the same packet.
 *
 * The caller's thread hands the packets over in chunks (up to 4,096
 * packets, fewer while the reports are many) and writes the reports: those
 * of one chunk once every worker is past it, in one thread's order (the
 * frame they were reported at, then analyzer_report_order), and those of
 * the end of the input as the workers make them, merged by the packet
 * that last touched each. It numbers the connections as one thread does
 * (the workers name them by their first frame: TL_ID_PENDING) and counts
 * the summary in that order. The order can differ from one thread's in
 * one case: settled connections of several workers that idled past the
 * timeout at the same packets more than once (their touches tie) and are
 * then reported at the same packet. Each worker's caps (--max-flows,
 * --max-memory) are the run's divided in shares (conn_worker_weight: two
 * for worker 0, three for each other).
 */
struct pool;

/* pool_new starts |n| (2 or more) workers analysing with |ao| and
 * rendering with |oo|; their reports are counted and written by |out|
 * in the caller's thread. NULL and |errbuf| filled when an analyzer
 * cannot be made. */
struct pool	*pool_new(unsigned n, const struct analyzer_opts *ao,
		    const struct out_opts *oo, struct output *out,
		    char errbuf[ANALYZER_ERRBUF_SIZE]);
/* pool_add_keylog gives every worker the key log lines at |p| (before
 * the first packet). */
void		 pool_add_keylog(struct pool *pl, const uint8_t *p, size_t len);
/* pool_packet and pool_skip_frames are analyzer_packet and
 * analyzer_skip_frames for the pool. */
void		 pool_packet(struct pool *pl, int dlt, int64_t ts_us,
		    const uint8_t *pkt, size_t caplen, size_t wirelen);
void		 pool_skip_frames(struct pool *pl, uint64_t n);
/* pool_flush ends the input: the workers report what is still open and
 * stop, and every report is written. */
void		 pool_flush(struct pool *pl);
/* pool_stats returns the run's counters, the workers' put together (after
 * pool_flush). */
const struct analyzer_stats *pool_stats(struct pool *pl);
/* pool_free stops the workers (without reporting if pool_flush was not
 * called) and frees |pl|; pool_free(NULL) does nothing. */
void		 pool_free(struct pool *pl);

#endif
