#!/bin/sh
# corpora.sh - real-world regression: agreement with tshark's oracle on
# every TCP stream of ../shared/corpora (captures from public projects),
# once without key logs and once with them (the captures that have one:
# tlsdiag --keylog against tshark -o tls.keylog_file, the decrypted
# message sequences compared). Streams listed in expected/corpora-known.tsv
# and corpora-keys-known.tsv disagree for the reason given there; a listed
# stream that agrees now fails too, so the lists stay honest.
# --semantics also holds every verdict to DESIGN.md's semantics against
# tshark's view of the stream: a handshake that completed is never failed
# or incomplete, a connection without its ClientHello and SYN is neither
# certain nor failed, and none without a ClientHello is a certain TLS
# failure.
# Skipped when ../shared/corpora is not beside the clone (a user's clone).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

corpora="${TLSDIAG_CORPORA:-$top_srcdir/../shared/corpora}"
[ -f "$corpora/MANIFEST.json" ] || skip "skipped: no $corpora"
E="$top_srcdir/tests/e2e/expected"
if python3 "$TOOLS/corpora_compare.py" "$TLSDIAG" "$corpora" \
    "$E/corpora-known.tsv" --semantics; then pass; else
	fail "disagreements with tshark (see above)"; fi
# With keys, both lists apply: what disagrees without keys for another
# reason disagrees with them too.
cat "$E/corpora-known.tsv" "$E/corpora-keys-known.tsv" >"$TMP/known.tsv"
if python3 "$TOOLS/corpora_compare.py" "$TLSDIAG" "$corpora" \
    "$TMP/known.tsv" --keys --semantics; then pass; else
	fail "disagreements with tshark, key logs given (see above)"; fi
# Verdicts pinned where tshark shows the cause (tshark -Y 'tcp.port ==
# PORT'): SMTP without STARTTLS (zeek's smtp.pcap, port 49648: 220, EHLO,
# 250 with no STARTTLS, MAIL, DATA: once handshake_incomplete, certain);
# a client that closes at once after its ClientHello (suricata-verify's
# app-layer-protocol-prefilter, port 43210: once server_silent, certain,
# "0.0 s of silence"); nDPI's tls_1.2_unidirectional_client (port 43854,
# the client's side only: once server_silent).
for c in "zeek/testing/btest/Traces/smtp.pcap 49648 plaintext not_tls" \
    "suricata-verify/tests/app-layer-protocol-prefilter/input.pcap 43210 handshake_incomplete incomplete" \
    "ndpi/tests/cfgs/default/pcap/tls_1.2_unidirectional_client.pcapng 43854 handshake_not_seen unknown"; do
	# shellcheck disable=SC2086
	if pin_verdict "$corpora" $c; then pass; else fail "pinned verdict: $c"; fi
done
finish
