/* reader.c - capture files read ahead in a thread of their own. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "util.h"

/* A batch is a run of packets copied out of libpcap's buffer; the
 * threads hand whole batches to each other, so they meet about once per
 * megabyte, not once per packet. */
#define BATCH_BYTES	(1024 * 1024)
#define BATCH_PKTS	4096
#define NUM_BATCHES	4

struct batch {
	uint8_t			*data;
	size_t			 cap;
	size_t			 used;
	struct reader_pkt	 pkt[BATCH_PKTS];
	size_t			 n;
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
	struct batch		 all[NUM_BATCHES];
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
		if (r->full_tail != NULL)
			r->full_tail->next = b;
		else
			r->full_head = b;
		r->full_tail = b;
		pthread_cond_signal(&r->filled);
	}
	pthread_mutex_unlock(&r->mu);
}

/* read_file reads one capture into batches; false to read no further
 * (an error, or the consumer stopped). */
static bool
read_file(struct reader *r, const char *path, struct batch **bp)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	enum capture_error cerr;
	struct batch *b = *bp;
	pcap_t *p;
	int rc, dlt;
	bool go_on = true;

	p = capture_open_file(path, &cerr, r->err);
	if (p == NULL) {
		r->failed = true;
		return false;
	}
	if (!capture_check_link(p, path, r->err) ||
	    !capture_set_filter(p, r->filter, false, NULL, r->err)) {
		pcap_close(p);
		r->failed = true;
		return false;
	}
	dlt = pcap_datalink(p);
	for (;;) {
		struct reader_pkt *k;

		rc = pcap_next_ex(p, &h, &bytes);
		if (rc != 1) {
			if (rc == PCAP_ERROR) {
				snprintf(r->err, sizeof(r->err), "%s: %s (the "
				    "connections before this point are "
				    "reported)", path, pcap_geterr(p));
				r->failed = true;
				go_on = false;
			}
			break;
		}
		if (b->n == BATCH_PKTS || b->cap - b->used < h->caplen) {
			hand_over(r, b);
			b = take_free(r);
			if (b == NULL) {
				go_on = false;
				break;
			}
		}
		if (b->cap < h->caplen) {
			/* Larger than a whole batch: libpcap allows up to
			 * its own snapshot maximum. */
			b->data = xreallocarray(b->data, h->caplen, 1);
			b->cap = h->caplen;
		}
		k = &b->pkt[b->n++];
		k->ts_us = time_us(h->ts.tv_sec, h->ts.tv_usec);
		k->caplen = h->caplen;
		k->len = h->len;
		k->dlt = dlt;
		memcpy(b->data + b->used, bytes, h->caplen);
		k->data = b->data + b->used;
		b->used += h->caplen;
	}
	pcap_close(p);
	*bp = b;
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

/* destroy frees |r| once no thread uses it. */
static void
destroy(struct reader *r)
{
	size_t i;

	pthread_cond_destroy(&r->freed);
	pthread_cond_destroy(&r->filled);
	pthread_mutex_destroy(&r->mu);
	for (i = 0; i < NUM_BATCHES; i++)
		free(r->all[i].data);
	free(r);
}

struct reader *
reader_start(const char *const *files, size_t nfiles, const char *filter,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct reader *r;
	sigset_t all, old;
	size_t i;
	int rc;

	r = xcalloc(1, sizeof(*r));
	r->files = files;
	r->nfiles = nfiles;
	r->filter = filter;
	for (i = 0; i < NUM_BATCHES; i++) {
		r->all[i].data = xreallocarray(NULL, BATCH_BYTES, 1);
		r->all[i].cap = BATCH_BYTES;
		r->all[i].next = r->free_list;
		r->free_list = &r->all[i];
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->filled, NULL);
	pthread_cond_init(&r->freed, NULL);
	/* Signals (SIGINT, SIGUSR1) are for the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot start the "
		    "reading thread: %s", strerror(rc));
		destroy(r);
		return NULL;
	}
	return r;
}

bool
reader_next(struct reader *r, struct reader_pkt *out)
{
	if (r->cur != NULL && r->cur_i < r->cur->n) {
		*out = r->cur->pkt[r->cur_i++];
		return true;
	}
	pthread_mutex_lock(&r->mu);
	if (r->cur != NULL) {
		r->cur->next = r->free_list;
		r->free_list = r->cur;
		r->cur = NULL;
		pthread_cond_signal(&r->freed);
	}
	while (r->full_head == NULL && !r->done)
		pthread_cond_wait(&r->filled, &r->mu);
	if (r->full_head != NULL) {
		r->cur = r->full_head;
		r->full_head = r->cur->next;
		if (r->full_head == NULL)
			r->full_tail = NULL;
		r->cur_i = 0;
	}
	pthread_mutex_unlock(&r->mu);
	if (r->cur == NULL || r->cur->n == 0)
		return false;
	*out = r->cur->pkt[r->cur_i++];
	return true;
}

const char *
reader_error(const struct reader *r)
{
	/* Read once reader_next has returned false: the thread is done and
	 * the mutex ordered its last writes before that. */
	return r->failed ? r->err : NULL;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->freed);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	destroy(r);
}
