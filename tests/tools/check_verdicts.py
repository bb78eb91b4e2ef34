#!/usr/bin/env python3
"""check_verdicts.py - assert tlsdiag's JSON lines against an expectation.

usage: check_verdicts.py JSONFILE CONN CODE[@OUTCOME] CONFIDENCE [EVENT ...]

CODE@OUTCOME also asserts the outcome (a certificate code after a
completed handshake is "suspect", not "failed"); without it the outcome
must be the code's class as the man page gives it.

CONN is the 1-based connection number (order of first packet, the "id").
Each EVENT is "dir:Type" or "dir:Alert=description" or "dir:Type!" (the
type must be marked decrypted) or "dir:StartTLS~text" (the event's protocol,
which names the preamble or says why it was refused, contains text; "+"
stands for a space); they must appear in that order (other events may come
between). Prints one line per problem; exits 1 if any.
The check itself is e2e_table.check_verdict, the one the table driver
(e2e_table.py: verdicts.tsv, derived.tsv) applies to every row.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_table import check_verdict  # noqa: E402


def main():
    path, conn, code, conf = sys.argv[1:5]
    conns = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            obj = json.loads(line)  # every line must be valid JSON
            if "id" in obj:
                conns[obj["id"]] = obj
    bad = check_verdict([conns[i] for i in sorted(conns)], conn, code, conf,
                        sys.argv[5:])
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
