#!/bin/sh
# write.sh - -w saves exactly the packets of the connections reported:
# tlsdiag on the new file finds the same connections with the same
# verdicts; tshark reads it and finds, for each of those TCP streams, the
# same packets with the same timestamps as in the original (and nothing
# else); the link type is the original's (read from the file header).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
command -v tshark >/dev/null 2>&1 || skip "tshark is needed"
export SSLKEYLOGFILE=

# streams FILE prints "clientport serverport epoch" per TCP packet.
streams() {
	tshark -r "$1" -T fields -e tcp.srcport -e tcp.dstport \
	    -e frame.time_epoch -Y tcp 2>/dev/null
}

# check ORIG NEW SEL: SEL holds the JSON reports of the selection on ORIG.
check() {
	"$TLSDIAG" --json -r "$2" >"$TMP/new.json" 2>"$TMP/err" ||
	    { fail "$2: tlsdiag exit $?: $(cat "$TMP/err")"; return; }
	streams "$1" >"$TMP/orig.t"
	streams "$2" >"$TMP/new.t"
	python3 - "$3" "$TMP/new.json" "$TMP/orig.t" "$TMP/new.t" "$1" "$2" \
	    "$top_srcdir/pcaps/tools" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[7])
import pcapio
def conns(path):
    out = []
    for line in open(path):
        c = json.loads(line)
        out.append((c["client"]["ip"], c["client"]["port"],
                    c["server"]["ip"], c["server"]["port"],
                    c["verdict"]["code"], c["verdict"]["confidence"]))
    return sorted(out)
sel, new = conns(sys.argv[1]), conns(sys.argv[2])
if not sel:
    sys.exit("nothing selected")
if sel != new:
    sys.exit("connections differ:\n sel %s\n new %s" % (sel, new))
def pkts(path):
    d = {}
    for line in open(path):
        f = line.split()
        if len(f) < 3:
            continue
        k = tuple(sorted((int(f[0]), int(f[1]))))
        d.setdefault(k, []).append(f[2])
    return d
orig, nw = pkts(sys.argv[3]), pkts(sys.argv[4])
want = {k: v for k, v in orig.items()
        if any(tuple(sorted((c[1], c[3]))) == k for c in sel)}
if want != nw:
    sys.exit("packets differ: %d streams, %d packets wanted; %d streams, "
             "%d packets written" % (len(want), sum(map(len, want.values())),
                                     len(nw), sum(map(len, nw.values()))))
orig, new = pcapio.read(sys.argv[5]), pcapio.read(sys.argv[6])
if orig.format == "pcap" and orig.link_field != new.link_field:
    sys.exit("link type %s, want %d" % (new.link_field, orig.link_field))
EOF
}

# 1. --failures on the 20-connection capture: the 11 failed ones.
M="$PCAPS/mixed-20.pcap"
"$TLSDIAG" --json --failures -r "$M" -w "$TMP/f.pcap" >"$TMP/sel.json" ||
    fail "mixed-20 -w exit $?"
if msg=$(check "$M" "$TMP/f.pcap" "$TMP/sel.json"); then pass; else
	fail "mixed-20 --failures: $msg"; fi
if [ "$(wc -l <"$TMP/sel.json")" -eq 11 ]; then pass; else
	fail "mixed-20: $(wc -l <"$TMP/sel.json") failures, want 11"; fi

# 2. A family and a filter; a link type other than Ethernet (Linux SLL).
"$TLSDIAG" --json --verdict client_cert -r "$M" -w "$TMP/cc.pcap" \
    'tcp port 14444' >"$TMP/sel.json" || fail "mixed-20 family exit $?"
if msg=$(check "$M" "$TMP/cc.pcap" "$TMP/sel.json"); then pass; else
	fail "mixed-20 --verdict client_cert: $msg"; fi
for cap in link-sll link-null tls12-client-cert-untrusted; do
	"$TLSDIAG" --json --verdict failed,ok -r "$PCAPS/$cap.pcap" \
	    -w "$TMP/$cap.pcap" >"$TMP/sel.json" || fail "$cap exit $?"
	if msg=$(check "$PCAPS/$cap.pcap" "$TMP/$cap.pcap" "$TMP/sel.json")
	then pass; else fail "$cap: $msg"; fi
done

# 3. No selection: every connection, written as it comes.
"$TLSDIAG" --json -r "$M" -w "$TMP/all.pcap" >"$TMP/sel.json" ||
    fail "mixed-20 -w all exit $?"
if msg=$(check "$M" "$TMP/all.pcap" "$TMP/sel.json"); then pass; else
	fail "mixed-20 all: $msg"; fi

# 4. Nothing selected: a valid, empty capture.
"$TLSDIAG" -q --id 999 -r "$M" -w "$TMP/none.pcap" >/dev/null ||
    fail "--id 999 exit $?"
n=$(tshark -r "$TMP/none.pcap" 2>/dev/null | wc -l)
if [ -s "$TMP/none.pcap" ] && [ "$n" -eq 0 ]; then pass; else
	fail "--id 999: $n packets written"; fi
finish
