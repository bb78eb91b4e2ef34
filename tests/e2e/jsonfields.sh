#!/bin/sh
# jsonfields.sh - every field name that --json and --json --summary write
# on every committed capture (with and without its key log) is documented
# in the JSON OUTPUT section of man/tlsdiag.1, and hex is lower case.
# Keys of the per-code and per-outcome count maps are verdict codes and
# outcomes (documented in VERDICTS), not fields.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
export SSLKEYLOGFILE=
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
	k="${f%.*}.keys"
	"$TLSDIAG" --json --summary -r "$f" >>"$TMP/all.jsonl" 2>/dev/null
	if [ -f "$k" ]; then
		"$TLSDIAG" --json --summary --keylog "$k" -r "$f" \
		    >>"$TMP/all.jsonl" 2>/dev/null
	fi
done
if msg=$(python3 - "$TMP/all.jsonl" "$top_srcdir/man/tlsdiag.1" <<'PY'
import json, re, sys
keys = {}
hexbad = set()
def walk(o, parent, path):
    if isinstance(o, dict):
        for k, v in o.items():
            if parent not in ("verdicts", "outcomes"):
                keys.setdefault(k, path + "." + k)
            walk(v, k, path + "." + k)
    elif isinstance(o, list):
        for v in o:
            walk(v, parent, path + "[]")
    elif isinstance(o, str) and parent in ("sha256", "serial",
            "version_hex", "cipher_hex") and re.search("[A-F]", o):
        hexbad.add("%s=%s" % (parent, o))
n = 0
for line in open(sys.argv[1]):
    walk(json.loads(line), "", "")
    n += 1
man = open(sys.argv[2]).read()
sec = man[man.index(".SH JSON OUTPUT"):man.index(".SH EXIT STATUS")]
doc = set()
for line in sec.splitlines():
    if line.startswith("."):
        doc.update(re.findall(r"[a-z][a-z0-9_]*", line))
missing = sorted(keys[k] for k in keys if k not in doc)
if n < 100:
    sys.exit("only %d lines" % n)
if missing:
    sys.exit("fields not in the man page: %s" % ", ".join(missing))
if hexbad:
    sys.exit("upper-case hex: %s" % sorted(hexbad)[:5])
print(len(keys))
PY
); then pass; else fail "$msg"; fi
finish
