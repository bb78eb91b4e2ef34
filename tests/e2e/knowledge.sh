#!/bin/sh
# knowledge.sh - knowledge across connections (issue 16): a TLS 1.3
# connection whose certificates are encrypted is judged on the chain another
# connection to the same server showed, only when that is the chain it got.
#
# The premise is checked with tshark and the key logs, independently of
# tlsdiag: in pcaps/kb-*.pcap tshark decrypts every TLS 1.3 connection and
# says which chain it really received, in which frame and record length.
# tlsdiag, without the keys, must (a) infer from the known chain exactly
# where tshark shows it is the same chain, naming that frame and length,
# and (b) infer nothing where the chain differs (another name) or the
# server differs (another port). The codes themselves are asserted in
# verdicts.tsv; this test checks what the inference rests on.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
command -v tshark >/dev/null || skip "tshark not installed"

# tshark_chains CAP: per TCP stream (1-based, tlsdiag's id when the capture
# starts with SYNs), the server chain (certificate bytes, hashed), the frame
# and the record length that carried the Certificate, and the server port.
tshark_chains() {
	tshark -r "$PCAPS/$1" -o "tls.keylog_file:$PCAPS/${1%.pcap}.keys" \
	    -Y 'tls.handshake.type == 11 && tcp.srcport < 20000' \
	    -T fields -E occurrence=a -E aggregator=, -e tcp.stream \
	    -e frame.number -e tls.record.length -e tls.handshake.type \
	    -e tls.handshake.certificate -e tcp.srcport \
	    -e tls.record.content_type 2>/dev/null |
	python3 -c '
import hashlib, sys
for line in sys.stdin:
    st, fr, rl, ht, certs, port, ct = line.rstrip("\n").split("\t")
    types, lens, cts = ht.split(","), rl.split(","), ct.split(",")
    # the record that holds the Certificate: these servers send one
    # handshake message per record, so the handshake records (content
    # type 22, inner type once decrypted) pair with the message types
    hs = [lens[i] for i in range(len(lens)) if cts[i] == "22"]
    rec = hs[types.index("11")] if len(hs) == len(types) else "0"
    h = hashlib.sha256(certs.encode()).hexdigest()[:16]
    print(int(st) + 1, fr, rec, h, port)
'
}

check_capture() {
	cap=$1
	tshark_chains "$cap" >"$TMP/$cap.chains"
	"$TLSDIAG" --json -r "$PCAPS/$cap" >"$TMP/$cap.json" 2>"$TMP/err" ||
	    { fail "$cap: exit $?: $(cat "$TMP/err")"; return; }
	if msg=$(python3 - "$TMP/$cap.chains" "$TMP/$cap.json" <<'EOF'
import json, re, sys
chains = {}
for line in open(sys.argv[1]):
    cid, fr, rec, h, port = line.split()
    chains[int(cid)] = (int(fr), int(rec), h, port)
conns = {}
for line in open(sys.argv[2]):
    o = json.loads(line)
    if "id" in o:
        conns[o["id"]] = o
bad = []
# the connections whose chain is in the clear: TLS 1.2
clear = {cid: c for cid, c in chains.items()
         if conns[cid]["tls"]["version"] == "TLS1.2"}
if not clear:
    bad.append("no TLS 1.2 connection shows a chain")
for cid, (fr, rec, h, port) in sorted(chains.items()):
    o = conns[cid]
    if o["tls"]["version"] != "TLS1.3":
        continue
    ev = " | ".join(o["verdict"]["evidence"])
    m = re.search(r"sent in #(\d+) .*record in frame (\d+) is (\d+) bytes",
                  ev)
    same = [k for k, c in clear.items() if c[2] == h and c[3] == port]
    if same and not m:
        bad.append(f"#{cid}: tshark shows the chain of #{same[0]} "
                   f"(frame {fr}, {rec} bytes), tlsdiag inferred nothing")
    elif not same and m:
        bad.append(f"#{cid}: tlsdiag inferred the chain of #{m.group(1)}, "
                   f"tshark shows another chain")
    elif m and (int(m.group(1)) not in same or int(m.group(2)) != fr or
                int(m.group(3)) != rec):
        bad.append(f"#{cid}: tlsdiag says #{m.group(1)}, frame "
                   f"{m.group(2)}, {m.group(3)} bytes; tshark: one of "
                   f"{same}, frame {fr}, {rec} bytes")
    if not same and o["verdict"].get("code") != "server_cert_rejected" and \
            o["verdict"]["confidence"] == "inferred" and \
            o["verdict"]["code"] != "server_cert_untrusted":
        bad.append(f"#{cid}: no chain known, yet {o['verdict']['code']}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
	); then
		pass
	else
		fail "$cap: $msg"
	fi
}

for cap in kb-name-mismatch.pcap kb-expired.pcap kb-untrusted.pcap \
    kb-other-name.pcap kb-other-server.pcap; do
	check_capture "$cap"
done

# The negative cases must really be negative: tshark shows chains that
# differ from the known one (another name), or another server port.
if [ "$(cut -d' ' -f4 "$TMP/kb-other-name.pcap.chains" | sort -u | wc -l)" -eq 2 ]; then
	pass
else
	fail "kb-other-name: tshark should show two different chains"
fi
if [ "$(cut -d' ' -f5 "$TMP/kb-other-server.pcap.chains" | sort -u | wc -l)" -eq 2 ]; then
	pass
else
	fail "kb-other-server: tshark should show two server ports"
fi

# A client that used the chain is no proof for another name: in
# kb-name-mismatch, with its key log, #1 sent data over the chain for
# other.local and #2 closed at once for tls-server.local (tshark: the
# SNI of each stream); #2 stays server_cert_name_mismatch (suspect), not
# "the same client sent data over this same chain in #1".
names=$(tshark -r "$PCAPS/kb-name-mismatch.pcap" -Y 'tls.handshake.type == 1' \
    -T fields -e tcp.srcport -e tls.handshake.extensions_server_name 2>/dev/null |
    awk '$1 == 50360 || $1 == 50376 { printf "%s ", $2 }')
if [ "$names" = "other.local tls-server.local " ] &&
    "$TLSDIAG" --json --keylog "$PCAPS/kb-name-mismatch.keys" \
    -r "$PCAPS/kb-name-mismatch.pcap" 2>/dev/null | grep '"port":50376' |
    grep -q '"code":"server_cert_name_mismatch","outcome":"suspect"'
then pass; else fail "kb-name-mismatch #2 with keys: tshark names '$names'"; fi

# The client side: kb-mtls #1 (TLS 1.2) shows the CertificateRequest in the
# clear; the TLS 1.3 rejections #2 and #3 name the CA it accepted, as
# tshark reads it in #1, and no CA list where nothing showed one.
want=$(tshark -r "$PCAPS/kb-mtls.pcap" -Y 'tls.handshake.type == 13' -V 2>/dev/null |
    sed -n 's/.*Distinguished Name: (id-at-commonName=\([^,]*\),id-at-organizationName=\([^)]*\)).*/CN=\1,O=\2/p' | head -1)
"$TLSDIAG" --json -r "$PCAPS/kb-mtls.pcap" >"$TMP/mtls.json" 2>&1
if [ -n "$want" ] && python3 - "$TMP/mtls.json" "$want" <<'EOF2'
import json, sys
conns = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "id" in o:
        conns[o["id"]] = o
ok = True
for cid in (2, 3):
    ev = " | ".join(conns[cid]["verdict"]["evidence"])
    if "in #1 (frame" not in ev or sys.argv[2] not in ev:
        print("#%d: no CA list from #1 (%s) in: %s" % (cid, sys.argv[2], ev))
        ok = False
sys.exit(0 if ok else 1)
EOF2
then
	pass
else
	fail "kb-mtls: the CA list of #1 ($want) not used for #2/#3"
fi
# No CertificateRequest anywhere in kb-untrusted: no CA list inferred.
if grep -q 'accepted client certificates' "$TMP/kb-untrusted.pcap.json"; then
	fail "kb-untrusted: a CA list was inferred from nothing"
else
	pass
fi

# Streaming vs --two-pass: in kb-late the TLS 1.3 rejection (#1) comes
# before the TLS 1.2 connection that shows the chain (#2). Streamed, #1 is
# reported before anything is known (verdicts.tsv); with --two-pass the
# first pass learns the chain and #1 gets the name mismatch, as tshark's
# decryption of #1 shows it received the chain #2 shows.
"$TLSDIAG" --json --two-pass -r "$PCAPS/kb-late.pcap" >"$TMP/late.json" 2>&1
if python3 "$TOOLS/check_verdicts.py" "$TMP/late.json" 1 \
    server_cert_name_mismatch inferred >"$TMP/msg" &&
    python3 "$TOOLS/check_verdicts.py" "$TMP/late.json" 2 ok certain \
    >>"$TMP/msg" && grep -q 'sent in #2 ' "$TMP/late.json"; then
	pass
else
	fail "kb-late --two-pass: $(cat "$TMP/msg")"
fi
tshark_chains kb-late.pcap >"$TMP/late.chains"
if [ "$(cut -d' ' -f4 "$TMP/late.chains" | sort -u | wc -l)" -eq 1 ] &&
    [ "$(wc -l <"$TMP/late.chains")" -eq 2 ]; then
	pass
else
	fail "kb-late: tshark should show one chain in both connections"
fi
# Where nothing is learnt late, --two-pass changes nothing.
for cap in mixed-20.pcap kb-name-mismatch.pcap tls13-ok.pcap; do
	"$TLSDIAG" --json -r "$PCAPS/$cap" >"$TMP/one.json" 2>&1
	"$TLSDIAG" --json --two-pass -r "$PCAPS/$cap" >"$TMP/two.json" 2>&1
	if cmp -s "$TMP/one.json" "$TMP/two.json"; then
		pass
	else
		fail "$cap: --two-pass differs from one pass"
	fi
done
# From standard input there is no second pass: one pass, same output.
"$TLSDIAG" --json --two-pass -r - <"$PCAPS/kb-late.pcap" >"$TMP/late-stdin.json" 2>&1
if python3 "$TOOLS/check_verdicts.py" "$TMP/late-stdin.json" 1 \
    server_cert_rejected inferred >"$TMP/msg"; then
	pass
else
	fail "kb-late --two-pass from stdin: $(cat "$TMP/msg")"
fi

# Elimination with keys (gnutls-cli trusting only rogueCA answers the
# normal chain with bad_certificate): without a CA file, trust is left
# (inferred, verdicts.tsv); with --ca-file it is certain either way:
# rogueCA does not verify the chain (untrusted), rootCA does (the client's
# own policy: server_cert_rejected).
for v in 12 13; do
	cap=tls$v-gnutls-untrusted-root
	k=
	[ "$v" = 13 ] && k="--keylog $PCAPS/$cap.keys"
	for ca in rogueCA:server_cert_untrusted rootCA:server_cert_rejected; do
		# shellcheck disable=SC2086
		"$TLSDIAG" --json $k --ca-file "$PCAPS/pki/${ca%%:*}.crt" \
		    -r "$PCAPS/$cap.pcap" >"$TMP/elim.json" 2>&1
		if python3 "$TOOLS/check_verdicts.py" "$TMP/elim.json" 1 \
		    "${ca#*:}" certain >"$TMP/msg"; then
			pass
		else
			fail "$cap --ca-file ${ca%%:*}: $(cat "$TMP/msg")"
		fi
	done
done

# With --ca-file, the elimination becomes a finding: the chain known for
# kb-untrusted #3 (gnutls-cli trusting only rogueCA) does not verify
# against rogueCA; against rootCA it verifies, so no trust guess is left.
"$TLSDIAG" --json --ca-file "$PCAPS/pki/rogueCA.crt" -r "$PCAPS/kb-untrusted.pcap" \
    --id 3 >"$TMP/ca.json" 2>&1
if python3 "$TOOLS/check_verdicts.py" "$TMP/ca.json" 1 server_cert_untrusted \
    inferred >"$TMP/msg" && grep -q 'does not verify against the given CA file' "$TMP/ca.json"; then
	pass
else
	fail "kb-untrusted #3 --ca-file rogueCA: $(cat "$TMP/msg")"
fi
"$TLSDIAG" --json --ca-file "$PCAPS/pki/rootCA.crt" -r "$PCAPS/kb-untrusted.pcap" \
    --id 3 >"$TMP/ca2.json" 2>&1
if python3 "$TOOLS/check_verdicts.py" "$TMP/ca2.json" 1 server_cert_rejected \
    inferred >"$TMP/msg" && grep -q 'verifies against the CA file given' "$TMP/ca2.json"; then
	pass
else
	fail "kb-untrusted #3 --ca-file rootCA: $(cat "$TMP/msg")"
fi

finish
