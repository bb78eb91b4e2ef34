/* analyzer.c - the wiring: decode -> conn -> reasm -> tls_stream -> facts -> timeline -> verdict. */
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "conn.h"
#include "decode.h"
#include "facts.h"
#include "flow.h"
#include "slab.h"
#include "limits.h"
#include "reasm.h"
#include "timeline.h"
#include "tls_stream.h"
#include "util.h"
#include "verdict.h"

struct conn_rt;

/* The context of one direction of one connection, for the callbacks. */
struct dir_ctx {
	struct conn_rt	*cr;		/* its analyzer: cr->a */
	int		 dir;		/* enum tl_dir */
};

/* Per-connection state that the timeline does not keep. */
struct conn_rt {
	struct tl_conn		*tl;
	struct analyzer		*a;
	struct conn_life	 life;		/* conn.c's: state, flow */
	struct reasm_dir	 rs[2];
	struct dir_ctx		 dctx[2];
	struct tls_stream	 ts;		/* records, messages, keys */
	size_t			 mem;		/* bytes counted in a->mem */
	size_t			 tl_heap;	/* tl_conn_heap_bytes, as last
						 * counted (mem_update) */
	bool			 told_data;	/* facts_client_data was called */
};

/* A connection's runtime state and its timeline, allocated together
 * from the analyzer's slab (slab.h): a packet of an open connection
 * touches both. */
struct conn_slot {
	struct conn_rt		 cr;
	struct tl_conn		 tl;
};

struct analyzer {
	struct analyzer_opts	 opt;
	analyzer_conn_fn	 fn;
	void			*fn_arg;
	struct conn_table	*conns;		/* flows and their lifecycle */
	struct facts		*facts;		/* messages, chains, keys */
	struct analyzer_stats	 st;
	uint64_t		 next_id;
	size_t			 mem;		/* buffered payload, all flows */
	struct slab		 slots;		/* of struct conn_slot */
	size_t			 open;		/* slots in use */
	size_t			 flow_bytes;	/* flow_entry_bytes() */
	/* The packet being processed, for event stamps. */
	uint64_t		 frame;
	uint64_t		 frames_seen;	/* analyzed and skipped */
	int64_t			 now_us;	/* conn_now: the packet's time */
	/* The last packet whose leap the clock held back (conn_clock),
	 * stamped with the time before the leap, and its own time. */
	uint64_t		 held_frame;
	int64_t			 held_us;
	uint64_t		 pkt_conn;	/* connection of the last packet */
	bool			 pkt_new;	/* the last packet began one */
	struct analyzer_order	 order;		/* of the report being made */
	size_t			 pkt_peak;	/* |mem| at its peak since the
						 * expiry walk of this packet */
	/* Counts what may change the bytes a connection holds (an event
	 * added, data delivered by the reassembly): a packet during which
	 * it did not move needs no mem_update (follow_segment). */
	uint64_t		 mem_marks;
	/* Of those, what may change what a timeline holds on the heap (an
	 * event added or dropped, a preview, a message kept): without it,
	 * mem_update does not recount tl_conn_heap_bytes, whose fields a
	 * data packet of a settled connection never touches otherwise. */
	uint64_t		 tl_marks;
	/* The end of input under way (analyzer_flush_some): the open
	 * connections in the order they are reported, and how many were. */
	struct conn_life	**flush_v;
	size_t			 flush_n;
	size_t			 flush_i;
};

static void	conn_finish(struct analyzer *, struct conn_rt *, enum tl_end);

static bool	rs_data(void *, const uint8_t *, size_t);
static void	rs_gap(void *, uint64_t);
static void	rs_conflict(void *, uint64_t, size_t);

static const struct reasm_cb rs_cb = { rs_data, rs_gap, rs_conflict };

/* conn_params_of: what conn.c takes of the analyzer's options. */
static void
conn_params_of(const struct analyzer_opts *opt, struct conn_params *p)
{
	*p = (struct conn_params){
	    .idle_us = opt->idle_us, .linger_us = opt->linger_us,
	    .max_flows = opt->max_flows, .max_memory = opt->max_memory,
	    .shard_k = opt->shard_k, .shard_n = opt->shard_n,
	    .worker_k = opt->worker_k, .worker_n = opt->worker_n };
}

struct analyzer *
analyzer_new(const struct analyzer_opts *opt, analyzer_conn_fn fn, void *arg,
    char errbuf[ANALYZER_ERRBUF_SIZE])
{
	struct analyzer *a;
	struct conn_params cp;

	a = xcalloc(1, sizeof(*a));
	a->opt = *opt;
	a->fn = fn;
	a->fn_arg = arg;
	slab_init(&a->slots, sizeof(struct conn_slot));
	a->flow_bytes = flow_entry_bytes();
	conn_params_of(opt, &cp);
	a->conns = conn_table_new(&cp);
	a->facts = facts_new(&(struct facts_opts){
	    .ca_file = opt->ca_file, .ca_path = opt->ca_path,
	    .client_ca_file = opt->client_ca_file,
	    .keylog_files = (const char *const *)opt->keylog_files,
	    .keylog_follow = opt->keylog_follow,
	    .extract_dir = opt->extract_dir, .kb = opt->kb }, errbuf);
	if (a->facts == NULL) {
		analyzer_free(a);
		return NULL;
	}
	return a;
}

/* in: key log lines from a capture file (pcapng DSB, issue 15 case 10),
 * used as --keylog is; call before the packets they decrypt. */
void
analyzer_add_keylog(struct analyzer *a, const uint8_t *p, size_t len)
{
	facts_add_keylog(a->facts, p, len);
}

const struct analyzer_stats *
analyzer_stats(struct analyzer *a)
{
	const struct facts_stats *fs = facts_stats(a->facts);

	a->st.decrypted_conns = fs->decrypted_conns;
	a->st.extract_errors = fs->extract_errors;
	a->st.keylog_entries = fs->keylog_entries;
	a->st.keylog_bad_lines = fs->keylog_bad_lines;
	return &a->st;
}

/* conn_rt_free releases a connection's runtime state and timeline. */
static void
conn_rt_free(struct analyzer *a, struct conn_rt *cr)
{
	int d;

	a->mem -= cr->mem;
	for (d = 0; d < 2; d++)
		reasm_cleanup(&cr->rs[d]);
	tls_stream_cleanup(&cr->ts);
	verdict_free(cr->tl->verdict);	/* the analyzer's, not the timeline's */
	tl_conn_clear(cr->tl);
	slab_free(&a->slots, cr);	/* the slot: cr is its first member */
	a->open--;
}

void
analyzer_free(struct analyzer *a)
{
	struct conn_life *l;

	if (a == NULL)
		return;
	free(a->flush_v);
	while ((l = conn_table_oldest(a->conns)) != NULL) {
		conn_remove(a->conns, l);
		conn_rt_free(a, l->owner);
	}
	conn_table_free(a->conns);
	slab_destroy(&a->slots);
	facts_free(a->facts);
	free(a);
}

/* ev adds an event stamped with the current packet. */
static struct tl_event *
ev(struct analyzer *a, struct conn_rt *cr, enum tl_ev_type type, int dir)
{
	a->mem_marks++;
	a->tl_marks++;
	return tl_add_event(cr->tl, type, (enum tl_dir)dir, a->frame,
	    a->now_us);
}

/* mem_update recounts the bytes |cr| holds and adjusts the total; those
 * of its timeline only if |tl| (a->tl_marks moved). */
static void
mem_update(struct analyzer *a, struct conn_rt *cr, bool tl)
{
	size_t m;

	if (tl)
		cr->tl_heap = tl_conn_heap_bytes(cr->tl);

	/* The connection's own structures count too, so that the memory
	 * cap bounds a flood of connections, not only their payload: its
	 * slot, its flow, and what its timeline holds on the heap (events,
	 * CertificateRequest, hello lists and names, previews:
	 * tl_conn_heap_bytes). bench/RESULTS.md: the RSS per open
	 * connection is what this counts. */
	m = slab_object_bytes(&a->slots) + a->flow_bytes + cr->tl_heap;
	m += cr->rs[0].ooo_bytes + cr->rs[1].ooo_bytes +
	    tls_stream_mem(&cr->ts);
	a->mem = a->mem - cr->mem + m;
	cr->mem = m;
	if (a->mem > a->st.mem_peak)
		a->st.mem_peak = a->mem;
	if (a->mem > a->pkt_peak)
		a->pkt_peak = a->mem;
}

/*
 * next_id numbers a new connection: 1, 2, 3... in order of appearance;
 * --shard K/N gives K, K + N, K + 2N... (unique over the shards). A
 * worker of --threads gives a pending id (timeline.h): the frame.
 */
static uint64_t
next_id(struct analyzer *a)
{
	a->pkt_new = true;
	if (a->opt.worker_n > 1)
		return TL_ID_PENDING | (uint64_t)(a->opt.id_nonce &
		    TL_ID_NONCE_MASK) << TL_ID_FRAME_BITS |
		    (a->frame & TL_ID_FRAME_MASK);
	if (a->opt.shard_n > 1)
		return a->next_id++ * a->opt.shard_n + a->opt.shard_k;
	return ++a->next_id;
}

static struct conn_rt *
conn_new(struct analyzer *a, struct flow *f, const struct segment *s,
    int dir)
{
	struct conn_slot *slot;
	struct conn_rt *cr;
	struct tl_conn *c;
	size_t alen = s->af == 6 ? 16 : 4;
	int d;

	slot = slab_zalloc(&a->slots);
	a->open++;
	cr = &slot->cr;
	cr->a = a;
	c = &slot->tl;
	c->id = next_id(a);
	f->conn_id = c->id;
	a->st.connections++;
	cr->tl = c;
	c->af = s->af;
	if (dir == TL_C2S) {
		memcpy(c->client_ip, s->src, alen);
		memcpy(c->server_ip, s->dst, alen);
		c->client_port = s->sport;
		c->server_port = s->dport;
	} else {
		memcpy(c->client_ip, s->dst, alen);
		memcpy(c->server_ip, s->src, alen);
		c->client_port = s->dport;
		c->server_port = s->sport;
	}
	c->start_us = a->now_us;
	c->last_us = a->now_us;
	c->first_frame = a->frame;
	for (d = 0; d < 2; d++) {
		reasm_init(&cr->rs[d], a->opt.max_stream_bytes);
		cr->dctx[d].cr = cr;
		cr->dctx[d].dir = d;
	}
	tls_stream_init(&cr->ts, c, facts_message, a->facts, !f->tcp.syn &&
	    !f->tcp.synack);
	conn_attach(a->conns, f, &cr->life, cr);
	return cr;
}

/* ---- reassembly callbacks ---- */

/* rs_data hands the next bytes of a direction to its TLS stream, and acts
 * on what the stream found; true stops the direction's reassembly. */
static bool
rs_data(void *arg, const uint8_t *p, size_t len)
{
	struct dir_ctx *dc = arg;
	struct conn_rt *cr = dc->cr;
	struct analyzer *a = cr->a;
	struct tl_conn *c = cr->tl;
	struct tls_stamp at = { a->frame, a->now_us };
	/* Whatever the stream keeps in the timeline comes with an event
	 * (or drops one past LIMIT_EVENTS), or a preview. */
	size_t kept = c->num_events + c->num_previews + c->dropped_events;
	unsigned r;

	a->mem_marks++;
	r = tls_stream_feed(&cr->ts, dc->dir, p, len, at);
	if (!cr->told_data && c->appdata_records[TL_C2S] > 0) {
		cr->told_data = true;
		facts_client_data(a->facts, c);	/* the known chain */
		a->tl_marks++;
	}
	if (c->num_events + c->num_previews + c->dropped_events != kept)
		a->tl_marks++;
	if (r & TLS_STREAM_SETTLED) {
		/* The fast path: nothing more is buffered. */
		(void)conn_input(a->conns, &cr->life, CONN_IN_SETTLED,
		    false);
		mem_update(a, cr, true);
	}
	if (r & TLS_STREAM_STOP(!dc->dir))
		reasm_stop(&cr->rs[!dc->dir]);
	return (r & TLS_STREAM_STOP(dc->dir)) != 0;
}

static void
rs_gap(void *arg, uint64_t nbytes)
{
	struct dir_ctx *dc = arg;
	struct tl_conn *c = dc->cr->tl;
	struct tl_event *e;
	uint64_t snap;

	c->gap_bytes[dc->dir] += nbytes;
	e = ev(dc->cr->a, dc->cr, TL_EV_GAP, dc->dir);
	e->bytes = nbytes;
	/* in: bytes cut by the snapshot length reach reasm as lost ranges,
	 * delivered only as gaps: charge this gap to them first. */
	snap = c->snap_bytes[dc->dir] - c->snap_gap_bytes[dc->dir];
	if (snap > nbytes)
		snap = nbytes;
	c->snap_gap_bytes[dc->dir] += snap;
	if (snap == nbytes)
		e->what = "(cut by the snapshot length)";
	else if (snap > 0)
		e->what = "(partly cut by the snapshot length)";
	tls_stream_gap(&dc->cr->ts, dc->dir, nbytes);
}

static void
rs_conflict(void *arg, uint64_t off, size_t len)
{
	struct dir_ctx *dc = arg;
	struct tl_event *e;

	e = ev(dc->cr->a, dc->cr, TL_EV_CONFLICT, dc->dir);
	e->bytes = off;
	e->len = (uint32_t)len;
}

/* ---- connection life ---- */

/*
 * conn_finish reports |cr| and frees it. The caller tells conn.c what
 * becomes of its flow (conn_reported: a tombstone that absorbs the
 * connection's last packets, only the flow entry kept, so that memory
 * follows the connections still open; or conn_remove).
 */
static void
conn_finish(struct analyzer *a, struct conn_rt *cr, enum tl_end why)
{
	int d;

	for (d = 0; d < 2; d++)
		reasm_flush(&cr->rs[d], &rs_cb, &cr->dctx[d]);
	cr->tl->end = why;
	cr->tl->end_us = a->now_us;
	cr->tl->end_at_leap = why == TL_END_IDLE &&
	    cr->tl->last_us <= conn_leapt_from(a->conns);
	/* Bytes cut by the snapshot length are said apart (snaplen_cut). */
	if (cr->tl->kernel_drops || cr->tl->gap_bytes[0] +
	    cr->tl->gap_bytes[1] > cr->tl->snap_gap_bytes[0] +
	    cr->tl->snap_gap_bytes[1]) {
		cr->tl->capture_loss = true;
		a->st.loss_conns++;
	}
	/* in: one direction only, though data flowed (skipped link-layer
	 * tags, an asymmetric tap): the verdict says so. */
	cr->tl->one_sided = (cr->tl->pkts[0] == 0) != (cr->tl->pkts[1] == 0) &&
	    (cr->tl->data[0] || cr->tl->data[1]);
	if (cr->tl->one_sided)
		a->st.one_sided++;
	facts_conn_end(a->facts, cr->tl);
	cr->tl->verdict = verdict_decide(cr->tl);
	conn_order(&cr->life, &a->order.conn);
	if (a->fn != NULL)
		a->fn(a->fn_arg, cr->tl);
}

/* report finishes |cr| and lets conn.c keep its flow as a tombstone. */
static void
report(struct analyzer *a, struct conn_rt *cr, enum tl_end why)
{
	conn_finish(a, cr, why);
	conn_reported(a->conns, &cr->life);
	conn_rt_free(a, cr);
}

/* expire reports what conn.c's expiry walk finds, in its order. */
static void
expire(struct analyzer *a)
{
	struct conn_expired x;
	struct conn_rt *cr;

	x.phase = 0;
	while (conn_expire_pending(a->conns, a->mem) &&
	    conn_expire_next(a->conns, a->mem, &x)) {
		cr = x.life->owner;
		a->order.phase = x.why == CONN_IN_LINGER_OVER ? 0 : 1;
		if (x.why == CONN_IN_IDLE)
			a->st.idle_closed++;
		else if (x.why == CONN_IN_CAP)
			a->st.evicted++;
		conn_finish(a, cr, x.end);
		if (x.remove)
			conn_remove(a->conns, &cr->life);
		else
			conn_reported(a->conns, &cr->life);
		conn_rt_free(a, cr);
	}
	a->order.phase = 2;
	a->pkt_peak = a->mem;
}

static void
tcp_events(struct analyzer *a, struct conn_rt *cr, const struct segment *s,
    unsigned fev, int dir)
{
	struct tl_conn *c = cr->tl;
	struct tl_event *e;

	if (fev & FLOW_EV_SYN) {
		e = ev(a, cr, TL_EV_SYN, dir);
		e->count = 1;
		c->syn = true;
		c->syn_count = 1;
		reasm_set_isn(&cr->rs[TL_C2S], s->seq);
	}
	if (fev & FLOW_EV_SYN_RETX) {
		c->syn_count++;
		e = (struct tl_event *)tl_find(c, TL_EV_SYN, -1, TL_C2S);
		if (e != NULL)
			e->count = c->syn_count;
	}
	if (fev & FLOW_EV_SYNACK) {
		ev(a, cr, TL_EV_SYNACK, dir);
		c->synack = true;
		c->synack_count = 1;
		reasm_set_isn(&cr->rs[TL_S2C], s->seq);
	}
	if (fev & FLOW_EV_SYNACK_RETX) {
		c->synack_count++;
		/* Several SYN-ACKs with different sequence numbers (a
		 * middlebox, a server answering each SYN afresh): before
		 * any server byte, the latest one, or the one before if
		 * the client acknowledges that (reasm.h). */
		if (!c->data[TL_S2C])
			reasm_set_isn(&cr->rs[TL_S2C], s->seq);
	}
	if (fev & FLOW_EV_FIN) {
		ev(a, cr, TL_EV_FIN, dir);
		c->fin[dir] = true;
	}
	if (fev & FLOW_EV_RST) {
		ev(a, cr, TL_EV_RST, dir);
		c->rst[dir] = true;
		c->rst_frame[dir] = a->frame;
	}
}

/*
 * in: count_skipped counts a frame that stopped at an ethertype decode.c
 * does not follow, unless it is one that never carries IP. Such frames
 * may be one direction of a connection (issue 15 case 5).
 */
static void
count_skipped(struct analyzer *a, uint16_t type)
{
	size_t i;

	switch (type) {
	case 0:			/* not an ethertype framing, or none */
	case 0x0806:		/* ARP */
	case 0x8035:		/* RARP */
	case 0x88cc:		/* LLDP */
	case 0x888e:		/* 802.1X EAPOL */
	case 0x8809:		/* slow protocols (LACP) */
	case 0x88f7:		/* PTP */
	case 0x8902:		/* 802.1ag CFM */
	case 0x9000:		/* loopback (configuration test) */
		return;
	default:
		if (type < 0x0600)	/* an 802.3 length: LLC, STP, CDP */
			return;
		break;
	}
	a->st.skipped++;
	for (i = 0; i < a->st.num_skipped_types; i++)
		if (a->st.skipped_types[i].type == type) {
			a->st.skipped_types[i].n++;
			return;
		}
	if (i < ANALYZER_SKIP_TYPES) {
		a->st.skipped_types[i].type = type;
		a->st.skipped_types[i].n = 1;
		a->st.num_skipped_types++;
	} else
		a->st.skipped_other++;
}

/* count_decoded counts what decoding made of a frame; true when it is a
 * TCP segment to follow. */
static bool
count_decoded(struct analyzer *a, enum decode_status ds,
    const struct segment *s, size_t caplen, size_t wirelen)
{
	/* in: every packet cut by the snapshot length counts, whatever
	 * decoding made of it. */
	if (caplen < wirelen || ds == DECODE_TRUNCATED)
		a->st.truncated++;
	switch (ds) {
	case DECODE_OK:
		a->st.tcp++;
		return true;
	case DECODE_NOT_TCP:
		a->st.not_tcp++;
		count_skipped(a, s->ethertype);
		return false;
	case DECODE_FRAGMENT:
		a->st.fragments++;
		return false;
	case DECODE_TRUNCATED:
		return false;
	case DECODE_MALFORMED:
		a->st.malformed++;
		return false;
	}
	return false;
}

/*
 * leap_redate: a packet confirmed the leap of the clock that it held back
 * at frame |held_frame|, which was stamped with the time before the leap.
 * Its connection |l| (conn_segment_begin; NULL: none) takes its own time:
 * its events, and the connection's start if it began there. It was the
 * connection's last packet (only frames that are no TCP segment came
 * after it).
 */
static void
leap_redate(struct analyzer *a, struct conn_life *l)
{
	struct tl_conn *c;
	size_t i;

	if (l == NULL || a->held_frame == 0)
		return;
	c = ((struct conn_rt *)l->owner)->tl;
	for (i = 0; i < c->num_events; i++)
		if (c->events[i].frame == a->held_frame)
			c->events[i].ts_us = a->held_us;
	if (c->first_frame == a->held_frame)
		c->start_us = a->held_us;
	if (c->last_us < a->held_us)
		c->last_us = a->held_us;
	a->held_frame = 0;
}

/*
 * segment_flow hands |s| to conn.c (expiry first, then its flow's TCP
 * events) and returns the connection to follow, or NULL: not followed,
 * another shard's, or a tombstone's.
 */
static struct conn_rt *
segment_flow(struct analyzer *a, const struct segment *s,
    struct conn_seg_out *o)
{
	struct conn_rt *cr;

	leap_redate(a, conn_segment_begin(a->conns));
	expire(a);
	switch (conn_segment(a->conns, s, o)) {
	case CONN_SEG_IGNORED:
		a->st.keepalive_ignored++;
		return NULL;
	case CONN_SEG_OTHER_SHARD:
		a->st.other_shard++;
		return NULL;
	case CONN_SEG_TOMBSTONE:
		if (o->finished != NULL)	/* port reuse, then a tombstone */
			report(a, o->finished->owner, TL_END_CLOSED);
		a->pkt_conn = o->conn_id;
		return NULL;
	case CONN_SEG_FOLLOW:
		break;
	}
	if (o->finished != NULL) {
		/* Port reuse: the old connection ends here. */
		cr = o->finished->owner;
		conn_finish(a, cr, TL_END_CLOSED);
		conn_rt_free(a, cr);
	}
	if (o->life != NULL) {
		cr = o->life->owner;
		if (o->revived)
			cr->tl->rst[0] = cr->tl->rst[1] = false;
		return cr;
	}
	cr = conn_new(a, o->flow, s, o->dir);
	if (!(o->fev & FLOW_EV_SYN) && !o->flow->tcp.syn)
		cr->tl->midstream = true;
	cr->tl->continues = o->continues;
	cr->tl->continues_idle_us = o->continues_idle_us;
	return cr;
}

/* flow_conn counts |s| in the connection |cr|. */
static void
flow_conn(struct analyzer *a, struct conn_rt *cr, const struct flow *f,
    const struct segment *s, int dir)
{
	a->pkt_conn = cr->tl->id;
	cr->tl->last_us = a->now_us;
	cr->tl->pkts[dir]++;
	cr->tl->bytes[dir] += s->payload_wire_len;
	if (s->flags & TCP_ACK)
		tl_ack(cr->tl, dir, s->ack);
	if (!cr->tl->midstream && !f->tcp.syn && cr->tl->pkts[0] +
	    cr->tl->pkts[1] == 1)
		cr->tl->midstream = true;
}

/* swap_roles: midstream, the "server" sent a ClientHello: it is the
 * client, whatever the ports said. */
static void
swap_roles(struct flow *f, struct tl_conn *c, int kdir)
{
	uint8_t ip[16];
	uint16_t port;

	flow_set_client(f, kdir);
	memcpy(ip, c->client_ip, 16);
	memcpy(c->client_ip, c->server_ip, 16);
	memcpy(c->server_ip, ip, 16);
	port = c->client_port;
	c->client_port = c->server_port;
	c->server_port = port;
	c->pkts[0] = c->pkts[1];
	c->pkts[1] = 0;
	c->bytes[0] = c->bytes[1];
	c->bytes[1] = 0;
	c->ack_first[0] = c->ack_first[1];
	c->ack_top[0] = c->ack_top[1];
	c->ack_seen[0] = c->ack_seen[1];
	c->ack_seen[1] = false;
}

/* segment_data hands the payload of |s| to the stream of |dir|, and
 * returns the direction it turned out to be (a midstream role swap). */
static int
segment_data(struct conn_rt *cr, struct flow *f, const struct segment *s,
    int kdir, int dir)
{
	uint32_t seq = s->seq + ((s->flags & TCP_SYN) ? 1 : 0);

	if (cr->tl->midstream && !cr->tl->data[0] && !cr->tl->data[1] &&
	    !f->tcp.syn && !f->tcp.synack && s->payload_len >= 6 &&
	    s->payload[0] == 22 && s->payload[5] == 1 && dir == TL_S2C) {
		swap_roles(f, cr->tl, kdir);
		dir = TL_C2S;
	}
	/* in: a segment cut by the snapshot length; its lost bytes become
	 * gaps (rs_gap says so). */
	if (s->payload_wire_len > s->payload_len) {
		cr->tl->snap_pkts[dir]++;
		cr->tl->snap_bytes[dir] += s->payload_wire_len - s->payload_len;
	}
	cr->tl->data[dir] = true;
	reasm_add(&cr->rs[dir], &rs_cb, &cr->dctx[dir], seq, s->payload,
	    s->payload_len, s->payload_wire_len);
	return dir;
}

/* frames_begin counts |n| packets of |wire_bytes| in all and makes the
 * last one the current packet (packet_begin, analyzer_elsewhere_run). */
static void
frames_begin(struct analyzer *a, uint64_t n, uint64_t wire_bytes)
{
	a->pkt_conn = 0;
	a->pkt_new = false;
	a->pkt_peak = a->mem;
	a->st.frames += n;
	a->st.bytes += wire_bytes;
	a->frames_seen += n;
	a->frame = a->frames_seen;
}

/* packet_begin: what every packet does first, whoever's it is: its
 * frame number and the clock. */
static void
packet_begin(struct analyzer *a, int64_t ts_us, size_t wirelen)
{
	frames_begin(a, 1, wirelen);
	if (ts_us < LIMIT_TS_MIN_US || ts_us > LIMIT_TS_MAX_US) {
		/* Beyond it the idle and linger sums could overflow. */
		a->st.clock_out_of_range++;
		ts_us = a->now_us;
	}
	if (conn_clock(a->conns, ts_us, a->st.frames <= 1)) {
		a->st.clock_jumps++;
		a->held_frame = a->frame;
		a->held_us = ts_us;
	}
	a->now_us = conn_now(a->conns);
}

void
analyzer_router_init(struct analyzer_router *rt,
    const struct analyzer_opts *opt)
{
	struct conn_params cp;

	conn_params_of(opt, &cp);
	rt->cr = conn_router_new(&cp);
}

void
analyzer_router_free(struct analyzer_router *rt)
{
	conn_router_free(rt->cr);
	rt->cr = NULL;
}

unsigned
analyzer_route(struct analyzer_router *rt, int dlt, const uint8_t *pkt,
    size_t caplen, size_t wirelen, struct segment *s, bool *tcp)
{
	*tcp = decode_frame(s, dlt, pkt, caplen, wirelen) == DECODE_OK;
	return conn_router_packet(rt->cr, *tcp ? s : NULL, caplen);
}

void
analyzer_packet_elsewhere(struct analyzer *a, int64_t ts_us, size_t wirelen,
    const struct segment *s)
{
	packet_begin(a, ts_us, wirelen);
	if (s == NULL)
		return;
	leap_redate(a, conn_segment_begin(a->conns));
	expire(a);
	if (conn_leap_pending(a->conns))
		conn_segment_elsewhere(a->conns, s);
}

bool
analyzer_elsewhere_run(struct analyzer *a, const struct analyzer_run *r)
{
	if (a->st.frames == 0 || r->ts_min < LIMIT_TS_MIN_US ||
	    r->ts_max > LIMIT_TS_MAX_US ||
	    !conn_clock_run(a->conns, r->n, r->ts_max, r->max_step, a->mem))
		return false;
	/* packet_begin's counts, for all of them; what the expiry walk
	 * leaves when it finds nothing. */
	frames_begin(a, r->n, r->wire_bytes);
	a->now_us = conn_now(a->conns);
	if (r->any_tcp)		/* a TCP segment's walk ran */
		a->order.phase = 2;
	return true;
}

int64_t
analyzer_now(const struct analyzer *a)
{
	return a->now_us;
}

/* follow_segment takes a TCP segment, counted, of the current packet. */
static void
follow_segment(struct analyzer *a, const struct segment *s)
{
	struct conn_seg_out o;
	struct conn_rt *cr;
	uint64_t marks = a->mem_marks, tl_marks = a->tl_marks;
	size_t ooo;
	int dir;

	if ((cr = segment_flow(a, s, &o)) == NULL)
		return;
	ooo = cr->rs[0].ooo_bytes + cr->rs[1].ooo_bytes;
	dir = o.dir;
	flow_conn(a, cr, o.flow, s, dir);
	tcp_events(a, cr, s, o.fev, dir);
	if (o.fev & FLOW_EV_SYNACK)
		(void)conn_input(a->conns, &cr->life, CONN_IN_SYNACK, false);
	/* The server's ACK before its SYN-ACK (a challenge ACK for a stale
	 * connection, RFC 5961 4) acks nothing of this client's stream:
	 * taking it would declare a bogus gap and lose what follows. */
	if ((s->flags & TCP_ACK) != 0 && (dir == TL_C2S || cr->tl->synack ||
	    !cr->tl->syn))
		reasm_peer_ack(&cr->rs[!dir], &rs_cb, &cr->dctx[!dir], s->ack);
	if (s->payload_wire_len == 1 && (s->flags & (TCP_SYN | TCP_FIN)) == 0 &&
	    cr->rs[dir].have_isn && s->seq == cr->rs[dir].next - 1) {
		/* Issue 19: a keepalive probe with one byte of garbage
		 * (seq = snd_nxt - 1): not stream data. */
	} else if (s->payload_wire_len > 0) {
		if (!cr->tl->data[0] && !cr->tl->data[1])	/* the first */
			(void)conn_input(a->conns, &cr->life, CONN_IN_DATA,
			    false);
		dir = segment_data(cr, o.flow, s, o.kdir, dir);
	}
	if (o.fev & FLOW_EV_FIN)
		cr->rs[dir].fin_seen = true;
	/* What it holds changes only with payload, an event, a callback of
	 * the reassembly, or the connection's first packet: a plain ACK is
	 * most packets of a transfer. */
	if (s->payload_wire_len > 0 || a->pkt_new || a->mem_marks != marks ||
	    cr->rs[0].ooo_bytes + cr->rs[1].ooo_bytes != ooo)
		mem_update(a, cr, a->pkt_new || a->tl_marks != tl_marks);
	if (cr->tl->fin[0] && cr->tl->fin[1]) {
		if (conn_input(a->conns, &cr->life, CONN_IN_FIN_BOTH,
		    false).act == CONN_ACT_REPORT)
			report(a, cr, TL_END_CLOSED);
	} else if (cr->tl->rst[0] || cr->tl->rst[1])
		(void)conn_input(a->conns, &cr->life, CONN_IN_RST,
		    cr->tl->rst[TL_C2S] && !cr->tl->synack);
}

void
analyzer_packet(struct analyzer *a, int dlt, int64_t ts_us,
    const uint8_t *pkt, size_t caplen, size_t wirelen)
{
	struct segment s;

	packet_begin(a, ts_us, wirelen);
	if (count_decoded(a, decode_frame(&s, dlt, pkt, caplen, wirelen), &s,
	    caplen, wirelen))
		follow_segment(a, &s);
}

/* Open connections from which a worker looks ahead (pool.c): their
 * slots and flows, 2 KB each, fill 8 MB, four times an L2 of these
 * machines. With fewer (a few hundred in the handshake-only benchmark,
 * among tens of thousands of flows ended) the look-ahead costs more than
 * it saves: 10% on that capture with a bound on flows instead. */
#define ANALYZER_PREFETCH_MIN_OPEN	4096

bool
analyzer_prefetch_pays(const struct analyzer *a)
{
	return a->open >= ANALYZER_PREFETCH_MIN_OPEN;
}

uint32_t
analyzer_prefetch_bucket(const struct analyzer *a, const struct segment *s)
{
	return conn_prefetch_bucket(a->conns, s);
}

void
analyzer_prefetch_flow(const struct analyzer *a, uint32_t h)
{
	conn_prefetch_flow(a->conns, h);
}

void
analyzer_prefetch_conn(const struct analyzer *a, uint32_t h)
{
	const struct conn_life *l = conn_prefetched_life(a->conns, h);
	const char *p;
	size_t i;

	if (l == NULL)
		return;
	/* Its slot (conn_new): the runtime state whole, and the timeline's
	 * times, counters and events (its second to sixth lines). */
	p = (const char *)l - offsetof(struct conn_rt, life);
	for (i = 0; i < sizeof(struct conn_rt); i += 64)
		__builtin_prefetch(p + i);
	p += offsetof(struct conn_slot, tl);
	for (i = 64; i < 384; i += 64)
		__builtin_prefetch(p + i);
}

void
analyzer_segment(struct analyzer *a, int64_t ts_us, const struct segment *s,
    size_t caplen, size_t wirelen)
{
	packet_begin(a, ts_us, wirelen);
	if (count_decoded(a, DECODE_OK, s, caplen, wirelen))
		follow_segment(a, s);
}

void
analyzer_mem(const struct analyzer *a, uint64_t *now, uint64_t *peak)
{
	*now = a->mem;
	*peak = a->pkt_peak;
}

void
analyzer_report_order(const struct analyzer *a, struct analyzer_order *o)
{
	*o = a->order;
}

bool
analyzer_new_conn(const struct analyzer *a)
{
	return a->pkt_new;
}

uint64_t
analyzer_frame(const struct analyzer *a)
{
	return a->frame;
}

uint64_t
analyzer_packet_conn(const struct analyzer *a)
{
	return a->pkt_conn;
}

void
analyzer_tick(struct analyzer *a, int64_t now_us)
{
	conn_tick(a->conns, now_us);
	a->now_us = conn_now(a->conns);
	expire(a);
}

const char *
analyzer_extract_error(const struct analyzer *a)
{
	return facts_extract_error(a->facts);
}

void
analyzer_skip_frames(struct analyzer *a, uint64_t n)
{
	a->frames_seen += n;
}

void
analyzer_capture_lost(struct analyzer *a)
{
	struct conn_life *l;

	for (l = conn_table_oldest(a->conns); l != NULL; l = conn_next(l))
		((struct conn_rt *)l->owner)->tl->kernel_drops = true;
}

bool
analyzer_flush_some(struct analyzer *a, size_t max)
{
	struct conn_life *l;
	struct conn_rt *cr;
	struct conn_step r;

	if (a->flush_v == NULL) {
		a->order.phase = 3;
		a->flush_v = conn_table_open(a->conns, &a->flush_n);
		a->flush_i = 0;
	}
	for (; max > 0 && a->flush_i < a->flush_n; max--) {
		l = a->flush_v[a->flush_i++];
		cr = l->owner;
		r = conn_input(a->conns, l, CONN_IN_EOF, false);
		conn_finish(a, cr, r.end);
		conn_remove(a->conns, l);
		conn_rt_free(a, cr);
	}
	if (a->flush_i < a->flush_n)
		return true;
	free(a->flush_v);
	a->flush_v = NULL;
	return false;
}

void
analyzer_flush(struct analyzer *a)
{
	while (analyzer_flush_some(a, SIZE_MAX))
		;
}
