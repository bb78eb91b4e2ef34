/* pcapng_dsb.c - TLS key logs embedded in pcapng files (DSBs). */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "limits.h"
#include "pcapng_dsb.h"
#include "rd.h"

/* draft-ietf-opsawg-pcapng, 4.1 and 4.7. */
#define PCAPNG_SHB		0x0a0d0d0aU	/* the same either way round */
#define PCAPNG_BOM		0x1a2b3c4dU
#define PCAPNG_DSB		0x0000000aU
#define DSB_TLS_KEY_LOG		0x544c534bU	/* "TLSK" */

static bool
rd_u32e(struct rd *r, bool le, uint32_t *out)
{
	return le ? rd_u32le(r, out) : rd_u32(r, out);
}

/*
 * 4.7: secrets type[4] secrets length[4] secrets data[length] padding to
 * 32 bits, then options.
 */
bool
pcapng_dsb_parse(const uint8_t *body, size_t len, bool le, pcapng_dsb_fn fn,
    void *arg, struct pcapng_dsb_stats *st)
{
	struct rd r, data;
	uint32_t type, slen;

	rd_init(&r, body, len);
	if (!rd_u32e(&r, le, &type) || !rd_u32e(&r, le, &slen) ||
	    !rd_bytes(&r, &data, slen))
		return false;
	if (type != DSB_TLS_KEY_LOG) {
		st->other++;
		return true;
	}
	st->tls++;
	fn(arg, rd_ptr(&data), rd_left(&data));
	return true;
}

/* gz_full reads exactly |n| bytes. */
static bool
gz_full(gzFile gz, void *buf, size_t n)
{
	return n <= (size_t)INT32_MAX &&
	    gzread(gz, buf, (unsigned)n) == (int)n;
}

/*
 * The scan reads through zlib's buffer of SCAN_BUFFER bytes, and skips a
 * block of up to SCAN_READ_THROUGH bytes by reading it from that buffer.
 * A seek on a plain file empties the buffer: seeking over every packet
 * block cost two system calls per packet (1.8 million reads of 8 KiB and
 * as many seeks for a 480 MB capture, 6x the time of the analysis).
 */
#define SCAN_BUFFER		(1024 * 1024)
#define SCAN_READ_THROUGH	(64 * 1024)

/* gz_skip skips |n| bytes: read through when short, else a seek (a read
 * through all the same on a compressed file). */
static bool
gz_skip(gzFile gz, uint64_t n)
{
	uint8_t scratch[4096];
	unsigned k;

	if (n > SCAN_READ_THROUGH)
		return n <= (uint64_t)INT32_MAX &&
		    gzseek(gz, (z_off_t)n, SEEK_CUR) >= 0;
	while (n > 0) {
		k = n < sizeof(scratch) ? (unsigned)n : sizeof(scratch);
		if (gzread(gz, scratch, k) != (int)k)
			return false;
		n -= k;
	}
	return true;
}

bool
pcapng_dsb_scan(const char *path, pcapng_dsb_fn fn, void *arg,
    struct pcapng_dsb_stats *st)
{
	uint8_t hdr[12], *body;
	struct rd r;
	uint32_t type, len, bom;
	bool le = true, ok;
	gzFile gz;

	memset(st, 0, sizeof(*st));
	gz = gzopen(path, "rb");
	if (gz == NULL)
		return false;
	(void)gzbuffer(gz, SCAN_BUFFER);
	ok = false;
	for (;;) {
		if (!gz_full(gz, hdr, 8))
			break;
		rd_init(&r, hdr, 8);
		if (!rd_u32(&r, &type))
			break;
		if (type == PCAPNG_SHB) {
			/* 4.1: the byte-order magic after the length says
			 * the section's byte order. */
			if (!gz_full(gz, hdr + 8, 4))
				break;
			rd_init(&r, hdr + 8, 4);
			if (!rd_u32(&r, &bom))
				break;
			if (bom == PCAPNG_BOM)
				le = false;
			else if (bom == 0x4d3c2b1aU)
				le = true;
			else
				break;
			rd_init(&r, hdr + 4, 4);
			if (!rd_u32e(&r, le, &len) || len < 28 || len % 4 != 0)
				break;
			ok = true;
			if (!gz_skip(gz, len - 12))
				break;
			continue;
		}
		if (!ok)
			break;		/* not pcapng: the first block is no SHB */
		rd_init(&r, hdr, 8);
		if (!rd_u32e(&r, le, &type) || !rd_u32e(&r, le, &len) ||
		    len < 12 || len % 4 != 0)
			break;
		if (type != PCAPNG_DSB) {
			if (!gz_skip(gz, len - 8))
				break;
			continue;
		}
		if (len - 12 > LIMIT_DSB_BYTES) {
			st->too_big++;
			if (!gz_skip(gz, len - 8))
				break;
			continue;
		}
		body = malloc(len - 12 > 0 ? len - 12 : 1);
		if (body == NULL)
			break;
		if (!gz_full(gz, body, len - 12) || !gz_skip(gz, 4)) {
			free(body);
			break;
		}
		(void)pcapng_dsb_parse(body, len - 12, le, fn, arg, st);
		/* Secrets: wipe before giving the memory back. */
		memset(body, 0, len - 12);
		free(body);
	}
	gzclose_r(gz);
	return ok;
}
