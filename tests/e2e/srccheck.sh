#!/bin/sh
# srccheck.sh - STYLE.md rules the compiler does not check: no function in
# src/*.c over 100 lines, and no mutable static storage (symbols in .bss,
# .data or thread-local sections of libcore.a and main.o, read with
# objdump) but the signal flags. The exceptions, each with its reason, are
# in expected/srccheck-allow.txt; tests/tools/srccheck.py --list shows
# every long function and static with its length or section.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

B="${top_builddir:-.}"
objs=""
for o in "$B/libcore.a" "$B/src/main.o"; do
	[ -f "$o" ] && objs="$objs $o"
done
[ -n "$objs" ] || fail "no libcore.a or src/main.o in $B"
# shellcheck disable=SC2086
if python3 "$TOOLS/srccheck.py" "$top_srcdir/src" \
    "$top_srcdir/tests/e2e/expected/srccheck-allow.txt" $objs \
    >"$TMP/out" 2>&1; then pass; else
	fail "$(cat "$TMP/out")"; fi
grep -q "functions, " "$TMP/out" && pass || fail "no functions found"
# The checker finds what it must: a function over the limit and a static.
mkdir "$TMP/src"
{
	printf 'int\nlong_one(void)\n{\n'
	i=0
	while [ $i -lt 100 ]; do echo "	x();"; i=$((i + 1)); done
	printf '}\n'
} >"$TMP/src/t.c"
: >"$TMP/empty.txt"
if python3 "$TOOLS/srccheck.py" "$TMP/src" "$TMP/empty.txt" >"$TMP/long" 2>&1
then
	fail "a 103-line function passed"
elif grep -q "long_one is 103 lines" "$TMP/long"; then
	pass
else
	fail "long function not found: $(cat "$TMP/long")"
fi
if command -v cc >/dev/null 2>&1 && command -v objdump >/dev/null 2>&1; then
	printf 'static int counter;\nint bump(void);\nint\nbump(void)\n{\n\treturn ++counter;\n}\n' \
	    >"$TMP/s.c"
	if cc -c -o "$TMP/s.o" "$TMP/s.c"; then
		python3 "$TOOLS/srccheck.py" "$TMP/src" "$TMP/empty.txt" \
		    "$TMP/s.o" >"$TMP/st" 2>&1
		grep -q "mutable static counter" "$TMP/st" && pass ||
		    fail "static not found: $(cat "$TMP/st")"
	fi
fi
finish
