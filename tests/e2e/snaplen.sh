#!/bin/sh
# snaplen.sh - issue 15 case 8: captures cut to a 120-byte snapshot length
# (pcaps/derived/*-snap120.pcap, editcap -s 120 of real captures, made by
# pcaps/tools/snaplen.sh). Checked against tshark, the oracle:
#  - the summary's "truncated" equals tshark's count of frames whose
#    captured length is below their wire length;
#  - each connection's snaplen_cut packets and bytes equal tshark's cut
#    TCP segments with payload and the bytes they lost per direction;
#  - no verdict is certain, the client-certificate rejections are not
#    blamed on the hello (server_rejected_hello), and the evidence says
#    "N packets of this connection were cut by the snapshot length (-s)";
#  - every byte the cut lost is in a Gap event marked as cut.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
for n in tls12-client-cert-untrusted tls13-client-cert-untrusted tls12-ok; do
	cap="$PCAPS/derived/$n-snap120.pcap"
	tshark -r "$cap" -T fields -e frame.cap_len -e frame.len -e tcp.len \
	    -e tcp.srcport -e tcp.dstport >"$TMP/oracle" 2>/dev/null ||
	    { fail "$n: tshark failed"; continue; }
	SSLKEYLOGFILE='' "$TLSDIAG" --json --summary -r "$cap" >"$TMP/out" \
	    2>"$TMP/err" || { fail "$n: exit $?: $(cat "$TMP/err")"; continue; }
	if msg=$(python3 - "$TMP/oracle" "$TMP/out" "$n" <<'PY'
import json, sys
oracle, out, name = sys.argv[1:4]
cut_frames = 0
want = {"c2s": [0, 0], "s2c": [0, 0]}
client = None
for line in open(oracle):
    f = line.rstrip("\n").split("\t")
    cap, wire = int(f[0]), int(f[1])
    tlen = int(f[2]) if f[2] else 0
    sport = f[3]
    if client is None and sport:
        client = sport          # the SYN comes first in these captures
    if cap < wire:
        cut_frames += 1
        if tlen > 0:
            d = "c2s" if sport == client else "s2c"
            want[d][0] += 1
            want[d][1] += wire - cap
lines = [json.loads(l) for l in open(out)]
conns = [l for l in lines if "summary" not in l]
summ = [l["summary"] for l in lines if "summary" in l][0]
errs = []
if summ["truncated"] != cut_frames:
    errs.append("summary truncated %d, tshark %d" % (summ["truncated"], cut_frames))
if len(conns) != 1:
    errs.append("%d connections, want 1" % len(conns))
c = conns[0]
for d in ("c2s", "s2c"):
    got = (c["snaplen_cut"]["packets"][d], c["snaplen_cut"]["bytes"][d])
    if got != tuple(want[d]):
        errs.append("%s cut %s, tshark %s" % (d, got, tuple(want[d])))
v = c["verdict"]
if v["confidence"] != "inferred":
    errs.append("confidence %s" % v["confidence"])
if v["code"] == "server_rejected_hello":
    errs.append("code %s (%s)" % (v["code"], v["outcome"]))
n = want["c2s"][0] + want["s2c"][0]
line = "%d packets of this connection were cut by the snapshot length (-s)" % n
if line not in v["evidence"]:
    errs.append("no evidence line %r in %r" % (line, v["evidence"]))
gap = sum(e["bytes"] for e in c["events"] if e["type"] == "Gap" and
          "cut by the snapshot length" in e.get("note", ""))
if gap != want["c2s"][1] + want["s2c"][1]:
    errs.append("gap bytes marked cut %d, lost %d" % (gap, want["c2s"][1] + want["s2c"][1]))
if errs:
    print("; ".join(errs))
    sys.exit(1)
PY
	); then pass; else fail "$n: $msg"; fi
done
finish
