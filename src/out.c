/* out.c - the output object: filters, writing, and the --summary tables. */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "verdict.h"

/* Summary groups kept; past this, connections count as "other groups". */
#define OUT_MAX_GROUPS	65536

struct group {
	uint8_t			 af;
	uint8_t			 net[16];	/* client /24 or /64 */
	uint8_t			 server[16];
	uint16_t		 port;
	enum verdict_code	 code;
	uint8_t			 sni[LIMIT_NAME_BYTES];
	size_t			 sni_len;
	unsigned long long	 count;
};

struct output {
	struct out_opts		 opt;
	FILE			*fp;
	struct sb		 b;
	unsigned long long	 count;
	unsigned long long	 failures;
	unsigned long long	 per_code[VC_COUNT];
	struct group		*groups;
	/* Open-addressing index into groups: slot holds index + 1. */
	uint32_t		*gindex;
	size_t			 gindex_size;	/* a power of two */
	size_t			 num_groups;
	size_t			 cap_groups;
	unsigned long long	 other_groups;
};

struct output *
out_new(const struct out_opts *opt, FILE *fp)
{
	struct output *o;

	o = xcalloc(1, sizeof(*o));
	o->opt = *opt;
	o->fp = fp;
	sb_init(&o->b);
	return o;
}

void
out_free(struct output *o)
{
	if (o == NULL)
		return;
	sb_cleanup(&o->b);
	out_json_memo_clear();
	free(o->groups);
	free(o->gindex);
	free(o);
}

static bool
code_selected(const char *list, const char *code)
{
	size_t n = strlen(code);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, code, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
	return false;
}

/* group_hash: FNV-1a over the fields that make a group. */
static size_t
group_hash(const struct group *g)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

#define MIX(byte) (h = (h ^ (uint8_t)(byte)) * 0x100000001b3ULL)
	MIX(g->af);
	for (i = 0; i < 16; i++)
		MIX(g->net[i]);
	for (i = 0; i < 16; i++)
		MIX(g->server[i]);
	MIX(g->port);
	MIX(g->port >> 8);
	MIX(g->code);
	for (i = 0; i < g->sni_len; i++)
		MIX(g->sni[i]);
#undef MIX
	return (size_t)h;
}

static void
group_add(struct output *o, const struct tl_conn *c)
{
	struct group g, *x;
	size_t h;

	memset(&g, 0, sizeof(g));
	g.af = c->af;
	memcpy(g.net, c->client_ip, c->af == 6 ? 8 : 3);
	memcpy(g.server, c->server_ip, 16);
	g.port = c->server_port;
	g.code = c->verdict->code;
	if (c->ch.has_sni) {
		g.sni_len = c->ch.sni.len;
		memcpy(g.sni, c->ch.sni.b, g.sni_len);
	}
	if (o->gindex == NULL) {
		/* Twice the most groups kept: probes stay short. */
		o->gindex_size = 2 * OUT_MAX_GROUPS;
		o->gindex = xcalloc(o->gindex_size, sizeof(*o->gindex));
	}
	h = group_hash(&g) & (o->gindex_size - 1);
	for (;; h = (h + 1) & (o->gindex_size - 1)) {
		if (o->gindex[h] == 0)
			break;
		x = &o->groups[o->gindex[h] - 1];
		if (x->af == g.af && x->port == g.port && x->code == g.code &&
		    x->sni_len == g.sni_len && memcmp(x->net, g.net, 16) == 0 &&
		    memcmp(x->server, g.server, 16) == 0 &&
		    memcmp(x->sni, g.sni, g.sni_len) == 0) {
			x->count++;
			return;
		}
	}
	if (o->num_groups >= OUT_MAX_GROUPS) {
		o->other_groups++;
		return;
	}
	if (o->num_groups == o->cap_groups) {
		o->cap_groups = o->cap_groups == 0 ? 64 : o->cap_groups * 2;
		o->groups = xreallocarray(o->groups, o->cap_groups,
		    sizeof(*o->groups));
	}
	g.count = 1;
	o->groups[o->num_groups++] = g;
	o->gindex[h] = (uint32_t)o->num_groups;
}

void
out_conn(struct output *o, const struct tl_conn *c)
{
	const struct verdict *v = c->verdict;
	bool failed = v != NULL && verdict_outcome_is_failure(v->outcome);

	o->count++;
	if (failed)
		o->failures++;
	if (v != NULL) {
		o->per_code[v->code]++;
		if (o->opt.summary)
			group_add(o, c);
	}
	if (o->opt.failures_only && !failed)
		return;
	if (o->opt.verdicts != NULL && (v == NULL ||
	    !code_selected(o->opt.verdicts, verdict_code_name(v->code))))
		return;
	sb_reset(&o->b);
	if (o->opt.json)
		out_json_conn(&o->b, c);
	else if (o->opt.quiet)
		out_text_line(&o->b, c, &o->opt);
	else
		out_text_conn(&o->b, c, &o->opt);
	fwrite(o->b.s, 1, o->b.len, o->fp);
	/* Live, a report shows when its connection ends; reading files,
	 * stdio's buffer saves a write per connection. */
	if (o->opt.flush_each)
		fflush(o->fp);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return 0;
}

void
out_summary(struct output *o, const struct analyzer_stats *st,
    unsigned long long pcap_recv, unsigned long long pcap_drop,
    bool have_pcap_stats)
{
	char net[64], srv[64];
	size_t i, shown = 0;
	struct group *g;
	bool any = false;

	sb_reset(&o->b);
	if (o->opt.json) {
		sb_printf(&o->b, "{\"summary\":{\"connections\":%llu,"
		    "\"failed_or_incomplete\":%llu,\"verdicts\":{",
		    o->count, o->failures);
		for (i = 0; i < VC_COUNT; i++) {
			if (o->per_code[i] == 0)
				continue;
			sb_printf(&o->b, "%s\"%s\":%llu", any ? "," : "",
			    verdict_code_table[i].name, o->per_code[i]);
			any = true;
		}
		sb_puts(&o->b, "},\"top\":[");
	} else {
		sb_printf(&o->b, "Summary: %llu connection%s, %llu failed or "
		    "incomplete\n", o->count, o->count == 1 ? "" : "s",
		    o->failures);
		for (i = 0; i < VC_COUNT; i++)
			if (o->per_code[i] > 0)
				sb_printf(&o->b, "  %8llu  %s\n", o->per_code[i],
				    verdict_code_table[i].name);
	}
	if (o->num_groups > 0)
		qsort(o->groups, o->num_groups, sizeof(*o->groups),
		    group_cmp);
	if (!o->opt.json && o->num_groups > 0)
		sb_puts(&o->b, "Top failures (client network -> server, SNI: "
		    "cause):\n");
	for (i = 0; i < o->num_groups && shown < 10; i++) {
		uint8_t a[16];

		g = &o->groups[i];
		if (!verdict_outcome_is_failure(
		    verdict_code_table[g->code].outcome))
			continue;
		memset(a, 0, sizeof(a));
		memcpy(a, g->net, g->af == 6 ? 8 : 3);
		fmt_addr(net, sizeof(net), g->af, a);
		fmt_addr(srv, sizeof(srv), g->af, g->server);
		if (o->opt.json) {
			sb_printf(&o->b, "%s{\"client_net\":\"%s/%d\","
			    "\"server\":\"%s\",\"port\":%u,\"sni\":",
			    shown > 0 ? "," : "", net, g->af == 6 ? 64 : 24,
			    srv, g->port);
			sb_json_string(&o->b, g->sni, g->sni_len);
			sb_printf(&o->b, ",\"code\":\"%s\",\"count\":%llu}",
			    verdict_code_name(g->code), g->count);
		} else {
			sb_printf(&o->b, "  %8llu  %s/%d -> %s%s%s:%u, ",
			    g->count, net, g->af == 6 ? 64 : 24,
			    g->af == 6 ? "[" : "", srv, g->af == 6 ? "]" : "",
			    g->port);
			if (g->sni_len > 0)
				sb_text_escaped(&o->b, g->sni, g->sni_len);
			else
				sb_puts(&o->b, "(no SNI)");
			sb_printf(&o->b, ": %s\n", verdict_code_name(g->code));
		}
		shown++;
	}
	if (o->opt.json) {
		sb_printf(&o->b, "],\"frames\":%llu,\"tcp\":%llu,"
		    "\"not_tcp\":%llu,\"truncated\":%llu,\"malformed\":%llu,"
		    "\"fragments\":%llu,\"evicted\":%llu,\"idle_closed\":%llu,"
		    "\"clock_jumps\":%llu",
		    (unsigned long long)st->frames,
		    (unsigned long long)st->tcp,
		    (unsigned long long)st->not_tcp,
		    (unsigned long long)st->truncated,
		    (unsigned long long)st->malformed,
		    (unsigned long long)st->fragments,
		    (unsigned long long)st->evicted,
		    (unsigned long long)st->idle_closed,
		    (unsigned long long)st->clock_jumps);
		/* in: frames skipped at an undecoded ethertype (issue 15
		 * case 5), and connections seen one way only. */
		sb_printf(&o->b, ",\"skipped\":%llu,\"skipped_ethertypes\":{",
		    (unsigned long long)st->skipped);
		for (i = 0; i < st->num_skipped_types; i++)
			sb_printf(&o->b, "%s\"0x%04x\":%llu", i > 0 ? "," : "",
			    st->skipped_types[i].type,
			    (unsigned long long)st->skipped_types[i].n);
		if (st->skipped_other > 0)
			sb_printf(&o->b, "%s\"other\":%llu",
			    st->num_skipped_types > 0 ? "," : "",
			    (unsigned long long)st->skipped_other);
		sb_printf(&o->b, "},\"one_sided\":%llu",
		    (unsigned long long)st->one_sided);
		if (have_pcap_stats)
			sb_printf(&o->b, ",\"pcap_received\":%llu,"
			    "\"pcap_dropped\":%llu", pcap_recv, pcap_drop);
		sb_puts(&o->b, "}}\n");
	} else {
		sb_printf(&o->b, "Packets: %llu read, %llu TCP, %llu other, "
		    "%llu truncated, %llu malformed, %llu IP fragments\n",
		    (unsigned long long)st->frames,
		    (unsigned long long)st->tcp,
		    (unsigned long long)st->not_tcp,
		    (unsigned long long)st->truncated,
		    (unsigned long long)st->malformed,
		    (unsigned long long)st->fragments);
		if (st->skipped > 0) {
			sb_printf(&o->b, "Skipped, ethertype not decoded: "
			    "%llu (", (unsigned long long)st->skipped);
			for (i = 0; i < st->num_skipped_types; i++)
				sb_printf(&o->b, "%s0x%04x: %llu", i > 0 ?
				    ", " : "", st->skipped_types[i].type,
				    (unsigned long long)
				    st->skipped_types[i].n);
			if (st->skipped_other > 0)
				sb_printf(&o->b, ", others: %llu",
				    (unsigned long long)st->skipped_other);
			sb_puts(&o->b, ")\n");
		}
		if (st->one_sided > 0)
			sb_printf(&o->b, "Connections seen in one direction "
			    "only: %llu (verdicts inferred)\n",
			    (unsigned long long)st->one_sided);
		if (st->evicted > 0 || st->idle_closed > 0)
			sb_printf(&o->b, "Connections evicted by caps: %llu, "
			    "closed idle: %llu\n",
			    (unsigned long long)st->evicted,
			    (unsigned long long)st->idle_closed);
		if (st->clock_jumps > 0)
			sb_printf(&o->b, "Timestamps more than a day ahead of "
			    "the previous packet, ignored: %llu\n",
			    (unsigned long long)st->clock_jumps);
		if (have_pcap_stats)
			sb_printf(&o->b, "pcap: %llu received, %llu dropped "
			    "by the kernel\n", pcap_recv, pcap_drop);
	}
	fwrite(o->b.s, 1, o->b.len, o->fp);
	fflush(o->fp);
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
