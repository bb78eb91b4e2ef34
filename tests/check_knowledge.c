/* check_knowledge.c - unit tests for knowledge.c (issue 16).
 *
 * The connections here are built in memory (no capture): a TLS 1.2
 * connection showing a chain of tests/certs certificates, and TLS 1.3
 * connections whose server flight is a list of encrypted record lengths.
 * Record lengths follow RFC 8446 4.4.2 and 5.2, computed here from the DER
 * file sizes, independently of knowledge.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "knowledge.h"
#include "timeline.h"
#include "tls_msg.h"
#include "x509.h"
#include "check_main.h"

static struct x509_cache *cache;

static void
cert_path(char *out, size_t out_len, const char *name)
{
	const char *srcdir = getenv("srcdir");
	int n;

	n = snprintf(out, out_len, "%s/tests/certs/%s.der",
	    srcdir != NULL ? srcdir : ".", name);
	ck_assert(n > 0 && (size_t)n < out_len);
}

static size_t
der_size(const char *name)
{
	char path[1024];
	struct stat st;

	cert_path(path, sizeof(path), name);
	ck_assert_int_eq(stat(path, &st), 0);
	return (size_t)st.st_size;
}

static struct x509_cert *
get(const char *name)
{
	char path[1024];
	uint8_t *b;
	size_t len = der_size(name);
	struct x509_cert *x;
	FILE *f;

	cert_path(path, sizeof(path), name);
	b = malloc(len);
	ck_assert_ptr_nonnull(b);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(b, 1, len, f), len);
	fclose(f);
	x = x509_cache_get(cache, b, len);
	ck_assert_ptr_nonnull(x);
	free(b);
	return x;
}

/* The TLS 1.3 record of a Certificate message holding these DER files,
 * entries without extensions, AES-GCM tag. */
static uint32_t
want_len(const char *const *names, size_t n)
{
	size_t len = 4 + 1 + 3, i;

	for (i = 0; i < n; i++)
		len += 3 + der_size(names[i]) + 2;
	return (uint32_t)(len + 1 + 16);
}

static struct tl_conn *
conn(uint64_t id, uint16_t port, const char *sni)
{
	struct tl_conn *c = tl_conn_new(id);

	c->af = 4;
	c->server_ip[0] = 127;
	c->server_ip[3] = 1;
	c->server_port = port;
	c->ch.present = true;
	if (sni != NULL) {
		c->ch.has_sni = true;
		c->ch.sni.len = strlen(sni);
		c->ch.sni.b = (const uint8_t *)sni;	/* a literal, not heap:
							 * ch.heap stays NULL */
	}
	c->sh.present = true;
	return c;
}

/* A TLS 1.2 connection that showed |names| as the server chain. */
static struct tl_conn *
shown(uint64_t id, uint16_t port, const char *sni, const char *const *names,
    size_t n)
{
	struct tl_conn *c = conn(id, port, sni);
	size_t i;

	c->sh.version = 0x0303;
	c->server_chain.present = true;
	c->server_chain.frame = 6;
	tl_chain_set(&c->server_chain, n);
	for (i = 0; i < n; i++)
		c->server_chain.certs[i] = get(names[i]);
	c->server_chain.total = n;
	return c;
}

/* A TLS 1.3 connection whose server flight was |nrec| encrypted records. */
static struct tl_conn *
hidden(uint64_t id, uint16_t port, const char *sni, const uint32_t *rec,
    size_t nrec)
{
	struct tl_conn *c = conn(id, port, sni);
	struct tl_event *e;
	size_t i;

	c->sh.version = 0x0304;
	c->sh.tls13 = true;
	c->sh.suite = 0x1302;
	e = tl_add_event(c, TL_EV_HANDSHAKE, TL_C2S, 4, 0);
	e->hs_type = TLS_HS_CLIENT_HELLO;
	e = tl_add_event(c, TL_EV_HANDSHAKE, TL_S2C, 6, 1);
	e->hs_type = TLS_HS_SERVER_HELLO;
	for (i = 0; i < nrec; i++) {
		e = tl_add_event(c, TL_EV_ENCRYPTED, TL_S2C, 6, 1);
		e->len = rec[i];
		e->encrypted = true;
	}
	e = tl_add_event(c, TL_EV_ALERT, TL_C2S, 8, 2);
	e->encrypted = true;
	e->inferred = true;
	return c;
}

static const char *const chain_a[] = { "leaf", "inter" };
static const char *const chain_b[] = { "expired", "inter" };

static void
setup(void)
{
	cache = x509_cache_new(64);
}

static void
teardown(void)
{
	x509_cache_free(cache);
}

START_TEST(test_record_len)
{
	struct x509_cert *certs[2];

	certs[0] = get("leaf");
	certs[1] = get("inter");
	ck_assert_uint_eq(kb_tls13_cert_record_len(certs, 2, 16),
	    want_len(chain_a, 2));
	/* TLS_AES_128_CCM_8_SHA256: an 8-byte tag. */
	ck_assert_uint_eq(kb_tls13_cert_record_len(certs, 2, 8),
	    want_len(chain_a, 2) - 8);
	ck_assert_uint_eq(kb_tls13_cert_record_len(certs, 0, 16),
	    4 + 1 + 3 + 1 + 16);
	x509_cert_unref(certs[0]);
	x509_cert_unref(certs[1]);
}
END_TEST

/* The encrypted Certificate record has the length of the known chain. */
START_TEST(test_by_length)
{
	struct kb *k = kb_new();
	struct tl_conn *a = shown(1, 443, "a.test", chain_a, 2);
	uint32_t rec[4] = { 23, 0, 281, 69 };
	struct tl_conn *h;
	struct kb_match m;

	rec[1] = want_len(chain_a, 2);
	h = hidden(2, 443, "other.test", rec, 4);
	kb_learn(k, a);
	kb_learn(k, h);		/* hidden: teaches nothing */
	kb_match(k, h, &m);
	ck_assert_ptr_nonnull(m.chain);
	ck_assert_int_eq(m.reason, KB_RECORD_LENGTH);
	ck_assert_uint_eq(m.chain->conn_id, 1);
	ck_assert_uint_eq(m.chain->num, 2);
	ck_assert_uint_eq(m.record_len, rec[1]);

	/* One byte off, separate records: the server sent another chain
	 * (a stapled response, a rotation): no inference, even though the
	 * server only ever showed chain_a. */
	tl_conn_free(h);
	rec[1]++;
	h = hidden(3, 443, "a.test", rec, 4);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);

	/* Another server (port): nothing known. */
	tl_conn_free(h);
	rec[1]--;
	h = hidden(4, 8443, "a.test", rec, 4);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);
	tl_conn_free(h);
	tl_conn_free(a);
	kb_free(k);
}
END_TEST

/* Two known chains, both the length of the record: ambiguous. */
START_TEST(test_two_chains_same_length)
{
	struct kb *k = kb_new();
	struct tl_conn *a = shown(1, 443, "a.test", chain_a, 2);
	struct tl_conn *b = shown(2, 443, "b.test", chain_b, 2);
	uint32_t rec[4] = { 23, 0, 281, 69 };
	struct tl_conn *h;
	struct kb_match m;

	kb_learn(k, a);
	kb_learn(k, b);
	rec[1] = want_len(chain_b, 2);
	h = hidden(3, 443, "c.test", rec, 4);
	kb_match(k, h, &m);
	/* leaf.der and expired.der are both 672 bytes. */
	ck_assert_uint_eq(want_len(chain_a, 2), want_len(chain_b, 2));
	ck_assert_ptr_null(m.chain);
	tl_conn_free(h);
	tl_conn_free(a);
	tl_conn_free(b);
	kb_free(k);
}
END_TEST

/* The flight in one record: the lengths do not show the chain; the names
 * the server was asked for do. */
START_TEST(test_by_name)
{
	struct kb *k = kb_new();
	struct tl_conn *a = shown(1, 443, "a.test", chain_a, 2);
	struct tl_conn *a2, *b;
	uint32_t rec[1] = { 2200 };
	struct tl_conn *h;
	struct kb_match m;

	kb_learn(k, a);
	h = hidden(2, 443, "a.test", rec, 1);
	kb_match(k, h, &m);
	ck_assert_ptr_nonnull(m.chain);
	ck_assert_int_eq(m.reason, KB_SAME_NAME);
	tl_conn_free(h);

	/* Another name, one name seen so far: the chain may depend on it. */
	h = hidden(3, 443, "b.test", rec, 1);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);

	/* A second name answered with the same chain: any name gets it. */
	a2 = shown(4, 443, NULL, chain_a, 2);
	kb_learn(k, a2);
	kb_match(k, h, &m);
	ck_assert_ptr_nonnull(m.chain);
	ck_assert_int_eq(m.reason, KB_ANY_NAME);
	ck_assert_uint_eq(m.names, 2);

	/* A third name answered with another chain: it depends on the
	 * name after all. */
	b = shown(5, 443, "c.test", chain_b, 2);
	kb_learn(k, b);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);
	tl_conn_free(h);

	/* The same name answered with two chains: rotation, no guess. */
	b->ch.sni.len = 6;
	b->ch.sni.b = (const uint8_t *)"a.test";
	kb_learn(k, b);
	h = hidden(6, 443, "a.test", rec, 1);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);
	tl_conn_free(h);
	tl_conn_free(a);
	tl_conn_free(a2);
	tl_conn_free(b);
	kb_free(k);
}
END_TEST

/* What does not teach: a chain not read whole, a midstream connection. */
START_TEST(test_learn_only_whole_chains)
{
	struct kb *k = kb_new();
	struct tl_conn *a = shown(1, 443, "a.test", chain_a, 2);
	uint32_t rec[4] = { 23, 0, 281, 69 };
	struct tl_conn *h;
	struct kb_match m;
	struct kb_stats st;

	a->server_chain.total = 3;	/* one certificate not kept */
	kb_learn(k, a);
	a->server_chain.total = 2;
	a->midstream = true;
	kb_learn(k, a);
	rec[1] = want_len(chain_a, 2);
	h = hidden(2, 443, "a.test", rec, 4);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);
	kb_stats(k, &st);
	ck_assert_uint_eq(st.chains, 0);
	/* The connection's own chain readable: nothing to infer. */
	a->midstream = false;
	kb_learn(k, a);
	kb_match(k, a, &m);
	ck_assert_ptr_null(m.chain);
	kb_match(k, h, &m);
	ck_assert_ptr_nonnull(m.chain);
	kb_stats(k, &st);
	ck_assert_uint_eq(st.chains, 1);
	ck_assert_uint_eq(st.inferred, 1);
	tl_conn_free(h);
	tl_conn_free(a);
	kb_free(k);
}
END_TEST

/* A client that sent data over a chain accepted it: kb_used_by names that
 * connection for another of the same client over the same chain, not for
 * another client, another chain, or the connection itself. */
START_TEST(test_used_by)
{
	struct kb *k = kb_new();
	struct tl_conn *a = shown(10, 443, "a.test", chain_a, 2);
	struct tl_conn *q = shown(56, 443, "a.test", chain_a, 2);
	struct tl_conn *o = shown(57, 443, "a.test", chain_a, 2);
	struct tl_conn *b = shown(58, 443, "a.test", chain_b, 2);
	struct tl_conn *n = shown(59, 443, "b.test", chain_a, 2);

	a->client_ip[0] = q->client_ip[0] = b->client_ip[0] = 10;
	n->client_ip[0] = 10;
	o->client_ip[0] = 11;
	kb_learn(k, a);
	kb_learn(k, b);
	ck_assert_uint_eq(kb_used_by(k, q), 0);	/* nobody sent data yet */
	kb_learn_use(k, a);
	ck_assert_uint_eq(kb_used_by(k, q), 10);
	ck_assert_uint_eq(kb_used_by(k, a), 0);	/* itself */
	ck_assert_uint_eq(kb_used_by(k, o), 0);	/* another client */
	ck_assert_uint_eq(kb_used_by(k, b), 0);	/* another chain */
	/* Another name (pcaps/kb-name-mismatch.pcap: accepted for
	 * other.local, not for tls-server.local). */
	ck_assert_uint_eq(kb_used_by(k, n), 0);
	/* A midstream connection teaches nothing. */
	o->midstream = true;
	kb_learn_use(k, o);
	o->midstream = false;
	ck_assert_uint_eq(kb_used_by(k, o), 0);
	tl_conn_free(a);
	tl_conn_free(q);
	tl_conn_free(o);
	tl_conn_free(b);
	tl_conn_free(n);
	kb_free(k);
}
END_TEST

/* Past LIMIT_KB_CHAINS chains a server is not one whose chain is known. */
START_TEST(test_chain_cap)
{
	/* Five certificates of five different DER sizes. */
	static const char *const one[][1] = { { "leaf" }, { "inter" },
	    { "cnonly" }, { "ip" }, { "selfsigned" } };
	struct kb *k = kb_new();
	struct tl_conn *c[5], *h;
	uint32_t rec[4] = { 23, 0, 281, 69 };
	struct kb_match m;
	size_t i;
	char sni[8];

	ck_assert_uint_eq(LIMIT_KB_CHAINS, 4);
	for (i = 0; i < 5; i++) {
		(void)snprintf(sni, sizeof(sni), "%zu.test", i);
		c[i] = shown(i + 1, 443, sni, one[i], 1);
		kb_learn(k, c[i]);
	}
	/* The first four are kept and still match by length. */
	rec[1] = want_len(one[0], 1);
	h = hidden(9, 443, "x.test", rec, 4);
	kb_match(k, h, &m);
	ck_assert_ptr_nonnull(m.chain);
	tl_conn_free(h);
	/* The fifth was not kept. */
	rec[1] = want_len(one[4], 1);
	h = hidden(10, 443, "4.test", rec, 4);
	kb_match(k, h, &m);
	ck_assert_ptr_null(m.chain);
	tl_conn_free(h);
	for (i = 0; i < 5; i++)
		tl_conn_free(c[i]);
	kb_free(k);
}
END_TEST

/* The CA names a server asks for, from a CertificateRequest in the clear. */
START_TEST(test_ca_names)
{
	struct kb *k = kb_new();
	struct tl_conn *a = conn(1, 443, "a.test");
	struct tl_conn *b = conn(2, 443, "a.test");
	struct tl_conn *h = conn(3, 443, "a.test");
	struct tl_conn *o = conn(4, 8443, "a.test");
	uint64_t id = 0, frame = 0;
	const char *t;

	ck_assert_ptr_null(kb_ca_names(k, h, &id, &frame));
	tl_cr_make(a)->present = true;
	tl_cr_make(a)->frame = 7;
	tl_cr_make(a)->num_ca = tl_cr_make(a)->total_ca = 2;
	tl_cr_make(a)->ca_text[0] = strdup("CN=clientCA,O=LMT Corp");
	tl_cr_make(a)->ca_text[1] = strdup("CN=otherCA");
	kb_learn_ca(k, a);
	t = kb_ca_names(k, h, &id, &frame);
	ck_assert_str_eq(t, "CN=clientCA,O=LMT Corp; CN=otherCA");
	ck_assert_uint_eq(id, 1);
	ck_assert_uint_eq(frame, 7);
	ck_assert_ptr_null(kb_ca_names(k, o, &id, &frame));
	/* The same list again: still known. */
	kb_learn_ca(k, a);
	ck_assert_ptr_nonnull(kb_ca_names(k, h, &id, &frame));
	/* Another list from the same server: no longer one answer. */
	tl_cr_make(b)->present = true;
	tl_cr_make(b)->total_ca = 0;
	kb_learn_ca(k, b);
	ck_assert_ptr_null(kb_ca_names(k, h, &id, &frame));
	tl_conn_free(a);
	tl_conn_free(b);
	tl_conn_free(h);
	tl_conn_free(o);
	kb_free(k);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("knowledge");
	TCase *t = tcase_create("kb");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_record_len);
	tcase_add_test(t, test_by_length);
	tcase_add_test(t, test_two_chains_same_length);
	tcase_add_test(t, test_by_name);
	tcase_add_test(t, test_learn_only_whole_chains);
	tcase_add_test(t, test_chain_cap);
	tcase_add_test(t, test_used_by);
	tcase_add_test(t, test_ca_names);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	return check_run(suite());
}
