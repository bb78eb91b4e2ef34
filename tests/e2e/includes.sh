#!/bin/sh
# includes.sh - the module graph of src/ has no cycle (DESIGN.md: data flows
# one way). Module x is x.c with x.h; it depends on module y when x.c or x.h
# includes "y.h". A cycle fails the test and is printed.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

python3 - "$top_srcdir/src" >"$TMP/out" 2>&1 <<'PY'
import os, re, sys
src = sys.argv[1]
deps = {}
for f in sorted(os.listdir(src)):
    if not f.endswith(('.c', '.h')):
        continue
    mod = f[:-2]
    with open(os.path.join(src, f), encoding='utf-8', errors='replace') as fh:
        for line in fh:
            m = re.match(r'\s*#\s*include\s+"([A-Za-z0-9_]+)\.h"', line)
            if m and m.group(1) != mod:
                deps.setdefault(mod, set()).add(m.group(1))
    deps.setdefault(mod, set())
state, stack, cycles = {}, [], []
def visit(m):
    state[m] = 1
    stack.append(m)
    for d in sorted(deps.get(m, ())):
        if state.get(d) == 1:
            cycles.append(stack[stack.index(d):] + [d])
        elif d not in state:
            visit(d)
    stack.pop()
    state[m] = 2
for m in sorted(deps):
    if m not in state:
        visit(m)
print(len(deps), "modules")
for c in cycles:
    print("cycle:", " -> ".join(c))
sys.exit(1 if cycles else 0)
PY
if [ $? -eq 0 ]; then pass; else fail "include cycle in src/: $(cat "$TMP/out")"; fi
grep -q "modules" "$TMP/out" && pass || fail "no modules found"
finish
