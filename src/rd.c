/* rd.c - bounded reader over borrowed bytes. */
#include <string.h>

#include "rd.h"

void
rd_init(struct rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = p == NULL ? 0 : len;
}

size_t
rd_left(const struct rd *r)
{
	return r->len;
}

const uint8_t *
rd_ptr(const struct rd *r)
{
	return r->p;
}

static bool
rd_be(struct rd *r, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (r->len < n)
		return false;
	for (i = 0; i < n; i++)
		v = (v << 8) | r->p[i];
	r->p += n;
	r->len -= n;
	*out = v;
	return true;
}

bool
rd_u8(struct rd *r, uint8_t *out)
{
	uint32_t v;

	if (!rd_be(r, 1, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

bool
rd_u16(struct rd *r, uint16_t *out)
{
	uint32_t v;

	if (!rd_be(r, 2, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

bool
rd_u24(struct rd *r, uint32_t *out)
{
	return rd_be(r, 3, out);
}

bool
rd_u32(struct rd *r, uint32_t *out)
{
	return rd_be(r, 4, out);
}

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

bool
rd_skip(struct rd *r, size_t n)
{
	if (r->len < n)
		return false;
	r->p += n;
	r->len -= n;
	return true;
}

bool
rd_copy(struct rd *r, void *out, size_t n)
{
	if (r->len < n)
		return false;
	if (n > 0)
		memcpy(out, r->p, n);
	r->p += n;
	r->len -= n;
	return true;
}

bool
rd_bytes(struct rd *r, struct rd *out, size_t n)
{
	if (r->len < n)
		return false;
	out->p = r->p;
	out->len = n;
	r->p += n;
	r->len -= n;
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

bool
rd_peek_u8(const struct rd *r, size_t off, uint8_t *out)
{
	if (off >= r->len)
		return false;
	*out = r->p[off];
	return true;
}

bool
rd_peek_u16(const struct rd *r, size_t off, uint16_t *out)
{
	if (off >= r->len || r->len - off < 2)
		return false;
	*out = (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
	return true;
}
