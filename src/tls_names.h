/* tls_names.h - IANA names for TLS code points. */
#ifndef TLSDIAG_TLS_NAMES_H
#define TLSDIAG_TLS_NAMES_H

#include <stdint.h>

/*
 * Each returns a static name, or NULL when the value is unassigned or
 * unknown (renderers then print the value in hex). GREASE values
 * (RFC 8701) return "GREASE".
 */
/* "SSL2", "SSL3", "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" (DESIGN.md). */
const char	*tls_version_name(uint16_t v);
/* IANA cipher suite names, e.g. "TLS_AES_128_GCM_SHA256". */
const char	*tls_cipher_name(uint16_t v);
/* Supported groups, e.g. "x25519", "secp256r1", "X25519MLKEM768". */
const char	*tls_group_name(uint16_t v);
/* Signature schemes, e.g. "rsa_pss_rsae_sha256". */
const char	*tls_sigscheme_name(uint16_t v);
/* Extension types, e.g. "server_name", "key_share". */
const char	*tls_ext_name(uint16_t v);
/* Alert descriptions, e.g. "unknown_ca", "certificate_required". */
const char	*tls_alert_name(uint8_t v);
/* Handshake types in DESIGN.md's CamelCase, e.g. "ClientHello". */
const char	*tls_hs_name(uint8_t v);
/* Record content types, e.g. "Handshake", "ApplicationData". */
const char	*tls_ct_name(uint8_t v);
/* TLS 1.2 ClientCertificateType, e.g. "rsa_sign", "ecdsa_sign". */
const char	*tls_cert_type_name(uint8_t v);

/* tls_names_check returns NULL when every table is sorted strictly by
 * value and terminated (the lookups binary-search them), or else the name
 * of the first table that is not. For the unit tests. */
const char	*tls_names_check(void);

#endif
