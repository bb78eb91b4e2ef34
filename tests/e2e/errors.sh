#!/bin/sh
# errors.sh - bad input gets one clear line on stderr and a documented
# exit code (0 done, 1 usage, 2 input or capture error, 3 --exit-failed),
# and never partial garbage on stdout.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

# expect CODE PATTERN ARGS...: exit status CODE, stderr matching PATTERN
# in exactly one line.
expect() {
	code=$1
	pat=$2
	shift 2
	"$TLSDIAG" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		fail "tlsdiag $*: exit $rc, want $code ($(head -c 300 "$TMP/err"))"
		return
	fi
	if [ -n "$pat" ] && ! grep -q -- "$pat" "$TMP/err"; then
		fail "tlsdiag $*: stderr lacks '$pat': $(cat "$TMP/err")"
		return
	fi
	if [ "$code" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		fail "tlsdiag $*: want one stderr line, got: $(cat "$TMP/err")"
		return
	fi
	pass
}

# Usage errors.
expect 1 "nothing to read"
expect 1 "unrecognized option\|invalid option" --no-such-option
expect 1 "cannot be used together" -r "$PCAPS/tls12-ok.pcap" -i lo
expect 1 "invalid number" -r "$PCAPS/tls12-ok.pcap" -c 0
expect 1 "unknown verdict code" -r "$PCAPS/tls12-ok.pcap" --verdict nope
expect 1 "--color takes" -r "$PCAPS/tls12-ok.pcap" --color=sometimes
expect 0 "" --help
expect 0 "" --version

# Input errors: nothing on stdout.
expect 2 "No such file or directory" -r "$TMP/missing.pcap"
[ -s "$TMP/out" ] && fail "missing file: stdout not empty"
expect 2 "is a directory" -r "$PCAPS"
: >"$TMP/empty.pcap"
expect 2 "empty file" -r "$TMP/empty.pcap"
expect 2 "unknown file format\|bad dump file format" -r "$top_srcdir/README.md"
[ -s "$TMP/out" ] && fail "not a capture: stdout not empty"
expect 2 "bad filter" -r "$PCAPS/tls12-ok.pcap" "tcp port and and"
expect 2 "no such interface\|No such device" -i tlsdiag-nosuch0
expect 2 "cannot read key log\|No such file" -r "$PCAPS/tls12-ok.pcap" \
    --keylog "$TMP/nokeys"

# A second file that is missing is found before anything is printed.
expect 2 "No such file" -r "$PCAPS/tls12-ok.pcap" -r "$TMP/missing.pcap"
[ -s "$TMP/out" ] && fail "missing second file: stdout not empty"

# A capture cut off mid-record: what came before is still reported, the
# error line names the cause, exit 2.
size=$(wc -c <"$PCAPS/mixed-20.pcap")
head -c $((size - 50)) "$PCAPS/mixed-20.pcap" >"$TMP/cut.pcap"
expect 2 "truncated" -q -r "$TMP/cut.pcap"
n=$(grep -c '^#' "$TMP/out")
if [ "$n" -ge 19 ]; then pass; else
	fail "cut capture: only $n connections reported before the cut"; fi

# An unsupported link type is named (802.11, converted with editcap).
if command -v editcap >/dev/null 2>&1; then
	editcap -T ieee-802-11 "$PCAPS/tls12-ok.pcap" "$TMP/wlan.pcap" \
	    2>/dev/null
	expect 2 "unsupported link type IEEE802_11" -r "$TMP/wlan.pcap"
else
	echo "SKIP: editcap missing: unsupported link type not tested"
fi

# A pcapng whose interfaces have different link types (mergecap of an
# Ethernet and a Linux cooked capture: both interface blocks come first):
# libpcap refuses the second interface; the error says what that means
# and does not claim connections were reported when none could be read.
if command -v mergecap >/dev/null 2>&1; then
	mergecap -F pcapng -w "$TMP/mixed-link.pcapng" \
	    "$PCAPS/tls12-ok.pcap" "$PCAPS/link-sll.pcap" 2>/dev/null
	expect 2 "only while all its interfaces have the first one's link type.*(no packet of it could be read)" \
	    -r "$TMP/mixed-link.pcapng"
	grep -q "connections before this point" "$TMP/err" &&
	    fail "mixed link types: claims connections were reported"
else
	echo "SKIP: mergecap missing: mixed link types not tested"
fi

# No permission for live capture: run as nobody (needs root to switch).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	cp "$TLSDIAG" "$TMP/tlsdiag-nopriv" && chmod 755 "$TMP" "$TMP/tlsdiag-nopriv"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    --inh-caps=-all --bounding-set=-all \
	    "$TMP/tlsdiag-nopriv" -i lo >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "run as root or grant CAP_NET_RAW" \
	    "$TMP/err"; then pass; else
		fail "live capture without privileges: exit $rc: $(cat "$TMP/err")"
	fi
else
	echo "SKIP: not root: the no-permission case is not tested"
fi

# --exit-failed: 3 with a failure, 0 without.
expect 3 "" --exit-failed -q -r "$PCAPS/tls12-client-cert-untrusted.pcap"
expect 0 "" --exit-failed -q -r "$PCAPS/tls12-ok.pcap"

# Standard input.
"$TLSDIAG" -q -r - <"$PCAPS/tls12-ok.pcap" >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 0 ] && grep -q "OK ok" "$TMP/out"; then pass; else
	fail "-r - did not read standard input: $(cat "$TMP/err")"; fi
finish
