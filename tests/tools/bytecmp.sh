#!/bin/bash
# Compare the reports of two tlsdiag binaries, byte for byte, on every
# capture in pcaps/ (and up to 400 of ../shared/corpora when it is there):
# text -v, --json and --json --two-pass, each without and with the capture's
# key log. Used to show that a refactoring changes no report.
#   usage: tests/tools/bytecmp.sh OLD_BINARY NEW_BINARY   (from the top dir)
A=$1; B=$2; n=0; d=0
[ -x "$A" ] && [ -x "$B" ] || { echo "usage: $0 OLD NEW" >&2; exit 2; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
files=(pcaps/*.pcap pcaps/*.pcapng pcaps/derived/*.pcap*)
if [ -d ../shared/corpora ]; then
	mapfile -t c < <(find ../shared/corpora -name '*.pcap' -o -name '*.pcapng' \
	    -o -name '*.pcap.gz' | sort | head -400)
	files+=("${c[@]}")
fi
for f in "${files[@]}"; do
	k="${f%.*}.keys"; ka=(); [ -f "$k" ] && ka=(--keylog "$k")
	for mode in "-v" "--json" "--json --two-pass"; do
		for kk in 0 1; do
			[ $kk = 1 ] && [ ${#ka[@]} = 0 ] && continue
			if [ $kk = 1 ]; then x=("${ka[@]}"); else x=(); fi
			# shellcheck disable=SC2086
			SSLKEYLOGFILE= "$A" $mode "${x[@]}" -r "$f" >"$t/a" 2>&1; ra=$?
			# shellcheck disable=SC2086
			SSLKEYLOGFILE= "$B" $mode "${x[@]}" -r "$f" >"$t/b" 2>&1; rb=$?
			n=$((n+1))
			if ! cmp -s "$t/a" "$t/b" || [ $ra != $rb ]; then
				d=$((d+1)); echo "DIFF $f $mode keys=$kk"
			fi
		done
	done
done
echo "runs=$n diffs=$d"
[ $d = 0 ]
