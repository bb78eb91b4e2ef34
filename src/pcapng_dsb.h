/* pcapng_dsb.h - TLS key logs embedded in pcapng files (Decryption
 * Secrets Blocks), which libpcap does not hand on. */
#ifndef TLSDIAG_PCAPNG_DSB_H
#define TLSDIAG_PCAPNG_DSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Called with the secrets data of one TLS key log DSB: NSS key log
 * lines, borrowed for the duration of the call. */
typedef void	(*pcapng_dsb_fn)(void *arg, const uint8_t *p, size_t len);

struct pcapng_dsb_stats {
	size_t	tls;		/* TLS key log DSBs handed to the callback */
	size_t	other;		/* DSBs of other secrets types (WireGuard ...) */
	size_t	too_big;	/* DSBs over LIMIT_DSB_BYTES, skipped */
};

/*
 * pcapng_dsb_scan reads the file at |path| (gzip-compressed or not) block
 * by block and hands the data of every Decryption Secrets Block of type
 * TLS key log to |fn|. Only block headers are read, but for DSBs, each
 * held in memory alone and at most LIMIT_DSB_BYTES. It returns false when
 * the file is not pcapng (nothing to do) or cannot be opened; a block cut
 * short ends the scan (libpcap reports the damage when it reads).
 */
bool	pcapng_dsb_scan(const char *path, pcapng_dsb_fn fn, void *arg,
	    struct pcapng_dsb_stats *st);

/* pcapng_dsb_parse reads the body of one DSB (after the block type and
 * length, before the trailing length) and, for a TLS key log, hands its
 * data to |fn|. |le|: the section is little-endian. Returns false if the
 * body is malformed. */
bool	pcapng_dsb_parse(const uint8_t *body, size_t len, bool le,
	    pcapng_dsb_fn fn, void *arg, struct pcapng_dsb_stats *st);

#endif
