#!/bin/sh
# mutate.sh - the real binary on a few hundred mutated captures: byte
# flips, truncations, smashed record and block lengths, extreme pcap and
# pcapng timestamps (with if_tsresol / if_tsoffset at their extremes) and
# spliced bytes, derived from pcaps/ with a fixed seed by
# tests/hostile/mutate.py (nothing is kept), plus the capture files in
# fuzz/regress/pcap as they are. Each is read with two of eight option
# combinations (JSON, text, -q, --summary, --failures, -c, a filter,
# --keylog, tiny caps, two -r files, standard input, --exit-failed,
# --threads 3 and 2).
# Every run must end within TLSDIAG_MUTATE_TIMEOUT seconds (default 30),
# not by a signal, with a documented exit status, no sanitizer report
# (run it in a --enable-sanitizers build: make distcheck does), valid
# JSON lines and no raw control character in text.
#
# TLSDIAG_MUTATE_SEED (default 21) and TLSDIAG_MUTATE_COUNT (default 300)
# pick another deterministic set.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 missing"
[ -x "$TLSDIAG" ] || skip "no tlsdiag binary at $TLSDIAG"

if python3 "$top_srcdir/tests/hostile/mutate.py" --tlsdiag "$TLSDIAG" \
    --pcaps "$PCAPS" --regress "$top_srcdir/fuzz/regress/pcap" \
    --tmp "$TMP" --seed "${TLSDIAG_MUTATE_SEED:-21}" \
    --count "${TLSDIAG_MUTATE_COUNT:-300}" \
    --timeout "${TLSDIAG_MUTATE_TIMEOUT:-30}"; then
	pass
else
	fail "mutated captures (inputs kept in $TMP/failed are removed on exit;" \
	    "rerun tests/hostile/mutate.py by hand to keep them)"
fi

# The reproducer of issue 21: a pcapng whose 14 timestamps tshark reads as
# about 2.1e13 s after the epoch (past the year 9999, and past what
# int64_t microseconds hold). Each is counted and said once on stderr.
f="$top_srcdir/fuzz/regress/pcap/ts-overflow.pcapng"
"$TLSDIAG" --json --summary -r "$f" >"$TMP/ts.out" 2>"$TMP/ts.err"
rc=$?
if [ "$rc" -ne 2 ]; then
	fail "ts-overflow.pcapng: exit $rc, expected 2 (its last block names an interface it lacks)"
elif ! tail -1 "$TMP/ts.out" | grep -q '"frames":14,.*"clock_out_of_range":14[,}]'; then
	fail "ts-overflow.pcapng: summary does not count 14 of 14 frames out of range: $(tail -1 "$TMP/ts.out")"
elif [ "$(grep -c 'packets stamped before 1970 or after 9999' "$TMP/ts.err")" -ne 1 ]; then
	fail "ts-overflow.pcapng: stderr does not say it once: $(cat "$TMP/ts.err")"
elif grep -q '"start":"1970-01-01T00:00:00.000000Z"' "$TMP/ts.out" &&
    ! grep -q '"start":"[0-9]\{5,\}' "$TMP/ts.out"; then
	pass
else
	fail "ts-overflow.pcapng: connection start times are not the previous packet's time"
fi
finish
