/* fuzz_cli.c - libFuzzer target: capture files read the way tlsdiag -r reads them, with options from the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "analyzer.h"
#include "capture.h"
#include "limits.h"
#include "out.h"
#include "reader.h"
#include "timeline.h"
#include "util.h"

/*
 * fuzz_pcap hands libpcap a memory stream and the analyzer each packet.
 * This target takes the path of src/main.c for -r FILE instead: each
 * capture is a memory file opened by name (/proc/self/fd/N) through
 * capture_open_file, checked (capture_check_link, capture_set_filter)
 * before any is read, then read either by the read-ahead thread of
 * reader.c or by the pcap_next_ex loop main.c uses for one CPU, with
 * -c, and rendered by one output as main.c configures it. Input:
 *
 *   opt0(1) opt1(1) count(1) [ "#KEYLOG\n" key log "#END\n" ]
 *   capture [ "#FILE\n" capture ]...
 *
 *   opt0: bit 0 --json, 1 -q, 2 -v, 3 --summary, 4 --failures,
 *         5 --color=always, 6 read in the pcap_next_ex loop, not the
 *         thread, 7 --verdict with two codes
 *   opt1: bits 0-2 a BPF filter from a table (0: none), bit 3 -c count
 *         (count + 1 packets), bit 4 tiny caps (--max-flows 8
 *         --max-stream-bytes 1024 --max-memory 1 --idle-timeout 1),
 *         bit 5 --exit-failed (only counted)
 *
 * At most FZ_MAX_FILES captures (several -r). The output goes to a
 * memory stream and is checked as the end-to-end tests check it: JSON
 * lines are single lines that open with '{' and close with '}', and
 * neither JSON nor text (without colour) holds a raw control character.
 * A violation aborts.
 *
 * Kept in step with main.c by hand: main.c's read loop is not a library
 * function (yet), so a change there must be made here too.
 */
#define KEYLOG_MAGIC	"#KEYLOG\n"
#define KEYLOG_END	"#END\n"
#define FILE_SEP	"#FILE\n"
#define FZ_MAX_FILES	4

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fz_filters[8] = {
	NULL,
	"tcp",
	"tcp port 443",
	"not port 22 and (ip or ip6)",
	"vlan and tcp",
	"tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0",
	"ip6",
	"port 443 or port 25 or port 5432",
};

struct fz_ctx {
	struct analyzer	*a;
	long long	 count;
	long long	 seen;
	bool		 stop;
};

static void
fz_on_conn(void *arg, struct tl_conn *c)
{
	out_conn(arg, c);
}

/* fz_feed is main.c's feed(): one packet, counted against -c. */
static void
fz_feed(struct fz_ctx *x, int dlt, int64_t ts_us, const uint8_t *p,
    size_t caplen, size_t len)
{
	analyzer_packet(x->a, dlt, ts_us, p, caplen, len);
	x->seen++;
	if (x->count > 0 && x->seen >= x->count)
		x->stop = true;
}

/* fz_memfile writes |len| bytes to a memory file; its fd, or -1. */
static int
fz_memfile(const uint8_t *p, size_t len, char *path, size_t path_len)
{
	int fd;

	fd = memfd_create("fuzz_cli", 0);
	if (fd == -1)
		return -1;
	if (len > 0 && write(fd, p, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

/* fz_check aborts if the output is not what the tests accept. */
static void
fz_check(const char *s, size_t len, bool json, bool color)
{
	size_t i, start = 0;
	unsigned char ch;

	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch == '\n') {
			if (json && i > start &&
			    (s[start] != '{' || s[i - 1] != '}'))
				abort();
			start = i + 1;
			continue;
		}
		if ((ch < 0x20 && ch != '\t' && !(color && ch == 0x1b)) ||
		    ch == 0x7f)
			abort();
	}
	if (start != len)	/* every report ends with a newline */
		abort();
}

/* fz_run reads |files| as main.c's file branch does. */
static void
fz_run(const char *const *files, size_t nfiles, const char *filter,
    struct fz_ctx *x, bool thread)
{
	char errbuf[CAPTURE_ERRBUF_SIZE];
	enum capture_error cerr;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct reader *rd;
	struct reader_pkt k;
	size_t i;
	pcap_t *p;
	int rc, dlt;

	if (thread) {
		rd = reader_start(files, nfiles, filter, errbuf);
		if (rd == NULL)
			return;
		while (!x->stop && reader_next(rd, &k))
			fz_feed(x, k.dlt, k.ts_us, k.data, k.caplen, k.len);
		if (!x->stop)
			(void)reader_error(rd);
		reader_free(rd);
		return;
	}
	for (i = 0; i < nfiles && !x->stop; i++) {
		p = capture_open_file(files[i], &cerr, errbuf);
		if (p == NULL)
			return;
		if (!capture_check_link(p, files[i], errbuf) ||
		    !capture_set_filter(p, filter, false, NULL, errbuf)) {
			pcap_close(p);
			return;
		}
		dlt = pcap_datalink(p);
		while (!x->stop) {
			rc = pcap_next_ex(p, &h, &bytes);
			if (rc != 1)
				break;
			fz_feed(x, dlt, time_us(h->ts.tv_sec, h->ts.tv_usec),
			    bytes, h->caplen, h->len);
		}
		pcap_close(p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[CAPTURE_ERRBUF_SIZE], aerr[ANALYZER_ERRBUF_SIZE];
	char paths[FZ_MAX_FILES][64], klpath[64];
	const char *files[FZ_MAX_FILES + 1], *keylogs[2] = { NULL, NULL };
	const uint8_t *end, *sep;
	struct analyzer_opts ao;
	struct out_opts oo;
	struct output *out;
	struct fz_ctx x;
	enum capture_error cerr;
	const char *filter;
	uint8_t opt0, opt1, count;
	size_t nfiles = 0, i, len;
	int fds[FZ_MAX_FILES], kfd = -1;
	char *obuf = NULL;
	size_t olen = 0;
	FILE *ofp;
	pcap_t *p;
	bool ok = true;

	if (size < 3)
		return 0;
	opt0 = data[0];
	opt1 = data[1];
	count = data[2];
	data += 3;
	size -= 3;

	/* The key log, as --keylog FILE. */
	len = strlen(KEYLOG_MAGIC);
	if (size >= len && memcmp(data, KEYLOG_MAGIC, len) == 0) {
		end = memmem(data + len, size - len, KEYLOG_END,
		    strlen(KEYLOG_END));
		if (end == NULL)
			return 0;
		kfd = fz_memfile(data + len, (size_t)(end - data) - len,
		    klpath, sizeof(klpath));
		if (kfd == -1)
			return 0;
		keylogs[0] = klpath;
		end += strlen(KEYLOG_END);
		size -= (size_t)(end - data);
		data = end;
	}

	/* The captures, as several -r FILE. */
	while (nfiles < FZ_MAX_FILES) {
		sep = nfiles + 1 < FZ_MAX_FILES ?
		    memmem(data, size, FILE_SEP, strlen(FILE_SEP)) : NULL;
		len = sep != NULL ? (size_t)(sep - data) : size;
		fds[nfiles] = fz_memfile(data, len, paths[nfiles],
		    sizeof(paths[nfiles]));
		if (fds[nfiles] == -1)
			break;
		files[nfiles] = paths[nfiles];
		nfiles++;
		if (sep == NULL)
			break;
		size -= len + strlen(FILE_SEP);
		data = sep + strlen(FILE_SEP);
	}
	files[nfiles] = NULL;
	filter = fz_filters[opt1 & 7];

	/* main.c: check every file can be opened before reading any. */
	for (i = 0; i < nfiles && ok; i++) {
		p = capture_open_file(files[i], &cerr, errbuf);
		if (p == NULL) {
			ok = false;
			break;
		}
		if (!capture_check_link(p, files[i], errbuf) ||
		    !capture_set_filter(p, filter, false, NULL, errbuf))
			ok = false;
		pcap_close(p);
	}

	memset(&ao, 0, sizeof(ao));
	ao.max_flows = LIMIT_FLOWS_DEFAULT;
	ao.max_stream_bytes = LIMIT_OOO_BYTES_DEFAULT;
	ao.max_memory = (size_t)LIMIT_MEMORY_MB_DEFAULT * 1024 * 1024;
	ao.idle_us = (int64_t)LIMIT_IDLE_SECONDS_DEFAULT * 1000000;
	if ((opt1 & 0x10) != 0) {
		ao.max_flows = 8;
		ao.max_stream_bytes = 1024;
		ao.max_memory = 1024 * 1024;
		ao.idle_us = 1000000;
	}
	ao.keylog_files = keylogs;
	memset(&oo, 0, sizeof(oo));
	oo.json = (opt0 & 0x01) != 0;
	oo.quiet = (opt0 & 0x02) != 0;
	oo.verbose = (opt0 & 0x04) != 0;
	oo.summary = (opt0 & 0x08) != 0;
	oo.failures_only = (opt0 & 0x10) != 0;
	oo.color = (opt0 & 0x20) != 0;
	oo.verdicts = (opt0 & 0x80) != 0 ? "handshake_incomplete,ok" : NULL;

	ofp = ok ? open_memstream(&obuf, &olen) : NULL;
	if (ofp != NULL) {
		memset(&x, 0, sizeof(x));
		x.count = (opt1 & 0x08) != 0 ? (long long)count + 1 : 0;
		out = out_new(&oo, ofp);
		x.a = analyzer_new(&ao, fz_on_conn, out, aerr);
		if (x.a != NULL) {
			fz_run(files, nfiles, filter, &x,
			    (opt0 & 0x40) == 0);
			analyzer_flush(x.a);
			if (oo.summary)
				out_summary(out, analyzer_stats(x.a), 0, 0,
				    false);
			if ((opt1 & 0x20) != 0)
				(void)out_failures(out);
			analyzer_free(x.a);
		}
		out_free(out);
		fclose(ofp);
		fz_check(obuf, olen, oo.json, oo.color);
		free(obuf);
	}
	out_json_memo_clear();
	for (i = 0; i < nfiles; i++)
		close(fds[i]);
	if (kfd != -1)
		close(kfd);
	return 0;
}
