#!/bin/sh
# docs.sh - every option tlsdiag --help lists is in the man page and the
# README, and every option the man page documents is accepted (in --help).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

"$TLSDIAG" --help >"$TMP/help" 2>&1 || { fail "--help exit $?"; finish; }
MAN="$top_srcdir/man/tlsdiag.1"
README="$top_srcdir/README.md"
# Long options in --help, and short ones (-x at the start of a line).
opts=$(grep -oE -- '--[a-z][a-z-]+' "$TMP/help" | sort -u)
shorts=$(grep -oE -- '^ +-[a-zA-Z]' "$TMP/help" | tr -d ' ' | sort -u)
for o in $opts $shorts; do
	# The man page escapes dashes: \-\-json.
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	if grep -q -- "$esc" "$MAN"; then pass; else
		fail "$o is in --help but not in man/tlsdiag.1"; fi
	if grep -q -- "\`$o\|$o[ ,=\`|]" "$README"; then pass; else
		fail "$o is in --help but not in README.md"; fi
done
# Options the man page documents (.BR \-\-x or .B \-x at a line start).
for o in $(grep -oE '^\.B[RI]? \\-(\\-)?[a-zA-Z][a-zA-Z-]*' "$MAN" |
    sed 's/^\.B[RI]* //; s/\\//g' | sort -u); do
	if grep -q -- "$o\b" "$TMP/help"; then pass; else
		fail "$o is in man/tlsdiag.1 but not in --help"; fi
done
# Every verdict code of the one table in src/verdict.c is in the man page's
# VERDICTS section and in the README.
codes=$(sed -n 's/^	\[VC_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' \
    "$top_srcdir/src/verdict.c")
[ -n "$codes" ] || fail "no verdict codes found in src/verdict.c"
for c in $codes; do
	if grep -q "^\.B $c\b\|^\.B .*\"$c\"\|^\.B .* $c\b" "$MAN"; then pass; else
		fail "verdict code $c is not in man/tlsdiag.1"; fi
	if grep -q "\`$c\`" "$README"; then pass; else
		fail "verdict code $c is not in README.md"; fi
done
finish
