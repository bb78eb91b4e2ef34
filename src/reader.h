/* reader.h - capture files read ahead in a thread of their own. */
#ifndef TLSDIAG_READER_H
#define TLSDIAG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/*
 * Reading a capture (libpcap's copies, the kernel's copy out of the page
 * cache) costs about as much as analysing its bulk packets. The reader
 * does the reading in a second thread, one batch of packets ahead of the
 * analysis, so that on a machine with two cores the two overlap. The
 * packets come out in file order, exactly as pcap_next_ex gives them.
 *
 * Not for standard input: a batch is handed over when it is full, so a
 * pipe that stays open would hold back the last packets.
 */
struct reader;

struct reader_pkt {
	int64_t		 ts_us;
	uint32_t	 caplen;
	uint32_t	 len;
	int		 dlt;
	const uint8_t	*data;		/* valid until the next reader_next */
};

/*
 * reader_start opens nothing yet: it starts the thread that opens |files|
 * in turn, checks each one's link type, installs |filter| (NULL: none)
 * and reads them. |files| must outlive the reader. NULL and |errbuf|
 * filled if the thread cannot be started.
 */
struct reader	*reader_start(const char *const *files, size_t nfiles,
		    const char *filter, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* reader_next gives the next packet, or false at the end of the input
 * or after an error (reader_error tells which). */
bool		 reader_next(struct reader *r, struct reader_pkt *out);
/* reader_error returns the error that ended the input, or NULL. */
const char	*reader_error(const struct reader *r);
/* reader_free stops the thread (it may be mid-file) and frees |r|. */
void		 reader_free(struct reader *r);

#endif
