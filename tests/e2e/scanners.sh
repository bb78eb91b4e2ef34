#!/bin/sh
# scanners.sh - what real TLS scanners and a browser do that test clients
# do not, named for what it is (pcaps/scan-nmap-ccs.pcap,
# pcaps/scan-testssl.pcap and pcaps/chromium-mtls12.pcap, made by
# pcaps/make-captures.sh with Debian's nmap, testssl.sh and chromium). The codes are
# in tests/e2e/expected/verdicts.tsv; this checks the sentences and the
# frames they cite against tshark:
# - nmap's ssl-ccs-injection sends ChangeCipherSpec right after the
#   server's ServerHelloDone (tshark: a record of content type 20 from the
#   client, with no ClientKeyExchange before it); the server's
#   unexpected_message refuses the CVE-2014-0224 probe;
# - testssl.sh connects and closes without a byte (tshark: no client
#   payload, a FIN, then the server's decode_error): the alert answers
#   the close, there is no ClientHello to refuse;
# - testssl.sh leaves after the server's hello with a close_notify it
#   marks fatal (tshark: alert level 2, description 0): a close, not an
#   error alert.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"

# check CAPTURE PORT: tshark's frames of the probes, then tlsdiag's JSON,
# compared by the Python below (prints one line per problem).
check() {
	tshark -r "$PCAPS/$1" -d "tcp.port==$2,tls" -T fields \
	    -e tcp.stream -e frame.number -e tcp.srcport -e tcp.len \
	    -e tcp.flags.fin -e tls.record.content_type \
	    -e tls.alert_message.level -e tls.alert_message.desc \
	    -e tls.handshake.type >"$TMP/$1.tsv" 2>/dev/null ||
	    { fail "$1: tshark failed"; return; }
	SSLKEYLOGFILE='' "$TLSDIAG" --json -r "$PCAPS/$1" >"$TMP/$1.json" \
	    2>"$TMP/err" || { fail "$1: exit $?: $(cat "$TMP/err")"; return; }
	python3 - "$2" "$TMP/$1.tsv" "$TMP/$1.json" >"$TMP/msg" <<'PY'
import json, sys
port = sys.argv[1]
streams = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    streams.setdefault(int(f[0]), []).append(f)
conns = [json.loads(l) for l in open(sys.argv[3])]
conns = [c for c in conns if "verdict" in c]
conns.sort(key=lambda c: c["id"])
for i, frames in sorted(streams.items()):
    c = conns[i]
    v = c["verdict"]
    text = v["summary"] + " | " + " | ".join(v["evidence"])
    client = [f for f in frames if f[2] != port]
    server = [f for f in frames if f[2] == port]
    # The early ChangeCipherSpec: a client record of type 20 after the
    # server's ServerHelloDone (TLS 1.2) and before any client handshake
    # record after the first (the ClientHello).
    hs = [f for f in client if f[5].split(",")[0] == "22"]
    ccs = [f for f in client if "20" in f[5].split(",")]
    shd = [f for f in server if "14" in f[8].split(",")]
    if ccs and shd and int(shd[0][1]) < int(ccs[0][1]) and \
            len([f for f in hs if int(f[1]) < int(ccs[0][1])]) == 1:
        want = "frame %s: the client sent ChangeCipherSpec before its key exchange" % ccs[0][1]
        if want not in text or "CVE-2014-0224" not in v["summary"]:
            print("stream %d: early ChangeCipherSpec in frame %s not named: %s" % (i, ccs[0][1], text))
    # No client byte, a client FIN, then a server alert.
    if not any(int(f[3] or 0) for f in client) and any(f[4] == "1" for f in client):
        al = [f for f in server if f[6]]
        if al:
            if v["code"] != "closed_before_tls" or \
                    "answers that close, not a ClientHello" not in v["summary"]:
                print("stream %d: silent close answered by frame %s: %s %s" % (i, al[0][1], v["code"], v["summary"]))
    # A close_notify (any level) from the client after the server's hello.
    cn = [f for f in client if f[7] == "0"]
    if cn and hs and not ccs:
        if v["code"] != "client_aborted" or "close_notify" not in v["summary"] or \
                ("frame %s: client sent close_notify" % cn[0][1]) not in text:
            print("stream %d: close_notify in frame %s (level %s): %s %s" % (i, cn[0][1], cn[0][6], v["code"], v["summary"]))
print("checked %d" % len(streams))
PY
	if grep -v '^checked' "$TMP/msg" >/dev/null; then
		fail "$1: $(grep -v '^checked' "$TMP/msg" | head -3)"
	elif ! grep -q '^checked [1-9]' "$TMP/msg"; then
		fail "$1: nothing checked"
	else
		pass
	fi
}

# The ports the captures were made on (tshark decodes them as TLS).
check scan-nmap-ccs.pcap "$(tshark -r "$PCAPS/scan-nmap-ccs.pcap" -c 1 \
    -T fields -e tcp.dstport 2>/dev/null)"
check scan-testssl.pcap "$(tshark -r "$PCAPS/scan-testssl.pcap" -c 1 \
    -T fields -e tcp.dstport 2>/dev/null)"
# Each probe is in its capture (the checks above would pass vacuously
# otherwise): counted from tshark's fields.
n=$(awk -F'\t' '$8 == "0" && $7 == "2"' "$TMP/scan-testssl.pcap.tsv" | wc -l)
[ "$n" -ge 3 ] && pass || fail "scan-testssl.pcap: $n fatal close_notify alerts, want 3 or more"
n=$(awk -F'\t' '$8 == "10"' "$TMP/scan-nmap-ccs.pcap.tsv" | wc -l)
[ "$n" -eq 1 ] && pass || fail "scan-nmap-ccs.pcap: $n unexpected_message alerts, want 1"

# Chromium (pcaps/chromium-mtls12.pcap) asked for a client certificate, with
# none to give: it closes after the server's flight (it would ask its user),
# then connects again with an empty Certificate. tshark: the frame of each
# CertificateRequest (type 13) and the names in it, and streams whose only
# client handshake record is the ClientHello. Such a close names the
# request and its CA.
cap=chromium-mtls12.pcap
port=$(tshark -r "$PCAPS/$cap" -c 1 -T fields -e tcp.dstport 2>/dev/null)
tshark -r "$PCAPS/$cap" -d "tcp.port==$port,tls" -Y tls.handshake -T fields \
    -e tcp.stream -e frame.number -e tcp.srcport -e tls.handshake.type \
    >"$TMP/cr.tsv" 2>/dev/null || fail "$cap: tshark failed"
SSLKEYLOGFILE='' "$TLSDIAG" --json -r "$PCAPS/$cap" >"$TMP/cr.json" 2>/dev/null ||
    fail "$cap: tlsdiag failed"
if msg=$(python3 - "$port" "$TMP/cr.tsv" "$TMP/cr.json" <<'PY'
import json, sys
port = sys.argv[1]
cr, client_hs = {}, {}
for line in open(sys.argv[2]):
    st, fr, sport, types = line.rstrip("\n").split("\t")
    st = int(st)
    if sport == port and "13" in types.split(","):
        cr[st] = fr
    if sport != port:
        client_hs[st] = client_hs.get(st, 0) + 1
conns = sorted((json.loads(l) for l in open(sys.argv[3])), key=lambda c: c["id"])
quits = [st for st in cr if client_hs.get(st) == 1]
errs = []
for st in quits:
    v = conns[st]["verdict"]
    ev = " | ".join(v["evidence"])
    if v["code"] != "client_aborted" or \
            "asked for a client certificate from the CAs (CN=clientCA,O=LMT Corp)" not in v["summary"] or \
            ("frame %s: server sent CertificateRequest" % cr[st]) not in ev:
        errs.append("stream %d: %s %s | %s" % (st, v["code"], v["summary"], ev))
if not quits:
    errs.append("no connection closed after a CertificateRequest (tshark)")
print("; ".join(errs))
sys.exit(1 if errs else 0)
PY
); then pass; else fail "$cap: $msg"; fi
finish
