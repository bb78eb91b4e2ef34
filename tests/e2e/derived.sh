#!/bin/sh
# derived.sh - the captures made by pcaps/derive.py from the real ones
# (reordered, duplicated and overlapping segments, a dropped segment, a
# capture starting mid-connection) give their expected verdict code,
# confidence and key events (tests/e2e/expected/derived.tsv), each row
# asserted on its own by the table driver tests/tools/e2e_table.py.
# Captures are named relative to pcaps/ (derived/X.pcap); a "keys" row uses
# the original capture's key log (the name without the -reordered,
# -duplicated, ... suffix).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

python3 "$TOOLS/e2e_table.py" derived "$TLSDIAG" "$top_srcdir" \
    >"$TMP/rows" 2>&1
table_rows "$TMP/rows"
finish
