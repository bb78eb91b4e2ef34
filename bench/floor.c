/*
 * floor.c - the floor for tlsdiag's throughput: a bare libpcap read loop.
 *
 * Opens a capture with pcap_open_offline and walks it with pcap_next_ex,
 * counting packets and captured bytes and touching one byte of each packet
 * (so the data is really read), nothing else.  No program that reads the
 * file through libpcap can be faster; bench/run.sh reports tlsdiag's time
 * as a multiple of this one.
 *
 *   cc -O2 -o floor bench/floor.c -lpcap && ./floor FILE
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdint.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long packets = 0, bytes = 0, wire = 0;
	unsigned int touch = 0;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], err)) == NULL) {
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
	printf("packets %llu bytes %llu wire %llu (%u)\n", packets, bytes,
	    wire, touch & 1);
	return 0;
}
