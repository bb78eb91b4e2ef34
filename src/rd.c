/* rd.c - bounded reader over borrowed bytes. */
#include <string.h>

#include "rd.h"

bool
rd_u16le(struct rd *r, uint16_t *out)
{
	if (r->len < 2)
		return false;
	*out = (uint16_t)(r->p[0] | (r->p[1] << 8));
	r->p += 2;
	r->len -= 2;
	return true;
}

bool
rd_u32le(struct rd *r, uint32_t *out)
{
	if (r->len < 4)
		return false;
	*out = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
	    (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->len -= 4;
	return true;
}

static bool
rd_vec(struct rd *r, size_t width, struct rd *out)
{
	struct rd save = *r;
	uint32_t n;

	if (!rd_be(r, width, &n))
		return false;
	if (!rd_bytes(r, out, n)) {
		*r = save;
		return false;
	}
	return true;
}

bool
rd_vec8(struct rd *r, struct rd *out)
{
	return rd_vec(r, 1, out);
}

bool
rd_vec16(struct rd *r, struct rd *out)
{
	return rd_vec(r, 2, out);
}

bool
rd_vec24(struct rd *r, struct rd *out)
{
	return rd_vec(r, 3, out);
}
