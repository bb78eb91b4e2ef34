#!/bin/sh
# shard.sh - --shard K/N: on every capture in pcaps/ (and its derived
# captures), and on a small benchmark capture made by bench/make-bench-pcap.py,
# the JSON lines of shards 1/3, 2/3 and 3/3 together are the one-process
# JSON lines, connection for connection (ids aside: a shard numbers its
# connections K, K+3, ...); no connection is in two shards; each connection
# is in the shard its endpoints give by the documented hash (64-bit FNV-1a,
# computed here in Python, independently of src/flow.c); --from-json over
# the three shards' lines gives the one-process summary; packets left to
# other shards are counted as other_shard, not as loss; bad values are usage
# errors (exit 1).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
export SSLKEYLOGFILE=

# check FILE [tlsdiag options]: the three shards' outputs and the
# one-process output, kept for one Python pass at the end (Python starts
# slowly); the --from-json summaries compared here.
i=0
: >"$TMP/list"
check() {
	f=$1
	shift
	name="$(basename "$f") $*"
	i=$((i + 1))
	d="$TMP/c$i"
	"$TLSDIAG" --json "$@" -r "$f" >"$d.one" 2>/dev/null
	rc=$?
	# errors.sh covers bad captures: only those that read cleanly here.
	[ "$rc" -eq 0 ] || { echo "# $name: exit $rc, skipped"; return 0; }
	for k in 1 2 3; do
		"$TLSDIAG" --json --shard "$k/3" "$@" -r "$f" >"$d.s$k" 2>/dev/null ||
		    fail "$name: --shard $k/3 exit $?"
	done
	printf '%s\t%s\n' "$d" "$name" >>"$TMP/list"
	# --from-json over the shards' lines = over the one-process lines.
	cat "$d.s1" "$d.s2" "$d.s3" >"$d.all"
	"$TLSDIAG" --summary --from-json "$d.one" | sed '/^Input:/,$d' >"$d.fo"
	"$TLSDIAG" --summary --from-json "$d.all" | sed '/^Input:/,$d' >"$d.fa"
	if cmp -s "$d.fo" "$d.fa"; then pass; else
		fail "$name: from-json text summaries differ: $(diff "$d.fo" "$d.fa" | head -4)"; fi
	"$TLSDIAG" --json --summary --from-json "$d.one" >"$d.fo"
	"$TLSDIAG" --json --summary --from-json "$d.all" >"$d.fa"
	if cmp -s "$d.fo" "$d.fa"; then pass; else
		fail "$name: from-json JSON summaries differ"; fi
}

n=0
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng "$PCAPS"/derived/*.pcap; do
	[ -f "$f" ] || continue
	check "$f"
	keys=${f%.*}.keys
	[ -f "$keys" ] && check "$f" --keylog "$keys"
	n=$((n + 1))
done
[ "$n" -ge 90 ] || fail "only $n captures found in $PCAPS"

# A benchmark capture: 1,000 connections, hundreds open at once.
GEN="$top_srcdir/bench/make-bench-pcap.py"
if python3 "$GEN" -o "$TMP/bench.pcap" --scale 0.01 --handshake-only \
    2>/dev/null; then
	check "$TMP/bench.pcap"
else
	fail "bench/make-bench-pcap.py failed"
fi

# Each capture: the shards' connections against the one process's.
python3 - "$TMP/list" >"$TMP/py.out" <<'EOF'
import ipaddress, json, sys
def fnv1a(b):
    h = 14695981039346656037
    for x in b:
        h = ((h ^ x) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
def shard_of(c):
    # the service endpoint: the lower port (the lower address on a tie)
    ep = []
    for side in ("client", "server"):
        ip = ipaddress.ip_address(c[side]["ip"])
        ep.append((c[side]["port"], ip.packed))
    port, addr = min(ep, key=lambda e: (e[0], e[1]))
    af = b"\x04" if len(addr) == 4 else b"\x06"
    return fnv1a(af + addr + port.to_bytes(2, "big")) % 3 + 1
import re
def load(path):
    """The file's connections with the id left out and every "#ID" a
    verdict names (knowledge across connections: "the chain this server
    sent in #1") replaced by that connection's client endpoint, so that a
    shard's ids (K, K+N, ...) and one process's compare."""
    objs = [json.loads(l) for l in open(path)]
    who = {o["id"]: "#%s:%s" % (o["client"]["ip"], o["client"]["port"])
           for o in objs if "id" in o}
    def ref(m):
        return who.get(int(m.group(1)), m.group(0))
    out = []
    for o in objs:
        i = o.pop("id")
        v = o.get("verdict", {})
        for f in ("summary", "next"):
            if isinstance(v.get(f), str):
                v[f] = re.sub(r"#(\d+)", ref, v[f])
        if isinstance(v.get("evidence"), list):
            v["evidence"] = [re.sub(r"#(\d+)", ref, e) for e in v["evidence"]]
        out.append((json.dumps(o, sort_keys=True), i, o))
    return out
def compare(d):
    one = sorted(s for s, _, _ in load(d + ".one"))
    union, ids, tuples = [], set(), {}
    for k in (1, 2, 3):
        for s, i, o in load("%s.s%d" % (d, k)):
            union.append(s)
            if i in ids:
                return "id %d twice" % i
            ids.add(i)
            if i % 3 != k % 3:
                return "id %d in shard %d" % (i, k)
            t = tuple(sorted([(o["client"]["ip"], o["client"]["port"]),
                              (o["server"]["ip"], o["server"]["port"])]))
            if tuples.setdefault(t, k) != k:
                return "connection %s in shards %d and %d" % (t, tuples[t], k)
            if shard_of(o) != k:
                return "connection %s in shard %d, the hash says %d" % (t, k, shard_of(o))
    union.sort()
    if union != one:
        a, b = set(one), set(union)
        return ("%d connections in one run, %d in the shards; %d only in one run, "
                "%d only in the shards" % (len(one), len(union), len(a - b), len(b - a)))
    return len(one)
for line in open(sys.argv[1]):
    d, name = line.rstrip("\n").split("\t")
    r = compare(d)
    print("%s\t%s\t%s" % ("ok" if isinstance(r, int) else "FAIL", name, r))
EOF
[ -s "$TMP/py.out" ] || fail "the comparison did not run"
total=0
while IFS='	' read -r res name what; do
	if [ "$res" = ok ]; then
		pass
		total=$((total + what))
	else
		fail "$name: $what"
	fi
done <"$TMP/py.out"
echo "# $(wc -l <"$TMP/py.out") runs compared, $total connections"
[ "$total" -ge 1200 ] || fail "only $total connections compared"

# Counters: every TCP packet is analysed by exactly one shard, so the
# other_shard counts of the three add up to twice the TCP packets; loss,
# evictions and connections add up to the one-process figures.
M="$PCAPS/mixed-20.pcap"
"$TLSDIAG" --json --summary -q -r "$M" | tail -n 1 >"$TMP/sum1"
for k in 1 2 3; do
	"$TLSDIAG" --json --summary -q --shard "$k/3" -r "$M" | tail -n 1 >"$TMP/sum$k.s"
done
if msg=$(python3 - "$TMP/sum1" "$TMP/sum1.s" "$TMP/sum2.s" "$TMP/sum3.s" <<'EOF'
import json, sys
one = json.load(open(sys.argv[1]))["summary"]
sh = [json.load(open(p))["summary"] for p in sys.argv[2:]]
if "other_shard" in one:
    sys.exit("other_shard without --shard")
tot = sum(s.get("other_shard", 0) for s in sh)
if tot != 2 * one["tcp"] or any(s["tcp"] != one["tcp"] for s in sh):
    sys.exit("other_shard %s, tcp %d" % ([s.get("other_shard") for s in sh], one["tcp"]))
for k in ("connections", "capture_loss", "evicted", "idle_closed", "one_sided"):
    if sum(s[k] for s in sh) != one[k]:
        sys.exit("%s: %s in the shards, %d in one run" % (k, [s[k] for s in sh], one[k]))
if one["capture_loss"] != 0:
    sys.exit("capture_loss %d" % one["capture_loss"])
EOF
); then pass; else fail "mixed-20 counters: $msg"; fi
if "$TLSDIAG" --summary -q --shard 2/3 -r "$M" |
    grep -q "^TCP packets of other shards' connections (--shard), not analysed: [1-9]"
then pass; else fail "text summary lacks the other_shard line"; fi
# --shard 1/1 is the whole capture, ids included.
"$TLSDIAG" --json -r "$M" >"$TMP/a"
"$TLSDIAG" --json --shard 1/1 -r "$M" >"$TMP/b"
if cmp -s "$TMP/a" "$TMP/b"; then pass; else fail "--shard 1/1 differs"; fi

# Bad values: one line naming the value, then the --help hint; exit 1.
for bad in 0/3 4/3 1/0 3 /3 1/ a/3 1/3x -1/3 1/+3 "1/ 3" 1/65537 ""; do
	"$TLSDIAG" --shard "$bad" -r "$M" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 1 ] && [ ! -s "$TMP/out" ] &&
	    grep -q "^tlsdiag: --shard takes K/N with 1 <= K <= N <= 65536, not $bad\$" "$TMP/err"
	then pass; else fail "--shard '$bad': exit $rc, $(head -1 "$TMP/err")"; fi
done
"$TLSDIAG" --shard 65536/65536 -r "$M" >/dev/null 2>&1 && pass ||
    fail "--shard 65536/65536 refused"
finish
