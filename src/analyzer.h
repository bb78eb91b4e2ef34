/* analyzer.h - the one context: wires decode, flows, reassembly, TLS, verdicts. */
#ifndef TLSDIAG_ANALYZER_H
#define TLSDIAG_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conn.h"
#include "decode.h"

#define ANALYZER_ERRBUF_SIZE	512

struct kb;
struct tl_conn;

/* Settings the analyzer needs; main.c fills them from the command line. */
struct analyzer_opts {
	size_t		 max_flows;
	size_t		 max_stream_bytes;
	size_t		 max_memory;		/* bytes */
	int64_t		 idle_us;
	const char	*ca_file;
	const char	*ca_path;
	const char	*client_ca_file;
	const char	*extract_dir;
	const char	*const *keylog_files;	/* NULL-terminated */
	/* How long a reset connection waits for stragglers before it is
	 * reported; 0: 5 s, for files. Live capture uses less, so that a
	 * refused connection is reported within a second. */
	int64_t		 linger_us;
	/* Live: key logs are read again when a connection finds no key in
	 * them (a client appends as it goes), and one that does not exist
	 * yet is not an error. */
	bool		 keylog_follow;
	/* --shard K/N: analyse only the connections whose
	 * flow_key_shard_hash modulo |shard_n| is |shard_k| - 1 (K in
	 * 1..N); the others' packets are dropped before the flow table.
	 * |shard_n| 0 or 1: every connection. */
	uint32_t	 shard_k;
	uint32_t	 shard_n;
	/* --threads: this analyzer is worker |worker_k| (0-based) of
	 * |worker_n| and follows only its connections (conn.h); 0 or 1:
	 * all. A worker's connection ids are pending ones (timeline.h)
	 * with the nonce |id_nonce|. */
	uint32_t	 worker_k;
	uint32_t	 worker_n;
	uint32_t	 id_nonce;
	/* What the capture showed about servers across connections
	 * (knowledge.h): NULL, the analyzer keeps its own; else the
	 * caller's, which outlives the analyzer (--two-pass gives the
	 * second pass the first pass's). */
	struct kb	*kb;
};

/* Counters for the summary and for --stats. */
struct analyzer_stats {
	uint64_t	frames;
	uint64_t	bytes;
	uint64_t	tcp;
	uint64_t	not_tcp;
	uint64_t	fragments;
	uint64_t	truncated;
	uint64_t	malformed;
	uint64_t	connections;
	uint64_t	evicted;
	uint64_t	idle_closed;
	uint64_t	keylog_entries;
	uint64_t	keylog_bad_lines;
	uint64_t	decrypted_conns;
	uint64_t	clock_jumps;	/* timestamps ignored as glitches */
	uint64_t	clock_out_of_range; /* stamped before 1970 or after 9999 */
	uint64_t	keepalive_ignored;	/* empty segments of no
						 * tracked connection */
	uint64_t	extract_errors;	/* --extract-certs writes failed */
	uint64_t	loss_conns;	/* connections reported with
					 * capture_loss */
	/* Frames skipped because of an ethertype tlsdiag does not decode
	 * (not ARP, LLDP and the like, which carry no IP): per ethertype,
	 * the first ANALYZER_SKIP_TYPES kept, the rest in skipped_other. */
	uint64_t	skipped;
	struct {
		uint16_t	type;
		uint64_t	n;
	}		skipped_types[8];	/* ANALYZER_SKIP_TYPES */
	size_t		num_skipped_types;
	uint64_t	skipped_other;
	uint64_t	one_sided;	/* connections seen one way only */
	uint64_t	mem_peak;	/* bytes counted against --max-memory,
					 * at their peak */
	uint64_t	other_shard;	/* TCP packets of connections of other
					 * shards (--shard): not analysed, not
					 * lost */
};
#define ANALYZER_SKIP_TYPES	8

/* Called for every finished connection, in the order they finish. The
 * connection is freed after the call returns. */
typedef void	(*analyzer_conn_fn)(void *arg, struct tl_conn *c);

struct analyzer;

/* analyzer_new returns a new analyzer, or NULL with |errbuf| filled (a
 * trust store or key log that cannot be read). */
struct analyzer	*analyzer_new(const struct analyzer_opts *opt,
		    analyzer_conn_fn fn, void *arg,
		    char errbuf[ANALYZER_ERRBUF_SIZE]);
/* analyzer_add_keylog adds NSS key log lines (|len| bytes at |p|, e.g. a
 * pcapng Decryption Secrets Block) to the secrets --keylog loaded. */
void		 analyzer_add_keylog(struct analyzer *a, const uint8_t *p,
		    size_t len);
/* analyzer_packet takes one captured packet of link type |dlt|. Any
 * |ts_us| is safe: one outside LIMIT_TS_MIN_US..LIMIT_TS_MAX_US is
 * counted (clock_out_of_range) and read as the previous packet's time. */
void		 analyzer_packet(struct analyzer *a, int dlt, int64_t ts_us,
		    const uint8_t *pkt, size_t caplen, size_t wirelen);
/*
 * --threads (pool.c): the thread that reads decodes each packet once and
 * routes it. analyzer_route decodes it into |*s| and returns the worker
 * (0-based, of the options' |worker_n|) that takes it: the one whose
 * connection it is, and worker 0 for what is not a TCP segment or is
 * another --shard's, so that each is counted once. |*tcp|: a TCP
 * segment, in |*s| (whose pointers point into |pkt|). The worker takes a
 * TCP segment with analyzer_segment, anything else with analyzer_packet.
 * The other workers take it with analyzer_packet_elsewhere (|s| NULL
 * when it is not a TCP segment), which gives it its frame number and
 * time, and for a TCP segment runs the expiry walk: their reports come at
 * the packets one thread's would, and of the counts only those of frames
 * and the clock are every worker's.
 */
struct analyzer_router {
	struct conn_router	*cr;	/* the workers' (conn.h) */
};
/* analyzer_router_init makes the router of workers of options |opt|
 * once, for every analyzer_route; analyzer_router_free frees it. */
void		 analyzer_router_init(struct analyzer_router *rt,
		    const struct analyzer_opts *opt);
void		 analyzer_router_free(struct analyzer_router *rt);
unsigned	 analyzer_route(struct analyzer_router *rt, int dlt,
		    const uint8_t *pkt, size_t caplen, size_t wirelen,
		    struct segment *s, bool *tcp);
/* analyzer_prefetch_bucket and analyzer_prefetch_flow are hints for
 * the TCP segment |s| that this analyzer is given soon
 * (conn_prefetch_bucket): the first returns the hash the second takes.
 * analyzer_prefetch_pays: whether this analyzer has connections enough
 * open for that to pay. */
bool		 analyzer_prefetch_pays(const struct analyzer *a);
uint32_t	 analyzer_prefetch_bucket(const struct analyzer *a,
		    const struct segment *s);
void		 analyzer_prefetch_flow(const struct analyzer *a, uint32_t h);
/* analyzer_prefetch_conn, a little after analyzer_prefetch_flow, starts
 * loading the connection's state that a segment reads. */
void		 analyzer_prefetch_conn(const struct analyzer *a, uint32_t h);
/* analyzer_segment is analyzer_packet for a frame that analyzer_route
 * decoded into the TCP segment |s|. */
void		 analyzer_segment(struct analyzer *a, int64_t ts_us,
		    const struct segment *s, size_t caplen, size_t wirelen);
void		 analyzer_packet_elsewhere(struct analyzer *a, int64_t ts_us,
		    size_t wirelen, const struct segment *s);
/* A run of packets of the other workers, with no skipped frames before
 * any of them, as analyzer_elsewhere_run takes it. */
struct analyzer_run {
	uint64_t	n;
	uint64_t	wire_bytes;	/* their lengths on the wire */
	int64_t		ts_min;		/* their earliest time */
	int64_t		ts_max;		/* and latest */
	int64_t		max_step;	/* the most one was ahead of the
					 * latest before it, analyzer_now
					 * for the first (0: none was) */
	bool		any_tcp;	/* one at least a TCP segment */
};
/*
 * analyzer_elsewhere_run is analyzer_packet_elsewhere for each packet of
 * |r| when they only move the clock (no time out of range, no leap,
 * nothing due for the expiry walk, not the first packet): it returns
 * true having done just that, in a few instructions instead of a few
 * hundred a packet; false, having done nothing, and the caller gives
 * them one by one.
 */
bool		 analyzer_elsewhere_run(struct analyzer *a,
		    const struct analyzer_run *r);
/* analyzer_now: the capture clock (the time of the latest packet, but
 * for a leap held back), in microseconds. */
int64_t		 analyzer_now(const struct analyzer *a);
/*
 * Where a report stands in one analyzer's order of reports at one
 * packet, for --threads (pool.c), which merges several analyzers'
 * reports into one thread's order. Within a packet, one thread reports:
 * the connections whose linger ended (phase 0), then those idle or over
 * the caps (phase 1), then what the packet itself ends (phase 2); at the
 * end of the input, phase 3. |conn| orders those of phases 0, 1 and 3
 * (conn.h).
 */
struct analyzer_order {
	unsigned	 phase;
	struct conn_order conn;
};
/* analyzer_report_order fills |o| for the connection being reported
 * (in the analyzer's callback). */
void		 analyzer_report_order(const struct analyzer *a,
		    struct analyzer_order *o);
/*
 * analyzer_mem gives the bytes counted against --max-memory now, and at
 * their peak during the last packet after its expiry walk: with
 * --threads, where each worker counts its own connections, the run's
 * peak is the largest sum over the workers at one packet (each walk
 * frees before the packet's own connection grows).
 */
void		 analyzer_mem(const struct analyzer *a, uint64_t *now,
		    uint64_t *peak);
/* analyzer_new_conn tells whether the last packet given to
 * analyzer_packet began a connection. */
bool		 analyzer_new_conn(const struct analyzer *a);
/* analyzer_frame returns the frame number of the last packet given to
 * analyzer_packet (1-based across the input), 0 before the first. */
uint64_t	 analyzer_frame(const struct analyzer *a);
/* analyzer_packet_conn returns the id of the connection the last packet
 * given to analyzer_packet belongs to (also when it was reported before
 * and the packet came late), or 0 when it belongs to none (not TCP,
 * undecodable). For -w, which saves the packets of chosen connections. */
uint64_t	 analyzer_packet_conn(const struct analyzer *a);
/* analyzer_tick advances the clock to |now_us| without a packet, so that
 * idle connections are reported during a quiet live capture. A |now_us|
 * outside LIMIT_TS_MIN_US..LIMIT_TS_MAX_US is ignored. */
void		 analyzer_tick(struct analyzer *a, int64_t now_us);
/* analyzer_skip_frames counts |n| frames of the input that are not
 * given to the analyzer (rejected by the filter), so that the frame
 * numbers of later packets stay those of the file. */
void		 analyzer_skip_frames(struct analyzer *a, uint64_t n);
/* analyzer_capture_lost records that the capture lost packets (the
 * kernel's drop counter rose): every open connection is marked
 * (tl_conn.kernel_drops). */
void		 analyzer_capture_lost(struct analyzer *a);
/* analyzer_extract_error returns the first --extract-certs write error,
 * or NULL. */
const char	*analyzer_extract_error(const struct analyzer *a);
/* analyzer_flush finishes every open connection (end of input), in the
 * order of their last packets; analyzer_flush_some finishes at most
 * |max| more of them and returns whether any is left (no packet may come
 * in between). */
void		 analyzer_flush(struct analyzer *a);
bool		 analyzer_flush_some(struct analyzer *a, size_t max);
/* analyzer_stats returns the run's counters so far. */
const struct analyzer_stats *analyzer_stats(struct analyzer *a);
/* analyzer_free frees |a| without reporting; analyzer_free(NULL) is a no-op. */
void		 analyzer_free(struct analyzer *a);

#endif
