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
	bool		 quiet;		/* one line per connection */
	bool		 verbose;	/* every extension and offered suite */
	bool		 summary;	/* counts and worst offenders at the end */
	bool		 failures_only;	/* only failed or incomplete */
	bool		 color;
	bool		 flush_each;	/* flush after every report (live) */
	const char	*verdicts;	/* comma-separated codes, or NULL */
};

struct output;

struct output	*out_new(const struct out_opts *opt, FILE *fp);
void		 out_free(struct output *o);
/* out_conn renders |c| if it passes the filters and counts it for the
 * summary. */
void		 out_conn(struct output *o, const struct tl_conn *c);
/* out_summary writes the per-verdict counts and top groups, plus the
 * capture statistics given. */
void		 out_summary(struct output *o, const struct analyzer_stats *st,
		    unsigned long long pcap_recv, unsigned long long pcap_drop,
		    bool have_pcap_stats);
/* out_failures returns the number of failed or incomplete connections. */
unsigned long long out_failures(const struct output *o);
/* out_count returns the number of connections seen. */
unsigned long long out_count(const struct output *o);

/* Renderers, exposed for the tests. */
void	out_text_conn(struct sb *b, const struct tl_conn *c,
	    const struct out_opts *opt);
void	out_text_line(struct sb *b, const struct tl_conn *c,
	    const struct out_opts *opt);
void	out_json_conn(struct sb *b, const struct tl_conn *c);
/* out_json_memo_clear frees what out_json_conn memoised (the JSON of
 * repeated offered lists and certificates). */
void	out_json_memo_clear(void);

#endif
