/* ovpn.c - OpenVPN over TCP: the TLS records its control channel carries. */
#include <string.h>

#include "ovpn.h"
#include "rd.h"

/* Opcodes (the high 5 bits of a packet's first byte). */
#define OP_HARD_RESET_CLIENT_V1	1
#define OP_CONTROL_V1		4
#define OP_ACK_V1		5
#define OP_DATA_V1		6
#define OP_HARD_RESET_CLIENT_V2	7
#define OP_DATA_V2		9
#define OP_HARD_RESET_CLIENT_V3	10	/* tls-crypt-v2 */
#define OP_MAX			11	/* P_CONTROL_WKC_V1 */
#define MAX_ACKS		8	/* RELIABLE_ACK_SIZE */

/* header_need: how many bytes of a packet's header must be in hand: all of
 * it once its first |n| bytes tell its length, else the bytes that would
 * tell it; -1 when they are not an OpenVPN header. */
static int
header_need(const struct ovpn *o, const uint8_t *h, size_t n)
{
	size_t base;
	uint8_t op, acks;
	struct rd r;

	if (n < 1)
		return 1;
	op = h[0] >> 3;
	if (op == 0 || op > OP_MAX)
		return -1;
	/* Data packets and, with tls-crypt, every packet: nothing to read
	 * past the opcode. */
	if (op == OP_DATA_V1 || op == OP_DATA_V2 || o->opaque)
		return 1;
	base = 1 + 8 + (o->auth_len > 0 ? o->auth_len + 8u : 0);
	if (n < base + 1)
		return (int)(base + 1);
	rd_init(&r, h, n);
	if (!rd_skip(&r, base) || !rd_u8(&r, &acks) || acks > MAX_ACKS)
		return -1;
	return (int)(base + 1 + 4u * acks + (acks > 0 ? 8u : 0) +
	    (op == OP_ACK_V1 ? 0u : 4u));
}

/* header_done decides what becomes of a packet whose header is in hand:
 * the payload of a P_CONTROL_V1 not seen before is TLS. */
static void
header_done(struct ovpn *o, struct ovpn_dir *d)
{
	uint8_t op = d->hdr[0] >> 3;
	uint32_t id = 0;
	struct rd r;

	d->left = (uint16_t)(d->pkt_len - d->hdr_need);
	d->pass = false;
	if (op != OP_CONTROL_V1 || o->opaque)
		return;
	rd_init(&r, d->hdr + d->hdr_need - 4, 4);
	if (!rd_u32(&r, &id) || id < d->next_id)
		return;		/* sent again: its bytes were read */
	d->next_id = id + 1;
	d->pass = true;
}

/* take_header collects header bytes from |*p|; it returns -1 when they
 * are not OpenVPN, 1 once the header is whole, 0 when more are needed. */
static int
take_header(struct ovpn *o, struct ovpn_dir *d, const uint8_t **p,
    size_t *len)
{
	int need;
	size_t n;

	for (;;) {
		need = header_need(o, d->hdr, d->hdr_len);
		if (need < 0 || (size_t)need > d->pkt_len ||
		    (size_t)need > sizeof(d->hdr))
			return -1;
		if (d->hdr_len >= need) {
			d->hdr_need = (uint16_t)need;
			return 1;
		}
		if (*len == 0)
			return 0;
		n = (size_t)need - d->hdr_len;
		if (n > *len)
			n = *len;
		memcpy(d->hdr + d->hdr_len, *p, n);
		d->hdr_len = (uint16_t)(d->hdr_len + n);
		*p += n;
		*len -= n;
	}
}

bool
ovpn_feed(struct ovpn *o, int dir, const uint8_t *p, size_t len,
    ovpn_tls_fn fn, void *arg)
{
	struct ovpn_dir *d = &o->d[dir];
	size_t n;
	int h;

	while (len > 0 && !d->broken) {
		if (d->len_bytes < 2) {
			d->pkt_len = (uint16_t)(d->pkt_len << 8 | *p++);
			len--;
			if (++d->len_bytes == 2 && d->pkt_len == 0) {
				d->broken = true;
				return false;
			}
			d->hdr_len = 0;
			d->hdr_need = 0;
			continue;
		}
		if (d->hdr_need == 0) {
			h = take_header(o, d, &p, &len);
			if (h < 0) {
				d->broken = true;
				return false;
			}
			if (h == 0)
				break;
			header_done(o, d);
		}
		n = len < d->left ? len : d->left;
		if (d->pass && n > 0)
			fn(arg, dir, p, n);
		p += n;
		len -= n;
		d->left = (uint16_t)(d->left - n);
		if (d->left == 0) {
			d->len_bytes = 0;
			d->pkt_len = 0;
			d->packets++;
		}
	}
	return true;
}

void
ovpn_gap(struct ovpn *o, int dir)
{
	o->d[dir].broken = true;
}

/* first_fits: the client's first packet |p| (|len| bytes after the length)
 * has the layout of a hard reset with a tls-auth HMAC of |auth| bytes: no
 * ack, message id 0, and with tls-auth a replay packet id of 1. */
static bool
first_fits(const uint8_t *p, size_t len, size_t auth)
{
	struct rd r;
	uint32_t pid = 0, id = 1;	/* read before each test */
	uint8_t acks;

	rd_init(&r, p, len);
	if (!rd_skip(&r, 1 + 8))
		return false;
	if (auth > 0 && (!rd_skip(&r, auth) || !rd_u32(&r, &pid) ||
	    pid != 1 || !rd_skip(&r, 4)))
		return false;
	return rd_u8(&r, &acks) && acks == 0 && rd_u32(&r, &id) && id == 0;
}

bool
ovpn_detect(struct ovpn *o, const uint8_t *p, size_t len)
{
	/* No tls-auth, or its HMAC: SHA-1, SHA-256, SHA-384, SHA-512. */
	static const uint8_t auth[] = { 0, 20, 32, 48, 64 };
	struct rd r;
	uint16_t plen;
	uint8_t b, op;
	size_t i;

	rd_init(&r, p, len);
	if (!rd_u16(&r, &plen) || !rd_peek_u8(&r, 0, &b) ||
	    plen < 14 || plen > 1024 || rd_left(&r) < plen || (b & 7) != 0)
		return false;
	op = b >> 3;
	if (op != OP_HARD_RESET_CLIENT_V1 && op != OP_HARD_RESET_CLIENT_V2 &&
	    op != OP_HARD_RESET_CLIENT_V3)
		return false;
	memset(o, 0, sizeof(*o));
	o->opaque = true;
	for (i = 0; op != OP_HARD_RESET_CLIENT_V3 && i < sizeof(auth); i++)
		if (first_fits(rd_ptr(&r), plen, auth[i])) {
			o->auth_len = auth[i];
			o->opaque = false;
			break;
		}
	return true;
}
