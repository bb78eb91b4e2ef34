#!/bin/sh
# pcapio.sh - pcaps/tools/pcapio.py, the capture library of every script
# (derive.py, the hostile and fuzz seed generators, the benchmark
# generator), read against tshark: timestamps, lengths and TCP fields of
# real captures of every link type, pcapng included; frames it builds
# carry checksums tshark calls good, in every file form it writes
# (tests/tools/pcapio_check.py).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
command -v tshark >/dev/null 2>&1 || skip "tshark is needed"

if python3 "$TOOLS/pcapio_check.py" "$top_srcdir" "$TMP" >"$TMP/out" 2>&1
then pass; else fail "pcapio_check.py: $(grep -v '^FAIL' "$TMP/out" | tail -3; grep '^FAIL' "$TMP/out" | head -5)"; fi
tail -1 "$TMP/out"
finish
