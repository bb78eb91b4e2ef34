/* out_text.c - one text block (or line) per connection, for people. */
#include <stdio.h>
#include <string.h>

#include "out.h"
#include "tls_names.h"
#include "verdict.h"
#include "x509.h"

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YEL	"\033[33m"
#define C_DIM	"\033[2m"

/* padded appends |t| in a field of |width| columns: right-aligned, or
 * left-aligned when |left|, as printf's %Nx and %-Nx do. */
static void
padded(struct sb *b, const struct sb *t, size_t width, bool left)
{
	static const char spaces[] = "                ";
	size_t pad = t->len < width ? width - t->len : 0;

	if (pad > sizeof(spaces) - 1)
		pad = sizeof(spaces) - 1;
	if (!left)
		sb_add(b, spaces, pad);
	sb_add(b, t->s, t->len);
	if (left)
		sb_add(b, spaces, pad);
}

static void
col(struct sb *b, const struct out_opts *opt, const char *c)
{
	if (opt->color)
		sb_puts(b, c);
}

/* esc appends a string that may hold wire bytes, escaped. */
static void
esc(struct sb *b, const char *s)
{
	sb_text_escaped(b, (const uint8_t *)s, strlen(s));
}

static void
esc_name(struct sb *b, const struct tl_name *n)
{
	sb_text_escaped(b, n->b, n->len);
	if (n->wire_len > n->len)
		sb_printf(b, "...(%u bytes)", n->wire_len);
}

static void
code(struct sb *b, const char *name, unsigned v)
{
	if (name != NULL)
		sb_puts(b, name);
	else
		sb_printf(b, "0x%04x", v);
}

static void
endpoint(struct sb *b, const struct tl_conn *c, bool server)
{
	char ip[64];

	fmt_addr(ip, sizeof(ip), c->af, server ? c->server_ip : c->client_ip);
	if (c->af == 6)
		sb_puts(b, "[");
	sb_puts(b, ip);
	sb_puts(b, c->af == 6 ? "]:" : ":");
	sb_u64(b, server ? c->server_port : c->client_port);
}

/* date_time appends |us| as "2024-02-29 18:40:22.123456" (UTC), the
 * layout of tcpdump -tttt. */
static void
date_time(struct sb *b, int64_t us)
{
	char t[40];

	fmt_time_iso(t, sizeof(t), us);
	if (strlen(t) > 10 && t[10] == 'T') {
		t[10] = ' ';
		t[strlen(t) - 1] = '\0';	/* the Z */
	}
	sb_puts(b, t);
}

/* outcome_label is the outcome in the header line, in capitals. */
static const char *
outcome_label(enum verdict_outcome o)
{
	switch (o) {
	case VERDICT_OK:
		return "OK";
	case VERDICT_FAILED:
		return "FAILED";
	case VERDICT_INCOMPLETE:
		return "INCOMPLETE";
	case VERDICT_SUSPECT:
		return "SUSPECT";
	case VERDICT_UNKNOWN:
		return "UNKNOWN";
	case VERDICT_NOT_TLS:
		return "NOT-TLS";
	case VERDICT_OUTCOME_COUNT:
		break;
	}
	return "?";
}

static const char *
outcome_color(const struct verdict *v)
{
	switch (v->outcome) {
	case VERDICT_OK:
		return C_GREEN;
	case VERDICT_FAILED:
		return C_RED;
	case VERDICT_INCOMPLETE:
	case VERDICT_SUSPECT:
		return C_YEL;
	case VERDICT_UNKNOWN:
	case VERDICT_NOT_TLS:
		return C_DIM;
	case VERDICT_OUTCOME_COUNT:
		break;
	}
	return "";
}

static void
header(struct sb *b, const struct tl_conn *c, const struct out_opts *opt)
{
	const struct verdict *v = c->verdict;
	char idb[TL_ID_STRLEN];

	col(b, opt, C_BOLD);
	sb_puts(b, "#");
	sb_puts(b, tl_id_str(idb, c->id));
	sb_puts(b, " ");
	date_time(b, c->start_us);
	sb_puts(b, " ");
	endpoint(b, c, false);
	sb_puts(b, " -> ");
	endpoint(b, c, true);
	col(b, opt, C_RESET);
	if (c->ch.has_sni) {
		sb_puts(b, "  sni=");
		esc_name(b, &c->ch.sni);
	}
	if (c->sh.present) {
		sb_puts(b, "  ");
		code(b, tls_version_name(c->sh.version), c->sh.version);
	} else if (c->ch.present) {
		sb_puts(b, "  offered<=");
		code(b, tls_version_name(c->ch.max_version), c->ch.max_version);
	}
	if (c->starttls)
		sb_printf(b, "  starttls=%s", c->starttls_proto);
	if (v != NULL) {
		sb_puts(b, "  ");
		col(b, opt, outcome_color(v));
		sb_puts(b, outcome_label(v->outcome));
		sb_puts(b, " ");
		sb_puts(b, verdict_code_name(v->code));
		if (v->inferred)
			sb_puts(b, " (inferred)");
		col(b, opt, C_RESET);
	}
	if (c->midstream)
		sb_puts(b, "  [midstream]");
	if (c->renegotiated)
		sb_puts(b, "  [renegotiated]");
	if (c->capture_loss)
		sb_puts(b, c->kernel_drops ? "  [capture loss: kernel drops]" :
		    "  [capture loss: sequence gap]");
}

/* event_note ends an event's line: decrypted, and its note. */
static void
event_note(struct sb *b, const struct tl_event *e)
{
	if (e->decrypted)
		sb_puts(b, " (decrypted)");
	if (e->what != NULL) {
		sb_puts(b, " ");
		sb_puts(b, e->what);
	}
}

/* hs_detail appends what a handshake message's line says after its
 * name. */
static void
hs_detail(struct sb *b, const struct tl_conn *c, const struct tl_event *e,
    const struct out_opts *opt)
{
	if (e->hs_type == TLS_HS_CLIENT_HELLO) {
		sb_puts(b, " ");
		code(b, tls_version_name(e->version), e->version);
		if (e->sslv2)
			sb_puts(b, " (SSLv2 format)");
		if (c->ch.has_sni && e->frame == c->ch.frame) {
			sb_puts(b, " sni=");
			esc_name(b, &c->ch.sni);
		}
		if (c->ch.alpn.len > 0 && e->frame == c->ch.frame) {
			sb_puts(b, " alpn=");
			esc_name(b, &c->ch.alpn);
		}
		if (e->frame == c->ch.frame) {
			sb_puts(b, " suites=");
			sb_u64(b, c->ch.suites.total);
		}
		if (opt->verbose && e->frame == c->ch.frame &&
		    c->ch.ja4[0] != '\0')
			sb_printf(b, " ja4=%s", c->ch.ja4);
	} else if (e->hs_type == TLS_HS_SERVER_HELLO ||
	    e->hs_type == TLS_HS_HELLO_RETRY_REQUEST) {
		sb_puts(b, " ");
		code(b, tls_version_name(e->version), e->version);
		if (!e->sslv2) {
			sb_puts(b, " ");
			code(b, tls_cipher_name(e->cipher), e->cipher);
		}
		if (e->hs_type == TLS_HS_SERVER_HELLO &&
		    c->sh.resumed && e->frame == c->sh.frame)
			sb_puts(b, " (resumed)");
	} else if (e->hs_type == TLS_HS_CERTIFICATE) {
		sb_puts(b, " (");
		sb_u64(b, e->count);
		sb_puts(b, e->count == 1 ? " cert)" : " certs)");
	} else if (e->hs_type == TLS_HS_CERTIFICATE_REQUEST) {
		sb_puts(b, " (");
		sb_u64(b, e->count);
		sb_puts(b, e->count == 1 ? " acceptable CA)" :
		    " acceptable CAs)");
	}
	if (e->encrypted)
		sb_puts(b, " (encrypted)");
}

static void
event_detail(struct sb *b, const struct tl_conn *c, const struct tl_event *e,
    const struct out_opts *opt)
{
	switch ((enum tl_ev_type)e->type) {
	case TL_EV_SYN:
		if (e->count > 1)
			sb_printf(b, " (sent %u times)", e->count);
		break;
	case TL_EV_HANDSHAKE:
		hs_detail(b, c, e, opt);
		break;
	case TL_EV_ALERT:
		if (e->inferred)
			sb_puts(b, " (inferred: 19-byte encrypted record)");
		else if (e->encrypted && !e->decrypted)
			sb_printf(b, " (encrypted, %u bytes)", e->len);
		else {
			sb_printf(b, " %s ", e->alert_level == 2 ? "fatal" :
			    e->alert_level == 1 ? "warning" : "?");
			col(b, opt, C_BOLD);
			code(b, tls_alert_name(e->alert_desc), e->alert_desc);
			col(b, opt, C_RESET);
		}
		break;
	case TL_EV_APPDATA:
		sb_puts(b, " (");
		sb_u64(b, c->appdata_records[e->dir]);
		sb_puts(b, " records, ");
		sb_u64(b, c->appdata_bytes[e->dir]);
		sb_puts(b, " bytes)");
		break;
	case TL_EV_ENCRYPTED:
	case TL_EV_HEARTBEAT:	/* a Heartbeat says when it was not read */
		sb_puts(b, " ");
		sb_u64(b, e->len);
		sb_puts(b, e->type == TL_EV_HEARTBEAT && e->encrypted &&
		    !e->decrypted ? " bytes (encrypted)" : " bytes");
		break;
	case TL_EV_GAP:
		sb_printf(b, " %llu bytes missing", (unsigned long long)
		    e->bytes);
		break;
	case TL_EV_RESYNC:
		sb_printf(b, " %llu bytes skipped", (unsigned long long)
		    e->bytes);
		break;
	case TL_EV_NOT_TLS: {
		size_t n;
		const uint8_t *raw = tl_event_raw(c, e, &n);

		sb_puts(b, " \"");
		sb_text_escaped(b, raw, n);
		sb_puts(b, "\"");
		break;
	}
	case TL_EV_CONFLICT:
		sb_printf(b, " %u bytes at offset %llu differ", e->len,
		    (unsigned long long)e->bytes);
		break;
	default:
		break;
	}
	event_note(b, e);
}

static void
chain(struct sb *b, const char *title, const struct tl_chain *ch,
    const struct out_opts *opt)
{
	const struct cert_info *ci;
	char nb[40], na[40];
	size_t i, j;

	if (!ch->present)
		return;
	sb_printf(b, "  %s:", title);
	if (ch->total == 0)
		sb_puts(b, " (empty)");
	sb_puts(b, "\n");
	for (i = 0; i < ch->num; i++) {
		sb_printf(b, "    [%zu] ", i);
		if (ch->certs[i] == NULL) {
			sb_puts(b, "(certificate does not parse)\n");
			continue;
		}
		ci = x509_cert_info(ch->certs[i]);
		esc(b, ci->subject);
		sb_puts(b, "  issuer ");
		esc(b, ci->issuer);
		fmt_time_iso(nb, sizeof(nb), time_us(ci->not_before, 0));
		fmt_time_iso(na, sizeof(na), time_us(ci->not_after, 0));
		nb[10] = na[10] = '\0';
		sb_printf(b, "  valid %s..%s", nb, na);
		if (ci->num_san > 0) {
			sb_puts(b, "  san ");
			for (j = 0; j < ci->num_san && j < 4; j++) {
				if (j > 0)
					sb_puts(b, ",");
				esc(b, ci->san[j]);
			}
			if (ci->total_san > 4)
				sb_printf(b, ",+%zu", ci->total_san - 4);
		}
		if (opt->verbose)
			sb_printf(b, "  %s %d%s%s", ci->key_type, ci->key_bits,
			    ci->curve[0] != '\0' ? " " : "", ci->curve);
		sb_puts(b, "\n");
	}
	if (ch->total > ch->num)
		sb_printf(b, "    (+%u more not parsed)\n", ch->total - ch->num);
	for (i = 0; i < ch->num_findings; i++) {
		if (ch->findings[i].severity == X509_SEV_INFO && !opt->verbose)
			continue;
		sb_puts(b, "      ");
		col(b, opt, ch->findings[i].severity == X509_SEV_ERROR ?
		    C_RED : C_YEL);
		sb_puts(b, ch->findings[i].severity == X509_SEV_ERROR ? "! " :
		    ch->findings[i].severity == X509_SEV_WARNING ? "~ " : "i ");
		col(b, opt, C_RESET);
		esc(b, ch->findings[i].text);
		sb_puts(b, "\n");
	}
}

static void
u16_list(struct sb *b, const char *title, const struct tl_u16s *l,
    const char *(*name)(uint16_t))
{
	size_t i;

	if (l->num == 0)
		return;
	sb_printf(b, "  %s:", title);
	for (i = 0; i < l->num; i++) {
		sb_puts(b, i == 0 ? " " : ", ");
		code(b, name(l->v[i]), l->v[i]);
	}
	if (l->total > l->num)
		sb_printf(b, " (+%u)", l->total - l->num);
	sb_puts(b, "\n");
}

/* event_lines appends the numbered timeline, one line per event. */
static void
event_lines(struct sb *b, const struct tl_conn *c, const struct out_opts *opt)
{
	const struct tl_event *e;
	struct sb num;
	size_t i;

	sb_init(&num);
	for (i = 0; i < c->num_events; i++) {
		e = &c->events[i];
		/* "  %3zu  frame %-7llu %9.3f ms  %s  ", without printf:
		 * a line per event is most of a text report. */
		sb_puts(b, "  ");
		sb_reset(&num);
		sb_u64(&num, i + 1);
		padded(b, &num, 3, false);
		sb_puts(b, "  frame ");
		sb_reset(&num);
		sb_u64(&num, e->frame);
		padded(b, &num, 7, true);
		sb_puts(b, " ");
		if (opt->absolute_time) {
			date_time(b, e->ts_us);
			sb_puts(b, e->dir == TL_C2S ? "  C -> S  " :
			    "  C <- S  ");
		} else {
			sb_reset(&num);
			sb_milli(&num, e->ts_us - c->start_us);
			padded(b, &num, 9, false);
			sb_puts(b, e->dir == TL_C2S ? " ms  C -> S  " :
			    " ms  C <- S  ");
		}
		sb_puts(b, tl_ev_name(e));
		event_detail(b, c, e, opt);
		sb_puts(b, "\n");
	}
	sb_cleanup(&num);
}

void
out_text_conn(struct sb *b, const struct tl_conn *c,
    const struct out_opts *opt)
{
	const struct verdict *v = c->verdict;
	size_t i;

	header(b, c, opt);
	sb_puts(b, "\n");
	event_lines(b, c, opt);
	if (c->dropped_events > 0)
		sb_printf(b, "       (%llu more events not kept)\n",
		    (unsigned long long)c->dropped_events);
	if (opt->verbose && c->ch.present) {
		u16_list(b, "offered versions", &c->ch.versions,
		    tls_version_name);
		u16_list(b, "offered suites", &c->ch.suites, tls_cipher_name);
		u16_list(b, "offered groups", &c->ch.groups, tls_group_name);
		u16_list(b, "key shares", &c->ch.key_shares, tls_group_name);
		u16_list(b, "signature algorithms", &c->ch.sig_algs,
		    tls_sigscheme_name);
		u16_list(b, "client extensions", &c->ch.exts, tls_ext_name);
		if (c->sh.present)
			u16_list(b, "server extensions", &c->sh.exts,
			    tls_ext_name);
	}
	chain(b, "server certificates", &c->server_chain, opt);
	if (tl_cr(c)->present) {
		sb_puts(b, "  certificate request: acceptable CAs:");
		if (tl_cr(c)->total_ca == 0)
			sb_puts(b, " (any: empty list)");
		for (i = 0; i < tl_cr(c)->num_ca; i++) {
			sb_puts(b, i == 0 ? " " : "; ");
			esc(b, tl_cr(c)->ca_text[i]);
		}
		if (tl_cr(c)->total_ca > tl_cr(c)->num_ca)
			sb_printf(b, " (+%zu)", tl_cr(c)->total_ca - tl_cr(c)->num_ca);
		sb_puts(b, "\n");
	}
	chain(b, "client certificates", &c->client_chain, opt);
	if (v == NULL)
		return;
	sb_puts(b, "  verdict: ");
	col(b, opt, outcome_color(v));
	sb_puts(b, verdict_code_name(v->code));
	col(b, opt, C_RESET);
	sb_printf(b, " (%s, %s)\n    ", verdict_outcome_name(v->outcome),
	    v->inferred ? "inferred" : "certain");
	esc(b, v->summary);
	sb_puts(b, "\n");
	for (i = 0; i < v->num_evidence; i++) {
		sb_puts(b, "    - ");
		esc(b, v->evidence[i]);
		sb_puts(b, "\n");
	}
	for (i = 0; i < v->num_secondary; i++) {
		sb_puts(b, "    note: ");
		esc(b, v->secondary[i]);
		sb_puts(b, "\n");
	}
	sb_puts(b, "  next: ");
	esc(b, v->next);
	sb_puts(b, "\n\n");
}

void
out_text_line(struct sb *b, const struct tl_conn *c,
    const struct out_opts *opt)
{
	header(b, c, opt);
	if (c->verdict != NULL) {
		sb_puts(b, ": ");
		esc(b, c->verdict->summary);
	}
	sb_puts(b, "\n");
}
