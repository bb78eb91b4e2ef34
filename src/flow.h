/* flow.h - the connection table: 5-tuple lookup, roles, TCP events, LRU. */
#ifndef TLSDIAG_FLOW_H
#define TLSDIAG_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Both directions of a connection map to one key: the endpoint that
 * compares lower comes first. */
struct flow_key {
	uint8_t		af;
	uint8_t		a[16];
	uint8_t		b[16];
	uint16_t	pa;
	uint16_t	pb;
};

/* TCP-level state of one connection, kept by flow_tcp. */
struct flow_tcp {
	bool		have_client;	/* roles known */
	uint8_t		client_is_a;	/* the client is endpoint a of the key */
	bool		syn;
	bool		synack;
	bool		fin[2];		/* by direction: 0 c2s, 1 s2c */
	bool		rst[2];
	uint32_t	syn_seq;
	uint32_t	synack_seq;
	uint32_t	syn_count;
	uint32_t	synack_count;
};

struct flow {
	struct flow	*hnext;		/* hash chain */
	struct flow	*lru_prev;	/* least recently seen first */
	struct flow	*lru_next;
	struct flow_key	 key;
	uint32_t	 hash;
	int64_t		 last_us;
	struct flow_tcp	 tcp;
	void		*conn;		/* the analyzer's per-connection data */
	uint64_t	 conn_id;	/* id of its last connection (kept in
					 * the tombstone: late packets) */
	uint64_t	 touch;		/* when conn.c last touched it: its
					 * packet count times 4 plus the step
					 * (conn_touch_key) */
	uint64_t	 touch_before;	/* |touch| before, when the expiry
					 * walk touched it (they tie) */
	uint64_t	 pkt_touch;	/* |touch| of its last packet */
	uint64_t	 linger_tick;	/* the packet count when its
					 * connection began to linger */
	uint8_t		 linger_list;	/* and on which of conn.c's lists */
	bool		 reported;	/* the connection was reported and its
					 * data freed: the flow is a tombstone
					 * (set with flow_set_reported) */
	bool		 idle_ended;	/* and it was reported idle */
};

struct flow_table;

/* flow_key_hash is the table's hash of |k| (a key made by flow_key_of,
 * padding zeroed, so that keys compare whole with memcmp). */
uint32_t		 flow_key_hash(const struct flow_key *k);
/* flow_entry_bytes is what one flow costs: its entry in the table's
 * slab and its share of the buckets (the table has at most two a flow). */
size_t			 flow_entry_bytes(void);

/* flow_table_new returns an empty table sized for about |expect| flows. */
struct flow_table	*flow_table_new(size_t expect);
/* flow_table_free frees the table and its entries (not their conn data).
 * flow_table_free(NULL) does nothing. */
void			 flow_table_free(struct flow_table *t);
/* flow_key_of fills |k| for |s| and returns the direction of |s| relative
 * to the key: 0 if |s| goes from endpoint a to b, 1 otherwise. */
int			 flow_key_of(struct flow_key *k, const struct segment *s);
/*
 * flow_key_shard_hash returns the hash --shard splits connections by: the
 * service endpoint, so that every connection to one service lands in one
 * shard (what a capture teaches about a server, knowledge.c, and the
 * per-service summary stay whole). The service endpoint is the one with
 * the lower port (a, the lower address, when both ports are equal); the
 * hash is 64-bit FNV-1a (offset basis 14695981039346656037, prime
 * 1099511628211) over the bytes af, its address (4 or 16 bytes) and its
 * port (big-endian). Both directions hash alike, and the bytes depend on
 * neither the machine's byte order nor a seed.
 */
uint64_t		 flow_key_shard_hash(const struct flow_key *k);
/* flow_segment_shard_hash is flow_key_shard_hash of flow_key_of(|s|),
 * without making the key: the route of every packet (conn_router_packet). */
uint64_t		 flow_segment_shard_hash(const struct segment *s);
/* flow_segment_route_hash is a cheaper hash of the same service endpoint
 * (a few multiplications where FNV-1a takes one a byte): the router's
 * buckets when there is no --shard to honour (conn_router_packet). It
 * does not depend on the machine's byte order either. */
uint32_t		 flow_segment_route_hash(const struct segment *s);
/* flow_prefetch_bucket and flow_prefetch_entry are hints, for a key of
 * hash |h| (flow_key_hash) looked up soon: the first starts loading its
 * bucket, the second, once that is loaded, the entry the bucket holds
 * first. Neither changes anything, nor reads more than the bucket. */
void			 flow_prefetch_bucket(const struct flow_table *t,
			    uint32_t h);
void			 flow_prefetch_entry(const struct flow_table *t,
			    uint32_t h);
/* flow_prefetched_conn, once the entry is loaded too, returns its |conn|
 * if its hash is |h| (a hint: the key is not compared), else NULL. */
void			*flow_prefetched_conn(const struct flow_table *t,
			    uint32_t h);
/* flow_find returns the flow of |k|, or NULL. */
struct flow		*flow_find(struct flow_table *t, const struct flow_key *k);
/* flow_insert adds a new flow for |k| and returns it. */
struct flow		*flow_insert(struct flow_table *t, const struct flow_key *k);
/* flow_remove unlinks and frees |f| (not its conn). */
void			 flow_remove(struct flow_table *t, struct flow *f);
/* flow_touch marks |f| as seen at |now_us| (most recently used). */
void			 flow_touch(struct flow_table *t, struct flow *f,
			    int64_t now_us);
/* flow_set_reported marks |f| reported (a tombstone) or open again (port
 * reuse). Each kind has its own least-recently-seen order. */
void			 flow_set_reported(struct flow_table *t,
			    struct flow *f, bool reported);
/* flow_oldest returns the least recently seen open (not reported) flow,
 * or NULL. */
struct flow		*flow_oldest(const struct flow_table *t);
/* flow_oldest_reported returns the least recently seen tombstone, or
 * NULL. */
struct flow		*flow_oldest_reported(const struct flow_table *t);
/* flow_count returns the number of flows in |t|, tombstones included. */
size_t			 flow_count(const struct flow_table *t);

/* TCP events flow_tcp reports, as bits. */
#define FLOW_EV_SYN		0x01	/* first SYN */
#define FLOW_EV_SYN_RETX	0x02	/* SYN again, same ISN */
#define FLOW_EV_SYNACK		0x04
#define FLOW_EV_SYNACK_RETX	0x08
#define FLOW_EV_FIN		0x10	/* first FIN of this direction */
#define FLOW_EV_RST		0x20	/* first RST of this direction */
#define FLOW_EV_NEW_CONN	0x40	/* a new SYN on a finished tuple:
					 * port reuse, start a new connection */

/*
 * flow_tcp updates |f|'s TCP state with segment |s| travelling in key
 * direction |kdir| and returns FLOW_EV_* bits. |*dir| receives the
 * direction relative to the roles: 0 client to server, 1 server to
 * client. Roles: the SYN sender is the client; without a SYN the caller
 * may set them with flow_set_client.
 */
unsigned		 flow_tcp(struct flow *f, const struct segment *s,
			    int kdir, int *dir);
/* flow_set_client makes the sender of key direction |kdir| the client. */
void			 flow_set_client(struct flow *f, int kdir);
/* flow_guess_client sets roles for a midstream flow: the side with the
 * well-known (lower) port is the server. */
void			 flow_guess_client(struct flow *f);

#endif
