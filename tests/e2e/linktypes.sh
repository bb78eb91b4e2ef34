#!/bin/sh
# linktypes.sh - every supported link type is decoded from a real capture:
# the handshake is seen whole (ClientHello .. ApplicationData both ways)
# and the verdict is ok. The link type of each file is as named (checked
# when made with capinfos -E; see pcaps/README.md).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

for cap in link-sll.pcap link-sll2.pcap link-null.pcap link-raw.pcap \
    link-vlan.pcap link-qinq.pcap tls13-ok.pcapng tls13-ok-ipv6.pcap \
    tls13-ok.pcap; do
	SSLKEYLOGFILE= "$TLSDIAG" --json -r "$PCAPS/$cap" >"$TMP/out" \
	    2>"$TMP/err" || { fail "$cap: exit $?: $(cat "$TMP/err")"; continue; }
	if msg=$(python3 "$TOOLS/check_verdicts.py" "$TMP/out" 1 ok certain \
	    c2s:SYN s2c:SYN-ACK c2s:ClientHello s2c:ServerHello \
	    s2c:ApplicationData); then pass; else fail "$cap: $msg"; fi
done
# The IPv6 capture reports IPv6 endpoints.
SSLKEYLOGFILE= "$TLSDIAG" --json -r "$PCAPS/tls13-ok-ipv6.pcap" >"$TMP/out"
if grep -q '"ip":"::1"' "$TMP/out"; then pass; else
	fail "tls13-ok-ipv6: no ::1 endpoint"; fi
finish
