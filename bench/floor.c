/*
 * floor.c - the floor for tlsdiag's throughput: a bare libpcap read loop.
 *
 * Opens a capture with pcap_open_offline and walks it with pcap_next_ex,
 * counting packets and captured bytes and touching one byte of each packet
 * (so the data is really read), nothing else.  bench/run.sh reports
 * tlsdiag's time as a multiple of this one.
 *
 * With -b BYTES it opens the file itself with a stdio buffer of that size
 * and hands it to libpcap (pcap_fopen_offline), as tlsdiag does (1 MB,
 * src/capture.c): libpcap's own stream has a 4 KiB buffer, and its read
 * calls cost more than the rest of the loop.  No program that reads the
 * file through libpcap can be much faster than that.
 *
 *   cc -O2 -o floor bench/floor.c -lpcap && ./floor [-b BYTES] FILE
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long packets = 0, bytes = 0, wire = 0;
	unsigned int touch = 0;
	pcap_t *p;
	FILE *fp;
	char *buf = NULL;
	long bsize = 0;
	int r;

	if (argc == 4 && strcmp(argv[1], "-b") == 0) {
		if ((bsize = strtol(argv[2], NULL, 10)) <= 0)
			argc = 0;	/* usage */
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: floor [-b BYTES] FILE\n");
		return 2;
	}
	if (bsize > 0) {
		if ((fp = fopen(argv[1], "rb")) == NULL ||
		    (buf = malloc((size_t)bsize)) == NULL ||
		    setvbuf(fp, buf, _IOFBF, (size_t)bsize) != 0) {
			perror("floor");
			return 1;
		}
		p = pcap_fopen_offline(fp, err);
	} else
		p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "floor: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
		wire += h->len;
		if (h->caplen > 0)
			touch += data[h->caplen - 1];
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "floor: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	free(buf);
	printf("packets %llu bytes %llu wire %llu (%u)\n", packets, bytes,
	    wire, touch & 1);
	return 0;
}
