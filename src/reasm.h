/* reasm.h - per-direction TCP byte-stream reassembly. */
#ifndef TLSDIAG_REASM_H
#define TLSDIAG_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What reassembly hands the next stage. Every call happens from inside
 * reasm_add, reasm_peer_ack or reasm_flush; |p| is valid only during the
 * call. Bytes arrive strictly in stream order; a gap call stands for
 * |nbytes| bytes that the capture does not have, after which delivery
 * resumes, so the consumer can resynchronise.
 */
struct reasm_cb {
	/* The next |len| bytes of the stream. Returns true when nothing more
	 * is wanted from this direction (reasm_stop follows). */
	bool	(*data)(void *arg, const uint8_t *p, size_t len);
	void	(*gap)(void *arg, uint64_t nbytes);
	/* An overlap whose bytes differ from those already delivered or
	 * queued (first data wins). |stream_off| counts from the first byte. */
	void	(*conflict)(void *arg, uint64_t stream_off, size_t len);
};

struct reasm_seg;			/* out-of-order queue entry (private) */

/* Caller-storage state of one direction; reasm_init / reasm_cleanup. */
struct reasm_dir {
	bool		 have_isn;	/* next is known (SYN or first data) */
	bool		 stopped;	/* reasm_stop: counting only */
	bool		 fin_seen;
	bool		 have_alt;	/* |alt_next|: another ISN's first */
	uint32_t	 next;		/* next expected sequence number */
	uint32_t	 alt_next;
	uint32_t	 ooo_count;	/* at most LIMIT_OOO_SEGMENTS + 1 */
	uint64_t	 offset;	/* stream offset of |next| */
	struct reasm_seg *ooo;		/* sorted by sequence, non-overlapping */
	size_t		 ooo_bytes;
	size_t		 max_ooo_bytes;
	/* Counters of what happened (bytes in 64 bits; the counts of calls
	 * and segments in 32, and they stop at UINT32_MAX): every open
	 * connection has two of these. */
	uint64_t	 delivered;	/* bytes handed to data() */
	uint64_t	 gap_bytes;	/* bytes handed to gap() */
	uint32_t	 gaps;		/* gap() calls */
	uint32_t	 retrans;	/* segments entirely already seen */
	uint32_t	 conflicts;	/* conflict() calls */
	uint32_t	 out_of_order;	/* segments that had to be queued */
};

/* reasm_init prepares |d|; at most |max_ooo_bytes| wait behind a hole. */
void	reasm_init(struct reasm_dir *d, size_t max_ooo_bytes);
/* reasm_cleanup frees the queue of |d|. */
void	reasm_cleanup(struct reasm_dir *d);
/* reasm_set_isn records the SYN's sequence number: data starts at isn+1.
 * Without it, the first data segment seen starts the stream (midstream).
 * Again with another number before any byte (SYN-ACKs with different
 * ISNs: a server answering each SYN afresh, TCP Fast Open), the latest
 * is taken and the one before kept: the peer's ACK (reasm_peer_ack) or
 * the first data that starts at the other one switches to it. */
void	reasm_set_isn(struct reasm_dir *d, uint32_t isn);
/*
 * reasm_add takes one segment: |len| captured payload bytes at |p| that
 * start at sequence number |seq|; |wire_len| >= |len| is the payload
 * length on the wire, the difference being bytes cut by the snapshot
 * length (delivered as a gap). In-order bytes are delivered at once, with
 * any queued bytes they make contiguous; bytes past a hole are copied
 * into the queue. Sequence numbers wrap modulo 2^32. Retransmitted bytes
 * are dropped; partial overlaps keep the first data seen.
 */
void	reasm_add(struct reasm_dir *d, const struct reasm_cb *cb, void *arg,
	    uint32_t seq, const uint8_t *p, size_t len, size_t wire_len);
/*
 * reasm_peer_ack tells |d| that the other side acknowledged every byte
 * before |ack|: a hole below it will never fill from the capture, so it
 * becomes a gap and queued bytes after it are delivered.
 */
void	reasm_peer_ack(struct reasm_dir *d, const struct reasm_cb *cb,
	    void *arg, uint32_t ack);
/* reasm_flush gives up on every hole (end of input, FIN/RST, idle) and
 * delivers what is queued, with gaps between. */
void	reasm_flush(struct reasm_dir *d, const struct reasm_cb *cb, void *arg);
/* reasm_stop frees the queue and makes later reasm_add calls count only.
 * Not from |d|'s own data callback, which returns true instead. */
void	reasm_stop(struct reasm_dir *d);

#endif
