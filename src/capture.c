/* capture.c - opening live and offline packet sources, BPF, privilege drop. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "capture.h"
#include "decode.h"
#include "util.h"

/* zlib's input buffer for compressed captures (its default is 8 KiB). */
#define GZ_BUFFER	(128 * 1024)

/*
 * Captures compressed with gzip are read through zlib: a stdio stream
 * whose reads are gzread calls (fopencookie), handed to libpcap, which
 * closes it (and so the gzFile) with pcap_close.
 */
static ssize_t
gz_read(void *cookie, char *buf, size_t n)
{
	int got;

	if (n > (size_t)INT32_MAX)
		n = (size_t)INT32_MAX;
	got = gzread((gzFile)cookie, buf, (unsigned)n);
	return got < 0 ? -1 : (ssize_t)got;
}

static int
gz_close(void *cookie)
{
	return gzclose_r((gzFile)cookie) == Z_OK ? 0 : EOF;
}

/* gz_stream returns a read-only FILE over the gzip stream on |fd| (which
 * it owns from then on), or NULL. */
static FILE *
gz_stream(int fd)
{
	static const cookie_io_functions_t io = {
		.read = gz_read, .write = NULL, .seek = NULL, .close = gz_close,
	};
	gzFile gz;
	FILE *fp;

	gz = gzdopen(fd, "rb");
	if (gz == NULL) {
		close(fd);
		return NULL;
	}
	(void)gzbuffer(gz, GZ_BUFFER);
	fp = fopencookie(gz, "rb", io);
	if (fp == NULL)
		(void)gzclose_r(gz);
	return fp;
}

/*
 * capture_is_gzip says whether |path| starts with the gzip magic bytes
 * (RFC 1952 2.3.1: 1f 8b), whatever its name. Standard input is looked at
 * only when it is a regular file (pread leaves it where it was): a pipe
 * cannot be peeked at, and zlib would hold back a live stream's packets
 * until its buffer fills, so a pipe is read by libpcap as before.
 */
static bool
capture_is_gzip(const char *path)
{
	unsigned char m[2];
	struct stat sb;
	off_t at;
	FILE *fp;
	bool gz;

	if (strcmp(path, "-") == 0) {
		if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISREG(sb.st_mode))
			return false;
		at = lseek(STDIN_FILENO, 0, SEEK_CUR);
		return at >= 0 && pread(STDIN_FILENO, m, 2, at) == 2 &&
		    m[0] == 0x1f && m[1] == 0x8b;
	}
	fp = fopen(path, "rb");
	if (fp == NULL)
		return false;
	gz = fread(m, 1, 2, fp) == 2 && m[0] == 0x1f && m[1] == 0x8b;
	fclose(fp);
	return gz;
}

pcap_t *
capture_open_file(const char *path, enum capture_error *err,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE];
	struct stat sb;
	pcap_t *p;

	*err = CAPTURE_ERR_INPUT;
	if (strcmp(path, "-") != 0) {
		if (stat(path, &sb) != 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", path,
			    strerror(errno));
			return NULL;
		}
		if (S_ISDIR(sb.st_mode)) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE,
			    "%s: is a directory, not a capture file", path);
			return NULL;
		}
		if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE,
			    "%s: empty file, not a capture", path);
			return NULL;
		}
	}
	pe[0] = '\0';
	if (capture_is_gzip(path)) {
		FILE *fp = NULL;
		int fd;

		fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
		    open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			fp = gz_stream(fd);
		if (fp == NULL) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", path,
			    strerror(errno));
			return NULL;
		}
		p = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_MICRO, pe);
		if (p == NULL)
			fclose(fp);
	} else
		p = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, pe);
	if (p == NULL) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", path, pe);
		return NULL;
	}
	*err = CAPTURE_OK;
	return p;
}

pcap_t *
capture_open_live(const struct capture_live_opts *o, enum capture_error *err,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int rc;

	pe[0] = '\0';
	*err = CAPTURE_ERR_OTHER;
	p = pcap_create(o->iface, pe);
	if (p == NULL) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", o->iface, pe);
		return NULL;
	}
	(void)pcap_set_snaplen(p, o->snaplen);
	(void)pcap_set_promisc(p, o->promisc ? 1 : 0);
	(void)pcap_set_timeout(p, 100);
	(void)pcap_set_immediate_mode(p, 1);
	if (o->buffer_kib > 0)
		(void)pcap_set_buffer_size(p, o->buffer_kib * 1024);
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
	rc = pcap_activate(p);
	if (rc < 0) {
		switch (rc) {
		case PCAP_ERROR_PERM_DENIED:
			*err = CAPTURE_ERR_PERM;
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: permission "
			    "denied for live capture: run as root or grant "
			    "CAP_NET_RAW and CAP_NET_ADMIN (setcap "
			    "cap_net_raw,cap_net_admin=eip tlsdiag)", o->iface);
			break;
		case PCAP_ERROR_NO_SUCH_DEVICE:
			*err = CAPTURE_ERR_NODEV;
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: no such "
			    "interface (tlsdiag -D lists them)", o->iface);
			break;
		default:
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s",
			    o->iface, pcap_geterr(p));
			break;
		}
		pcap_close(p);
		return NULL;
	}
	*err = CAPTURE_OK;
	return p;
}

bool
capture_check_link(pcap_t *p, const char *what,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	int dlt = pcap_datalink(p);
	const char *name;

	if (decode_link_supported(dlt))
		return true;
	name = pcap_datalink_val_to_name(dlt);
	snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: unsupported link type "
	    "%s (%d); tlsdiag decodes Ethernet, Linux SLL/SLL2, raw IP and "
	    "BSD loopback", what, name != NULL ? name : "unknown", dlt);
	return false;
}

bool
capture_set_filter(pcap_t *p, const char *expr, bool live, const char *iface,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	char pe[PCAP_ERRBUF_SIZE];

	if (expr == NULL || *expr == '\0')
		return true;
	if (live && pcap_lookupnet(iface, &net, &mask, pe) != 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(p, &prog, expr, 1, mask) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "bad filter \"%s\": %s",
		    expr, pcap_geterr(p));
		return false;
	}
	if (pcap_setfilter(p, &prog) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot set filter: %s",
		    pcap_geterr(p));
		pcap_freecode(&prog);
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

bool
capture_drop_privileges(const char *user, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct passwd *pw;

	if (getuid() != 0 && geteuid() != 0)
		return true;
	if (user == NULL || strcmp(user, "root") == 0)
		return true;
	pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "-Z %s: no such user",
		    user);
		return false;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot switch to user "
		    "%s: %s", user, strerror(errno));
		return false;
	}
	if (setuid(0) == 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "dropping privileges to "
		    "%s did not stick", user);
		return false;
	}
	return true;
}

char *
capture_list_interfaces(char errbuf[CAPTURE_ERRBUF_SIZE])
{
	pcap_if_t *all = NULL, *d;
	char pe[PCAP_ERRBUF_SIZE];
	struct sb b;
	int i = 1;

	if (pcap_findalldevs(&all, pe) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "cannot list interfaces: "
		    "%s", pe);
		return NULL;
	}
	sb_init(&b);
	sb_puts(&b, "");
	for (d = all; d != NULL; d = d->next, i++) {
		sb_printf(&b, "%d.%s", i, d->name);
		if (d->description != NULL)
			sb_printf(&b, " (%s)", d->description);
		sb_printf(&b, " [%s%s%s]", (d->flags & PCAP_IF_UP) ? "Up" :
		    "Down", (d->flags & PCAP_IF_RUNNING) ? ", Running" : "",
		    (d->flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
		sb_puts(&b, "\n");
	}
	pcap_freealldevs(all);
	return b.s;
}
