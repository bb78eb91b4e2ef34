/* fuzz_cli.c - libFuzzer target: capture files read the way tlsdiag -r reads them, with options from the input. */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer.h"
#include "limits.h"
#include "out.h"
#include "run.h"

/*
 * fuzz_pcap hands libpcap a memory stream and the analyzer each packet.
 * This target runs what tlsdiag -r FILE... runs instead: run_files() of
 * src/run.c, the function main.c calls. Each capture is a memory file
 * opened by name (/proc/self/fd/N); run_files checks every one
 * (capture_open_file, capture_check_link, capture_set_filter) before it
 * reads any, reads them by the read-ahead thread of reader.c or by the
 * pcap_next_ex loop (-r -, one CPU), with -c, the key logs embedded in
 * pcapng files, the analyzer, and one output configured from the input.
 * Input:
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
 *         bit 5 --exit-failed, bits 6-7 the JSON form (1 compact,
 *         2 ecs, else full) and 3 also --threads 2 (pool.c)
 *
 * At most FZ_MAX_FILES captures (several -r). The reports go to a
 * memory stream and are checked as the end-to-end tests check them: JSON
 * lines are single lines that open with '{' and close with '}', and
 * neither JSON nor text (without colour) holds a raw control character.
 * The notes and errors go to another: each is one line that starts with
 * "tlsdiag: ". A violation aborts.
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

/* fz_check_err aborts if the error stream is not lines that each start
 * with "tlsdiag: ". */
static void
fz_check_err(const char *s, size_t len)
{
	const char *nl;

	while (len > 0) {
		if (len < 9 || memcmp(s, "tlsdiag: ", 9) != 0)
			abort();
		nl = memchr(s, '\n', len);
		if (nl == NULL)
			abort();
		len -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
}

/* fz_opts fills the options of run_files from the option bytes. */
static void
fz_opts(struct run_opts *ro, uint8_t opt0, uint8_t opt1, uint8_t count)
{
	struct analyzer_opts *ao = &ro->ao;
	struct out_opts *oo = &ro->oo;

	ao->max_flows = LIMIT_FLOWS_DEFAULT;
	ao->max_stream_bytes = LIMIT_OOO_BYTES_DEFAULT;
	ao->max_memory = (size_t)LIMIT_MEMORY_MB_DEFAULT * 1024 * 1024;
	ao->idle_us = (int64_t)LIMIT_IDLE_SECONDS_DEFAULT * 1000000;
	if ((opt1 & 0x10) != 0) {
		ao->max_flows = 8;
		ao->max_stream_bytes = 1024;
		ao->max_memory = 1024 * 1024;
		ao->idle_us = 1000000;
	}
	oo->json = (opt0 & 0x01) != 0;
	oo->json_form = (opt1 >> 6) == 1 ? OUT_JSON_COMPACT :
	    (opt1 >> 6) == 2 ? OUT_JSON_ECS : OUT_JSON_FULL;
	oo->quiet = (opt0 & 0x02) != 0;
	oo->verbose = (opt0 & 0x04) != 0;
	oo->summary = (opt0 & 0x08) != 0;
	oo->failures_only = (opt0 & 0x10) != 0;
	oo->color = (opt0 & 0x20) != 0;
	oo->verdicts = (opt0 & 0x80) != 0 ? "handshake_incomplete,ok" : NULL;
	ro->read = (opt0 & 0x40) != 0 ? RUN_READ_LOOP : RUN_READ_AHEAD;
	ro->filter = fz_filters[opt1 & 7];
	ro->count = (opt1 & 0x08) != 0 ? (long long)count + 1 : 0;
	ro->exit_failed = (opt1 & 0x20) != 0;
	ro->threads = (opt1 >> 6) == 3 ? 2 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char paths[FZ_MAX_FILES][64], klpath[64];
	const char *files[FZ_MAX_FILES + 1], *keylogs[2] = { NULL, NULL };
	const uint8_t *end, *sep;
	volatile sig_atomic_t stop = 0;
	struct run_opts ro;
	uint8_t opt0, opt1, count;
	size_t nfiles = 0, i, len, olen = 0, elen = 0;
	int fds[FZ_MAX_FILES], kfd = -1;
	char *obuf = NULL, *ebuf = NULL;

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

	memset(&ro, 0, sizeof(ro));
	fz_opts(&ro, opt0, opt1, count);
	ro.files = files;
	ro.nfiles = nfiles;
	ro.ao.keylog_files = keylogs;
	ro.stop = &stop;
	ro.out = open_memstream(&obuf, &olen);
	ro.err = open_memstream(&ebuf, &elen);
	if (ro.out != NULL && ro.err != NULL) {
		(void)run_files(&ro);
		fclose(ro.out);
		fclose(ro.err);
		fz_check(obuf, olen, ro.oo.json, ro.oo.color);
		fz_check_err(ebuf, elen);
	} else {
		if (ro.out != NULL)
			fclose(ro.out);
		if (ro.err != NULL)
			fclose(ro.err);
	}
	free(obuf);
	free(ebuf);
	for (i = 0; i < nfiles; i++)
		close(fds[i]);
	if (kfd != -1)
		close(kfd);
	return 0;
}
