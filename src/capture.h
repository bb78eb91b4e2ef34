/* capture.h - opening live and offline packet sources, BPF, privilege drop. */
#ifndef TLSDIAG_CAPTURE_H
#define TLSDIAG_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include <pcap/pcap.h>

#define CAPTURE_ERRBUF_SIZE	(PCAP_ERRBUF_SIZE + 256)

enum capture_error {
	CAPTURE_OK,
	CAPTURE_ERR_INPUT,	/* file missing, unreadable, not a capture */
	CAPTURE_ERR_PERM,	/* no permission for live capture */
	CAPTURE_ERR_NODEV,	/* no such interface */
	CAPTURE_ERR_LINKTYPE,	/* a link type tlsdiag does not decode */
	CAPTURE_ERR_FILTER,	/* the BPF expression does not compile */
	CAPTURE_ERR_OTHER,
};

/*
 * Default kernel ring for live capture (-B), in KiB. libpcap's default
 * (2 MiB, tcpdump's) holds well under a second of a busy link, and on
 * loopback, whose frames libpcap sizes from the 256 KiB snapshot length,
 * only a handful of packets in immediate mode. 32 MiB holds about half a
 * second of a saturated 500 Mb/s link, or the ~4,000 packets a stalled
 * process may miss in a 0.5 s stop at a few hundred handshakes a second.
 * The memory is the kernel's and locked while capturing.
 */
#define CAPTURE_BUFFER_KIB_DEFAULT	32768
/* The kernel hands over a block of packets at most this late (ms). */
#define CAPTURE_TIMEOUT_MS		100

/* AF_PACKET fanout modes (--fanout ID,MODE). */
enum capture_fanout {
	CAPTURE_FANOUT_NONE,
	CAPTURE_FANOUT_HASH,	/* by flow: both directions to one process */
	CAPTURE_FANOUT_LB,	/* round robin: splits connections, for tests */
	CAPTURE_FANOUT_CPU,	/* by the receiving CPU */
};

struct capture_live_opts {
	const char	*iface;
	int		 snaplen;
	int		 buffer_kib;	/* 0: CAPTURE_BUFFER_KIB_DEFAULT */
	bool		 promisc;
	enum capture_fanout fanout;
	unsigned	 fanout_id;	/* 0..65535 */
};

/* capture_is_stream says whether |path| can be read only once: "-"
 * (standard input) or a pipe, socket or character device (a FIFO, or a
 * shell's <(...)). Such a file is not opened to check it before it is
 * read, nor read by more than one thread. */
bool	 capture_is_stream(const char *path);
/* An open capture file: libpcap's handle and the buffer its stream reads
 * into (NULL for a compressed file), which must outlive the handle. */
struct capture_file {
	pcap_t		*p;
	char		*buf;
};

/* capture_open_file opens |path| ("-" for standard input) as a pcap or
 * pcapng file into |cf| and returns its handle (cf->p). It returns NULL,
 * with |errbuf| naming the file and the cause, when it cannot; |cf| then
 * holds nothing. capture_close_file closes the handle, then frees the
 * buffer. */
pcap_t	*capture_open_file(struct capture_file *cf, const char *path,
	    enum capture_error *err, char errbuf[CAPTURE_ERRBUF_SIZE]);
void	 capture_close_file(struct capture_file *cf);
/* capture_open_live opens an interface with a CAPTURE_TIMEOUT_MS timeout
 * (TPACKET_V3 blocks on Linux) and, when |o->fanout| asks, joins the
 * AF_PACKET fanout group |o->fanout_id|. */
pcap_t	*capture_open_live(const struct capture_live_opts *o,
	    enum capture_error *err, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_read_error says why reading the file |path| (handle |p|)
 * failed after |npkts| of its packets: libpcap's words, what a pcapng
 * file with interfaces of several link types means, and whether the
 * connections before the error are reported. */
void	 capture_read_error(pcap_t *p, const char *path,
	    unsigned long long npkts, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_check_link fails if |p|'s link type is one decode does not
 * understand, naming it. */
bool	 capture_check_link(pcap_t *p, const char *what,
	    char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_compile compiles the BPF expression |expr| into |prog| and sets
 * |*have| (false, and nothing to free, for a NULL or empty |expr|). */
bool	 capture_compile(pcap_t *p, struct bpf_program *prog, bool *have,
	    const char *expr, bool live, const char *iface,
	    char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_fanout_parse reads "MODE" (hash, lb, cpu) into |*out|. */
bool	 capture_fanout_parse(const char *s, enum capture_fanout *out);
/* capture_check_dir checks, before capture starts, that |dir| is a
 * directory (created with mode 0755 if absent) that tlsdiag can write
 * into: |user|, the -Z user of a live capture started as root (it then
 * owns a directory created here), or NULL for the current user. */
bool	 capture_check_dir(const char *dir, const char *user,
	    char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_set_filter compiles and installs the BPF expression |expr|. */
bool	 capture_set_filter(pcap_t *p, const char *expr, bool live,
	    const char *iface, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_drop_privileges switches to |user| when running as root (a
 * NULL or "root" user keeps root). */
bool	 capture_drop_privileges(const char *user,
	    char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_list_interfaces returns a heap string with one line per
 * interface ("1.eth0 (description) [Up, Running]"), or NULL. */
char	*capture_list_interfaces(char errbuf[CAPTURE_ERRBUF_SIZE]);

#endif
