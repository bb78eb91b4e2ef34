#!/usr/bin/env python3
"""check_verdicts.py - assert tlsdiag's JSON lines against an expectation.

usage: check_verdicts.py JSONFILE CONN CODE[@OUTCOME] CONFIDENCE [EVENT ...]

CODE@OUTCOME also asserts the outcome (a certificate code after a
completed handshake is "suspect", not "failed"); without it the outcome
must be the code's class as the man page gives it.

CONN is the 1-based connection number (order of first packet, the "id").
Each EVENT is "dir:Type" or "dir:Alert=description" or "dir:Type!" (the
type must be marked decrypted); they must appear in that order (other
events may come between). Prints one line per problem; exits 1 if any.
"""
import json
import sys


def main():
    path, conn, code, conf = sys.argv[1:5]
    want = sys.argv[5:]
    conns = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)  # every line must be valid JSON
            if "id" in obj:
                conns[obj["id"]] = obj
    ids = sorted(conns)
    n = int(conn)
    if n > len(ids):
        print(f"connection {n} missing: only {len(ids)} reported")
        return 1
    c = conns[ids[n - 1]]
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
        if "=" in t:
            t, desc = t.split("=", 1)
        while i < len(evs):
            e = evs[i]
            i += 1
            if e["dir"] != d or e["type"] != t:
                continue
            if desc is not None and e.get("description") != desc:
                continue
            if need_dec and not e.get("decrypted"):
                continue
            break
        else:
            got = " ".join(f"{e['dir']}:{e['type']}" +
                           (f"={e.get('description')}" if e["type"] == "Alert" else "")
                           for e in evs)
            bad.append(f"event {w} not found in order; events: {got}")
            break
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
