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
	/* Frames of the file the BPF filter rejected just before this one,
	 * so that frame numbers stay those of the file. */
	uint32_t	 skipped;
	/* Live: the kernel's drop counter as read when this packet's batch
	 * was handed over; and whether it is the last of its batch. */
	uint64_t	 drops;
	bool		 batch_end;
};

/* What reader_next_live found. */
enum reader_status {
	READER_PKT,		/* a packet in |out| */
	READER_IDLE,		/* nothing captured within the wait */
	READER_END,		/* stopped, or an error (reader_error) */
};

/* Live capture counters, as libpcap's pcap_stats gives them. */
struct reader_stats {
	uint64_t	recv;
	uint64_t	drop;
	uint64_t	ifdrop;
	bool		valid;
};

/*
 * reader_start opens nothing yet: it starts the thread that opens |files|
 * in turn, checks each one's link type, installs |filter| (NULL: none)
 * and reads them. |files| must outlive the reader. NULL and |errbuf|
 * filled if the thread cannot be started.
 */
struct reader	*reader_start(const char *const *files, size_t nfiles,
		    const char *filter, char errbuf[CAPTURE_ERRBUF_SIZE]);
/*
 * reader_start_live takes |p|, an activated live capture, and starts the
 * thread that drains it: it polls the socket, copies what libpcap gives
 * into batches and hands a batch over as soon as the analysis can take
 * it, so that the kernel's ring is emptied at the pace of the capture,
 * not of the analysis. The packets already queued are still given after
 * reader_stop. The reader owns |p| and closes it.
 */
struct reader	*reader_start_live(pcap_t *p, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* reader_next_live waits at most |wait_ms| for the next packet. */
enum reader_status reader_next_live(struct reader *r, struct reader_pkt *out,
		    int wait_ms);
/* reader_live_stats fills |out| with the counters as last read by the
 * thread (about ten times a second, and once more when it stops). */
void		 reader_live_stats(struct reader *r, struct reader_stats *out);
/* reader_stop asks the thread to stop and waits for it; the packets it
 * queued stay readable. Calling it again does nothing. */
void		 reader_stop(struct reader *r);
/* reader_next gives the next packet, or false at the end of the input
 * or after an error (reader_error tells which). */
bool		 reader_next(struct reader *r, struct reader_pkt *out);
/* reader_error returns the error that ended the input, or NULL. */
const char	*reader_error(const struct reader *r);
/* reader_free stops the thread (it may be mid-file) and frees |r|. */
void		 reader_free(struct reader *r);

#endif
