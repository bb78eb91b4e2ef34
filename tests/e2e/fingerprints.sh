#!/bin/sh
# fingerprints.sh - tlsdiag's tls.ja4, tls.ja3 and tls.ja3s against other
# implementations:
#  - pcaps/: ja3 and ja3s of every connection against tshark's
#    tls.handshake.ja3/ja3s, checked in as expected/fingerprints.tsv (its
#    header says how it was made), so this part runs without tshark;
#  - ../shared/corpora/ja4: ja4 of every TCP stream against the JA4
#    project's Rust snapshots (disagreements explained in
#    expected/fingerprints-ja4-known.tsv);
#  - ../shared/corpora/suricata-verify: every ja3/ja3s hash or string a
#    test.yaml expects;
#  - ../shared/corpora: ja3 and ja3s of every TCP capture against tshark's,
#    checked in as expected/fingerprints-corpora.tsv (disagreements
#    explained in expected/fingerprints-corpora-known.tsv).
# The corpora parts are skipped when ../shared/corpora is not beside the
# clone (a user's clone); the pcaps/ part always runs.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

E="$top_srcdir/tests/e2e/expected"
CMP="$TOOLS/fingerprints_compare.py"
if python3 "$CMP" pcaps "$TLSDIAG" "$top_srcdir" "$E/fingerprints.tsv"; then
	pass; else fail "ja3/ja3s differ from tshark's on pcaps/ (see above)"; fi

corpora="${TLSDIAG_CORPORA:-$top_srcdir/../shared/corpora}"
if [ -f "$corpora/MANIFEST.json" ]; then
	if python3 "$CMP" ja4 "$TLSDIAG" "$corpora" \
	    "$E/fingerprints-ja4-known.tsv"; then pass; else
		fail "ja4 differs from the JA4 project's snapshots"; fi
	if python3 "$CMP" suricata "$TLSDIAG" "$corpora"; then pass; else
		fail "ja3/ja3s differ from suricata-verify's expectations"; fi
	if python3 "$CMP" corpora "$TLSDIAG" "$corpora" \
	    "$E/fingerprints-corpora.tsv" \
	    "$E/fingerprints-corpora-known.tsv"; then pass; else
		fail "ja3/ja3s differ from tshark's on the corpora"; fi
else
	echo "SKIP (corpora parts): no $corpora"
fi
finish
