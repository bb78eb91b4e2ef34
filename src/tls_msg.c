/* tls_msg.c - TLS handshake message parsers (SSL 3.0 .. TLS 1.3). */
#include <string.h>

#include "limits.h"
#include "rd.h"
#include "tls_msg.h"

/*
 * Every parser reads through struct rd: each length prefix becomes a
 * sub-reader, and each container ends with a check that nothing is left
 * over. A message that runs short is TLS_MALFORMED, never TLS_NEED_MORE:
 * tls_record hands us complete messages only.
 */

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest"), the random of an HRR. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/*
 * One bit per ExtensionType, to find a type sent twice in one block (RFC
 * 8446 4.2: "There MUST NOT be more than one extension of the same type in
 * a given extension block"). A list walk would be quadratic in a hostile
 * block of 16383 empty extensions; the bitmap is linear. Its 8 KB are
 * cleared a word at a time as they are first used (|live| says which
 * words hold bits), not all at once for every hello: ext_seen_init
 * clears 128 bytes.
 */
struct ext_seen {
	uint64_t	word[65536 / 64];
	uint64_t	live[65536 / 64 / 64];
};

static void
ext_seen_init(struct ext_seen *s)
{
	memset(s->live, 0, sizeof(s->live));
}

/* ext_dup marks |type| in |s| and returns true if it was marked already. */
static bool
ext_dup(struct ext_seen *s, uint16_t type)
{
	unsigned w = type >> 6;
	uint64_t bit = 1ULL << (type & 63), lbit = 1ULL << (w & 63);

	if ((s->live[w >> 6] & lbit) == 0) {
		s->live[w >> 6] |= lbit;
		s->word[w] = 0;
	}
	if ((s->word[w] & bit) != 0)
		return true;
	s->word[w] |= bit;
	return false;
}

static void
ext_unmark(struct ext_seen *s, uint16_t type)
{
	unsigned w = type >> 6;

	if ((s->live[w >> 6] & (1ULL << (w & 63))) != 0)
		s->word[w] &= ~(1ULL << (type & 63));
}

/*
 * RFC 8446 4.2:
 *   struct {
 *       ExtensionType extension_type;
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 * ext_next reads one Extension from |exts| into |*type| and |data|.
 */
static bool
ext_next(struct rd *exts, uint16_t *type, struct rd *data)
{
	struct rd save = *exts;

	if (!rd_u16(exts, type) || !rd_vec16(exts, data)) {
		*exts = save;
		return false;
	}
	return true;
}

/*
 * exts_valid checks an extension block we do not otherwise read (per
 * certificate entry, NewSessionTicket): every entry framed, no type twice.
 * |s| must be all clear on entry and is all clear again on return.
 */
static bool
exts_valid(struct rd exts, struct ext_seen *s)
{
	struct rd walk = exts, data;
	uint16_t type;
	bool ok = true;

	while (rd_left(&walk) > 0) {
		if (!ext_next(&walk, &type, &data) || ext_dup(s, type)) {
			ok = false;
			break;
		}
	}
	/* Clear what this walk marked: walk again up to where it stopped.
	 * A duplicate found last is unmarked too, harmlessly: its first
	 * occurrence marked the same bit. */
	while (rd_left(&exts) > rd_left(&walk) &&
	    ext_next(&exts, &type, &data))
		ext_unmark(s, type);
	return ok;
}

static void
list_add(struct tls_u16_list *l, uint16_t v)
{
	if (l->num < LIMIT_HELLO_LIST)
		l->v[l->num++] = v;
	l->total++;
}

/*
 * u16_list reads a vector of uint16 code points that must fill |r|
 * exactly (an even length of at least |min| bytes) into |l|. It sets
 * |*grease| when one of them is a GREASE value.
 */
static bool
u16_list(struct rd *r, size_t min, struct tls_u16_list *l, bool *grease)
{
	uint16_t v;

	if (rd_left(r) < min || rd_left(r) % 2 != 0)
		return false;
	while (rd_left(r) > 0) {
		if (!rd_u16(r, &v))
			return false;
		list_add(l, v);
		if (grease != NULL && tls_is_grease(v))
			*grease = true;
	}
	return true;
}

/* name_set copies at most LIMIT_NAME_BYTES of |src| into |n|. */
static void
name_set(struct tls_name *n, struct rd *src)
{
	n->wire_len = rd_left(src);
	n->len = n->wire_len < sizeof(n->b) ? n->wire_len : sizeof(n->b);
	if (!rd_copy(src, n->b, n->len))
		n->len = 0;
}

bool
tls_is_grease(uint16_t v)
{
	/* RFC 8701 2: 0x0A0A, 0x1A1A, ..., 0xFAFA. */
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

uint16_t
tls_server_hello_version(const struct tls_server_hello *sh)
{
	return sh->selected_version != 0 ? sh->selected_version :
	    sh->legacy_version;
}

/* ---- ClientHello ---- */

/*
 * RFC 6066 3:
 *   struct {
 *       NameType name_type;
 *       select (name_type) {
 *           case host_name: HostName;
 *       } name;
 *   } ServerName;
 *   opaque HostName<1..2^16-1>;
 *   struct {
 *       ServerName server_name_list<1..2^16-1>
 *   } ServerNameList;
 * Every name type in use has the HostName framing, so an unknown one is
 * skipped the same way.
 */
static bool
ch_server_name(struct tls_client_hello *out, struct rd *data)
{
	struct rd list, name;
	uint8_t type;

	if (!rd_vec16(data, &list) || rd_left(&list) == 0 ||
	    rd_left(data) != 0)
		return false;
	while (rd_left(&list) > 0) {
		if (!rd_u8(&list, &type) || !rd_vec16(&list, &name) ||
		    rd_left(&name) == 0)
			return false;
		if (type == 0 && !out->has_sni) {
			out->has_sni = true;
			name_set(&out->sni, &name);
		}
	}
	return true;
}

/*
 * RFC 8446 4.2.8:
 *   struct {
 *       NamedGroup group;
 *       opaque key_exchange<1..2^16-1>;
 *   } KeyShareEntry;
 *   struct {
 *       KeyShareEntry client_shares<0..2^16-1>;
 *   } KeyShareClientHello;
 */
static bool
ch_key_share(struct tls_client_hello *out, struct rd *data)
{
	struct rd shares, kx;
	uint16_t group;

	if (!rd_vec16(data, &shares) || rd_left(data) != 0)
		return false;
	while (rd_left(&shares) > 0) {
		if (!rd_u16(&shares, &group) || !rd_vec16(&shares, &kx) ||
		    rd_left(&kx) == 0)
			return false;
		list_add(&out->key_shares, group);
		if (tls_is_grease(group))
			out->has_grease = true;
	}
	return true;
}

/*
 * RFC 7301 3.1:
 *   opaque ProtocolName<1..2^8-1>;
 *   struct {
 *       ProtocolName protocol_name_list<2..2^16-1>
 *   } ProtocolNameList;
 */
static bool
ch_alpn(struct tls_client_hello *out, struct rd *data)
{
	struct rd list, proto;

	if (!rd_vec16(data, &list) || rd_left(&list) < 2 ||
	    rd_left(data) != 0)
		return false;
	while (rd_left(&list) > 0) {
		if (!rd_vec8(&list, &proto) || rd_left(&proto) == 0)
			return false;
		if (out->alpn.num < LIMIT_ALPN)
			name_set(&out->alpn.proto[out->alpn.num++], &proto);
		out->alpn.total++;
	}
	return true;
}

/*
 * RFC 8446 4.2.11:
 *   struct {
 *       opaque identity<1..2^16-1>;
 *       uint32 obfuscated_ticket_age;
 *   } PskIdentity;
 *   opaque PskBinderEntry<32..255>;
 *   struct {
 *       PskIdentity identities<7..2^16-1>;
 *       PskBinderEntry binders<33..2^16-1>;
 *   } OfferedPsks;
 * There is one binder per identity.
 */
static bool
ch_pre_shared_key(struct tls_client_hello *out, struct rd *data)
{
	struct rd ids, binders, id, binder;
	uint32_t age;
	size_t num_binders = 0;

	if (!rd_vec16(data, &ids) || rd_left(&ids) < 7 ||
	    !rd_vec16(data, &binders) || rd_left(&binders) < 33 ||
	    rd_left(data) != 0)
		return false;
	while (rd_left(&ids) > 0) {
		if (!rd_vec16(&ids, &id) || rd_left(&id) == 0 ||
		    !rd_u32(&ids, &age))
			return false;
		out->num_psk_identities++;
	}
	while (rd_left(&binders) > 0) {
		if (!rd_vec8(&binders, &binder) || rd_left(&binder) < 32)
			return false;
		num_binders++;
	}
	if (num_binders != out->num_psk_identities)
		return false;
	out->has_psk = true;
	return true;
}

/*
 * RFC 8446 4.2.9:
 *   struct {
 *       PskKeyExchangeMode ke_modes<1..255>;
 *   } PskKeyExchangeModes;
 */
static bool
ch_psk_modes(struct tls_client_hello *out, struct rd *data)
{
	struct rd modes;
	uint8_t m;

	if (!rd_vec8(data, &modes) || rd_left(&modes) == 0 ||
	    rd_left(data) != 0)
		return false;
	while (rd_left(&modes) > 0) {
		if (!rd_u8(&modes, &m))
			return false;
		if (m < 8)
			out->psk_modes |= (uint8_t)(1u << m);
	}
	return true;
}

/*
 * RFC 8446 4.2.4:
 *   opaque DistinguishedName<1..2^16-1>;
 *   struct {
 *       DistinguishedName authorities<3..2^16-1>;
 *   } CertificateAuthoritiesExtension;
 * ca_list reads the DNs of |list| into |names| (capped at LIMIT_CA_NAMES),
 * counting all in |*total|. |names| may be NULL to only check.
 */
static bool
ca_list(struct rd *list, struct rd *names, size_t *num, size_t *total)
{
	struct rd dn;

	while (rd_left(list) > 0) {
		if (!rd_vec16(list, &dn) || rd_left(&dn) == 0)
			return false;
		if (names != NULL && *num < LIMIT_CA_NAMES)
			names[(*num)++] = dn;
		(*total)++;
	}
	return true;
}

static bool
ch_cert_authorities(struct rd *data)
{
	struct rd list;
	size_t num = 0, total = 0;

	if (!rd_vec16(data, &list) || rd_left(&list) < 3 ||
	    rd_left(data) != 0)
		return false;
	return ca_list(&list, NULL, &num, &total);
}

/* ch_ext reads one ClientHello extension's data; false if malformed. */
static bool
ch_ext(struct tls_client_hello *out, uint16_t type, struct rd *data)
{
	struct rd v;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return ch_server_name(out, data);
	case TLS_EXT_STATUS_REQUEST:
		/* RFC 6066 8: the body depends on status_type; only presence
		 * matters to us. */
		out->has_status_request = true;
		return true;
	case TLS_EXT_SUPPORTED_GROUPS:
		/* RFC 8446 4.2.7: NamedGroup named_group_list<2..2^16-1>. */
		if (!rd_vec16(data, &v) || rd_left(data) != 0)
			return false;
		out->raw_groups = v;
		return u16_list(&v, 2, &out->groups, &out->has_grease);
	case TLS_EXT_EC_POINT_FORMATS:
		/* RFC 8422 5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>.
		 * Only JA3 reads it: a malformed list is left out of the
		 * fingerprint rather than failing the whole hello. */
		if (rd_vec8(data, &v) && rd_left(&v) > 0 &&
		    rd_left(data) == 0) {
			out->has_ec_formats = true;
			out->raw_ec_formats = v;
		}
		return true;
	case TLS_EXT_SIGNATURE_ALGORITHMS:
		/* RFC 8446 4.2.3: SignatureScheme
		 * supported_signature_algorithms<2..2^16-2>. */
		if (!rd_vec16(data, &v) || rd_left(data) != 0)
			return false;
		out->raw_sig_algs = v;
		return u16_list(&v, 2, &out->sig_algs, &out->has_grease);
	case TLS_EXT_ALPN:
		return ch_alpn(out, data);
	case TLS_EXT_ENCRYPT_THEN_MAC:
		/* RFC 7366 2: empty. */
		out->has_etm = true;
		return rd_left(data) == 0;
	case TLS_EXT_EXTENDED_MASTER_SECRET:
		/* RFC 7627 5.1: empty. */
		out->has_ems = true;
		return rd_left(data) == 0;
	case TLS_EXT_SESSION_TICKET:
		/* RFC 5077 3.2: the ticket, or empty to ask for one. */
		out->has_session_ticket = true;
		out->session_ticket_len = rd_left(data);
		return true;
	case TLS_EXT_PRE_SHARED_KEY:
		return ch_pre_shared_key(out, data);
	case TLS_EXT_EARLY_DATA:
		/* RFC 8446 4.2.10: empty in a ClientHello. */
		out->has_early_data = true;
		return rd_left(data) == 0;
	case TLS_EXT_SUPPORTED_VERSIONS:
		/* RFC 8446 4.2.1: ProtocolVersion versions<2..254>. */
		if (!rd_vec8(data, &v) || rd_left(data) != 0)
			return false;
		out->raw_versions = v;
		return u16_list(&v, 2, &out->versions, &out->has_grease);
	case TLS_EXT_PSK_KEY_EXCHANGE_MODES:
		return ch_psk_modes(out, data);
	case TLS_EXT_CERTIFICATE_AUTHORITIES:
		out->has_cert_authorities = true;
		return ch_cert_authorities(data);
	case TLS_EXT_KEY_SHARE:
		return ch_key_share(out, data);
	case TLS_EXT_ENCRYPTED_CLIENT_HELLO:
		out->has_ech = true;
		return true;
	case TLS_EXT_RENEGOTIATION_INFO:
		/* RFC 5746 3.2: opaque renegotiated_connection<0..255>. */
		out->has_reneg_info = true;
		return rd_vec8(data, &v) && rd_left(data) == 0;
	default:
		return true;
	}
}

/* ch_ext_fault names a ClientHello extension whose data is malformed. */
static const char *
ch_ext_fault(uint16_t type)
{
	switch (type) {
	case TLS_EXT_SERVER_NAME:
		return "malformed server_name extension";
	case TLS_EXT_SUPPORTED_GROUPS:
		return "malformed supported_groups extension";
	case TLS_EXT_SIGNATURE_ALGORITHMS:
		return "malformed signature_algorithms extension";
	case TLS_EXT_ALPN:
		return "malformed ALPN extension";
	case TLS_EXT_ENCRYPT_THEN_MAC:
		return "malformed encrypt_then_mac extension";
	case TLS_EXT_EXTENDED_MASTER_SECRET:
		return "malformed extended_master_secret extension";
	case TLS_EXT_PRE_SHARED_KEY:
		return "malformed pre_shared_key extension";
	case TLS_EXT_EARLY_DATA:
		return "malformed early_data extension";
	case TLS_EXT_SUPPORTED_VERSIONS:
		return "malformed supported_versions extension";
	case TLS_EXT_PSK_KEY_EXCHANGE_MODES:
		return "malformed psk_key_exchange_modes extension";
	case TLS_EXT_CERTIFICATE_AUTHORITIES:
		return "malformed certificate_authorities extension";
	case TLS_EXT_KEY_SHARE:
		return "malformed key_share extension";
	case TLS_EXT_RENEGOTIATION_INFO:
		return "malformed renegotiation_info extension";
	default:
		return "malformed extension";
	}
}

/*
 * RFC 8446 4.1.2 (and RFC 5246 7.4.1.2, where extensions may be absent):
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;
 *       Random random;
 *       opaque legacy_session_id<0..32>;
 *       CipherSuite cipher_suites<2..2^16-2>;
 *       opaque legacy_compression_methods<1..2^8-1>;
 *       Extension extensions<8..2^16-1>;
 *   } ClientHello;
 */
enum tls_status
tls_parse_client_hello(struct rd *body, struct tls_client_hello *out)
{
	struct rd sid, suites, comp, exts, data;
	struct ext_seen seen;
	uint16_t type;
	bool psk_seen = false;

	memset(out, 0, sizeof(*out));
	if (!rd_u16(body, &out->legacy_version) ||
	    !rd_copy(body, out->random, sizeof(out->random)) ||
	    !rd_vec8(body, &sid) || rd_left(&sid) > sizeof(out->session_id) ||
	    !rd_vec16(body, &suites) ||
	    !rd_vec8(body, &comp) || rd_left(&comp) == 0)
		return TLS_MALFORMED;
	out->session_id_len = (uint8_t)rd_left(&sid);
	out->raw_suites = suites;
	if (!rd_copy(&sid, out->session_id, out->session_id_len) ||
	    !u16_list(&suites, 2, &out->suites, &out->has_grease))
		return TLS_MALFORMED;
	out->num_compression = (uint8_t)rd_left(&comp);
	/* SSL 3.0 and some TLS 1.0 clients end here (RFC 5246 7.4.1.2:
	 * "the presence of extensions can be detected by determining
	 * whether there are bytes following the compression_methods"). */
	if (rd_left(body) == 0)
		return TLS_OK;
	/*
	 * From here on a fault keeps what was read: the fixed part, and
	 * every extension but a bad one (a server may well have accepted
	 * the hello). The first fault is named; reading goes on while the
	 * extensions stay framed.
	 */
	if (!rd_vec16(body, &exts)) {
		out->malformed = "malformed extensions block";
		return TLS_MALFORMED;
	}
	if (rd_left(body) != 0)
		out->malformed = "bytes after the extensions";
	out->raw_exts = exts;
	ext_seen_init(&seen);
	while (rd_left(&exts) > 0) {
		if (!ext_next(&exts, &type, &data)) {
			if (out->malformed == NULL)
				out->malformed = "malformed extension framing";
			break;
		}
		/* RFC 8446 4.2.11: pre_shared_key MUST be the last one. */
		if (psk_seen && out->malformed == NULL)
			out->malformed = "pre_shared_key not the last extension";
		if (ext_dup(&seen, type)) {
			if (out->malformed == NULL)
				out->malformed = "an extension sent twice";
			continue;
		}
		list_add(&out->exts, type);
		if (tls_is_grease(type))
			out->has_grease = true;
		if (!ch_ext(out, type, &data) && out->malformed == NULL)
			out->malformed = ch_ext_fault(type);
		psk_seen = type == TLS_EXT_PRE_SHARED_KEY;
	}
	return out->malformed == NULL ? TLS_OK : TLS_MALFORMED;
}

/*
 * RFC 5246 E.2:
 *   uint8 V2CipherSpec[3];
 *   struct {
 *       uint16 msg_length;		(read by tls_record)
 *       uint8 msg_type;		(1)
 *       Version version;
 *       uint16 cipher_spec_length;
 *       uint16 session_id_length;
 *       uint16 challenge_length;
 *       V2CipherSpec cipher_specs[V2ClientHello.cipher_spec_length];
 *       opaque session_id[V2ClientHello.session_id_length];
 *       opaque challenge[V2ClientHello.challenge_length];
 *   } V2ClientHello;
 * A spec whose first byte is 0 is a TLS suite; the others are SSLv2-only
 * and only counted. The challenge (16..32 bytes) becomes the random,
 * right-aligned with leading zeros (RFC 6101 E.1).
 */
enum tls_status
tls_parse_sslv2_client_hello(struct rd *body, struct tls_client_hello *out)
{
	struct rd specs, sid, chal;
	uint16_t spec_len, sid_len, chal_len, suite;
	uint8_t type, kind;

	memset(out, 0, sizeof(*out));
	out->sslv2 = true;
	if (!rd_u8(body, &type) || type != TLS_HS_CLIENT_HELLO ||
	    !rd_u16(body, &out->legacy_version) ||
	    !rd_u16(body, &spec_len) || !rd_u16(body, &sid_len) ||
	    !rd_u16(body, &chal_len))
		return TLS_MALFORMED;
	if (spec_len == 0 || spec_len % 3 != 0 ||
	    sid_len > sizeof(out->session_id) ||
	    chal_len < 16 || chal_len > sizeof(out->random))
		return TLS_MALFORMED;
	if (!rd_bytes(body, &specs, spec_len) ||
	    !rd_bytes(body, &sid, sid_len) ||
	    !rd_bytes(body, &chal, chal_len) || rd_left(body) != 0)
		return TLS_MALFORMED;
	out->raw_suites = specs;
	while (rd_left(&specs) > 0) {
		if (!rd_u8(&specs, &kind) || !rd_u16(&specs, &suite))
			return TLS_MALFORMED;
		if (kind == 0) {
			if (out->suites.num < LIMIT_HELLO_LIST)
				out->suites.v[out->suites.num++] = suite;
			if (tls_is_grease(suite))
				out->has_grease = true;
		}
		out->suites.total++;
	}
	out->session_id_len = (uint8_t)sid_len;
	if (!rd_copy(&sid, out->session_id, sid_len) ||
	    !rd_copy(&chal, out->random + sizeof(out->random) - chal_len,
	    chal_len))
		return TLS_MALFORMED;
	return TLS_OK;
}

/* ---- ServerHello ---- */

/* RFC 7301 3.1: the server's ProtocolNameList has exactly one name. */
static bool
one_alpn(struct tls_name *out, struct rd *data)
{
	struct rd list, proto;

	if (!rd_vec16(data, &list) || rd_left(data) != 0 ||
	    !rd_vec8(&list, &proto) || rd_left(&proto) == 0 ||
	    rd_left(&list) != 0)
		return false;
	name_set(out, &proto);
	return true;
}

static bool
sh_ext(struct tls_server_hello *out, uint16_t type, struct rd *data)
{
	struct rd v;
	uint16_t group;

	switch (type) {
	case TLS_EXT_SUPPORTED_VERSIONS:
		/* RFC 8446 4.2.1: ProtocolVersion selected_version. */
		return rd_u16(data, &out->selected_version) &&
		    rd_left(data) == 0;
	case TLS_EXT_KEY_SHARE:
		/* RFC 8446 4.2.8: NamedGroup selected_group in an HRR,
		 * KeyShareEntry server_share in a ServerHello. */
		if (!rd_u16(data, &group))
			return false;
		out->key_share_group = group;
		if (out->is_hrr)
			return rd_left(data) == 0;
		return rd_vec16(data, &v) && rd_left(&v) > 0 &&
		    rd_left(data) == 0;
	case TLS_EXT_PRE_SHARED_KEY:
		/* RFC 8446 4.2.11: uint16 selected_identity. */
		out->has_psk = true;
		return rd_u16(data, &out->psk_identity) && rd_left(data) == 0;
	case TLS_EXT_ALPN:
		out->has_alpn = true;
		return one_alpn(&out->alpn, data);
	case TLS_EXT_SESSION_TICKET:
		/* RFC 5077 3.2: the server's extension is empty. */
		out->has_session_ticket = true;
		return rd_left(data) == 0;
	case TLS_EXT_EXTENDED_MASTER_SECRET:
		out->has_ems = true;
		return rd_left(data) == 0;
	case TLS_EXT_ENCRYPT_THEN_MAC:
		out->has_etm = true;
		return rd_left(data) == 0;
	case TLS_EXT_RENEGOTIATION_INFO:
		out->has_reneg_info = true;
		return rd_vec8(data, &v) && rd_left(data) == 0;
	case TLS_EXT_COOKIE:
		/* RFC 8446 4.2.2: opaque cookie<1..2^16-1>. */
		out->has_cookie = true;
		return rd_vec16(data, &v) && rd_left(&v) > 0 &&
		    rd_left(data) == 0;
	default:
		return true;
	}
}

/*
 * RFC 8446 4.1.3 (RFC 5246 7.4.1.3 has a non-legacy session id and a
 * compression method, and optional extensions):
 *   struct {
 *       ProtocolVersion legacy_version = 0x0303;
 *       Random random;
 *       opaque legacy_session_id_echo<0..32>;
 *       CipherSuite cipher_suite;
 *       uint8 legacy_compression_method = 0;
 *       Extension extensions<6..2^16-1>;
 *   } ServerHello;
 */
/*
 * draft-ietf-tls-tls13 before draft 22 (versions 0x7f00 | NN, NN < 22,
 * and 0x0304 from some draft implementations) had no session id and no
 * compression method:
 *   struct {
 *       ProtocolVersion server_version;
 *       Random random;
 *       CipherSuite cipher_suite;
 *       Extension extensions<0..2^16-1>;
 *   } ServerHello;
 */
static bool
draft_layout(uint16_t v)
{
	return v == TLS_V_TLS13 || ((v & 0xff00) == 0x7f00 && (v & 0xff) < 22);
}

static enum tls_status
parse_draft_server_hello(struct rd *body, struct tls_server_hello *out)
{
	struct rd exts, data;
	struct ext_seen seen;
	uint16_t type;

	if (!rd_copy(body, out->random, sizeof(out->random)) ||
	    !rd_u16(body, &out->suite) || !rd_vec16(body, &exts) ||
	    rd_left(body) != 0)
		return TLS_MALFORMED;
	out->selected_version = out->legacy_version;
	out->raw_exts = exts;
	ext_seen_init(&seen);
	while (rd_left(&exts) > 0) {
		if (!ext_next(&exts, &type, &data) || ext_dup(&seen, type))
			return TLS_MALFORMED;
		list_add(&out->exts, type);
		/* Drafts numbered extensions differently (key_share was 40):
		 * keep the list, read none. */
	}
	return TLS_OK;
}

enum tls_status
tls_parse_server_hello(struct rd *body, struct tls_server_hello *out)
{
	struct rd sid, exts, data;
	struct ext_seen seen;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (!rd_u16(body, &out->legacy_version))
		return TLS_MALFORMED;
	if (draft_layout(out->legacy_version))
		return parse_draft_server_hello(body, out);
	if (!rd_copy(body, out->random, sizeof(out->random)) ||
	    !rd_vec8(body, &sid) || rd_left(&sid) > sizeof(out->session_id) ||
	    !rd_u16(body, &out->suite) || !rd_u8(body, &out->compression))
		return TLS_MALFORMED;
	out->session_id_len = (uint8_t)rd_left(&sid);
	if (!rd_copy(&sid, out->session_id, out->session_id_len))
		return TLS_MALFORMED;
	out->is_hrr = memcmp(out->random, hrr_random, sizeof(hrr_random)) == 0;
	if (rd_left(body) == 0)
		return TLS_OK;
	if (!rd_vec16(body, &exts) || rd_left(body) != 0)
		return TLS_MALFORMED;
	out->raw_exts = exts;
	ext_seen_init(&seen);
	while (rd_left(&exts) > 0) {
		if (!ext_next(&exts, &type, &data) || ext_dup(&seen, type))
			return TLS_MALFORMED;
		list_add(&out->exts, type);
		if (!sh_ext(out, type, &data))
			return TLS_MALFORMED;
	}
	return TLS_OK;
}

/* ---- Certificate ---- */

/*
 * RFC 5246 7.4.2:
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct {
 *       ASN.1Cert certificate_list<0..2^24-1>;
 *   } Certificate;
 * RFC 8446 4.4.2 (X509 case):
 *   struct {
 *       opaque cert_data<1..2^24-1>;
 *       Extension extensions<0..2^16-1>;
 *   } CertificateEntry;
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       CertificateEntry certificate_list<0..2^24-1>;
 *   } Certificate;
 */
enum tls_status
tls_parse_certificate(struct rd *body, bool tls13,
    struct tls_certificate *out)
{
	struct rd ctx, list, cert, exts;
	struct ext_seen seen;

	memset(out, 0, sizeof(*out));
	out->tls13 = tls13;
	if (tls13) {
		if (!rd_vec8(body, &ctx))
			return TLS_MALFORMED;
		out->context_len = (uint8_t)rd_left(&ctx);
		ext_seen_init(&seen);
	}
	if (!rd_vec24(body, &list) || rd_left(body) != 0)
		return TLS_MALFORMED;
	while (rd_left(&list) > 0) {
		if (!rd_vec24(&list, &cert) || rd_left(&cert) == 0)
			return TLS_MALFORMED;
		if (tls13 && (!rd_vec16(&list, &exts) ||
		    !exts_valid(exts, &seen)))
			return TLS_MALFORMED;
		if (out->num_certs < LIMIT_CHAIN_CERTS)
			out->certs[out->num_certs++] = cert;
		out->total_certs++;
	}
	return TLS_OK;
}

/* ---- CertificateRequest ---- */

/*
 * RFC 5246 7.4.4 (RFC 4346 7.4.4 and RFC 2246 7.4.4 lack the
 * supported_signature_algorithms field; |sig_algs| says which to read):
 *   struct {
 *       ClientCertificateType certificate_types<1..2^8-1>;
 *       SignatureAndHashAlgorithm
 *         supported_signature_algorithms<2..2^16-2>;
 *       DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 * |body| is a copy: the caller can try the other layout on failure.
 */
static enum tls_status
cert_request12(struct rd body, bool sig_algs, struct tls_cert_request *out)
{
	struct rd types, algs, cas;
	uint8_t t;

	memset(out, 0, sizeof(*out));
	if (!rd_vec8(&body, &types) || rd_left(&types) == 0)
		return TLS_MALFORMED;
	while (rd_left(&types) > 0) {
		if (!rd_u8(&types, &t))
			return TLS_MALFORMED;
		if (out->num_cert_types < sizeof(out->cert_types))
			out->cert_types[out->num_cert_types++] = t;
	}
	if (sig_algs && (!rd_vec16(&body, &algs) ||
	    !u16_list(&algs, 2, &out->sig_algs, NULL)))
		return TLS_MALFORMED;
	if (!rd_vec16(&body, &cas) || rd_left(&body) != 0 ||
	    !ca_list(&cas, out->ca_names, &out->num_ca_names,
	    &out->total_ca_names))
		return TLS_MALFORMED;
	return TLS_OK;
}

/*
 * RFC 8446 4.3.2:
 *   struct {
 *       opaque certificate_request_context<0..2^8-1>;
 *       Extension extensions<2..2^16-1>;
 *   } CertificateRequest;
 * signature_algorithms fills sig_algs and certificate_authorities fills
 * ca_names. A request without signature_algorithms is framed correctly, so
 * it parses; the peer's missing_extension alert tells that story.
 */
static enum tls_status
cert_request13(struct rd *body, struct tls_cert_request *out)
{
	struct rd ctx, exts, data, v;
	struct ext_seen seen;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	out->tls13 = true;
	if (!rd_vec8(body, &ctx) || !rd_vec16(body, &exts) ||
	    rd_left(body) != 0)
		return TLS_MALFORMED;
	out->context_len = (uint8_t)rd_left(&ctx);
	ext_seen_init(&seen);
	while (rd_left(&exts) > 0) {
		if (!ext_next(&exts, &type, &data) || ext_dup(&seen, type))
			return TLS_MALFORMED;
		switch (type) {
		case TLS_EXT_SIGNATURE_ALGORITHMS:
			if (!rd_vec16(&data, &v) || rd_left(&data) != 0 ||
			    !u16_list(&v, 2, &out->sig_algs, NULL))
				return TLS_MALFORMED;
			break;
		case TLS_EXT_CERTIFICATE_AUTHORITIES:
			if (!rd_vec16(&data, &v) || rd_left(&v) < 3 ||
			    rd_left(&data) != 0 ||
			    !ca_list(&v, out->ca_names, &out->num_ca_names,
			    &out->total_ca_names))
				return TLS_MALFORMED;
			break;
		default:
			break;
		}
	}
	return TLS_OK;
}

enum tls_status
tls_parse_cert_request(struct rd *body, bool tls13,
    struct tls_cert_request *out)
{
	enum tls_status st;

	if (tls13)
		return cert_request13(body, out);
	/* We are told only "not TLS 1.3": the TLS 1.2 layout first, then
	 * the TLS 1.0/1.1 one, each of which must use up the body. */
	st = cert_request12(*body, true, out);
	if (st != TLS_OK)
		st = cert_request12(*body, false, out);
	if (st == TLS_OK && !rd_skip(body, rd_left(body)))
		return TLS_MALFORMED;
	return st;
}

/* ---- EncryptedExtensions ---- */

/*
 * RFC 8446 4.3.1:
 *   struct {
 *       Extension extensions<0..2^16-1>;
 *   } EncryptedExtensions;
 */
enum tls_status
tls_parse_encrypted_extensions(struct rd *body,
    struct tls_encrypted_extensions *out)
{
	struct rd exts, data;
	struct ext_seen seen;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (!rd_vec16(body, &exts) || rd_left(body) != 0)
		return TLS_MALFORMED;
	ext_seen_init(&seen);
	while (rd_left(&exts) > 0) {
		if (!ext_next(&exts, &type, &data) || ext_dup(&seen, type))
			return TLS_MALFORMED;
		list_add(&out->exts, type);
		switch (type) {
		case TLS_EXT_ALPN:
			out->has_alpn = true;
			if (!one_alpn(&out->alpn, &data))
				return TLS_MALFORMED;
			break;
		case TLS_EXT_SERVER_NAME:
			/* RFC 6066 3: the server's acknowledgement is empty. */
			out->has_sni_ack = true;
			if (rd_left(&data) != 0)
				return TLS_MALFORMED;
			break;
		case TLS_EXT_EARLY_DATA:
			/* RFC 8446 4.2.10: empty in EncryptedExtensions. */
			out->has_early_data = true;
			if (rd_left(&data) != 0)
				return TLS_MALFORMED;
			break;
		default:
			break;
		}
	}
	return TLS_OK;
}

/* ---- ServerKeyExchange ---- */

/*
 * RFC 8422 5.4:
 *   struct {
 *       ECCurveType curve_type;		(named_curve = 3)
 *       select (curve_type) {
 *           case named_curve: NamedCurve namedcurve;
 *       };
 *   } ECParameters;
 *   struct {
 *       ECParameters curve_params;
 *       ECPoint public;			(opaque point <1..2^8-1>)
 *   } ServerECDHParams;
 *   struct {
 *       ServerECDHParams params;
 *       Signature signed_params;
 *   } ServerKeyExchange;
 * signed_params is empty (ECDH_anon), opaque<0..2^16-1> (TLS 1.0/1.1) or
 * SignatureAndHashAlgorithm + opaque<0..2^16-1> (TLS 1.2).
 *
 * The message alone does not say which key exchange it carries: a DHE
 * message starts with dh_p<1..2^16-1>, whose first length byte is 3 for a
 * 6144-bit prime. So only a body that is exactly an ECDHE one in one of
 * its three forms yields a group; any other non-empty body is some other
 * key exchange (DHE, PSK, SRP...), TLS_OK with has_group false.
 */
static bool
ske_sig_fits(struct rd sig)
{
	struct rd s = sig, v;
	uint16_t alg;

	if (rd_left(&s) == 0)
		return true;
	if (rd_vec16(&s, &v) && rd_left(&s) == 0)
		return true;
	s = sig;
	return rd_u16(&s, &alg) && rd_vec16(&s, &v) && rd_left(&s) == 0;
}

enum tls_status
tls_parse_server_key_exchange(struct rd *body,
    struct tls_server_key_exchange *out)
{
	struct rd r = *body, point;
	uint8_t curve_type;
	uint16_t group;

	memset(out, 0, sizeof(*out));
	if (rd_left(body) == 0)
		return TLS_MALFORMED;
	if (rd_u8(&r, &curve_type) && curve_type == 3 &&
	    rd_u16(&r, &group) && rd_vec8(&r, &point) &&
	    rd_left(&point) > 0 && ske_sig_fits(r)) {
		out->has_group = true;
		out->group = group;
	}
	if (!rd_skip(body, rd_left(body)))
		return TLS_MALFORMED;
	return TLS_OK;
}

/* ---- CertificateVerify ---- */

/*
 * RFC 8446 4.4.3 (and RFC 5246 7.4.8's digitally-signed struct):
 *   struct {
 *       SignatureScheme algorithm;
 *       opaque signature<0..2^16-1>;
 *   } CertificateVerify;
 * TLS 1.0/1.1 (RFC 4346 7.4.8) have no algorithm field: a body that is
 * exactly one opaque<0..2^16-1> gives scheme 0.
 */
enum tls_status
tls_parse_cert_verify(struct rd *body, struct tls_cert_verify *out)
{
	struct rd r = *body, sig;

	memset(out, 0, sizeof(*out));
	if (rd_u16(&r, &out->scheme) && rd_vec16(&r, &sig) &&
	    rd_left(&r) == 0) {
		*body = r;
		return TLS_OK;
	}
	out->scheme = 0;
	if (!rd_vec16(body, &sig) || rd_left(body) != 0)
		return TLS_MALFORMED;
	return TLS_OK;
}

/* ---- NewSessionTicket ---- */

/*
 * RFC 5077 3.3:
 *   struct {
 *       uint32 ticket_lifetime_hint;
 *       opaque ticket<0..2^16-1>;
 *   } NewSessionTicket;
 * RFC 8446 4.6.1:
 *   struct {
 *       uint32 ticket_lifetime;
 *       uint32 ticket_age_add;
 *       opaque ticket_nonce<0..255>;
 *       opaque ticket<1..2^16-1>;
 *       Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 */
enum tls_status
tls_parse_new_session_ticket(struct rd *body, bool tls13,
    struct tls_new_session_ticket *out)
{
	struct rd nonce, ticket, exts;
	struct ext_seen seen;
	uint32_t age_add;

	memset(out, 0, sizeof(*out));
	if (!rd_u32(body, &out->lifetime))
		return TLS_MALFORMED;
	if (!tls13) {
		if (!rd_vec16(body, &ticket) || rd_left(body) != 0)
			return TLS_MALFORMED;
		out->ticket_len = rd_left(&ticket);
		return TLS_OK;
	}
	if (!rd_u32(body, &age_add) || !rd_vec8(body, &nonce) ||
	    !rd_vec16(body, &ticket) || rd_left(&ticket) == 0 ||
	    !rd_vec16(body, &exts) || rd_left(body) != 0)
		return TLS_MALFORMED;
	ext_seen_init(&seen);
	if (!exts_valid(exts, &seen))
		return TLS_MALFORMED;
	out->ticket_len = rd_left(&ticket);
	return TLS_OK;
}

/* ---- KeyUpdate, Alert ---- */

/*
 * RFC 8446 4.6.3:
 *   enum { update_not_requested(0), update_requested(1), (255) }
 *       KeyUpdateRequest;
 * Any other value draws an illegal_parameter alert, so it is malformed.
 */
enum tls_status
tls_parse_key_update(struct rd *body, struct tls_key_update *out)
{
	memset(out, 0, sizeof(*out));
	if (!rd_u8(body, &out->request_update) || rd_left(body) != 0 ||
	    out->request_update > 1)
		return TLS_MALFORMED;
	return TLS_OK;
}

/*
 * RFC 8446 6 / RFC 5246 7.2:
 *   struct {
 *       AlertLevel level;
 *       AlertDescription description;
 *   } Alert;
 * The record layer hands over the whole record payload; an alert record
 * holding more than one alert (or anything else after it) is malformed.
 */
enum tls_status
tls_parse_alert(struct rd *body, struct tls_alert *out)
{
	memset(out, 0, sizeof(*out));
	if (!rd_u8(body, &out->level) || !rd_u8(body, &out->description) ||
	    rd_left(body) != 0)
		return TLS_MALFORMED;
	return TLS_OK;
}
