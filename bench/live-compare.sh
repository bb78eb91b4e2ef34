#!/bin/sh
# live-compare.sh - the load of tests/e2e/live-load.sh seen at once by
# tlsdiag -i lo and tcpdump -w (both with default options, both stopped for
# 0.5 s with SIGSTOP in the middle), and optionally by a second tlsdiag
# binary (an older build): connections reported right, kernel drops, and
# the delay of the report of a refused connection made after the load.
# Run as root from the build directory:
#   sh bench/live-compare.sh [OLD_TLSDIAG]
# Everything happens in a network namespace it creates and deletes.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
TLSDIAG=${TLSDIAG:-./tlsdiag}
OLD=${1:-}
N=${N:-1200}
PAR=${PAR:-16}
NS="tlsdiag-cmp-$$"
T=$(mktemp -d)
chmod 755 "$T"
ip netns add "$NS" || exit 1
trap 'kill $pids 2>/dev/null; ip netns del "$NS"; rm -rf "$T"' EXIT
ip -n "$NS" link set lo up
pids=
ip netns exec "$NS" python3 "$top/tests/tools/tls_load.py" server \
    "$top/pcaps/pki" 127.0.0.1 4433 "$T/ready" &
pids="$!"
while [ ! -s "$T/ready" ]; do sleep 0.1; done
ip netns exec "$NS" "$TLSDIAG" -i lo --json --summary tcp >"$T/new" \
    2>"$T/new.err" &
new=$!
ip netns exec "$NS" tcpdump -i lo -w "$T/td.pcap" tcp 2>"$T/td.err" &
td=$!
pids="$pids $new $td"
if [ -n "$OLD" ]; then
	ip netns exec "$NS" "$OLD" -i lo --json --summary tcp >"$T/old" \
	    2>"$T/old.err" &
	old=$!
	pids="$pids $old"
fi
sleep 2
ip netns exec "$NS" python3 "$top/tests/tools/tls_load.py" client \
    "$top/pcaps/pki" 127.0.0.1 4433 4434 "$N" "$PAR" 30000 >"$T/clients" &
cl=$!
sleep 1
kill -STOP $new $td ${old:-}
sleep 0.5
kill -CONT $new $td ${old:-}
wait $cl
sleep 1
# Watch the outputs for the refused connection from now on (the time from
# its reset, the report's start + duration, to the line on stdout).
for f in new ${old:+old}; do
	python3 - "$T/$f" "$f" <<'PY' &
import datetime, json, os, sys, time
fp = open(sys.argv[1], encoding="utf-8")
fp.seek(0, os.SEEK_END)
end = time.time() + 4
buf = ""
while time.time() < end:
    chunk = fp.read()
    if not chunk:
        time.sleep(0.005)
        continue
    buf += chunk
    while "\n" in buf:
        line, buf = buf.split("\n", 1)
        if '"port":29999}' in line:
            seen = time.time() * 1000
            c = json.loads(line)
            t = datetime.datetime.strptime(c["start"], "%Y-%m-%dT%H:%M:%S.%fZ")
            t = t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
            print(f"{sys.argv[2]}: refused connection reported "
                  f"{seen - t - c['duration_ms']:.0f} ms after its reset")
            sys.exit()
print(sys.argv[2] + ": refused connection not reported within 4 s")
PY
done
sleep 0.5
ip netns exec "$NS" python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 29999))
try: s.connect(("127.0.0.1", 4434))
except ConnectionRefusedError: pass'
echo "29999 refused refused" >>"$T/clients"
sleep 4.5
kill -INT $new $td ${old:-}
wait $new $td ${old:-} 2>/dev/null
sleep 0.5
echo "== tlsdiag (this build)"
python3 "$top/tests/tools/check_live.py" "$T/clients" 4433 4434 "$T/new" |
    head -3
grep -o '"pcap_received[^}]*' "$T/new"
if [ -n "$OLD" ]; then
	echo "== tlsdiag ($OLD)"
	python3 "$top/tests/tools/check_live.py" "$T/clients" 4433 4434 \
	    "$T/old" 2>/dev/null | head -3
	grep -o '"pcap_received[^}]*' "$T/old"
fi
echo "== tcpdump -w, then this tlsdiag -r on its file"
grep -E "captured|dropped" "$T/td.err"
"$TLSDIAG" -r "$T/td.pcap" --json >"$T/fromtd"
python3 "$top/tests/tools/check_live.py" "$T/clients" 4433 4434 "$T/fromtd" |
    head -3

