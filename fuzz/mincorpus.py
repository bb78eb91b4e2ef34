#!/usr/bin/env python3
# mincorpus.py - pick a small committed corpus from a libFuzzer merge.
#
#   ./fuzz/fuzz_tls -merge=1 -merge_control_file=ctl.txt min corpus
#   python3 ../fuzz/mincorpus.py ctl.txt OUTDIR MAXFILES MAXBYTES
#
# -merge=1 keeps every input that adds a feature (edge hit-count buckets
# included), far more than make check needs. This reads the control file
# and copies to OUTDIR a greedy cover of the coverage edges (COV lines),
# best new edges per byte first, within MAXFILES and MAXBYTES; then small
# inputs that still add 20 or more features while the budget lasts.
import os
import shutil
import sys


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: mincorpus.py CONTROL_FILE OUTDIR MAXFILES MAXBYTES')
    ctl, out = sys.argv[1], sys.argv[2]
    maxf, maxb = int(sys.argv[3]), int(sys.argv[4])
    lines = open(ctl).read().split('\n')
    n = int(lines[0])
    files = lines[2:2 + n]
    cov, ft = {}, {}
    for line in lines[2 + n:]:
        p = line.split()
        if len(p) >= 2 and p[0] == 'COV':
            cov[int(p[1])] = set(p[2:])
        elif len(p) >= 2 and p[0] == 'FT':
            ft[int(p[1])] = set(p[2:])
    size = {i: os.path.getsize(files[i]) for i in set(cov) | set(ft)}
    all_edges = set().union(*cov.values()) if cov else set()
    got, chosen, total = set(), [], 0
    while len(chosen) < maxf:
        best, score = None, 0.0
        for i, c in cov.items():
            new = len(c - got)
            if new > 0 and new / (size[i] + 200) > score:
                best, score = i, new / (size[i] + 200)
        if best is None or total + size[best] > maxb:
            break
        got |= cov[best]
        chosen.append(best)
        total += size[best]
    got_ft = set().union(*(ft.get(i, set()) for i in chosen))
    for i in sorted(ft, key=lambda i: size[i]):
        if len(chosen) >= maxf:
            break
        if i in chosen or total + size[i] > maxb:
            continue
        if len(ft[i] - got_ft) >= 20:
            chosen.append(i)
            total += size[i]
            got_ft |= ft[i]
    os.makedirs(out, exist_ok=True)
    for i in chosen:
        shutil.copy(files[i], os.path.join(out, os.path.basename(files[i])))
    print('edges %d/%d, %d files, %d bytes' % (len(got), len(all_edges),
                                             len(chosen), total))


main()
