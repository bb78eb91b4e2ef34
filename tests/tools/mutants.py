#!/usr/bin/env python3
"""mutants.py - check that a unit test fails when a rule of its module changes.

usage: tests/tools/mutants.py MUTANTS.tsv   (from a configured build tree)

Each line of MUTANTS.tsv (tab-separated; '#' starts a comment):
    source-file  test-program  name  old-text  new-text
old-text must occur exactly once in source-file; \\t and \\n are escapes.
For each line the source is changed, the test rebuilt and run, and the
source restored. A mutant the test does not kill is a rule no test reads.
Prints one line per mutant and exits 1 if any survived.
"""
import subprocess
import sys


def unescape(s):
    return s.replace('\\n', '\n').replace('\\t', '\t')


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    survived = killed = 0
    for ln, line in enumerate(open(sys.argv[1]), 1):
        if not line.strip() or line.startswith('#'):
            continue
        src, test, name, old, new = line.rstrip('\n').split('\t')
        old, new = unescape(old), unescape(new)
        text = open(src).read()
        if text.count(old) != 1:
            sys.exit('%s:%d: %r occurs %d times in %s' %
                     (sys.argv[1], ln, old, text.count(old), src))
        try:
            open(src, 'w').write(text.replace(old, new))
            b = run(['make', test])
            if b.returncode != 0:
                print('BUILD-FAIL %s: %s' % (name, b.stdout[-300:]))
                survived += 1
                continue
            r = run(['./' + test])
            fails = [x for x in r.stdout.splitlines() if ':F:' in x or ':E:' in x]
            if r.returncode != 0:
                killed += 1
                print('killed   %-40s %d failing' % (name, len(fails)))
            else:
                survived += 1
                print('SURVIVED %s' % name)
        finally:
            open(src, 'w').write(text)
    run(['make', test])
    print('mutants=%d killed=%d survived=%d' % (killed + survived, killed,
                                               survived))
    sys.exit(1 if survived else 0)


if __name__ == '__main__':
    main()
