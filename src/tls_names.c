/* tls_names.c - IANA names for TLS code points. */
#include <stddef.h>
#include <stdlib.h>

#include "tls_msg.h"
#include "tls_names.h"

/*
 * Value->name tables, typed from the IANA "Transport Layer Security (TLS)
 * Parameters" and "TLS Extensions" registries (and the RFCs they cite).
 * Each is sorted by value, strictly ascending, and ends with { 0, NULL }
 * (tcpdump's struct tok): lookups are binary searches, and
 * tls_names_check() proves the order in the unit tests.
 *
 * Where IANA keeps a retired code point as "name_RESERVED" we print the
 * name without the suffix: an old peer still sends it, and what it meant
 * is what a reader wants (RFC 8446 B.2 lists e.g. decryption_failed_RESERVED).
 */
struct tok {
	uint16_t	 v;
	const char	*name;
};

/* IANA TLS Cipher Suites (tls-parameters-4), every assigned value. */
static const struct tok ciphers[] = {
	{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
	{ 0x0001, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA" },
	{ 0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0009, "TLS_RSA_WITH_DES_CBC_SHA" },
	{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA" },
	{ 0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA" },
	{ 0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
	{ 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0018, "TLS_DH_anon_WITH_RC4_128_MD5" },
	{ 0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA" },
	{ 0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA" },
	{ 0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0x001e, "TLS_KRB5_WITH_DES_CBC_SHA" },
	{ 0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0020, "TLS_KRB5_WITH_RC4_128_SHA" },
	{ 0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA" },
	{ 0x0022, "TLS_KRB5_WITH_DES_CBC_MD5" },
	{ 0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5" },
	{ 0x0024, "TLS_KRB5_WITH_RC4_128_MD5" },
	{ 0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5" },
	{ 0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA" },
	{ 0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA" },
	{ 0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA" },
	{ 0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5" },
	{ 0x002a, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x002b, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5" },
	{ 0x002c, "TLS_PSK_WITH_NULL_SHA" },
	{ 0x002d, "TLS_DHE_PSK_WITH_NULL_SHA" },
	{ 0x002e, "TLS_RSA_PSK_WITH_NULL_SHA" },
	{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA" },
	{ 0x003b, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256" },
	{ 0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256" },
	{ 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA" },
	{ 0x008a, "TLS_PSK_WITH_RC4_128_SHA" },
	{ 0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA" },
	{ 0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA" },
	{ 0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA" },
	{ 0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA" },
	{ 0x0096, "TLS_RSA_WITH_SEED_CBC_SHA" },
	{ 0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA" },
	{ 0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA" },
	{ 0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA" },
	{ 0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA" },
	{ 0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA" },
	{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256" },
	{ 0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384" },
	{ 0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b0, "TLS_PSK_WITH_NULL_SHA256" },
	{ 0x00b1, "TLS_PSK_WITH_NULL_SHA384" },
	{ 0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b4, "TLS_DHE_PSK_WITH_NULL_SHA256" },
	{ 0x00b5, "TLS_DHE_PSK_WITH_NULL_SHA384" },
	{ 0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0x00b8, "TLS_RSA_PSK_WITH_NULL_SHA256" },
	{ 0x00b9, "TLS_RSA_PSK_WITH_NULL_SHA384" },
	{ 0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bb, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bc, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256" },
	{ 0x00c6, "TLS_SM4_GCM_SM3" },
	{ 0x00c7, "TLS_SM4_CCM_SM3" },
	{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0x1306, "TLS_AEGIS_256_SHA512" },
	{ 0x1307, "TLS_AEGIS_128L_SHA256" },
	{ 0x5600, "TLS_FALLBACK_SCSV" },
	{ 0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA" },
	{ 0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
	{ 0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA" },
	{ 0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA" },
	{ 0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
	{ 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc015, "TLS_ECDH_anon_WITH_NULL_SHA" },
	{ 0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA" },
	{ 0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA" },
	{ 0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA" },
	{ 0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA" },
	{ 0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA" },
	{ 0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA" },
	{ 0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA" },
	{ 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA" },
	{ 0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA" },
	{ 0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" },
	{ 0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA" },
	{ 0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256" },
	{ 0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384" },
	{ 0xc039, "TLS_ECDHE_PSK_WITH_NULL_SHA" },
	{ 0xc03a, "TLS_ECDHE_PSK_WITH_NULL_SHA256" },
	{ 0xc03b, "TLS_ECDHE_PSK_WITH_NULL_SHA384" },
	{ 0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc03d, "TLS_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc03e, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc03f, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04a, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04b, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc04e, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc04f, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05a, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05b, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc05e, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc05f, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc06a, "TLS_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06b, "TLS_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc06c, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06d, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc06e, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256" },
	{ 0xc06f, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384" },
	{ 0xc070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256" },
	{ 0xc071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384" },
	{ 0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc07e, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc07f, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08c, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08d, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc08e, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc08f, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256" },
	{ 0xc093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384" },
	{ 0xc094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc09a, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256" },
	{ 0xc09b, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384" },
	{ 0xc09c, "TLS_RSA_WITH_AES_128_CCM" },
	{ 0xc09d, "TLS_RSA_WITH_AES_256_CCM" },
	{ 0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM" },
	{ 0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM" },
	{ 0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8" },
	{ 0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8" },
	{ 0xc0a4, "TLS_PSK_WITH_AES_128_CCM" },
	{ 0xc0a5, "TLS_PSK_WITH_AES_256_CCM" },
	{ 0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM" },
	{ 0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM" },
	{ 0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8" },
	{ 0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8" },
	{ 0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
	{ 0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8" },
	{ 0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM" },
	{ 0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM" },
	{ 0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
	{ 0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8" },
	{ 0xc0b0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256" },
	{ 0xc0b1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384" },
	{ 0xc0b2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256" },
	{ 0xc0b3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384" },
	{ 0xc0b4, "TLS_SHA256_SHA256" },
	{ 0xc0b5, "TLS_SHA384_SHA384" },
	{ 0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" },
	{ 0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC" },
	{ 0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT" },
	{ 0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L" },
	{ 0xc104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L" },
	{ 0xc105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S" },
	{ 0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S" },
	{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
	{ 0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384" },
	{ 0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256" },
	{ 0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
	{ 0, NULL }
};

/* IANA TLS Supported Groups (tls-parameters-8). */
static const struct tok groups[] = {
	{ 1, "sect163k1" },
	{ 2, "sect163r1" },
	{ 3, "sect163r2" },
	{ 4, "sect193r1" },
	{ 5, "sect193r2" },
	{ 6, "sect233k1" },
	{ 7, "sect233r1" },
	{ 8, "sect239k1" },
	{ 9, "sect283k1" },
	{ 10, "sect283r1" },
	{ 11, "sect409k1" },
	{ 12, "sect409r1" },
	{ 13, "sect571k1" },
	{ 14, "sect571r1" },
	{ 15, "secp160k1" },
	{ 16, "secp160r1" },
	{ 17, "secp160r2" },
	{ 18, "secp192k1" },
	{ 19, "secp192r1" },
	{ 20, "secp224k1" },
	{ 21, "secp224r1" },
	{ 22, "secp256k1" },
	{ 23, "secp256r1" },
	{ 24, "secp384r1" },
	{ 25, "secp521r1" },
	{ 26, "brainpoolP256r1" },
	{ 27, "brainpoolP384r1" },
	{ 28, "brainpoolP512r1" },
	{ 29, "x25519" },
	{ 30, "x448" },
	{ 31, "brainpoolP256r1tls13" },
	{ 32, "brainpoolP384r1tls13" },
	{ 33, "brainpoolP512r1tls13" },
	{ 34, "GC256A" },
	{ 35, "GC256B" },
	{ 36, "GC256C" },
	{ 37, "GC256D" },
	{ 38, "GC512A" },
	{ 39, "GC512B" },
	{ 40, "GC512C" },
	{ 41, "curveSM2" },
	{ 0x0100, "ffdhe2048" },
	{ 0x0101, "ffdhe3072" },
	{ 0x0102, "ffdhe4096" },
	{ 0x0103, "ffdhe6144" },
	{ 0x0104, "ffdhe8192" },
	{ 0x0200, "MLKEM512" },
	{ 0x0201, "MLKEM768" },
	{ 0x0202, "MLKEM1024" },
	{ 0x11eb, "SecP256r1MLKEM768" },
	{ 0x11ec, "X25519MLKEM768" },
	{ 0x11ed, "SecP384r1MLKEM1024" },
	/* Not IANA: draft-tls-westerbaan-xyber768d00 code points that
	 * browsers shipped before ML-KEM; common in captures. */
	{ 0x6399, "X25519Kyber768Draft00" },
	{ 0x639a, "SecP256r1Kyber768Draft00" },
	{ 0xff01, "arbitrary_explicit_prime_curves" },
	{ 0xff02, "arbitrary_explicit_char2_curves" },
	{ 0, NULL }
};

/*
 * IANA TLS SignatureScheme (tls-signaturescheme). Below 0x0800 a value is
 * also a TLS 1.2 SignatureAndHashAlgorithm (RFC 5246 7.4.1.4.1: hash
 * md5(1) .. sha512(6), signature rsa(1), dsa(2), ecdsa(3)); the pairs that
 * IANA does not name (md5, sha224, dsa) are named in the same style,
 * since TLS 1.2 peers still offer them.
 */
static const struct tok sigschemes[] = {
	{ 0x0101, "rsa_pkcs1_md5" },
	{ 0x0102, "dsa_md5" },
	{ 0x0103, "ecdsa_md5" },
	{ 0x0201, "rsa_pkcs1_sha1" },
	{ 0x0202, "dsa_sha1" },
	{ 0x0203, "ecdsa_sha1" },
	{ 0x0301, "rsa_pkcs1_sha224" },
	{ 0x0302, "dsa_sha224" },
	{ 0x0303, "ecdsa_sha224" },
	{ 0x0401, "rsa_pkcs1_sha256" },
	{ 0x0402, "dsa_sha256" },
	{ 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0420, "rsa_pkcs1_sha256_legacy" },
	{ 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0502, "dsa_sha384" },
	{ 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0520, "rsa_pkcs1_sha384_legacy" },
	{ 0x0601, "rsa_pkcs1_sha512" },
	{ 0x0602, "dsa_sha512" },
	{ 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0620, "rsa_pkcs1_sha512_legacy" },
	{ 0x0704, "eccsi_sha256" },
	{ 0x0705, "iso_ibs1" },
	{ 0x0706, "iso_ibs2" },
	{ 0x0707, "iso_chinese_ibs" },
	{ 0x0708, "sm2sig_sm3" },
	{ 0x0709, "gostr34102012_256a" },
	{ 0x070a, "gostr34102012_256b" },
	{ 0x070b, "gostr34102012_256c" },
	{ 0x070c, "gostr34102012_256d" },
	{ 0x070d, "gostr34102012_512a" },
	{ 0x070e, "gostr34102012_512b" },
	{ 0x070f, "gostr34102012_512c" },
	{ 0x0804, "rsa_pss_rsae_sha256" },
	{ 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" },
	{ 0x0807, "ed25519" },
	{ 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
	{ 0x0904, "mldsa44" },
	{ 0x0905, "mldsa65" },
	{ 0x0906, "mldsa87" },
	{ 0, NULL }
};

/* IANA TLS ExtensionType Values, plus a few unregistered ones that real
 * clients send (marked). */
static const struct tok exts[] = {
	{ 0, "server_name" },
	{ 1, "max_fragment_length" },
	{ 2, "client_certificate_url" },
	{ 3, "trusted_ca_keys" },
	{ 4, "truncated_hmac" },
	{ 5, "status_request" },
	{ 6, "user_mapping" },
	{ 7, "client_authz" },
	{ 8, "server_authz" },
	{ 9, "cert_type" },
	{ 10, "supported_groups" },
	{ 11, "ec_point_formats" },
	{ 12, "srp" },
	{ 13, "signature_algorithms" },
	{ 14, "use_srtp" },
	{ 15, "heartbeat" },
	{ 16, "application_layer_protocol_negotiation" },
	{ 17, "status_request_v2" },
	{ 18, "signed_certificate_timestamp" },
	{ 19, "client_certificate_type" },
	{ 20, "server_certificate_type" },
	{ 21, "padding" },
	{ 22, "encrypt_then_mac" },
	{ 23, "extended_master_secret" },
	{ 24, "token_binding" },
	{ 25, "cached_info" },
	{ 26, "tls_lts" },
	{ 27, "compress_certificate" },
	{ 28, "record_size_limit" },
	{ 29, "pwd_protect" },
	{ 30, "pwd_clear" },
	{ 31, "password_salt" },
	{ 32, "ticket_pinning" },
	{ 33, "tls_cert_with_extern_psk" },
	{ 34, "delegated_credential" },
	{ 35, "session_ticket" },
	{ 36, "TLMSP" },
	{ 37, "TLMSP_proxying" },
	{ 38, "TLMSP_delegate" },
	{ 39, "supported_ekt_ciphers" },
	{ 41, "pre_shared_key" },
	{ 42, "early_data" },
	{ 43, "supported_versions" },
	{ 44, "cookie" },
	{ 45, "psk_key_exchange_modes" },
	{ 47, "certificate_authorities" },
	{ 48, "oid_filters" },
	{ 49, "post_handshake_auth" },
	{ 50, "signature_algorithms_cert" },
	{ 51, "key_share" },
	{ 52, "transparency_info" },
	{ 53, "connection_id_deprecated" },
	{ 54, "connection_id" },
	{ 55, "external_id_hash" },
	{ 56, "external_session_id" },
	{ 57, "quic_transport_parameters" },
	{ 58, "ticket_request" },
	{ 59, "dnssec_chain" },
	{ 60, "sequence_number_encryption_algorithms" },
	{ 61, "rrc" },
	{ 62, "tls_flags" },
	{ 13172, "next_protocol_negotiation" },	/* not IANA: NPN draft */
	{ 17513, "application_settings" },	/* not IANA: ALPS, old */
	{ 17613, "application_settings_new" },	/* not IANA: ALPS, new */
	{ 30031, "channel_id_old" },		/* not IANA */
	{ 30032, "channel_id" },		/* not IANA */
	{ 0xfd00, "ech_outer_extensions" },
	{ 0xfe0d, "encrypted_client_hello" },
	{ 0xff01, "renegotiation_info" },
	{ 0xffce, "encrypted_server_name" },	/* not IANA: ESNI draft */
	{ 0, NULL }
};

/* IANA TLS Alerts (tls-parameters-6), without the "_RESERVED" suffix. */
static const struct tok alerts[] = {
	{ 0, "close_notify" },
	{ 10, "unexpected_message" },
	{ 20, "bad_record_mac" },
	{ 21, "decryption_failed" },
	{ 22, "record_overflow" },
	{ 30, "decompression_failure" },
	{ 40, "handshake_failure" },
	{ 41, "no_certificate" },
	{ 42, "bad_certificate" },
	{ 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" },
	{ 45, "certificate_expired" },
	{ 46, "certificate_unknown" },
	{ 47, "illegal_parameter" },
	{ 48, "unknown_ca" },
	{ 49, "access_denied" },
	{ 50, "decode_error" },
	{ 51, "decrypt_error" },
	{ 52, "too_many_cids_requested" },
	{ 60, "export_restriction" },
	{ 70, "protocol_version" },
	{ 71, "insufficient_security" },
	{ 80, "internal_error" },
	{ 86, "inappropriate_fallback" },
	{ 90, "user_canceled" },
	{ 100, "no_renegotiation" },
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
	{ 0, NULL }
};

/* IANA TLS HandshakeType (tls-parameters-7), in DESIGN.md's CamelCase.
 * 6 is hello_retry_request_RESERVED on the wire; tlsdiag uses it as the
 * pseudo type of a ServerHello that is an HRR. */
static const struct tok hs_types[] = {
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
	{ 0, NULL }
};

/* IANA TLS ContentType (tls-parameters-5). */
static const struct tok ct_types[] = {
	{ 20, "ChangeCipherSpec" },
	{ 21, "Alert" },
	{ 22, "Handshake" },
	{ 23, "ApplicationData" },
	{ 24, "Heartbeat" },
	{ 25, "TLS12CID" },
	{ 26, "ACK" },
	{ 0, NULL }
};

/* IANA TLS ClientCertificateType Identifiers (tls-parameters-2). */
static const struct tok cert_types[] = {
	{ 1, "rsa_sign" },
	{ 2, "dss_sign" },
	{ 3, "rsa_fixed_dh" },
	{ 4, "dss_fixed_dh" },
	{ 5, "rsa_ephemeral_dh" },
	{ 6, "dss_ephemeral_dh" },
	{ 20, "fortezza_dms" },
	{ 64, "ecdsa_sign" },
	{ 65, "rsa_fixed_ecdh" },
	{ 66, "ecdsa_fixed_ecdh" },
	{ 67, "gost_sign256" },
	{ 68, "gost_sign512" },
	{ 0, NULL }
};

/* Protocol versions (DESIGN.md spelling). DTLS is not decoded. */
static const struct tok versions[] = {
	{ TLS_V_SSL2, "SSL2" },
	{ TLS_V_SSL3, "SSL3" },
	{ TLS_V_TLS10, "TLS1.0" },
	{ TLS_V_TLS11, "TLS1.1" },
	{ TLS_V_TLS12, "TLS1.2" },
	{ TLS_V_TLS13, "TLS1.3" },
	/* draft-ietf-tls-tls13-NN announced itself as 0x7f00 | NN. */
	{ 0x7f0e, "TLS1.3-draft14" },
	{ 0x7f0f, "TLS1.3-draft15" },
	{ 0x7f10, "TLS1.3-draft16" },
	{ 0x7f11, "TLS1.3-draft17" },
	{ 0x7f12, "TLS1.3-draft18" },
	{ 0x7f13, "TLS1.3-draft19" },
	{ 0x7f14, "TLS1.3-draft20" },
	{ 0x7f15, "TLS1.3-draft21" },
	{ 0x7f16, "TLS1.3-draft22" },
	{ 0x7f17, "TLS1.3-draft23" },
	{ 0x7f18, "TLS1.3-draft24" },
	{ 0x7f19, "TLS1.3-draft25" },
	{ 0x7f1a, "TLS1.3-draft26" },
	{ 0x7f1b, "TLS1.3-draft27" },
	{ 0x7f1c, "TLS1.3-draft28" },
	{ 0, NULL }
};

/* ---- lookups ---- */

#define NTOK(t)	(sizeof(t) / sizeof((t)[0]) - 1)	/* without { 0, NULL } */

static int
tok_cmp(const void *key, const void *elem)
{
	uint16_t v = *(const uint16_t *)key;
	const struct tok *t = elem;

	return v < t->v ? -1 : v > t->v ? 1 : 0;
}

/* tok_find returns the name of |v| in the sorted table |t| of |n|
 * entries, or NULL. */
static const char *
tok_find(const struct tok *t, size_t n, uint16_t v)
{
	const struct tok *hit;

	hit = bsearch(&v, t, n, sizeof(*t), tok_cmp);
	return hit != NULL ? hit->name : NULL;
}

const char *
tls_version_name(uint16_t v)
{
	if (tls_is_grease(v))
		return "GREASE";
	return tok_find(versions, NTOK(versions), v);
}

const char *
tls_cipher_name(uint16_t v)
{
	if (tls_is_grease(v))
		return "GREASE";
	return tok_find(ciphers, NTOK(ciphers), v);
}

const char *
tls_group_name(uint16_t v)
{
	if (tls_is_grease(v))
		return "GREASE";
	return tok_find(groups, NTOK(groups), v);
}

const char *
tls_sigscheme_name(uint16_t v)
{
	if (tls_is_grease(v))
		return "GREASE";
	return tok_find(sigschemes, NTOK(sigschemes), v);
}

const char *
tls_ext_name(uint16_t v)
{
	if (tls_is_grease(v))
		return "GREASE";
	return tok_find(exts, NTOK(exts), v);
}

const char *
tls_alert_name(uint8_t v)
{
	return tok_find(alerts, NTOK(alerts), v);
}

const char *
tls_hs_name(uint8_t v)
{
	return tok_find(hs_types, NTOK(hs_types), v);
}

const char *
tls_ct_name(uint8_t v)
{
	return tok_find(ct_types, NTOK(ct_types), v);
}

const char *
tls_cert_type_name(uint8_t v)
{
	return tok_find(cert_types, NTOK(cert_types), v);
}

/* tok_sorted says whether |t| is strictly ascending, ends with
 * { 0, NULL }, and names every entry before that. */
static bool
tok_sorted(const struct tok *t, size_t n)
{
	size_t i;

	if (t[n].v != 0 || t[n].name != NULL)
		return false;
	for (i = 0; i < n; i++) {
		if (t[i].name == NULL || t[i].name[0] == '\0')
			return false;
		if (i > 0 && t[i - 1].v >= t[i].v)
			return false;
	}
	return true;
}

const char *
tls_names_check(void)
{
	static const struct {
		const char	*what;
		const struct tok *t;
		size_t		 n;
	} tabs[] = {
		{ "versions", versions, NTOK(versions) },
		{ "ciphers", ciphers, NTOK(ciphers) },
		{ "groups", groups, NTOK(groups) },
		{ "sigschemes", sigschemes, NTOK(sigschemes) },
		{ "exts", exts, NTOK(exts) },
		{ "alerts", alerts, NTOK(alerts) },
		{ "hs_types", hs_types, NTOK(hs_types) },
		{ "ct_types", ct_types, NTOK(ct_types) },
		{ "cert_types", cert_types, NTOK(cert_types) },
	};
	size_t i;

	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++)
		if (!tok_sorted(tabs[i].t, tabs[i].n))
			return tabs[i].what;
	return NULL;
}
