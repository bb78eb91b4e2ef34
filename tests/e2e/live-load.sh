#!/bin/sh
# live-load.sh - live capture under load, in a network namespace this test
# creates (nothing leaves it). A Python/OpenSSL TLS server and 1,200 short
# connections from 16 parallel client threads, as fast as they go (ok,
# untrusted CA, refused: tests/tools/tls_load.py), while tlsdiag, with
# default options, is stopped for 0.5 s (SIGSTOP/SIGCONT) in the middle:
#   - every connection is reported exactly once with the verdict its kind
#     implies and no capture loss, and the kernel's drop counter is 0;
#   - the key log the clients write during the load, absent at start, is
#     followed: every ok (TLS 1.3) handshake is decrypted;
#   - a refused connection made after the load, with no traffic after it,
#     is reported within 2 s;
#   - SIGINT exits 0 with the summary;
#   - two processes in one --fanout group report each of 600 connections
#     exactly once between them, and both get some.
# Needs root and network namespaces (ip netns); skipped otherwise.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "skipped: needs root"
command -v ip >/dev/null 2>&1 || skip "skipped: needs ip (iproute2)"
command -v python3 >/dev/null 2>&1 || skip "skipped: needs python3"
NS="tlsdiag-live-$$"
ip netns add "$NS" 2>/dev/null || skip "skipped: cannot create a network namespace"
trap 'kill $pids 2>/dev/null; ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
ip -n "$NS" link set lo up || { fail "cannot bring up lo in $NS"; finish; }
pids=
PKI="$PCAPS/pki"
LOAD="$TOOLS/tls_load.py"
SPORT=4433
RPORT=4434
N=1200
PAR=16
# A sanitizer build analyses several times slower: fewer connections keep
# the run short (the drop, latency and fanout checks are the same).
if grep -aq __asan_init "$TLSDIAG"; then
	N=600
fi

inns() {
	ip netns exec "$NS" "$@"
}

# started PID waits until tlsdiag PID runs as nobody: the interface is open
# and the filter installed.
started() {
	i=0
	while [ $i -lt 100 ]; do
		uid=$(awk '/^Uid:/ { print $3 }' "/proc/$1/status" 2>/dev/null)
		[ "$uid" = 65534 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

ip netns exec "$NS" python3 "$LOAD" server "$PKI" 127.0.0.1 $SPORT "$TMP/ready" &
srv=$!
pids="$srv"
i=0
while [ ! -s "$TMP/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/ready" ] || { fail "the TLS server did not start"; finish; }

# --- 1,200 connections, a 0.5 s stop, default options ---
# The ok clients write their TLS 1.3 secrets to a key log that does not
# exist when tlsdiag starts; tlsdiag, running as nobody, follows it.
chmod 755 "$TMP"
umask 022
ip netns exec "$NS" "$TLSDIAG" -i lo --json --summary --keylog "$TMP/keys" \
    tcp >"$TMP/out" 2>"$TMP/err" &
td=$!
pids="$pids $td"
started "$td" || { cat "$TMP/err"; fail "tlsdiag -i lo did not start"; finish; }
t0=$(now_ms)
inns python3 "$LOAD" client "$PKI" 127.0.0.1 $SPORT $RPORT $N $PAR 30000 \
    "$TMP/keys" >"$TMP/clients" &
cl=$!
sleep 1
kill -STOP "$td"
sleep 0.5
kill -CONT "$td"
if wait "$cl"; then pass; else
	fail "clients: $(grep -cv ' ok ok$\| untrusted verify-failed$\| refused refused$' "$TMP/clients") of $N did not behave as expected"
fi
t1=$(now_ms)
echo "load: $N connections in $((t1 - t0)) ms"

# A refused connection after the load, nothing after it: the time from
# its reset (the report's start + duration) to its report on stdout.
sleep 1
inns python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 29999))
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)' $RPORT || fail "the last connection was not refused"
echo "29999 refused refused" >>"$TMP/clients"
t0=$(now_ms)
seen=
while [ $(($(now_ms) - t0)) -lt 3000 ]; do
	if grep -q '"client":{"ip":"127.0.0.1","port":29999}' "$TMP/out"; then
		seen=$(now_ms)
		break
	fi
	sleep 0.02
done
lat=
if [ -n "$seen" ]; then
	lat=$(grep '"client":{"ip":"127.0.0.1","port":29999}' "$TMP/out" |
	    python3 -c '
import datetime, json, sys
c = json.loads(sys.stdin.readline())
t = datetime.datetime.strptime(c["start"], "%Y-%m-%dT%H:%M:%S.%fZ")
t = t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
print(int(int(sys.argv[1]) - t - c["duration_ms"]))' "$seen")
fi
if [ -n "$lat" ] && [ "$lat" -le 2000 ]; then pass; else
	fail "refused connection not reported within 2 s (${lat:-no report})"; fi
echo "refused connection reported $lat ms after its reset"

kill -INT "$td"
wait "$td"
rc=$?
pids="$srv"
if [ "$rc" -eq 0 ]; then pass; else fail "exit $rc after SIGINT"; fi
if grep -q '^{"summary":' "$TMP/out"; then pass; else fail "no summary"; fi
if grep -q '"pcap_dropped":0[,}]' "$TMP/out"; then pass; else
	fail "kernel drops: $(grep -o '"pcap_received.*' "$TMP/out")"; fi
grep -o '"pcap_received[^}]*' "$TMP/out"
if grep -q "key log .* does not exist yet" "$TMP/err"; then pass; else
	fail "no notice for the missing key log: $(cat "$TMP/err")"; fi
if python3 "$TOOLS/check_live.py" --decrypted "$TMP/clients" $SPORT $RPORT \
    "$TMP/out"; then pass; else fail "reports do not match the connections"; fi

# --- two processes in one fanout group ---
ip netns exec "$NS" "$TLSDIAG" -i lo --fanout 7 --json tcp >"$TMP/f1" 2>"$TMP/e1" &
f1=$!
ip netns exec "$NS" "$TLSDIAG" -i lo --fanout 7,hash --json tcp >"$TMP/f2" 2>"$TMP/e2" &
f2=$!
pids="$srv $f1 $f2"
if started "$f1" && started "$f2"; then pass; else
	cat "$TMP/e1" "$TMP/e2"; fail "--fanout processes did not start"; finish; fi
inns python3 "$LOAD" client "$PKI" 127.0.0.1 $SPORT $RPORT 600 $PAR 40000 \
    >"$TMP/fclients" || fail "fanout clients"
sleep 1.5
kill -INT "$f1" "$f2"
wait "$f1" || fail "fanout process 1 exit $?"
wait "$f2" || fail "fanout process 2 exit $?"
pids="$srv"
if msg=$(python3 "$TOOLS/check_live.py" "$TMP/fclients" $SPORT $RPORT \
    "$TMP/f1" "$TMP/f2"); then pass; else fail "fanout: $msg"; fi
echo "fanout: $msg"
case "$msg" in
*"per file [0,"*|*", 0]"*) fail "one fanout process got nothing: $msg" ;;
*) pass ;;
esac
finish
