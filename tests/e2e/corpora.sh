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
# SSH through sslh on port 443 (zeek's ssl-and-ssh-using-sslh.pcap, port
# 49641; tshark -d tcp.port==443,ssh: an SSH-2.0 identification string
# from each side): plaintext, neither side expected TLS (it was not_tls,
# failed, certain, "use a TLS client (https://)").
S="$corpora/zeek/testing/btest/Traces/ssl-and-ssh-using-sslh.pcap"
n=$(tshark -r "$S" -d tcp.port==443,ssh -Y 'tcp.port == 49641 && ssh.protocol' \
    -T fields -e ssh.protocol 2>/dev/null | grep -c '^SSH-2.0-')
if [ "$n" -eq 2 ] &&
    pin_verdict "$corpora" zeek/testing/btest/Traces/ssl-and-ssh-using-sslh.pcap 49641 plaintext not_tls &&
    "$TLSDIAG" -q -r "$S" 2>/dev/null | grep ':49641 ' | grep -q 'SSH on port 443: not TLS'
then pass; else fail "sslh 49641: tshark $n SSH banners; want plaintext, SSH on port 443"; fi
# Two SYN-ACK ISNs (suricata-verify's tcp-fastopen-10, port 51615: tshark
# shows 3212050950 and 97572840 in turn, the last before the data the
# first; the client acknowledges 97572841, where the server's data
# starts): no bytes are missing ("1180489186 bytes missing" before).
T="$corpora/suricata-verify/tests/tcp-fastopen-10-syn-data-ignore/input.pcap"
isns=$(tshark -r "$T" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' -T fields \
    -e tcp.seq_raw 2>/dev/null | sort -u | wc -l)
first=$(tshark -r "$T" -Y 'tcp.srcport == 443 && tcp.len > 0' -T fields \
    -e tcp.seq_raw 2>/dev/null | head -1)
acked=$(tshark -r "$T" -Y 'tcp.dstport == 443 && tcp.len > 0 && tcp.flags.ack == 1' -T fields \
    -e tcp.ack_raw 2>/dev/null | head -1)
if [ "$isns" -eq 2 ] && [ "$first" = "$acked" ] &&
    "$TLSDIAG" --json -r "$T" 2>/dev/null | grep '"port":51615' |
    grep -q '"capture_loss":false' &&
    ! "$TLSDIAG" -v -r "$T" 2>/dev/null | grep -q 'missing'
then pass; else fail "tcp-fastopen-10: $isns ISNs, data at $first, acked $acked; want no gap"; fi
# suricata-verify's tls-subjectaltname: the client closes #56 (port 60168)
# at once after the handshake over an expired, self-signed certificate;
# the same client sent application data over the same certificate in #10
# (port 60000) seconds before (tshark: the same Certificate bytes, 6 and
# 0 client records of application data): not a rejection of the
# certificate (it was server_cert_expired, suspect).
A="$corpora/suricata-verify/tests/tls/tls-subjectaltname/input.pcap"
c1=$(tshark -r "$A" -Y 'tcp.port == 60000 && tls.handshake.certificate' -T fields \
    -e tls.handshake.certificate 2>/dev/null | md5sum)
c2=$(tshark -r "$A" -Y 'tcp.port == 60168 && tls.handshake.certificate' -T fields \
    -e tls.handshake.certificate 2>/dev/null | md5sum)
d1=$(tshark -r "$A" -Y 'tcp.srcport == 60000 && tls.app_data' 2>/dev/null | wc -l)
d2=$(tshark -r "$A" -Y 'tcp.srcport == 60168 && tls.app_data' 2>/dev/null | wc -l)
if [ "$c1" = "$c2" ] && [ "$d1" -gt 0 ] && [ "$d2" -eq 0 ] &&
    pin_verdict "$corpora" suricata-verify/tests/tls/tls-subjectaltname/input.pcap 60168 closed_after_handshake suspect &&
    "$TLSDIAG" -q -r "$A" 2>/dev/null | grep ':60168 ' |
    grep -q 'the same client sent data over this same chain in #10 '
then pass; else fail "tls-subjectaltname 60168: tshark same cert $([ "$c1" = "$c2" ] && echo yes), data $d1/$d2"; fi
# zeek's tls-1.2-protocol-error.pcap: the server answers the ClientHello
# with 7 bytes, 00 00 00 00 02 00 28 (tshark: tcp.payload of frame 6), an
# alert (handshake_failure, 40) with its type, version and level zeroed;
# it was "the server answered in plaintext ... use plaintext (http://)".
Z="$corpora/zeek/testing/btest/Traces/tls/tls-1.2-protocol-error.pcap"
pl=$(tshark -r "$Z" -Y 'frame.number == 6' -T fields -e tcp.payload 2>/dev/null)
if [ "$pl" = 00000000020028 ] && "$TLSDIAG" -q -r "$Z" 2>/dev/null |
    grep -q 'have the shape of an alert: handshake_failure'
then pass; else fail "tls-1.2-protocol-error: tshark payload '$pl'; want the alert's shape named"; fi
# zeek's heartbleed captures: the client's Heartbeat records (tshark:
# tls.record.content_type == 24) are on the timeline; a client that sent
# one did not "give up" (heartbleed.pcap and heartbleed-success.pcap were
# client_aborted, certain) nor "close at once without data" (heartbleed-encrypted-success,
# which got 60 KB of Heartbeat records back, was closed_after_handshake).
for f in heartbleed heartbleed-success heartbleed-encrypted-success; do
	F="$corpora/zeek/testing/btest/Traces/tls/$f.pcap"
	# The client's Heartbeat records (tshark lists a record at the frame
	# that completes it, tlsdiag at the one that starts it: counted, not
	# compared frame by frame).
	want=$(tshark -r "$F" -Y 'tls.record.content_type == 24 && tcp.dstport == 443' \
	    2>/dev/null | wc -l)
	got=$("$TLSDIAG" -r "$F" 2>/dev/null |
	    grep -cE '^ +[0-9]+ +frame [0-9]+ .* C -> S  Heartbeat ')
	if [ "$want" -gt 0 ] && [ "$got" -eq "$want" ] &&
	    ! "$TLSDIAG" -q -r "$F" 2>/dev/null | grep -q 'client_aborted\|closed_after_handshake'
	then pass; else fail "$f: $got client Heartbeat events, tshark $want records"; fi
done
finish
