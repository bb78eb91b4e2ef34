#!/bin/sh
# linktags.sh - issue 15 case 5: link-layer tags in front of IP in one
# direction (pcaps/derived/tls12-ok-*-s2c.pcap, made from the real
# tls12-ok.pcap by pcaps/tools/link-tags.sh). tshark is the oracle.
#  - Cisco MetaData (0x8909, SGT 100) on the server's frames: decoded, so
#    the connection is the original's (ok, certain, same events and
#    packet counts), every frame is TCP, and tshark finds the tag on every
#    frame the server sent in the original.
#  - A tag tlsdiag does not decode (0x88b5) on the server's frames: those
#    frames are counted as skipped per ethertype (summary, JSON and one
#    warning line on stderr), and the connection is one-sided: its verdict
#    is inferred and says "only one direction of this connection is in the
#    capture".
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
D="$PCAPS/derived"

SSLKEYLOGFILE='' "$TLSDIAG" --json -r "$PCAPS/tls12-ok.pcap" >"$TMP/orig" \
    2>"$TMP/err" || fail "tls12-ok: exit $?: $(cat "$TMP/err")"
for n in cmd unknown; do
	SSLKEYLOGFILE='' "$TLSDIAG" --json --summary \
	    -r "$D/tls12-ok-$n-s2c.pcap" >"$TMP/$n" 2>"$TMP/$n.err" ||
	    fail "$n: exit $?: $(cat "$TMP/$n.err")"
done
cmd_frames=$(tshark -r "$D/tls12-ok-cmd-s2c.pcap" -Y 'cmd.sgt == 100' \
    -T fields -e frame.number 2>/dev/null | wc -l)
srv_frames=$(tshark -r "$PCAPS/tls12-ok.pcap" -Y 'tcp.srcport == 14401' \
    -T fields -e frame.number 2>/dev/null | wc -l)
unk_frames=$(tshark -r "$D/tls12-ok-unknown-s2c.pcap" -Y 'eth.type == 0x88b5' \
    -T fields -e frame.number 2>/dev/null | wc -l)
all_frames=$(tshark -r "$D/tls12-ok-unknown-s2c.pcap" -T fields \
    -e frame.number 2>/dev/null | wc -l)
# What the client acknowledged of the server's stream: its bytes and FIN.
srv_seq=$(tshark -r "$PCAPS/tls12-ok.pcap" -Y 'tcp.srcport == 14401' \
    -T fields -e tcp.len -e tcp.flags.fin 2>/dev/null |
    awk '{ n += $1 + $2 } END { print n }')
[ "$cmd_frames" -gt 0 ] && [ "$cmd_frames" -eq "$srv_frames" ] &&
    [ "$unk_frames" -eq "$srv_frames" ] ||
    fail "tshark: $cmd_frames, $unk_frames tagged frames, server sent $srv_frames"

if msg=$(python3 - "$TMP/orig" "$TMP/cmd" "$TMP/unknown" "$cmd_frames" \
    "$unk_frames" "$all_frames" "$srv_seq" <<'PY'
import json, sys
orig, cmd, unk = (
    [json.loads(l) for l in open(p)] for p in sys.argv[1:4])
cmd_frames, unk_frames, all_frames, srv_seq = map(int, sys.argv[4:8])
errs = []
def evs(c):
    return [(e["dir"], e["type"], e["frame"]) for e in c["events"]]
o, c = orig[0], cmd[0]
if (c["verdict"]["code"], c["verdict"]["confidence"]) != ("ok", "certain"):
    errs.append("cmd: verdict %s %s" % (c["verdict"]["code"],
                                        c["verdict"]["confidence"]))
if evs(c) != evs(o):
    errs.append("cmd: events differ from tls12-ok")
if c["packets"] != o["packets"] or c["one_sided"]:
    errs.append("cmd: packets %r, tls12-ok %r" % (c["packets"], o["packets"]))
s = cmd[-1]["summary"]
if s["skipped"] != 0 or s["tcp"] != s["frames"]:
    errs.append("cmd: summary %r" % s)
u = unk[0]
s = unk[-1]["summary"]
if s["skipped"] != unk_frames or s["skipped_ethertypes"] != {"0x88b5": unk_frames}:
    errs.append("unknown: skipped %r, tshark %d" % (s, unk_frames))
if s["one_sided"] != 1 or not u["one_sided"]:
    errs.append("unknown: not one-sided")
if s["tcp"] + s["not_tcp"] != all_frames:
    errs.append("unknown: frames %r, tshark %d" % (s, all_frames))
v = u["verdict"]
# The server's side is skipped, not silent: its ACKs say it spoke.
if v["code"] != "handshake_not_seen" or v["outcome"] != "unknown" or \
        ("the client acknowledged %d bytes of it" % srv_seq) not in v["summary"]:
    errs.append("unknown: verdict %s %s: %s" % (v["code"], v["outcome"],
                                                v["summary"]))
if v["confidence"] != "inferred":
    errs.append("unknown: confidence %s" % v["confidence"])
if "only one direction of this connection is in the capture" not in v["evidence"]:
    errs.append("unknown: no one-sided evidence in %r" % v["evidence"])
if errs:
    print("; ".join(errs))
    sys.exit(1)
PY
); then pass; else fail "$msg"; fi

want="tlsdiag: warning: $unk_frames frames skipped, ethertype not decoded (0x88b5: $unk_frames); 1 connections seen in one direction only"
if [ "$(cat "$TMP/unknown.err")" = "$want" ]; then pass; else
	fail "stderr: '$(cat "$TMP/unknown.err")', want '$want'"; fi
if [ ! -s "$TMP/cmd.err" ]; then pass; else
	fail "cmd: stderr '$(cat "$TMP/cmd.err")'"; fi
finish
