#!/usr/bin/env python3
"""check-verdicts.py - tlsdiag's verdicts on a benchmark capture against
what bench/make-bench-pcap.py recorded for every connection.

usage: check-verdicts.py CAPTURE.meta.json CAPTURE.conns.tsv NAME < JSON-LINES

CAPTURE.conns.tsv is the generator's --conn-list (client address, client
port, template, expected code). Prints one line: the counts per verdict
code (as before), and per scenario (template) the connections whose code
differs from the generator's, with how many of each scenario's verdicts are
inferred. Exit 1 on any difference.
"""
import json
import sys


def main():
    meta = json.load(open(sys.argv[1]))
    want = {}
    for line in open(sys.argv[2]):
        ip, port, tmpl, code = line.rstrip('\n').split('\t')
        want[(ip, int(port))] = (tmpl, code)
    got, bad, unknown = {}, 0, 0
    per = {}  # template -> [connections, right, inferred]
    wrong = {}
    for line in sys.stdin:
        try:
            o = json.loads(line)
            v = o["verdict"]
        except (ValueError, KeyError):
            bad += 1
            continue
        got[v["code"]] = got.get(v["code"], 0) + 1
        key = (o["client"]["ip"], o["client"]["port"])
        if key not in want:
            unknown += 1
            continue
        tmpl, code = want[key]
        p = per.setdefault(tmpl, [0, 0, 0])
        p[0] += 1
        p[1] += v["code"] == code
        p[2] += v["confidence"] == "inferred"
        if v["code"] != code:
            k = (tmpl, code, v["code"])
            wrong[k] = wrong.get(k, 0) + 1
    exp = meta["expected_verdicts"]
    diff = {k: (exp.get(k, 0), got.get(k, 0))
            for k in sorted(set(exp) | set(got))
            if exp.get(k, 0) != got.get(k, 0)}
    n_right = sum(p[1] for p in per.values())
    print("%s: %d connections expected, %d reported%s%s; %s; per "
          "connection: %d of %d as the generator recorded in %d "
          "scenarios%s" % (
              sys.argv[3], meta["connections"], sum(got.values()),
              ", %d unparsable lines" % bad if bad else "",
              ", %d not in the generator's list" % unknown if unknown else "",
              "verdict counts match" if not diff else
              "differences (expected, got): " + ", ".join(
                  "%s %d/%d" % (k, a, b) for k, (a, b) in diff.items()),
              n_right, len(want), len(per),
              "" if not wrong else "; wrong: " + ", ".join(
                  "%s %s->%s x%d" % (t, a, b, n)
                  for (t, a, b), n in sorted(wrong.items()))))
    kb = sorted(t for t in per if t.startswith("kb-"))
    if kb:
        print("%s: knowledge across connections (kb-* scenarios: "
              "connections, right, inferred): %s" % (sys.argv[3], ", ".join(
                  "%s %d/%d/%d" % (t, per[t][0], per[t][1], per[t][2])
                  for t in kb)))
    return 1 if diff or wrong or bad or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
