/* pktsave.c - save the packets of the connections tlsdiag reports to a capture file (-w). */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "pktsave.h"
#include "util.h"

/* Hash buckets of held connections (a power of two). */
#define PS_BUCKETS	65536
/* Decided connections remembered for their late packets (a last ACK,
 * the answer to a reset): about the tombstones the analyzer keeps. */
#define PS_DECIDED	65536

/* A held packet: this header, then |caplen| bytes. */
struct ps_hdr {
	int64_t		ts_us;
	uint32_t	caplen;
	uint32_t	len;
};

/* One connection's packets, held until its verdict is known. */
struct ps_conn {
	struct ps_conn	*hnext;
	uint64_t	 id;
	bool		 decided;
	bool		 keep;
	size_t		 npkts;
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
};

struct pktsave {
	pcap_t			*dead;
	pcap_dumper_t		*dump;
	int			 dlt;
	bool			 keep_all;
	struct ps_conn		*bucket[PS_BUCKETS];
	struct ps_conn		*ring[PS_DECIDED];	/* decided, oldest */
	size_t			 ring_pos;
	size_t			 held_bytes;
	struct pktsave_stats	 st;
};

struct pktsave *
pktsave_open(const char *path, int dlt, bool keep_all,
    char errbuf[PKTSAVE_ERRBUF_SIZE])
{
	struct pktsave *w;

	w = xcalloc(1, sizeof(*w));
	w->dlt = dlt;
	w->keep_all = keep_all;
	w->dead = pcap_open_dead(dlt, 262144);
	if (w->dead == NULL) {
		snprintf(errbuf, PKTSAVE_ERRBUF_SIZE, "%s: cannot make a "
		    "capture of link type %d", path, dlt);
		free(w);
		return NULL;
	}
	w->dump = pcap_dump_open(w->dead, path);
	if (w->dump == NULL) {
		snprintf(errbuf, PKTSAVE_ERRBUF_SIZE, "%s",
		    pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

static void
write_one(struct pktsave *w, int64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
	if (h.ts.tv_usec < 0) {
		h.ts.tv_usec += 1000000;
		h.ts.tv_sec--;
	}
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)w->dump, &h, data);
	w->st.written++;
}

static struct ps_conn **
find(struct pktsave *w, uint64_t id)
{
	struct ps_conn **pp;

	pp = &w->bucket[hash_bytes(&id, sizeof(id)) & (PS_BUCKETS - 1)];
	while (*pp != NULL && (*pp)->id != id)
		pp = &(*pp)->hnext;
	return pp;
}

static void
drop_data(struct pktsave *w, struct ps_conn *c)
{
	w->held_bytes -= c->cap;
	free(c->data);
	c->data = NULL;
	c->len = c->cap = 0;
}

void
pktsave_packet(struct pktsave *w, uint64_t conn, int dlt, int64_t ts_us,
    const uint8_t *data, size_t caplen, size_t len)
{
	struct ps_conn **pp, *c;
	struct ps_hdr h;
	size_t need, ncap;

	if (conn == 0)
		return;
	if (dlt != w->dlt) {
		w->st.other_link++;
		return;
	}
	if (caplen > 262144)
		caplen = 262144;
	if (w->keep_all) {
		write_one(w, ts_us, data, (uint32_t)caplen, (uint32_t)len);
		return;
	}
	pp = find(w, conn);
	c = *pp;
	if (c == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->id = conn;
		*pp = c;
	}
	if (c->decided) {
		if (c->keep)
			write_one(w, ts_us, data, (uint32_t)caplen,
			    (uint32_t)len);
		return;
	}
	if (c->npkts >= LIMIT_WRITE_CONN_PACKETS) {
		w->st.over_conn_cap++;
		return;
	}
	need = sizeof(h) + caplen;
	if (c->cap - c->len < need) {
		ncap = c->cap == 0 ? 4096 : c->cap;
		while (ncap - c->len < need)
			ncap *= 2;
		if (w->held_bytes - c->cap + ncap > LIMIT_WRITE_BYTES) {
			w->st.over_mem_cap++;
			return;
		}
		c->data = xreallocarray(c->data, ncap, 1);
		w->held_bytes += ncap - c->cap;
		c->cap = ncap;
	}
	h.ts_us = ts_us;
	h.caplen = (uint32_t)caplen;
	h.len = (uint32_t)len;
	memcpy(c->data + c->len, &h, sizeof(h));
	memcpy(c->data + c->len + sizeof(h), data, caplen);
	c->len += need;
	c->npkts++;
}

/* forget removes a decided connection from the table and frees it. */
static void
forget(struct pktsave *w, struct ps_conn *c)
{
	struct ps_conn **pp = find(w, c->id);

	if (*pp == c)
		*pp = c->hnext;
	drop_data(w, c);
	free(c);
}

void
pktsave_decide(struct pktsave *w, uint64_t conn, bool keep)
{
	struct ps_conn **pp, *c;
	struct ps_hdr h;
	size_t off;

	if (w->keep_all || conn == 0)
		return;
	pp = find(w, conn);
	c = *pp;
	if (c == NULL) {
		/* No packet held (all of another link type): remember the
		 * choice for late packets all the same. */
		c = xcalloc(1, sizeof(*c));
		c->id = conn;
		*pp = c;
	}
	if (c->decided)
		return;
	if (keep) {
		for (off = 0; off + sizeof(h) <= c->len;
		    off += sizeof(h) + h.caplen) {
			memcpy(&h, c->data + off, sizeof(h));
			write_one(w, h.ts_us, c->data + off + sizeof(h),
			    h.caplen, h.len);
		}
		w->st.conns++;
	}
	drop_data(w, c);
	c->decided = true;
	c->keep = keep;
	if (w->ring[w->ring_pos] != NULL)
		forget(w, w->ring[w->ring_pos]);
	w->ring[w->ring_pos] = c;
	w->ring_pos = (w->ring_pos + 1) % PS_DECIDED;
}

bool
pktsave_close(struct pktsave *w, struct pktsave_stats *st,
    char errbuf[PKTSAVE_ERRBUF_SIZE])
{
	struct ps_conn *c, *next;
	bool ok = true;
	size_t i;

	for (i = 0; i < PS_BUCKETS; i++)
		for (c = w->bucket[i]; c != NULL; c = next) {
			next = c->hnext;
			free(c->data);
			free(c);
		}
	if (pcap_dump_flush(w->dump) != 0 ||
	    ferror(pcap_dump_file(w->dump))) {
		snprintf(errbuf, PKTSAVE_ERRBUF_SIZE, "error writing the "
		    "capture file");
		ok = false;
	}
	pcap_dump_close(w->dump);
	pcap_close(w->dead);
	if (st != NULL)
		*st = w->st;
	free(w);
	return ok;
}
