/* reader.c - capture files read ahead in a thread of their own. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "util.h"

/* A batch is a run of packets copied out of libpcap's buffer; the
 * threads hand whole batches to each other, so they meet about once per
 * megabyte, not once per packet. The fuzz build (configure
 * --enable-fuzzing) makes them small: an input of a few packets then
 * crosses batch boundaries, and each input touches fewer fresh pages. */
#ifdef TLSDIAG_SMALL_BUFFERS
#define BATCH_BYTES	(16 * 1024)
#define BATCH_PKTS	16
#else
#define BATCH_BYTES	(1024 * 1024)
#define BATCH_PKTS	4096
#endif
#define NUM_BATCHES	4

/*
 * Live capture keeps more batches: when the analysis falls behind (a
 * burst of handshakes, a stop), up to this many megabytes wait in the
 * process, on top of the kernel's ring (-B), before anything is dropped.
 */
#define LIVE_BATCHES	32
/* The capture thread looks at the socket, the stop flag and the kernel's
 * counters this often (milliseconds). */
#define LIVE_POLL_MS	50
#define LIVE_STATS_MS	100

struct batch {
	uint8_t			*data;
	size_t			 cap;
	size_t			 used;
	struct reader_pkt	 pkt[BATCH_PKTS];
	size_t			 n;
	uint64_t		 drops;		/* live: kernel drops so far */
	struct batch		*next;
};

struct reader {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 filled;	/* a batch to read, or done */
	pthread_cond_t		 freed;		/* a batch to fill, or stop */
	struct batch		*full_head, *full_tail;
	struct batch		*free_list;
	bool			 done;		/* the thread read its last */
	bool			 stop;		/* the consumer wants no more */
	bool			 failed;
	char			 err[CAPTURE_ERRBUF_SIZE];
	/* The consumer's batch and its next packet. */
	struct batch		*cur;
	size_t			 cur_i;
	const char *const	*files;
	size_t			 nfiles;
	const char		*filter;
	/* Live capture: the handle, the batch being filled and the
	 * counters (|st| under |mu|). */
	pcap_t			*live;
	int			 dlt;
	struct batch		*fill;
	uint32_t		 skipped;
	struct reader_stats	 st;
	bool			 joined;
	size_t			 nbatches;
	struct batch		 all[];		/* NUM_BATCHES or LIVE_BATCHES */
};

/* take_free waits for an empty batch; NULL when the consumer stopped. */
static struct batch *
take_free(struct reader *r)
{
	struct batch *b;

	pthread_mutex_lock(&r->mu);
	while (r->free_list == NULL && !r->stop)
		pthread_cond_wait(&r->freed, &r->mu);
	b = r->stop ? NULL : r->free_list;
	if (b != NULL)
		r->free_list = b->next;
	pthread_mutex_unlock(&r->mu);
	if (b != NULL) {
		b->used = 0;
		b->n = 0;
		b->next = NULL;
	}
	return b;
}

/* hand_over queues |b| for the consumer (an empty one goes back). */
static void
hand_over(struct reader *r, struct batch *b)
{
	pthread_mutex_lock(&r->mu);
	if (b->n == 0) {
		b->next = r->free_list;
		r->free_list = b;
	} else {
		b->next = NULL;
		b->drops = r->st.drop;
		if (r->full_tail != NULL)
			r->full_tail->next = b;
		else
			r->full_head = b;
		r->full_tail = b;
		pthread_cond_signal(&r->filled);
	}
	pthread_mutex_unlock(&r->mu);
}

/* put appends one packet to |b|, which has room for it. */
static void
put(struct batch *b, const struct pcap_pkthdr *h, const u_char *bytes,
    int dlt, uint32_t skipped)
{
	struct reader_pkt *k;

	if (b->cap < h->caplen) {
		/* Larger than a whole batch: libpcap allows up to its own
		 * snapshot maximum. */
		b->data = xreallocarray(b->data, h->caplen, 1);
		b->cap = h->caplen;
	}
	k = &b->pkt[b->n++];
	memset(k, 0, sizeof(*k));
	k->ts_us = time_us(h->ts.tv_sec, h->ts.tv_usec);
	k->caplen = h->caplen;
	k->len = h->len;
	k->dlt = dlt;
	k->skipped = skipped;
	memcpy(b->data + b->used, bytes, h->caplen);
	k->data = b->data + b->used;
	b->used += h->caplen;
}

/* make_room hands |*bp| over when it cannot take |caplen| more bytes and
 * takes an empty one; false when the consumer stopped. */
static bool
make_room(struct reader *r, struct batch **bp, uint32_t caplen)
{
	struct batch *b = *bp;

	if (b->n < BATCH_PKTS && b->cap - b->used >= caplen)
		return true;
	if (b->n == 0)
		return true;	/* put grows an empty batch */
	hand_over(r, b);
	*bp = take_free(r);
	return *bp != NULL;
}

/* read_file reads one capture into batches; false to read no further
 * (an error, or the consumer stopped). The filter runs here, in user
 * space, so that the frames it rejects are still counted. */
static bool
read_file(struct reader *r, const char *path, struct batch **bp)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct bpf_program prog;
	enum capture_error cerr;
	struct capture_file cf;
	pcap_t *p;
	int rc, dlt;
	bool go_on = true, have_prog = false;
	uint32_t skipped = 0;
	uint64_t npkts = 0;

	p = capture_open_file(&cf, path, &cerr, r->err);
	if (p == NULL) {
		r->failed = true;
		return false;
	}
	if (!capture_check_link(p, path, r->err) ||
	    !capture_compile(p, &prog, &have_prog, r->filter, false, NULL,
	    r->err)) {
		capture_close_file(&cf);
		r->failed = true;
		return false;
	}
	dlt = pcap_datalink(p);
	for (;;) {
		rc = pcap_next_ex(p, &h, &bytes);
		if (rc != 1) {
			if (rc == PCAP_ERROR) {
				capture_read_error(p, path, npkts, r->err);
				r->failed = true;
				go_on = false;
			}
			break;
		}
		npkts++;
		if (have_prog && pcap_offline_filter(&prog, h, bytes) == 0) {
			skipped++;
			continue;
		}
		if (!make_room(r, bp, h->caplen)) {
			go_on = false;
			break;
		}
		put(*bp, h, bytes, dlt, skipped);
		skipped = 0;
	}
	if (have_prog)
		pcap_freecode(&prog);
	capture_close_file(&cf);
	return go_on;
}

static void *
run(void *arg)
{
	struct reader *r = arg;
	struct batch *b;
	size_t i;

	b = take_free(r);
	for (i = 0; b != NULL && i < r->nfiles; i++)
		if (!read_file(r, r->files[i], &b))
			break;
	if (b != NULL)
		hand_over(r, b);
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* stopping tells the capture thread whether the consumer stopped. */
static bool
stopping(struct reader *r)
{
	bool stop;

	pthread_mutex_lock(&r->mu);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	return stop;
}

/* read_stats reads the kernel's counters into |r->st|. */
static void
read_stats(struct reader *r)
{
	struct pcap_stat ps;

	if (pcap_stats(r->live, &ps) != 0)
		return;
	pthread_mutex_lock(&r->mu);
	r->st.recv = ps.ps_recv;
	r->st.drop = ps.ps_drop;
	r->st.ifdrop = ps.ps_ifdrop;
	r->st.valid = true;
	pthread_mutex_unlock(&r->mu);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* live_copy is libpcap's callback in the capture thread. */
static void
live_copy(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct reader *r = (struct reader *)arg;

	if (r->fill == NULL || !make_room(r, &r->fill, h->caplen)) {
		pcap_breakloop(r->live);
		return;
	}
	put(r->fill, h, bytes, r->dlt, 0);
}

/*
 * run_live drains the capture socket. The handle is non-blocking and the
 * thread polls its descriptor itself, so that it wakes up to look at the
 * stop flag and the counters even when nothing arrives (with TPACKET_V3
 * libpcap's own wait would block until a block of packets is full or
 * its timeout passes with a packet in it).
 */
static void *
run_live(void *arg)
{
	struct reader *r = arg;
	struct pollfd pfd;
	int64_t last_stats = 0, now;
	bool give;
	int rc;

	r->fill = take_free(r);
	pfd.fd = pcap_get_selectable_fd(r->live);
	while (r->fill != NULL) {
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd >= 0)
			(void)poll(&pfd, 1, LIVE_POLL_MS);
		if (stopping(r))
			break;
		rc = pcap_dispatch(r->live, -1, live_copy, (u_char *)r);
		if (rc == PCAP_ERROR) {
			snprintf(r->err, sizeof(r->err), "%s",
			    pcap_geterr(r->live));
			r->failed = true;
			break;
		}
		if (r->fill == NULL)
			break;
		now = mono_ms();
		if (now - last_stats >= LIVE_STATS_MS) {
			read_stats(r);
			last_stats = now;
		}
		/* Hand over what was read at once when the analysis has an
		 * empty batch to spare, that is when it keeps up; else keep
		 * filling this one. */
		if (r->fill->n == 0)
			continue;
		pthread_mutex_lock(&r->mu);
		give = r->free_list != NULL;
		pthread_mutex_unlock(&r->mu);
		if (give) {
			hand_over(r, r->fill);
			r->fill = take_free(r);
		}
	}
	read_stats(r);
	if (r->fill != NULL)
		hand_over(r, r->fill);
	r->fill = NULL;
	pthread_mutex_lock(&r->mu);
	r->done = true;
	pthread_cond_signal(&r->filled);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* destroy frees |r| once no thread uses it. */
static void
destroy(struct reader *r)
{
	size_t i;

	pthread_cond_destroy(&r->freed);
	pthread_cond_destroy(&r->filled);
	pthread_mutex_destroy(&r->mu);
	for (i = 0; i < r->nbatches; i++)
		free(r->all[i].data);
	if (r->live != NULL)
		pcap_close(r->live);
	free(r);
}

/* start allocates |nbatches| batches and starts |fn| in a thread. */
static struct reader *
start(struct reader *r, size_t nbatches, void *(*fn)(void *),
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	pthread_condattr_t ca;
	sigset_t all, old;
	size_t i;
	int rc;

	r->nbatches = nbatches;
	for (i = 0; i < nbatches; i++) {
		r->all[i].data = xreallocarray(NULL, BATCH_BYTES, 1);
		r->all[i].cap = BATCH_BYTES;
		r->all[i].next = r->free_list;
		r->free_list = &r->all[i];
	}
	pthread_mutex_init(&r->mu, NULL);
	/* reader_next_live waits on |filled| with a timeout: measure it on
	 * the monotonic clock, which date changes do not move. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->filled, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&r->freed, NULL);
	/* Signals (SIGINT, SIGUSR1) are for the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, fn, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot start the "
		    "reading thread: %s", strerror(rc));
		r->joined = true;
		destroy(r);
		return NULL;
	}
	return r;
}

struct reader *
reader_start(const char *const *files, size_t nfiles, const char *filter,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct reader *r;

	r = xcalloc(1, sizeof(*r) + NUM_BATCHES * sizeof(r->all[0]));
	r->files = files;
	r->nfiles = nfiles;
	r->filter = filter;
	return start(r, NUM_BATCHES, run, errbuf);
}

struct reader *
reader_start_live(pcap_t *p, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct reader *r;
	char pe[PCAP_ERRBUF_SIZE];

	r = xcalloc(1, sizeof(*r) + LIVE_BATCHES * sizeof(r->all[0]));
	r->live = p;
	r->dlt = pcap_datalink(p);
	if (pcap_setnonblock(p, 1, pe) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot make the "
		    "capture non-blocking: %s", pe);
		r->joined = true;
		destroy(r);
		return NULL;
	}
	return start(r, LIVE_BATCHES, run_live, errbuf);
}

enum reader_status
reader_next_live(struct reader *r, struct reader_pkt *out, int wait_ms)
{
	struct timespec dl;
	int rc = 0;

	if (r->cur == NULL || r->cur_i >= r->cur->n) {
		pthread_mutex_lock(&r->mu);
		if (r->cur != NULL) {
			r->cur->next = r->free_list;
			r->free_list = r->cur;
			r->cur = NULL;
			pthread_cond_signal(&r->freed);
		}
		if (wait_ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_sec += wait_ms / 1000;
			dl.tv_nsec += (long)(wait_ms % 1000) * 1000000;
			if (dl.tv_nsec >= 1000000000) {
				dl.tv_sec++;
				dl.tv_nsec -= 1000000000;
			}
		}
		while (r->full_head == NULL && !r->done && rc != ETIMEDOUT) {
			if (wait_ms >= 0)
				rc = pthread_cond_timedwait(&r->filled, &r->mu,
				    &dl);
			else
				pthread_cond_wait(&r->filled, &r->mu);
		}
		if (r->full_head != NULL) {
			r->cur = r->full_head;
			r->full_head = r->cur->next;
			if (r->full_head == NULL)
				r->full_tail = NULL;
			r->cur_i = 0;
		}
		pthread_mutex_unlock(&r->mu);
		if (r->cur == NULL || r->cur->n == 0)
			return rc == ETIMEDOUT ? READER_IDLE : READER_END;
	}
	*out = r->cur->pkt[r->cur_i++];
	out->drops = r->cur->drops;
	out->batch_end = r->cur_i == r->cur->n;
	return READER_PKT;
}

bool
reader_next(struct reader *r, struct reader_pkt *out)
{
	return reader_next_live(r, out, -1) == READER_PKT;
}

void
reader_live_stats(struct reader *r, struct reader_stats *out)
{
	pthread_mutex_lock(&r->mu);
	*out = r->st;
	pthread_mutex_unlock(&r->mu);
}

const char *
reader_error(const struct reader *r)
{
	/* Read once reader_next has returned false: the thread is done and
	 * the mutex ordered its last writes before that. */
	return r->failed ? r->err : NULL;
}

void
reader_stop(struct reader *r)
{
	if (r->joined)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->freed);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	r->joined = true;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	reader_stop(r);
	destroy(r);
}
