/* main.c - tlsdiag: argv, wiring, exit status; nothing testable lives here. */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "capture.h"
#include "jsonl.h"
#include "limits.h"
#include "out.h"
#include "pcapng_dsb.h"
#include "pktsave.h"
#include "reader.h"
#include "summary.h"
#include "timeline.h"
#include "util.h"
#include "verdict.h"

/* Exit codes (documented in tlsdiag(1) and README.md). */
#define EXIT_DONE	0
#define EXIT_USAGE	1
#define EXIT_INPUT	2	/* input, capture or environment error */
#define EXIT_FAILURES	3	/* --exit-failed: failed handshakes seen */

#define MAX_FILES	256

/* Live with --keylog: a packet is analysed this long after its capture,
 * so that the client has written the secrets of a handshake before its
 * ServerHello is read (tlsdiag reads the key log again then). */
#define LIVE_KEYLOG_HOLD_US	(250LL * 1000)

/* How long a reset connection waits for stragglers in live capture: the
 * packets of one host come in order within milliseconds. */
#define LIVE_LINGER_US	(500LL * 1000)

/*
 * The only global mutable state: the signal handler sets these flags and
 * breaks the capture loop. |cur| is the handle being read, so that the
 * handler can call pcap_breakloop (which is async-signal-safe).
 */
static volatile sig_atomic_t	 stop_flag;
static volatile sig_atomic_t	 stats_flag;
static pcap_t *volatile		 cur;

enum {
	OPT_SUMMARY = 256,
	OPT_FAILURES,
	OPT_VERDICT,
	OPT_COLOR,
	OPT_CA_FILE,
	OPT_CA_PATH,
	OPT_CLIENT_CA_FILE,
	OPT_EXTRACT,
	OPT_KEYLOG,
	OPT_MAX_FLOWS,
	OPT_MAX_STREAM,
	OPT_MAX_MEMORY,
	OPT_IDLE,
	OPT_EXIT_FAILED,
	OPT_ID,
	OPT_ABSOLUTE_TIME,
	OPT_FROM_JSON,
	OPT_SUMMARY_INTERVAL,
	OPT_FANOUT,
	OPT_SHARD,
};

static const struct option longopts[] = {
	{ "read",		required_argument,	NULL, 'r' },
	{ "interface",		required_argument,	NULL, 'i' },
	{ "filter",		required_argument,	NULL, 'f' },
	{ "list-interfaces",	no_argument,		NULL, 'D' },
	{ "snapshot-length",	required_argument,	NULL, 's' },
	{ "snaplen",		required_argument,	NULL, 's' },
	{ "count",		required_argument,	NULL, 'c' },
	{ "buffer-size",	required_argument,	NULL, 'B' },
	{ "no-promiscuous-mode", no_argument,		NULL, 'p' },
	{ "relinquish-privileges", required_argument,	NULL, 'Z' },
	{ "json",		optional_argument,	NULL, 'j' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "summary",		no_argument,		NULL, OPT_SUMMARY },
	{ "failures",		no_argument,		NULL, OPT_FAILURES },
	{ "verdict",		required_argument,	NULL, OPT_VERDICT },
	{ "color",		optional_argument,	NULL, OPT_COLOR },
	{ "colour",		optional_argument,	NULL, OPT_COLOR },
	{ "ca-file",		required_argument,	NULL, OPT_CA_FILE },
	{ "ca-path",		required_argument,	NULL, OPT_CA_PATH },
	{ "client-ca-file",	required_argument,	NULL, OPT_CLIENT_CA_FILE },
	{ "extract-certs",	required_argument,	NULL, OPT_EXTRACT },
	{ "keylog",		required_argument,	NULL, OPT_KEYLOG },
	{ "max-flows",		required_argument,	NULL, OPT_MAX_FLOWS },
	{ "max-stream-bytes",	required_argument,	NULL, OPT_MAX_STREAM },
	{ "max-memory",		required_argument,	NULL, OPT_MAX_MEMORY },
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE },
	{ "exit-failed",	no_argument,		NULL, OPT_EXIT_FAILED },
	{ "id",			required_argument,	NULL, OPT_ID },
	{ "absolute-time",	no_argument,		NULL, OPT_ABSOLUTE_TIME },
	{ "from-json",		no_argument,		NULL, OPT_FROM_JSON },
	{ "summary-interval",	required_argument,	NULL,
	    OPT_SUMMARY_INTERVAL },
	{ "write",		required_argument,	NULL, 'w' },
	{ "fanout",		required_argument,	NULL, OPT_FANOUT },
	{ "shard",		required_argument,	NULL, OPT_SHARD },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: tlsdiag [options] -r FILE [-r FILE ...] [filter expression]\n"
"       tlsdiag [options] -i IFACE [filter expression]\n"
"       tlsdiag -D\n"
"\n"
"Explains why TLS handshakes fail, from packets.\n"
"\n"
"Input:\n"
"  -r, --read FILE           read a pcap or pcapng file (- for stdin); repeat\n"
"                            to read several files as one timeline\n"
"  -i, --interface IFACE     capture live on IFACE\n"
"  -f, --filter EXPR         BPF filter (or give it as trailing words)\n"
"  -D, --list-interfaces     list interfaces for -i and exit\n"
"  -s, --snaplen N           live snapshot length (default 262144)\n"
"  -c, --count N             stop after N packets\n"
"  -B, --buffer-size KiB     live capture buffer size (default %d)\n"
"  -p, --no-promiscuous-mode do not put the interface in promiscuous mode\n"
"      --fanout ID[,MODE]    share the interface with other tlsdiag processes\n"
"                            in AF_PACKET fanout group ID (Linux); MODE hash\n"
"                            (default: whole connections), lb or cpu\n"
"  -Z, --relinquish-privileges USER\n"
"                            after opening the interface as root, run as\n"
"                            USER (default nobody; root keeps root)\n"
"Output:\n"
"  -j, --json[=FORM]         one JSON object per connection, per line;\n"
"                            FORM full (default), compact (each distinct\n"
"                            certificate once, then its SHA-256) or ecs\n"
"                            (Elastic Common Schema)\n"
"  -q, --quiet               one line per connection\n"
"  -v, --verbose             offered versions, suites, groups, extensions\n"
"      --summary             at the end: per service, failures by cause,\n"
"                            for whom, since when\n"
"      --summary-interval SEC  live: also print the summary every SEC\n"
"                            seconds (and on SIGUSR1), counted since start\n"
"      --from-json FILE...   the summary of JSON lines tlsdiag wrote\n"
"                            (- for stdin), with --summary\n"
"      --failures            only failed or incomplete connections\n"
"      --verdict CODE[,CODE] only connections with these verdict codes,\n"
"                            families (client_cert, server_cert) or\n"
"                            outcomes (failed, suspect, incomplete, ...)\n"
"      --id N                only connection number N\n"
"  -w, --write FILE          save the packets of the connections reported\n"
"                            (after --failures, --verdict, --id, a filter)\n"
"                            to a pcap file\n"
"      --absolute-time       event times as dates (tcpdump -tttt), not ms\n"
"      --color[=WHEN]        auto (default), always or never\n"
"      --extract-certs DIR   write every distinct certificate as PEM to DIR\n"
"Checks and keys:\n"
"      --ca-file FILE        CA store the clients use, to verify servers\n"
"      --ca-path DIR         hashed CA directory, likewise\n"
"      --client-ca-file FILE CA store the server uses, to verify clients\n"
"      --keylog FILE         NSS key log (SSLKEYLOGFILE) to decrypt; repeat;\n"
"                            default: $SSLKEYLOGFILE when set\n"
"Limits:\n"
"      --max-flows N         connections tracked at once (default %d)\n"
"      --max-stream-bytes N  bytes held out of order per direction (default %d)\n"
"      --max-memory MiB      connection state and buffered payload\n"
"                            (default %d)\n"
"      --idle-timeout SEC    report a connection idle this long (default %d;\n"
"                            5 times as long after its handshake)\n"
"      --shard K/N           analyse only the connections in shard K of N\n"
"                            (1 <= K <= N, by a hash of the connection's\n"
"                            addresses and ports): N processes split a\n"
"                            capture; their JSON lines concatenate\n"
"Exit status:\n"
"      --exit-failed         exit 3 when a failed or incomplete handshake\n"
"                            was seen\n"
"  -h, --help                this help\n"
"  -V, --version             version\n"
"\n"
"Exit codes: 0 done, 1 usage error, 2 input or capture error, 3 failed\n"
"handshakes seen (with --exit-failed).\n",
	    CAPTURE_BUFFER_KIB_DEFAULT, LIMIT_FLOWS_DEFAULT,
	    LIMIT_OOO_BYTES_DEFAULT,
	    LIMIT_MEMORY_MB_DEFAULT, LIMIT_IDLE_SECONDS_DEFAULT);
}

static void
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tlsdiag: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tlsdiag --help' for more information.\n");
	exit(EXIT_USAGE);
}

static long long
num_arg(const char *name, const char *s, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max)
		usage_error("invalid number for %s", name);
	return v;
}

/*
 * shard_arg parses --shard K/N: decimal digits only, 1 <= K <= N <= 65536.
 */
static bool
shard_arg(const char *s, uint32_t *k, uint32_t *n)
{
	unsigned long v[2];
	const char *p = s;
	char *end;
	int i;

	for (i = 0; i < 2; i++) {
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno != 0 || v[i] < 1 || v[i] > 65536)
			return false;
		if (*end != (i == 0 ? '/' : '\0'))
			return false;
		p = end + 1;
	}
	if (v[0] > v[1])
		return false;
	*k = (uint32_t)v[0];
	*n = (uint32_t)v[1];
	return true;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		stats_flag = 1;
	else
		stop_flag = 1;
	if (cur != NULL && sig != SIGUSR1)
		pcap_breakloop(cur);
}

struct ctx {
	struct analyzer	*a;
	struct output	*out;
	int		 dlt;
	long long	 count;		/* -c, 0: no limit */
	long long	 seen;
	const char	*save_path;	/* -w */
	bool		 save_all;	/* -w without a selection */
	struct pktsave	*save;		/* opened at the first packet */
	int64_t		 hold_us;	/* live: analyse a packet this late */
	bool		 summary;	/* SIGUSR1 prints the summary too */
	int64_t		 summary_us;	/* --summary-interval, 0: none */
};

static void
on_conn(void *arg, struct tl_conn *c)
{
	struct ctx *x = arg;
	bool selected;

	selected = out_conn(x->out, c);
	if (x->save != NULL)
		pktsave_decide(x->save, c->id, selected);
}

/* feed gives one packet to the analyzer and counts it against -c; it
 * sets stop_flag when the count is reached. */
static void
feed(struct ctx *x, int64_t ts_us, const uint8_t *data, size_t caplen,
    size_t len)
{
	analyzer_packet(x->a, x->dlt, ts_us, data, caplen, len);
	if (x->save_path != NULL) {
		if (x->save == NULL) {
			char errbuf[PKTSAVE_ERRBUF_SIZE];

			/* The link type is the first packet's. */
			x->save = pktsave_open(x->save_path, x->dlt,
			    x->save_all, errbuf);
			if (x->save == NULL)
				errx(EXIT_INPUT, "%s", errbuf);
		}
		pktsave_packet(x->save, analyzer_packet_conn(x->a), x->dlt,
		    ts_us, data, caplen, len);
	}
	x->seen++;
	if (x->count > 0 && x->seen >= x->count) {
		stop_flag = 1;
		if (cur != NULL)
			pcap_breakloop(cur);
	}
}

static void
on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *bytes)
{
	feed((struct ctx *)arg, time_us(h->ts.tv_sec, h->ts.tv_usec), bytes,
	    h->caplen, h->len);
}

/* reads_stdin tells whether one of |files| is "-", standard input. */
static bool
reads_stdin(const char *const *files, size_t nfiles)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") == 0)
			return true;
	return false;
}

/*
 * use_reader tells whether to read |files| in a thread of their own: not
 * for standard input (a report must not wait for a batch to fill) and
 * not when this process may run on one CPU only.
 */
static bool
use_reader(const char *const *files, size_t nfiles)
{
	cpu_set_t set;

	if (reads_stdin(files, nfiles))
		return false;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return false;
	return CPU_COUNT(&set) > 1;
}

static void
print_live_stats(struct reader *rd, const struct analyzer *a)
{
	struct reader_stats ps;

	reader_live_stats(rd, &ps);
	if (ps.valid)
		fprintf(stderr, "tlsdiag: %llu packets received, %llu dropped "
		    "by the kernel, %llu by the interface; %llu connections\n",
		    (unsigned long long)ps.recv, (unsigned long long)ps.drop,
		    (unsigned long long)ps.ifdrop,
		    (unsigned long long)analyzer_stats(a)->connections);
}

/* Bad lines of --from-json shown on standard error, with where and why. */
#define SHOW_BAD_LINES	5

/*
 * from_json counts, into |out|'s summary, the connection reports in the
 * JSON lines of |files| (- for standard input), then writes the summary.
 * Lines that are not reports tlsdiag wrote are counted and the first few
 * shown on standard error. It returns false if a file cannot be read.
 */
static bool
from_json(struct output *out, char **files, int nfiles, bool json)
{
	static char line[LIMIT_JSON_LINE_BYTES + 2];
	struct jsonl_conn *jc;
	struct jsonl *j;
	struct sb b;
	unsigned long long lines = 0, reports = 0, bad = 0, other = 0;
	unsigned long long lineno;
	const char *why;
	size_t len;
	bool ok = true, skipping;
	int i;
	FILE *fp;

	jc = xcalloc(1, sizeof(*jc));
	j = jsonl_new();
	for (i = 0; i < nfiles; i++) {
		fp = strcmp(files[i], "-") == 0 ? stdin : fopen(files[i], "r");
		if (fp == NULL) {
			warn("%s", files[i]);
			ok = false;
			break;
		}
		lineno = 0;
		skipping = false;
		while (fgets(line, sizeof(line), fp) != NULL) {
			len = strlen(line);
			if (skipping) {
				/* The rest of a line past the cap. */
				if (len > 0 && line[len - 1] == '\n')
					skipping = false;
				continue;
			}
			lineno++;
			lines++;
			why = NULL;
			if (len > 0 && line[len - 1] == '\n')
				line[--len] = '\0';
			else if (!feof(fp)) {
				skipping = true;
				why = "line longer than the cap";
			}
			if (why == NULL && len == 0) {
				lines--;	/* blank lines are not data */
				continue;
			}
			if (why == NULL) {
				switch (jsonl_parse(j, jc, &why,
				    (const uint8_t *)line, len)) {
				case JSONL_CONN:
					enum verdict_code vc;

					if (!verdict_code_parse(jc->code,
					    strlen(jc->code), &vc)) {
						why = "unknown verdict code";
						break;
					}
					reports++;
					(void)summary_add(out_summary_data(out),
					    &jc->sc);
					continue;
				case JSONL_OTHER:
					other++;
					continue;
				case JSONL_BAD:
					break;
				}
			}
			if (why == NULL)
				why = "not a report";
			if (bad++ < SHOW_BAD_LINES)
				warnx("%s:%llu: %s", files[i], lineno, why);
		}
		if (ferror(fp)) {
			warn("%s", files[i]);
			ok = false;
		}
		if (fp != stdin)
			fclose(fp);
		if (!ok)
			break;
	}
	if (bad > SHOW_BAD_LINES)
		warnx("%llu bad lines in all", bad);
	out_summary(out, NULL, 0, 0, false);
	sb_init(&b);
	if (json)
		sb_printf(&b, ",\"input\":{\"lines\":%llu,\"reports\":%llu,"
		    "\"other_lines\":%llu,\"bad_lines\":%llu,"
		    "\"unresolved_certs\":%llu}}}\n", lines, reports, other,
		    bad, jsonl_unresolved(j));
	else
		sb_printf(&b, "\nInput: %llu lines, %llu reports, %llu other, "
		    "%llu bad%s\n", lines, reports, other, bad,
		    jsonl_unresolved(j) > 0 ? "; some client certificates "
		    "were referred to before being written in full" : "");
	fwrite(b.s, 1, b.len, stdout);
	sb_cleanup(&b);
	jsonl_free(j);
	free(jc);
	return ok;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* How long the live loop waits for a packet before it advances the clock
 * from the wall clock (ms), and how often it says that the kernel
 * dropped packets, when it did (seconds). */
#define LIVE_WAIT_MS		100
#define LIVE_DROP_NOTE_SECONDS	60

/* live_feed gives one captured packet to the analyzer; when the kernel's
 * drop counter rose, the open connections are marked, once when that is
 * seen and once more at the end of that batch (a connection may have
 * opened among its packets). */
static void
live_feed(struct ctx *x, const struct reader_pkt *k, uint64_t *drops,
    bool *again)
{
	struct timeval tv;
	int64_t now, due;

	if (x->hold_us > 0) {
		/* Give the client time to write its key log. */
		gettimeofday(&tv, NULL);
		now = time_us(tv.tv_sec, tv.tv_usec);
		due = k->ts_us + x->hold_us;
		if (due > now && due - now <= x->hold_us)
			usleep((useconds_t)(due - now));
	}
	if (k->drops > *drops) {
		*drops = k->drops;
		*again = true;
		analyzer_capture_lost(x->a);
	}
	x->dlt = k->dlt;
	feed(x, k->ts_us, k->data, k->caplen, k->len);
	if (k->batch_end && *again) {
		*again = false;
		analyzer_capture_lost(x->a);
	}
}

/*
 * run_live analyses what the capture thread reads until a signal or -c
 * stops it. When nothing arrives for LIVE_WAIT_MS the analyzer's clock
 * moves on with the wall clock, so that reset and idle connections are
 * reported without further traffic; it is held back by the capture
 * timeout, the age a packet still in the kernel's current block may have.
 * The packets captured before the stop are still analysed.
 */
static bool
run_live(struct ctx *x, struct reader *rd, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct reader_pkt k;
	struct reader_stats ps;
	struct timeval tv;
	enum reader_status st;
	uint64_t drops = 0, noted = 0;
	int64_t next_note = mono_us() + LIVE_DROP_NOTE_SECONDS * 1000000LL;
	int64_t now, next_summary = 0;
	bool again = false, ok = true;

	while (!stop_flag) {
		st = reader_next_live(rd, &k, LIVE_WAIT_MS);
		if (st == READER_PKT)
			live_feed(x, &k, &drops, &again);
		else if (st == READER_IDLE) {
			gettimeofday(&tv, NULL);
			analyzer_tick(x->a, time_us(tv.tv_sec, tv.tv_usec) -
			    CAPTURE_TIMEOUT_MS * 1000LL);
		} else
			break;
		gettimeofday(&tv, NULL);
		now = time_us(tv.tv_sec, tv.tv_usec);
		if (x->summary_us > 0 && next_summary == 0)
			next_summary = now + x->summary_us;
		if (stats_flag) {
			stats_flag = 0;
			print_live_stats(rd, x->a);
			/* SIGUSR1: the summary so far, at once. */
			if (x->summary)
				out_summary_interim(x->out,
				    analyzer_stats(x->a), now);
		}
		if (x->summary_us > 0 && now >= next_summary) {
			out_summary_interim(x->out, analyzer_stats(x->a), now);
			next_summary = now + x->summary_us;
		}
		if (mono_us() >= next_note) {
			next_note += LIVE_DROP_NOTE_SECONDS * 1000000LL;
			reader_live_stats(rd, &ps);
			if (ps.valid && ps.drop > noted) {
				fprintf(stderr, "tlsdiag: the kernel dropped "
				    "%llu packets in the last %d s (%llu of "
				    "%llu so far); try a larger -B\n",
				    (unsigned long long)(ps.drop - noted),
				    LIVE_DROP_NOTE_SECONDS,
				    (unsigned long long)ps.drop,
				    (unsigned long long)ps.recv);
				noted = ps.drop;
			}
		}
	}
	reader_stop(rd);
	/* -c stops at its count; a signal or an error keeps what was
	 * captured before it. */
	while (!(x->count > 0 && x->seen >= x->count) &&
	    reader_next_live(rd, &k, 0) == READER_PKT)
		live_feed(x, &k, &drops, &again);
	if (reader_error(rd) != NULL) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s", reader_error(rd));
		ok = false;
	}
	return ok;
}

/* join_filter joins trailing words into one BPF expression. */
static char *
join_filter(int argc, char **argv)
{
	struct sb b;
	int i;

	if (argc == 0)
		return NULL;
	sb_init(&b);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			sb_puts(&b, " ");
		sb_puts(&b, argv[i]);
	}
	return b.s;
}

static void
add_dsb(void *arg, const uint8_t *p, size_t len)
{
	analyzer_add_keylog(arg, p, len);
}

/*
 * in: TLS key logs embedded in pcapng files (Decryption Secrets Blocks),
 * which libpcap does not hand on, are read first and used as --keylog is
 * (issue 15 case 10). Standard input cannot be read twice: not there.
 */
static void
use_embedded_keylogs(struct analyzer *a, const char *const *files,
    size_t nfiles)
{
	struct pcapng_dsb_stats ds;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0 ||
		    !pcapng_dsb_scan(files[i], add_dsb, a, &ds))
			continue;
		if (ds.tls > 0)
			fprintf(stderr, "tlsdiag: using the TLS key log "
			    "embedded in %s (%zu decryption secrets "
			    "block%s)\n", files[i], ds.tls,
			    ds.tls == 1 ? "" : "s");
		if (ds.too_big > 0)
			fprintf(stderr, "tlsdiag: %s: %zu decryption secrets "
			    "blocks over %d MiB skipped\n", files[i],
			    ds.too_big, LIMIT_DSB_BYTES / (1024 * 1024));
	}
}

/*
 * in: one line on stderr when frames were skipped at an ethertype tlsdiag
 * does not decode: connections may then be seen one way only (issue 15
 * case 5).
 */
static void
warn_skipped(const struct analyzer_stats *st)
{
	size_t i;

	if (st->skipped == 0)
		return;
	fprintf(stderr, "tlsdiag: warning: %llu frames skipped, ethertype "
	    "not decoded (", (unsigned long long)st->skipped);
	for (i = 0; i < st->num_skipped_types; i++)
		fprintf(stderr, "%s0x%04x: %llu", i > 0 ? ", " : "",
		    st->skipped_types[i].type,
		    (unsigned long long)st->skipped_types[i].n);
	if (st->skipped_other > 0)
		fprintf(stderr, ", others: %llu",
		    (unsigned long long)st->skipped_other);
	fprintf(stderr, "); %llu connections seen in one direction only\n",
	    (unsigned long long)st->one_sided);
}

int
main(int argc, char **argv)
{
	const char *files[MAX_FILES + 1], *keylogs[MAX_FILES + 1];
	const char *iface = NULL, *filter = NULL, *user = "nobody";
	const char *color = "auto";
	char errbuf[CAPTURE_ERRBUF_SIZE], aerr[ANALYZER_ERRBUF_SIZE];
	char *joined = NULL, *list;
	struct capture_live_opts lo;
	struct analyzer_opts ao;
	struct out_opts oo;
	struct analyzer *a;
	struct output *out;
	struct ctx x;
	struct sigaction sa;
	enum capture_error cerr;
	struct pcap_stat ps;
	bool list_ifaces = false, exit_failed = false, have_ps = false;
	bool input_error = false, opt_from_json = false;
	const char *save_path = NULL;
	int64_t summary_us = 0;

	errbuf[0] = '\0';
	size_t nfiles = 0, nkeylogs = 0, i;
	long long snaplen = 262144, count = 0, bufkib = 0;
	int ch, rc;
	pcap_t *p;
	struct reader *rd;

	memset(&lo, 0, sizeof(lo));
	memset(&ao, 0, sizeof(ao));
	memset(&oo, 0, sizeof(oo));
	lo.promisc = true;
	ao.max_flows = LIMIT_FLOWS_DEFAULT;
	ao.max_stream_bytes = LIMIT_OOO_BYTES_DEFAULT;
	ao.max_memory = (size_t)LIMIT_MEMORY_MB_DEFAULT * 1024 * 1024;
	ao.idle_us = (int64_t)LIMIT_IDLE_SECONDS_DEFAULT * 1000000;

	while ((ch = getopt_long(argc, argv, "+r:i:f:Ds:c:B:pZ:w:jqvhV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (nfiles == MAX_FILES)
				usage_error("too many -r files (at most %s)",
				    "256");
			files[nfiles++] = optarg;
			break;
		case 'i':
			iface = optarg;
			break;
		case 'f':
			filter = optarg;
			break;
		case 'D':
			list_ifaces = true;
			break;
		case 's':
			snaplen = num_arg("-s", optarg, 0, 262144);
			if (snaplen == 0)
				snaplen = 262144;
			break;
		case 'c':
			count = num_arg("-c", optarg, 1, LLONG_MAX);
			break;
		case 'B':
			bufkib = num_arg("-B", optarg, 1, 4 * 1024 * 1024);
			break;
		case 'p':
			lo.promisc = false;
			break;
		case 'Z':
			user = optarg;
			break;
		case 'j':
			oo.json = true;
			if (optarg == NULL || strcmp(optarg, "full") == 0)
				oo.json_form = OUT_JSON_FULL;
			else if (strcmp(optarg, "compact") == 0)
				oo.json_form = OUT_JSON_COMPACT;
			else if (strcmp(optarg, "ecs") == 0)
				oo.json_form = OUT_JSON_ECS;
			else
				usage_error("--json takes full, compact or ecs, "
				    "not %s", optarg);
			break;
		case 'q':
			oo.quiet = true;
			break;
		case 'v':
			oo.verbose = true;
			break;
		case OPT_SUMMARY:
			oo.summary = true;
			break;
		case OPT_FAILURES:
			oo.failures_only = true;
			break;
		case OPT_VERDICT:
			{
				char *dup = xstrdup(optarg), *tok, *save;

				for (tok = strtok_r(dup, ",", &save);
				    tok != NULL;
				    tok = strtok_r(NULL, ",", &save))
					if (!out_verdict_token_known(tok))
						usage_error("unknown verdict "
						    "code, family or outcome "
						    "%s", tok);
				free(dup);
			}
			oo.verdicts = optarg;
			break;
		case OPT_COLOR:
			color = optarg != NULL ? optarg : "always";
			if (strcmp(color, "auto") != 0 &&
			    strcmp(color, "always") != 0 &&
			    strcmp(color, "never") != 0)
				usage_error("--color takes auto, always or "
				    "never, not %s", color);
			break;
		case OPT_CA_FILE:
			ao.ca_file = optarg;
			break;
		case OPT_CA_PATH:
			ao.ca_path = optarg;
			break;
		case OPT_CLIENT_CA_FILE:
			ao.client_ca_file = optarg;
			break;
		case OPT_EXTRACT:
			ao.extract_dir = optarg;
			break;
		case OPT_KEYLOG:
			if (nkeylogs == MAX_FILES)
				usage_error("too many --keylog files (at most "
				    "%s)", "256");
			keylogs[nkeylogs++] = optarg;
			break;
		case OPT_MAX_FLOWS:
			ao.max_flows = (size_t)num_arg("--max-flows", optarg,
			    1, 100000000);
			break;
		case OPT_MAX_STREAM:
			ao.max_stream_bytes = (size_t)num_arg(
			    "--max-stream-bytes", optarg, 1024, 1 << 30);
			break;
		case OPT_MAX_MEMORY:
			ao.max_memory = (size_t)num_arg("--max-memory", optarg,
			    1, 1 << 20) * 1024 * 1024;
			break;
		case OPT_IDLE:
			ao.idle_us = num_arg("--idle-timeout", optarg, 1,
			    86400 * 365) * 1000000;
			break;
		case OPT_EXIT_FAILED:
			exit_failed = true;
			break;
		case OPT_ID:
			oo.only_id = (uint64_t)num_arg("--id", optarg, 1,
			    LLONG_MAX);
			break;
		case OPT_ABSOLUTE_TIME:
			oo.absolute_time = true;
			break;
		case 'w':
			if (strcmp(optarg, "-") == 0)
				usage_error("-w - is not supported: the "
				    "reports go to standard output");
			save_path = optarg;
			break;
		case OPT_FROM_JSON:
			opt_from_json = true;
			break;
		case OPT_SUMMARY_INTERVAL:
			summary_us = num_arg("--summary-interval", optarg, 1,
			    86400 * 365) * 1000000;
			oo.summary = true;
			break;
		case OPT_FANOUT:
			{
				char *dup = xstrdup(optarg), *mode;

				mode = strchr(dup, ',');
				if (mode != NULL)
					*mode++ = '\0';
				lo.fanout_id = (unsigned)num_arg("--fanout",
				    dup, 0, 65535);
				lo.fanout = CAPTURE_FANOUT_HASH;
				if (mode != NULL &&
				    !capture_fanout_parse(mode, &lo.fanout))
					usage_error("--fanout mode is hash, lb "
					    "or cpu, not %s", mode);
				free(dup);
			}
			break;
		case OPT_SHARD:
			if (!shard_arg(optarg, &ao.shard_k, &ao.shard_n))
				usage_error("--shard takes K/N with 1 <= K <= N "
				    "<= 65536, not %s", optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("tlsdiag %s (%s, %s)\n", PACKAGE_VERSION,
			    pcap_lib_version(), "OpenSSL libcrypto");
			return EXIT_DONE;
		default:
			fprintf(stderr, "Try 'tlsdiag --help' for more "
			    "information.\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (list_ifaces) {
		list = capture_list_interfaces(errbuf);
		if (list == NULL)
			errx(EXIT_INPUT, "%s", errbuf);
		fputs(list, stdout);
		free(list);
		return EXIT_DONE;
	}
	if (opt_from_json) {
		if (nfiles > 0 || iface != NULL || filter != NULL)
			usage_error("--from-json reads JSON lines, not "
			    "captures (-r, -i, a filter)");
		if (!oo.summary)
			usage_error("--from-json computes the summary: give "
			    "--summary too");
		if (argc == 0)
			usage_error("--from-json needs files (- for stdin)");
		oo.color = strcmp(color, "always") == 0 ||
		    (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL);
		out = out_new(&oo, stdout);
		rc = from_json(out, argv, argc, oo.json) ? EXIT_DONE :
		    EXIT_INPUT;
		out_free(out);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			warnx("error writing output: %s", strerror(errno));
			return EXIT_INPUT;
		}
		return rc;
	}
	if (argc > 0) {
		if (filter != NULL)
			usage_error("give the filter with -f or as trailing "
			    "words, not both (%s)", argv[0]);
		joined = join_filter(argc, argv);
		filter = joined;
	}
	if (nfiles == 0 && iface == NULL)
		usage_error("nothing to read: give -r FILE or -i IFACE");
	if (nfiles > 0 && iface != NULL)
		usage_error("-r and -i cannot be used together");
	if (nkeylogs == 0 && getenv("SSLKEYLOGFILE") != NULL &&
	    *getenv("SSLKEYLOGFILE") != '\0') {
		keylogs[nkeylogs++] = getenv("SSLKEYLOGFILE");
		fprintf(stderr, "tlsdiag: using the key log in SSLKEYLOGFILE "
		    "(%s)\n", keylogs[0]);
	}
	keylogs[nkeylogs] = NULL;
	ao.keylog_files = keylogs;
	if (iface != NULL) {
		/* Live: a client writes its key log as it goes. */
		ao.keylog_follow = true;
		for (i = 0; i < nkeylogs; i++)
			if (access(keylogs[i], F_OK) != 0 && errno == ENOENT)
				fprintf(stderr, "tlsdiag: key log %s does not "
				    "exist yet; it is read when it appears\n",
				    keylogs[i]);
	}
	files[nfiles] = NULL;

	if (strcmp(color, "always") == 0)
		oo.color = true;
	else if (strcmp(color, "auto") == 0)
		oo.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;

	/* --extract-certs: the directory must take files before anything is
	 * read, as the user that will write them (checked as root, before
	 * the switch, which may create it for that user). */
	if (ao.extract_dir != NULL && !capture_check_dir(ao.extract_dir,
	    iface != NULL ? user : NULL, errbuf))
		errx(EXIT_INPUT, "%s", errbuf);

	/* Open every input before printing anything. */
	memset(&x, 0, sizeof(x));
	x.count = count;
	if (iface != NULL && nkeylogs > 0)
		x.hold_us = LIVE_KEYLOG_HOLD_US;
	if (lo.fanout != CAPTURE_FANOUT_NONE && iface == NULL)
		usage_error("--fanout is for live capture (-i)");
	if (iface != NULL) {
		/* Live: a reset is reported after half a second, not after
		 * the 5 s that a capture file may need for stragglers. */
		ao.linger_us = LIVE_LINGER_US;
		lo.iface = iface;
		lo.snaplen = (int)snaplen;
		lo.buffer_kib = (int)bufkib;
		p = capture_open_live(&lo, &cerr, errbuf);
		if (p == NULL)
			errx(EXIT_INPUT, "%s", errbuf);
		if (!capture_check_link(p, iface, errbuf) ||
		    !capture_set_filter(p, filter, true, iface, errbuf)) {
			pcap_close(p);
			errx(EXIT_INPUT, "%s", errbuf);
		}
		if (!capture_drop_privileges(user, errbuf)) {
			pcap_close(p);
			errx(EXIT_INPUT, "%s", errbuf);
		}
	} else {
		/* Check every file can be opened before reading any. */
		for (i = 0; i < nfiles; i++) {
			if (strcmp(files[i], "-") == 0)
				continue;
			p = capture_open_file(files[i], &cerr, errbuf);
			if (p == NULL)
				errx(EXIT_INPUT, "%s", errbuf);
			if (!capture_check_link(p, files[i], errbuf) ||
			    !capture_set_filter(p, filter, false, NULL,
			    errbuf)) {
				pcap_close(p);
				errx(EXIT_INPUT, "%s", errbuf);
			}
			pcap_close(p);
		}
		p = NULL;
	}

	/* Live or from a pipe (tcpdump -w - | tlsdiag -r -): each report as
	 * its connection ends. */
	oo.flush_each = iface != NULL || reads_stdin(files, nfiles);
	out = out_new(&oo, stdout);
	x.out = out;
	x.save_path = save_path;
	x.save_all = !oo.failures_only && oo.verdicts == NULL &&
	    oo.only_id == 0;
	a = analyzer_new(&ao, on_conn, &x, aerr);
	if (a == NULL) {
		if (p != NULL)
			pcap_close(p);
		out_free(out);
		errx(EXIT_INPUT, "%s", aerr);
	}
	x.a = a;
	x.out = out;
	x.summary = oo.summary;
	x.summary_us = summary_us;
	use_embedded_keylogs(a, files, nfiles);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_DFL);

	if (iface != NULL) {
		struct reader_stats rs;

		rd = reader_start_live(p, errbuf);
		p = NULL;	/* the reader owns it, even on failure */
		if (rd == NULL)
			input_error = true;
		else {
			if (!run_live(&x, rd, errbuf)) {
				char e2[CAPTURE_ERRBUF_SIZE];

				snprintf(e2, sizeof(e2), "%s: %s", iface,
				    errbuf);
				snprintf(errbuf, sizeof(errbuf), "%s", e2);
				input_error = true;
			}
			reader_live_stats(rd, &rs);
			if (rs.valid) {
				have_ps = true;
				ps.ps_recv = (u_int)rs.recv;
				ps.ps_drop = (u_int)rs.drop;
			}
			reader_free(rd);
		}
	} else if ((rd = use_reader(files, nfiles) ?
	    reader_start(files, nfiles, filter, errbuf) : NULL) != NULL) {
		struct reader_pkt k;
		const char *why;

		while (!stop_flag && reader_next(rd, &k)) {
			x.dlt = k.dlt;
			analyzer_skip_frames(a, k.skipped);
			feed(&x, k.ts_us, k.data, k.caplen, k.len);
		}
		if (!stop_flag && (why = reader_error(rd)) != NULL) {
			snprintf(errbuf, sizeof(errbuf), "%s", why);
			input_error = true;
		}
		reader_free(rd);
	} else {
		for (i = 0; i < nfiles && !stop_flag; i++) {
			struct pcap_pkthdr *h;
			struct bpf_program prog;
			const u_char *bytes;
			bool have_prog;

			p = capture_open_file(files[i], &cerr, errbuf);
			if (p == NULL) {
				input_error = true;
				break;
			}
			/* The filter runs in user space so that the frames it
			 * rejects are still counted. */
			if (!capture_check_link(p, files[i], errbuf) ||
			    !capture_compile(p, &prog, &have_prog, filter,
			    false, NULL, errbuf)) {
				pcap_close(p);
				input_error = true;
				break;
			}
			x.dlt = pcap_datalink(p);
			cur = p;
			while (!stop_flag) {
				rc = pcap_next_ex(p, &h, &bytes);
				if (rc == 1) {
					if (have_prog && pcap_offline_filter(
					    &prog, h, bytes) == 0)
						analyzer_skip_frames(a, 1);
					else
						on_packet((u_char *)&x, h,
						    bytes);
					continue;
				}
				/* A signal interrupts a read from a pipe:
				 * that is the stop asked for, not an
				 * error. */
				if (rc == PCAP_ERROR && !stop_flag) {
					/* Report what came before the cut
					 * first; the error line comes last. */
					snprintf(errbuf, sizeof(errbuf),
					    "%s: %s (the connections before "
					    "this point are reported)",
					    files[i], pcap_geterr(p));
					input_error = true;
				}
				break;
			}
			cur = NULL;
			if (have_prog)
				pcap_freecode(&prog);
			pcap_close(p);
			if (input_error)
				break;
		}
	}
	analyzer_flush(a);
	if (x.save != NULL) {
		struct pktsave_stats ps_st;
		char perr[PKTSAVE_ERRBUF_SIZE];

		if (!pktsave_close(x.save, &ps_st, perr)) {
			snprintf(errbuf, sizeof(errbuf), "%.200s: %.200s",
			    save_path, perr);
			input_error = true;
		}
		if (ps_st.over_conn_cap > 0 || ps_st.over_mem_cap > 0 ||
		    ps_st.other_link > 0)
			warnx("%s: %llu packets of %llu connections written; "
			    "not written: %llu past %d packets of one "
			    "connection, %llu past %d MiB held, %llu of "
			    "another link type", save_path, ps_st.written,
			    ps_st.conns, ps_st.over_conn_cap,
			    LIMIT_WRITE_CONN_PACKETS, ps_st.over_mem_cap,
			    LIMIT_WRITE_BYTES / (1024 * 1024),
			    ps_st.other_link);
	}
	if (oo.summary)
		out_summary(out, analyzer_stats(a), have_ps ? ps.ps_recv : 0,
		    have_ps ? ps.ps_drop : 0, have_ps);
	else if (have_ps)
		fprintf(stderr, "tlsdiag: %u packets received, %u dropped by "
		    "the kernel\n", ps.ps_recv, ps.ps_drop);
	if (analyzer_stats(a)->keylog_bad_lines > 0)
		fprintf(stderr, "tlsdiag: %llu malformed key log lines "
		    "ignored\n", (unsigned long long)
		    analyzer_stats(a)->keylog_bad_lines);
	if (analyzer_stats(a)->clock_out_of_range > 0)
		fprintf(stderr, "tlsdiag: %llu packets stamped before 1970 or "
		    "after 9999, read as the previous packet's time\n",
		    (unsigned long long)
		    analyzer_stats(a)->clock_out_of_range);
	if (analyzer_extract_error(a) != NULL) {
		warnx("--extract-certs: %llu certificates not written; first "
		    "error: %s", (unsigned long long)
		    analyzer_stats(a)->extract_errors, analyzer_extract_error(a));
		input_error = true;
	}
	warn_skipped(analyzer_stats(a));
	rc = EXIT_DONE;
	if (exit_failed && out_failures(out) > 0)
		rc = EXIT_FAILURES;
	analyzer_free(a);
	out_free(out);
	free(joined);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnx("error writing output: %s", strerror(errno));
		return EXIT_INPUT;
	}
	if (input_error) {
		if (errbuf[0] != '\0')
			warnx("%s", errbuf);
		return EXIT_INPUT;
	}
	return rc;
}
