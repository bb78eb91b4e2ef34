/* check_tls_names.c - unit tests of the IANA name tables. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_msg.h"
#include "tls_names.h"
#include "check_main.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct want {
	uint16_t	 v;
	const char	*name;		/* NULL: must be unknown */
};

static void
check16(const char *(*fn)(uint16_t), const struct want *w, size_t n)
{
	const char *got;
	size_t i;

	for (i = 0; i < n; i++) {
		got = fn(w[i].v);
		if (w[i].name == NULL)
			ck_assert_msg(got == NULL, "0x%04x: \"%s\", want NULL",
			    w[i].v, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, w[i].name) == 0,
			    "0x%04x: \"%s\", want \"%s\"", w[i].v,
			    got != NULL ? got : "(null)", w[i].name);
	}
}

static void
check8(const char *(*fn)(uint8_t), const struct want *w, size_t n)
{
	const char *got;
	size_t i;

	for (i = 0; i < n; i++) {
		got = fn((uint8_t)w[i].v);
		if (w[i].name == NULL)
			ck_assert_msg(got == NULL, "%u: \"%s\", want NULL",
			    w[i].v, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, w[i].name) == 0,
			    "%u: \"%s\", want \"%s\"", w[i].v,
			    got != NULL ? got : "(null)", w[i].name);
	}
}

START_TEST(test_tables_sorted)
{
	const char *bad = tls_names_check();

	ck_assert_msg(bad == NULL, "table %s is not sorted/terminated", bad);
}
END_TEST

/* json_plain_name: printable ASCII without '"' or '\\' (out_json.c
 * writes these names with sb_json_lit, without a look for escapes). */
static void
json_plain_name(const char *what, unsigned v, const char *n)
{
	const char *p;

	if (n == NULL)
		return;
	for (p = n; *p != '\0'; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f && *p != '"' &&
		    *p != '\\', "%s %u: \"%s\" needs a JSON escape", what, v,
		    n);
}

/* Every name of every table, for every value, needs no JSON escape. */
START_TEST(test_names_json_plain)
{
	unsigned v;

	for (v = 0; v <= 0xffff; v++) {
		json_plain_name("version", v, tls_version_name((uint16_t)v));
		json_plain_name("cipher", v, tls_cipher_name((uint16_t)v));
		json_plain_name("group", v, tls_group_name((uint16_t)v));
		json_plain_name("sigscheme", v,
		    tls_sigscheme_name((uint16_t)v));
		json_plain_name("ext", v, tls_ext_name((uint16_t)v));
	}
	for (v = 0; v <= 0xff; v++) {
		json_plain_name("alert", v, tls_alert_name((uint8_t)v));
		json_plain_name("hs", v, tls_hs_name((uint8_t)v));
		json_plain_name("ct", v, tls_ct_name((uint8_t)v));
		json_plain_name("cert_type", v, tls_cert_type_name((uint8_t)v));
	}
}
END_TEST

START_TEST(test_versions)
{
	static const struct want w[] = {
		{ 0x0002, "SSL2" },
		{ 0x0300, "SSL3" },
		{ 0x0301, "TLS1.0" },
		{ 0x0302, "TLS1.1" },
		{ 0x0303, "TLS1.2" },
		{ 0x0304, "TLS1.3" },
		{ 0x7f0e, "TLS1.3-draft14" },
		{ 0x7f12, "TLS1.3-draft18" },
		{ 0x7f17, "TLS1.3-draft23" },
		{ 0x7f1c, "TLS1.3-draft28" },
		{ 0x7f0d, NULL },
		{ 0x7f1d, NULL },
		{ 0x0000, NULL },
		{ 0x0305, NULL },
		{ 0xfeff, NULL },	/* DTLS 1.0: not decoded */
		{ 0x3a3a, "GREASE" },
	};

	check16(tls_version_name, w, NELEM(w));
}
END_TEST

START_TEST(test_ciphers)
{
	static const struct want w[] = {
		{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
		{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
		{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x00c7, "TLS_SM4_CCM_SM3" },
		{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
		{ 0x1301, "TLS_AES_128_GCM_SHA256" },
		{ 0x1302, "TLS_AES_256_GCM_SHA384" },
		{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
		{ 0x1304, "TLS_AES_128_CCM_SHA256" },
		{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
		{ 0x5600, "TLS_FALLBACK_SCSV" },
		{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
		{ 0xc0b5, "TLS_SHA384_SHA384" },
		{ 0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S" },
		{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
		{ 0x001c, NULL },	/* reserved, SSLv3 Fortezza */
		{ 0x0047, NULL },
		{ 0x00c8, NULL },
		{ 0x1300, NULL },
		{ 0x1308, NULL },
		{ 0xc000, NULL },
		{ 0xc0b6, NULL },
		{ 0xd004, NULL },
		{ 0xffff, NULL },
		{ 0x0a0a, "GREASE" },
		{ 0xfafa, "GREASE" },
	};

	check16(tls_cipher_name, w, NELEM(w));
}
END_TEST

/*
 * The 28 suites of the real openssl s_client -tls1_2 ClientHello in
 * check_tls_msg.c (t12.pcap frame 4), as tshark 4.0 named them.
 */
START_TEST(test_ciphers_tshark)
{
	static const struct want w[] = {
		{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
		{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
		{ 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
		{ 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
		{ 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
		{ 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
		{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
		{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
		{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
		{ 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	};

	check16(tls_cipher_name, w, NELEM(w));
}
END_TEST

/*
 * The registry's assigned suites form these runs (IANA tls-parameters-4):
 * every value inside one has a name, every other value (but GREASE) has
 * none, 352 in all. A lost or misplaced line breaks this.
 */
START_TEST(test_ciphers_complete)
{
	static const struct {
		uint16_t	lo, hi;
	} runs[] = {
		{ 0x0000, 0x001b }, { 0x001e, 0x0046 }, { 0x0067, 0x006d },
		{ 0x0084, 0x00c7 }, { 0x00ff, 0x00ff }, { 0x1301, 0x1307 },
		{ 0x5600, 0x5600 }, { 0xc001, 0xc0b5 }, { 0xc100, 0xc106 },
		{ 0xcca8, 0xccae }, { 0xd001, 0xd003 }, { 0xd005, 0xd005 },
	};
	unsigned int v;
	size_t i, named = 0;
	bool in;
	const char *n;

	for (v = 0; v <= 0xffff; v++) {
		if (tls_is_grease((uint16_t)v))
			continue;
		in = false;
		for (i = 0; i < NELEM(runs); i++)
			if (v >= runs[i].lo && v <= runs[i].hi)
				in = true;
		n = tls_cipher_name((uint16_t)v);
		ck_assert_msg((n != NULL) == in, "0x%04x: %s", v,
		    n != NULL ? n : "(null)");
		if (n != NULL) {
			ck_assert_msg(strncmp(n, "TLS_", 4) == 0, "0x%04x: %s",
			    v, n);
			named++;
		}
	}
	ck_assert_uint_eq(named, 352);
}
END_TEST

START_TEST(test_groups)
{
	static const struct want w[] = {
		{ 1, "sect163k1" },
		{ 22, "secp256k1" },
		{ 23, "secp256r1" },
		{ 24, "secp384r1" },
		{ 25, "secp521r1" },
		{ 26, "brainpoolP256r1" },
		{ 28, "brainpoolP512r1" },
		{ 29, "x25519" },
		{ 30, "x448" },
		{ 31, "brainpoolP256r1tls13" },
		{ 41, "curveSM2" },
		{ 256, "ffdhe2048" },
		{ 257, "ffdhe3072" },
		{ 260, "ffdhe8192" },
		{ 0x0201, "MLKEM768" },
		{ 0x11eb, "SecP256r1MLKEM768" },
		{ 0x11ec, "X25519MLKEM768" },
		{ 0x11ed, "SecP384r1MLKEM1024" },
		{ 0x6399, "X25519Kyber768Draft00" },
		{ 0xff01, "arbitrary_explicit_prime_curves" },
		{ 0, NULL },
		{ 42, NULL },
		{ 261, NULL },
		{ 0xffff, NULL },
		{ 0x2a2a, "GREASE" },
	};

	check16(tls_group_name, w, NELEM(w));
}
END_TEST

START_TEST(test_sigschemes)
{
	static const struct want w[] = {
		{ 0x0201, "rsa_pkcs1_sha1" },
		{ 0x0203, "ecdsa_sha1" },
		{ 0x0301, "rsa_pkcs1_sha224" },
		{ 0x0303, "ecdsa_sha224" },
		{ 0x0401, "rsa_pkcs1_sha256" },
		{ 0x0403, "ecdsa_secp256r1_sha256" },
		{ 0x0503, "ecdsa_secp384r1_sha384" },
		{ 0x0601, "rsa_pkcs1_sha512" },
		{ 0x0603, "ecdsa_secp521r1_sha512" },
		{ 0x0708, "sm2sig_sm3" },
		{ 0x0804, "rsa_pss_rsae_sha256" },
		{ 0x0806, "rsa_pss_rsae_sha512" },
		{ 0x0807, "ed25519" },
		{ 0x0808, "ed448" },
		{ 0x0809, "rsa_pss_pss_sha256" },
		{ 0x080b, "rsa_pss_pss_sha512" },
		{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
		{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
		{ 0x0905, "mldsa65" },
		{ 0x0000, NULL },
		{ 0x0404, NULL },
		{ 0x080c, NULL },
		{ 0x4a4a, "GREASE" },
	};

	check16(tls_sigscheme_name, w, NELEM(w));
}
END_TEST

START_TEST(test_exts)
{
	static const struct want w[] = {
		{ 0, "server_name" },
		{ 5, "status_request" },
		{ 10, "supported_groups" },
		{ 11, "ec_point_formats" },
		{ 13, "signature_algorithms" },
		{ 16, "application_layer_protocol_negotiation" },
		{ 21, "padding" },
		{ 23, "extended_master_secret" },
		{ 27, "compress_certificate" },
		{ 35, "session_ticket" },
		{ 41, "pre_shared_key" },
		{ 43, "supported_versions" },
		{ 44, "cookie" },
		{ 45, "psk_key_exchange_modes" },
		{ 47, "certificate_authorities" },
		{ 49, "post_handshake_auth" },
		{ 51, "key_share" },
		{ 57, "quic_transport_parameters" },
		{ 13172, "next_protocol_negotiation" },
		{ 17513, "application_settings" },
		{ 0xfe0d, "encrypted_client_hello" },
		{ 0xff01, "renegotiation_info" },
		{ 40, NULL },		/* reserved */
		{ 46, NULL },		/* reserved */
		{ 100, NULL },
		{ 0xffff, NULL },
		{ 0x0a0a, "GREASE" },
	};

	check16(tls_ext_name, w, NELEM(w));
}
END_TEST

START_TEST(test_alerts)
{
	static const struct want w[] = {
		{ 0, "close_notify" },
		{ 10, "unexpected_message" },
		{ 20, "bad_record_mac" },
		{ 40, "handshake_failure" },
		{ 42, "bad_certificate" },
		{ 45, "certificate_expired" },
		{ 46, "certificate_unknown" },
		{ 48, "unknown_ca" },
		{ 50, "decode_error" },
		{ 70, "protocol_version" },
		{ 86, "inappropriate_fallback" },
		{ 90, "user_canceled" },
		{ 109, "missing_extension" },
		{ 110, "unsupported_extension" },
		{ 111, "certificate_unobtainable" },
		{ 112, "unrecognized_name" },
		{ 113, "bad_certificate_status_response" },
		{ 114, "bad_certificate_hash_value" },
		{ 115, "unknown_psk_identity" },
		{ 116, "certificate_required" },
		{ 117, "general_error" },
		{ 120, "no_application_protocol" },
		{ 121, "ech_required" },
		{ 1, NULL },
		{ 118, NULL },
		{ 122, NULL },
		{ 255, NULL },
	};

	check8(tls_alert_name, w, NELEM(w));
}
END_TEST

START_TEST(test_hs_types)
{
	static const struct want w[] = {
		{ 0, "HelloRequest" },
		{ 1, "ClientHello" },
		{ 2, "ServerHello" },
		{ 3, "HelloVerifyRequest" },
		{ 4, "NewSessionTicket" },
		{ 5, "EndOfEarlyData" },
		{ 6, "HelloRetryRequest" },
		{ 8, "EncryptedExtensions" },
		{ 9, "RequestConnectionId" },
		{ 10, "NewConnectionId" },
		{ 11, "Certificate" },
		{ 12, "ServerKeyExchange" },
		{ 13, "CertificateRequest" },
		{ 14, "ServerHelloDone" },
		{ 15, "CertificateVerify" },
		{ 16, "ClientKeyExchange" },
		{ 17, "ClientCertificateRequest" },
		{ 20, "Finished" },
		{ 21, "CertificateURL" },
		{ 22, "CertificateStatus" },
		{ 23, "SupplementalData" },
		{ 24, "KeyUpdate" },
		{ 25, "CompressedCertificate" },
		{ 26, "EKTKey" },
		{ 254, "MessageHash" },
		{ 7, NULL },
		{ 18, NULL },
		{ 255, NULL },
	};

	check8(tls_hs_name, w, NELEM(w));
	/* The header's constants and the names agree. */
	ck_assert_str_eq(tls_hs_name(TLS_HS_HELLO_RETRY_REQUEST),
	    "HelloRetryRequest");
	ck_assert_str_eq(tls_hs_name(TLS_HS_MESSAGE_HASH), "MessageHash");
}
END_TEST

START_TEST(test_ct_and_cert_types)
{
	static const struct want ct[] = {
		{ 20, "ChangeCipherSpec" },
		{ 21, "Alert" },
		{ 22, "Handshake" },
		{ 23, "ApplicationData" },
		{ 24, "Heartbeat" },
		{ 19, NULL },
		{ 0, NULL },
		{ 255, NULL },
	};
	static const struct want cert[] = {
		{ 1, "rsa_sign" },
		{ 2, "dss_sign" },
		{ 3, "rsa_fixed_dh" },
		{ 4, "dss_fixed_dh" },
		{ 64, "ecdsa_sign" },
		{ 65, "rsa_fixed_ecdh" },
		{ 66, "ecdsa_fixed_ecdh" },
		{ 0, NULL },
		{ 7, NULL },
		{ 255, NULL },
	};

	check8(tls_ct_name, ct, NELEM(ct));
	check8(tls_cert_type_name, cert, NELEM(cert));
}
END_TEST

/* Every GREASE value is "GREASE" in each 16-bit table. */
START_TEST(test_grease)
{
	unsigned int i;
	uint16_t v;

	for (i = 0; i < 16; i++) {
		v = (uint16_t)(i << 12 | 0x0a00 | i << 4 | 0x0a);
		ck_assert(tls_is_grease(v));
		ck_assert_str_eq(tls_version_name(v), "GREASE");
		ck_assert_str_eq(tls_cipher_name(v), "GREASE");
		ck_assert_str_eq(tls_group_name(v), "GREASE");
		ck_assert_str_eq(tls_sigscheme_name(v), "GREASE");
		ck_assert_str_eq(tls_ext_name(v), "GREASE");
	}
}
END_TEST

static Suite *
tls_names_suite(void)
{
	Suite *s;
	TCase *core, *limits;

	s = suite_create("tls_names");
	core = tcase_create("Core");
	tcase_add_test(core, test_tables_sorted);
	tcase_add_test(core, test_names_json_plain);
	tcase_add_test(core, test_versions);
	tcase_add_test(core, test_ciphers);
	tcase_add_test(core, test_ciphers_tshark);
	tcase_add_test(core, test_groups);
	tcase_add_test(core, test_sigschemes);
	tcase_add_test(core, test_exts);
	tcase_add_test(core, test_alerts);
	tcase_add_test(core, test_hs_types);
	tcase_add_test(core, test_ct_and_cert_types);
	tcase_add_test(core, test_grease);
	suite_add_tcase(s, core);

	limits = tcase_create("Limits");
	tcase_add_test(limits, test_ciphers_complete);
	suite_add_tcase(s, limits);
	return s;
}

int
main(void)
{
	return check_run(tls_names_suite());
}
