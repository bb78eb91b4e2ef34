#!/bin/sh
# corpora.sh - real-world regression: agreement with tshark's oracle on
# every TCP stream of ../shared/corpora (captures from public projects).
# Skipped when ../shared/corpora is not beside the clone (a user's clone).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

corpora="${TLSDIAG_CORPORA:-$top_srcdir/../shared/corpora}"
[ -f "$corpora/MANIFEST.json" ] || skip "skipped: no $corpora"
if python3 "$TOOLS/corpora_compare.py" "$TLSDIAG" "$corpora" \
    "$top_srcdir/tests/e2e/expected/corpora-known.tsv"; then pass; else
	fail "disagreements with tshark (see above)"; fi
finish
