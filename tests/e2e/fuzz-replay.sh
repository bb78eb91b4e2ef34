#!/bin/sh
# fuzz-replay.sh - every saved fuzz input still runs cleanly: the minimized
# corpus (fuzz/corpus/<target>) and every input that ever crashed a target
# (fuzz/regress/<target>) are fed to that target's LLVMFuzzerTestOneInput
# by fuzz/replay_<target>, built with the normal compiler (no clang
# needed). A run must exit 0 within FUZZ_REPLAY_TIMEOUT seconds (default
# 300), not die of a signal, and print no sanitizer report (the reports
# appear in a --enable-sanitizers or --enable-fuzzing build).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v timeout >/dev/null 2>&1 || skip "timeout (coreutils) missing"
: "${top_builddir:=.}"
TIMEOUT=${FUZZ_REPLAY_TIMEOUT:-300}

for t in tls x509 pcap cli; do
	bin="$top_builddir/fuzz/replay_$t"
	if [ ! -x "$bin" ]; then
		fail "no replay driver $bin (make check builds it)"
		continue
	fi
	for kind in corpus regress; do
		dir="$top_srcdir/fuzz/$kind/$t"
		[ -d "$dir" ] || continue
		timeout "$TIMEOUT" "$bin" "$dir" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		what="replay_$t fuzz/$kind/$t"
		if [ "$rc" -eq 124 ]; then
			fail "$what: no result within ${TIMEOUT}s"
		elif [ "$rc" -ge 128 ]; then
			fail "$what: killed by signal $((rc - 128)): $(tail -5 "$TMP/err")"
		elif grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
		    "$TMP/err"; then
			fail "$what: sanitizer report: $(grep -m 3 "ERROR\|runtime error\|SUMMARY" "$TMP/err")"
		elif [ "$rc" -ne 0 ]; then
			fail "$what: exit $rc: $(tail -3 "$TMP/err")"
		else
			echo "$(cat "$TMP/out")"
			pass
		fi
	done
done
finish
