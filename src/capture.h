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

struct capture_live_opts {
	const char	*iface;
	int		 snaplen;
	int		 buffer_kib;	/* 0: libpcap's default */
	bool		 promisc;
};

/* capture_open_file opens |path| ("-" for standard input) as a pcap or
 * pcapng file. It returns NULL, with |errbuf| naming the file and the
 * cause, when it cannot. */
pcap_t	*capture_open_file(const char *path, enum capture_error *err,
	    char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_open_live opens an interface in immediate mode. */
pcap_t	*capture_open_live(const struct capture_live_opts *o,
	    enum capture_error *err, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* capture_check_link fails if |p|'s link type is one decode does not
 * understand, naming it. */
bool	 capture_check_link(pcap_t *p, const char *what,
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
