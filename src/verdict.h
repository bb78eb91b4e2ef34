/* verdict.h - rules from a connection's timeline to a cause, in words. */
#ifndef TLSDIAG_VERDICT_H
#define TLSDIAG_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "timeline.h"

enum verdict_outcome {
	VERDICT_OK,
	VERDICT_FAILED,
	VERDICT_INCOMPLETE,
};

#define VERDICT_MAX_EVIDENCE	12
#define VERDICT_MAX_SECONDARY	8

/*
 * A verdict. Text fields are heap strings that may carry bytes from the
 * wire (names, SNI): renderers escape them.
 */
struct verdict {
	const char		*code;		/* a DESIGN.md verdict code */
	enum verdict_outcome	 outcome;
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
/* verdict_code_known returns true if |code| is one of DESIGN.md's codes. */
bool		 verdict_code_known(const char *code);
/* verdict_codes is the NULL-terminated list of every code. */
extern const char *const verdict_codes[];

#endif
