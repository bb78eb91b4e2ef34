#!/usr/bin/env bash
# bench/callgrind.sh - deterministic instruction counts of tlsdiag.
#
#   bash bench/callgrind.sh [--tlsdiag PATH] [--connections N] [--top N]
#
# Runs tlsdiag --json under valgrind --tool=callgrind on three small
# captures made by bench/make-bench-pcap.py with a fixed seed (same bytes on
# every machine): an empty capture (start-up and exit cost), a handshake-only
# capture and a bulk capture of N connections (default 1000).  Prints the
# instructions executed (Ir) per packet and per handshake, net of the start-up
# cost, and the functions with the most instructions (self cost).  The
# numbers do not depend on machine load: compare them between commits.
# bench/floor.c is measured the same way, as the cost of libpcap alone.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
DIR=${BENCH_DIR:-/tmp/tlsdiag-bench}/callgrind
TLSDIAG="$ROOT/tlsdiag"
CONNS=1000
TOP=15
while [ $# -gt 0 ]; do
	case "$1" in
	--tlsdiag) TLSDIAG=$2; shift ;;
	--connections) CONNS=$2; shift ;;
	--top) TOP=$2; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "callgrind.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
[ -x "$TLSDIAG" ] || { echo "callgrind.sh: no tlsdiag at $TLSDIAG" >&2; exit 1; }
mkdir -p "$DIR" || exit 1
cc -O2 -g -o "$DIR/floor" "$BENCH/floor.c" -lpcap || exit 1

scale=$(python3 -c "print($CONNS / 100000)")
python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import pcapio; pcapio.PcapWriter(sys.argv[2]).close()' "$ROOT/pcaps/tools" "$DIR/empty.pcap"
python3 "$BENCH/make-bench-pcap.py" -o "$DIR/hs.pcap" --scale "$scale" --handshake-only 2>/dev/null || exit 1
python3 "$BENCH/make-bench-pcap.py" -o "$DIR/bulk.pcap" --scale "$scale" 2>/dev/null || exit 1

# ir NAME cmd... : total instructions of the run; profile in $DIR/NAME.out
ir() {
	local name=$1; shift
	valgrind --tool=callgrind --callgrind-out-file="$DIR/$name.out" "$@" \
	    >/dev/null 2>"$DIR/$name.log" || { echo "callgrind.sh: $name failed, see $DIR/$name.log" >&2; exit 1; }
	callgrind_annotate "$DIR/$name.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'
}
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1.meta.json" "$2"; }

e=$(ir empty "$TLSDIAG" --json -r "$DIR/empty.pcap")
h=$(ir hs "$TLSDIAG" --json -r "$DIR/hs.pcap")
b=$(ir bulk "$TLSDIAG" --json -r "$DIR/bulk.pcap")
fe=$(ir floor-empty "$DIR/floor" "$DIR/empty.pcap")
fb=$(ir floor-bulk "$DIR/floor" "$DIR/bulk.pcap")
fh=$(ir floor-hs "$DIR/floor" "$DIR/hs.pcap")

python3 - "$DIR" "$e" "$h" "$b" "$fe" "$fh" "$fb" <<'EOF' | tee "$DIR/summary.txt"
import json, sys
d = sys.argv[1]
e, h, b, fe, fh, fb = map(int, sys.argv[2:8])
mh = json.load(open(d + '/hs.pcap.meta.json'))
mb = json.load(open(d + '/bulk.pcap.meta.json'))
def row(name, m, ir, base, fir, fbase):
    net, fnet = ir - base, fir - fbase
    return '| %s | %d | %d | %d | %s | %.0f | %.0f | %.0f | %.0f |' % (
        name, m['packets'], m['connections'], m['tls_handshakes'], format(ir, ','),
        net / m['packets'], net / m['tls_handshakes'], net / m['connections'], fnet / m['packets'])
print('tlsdiag --json under callgrind (instructions, Ir; net of an empty capture: %s Ir)' % format(e, ','))
print('| capture | packets | connections | handshakes | total Ir | Ir/packet | Ir/handshake | Ir/connection | floor Ir/packet |')
print('|---|---|---|---|---|---|---|---|---|')
print(row('handshake-only', mh, h, e, fh, fe))
print(row('bulk', mb, b, e, fb, fe))
# bulk packets beyond the handshake-only capture (same connections)
extra = mb['packets'] - mh['packets']
if extra > 0:
    print('bulk-only increment: %.0f Ir per extra packet (%d packets, %.1f MB of payload)' % (
        (b - h) / extra, extra, mb['bulk_payload_bytes'] / 1e6))
EOF
for name in hs bulk; do
	echo
	echo "top $TOP functions by self cost, $name capture (callgrind_annotate $DIR/$name.out):"
	callgrind_annotate --threshold=100 "$DIR/$name.out" 2>/dev/null |
	    awk '/^-+$/ {sep++; next} sep >= 3 && NF && $1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/' | head -n "$TOP" | tee -a "$DIR/summary.txt"
done
