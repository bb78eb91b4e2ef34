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
finish
