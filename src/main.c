/* main.c - tlsdiag: argv, wiring, exit status; nothing testable lives here. */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "jsonl.h"
#include "limits.h"
#include "out.h"
#include "run.h"
#include "summary.h"
#include "util.h"
#include "verdict.h"

#define MAX_FILES	256

/*
 * The only global mutable state: the signal handler sets these flags and
 * breaks the capture loop. |cur| is the handle being read, so that the
 * handler can call pcap_breakloop (which is async-signal-safe); run.c
 * sets it through run_opts.
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
	OPT_TWO_PASS,
	OPT_THREADS,
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
	{ "threads",		required_argument,	NULL, OPT_THREADS },
	{ "two-pass",		no_argument,		NULL, OPT_TWO_PASS },
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
"      --two-pass            files: read them twice, so that certificates\n"
"                            seen late explain earlier TLS 1.3 failures\n"
"Limits:\n"
"      --max-flows N         connections tracked at once (default %d)\n"
"      --max-stream-bytes N  bytes held out of order per direction (default %d)\n"
"      --max-memory MiB      connection state and buffered payload\n"
"                            (default %d)\n"
"      --idle-timeout SEC    report a connection idle this long (default %d;\n"
"                            5 times as long after its handshake)\n"
"      --shard K/N           analyse only the connections in shard K of N\n"
"                            (1 <= K <= N, by a hash of the service's\n"
"                            address and port): N processes split a\n"
"                            capture; their JSON lines concatenate\n"
"      --threads N           analyse files in N threads (default 0: one per\n"
"                            CPU); the same output as one thread, but the\n"
"                            caps above are shared out between the threads\n"
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
	exit(RUN_EXIT_USAGE);
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

/* Bad lines of --from-json shown on standard error, with where and why. */
#define SHOW_BAD_LINES	5

/* --from-json: the summary being counted and what the lines were. */
struct from_json {
	struct output		*out;
	struct jsonl		*j;
	struct jsonl_conn	*jc;
	char			*line;		/* LIMIT_JSON_LINE_BYTES + 2 */
	unsigned long long	 lines;
	unsigned long long	 reports;
	unsigned long long	 bad;
	unsigned long long	 other;
};

#define FROM_JSON_LINE_SIZE	(LIMIT_JSON_LINE_BYTES + 2)

/* from_json_line counts one line, a report or another line tlsdiag
 * wrote; it returns why it is neither, or NULL. */
static const char *
from_json_line(struct from_json *fj, size_t len)
{
	const char *why = NULL;
	enum verdict_code vc;

	switch (jsonl_parse(fj->j, fj->jc, &why, (const uint8_t *)fj->line,
	    len)) {
	case JSONL_CONN:
		if (!verdict_code_parse(fj->jc->code, strlen(fj->jc->code),
		    &vc))
			return "unknown verdict code";
		fj->reports++;
		(void)summary_add(out_summary_data(fj->out), &fj->jc->sc);
		return NULL;
	case JSONL_OTHER:
		fj->other++;
		return NULL;
	case JSONL_BAD:
		break;
	}
	return why != NULL ? why : "not a report";
}

/* from_json_file counts the lines of |fp|, read as |path|; the first
 * few bad ones are shown on standard error. It returns false if the
 * file cannot be read. */
static bool
from_json_file(struct from_json *fj, const char *path, FILE *fp)
{
	unsigned long long lineno = 0;
	const char *why;
	size_t len;
	bool skipping = false;

	while (fgets(fj->line, FROM_JSON_LINE_SIZE, fp) != NULL) {
		len = strlen(fj->line);
		if (skipping) {
			/* The rest of a line past the cap. */
			if (len > 0 && fj->line[len - 1] == '\n')
				skipping = false;
			continue;
		}
		lineno++;
		fj->lines++;
		why = NULL;
		if (len > 0 && fj->line[len - 1] == '\n')
			fj->line[--len] = '\0';
		else if (!feof(fp)) {
			skipping = true;
			why = "line longer than the cap";
		}
		if (why == NULL && len == 0) {
			fj->lines--;	/* blank lines are not data */
			continue;
		}
		if (why == NULL)
			why = from_json_line(fj, len);
		if (why != NULL && fj->bad++ < SHOW_BAD_LINES)
			warnx("%s:%llu: %s", path, lineno, why);
	}
	if (ferror(fp)) {
		warn("%s", path);
		return false;
	}
	return true;
}

/*
 * from_json counts, into |out|'s summary, the connection reports in the
 * JSON lines of |files| (- for standard input), then writes the summary.
 * Lines that are not reports tlsdiag wrote are counted and the first few
 * shown on standard error. It returns false if a file cannot be read.
 */
static bool
from_json(struct output *out, char **files, int nfiles, bool json)
{
	struct from_json fj;
	struct sb b;
	bool ok = true;
	int i;
	FILE *fp;

	memset(&fj, 0, sizeof(fj));
	fj.out = out;
	fj.jc = xcalloc(1, sizeof(*fj.jc));
	fj.j = jsonl_new();
	fj.line = xcalloc(1, FROM_JSON_LINE_SIZE);
	for (i = 0; i < nfiles && ok; i++) {
		fp = strcmp(files[i], "-") == 0 ? stdin : fopen(files[i], "r");
		if (fp == NULL) {
			warn("%s", files[i]);
			ok = false;
			break;
		}
		ok = from_json_file(&fj, files[i], fp);
		if (fp != stdin)
			fclose(fp);
	}
	if (fj.bad > SHOW_BAD_LINES)
		warnx("%llu bad lines in all", fj.bad);
	out_summary(out, NULL, 0, 0, false);
	sb_init(&b);
	if (json)
		sb_printf(&b, ",\"input\":{\"lines\":%llu,\"reports\":%llu,"
		    "\"other_lines\":%llu,\"bad_lines\":%llu,"
		    "\"unresolved_certs\":%llu}}}\n", fj.lines, fj.reports,
		    fj.other, fj.bad, jsonl_unresolved(fj.j));
	else
		sb_printf(&b, "\nInput: %llu lines, %llu reports, %llu other, "
		    "%llu bad%s\n", fj.lines, fj.reports, fj.other, fj.bad,
		    jsonl_unresolved(fj.j) > 0 ? "; some client certificates "
		    "were referred to before being written in full" : "");
	fwrite(b.s, 1, b.len, stdout);
	sb_cleanup(&b);
	jsonl_free(fj.j);
	free(fj.jc);
	free(fj.line);
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

/* The command line, as the options give it. */
struct cli {
	const char	*files[MAX_FILES + 1];
	const char	*keylogs[MAX_FILES + 1];
	size_t		 nfiles;
	size_t		 nkeylogs;
	const char	*iface;
	const char	*color;
	long long	 snaplen;
	bool		 list_ifaces;
	bool		 from_json;
	char		*joined;	/* trailing words as the filter */
	struct run_opts	 ro;
};

static void
cli_init(struct cli *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->color = "auto";
	cl->snaplen = 262144;
	cl->ro.user = "nobody";
	cl->ro.live.promisc = true;
	cl->ro.ao.max_flows = LIMIT_FLOWS_DEFAULT;
	cl->ro.ao.max_stream_bytes = LIMIT_OOO_BYTES_DEFAULT;
	cl->ro.ao.max_memory = (size_t)LIMIT_MEMORY_MB_DEFAULT * 1024 * 1024;
	cl->ro.ao.idle_us = (int64_t)LIMIT_IDLE_SECONDS_DEFAULT * 1000000;
	cl->ro.threads = 0;	/* one per CPU */
	cl->ro.out = stdout;
	cl->ro.err = stderr;
	cl->ro.stop = &stop_flag;
	cl->ro.stats = &stats_flag;
	cl->ro.cur = &cur;
}

/* fanout_arg reads --fanout ID[,MODE]. */
static void
fanout_arg(struct capture_live_opts *lo, const char *arg)
{
	char *dup = xstrdup(arg), *mode;

	mode = strchr(dup, ',');
	if (mode != NULL)
		*mode++ = '\0';
	lo->fanout_id = (unsigned)num_arg("--fanout", dup, 0, 65535);
	lo->fanout = CAPTURE_FANOUT_HASH;
	if (mode != NULL && !capture_fanout_parse(mode, &lo->fanout))
		usage_error("--fanout mode is hash, lb or cpu, not %s", mode);
	free(dup);
}

/* input_option applies an option of --help's "Input" part; false if
 * |ch| is not one. */
static bool
input_option(struct cli *cl, int ch, const char *arg)
{
	switch (ch) {
	case 'r':
		if (cl->nfiles == MAX_FILES)
			usage_error("too many -r files (at most %s)", "256");
		cl->files[cl->nfiles++] = arg;
		return true;
	case 'i':
		cl->iface = arg;
		return true;
	case 'f':
		cl->ro.filter = arg;
		return true;
	case 'D':
		cl->list_ifaces = true;
		return true;
	case 's':
		cl->snaplen = num_arg("-s", arg, 0, 262144);
		if (cl->snaplen == 0)
			cl->snaplen = 262144;
		return true;
	case 'c':
		cl->ro.count = num_arg("-c", arg, 1, LLONG_MAX);
		return true;
	case 'B':
		cl->ro.live.buffer_kib = (int)num_arg("-B", arg, 1,
		    4 * 1024 * 1024);
		return true;
	case 'p':
		cl->ro.live.promisc = false;
		return true;
	case 'Z':
		cl->ro.user = arg;
		return true;
	case OPT_FANOUT:
		fanout_arg(&cl->ro.live, arg);
		return true;
	}
	return false;
}

/* json_arg reads --json[=FORM]. */
static void
json_arg(struct out_opts *oo, const char *arg)
{
	oo->json = true;
	if (arg == NULL || strcmp(arg, "full") == 0)
		oo->json_form = OUT_JSON_FULL;
	else if (strcmp(arg, "compact") == 0)
		oo->json_form = OUT_JSON_COMPACT;
	else if (strcmp(arg, "ecs") == 0)
		oo->json_form = OUT_JSON_ECS;
	else
		usage_error("--json takes full, compact or ecs, not %s", arg);
}

/* verdict_arg checks every token of --verdict CODE[,CODE]. */
static void
verdict_arg(struct out_opts *oo, const char *arg)
{
	char *dup = xstrdup(arg), *tok, *save;

	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		if (!out_verdict_token_known(tok))
			usage_error("unknown verdict code, family or outcome "
			    "%s", tok);
	free(dup);
	oo->verdicts = arg;
}

/* output_option applies an option of --help's "Output" and "Exit
 * status" parts; false if |ch| is not one. */
static bool
output_option(struct cli *cl, int ch, const char *arg)
{
	struct out_opts *oo = &cl->ro.oo;

	switch (ch) {
	case 'j':
		json_arg(oo, arg);
		return true;
	case 'q':
		oo->quiet = true;
		return true;
	case 'v':
		oo->verbose = true;
		return true;
	case OPT_SUMMARY:
		oo->summary = true;
		return true;
	case OPT_SUMMARY_INTERVAL:
		cl->ro.summary_us = num_arg("--summary-interval", arg, 1,
		    86400 * 365) * 1000000;
		oo->summary = true;
		return true;
	case OPT_FROM_JSON:
		cl->from_json = true;
		return true;
	case OPT_FAILURES:
		oo->failures_only = true;
		return true;
	case OPT_VERDICT:
		verdict_arg(oo, arg);
		return true;
	case OPT_ID:
		oo->only_id = (uint64_t)num_arg("--id", arg, 1, LLONG_MAX);
		return true;
	case 'w':
		if (strcmp(arg, "-") == 0)
			usage_error("-w - is not supported: the reports go to "
			    "standard output");
		cl->ro.save_path = arg;
		return true;
	case OPT_ABSOLUTE_TIME:
		oo->absolute_time = true;
		return true;
	case OPT_COLOR:
		cl->color = arg != NULL ? arg : "always";
		if (strcmp(cl->color, "auto") != 0 &&
		    strcmp(cl->color, "always") != 0 &&
		    strcmp(cl->color, "never") != 0)
			usage_error("--color takes auto, always or never, not "
			    "%s", cl->color);
		return true;
	case OPT_EXTRACT:
		cl->ro.ao.extract_dir = arg;
		return true;
	case OPT_EXIT_FAILED:
		cl->ro.exit_failed = true;
		return true;
	}
	return false;
}

/* check_option applies an option of --help's "Checks and keys" and
 * "Limits" parts; false if |ch| is not one. */
static bool
check_option(struct cli *cl, int ch, const char *arg)
{
	struct analyzer_opts *ao = &cl->ro.ao;

	switch (ch) {
	case OPT_CA_FILE:
		ao->ca_file = arg;
		return true;
	case OPT_TWO_PASS:
		cl->ro.two_pass = true;
		return true;
	case OPT_CA_PATH:
		ao->ca_path = arg;
		return true;
	case OPT_CLIENT_CA_FILE:
		ao->client_ca_file = arg;
		return true;
	case OPT_KEYLOG:
		if (cl->nkeylogs == MAX_FILES)
			usage_error("too many --keylog files (at most %s)",
			    "256");
		cl->keylogs[cl->nkeylogs++] = arg;
		return true;
	case OPT_MAX_FLOWS:
		ao->max_flows = (size_t)num_arg("--max-flows", arg, 1,
		    100000000);
		return true;
	case OPT_MAX_STREAM:
		ao->max_stream_bytes = (size_t)num_arg("--max-stream-bytes",
		    arg, 1024, 1 << 30);
		return true;
	case OPT_MAX_MEMORY:
		ao->max_memory = (size_t)num_arg("--max-memory", arg, 1,
		    1 << 20) * 1024 * 1024;
		return true;
	case OPT_IDLE:
		ao->idle_us = num_arg("--idle-timeout", arg, 1, 86400 * 365) *
		    1000000;
		return true;
	case OPT_THREADS:
		cl->ro.threads = (unsigned)num_arg("--threads", arg, 0, 256);
		cl->ro.threads_given = true;
		return true;
	case OPT_SHARD:
		if (!shard_arg(arg, &ao->shard_k, &ao->shard_n))
			usage_error("--shard takes K/N with 1 <= K <= N <= 65536, "
			    "not %s", arg);
		return true;
	}
	return false;
}

/* use_color tells whether to colour: --color=always, or auto on a
 * terminal without NO_COLOR. */
static bool
use_color(const char *color)
{
	if (strcmp(color, "always") == 0)
		return true;
	return strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) &&
	    getenv("NO_COLOR") == NULL;
}

/* summary_from_json runs --from-json FILE... --summary. */
static int
summary_from_json(struct cli *cl, int argc, char **argv)
{
	struct output *out;
	int rc;

	if (cl->nfiles > 0 || cl->iface != NULL || cl->ro.filter != NULL)
		usage_error("--from-json reads JSON lines, not captures (-r, "
		    "-i, a filter)");
	if (!cl->ro.oo.summary)
		usage_error("--from-json computes the summary: give --summary "
		    "too");
	if (argc == 0)
		usage_error("--from-json needs files (- for stdin)");
	cl->ro.oo.color = use_color(cl->color);
	out = out_new(&cl->ro.oo, stdout);
	rc = from_json(out, argv, argc, cl->ro.oo.json) ? RUN_EXIT_DONE :
	    RUN_EXIT_INPUT;
	out_free(out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warnx("error writing output: %s", strerror(errno));
		return RUN_EXIT_INPUT;
	}
	return rc;
}

/* list_interfaces runs -D. */
static int
list_interfaces(void)
{
	char errbuf[CAPTURE_ERRBUF_SIZE], *list;

	list = capture_list_interfaces(errbuf);
	if (list == NULL)
		errx(RUN_EXIT_INPUT, "%s", errbuf);
	fputs(list, stdout);
	free(list);
	return RUN_EXIT_DONE;
}

/* use_keylogs gives the analyzer the key logs, $SSLKEYLOGFILE when no
 * --keylog was given; live, a key log may appear later. */
static void
use_keylogs(struct cli *cl)
{
	const char *env = getenv("SSLKEYLOGFILE");
	size_t i;

	if (cl->nkeylogs == 0 && env != NULL && *env != '\0') {
		cl->keylogs[cl->nkeylogs++] = env;
		fprintf(stderr, "tlsdiag: using the key log in SSLKEYLOGFILE "
		    "(%s)\n", cl->keylogs[0]);
	}
	cl->keylogs[cl->nkeylogs] = NULL;
	cl->ro.ao.keylog_files = cl->keylogs;
	if (cl->iface == NULL)
		return;
	/* Live: a client writes its key log as it goes. */
	cl->ro.ao.keylog_follow = true;
	for (i = 0; i < cl->nkeylogs; i++)
		if (access(cl->keylogs[i], F_OK) != 0 && errno == ENOENT)
			fprintf(stderr, "tlsdiag: key log %s does not exist yet; "
			    "it is read when it appears\n", cl->keylogs[i]);
}

/* cli_finish checks what the options ask for as a whole, with the
 * trailing words |argv| (the filter), and completes the run's options. */
static void
cli_finish(struct cli *cl, int argc, char **argv)
{
	char errbuf[CAPTURE_ERRBUF_SIZE];

	if (argc > 0) {
		if (cl->ro.filter != NULL)
			usage_error("give the filter with -f or as trailing "
			    "words, not both (%s)", argv[0]);
		cl->joined = join_filter(argc, argv);
		cl->ro.filter = cl->joined;
	}
	if (cl->nfiles == 0 && cl->iface == NULL)
		usage_error("nothing to read: give -r FILE or -i IFACE");
	if (cl->nfiles > 0 && cl->iface != NULL)
		usage_error("-r and -i cannot be used together");
	use_keylogs(cl);
	cl->files[cl->nfiles] = NULL;
	cl->ro.files = cl->files;
	cl->ro.nfiles = cl->nfiles;
	cl->ro.oo.color = use_color(cl->color);
	/* --extract-certs: the directory must take files before anything is
	 * read, as the user that will write them (checked as root, before
	 * the switch, which may create it for that user). */
	if (cl->ro.ao.extract_dir != NULL && !capture_check_dir(
	    cl->ro.ao.extract_dir, cl->iface != NULL ? cl->ro.user : NULL,
	    errbuf))
		errx(RUN_EXIT_INPUT, "%s", errbuf);
	if (cl->ro.live.fanout != CAPTURE_FANOUT_NONE && cl->iface == NULL)
		usage_error("--fanout is for live capture (-i)");
	cl->ro.live.iface = cl->iface;
	cl->ro.live.snaplen = (int)cl->snaplen;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* SIGINT and SIGTERM interrupt a blocked read of -r - (a pipe), so
	 * the run stops at once; SIGUSR1, which asks for the counters,
	 * must not end it. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/*
 * Reading files into a file or a pipe, the reports leave in large writes
 * (stdio's buffer is 4 KiB, less than one JSON report): one write call per
 * connection cost 20% of a run on the handshake-only benchmark; run_files
 * still flushes each report from -r -. (Standard input is read in large
 * blocks too, by capture.c.) stdout_buffer returns the buffer, which
 * stdout_close frees once stdout is closed.
 */
#define STDOUT_BUFFER	(256 * 1024)

static char *
stdout_buffer(const struct cli *cl)
{
	char *b;

	if (cl->iface != NULL || isatty(STDOUT_FILENO) ||
	    (b = malloc(STDOUT_BUFFER)) == NULL)
		return NULL;
	if (setvbuf(stdout, b, _IOFBF, STDOUT_BUFFER) != 0) {
		free(b);
		return NULL;
	}
	return b;
}

/* stdout_close closes stdout (run_files has written and checked all its
 * output) and frees its buffer |b|. */
static void
stdout_close(char *b)
{
	if (b != NULL) {
		(void)fclose(stdout);
		free(b);
	}
}

int
main(int argc, char **argv)
{
	char *outbuf;
	struct cli cl;
	int ch, rc;

	cli_init(&cl);
	while ((ch = getopt_long(argc, argv, "+r:i:f:Ds:c:B:pZ:w:jqvhV",
	    longopts, NULL)) != -1) {
		if (input_option(&cl, ch, optarg) ||
		    output_option(&cl, ch, optarg) ||
		    check_option(&cl, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			usage(stdout);
			return RUN_EXIT_DONE;
		case 'V':
			printf("tlsdiag %s (%s, %s)\n", PACKAGE_VERSION,
			    pcap_lib_version(), "OpenSSL libcrypto");
			return RUN_EXIT_DONE;
		default:
			fprintf(stderr, "Try 'tlsdiag --help' for more "
			    "information.\n");
			return RUN_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (cl.list_ifaces)
		return list_interfaces();
	if (cl.from_json)
		return summary_from_json(&cl, argc, argv);
	cli_finish(&cl, argc, argv);
	catch_signals();
	outbuf = stdout_buffer(&cl);
	if (cl.iface != NULL)
		rc = run_live(&cl.ro);
	else
		rc = run_files(&cl.ro);
	stdout_close(outbuf);
	free(cl.joined);
	return rc;
}
