#!/bin/sh
# verdicts.sh - every capture in pcaps/ gives its expected verdict code,
# confidence and key events (tests/e2e/expected/verdicts.tsv), each row
# asserted on its own by the table driver tests/tools/e2e_table.py. The
# expected codes were checked against tshark's view of each capture
# (pcaps/expected.tsv, made by pcaps/tools/oracle.sh).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

python3 "$TOOLS/e2e_table.py" verdicts "$TLSDIAG" "$top_srcdir" \
    >"$TMP/rows" 2>&1
table_rows "$TMP/rows"
finish
