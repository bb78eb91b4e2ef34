#!/bin/sh
# streaming.sh - when tlsdiag reads a capture from a pipe (-r -), a report
# is written as soon as its connection ends, not when the input ends; from
# a file, the output is the same text, block-buffered.
. "$(dirname "$0")/lib.sh"

CAP="$PCAPS/tls12-ok.pcap"
command -v mkfifo >/dev/null 2>&1 || skip "no mkfifo"

# From a file: one report (the connection ends with FINs).
"$TLSDIAG" -q -r "$CAP" >"$TMP/file.out" 2>"$TMP/err"
if [ "$(wc -l <"$TMP/file.out")" -eq 1 ] && grep -q ' OK ok: ' "$TMP/file.out"; then
	pass
else
	fail "file: expected one OK line, got: $(cat "$TMP/file.out" "$TMP/err")"
fi

# From a pipe that stays open after the capture: the report must be out
# while tlsdiag still waits for more packets.
mkfifo "$TMP/fifo"
"$TLSDIAG" -q -r - <"$TMP/fifo" >"$TMP/pipe.out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/fifo"
cat "$CAP" >&3
n=0
while [ "$n" -lt 100 ] && [ ! -s "$TMP/pipe.out" ]; do
	sleep 0.1
	n=$((n + 1))
done
if cmp -s "$TMP/file.out" "$TMP/pipe.out"; then
	pass
else
	fail "pipe: no report while the input stays open after ${n}00 ms: '$(cat "$TMP/pipe.out")'"
fi
if kill -0 "$pid" 2>/dev/null; then
	pass
else
	fail "pipe: tlsdiag ended before its input did"
fi
exec 3>&-
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && cmp -s "$TMP/file.out" "$TMP/pipe.out"; then
	pass
else
	fail "pipe: exit $rc, output '$(cat "$TMP/pipe.out" "$TMP/err")'"
fi
finish
