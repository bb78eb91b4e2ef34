/* verdict.h - rules from a connection's timeline to a cause, in words. */
#ifndef TLSDIAG_VERDICT_H
#define TLSDIAG_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "timeline.h"

/* The outcome class of a verdict (DESIGN.md "Verdict semantics"). */
enum verdict_outcome {
	VERDICT_OK,		/* the handshake completed */
	VERDICT_FAILED,		/* it failed, for the cause the code names */
	VERDICT_INCOMPLETE,	/* capture or idle ended mid-handshake */
	VERDICT_SUSPECT,	/* completed, but ended the way failures do */
	VERDICT_UNKNOWN,	/* the capture holds no handshake to judge */
	VERDICT_NOT_TLS,	/* plaintext where nobody expected TLS */
	VERDICT_OUTCOME_COUNT
};

/*
 * The verdict codes of DESIGN.md. verdict_code_table below is the one
 * list of them: the rules, the summary counts, --verdict and the man page
 * test all read it, so a code added here is added everywhere.
 */
enum verdict_code {
	VC_OK,
	VC_TCP_NO_ANSWER,
	VC_TCP_REFUSED,
	VC_CLOSED_BEFORE_TLS,
	VC_NOT_TLS,
	VC_VERSION_MISMATCH,
	VC_CIPHER_MISMATCH,
	VC_SNI_REJECTED,
	VC_SERVER_REJECTED_HELLO,
	VC_SERVER_CLOSED_AFTER_HELLO,
	VC_SERVER_SILENT,
	VC_SERVER_CERT_UNTRUSTED,
	VC_SERVER_CERT_NAME_MISMATCH,
	VC_SERVER_CERT_EXPIRED,
	VC_SERVER_CERT_REJECTED,
	VC_CLIENT_ABORTED,
	VC_CLIENT_CERT_MISSING,
	VC_CLIENT_CERT_UNTRUSTED,
	VC_CLIENT_CERT_EXPIRED,
	VC_CLIENT_CERT_REJECTED,
	VC_CLIENT_CERT_RESET,
	VC_HANDSHAKE_INCOMPLETE,
	VC_ALERT_OTHER,
	VC_CLOSED_AFTER_HANDSHAKE,
	VC_HANDSHAKE_NOT_SEEN,
	VC_PLAINTEXT,
	VC_COUNT
};

struct verdict_code_info {
	const char		*name;		/* as in JSON and --verdict */
	enum verdict_outcome	 outcome;	/* its outcome class */
	const char		*meaning;	/* one line, for --help-verdicts */
};

/* verdict_code_table is indexed by enum verdict_code. */
extern const struct verdict_code_info verdict_code_table[VC_COUNT];

#define VERDICT_MAX_EVIDENCE	12
#define VERDICT_MAX_SECONDARY	8

/*
 * A verdict. Text fields are heap strings that may carry bytes from the
 * wire (names, SNI): renderers escape them.
 */
struct verdict {
	enum verdict_code	 code;
	enum verdict_outcome	 outcome;	/* the code's class */
	bool			 inferred;	/* confidence: inferred */
	char			*summary;	/* one sentence */
	char			*evidence[VERDICT_MAX_EVIDENCE];
	size_t			 num_evidence;
	char			*next;		/* what to check */
	char			*secondary[VERDICT_MAX_SECONDARY];
	size_t			 num_secondary;
};

/* verdict_decide applies the rule table to |c| and returns a new verdict
 * (never NULL), which the caller frees with verdict_free. */
struct verdict	*verdict_decide(const struct tl_conn *c);
void		 verdict_free(struct verdict *v);
const char	*verdict_outcome_name(enum verdict_outcome o);
/* verdict_outcome_is_failure: what --failures shows and the summary counts
 * as failing (failed, incomplete, suspect). */
bool		 verdict_outcome_is_failure(enum verdict_outcome o);
/* verdict_code_name returns the name of |code| ("?" when out of range). */
const char	*verdict_code_name(enum verdict_code code);
/* verdict_code_parse sets |*out| to the code named |name| (|len| bytes)
 * and returns true, or returns false when no code has that name. */
bool		 verdict_code_parse(const char *name, size_t len,
		    enum verdict_code *out);
/* verdict_outcome_parse does the same for outcome class names. */
bool		 verdict_outcome_parse(const char *name, size_t len,
		    enum verdict_outcome *out);

#endif
