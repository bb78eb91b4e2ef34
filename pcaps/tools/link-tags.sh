#!/bin/sh
# link-tags.sh - derive the link-tag captures of issue 15 case 5 from the
# real tls12-ok.pcap (curl and openssl s_server on lo) with tag-dir.py:
#   derived/tls12-ok-cmd-s2c.pcap      the server's frames carry Cisco
#                                      MetaData (0x8909) with SGT 100
#   derived/tls12-ok-unknown-s2c.pcap  the server's frames carry a tag
#                                      tlsdiag does not decode (0x88b5)
set -eu
cd "$(dirname "$0")/.."
python3 tools/tag-dir.py tls12-ok.pcap derived/tls12-ok-cmd-s2c.pcap \
    s2c 8909 010100010064
python3 tools/tag-dir.py tls12-ok.pcap derived/tls12-ok-unknown-s2c.pcap \
    s2c 88b5 00000000
