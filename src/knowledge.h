/* knowledge.h - what the capture showed about servers, across connections. */
#ifndef TLSDIAG_KNOWLEDGE_H
#define TLSDIAG_KNOWLEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/*
 * In TLS 1.3 the server's certificates are encrypted; without a key log one
 * connection does not show them. Other connections to the same server often
 * do (TLS 1.2 clients, decrypted TLS 1.3). The knowledge base remembers, per
 * server (address, port), the chains it was seen sending and the names
 * (SNI) they answered, and picks the chain a connection whose own chain is
 * hidden most likely received. It never guesses: kb_match says why the
 * chain it returns is that one, or returns nothing.
 *
 * Bounded: LIMIT_KB_SERVERS servers, LIMIT_KB_CHAINS chains and
 * LIMIT_KB_NAMES names per server; past them it stops learning (counted).
 */

struct tl_conn;
struct x509_cert;

/* Why the known chain is taken to be the one a connection received. */
enum kb_reason {
	KB_NONE,
	/* The encrypted record that carried the Certificate has exactly the
	 * length that chain encodes to in TLS 1.3, and no other known chain
	 * of the server has it. */
	KB_RECORD_LENGTH,
	/* The server sent this chain, and only this one, to every client
	 * that asked it for this connection's name. */
	KB_SAME_NAME,
	/* The server sent this chain, and only this one, whatever name was
	 * asked (two names or more seen, a missing SNI counting as one). */
	KB_ANY_NAME,
};

/* A chain a server was seen sending, and where. */
struct kb_chain {
	struct x509_cert	*certs[LIMIT_CHAIN_CERTS];	/* referenced */
	size_t			 num;
	uint64_t		 conn_id;	/* first connection that showed it */
	uint64_t		 frame;		/* its Certificate message */
	uint16_t		 version;	/* that connection's TLS version */
	bool			 decrypted;	/* read with a key log */
	uint64_t		 seen;		/* connections that showed it */
	/* Clients that sent application data over it after a completed
	 * handshake (kb_learn_use): they accepted it for the name they
	 * asked for (a hash of the SNI; 0: none). */
	struct kb_user {
		uint8_t		 af;
		uint8_t		 ip[16];
		uint64_t	 sni_hash;
		uint64_t	 conn_id;	/* the first such connection */
	}			 users[LIMIT_KB_USERS];
	size_t			 num_users;
};

struct kb_match {
	const struct kb_chain	*chain;		/* NULL: no inference */
	enum kb_reason		 reason;
	uint32_t		 record_len;	/* KB_RECORD_LENGTH: the record */
	uint64_t		 record_frame;
	size_t			 names;		/* KB_ANY_NAME: names seen */
};

struct kb_stats {
	uint64_t	servers;	/* servers known */
	uint64_t	chains;		/* distinct chains known */
	uint64_t	full;		/* chains not learnt: a cap was reached */
	uint64_t	inferred;	/* kb_match calls that returned a chain */
};

struct kb;

/* kb_new returns an empty knowledge base. kb_free(NULL) does nothing. */
struct kb	*kb_new(void);
void		 kb_free(struct kb *k);

/*
 * kb_learn records what |c| showed in the clear: the server chain it
 * received (read from the wire or decrypted, every certificate parsed and
 * none left out) and the name it asked for. It takes its own certificate
 * references. Connections whose chain is hidden teach nothing.
 */
void		 kb_learn(struct kb *k, const struct tl_conn *c);

/*
 * kb_match fills |out| with the chain |c| (a TLS 1.3 connection whose
 * server chain is not readable) most likely received, and why; out->chain
 * is NULL when no known chain is likely enough. |out| is valid until the
 * next kb_learn or kb_free.
 */
void		 kb_match(struct kb *k, const struct tl_conn *c,
		    struct kb_match *out);

/*
 * kb_learn_ca records the CertificateRequest |c| showed in the clear (TLS
 * 1.2, or decrypted): the CA names its server accepts client certificates
 * from. kb_ca_names returns them as one line of text ("CN=a; CN=b", or a
 * sentence for an empty list) with the connection and frame they were seen
 * in, or NULL when the server was never seen asking, or asked for
 * different lists. The text is valid until kb_free.
 */
void		 kb_learn_ca(struct kb *k, const struct tl_conn *c);
const char	*kb_ca_names(struct kb *k, const struct tl_conn *c,
		    uint64_t *conn_id, uint64_t *frame);

/*
 * kb_learn_use records that the client of |c| sent application data over
 * the server chain |c| showed, once the handshake was over: that client
 * accepted that chain for the name it asked for. kb_used_by returns the
 * id of a connection in which the same client (address) did so over the
 * same chain for the same name (SNI, or none), other than |c|, or 0: a
 * client that closes another connection at once after the handshake did
 * not reject that certificate.
 */
void		 kb_learn_use(struct kb *k, const struct tl_conn *c);
uint64_t	 kb_used_by(struct kb *k, const struct tl_conn *c);

/* kb_tls13_cert_record_len returns the length of the TLS 1.3 record that
 * carries a Certificate message holding |certs| alone (each entry without
 * extensions, no padding), for a suite whose AEAD tag is |tag_len| bytes,
 * or 0 when a certificate's DER length is unknown. */
size_t		 kb_tls13_cert_record_len(struct x509_cert *const *certs,
		    size_t num, size_t tag_len);

/* kb_reason_name returns the JSON name of |r|: "record_length",
 * "same_name", "any_name" or "none". */
const char	*kb_reason_name(enum kb_reason r);

void		 kb_stats(const struct kb *k, struct kb_stats *out);

#endif
