/* verdict.c - the verdict codes and outcome classes, by name; the rules are
 * in verdict_facts.c, verdict_rules.c and verdict_text.c. */
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

const struct verdict_code_info verdict_code_table[VC_COUNT] = {
	[VC_OK] = { "ok", VERDICT_OK,
	    "the handshake completed (resumed or full)" },
	[VC_TCP_NO_ANSWER] = { "tcp_no_answer", VERDICT_FAILED,
	    "the SYN was never answered" },
	[VC_TCP_REFUSED] = { "tcp_refused", VERDICT_FAILED,
	    "the SYN was answered by a RST" },
	[VC_CLOSED_BEFORE_TLS] = { "closed_before_tls", VERDICT_FAILED,
	    "TCP was established, then closed before any TLS byte" },
	[VC_NOT_TLS] = { "not_tls", VERDICT_FAILED,
	    "a side spoke something that is not TLS where TLS was expected" },
	[VC_VERSION_MISMATCH] = { "version_mismatch", VERDICT_FAILED,
	    "no common protocol version" },
	[VC_CIPHER_MISMATCH] = { "cipher_mismatch", VERDICT_FAILED,
	    "no common cipher suite, group or signature scheme" },
	[VC_SNI_REJECTED] = { "sni_rejected", VERDICT_FAILED,
	    "the server refused the requested name" },
	[VC_SERVER_REJECTED_HELLO] = { "server_rejected_hello",
	    VERDICT_FAILED,
	    "another fatal alert from the server answered the ClientHello" },
	[VC_SERVER_CLOSED_AFTER_HELLO] = { "server_closed_after_hello",
	    VERDICT_FAILED,
	    "the server closed after the ClientHello with no alert" },
	[VC_SERVER_SILENT] = { "server_silent", VERDICT_FAILED,
	    "no answer to the ClientHello" },
	[VC_SERVER_CERT_UNTRUSTED] = { "server_cert_untrusted",
	    VERDICT_FAILED,
	    "the client does not trust the server chain" },
	[VC_SERVER_CERT_NAME_MISMATCH] = { "server_cert_name_mismatch",
	    VERDICT_FAILED,
	    "the server certificate does not cover the name asked for" },
	[VC_SERVER_CERT_EXPIRED] = { "server_cert_expired", VERDICT_FAILED,
	    "the server certificate was expired or not yet valid" },
	[VC_SERVER_CERT_REJECTED] = { "server_cert_rejected", VERDICT_FAILED,
	    "the client rejected the server certificate for another reason" },
	[VC_CLIENT_ABORTED] = { "client_aborted", VERDICT_FAILED,
	    "the client closed after the server's flight with no alert" },
	[VC_CLIENT_CERT_MISSING] = { "client_cert_missing", VERDICT_FAILED,
	    "the server required a client certificate and got none" },
	[VC_CLIENT_CERT_UNTRUSTED] = { "client_cert_untrusted",
	    VERDICT_FAILED,
	    "the server rejected the client certificate's issuer" },
	[VC_CLIENT_CERT_EXPIRED] = { "client_cert_expired", VERDICT_FAILED,
	    "the client certificate was expired or not yet valid" },
	[VC_CLIENT_CERT_REJECTED] = { "client_cert_rejected", VERDICT_FAILED,
	    "the server rejected the client certificate for another reason" },
	[VC_CLIENT_CERT_RESET] = { "client_cert_reset", VERDICT_FAILED,
	    "the server closed right after the client certificate" },
	[VC_HANDSHAKE_INCOMPLETE] = { "handshake_incomplete",
	    VERDICT_INCOMPLETE,
	    "the capture or the connection ended mid-handshake" },
	[VC_ALERT_OTHER] = { "alert_other", VERDICT_FAILED,
	    "another fatal alert ended the handshake" },
	[VC_CLOSED_AFTER_HANDSHAKE] = { "closed_after_handshake",
	    VERDICT_SUSPECT,
	    "completed, then the client closed at once without data" },
	[VC_HANDSHAKE_NOT_SEEN] = { "handshake_not_seen", VERDICT_UNKNOWN,
	    "the capture holds no handshake for this connection" },
	[VC_PLAINTEXT] = { "plaintext", VERDICT_NOT_TLS,
	    "a plaintext protocol where nobody expected TLS" },
};

void
verdict_free(struct verdict *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->summary);
	for (i = 0; i < v->num_evidence; i++)
		free(v->evidence[i]);
	free(v->next);
	for (i = 0; i < v->num_secondary; i++)
		free(v->secondary[i]);
	free(v);
}

static const char *const outcome_names[VERDICT_OUTCOME_COUNT] = {
	[VERDICT_OK] = "ok",
	[VERDICT_FAILED] = "failed",
	[VERDICT_INCOMPLETE] = "incomplete",
	[VERDICT_SUSPECT] = "suspect",
	[VERDICT_UNKNOWN] = "unknown",
	[VERDICT_NOT_TLS] = "not_tls",
};

const char *
verdict_outcome_name(enum verdict_outcome o)
{
	if ((unsigned)o >= VERDICT_OUTCOME_COUNT)
		return "?";
	return outcome_names[o];
}

bool
verdict_outcome_is_failure(enum verdict_outcome o)
{
	return o == VERDICT_FAILED || o == VERDICT_INCOMPLETE ||
	    o == VERDICT_SUSPECT;
}

const char *
verdict_code_name(enum verdict_code code)
{
	if ((unsigned)code >= VC_COUNT)
		return "?";
	return verdict_code_table[code].name;
}

static bool
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

bool
verdict_code_parse(const char *name, size_t len, enum verdict_code *out)
{
	size_t i;

	for (i = 0; i < VC_COUNT; i++)
		if (name_is(name, len, verdict_code_table[i].name)) {
			*out = (enum verdict_code)i;
			return true;
		}
	return false;
}

bool
verdict_outcome_parse(const char *name, size_t len,
    enum verdict_outcome *out)
{
	size_t i;

	for (i = 0; i < VERDICT_OUTCOME_COUNT; i++)
		if (name_is(name, len, outcome_names[i])) {
			*out = (enum verdict_outcome)i;
			return true;
		}
	return false;
}
