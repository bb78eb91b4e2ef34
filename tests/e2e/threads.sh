#!/bin/sh
# threads.sh - --threads N: on every committed capture (pcaps/, its derived
# captures and tests/realworld/), in text, JSON, ECS and with the summary,
# the output of 3 worker threads is byte for byte the output of one thread
# (same reports in the same order, same connection numbers, same summary,
# memory_peak included), and so is the exit status. On a benchmark capture
# of 1,000 connections with hundreds open at once (bench/make-bench-pcap.py)
# the same holds for 2 and 4 threads, with --idle-timeout 1 (connections
# reported by the expiry walk at the same packets in several workers) and
# with --shard; its ids are 1..N, each once; and on one of 10,000
# connections open at once with 2 and 3. What keeps one thread
# (-w, -r -, --two-pass, --id, --extract-certs, --json=compact) says so on
# stderr; bad values are usage errors (exit 1).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export SSLKEYLOGFILE=

# same NAME OPTIONS...: one thread against $THREADS threads.
same() {
	name=$1
	shift
	"$TLSDIAG" "$@" --threads 1 >"$TMP/one" 2>"$TMP/one.err"
	rc1=$?
	"$TLSDIAG" "$@" --threads "$THREADS" >"$TMP/many" 2>"$TMP/many.err"
	rc2=$?
	if [ "$rc1" -ne "$rc2" ]; then
		fail "$name: exit $rc1 with one thread, $rc2 with $THREADS"
	elif ! cmp -s "$TMP/one" "$TMP/many"; then
		fail "$name: $THREADS threads differ: $(diff "$TMP/one" "$TMP/many" | head -4)"
	elif ! cmp -s "$TMP/one.err" "$TMP/many.err"; then
		fail "$name: stderr differs: $(diff "$TMP/one.err" "$TMP/many.err" | head -4)"
	else
		pass
	fi
}

THREADS=3
n=0
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng "$PCAPS"/derived/*.pcap \
    $(find "$top_srcdir/tests/realworld" -name '*.pcap' -o -name '*.pcapng' |
    sort); do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	keys=${f%.*}.keys
	same "$b -v" -v -r "$f"
	same "$b --json --summary" --json --summary -r "$f"
	if [ -f "$keys" ]; then
		same "$b --json --keylog" --json --keylog "$keys" -r "$f"
	fi
	case $f in
	"$PCAPS"/*/*) ;;
	"$PCAPS"/*)
		same "$b -q --summary" -q --summary -r "$f"
		same "$b --json=ecs --failures" --json=ecs --failures -r "$f"
		;;
	esac
	n=$((n + 1))
done
[ "$n" -ge 170 ] || fail "only $n captures found"

# The summary's counters with --shard (other_shard: each worker drops
# the other shards' packets, counted once).
same "mixed-20 --shard 2/3" --json --summary --shard 2/3 -r "$PCAPS/mixed-20.pcap"

# Several files read as one (frame numbers run on across them).
same "three files" --json -r "$PCAPS/tls12-ok.pcap" -r "$PCAPS/tls13-aes256.pcap" \
    -r "$PCAPS/kb-expired.pcap"

# A benchmark capture: 1,000 connections to many services, hundreds open.
if command -v python3 >/dev/null 2>&1 &&
    python3 "$top_srcdir/bench/make-bench-pcap.py" -o "$TMP/bench.pcap" \
    --scale 0.01 --handshake-only >/dev/null 2>&1; then
	for THREADS in 2 4; do
		same "bench $THREADS" --json --summary -r "$TMP/bench.pcap"
		same "bench $THREADS idle" -v --idle-timeout 1 -r "$TMP/bench.pcap"
		same "bench $THREADS shard" --json --summary --shard 2/3 \
		    -r "$TMP/bench.pcap"
	done
	"$TLSDIAG" --json --threads 4 -r "$TMP/bench.pcap" |
	    sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | sort -n >"$TMP/ids"
	seq 1 "$(wc -l <"$TMP/ids")" >"$TMP/want"
	if [ "$(wc -l <"$TMP/ids")" -ge 1000 ] && cmp -s "$TMP/ids" "$TMP/want"; then
		pass
	else
		fail "bench: ids are not 1..N: $(diff "$TMP/ids" "$TMP/want" | head -3)"
	fi
else
	echo "# python3 or the benchmark generator missing: benchmark capture skipped"
fi

# 10,000 connections open at once: a worker with thousands open looks
# ahead in its packets (pool.c prefetch_ahead), the thread that reads
# does not; neither changes a report.
if command -v python3 >/dev/null 2>&1 &&
    python3 "$top_srcdir/bench/make-bench-pcap.py" -o "$TMP/cc.pcap" \
    --connections 10000 --concurrent 10000 >/dev/null 2>&1; then
	for THREADS in 2 3; do
		same "many open $THREADS" --json --summary -r "$TMP/cc.pcap"
	done
	rm -f "$TMP/cc.pcap"
else
	echo "# python3 or the benchmark generator missing: many-open capture skipped"
fi

# What needs one thread says so, and still reports.
for opt in "-w $TMP/w.pcap" "--two-pass" "--id 1" "--json=compact" \
    "--extract-certs $TMP/x"; do
	mkdir -p "$TMP/x"
	# shellcheck disable=SC2086
	"$TLSDIAG" $opt --threads 2 -r "$PCAPS/tls12-ok.pcap" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	first=${opt%% *}
	if [ "$rc" -eq 0 ] && [ -s "$TMP/out" ] &&
	    grep -q "^tlsdiag: --threads: one analysis thread with $first\$" "$TMP/err"; then
		pass
	else
		fail "$opt --threads 2: exit $rc, stderr: $(head -2 "$TMP/err")"
	fi
done
"$TLSDIAG" --threads 2 -r - <"$PCAPS/tls12-ok.pcap" >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 0 ] && grep -q "one analysis thread with a pipe (-r -, a FIFO)" "$TMP/err"; then
	pass; else fail "-r - --threads 2: $(head -2 "$TMP/err")"; fi
# Not asked for: nothing said.
"$TLSDIAG" -w "$TMP/w2.pcap" -r "$PCAPS/tls12-ok.pcap" >/dev/null 2>"$TMP/err"
if [ ! -s "$TMP/err" ]; then pass; else fail "-w alone: $(head -1 "$TMP/err")"; fi

for bad in -1 257 x 2x ""; do
	"$TLSDIAG" --threads "$bad" -r "$PCAPS/tls12-ok.pcap" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 1 ]; then pass; else fail "--threads '$bad': exit $rc, not 1"; fi
done

finish
