#!/usr/bin/env python3
"""corpora_compare.py - tlsdiag against the tshark oracle of every capture
in ../shared/corpora.

usage: corpora_compare.py TLSDIAG CORPORA_DIR KNOWN_TSV [--keys] [-v] [--prune]

For every TCP stream of every capture's .oracle.json (made by tshark, see
make-oracle.py there) it compares, with tlsdiag's --json output for the
same connection (matched by endpoints, in order): the handshake message
sequence per direction (ChangeCipherSpec and alerts included, TLS 1.3
encrypted records excluded), the SNI, the negotiated version and cipher.
Streams listed in KNOWN_TSV (capture, stream, reason) are disagreements
explained there. It prints the agreement rate and every unexplained
disagreement, and exits 1 if there is one; a listed stream that agrees
now is a failure too (--prune removes such lines).
"""
import json
import os
import subprocess
import sys

# Oracle event names that are part of the compared sequence.
SEQ = {
    "HelloRequest", "ClientHello", "ServerHello", "HelloRetryRequest",
    "HelloVerifyRequest", "NewSessionTicket", "EndOfEarlyData",
    "EncryptedExtensions", "Certificate", "ServerKeyExchange",
    "CertificateRequest", "ServerHelloDone", "CertificateVerify",
    "ClientKeyExchange", "Finished", "CertificateURL", "CertificateStatus",
    "SupplementalData", "KeyUpdate", "CompressedCertificate",
    "EncryptedHandshake", "ChangeCipherSpec", "EncryptedAlert",
    "SSLv2:ClientHello", "SSLv2:ServerHello",
}


def oracle_seq(stream, keys):
    seq = {"c2s": [], "s2c": []}
    for e in stream["events"]:
        w = e["what"]
        if e.get("retransmission"):
            continue
        if e.get("decrypted") and not keys:
            continue
        if w.startswith("Alert("):
            w = "Alert(" + w.split(", ", 1)[1]
        elif w not in SEQ:
            continue
        seq[e["dir"]].append(w)
    return seq


def ours_seq(conn, keys):
    seq = {"c2s": [], "s2c": []}
    for e in conn["events"]:
        t = e["type"]
        if e.get("decrypted") and not keys:
            continue
        if t == "Alert":
            if e.get("inferred"):
                continue
            if e.get("description") is None:
                w = "EncryptedAlert"
            else:
                w = "Alert(" + str(e["description"]) + ")"
        elif t == "EncryptedRecord" and e.get("note") == "renegotiation":
            w = "EncryptedHandshake"
        elif t == "ChangeCipherSpec" and e.get("note") == "renegotiation":
            w = "ChangeCipherSpec"
        elif t in ("ClientHello", "ServerHello") and e.get("sslv2"):
            w = "SSLv2:" + t
        elif e.get("encrypted") and t in SEQ:
            w = "EncryptedHandshake"
        elif t in SEQ:
            w = t
        else:
            continue
        seq[e["dir"]].append(w)
    return seq


def endpoint(ep):
    ip = ep["ip"]
    return f"[{ip}]:{ep['port']}" if ":" in ip else f"{ip}:{ep['port']}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    use_keys = "--keys" in sys.argv
    tlsdiag, corpora, known_path = args[:3]
    known = {}
    with open(known_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cap, stream, reason = line.rstrip("\n").split("\t", 2)
            known[(cap, stream)] = reason
    manifest = json.load(open(os.path.join(corpora, "MANIFEST.json")))
    keylogs = {m["file"]: m.get("keylog") for m in manifest
               if m.get("kind") == "capture"}
    total = agree = explained = 0
    problems = []
    seen_known = set()
    oracles = []
    for root, _, files in os.walk(corpora):
        for fn in files:
            if fn.endswith(".oracle.json"):
                oracles.append(os.path.join(root, fn))
    for opath in sorted(oracles):
        o = json.load(open(opath, encoding="utf-8"))
        cap = o["capture"]
        cpath = os.path.join(corpora, cap)
        keys = use_keys and o.get("keylog")
        cmd = [tlsdiag, "--json", "-r", cpath]
        if keys:
            cmd += ["--keylog", os.path.join(corpora, o["keylog"])]
        env = dict(os.environ, SSLKEYLOGFILE="")
        r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           timeout=120)
        conns = []
        for line in r.stdout.splitlines():
            try:
                c = json.loads(line)
            except ValueError:
                problems.append(f"{cap}: invalid JSON line: {line[:80]}")
                continue
            if "id" in c:
                conns.append(c)
        conns.sort(key=lambda c: c["id"])
        used = set()
        for s in o["streams"]:
            total += 1
            pair = {s["client"], s["server"]}
            match = None
            for c in conns:
                if c["id"] in used:
                    continue
                if {endpoint(c["client"]), endpoint(c["server"])} == pair:
                    match = c
                    break
            diffs = []
            if match is None:
                if s["tls"]:
                    diffs.append("no connection reported")
            else:
                used.add(match["id"])
                a, b = oracle_seq(s, keys), ours_seq(match, keys)
                if o.get("keylog") and not keys:
                    # tshark decrypted these; without the key log we see
                    # them as encrypted records: compare the rest.
                    for d in ("c2s", "s2c"):
                        b[d] = [w for w in b[d] if w not in
                                ("EncryptedHandshake", "EncryptedAlert")]
                # Orient by the oracle's client.
                if endpoint(match["client"]) != s["client"]:
                    b = {"c2s": b["s2c"], "s2c": b["c2s"]}
                for d in ("c2s", "s2c"):
                    if a[d] != b[d]:
                        diffs.append(f"{d}: tshark {a[d]} tlsdiag {b[d]}")
                t = match.get("tls", {})
                if s.get("sni") is not None and t.get("sni") != s["sni"]:
                    diffs.append(f"sni: tshark {s['sni']!r} tlsdiag "
                                 f"{t.get('sni')!r}")
                if s.get("version_hex") and not s.get("hrr_only") and \
                        t.get("version_hex") != s["version_hex"]:
                    diffs.append(f"version: tshark {s['version_hex']} "
                                 f"tlsdiag {t.get('version_hex')}")
                if s.get("cipher_hex") and \
                        t.get("cipher_hex") != s["cipher_hex"]:
                    diffs.append(f"cipher: tshark {s['cipher_hex']} "
                                 f"tlsdiag {t.get('cipher_hex')}")
            key = (cap, str(s["stream"]))
            if not diffs:
                agree += 1
                continue
            if key in known:
                explained += 1
                seen_known.add(key)
                if verbose:
                    print(f"known {cap} stream {s['stream']}: {known[key]}")
                continue
            problems.append(f"{cap} stream {s['stream']} "
                            f"({s['client']} -> {s['server']}): " +
                            "; ".join(diffs))
    stale = set(known) - seen_known
    if "--prune" in sys.argv and stale:
        # Rewrite the known list without the lines that agree now.
        with open(known_path, encoding="utf-8") as f:
            lines = f.readlines()
        with open(known_path, "w", encoding="utf-8") as f:
            for line in lines:
                k = tuple(line.split("\t")[:2])
                if k not in stale:
                    f.write(line)
        print(f"pruned {len(stale)} lines from {known_path}")
        stale = set()
    for key in sorted(stale):
        problems.append(f"{key[0]} stream {key[1]} is listed in {known_path} "
                        "but agrees now (or is gone): remove the line")
    for p in problems:
        print("DISAGREE:", p)
    print(f"corpora: {total} streams, {agree} agree with tshark "
          f"({100.0 * agree / max(total, 1):.1f}%), {explained} explained "
          f"disagreements, {len(problems)} unexplained")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
