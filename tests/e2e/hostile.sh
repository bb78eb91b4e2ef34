#!/bin/sh
# hostile.sh - tlsdiag survives hostile captures: streams cut at every
# offset, flipped bytes, absurd length fields, a 10,000-entry Certificate,
# a 64 KiB SNI, 16,383 and 65,535 extensions, 10,000-deep ASN.1, 1-byte
# records, endless connections, SYN floods, broken link/IP/TCP headers and
# broken pcap files. tests/hostile/make-hostile.py derives them from the
# real captures in pcaps/ into a temporary directory (nothing is kept).
#
# Each capture is read as text (-v), --json, -q --summary, and --json
# --summary with tiny caps (--max-flows 8 --max-stream-bytes 1024
# --max-memory 1); broken pcap files only with --json. Every run must
# finish within TLSDIAG_HOSTILE_TIMEOUT seconds (default 60), exit 0 (0
# or 2 for a file broken at the pcap level), not die of a signal, print
# no sanitizer report, write valid JSON lines with --json and no raw
# control character in text.
#
# TLSDIAG_VALGRIND=1 runs every tlsdiag under
# valgrind --error-exitcode=99 --leak-check=full (slow: the long target).
# HOSTILE_ONLY=cut,flip,... limits the kinds (see make-hostile.py).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 missing"
command -v timeout >/dev/null 2>&1 || skip "timeout (coreutils) missing"
[ -x "$TLSDIAG" ] || skip "no tlsdiag binary at $TLSDIAG"

TIMEOUT=${TLSDIAG_HOSTILE_TIMEOUT:-60}
RUNNER=
if [ "${TLSDIAG_VALGRIND:-0}" = 1 ]; then
	if command -v valgrind >/dev/null 2>&1; then
		RUNNER="valgrind -q --error-exitcode=99 --leak-check=full"
		# valgrind is 20-50 times slower.
		TIMEOUT=${TLSDIAG_HOSTILE_TIMEOUT:-1200}
	else
		echo "SKIP: TLSDIAG_VALGRIND=1 but valgrind is not installed;" \
		    "running without it"
	fi
fi

H="$TMP/hostile"
if ! python3 "$top_srcdir/tests/hostile/make-hostile.py" --pcaps "$PCAPS" \
    ${HOSTILE_ONLY:+--only "$HOSTILE_ONLY"} "$H" >"$TMP/gen.err" 2>&1; then
	fail "make-hostile.py: $(tail -5 "$TMP/gen.err")"
	finish
fi

# check.py MODE FILE: JSON lines must parse; text must hold no raw C0/C1
# control character (except tab and newline) and be valid UTF-8.
cat >"$TMP/check.py" <<'EOF'
import json, sys
mode, path = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
if mode == 'json':
    for i, line in enumerate(data.split(b'\n')):
        if not line:
            continue
        try:
            v = json.loads(line.decode('utf-8'))
        except Exception as e:
            sys.exit('line %d is not JSON (%s): %r' % (i + 1, e, line[:160]))
        if not isinstance(v, dict):
            sys.exit('line %d is not a JSON object' % (i + 1))
    sys.exit(0)
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    sys.exit('text output is not valid UTF-8: %s' % e)
bad = sorted({'%#x' % ord(c) for c in text if (ord(c) < 0x20 and c not in
              '\t\n') or 0x7f <= ord(c) <= 0x9f})
if bad:
    sys.exit('raw control characters in text output: %s' % ' '.join(bad))
EOF

# run FILE EXPECT MODE ARGS...: one tlsdiag run, judged.
run() {
	f=$1
	expect=$2
	mode=$3
	shift 3
	# shellcheck disable=SC2086
	timeout "$TIMEOUT" $RUNNER "$TLSDIAG" "$@" -r "$H/$f" \
	    >"$TMP/out" 2>"$TMP/err"
	rc=$?
	what="$f ($mode $*)"
	if [ "$rc" -eq 124 ]; then
		fail "$what: no result within ${TIMEOUT}s"
		return
	fi
	if [ "$rc" -ge 128 ]; then
		fail "$what: killed by signal $((rc - 128)): $(tail -3 "$TMP/err")"
		return
	fi
	if [ "$rc" -eq 99 ] && [ -n "$RUNNER" ]; then
		fail "$what: valgrind errors: $(head -20 "$TMP/err")"
		return
	fi
	if grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
	    "$TMP/err"; then
		fail "$what: sanitizer report: $(grep -m 3 "ERROR\|runtime error" "$TMP/err")"
		return
	fi
	if [ "$rc" -ne 0 ] && ! { [ "$expect" = trunc ] && [ "$rc" -eq 2 ]; }; then
		fail "$what: exit $rc: $(head -3 "$TMP/err")"
		return
	fi
	if [ -s "$TMP/out" ] && ! msg=$(python3 "$TMP/check.py" "$mode" \
	    "$TMP/out" 2>&1); then
		cp "$TMP/out" "$TMP/$f.$mode.out" 2>/dev/null
		fail "$what: $msg"
		return
	fi
	pass
}

n=0
while IFS='	' read -r f expect extra; do
	[ -f "$H/$f" ] || { fail "$f: listed but not generated"; continue; }
	n=$((n + 1))
	if [ "$extra" = "-" ]; then extra=; fi
	extra=$(printf '%s' "$extra" | sed "s|PCAPS/|$PCAPS/|g")
	# shellcheck disable=SC2086
	if [ "$expect" = trunc ]; then
		run "$f" "$expect" json --json $extra
		continue
	fi
	# shellcheck disable=SC2086
	{
		run "$f" "$expect" text -v $extra
		run "$f" "$expect" json --json $extra
		run "$f" "$expect" text -q --summary $extra
		run "$f" "$expect" json --json --summary --max-flows 8 \
		    --max-stream-bytes 1024 --max-memory 1 $extra
	}
done <"$H/manifest.tsv"
[ "$n" -gt 0 ] || fail "make-hostile.py wrote an empty manifest"
finish
