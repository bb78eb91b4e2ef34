/* forgot.h - connections reported idle and forgotten, remembered by their addresses for their late packets. */
#ifndef TLSDIAG_FORGOT_H
#define TLSDIAG_FORGOT_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"

/*
 * When a connection that was reported because it went idle has lost its
 * tombstone too, its flow key is kept here for LIMIT_FORGOTTEN_SECONDS
 * (at most LIMIT_FORGOTTEN of them, the oldest given up first), so that
 * a late segment of it (a FIN or reset after minutes of silence, more
 * data of a kept-alive session) is known as its rest, not as a connection
 * whose start the capture missed. Whether a key is still here depends on
 * its own age only (below the count), so that every --threads worker
 * keeps what one thread would.
 */
struct forgot_entry {
	struct flow_key	 key;
	uint64_t	 conn_id;	/* the connection's id; 0: taken */
	int64_t		 idle_at_us;	/* its last packet before the silence */
	int64_t		 added_us;	/* when it was forgotten */
	bool		 client_is_a;	/* its roles (struct flow_tcp) */
	uint32_t	 next;		/* its hash chain: place + 1, 0 none */
};

struct forgot;

/* forgot_new returns an empty set (it allocates at its first entry). */
struct forgot	*forgot_new(void);
void		 forgot_free(struct forgot *g);
/* forgot_add keeps |e| (its key, conn_id, idle_at_us, client_is_a) as
 * forgotten at |now_us|. */
void		 forgot_add(struct forgot *g, const struct forgot_entry *e,
		    int64_t now_us);
/* forgot_take finds the newest entry of |k| not older than the limit at
 * |now_us|, copies it to |*e| and removes it (a key continues once). */
bool		 forgot_take(struct forgot *g, const struct flow_key *k,
		    int64_t now_us, struct forgot_entry *e);
/* forgot_count is the number of entries kept (taken ones included until
 * they age out). */
size_t		 forgot_count(const struct forgot *g);

#endif
