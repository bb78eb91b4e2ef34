/* capture.c - opening live and offline packet sources, BPF, privilege drop. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

#include <zlib.h>

#include "capture.h"
#include "decode.h"
#include "util.h"

/* zlib's input buffer for compressed captures (its default is 8 KiB). */
#define GZ_BUFFER	(128 * 1024)

/*
 * Plain capture files are read in blocks of FILE_BUFFER bytes. libpcap
 * reads a file with two freads per packet from the stdio stream it opens,
 * whose buffer is one file system block (4 KiB): a 1.6 GB capture then
 * costs 400,000 read calls, and in a virtual machine each costs more than
 * the packets it brings (bench/RESULTS.md: bench/floor.c reads the bulk
 * capture 2.6x faster with this buffer). The fuzz build (configure
 * --enable-fuzzing) keeps it small, as reader.c does its batches: each
 * input opens a capture, and a megabyte of fresh pages per input was
 * most of the fuzzer's time.
 */
#ifdef TLSDIAG_SMALL_BUFFERS
#define FILE_BUFFER	(16 * 1024)
#else
#define FILE_BUFFER	(1024 * 1024)
#endif

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

/*
 * file_stream returns a read-only stdio stream over |fd| (which it owns
 * from then on) that reads into |buf|, FILE_BUFFER bytes, one read call
 * at a time; or NULL. A read from a pipe returns what is there, so no
 * packet waits for the buffer to fill. SIGINT and SIGTERM interrupt it
 * (EINTR, the run stops there); SIGUSR1 is caught with SA_RESTART, so it
 * does not (main.c). A plain stream rather than fopencookie's: glibc
 * copies a packet's 16-byte header out of it with memcpy, where a
 * cookie stream copies it a byte at a time (about 110 instructions a
 * packet).
 */
static FILE *
file_stream(int fd, char *buf)
{
	FILE *fp;

	fp = fdopen(fd, "rb");
	if (fp == NULL) {
		close(fd);
		return NULL;
	}
	if (setvbuf(fp, buf, _IOFBF, FILE_BUFFER) != 0) {
		fclose(fp);
		errno = ENOMEM;
		return NULL;
	}
	return fp;
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

bool
capture_is_stream(const char *path)
{
	struct stat sb;

	if (strcmp(path, "-") == 0)
		return true;
	return stat(path, &sb) == 0 && (S_ISFIFO(sb.st_mode) ||
	    S_ISSOCK(sb.st_mode) || S_ISCHR(sb.st_mode));
}

/*
 * capture_is_gzip says whether |path| starts with the gzip magic bytes
 * (RFC 1952 2.3.1: 1f 8b), whatever its name. Standard input is looked at
 * only when it is a regular file (pread leaves it where it was): a pipe
 * cannot be peeked at, and zlib would hold back a live stream's packets
 * until its buffer fills, so a pipe is read by libpcap as before. So is a
 * named pipe: reading its first bytes would take them from libpcap.
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
	if (capture_is_stream(path))
		return false;
	fp = fopen(path, "rb");
	if (fp == NULL)
		return false;
	gz = fread(m, 1, 2, fp) == 2 && m[0] == 0x1f && m[1] == 0x8b;
	fclose(fp);
	return gz;
}

pcap_t *
capture_open_file(struct capture_file *cf, const char *path,
    enum capture_error *err, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE];
	struct stat sb;
	FILE *fp = NULL;
	bool gz;
	int fd;

	cf->p = NULL;
	cf->buf = NULL;
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
	gz = capture_is_gzip(path);
	/* Standard input too: libpcap's own stream would read it 4 KiB at a
	 * time. */
	fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) :
	    open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !gz && (cf->buf = malloc(FILE_BUFFER)) == NULL) {
		close(fd);
		fd = -1;
		errno = ENOMEM;
	}
	if (fd >= 0)
		fp = gz ? gz_stream(fd) : file_stream(fd, cf->buf);
	if (fp == NULL) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		capture_close_file(cf);
		return NULL;
	}
	cf->p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, pe);
	if (cf->p == NULL) {
		fclose(fp);
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s", path, pe);
		capture_close_file(cf);
		return NULL;
	}
	*err = CAPTURE_OK;
	return cf->p;
}

void
capture_close_file(struct capture_file *cf)
{
	if (cf->p != NULL)
		pcap_close(cf->p);	/* closes the stream, which used buf */
	free(cf->buf);
	cf->p = NULL;
	cf->buf = NULL;
}

bool
capture_fanout_parse(const char *s, enum capture_fanout *out)
{
	if (strcmp(s, "hash") == 0)
		*out = CAPTURE_FANOUT_HASH;
	else if (strcmp(s, "lb") == 0)
		*out = CAPTURE_FANOUT_LB;
	else if (strcmp(s, "cpu") == 0)
		*out = CAPTURE_FANOUT_CPU;
	else
		return false;
	return true;
}

/*
 * set_fanout joins |p|'s AF_PACKET socket to a fanout group (packet(7)).
 * libpcap 1.10 has no call for it, so the socket option is set on its
 * descriptor after activation. Hash mode sends both directions of a
 * connection to one socket (the kernel's flow hash is symmetric);
 * PACKET_FANOUT_FLAG_DEFRAG keeps IP fragments together.
 */
static bool
set_fanout(pcap_t *p, const struct capture_live_opts *o,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
#ifdef PACKET_FANOUT
	/* The option is a u32: group id in the low 16 bits, type and
	 * flags in the high 16 (the defrag flag is bit 31: unsigned). */
	uint32_t mode, arg;
	int fd = pcap_fileno(p);

	switch (o->fanout) {
	case CAPTURE_FANOUT_LB:
		mode = PACKET_FANOUT_LB;
		break;
	case CAPTURE_FANOUT_CPU:
		mode = PACKET_FANOUT_CPU;
		break;
	case CAPTURE_FANOUT_HASH:
	case CAPTURE_FANOUT_NONE:
	default:
		mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
		break;
	}
	arg = (uint32_t)(o->fanout_id & 0xffff) | (mode << 16);
	if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: cannot join fanout "
		    "group %u: %s%s", o->iface, o->fanout_id, strerror(errno),
		    errno == EINVAL ? " (a group of another mode, or an "
		    "interface without AF_PACKET)" : "");
		return false;
	}
	return true;
#else
	snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: --fanout needs Linux "
	    "AF_PACKET", o->iface);
	return false;
#endif
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
	/* Not immediate mode: libpcap then uses TPACKET_V3, whose blocks
	 * pack packets by their length, where immediate mode's TPACKET_V2
	 * slots are sized by the snapshot length (a 32 MiB ring of 256 KiB
	 * slots holds 128 packets). The reader thread polls, so the timeout
	 * bounds the latency. */
	(void)pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	(void)pcap_set_buffer_size(p, (o->buffer_kib > 0 ? o->buffer_kib :
	    CAPTURE_BUFFER_KIB_DEFAULT) * 1024);
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
	if (o->fanout != CAPTURE_FANOUT_NONE && !set_fanout(p, o, errbuf)) {
		pcap_close(p);
		return NULL;
	}
	*err = CAPTURE_OK;
	return p;
}

void
capture_read_error(pcap_t *p, const char *path, unsigned long long npkts,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	const char *pe = pcap_geterr(p);

	/* libpcap's pcapng reader stops at an interface whose link type
	 * differs from the first interface's (its message says so in these
	 * words); say what that means. */
	snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "%s: %s%s%s", path, pe,
	    strstr(pe, "different from the type of the first interface") !=
	    NULL ? " (libpcap reads a pcapng file only while all its "
	    "interfaces have the first one's link type: split the capture "
	    "per interface to read the rest)" : "", npkts > 0 ? " (the "
	    "connections before this point are reported)" : " (no packet of "
	    "it could be read)");
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
capture_compile(pcap_t *p, struct bpf_program *prog, bool *have,
    const char *expr, bool live, const char *iface,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	char pe[PCAP_ERRBUF_SIZE];

	*have = false;
	if (expr == NULL || *expr == '\0')
		return true;
	if (live && pcap_lookupnet(iface, &net, &mask, pe) != 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(p, prog, expr, 1, mask) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "bad filter \"%s\": %s",
		    expr, pcap_geterr(p));
		return false;
	}
	*have = true;
	return true;
}

bool
capture_set_filter(pcap_t *p, const char *expr, bool live, const char *iface,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct bpf_program prog;
	bool have;

	if (!capture_compile(p, &prog, &have, expr, live, iface, errbuf))
		return false;
	if (!have)
		return true;
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

/* may_write tells whether |uid|/|gid| (and its supplementary groups) may
 * create files in a directory with the attributes |sb|. */
static bool
may_write(const struct stat *sb, const struct passwd *pw)
{
	gid_t groups[256];
	int i, n = 256;

	if (pw->pw_uid == 0)
		return true;
	if (sb->st_uid == pw->pw_uid)
		return (sb->st_mode & (S_IWUSR | S_IXUSR)) ==
		    (S_IWUSR | S_IXUSR);
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) == -1)
		n = 0;
	for (i = 0; i < n; i++)
		if (groups[i] == sb->st_gid)
			return (sb->st_mode & (S_IWGRP | S_IXGRP)) ==
			    (S_IWGRP | S_IXGRP);
	return (sb->st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

bool
capture_check_dir(const char *dir, const char *user,
    char errbuf[CAPTURE_ERRBUF_SIZE])
{
	struct passwd *pw = NULL;
	struct stat sb;
	bool as_user;

	/* As root with a -Z user (live capture), the files are written
	 * after the switch: check for that user, and give a directory
	 * created here to that user. */
	as_user = geteuid() == 0 && user != NULL && strcmp(user, "root") != 0;
	if (as_user) {
		pw = getpwnam(user);
		if (pw == NULL) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "-Z %s: no such "
			    "user", user);
			return false;
		}
	}
	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT || mkdir(dir, 0755) != 0 ||
		    stat(dir, &sb) != 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "--extract-certs "
			    "%s: %s", dir, strerror(errno));
			return false;
		}
		if (as_user && chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "--extract-certs "
			    "%s: cannot give it to %s: %s", dir, user,
			    strerror(errno));
			return false;
		}
		if (as_user && stat(dir, &sb) != 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "--extract-certs "
			    "%s: %s", dir, strerror(errno));
			return false;
		}
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "--extract-certs %s: not "
		    "a directory", dir);
		return false;
	}
	if (as_user ? !may_write(&sb, pw) : access(dir, W_OK | X_OK) != 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "--extract-certs %s: not "
		    "writable by %s", dir, as_user ? user : "this user");
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
