#!/usr/bin/env python3
"""e2e_table.py - the end-to-end table driver: tlsdiag on every capture a
table names, each row's connection checked against the row.

usage: e2e_table.py TABLE TLSDIAG TOP_SRCDIR

TABLE is one of TABLES below (tests/e2e/expected/TABLE.tsv): its column
spec (checked against the file's header line) and how a row's key log is
found. Every row is "capture conn keys code[@outcome] confidence events":
tlsdiag --json runs once per capture and key choice ("keys": the key log
the table's rule names; "-": none, and SSLKEYLOGFILE emptied), and each
row is checked on its own (check_verdict): one line "PASS cap#conn (keys)"
or "FAIL cap#conn (keys): problems" per row, which tests/e2e/verdicts.sh
and derived.sh count as one assertion each. Exit 1 if a row failed.

The helpers (run_json, check_verdict, endpoint, read_known) are shared by
check_verdicts.py (one row given on the command line, for the tests that
build their captures), corpora_compare.py and fingerprints_compare.py.
"""
import json
import os
import subprocess
import sys

COLUMNS = ['capture', 'conn', 'keys', 'code', 'confidence', 'events']
# Suffixes pcaps/derive.py adds to the name of the capture it derives from.
DERIVED = ['-midstream-nohello', '-reordered', '-duplicated', '-overlap',
           '-dropped', '-midstream']


def keylog_same_name(cap):
    """pcaps/X.pcap -> pcaps/X.keys."""
    return os.path.splitext(cap)[0] + '.keys'


def keylog_derived(cap):
    """pcaps/derived/X-KIND.pcap -> pcaps/X.keys (the original's)."""
    base = os.path.splitext(os.path.basename(cap))[0]
    for s in DERIVED:
        if base.endswith(s):
            base = base[:-len(s)]
    return base + '.keys'


TABLES = {
    'verdicts': {'columns': COLUMNS, 'keylog': keylog_same_name},
    'derived': {'columns': COLUMNS, 'keylog': keylog_derived},
}


def endpoint(ip, port):
    """An address and port as tshark's oracles write them."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def read_known(path):
    """{(capture, stream): reason} of a known-disagreements list."""
    known = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cap, stream, reason = line.rstrip("\n").split("\t", 2)
            known[(cap, stream)] = reason
    return known


def run_json(tlsdiag, capture, keylog=None, timeout=300):
    """tlsdiag --json on |capture| (with --keylog |keylog|, else with
    SSLKEYLOGFILE empty): (exit status, stderr, connections sorted by id,
    lines that are not JSON)."""
    cmd = [tlsdiag, "--json", "-r", capture]
    if keylog:
        cmd += ["--keylog", keylog]
    env = dict(os.environ, SSLKEYLOGFILE="")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=timeout)
    conns, bad = [], []
    for line in r.stdout.splitlines():
        if not line.strip():
            continue
        try:
            c = json.loads(line)
        except ValueError:
            bad.append(line)
            continue
        if "id" in c:
            conns.append(c)
    conns.sort(key=lambda c: c["id"])
    return r.returncode, r.stderr, conns, bad


def check_verdict(conns, conn, code, conf, want):
    """Problems (a list of sentences, empty when none) of connection
    number |conn| (1-based, in id order) of |conns| against CODE[@OUTCOME],
    CONFIDENCE ("-": any) and the events |want| (see check_verdicts.py),
    which must appear in that order."""
    n = int(conn)
    if n > len(conns):
        return [f"connection {n} missing: only {len(conns)} reported"]
    c = conns[n - 1]
    v = c["verdict"]
    bad = []
    outcome = None
    if "@" in code:
        code, outcome = code.split("@", 1)
    if outcome is not None and v["outcome"] != outcome:
        bad.append(f"outcome {v['outcome']} != {outcome}")
    if outcome is None and v["outcome"] == "suspect" and \
            v["code"] != "closed_after_handshake":
        bad.append(f"outcome suspect not expected for {v['code']}")
    if v["code"] != code:
        bad.append(f"code {v['code']} != {code} ({v['summary']})")
    if conf != "-" and v["confidence"] != conf:
        bad.append(f"confidence {v['confidence']} != {conf}")
    evs = c["events"]
    i = 0
    for w in want:
        d, t = w.split(":", 1)
        need_dec = t.endswith("!")
        t = t.rstrip("!")
        desc = None
        part = None
        if "~" in t:
            t, part = t.split("~", 1)
            part = part.replace("+", " ")
        if "=" in t:
            t, desc = t.split("=", 1)
        while i < len(evs):
            e = evs[i]
            i += 1
            if e["dir"] != d or e["type"] != t:
                continue
            if desc is not None and e.get("description") != desc:
                continue
            if part is not None and part not in e.get("protocol", ""):
                continue
            if need_dec and not e.get("decrypted"):
                continue
            break
        else:
            got = " ".join(f"{e['dir']}:{e['type']}" +
                           (f"={e.get('description')}"
                            if e["type"] == "Alert" else "")
                           for e in evs)
            bad.append(f"event {w} not found in order; events: {got}")
            break
    return bad


def run_table(name, tlsdiag, top):
    spec = TABLES[name]
    path = os.path.join(top, "tests", "e2e", "expected", name + ".tsv")
    pcaps = os.path.join(top, "pcaps")
    runs = {}
    failed = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            if not row[0] or row[0].startswith("#"):
                continue
            if row[0] == spec["columns"][0]:
                if row != spec["columns"]:
                    print(f"FAIL {name}.tsv header {row}, want "
                          f"{spec['columns']}")
                    failed += 1
                continue
            cap, conn, keys, code, conf = row[:5]
            events = row[5].split() if len(row) > 5 else []
            label = f"{cap}#{conn} ({keys})"
            k = (cap, keys)
            if k not in runs:
                keylog = (os.path.join(pcaps, spec["keylog"](cap))
                          if keys == "keys" else None)
                runs[k] = run_json(tlsdiag, os.path.join(pcaps, cap), keylog)
            rc, err, conns, bad = runs[k]
            if rc != 0:
                probs = [f"exit {rc}: {err.strip()}"]
            elif bad:
                probs = [f"not JSON: {bad[0][:80]}"]
            else:
                probs = check_verdict(conns, conn, code, conf, events)
            if probs:
                failed += 1
                print(f"FAIL {label}: " + "; ".join(probs))
            else:
                print(f"PASS {label}")
    return 1 if failed else 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in TABLES:
        sys.exit("usage: e2e_table.py %s TLSDIAG TOP_SRCDIR" %
                 "|".join(sorted(TABLES)))
    return run_table(*sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
