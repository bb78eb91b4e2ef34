#!/usr/bin/env python3
"""srccheck.py - two rules of STYLE.md that a compiler does not check.

usage: srccheck.py SRCDIR ALLOWLIST [OBJECT_OR_ARCHIVE...] [--list]

1. No function in SRCDIR/*.c is longer than 100 lines, counted from the
   line with its name (return type on the line before, style(9)) to its
   closing brace, except those the allow list names with a reason (pure
   tables, one-case-per-type switches, and work in progress marked TODO).
2. No mutable static storage: in the objects given, no symbol in a .bss,
   .data or thread-local section (.data.rel.ro is read-only after
   relocation and is fine), except those the allow list names (the signal
   flags of main.c).

The allow list has one entry a line, '#' comments:
    long    FILE FUNCTION  reason...
    static  FILE SYMBOL    reason...
An entry that no longer applies (the function is 100 lines or shorter or
gone, the symbol gone) fails too, so that the list stays honest.

--list prints every function over the limit and every mutable static
with its length or section, allowed or not, and does not fail.
"""
import os
import re
import shutil
import subprocess
import sys

LIMIT = 100
NAME = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\s*\(')
SYM = re.compile(r'^([0-9a-f]+) (.{7}) (\S+)\s+([0-9a-f]+)\s+(\S+)$')
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof"}


def functions(path):
    """(name, first line, length) of every function defined in |path|.

    The code follows style(9): a definition's name starts its line, its
    body opens with a '{' alone at the start of a line and closes with a
    '}' at the start of a line. A '{' at the start of a line that opens
    no definition is an error: the file is not in the shape this reads.
    """
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    out, claimed = [], set()
    i = 0
    while i < len(lines):
        m = NAME.match(lines[i])
        if m is None or m.group(1) in KEYWORDS:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j] != "{" and \
                not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or lines[j] != "{":
            i += 1          # a prototype
            continue
        k = j + 1
        while k < len(lines) and not lines[k].startswith("}"):
            k += 1
        if k >= len(lines):
            raise SystemExit(f"{path}:{j + 1}: body of {m.group(1)} "
                             "does not close at the start of a line")
        out.append((m.group(1), i + 1, k - i + 1))
        claimed.add(j)
        i = k + 1
    for n, line in enumerate(lines):
        if line == "{" and n not in claimed:
            raise SystemExit(f"{path}:{n + 1}: '{{' at the start of a line "
                             "outside a function definition this can read")
    return out


def statics(objs):
    """(file, symbol, section) of every object in writable storage."""
    objdump = shutil.which("objdump")
    if objdump is None:
        return None
    found = []
    for o in objs:
        r = subprocess.run([objdump, "-t", o], capture_output=True,
                           text=True, check=True)
        member = os.path.basename(o)
        for line in r.stdout.splitlines():
            mm = re.match(r'^(\S+\.o):\s+file format', line)
            if mm:
                member = os.path.basename(mm.group(1))
                continue
            # VALUE FLAGS(7) SECTION<tab>SIZE NAME (binutils objdump -t)
            m = SYM.match(line)
            if m is None or "d" in m.group(2) or "f" in m.group(2):
                continue    # not a symbol, or a section or file name
            sec, name = m.group(3), m.group(5)
            writable = (sec.startswith((".bss", ".data", ".tbss", ".tdata"))
                        and not sec.startswith(".data.rel.ro")) \
                or sec == "*COM*"
            # Compiler-made objects (sanitizer and coverage counters).
            if not writable or name.startswith(("__", ".")):
                continue
            # A function-local static: gcc names it var.N, clang
            # function.var.
            parts = [x for x in name.split(".") if not x.isdigit()]
            found.append((member[:-2] + ".c", parts[-1], sec))
    return found


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    listing = "--list" in sys.argv
    if len(args) < 2:
        raise SystemExit(__doc__)
    srcdir, allowfile, objs = args[0], args[1], args[2:]
    allow = {}
    with open(allowfile, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            w = line.split(None, 3)
            if len(w) < 4 or w[0] not in ("long", "static"):
                raise SystemExit(f"{allowfile}:{n}: want KIND FILE NAME "
                                 "reason")
            allow[(w[0], w[1], w[2])] = False
    bad = 0
    nfuncs = 0
    for fn in sorted(os.listdir(srcdir)):
        if not fn.endswith(".c"):
            continue
        for name, first, length in functions(os.path.join(srcdir, fn)):
            nfuncs += 1
            if length <= LIMIT:
                continue
            key = ("long", fn, name)
            ok = key in allow
            if ok:
                allow[key] = True
            if listing:
                print(f"{length:5d} {fn}:{first} {name}"
                      f"{'  (allowed)' if ok else ''}")
            elif not ok:
                print(f"src/{fn}:{first}: {name} is {length} lines "
                      f"(limit {LIMIT})")
                bad += 1
    found = statics(objs) if objs else []
    if found is None:
        print("objdump not found: mutable statics not checked")
        found = []
    for fn, name, sec in found:
        key = ("static", fn, name)
        ok = key in allow
        if ok:
            allow[key] = True
        if listing:
            print(f"static {fn} {name} ({sec}){'  (allowed)' if ok else ''}")
        elif not ok:
            print(f"src/{fn}: mutable static {name} in {sec}")
            bad += 1
    for (kind, fn, name), used in sorted(allow.items()):
        if used or (kind == "static" and not objs):
            continue
        if not listing:
            print(f"{allowfile}: {kind} {fn} {name} no longer applies: "
                  "take it out of the list")
            bad += 1
    print(f"{nfuncs} functions, {len(found)} mutable statics, "
          f"{bad} not allowed")
    return 0 if listing or bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
