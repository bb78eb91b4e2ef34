#!/bin/sh
# jsonforms.sh - --json=compact and --json=ecs on every committed capture
# (with and without its key log). Compact: every line under 8 KB, each
# certificate written in full once per run and referred to by SHA-256
# afterwards, and the summary computed from compact lines equal to the
# one-run summary. ECS: every field name is in the official ECS field list
# (tests/ecs/ecs-fields.tsv, from the @elastic/ecs npm package) with the
# type ECS gives it and only allowed values where ECS lists them, or under
# tlsdiag's own namespace (tlsdiag.*), as ECS asks of custom fields.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
export SSLKEYLOGFILE=
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng; do
	k="${f%.*}.keys"
	set -- ""
	[ -f "$k" ] && set -- "" "$k"
	for key in "$@"; do
		kopt=""
		[ -n "$key" ] && kopt="--keylog $key"
		# shellcheck disable=SC2086
		"$TLSDIAG" --json=compact $kopt -r "$f" >>"$TMP/compact.jsonl" \
		    2>/dev/null || fail "$f: compact exit $?"
		# shellcheck disable=SC2086
		"$TLSDIAG" --json=ecs $kopt -r "$f" >>"$TMP/ecs.jsonl" \
		    2>/dev/null || fail "$f: ecs exit $?"
	done
done

# Compact: under 8 KB a line on every capture.
if msg=$(python3 - "$TMP/compact.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    n += 1
    if len(line) >= 8192:
        sys.exit("a line of %d bytes" % len(line))
    json.loads(line)
if n < 100:
    sys.exit("only %d lines" % n)
PY
); then pass; else fail "compact: $msg"; fi

# Compact: one run over captures that repeat certificates.
set -- tls12-mtls-ok tls13-mtls-ok tls12-client-cert-reset tls12-ok \
    tls13-ok mixed-20 tls12-client-cert-untrusted
args=""
for c in "$@"; do args="$args -r $PCAPS/$c.pcap"; done
# shellcheck disable=SC2086
"$TLSDIAG" --json=compact $args >"$TMP/c.jsonl" || fail "compact run exit $?"
# shellcheck disable=SC2086
"$TLSDIAG" --json $args >"$TMP/f.jsonl" || fail "full run exit $?"
if msg=$(python3 - "$TMP/c.jsonl" "$TMP/f.jsonl" <<'PY'
import json, sys
comp = [json.loads(l) for l in open(sys.argv[1])]
full = [json.loads(l) for l in open(sys.argv[2])]
if len(comp) != len(full):
    sys.exit("%d compact lines, %d full" % (len(comp), len(full)))
seen, refs = {}, 0
for c, f in zip(comp, full):
    for chain in ("server_certs", "client_certs"):
        for x, y in zip(c[chain], f[chain]):
            if x.get("ref"):
                refs += 1
                if x != {"sha256": y["sha256"], "ref": True}:
                    sys.exit("bad reference %s" % x)
                if x["sha256"] not in seen:
                    sys.exit("reference before the certificate")
            else:
                if x != y:
                    sys.exit("a certificate differs")
                if "sha256" in x:
                    if x["sha256"] in seen:
                        sys.exit("certificate written in full twice")
                    seen[x["sha256"]] = x
        c[chain] = f[chain] = None
    if c != f:
        sys.exit("compact and full differ beyond certificates")
if refs < 10:
    sys.exit("only %d references" % refs)
PY
); then pass; else fail "compact: $msg"; fi
"$TLSDIAG" --json --summary --from-json "$TMP/c.jsonl" >"$TMP/sc.json"
"$TLSDIAG" --json --summary --from-json "$TMP/f.jsonl" >"$TMP/sf.json"
if cmp -s "$TMP/sc.json" "$TMP/sf.json" &&
    grep -q '"subject":"CN=tls-client,O=LMT Corp"' "$TMP/sc.json"; then
	pass; else fail "summary from compact lines differs"; fi

# ECS: field names, types and allowed values.
if msg=$(python3 - "$TMP/ecs.jsonl" "$top_srcdir/tests/ecs/ecs-fields.tsv" <<'PY'
import ipaddress, json, re, sys
ecs = {}
for line in open(sys.argv[2]):
    if line.startswith("#"):
        continue
    name, typ, arr, allowed = line.rstrip("\n").split("\t")
    ecs[name] = (typ, arr == "array",
                 None if allowed == "-" else set(allowed.split(",")))
date = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
errs = set()
used = set()
def check_scalar(name, typ, v):
    if typ == "ip":
        try:
            ipaddress.ip_address(v)
        except Exception:
            errs.add("%s: not an IP: %r" % (name, v))
    elif typ == "long":
        if not isinstance(v, int) or isinstance(v, bool):
            errs.add("%s: not an integer: %r" % (name, v))
    elif typ == "date":
        if not isinstance(v, str) or not date.match(v):
            errs.add("%s: not a date: %r" % (name, v))
    elif typ == "boolean":
        if not isinstance(v, bool):
            errs.add("%s: not a boolean: %r" % (name, v))
    elif typ in ("keyword", "wildcard", "match_only_text", "text",
                 "constant_keyword"):
        if not isinstance(v, str):
            errs.add("%s: not a string: %r" % (name, v))
    else:
        errs.add("%s: type %s not checked" % (name, typ))
def walk(o, path):
    if path == "tlsdiag" or path.startswith("tlsdiag."):
        return          # the custom namespace
    if isinstance(o, dict):
        for k, v in o.items():
            walk(v, path + "." + k if path else k)
        return
    if path not in ecs:
        errs.add("not an ECS field: %s" % path)
        return
    used.add(path)
    typ, arr, allowed = ecs[path]
    vals = o if isinstance(o, list) else [o]
    if isinstance(o, list) and not arr:
        errs.add("%s: an array, ECS has a single value" % path)
    for v in vals:
        check_scalar(path, typ, v)
        if allowed is not None and v not in allowed:
            errs.add("%s: %r not among ECS's allowed values" % (path, v))
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    n += 1
    if "tlsdiag" not in d:
        errs.add("no tlsdiag namespace")
    walk(d, "")
if n < 100:
    errs.add("only %d lines" % n)
for need in ("@timestamp", "event.outcome", "source.ip", "destination.port",
             "tls.version", "tls.server.x509.alternative_names",
             "tls.client.x509.subject.distinguished_name"):
    if need not in used:
        errs.add("never written: %s" % need)
if errs:
    sys.exit("; ".join(sorted(errs)[:8]))
PY
); then pass; else fail "ecs: $msg"; fi
finish
