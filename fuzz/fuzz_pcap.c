/* fuzz_pcap.c - libFuzzer target: a whole capture file through the analyzer and both renderers. */
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
#include "timeline.h"

/*
 * Input: a pcap or pcapng file image, read as src/main.c reads -r FILE,
 * rendered as text (-v, colour, --summary), JSON lines and -q. An
 * optional NSS key log comes first, as
 *   "#KEYLOG\n" <key log lines> "#END\n" <capture file>
 * so that the decryption code runs too. Output goes to /dev/null. Each
 * connection's JSON is also rendered without and with the memo of
 * out_json.c, which must agree.
 */
#define KEYLOG_MAGIC	"#KEYLOG\n"
#define KEYLOG_END	"#END\n"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_out {
	struct output	*o[3];
};

/* fz_json_memo renders |c| with the JSON memo empty, then again from
 * the memo: the two must be the same text. */
static void
fz_json_memo(const struct tl_conn *c)
{
	struct out_json *j;
	struct sb a, b;

	sb_init(&a);
	sb_init(&b);
	j = out_json_new(false);
	out_json_conn(j, &a, c);
	out_json_conn(j, &b, c);
	if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0)
		abort();
	out_json_free(j);
	sb_cleanup(&a);
	sb_cleanup(&b);
}

static void
fz_on_conn(void *arg, struct tl_conn *c)
{
	struct fz_out *fo = arg;
	size_t i;

	fz_json_memo(c);
	for (i = 0; i < 3; i++)
		out_conn(fo->o[i], c);
}

/* fz_keylog writes the key log to a memory file and returns its fd, and
 * the path to read it by in |path|; -1 if there is none. */
static int
fz_keylog(const uint8_t **data, size_t *size, char *path, size_t path_len)
{
	const uint8_t *end;
	size_t mlen = strlen(KEYLOG_MAGIC), klen;
	int fd;

	if (*size < mlen || memcmp(*data, KEYLOG_MAGIC, mlen) != 0)
		return -1;
	end = memmem(*data + mlen, *size - mlen, KEYLOG_END,
	    strlen(KEYLOG_END));
	if (end == NULL)
		return -1;
	klen = (size_t)(end - (*data + mlen));
	fd = memfd_create("keylog", 0);
	if (fd == -1)
		return -1;
	if (write(fd, *data + mlen, klen) != (ssize_t)klen) {
		close(fd);
		return -1;
	}
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	*size -= (size_t)(end - *data) + strlen(KEYLOG_END);
	*data = end + strlen(KEYLOG_END);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char errbuf[PCAP_ERRBUF_SIZE], cerr[CAPTURE_ERRBUF_SIZE];
	char aerr[ANALYZER_ERRBUF_SIZE], klpath[64];
	const char *keylogs[2] = { NULL, NULL };
	struct analyzer_opts ao;
	struct out_opts oo[3];
	struct fz_out fo;
	struct analyzer *a;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p;
	FILE *fp;
	int dlt, i, kfd;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		return 0;
	kfd = fz_keylog(&data, &size, klpath, sizeof(klpath));
	if (kfd != -1)
		keylogs[0] = klpath;
	if (size == 0) {
		if (kfd != -1)
			close(kfd);
		return 0;
	}
	fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (fp == NULL) {
		if (kfd != -1)
			close(kfd);
		return 0;
	}
	p = pcap_fopen_offline(fp, errbuf);	/* owns |fp| from here */
	if (p == NULL) {
		fclose(fp);
		if (kfd != -1)
			close(kfd);
		return 0;
	}
	if (!capture_check_link(p, "fuzz", cerr)) {
		pcap_close(p);
		if (kfd != -1)
			close(kfd);
		return 0;
	}
	memset(&ao, 0, sizeof(ao));
	ao.max_flows = LIMIT_FLOWS_DEFAULT;
	ao.max_stream_bytes = LIMIT_OOO_BYTES_DEFAULT;
	ao.max_memory = (size_t)LIMIT_MEMORY_MB_DEFAULT * 1024 * 1024;
	ao.idle_us = (int64_t)LIMIT_IDLE_SECONDS_DEFAULT * 1000000;
	ao.keylog_files = keylogs;
	memset(oo, 0, sizeof(oo));
	oo[0].verbose = true;
	oo[0].color = true;
	oo[0].summary = true;
	oo[1].json = true;
	oo[2].quiet = true;
	oo[2].failures_only = true;
	for (i = 0; i < 3; i++)
		fo.o[i] = out_new(&oo[i], devnull);
	a = analyzer_new(&ao, fz_on_conn, &fo, aerr);
	if (a != NULL) {
		dlt = pcap_datalink(p);
		while (pcap_next_ex(p, &h, &bytes) == 1)
			analyzer_packet(a, dlt, time_us(h->ts.tv_sec,
			    h->ts.tv_usec), bytes, h->caplen, h->len);
		analyzer_flush(a);
		out_summary(fo.o[0], analyzer_stats(a), 0, 0, false);
		analyzer_free(a);
	}
	for (i = 0; i < 3; i++)
		out_free(fo.o[i]);
	pcap_close(p);
	if (kfd != -1)
		close(kfd);
	return 0;
}
