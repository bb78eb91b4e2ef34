#!/usr/bin/env python3
"""check_live.py - match tlsdiag's live reports with what the clients did.

usage: check_live.py [--decrypted] CLIENTLOG SERVER_PORT REFUSED_PORT JSON [JSON ...]

CLIENTLOG is tls_load.py's output ("PORT KIND RESULT" per connection). The
JSON files are tlsdiag --json outputs (one, or one per --fanout process);
every line must be valid JSON. Each client connection must be reported
exactly once across all files, to the right server port, with the verdict
its kind implies (ok: ok, untrusted: server_cert_untrusted, refused:
tcp_refused), without capture_loss. Connections tlsdiag reports that no
client made are errors too. With --decrypted, each ok connection must have decrypted events (its TLS
1.3 handshake read with the client's key log). Prints the figures, then one
line per problem
(at most 20); exits 1 if any.
"""
import json
import sys

WANT = {"ok": "ok", "untrusted": "server_cert_untrusted",
        "refused": "tcp_refused"}


def main():
    args = sys.argv[1:]
    need_dec = args[0] == "--decrypted"
    if need_dec:
        args = args[1:]
    log, sport, rport = args[0], int(args[1]), int(args[2])
    files = args[3:]
    made = {}
    with open(log, encoding="ascii") as f:
        for line in f:
            port, kind, _ = line.split()
            made[int(port)] = kind
    seen = {}
    bad = []
    loss = 0
    dec = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                obj = json.loads(line)
                if "id" not in obj:
                    continue
                cp = obj["client"]["port"]
                seen.setdefault(cp, []).append((path, obj))
                if obj.get("capture_loss") or obj.get("kernel_drops"):
                    loss += 1
    right = 0
    for cp, kind in sorted(made.items()):
        reps = seen.get(cp, [])
        if len(reps) != 1:
            bad.append(f"client port {cp} ({kind}) reported "
                       f"{len(reps)} times")
            continue
        obj = reps[0][1]
        port = rport if kind == "refused" else sport
        code = obj["verdict"]["code"]
        if obj["server"]["port"] != port or code != WANT[kind]:
            bad.append(f"client port {cp} ({kind}): server port "
                       f"{obj['server']['port']}, verdict {code} "
                       f"({obj['verdict']['summary']})")
        elif obj.get("capture_loss"):
            bad.append(f"client port {cp} ({kind}): capture_loss")
        elif (need_dec and kind == "ok" and
              not any(e.get("decrypted") for e in obj["events"])):
            bad.append(f"client port {cp} ({kind}): not decrypted")
        else:
            right += 1
        if any(e.get("decrypted") for e in obj["events"]):
            dec += 1
    extra = sorted(set(seen) - set(made))
    for cp in extra:
        bad.append(f"connection from port {cp} that no client made: "
                   f"{seen[cp][0][1]['verdict']['code']}")
    per_file = [sum(len([r for r in v if r[0] == p]) for v in seen.values())
                for p in files]
    print(f"made {len(made)}, reported right {right}, decrypted {dec}, "
          f"with capture loss {loss}, unknown {len(extra)}, "
          f"per file {per_file}")
    for b in bad[:20]:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
