/* pktsave.h - save the packets of the connections tlsdiag reports to a capture file (-w). */
#ifndef TLSDIAG_PKTSAVE_H
#define TLSDIAG_PKTSAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKTSAVE_ERRBUF_SIZE	512

/* What was not written, for the closing message. */
struct pktsave_stats {
	unsigned long long	written;	/* packets */
	unsigned long long	conns;		/* connections written */
	unsigned long long	over_conn_cap;	/* past the per-connection cap */
	unsigned long long	over_mem_cap;	/* past the buffer cap */
	unsigned long long	other_link;	/* another link type than the first */
};

struct pktsave;

/*
 * pktsave_open creates |path| (- for standard output) as a pcap file of
 * link type |dlt|. Packets are held per connection until
 * pktsave_decide says whether the connection is written; with
 * |keep_all| they are written at once. It returns NULL with |errbuf|
 * filled on failure.
 */
struct pktsave	*pktsave_open(const char *path, int dlt, bool keep_all,
		    char errbuf[PKTSAVE_ERRBUF_SIZE]);
/* pktsave_packet takes one packet of connection |conn| (0: none, not
 * written) and link type |dlt|. The bytes are copied. */
void		 pktsave_packet(struct pktsave *w, uint64_t conn, int dlt,
		    int64_t ts_us, const uint8_t *data, size_t caplen,
		    size_t len);
/* pktsave_decide writes the held packets of |conn| if |keep|, else drops
 * them; its later packets (a last ACK) follow the same choice. */
void		 pktsave_decide(struct pktsave *w, uint64_t conn, bool keep);
/* pktsave_close writes what is left undecided (nothing: every connection
 * is decided at the end of input), closes the file and fills |st|. It
 * returns false with |errbuf| filled if writing failed. */
bool		 pktsave_close(struct pktsave *w, struct pktsave_stats *st,
		    char errbuf[PKTSAVE_ERRBUF_SIZE]);

#endif
