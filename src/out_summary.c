/* out_summary.c - the operator's summary as text (for people) and JSON (for machines). */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "summary.h"
#include "verdict.h"

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_RED	"\033[31m"
#define C_YEL	"\033[33m"

/* Services shown in text, worst first; items shown under one cause. */
#define SHOW_SERVICES	20
#define SHOW_ITEMS	5
/* Columns of a certificate name in text (the line stays under 100). */
#define NAME_COLS	36

static void
col(struct sb *b, bool color, const char *c)
{
	if (color)
		sb_puts(b, c);
}

/* iso_sec writes a time to the second ("2024-02-29T18:40:22Z"). */
static void
iso_sec(char *t, size_t len, int64_t us)
{
	fmt_time_iso(t, len, us);
	if (strlen(t) > 20) {
		t[19] = 'Z';
		t[20] = '\0';
	}
}

/* share appends |n| / |d| as a percentage with one decimal, as "%5.1f%%"
 * would, computed in integers so that every run prints the same. */
static void
share(struct sb *b, unsigned long long n, unsigned long long d, bool pad)
{
	unsigned long long t = d == 0 ? 0 : (n * 2000 / d + 1) / 2;

	if (pad && t < 1000)
		sb_puts(b, t < 100 ? "  " : " ");
	sb_printf(b, "%llu.%llu%%", t / 10, t % 10);
}

/* esc_cut appends |len| wire bytes escaped, cut to |cols| bytes with
 * "..." (never inside a UTF-8 sequence or an escape). */
static void
esc_cut(struct sb *b, const char *p, size_t len, size_t cols)
{
	struct sb t;
	size_t n;

	sb_init(&t);
	sb_text_escaped(&t, (const uint8_t *)p, len);
	if (t.len <= cols) {
		sb_add(b, t.s, t.len);
		sb_cleanup(&t);
		return;
	}
	n = cols - 3;
	while (n > 0 && ((uint8_t)t.s[n] & 0xc0) == 0x80)
		n--;
	/* Do not cut a \xNN escape in two. */
	if (n >= 1 && t.s[n - 1] == '\\')
		n--;
	else if (n >= 2 && t.s[n - 2] == '\\' && t.s[n - 1] == 'x')
		n -= 2;
	else if (n >= 3 && t.s[n - 3] == '\\' && t.s[n - 2] == 'x')
		n -= 3;
	sb_add(b, t.s, n);
	sb_puts(b, "...");
	sb_cleanup(&t);
}

static void
text_service_name(struct sb *b, const struct sum_service *v)
{
	char ip[64];

	fmt_addr(ip, sizeof(ip), v->af, v->ip);
	if (v->af == 6)
		sb_printf(b, "[%s]:%u", ip, v->port);
	else
		sb_printf(b, "%s:%u", ip, v->port);
	sb_puts(b, "  ");
	if (v->has_sni)
		esc_cut(b, (const char *)v->sni, v->sni_len, 60);
	else
		sb_puts(b, "(no SNI)");
}

static void
count_clients(struct sb *b, unsigned long long n, bool capped)
{
	sb_printf(b, "%s%llu client%s", capped ? ">=" : "", n,
	    n == 1 && !capped ? "" : "s");
}

static void
more_line(struct sb *b, const struct sum_list *l, size_t shown,
    const char *what)
{
	unsigned long long conns = l->other;
	size_t i, distinct = l->num - shown;

	for (i = shown; i < l->num; i++)
		conns += l->item[i].count;
	if (conns == 0)
		return;
	sb_printf(b, "%32s  and %s%zu more %s (%llu connection%s)\n", "",
	    l->other > 0 ? ">" : "", distinct, what, conns,
	    conns == 1 ? "" : "s");
}

static void
text_list(struct sb *b, const struct sum_list *l, const char *title,
    const char *what, int kind)
{
	const struct sum_item *it;
	char ip[64];
	size_t i, n;

	if (l == NULL)
		return;
	n = l->num < SHOW_ITEMS ? l->num : SHOW_ITEMS;
	for (i = 0; i < n; i++) {
		it = &l->item[i];
		sb_printf(b, "%10s%-12s %7llu  ", "", i == 0 ? title : "",
		    it->count);
		if (kind == 0) {	/* certificate: subject, issuer */
			size_t sl = strlen(it->text);

			if (it->text_len == 0)
				sb_puts(b, "(none visible)");
			else {
				esc_cut(b, it->text, sl, NAME_COLS);
				sb_puts(b, " by ");
				esc_cut(b, it->text + sl + 1,
				    it->text_len - sl - 1, NAME_COLS - 12);
			}
		} else if (kind == 1) {
			fmt_addr(ip, sizeof(ip), it->af, it->ip);
			sb_puts(b, ip);
		} else
			esc_cut(b, it->text, it->text_len, 60);
		sb_puts(b, "\n");
	}
	more_line(b, l, n, what);
}

static const char *
outcome_colour(enum sum_outcome o)
{
	return o == SUM_FAILED ? C_RED : C_YEL;
}

void
out_summary_text(struct sb *b, struct summary *s, bool color)
{
	const struct sum_service *v;
	const struct sum_cause *ca;
	char t1[40], t2[40];
	const char *code;
	size_t i, j, shown = 0;
	unsigned long long quiet = 0, quiet_conns = 0, n;
	int o;

	summary_sort(s);
	n = summary_conns(s);
	sb_printf(b, "Summary: %llu connection%s:", n, n == 1 ? "" : "s");
	for (o = 0; o < SUM_NUM_OUTCOMES; o++)
		sb_printf(b, "%s %llu %s", o == 0 ? "" : ",",
		    summary_outcome(s, (enum sum_outcome)o),
		    summary_outcome_name((enum sum_outcome)o));
	sb_puts(b, "\n");
	if (n > 0) {
		iso_sec(t1, sizeof(t1), summary_first_us(s));
		iso_sec(t2, sizeof(t2), summary_last_us(s));
		sb_printf(b, "  first %s, last %s\n", t1, t2);
	}
	/* Per code, in the order of the verdict table. */
	for (i = 0; i < VC_COUNT; i++)
		if (summary_code_count(s, code = verdict_code_table[i].name) >
		    0)
			sb_printf(b, "  %8llu  %s\n",
			    summary_code_count(s, code), code);
	for (i = 0; i < summary_num_services(s); i++) {
		v = summary_service(s, i);
		n = v->outcome[SUM_FAILED] + v->outcome[SUM_INCOMPLETE] +
		    v->outcome[SUM_SUSPECT];
		/* Services with a failing connection; the rest in a line. */
		if (n == 0 || shown == SHOW_SERVICES) {
			quiet++;
			quiet_conns += v->conns;
			continue;
		}
		if (shown == 0)
			sb_puts(b, "\nServices, worst first:\n");
		shown++;
		sb_puts(b, "\n");
		col(b, color, C_BOLD);
		text_service_name(b, v);
		col(b, color, C_RESET);
		sb_puts(b, "\n");
		sb_printf(b, "  %llu connection%s, %llu failing (", v->conns,
		    v->conns == 1 ? "" : "s", n);
		share(b, n, v->conns, false);
		sb_puts(b, "), ");
		count_clients(b, v->clients, v->clients_capped);
		iso_sec(t1, sizeof(t1), v->first_us);
		iso_sec(t2, sizeof(t2), v->last_us);
		sb_printf(b, ", %s .. %s\n", t1, t2);
		for (j = 0; j < v->num_causes; j++) {
			ca = &v->causes[j];
			sb_printf(b, "  %8llu ", ca->count);
			share(b, ca->count, v->conns, true);
			sb_puts(b, "  ");
			col(b, color, outcome_colour(ca->outcome));
			sb_printf(b, "%-26s", ca->code);
			col(b, color, C_RESET);
			sb_printf(b, " %-10s ",
			    summary_outcome_name(ca->outcome));
			count_clients(b, ca->clients, ca->clients_capped);
			iso_sec(t1, sizeof(t1), ca->first_us);
			sb_printf(b, ", since %s\n", t1);
			text_list(b, ca->certs, "certificate", "certificates",
			    0);
			text_list(b, ca->addrs, "client", "clients", 1);
			text_list(b, ca->ja4, "JA4", "fingerprints", 2);
		}
	}
	if (quiet > 0)
		sb_printf(b, "\n%llu more service%s (%llu connection%s)%s\n",
		    quiet, quiet == 1 ? "" : "s", quiet_conns,
		    quiet_conns == 1 ? "" : "s",
		    shown < SHOW_SERVICES ? " without failures" :
		    ", --json --summary lists them all");
	if (summary_other_conns(s) > 0)
		sb_printf(b, "Past the cap of %d services: %llu connections, "
		    "%llu failing\n", LIMIT_SUM_SERVICES,
		    summary_other_conns(s), summary_other_failures(s));
}

static void
json_time(struct sb *b, int64_t us)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), us);
	sb_json_cstr(b, t);
}

static void
json_share(struct sb *b, unsigned long long n, unsigned long long d)
{
	/* Four decimals, from integers: the same text on every run. */
	unsigned long long t = d == 0 ? 0 : (n * 20000 / d + 1) / 2;

	sb_printf(b, "%llu.%04llu", t / 10000, t % 10000);
}

static void
json_list(struct sb *b, const char *name, const struct sum_list *l, int kind)
{
	const struct sum_item *it;
	char ip[64];
	size_t i;

	if (l == NULL)
		return;
	sb_printf(b, ",\"%s\":[", name);
	for (i = 0; i < l->num; i++) {
		it = &l->item[i];
		sb_puts(b, i > 0 ? ",{" : "{");
		if (kind == 0) {
			size_t sl = strlen(it->text);

			if (it->text_len == 0)
				sb_puts(b, "\"subject\":null,\"issuer\":null");
			else {
				sb_puts(b, "\"subject\":");
				sb_json_string(b, (const uint8_t *)it->text,
				    sl);
				sb_puts(b, ",\"issuer\":");
				sb_json_string(b,
				    (const uint8_t *)it->text + sl + 1,
				    it->text_len - sl - 1);
			}
		} else if (kind == 1) {
			fmt_addr(ip, sizeof(ip), it->af, it->ip);
			sb_puts(b, "\"ip\":");
			sb_json_cstr(b, ip);
		} else {
			sb_puts(b, "\"ja4\":");
			sb_json_string(b, (const uint8_t *)it->text,
			    it->text_len);
		}
		sb_printf(b, ",\"count\":%llu}", it->count);
	}
	sb_printf(b, "],\"%s_other\":%llu", name, l->other);
}

static void
json_outcomes(struct sb *b, const unsigned long long *counts)
{
	int o;

	sb_puts(b, "{");
	for (o = 0; o < SUM_NUM_OUTCOMES; o++)
		sb_printf(b, "%s\"%s\":%llu", o == 0 ? "" : ",",
		    summary_outcome_name((enum sum_outcome)o), counts[o]);
	sb_puts(b, "}");
}

void
out_summary_json(struct sb *b, struct summary *s)
{
	unsigned long long counts[SUM_NUM_OUTCOMES];
	const struct sum_service *v;
	const struct sum_cause *ca;
	const char *code;
	char ip[64];
	size_t i, j;
	int o;

	summary_sort(s);
	for (o = 0; o < SUM_NUM_OUTCOMES; o++)
		counts[o] = summary_outcome(s, (enum sum_outcome)o);
	sb_printf(b, "\"connections\":%llu,\"failed_or_incomplete\":%llu,"
	    "\"outcomes\":", summary_conns(s), counts[SUM_FAILED] +
	    counts[SUM_INCOMPLETE] + counts[SUM_SUSPECT]);
	json_outcomes(b, counts);
	sb_puts(b, ",\"verdicts\":{");
	for (i = 0, j = 0; i < VC_COUNT; i++)
		if (summary_code_count(s, code = verdict_code_table[i].name) >
		    0)
			sb_printf(b, "%s\"%s\":%llu", j++ > 0 ? "," : "",
			    code, summary_code_count(s, code));
	sb_puts(b, "},\"first\":");
	if (summary_conns(s) > 0)
		json_time(b, summary_first_us(s));
	else
		sb_puts(b, "null");
	sb_puts(b, ",\"last\":");
	if (summary_conns(s) > 0)
		json_time(b, summary_last_us(s));
	else
		sb_puts(b, "null");
	sb_puts(b, ",\"services\":[");
	for (i = 0; i < summary_num_services(s); i++) {
		v = summary_service(s, i);
		fmt_addr(ip, sizeof(ip), v->af, v->ip);
		sb_puts(b, i > 0 ? ",{\"server\":{\"ip\":" :
		    "{\"server\":{\"ip\":");
		sb_json_cstr(b, ip);
		sb_printf(b, ",\"port\":%u},\"sni\":", v->port);
		if (v->has_sni)
			sb_json_string(b, v->sni, v->sni_len);
		else
			sb_puts(b, "null");
		sb_printf(b, ",\"connections\":%llu,\"outcomes\":", v->conns);
		json_outcomes(b, v->outcome);
		sb_printf(b, ",\"clients\":%llu,\"clients_capped\":%s,"
		    "\"first\":", v->clients, v->clients_capped ? "true" :
		    "false");
		json_time(b, v->first_us);
		sb_puts(b, ",\"last\":");
		json_time(b, v->last_us);
		sb_puts(b, ",\"causes\":[");
		for (j = 0; j < v->num_causes; j++) {
			ca = &v->causes[j];
			sb_printf(b, "%s{\"code\":\"%s\",\"outcome\":\"%s\","
			    "\"count\":%llu,\"share\":", j > 0 ? "," : "",
			    ca->code, summary_outcome_name(ca->outcome),
			    ca->count);
			json_share(b, ca->count, v->conns);
			sb_printf(b, ",\"clients\":%llu,\"clients_capped\":%s,"
			    "\"first\":", ca->clients, ca->clients_capped ?
			    "true" : "false");
			json_time(b, ca->first_us);
			sb_puts(b, ",\"last\":");
			json_time(b, ca->last_us);
			json_list(b, "client_certs", ca->certs, 0);
			json_list(b, "client_addresses", ca->addrs, 1);
			json_list(b, "ja4", ca->ja4, 2);
			sb_puts(b, "}");
		}
		sb_puts(b, "]}");
	}
	sb_printf(b, "],\"other_services\":{\"connections\":%llu,"
	    "\"failing\":%llu}", summary_other_conns(s),
	    summary_other_failures(s));
}
