#!/bin/sh
# snaplen.sh - derive short-snapshot captures from committed real ones.
#
#   sh pcaps/tools/snaplen.sh        (from the top of the tree)
#
# editcap -s 120 (Wireshark's own tool) keeps the first 120 bytes of every
# frame and leaves the original wire length in the record header, exactly
# what `tcpdump -s 120` writes: 66 bytes of Ethernet, IPv4 and TCP headers
# with timestamps, then 54 bytes of TCP payload. Frames of 120 bytes or
# less are untouched. Output: pcaps/derived/<name>-snap120.pcap.
set -eu
cd "$(dirname "$0")/.."
for n in tls12-client-cert-untrusted tls13-client-cert-untrusted tls12-ok; do
	editcap -F pcap -s 120 "$n.pcap" "derived/$n-snap120.pcap"
done
