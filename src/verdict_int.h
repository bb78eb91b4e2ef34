/* verdict_int.h - what the parts of the verdict share (verdict_facts.c,
 * verdict_rules.c, verdict_text.c); not for other modules, which include
 * verdict.h. */
#ifndef TLSDIAG_VERDICT_INT_H
#define TLSDIAG_VERDICT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timeline.h"
#include "verdict.h"
#include "x509.h"

/* What the client's encrypted TLS 1.3 flight carried, from its size. */
enum cflight {
	CF_UNKNOWN,
	CF_NONE,		/* Finished only: no certificate asked */
	CF_EMPTY,		/* an empty Certificate: asked, none sent */
	CF_CERT,		/* a certificate and CertificateVerify */
};

/* Facts the rules share, computed once from the timeline. */
struct vctx {
	const struct tl_conn	*c;
	const struct tl_event	*alert;		/* first fatal alert */
	const struct tl_event	*rst;		/* first RST */
	const struct tl_event	*fin;		/* first FIN */
	const struct tl_event	*cclose;	/* first FIN or RST by the client */
	const struct tl_event	*sclose;	/* first FIN or RST by the server */
	/* The client's first readable close_notify before its Finished: a
	 * close, not an error, whatever level it claims (testssl.sh sends
	 * it as fatal). */
	const struct tl_event	*cnotify;
	/* The client's ChangeCipherSpec before its key exchange, in a full
	 * TLS 1.2 (or older) handshake: the CCS injection probe. */
	const struct tl_event	*early_ccs;
	/* TLS 1.3 without keys: the client's one record after the server's
	 * flight was too small for its Finished and it closed after it: an
	 * alert with padding (Java pads its records); |alert| points to it. */
	bool			 alert_padded;
	/* ... or, not alone, a padded empty Certificate (|cflight_bytes|
	 * is then that record's length). */
	bool			 ccert_padded;
	const struct tl_event	*ch_ev;
	const struct tl_event	*sh_ev;
	bool			 tls13;
	bool			 done;		/* handshake completed */
	bool			 any_tls;
	bool			 server_tls;	/* server sent any TLS */
	/* Client certificate: sent (certain or inferred), empty. */
	bool			 ccert_sent;
	bool			 ccert_empty;
	bool			 ccert_inferred;
	const struct tl_event	*ccert_ev;	/* the last event of it */
	enum cflight		 cflight;
	size_t			 cflight_bytes;
	bool			 server_flight;	/* server's hello flight seen */
	const struct tl_event	*server_flight_end;
	const struct tl_event	*cfin_ev;	/* the client's Finished */
	const struct tl_event	*quit;		/* how the client left after it */
	bool			 quit_late;	/* ... but not at once */
	/* The event that completed the handshake: the second Finished
	 * (TLS 1.2 and older), or the server's first record after the
	 * client's Finished (TLS 1.3). NULL when it did not complete. */
	const struct tl_event	*done_ev;
	const struct tl_event	*late_alert;	/* an alert after done_ev */
	bool			 handshake_seen; /* a hello in the capture */
	/* The server chain the rules judge: the one read from the wire
	 * (or decrypted), else the one another connection to the same
	 * server showed (sc_known: every cause from it is inferred). */
	const struct tl_chain	*sc;
	bool			 sc_known;
};

struct rule {
	enum verdict_code	 code;
	/* The handshake completed and the client left at once: the outcome
	 * is suspect, whatever the code's class. */
	bool			 after_handshake;
	/* match returns true if the rule applies; it may set |*inferred|. */
	bool	(*match)(const struct vctx *, bool *inferred);
	/* explain fills the summary, evidence and next step. */
	void	(*explain)(const struct vctx *, struct verdict *);
};

/* ---- verdict_facts.c ---- */

/* vf_read fills |*x| with the facts of |c| the rules share; |*x|
 * borrows from |c|. */
void	vf_read(struct vctx *x, const struct tl_conn *c);
/* vf_finding returns the first finding of |ch| with |code|, or NULL. */
const struct x509_finding *vf_finding(const struct tl_chain *ch,
	    enum x509_finding_code code);

/* ---- verdict_rules.c ---- */

/* vr_alert_known: the first fatal alert was read (not inferred from a
 * size, not encrypted without keys). */
bool	vr_alert_known(const struct vctx *x);
/* vr_client_close: how the client first left, its FIN or RST or a
 * close_notify before them (NULL: it did not). */
const struct tl_event *vr_client_close(const struct vctx *x);
/* vr_tls_port: |port| is one where a client expects TLS at once. */
bool	vr_tls_port(uint16_t port);
/* vr_gap_after: the bytes of |dir| (-1: either side) missing from the
 * capture after event |after| (NULL: anywhere), from its Gap events. */
uint64_t vr_gap_after(const struct tl_conn *c, int dir,
	    const struct tl_event *after);

/* ---- verdict_text.c ---- */

/* vt_str formats a new heap string (never NULL). */
char	*vt_str(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* vt_evidence appends |s| to |v|'s evidence and owns it (freed when
 * the list is full). */
void	vt_evidence(struct verdict *v, char *s);
/* The explain functions of the rule table: each fills the summary,
 * evidence and next step of |v| for the rule of the same name. */
void	vt_ok(const struct vctx *, struct verdict *);
void	vt_tcp_no_answer(const struct vctx *, struct verdict *);
void	vt_tcp_refused(const struct vctx *, struct verdict *);
void	vt_plaintext(const struct vctx *, struct verdict *);
void	vt_plain_proto(const struct vctx *, struct verdict *);
void	vt_ssh(const struct vctx *, struct verdict *);
void	vt_preamble_refused(const struct vctx *, struct verdict *);
void	vt_banner_before_hello(const struct vctx *, struct verdict *);
void	vt_sslv2_server(const struct vctx *, struct verdict *);
void	vt_handshake_not_seen(const struct vctx *, struct verdict *);
void	vt_tunnel_opaque(const struct vctx *, struct verdict *);
void	vt_client_side_only(const struct vctx *, struct verdict *);
void	vt_not_tls(const struct vctx *, struct verdict *);
void	vt_version_mismatch(const struct vctx *, struct verdict *);
void	vt_cipher_mismatch(const struct vctx *, struct verdict *);
void	vt_sni_rejected(const struct vctx *, struct verdict *);
void	vt_server_rejected_hello(const struct vctx *, struct verdict *);
void	vt_client_cert_missing(const struct vctx *, struct verdict *);
void	vt_client_cert_untrusted(const struct vctx *, struct verdict *);
void	vt_client_cert_expired(const struct vctx *, struct verdict *);
void	vt_client_cert_rejected(const struct vctx *, struct verdict *);
void	vt_client_cert_reset(const struct vctx *, struct verdict *);
void	vt_server_cert_untrusted(const struct vctx *, struct verdict *);
void	vt_server_cert_name_mismatch(const struct vctx *, struct verdict *);
void	vt_server_cert_expired(const struct vctx *, struct verdict *);
void	vt_server_cert_trust_left(const struct vctx *, struct verdict *);
void	vt_server_cert_rejected(const struct vctx *, struct verdict *);
void	vt_client_aborted(const struct vctx *, struct verdict *);
void	vt_client_quit(const struct vctx *, struct verdict *);
void	vt_alert_other(const struct vctx *, struct verdict *);
void	vt_server_closed_after_hello(const struct vctx *, struct verdict *);
void	vt_closed_before_tls(const struct vctx *, struct verdict *);
void	vt_server_silent(const struct vctx *, struct verdict *);
void	vt_incomplete(const struct vctx *, struct verdict *);

#endif
