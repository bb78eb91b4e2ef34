/* run.h - what the command line runs: capture files or an interface, through the analyzer, to the outputs. */
#ifndef TLSDIAG_RUN_H
#define TLSDIAG_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "capture.h"
#include "out.h"

/* Exit statuses (documented in tlsdiag(1) and README.md). */
#define RUN_EXIT_DONE		0
#define RUN_EXIT_USAGE		1
#define RUN_EXIT_INPUT		2	/* input, capture or environment error */
#define RUN_EXIT_FAILURES	3	/* --exit-failed: failed handshakes seen */

/* How run_files reads its files. */
enum run_read {
	RUN_READ_AUTO,		/* the read-ahead thread when it helps */
	RUN_READ_AHEAD,		/* the read-ahead thread of reader.c */
	RUN_READ_LOOP,		/* pcap_next_ex in this thread */
};

struct run_opts {
	/* Input: -r files (run_files) or -i (run_live). */
	const char *const *files;	/* |nfiles|, "-" standard input */
	size_t		 nfiles;
	enum run_read	 read;
	struct capture_live_opts live;	/* -i, -s, -B, -p, --fanout */
	const char	*user;		/* -Z: run as this user after opening */
	const char	*filter;	/* BPF expression, or NULL */
	long long	 count;		/* -c, 0: no limit */
	/* Analysis and output. */
	struct analyzer_opts ao;
	struct out_opts	 oo;
	const char	*save_path;	/* -w, or NULL */
	bool		 exit_failed;	/* --exit-failed */
	/* --two-pass: read the files once to learn what they show about
	 * servers (knowledge.h), then again to report, so that a chain first
	 * seen late explains earlier connections too. Not for stdin. */
	bool		 two_pass;
	/* --threads: worker threads for the analysis of files (pool.h); 0:
	 * the CPUs this process may use. One thread where the output depends
	 * on one thread's numbering or state: standard input, -w, --id,
	 * --two-pass, --extract-certs, --json=compact (run_threads). */
	unsigned	 threads;
	bool		 threads_given;	/* on the command line: say so when
					 * one thread is used instead */
	int64_t		 summary_us;	/* live --summary-interval, 0: none */
	/* The reports go to |out|; notes, warnings and errors, each a line
	 * starting "tlsdiag: ", to |err|. */
	FILE		*out;
	FILE		*err;
	/*
	 * The caller's signal flags: |stop| ends the reading (the packets
	 * read so far are still reported), |stats| (live, may be NULL) asks
	 * for the counters and the summary so far. -c sets |stop| too. While
	 * a file is read in this thread, |*cur| (if |cur| is not NULL) is
	 * its handle, for the signal handler's pcap_breakloop.
	 */
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *stats;
	pcap_t *volatile *cur;
};

/*
 * run_files reads o->files as one timeline: it opens every file and
 * checks its link type and the filter before it reads any, reads them in
 * turn (by the read-ahead thread or a pcap_next_ex loop), and writes the
 * reports, then the summary and the notes. It returns the exit status.
 */
int	run_files(const struct run_opts *o);
/*
 * run_live captures on o->live.iface until *o->stop is set or -c is
 * reached, after dropping privileges to o->user, and writes the reports
 * as the connections end. It returns the exit status.
 */
int	run_live(const struct run_opts *o);

#endif
