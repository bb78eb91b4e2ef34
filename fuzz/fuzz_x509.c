/* fuzz_x509.c - libFuzzer target: DER certificates through the parse cache and the chain checks. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "x509.h"

/*
 * Input:
 *   uint8 flags;     bit 0: client role, bit 1: give the trust store,
 *                    bit 2: a CertificateRequest CA list is present,
 *                    bit 3: parse each certificate twice (cache hits)
 *   uint32 at;       capture time, epoch seconds, big-endian
 *   opaque sni<0..255>;
 *   then items, each
 *     uint8 kind;    0: certificate DER, 1: CA DistinguishedName DER
 *     opaque der<0..2^16-1>;
 * The memos are checked against what they memoise: the CA name text
 * through x509_cache_name_text, the chain checks through
 * x509_check_chain_memo (a miss, then a hit); a difference aborts.
 * FUZZ_CERTS_DIR (set by Makefile.am) names tests/certs, whose root.pem
 * and clientCA.pem are the trust stores.
 */
#ifndef FUZZ_CERTS_DIR
#define FUZZ_CERTS_DIR	"tests/certs"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stores and the chain memo live as long as the process: a fuzzer's
 * only state (the memo keeps earlier inputs' checks, as in tlsdiag). */
static struct x509_check_memo	*fz_memo;
static struct x509_store	*fz_server_store;
static struct x509_store	*fz_client_store;
static bool			 fz_loaded;

static void
fz_load_stores(void)
{
	char err[X509_ERRBUF_SIZE];

	if (fz_loaded)
		return;
	fz_loaded = true;
	fz_server_store = x509_store_load(FUZZ_CERTS_DIR "/root.pem", NULL,
	    err);
	fz_client_store = x509_store_load(FUZZ_CERTS_DIR "/clientCA.pem", NULL,
	    err);
	fz_memo = x509_check_memo_new();
}

/* fz_same aborts unless two lists of findings are the same. */
static void
fz_same(const struct x509_finding *a, size_t na, const struct x509_finding *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		abort();
	for (i = 0; i < na; i++)
		if (a[i].code != b[i].code || a[i].severity != b[i].severity ||
		    a[i].cert != b[i].cert || strcmp(a[i].text, b[i].text) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct x509_cert *chain[LIMIT_CHAIN_CERTS];
	const uint8_t *ca[LIMIT_CA_NAMES];
	size_t ca_len[LIMIT_CA_NAMES];
	struct x509_finding out[32], memo_out[32];
	struct x509_check_params p;
	struct x509_cache *cache;
	struct x509_cert *again;
	const struct cert_info *ci;
	struct rd in, sni, der;
	char text[LIMIT_DN_TEXT], memo_text[LIMIT_DN_TEXT];
	size_t n = 0, num_ca = 0, nf, nm, i, k;
	uint32_t at;
	uint8_t flags, kind;
	volatile size_t sink = 0;

	fz_load_stores();
	rd_init(&in, data, size);
	if (!rd_u8(&in, &flags) || !rd_u32(&in, &at) || !rd_vec8(&in, &sni))
		return 0;
	cache = x509_cache_new(4);
	while (rd_left(&in) > 0) {
		if (!rd_u8(&in, &kind) || !rd_vec16(&in, &der))
			break;
		if ((kind & 1) == 0 && n < LIMIT_CHAIN_CERTS) {
			chain[n] = x509_cache_get(cache, rd_ptr(&der),
			    rd_left(&der));
			if (chain[n] != NULL) {
				ci = x509_cert_info(chain[n]);
				sink += strlen(ci->subject) + ci->num_san;
			}
			if ((flags & 8) != 0) {
				again = x509_cache_get(cache, rd_ptr(&der),
				    rd_left(&der));
				x509_cert_unref(again);
			}
			n++;
		} else if ((kind & 1) == 1 && num_ca < LIMIT_CA_NAMES) {
			bool ok = x509_name_to_text(text, sizeof(text),
			    rd_ptr(&der), rd_left(&der));

			sink += strlen(text);
			for (k = 0; k < 2; k++)
				if (x509_cache_name_text(cache, memo_text,
				    sizeof(memo_text), rd_ptr(&der),
				    rd_left(&der)) != ok ||
				    strcmp(text, memo_text) != 0)
					abort();
			ca[num_ca] = rd_ptr(&der);
			ca_len[num_ca] = rd_left(&der);
			num_ca++;
		}
	}
	memset(&p, 0, sizeof(p));
	p.role = (flags & 1) != 0 ? X509_ROLE_CLIENT : X509_ROLE_SERVER;
	if (rd_left(&sni) > 0) {
		p.sni = rd_ptr(&sni);
		p.sni_len = rd_left(&sni);
	}
	p.at = at;
	p.ca_names_present = (flags & 4) != 0;
	p.ca_names = ca;
	p.ca_name_lens = ca_len;
	p.num_ca_names = num_ca;
	if ((flags & 2) != 0)
		p.store = p.role == X509_ROLE_CLIENT ? fz_client_store :
		    fz_server_store;
	nf = x509_check_chain(out, sizeof(out) / sizeof(out[0]), chain, n, &p);
	for (i = 0; i < nf; i++)
		sink += strlen(out[i].text) +
		    strlen(x509_finding_code_name(out[i].code));
	for (k = 0; k < 2; k++) {
		nm = x509_check_chain_memo(fz_memo, memo_out,
		    sizeof(memo_out) / sizeof(memo_out[0]), chain, n, &p);
		fz_same(out, nf, memo_out, nm);
	}
	for (i = 0; i < n; i++)
		x509_cert_unref(chain[i]);
	x509_cache_free(cache);
	(void)sink;
	return 0;
}
