/* jsonl.h - read back the JSON lines tlsdiag wrote, for the summary (--from-json). */
#ifndef TLSDIAG_JSONL_H
#define TLSDIAG_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "summary.h"

/* Bytes kept of one string field read back (a distinguished name is at
 * most LIMIT_DN_TEXT bytes of text; escaped, up to six bytes each). */
#define JSONL_STR_BYTES		(6 * LIMIT_DN_TEXT)

enum jsonl_status {
	JSONL_CONN,		/* a connection report: |out| is filled */
	JSONL_OTHER,		/* valid JSON, not a report (a summary) */
	JSONL_BAD,		/* not JSON, or a report missing a field */
};

/* A connection read from a line; |sc| points into the buffers. */
struct jsonl_conn {
	struct sum_conn	 sc;
	uint64_t	 id;
	char		 code[64];
	char		 outcome[32];
	uint8_t		 sni[LIMIT_NAME_BYTES];
	char		 subject[JSONL_STR_BYTES];
	char		 issuer[JSONL_STR_BYTES];
	char		 ja4[128];
	char		 cert_sha256[65];	/* compact form reference */
};

/* The reader's memory across lines: client certificates written in full
 * once (--json=compact), for the lines that refer to them by SHA-256. */
struct jsonl;

struct jsonl	*jsonl_new(void);
/* jsonl_free frees |j|; jsonl_free(NULL) does nothing. */
void		 jsonl_free(struct jsonl *j);

/*
 * jsonl_parse reads one line (without its newline) as strict JSON
 * (RFC 8259) of at most LIMIT_JSON_DEPTH levels and, when it is a
 * connection report, fills |out|. |why| (static text) says what was
 * wrong for JSONL_BAD. Nothing is kept from |line|.
 */
enum jsonl_status jsonl_parse(struct jsonl *j, struct jsonl_conn *out,
		    const char **why, const uint8_t *line, size_t len);
/* jsonl_unresolved returns how many client certificates were referred
 * to by SHA-256 before (or without) being written in full. */
unsigned long long jsonl_unresolved(const struct jsonl *j);

#endif
