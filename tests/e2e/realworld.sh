#!/bin/sh
# realworld.sh - second real-world regression set: agreement with tshark's
# oracle on every TCP stream of tests/realworld (captures from public
# projects not in ../shared/corpora: Cisco Joy and Mercury, PcapPlusPlus,
# Scapy, CESNET ipfixprobe, hotplace, pcapFS, tlsfuzzer, PCAPdroid, ja3;
# provenance in tests/realworld/MANIFEST.md),
# once without key logs and once with them. The set is in the repository,
# so this test always runs. Streams listed in expected/realworld-known.tsv
# disagree for the reason given there (a listed stream that agrees now
# fails too); --semantics holds every verdict to DESIGN.md's semantics
# against tshark's view of the stream (see corpora.sh).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

set_dir="$top_srcdir/tests/realworld"
E="$top_srcdir/tests/e2e/expected"
[ -f "$set_dir/MANIFEST.json" ] || { fail "no $set_dir/MANIFEST.json"; finish; }
if python3 "$TOOLS/corpora_compare.py" "$TLSDIAG" "$set_dir" \
    "$E/realworld-known.tsv" --semantics; then pass; else
	fail "disagreements with tshark (see above)"; fi
# With keys, both lists apply (as in corpora.sh).
cat "$E/realworld-known.tsv" "$E/realworld-keys-known.tsv" >"$TMP/known.tsv"
if python3 "$TOOLS/corpora_compare.py" "$TLSDIAG" "$set_dir" \
    "$TMP/known.tsv" --keys --semantics; then pass; else
	fail "disagreements with tshark, key logs given (see above)"; fi
# Verdicts pinned where tshark shows the cause (each checked by hand with
# tshark -Y 'tcp.port == PORT'): PCAPdroid's metadata.pcap holds only the
# client's side of its IPv6 flows, and the client's ACKs acknowledge 4308
# and 5919 bytes of the server's (so no server_silent); its port 80 flow
# is an HTTP GET whose answer the client acknowledged (plaintext, not
# not_tls); pcapFS's "pcapFStest\n" to port 12345 is followed by the
# client's own FIN (plaintext); tlsfuzzer's 270 connections each end in a
# plaintext bad_record_mac alert.
# Mercury's emix.pcap holds plaintext sessions of server-first protocols
# that tlsdiag follows for a STARTTLS that never comes: an anonymous FTP
# session on port 21 (port 62014: 220 ProFTPD, USER, PASS, 230, SYST...)
# and MySQL sessions on 3306 (ports 56162 and 33416: a server greeting,
# a login request, results), once closed_before_tls (failed, certain).
# OpenVPN over TCP, once plaintext (not_tls): its TLS read out of the
# control channel is a completed handshake (tshark -d tcp.port==10103,openvpn
# on ipfixprobe's ovpn.pcap: Client Hello 8, Server Hello 11, both Change
# Cipher Specs, application data; on mercury's openvpn_tcp_single.pcap with
# -o openvpn.tls_auth:TRUE -o openvpn.tls_auth_hmac_size:32: Client Hello
# 15, Server Hello 17, then both sides' encrypted records and data).
M=pcapdroid/app/src/main/jni/tests/pcap/metadata.pcap
E=mercury/unit_tests/pcaps/emix.pcap
for c in "$M 59424 handshake_not_seen unknown" "$M 45226 handshake_not_seen unknown" \
    "$M 49936 plaintext not_tls" \
    "pcapfs/tests/system/system-tests.pcapng 41685 plaintext not_tls" \
    "$E 62014 plaintext not_tls" "$E 56162 plaintext not_tls" \
    "$E 33416 plaintext not_tls" \
    "mercury/unit_tests/pcaps/faketls_potatovpn.pcap 61938 server_silent failed" \
    "pcapplusplus/Tests/ExamplesTest/pcap_examples/tls.pcap 55305 handshake_incomplete incomplete" \
    "ipfixprobe/tests/functional/inputs/ovpn.pcap 54113 ok ok" \
    "mercury/unit_tests/pcaps/openvpn_tcp_single.pcap 38764 ok ok"; do
	# shellcheck disable=SC2086
	if pin_verdict "$set_dir" $c; then pass; else fail "pinned verdict: $c"; fi
done
n=$(tshark -r "$set_dir/$E" -Y 'tcp.port == 62014 && ftp.request.command == "USER"' \
    2>/dev/null | wc -l)
if [ "$n" -eq 1 ] && "$TLSDIAG" -q --summary -r "$set_dir/$E" 2>/dev/null |
    grep -q ':62014 -> .* FTP on port 21 without AUTH TLS: not TLS'; then pass; else
	fail "emix 62014: tshark $n USER commands; want FTP on port 21 without AUTH TLS"; fi
# PcapPlusPlus's tls.pcap, port 55305 (above): the client sent its second
# flight and data (frames 17-19) before its FIN; the server never sent its
# Finished: not "the client gave up" (client_aborted, certain) as it was.
# metadata.pcap, port 44904: one SYN, reset by the client 6.4 s later, in a
# capture with no packet of any IPv6 server: tcp_no_answer, inferred.
if "$TLSDIAG" --json -r "$set_dir/$M" 2>/dev/null | grep '"port":44904' |
    grep -q '"code":"tcp_no_answer","outcome":"failed","confidence":"inferred"'
then pass; else fail "metadata.pcap 44904: want tcp_no_answer inferred"; fi
# emix.pcap's SOCKS4 and SOCKS5 tunnels from ports 53533 and 53535 carry
# plain HTTP to port 80 (tshark: socks.dstport 80, then GET and 200 OK):
# plaintext, not a not_tls failure as before.
for p in 53533 53535; do
	d=$(tshark -r "$set_dir/$E" -Y "tcp.port == $p && socks.dstport" \
	    -T fields -e socks.dstport 2>/dev/null | head -1)
	if [ "$d" = 80 ] && "$TLSDIAG" -q --summary -r "$set_dir/$E" 2>/dev/null |
	    grep ":$p -> " | grep -q "HTTP through the SOCKS[45] proxy to port 80: not TLS"
	then pass; else fail "emix $p: tshark port $d; want HTTP through the proxy to port 80"; fi
done
# emix.pcap, port 53068 to 389: SYN, SYN-ACK, ACK (frames 1639-1641), then
# nothing for 120 s, the server's FIN and the client's reset (2216, 2217).
# The first part is reported idle (60 s); the reset is the rest of that
# connection, not one whose start the capture missed ("it started after
# the handshake", as it said).
first=$("$TLSDIAG" --json -r "$set_dir/$E" 2>/dev/null | python3 -c '
import json, sys
v = [o for o in map(json.loads, sys.stdin)
     if "client" in o and o["client"]["port"] == 53068]
print(len(v), v[0]["id"], v[1].get("continues"), v[1]["verdict"]["code"])')
set -- $first
want=$(tshark -r "$set_dir/$E" -Y 'frame.number == 1641 || frame.number == 2217' \
    -T fields -e frame.time_epoch 2>/dev/null |
    awk 'NR == 1 { a = $1 } NR == 2 { printf "%.1f", $1 - a }')
if [ "$1" = 2 ] && [ "$3" = "$2" ] && [ "$4" = handshake_not_seen ] &&
    "$TLSDIAG" -q -r "$set_dir/$E" 2>/dev/null | grep ':53068 ' | grep -q \
    "this is the rest of connection #$2, which was reported when it went idle: after $want s of silence"
then pass; else fail "emix 53068: $first, tshark silence $want s; want the rest of the first"; fi
# faketls_potatovpn.pcap, port 61938: the ClientHello (frame 6), the
# client's FIN 0.9 s later (frame 54), nothing from the server but ACKs.
F=mercury/unit_tests/pcaps/faketls_potatovpn.pcap
want=$(tshark -r "$set_dir/$F" -Y 'frame.number == 6 || frame.number == 54' \
    -T fields -e frame.time_epoch 2>/dev/null |
    awk 'NR == 1 { a = $1 } NR == 2 { printf "%.1f", $1 - a }')
if "$TLSDIAG" -q -r "$set_dir/$F" 2>/dev/null | grep ':61938 ' |
    grep -q "($want s of silence, then the client closed)"; then pass; else
	fail "faketls_potatovpn 61938: want $want s of silence, then the client closed"; fi
n=$("$TLSDIAG" --json -r "$set_dir/tlsfuzzer/tests/capture.pcap" 2>/dev/null |
    grep -c '"code":"alert_other","outcome":"failed","confidence":"certain"')
t=$(tshark -r "$set_dir/tlsfuzzer/tests/capture.pcap" \
    -Y 'tls.alert_message.desc == 20' 2>/dev/null | wc -l)
if [ "$n" -eq 270 ] && [ "$t" -eq 270 ]; then pass; else
	fail "tlsfuzzer: $n alert_other certain, tshark $t bad_record_mac alerts, want 270"; fi
# hotplace's http2.pcapng, with its key log: the connection from port
# 3391 resumed a TLS 1.3 session (tshark: the ServerHello carries
# pre_shared_key; EncryptedExtensions and Finished follow, no Certificate)
# and the client answered certificate_unknown. No certificate was sent in
# it: the verdict must not say its certificates are encrypted.
H=hotplace/test/testcase/tls/http
n=$(tshark -r "$set_dir/$H/http2.pcapng" -o "tls.keylog_file:$set_dir/$H/sslkeylog" \
    -Y 'tcp.port == 3391 && tls.handshake.type == 11' 2>/dev/null | wc -l)
for tp in "" --two-pass; do
	"$TLSDIAG" --json $tp --keylog "$set_dir/$H/sslkeylog" \
	    -r "$set_dir/$H/http2.pcapng" 2>/dev/null |
	    grep '"port":3391' >"$TMP/resumed.json"
	if [ "$n" -eq 0 ] && grep -q 'resumed' "$TMP/resumed.json" &&
	    ! grep -q 'encrypted (TLS 1.3' "$TMP/resumed.json" &&
	    ! grep -q 'encrypted in TLS 1.3' "$TMP/resumed.json"; then pass; else
		fail "http2.pcapng 3391 $tp: tshark $n Certificate messages; $(grep -o '"summary":"[^"]*"' "$TMP/resumed.json" | head -1)"; fi
done
finish
