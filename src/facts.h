/* facts.h - what handshake messages and certificates tell about a connection, and what it learns from others. */
#ifndef TLSDIAG_FACTS_H
#define TLSDIAG_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline.h"
#include "tls_stream.h"

struct kb;

/* What the facts layer is given for a run. */
struct facts_opts {
	const char		*ca_file;	/* trust for server chains */
	const char		*ca_path;
	const char		*client_ca_file; /* trust for client chains */
	const char *const	*keylog_files;	/* NULL-terminated, or NULL */
	bool			 keylog_follow;	/* re-read as they grow */
	const char		*extract_dir;	/* write certificates there */
	struct kb		*kb;		/* the caller's, or NULL: own */
};

/* Counters for the run's statistics. */
struct facts_stats {
	uint64_t	decrypted_conns;
	uint64_t	extract_errors;
	uint64_t	keylog_entries;
	uint64_t	keylog_bad_lines;
};

#define FACTS_ERRBUF_SIZE	512

struct facts;

/* facts_new loads the trust stores and key logs; NULL with |errbuf| set
 * when one cannot be read. */
struct facts	*facts_new(const struct facts_opts *opt,
		    char errbuf[FACTS_ERRBUF_SIZE]);
void		 facts_free(struct facts *f);
/* facts_message is tls_stream's hook (its argument is the facts): one
 * whole handshake message or SSL 2.0 hello of m->c. */
void		 facts_message(void *f, struct tls_stream_msg *m);
/* facts_conn_end completes |c| once it is over: the chain and CA names
 * other connections to the same server showed (TLS 1.3 hides them), and
 * the certificate checks, now that the SNI and the CA list are known. */
void		 facts_conn_end(struct facts *f, struct tl_conn *c);
/* facts_client_data: the client of |c| sent its first application data
 * (the knowledge base learns that it accepted the server's chain). */
void		 facts_client_data(struct facts *f, const struct tl_conn *c);
/* facts_add_keylog adds key log lines (a pcapng Decryption Secrets
 * Block); before the packets they decrypt. */
void		 facts_add_keylog(struct facts *f, const uint8_t *p,
		    size_t len);
const struct facts_stats *facts_stats(const struct facts *f);
/* facts_extract_error: the first certificate that --extract could not
 * write, or NULL. */
const char	*facts_extract_error(const struct facts *f);

#endif
