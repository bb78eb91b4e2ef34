#!/bin/sh
# capture-loop.sh - the read loop without a network:
#   - with a BPF filter, frame numbers are those of the file, checked against
#     tshark's frame.number for the same connection, on each read path (the
#     reader thread, one CPU, standard input);
#   - capture_loss is set exactly on the captures with a segment removed
#     (pcaps/derived/*-dropped.pcap), shown in text and counted in the
#     summary;
#   - a stalled connection whose keepalive probes come after the idle
#     timeout stays one connection (no [midstream] phantoms);
#   - --extract-certs creates its directory, and refuses a file or a
#     directory the -Z user cannot write, before reading (exit 2);
#   - Ctrl-C while reading a pipe (-r -) reports what was read, prints the
#     summary and exits 0.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

# --- frame numbers under a filter ---
PC="$PCAPS/mixed-20.pcap"
PORT=33398	# the 8th connection of 20
if command -v tshark >/dev/null 2>&1; then
	tshark -r "$PC" -Y "tcp.port==$PORT" -T fields -e frame.number \
	    2>/dev/null >"$TMP/want"
	[ -s "$TMP/want" ] || fail "tshark sees no frame of port $PORT"
	frames() {	# JSON lines on stdin -> event frame numbers
		python3 -c '
import json, sys
for line in sys.stdin:
    c = json.loads(line)
    for e in c.get("events", []):
        print(e["frame"])'
	}
	check_frames() {	# $1: what; JSON on stdin
		frames >"$TMP/got"
		if [ -s "$TMP/got" ] && [ "$(head -1 "$TMP/got")" = \
		    "$(head -1 "$TMP/want")" ] &&
		    [ -z "$(sort -u "$TMP/got" | comm -23 - \
		    "$(sort -u "$TMP/want" >"$TMP/wants"; echo "$TMP/wants")")" ]
		then pass; else
			fail "$1: frames $(tr '\n' ' ' <"$TMP/got") not among tshark's $(tr '\n' ' ' <"$TMP/want")"
		fi
	}
	"$TLSDIAG" -r "$PC" --json "tcp port $PORT" | check_frames "reader thread"
	"$TLSDIAG" -r - --json "tcp port $PORT" <"$PC" | check_frames "stdin"
	if command -v taskset >/dev/null 2>&1; then
		taskset -c 0 "$TLSDIAG" -r "$PC" --json -f "tcp port $PORT" |
		    check_frames "one CPU"
	fi
	# Without a filter, the same frames.
	"$TLSDIAG" -r "$PC" --json | python3 -c '
import json, sys
for line in sys.stdin:
    c = json.loads(line)
    if c["client"]["port"] == int(sys.argv[1]):
        print(json.dumps(c))' $PORT | check_frames "no filter"
else
	echo "tshark missing: frame numbers not checked"
fi

# --- capture_loss on the captures with a segment removed ---
for f in "$PCAPS"/*.pcap "$PCAPS"/derived/*.pcap; do
	n=$("$TLSDIAG" -r "$f" --json 2>/dev/null |
	    grep -c '"capture_loss":true')
	case "$f" in
	*-dropped.pcap) want=1 ;;
	*) want=0 ;;
	esac
	if [ "$n" -eq "$want" ]; then pass; else
		fail "$(basename "$f"): $n connections with capture_loss, want $want"; fi
done
D="$PCAPS/derived/tls12-ok-dropped.pcap"
if "$TLSDIAG" -r "$D" --summary | grep -q '\[capture loss: sequence gap\]'
then pass; else fail "text output does not mark the capture loss"; fi
if "$TLSDIAG" -r "$D" --summary | grep -q 'packets missing from the capture.*: 1$'
then pass; else fail "text summary does not count the capture loss"; fi
if "$TLSDIAG" -r "$D" --json --summary | grep -q '"capture_loss":1[,}]'
then pass; else fail "JSON summary does not count the capture loss"; fi

# --- idle, keepalive: one connection ---
# pcaps/keepalive-stall.pcap (make-keepalive.sh): a ClientHello never
# answered, keepalive probes every 2 s (tshark: frames 6-13 "TCP
# Keep-Alive" and "Keep-Alive ACK"), the client's FIN at 9 s. With
# --idle-timeout 1 the connection is reported idle before the first probe;
# the probes, their answers and the FINs start no new connection.
K="$PCAPS/keepalive-stall.pcap"
if command -v tshark >/dev/null 2>&1; then
	n=$(tshark -r "$K" -Y tcp.analysis.keep_alive 2>/dev/null | wc -l)
	if [ "$n" -eq 4 ]; then pass; else
		fail "tshark sees $n keepalive probes in $K, want 4"; fi
fi
for idle in 1 60; do
	"$TLSDIAG" -r "$K" --json --idle-timeout $idle >"$TMP/ka"
	n=$(grep -c '"id":' "$TMP/ka")
	if [ "$n" -eq 1 ]; then pass; else
		fail "keepalive, --idle-timeout $idle: $n connections, want 1"; fi
	if grep -q '"midstream":true' "$TMP/ka"; then
		fail "keepalive, --idle-timeout $idle: a [midstream] connection"
	else pass; fi
done
# The silence lasted until the idle timeout ended the connection, not only
# to its last packet (the ClientHello's ACK): the report comes with the
# first packet past the timeout, the first probe (frame 6). It used to say
# "0.0 s of silence".
if command -v tshark >/dev/null 2>&1; then
	want=$(tshark -r "$K" -Y 'frame.number == 4 || frame.number == 6' \
	    -T fields -e frame.time_epoch 2>/dev/null |
	    awk 'NR == 1 { a = $1 } NR == 2 { printf "%.1f", $1 - a }')
	"$TLSDIAG" -r "$K" --idle-timeout 1 >"$TMP/ka.txt"
	if grep -q "server_silent (failed, certain)" "$TMP/ka.txt" &&
	    grep -q "never answered the ClientHello ($want s of silence, until the idle timeout ended the connection)" "$TMP/ka.txt"
	then pass; else
		fail "keepalive, --idle-timeout 1: want $want s of silence until the idle timeout: $(grep -A1 verdict: "$TMP/ka.txt")"; fi
	"$TLSDIAG" -r "$K" >"$TMP/ka.txt"
	# Without the idle timeout, the client gives up first: its FIN
	# (frame 14) ends the silence it waited through.
	want=$(tshark -r "$K" -Y 'frame.number == 4 || frame.number == 14' \
	    -T fields -e frame.time_epoch 2>/dev/null |
	    awk 'NR == 1 { a = $1 } NR == 2 { printf "%.1f", $1 - a }')
	if grep -q "never answered the ClientHello ($want s of silence, then the client closed)" "$TMP/ka.txt"
	then pass; else
		fail "keepalive: want $want s of silence: $(grep -A1 verdict: "$TMP/ka.txt")"; fi
fi

# --- --extract-certs: the directory is checked before reading ---
C="$PCAPS/tls12-ok.pcap"
"$TLSDIAG" -q -r "$C" --extract-certs "$TMP/certs" >/dev/null 2>"$TMP/err"
rc=$?
n=$(ls "$TMP/certs" 2>/dev/null | grep -c '\.pem$')
# tshark: the server's Certificate message carries the leaf and the
# intermediate.
if [ "$rc" -eq 0 ] && [ "$n" -eq 2 ]; then pass; else
	fail "--extract-certs into a new directory: exit $rc, $n files"; fi
: >"$TMP/afile"
"$TLSDIAG" -q -r "$C" --extract-certs "$TMP/afile" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "not a directory" "$TMP/err" &&
    [ ! -s "$TMP/out" ]; then pass; else
	fail "--extract-certs FILE: exit $rc, $(cat "$TMP/err")"; fi
if [ "$(id -u)" -eq 0 ]; then
	# As root, live: the directory must be writable by the -Z user.
	mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
	"$TLSDIAG" -i lo -Z nobody -c 1 --extract-certs "$TMP/ro" \
	    >/dev/null 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "not writable by nobody" "$TMP/err"
	then pass; else fail "--extract-certs not writable by -Z: exit $rc, $(cat "$TMP/err")"; fi
else
	chmod 555 "$TMP/certs"
	"$TLSDIAG" -q -r "$C" --extract-certs "$TMP/certs" >/dev/null \
	    2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "not writable" "$TMP/err"; then pass
	else fail "--extract-certs not writable: exit $rc"; fi
fi

# --- Ctrl-C on a pipe ---
mkfifo "$TMP/fifo"
"$TLSDIAG" -r - --summary <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
td=$!
exec 3>"$TMP/fifo"
cat "$PCAPS/tls12-ok.pcap" >&3
sleep 1
kill -INT "$td"
wait "$td"
rc=$?
exec 3>&-
if [ "$rc" -eq 0 ]; then pass; else
	fail "Ctrl-C on -r -: exit $rc, $(cat "$TMP/err")"; fi
if grep -q '^Summary: 1 connection' "$TMP/out"; then pass; else
	fail "Ctrl-C on -r -: no summary of the connection read"; fi
if [ ! -s "$TMP/err" ]; then pass; else
	fail "Ctrl-C on -r -: stderr: $(cat "$TMP/err")"; fi

# --- SIGUSR1 on a pipe: asks for counters, must not end the run ---
# (a read from a pipe interrupted by it was an input error, exit 2)
rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
"$TLSDIAG" -r - --summary <"$TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
td=$!
exec 3>"$TMP/fifo"
head -c 3000 "$PCAPS/tls12-ok.pcap" >&3
sleep 1		# tlsdiag waits in read for the rest
kill -USR1 "$td"
sleep 0.5
tail -c +3001 "$PCAPS/tls12-ok.pcap" >&3
exec 3>&-
wait "$td"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ]; then pass; else
	fail "SIGUSR1 on -r -: exit $rc, $(cat "$TMP/err")"; fi
if grep -q '^Summary: 1 connection: 1 ok' "$TMP/out"; then pass; else
	fail "SIGUSR1 on -r -: the connection is not reported ok"; fi
finish
