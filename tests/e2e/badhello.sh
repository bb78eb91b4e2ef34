#!/bin/sh
# badhello.sh - issue 15 case 7: a ClientHello with one malformed extension
# keeps what was read. pcaps/derived/tls13-bad-alpn.pcap (made by
# pcaps/tools/bad-alpn.sh): curl's recorded ClientHello with the ALPN list
# length changed from 12 to 1, sent to a real openssl s_server, which
# answers decode_error. Checked against tshark: the SNI, the offered
# versions and the number of suites tlsdiag reports are tshark's, tshark
# flags the ALPN vector, and tlsdiag names it ("malformed ALPN extension")
# in the event and the verdict.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
cap="$PCAPS/derived/tls13-bad-alpn.pcap"
tshark -r "$cap" -d tcp.port==14490,tls -Y 'tls.handshake.type == 1' \
    -T fields -e frame.number \
    -e tls.handshake.extensions_server_name \
    -e tls.handshake.extensions.supported_version \
    -e tls.handshake.cipher_suites_length -e _ws.expert.message \
    >"$TMP/oracle" 2>/dev/null || fail "tshark failed"
SSLKEYLOGFILE='' "$TLSDIAG" --json -r "$cap" >"$TMP/out" 2>"$TMP/err" ||
    fail "exit $?: $(cat "$TMP/err")"
if msg=$(python3 - "$TMP/oracle" "$TMP/out" <<'PY'
import json, sys
f = open(sys.argv[1]).read().strip().split("\t")
frame, sni, versions, suites_len, expert = int(f[0]), f[1], f[2], int(f[3]), f[4]
c = json.loads(open(sys.argv[2]).readline())
errs = []
if "Vector length 1 is smaller than minimum 2" not in expert:
    errs.append("tshark does not flag the ALPN list: %r" % expert)
ch = [e for e in c["events"] if e["type"] == "ClientHello"]
if len(ch) != 1 or ch[0]["frame"] != frame:
    errs.append("ClientHello events %r, tshark frame %d" % (ch, frame))
else:
    ch = ch[0]
    if ch.get("sni") != sni or c["tls"].get("sni") != sni:
        errs.append("SNI %r / %r, tshark %r" % (ch.get("sni"), c["tls"].get("sni"), sni))
    # The highest supported_versions entry tshark lists is 0x0304.
    if max(int(x, 16) for x in versions.split(",")) != 0x0304 or \
            ch.get("version") != "TLS1.3":
        errs.append("version %r, tshark %r" % (ch.get("version"), versions))
    if ch.get("note") != "malformed ALPN extension":
        errs.append("note %r" % ch.get("note"))
v = c["verdict"]
if (v["code"], v["confidence"]) != ("server_rejected_hello", "certain"):
    errs.append("verdict %s %s" % (v["code"], v["confidence"]))
want = ("frame %d: the ClientHello is not well-formed (malformed ALPN "
        "extension); the rest of it was read" % frame)
if want not in v["evidence"]:
    errs.append("no %r in %r" % (want, v["evidence"]))
if not any("decode_error" in e for e in v["evidence"]):
    errs.append("no decode_error in %r" % v["evidence"])
if errs:
    print("; ".join(errs))
    sys.exit(1)
PY
); then pass; else fail "$msg"; fi
# The number of suites offered, as the text output shows it (suites=N).
n=$(python3 -c 'import sys; print(int(sys.argv[1].split("\t")[3]) // 2)' \
    "$(cat "$TMP/oracle")")
if SSLKEYLOGFILE='' "$TLSDIAG" -r "$cap" | grep -q "ClientHello TLS1.3 sni=tls-server.local suites=$n malformed ALPN extension"; then
	pass; else fail "text ClientHello line lacks suites=$n"; fi
finish
