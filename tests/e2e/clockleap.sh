#!/bin/sh
# clockleap.sh - issue 15 case 6: timestamps that leap by days (captures
# recorded on different days and read together with several -r, or merged
# with mergecap -a) must not turn the first connection after the leap into
# tcp_no_answer: its SYN-ACK and a whole session follow. The second capture
# is the real tls13-ok.pcap moved 3 days later (and 3 days earlier) by
# editcap -t, which shifts every timestamp and changes no byte.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
command -v editcap >/dev/null || skip "editcap (wireshark-common) not installed"
command -v mergecap >/dev/null || skip "mergecap not installed"

DAY=86400
editcap -t $((3 * DAY)) "$PCAPS/tls13-ok.pcap" "$TMP/later.pcap" ||
    fail "editcap -t failed"
editcap -t -$((3 * DAY)) "$PCAPS/tls13-ok.pcap" "$TMP/earlier.pcap" ||
    fail "editcap -t failed"
mergecap -a -w "$TMP/merged.pcap" "$PCAPS/tls12-ok.pcap" "$TMP/later.pcap" ||
    fail "mergecap -a failed"
mergecap -a -w "$TMP/merged-back.pcap" "$PCAPS/tls12-ok.pcap" \
    "$TMP/earlier.pcap" || fail "mergecap -a failed"

# expect NAME ARGS...: two connections, #1 TLS 1.2 ok, #2 TLS 1.3 ok with
# its SYN-ACK and ServerHello, as tshark reads the two recordings.
expect() {
	name=$1
	shift
	SSLKEYLOGFILE='' "$TLSDIAG" --json "$@" >"$TMP/$name.json" \
	    2>"$TMP/$name.err" || { fail "$name: exit $?: $(cat "$TMP/$name.err")"; return; }
	if msg=$(python3 "$TOOLS/check_verdicts.py" "$TMP/$name.json" 1 ok \
	    certain c2s:SYN s2c:SYN-ACK c2s:ClientHello s2c:ServerHello); then
		pass
	else
		fail "$name #1: $msg"
	fi
	if msg=$(python3 "$TOOLS/check_verdicts.py" "$TMP/$name.json" 2 ok \
	    certain c2s:SYN s2c:SYN-ACK c2s:ClientHello s2c:ServerHello); then
		pass
	else
		fail "$name #2: $msg"
	fi
	if grep -q '"tcp_no_answer"' "$TMP/$name.json"; then
		fail "$name: a connection reported tcp_no_answer"
	else
		pass
	fi
}

expect two-files -r "$PCAPS/tls12-ok.pcap" -r "$TMP/later.pcap"
expect merged -r "$TMP/merged.pcap"
expect merged-back -r "$TMP/merged-back.pcap"

# tshark agrees that the second recording holds a full session: its SYN-ACK
# and a ServerHello, 3 days after the first.
n=$(tshark -r "$TMP/merged.pcap" -Y 'tcp.flags.syn==1 && tcp.flags.ack==1' \
    2>/dev/null | wc -l)
if [ "$n" -eq 2 ]; then pass; else fail "tshark: $n SYN-ACKs, want 2"; fi

# Public captures that join recordings made apart (tests/realworld): a
# ClientHello that is the first packet after a leap of the clock, a leap
# that frames which are no TCP segment confirm, and connections that the
# leap leaves behind. tshark gives every time.
RW="$top_srcdir/tests/realworld"
EMIX="$RW/mercury/unit_tests/pcaps/emix.pcap"
IPFIX="$RW/ipfixprobe/tests/functional/inputs/tls.pcap"
# conn FILE PORT: "code<TAB>summary<TAB>start" of the connection from
# client port PORT.
conn() {
	"$TLSDIAG" --json -r "$1" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o["client"]["port"] == int(sys.argv[1]):
        print(o["verdict"]["code"], o["verdict"]["summary"], o["start"],
              sep="\t")' "$2"
}
# ftime FILE FRAME: the frame's time (epoch seconds) per tshark.
ftime() {
	tshark -r "$1" -Y "frame.number == $2" -T fields -e frame.time_epoch \
	    2>/dev/null
}
# utc EPOCH: the time as the JSON "start" writes it.
utc() {
	python3 -c 'import sys, datetime; print(datetime.datetime.fromtimestamp(float(sys.argv[1]), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))' "$1"
}
# The ClientHello from port 54341 (frame 3214, the only packet of its
# connection) leapt 20 days ahead of frame 3213; frame 3215 confirmed the
# leap. It keeps its own time (it used to take the time before the leap,
# 2021-09-24, and read "1762744.8 s of silence"), and with the client's
# side only and no ACK to count from, nothing is judged.
got=$(conn "$EMIX" 54341)
start=$(utc "$(ftime "$EMIX" 3214)")
case "$got" in
"handshake_not_seen	the capture holds only the client's side of this connection, from the middle of it: whether the server answered is not known, so the handshake cannot be judged	$start") pass ;;
*) fail "emix 54341: want handshake_not_seen, start $start: got $got" ;;
esac
# PcapPlusPlus's tls1_3.pcap: the connection from port 34152 (frames 1
# and 2, a ClientHello and the server's flight) is followed by a leap of
# 797 days (frame 3, another connection; frame 4 confirms it): the
# capture stopped watching it, which is no failure of the server's.
P13="$RW/pcapplusplus/Tests/Packet++Test/PacketExamples/tls1_3.pcap"
got=$(conn "$P13" 34152)
want=$(python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print("%.1f" % ((b - a) / 86400))' \
    "$(ftime "$P13" 2)" "$(ftime "$P13" 3)")
case "$got" in
"handshake_incomplete	the capture's clock leapt $want days ahead in the middle of the handshake (capture started mid-connection)	"*) pass ;;
*) fail "tls1_3.pcap 34152: want handshake_incomplete, a leap of $want days: got $got" ;;
esac
# ipfixprobe: the ClientHello from port 52614 (frame 167) leapt 914 days;
# frames 168 and 169, which are no TCP segment, confirmed it. It keeps its
# own time (it used to take the time before the leap and end idle at it:
# server_silent, "78977494.8 s of silence"); the capture ends 18.7 s
# after it, before the 60 s idle timeout.
n=$(tshark -r "$IPFIX" -Y '(frame.number == 168 || frame.number == 169) && tcp' \
    2>/dev/null | wc -l)
if [ "$n" -eq 0 ]; then pass; else fail "ipfixprobe: frames 168-169 hold $n TCP segments"; fi
got=$(conn "$IPFIX" 52614)
start=$(utc "$(ftime "$IPFIX" 167)")
case "$got" in
"handshake_incomplete	the capture ends in the middle of the handshake (capture started mid-connection)	$start") pass ;;
*) fail "ipfixprobe 52614: want handshake_incomplete, start $start: got $got" ;;
esac
finish
