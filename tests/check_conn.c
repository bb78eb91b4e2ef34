/*
 * check_conn.c - unit tests of the connection lifecycle (conn.c): the
 * transition function on its own, then scripts of TCP segments (SYN,
 * SYN-ACK, RST, SYN retry, FIN, idle gaps, port reuse, clock leaps, caps)
 * run through the connection table, each with the reports it must give:
 * which connection, its end reason and the time of the report. No pcap:
 * segments are built in memory, and the driver below plays the
 * analyzer's part (attach a connection, tell conn.c about SYN-ACK, data,
 * the end of the handshake, FIN and RST, report what it says).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "flow.h"
#include "limits.h"
#include "check_main.h"

/* ---- the transition function ---- */

struct trans_case {
	enum conn_state		 from;
	enum conn_state		 before_rst;
	enum conn_input		 in;
	int64_t			 now_us;
	int64_t			 last_us;
	bool			 syn_reset;
	enum conn_state		 to;
	enum conn_action	 act;
	enum tl_end		 end;
	int64_t			 linger_until;	/* -1: not checked */
};

#define S(x)	CONN_##x
#define I(x)	CONN_IN_##x
#define A(x)	CONN_ACT_##x
#define E(x)	TL_END_##x

/* idle timeout 1 s, linger as configured: 2 s */
static const struct trans_case trans[] = {
	{ S(OPENING), S(OPENING), I(SYNACK), 0, 0, false,
	    S(ESTABLISHED), A(NONE), E(OPEN), -1 },
	{ S(ESTABLISHED), S(OPENING), I(DATA), 0, 0, false,
	    S(HANDSHAKING), A(NONE), E(OPEN), -1 },
	{ S(OPENING), S(OPENING), I(DATA), 0, 0, false,
	    S(HANDSHAKING), A(NONE), E(OPEN), -1 },
	{ S(HANDSHAKING), S(OPENING), I(SETTLED), 0, 0, false,
	    S(SETTLED), A(NONE), E(OPEN), -1 },
	/* progress never goes back */
	{ S(SETTLED), S(OPENING), I(SYNACK), 0, 0, false,
	    S(SETTLED), A(NONE), E(OPEN), -1 },
	{ S(SETTLED), S(OPENING), I(DATA), 0, 0, false,
	    S(SETTLED), A(NONE), E(OPEN), -1 },
	/* a reset lingers --linger (2 s here) */
	{ S(SETTLED), S(OPENING), I(RST), 7000000, 0, false,
	    S(LINGERING), A(LINGER), E(OPEN), 9000000 },
	/* an unanswered attempt reset by its client lingers 30 s */
	{ S(OPENING), S(OPENING), I(RST), 7000000, 0, true,
	    S(LINGERING), A(LINGER), E(OPEN), 7000000 + LIMIT_LINGER_SYN_US },
	/* a second reset does not extend the linger */
	{ S(LINGERING), S(OPENING), I(RST), 8000000, 0, false,
	    S(LINGERING), A(NONE), E(OPEN), 0 },
	/* the SYN retry restores the state before the reset */
	{ S(LINGERING), S(OPENING), I(SYN_RETRY), 0, 0, false,
	    S(OPENING), A(REVIVE), E(OPEN), -1 },
	{ S(LINGERING), S(SETTLED), I(SYN_RETRY), 0, 0, false,
	    S(SETTLED), A(REVIVE), E(OPEN), -1 },
	{ S(OPENING), S(OPENING), I(SYN_RETRY), 0, 0, false,
	    S(OPENING), A(NONE), E(OPEN), -1 },
	/* while lingering, progress is remembered, the state stays */
	{ S(LINGERING), S(HANDSHAKING), I(SETTLED), 0, 0, false,
	    S(LINGERING), A(NONE), E(OPEN), -1 },
	/* idle: a settled connection may idle 5 timeouts since its last
	 * packet; not one past them, nor any other state */
	{ S(SETTLED), S(OPENING), I(IDLE), 5000000, 0, false,
	    S(SETTLED), A(KEEP), E(OPEN), -1 },
	{ S(SETTLED), S(OPENING), I(IDLE), 5000001, 0, false,
	    S(REPORTED), A(REPORT), E(IDLE), -1 },
	{ S(HANDSHAKING), S(OPENING), I(IDLE), 1500000, 0, false,
	    S(REPORTED), A(REPORT), E(IDLE), -1 },
	{ S(LINGERING), S(SETTLED), I(IDLE), 1500000, 0, false,
	    S(REPORTED), A(REPORT), E(IDLE), -1 },
	/* caps and end of input: a reset connection ended with its reset */
	{ S(HANDSHAKING), S(OPENING), I(CAP), 0, 0, false,
	    S(REPORTED), A(REPORT), E(EVICTED), -1 },
	{ S(LINGERING), S(OPENING), I(CAP), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	{ S(OPENING), S(OPENING), I(EOF), 0, 0, false,
	    S(REPORTED), A(REPORT), E(EOF), -1 },
	{ S(LINGERING), S(OPENING), I(EOF), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	{ S(LINGERING), S(OPENING), I(LINGER_OVER), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	{ S(HANDSHAKING), S(OPENING), I(FIN_BOTH), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	{ S(LINGERING), S(OPENING), I(FIN_BOTH), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	{ S(SETTLED), S(OPENING), I(PORT_REUSE), 0, 0, false,
	    S(REPORTED), A(REPORT), E(CLOSED), -1 },
	/* reported is final */
	{ S(REPORTED), S(OPENING), I(EOF), 0, 0, false,
	    S(REPORTED), A(NONE), E(OPEN), -1 },
	{ S(REPORTED), S(OPENING), I(RST), 0, 0, false,
	    S(REPORTED), A(NONE), E(OPEN), -1 },
};

START_TEST(test_transition)
{
	const struct trans_case *tc = &trans[_i];
	struct conn_params p;
	struct conn_life l;
	struct conn_event e;
	struct conn_step r;

	memset(&p, 0, sizeof(p));
	p.idle_us = 1000000;
	p.linger_us = 2000000;
	memset(&l, 0, sizeof(l));
	l.state = tc->from;
	l.before_rst = tc->before_rst;
	l.last_us = tc->last_us;
	memset(&e, 0, sizeof(e));
	e.in = tc->in;
	e.now_us = tc->now_us;
	e.syn_reset = tc->syn_reset;
	r = conn_transition(&l, &p, &e);
	ck_assert_msg(l.state == tc->to, "case %d: state %s, want %s", _i,
	    conn_state_name(l.state), conn_state_name(tc->to));
	ck_assert_msg(r.act == tc->act, "case %d: action %d, want %d", _i,
	    (int)r.act, (int)tc->act);
	ck_assert_msg(r.end == tc->end, "case %d: end %d, want %d", _i,
	    (int)r.end, (int)tc->end);
	if (tc->linger_until >= 0)
		ck_assert_msg(l.linger_until == tc->linger_until,
		    "case %d: linger until %lld, want %lld", _i,
		    (long long)l.linger_until, (long long)tc->linger_until);
}
END_TEST

/* ---- segment scripts through the table ---- */

enum op {
	SYN,		/* client SYN, ISN 1000 (again: a retransmission) */
	SYN_NEW,	/* client SYN with a new ISN: port reuse */
	SYNACK,
	DATA_C,		/* 100 bytes from the client */
	DATA_S,
	ACK_C,		/* an empty ACK from the client */
	FIN_C,
	FIN_S,
	RST_C,
	RST_S,
	SETTLE,		/* the analyzer read the end of the handshake */
	TICK,		/* live capture: time passes, no packet */
	NOT_TCP,	/* a frame that is no TCP segment: only the clock */
	END,		/* end of input */
	STOP,
};

struct step {
	int64_t		ms;
	enum op		op;
	uint16_t	port;	/* client port; 0: 50000 */
};

struct report {
	int		conn;	/* 1: the first connection attached */
	enum tl_end	end;
	int64_t		ms;	/* the clock at the report */
};

struct script {
	const char	*name;
	int64_t		 idle_ms;	/* 0: 60 s */
	size_t		 max_flows;	/* 0: 100 */
	struct step	 steps[12];
	struct report	 want[6];	/* ends with conn 0 */
};

#define DAY	86400000LL

static const struct script scripts[] = {
	{ "no answer to the SYN, end of input", 0, 0,
	  { { 0, SYN, 0 }, { 3000, SYN, 0 }, { 9000, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(EOF), 3000 } } },
	{ "refused: reported when the linger is over, not before", 0, 0,
	  { { 0, SYN, 0 }, { 1, RST_S, 0 }, { 5000, TICK, 0 },
	    { 5001, TICK, 0 }, { 6000, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 5001 } } },
	{ "FIN both ways, then a late ACK absorbed by the tombstone", 0, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, DATA_C, 0 },
	    { 3, DATA_S, 0 }, { 4, FIN_C, 0 }, { 5, FIN_S, 0 },
	    { 6, ACK_C, 0 }, { 7, DATA_C, 0 }, { 8, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 5 } } },
	{ "client resets its unanswered attempt, SYN again at 20 s", 0, 0,
	  { { 0, SYN, 0 }, { 1, RST_C, 0 }, { 20000, SYN, 0 },
	    { 20001, SYNACK, 0 }, { 20002, DATA_C, 0 },
	    { 20003, FIN_C, 0 }, { 20004, FIN_S, 0 }, { 20005, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 20004 } } },
	{ "the same SYN after the 30 s linger is a new attempt", 0, 0,
	  { { 0, SYN, 0 }, { 1, RST_C, 0 }, { 31000, SYN, 0 },
	    { 31001, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 31000 }, { 2, E(EOF), 31000 } } },
	{ "the same SYN on a fresh tombstone of a reset attempt", 0, 0,
	  { { 0, SYN, 0 }, { 1, RST_C, 0 }, { 25000, ACK_C, 0 },
	    { 30001, TICK, 0 }, { 31000, SYN, 0 }, { 31001, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 30001 }, { 2, E(EOF), 31000 } } },
	{ "over the flow cap, tombstones go before open connections", 0, 2,
	  { { 0, SYN, 50001 }, { 1, SYNACK, 50001 }, { 2, FIN_C, 50001 },
	    { 3, FIN_S, 50001 }, { 4, SYN, 50002 }, { 5, SYN, 50003 },
	    { 6, SYN, 50004 }, { 7, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 3 }, { 2, E(EOF), 6 }, { 3, E(EOF), 6 },
	    { 4, E(EOF), 6 } } },
	{ "port reuse of a closed tuple", 0, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, FIN_C, 0 },
	    { 3, FIN_S, 0 }, { 1000, SYN_NEW, 0 }, { 1001, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 3 }, { 2, E(EOF), 1000 } } },
	{ "port reuse of an open connection", 0, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, DATA_C, 0 },
	    { 500, SYN_NEW, 0 }, { 501, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 500 }, { 2, E(EOF), 500 } } },
	{ "idle during the handshake", 1000, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, DATA_C, 0 },
	    { 1002, TICK, 0 }, { 1003, TICK, 0 }, { 1004, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(IDLE), 1003 } } },
	{ "a settled connection idles up to five timeouts", 1000, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, DATA_C, 0 },
	    { 3, SETTLE, 0 }, { 2000, TICK, 0 }, { 4000, TICK, 0 },
	    { 5002, TICK, 0 }, { 6002, TICK, 0 }, { 6003, TICK, 0 },
	    { 7000, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(IDLE), 6003 } } },
	{ "one packet two days ahead does not move the clock", 0, 0,
	  { { 0, SYN, 50000 }, { 1, SYNACK, 50000 },
	    { 2 * DAY, DATA_C, 50001 }, { 2, DATA_C, 50000 },
	    { 3, END, 0 }, { 0, STOP, 0 } },
	  { { 2, E(EOF), 2 }, { 1, E(EOF), 2 } } },
	{ "a confirmed leap expires the old, keeps the one that leapt", 0, 0,
	  { { 0, SYN, 50000 }, { 1, SYNACK, 50000 },
	    { 2 * DAY, SYN, 50001 }, { 2 * DAY + 1, SYN, 50002 },
	    { 2 * DAY + 2, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(IDLE), 2 * DAY + 1 }, { 2, E(EOF), 2 * DAY + 1 },
	    { 3, E(EOF), 2 * DAY + 1 } } },
	{ "a leap confirmed by frames that are no TCP segment", 0, 0,
	  { { 0, SYN, 50000 }, { 1, SYNACK, 50000 },
	    { 2 * DAY, SYN, 50001 }, { 2 * DAY + 1, NOT_TCP, 0 },
	    { 2 * DAY + 2, NOT_TCP, 0 }, { 2 * DAY + 3, SYN, 50002 },
	    { 2 * DAY + 4, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(IDLE), 2 * DAY + 3 }, { 2, E(EOF), 2 * DAY + 3 },
	    { 3, E(EOF), 2 * DAY + 3 } } },
	{ "over the flow cap: the oldest is evicted", 0, 2,
	  { { 0, SYN, 50001 }, { 1, SYN, 50002 }, { 2, SYN, 50003 },
	    { 3, SYN, 50004 }, { 4, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(EVICTED), 3 }, { 2, E(EOF), 3 }, { 3, E(EOF), 3 },
	    { 4, E(EOF), 3 } } },
	{ "reset, then end of input: closed", 0, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, DATA_C, 0 },
	    { 3, RST_C, 0 }, { 4, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 3 } } },
	{ "a reset lingers 5 s even behind a client's reset attempt (30 s)",
	  0, 0,
	  { { 0, SYN, 50001 }, { 1, RST_C, 50001 }, { 2, SYN, 50002 },
	    { 3, SYNACK, 50002 }, { 4, RST_S, 50002 }, { 5003, TICK, 0 },
	    { 5004, TICK, 0 }, { 6000, END, 0 }, { 0, STOP, 0 } },
	  { { 2, E(CLOSED), 5004 }, { 1, E(CLOSED), 5004 } } },
	{ "lingers of both lengths end in deadline order", 0, 0,
	  { { 0, SYN, 50001 }, { 1, RST_C, 50001 }, { 25000, SYN, 50002 },
	    { 25001, SYNACK, 50002 }, { 25002, RST_S, 50002 },
	    { 31000, TICK, 0 }, { 32000, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 31000 }, { 2, E(CLOSED), 31000 } } },
	{ "the end of input reports by last packet, not by idle checks",
	  1000, 0,
	  { { 0, SYN, 50001 }, { 1, SYNACK, 50001 }, { 2, DATA_C, 50001 },
	    { 3, SETTLE, 0 }, { 998, SYN, 50002 }, { 999, SYNACK, 50002 },
	    { 1000, DATA_C, 50002 }, { 1001, SETTLE, 0 },
	    { 1500, TICK, 0 }, { 1600, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(EOF), 1500 }, { 2, E(EOF), 1500 } } },
	{ "an empty ACK starts nothing; data midstream does", 0, 0,
	  { { 0, ACK_C, 50001 }, { 1, DATA_S, 0 }, { 2, END, 0 },
	    { 0, STOP, 0 } },
	  { { 1, E(EOF), 1 } } },
	{ "the tombstone absorbs for 10 s, then data is a new connection",
	  0, 0,
	  { { 0, SYN, 0 }, { 1, SYNACK, 0 }, { 2, FIN_C, 0 },
	    { 3, FIN_S, 0 }, { 5000, DATA_C, 0 }, { 20000, DATA_C, 0 },
	    { 20001, END, 0 }, { 0, STOP, 0 } },
	  { { 1, E(CLOSED), 3 }, { 2, E(EOF), 20000 } } },
};

struct tconn {
	struct conn_life	 life;
	int			 n;	/* order of attachment, from 1 */
};

struct driver {
	struct conn_table	*t;
	struct tconn		*conns[16];
	int			 num;
	struct report		 got[16];
	int			 num_got;
	bool			 first;
};

static void
got(struct driver *d, struct conn_life *l, enum tl_end end)
{
	struct tconn *c = l->owner;

	ck_assert_int_lt(d->num_got, 16);
	d->got[d->num_got].conn = c->n;
	d->got[d->num_got].end = end;
	d->got[d->num_got].ms = conn_now(d->t) / 1000;
	d->num_got++;
}

static void
expire_all(struct driver *d)
{
	struct conn_expired x;

	memset(&x, 0, sizeof(x));
	while (conn_expire_next(d->t, 0, &x)) {
		got(d, x.life, x.end);
		if (x.remove)
			conn_remove(d->t, x.life);
		else
			conn_reported(d->t, x.life);
	}
}

static struct segment
mkseg(enum op op, uint16_t port)
{
	static const uint8_t zeros[100];
	struct segment s;
	bool c2s = op == SYN || op == SYN_NEW || op == DATA_C ||
	    op == ACK_C || op == FIN_C || op == RST_C;

	memset(&s, 0, sizeof(s));
	s.af = 4;
	s.src[0] = s.dst[0] = 10;
	s.src[3] = c2s ? 1 : 2;
	s.dst[3] = c2s ? 2 : 1;
	s.sport = c2s ? port : 443;
	s.dport = c2s ? 443 : port;
	s.seq = c2s ? 1001 : 9001;
	s.flags = TCP_ACK;
	switch (op) {
	case SYN:
		s.flags = TCP_SYN;
		s.seq = 1000;
		break;
	case SYN_NEW:
		s.flags = TCP_SYN;
		s.seq = 5000;
		break;
	case SYNACK:
		s.flags = TCP_SYN | TCP_ACK;
		s.seq = 9000;
		break;
	case DATA_C:
	case DATA_S:
		s.payload = zeros;
		s.payload_len = s.payload_wire_len = sizeof(zeros);
		break;
	case FIN_C:
	case FIN_S:
		s.flags |= TCP_FIN;
		break;
	case RST_C:
	case RST_S:
		s.flags = TCP_RST;
		break;
	default:
		break;
	}
	return s;
}

/* packet plays the analyzer's part for one segment. */
static void
packet(struct driver *d, const struct step *st)
{
	struct segment s = mkseg(st->op, st->port != 0 ? st->port : 50000);
	struct conn_seg_out o;
	struct conn_life *l;
	struct tconn *c;
	struct conn_step r;

	(void)conn_clock(d->t, st->ms * 1000, d->first);
	d->first = false;
	conn_segment_begin(d->t);
	expire_all(d);
	if (conn_segment(d->t, &s, &o) != CONN_SEG_FOLLOW)
		return;
	if (o.finished != NULL) {
		ck_assert_int_eq(o.finished->state, CONN_REPORTED);
		got(d, o.finished, TL_END_CLOSED);
	}
	if ((l = o.life) == NULL) {
		ck_assert_int_lt(d->num, 16);
		c = calloc(1, sizeof(*c));
		c->n = ++d->num;
		d->conns[c->n - 1] = c;
		conn_attach(d->t, o.flow, &c->life, c);
		l = &c->life;
	}
	if (o.fev & FLOW_EV_SYNACK)
		(void)conn_input(d->t, l, CONN_IN_SYNACK, false);
	if (s.payload_len > 0)
		(void)conn_input(d->t, l, CONN_IN_DATA, false);
	if (o.flow->tcp.fin[0] && o.flow->tcp.fin[1]) {
		r = conn_input(d->t, l, CONN_IN_FIN_BOTH, false);
		ck_assert_int_eq(r.act, CONN_ACT_REPORT);
		got(d, l, r.end);
		conn_reported(d->t, l);
	} else if (o.flow->tcp.rst[0] || o.flow->tcp.rst[1])
		(void)conn_input(d->t, l, CONN_IN_RST, o.flow->tcp.rst[0] &&
		    !o.flow->tcp.synack);
}

static void
run_step(struct driver *d, const struct step *st)
{
	struct conn_life *l, **v;
	struct conn_step r;
	size_t i, n;

	switch (st->op) {
	case TICK:
		conn_tick(d->t, st->ms * 1000);
		expire_all(d);
		break;
	case NOT_TCP:
		(void)conn_clock(d->t, st->ms * 1000, d->first);
		d->first = false;
		break;
	case SETTLE:
		ck_assert_int_gt(d->num, 0);
		(void)conn_input(d->t, &d->conns[d->num - 1]->life,
		    CONN_IN_SETTLED, false);
		break;
	case END:
		v = conn_table_open(d->t, &n);
		for (i = 0; i < n; i++) {
			l = v[i];
			r = conn_input(d->t, l, CONN_IN_EOF, false);
			ck_assert_int_eq(r.act, CONN_ACT_REPORT);
			got(d, l, r.end);
			conn_remove(d->t, l);
		}
		free(v);
		ck_assert_ptr_null(conn_table_oldest(d->t));
		break;
	default:
		packet(d, st);
		break;
	}
}

START_TEST(test_script)
{
	const struct script *sc = &scripts[_i];
	struct conn_params p;
	struct driver d;
	int i, want;

	memset(&p, 0, sizeof(p));
	p.idle_us = (sc->idle_ms != 0 ? sc->idle_ms : 60000) * 1000;
	p.max_flows = sc->max_flows != 0 ? sc->max_flows : 100;
	p.max_memory = 1 << 30;
	memset(&d, 0, sizeof(d));
	d.t = conn_table_new(&p);
	d.first = true;
	for (i = 0; sc->steps[i].op != STOP; i++)
		run_step(&d, &sc->steps[i]);
	for (want = 0; sc->want[want].conn != 0; want++)
		;
	for (i = 0; i < d.num_got || i < want; i++) {
		ck_assert_msg(i < d.num_got, "%s: report %d missing", sc->name,
		    i + 1);
		ck_assert_msg(i < want, "%s: extra report of #%d (end %d at "
		    "%lld ms)", sc->name, d.got[i].conn, (int)d.got[i].end,
		    (long long)d.got[i].ms);
		ck_assert_msg(d.got[i].conn == sc->want[i].conn &&
		    d.got[i].end == sc->want[i].end &&
		    d.got[i].ms == sc->want[i].ms,
		    "%s: report %d is #%d end %d at %lld ms, want #%d end %d "
		    "at %lld ms", sc->name, i + 1, d.got[i].conn,
		    (int)d.got[i].end, (long long)d.got[i].ms,
		    sc->want[i].conn, (int)sc->want[i].end,
		    (long long)sc->want[i].ms);
	}
	conn_table_free(d.t);
	for (i = 0; i < d.num; i++)
		free(d.conns[i]);
}
END_TEST

/* svc_seg: a segment of |op| between client port |port| and the server
 * 10.|srv >> 8|.|srv & 255|.2 (port 443). */
static struct segment
svc_seg(enum op op, uint16_t port, unsigned srv)
{
	struct segment s = mkseg(op, port);
	uint8_t *sv = s.sport == 443 ? s.src : s.dst;

	sv[1] = (uint8_t)(srv >> 8);
	sv[2] = (uint8_t)srv;
	return s;
}

/*
 * --threads: the router sends both directions of a connection, and every
 * connection to one service, to one worker; each new service to the
 * worker it has counted least work for, so that the reading thread's
 * worker 0 takes fewer, and none while a lone service keeps the other
 * busy; the same input is split alike; another --shard's go to worker 0,
 * and a table of the shard answers CONN_SEG_OTHER_SHARD for exactly
 * those.
 */
START_TEST(test_route)
{
	struct conn_params p = {
		.idle_us = 60000000, .max_flows = 100000,
		.max_memory = (size_t)1 << 30, .worker_n = 3,
	};
	struct conn_params ps = p;
	struct conn_router *r = conn_router_new(&p), *r2 = conn_router_new(&p);
	struct conn_router *rs, *r1;
	struct conn_table *t;
	struct conn_seg_out o;
	struct segment c, sv;
	struct flow_key k;
	unsigned w, n[3] = { 0, 0, 0 }, srv, other = 0, first[3000];
	uint64_t h;

	for (srv = 0; srv < 3000; srv++) {
		/* 3,000 servers, a connection each: SYN, SYN-ACK, data; each
		 * packet routed again by a second router, which must agree
		 * (the same input, the same split). */
		c = svc_seg(SYN, 1000, srv);
		sv = svc_seg(SYNACK, 1000, srv);
		w = conn_router_packet(r, &c, 74);
		ck_assert_uint_lt(w, 3);
		ck_assert_uint_eq(conn_router_packet(r2, &c, 74), w);
		ck_assert_uint_eq(conn_router_packet(r, &sv, 74), w);
		ck_assert_uint_eq(conn_router_packet(r2, &sv, 74), w);
		c = svc_seg(DATA_C, 1000, srv);
		ck_assert_uint_eq(conn_router_packet(r, &c, 600), w);
		ck_assert_uint_eq(conn_router_packet(r2, &c, 600), w);
		/* Another client of the same server: the same worker. */
		c = svc_seg(SYN, 2000, srv);
		ck_assert_uint_eq(conn_router_packet(r, &c, 74), w);
		ck_assert_uint_eq(conn_router_packet(r2, &c, 74), w);
		if (srv == 0)	/* the first: not the reading thread's */
			ck_assert_uint_eq(w, 2);
		first[srv] = w;
		n[w]++;
	}
	/* The buckets of services are 4,096: some servers share one. A
	 * server costs its worker 10,600 (two SYNs at 5,150, two packets
	 * at 150) and the reading thread about 570 (four packets read at
	 * 130 and their bytes, three copied): worker 0 takes about 160
	 * servers fewer than each of the others, some 900 of 3,000. */
	ck_assert_uint_gt(n[0], 800);
	ck_assert_uint_lt(n[0], 980);
	ck_assert_uint_gt(n[1], n[0] + 50);
	ck_assert_uint_gt(n[2], n[0] + 50);
	for (srv = 0; srv < 3000; srv++) {
		c = svc_seg(ACK_C, 3000, srv);
		ck_assert_uint_eq(conn_router_packet(r, &c, 60), first[srv]);
	}
	conn_router_free(r);
	conn_router_free(r2);

	/* Two workers: a lone service that sends large segments keeps the
	 * other worker; the next service too, as long as the reading costs
	 * more than the analysis; once the other has much more (a flood of
	 * connections), the next goes to worker 0. */
	p.worker_n = 2;
	r1 = conn_router_new(&p);
	c = svc_seg(SYN, 1000, 1);
	ck_assert_uint_eq(conn_router_packet(r1, &c, 74), 1);
	c = svc_seg(DATA_C, 1000, 1);
	for (w = 0; w < 1000; w++)
		ck_assert_uint_eq(conn_router_packet(r1, &c, 1514), 1);
	c = svc_seg(SYN, 1000, 2);
	ck_assert_uint_eq(conn_router_packet(r1, &c, 74), 1);
	for (w = 0; w < 1000; w++) {
		c = svc_seg(SYN, (uint16_t)(1024 + w), 2);
		ck_assert_uint_eq(conn_router_packet(r1, &c, 74), 1);
	}
	c = svc_seg(SYN, 1000, 3);
	ck_assert_uint_eq(conn_router_packet(r1, &c, 74), 0);
	/* Not a TCP segment: worker 0's. */
	ck_assert_uint_eq(conn_router_packet(r1, NULL, 60), 0);
	conn_router_free(r1);

	/* Shard 2 of 3, two workers. */
	ps.shard_k = 2;
	ps.shard_n = 3;
	ps.worker_n = 2;
	rs = conn_router_new(&ps);
	t = conn_table_new(&ps);
	for (srv = 0; srv < 3000; srv++) {
		c = svc_seg(SYN, 1000, srv);
		sv = svc_seg(SYNACK, 1000, srv);
		(void)flow_key_of(&k, &c);
		h = flow_key_shard_hash(&k);
		w = conn_router_packet(rs, &c, 74);
		ck_assert_uint_eq(conn_router_packet(rs, &sv, 74), w);
		conn_segment_begin(t);
		if (h % 3 != 1) {
			other++;
			ck_assert_uint_eq(w, 0);
			ck_assert_int_eq(conn_segment(t, &c, &o),
			    CONN_SEG_OTHER_SHARD);
		} else
			ck_assert_int_ne(conn_segment(t, &c, &o),
			    CONN_SEG_OTHER_SHARD);
	}
	ck_assert_uint_gt(other, 1600);
	ck_assert_uint_lt(other, 2400);
	conn_router_free(rs);
	/* One worker: everything is worker 0's. */
	p.worker_n = 1;
	r1 = conn_router_new(&p);
	ck_assert_uint_eq(conn_router_packet(r1, &c, 74), 0);
	conn_router_free(r1);
	ck_assert_uint_eq(conn_worker_weight(0, 3), 2);
	ck_assert_uint_eq(conn_worker_weight(2, 3), 3);
	ck_assert_uint_eq(conn_worker_weight(0, 1), 1);
	conn_table_free(t);
}
END_TEST

/*
 * A connection reported idle, whose tombstone is gone: a later segment
 * without a SYN on its tuple (a reset after minutes of silence) is its
 * rest (o.continues, with its roles), once; a SYN is a new connection;
 * another tuple is not it.
 */
static enum conn_seg
seg_at(struct conn_table *t, int64_t ms, enum op op, uint16_t port,
    struct conn_seg_out *o)
{
	struct segment s = mkseg(op, port);
	struct conn_expired x;

	(void)conn_clock(t, ms * 1000, ms == 0);
	conn_segment_begin(t);
	memset(&x, 0, sizeof(x));
	while (conn_expire_next(t, 0, &x))
		conn_reported(t, x.life);
	return conn_segment(t, &s, o);
}

START_TEST(test_continues)
{
	struct conn_params p = {
		.idle_us = 60000000, .max_flows = 100,
		.max_memory = (size_t)1 << 30,
	};
	struct conn_table *t = conn_table_new(&p);
	struct conn_seg_out o;
	struct conn_life l[4];

	memset(l, 0, sizeof(l));
	ck_assert_int_eq(seg_at(t, 0, SYN, 50000, &o), CONN_SEG_FOLLOW);
	conn_attach(t, o.flow, &l[0], &l[0]);
	o.flow->conn_id = 7;
	ck_assert_int_eq(seg_at(t, 1, SYNACK, 50000, &o), CONN_SEG_FOLLOW);
	(void)conn_input(t, &l[0], CONN_IN_SYNACK, false);
	/* The same data on another tuple, so that this one is not the
	 * only flow. */
	ck_assert_int_eq(seg_at(t, 2, SYN, 50001, &o), CONN_SEG_FOLLOW);
	conn_attach(t, o.flow, &l[1], &l[1]);
	o.flow->conn_id = 8;
	/* 61 s: both reported idle; 80 s: tombstones gone. */
	ck_assert_int_eq(seg_at(t, 61000, SYN, 50002, &o), CONN_SEG_FOLLOW);
	conn_attach(t, o.flow, &l[2], &l[2]);
	ck_assert_int_eq(l[0].state, CONN_REPORTED);
	ck_assert_int_eq(seg_at(t, 80000, SYN, 50003, &o), CONN_SEG_FOLLOW);
	conn_attach(t, o.flow, &l[3], &l[3]);
	/* 120 s: the server's reset on the first tuple. */
	ck_assert_int_eq(seg_at(t, 120000, RST_S, 50000, &o),
	    CONN_SEG_FOLLOW);
	ck_assert_uint_eq(o.continues, 7);
	ck_assert_int_eq(o.continues_idle_us, 1000);
	ck_assert_int_eq(o.dir, 1);	/* its roles: the server's */
	/* The second tuple starts again with a SYN: a new connection. */
	ck_assert_int_eq(seg_at(t, 120001, SYN, 50001, &o), CONN_SEG_FOLLOW);
	ck_assert_uint_eq(o.continues, 0);
	/* A tuple never seen. */
	ck_assert_int_eq(seg_at(t, 120002, RST_C, 50009, &o),
	    CONN_SEG_FOLLOW);
	ck_assert_uint_eq(o.continues, 0);
	conn_table_free(t);
}
END_TEST

/*
 * conn_clock_run moves the clock for a run of other workers' packets only
 * when that is all they would do one by one: not over a leap, not with a
 * leap held back, not when the expiry walk would find something due at
 * the run's end; and when it refuses, the clock is as it was.
 */
START_TEST(test_clock_run)
{
	struct conn_params p = {
		.idle_us = 60000000, .max_flows = 100,
		.max_memory = (size_t)1 << 30,
	};
	struct conn_table *t = conn_table_new(&p), *t2;
	struct conn_seg_out o;
	struct conn_life l;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(seg_at(t, 0, SYN, 50000, &o), CONN_SEG_FOLLOW);
	conn_attach(t, o.flow, &l, &l);
	/* 10 packets up to 30 s, steps under a day: the clock moves. */
	ck_assert(conn_clock_run(t, 10, 30000000, 5000000, 0));
	ck_assert_int_eq(conn_now(t), 30000000);
	/* None of them is later than now: nothing moves, and that is all. */
	ck_assert(conn_clock_run(t, 3, 20000000, 0, 0));
	ck_assert_int_eq(conn_now(t), 30000000);
	/* Up to 61 s the connection (last seen at 0) would be idle:
	 * refused, the clock unmoved. */
	ck_assert(!conn_clock_run(t, 2, 61000000, 31000000, 0));
	ck_assert_int_eq(conn_now(t), 30000000);
	/* Over the memory cap: due at once. */
	ck_assert(!conn_clock_run(t, 1, 30000001, 1, (size_t)1 << 31));
	/* One step of more than a day: a leap, for the one by one path
	 * (on a table of no flows, where nothing else is due). */
	t2 = conn_table_new(&p);
	(void)conn_clock(t2, 0, true);
	ck_assert(!conn_clock_run(t2, 1, 86400000001LL, 86400000001LL, 0));
	ck_assert_int_eq(conn_now(t2), 0);
	ck_assert(conn_clock_run(t2, 1, 86400000000LL, 86400000000LL, 0));
	ck_assert_int_eq(conn_now(t2), 86400000000LL);
	conn_table_free(t2);
	/* A leap held back by a packet given alone: refused until the
	 * next packet confirms or forgets it. */
	ck_assert(conn_clock(t, 30000000 + 2 * 86400000000LL, false));
	ck_assert(!conn_clock_run(t, 1, 30000001, 1, 0));
	ck_assert_int_eq(conn_now(t), 30000000);
	conn_table_free(t);
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(conn_state_name(CONN_OPENING), "opening");
	ck_assert_str_eq(conn_state_name(CONN_REPORTED), "reported");
	ck_assert_str_eq(conn_state_name((enum conn_state)99), "?");
}
END_TEST

/*
 * The look-ahead of a worker (pool.c): the hash conn_prefetch_bucket returns for either direction of a flow leads
 * conn_prefetched_life to that flow's connection or to nothing (never
 * another's: their hashes differ), and a tuple never seen to nothing.
 */
START_TEST(test_prefetch)
{
	struct conn_params p = {
		.idle_us = 60000000, .max_flows = 20000,
		.max_memory = (size_t)1 << 30,
	};
	struct conn_table *t = conn_table_new(&p);
	static struct conn_life l[8192];
	struct conn_seg_out o;
	struct segment s;
	const struct conn_life *got_l;
	unsigned i, own = 0;
	uint32_t h;

	for (i = 0; i < 8192; i++) {
		ck_assert_int_eq(seg_at(t, 0, SYN, (uint16_t)(1024 + i), &o),
		    CONN_SEG_FOLLOW);
		memset(&l[i], 0, sizeof(l[i]));
		conn_attach(t, o.flow, &l[i], &l[i]);
	}
	for (i = 0; i < 8192; i++) {
		s = mkseg(i % 2 == 0 ? DATA_C : DATA_S, (uint16_t)(1024 + i));
		h = conn_prefetch_bucket(t, &s);
		conn_prefetch_flow(t, h);
		got_l = conn_prefetched_life(t, h);
		ck_assert(got_l == NULL || got_l == &l[i]);
		own += got_l == &l[i];
	}
	/* At most one flow a bucket on average: most are first in theirs. */
	ck_assert_uint_gt(own, 8192 / 2);
	s = mkseg(DATA_C, 1000);
	ck_assert(conn_prefetched_life(t, conn_prefetch_bucket(t, &s)) == NULL);
	conn_table_free(t);
}
END_TEST

static Suite *
conn_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_transition, 0,
	    (int)(sizeof(trans) / sizeof(trans[0])));
	tcase_add_loop_test(tc, test_script, 0,
	    (int)(sizeof(scripts) / sizeof(scripts[0])));
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_continues);
	tcase_add_test(tc, test_clock_run);
	tcase_add_test(tc, test_prefetch);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(conn_suite());
}
