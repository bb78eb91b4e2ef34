/* pool.c - the analysis of capture files spread over worker threads (--threads), the reports in one order. */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "conn.h"
#include "out.h"
#include "pool.h"
#include "summary.h"
#include "timeline.h"
#include "util.h"

/*
 * Chunks in flight: the caller fills one while the workers read the
 * others. A chunk is handed over at POOL_CHUNK_PKTS packets or
 * POOL_CHUNK_BYTES bytes of them, whichever comes first: large enough
 * that the threads meet a few hundred times a second at most, small
 * enough that the reports of a file come out as it is read.
 */
#define POOL_SLOTS		4
#ifdef TLSDIAG_SMALL_BUFFERS	/* the fuzz build, as in reader.c */
#define POOL_CHUNK_PKTS		128
#define POOL_CHUNK_BYTES	(32 * 1024)
#else
#define POOL_CHUNK_PKTS		4096
#define POOL_CHUNK_BYTES	(2 * 1024 * 1024)
#endif
/* The reports of a chunk wait in memory until every worker is past it:
 * when a chunk's reports came to more than POOL_CHUNK_OUT bytes (a flood
 * of connections, each reported), the next chunks are made smaller, down
 * to POOL_CHUNK_MIN packets, so that what waits stays about that size. */
#define POOL_CHUNK_OUT		(512 * 1024)
#define POOL_CHUNK_MIN		64

#define POOL_FLUSH_BATCH	512
#define MADE_BLOCK		8	/* words of 64 frames */

#define NO_STR			SIZE_MAX

struct pool_pkt {
	int64_t		 ts_us;
	size_t		 off;		/* in the chunk's data */
	uint32_t	 caplen;
	uint32_t	 len;
	uint64_t	 skipped;	/* frames not given before this one */
	int		 dlt;
	uint8_t		 worker;	/* analyzer_route: whose it is */
	bool		 tcp;		/* |seg| holds its TCP segment */
	struct segment	 seg;		/* pointing into the chunk's data */
};

/* A worker's number fits pool_pkt.worker (main.c: at most 256). */
#define POOL_MAX_WORKERS	256

/* One report, as a worker made it. */
struct rec {
	uint64_t	 tag;		/* frame it was reported at;
					 * UINT64_MAX: the end of the input */
	struct analyzer_order order;	/* its place at that frame */
	unsigned	 worker;
	size_t		 seq;
	bool		 summed;	/* has a verdict: in the summary */
	bool		 failed;
	struct sum_conn	 sc;		/* its strings are below */
	size_t		 sni, subject, issuer, ja4;	/* NO_STR: none */
	size_t		 text, text_len;	/* text_len 0: not selected */
	size_t		 id0, nid;	/* its pending ids in res.ids */
};

/* What one worker reported while it read one chunk (or at the end). */
struct res {
	struct rec	*recs;
	size_t		 n;
	size_t		 cap;
	struct sb	 bytes;		/* the texts and the strings */
	uint64_t	*made;		/* frames that began a connection */
	size_t		 nmade;
	size_t		 made_cap;
	/* Per packet of the chunk: the bytes counted against --max-memory
	 * after it, and how far above that they went during it after the
	 * expiry walk (analyzer_mem). */
	uint64_t	*mem_now;
	uint64_t	*mem_extra;
	/* The pending ids in the texts (timeline.h), found by the worker
	 * so that the writing thread need not look for them. */
	struct idpos {
		size_t		 off;	/* in |bytes| */
		size_t		 len;
		uint64_t	 frame;
	}		*ids;
	size_t		 nids;
	size_t		 ids_cap;
};

struct slot {
	struct pool_pkt	*pkts;
	size_t		 n;
	uint8_t		*data;
	size_t		 len;
	size_t		 dcap;
	unsigned	 done;		/* workers past it */
	struct res	*res;		/* one per worker */
};

struct worker {
	struct pool	*pl;
	unsigned	 k;
	pthread_t	 th;
	bool		 started;
	struct analyzer	*a;
	struct output	*out;		/* renders; writes nothing */
	struct res	*cur;		/* where reports go now */
	bool		 at_end;
	uint64_t	 next;		/* the next chunk to read */
	/* The end of input, in batches of POOL_FLUSH_BATCH connections
	 * (analyzer_flush_some), two in flight: the worker fills one while
	 * the caller writes the other. */
	struct res	 final[2];
	bool		 final_ready[2];	/* filled, not yet written */
	bool		 final_last[2];		/* and the worker's last */
};

struct pool {
	unsigned	 n;
	struct worker	*w;
	struct output	*out;
	bool		 summary;
	struct analyzer_router route;	/* the workers' (analyzer_route) */
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* a chunk was handed over, or the end */
	pthread_cond_t	 done;		/* a worker finished a chunk */
	struct slot	 slots[POOL_SLOTS];
	uint64_t	 published;	/* chunks handed over */
	uint64_t	 merged;	/* chunks whose reports were written */
	bool		 ended;		/* no more chunks */
	bool		 flushing;	/* the end of the input: report all */
	uint64_t	 skip;		/* frames to skip before the next one */
	struct analyzer_stats st;
	/*
	 * Connection ids: a pending id's number is the place of its frame
	 * among the frames that began a connection (timeline.h), known as
	 * far as the chunks written. They are kept as one bit per frame,
	 * with the count of the bits before each block of MADE_BLOCK words:
	 * 1.125 bits per packet, however many connections.
	 */
	uint32_t	 nonce;
	char		 nonce_hex[8];	/* as the ids show it: %06x */
	uint32_t	 shard_k;
	uint32_t	 shard_n;
	uint64_t	*made;		/* the bits, MADE_BLOCK words a block */
	uint64_t	*made_before;	/* bits set before each block */
	size_t		 made_blocks;
	size_t		 made_cap;	/* blocks allocated */
	struct sb	 line;		/* an id's number */
	uint64_t	 mem_peak;	/* the workers' sum at its peak */
	size_t		 chunk_pkts;	/* packets per chunk now */
	/* The first packet of the chunk being filled that worker 0 has
	 * not been given yet: the others' packets wait until its next own
	 * one, or the chunk's end, to be given as a run (give_range). */
	size_t		 w0_next;
};

/* keep_str copies |n| bytes of |s| into |r|'s bytes, NUL-terminated, and
 * returns their offset; NO_STR for NULL. */
static size_t
keep_str(struct res *r, const void *s, size_t n)
{
	size_t off = r->bytes.len;

	if (s == NULL)
		return NO_STR;
	sb_add(&r->bytes, s, n);
	sb_add(&r->bytes, "", 1);
	return off;
}

static size_t
keep_cstr(struct res *r, const char *s)
{
	return s != NULL ? keep_str(r, s, strlen(s)) : NO_STR;
}

/* The forms of a pending id in a report (timeline.h): raw, escaped in
 * text, escaped in JSON. */
static const struct {
	const char	*open;
	const char	*close;
} id_forms[] = {
	{ "\001", "\002" },
	{ "\\x01", "\\x02" },
	{ "\\u0001", "\\u0002" },
};

/*
 * pending_id reads a pending id at |s| (|n| bytes left) in any of its
 * forms, with this run's nonce: it returns its length and sets |*frame|,
 * or returns 0.
 */
static size_t
pending_id(const struct pool *pl, const char *s, size_t n, uint64_t *frame)
{
	const char *nonce = pl->nonce_hex;
	size_t f, i, lo, lc;

	for (f = 0; f < sizeof(id_forms) / sizeof(id_forms[0]); f++) {
		lo = strlen(id_forms[f].open);
		lc = strlen(id_forms[f].close);
		if (n < lo + 8 + lc || memcmp(s, id_forms[f].open, lo) != 0 ||
		    memcmp(s + lo, nonce, 6) != 0 || s[lo + 6] != '-')
			continue;
		*frame = 0;
		for (i = lo + 7; i < n && i < lo + 7 + 20 &&
		    s[i] >= '0' && s[i] <= '9'; i++)
			*frame = *frame * 10 + (uint64_t)(s[i] - '0');
		if (i > lo + 7 && n - i >= lc &&
		    memcmp(s + i, id_forms[f].close, lc) == 0)
			return i + lc;
	}
	return 0;
}

/* id_of is the number of the connection that began at |frame|: its
 * place among the connections (in its shard's numbering with --shard). */
static uint64_t
id_of(const struct pool *pl, uint64_t frame)
{
	size_t w = (size_t)(frame / 64), b = w / MADE_BLOCK, i;
	uint64_t bit = 1ULL << (frame % 64), place;

	if (b >= pl->made_blocks || (pl->made[w] & bit) == 0)
		return 0;		/* cannot be: every id is made so */
	place = pl->made_before[b];
	for (i = b * MADE_BLOCK; i < w; i++)
		place += (uint64_t)__builtin_popcountll(pl->made[i]);
	place += (uint64_t)__builtin_popcountll(pl->made[w] & (bit - 1));
	if (pl->shard_n > 1)
		return place * pl->shard_n + pl->shard_k;
	return place + 1;
}

/*
 * find_ids notes where the text of |e| (in |r|) holds pending ids: a
 * raw mark, or, when its rendering |escaped| control characters, a
 * backslash (an escape of two characters at least, which is skipped
 * whole when it is not an id).
 */
static void
find_ids(const struct pool *pl, struct res *r, struct rec *e, bool escaped)
{
	const char *s = r->bytes.s + e->text, *end = s + e->text_len, *p;
	const char *mark, *bs;
	uint64_t frame;
	size_t len;

	e->id0 = r->nids;
	mark = memchr(s, TL_ID_MARK_OPEN, e->text_len);
	bs = escaped ? memchr(s, '\\', e->text_len) : NULL;
	for (p = s; p < end; p += len) {
		/* Once not found, not in the rest either. */
		if (mark != NULL && mark < p)
			mark = memchr(p, TL_ID_MARK_OPEN, (size_t)(end - p));
		if (bs != NULL && bs < p)
			bs = memchr(p, '\\', (size_t)(end - p));
		if (mark == NULL && bs == NULL)
			break;
		p = bs == NULL || (mark != NULL && mark < bs) ? mark : bs;
		len = pending_id(pl, p, (size_t)(end - p), &frame);
		if (len == 0) {
			len = *p == '\\' && p + 1 < end ? 2 : 1;
			continue;
		}
		if (r->nids == r->ids_cap) {
			r->ids_cap = r->ids_cap != 0 ? r->ids_cap * 2 : 64;
			r->ids = xreallocarray(r->ids, r->ids_cap,
			    sizeof(*r->ids));
		}
		r->ids[r->nids].off = (size_t)(p - r->bytes.s);
		r->ids[r->nids].len = len;
		r->ids[r->nids].frame = frame;
		r->nids++;
	}
	e->nid = r->nids - e->id0;
}

/* on_conn, in a worker: one report rendered and kept for the merge. */
static void
on_conn(void *arg, struct tl_conn *c)
{
	struct worker *w = arg;
	struct res *r = w->cur;
	struct rec *e;
	size_t escaped;

	if (r->n == r->cap) {
		r->cap = r->cap != 0 ? r->cap * 2 : 64;
		r->recs = xreallocarray(r->recs, r->cap, sizeof(*r->recs));
	}
	e = &r->recs[r->n];
	memset(e, 0, sizeof(*e));
	e->tag = w->at_end ? UINT64_MAX : analyzer_frame(w->a);
	analyzer_report_order(w->a, &e->order);
	e->worker = w->k;
	e->seq = r->n++;
	e->failed = out_conn_failed(c);
	e->summed = w->pl->summary && out_conn_sum(&e->sc, c);
	if (e->summed) {
		e->sni = e->sc.has_sni ? keep_str(r, e->sc.sni,
		    e->sc.sni_len) : NO_STR;
		e->subject = keep_cstr(r, e->sc.cc_subject);
		e->issuer = keep_cstr(r, e->sc.cc_issuer);
		e->ja4 = keep_cstr(r, e->sc.ja4);
	}
	/* Rendered where it is kept: no copy. */
	e->text = r->bytes.len;
	escaped = r->bytes.escaped;
	if (out_render(w->out, c, &r->bytes) && r->bytes.len > e->text) {
		e->text_len = r->bytes.len - e->text;
		find_ids(w->pl, r, e, r->bytes.escaped != escaped);
	}
}

/* add_made appends |frame| to |*v| (|*n| used of |*cap|). */
static void
add_made(uint64_t **v, size_t *n, size_t *cap, uint64_t frame)
{
	if (*n == *cap) {
		*cap = *cap != 0 ? *cap * 2 : 256;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = frame;
}

/* begin_chunk points a worker's reports at its part of |sl|. */
static void
begin_chunk(struct worker *w, struct slot *sl)
{
	struct res *r = &sl->res[w->k];

	w->cur = r;
	if (r->mem_now == NULL) {
		r->mem_now = xcalloc(POOL_CHUNK_PKTS, sizeof(*r->mem_now));
		r->mem_extra = xcalloc(POOL_CHUNK_PKTS,
		    sizeof(*r->mem_extra));
	}
}

/* give_packet gives a worker's analyzer the packet |k| (the |i|th of
 * its chunk, its bytes at |data|): whole if routed to it, else its frame
 * number and time. */
static void
give_packet(struct worker *w, size_t i, const struct pool_pkt *k,
    const uint8_t *data)
{
	struct res *r = w->cur;
	uint64_t peak;

	if (k->skipped > 0)
		analyzer_skip_frames(w->a, k->skipped);
	if (k->worker != w->k)
		analyzer_packet_elsewhere(w->a, k->ts_us, k->len,
		    k->tcp ? &k->seg : NULL);
	else if (k->tcp)
		analyzer_segment(w->a, k->ts_us, &k->seg, k->caplen, k->len);
	else
		analyzer_packet(w->a, k->dlt, k->ts_us, data, k->caplen,
		    k->len);
	if (analyzer_new_conn(w->a))
		add_made(&r->made, &r->nmade, &r->made_cap,
		    analyzer_frame(w->a));
	analyzer_mem(w->a, &r->mem_now[i], &peak);
	r->mem_extra[i] = peak - r->mem_now[i];
}

/*
 * give_elsewhere gives a worker the run of other workers' packets that
 * begins at |from| (before |to|; none after skipped frames but the
 * first, which is then given alone) and returns where it ends: at once
 * when they only move its clock (analyzer_elsewhere_run), else one by
 * one.
 */
static size_t
give_elsewhere(struct worker *w, struct slot *sl, size_t from, size_t to)
{
	const struct pool_pkt *k = &sl->pkts[from];
	struct res *r = w->cur;
	struct analyzer_run run;
	int64_t latest = analyzer_now(w->a);
	uint64_t now, peak;
	size_t i, end;

	if (k->skipped > 0) {
		give_packet(w, from, k, sl->data + k->off);
		return from + 1;
	}
	memset(&run, 0, sizeof(run));
	run.ts_min = run.ts_max = k->ts_us;
	for (end = from; end < to; end++, k++) {
		if (k->worker == w->k || k->skipped > 0)
			break;
		run.wire_bytes += k->len;
		run.any_tcp |= k->tcp;
		if (k->ts_us < run.ts_min)
			run.ts_min = k->ts_us;
		if (k->ts_us > run.ts_max)
			run.ts_max = k->ts_us;
		if (k->ts_us > latest) {
			if (k->ts_us - latest > run.max_step)
				run.max_step = k->ts_us - latest;
			latest = k->ts_us;
		}
	}
	run.n = end - from;
	if (!analyzer_elsewhere_run(w->a, &run)) {
		for (i = from; i < end; i++)
			give_packet(w, i, &sl->pkts[i],
			    sl->data + sl->pkts[i].off);
		return end;
	}
	analyzer_mem(w->a, &now, &peak);
	for (i = from; i < end; i++) {
		r->mem_now[i] = now;
		r->mem_extra[i] = peak - now;
	}
	return end;
}

/*
 * With many connections open, a worker would wait for memory at each
 * segment's flow lookup and again at its connection. It looks ahead in
 * the chunk instead, at its own segments: 2 PF_AHEAD packets ahead it
 * starts loading the flow's hash bucket, PF_AHEAD ahead the flow the
 * bucket holds first, PF_AHEAD / 2 ahead that flow's connection (the
 * hashes in between kept in |hash|, at the packet's index modulo
 * PF_RING). It does so when it has connections enough open for that to
 * pay (analyzer_prefetch_pays, decided a chunk at a time). Worker 0
 * analyses each packet as it is read and has nothing ahead.
 */
#define PF_AHEAD	4
#define PF_RING		(4 * PF_AHEAD)

struct lookahead {
	size_t		 bucket;	/* the next packet to prefetch */
	size_t		 flow;
	size_t		 conn;
	uint32_t	 hash[PF_RING];
};

/* prefetch_ahead runs the look-ahead up to the packet |i| of |sl| (of
 * those before |to|), which the worker takes next. */
static void
prefetch_ahead(const struct worker *w, const struct slot *sl,
    struct lookahead *la, size_t i, size_t to)
{
	const struct pool_pkt *k;
	size_t end;

	end = to - i > 2 * PF_AHEAD ? i + 2 * PF_AHEAD : to;
	for (; la->bucket < end; la->bucket++) {
		k = &sl->pkts[la->bucket];
		if (k->worker == w->k && k->tcp)
			la->hash[la->bucket % PF_RING] =
			    analyzer_prefetch_bucket(w->a, &k->seg);
	}
	end = to - i > PF_AHEAD ? i + PF_AHEAD : to;
	if (la->flow < i)
		la->flow = i;	/* passed, not to be given: too late */
	for (; la->flow < end; la->flow++) {
		k = &sl->pkts[la->flow];
		if (k->worker == w->k && k->tcp)
			analyzer_prefetch_flow(w->a,
			    la->hash[la->flow % PF_RING]);
	}
	end = to - i > PF_AHEAD / 2 ? i + PF_AHEAD / 2 : to;
	if (la->conn < i)
		la->conn = i;
	for (; la->conn < end; la->conn++) {
		k = &sl->pkts[la->conn];
		if (k->worker == w->k && k->tcp)
			analyzer_prefetch_conn(w->a,
			    la->hash[la->conn % PF_RING]);
	}
}

/* give_range gives a worker the packets |from| to |to| of |sl|: its own
 * one by one, the others' in runs (give_elsewhere); looking ahead with
 * |la| (NULL: not). */
static void
give_range(struct worker *w, struct slot *sl, size_t from, size_t to,
    struct lookahead *la)
{
	const struct pool_pkt *k;
	size_t i = from;

	while (i < to) {
		if (la != NULL)
			prefetch_ahead(w, sl, la, i, to);
		k = &sl->pkts[i];
		if (k->worker == w->k)
			give_packet(w, i++, k, sl->data + k->off);
		else
			i = give_elsewhere(w, sl, i, to);
	}
}

/* run_chunk gives a worker's analyzer the packets of |sl|. */
static void
run_chunk(struct worker *w, struct slot *sl)
{
	struct lookahead la;

	begin_chunk(w, sl);
	la.bucket = la.flow = la.conn = 0;
	give_range(w, sl, 0, sl->n,
	    w->k != 0 && analyzer_prefetch_pays(w->a) ? &la : NULL);
}

/* fill_batch reports the next batch of a worker's open connections at
 * the end of the input into its batch |b|; false after its last. */
static bool
fill_batch(struct worker *w, unsigned b)
{
	struct pool *pl = w->pl;
	bool more;

	w->at_end = true;
	w->cur = &w->final[b];
	more = analyzer_flush_some(w->a, POOL_FLUSH_BATCH);
	pthread_mutex_lock(&pl->mu);
	w->final_ready[b] = true;
	w->final_last[b] = !more;
	pthread_cond_broadcast(&pl->done);
	pthread_mutex_unlock(&pl->mu);
	return more;
}

/* flush_batches reports a worker's open connections at the end of the
 * input, a batch at a time, each once the caller has written the one
 * before the last. */
static void
flush_batches(struct worker *w)
{
	struct pool *pl = w->pl;
	unsigned b;
	bool more = true;

	for (b = 0; more; b ^= 1) {
		pthread_mutex_lock(&pl->mu);
		while (w->final_ready[b])
			pthread_cond_wait(&pl->work, &pl->mu);
		pthread_mutex_unlock(&pl->mu);
		more = fill_batch(w, b);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pl;
	struct slot *sl;
	bool flush;

	for (;;) {
		pthread_mutex_lock(&pl->mu);
		while (w->next == pl->published && !pl->ended)
			pthread_cond_wait(&pl->work, &pl->mu);
		if (w->next == pl->published) {
			flush = pl->flushing;
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		sl = &pl->slots[w->next % POOL_SLOTS];
		pthread_mutex_unlock(&pl->mu);
		run_chunk(w, sl);
		pthread_mutex_lock(&pl->mu);
		sl->done++;
		w->next++;
		pthread_cond_broadcast(&pl->done);
		pthread_mutex_unlock(&pl->mu);
	}
	if (flush)
		flush_batches(w);
	return NULL;
}

/* share_of is worker |k|'s part of a cap |total| (conn_worker_weight),
 * at least 1. */
static size_t
share_of(size_t total, unsigned k, unsigned n)
{
	size_t sum = 0, part;
	unsigned i;

	for (i = 0; i < n; i++)
		sum += conn_worker_weight(i, n);
	part = total / sum * conn_worker_weight(k, n);

	return part > 0 ? part : 1;
}

/* set_nonce makes |nonce| the run's, in both its forms. */
static void
set_nonce(struct pool *pl, uint32_t nonce)
{
	pl->nonce = nonce;
	(void)snprintf(pl->nonce_hex, sizeof(pl->nonce_hex), "%06x",
	    (unsigned)nonce);
}

/* run_nonce returns the nonce of the run's pending ids: random, so that
 * no name from the wire can know it. */
static uint32_t
run_nonce(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 12;
	return (uint32_t)(v & TL_ID_NONCE_MASK);
}

struct pool *
pool_new(unsigned n, const struct analyzer_opts *ao,
    const struct out_opts *oo, struct output *out,
    char errbuf[ANALYZER_ERRBUF_SIZE])
{
	struct analyzer_opts wo = *ao;
	struct out_opts woo = *oo;
	struct pool *pl;
	unsigned i;

	if (n > POOL_MAX_WORKERS)
		n = POOL_MAX_WORKERS;
	pl = xcalloc(1, sizeof(*pl));
	pl->n = n;
	set_nonce(pl, run_nonce());
	pl->chunk_pkts = POOL_CHUNK_MIN;	/* grows while reports are few */
	pl->shard_k = ao->shard_k;
	pl->shard_n = ao->shard_n;
	wo.id_nonce = pl->nonce;
	pl->out = out;
	pl->summary = oo->summary;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	pthread_cond_init(&pl->done, NULL);
	for (i = 0; i < POOL_SLOTS; i++)
		pl->slots[i].res = xcalloc(n, sizeof(struct res));
	pl->w = xcalloc(n, sizeof(*pl->w));
	woo.summary = false;
	wo.worker_n = n;
	analyzer_router_init(&pl->route, &wo);
	for (i = 0; i < n; i++) {
		struct worker *w = &pl->w[i];

		w->pl = pl;
		w->k = i;
		wo.worker_k = i;
		wo.max_flows = share_of(ao->max_flows, i, n);
		wo.max_memory = share_of(ao->max_memory, i, n);
		w->out = out_new(&woo, NULL);
		w->a = analyzer_new(&wo, on_conn, w, errbuf);
		if (w->a == NULL) {
			pool_free(pl);
			return NULL;
		}
	}
	for (i = 1; i < n; i++) {	/* worker 0 is the caller */
		if (pthread_create(&pl->w[i].th, NULL, worker_main,
		    &pl->w[i]) != 0) {
			snprintf(errbuf, ANALYZER_ERRBUF_SIZE,
			    "--threads: cannot start a thread");
			pool_free(pl);
			return NULL;
		}
		pl->w[i].started = true;
	}
	return pl;
}

void
pool_add_keylog(struct pool *pl, const uint8_t *p, size_t len)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		analyzer_add_keylog(pl->w[i].a, p, len);
}

/* rec_cmp orders the reports of one chunk as one thread makes them: by
 * the frame they were reported at, then as analyzer_report_order says,
 * then by worker and in each worker's order. */
static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int
rec_cmp(const void *pa, const void *pb)
{
	const struct rec *a = *(const struct rec *const *)pa;
	const struct rec *b = *(const struct rec *const *)pb;
	const struct conn_order *x = &a->order.conn, *y = &b->order.conn;
	int c;

	if ((c = cmp_u64(a->tag, b->tag)) != 0 ||
	    (c = cmp_u64(a->order.phase, b->order.phase)) != 0)
		return c;
	if (a->order.phase == 0 && ((c = cmp_i64(x->linger_until,
	    y->linger_until)) != 0 ||
	    (c = cmp_u64(x->linger_list, y->linger_list)) != 0 ||
	    (c = cmp_u64(x->linger_tick, y->linger_tick)) != 0))
		return c;
	if (a->order.phase == 1 && ((c = cmp_u64(x->touch, y->touch)) != 0 ||
	    (c = cmp_u64(x->touch_before, y->touch_before)) != 0 ||
	    (c = cmp_u64(x->pkt_touch, y->pkt_touch)) != 0))
		return c;
	if (a->order.phase == 3 &&
	    (c = cmp_u64(x->pkt_touch, y->pkt_touch)) != 0)
		return c;
	if ((c = cmp_u64(a->worker, b->worker)) != 0)
		return c;
	return cmp_u64(a->seq, b->seq);
}

/* str_at is the string kept at |off| of |r|, or NULL. */
static const char *
str_at(const struct res *r, size_t off)
{
	return off != NO_STR ? r->bytes.s + off : NULL;
}

/* write_rec counts one report in the run's output and writes it. */
static void
write_rec(struct pool *pl, struct rec *e, const struct res *r)
{
	const struct idpos *id;
	size_t from, i;

	if (e->summed) {
		e->sc.sni = (const uint8_t *)str_at(r, e->sni);
		e->sc.cc_subject = str_at(r, e->subject);
		e->sc.cc_issuer = str_at(r, e->issuer);
		e->sc.ja4 = str_at(r, e->ja4);
	}
	out_tally(pl->out, e->summed ? &e->sc : NULL, e->failed);
	if (e->text_len == 0)
		return;
	from = e->text;
	for (i = e->id0; i < e->id0 + e->nid; i++) {
		id = &r->ids[i];
		out_write(pl->out, r->bytes.s + from, id->off - from);
		sb_reset(&pl->line);
		sb_u64(&pl->line, id_of(pl, id->frame));
		out_write(pl->out, pl->line.s, pl->line.len);
		from = id->off + id->len;
	}
	out_write(pl->out, r->bytes.s + from, e->text + e->text_len - from);
}

/* made_set records that a connection began at |frame| (the counts of
 * the blocks are made_count's). */
static void
made_set(struct pool *pl, uint64_t frame)
{
	size_t w = (size_t)(frame / 64), b = w / MADE_BLOCK;

	while (pl->made_blocks <= b) {
		if (pl->made_blocks == pl->made_cap) {
			pl->made_cap = pl->made_cap != 0 ? pl->made_cap * 2 : 64;
			pl->made = xreallocarray(pl->made, pl->made_cap,
			    MADE_BLOCK * sizeof(*pl->made));
			pl->made_before = xreallocarray(pl->made_before,
			    pl->made_cap, sizeof(*pl->made_before));
		}
		memset(&pl->made[pl->made_blocks * MADE_BLOCK], 0,
		    MADE_BLOCK * sizeof(*pl->made));
		pl->made_blocks++;
	}
	pl->made[w] |= 1ULL << (frame % 64);
}

/* made_count counts the bits before each block from block |from| on. */
static void
made_count(struct pool *pl, size_t from)
{
	size_t b, i;
	uint64_t n;

	for (b = from; b < pl->made_blocks; b++) {
		n = 0;
		if (b > 0) {
			n = pl->made_before[b - 1];
			for (i = 0; i < MADE_BLOCK; i++)
				n += (uint64_t)__builtin_popcountll(
				    pl->made[(b - 1) * MADE_BLOCK + i]);
		}
		pl->made_before[b] = n;
	}
}

/* add_ids adds the connections the workers began in one chunk to the
 * run's: all after those of the chunks before, so the counts of the
 * blocks before the chunk's first stay as they are. */
static void
add_ids(struct pool *pl, struct res *const *res)
{
	size_t i, from = pl->made_blocks;	/* and the blocks made now */
	unsigned k;

	for (k = 0; k < pl->n; k++) {
		for (i = 0; i < res[k]->nmade; i++) {
			if (res[k]->made[i] / 64 / MADE_BLOCK < from)
				from = (size_t)(res[k]->made[i] / 64 /
				    MADE_BLOCK);
			made_set(pl, res[k]->made[i]);
		}
		res[k]->nmade = 0;
	}
	made_count(pl, from);
}

/* res_empty empties |r| for the next chunk, and frees what a large one
 * (a flood of reports) made it hold. */
static void
res_empty(struct res *r)
{
	r->n = 0;
	r->nids = 0;
	sb_reset(&r->bytes);
	if (r->bytes.cap > 2 * POOL_CHUNK_OUT) {
		sb_cleanup(&r->bytes);
		sb_init(&r->bytes);
	}
	if (r->cap > POOL_CHUNK_PKTS / 4) {
		free(r->recs);
		r->recs = NULL;
		r->cap = 0;
	}
}

/* write_res writes the reports of |res| (one per worker) in order and
 * empties them. */
static void
write_res(struct pool *pl, struct res *const *res)
{
	struct rec **v;
	size_t i, n = 0;
	unsigned k;

	for (k = 0; k < pl->n; k++)
		n += res[k]->n;
	if (n > 0) {
		v = xcalloc(n, sizeof(*v));
		n = 0;
		for (k = 0; k < pl->n; k++)
			for (i = 0; i < res[k]->n; i++)
				v[n++] = &res[k]->recs[i];
		qsort(v, n, sizeof(*v), rec_cmp);
		for (i = 0; i < n; i++)
			write_rec(pl, v[i], res[v[i]->worker]);
		free(v);
	}
	for (k = 0; k < pl->n; k++)
		res_empty(res[k]);
}

/* add_mem finds the peak of the memory counted over all workers during
 * the |n| packets of a chunk: at each packet, the sum of what each holds
 * after it plus the most one rose above that during it. */
static void
add_mem(struct pool *pl, struct res *const *res, size_t n)
{
	uint64_t sum, extra;
	size_t i;
	unsigned k;

	for (i = 0; i < n; i++) {
		sum = extra = 0;
		for (k = 0; k < pl->n; k++) {
			sum += res[k]->mem_now[i];
			if (res[k]->mem_extra[i] > extra)
				extra = res[k]->mem_extra[i];
		}
		if (sum + extra > pl->mem_peak)
			pl->mem_peak = sum + extra;
	}
}

/* size_chunks sets the size of the next chunks from the bytes of the
 * reports of one of |n| packets (POOL_CHUNK_OUT). */
static void
size_chunks(struct pool *pl, struct res *const *res, size_t n)
{
	size_t bytes = 0, want;
	unsigned k;

	for (k = 0; k < pl->n; k++)
		bytes += res[k]->bytes.len;
	want = bytes > 0 ? (size_t)((double)n * POOL_CHUNK_OUT / bytes) :
	    POOL_CHUNK_PKTS;
	if (want < POOL_CHUNK_MIN)
		want = POOL_CHUNK_MIN;
	/* Grow back slowly: at most double at a time. */
	if (want > pl->chunk_pkts * 2)
		want = pl->chunk_pkts * 2;
	pl->chunk_pkts = want < POOL_CHUNK_PKTS ? want : POOL_CHUNK_PKTS;
}

/* merge_one waits until every worker is past the oldest chunk not yet
 * written, writes its reports and frees its slot. */
static void
merge_one(struct pool *pl)
{
	struct slot *sl = &pl->slots[pl->merged % POOL_SLOTS];
	struct res *res[256];
	struct res **rp = pl->n <= 256 ? res : xcalloc(pl->n, sizeof(*rp));
	unsigned k;

	pthread_mutex_lock(&pl->mu);
	while (sl->done < pl->n)
		pthread_cond_wait(&pl->done, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
	for (k = 0; k < pl->n; k++)
		rp[k] = &sl->res[k];
	add_ids(pl, rp);
	add_mem(pl, rp, sl->n);
	size_chunks(pl, rp, sl->n);
	write_res(pl, rp);
	if (rp != res)
		free(rp);
	sl->n = 0;
	sl->len = 0;
	sl->done = 0;
	pl->merged++;
}

/* publish hands the chunk being filled to the workers, writes the
 * reports of the chunks they are all past, and waits, if it must, for
 * the next slot to be free. */
static void
publish(struct pool *pl)
{
	struct slot *sl = &pl->slots[pl->published % POOL_SLOTS];
	bool ready;

	give_range(&pl->w[0], sl, pl->w0_next, sl->n, NULL);
	pl->w0_next = 0;
	pthread_mutex_lock(&pl->mu);
	sl->done++;		/* worker 0, this thread, is past it */
	pl->w[0].next++;
	pl->published++;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		ready = pl->merged < pl->published &&
		    pl->slots[pl->merged % POOL_SLOTS].done == pl->n;
		pthread_mutex_unlock(&pl->mu);
		if (!ready && pl->published - pl->merged < POOL_SLOTS)
			break;
		merge_one(pl);
	}
}

void
pool_skip_frames(struct pool *pl, uint64_t n)
{
	pl->skip += n;
}

/* rebase is |p|, a pointer into the bytes at |from|, moved to their copy
 * at |to|. */
static const uint8_t *
rebase(const uint8_t *p, const uint8_t *from, uint8_t *to)
{
	return p != NULL ? to + (p - from) : NULL;
}

void
pool_packet(struct pool *pl, int dlt, int64_t ts_us, const uint8_t *pkt,
    size_t caplen, size_t wirelen)
{
	struct slot *sl = &pl->slots[pl->published % POOL_SLOTS];
	struct pool_pkt *k;

	if (sl->n > 0 && (sl->n >= pl->chunk_pkts ||
	    sl->len + caplen > POOL_CHUNK_BYTES)) {
		publish(pl);
		sl = &pl->slots[pl->published % POOL_SLOTS];
	}
	if (sl->pkts == NULL) {
		sl->pkts = xcalloc(POOL_CHUNK_PKTS, sizeof(*sl->pkts));
		sl->dcap = POOL_CHUNK_BYTES;
		sl->data = xcalloc(sl->dcap, 1);
	}
	if (sl->len + caplen > sl->dcap) {
		sl->dcap = sl->len + caplen > POOL_CHUNK_BYTES ?
		    sl->len + caplen : POOL_CHUNK_BYTES;
		sl->data = xreallocarray(sl->data, sl->dcap, 1);
	}
	if (sl->n == 0)
		begin_chunk(&pl->w[0], sl);
	k = &sl->pkts[sl->n++];
	k->ts_us = ts_us;
	k->off = sl->len;
	k->caplen = (uint32_t)caplen;
	k->len = (uint32_t)wirelen;
	k->skipped = pl->skip;
	k->dlt = dlt;
	pl->skip = 0;
	k->worker = (uint8_t)analyzer_route(&pl->route, dlt, pkt, caplen,
	    wirelen, &k->seg, &k->tcp);
	if (k->worker == 0) {
		/* Worker 0's, analysed here and now from the reader's
		 * buffer, after the others' before it; the others see only
		 * its addresses and ports. */
		give_range(&pl->w[0], sl, pl->w0_next, sl->n - 1, NULL);
		give_packet(&pl->w[0], sl->n - 1, k, pkt);
		pl->w0_next = sl->n;
		k->seg.payload = NULL;
		k->seg.opts = NULL;
		return;
	}
	/* Another's: copied, its segment pointed at the copy, which stays
	 * while the workers read it (the data moves, grows, only before
	 * the first packet of a chunk). */
	if (caplen > 0) {	/* a frame of no bytes may come with no buffer */
		memcpy(sl->data + sl->len, pkt, caplen);
		if (k->tcp) {
			k->seg.payload = rebase(k->seg.payload, pkt,
			    sl->data + sl->len);
			k->seg.opts = rebase(k->seg.opts, pkt,
			    sl->data + sl->len);
		}
	}
	sl->len += caplen;
}

/* join stops the workers; |flush|: they report what is still open. */
static void
join(struct pool *pl, bool flush)
{
	unsigned k;

	pthread_mutex_lock(&pl->mu);
	pl->ended = true;
	pl->flushing = flush;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	for (k = 0; k < pl->n; k++)
		if (pl->w[k].started) {
			pthread_join(pl->w[k].th, NULL);
			pl->w[k].started = false;
		}
}

/* A worker's place in its batches of the end of input. */
struct cursor {
	unsigned	 b;		/* the batch being written */
	size_t		 i;		/* its next report */
	bool		 done;
};

/* final_wait waits until worker |w|'s batch |c->b| is filled (worker
 * 0's is filled here, in the caller's thread); false
 * when that batch is empty and its last (the worker has no more). */
static bool
final_wait(struct pool *pl, struct worker *w, struct cursor *c)
{
	if (w->k == 0 && !w->final_ready[c->b])	/* the caller's own */
		(void)fill_batch(w, c->b);
	pthread_mutex_lock(&pl->mu);
	while (!w->final_ready[c->b])
		pthread_cond_wait(&pl->done, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
	return c->i < w->final[c->b].n || !w->final_last[c->b];
}

/* final_next moves |c| past the report just written, handing the batch
 * back to its worker when it is done with it. */
static void
final_next(struct pool *pl, struct worker *w, struct cursor *c)
{
	struct res *r = &w->final[c->b];

	if (++c->i < r->n)
		return;
	if (w->final_last[c->b]) {
		c->done = true;
		return;
	}
	res_empty(r);
	pthread_mutex_lock(&pl->mu);
	w->final_ready[c->b] = false;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	c->b ^= 1;
	c->i = 0;
	c->done = !final_wait(pl, w, c);
}

/*
 * write_final writes the reports of the end of input as the workers make
 * them: each worker's come in the order of their last packets, and the
 * smallest head of all is written next (a merge of sorted streams), so
 * that no more than two batches per worker are held.
 */
static void
write_final(struct pool *pl)
{
	struct cursor *cur = xcalloc(pl->n, sizeof(*cur));
	struct rec *best, *e;
	unsigned k, bk;

	for (k = 0; k < pl->n; k++)
		cur[k].done = !final_wait(pl, &pl->w[k], &cur[k]);
	for (;;) {
		best = NULL;
		bk = 0;
		for (k = 0; k < pl->n; k++) {
			if (cur[k].done)
				continue;
			e = &pl->w[k].final[cur[k].b].recs[cur[k].i];
			if (best == NULL || rec_cmp(&e, &best) < 0) {
				best = e;
				bk = k;
			}
		}
		if (best == NULL)
			break;
		write_rec(pl, best, &pl->w[bk].final[cur[bk].b]);
		final_next(pl, &pl->w[bk], &cur[bk]);
	}
	free(cur);
}

void
pool_flush(struct pool *pl)
{
	if (pl->slots[pl->published % POOL_SLOTS].n > 0)
		publish(pl);
	pthread_mutex_lock(&pl->mu);
	pl->ended = true;
	pl->flushing = true;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	while (pl->merged < pl->published)
		merge_one(pl);
	write_final(pl);
	join(pl, true);
}

/* add_stats adds what one worker counted to |t|: the counts of
 * connections and of what decoding made of the packets (each decodes
 * only its own: analyzer_route) are the workers' sums; those of frames
 * and the clock, which every worker sees, of what only the first is
 * given (other shards', ethertypes skipped) and of the key log, which
 * each loads, are the first's. */
static void
add_stats(struct analyzer_stats *t, const struct analyzer_stats *s,
    bool first)
{
	if (first) {
		*t = *s;
		return;
	}
	t->tcp += s->tcp;
	t->truncated += s->truncated;
	t->connections += s->connections;
	t->evicted += s->evicted;
	t->idle_closed += s->idle_closed;
	t->decrypted_conns += s->decrypted_conns;
	t->extract_errors += s->extract_errors;
	t->loss_conns += s->loss_conns;
	t->keepalive_ignored += s->keepalive_ignored;
	t->one_sided += s->one_sided;
}

const struct analyzer_stats *
pool_stats(struct pool *pl)
{
	unsigned k;

	for (k = 0; k < pl->n; k++)
		add_stats(&pl->st, analyzer_stats(pl->w[k].a), k == 0);
	pl->st.mem_peak = pl->mem_peak;
	return &pl->st;
}

static void
res_free(struct res *r)
{
	free(r->ids);
	free(r->mem_now);
	free(r->mem_extra);
	free(r->made);
	free(r->recs);
	sb_cleanup(&r->bytes);
}

void
pool_free(struct pool *pl)
{
	unsigned i, k;

	if (pl == NULL)
		return;
	join(pl, false);
	for (k = 0; k < pl->n; k++) {
		analyzer_free(pl->w[k].a);
		out_free(pl->w[k].out);
		res_free(&pl->w[k].final[0]);
		res_free(&pl->w[k].final[1]);
	}
	for (i = 0; i < POOL_SLOTS; i++) {
		for (k = 0; k < pl->n; k++)
			res_free(&pl->slots[i].res[k]);
		free(pl->slots[i].res);
		free(pl->slots[i].pkts);
		free(pl->slots[i].data);
	}
	free(pl->w);
	free(pl->made);
	free(pl->made_before);
	sb_cleanup(&pl->line);
	pthread_cond_destroy(&pl->work);
	pthread_cond_destroy(&pl->done);
	pthread_mutex_destroy(&pl->mu);
	analyzer_router_free(&pl->route);
	free(pl);
}
