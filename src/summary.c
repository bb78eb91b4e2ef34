/* summary.c - the operator's summary: per service, failures by cause, for whom, since when. */
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "util.h"

/* A key of the distinct-client set: a service (and a cause, or none). */
struct client_key {
	uint32_t	service;	/* struct sum_service sid */
	uint16_t	cause;		/* code index + 1, or 0: the service */
	uint8_t		af;
	uint8_t		pad;
	uint8_t		ip[16];
};

struct summary {
	struct sum_service	*svc;
	size_t			 num_svc;
	size_t			 cap_svc;
	uint32_t		*sindex;	/* slot: service index + 1 */
	size_t			 sindex_size;	/* a power of two */
	bool			 sorted;

	struct client_key	*keys;		/* open addressing, 0: free */
	size_t			 keys_size;	/* a power of two */
	size_t			 num_keys;

	char			*codes[LIMIT_SUM_CODES];
	unsigned long long	 code_count[LIMIT_SUM_CODES];
	size_t			 num_codes;

	unsigned long long	 conns;
	unsigned long long	 outcome[SUM_NUM_OUTCOMES];
	unsigned long long	 other_conns;
	unsigned long long	 other_failures;
	int64_t			 first_us;
	int64_t			 last_us;
};

static const char *const outcome_names[SUM_NUM_OUTCOMES] = {
	"ok", "failed", "incomplete", "suspect", "unknown", "not_tls",
};

enum sum_outcome
summary_outcome_of(const char *name)
{
	int i;

	for (i = 0; i < SUM_NUM_OUTCOMES; i++)
		if (strcmp(outcome_names[i], name) == 0)
			return (enum sum_outcome)i;
	return SUM_NUM_OUTCOMES;
}

const char *
summary_outcome_name(enum sum_outcome o)
{
	if ((int)o < 0 || o >= SUM_NUM_OUTCOMES)
		return "unknown";
	return outcome_names[o];
}

bool
summary_is_failure(enum sum_outcome o)
{
	return o == SUM_FAILED || o == SUM_INCOMPLETE || o == SUM_SUSPECT;
}

struct summary *
summary_new(void)
{
	return xcalloc(1, sizeof(struct summary));
}

static void
list_free(struct sum_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->num; i++)
		free(l->item[i].text);
	free(l);
}

void
summary_reset(struct summary *s)
{
	size_t i, j;

	for (i = 0; i < s->num_svc; i++) {
		for (j = 0; j < s->svc[i].num_causes; j++) {
			list_free(s->svc[i].causes[j].certs);
			list_free(s->svc[i].causes[j].addrs);
			list_free(s->svc[i].causes[j].ja4);
		}
		free(s->svc[i].causes);
	}
	free(s->svc);
	free(s->sindex);
	free(s->keys);
	for (i = 0; i < s->num_codes; i++)
		free(s->codes[i]);
	memset(s, 0, sizeof(*s));
}

void
summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	summary_reset(s);
	free(s);
}

/* code_index interns |code| and returns its index, or -1 when the table
 * of codes is full. */
static int
code_index(struct summary *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->num_codes; i++)
		if (strcmp(s->codes[i], code) == 0)
			return (int)i;
	if (s->num_codes == LIMIT_SUM_CODES)
		return -1;
	s->codes[s->num_codes] = xstrdup(code);
	return (int)s->num_codes++;
}

static uint64_t
service_hash(uint8_t af, const uint8_t *ip, uint16_t port, bool has_sni,
    const uint8_t *sni, size_t sni_len)
{
	uint8_t k[20];

	k[0] = af;
	memcpy(k + 1, ip, 16);
	k[17] = (uint8_t)(port >> 8);
	k[18] = (uint8_t)port;
	k[19] = has_sni;
	if (sni_len == 0)
		return hash_bytes(k, sizeof(k));
	return hash_bytes(k, sizeof(k)) ^ hash_bytes(sni, sni_len) * 31;
}

/* service_find returns the service of |c|, adding it, or NULL when the
 * table is full. */
static struct sum_service *
service_find(struct summary *s, const struct sum_conn *c)
{
	struct sum_service *v;
	size_t h, sni_len = c->has_sni ? c->sni_len : 0;

	if (sni_len > LIMIT_NAME_BYTES)
		sni_len = LIMIT_NAME_BYTES;
	if (s->sindex == NULL) {
		s->sindex_size = 2 * LIMIT_SUM_SERVICES;
		s->sindex = xcalloc(s->sindex_size, sizeof(*s->sindex));
	}
	h = (size_t)service_hash(c->af, c->server_ip, c->server_port,
	    c->has_sni, c->sni, sni_len) & (s->sindex_size - 1);
	for (;; h = (h + 1) & (s->sindex_size - 1)) {
		if (s->sindex[h] == 0)
			break;
		v = &s->svc[s->sindex[h] - 1];
		if (v->af == c->af && v->port == c->server_port &&
		    v->has_sni == c->has_sni && v->sni_len == sni_len &&
		    memcmp(v->ip, c->server_ip, 16) == 0 &&
		    (sni_len == 0 || memcmp(v->sni, c->sni, sni_len) == 0))
			return v;
	}
	if (s->num_svc == LIMIT_SUM_SERVICES)
		return NULL;
	if (s->num_svc == s->cap_svc) {
		s->cap_svc = s->cap_svc == 0 ? 16 : 2 * s->cap_svc;
		s->svc = xreallocarray(s->svc, s->cap_svc, sizeof(*s->svc));
	}
	v = &s->svc[s->num_svc];
	memset(v, 0, sizeof(*v));
	v->af = c->af;
	memcpy(v->ip, c->server_ip, 16);
	v->port = c->server_port;
	v->has_sni = c->has_sni;
	v->sni_len = sni_len;
	if (sni_len > 0)
		memcpy(v->sni, c->sni, sni_len);
	v->first_us = v->last_us = c->start_us;
	v->sid = (uint32_t)s->num_svc + 1;
	s->sindex[h] = (uint32_t)++s->num_svc;
	return v;
}

/*
 * client_new adds |key| to the distinct-client set. It returns 1 if the
 * key is new, 0 if it was there, -1 if the set is full (the count is
 * then a lower bound).
 */
static int
client_new(struct summary *s, const struct client_key *key)
{
	struct client_key *old;
	size_t h, i, osize;

	if (s->keys == NULL || 2 * (s->num_keys + 1) > s->keys_size) {
		if (s->keys != NULL && s->num_keys >= LIMIT_SUM_CLIENT_KEYS)
			goto lookup;
		old = s->keys;
		osize = s->keys_size;
		s->keys_size = osize == 0 ? 1024 : 2 * osize;
		s->keys = xcalloc(s->keys_size, sizeof(*s->keys));
		for (i = 0; i < osize; i++) {
			if (old[i].service == 0)
				continue;
			h = (size_t)hash_bytes(&old[i], sizeof(old[i])) &
			    (s->keys_size - 1);
			while (s->keys[h].service != 0)
				h = (h + 1) & (s->keys_size - 1);
			s->keys[h] = old[i];
		}
		free(old);
	}
lookup:
	h = (size_t)hash_bytes(key, sizeof(*key)) & (s->keys_size - 1);
	for (;; h = (h + 1) & (s->keys_size - 1)) {
		if (s->keys[h].service == 0)
			break;
		if (memcmp(&s->keys[h], key, sizeof(*key)) == 0)
			return 0;
	}
	if (s->num_keys >= LIMIT_SUM_CLIENT_KEYS)
		return -1;
	s->keys[h] = *key;
	s->num_keys++;
	return 1;
}

static void
count_client(struct summary *s, uint32_t sid, int code, const struct sum_conn *c,
    unsigned long long *n, bool *capped)
{
	struct client_key k;
	int r;

	memset(&k, 0, sizeof(k));
	k.service = sid;
	k.cause = (uint16_t)(code + 1);
	k.af = c->af;
	memcpy(k.ip, c->client_ip, 16);
	r = client_new(s, &k);
	if (r == 1)
		(*n)++;
	else if (r == -1)
		*capped = true;
}

/* list_count counts one connection under text |t| (or address |ip|). */
static void
list_count(struct sum_list **lp, const char *t, size_t tlen, uint8_t af,
    const uint8_t *ip)
{
	struct sum_list *l;
	struct sum_item *it;
	size_t i;

	if (*lp == NULL)
		*lp = xcalloc(1, sizeof(**lp));
	l = *lp;
	for (i = 0; i < l->num; i++) {
		it = &l->item[i];
		if (t != NULL ? (it->text != NULL && it->text_len == tlen &&
		    memcmp(it->text, t, tlen) == 0) :
		    (it->text == NULL && it->af == af &&
		    memcmp(it->ip, ip, 16) == 0)) {
			it->count++;
			return;
		}
	}
	if (l->num == LIMIT_SUM_ITEMS) {
		l->other++;
		return;
	}
	it = &l->item[l->num++];
	memset(it, 0, sizeof(*it));
	if (t != NULL) {
		it->text = xreallocarray(NULL, tlen + 1, 1);
		memcpy(it->text, t, tlen);
		it->text[tlen] = '\0';
		it->text_len = tlen;
	} else {
		it->af = af;
		memcpy(it->ip, ip, 16);
	}
	it->count = 1;
}

static bool
is_client_cert_code(const char *code)
{
	return strncmp(code, "client_cert", 11) == 0;
}

bool
summary_add(struct summary *s, const struct sum_conn *c)
{
	struct sum_service *v;
	struct sum_cause *ca;
	size_t i;
	int ci;

	if ((int)c->outcome < 0 || c->outcome >= SUM_NUM_OUTCOMES ||
	    c->code == NULL || strlen(c->code) > 64 ||
	    (c->af != 4 && c->af != 6))
		return false;
	ci = code_index(s, c->code);
	if (ci < 0)
		return false;
	s->sorted = false;
	if (s->conns == 0 || c->start_us < s->first_us)
		s->first_us = c->start_us;
	if (s->conns == 0 || c->start_us > s->last_us)
		s->last_us = c->start_us;
	s->conns++;
	s->outcome[c->outcome]++;
	s->code_count[ci]++;
	v = service_find(s, c);
	if (v == NULL) {
		s->other_conns++;
		if (summary_is_failure(c->outcome))
			s->other_failures++;
		return true;
	}
	v->conns++;
	v->outcome[c->outcome]++;
	if (c->start_us < v->first_us)
		v->first_us = c->start_us;
	if (c->start_us > v->last_us)
		v->last_us = c->start_us;
	count_client(s, v->sid, -1, c, &v->clients, &v->clients_capped);
	if (c->outcome == SUM_OK)
		return true;
	for (i = 0; i < v->num_causes; i++)
		if (strcmp(v->causes[i].code, s->codes[ci]) == 0)
			break;
	if (i == v->num_causes) {
		v->causes = xreallocarray(v->causes, v->num_causes + 1,
		    sizeof(*v->causes));
		ca = &v->causes[v->num_causes++];
		memset(ca, 0, sizeof(*ca));
		ca->code = s->codes[ci];
		ca->outcome = c->outcome;
		ca->first_us = ca->last_us = c->start_us;
	}
	ca = &v->causes[i];
	ca->count++;
	if (c->start_us < ca->first_us)
		ca->first_us = c->start_us;
	if (c->start_us > ca->last_us)
		ca->last_us = c->start_us;
	count_client(s, v->sid, ci, c, &ca->clients, &ca->clients_capped);
	if (is_client_cert_code(c->code)) {
		if (c->cc_subject != NULL) {
			struct sb t;

			sb_init(&t);
			sb_puts(&t, c->cc_subject);
			sb_add(&t, "", 1);	/* the NUL between the two */
			sb_puts(&t, c->cc_issuer != NULL ? c->cc_issuer : "");
			list_count(&ca->certs, t.s, t.len, 0, NULL);
			sb_cleanup(&t);
		} else
			list_count(&ca->certs, "", 0, 0, NULL);
		list_count(&ca->addrs, NULL, 0, c->af, c->client_ip);
	}
	if (c->ja4 != NULL && c->ja4[0] != '\0')
		list_count(&ca->ja4, c->ja4, strlen(c->ja4), 0, NULL);
	return true;
}

static int
key_cmp(const struct sum_service *x, const struct sum_service *y)
{
	size_t n;
	int r;

	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	r = memcmp(x->ip, y->ip, 16);
	if (r != 0)
		return r;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->has_sni != y->has_sni)
		return x->has_sni ? 1 : -1;
	n = x->sni_len < y->sni_len ? x->sni_len : y->sni_len;
	r = memcmp(x->sni, y->sni, n);
	if (r != 0)
		return r;
	if (x->sni_len != y->sni_len)
		return x->sni_len < y->sni_len ? -1 : 1;
	return 0;
}

static unsigned long long
failures(const struct sum_service *v)
{
	return v->outcome[SUM_FAILED] + v->outcome[SUM_INCOMPLETE] +
	    v->outcome[SUM_SUSPECT];
}

static int
service_cmp(const void *a, const void *b)
{
	const struct sum_service *x = a, *y = b;

	if (failures(x) != failures(y))
		return failures(x) > failures(y) ? -1 : 1;
	if (x->conns != y->conns)
		return x->conns > y->conns ? -1 : 1;
	return key_cmp(x, y);
}

static int
cause_cmp(const void *a, const void *b)
{
	const struct sum_cause *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct sum_item *x = a, *y = b;
	size_t n;
	int r;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->text == NULL || y->text == NULL) {
		if (x->af != y->af)
			return x->af < y->af ? -1 : 1;
		return memcmp(x->ip, y->ip, 16);
	}
	n = x->text_len < y->text_len ? x->text_len : y->text_len;
	r = memcmp(x->text, y->text, n);
	if (r != 0)
		return r;
	return x->text_len < y->text_len ? -1 : x->text_len > y->text_len;
}

static void
list_sort(struct sum_list *l)
{
	if (l != NULL && l->num > 1)
		qsort(l->item, l->num, sizeof(l->item[0]), item_cmp);
}

void
summary_sort(struct summary *s)
{
	size_t i, j;

	if (s->sorted)
		return;
	for (i = 0; i < s->num_svc; i++) {
		struct sum_service *v = &s->svc[i];

		if (v->num_causes > 1)
			qsort(v->causes, v->num_causes, sizeof(*v->causes),
			    cause_cmp);
		for (j = 0; j < v->num_causes; j++) {
			list_sort(v->causes[j].certs);
			list_sort(v->causes[j].addrs);
			list_sort(v->causes[j].ja4);
		}
	}
	/* The index holds positions: sort, then rebuild it. */
	if (s->num_svc > 1)
		qsort(s->svc, s->num_svc, sizeof(*s->svc), service_cmp);
	if (s->sindex != NULL) {
		memset(s->sindex, 0, s->sindex_size * sizeof(*s->sindex));
		for (i = 0; i < s->num_svc; i++) {
			struct sum_service *v = &s->svc[i];
			size_t h = (size_t)service_hash(v->af, v->ip, v->port,
			    v->has_sni, v->sni, v->sni_len) &
			    (s->sindex_size - 1);

			while (s->sindex[h] != 0)
				h = (h + 1) & (s->sindex_size - 1);
			s->sindex[h] = (uint32_t)i + 1;
		}
	}
	s->sorted = true;
}

unsigned long long
summary_conns(const struct summary *s)
{
	return s->conns;
}

unsigned long long
summary_outcome(const struct summary *s, enum sum_outcome o)
{
	if ((int)o < 0 || o >= SUM_NUM_OUTCOMES)
		return 0;
	return s->outcome[o];
}

unsigned long long
summary_code_count(const struct summary *s, const char *code)
{
	size_t i;

	for (i = 0; i < s->num_codes; i++)
		if (strcmp(s->codes[i], code) == 0)
			return s->code_count[i];
	return 0;
}

const char *
summary_code_name(const struct summary *s, size_t i)
{
	return i < s->num_codes ? s->codes[i] : NULL;
}

size_t
summary_num_services(const struct summary *s)
{
	return s->num_svc;
}

const struct sum_service *
summary_service(const struct summary *s, size_t i)
{
	return i < s->num_svc ? &s->svc[i] : NULL;
}

unsigned long long
summary_other_conns(const struct summary *s)
{
	return s->other_conns;
}

unsigned long long
summary_other_failures(const struct summary *s)
{
	return s->other_failures;
}

int64_t
summary_first_us(const struct summary *s)
{
	return s->first_us;
}

int64_t
summary_last_us(const struct summary *s)
{
	return s->last_us;
}
