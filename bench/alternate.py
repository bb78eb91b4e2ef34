#!/usr/bin/env python3
"""bench/alternate.py - compare tlsdiag builds in alternation.

    python3 bench/alternate.py [--rounds N] [--args="ARGS"] [--taskset CPUS]
        --capture FILE [--capture FILE...] BUILD [BUILD...]

On a machine whose speed drifts (a VM whose neighbours come and go), two
runs of the same binary minutes apart can differ by 30%, so two builds
timed in separate runs of bench/run.sh cannot be compared. This script
runs each BUILD (a tlsdiag binary, optionally NAME=PATH) once per round on
each capture, in an order that rotates from round to round, reading the
capture into the page cache (cat) right before each run, and reports per
build and capture the median and fastest wall time, the median user and
system CPU time, and against the first BUILD the median of the per-round
ratios of wall time and user time (a drift between rounds moves both
builds of a round alike) and in how many rounds the build was the faster.
ARGS (default --json; write --args="--json --threads 1", with the =)
go to every run, before -r FILE; the output is discarded. A run that
fails stops the script (exit 1); bad arguments exit 2.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def parse_build(spec):
    """NAME=PATH or PATH: the label and the path of one build."""
    if "=" in spec and not os.path.exists(spec):
        name, path = spec.split("=", 1)
        return name, path
    return spec, spec


def timed(cmd, capture):
    """Runs cmd on capture after warming the page cache: wall, user, sys."""
    with open(capture, "rb") as f:  # the page cache, as cat would
        while f.read(1 << 20):
            pass
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    rc = subprocess.run(cmd + ["-r", capture], stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc.returncode not in (0, 3):     # 3: --exit-failed saw a failure
        err = rc.stderr.decode(errors="replace").strip().splitlines()
        sys.exit("alternate.py: %s exited %d: %s" % (
            " ".join(cmd), rc.returncode, err[-1] if err else ""))
    return (wall, after.ru_utime - before.ru_utime,
            after.ru_stime - before.ru_stime)


def report(capture, builds, times, rounds):
    """Prints the table of one capture."""
    print("%s, %d rounds" % (capture, rounds))
    print("| build | wall median | wall fastest | user median | sys median "
          "| wall / first (median of rounds) | user / first | faster rounds |")
    print("|---|---|---|---|---|---|---|---|")
    first = times[builds[0][0]]
    for name, _ in builds:
        t = times[name]
        walls = [x[0] for x in t]
        users = [x[1] for x in t]
        if name == builds[0][0]:
            rel = "1.000 | 1.000 | "
        else:
            wr = [a[0] / b[0] for a, b in zip(t, first) if b[0] > 0]
            ur = [a[1] / b[1] for a, b in zip(t, first) if b[1] > 0]
            faster = sum(1 for a, b in zip(t, first) if a[0] < b[0])
            rel = "%.3f | %s | %d of %d" % (
                statistics.median(wr),
                "%.3f" % statistics.median(ur) if ur else "-",
                faster, len(t))
        print("| %s | %.3f s | %.3f s | %.3f s | %.3f s | %s |" % (
            name, statistics.median(walls), min(walls),
            statistics.median(users),
            statistics.median([x[2] for x in t]), rel))
    print()


def main():
    ap = argparse.ArgumentParser(
        description="Compare tlsdiag builds in alternation.")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--args", default="--json",
                    help='tlsdiag arguments before -r FILE (default "--json")')
    ap.add_argument("--taskset", metavar="CPUS",
                    help="run each build under taskset -c CPUS")
    ap.add_argument("--capture", action="append", required=True)
    ap.add_argument("builds", nargs="+", metavar="BUILD")
    o = ap.parse_args()
    if o.rounds < 1:
        ap.error("--rounds must be at least 1")
    builds = [parse_build(b) for b in o.builds]
    if len({n for n, _ in builds}) != len(builds):
        ap.error("two builds have the same name (NAME=PATH tells them apart)")
    for name, path in builds:
        if not os.access(path, os.X_OK):
            ap.error("%s: not an executable file" % path)
    for c in o.capture:
        if not os.path.isfile(c):
            ap.error("%s: no such capture" % c)
    pre = ["taskset", "-c", o.taskset] if o.taskset else []
    extra = o.args.split()
    times = {c: {n: [] for n, _ in builds} for c in o.capture}
    for r in range(o.rounds):
        order = builds[r % len(builds):] + builds[:r % len(builds)]
        for c in o.capture:
            for name, path in order:
                times[c][name].append(timed(pre + [path] + extra, c))
    for c in o.capture:
        report(c, builds, times[c], o.rounds)


if __name__ == "__main__":
    main()
