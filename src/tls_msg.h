/* tls_msg.h - TLS handshake message parsers (SSL 3.0 .. TLS 1.3). */
#ifndef TLSDIAG_TLS_MSG_H
#define TLSDIAG_TLS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "rd.h"

enum tls_status {
	TLS_OK,
	TLS_NEED_MORE,		/* stream tail: wait for more bytes */
	TLS_TRUNCATED,		/* capture lost bytes (snaplen, gap) */
	TLS_MALFORMED,		/* bytes present but violate the RFC */
	TLS_UNSUPPORTED,	/* valid, but not something we decode */
};

/* Record content types, RFC 8446 5.1 and RFC 5246 6.2.1. */
#define TLS_CT_CHANGE_CIPHER_SPEC	20
#define TLS_CT_ALERT			21
#define TLS_CT_HANDSHAKE		22
#define TLS_CT_APPLICATION_DATA		23
#define TLS_CT_HEARTBEAT		24

/* Handshake types, RFC 8446 4 and the IANA registry. */
#define TLS_HS_HELLO_REQUEST		0
#define TLS_HS_CLIENT_HELLO		1
#define TLS_HS_SERVER_HELLO		2
#define TLS_HS_HELLO_VERIFY_REQUEST	3
#define TLS_HS_NEW_SESSION_TICKET	4
#define TLS_HS_END_OF_EARLY_DATA	5
#define TLS_HS_HELLO_RETRY_REQUEST	6	/* pseudo type, never on the wire */
#define TLS_HS_ENCRYPTED_EXTENSIONS	8
#define TLS_HS_CERTIFICATE		11
#define TLS_HS_SERVER_KEY_EXCHANGE	12
#define TLS_HS_CERTIFICATE_REQUEST	13
#define TLS_HS_SERVER_HELLO_DONE	14
#define TLS_HS_CERTIFICATE_VERIFY	15
#define TLS_HS_CLIENT_KEY_EXCHANGE	16
#define TLS_HS_FINISHED			20
#define TLS_HS_CERTIFICATE_URL		21
#define TLS_HS_CERTIFICATE_STATUS	22
#define TLS_HS_KEY_UPDATE		24
#define TLS_HS_COMPRESSED_CERTIFICATE	25
#define TLS_HS_MESSAGE_HASH		254

/* Protocol versions. */
#define TLS_V_SSL2	0x0002
#define TLS_V_SSL3	0x0300
#define TLS_V_TLS10	0x0301
#define TLS_V_TLS11	0x0302
#define TLS_V_TLS12	0x0303
#define TLS_V_TLS13	0x0304

/* Extension types used by the parsers (IANA TLS ExtensionType Values). */
#define TLS_EXT_SERVER_NAME		0
#define TLS_EXT_STATUS_REQUEST		5
#define TLS_EXT_SUPPORTED_GROUPS	10
#define TLS_EXT_EC_POINT_FORMATS	11
#define TLS_EXT_SIGNATURE_ALGORITHMS	13
#define TLS_EXT_ALPN			16
#define TLS_EXT_ENCRYPT_THEN_MAC	22
#define TLS_EXT_EXTENDED_MASTER_SECRET	23
#define TLS_EXT_SESSION_TICKET		35
#define TLS_EXT_PRE_SHARED_KEY		41
#define TLS_EXT_EARLY_DATA		42
#define TLS_EXT_SUPPORTED_VERSIONS	43
#define TLS_EXT_COOKIE			44
#define TLS_EXT_PSK_KEY_EXCHANGE_MODES	45
#define TLS_EXT_CERTIFICATE_AUTHORITIES	47
#define TLS_EXT_SIGNATURE_ALGORITHMS_CERT 50
#define TLS_EXT_KEY_SHARE		51
#define TLS_EXT_ENCRYPTED_CLIENT_HELLO	0xfe0d
#define TLS_EXT_RENEGOTIATION_INFO	0xff01

/* A list of 16-bit code points, capped; |total| counts all on the wire. */
struct tls_u16_list {
	uint16_t	v[LIMIT_HELLO_LIST];
	size_t		num;
	size_t		total;
};

/* A short opaque value copied from the wire (SNI, one ALPN protocol). It
 * is attacker-controlled bytes, not a C string: renderers escape it. */
struct tls_name {
	uint8_t		b[LIMIT_NAME_BYTES];
	size_t		len;		/* bytes kept */
	size_t		wire_len;	/* bytes on the wire (may exceed len) */
};

struct tls_alpn {
	struct tls_name	proto[LIMIT_ALPN];
	size_t		num;
	size_t		total;
};

/* RFC 8446 4.1.2, RFC 5246 7.4.1.2; also the SSLv2-compatible form. */
struct tls_client_hello {
	bool			sslv2;		/* SSLv2-compatible record */
	uint16_t		legacy_version;
	uint8_t			random[32];
	uint8_t			session_id_len;
	uint8_t			session_id[32];
	struct tls_u16_list	suites;
	uint8_t			num_compression;
	struct tls_u16_list	exts;		/* extension types, in order */
	bool			has_sni;
	struct tls_name		sni;		/* first host_name entry */
	struct tls_u16_list	versions;	/* supported_versions */
	struct tls_u16_list	groups;		/* supported_groups */
	struct tls_u16_list	key_shares;	/* key_share groups */
	struct tls_u16_list	sig_algs;	/* signature_algorithms */
	struct tls_alpn		alpn;
	bool			has_session_ticket;
	size_t			session_ticket_len;
	bool			has_psk;	/* pre_shared_key */
	size_t			num_psk_identities;
	uint8_t			psk_modes;	/* bit 1 << mode */
	bool			has_early_data;
	bool			has_status_request;
	bool			has_reneg_info;
	bool			has_ems;
	bool			has_etm;
	bool			has_cert_authorities;
	bool			has_ech;
	bool			has_grease;	/* any GREASE value anywhere */
	/*
	 * The vectors as on the wire, uncapped, for the fingerprints (JA3,
	 * JA4) which need every value in wire order. They borrow from the
	 * message body like the rest of the struct; each was checked when
	 * it was parsed. Empty when absent. |raw_suites| holds 3-byte
	 * CipherSpecs in an SSLv2-compatible hello (|sslv2|), else 2-byte
	 * suites; |raw_exts| is the whole extensions block.
	 */
	struct rd		raw_suites;
	struct rd		raw_exts;
	struct rd		raw_groups;	/* named_group_list */
	struct rd		raw_sig_algs;	/* supported_signature_algorithms */
	struct rd		raw_versions;	/* supported_versions list */
	bool			has_ec_formats;
	struct rd		raw_ec_formats;	/* ec_point_format_list, 1 byte each */
	/* Where the hello first violated the RFC ("malformed ALPN
	 * extension"), static text; NULL when it did not. See
	 * tls_parse_client_hello. */
	const char		*malformed;
};

/* RFC 8446 4.1.3; HelloRetryRequest is a ServerHello with a fixed random. */
struct tls_server_hello {
	uint16_t		legacy_version;
	uint8_t			random[32];
	uint8_t			session_id_len;
	uint8_t			session_id[32];
	uint16_t		suite;
	uint8_t			compression;
	bool			is_hrr;
	uint16_t		selected_version;	/* supported_versions, 0 if absent */
	uint16_t		key_share_group;	/* 0 if absent */
	bool			has_psk;		/* pre_shared_key: resumption */
	uint16_t		psk_identity;
	struct tls_u16_list	exts;
	bool			has_alpn;
	struct tls_name		alpn;
	bool			has_session_ticket;
	bool			has_ems;
	bool			has_etm;
	bool			has_reneg_info;
	bool			has_cookie;		/* HRR */
	struct rd		raw_exts;	/* extensions block, borrowed (JA3S) */
};

/* The negotiated version: supported_versions if present, else legacy. */
uint16_t	tls_server_hello_version(const struct tls_server_hello *sh);

/*
 * RFC 8446 4.4.2 / RFC 5246 7.4.2. |certs| borrow the DER of each entry
 * from the message body; only the first LIMIT_CHAIN_CERTS are kept.
 */
struct tls_certificate {
	bool		tls13;
	uint8_t		context_len;
	size_t		num_certs;		/* kept in certs[] */
	size_t		total_certs;		/* on the wire */
	struct rd	certs[LIMIT_CHAIN_CERTS];
};

/* RFC 8446 4.3.2 / RFC 5246 7.4.4. |ca_names| borrow the DER of each
 * DistinguishedName (certificate_authorities in TLS 1.3). */
struct tls_cert_request {
	bool			tls13;
	uint8_t			context_len;
	uint8_t			cert_types[16];
	size_t			num_cert_types;
	struct tls_u16_list	sig_algs;
	size_t			num_ca_names;
	size_t			total_ca_names;
	struct rd		ca_names[LIMIT_CA_NAMES];
};

/* RFC 8446 4.2: EncryptedExtensions. */
struct tls_encrypted_extensions {
	struct tls_u16_list	exts;
	bool			has_alpn;
	struct tls_name		alpn;
	bool			has_sni_ack;		/* empty server_name */
	bool			has_early_data;
};

/* RFC 8422 5.4 (ECDHE) / RFC 5246 7.4.3: the named group when the
 * parameters are ECParameters with curve_type named_curve. */
struct tls_server_key_exchange {
	bool		has_group;
	uint16_t	group;
};

struct tls_cert_verify {
	uint16_t	scheme;
};

struct tls_new_session_ticket {
	uint32_t	lifetime;
	size_t		ticket_len;
};

struct tls_key_update {
	uint8_t		request_update;
};

struct tls_alert {
	uint8_t		level;			/* 1 warning, 2 fatal */
	uint8_t		description;
};

/*
 * Parsers. |body| is one complete handshake message body (after the
 * 4-byte header), or for alerts the record payload. Each returns TLS_OK
 * and fills |out|, or TLS_MALFORMED when the bytes violate the RFC
 * (short, trailing bytes, a length past its container, duplicate
 * extension). |out| may borrow from |body|'s buffer. |body| is consumed.
 */
/* A ClientHello whose fixed part (version, random, session id, suites,
 * compression) was read but whose extensions violate the RFC returns
 * TLS_MALFORMED with |out| holding everything that could be read (every
 * well-framed extension but the bad one) and |out->malformed| saying
 * where; |out->malformed| is NULL when nothing usable was read. */
enum tls_status	tls_parse_client_hello(struct rd *body,
		    struct tls_client_hello *out);
/* tls_parse_sslv2_client_hello parses an SSLv2-compatible ClientHello
 * record body (RFC 6101 E.2 / RFC 5246 E.2), after the 2-byte length. */
enum tls_status	tls_parse_sslv2_client_hello(struct rd *body,
		    struct tls_client_hello *out);
enum tls_status	tls_parse_server_hello(struct rd *body,
		    struct tls_server_hello *out);
enum tls_status	tls_parse_certificate(struct rd *body, bool tls13,
		    struct tls_certificate *out);
enum tls_status	tls_parse_cert_request(struct rd *body, bool tls13,
		    struct tls_cert_request *out);
enum tls_status	tls_parse_encrypted_extensions(struct rd *body,
		    struct tls_encrypted_extensions *out);
enum tls_status	tls_parse_server_key_exchange(struct rd *body,
		    struct tls_server_key_exchange *out);
enum tls_status	tls_parse_cert_verify(struct rd *body,
		    struct tls_cert_verify *out);
enum tls_status	tls_parse_new_session_ticket(struct rd *body, bool tls13,
		    struct tls_new_session_ticket *out);
enum tls_status	tls_parse_key_update(struct rd *body,
		    struct tls_key_update *out);
enum tls_status	tls_parse_alert(struct rd *body, struct tls_alert *out);

/* tls_is_grease returns true for the RFC 8701 GREASE values. */
bool		tls_is_grease(uint16_t v);

#endif
