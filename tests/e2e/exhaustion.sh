#!/bin/sh
# exhaustion.sh - floods that try to exhaust memory: SYNs to distinct
# hosts and ports (every one a connection) and half-open handshakes that
# never end (tests/hostile/make-flood.py, forged frames around a real
# ClientHello). With --max-memory 64 (16 for out-of-order data) tlsdiag must finish with exit 0, report
# the evictions in the summary, and keep its peak RSS under the cap plus a
# fixed allowance for the program itself. Sizes: TLSDIAG_FLOOD_SYNS
# (default 200000; the long run uses 2000000) and TLSDIAG_FLOOD_HALF
# (default 100000).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 missing"
SYNS=${TLSDIAG_FLOOD_SYNS:-200000}
HALF=${TLSDIAG_FLOOD_HALF:-100000}
python3 "$top_srcdir/tests/hostile/make-flood.py" --syns "$SYNS" \
    --half-open "$HALF" --ooo 200 "$TMP/f" >/dev/null ||
	{ fail "make-flood.py failed"; finish; }
# A sanitizer build keeps shadow memory: judge RSS on plain builds only.
if grep -aq __asan_init "$TLSDIAG"; then
	LIMIT_KB=0
else
	LIMIT_KB=$(( (64 + 48) * 1024 ))
fi
# The out-of-order flood holds about 24 MiB: a 16 MiB cap must evict.
for fm in syn-flood:64 half-open:64 ooo:16; do
	f=${fm%:*}
	python3 - "$TLSDIAG" "$TMP/f/$f.pcap" "$LIMIT_KB" "${fm#*:}" \
	    >"$TMP/$f.out" <<'PY'
import json, resource, subprocess, sys
tlsdiag, pcap, limit, cap = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4]
r = subprocess.run([tlsdiag, "--json", "--summary", "-q", "--max-memory",
                    cap, "-r", pcap], capture_output=True, text=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
last = r.stdout.strip().splitlines()[-1]
s = json.loads(last)["summary"]
bad = []
if r.returncode != 0:
    bad.append(f"exit {r.returncode}: {r.stderr.strip()[:200]}")
if s["evicted"] == 0:
    bad.append("no eviction reported")
if limit and rss > limit:
    bad.append(f"peak RSS {rss} KiB over {limit} KiB")
print(f"{pcap}: {s['connections']} connections, {s['evicted']} evicted, "
      f"peak RSS {rss} KiB")
if bad:
    print("; ".join(bad))
    sys.exit(1)
PY
	if [ $? -eq 0 ]; then pass; else fail "$f: $(tail -1 "$TMP/$f.out")"; fi
	cat "$TMP/$f.out"
done
finish
