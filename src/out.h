/* out.h - renderers: text blocks, JSON lines, the summary; the only writers to stdout. */
#ifndef TLSDIAG_OUT_H
#define TLSDIAG_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyzer.h"
#include "timeline.h"
#include "util.h"

struct out_opts {
	bool		 json;		/* JSON lines instead of text */
	enum out_json_form {
		OUT_JSON_FULL,		/* every certificate in full */
		OUT_JSON_COMPACT,	/* each distinct one once */
		OUT_JSON_ECS,		/* Elastic Common Schema */
	}		 json_form;
	bool		 quiet;		/* one line per connection */
	bool		 verbose;	/* every extension and offered suite */
	bool		 summary;	/* counts and worst offenders at the end */
	bool		 failures_only;	/* only failed or incomplete */
	bool		 color;
	bool		 flush_each;	/* flush after every report (live) */
	const char	*verdicts;	/* comma-separated codes, families,
					 * outcomes; or NULL */
	uint64_t	 only_id;	/* --id: this connection only; 0 all */
	bool		 absolute_time;	/* event times as dates (-tttt) */
};

struct summary;

struct output;

struct output	*out_new(const struct out_opts *opt, FILE *fp);
void		 out_free(struct output *o);
/* out_conn counts |c| for the summary and renders it if it passes the
 * filters (--failures, --verdict, --id). It returns whether |c| passed
 * them (and was rendered). */
bool		 out_conn(struct output *o, const struct tl_conn *c);
/*
 * out_conn in its parts, for --threads (pool.c): a worker renders each
 * connection with its own output (out_render) and keeps what the summary
 * needs (out_conn_sum, out_conn_failed); the main thread then counts
 * (out_tally) and writes (out_write) in one order.
 *
 * out_conn_sum fills |sc| (pointing into |c|) and returns true when |c|
 * has a verdict, which the summary counts; out_conn_failed tells whether
 * it failed or is incomplete. out_tally counts one connection, and
 * |sc| (NULL: none) for the summary. out_render appends |c| rendered to
 * |b| and returns true when it passes the filters (--failures,
 * --verdict, --id), else leaves |b| as it is. out_write writes |n| bytes
 * of |s|.
 */
struct sb;
struct sum_conn;
bool		 out_conn_sum(struct sum_conn *sc, const struct tl_conn *c);
bool		 out_conn_failed(const struct tl_conn *c);
void		 out_tally(struct output *o, const struct sum_conn *sc,
		    bool failed);
bool		 out_render(struct output *o, const struct tl_conn *c,
		    struct sb *b);
void		 out_write(struct output *o, const char *s, size_t n);
/* out_verdict_selected tells whether the --verdict list |list| selects
 * verdict |code| with outcome |outcome|. */
bool		 out_verdict_selected(const char *list, const char *code,
		    const char *outcome);
/* out_verdict_token_known tells whether |tok| is a verdict code, a
 * family of codes (a prefix ending at an underscore) or an outcome. */
bool		 out_verdict_token_known(const char *tok);
/* out_summary_data returns the summary being counted (NULL without
 * --summary). */
struct summary	*out_summary_data(struct output *o);
/* out_summary writes the operator's summary, plus the capture statistics
 * |st|; with |st| NULL (--from-json) it writes the summary only and, in
 * JSON, leaves the object open for the caller to close. */
void		 out_summary(struct output *o, const struct analyzer_stats *st,
		    unsigned long long pcap_recv, unsigned long long pcap_drop,
		    bool have_pcap_stats);
/* out_summary_interim writes the summary so far, without stopping (live
 * --summary-interval and SIGUSR1), after a line that says when and that
 * the counts are since the start. */
void		 out_summary_interim(struct output *o,
		    const struct analyzer_stats *st, int64_t now_us);
/* out_failures returns the number of failed or incomplete connections. */
unsigned long long out_failures(const struct output *o);
/* out_count returns the number of connections seen. */
unsigned long long out_count(const struct output *o);

/* Renderers, exposed for the tests. */
void	out_text_conn(struct sb *b, const struct tl_conn *c,
	    const struct out_opts *opt);
void	out_text_line(struct sb *b, const struct tl_conn *c,
	    const struct out_opts *opt);
/*
 * The JSON renderers' state, one per output: the memo of the JSON of
 * repeated offered lists and certificates (most connections of a capture
 * come from a few client builds and servers) and, for --json=compact,
 * the certificates already written in full.
 */
struct out_json;
/* out_json_new makes the state of a JSON stream; |compact| writes each
 * certificate once, then refers to it by SHA-256. */
struct out_json	*out_json_new(bool compact);
void		 out_json_free(struct out_json *j);
/* out_json_conn appends |c| as one JSON line. */
void	out_json_conn(struct out_json *j, struct sb *b,
	    const struct tl_conn *c);
/* out_ecs_conn appends |c| as one Elastic Common Schema document. */
void	out_ecs_conn(struct out_json *j, struct sb *b,
	    const struct tl_conn *c);
void	out_summary_text(struct sb *b, struct summary *s, bool color);
/* out_summary_json appends the summary's fields, without braces. */
void	out_summary_json(struct sb *b, struct summary *s);
#endif
