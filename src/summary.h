/* summary.h - the operator's summary: per service, failures by cause, for whom, since when. */
#ifndef TLSDIAG_SUMMARY_H
#define TLSDIAG_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/*
 * Outcome classes (DESIGN.md "Verdict semantics"), counted apart. The
 * summary knows them by name so that a JSON line from another sensor and
 * a connection of this run are counted the same way.
 */
enum sum_outcome {
	SUM_OK,
	SUM_FAILED,
	SUM_INCOMPLETE,
	SUM_SUSPECT,
	SUM_UNKNOWN,
	SUM_NOT_TLS,
	SUM_NUM_OUTCOMES
};

/*
 * One connection as the summary sees it: what both a struct tl_conn and
 * a JSON line written by tlsdiag provide. Pointers are borrowed for the
 * length of summary_add.
 */
struct sum_conn {
	uint8_t		 af;		/* 4 or 6 */
	uint8_t		 client_ip[16];
	uint8_t		 server_ip[16];
	uint16_t	 server_port;
	bool		 has_sni;
	const uint8_t	*sni;
	size_t		 sni_len;
	int64_t		 start_us;	/* first packet, microseconds */
	const char	*code;		/* verdict code name */
	enum sum_outcome outcome;
	const char	*cc_subject;	/* client leaf certificate, or NULL */
	const char	*cc_issuer;
	const char	*ja4;		/* client fingerprint, or NULL */
};

/* A bounded list of distinct items (text or an address) with counts. */
struct sum_item {
	char			*text;	/* heap; "subject\0issuer" for certs */
	size_t			 text_len;
	uint8_t			 af;
	uint8_t			 ip[16];
	unsigned long long	 count;
};

struct sum_list {
	struct sum_item		 item[LIMIT_SUM_ITEMS];
	size_t			 num;
	unsigned long long	 other;		/* connections not itemised */
};

/* One failure cause of one service. */
struct sum_cause {
	const char		*code;		/* interned in struct summary */
	enum sum_outcome	 outcome;
	unsigned long long	 count;
	unsigned long long	 clients;	/* distinct client addresses */
	bool			 clients_capped; /* at least |clients| */
	int64_t			 first_us;
	int64_t			 last_us;
	struct sum_list		*certs;		/* client_cert causes only */
	struct sum_list		*addrs;		/* client_cert causes only */
	struct sum_list		*ja4;		/* when fingerprints are known */
};

/* A service: server address, port and the name the clients asked for. */
struct sum_service {
	uint32_t		 sid;		/* order of appearance, from 1 */
	uint8_t			 af;
	uint8_t			 ip[16];
	uint16_t		 port;
	bool			 has_sni;
	size_t			 sni_len;
	uint8_t			 sni[LIMIT_NAME_BYTES];
	unsigned long long	 conns;
	unsigned long long	 outcome[SUM_NUM_OUTCOMES];
	unsigned long long	 clients;
	bool			 clients_capped;
	int64_t			 first_us;
	int64_t			 last_us;
	struct sum_cause	*causes;	/* heap, num_causes */
	size_t			 num_causes;
};

struct summary;

struct summary	*summary_new(void);
/* summary_free frees |s|; summary_free(NULL) does nothing. */
void		 summary_free(struct summary *s);
/* summary_reset forgets every connection counted (a new interval). */
void		 summary_reset(struct summary *s);
/* summary_add counts one connection. It returns false, counting nothing,
 * when |c| names an unknown outcome or a code longer than a code can be. */
bool		 summary_add(struct summary *s, const struct sum_conn *c);
/* summary_outcome_of returns the class named |name|, or SUM_NUM_OUTCOMES
 * when there is none of that name. */
enum sum_outcome summary_outcome_of(const char *name);
const char	*summary_outcome_name(enum sum_outcome o);
/* summary_sort orders services worst first (failed, incomplete and
 * suspect connections, then connections, then address, port and name),
 * causes and lists most frequent first; call it before reading them. */
void		 summary_sort(struct summary *s);
/* Totals and the services, valid until the next summary_add. */
unsigned long long summary_conns(const struct summary *s);
unsigned long long summary_outcome(const struct summary *s,
		    enum sum_outcome o);
/* summary_code_count returns the connections with code |code|. */
unsigned long long summary_code_count(const struct summary *s,
		    const char *code);
/* summary_code_name returns the |i|th code seen, in order of first
 * appearance (NULL past the end). */
const char	*summary_code_name(const struct summary *s, size_t i);
size_t		 summary_num_services(const struct summary *s);
const struct sum_service *summary_service(const struct summary *s, size_t i);
/* Connections of services beyond LIMIT_SUM_SERVICES, counted only. */
unsigned long long summary_other_conns(const struct summary *s);
unsigned long long summary_other_failures(const struct summary *s);
int64_t		 summary_first_us(const struct summary *s);
int64_t		 summary_last_us(const struct summary *s);
/* summary_is_failure tells whether outcome |o| is one that --failures
 * shows (failed, incomplete, suspect). */
bool		 summary_is_failure(enum sum_outcome o);

#endif
