/* check_reader.c - unit tests of the read-ahead thread: it must give the
 * packets pcap_next_ex gives, in order, across batches and files, stop
 * cleanly when asked, and report errors as the direct loop does. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"
#include "check_main.h"

static char paths[4][1024];

static const char *
pcap_path(int i, const char *name)
{
	const char *srcdir = getenv("srcdir");

	snprintf(paths[i], sizeof(paths[i]), "%s/pcaps/%s",
	    srcdir != NULL ? srcdir : ".", name);
	return paths[i];
}

/* direct reads |files| with pcap_next_ex and compares each packet with
 * what |r| gives; it returns the number of packets. */
static size_t
compare(struct reader *r, const char *const *files, size_t nfiles)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	char err[PCAP_ERRBUF_SIZE];
	struct reader_pkt k;
	size_t i, n = 0;
	pcap_t *p;

	for (i = 0; i < nfiles; i++) {
		p = pcap_open_offline_with_tstamp_precision(files[i],
		    PCAP_TSTAMP_PRECISION_MICRO, err);
		ck_assert_msg(p != NULL, "%s: %s", files[i], err);
		while (pcap_next_ex(p, &h, &bytes) == 1) {
			ck_assert_msg(reader_next(r, &k), "packet %zu", n);
			ck_assert_int_eq(k.ts_us, (int64_t)h->ts.tv_sec *
			    1000000 + h->ts.tv_usec);
			ck_assert_uint_eq(k.caplen, h->caplen);
			ck_assert_uint_eq(k.len, h->len);
			ck_assert_int_eq(k.dlt, pcap_datalink(p));
			ck_assert_mem_eq(k.data, bytes, h->caplen);
			n++;
		}
		pcap_close(p);
	}
	ck_assert(!reader_next(r, &k));
	ck_assert(!reader_next(r, &k));
	ck_assert_ptr_null(reader_error(r));
	return n;
}

/* Many files, more packets than one batch holds, link types that change
 * from file to file (Ethernet, Linux SLL2, raw IP, pcapng). */
START_TEST(test_same_packets)
{
	const char *files[200];
	char err[CAPTURE_ERRBUF_SIZE];
	struct reader *r;
	size_t i;

	pcap_path(0, "mixed-20.pcap");
	pcap_path(1, "link-sll2.pcap");
	pcap_path(2, "link-raw.pcap");
	pcap_path(3, "tls13-ok.pcapng");
	for (i = 0; i < 200; i++)
		files[i] = paths[i % 4];
	r = reader_start(files, 200, NULL, err);
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_uint_gt(compare(r, files, 200), 8192);
	reader_free(r);
}
END_TEST

/* A BPF filter is installed on every file. */
START_TEST(test_filter)
{
	const char *files[1];
	char err[CAPTURE_ERRBUF_SIZE];
	struct reader_pkt k;
	struct reader *r;
	size_t n = 0;

	files[0] = pcap_path(0, "mixed-20.pcap");
	r = reader_start(files, 1, "tcp[tcpflags] & tcp-syn != 0", err);
	ck_assert_msg(r != NULL, "%s", err);
	while (reader_next(r, &k)) {
		ck_assert_uint_ge(k.caplen, 14 + 20 + 20);
		ck_assert(k.data[14 + 20 + 13] & 0x02);
		n++;
	}
	ck_assert_uint_gt(n, 0);
	ck_assert_ptr_null(reader_error(r));
	reader_free(r);
}
END_TEST

/* Stopping after a few packets while the thread waits for a free batch:
 * reader_free returns (no hang) and frees everything (ASan, valgrind). */
START_TEST(test_stop_early)
{
	const char *files[400];
	char err[CAPTURE_ERRBUF_SIZE];
	struct reader_pkt k;
	struct reader *r;
	size_t i;

	pcap_path(0, "mixed-20.pcap");
	for (i = 0; i < 400; i++)
		files[i] = paths[0];
	r = reader_start(files, 400, NULL, err);
	ck_assert_msg(r != NULL, "%s", err);
	for (i = 0; i < (size_t)_i; i++)
		ck_assert(reader_next(r, &k));
	if (_i == 2)
		usleep(200000);	/* let the thread fill every batch */
	reader_free(r);
}
END_TEST

/* A file cut in the middle of a packet: the packets before it, then the
 * error the direct loop reports. A missing file: its open error. */
START_TEST(test_errors)
{
	char cut[] = "/tmp/check_reader.XXXXXX", err[CAPTURE_ERRBUF_SIZE];
	const char *files[3];
	struct reader_pkt k;
	struct reader *r;
	FILE *in, *out;
	char buf[600];
	size_t n, got = 0;
	int fd;

	fd = mkstemp(cut);
	ck_assert_int_ge(fd, 0);
	out = fdopen(fd, "wb");
	in = fopen(pcap_path(0, "tls12-ok.pcap"), "rb");
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(in);
	n = fread(buf, 1, sizeof(buf), in);	/* header, a few packets, a cut */
	ck_assert_uint_eq(n, sizeof(buf));
	ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	files[0] = pcap_path(1, "tls12-ok.pcap");
	files[1] = cut;
	files[2] = pcap_path(2, "tls13-ok.pcap");
	r = reader_start(files, 3, NULL, err);
	ck_assert_msg(r != NULL, "%s", err);
	while (reader_next(r, &k))
		got++;
	ck_assert_uint_gt(got, 10);
	ck_assert_ptr_nonnull(reader_error(r));
	ck_assert_msg(strstr(reader_error(r), cut) != NULL &&
	    strstr(reader_error(r), "truncated") != NULL &&
	    strstr(reader_error(r), "(the connections before this point are "
	    "reported)") != NULL, "%s", reader_error(r));
	reader_free(r);
	unlink(cut);

	files[1] = "/nonexistent/x.pcap";
	r = reader_start(files, 3, NULL, err);
	ck_assert_msg(r != NULL, "%s", err);
	while (reader_next(r, &k))
		;
	ck_assert_ptr_nonnull(reader_error(r));
	ck_assert_ptr_nonnull(strstr(reader_error(r), "/nonexistent/x.pcap"));
	reader_free(r);
}
END_TEST

static Suite *
reader_suite(void)
{
	Suite *s = suite_create("reader");
	TCase *tc = tcase_create("Core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_packets);
	tcase_add_test(tc, test_filter);
	tcase_add_loop_test(tc, test_stop_early, 0, 3);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(reader_suite());
}
