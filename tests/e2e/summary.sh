#!/bin/sh
# summary.sh - the operator's summary (--summary), checked by independent
# means: the services, their connections and their causes of mixed-20
# against tshark (server port and SNI of each TCP stream) joined with the
# verdicts the capture script recorded (pcaps/expected.tsv); the client
# certificates listed under client-certificate causes against openssl's
# reading of the PKI files the script used (pcaps/README.md); the summary
# computed from JSON lines split in three files (--from-json) against the
# one-run summary; garbage lines counted, not fatal; text within 100
# columns.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
command -v tshark >/dev/null 2>&1 || skip "tshark is needed"
command -v openssl >/dev/null 2>&1 || skip "openssl is needed"
export SSLKEYLOGFILE=

# 1. mixed-20: services and causes against tshark + expected.tsv.
M="$PCAPS/mixed-20.pcap"
"$TLSDIAG" --json --summary -q -r "$M" | tail -n 1 >"$TMP/sum.json" ||
    fail "mixed-20: --json --summary exit $?"
tshark -r "$M" -d tcp.port==14443,tls -d tcp.port==14444,tls \
    -d tcp.port==14446,tls -T fields -e tcp.stream -e tcp.dstport \
    -e tls.handshake.extensions_server_name \
    -Y 'tcp.flags.syn==1 && tcp.flags.ack==0 || tls.handshake.type==1' \
    >"$TMP/tshark" 2>/dev/null || fail "tshark failed"
if msg=$(python3 - "$TMP/sum.json" "$TMP/tshark" "$PCAPS/expected.tsv" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
port, sni = {}, {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    st = int(f[0]) + 1
    port.setdefault(st, int(f[1]))
    if len(f) > 2 and f[2]:
        sni[st] = f[2]
want = {}
for line in open(sys.argv[3]):
    f = line.rstrip("\n").split("\t")
    if f[0] != "mixed-20.pcap":
        continue
    st, code = int(f[1]), f[2]
    key = (port[st], sni.get(st))
    w = want.setdefault(key, {"connections": 0, "causes": {}})
    w["connections"] += 1
    if code != "ok":
        w["causes"][code] = w["causes"].get(code, 0) + 1
got = {}
for v in s["services"]:
    key = (v["server"]["port"], v["sni"])
    got[key] = {"connections": v["connections"],
                "causes": {c["code"]: c["count"] for c in v["causes"]}}
    for c in v["causes"]:
        share = round(c["count"] / v["connections"], 4)
        if abs(c["share"] - share) > 1e-9:
            sys.exit("share of %s: %s, want %s" % (c["code"], c["share"], share))
if got != want:
    sys.exit("services differ:\n got %s\nwant %s" % (got, want))
if s["connections"] != 20 or s["outcomes"]["failed"] != 11:
    sys.exit("totals: %s" % s["outcomes"])
# Worst first: failing connections, then connections.
f = [sum(c["count"] for c in v["causes"]) for v in s["services"]]
if f != sorted(f, reverse=True):
    sys.exit("services not worst first: %s" % f)
EOF
); then pass; else fail "mixed-20 summary: $msg"; fi

# The text names each failing service with its causes and counts.
"$TLSDIAG" --summary -q -r "$M" | sed -n '/^Summary/,$p' >"$TMP/sum.txt"
for want in '^127\.0\.0\.1:14444  tls-server\.local$' \
    '^  6 connections, 3 failing (50\.0%), 1 client, ' \
    '^         3  50\.0%  client_cert_missing  .* failed  ' \
    '^127\.0\.0\.1:14445  (no SNI)$' \
    '^         3 100\.0%  tcp_refused  ' \
    '^         3  33\.3%  server_cert_untrusted  '; do
	if grep -q -- "$want" "$TMP/sum.txt"; then pass; else
		fail "text summary lacks /$want/"; fi
done
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMP/sum.txt")
if [ "$w" -le 100 ]; then pass; else fail "text summary is $w columns wide"; fi

# 2. Client certificates under client-certificate causes (openssl oracle).
set -- tls12-client-cert-untrusted:rogue-client \
    tls12-client-cert-expired:client-expired \
    tls12-client-cert-no-clientauth:client-noclientauth \
    tls12-client-cert-reset:client
args=""
for pc in "$@"; do
	cap=${pc%%:*}
	crt=${pc#*:}
	args="$args -r $PCAPS/$cap.pcap"
	openssl x509 -in "$PCAPS/pki/$crt.crt" -noout -subject -issuer \
	    -nameopt RFC2253 | sed 's/^[a-z]*=//' | tr '\n' '\t' >>"$TMP/certs"
	echo >>"$TMP/certs"
done
# shellcheck disable=SC2086
"$TLSDIAG" --json --summary -q $args | tail -n 1 >"$TMP/cc.json"
# shellcheck disable=SC2086
"$TLSDIAG" --summary -q $args | sed -n '/^Summary/,$p' >"$TMP/cc.txt"
if msg=$(python3 - "$TMP/cc.json" "$TMP/certs" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
want = sorted(tuple(l.rstrip("\n").split("\t")[:2]) for l in open(sys.argv[2]))
got = []
for v in s["services"]:
    for c in v["causes"]:
        if not c["code"].startswith("client_cert"):
            sys.exit("unexpected cause %s" % c["code"])
        for x in c["client_certs"]:
            got.append((x["subject"], x["issuer"]))
        if [a["ip"] for a in c["client_addresses"]] != ["127.0.0.1"]:
            sys.exit("client addresses %s" % c["client_addresses"])
if sorted(got) != want:
    sys.exit("client certificates:\n got %s\nwant %s" % (sorted(got), want))
EOF
); then pass; else fail "client certificates: $msg"; fi
if grep -q '^ *certificate  *1  CN=rogue-client,O=Rogue by CN=rogueCA$' \
    "$TMP/cc.txt"; then pass; else fail "text lacks the rogue client"; fi

# 3. --from-json over the JSON lines split in three equals one run, in
# text and in JSON (less the capture's packet counts and the input's).
all="-r $M $args -r $PCAPS/tls13-client-cert-untrusted.pcap"
# shellcheck disable=SC2086
"$TLSDIAG" --json $all >"$TMP/all.jsonl" || fail "json run exit $?"
n=$(wc -l <"$TMP/all.jsonl")
head -n 7 "$TMP/all.jsonl" >"$TMP/p1"
sed -n '8,15p' "$TMP/all.jsonl" >"$TMP/p2"
tail -n +16 "$TMP/all.jsonl" >"$TMP/p3"
# shellcheck disable=SC2086
"$TLSDIAG" --summary -q $all | sed -n '/^Summary/,/^Packets:/p' |
    sed '$d' >"$TMP/one.txt"
"$TLSDIAG" --summary --from-json "$TMP/p1" "$TMP/p2" - <"$TMP/p3" |
    sed '/^Input:/,$d' >"$TMP/fj.txt"
if [ "$n" -eq 25 ] && [ -s "$TMP/one.txt" ] && cmp -s "$TMP/one.txt" "$TMP/fj.txt"
then pass; else
	fail "from-json text differs ($n lines): $(diff "$TMP/one.txt" "$TMP/fj.txt" | head -5)"; fi
# shellcheck disable=SC2086
"$TLSDIAG" --json --summary -q $all | tail -n 1 >"$TMP/one.json"
"$TLSDIAG" --json --summary --from-json "$TMP/p1" "$TMP/p2" "$TMP/p3" \
    >"$TMP/fj.json"
# Garbage among the lines: counted and shown, the summary unchanged.
{ echo 'not json'; cat "$TMP/p1"; echo '{"id":1}'; printf '{"a":[1,2}\n';
  echo '{"summary":{}}'; cat "$TMP/p2" "$TMP/p3"; } >"$TMP/dirty"
"$TLSDIAG" --json --summary --from-json "$TMP/dirty" >"$TMP/dirty.json" \
    2>"$TMP/dirty.err"
if msg=$(python3 - "$TMP/one.json" "$TMP/fj.json" "$TMP/dirty.json" 2>&1 <<'EOF'
import json, sys
one = json.load(open(sys.argv[1]))["summary"]
fj = json.load(open(sys.argv[2]))["summary"]
dirty = json.load(open(sys.argv[3]))["summary"]
inp = fj.pop("input")
if inp != {"lines": 25, "reports": 25, "other_lines": 0, "bad_lines": 0,
           "unresolved_certs": 0}:
    sys.exit("input %s" % inp)
d = dirty.pop("input")
if d["bad_lines"] != 3 or d["other_lines"] != 1 or d["reports"] != 25:
    sys.exit("dirty input %s" % d)
for k in ("frames", "tcp", "not_tcp", "truncated", "malformed", "fragments",
          "evicted", "idle_closed", "clock_jumps", "clock_out_of_range"):
    one.pop(k)
for k in ("skipped", "skipped_ethertypes", "one_sided", "capture_loss",
          "memory_peak"):
    one.pop(k, None)
if one != fj:
    sys.exit("JSON summaries differ: " + ", ".join(
        k for k in sorted(set(one) | set(fj)) if one.get(k) != fj.get(k)))
if dirty != fj:
    sys.exit("garbage lines changed the summary")
EOF
); then pass; else fail "from-json: $msg"; fi
if [ "$(grep -c 'dirty:[0-9]*: ' "$TMP/dirty.err")" -eq 3 ]; then pass; else
	fail "bad lines not shown on stderr: $(cat "$TMP/dirty.err")"; fi

# 4. --verdict families and outcomes.
c=$("$TLSDIAG" -q --verdict client_cert -r "$M" $args | grep -c '^#')
if [ "$c" -eq 7 ]; then pass; else fail "--verdict client_cert: $c, want 7"; fi
c=$("$TLSDIAG" -q --verdict failed -r "$M" | grep -c '^#')
if [ "$c" -eq 11 ]; then pass; else fail "--verdict failed: $c, want 11"; fi
c=$("$TLSDIAG" -q --verdict ok,tcp -r "$M" | grep -c '^#')
if [ "$c" -eq 12 ]; then pass; else fail "--verdict ok,tcp: $c, want 12"; fi
# The man page's mTLS example (--verdict client_cert) finds every
# client-certificate rejection the capture script recorded, the TLS 1.3
# ones without keys included (of the 13 before kb-mtls.pcap, the exact
# codes alone found 6).
grep -q 'json \\-\\-verdict client_cert tcp port 443' \
    "$top_srcdir/man/tlsdiag.1" && pass || fail "man page mTLS example"
want=$(grep -c '	client_cert' "$PCAPS/expected.tsv")
got=0
for f in $(cut -f1 "$PCAPS/expected.tsv" | grep -v '^capture' | sort -u); do
	[ -f "$PCAPS/$f" ] || continue
	n=$("$TLSDIAG" -q --verdict client_cert -r "$PCAPS/$f" | grep -c '^#')
	got=$((got + n))
done
if [ "$want" -ge 15 ] && [ "$got" -eq "$want" ]; then pass; else
	fail "--verdict client_cert: $got of $want client-certificate rejections"; fi
if "$TLSDIAG" -q --verdict client_ce -r "$M" >/dev/null 2>&1; then
	fail "--verdict accepted a prefix inside a word"; else pass; fi
finish
