/* run.c - what the command line runs: capture files or an interface, through the analyzer, to the outputs. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "capture.h"
#include "knowledge.h"
#include "limits.h"
#include "out.h"
#include "pcapng_dsb.h"
#include "pktsave.h"
#include "pool.h"
#include "reader.h"
#include "run.h"
#include "timeline.h"
#include "util.h"

/* Live with --keylog: a packet is analysed this long after its capture,
 * so that the client has written the secrets of a handshake before its
 * ServerHello is read (tlsdiag reads the key log again then). */
#define LIVE_KEYLOG_HOLD_US	(250LL * 1000)

/* How long a reset connection waits for stragglers in live capture: the
 * packets of one host come in order within milliseconds. */
#define LIVE_LINGER_US	(500LL * 1000)

/* How long the live loop waits for a packet before it advances the clock
 * from the wall clock (ms), and how often it says that the kernel
 * dropped packets, when it did (seconds). */
#define LIVE_WAIT_MS		100
#define LIVE_DROP_NOTE_SECONDS	60

/* One run: the analyzer, the output and what is carried between them. */
struct run {
	const struct run_opts *o;
	struct analyzer	*a;		/* one thread; or */
	struct pool	*pool;		/* --threads */
	struct output	*out;
	int		 dlt;
	long long	 seen;		/* packets, for -c */
	bool		 save_all;	/* -w without a selection */
	struct pktsave	*save;		/* opened at the first packet */
	int64_t		 hold_us;	/* live: analyse a packet this late */
	bool		 fatal;		/* -w could not be opened: stop, and
					 * report nothing more */
	bool		 input_error;	/* |errbuf| says what */
	bool		 learning;	/* --two-pass, first pass: no output */
	char		 errbuf[CAPTURE_ERRBUF_SIZE];
};

/* note writes one line "tlsdiag: ..." to the run's error stream. */
static void
note(const struct run_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(const struct run_opts *o, const char *fmt, ...)
{
	va_list ap;

	/* What was reported before the note comes before it in 2>&1. */
	if (o->out != NULL)
		fflush(o->out);
	fputs("tlsdiag: ", o->err);
	va_start(ap, fmt);
	vfprintf(o->err, fmt, ap);
	va_end(ap);
	fputc('\n', o->err);
}

static void
on_conn(void *arg, struct tl_conn *c)
{
	struct run *r = arg;
	bool selected;

	if (r->learning)
		return;
	selected = out_conn(r->out, c);
	if (r->save != NULL)
		pktsave_decide(r->save, c->id, selected);
}

/* stop asks every loop to end, as a signal does. */
static void
stop(struct run *r)
{
	*r->o->stop = 1;
	if (r->o->cur != NULL && *r->o->cur != NULL)
		pcap_breakloop(*r->o->cur);
}

/* save_packet writes a packet to -w FILE, which it opens at the first
 * packet (the link type is the first packet's). */
static void
save_packet(struct run *r, int64_t ts_us, const uint8_t *data, size_t caplen,
    size_t len)
{
	char errbuf[PKTSAVE_ERRBUF_SIZE];

	if (r->save == NULL) {
		r->save = pktsave_open(r->o->save_path, r->dlt, r->save_all,
		    errbuf);
		if (r->save == NULL) {
			snprintf(r->errbuf, sizeof(r->errbuf), "%s", errbuf);
			r->fatal = true;
			stop(r);
			return;
		}
	}
	pktsave_packet(r->save, analyzer_packet_conn(r->a), r->dlt, ts_us,
	    data, caplen, len);
}

/* feed gives one packet to the analyzer and counts it against -c; it
 * stops the run when the count is reached. */
static void
feed(struct run *r, int64_t ts_us, const uint8_t *data, size_t caplen,
    size_t len)
{
	if (r->pool != NULL)
		pool_packet(r->pool, r->dlt, ts_us, data, caplen, len);
	else
		analyzer_packet(r->a, r->dlt, ts_us, data, caplen, len);
	if (r->o->save_path != NULL && !r->learning) {
		save_packet(r, ts_us, data, caplen, len);
		if (r->fatal)
			return;
	}
	r->seen++;
	if (r->o->count > 0 && r->seen >= r->o->count)
		stop(r);
}

/* reads_stream tells whether one of |files| can be read only once:
 * standard input or a pipe (capture_is_stream). */
static bool
reads_stream(const char *const *files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (capture_is_stream(files[i]))
			return true;
	return false;
}

/* cpus is the number of CPUs this process may run on (1 if unknown). */
static unsigned
cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0 ||
	    CPU_COUNT(&set) < 1)
		return 1;
	return (unsigned)CPU_COUNT(&set);
}

/*
 * use_reader tells whether to read |files| in a thread of their own: not
 * for standard input (a report must not wait for a batch to fill) and
 * not when this process may run on one CPU only.
 */
static bool
use_reader(const struct run_opts *o)
{
	if (o->read == RUN_READ_AHEAD)
		return true;
	if (o->read == RUN_READ_LOOP)
		return false;
	if (reads_stream(o->files, o->nfiles))
		return false;
	return cpus() > 1;
}

/*
 * thread_blocker names what keeps the analysis of |o| in one thread, or
 * returns NULL: what needs one thread's connection numbers (-w, --id),
 * what one thread's state carries across all connections (--two-pass,
 * --json=compact), what writes files as it goes (--extract-certs), and
 * standard input and live capture, whose reports must not wait for a
 * chunk to fill.
 */
static const char *
thread_blocker(const struct run_opts *o)
{
	if (o->nfiles == 0)
		return "live capture";
	if (reads_stream(o->files, o->nfiles))
		return "a pipe (-r -, a FIFO)";
	if (o->save_path != NULL)
		return "-w";
	if (o->oo.only_id != 0)
		return "--id";
	if (o->two_pass)
		return "--two-pass";
	if (o->ao.extract_dir != NULL)
		return "--extract-certs";
	if (o->oo.json && o->oo.json_form == OUT_JSON_COMPACT)
		return "--json=compact";
	return NULL;
}

/* run_threads is the number of analysis threads for |o|. */
static unsigned
run_threads(const struct run_opts *o)
{
	unsigned n = o->threads != 0 ? o->threads : cpus();

	return n > 1 && thread_blocker(o) == NULL ? n : 1;
}

/* skip_frames counts |n| frames the filter rejected. */
static void
skip_frames(struct run *r, uint64_t n)
{
	if (r->pool != NULL)
		pool_skip_frames(r->pool, n);
	else
		analyzer_skip_frames(r->a, n);
}

/* run_stats returns the run's counters so far (after the flush, with
 * --threads). */
static const struct analyzer_stats *
run_stats(struct run *r)
{
	return r->pool != NULL ? pool_stats(r->pool) : analyzer_stats(r->a);
}

/* run_free frees the analysis and the output. */
static void
run_free(struct run *r)
{
	pool_free(r->pool);
	analyzer_free(r->a);
	out_free(r->out);
}

static void
add_dsb(void *arg, const uint8_t *p, size_t len)
{
	struct run *r = arg;

	if (r->pool != NULL)
		pool_add_keylog(r->pool, p, len);
	else
		analyzer_add_keylog(r->a, p, len);
}

/*
 * use_embedded_keylogs: TLS key logs embedded in pcapng files
 * (Decryption Secrets Blocks), which libpcap does not hand on, are read
 * first and used as --keylog is (issue 15 case 10). Standard input
 * cannot be read twice: not there.
 */
static void
use_embedded_keylogs(struct run *r)
{
	const struct run_opts *o = r->o;
	struct pcapng_dsb_stats ds;
	size_t i;

	for (i = 0; i < o->nfiles; i++) {
		if (capture_is_stream(o->files[i]) ||
		    !pcapng_dsb_scan(o->files[i], add_dsb, r, &ds))
			continue;
		if (ds.tls > 0)
			note(o, "using the TLS key log embedded in %s (%zu "
			    "decryption secrets block%s)", o->files[i], ds.tls,
			    ds.tls == 1 ? "" : "s");
		if (ds.too_big > 0)
			note(o, "%s: %zu decryption secrets blocks over %d MiB "
			    "skipped", o->files[i], ds.too_big,
			    LIMIT_DSB_BYTES / (1024 * 1024));
	}
}

/*
 * run_start makes the output and the analyzer of a run; |ao| and |oo|
 * are the options as the run's kind of input adjusts them. It returns
 * false, having said why, when the analyzer cannot be made.
 */
static bool
run_start(struct run *r, const struct run_opts *o,
    const struct analyzer_opts *ao, const struct out_opts *oo)
{
	char aerr[ANALYZER_ERRBUF_SIZE];

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->out = out_new(oo, o->out);
	r->save_all = !oo->failures_only && oo->verdicts == NULL &&
	    oo->only_id == 0;
	if (run_threads(o) > 1)
		r->pool = pool_new(run_threads(o), ao, oo, r->out, aerr);
	else
		r->a = analyzer_new(ao, on_conn, r, aerr);
	if (r->a == NULL && r->pool == NULL) {
		out_free(r->out);
		note(o, "%s", aerr);
		return false;
	}
	return true;
}

/* close_save closes -w FILE and says what was not written. */
static void
close_save(struct run *r)
{
	struct pktsave_stats st;
	char perr[PKTSAVE_ERRBUF_SIZE];

	if (!pktsave_close(r->save, &st, perr)) {
		snprintf(r->errbuf, sizeof(r->errbuf), "%.200s: %.200s",
		    r->o->save_path, perr);
		r->input_error = true;
	}
	if (st.over_conn_cap > 0 || st.over_mem_cap > 0 || st.other_link > 0)
		note(r->o, "%s: %llu packets of %llu connections written; "
		    "not written: %llu past %d packets of one connection, "
		    "%llu past %d MiB held, %llu of another link type",
		    r->o->save_path, st.written, st.conns, st.over_conn_cap,
		    LIMIT_WRITE_CONN_PACKETS, st.over_mem_cap,
		    LIMIT_WRITE_BYTES / (1024 * 1024), st.other_link);
}

/*
 * warn_skipped: one line when frames were skipped at an ethertype
 * tlsdiag does not decode: connections may then be seen one way only
 * (issue 15 case 5).
 */
static void
warn_skipped(const struct run_opts *o, const struct analyzer_stats *st)
{
	size_t i;

	if (st->skipped == 0)
		return;
	fprintf(o->err, "tlsdiag: warning: %llu frames skipped, ethertype "
	    "not decoded (", (unsigned long long)st->skipped);
	for (i = 0; i < st->num_skipped_types; i++)
		fprintf(o->err, "%s0x%04x: %llu", i > 0 ? ", " : "",
		    st->skipped_types[i].type,
		    (unsigned long long)st->skipped_types[i].n);
	if (st->skipped_other > 0)
		fprintf(o->err, ", others: %llu",
		    (unsigned long long)st->skipped_other);
	fprintf(o->err, "); %llu connections seen in one direction only\n",
	    (unsigned long long)st->one_sided);
}

/* run_notes writes what the run noticed on the way, after the reports;
 * a failure to write --extract-certs is an input error. */
static void
run_notes(struct run *r)
{
	const struct analyzer_stats *st = run_stats(r);

	if (st->keylog_bad_lines > 0)
		note(r->o, "%llu malformed key log lines ignored",
		    (unsigned long long)st->keylog_bad_lines);
	if (r->pool != NULL && st->evicted > 0)
		note(r->o, "%llu connections evicted over --max-flows or "
		    "--max-memory, which the %u analysis threads share out, "
		    "each evicting from its own connections (--threads 1 "
		    "evicts as one)", (unsigned long long)st->evicted,
		    run_threads(r->o));
	if (st->clock_out_of_range > 0)
		note(r->o, "%llu packets stamped before 1970 or after 9999, "
		    "read as the previous packet's time",
		    (unsigned long long)st->clock_out_of_range);
	if (r->a != NULL && analyzer_extract_error(r->a) != NULL) {
		note(r->o, "--extract-certs: %llu certificates not written; "
		    "first error: %s", (unsigned long long)st->extract_errors,
		    analyzer_extract_error(r->a));
		r->input_error = true;
	}
	warn_skipped(r->o, st);
}

/*
 * run_finish reports the connections still open, closes -w, writes the
 * summary (with the kernel's counters |ps| of a live capture, or NULL)
 * and the notes, frees the run and returns the exit status.
 */
static int
run_finish(struct run *r, const struct reader_stats *ps)
{
	const struct run_opts *o = r->o;
	int rc = RUN_EXIT_DONE;

	if (r->fatal) {
		/* -w FILE did not open at the first packet: nothing more is
		 * written. */
		run_free(r);
		note(o, "%s", r->errbuf);
		return RUN_EXIT_INPUT;
	}
	if (r->pool != NULL)
		pool_flush(r->pool);
	else
		analyzer_flush(r->a);
	if (r->save != NULL)
		close_save(r);
	if (r->o->oo.summary)
		out_summary(r->out, run_stats(r),
		    ps != NULL ? (u_int)ps->recv : 0,
		    ps != NULL ? (u_int)ps->drop : 0, ps != NULL);
	else if (ps != NULL)
		note(o, "%u packets received, %u dropped by the kernel",
		    (u_int)ps->recv, (u_int)ps->drop);
	run_notes(r);
	if (o->exit_failed && out_failures(r->out) > 0)
		rc = RUN_EXIT_FAILURES;
	run_free(r);
	if (fflush(o->out) != 0 || ferror(o->out)) {
		note(o, "error writing output: %s", strerror(errno));
		return RUN_EXIT_INPUT;
	}
	if (r->input_error) {
		if (r->errbuf[0] != '\0')
			note(o, "%s", r->errbuf);
		return RUN_EXIT_INPUT;
	}
	return rc;
}

/* check_files opens every file (not standard input) and checks its link
 * type and the filter, before any is read. */
static bool
check_files(const struct run_opts *o, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	enum capture_error cerr;
	struct capture_file cf;
	size_t i;
	pcap_t *p;

	for (i = 0; i < o->nfiles; i++) {
		if (capture_is_stream(o->files[i]))
			continue;
		p = capture_open_file(&cf, o->files[i], &cerr, errbuf);
		if (p == NULL)
			return false;
		if (!capture_check_link(p, o->files[i], errbuf) ||
		    !capture_set_filter(p, o->filter, false, NULL, errbuf)) {
			capture_close_file(&cf);
			return false;
		}
		capture_close_file(&cf);
	}
	return true;
}

/* read_ahead analyses what the read-ahead thread reads. */
static void
read_ahead(struct run *r, struct reader *rd)
{
	struct reader_pkt k;
	const char *why;

	while (!*r->o->stop && reader_next(rd, &k)) {
		r->dlt = k.dlt;
		skip_frames(r, k.skipped);
		feed(r, k.ts_us, k.data, k.caplen, k.len);
	}
	if (!*r->o->stop && (why = reader_error(rd)) != NULL) {
		snprintf(r->errbuf, sizeof(r->errbuf), "%s", why);
		r->input_error = true;
	}
}

/* read_file analyses the file |p| in this thread; the filter |prog| runs
 * in user space, so that the frames it rejects are still counted. It
 * returns false after a read error. */
static bool
read_file(struct run *r, pcap_t *p, const char *path,
    const struct bpf_program *prog, bool have_prog)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	unsigned long long npkts = 0;
	int rc;

	while (!*r->o->stop) {
		rc = pcap_next_ex(p, &h, &bytes);
		if (rc == 1) {
			npkts++;
			if (have_prog && pcap_offline_filter(prog, h,
			    bytes) == 0)
				skip_frames(r, 1);
			else
				feed(r, time_us(h->ts.tv_sec, h->ts.tv_usec),
				    bytes, h->caplen, h->len);
			continue;
		}
		/* A signal interrupts a read from a pipe: that is the stop
		 * asked for, not an error. */
		if (rc == PCAP_ERROR && !*r->o->stop) {
			/* Report what came before the cut first; the error
			 * line comes last. */
			capture_read_error(p, path, npkts, r->errbuf);
			return false;
		}
		break;
	}
	return true;
}

/* read_loop analyses the files one after the other in this thread. */
static void
read_loop(struct run *r)
{
	const struct run_opts *o = r->o;
	enum capture_error cerr;
	struct bpf_program prog;
	struct capture_file cf;
	bool have_prog, ok;
	size_t i;
	pcap_t *p;

	for (i = 0; i < o->nfiles && !*o->stop; i++) {
		p = capture_open_file(&cf, o->files[i], &cerr, r->errbuf);
		if (p == NULL) {
			r->input_error = true;
			break;
		}
		if (!capture_check_link(p, o->files[i], r->errbuf) ||
		    !capture_compile(p, &prog, &have_prog, o->filter, false,
		    NULL, r->errbuf)) {
			capture_close_file(&cf);
			r->input_error = true;
			break;
		}
		r->dlt = pcap_datalink(p);
		if (o->cur != NULL)
			*o->cur = p;
		ok = read_file(r, p, o->files[i], &prog, have_prog);
		if (o->cur != NULL)
			*o->cur = NULL;
		if (have_prog)
			pcap_freecode(&prog);
		capture_close_file(&cf);
		if (!ok) {
			r->input_error = true;
			break;
		}
	}
}

/* read_all reads every file of the run once, through the read-ahead
 * thread when it helps. */
static void
read_all(struct run *r)
{
	const struct run_opts *o = r->o;
	struct reader *rd = NULL;

	use_embedded_keylogs(r);
	if (r->pool == NULL && use_reader(o))
		rd = reader_start(o->files, o->nfiles, o->filter, r->errbuf);
	if (rd != NULL) {
		read_ahead(r, rd);
		reader_free(rd);
	} else
		read_loop(r);
}

/*
 * learn_pass is the first pass of --two-pass: the files read through an
 * analyzer that reports nothing, for what they show about servers (|kb|).
 * It returns false, having written why, on an input error.
 */
static bool
learn_pass(const struct run_opts *o, struct kb *kb)
{
	struct analyzer_opts ao = o->ao;
	struct out_opts oo = o->oo;
	struct run r;
	bool ok;

	ao.kb = kb;
	ao.extract_dir = NULL;
	oo.summary = false;
	if (!run_start(&r, o, &ao, &oo))
		return false;
	r.learning = true;
	read_all(&r);
	analyzer_flush(r.a);
	/* -c stops a pass; the second one counts again. */
	if (o->count > 0 && r.seen >= o->count)
		*o->stop = 0;
	ok = !r.input_error;
	if (!ok && r.errbuf[0] != '\0')
		note(o, "%s", r.errbuf);
	analyzer_free(r.a);
	out_free(r.out);
	return ok;
}

int
run_files(const struct run_opts *o)
{
	char errbuf[CAPTURE_ERRBUF_SIZE];
	struct out_opts oo = o->oo;
	struct analyzer_opts ao = o->ao;
	struct kb *kb = NULL;
	struct run r;
	int rc;

	if (!check_files(o, errbuf)) {
		note(o, "%s", errbuf);
		return RUN_EXIT_INPUT;
	}
	if (o->threads_given && o->threads != 1 && thread_blocker(o) != NULL)
		note(o, "--threads: one analysis thread with %s",
		    thread_blocker(o));
	/* From a pipe (tcpdump -w - | tlsdiag -r -): each report as its
	 * connection ends. */
	oo.flush_each = oo.flush_each || reads_stream(o->files, o->nfiles);
	if (o->two_pass && !reads_stream(o->files, o->nfiles)) {
		kb = kb_new();
		if (!learn_pass(o, kb)) {
			kb_free(kb);
			return RUN_EXIT_INPUT;
		}
		if (*o->stop) {		/* interrupted while learning */
			kb_free(kb);
			return RUN_EXIT_DONE;
		}
		ao.kb = kb;
	}
	if (!run_start(&r, o, &ao, &oo)) {
		kb_free(kb);
		return RUN_EXIT_INPUT;
	}
	read_all(&r);
	rc = run_finish(&r, NULL);
	kb_free(kb);
	return rc;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return time_us(tv.tv_sec, tv.tv_usec);
}

/* live_feed gives one captured packet to the analyzer; when the kernel's
 * drop counter rose, the open connections are marked, once when that is
 * seen and once more at the end of that batch (a connection may have
 * opened among its packets). */
static void
live_feed(struct run *r, const struct reader_pkt *k, uint64_t *drops,
    bool *again)
{
	int64_t now, due;

	if (r->hold_us > 0) {
		/* Give the client time to write its key log. */
		now = wall_us();
		due = k->ts_us + r->hold_us;
		if (due > now && due - now <= r->hold_us)
			usleep((useconds_t)(due - now));
	}
	if (k->drops > *drops) {
		*drops = k->drops;
		*again = true;
		analyzer_capture_lost(r->a);
	}
	r->dlt = k->dlt;
	feed(r, k->ts_us, k->data, k->caplen, k->len);
	if (k->batch_end && *again) {
		*again = false;
		analyzer_capture_lost(r->a);
	}
}

static void
print_live_stats(struct run *r, struct reader *rd)
{
	struct reader_stats ps;

	reader_live_stats(rd, &ps);
	if (ps.valid)
		note(r->o, "%llu packets received, %llu dropped by the kernel, "
		    "%llu by the interface; %llu connections",
		    (unsigned long long)ps.recv, (unsigned long long)ps.drop,
		    (unsigned long long)ps.ifdrop,
		    (unsigned long long)analyzer_stats(r->a)->connections);
}

/* Between packets of a live capture: the counters and the summary so far
 * when asked (SIGUSR1, --summary-interval), a note when the kernel
 * dropped packets. */
struct live_clock {
	int64_t		 next_summary;	/* 0: not yet set */
	int64_t		 next_note;
	uint64_t	 noted;		/* drops said so far */
};

static void
live_between(struct run *r, struct reader *rd, struct live_clock *lc)
{
	const struct run_opts *o = r->o;
	struct reader_stats ps;
	int64_t now = wall_us();

	if (o->summary_us > 0 && lc->next_summary == 0)
		lc->next_summary = now + o->summary_us;
	if (o->stats != NULL && *o->stats) {
		*o->stats = 0;
		print_live_stats(r, rd);
		/* SIGUSR1: the summary so far, at once. */
		if (o->oo.summary)
			out_summary_interim(r->out, analyzer_stats(r->a), now);
	}
	if (o->summary_us > 0 && now >= lc->next_summary) {
		out_summary_interim(r->out, analyzer_stats(r->a), now);
		lc->next_summary = now + o->summary_us;
	}
	if (mono_us() >= lc->next_note) {
		lc->next_note += LIVE_DROP_NOTE_SECONDS * 1000000LL;
		reader_live_stats(rd, &ps);
		if (ps.valid && ps.drop > lc->noted) {
			note(o, "the kernel dropped %llu packets in the last "
			    "%d s (%llu of %llu so far); try a larger -B",
			    (unsigned long long)(ps.drop - lc->noted),
			    LIVE_DROP_NOTE_SECONDS,
			    (unsigned long long)ps.drop,
			    (unsigned long long)ps.recv);
			lc->noted = ps.drop;
		}
	}
}

/*
 * live_loop analyses what the capture thread reads until a signal or -c
 * stops it. When nothing arrives for LIVE_WAIT_MS the analyzer's clock
 * moves on with the wall clock, so that reset and idle connections are
 * reported without further traffic; it is held back by the capture
 * timeout, the age a packet still in the kernel's current block may have.
 * The packets captured before the stop are still analysed.
 */
static void
live_loop(struct run *r, struct reader *rd)
{
	struct live_clock lc;
	struct reader_pkt k;
	enum reader_status st;
	uint64_t drops = 0;
	bool again = false;

	memset(&lc, 0, sizeof(lc));
	lc.next_note = mono_us() + LIVE_DROP_NOTE_SECONDS * 1000000LL;
	while (!*r->o->stop) {
		st = reader_next_live(rd, &k, LIVE_WAIT_MS);
		if (st == READER_PKT)
			live_feed(r, &k, &drops, &again);
		else if (st == READER_IDLE)
			analyzer_tick(r->a, wall_us() -
			    CAPTURE_TIMEOUT_MS * 1000LL);
		else
			break;
		live_between(r, rd, &lc);
	}
	reader_stop(rd);
	/* -c stops at its count; a signal or an error keeps what was
	 * captured before it. */
	while (!r->fatal && !(r->o->count > 0 && r->seen >= r->o->count) &&
	    reader_next_live(rd, &k, 0) == READER_PKT)
		live_feed(r, &k, &drops, &again);
	if (reader_error(rd) != NULL) {
		snprintf(r->errbuf, sizeof(r->errbuf), "%s: %s",
		    r->o->live.iface, reader_error(rd));
		r->input_error = true;
	}
}

/* open_live opens the interface, installs the filter and drops
 * privileges; NULL, with |errbuf| filled, when one of them fails. */
static pcap_t *
open_live(const struct run_opts *o, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	enum capture_error cerr;
	pcap_t *p;

	p = capture_open_live(&o->live, &cerr, errbuf);
	if (p == NULL)
		return NULL;
	if (!capture_check_link(p, o->live.iface, errbuf) ||
	    !capture_set_filter(p, o->filter, true, o->live.iface, errbuf) ||
	    !capture_drop_privileges(o->user, errbuf)) {
		pcap_close(p);
		return NULL;
	}
	return p;
}

int
run_live(const struct run_opts *o)
{
	char errbuf[CAPTURE_ERRBUF_SIZE];
	struct analyzer_opts ao = o->ao;
	struct out_opts oo = o->oo;
	struct reader_stats rs;
	struct reader *rd;
	struct run r;
	pcap_t *p;

	p = open_live(o, errbuf);
	if (p == NULL) {
		note(o, "%s", errbuf);
		return RUN_EXIT_INPUT;
	}
	/* A reset is reported after half a second, not after the 5 s that
	 * a capture file may need for stragglers; each report as its
	 * connection ends. */
	ao.linger_us = LIVE_LINGER_US;
	oo.flush_each = true;
	if (!run_start(&r, o, &ao, &oo)) {
		pcap_close(p);
		return RUN_EXIT_INPUT;
	}
	if (ao.keylog_files != NULL && ao.keylog_files[0] != NULL)
		r.hold_us = LIVE_KEYLOG_HOLD_US;
	/* The reader owns |p|, even when it fails. */
	rd = reader_start_live(p, r.errbuf);
	if (rd == NULL) {
		r.input_error = true;
		return run_finish(&r, NULL);
	}
	live_loop(&r, rd);
	reader_live_stats(rd, &rs);
	reader_free(rd);
	return run_finish(&r, rs.valid ? &rs : NULL);
}
