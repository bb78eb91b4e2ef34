/* out.c - the output object: filters, writing, and the --summary tables. */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "summary.h"
#include "verdict.h"

struct output {
	struct out_opts		 opt;
	FILE			*fp;
	struct sb		 b;
	unsigned long long	 count;
	unsigned long long	 failures;
	struct summary		*sum;		/* with --summary */
	struct out_json		*json;		/* --json */
};

struct output *
out_new(const struct out_opts *opt, FILE *fp)
{
	struct output *o;

	o = xcalloc(1, sizeof(*o));
	o->opt = *opt;
	o->fp = fp;
	sb_init(&o->b);
	if (opt->summary)
		o->sum = summary_new();
	if (opt->json)
		o->json = out_json_new(opt->json_form == OUT_JSON_COMPACT);
	return o;
}

void
out_free(struct output *o)
{
	if (o == NULL)
		return;
	sb_cleanup(&o->b);
	summary_free(o->sum);
	out_json_free(o->json);
	free(o);
}

/*
 * token_matches tells whether one --verdict token selects a connection
 * with verdict |code| and outcome |outcome|: the code itself, a family
 * (a prefix of codes ending at an underscore: client_cert, server_cert,
 * tcp) or an outcome class (failed, suspect, ...).
 */
static bool
token_matches(const char *tok, size_t n, const char *code,
    const char *outcome)
{
	if (strlen(code) == n && strncmp(code, tok, n) == 0)
		return true;
	if (strlen(code) > n && strncmp(code, tok, n) == 0 && code[n] == '_')
		return true;
	return strlen(outcome) == n && strncmp(outcome, tok, n) == 0;
}

bool
out_verdict_selected(const char *list, const char *code, const char *outcome)
{
	const char *p = list, *q;

	while (p != NULL && *p != '\0') {
		q = strchr(p, ',');
		if (token_matches(p, q != NULL ? (size_t)(q - p) : strlen(p),
		    code, outcome))
			return true;
		p = q != NULL ? q + 1 : NULL;
	}
	return false;
}

bool
out_verdict_token_known(const char *tok)
{
	size_t i, n = strlen(tok);

	if (n == 0)
		return false;
	if (summary_outcome_of(tok) != SUM_NUM_OUTCOMES)
		return true;
	for (i = 0; i < VC_COUNT; i++)
		if (token_matches(tok, n, verdict_code_table[i].name, ""))
			return true;
	return false;
}

/* conn_ja4 returns the client's JA4 fingerprint, or NULL. */
static const char *
conn_ja4(const struct tl_conn *c)
{
	return tl_client_ja4(c);
}

/* sum_from_conn fills |sc| from |c| for the summary. */
static void
sum_from_conn(struct sum_conn *sc, const struct tl_conn *c)
{
	const struct cert_info *ci;

	memset(sc, 0, sizeof(*sc));
	sc->af = c->af;
	memcpy(sc->client_ip, c->client_ip, 16);
	memcpy(sc->server_ip, c->server_ip, 16);
	sc->server_port = c->server_port;
	if (c->ch.has_sni) {
		sc->has_sni = true;
		sc->sni = c->ch.sni.b;
		sc->sni_len = c->ch.sni.len;
	}
	sc->start_us = c->start_us;
	sc->code = verdict_code_name(c->verdict->code);
	sc->outcome = summary_outcome_of(verdict_outcome_name(
	    c->verdict->outcome));
	if (c->client_chain.num > 0 && c->client_chain.certs[0] != NULL) {
		ci = x509_cert_info(c->client_chain.certs[0]);
		sc->cc_subject = ci->subject;
		sc->cc_issuer = ci->issuer;
	}
	sc->ja4 = conn_ja4(c);
}

bool
out_conn_sum(struct sum_conn *sc, const struct tl_conn *c)
{
	if (c->verdict == NULL)
		return false;
	sum_from_conn(sc, c);
	return true;
}

bool
out_conn_failed(const struct tl_conn *c)
{
	return c->verdict != NULL &&
	    verdict_outcome_is_failure(c->verdict->outcome);
}

void
out_tally(struct output *o, const struct sum_conn *sc, bool failed)
{
	o->count++;
	if (failed)
		o->failures++;
	if (sc != NULL && o->sum != NULL)
		(void)summary_add(o->sum, sc);
}

bool
out_render(struct output *o, const struct tl_conn *c, struct sb *b)
{
	const struct verdict *v = c->verdict;
	const char *outcome = v != NULL ? verdict_outcome_name(v->outcome) :
	    "unknown";

	if (o->opt.failures_only && !out_conn_failed(c))
		return false;
	if (o->opt.verdicts != NULL && (v == NULL ||
	    !out_verdict_selected(o->opt.verdicts, verdict_code_name(v->code),
	    outcome)))
		return false;
	if (o->opt.only_id != 0 && c->id != o->opt.only_id)
		return false;
	if (o->opt.json && o->opt.json_form == OUT_JSON_ECS)
		out_ecs_conn(o->json, b, c);
	else if (o->opt.json)
		out_json_conn(o->json, b, c);
	else if (o->opt.quiet)
		out_text_line(b, c, &o->opt);
	else
		out_text_conn(b, c, &o->opt);
	return true;
}

void
out_write(struct output *o, const char *s, size_t n)
{
	fwrite(s, 1, n, o->fp);
	/* Live, a report shows when its connection ends; reading files,
	 * stdio's buffer saves a write per connection. */
	if (o->opt.flush_each)
		fflush(o->fp);
}

bool
out_conn(struct output *o, const struct tl_conn *c)
{
	struct sum_conn sc;

	out_tally(o, o->sum != NULL && out_conn_sum(&sc, c) ? &sc : NULL,
	    out_conn_failed(c));
	sb_reset(&o->b);
	if (!out_render(o, c, &o->b))
		return false;
	out_write(o, o->b.s, o->b.len);
	return true;
}

/* The counts of a capture at the end of the summary: |have_pcap| when
 * |recv| and |drop| are the kernel's (live). */
struct pkt_counts {
	const struct analyzer_stats	*st;
	unsigned long long		 recv;
	unsigned long long		 drop;
	bool				 have_pcap;
};

/* counts_json appends the capture's counts to the summary object. */
static void
counts_json(struct sb *b, const struct pkt_counts *pc)
{
	const struct analyzer_stats *st = pc->st;
	size_t i;

	sb_printf(b, ",\"frames\":%llu,\"tcp\":%llu,"
	    "\"not_tcp\":%llu,\"truncated\":%llu,\"malformed\":%llu,"
	    "\"fragments\":%llu,\"evicted\":%llu,\"idle_closed\":%llu,"
	    "\"clock_jumps\":%llu,\"clock_out_of_range\":%llu,"
	    "\"capture_loss\":%llu",
	    (unsigned long long)st->frames,
	    (unsigned long long)st->tcp,
	    (unsigned long long)st->not_tcp,
	    (unsigned long long)st->truncated,
	    (unsigned long long)st->malformed,
	    (unsigned long long)st->fragments,
	    (unsigned long long)st->evicted,
	    (unsigned long long)st->idle_closed,
	    (unsigned long long)st->clock_jumps,
	    (unsigned long long)st->clock_out_of_range,
	    (unsigned long long)st->loss_conns);
	/* in: frames skipped at an undecoded ethertype (issue 15
	 * case 5), and connections seen one way only. */
	sb_printf(b, ",\"skipped\":%llu,\"skipped_ethertypes\":{",
	    (unsigned long long)st->skipped);
	for (i = 0; i < st->num_skipped_types; i++)
		sb_printf(b, "%s\"0x%04x\":%llu", i > 0 ? "," : "",
		    st->skipped_types[i].type,
		    (unsigned long long)st->skipped_types[i].n);
	if (st->skipped_other > 0)
		sb_printf(b, "%s\"other\":%llu",
		    st->num_skipped_types > 0 ? "," : "",
		    (unsigned long long)st->skipped_other);
	sb_printf(b, "},\"one_sided\":%llu",
	    (unsigned long long)st->one_sided);
	sb_printf(b, ",\"memory_peak\":%llu",
	    (unsigned long long)st->mem_peak);
	/* --shard: packets left to the other shards, not lost. */
	if (st->other_shard > 0)
		sb_printf(b, ",\"other_shard\":%llu",
		    (unsigned long long)st->other_shard);
	if (pc->have_pcap)
		sb_printf(b, ",\"pcap_received\":%llu,"
		    "\"pcap_dropped\":%llu", pc->recv, pc->drop);
	sb_puts(b, "}}\n");
}

/* counts_text appends the capture's counts to the text summary. */
static void
counts_text(struct sb *b, const struct pkt_counts *pc)
{
	const struct analyzer_stats *st = pc->st;
	size_t i;

	sb_printf(b, "\nPackets: %llu read, %llu TCP, %llu other, "
	    "%llu truncated, %llu malformed, %llu IP fragments\n",
	    (unsigned long long)st->frames,
	    (unsigned long long)st->tcp,
	    (unsigned long long)st->not_tcp,
	    (unsigned long long)st->truncated,
	    (unsigned long long)st->malformed,
	    (unsigned long long)st->fragments);
	if (st->skipped > 0) {
		sb_printf(b, "Skipped, ethertype not decoded: "
		    "%llu (", (unsigned long long)st->skipped);
		for (i = 0; i < st->num_skipped_types; i++)
			sb_printf(b, "%s0x%04x: %llu", i > 0 ?
			    ", " : "", st->skipped_types[i].type,
			    (unsigned long long)
			    st->skipped_types[i].n);
		if (st->skipped_other > 0)
			sb_printf(b, ", others: %llu",
			    (unsigned long long)st->skipped_other);
		sb_puts(b, ")\n");
	}
	if (st->other_shard > 0)
		sb_printf(b, "TCP packets of other shards' "
		    "connections (--shard), not analysed: %llu\n",
		    (unsigned long long)st->other_shard);
	if (st->one_sided > 0)
		sb_printf(b, "Connections seen in one direction "
		    "only: %llu (verdicts inferred)\n",
		    (unsigned long long)st->one_sided);
	if (st->evicted > 0 || st->idle_closed > 0)
		sb_printf(b, "Connections evicted by caps: %llu, "
		    "closed idle: %llu\n",
		    (unsigned long long)st->evicted,
		    (unsigned long long)st->idle_closed);
	if (st->clock_jumps > 0)
		sb_printf(b, "Timestamps more than a day ahead of "
		    "the previous packet, ignored: %llu\n",
		    (unsigned long long)st->clock_jumps);
	if (st->clock_out_of_range > 0)
		sb_printf(b, "Timestamps before 1970 or after 9999, "
		    "read as the previous packet's time: %llu\n",
		    (unsigned long long)st->clock_out_of_range);
	if (st->loss_conns > 0)
		sb_printf(b, "Connections with packets missing "
		    "from the capture (kernel drops or sequence gaps; "
		    "their verdicts may be wrong): %llu\n",
		    (unsigned long long)st->loss_conns);
	if (pc->have_pcap)
		sb_printf(b, "pcap: %llu received, %llu dropped "
		    "by the kernel\n", pc->recv, pc->drop);
}

void
out_summary(struct output *o, const struct analyzer_stats *st,
    unsigned long long pcap_recv, unsigned long long pcap_drop,
    bool have_pcap_stats)
{
	struct summary *empty = NULL, *s = o->sum;
	struct pkt_counts pc;

	if (s == NULL)
		s = empty = summary_new();
	sb_reset(&o->b);
	if (o->opt.json) {
		sb_puts(&o->b, "{\"summary\":{");
		out_summary_json(&o->b, s);
	} else
		out_summary_text(&o->b, s, o->opt.color);
	summary_free(empty);
	if (st == NULL) {
		/* Not from a capture (--from-json): the caller adds its
		 * own counts and closes the object. */
		fwrite(o->b.s, 1, o->b.len, o->fp);
		return;
	}
	pc.st = st;
	pc.recv = pcap_recv;
	pc.drop = pcap_drop;
	pc.have_pcap = have_pcap_stats;
	if (o->opt.json)
		counts_json(&o->b, &pc);
	else
		counts_text(&o->b, &pc);
	fwrite(o->b.s, 1, o->b.len, o->fp);
	fflush(o->fp);
}

void
out_summary_interim(struct output *o, const struct analyzer_stats *st,
    int64_t now_us)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), now_us);
	if (o->opt.json) {
		/* One line of its own before the summary object. */
		sb_reset(&o->b);
		sb_puts(&o->b, "{\"interim\":{\"at\":");
		sb_json_cstr(&o->b, t);
		sb_puts(&o->b, ",\"counted_since\":\"start\"}}\n");
	} else {
		sb_reset(&o->b);
		sb_printf(&o->b, "\nInterim summary at %s, counted since the "
		    "start:\n", t);
	}
	fwrite(o->b.s, 1, o->b.len, o->fp);
	out_summary(o, st, 0, 0, false);
}

struct summary *
out_summary_data(struct output *o)
{
	return o->sum;
}

unsigned long long
out_failures(const struct output *o)
{
	return o->failures;
}

unsigned long long
out_count(const struct output *o)
{
	return o->count;
}
