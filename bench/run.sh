#!/usr/bin/env bash
# bench/run.sh - tlsdiag throughput and memory benchmark (see bench/README.md).
#
#   bash bench/run.sh [--quick] [options]
#
# Builds the captures if missing (bench/make-bench-pcap.py, into $BENCH_DIR,
# default /tmp/tlsdiag-bench), builds the floor (bench/floor.c), records the
# machine's memory (/proc/meminfo) and the capture sizes, then runs,
# alternately and N times (median reported), the floor (libpcap as
# pcap_open_offline sets it up), floor-1mb (libpcap on a 1 MB buffer, as
# tlsdiag reads), `tlsdiag --json`,
# `tlsdiag` (text), tshark and ssldump on the bulk capture and on the
# handshake-only capture (tshark and ssldump only in the first round on the
# bulk capture: minutes each); then tlsdiag once on the same two captures
# 4x longer (peak RSS), and bench/callgrind.sh (instructions per packet and
# per handshake).
#
# Page cache: every timed command is preceded by `cat FILE > /dev/null`, so
# that it reads its capture from memory (cache-bound figures). A capture
# larger than 70% of MemAvailable cannot stay cached: run.sh says so loudly
# and marks its figures "disk-bound". Cold-cache (disk-bound) figures are
# measured apart, after `echo 3 > /proc/sys/vm/drop_caches` (root, and a
# kernel that allows it; otherwise the report says they could not be made).
#
# Options:
#   --quick          small captures (--scale 0.05: 5,000 connections, ~80 MB), 3 runs
#   --runs N         rounds of the alternation (default 3)
#   --scale X        capture scale (default 1: 100,000 connections; bulk
#                    capture ~1.5 GB, handshake-only ~0.45 GB)
#   --bulk-mb MB     target size of the bulk capture at scale 1 (default 1300,
#                    which gives about 1.5 GB: downloads are heavy tailed)
#   --cold N         rounds of cold-cache runs (floor and tlsdiag --json after
#                    dropping the page cache; default 1; 0: none)
#   --no-tshark      skip tshark
#   --no-ssldump     skip ssldump (it is installed with apt-get when root)
#   --slow-bulk N    rounds that include tshark and ssldump on the bulk capture
#                    (default 1: they take minutes there; 0: never)
#   --slow-hs N      likewise on the handshake-only capture (default: every round)
#   --no-callgrind   skip the instruction counts (bench/callgrind.sh)
#   --no-x4          skip the 4x-longer captures (memory growth)
#   --no-cc          skip the many-open-connections captures
#   --no-long        skip the long-transfers capture ("long": the bulk
#                    capture's size in about 2,000 connections, so that
#                    the file is mostly application data, as a capture of
#                    downloads is; the "bulk" capture has 100,000
#                    connections and is mostly their handshakes' cost)
#   --cc C           connections open at once in the "cc" capture (default
#                    200000; scaled connections: 200,000 x --scale); the
#                    "cc-low" capture holds the same connections, 200 open
#                    at once (bench/make-bench-pcap.py --concurrent)
#   --cc-memory MiB  --max-memory for tlsdiag on the cc captures (default
#                    4096: the default cap, 1024 MiB, holds about 140,000
#                    handshakes in progress; a run at the default cap counts
#                    what it evicts)
#   --no-check       skip the verdict cross-check against the generator's counts
#   --tlsdiag PATH   binary to measure (default ./tlsdiag at the top of the tree)
#   --dir DIR        where captures and results go (default /tmp/tlsdiag-bench)
#   --clean          delete the captures at the end (they are kept for re-runs)
# Environment: TLSDIAG_ARGS adds options to every tlsdiag run.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
DIR=${BENCH_DIR:-/tmp/tlsdiag-bench}
RUNS=""
SCALE=1
BULK_MB=1300
COLD=1
QUICK=0
TSHARK=1
SSLDUMP=1
SLOW_BULK=1
SLOW_HS=""
CALLGRIND=1
X4=1
CC=1
LONG=1
CC_N=200000
CC_MEM=4096
CHECK=1
CLEAN=0
TLSDIAG="$ROOT/tlsdiag"

usage() { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--runs) RUNS=$2; shift ;;
	--scale) SCALE=$2; shift ;;
	--bulk-mb) BULK_MB=$2; shift ;;
	--cold) COLD=$2; shift ;;
	--no-tshark) TSHARK=0 ;;
	--no-ssldump) SSLDUMP=0 ;;
	--slow-bulk) SLOW_BULK=$2; shift ;;
	--slow-hs) SLOW_HS=$2; shift ;;
	--no-callgrind) CALLGRIND=0 ;;
	--no-x4) X4=0 ;;
	--no-cc) CC=0 ;;
	--no-long) LONG=0 ;;
	--cc) CC_N=$2; shift ;;
	--cc-memory) CC_MEM=$2; shift ;;
	--no-check) CHECK=0 ;;
	--tlsdiag) TLSDIAG=$2; shift ;;
	--dir) DIR=$2; shift ;;
	--clean) CLEAN=1 ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	[ "$SCALE" = 1 ] && SCALE=0.05
	DIR="$DIR/quick"
	: "${RUNS:=3}"
fi
: "${RUNS:=3}"
: "${SLOW_HS:=$RUNS}"
SCALE=$(python3 -c "print(float('$SCALE'))") || exit 2
mkdir -p "$DIR" || exit 1
LOG="$DIR/run.log"
RAW="$DIR/raw.tsv"
: > "$LOG"
say() { echo "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

# ------------------------------------------------------------------ tools
if [ ! -x "$TLSDIAG" ] && [ "$TLSDIAG" = "$ROOT/tlsdiag" ]; then
	# A fresh checkout: install the Debian packages and build.
	say "no ./tlsdiag yet: running ./bootstrap"
	"$ROOT/bootstrap" >>"$LOG" 2>&1 || die "./bootstrap failed, see $LOG"
fi
[ -x "$TLSDIAG" ] || die "no tlsdiag binary at $TLSDIAG (build it with ./bootstrap, or pass --tlsdiag PATH)"
command -v python3 >/dev/null || die "python3 is needed"
if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ]; then
		say "installing the time package"
		DEBIAN_FRONTEND=noninteractive apt-get install -y time >>"$LOG" 2>&1
	fi
	[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
fi
if [ "$SSLDUMP" = 1 ] && ! command -v ssldump >/dev/null; then
	if [ "$(id -u)" = 0 ] && apt-cache policy ssldump 2>/dev/null | grep -q 'Candidate: [0-9]'; then
		say "installing ssldump"
		DEBIAN_FRONTEND=noninteractive apt-get install -y ssldump >>"$LOG" 2>&1
	fi
	command -v ssldump >/dev/null || { say "ssldump not available: skipped"; SSLDUMP=0; }
fi
if [ "$TSHARK" = 1 ] && ! command -v tshark >/dev/null; then
	say "tshark not installed: skipped"; TSHARK=0
fi
FLOOR="$DIR/floor"
cc -O2 -o "$FLOOR" "$BENCH/floor.c" -lpcap || die "cannot build bench/floor.c (libpcap-dev?)"

# --------------------------------------------------------------- captures
GEN="$BENCH/make-bench-pcap.py"
# name -> generator options
declare -A GENOPT=(
	[bulk]="--size-mb $BULK_MB"
	[hs]="--handshake-only --size-mb $BULK_MB"
	[bulk-x4]="--size-mb $BULK_MB --repeat 4"
	[hs-x4]="--handshake-only --size-mb $BULK_MB --repeat 4"
	[cc]="--size-mb $BULK_MB --connections 200000 --concurrent $CC_N"
	[cc-low]="--size-mb $BULK_MB --connections 200000 --concurrent 200"
	[long]="--size-mb $BULK_MB --connections 2000"
)
NAMES="bulk hs"
[ "$LONG" = 1 ] && NAMES="$NAMES long"
[ "$X4" = 1 ] && NAMES="$NAMES bulk-x4 hs-x4"
[ "$CC" = 1 ] && NAMES="$NAMES cc cc-low"
# stale NAME: the capture is missing or was made by another generator or
# with other options
stale() {
	local f="$DIR/$1.pcap"
	[ ! -s "$f" ] || [ ! -s "$f.meta.json" ] || [ ! -s "$f.conns.tsv" ] || [ "$GEN" -nt "$f.meta.json" ] ||
	    ! grep -q "\"scale\": $SCALE," "$f.meta.json" ||
	    ! grep -q "\"size_mb\": $(python3 -c "print(float('$BULK_MB'))")," "$f.meta.json" ||
	    { [ "$1" = cc ] && ! grep -q "\"concurrent\": $CC_N," "$f.meta.json"; }
}
need_mb=0
for n in $NAMES; do
	f="$DIR/$n.pcap"
	if stale "$n"; then
		case $n in
		bulk|long) need_mb=$((need_mb + BULK_MB * 13 / 10)) ;; hs) need_mb=$((need_mb + 450)) ;;
		bulk-x4) need_mb=$((need_mb + BULK_MB * 52 / 10)) ;; hs-x4) need_mb=$((need_mb + 1800)) ;;
		cc|cc-low) need_mb=$((need_mb + 1700)) ;;
		esac
	fi
done
if [ "$need_mb" -gt 0 ]; then
	need_mb=$(python3 -c "print(int($need_mb * $SCALE) + 100)")
	avail_mb=$(df -Pm "$DIR" | awk 'NR==2 {print $4}')
	[ "$avail_mb" -gt "$need_mb" ] || die "need about $need_mb MB free in $DIR, have $avail_mb MB"
	for n in $NAMES; do
		f="$DIR/$n.pcap"
		if stale "$n"; then
			say "building $f"
			# shellcheck disable=SC2086
			python3 "$GEN" -o "$f" --scale "$SCALE" --conn-list "$f.conns.tsv" ${GENOPT[$n]} ||
				die "make-bench-pcap.py failed"
		fi
	done
fi

# The handshake-only capture as pcapng (editcap, from tshark's package):
# what dumpcap and Wireshark write, read by libpcap's pcapng code and
# scanned once more by tlsdiag for key logs (src/pcapng_dsb.c).
HSNG=0
if command -v editcap >/dev/null; then
	if [ ! -s "$DIR/hs.pcapng" ] || [ "$DIR/hs.pcap" -nt "$DIR/hs.pcapng" ]; then
		say "building $DIR/hs.pcapng (editcap -F pcapng)"
		editcap -F pcapng "$DIR/hs.pcap" "$DIR/hs.pcapng" || die "editcap failed"
	fi
	HSNG=1
else
	say "editcap not installed: no pcapng figures"
fi

# ------------------------------------------------------------ machine
# Memory and sizes, before anything is timed. A capture that does not fit
# comfortably in the page cache (over 70% of MemAvailable) is read from the
# disk in every run, whatever `cat` did before: its figures measure the
# disk, and a ratio to the floor then hides tlsdiag's CPU cost.
MACHINE="$DIR/machine.txt"
meminfo() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' /proc/meminfo; }
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "cpus=$(nproc)"
	echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "mem_total_mb=$(meminfo MemTotal)"
	echo "mem_free_mb=$(meminfo MemFree)"
	echo "mem_available_mb=$(meminfo MemAvailable)"
	echo "cached_mb=$(meminfo Cached)"
} > "$MACHINE"
AVAIL_MB=$(meminfo MemAvailable)
say "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); memory: total $(meminfo MemTotal) MB, free $(meminfo MemFree) MB, available $AVAIL_MB MB"
declare -A DISKBOUND=()
for n in $NAMES; do
	f="$DIR/$n.pcap"
	mb=$(( $(stat -c %s "$f") / 1000000 ))
	echo "size_mb_$n=$mb" >> "$MACHINE"
	if [ $((mb * 10)) -gt $((AVAIL_MB * 7)) ]; then
		DISKBOUND[$n]=1
		echo "diskbound_$n=1" >> "$MACHINE"
		say ""
		say "WARNING: WARNING: $f is $mb MB, more than 70% of the $AVAIL_MB MB available:"
		say "WARNING: it cannot stay in the page cache; its figures are DISK-BOUND, not CPU figures."
		say "WARNING: run with a smaller --scale (or --bulk-mb) for cache-bound figures."
		say ""
	else
		say "capture $n: $mb MB (fits in the page cache)"
	fi
done

# ------------------------------------------------------------ measurement
# measure TOOL FILE-LABEL ROUND CACHE FILE cmd... : wall time (bash clock),
# peak RSS, user and system time (GNU time), exit code; standard output to
# /dev/null. CACHE is "warm": FILE is read with cat right before the
# command (page cache warmed), or "cold": the page cache is dropped right
# before it.
: > "$RAW"
measure() {
	local tool=$1 label=$2 round=$3 cache=$4 file=$5; shift 5
	local tf="$DIR/.time.$$" t0 t1 rc
	if [ "$cache" = cold ]; then
		drop_cache || return 0
	else
		cat "$file" > /dev/null
	fi
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>>"$LOG"
	rc=$?
	t1=$EPOCHREALTIME
	read -r rss usr sys < <(tail -n 1 "$tf")
	rm -f "$tf"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$label" "$round" \
	    "$(awk "BEGIN {printf \"%.4f\", $t1 - $t0}")" "$rss" "$usr" "$sys" "$rc" \
	    "$cache" >> "$RAW"
	printf '  %-14s %-8s %-4s %8.3f s  %8d KB  rc=%s\n' "$tool" "$label" "$cache" \
	    "$(awk "BEGIN {print $t1 - $t0}")" "$rss" "$rc" >&2
}
# drop_cache: empty the page cache (root; some kernels and containers
# refuse). Returns false, and records why, when it cannot.
COLD_WHY=""
drop_cache() {
	sync
	if [ "$(id -u)" != 0 ]; then
		COLD_WHY="not root: /proc/sys/vm/drop_caches needs root"
		return 1
	fi
	if ! (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then
		COLD_WHY="writing /proc/sys/vm/drop_caches failed (container or kernel refuses)"
		return 1
	fi
	return 0
}
# shellcheck disable=SC2206
TARGS=(${TLSDIAG_ARGS:-})
TSHARK_CMD=(tshark -n -Y 'tls.handshake || tls.alert_message' -T fields
	-e tls.handshake.extensions_server_name -e tls.handshake.version
	-e tls.handshake.ciphersuite -e tls.alert_message.desc)
tools_on() { # FILE-LABEL ROUND SLOW(0/1)
	local f="$DIR/$1.pcap"
	measure floor "$1" "$2" warm "$f" "$FLOOR" "$f"
	# libpcap on a 1 MB stdio buffer, as tlsdiag reads (src/capture.c).
	measure floor-1mb "$1" "$2" warm "$f" "$FLOOR" -b 1048576 "$f"
	measure tlsdiag-json "$1" "$2" warm "$f" "$TLSDIAG" "${TARGS[@]}" --json -r "$f"
	measure tlsdiag-text "$1" "$2" warm "$f" "$TLSDIAG" "${TARGS[@]}" -r "$f"
	# Both CPUs, one analysis thread (--threads 1: the read-ahead thread
	# of src/reader.c only), against the default of one worker per CPU.
	measure tlsdiag-1thr "$1" "$2" warm "$f" "$TLSDIAG" "${TARGS[@]}" --threads 1 --json -r "$f"
	# One CPU: one thread, no read-ahead thread, the per-core cost.
	measure tlsdiag-1cpu "$1" "$2" warm "$f" taskset -c 0 "$TLSDIAG" "${TARGS[@]}" --json -r "$f"
	[ "$3" = 1 ] || return 0
	[ "$TSHARK" = 1 ] && measure tshark "$1" "$2" warm "$f" "${TSHARK_CMD[@]}" -r "$f"
	[ "$SSLDUMP" = 1 ] && measure ssldump "$1" "$2" warm "$f" ssldump -n -r "$f"
	return 0
}
say "tlsdiag: $TLSDIAG; captures in $DIR; $RUNS rounds (tshark and ssldump in $SLOW_HS on hs, $SLOW_BULK on bulk)"
say "page cache: each capture is read with cat right before every timed command"
for r in $(seq 1 "$RUNS"); do
	say "round $r/$RUNS"
	tools_on bulk "$r" "$([ "$r" -le "$SLOW_BULK" ] && echo 1 || echo 0)"
	tools_on hs "$r" "$([ "$r" -le "$SLOW_HS" ] && echo 1 || echo 0)"
	[ "$LONG" = 1 ] && tools_on long "$r" 0
	if [ "$HSNG" = 1 ]; then
		f="$DIR/hs.pcapng"
		measure floor hs-ng "$r" warm "$f" "$FLOOR" "$f"
		measure floor-1mb hs-ng "$r" warm "$f" "$FLOOR" -b 1048576 "$f"
		measure tlsdiag-json hs-ng "$r" warm "$f" "$TLSDIAG" "${TARGS[@]}" --json -r "$f"
	fi
done
if [ "$X4" = 1 ]; then
	say "4x longer captures (once each)"
	for n in bulk-x4 hs-x4; do
		measure floor "$n" 1 warm "$DIR/$n.pcap" "$FLOOR" "$DIR/$n.pcap"
		measure tlsdiag-json "$n" 1 warm "$DIR/$n.pcap" "$TLSDIAG" "${TARGS[@]}" --json -r "$DIR/$n.pcap"
	done
fi
# Many open connections: the same connections with CC_N and with 200 open
# at once; per-packet time and peak RSS. tlsdiag runs with --max-memory
# CC_MEM so that none is evicted; once more at the default cap, and once
# with --summary for its own memory accounting (memory_peak), untimed.
if [ "$CC" = 1 ]; then
	say "many open connections (cc: $CC_N open at once, cc-low: 200), --max-memory $CC_MEM"
	# One untimed run first: cc needs about 1 GB of fresh memory, and on
	# a VM whose host backs guest memory on first touch the first process
	# to touch it pays for that in system time (0.6 to 2.8 s on cc in
	# bench/RESULTS.md, whichever tool came first): every timed run then
	# finds memory the guest has used before, as a long-running sensor's.
	"$TLSDIAG" "${TARGS[@]}" --max-memory "$CC_MEM" --json -r "$DIR/cc.pcap" \
	    >/dev/null 2>>"$LOG"
	echo "cc_memory_warmed=1" >> "$MACHINE"
	for r in $(seq 1 "$RUNS"); do
		for n in cc cc-low; do
			f="$DIR/$n.pcap"
			measure floor "$n" "$r" warm "$f" "$FLOOR" "$f"
			measure tlsdiag-json "$n" "$r" warm "$f" "$TLSDIAG" "${TARGS[@]}" --max-memory "$CC_MEM" --json -r "$f"
			measure tlsdiag-1cpu "$n" "$r" warm "$f" taskset -c 0 "$TLSDIAG" "${TARGS[@]}" --max-memory "$CC_MEM" --json -r "$f"
		done
	done
	for n in cc cc-low; do
		"$TLSDIAG" "${TARGS[@]}" --max-memory "$CC_MEM" --json --summary -r "$DIR/$n.pcap" 2>>"$LOG" |
		    tail -n 1 > "$DIR/$n.summary.json"
		"$TLSDIAG" "${TARGS[@]}" --json --summary -r "$DIR/$n.pcap" 2>>"$LOG" |
		    tail -n 1 > "$DIR/$n.summary-defcap.json"
	done
fi
# Cold cache: the disk-bound figures, apart. Dropping the page cache slows
# every other process on the machine for a moment (they read their files
# again), so it is done only COLD times per capture.
if [ "$COLD" -gt 0 ]; then
	if drop_cache; then
		say "cold cache (page cache dropped before each command)"
		for r in $(seq 1 "$COLD"); do
			for n in bulk hs; do
				measure floor "$n" "$r" cold "$DIR/$n.pcap" "$FLOOR" "$DIR/$n.pcap"
				measure tlsdiag-json "$n" "$r" cold "$DIR/$n.pcap" "$TLSDIAG" "${TARGS[@]}" --json -r "$DIR/$n.pcap"
			done
		done
	else
		say "cold-cache figures not made: $COLD_WHY"
		echo "cold_why=$COLD_WHY" >> "$MACHINE"
	fi
fi

# ---------------------------------------------------------- verdict check
CHECKOUT="$DIR/check.txt"
: > "$CHECKOUT"
if [ "$CHECK" = 1 ]; then
	say "verdict cross-check (tlsdiag --json vs the generator's expected verdicts)"
	ccn=""
	[ "$CC" = 1 ] && ccn="cc cc-low"
	lg=""
	[ "$LONG" = 1 ] && lg="long"
	for n in hs bulk $lg $ccn; do
		xa=()
		case $n in cc*) xa=(--max-memory "$CC_MEM") ;; esac
		# per verdict code and per scenario (template): every connection
		# against what the generator recorded for it (bench/check-verdicts.py)
		"$TLSDIAG" "${TARGS[@]}" "${xa[@]}" --json -r "$DIR/$n.pcap" 2>>"$LOG" |
		python3 "$BENCH/check-verdicts.py" "$DIR/$n.pcap.meta.json" \
		    "$DIR/$n.pcap.conns.tsv" "$n" >> "$CHECKOUT"
	done
fi

# ----------------------------------------------------------------- report
CC_MEM=$CC_MEM python3 - "$RAW" "$DIR" "$CHECKOUT" "$RUNS" "$MACHINE" <<'EOF' | tee "$DIR/results.txt"
import json, os, statistics, sys
raw, d, checkout, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mach = dict(l.rstrip('\n').split('=', 1) for l in open(sys.argv[5]) if '=' in l)
rows = [l.rstrip('\n').split('\t') for l in open(raw) if l.strip()]
res, cold = {}, {}
for tool, label, rnd, wall, rss, usr, sy, rc, cache in rows:
    (cold if cache == 'cold' else res).setdefault((tool, label), []).append(
        (float(wall), int(rss), float(usr), float(sy), int(rc)))
def diskbound(label):
    return mach.get('diskbound_' + label) == '1'
meta = {}
for label in ('bulk', 'hs', 'long', 'bulk-x4', 'hs-x4', 'cc', 'cc-low'):
    p = os.path.join(d, label + '.pcap.meta.json')
    if os.path.exists(p):
        meta[label] = json.load(open(p))
if 'hs' in meta and os.path.exists(os.path.join(d, 'hs.pcapng')):
    meta['hs-ng'] = dict(meta['hs'], file=os.path.join(d, 'hs.pcapng'),
                         bytes=os.path.getsize(os.path.join(d, 'hs.pcapng')))
def med(tool, label, i=0):
    v = res.get((tool, label))
    return statistics.median(x[i] for x in v) if v else None
def rc_of(tool, label):
    v = res.get((tool, label))
    return sorted(set(x[4] for x in v)) if v else []
names = {'bulk': 'bulk capture', 'hs': 'handshake-only capture',
         'bulk-x4': 'bulk capture x4', 'hs-x4': 'handshake-only capture x4',
         'cc': 'many-open capture', 'cc-low': 'same, 200 open',
         'long': 'long-transfers capture',
         'hs-ng': 'handshake-only capture as pcapng'}
out = []
disturbed = []
out.append('Machine: %s CPUs, load average %s at the start (%s); memory: total %s MB, '
           'free %s MB, available %s MB' % (mach.get('cpus'), mach.get('load'), mach.get('date'),
           mach.get('mem_total_mb'), mach.get('mem_free_mb'), mach.get('mem_available_mb')))
out.append('Page cache: every timed command ran right after `cat FILE > /dev/null` '
           '(cache-bound figures, unless marked DISK-BOUND).')
if mach.get('cc_memory_warmed') == '1':
    out.append('Memory: one untimed tlsdiag run on cc before its timed runs (fresh guest '
               'memory is paid for by whoever touches it first).')
for label in ('bulk', 'hs', 'long', 'bulk-x4', 'hs-x4', 'cc', 'cc-low'):
    if 'size_mb_' + label in mach:
        out.append('  %-8s %6s MB%s' % (label, mach['size_mb_' + label],
            '   DISK-BOUND: larger than 70%% of MemAvailable, cannot stay cached'
            if diskbound(label) else '   fits in the page cache'))
for label in ('bulk', 'hs', 'hs-ng', 'long', 'bulk-x4', 'hs-x4', 'cc', 'cc-low'):
    if label not in meta or not res.get(('floor', label)):
        continue
    m = meta[label]
    out.append('')
    out.append('%s: %s  %.1f MB, %d packets, %d connections, %d TLS handshakes, '
               'at most %d open at once%s' % (
        names[label], os.path.basename(m['file']), m['bytes'] / 1e6, m['packets'],
        m['connections'], m['tls_handshakes'], m.get('max_concurrent_connections', 0),
        '  [DISK-BOUND figures]' if diskbound(label) else '  [page-cached]'))
    out.append('| tool | runs | wall s (median) | MB/s | packets/s | handshakes/s | connections/s | peak RSS MB | user+sys s | vs floor |')
    out.append('|---|---|---|---|---|---|---|---|---|---|')
    fl = med('floor', label)
    for tool in ('floor', 'floor-1mb', 'tlsdiag-json', 'tlsdiag-text', 'tlsdiag-1thr', 'tlsdiag-1cpu', 'tshark', 'ssldump'):
        v = res.get((tool, label))
        if not v:
            continue
        w = med(tool, label)
        rss = max(x[1] for x in v) / 1024
        cpu = statistics.median(x[2] + x[3] for x in v)
        rcs = rc_of(tool, label)
        out.append('| %s%s | %d | %.3f | %.0f | %.0f | %.0f | %.0f | %.1f | %.2f | %s |' % (
            tool, '' if rcs == [0] else ' (exit %s)' % ','.join(map(str, rcs)), len(v), w,
            m['bytes'] / 1e6 / w, m['packets'] / w, m['tls_handshakes'] / w,
            m['connections'] / w, rss, cpu, '%.2fx' % (w / fl) if fl else '-'))
    # How steady the machine was: the slowest round against the fastest.
    # Each does the same work every round: on a quiet machine they stay
    # within a few percent. The floor runs on one CPU, the worker threads
    # on two: a VM whose second CPU is taken for a while shows it only in
    # the latter. Past 1.15 (floor) or 1.2 (tlsdiag) the medians are not
    # worth comparing with another run's.
    spread, moved = [], []
    for tool in ('floor', 'tlsdiag-json', 'tlsdiag-1cpu'):
        v = res.get((tool, label))
        if v and len(v) > 1:
            sp = max(x[0] for x in v) / min(x[0] for x in v)
            spread.append('%s %.2f' % (tool, sp))
            if sp > (1.15 if tool == 'floor' else 1.2):
                moved.append(tool)
    if spread:
        out.append('Spread of the rounds (slowest / fastest): %s%s' % (
            ', '.join(spread), '   DISTURBED: ' + ', '.join(moved) if moved else ''))
        if moved:
            disturbed.append(label)
out.append('')
if disturbed:
    out.append('DISTURBED run: rounds of the same command differed by more than 15%% '
               '(floor) or 20%% (tlsdiag) on %s; compare binaries in alternation '
               '(bench/README.md) rather than this run with another' % ', '.join(disturbed))
    out.append('')
out.append('Ratios and targets')
def line(s):
    out.append('  ' + s)
# The bulk target (1.2x) is for a file of bulk transfers: the "bulk" and
# "long" captures both; the handshake target (2.0x) for "hs".
for label in ('bulk', 'long', 'hs', 'hs-ng'):
    fl, tj, tt = med('floor', label), med('tlsdiag-json', label), med('tlsdiag-text', label)
    tgt = 2.0 if label.startswith('hs') else 1.2
    if fl and tj:
        line('%-22s tlsdiag --json / floor = %.2f, text / floor = %.2f%s' % (
            names[label] + ':', tj / fl, tt / fl if tt else float('nan'),
            '   [target <= %.1f: %s]' % (tgt, 'met' if tj / fl <= tgt else 'MISSED')
            + (' (DISK-BOUND: not a CPU figure)' if diskbound(label) else '')))
    thr1 = med('tlsdiag-1thr', label)
    if fl and thr1 and label == 'long':
        line('%-22s tlsdiag --threads 1 --json / floor = %.2f' % (names[label] + ':', thr1 / fl))
    fm = med('floor-1mb', label)
    if fm and tj:
        line('%-22s tlsdiag --json / floor-1mb (libpcap on a 1 MB buffer, as tlsdiag reads) = %.2f; floor / floor-1mb = %.2f' % (
            names[label] + ':', tj / fm, fl / fm if fl else float('nan')))
    one = med('tlsdiag-1cpu', label)
    if fl and one:
        line('%-22s tlsdiag --json on one CPU / floor = %.2f' % (names[label] + ':', one / fl))
    thr1 = med('tlsdiag-1thr', label)
    if tj and thr1:
        line('%-22s worker threads (default) are %.2fx faster than --threads 1 on the same CPUs' % (
            names[label] + ':', thr1 / tj))
    if tj and one:
        line('%-22s both CPUs are %.2fx faster than taskset -c 0%s' % (
            names[label] + ':', one / tj,
            '   [target >= 1.6: %s]' % ('met' if one / tj >= 1.6 else 'MISSED') if label == 'hs' else ''))
if 'hs' in meta and med('tlsdiag-json', 'hs'):
    cps = meta['hs']['connections'] / med('tlsdiag-json', 'hs')
    line('handshake-heavy:       %.0f connections/s (--json), %.0f (text)' % (
        cps, meta['hs']['connections'] / med('tlsdiag-text', 'hs')))
    if med('tlsdiag-1cpu', 'hs'):
        c1 = meta['hs']['connections'] / med('tlsdiag-1cpu', 'hs')
        line('handshake-heavy, one CPU (taskset -c 0): %.0f connections/s (--json)   [target >= 50,000: %s]' % (
            c1, 'met' if c1 >= 50000 else 'MISSED'))
def cpu(tool, label):
    v = res.get((tool, label))
    return statistics.median(x[2] + x[3] for x in v) if v else None
for tool in ('tshark', 'ssldump'):
    for label in ('hs', 'bulk'):
        if med(tool, label) and med('tlsdiag-json', label):
            line('%-8s / tlsdiag --json on %-4s: %.1fx wall, %.1fx CPU%s' % (
                tool, label, med(tool, label) / med('tlsdiag-json', label),
                cpu(tool, label) / max(cpu('tlsdiag-json', label), 1e-3),
                '   [target >= 14: %s]' % ('met' if med(tool, label) / med('tlsdiag-json', label) >= 14
                                           else 'MISSED') if tool == 'tshark' and label == 'hs' else ''))
for label in ('bulk', 'hs'):
    if cpu('floor', label) and cpu('tlsdiag-json', label):
        line('CPU time (user+sys) %-4s: tlsdiag --json %.2f s, floor %.2f s' % (
            label, cpu('tlsdiag-json', label), cpu('floor', label)))
for label in ('bulk', 'hs'):
    x4 = label + '-x4'
    if med('tlsdiag-json', x4) and med('tlsdiag-json', label):
        a = statistics.median(x[1] for x in res[('tlsdiag-json', label)]) / 1024
        b = max(x[1] for x in res[('tlsdiag-json', x4)]) / 1024
        line('peak RSS %-5s 1x %.1f MB, 4x %.1f MB: %+.1f%%   [target within 10%%: %s]' % (
            label + ':', a, b, (b / a - 1) * 100, 'met' if b <= a * 1.10 else 'MISSED'))
def summ(label, kind):
    p = os.path.join(d, '%s.%s.json' % (label, kind))
    try:
        return json.load(open(p))['summary']
    except Exception:
        return None
if 'cc' in meta and 'cc-low' in meta and med('tlsdiag-json', 'cc') and med('tlsdiag-json', 'cc-low'):
    out.append('')
    out.append('Many open connections: the same %d connections, %d open at once (cc) and %d (cc-low)' % (
        meta['cc']['connections'], meta['cc']['max_concurrent_connections'],
        meta['cc-low']['max_concurrent_connections']))
    ns = {}
    for label in ('cc', 'cc-low'):
        for tool in ('floor', 'tlsdiag-json', 'tlsdiag-1cpu'):
            if med(tool, label):
                ns[(tool, label)] = med(tool, label) / meta[label]['packets'] * 1e9
    for tool in ('tlsdiag-json', 'tlsdiag-1cpu'):
        a, b = ns.get((tool, 'cc')), ns.get((tool, 'cc-low'))
        if a and b:
            line('%-13s per packet: %.0f ns with %d open, %.0f ns with %d open: %.2fx   '
                 '[target <= 1.5: %s]; vs floor %.2fx and %.2fx' % (
                tool, a, meta['cc']['max_concurrent_connections'], b,
                meta['cc-low']['max_concurrent_connections'], a / b,
                'met' if a / b <= 1.5 else 'MISSED',
                a / ns[('floor', 'cc')], b / ns[('floor', 'cc-low')]))
    rh = max(x[1] for x in res[('tlsdiag-json', 'cc')]) * 1024
    rl = max(x[1] for x in res[('tlsdiag-json', 'cc-low')]) * 1024
    dn = meta['cc']['max_concurrent_connections'] - meta['cc-low']['max_concurrent_connections']
    line('peak RSS (tlsdiag --json): %.1f MB with %d open, %.1f MB with %d open: '
         '%.0f bytes per open connection' % (
        rh / 2**20, meta['cc']['max_concurrent_connections'], rl / 2**20,
        meta['cc-low']['max_concurrent_connections'], (rh - rl) / max(dn, 1)))
    sh, sl = summ('cc', 'summary'), summ('cc-low', 'summary')
    if sh and sl and 'memory_peak' in sh:
        mh, ml = sh['memory_peak'], sl['memory_peak']
        line('--max-memory accounting (summary memory_peak): %.1f MB and %.1f MB: '
             '%.0f bytes per open connection; RSS - accounted: %.1f MB and %.1f MB '
             '(%.0f bytes per open connection not accounted)' % (
            mh / 2**20, ml / 2**20, (mh - ml) / max(dn, 1), (rh - mh) / 2**20,
            (rl - ml) / 2**20, ((rh - mh) - (rl - ml)) / max(dn, 1)))
        line('evicted with --max-memory %s: %d of %d connections' % (
            os.environ.get('CC_MEM', '?'), sh['evicted'], sh['connections']))
    dc = summ('cc', 'summary-defcap')
    if dc:
        line('at the default --max-memory: %d of %d connections evicted (memory_peak %.1f MB)' % (
            dc['evicted'], dc['connections'], dc.get('memory_peak', 0) / 2**20))
if cold:
    out.append('')
    out.append('Cold cache (page cache dropped before each command): disk-bound figures')
    out.append('| tool | capture | runs | wall s (median) | MB/s | user+sys s |')
    out.append('|---|---|---|---|---|---|')
    for label in ('bulk', 'hs'):
        for tool in ('floor', 'tlsdiag-json'):
            v = cold.get((tool, label))
            if v and label in meta:
                w = statistics.median(x[0] for x in v)
                out.append('| %s | %s | %d | %.3f | %.0f | %.2f |' % (
                    tool, label, len(v), w, meta[label]['bytes'] / 1e6 / w,
                    statistics.median(x[2] + x[3] for x in v)))
elif mach.get('cold_why'):
    out.append('')
    out.append('Cold cache: not measured (%s)' % mach['cold_why'])
if os.path.getsize(checkout):
    out.append('')
    out.append('Verdict cross-check')
    for l in open(checkout):
        line(l.rstrip())
out.append('')
out.append('(%d rounds; wall = median; peak RSS = max over the runs; raw numbers in %s)' % (runs, raw))
print('\n'.join(out))
EOF
if [ "$CALLGRIND" = 1 ]; then
	if command -v valgrind >/dev/null; then
		say "instruction counts (bench/callgrind.sh)"
		cg_conns=1000
		[ "$QUICK" = 1 ] && cg_conns=300
		{ echo; echo "Instruction counts (bench/callgrind.sh --connections $cg_conns)"
		  BENCH_DIR="$DIR" bash "$BENCH/callgrind.sh" --tlsdiag "$TLSDIAG" \
		      --connections "$cg_conns" --top 10; } 2>>"$LOG" | tee -a "$DIR/results.txt"
	else
		say "valgrind not installed: no instruction counts"
	fi
fi
if [ "$CLEAN" = 1 ]; then
	for n in bulk hs bulk-x4 hs-x4; do rm -f "$DIR/$n.pcap" "$DIR/$n.pcap.meta.json"; done
fi
