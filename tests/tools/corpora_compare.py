#!/usr/bin/env python3
"""corpora_compare.py - tlsdiag against the tshark oracle of every capture
in ../shared/corpora.

usage: corpora_compare.py TLSDIAG CORPORA_DIR KNOWN_TSV [--keys] [-v] [--prune]

For every TCP stream of every capture's .oracle.json (made by tshark, see
make-oracle.py there) it compares, with tlsdiag's --json output for the
same connection (matched by endpoints, in order): the handshake message
sequence per direction (ChangeCipherSpec and alerts included, TLS 1.3
encrypted records excluded), the SNI, the negotiated version and cipher,
and the times of the frames both list (time_diffs).
Streams listed in KNOWN_TSV (capture, stream, reason) are disagreements
explained there. It prints the agreement rate and every unexplained
disagreement, and exits 1 if there is one; a listed stream that agrees
now is a failure too (--prune removes such lines).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_table import endpoint, read_known, run_json  # noqa: E402

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

# Handshake messages of types tshark 4.0's TLS dissector does not know: it
# names them "Encrypted Handshake Message" (e.g. type 9 in frame 6 of ndpi's
# tls_invalid_reads.pcap, checked with tshark -V). RequestConnectionId and
# NewConnectionId are DTLS 1.3 types (RFC 9147), UnknownHandshake is what
# tlsdiag calls a type IANA does not assign.
TSHARK_UNNAMED_HS = {"RequestConnectionId", "NewConnectionId",
                     "UnknownHandshake"}


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


def ours_seq(conn, keys, dec=None):
    """tlsdiag's sequence; |dec| (frame: count) drops that many encrypted
    records at each frame (what tshark decrypted there)."""
    seq = {"c2s": [], "s2c": []}
    dec = dict(dec or {})
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
        elif t in TSHARK_UNNAMED_HS:
            w = "EncryptedHandshake"
        elif t in SEQ:
            w = t
        else:
            continue
        if w in ("EncryptedHandshake", "EncryptedAlert") and \
                dec.get(e["frame"], 0) > 0:
            dec[e["frame"]] -= 1
            continue
        seq[e["dir"]].append(w)
    return seq


def oracle_facts(stream, keys):
    """What tshark's events say of the handshake: (seen, completed).
    seen: a ClientHello (or SSLv2 one) is in the capture. completed: both
    sides changed cipher (TLS 1.2 and older: ChangeCipherSpec both ways, or
    both Finished decrypted), or for TLS 1.3 both Finished decrypted, or
    without keys the client sent two or more records after the ServerHello
    and the server answered the last of them (a client's alert is one
    record; Finished then data is two)."""
    ev = [e for e in stream["events"] if not e.get("retransmission")]
    whats = [(e["dir"], e["what"], bool(e.get("decrypted"))) for e in ev]
    seen = any(w in ("ClientHello", "SSLv2:ClientHello") for _, w, _ in whats)
    if not seen:
        return False, False
    fin = {d for d, w, dec in whats if w == "Finished" and (keys or not dec)}
    if fin == {"c2s", "s2c"}:
        return True, True
    tls13 = (stream.get("version_hex") or "") == "0x0304"
    if not tls13:
        ccs = {d for d, w, _ in whats if w == "ChangeCipherSpec"}
        return True, ccs == {"c2s", "s2c"}
    after_sh, c_recs, s_after = False, 0, 0
    for d, w, dec in whats:
        if w == "ServerHello":
            after_sh = True
            continue
        if not after_sh or (dec and not keys):
            continue
        if w == "ApplicationData":
            if d == "c2s":
                c_recs += 1
                s_after = 0
            elif c_recs >= 1:
                s_after += 1
    return True, c_recs >= 2 and s_after >= 1


def semantics(stream, conn, keys):
    """The verdict semantics of DESIGN.md against tshark's view: a
    completed handshake is never failed or incomplete; a connection whose
    ClientHello and SYN are not in the capture is neither certain nor
    failed (handshake_not_seen, or inferred from the server's side),
    nothing without a ClientHello is a certain TLS failure, and a
    ClientHello with no packet of the server in the capture is no failure
    (the server's side is missing, which says nothing of it) unless the
    client spoke plaintext (not_tls)."""
    v = conn.get("verdict") or {}
    seen, done = oracle_facts(stream, keys)
    syn = any(e["what"] == "SYN" for e in stream["events"])
    out = []
    if done and v.get("outcome") in ("failed", "incomplete"):
        out.append(f"handshake completed (tshark) but verdict "
                   f"{v.get('code')} {v.get('outcome')}")
    if not seen and not syn and (v.get("confidence") == "certain" or
                                 v.get("outcome") == "failed") and \
            v.get("outcome") != "not_tls":
        out.append(f"no ClientHello and no SYN in the capture but verdict "
                   f"{v.get('code')} {v.get('outcome')} "
                   f"({v.get('confidence')})")
    server = any(e["dir"] == "s2c" for e in stream["events"])
    if not server and seen and v.get("outcome") == "failed" and \
            v.get("code") != "not_tls":
        out.append(f"no packet of the server in the capture but verdict "
                   f"{v.get('code')} {v.get('outcome')}: its side is "
                   f"missing, not silent")
    if not seen and v.get("outcome") == "failed" and \
            v.get("confidence") == "certain" and v.get("code") not in (
                "tcp_no_answer", "tcp_refused", "closed_before_tls",
                "not_tls"):
        out.append(f"no handshake in the capture but verdict "
                   f"{v.get('code')} certain")
    return out


def time_diffs(stream, conn):
    """The times of the frames both list, each from the first of them:
    tlsdiag's t_ms (microseconds) against tshark's frame times. tlsdiag's
    clock never runs backwards (the man page, clock_jumps): a frame stamped
    before the clock (by another connection's frame, maybe) is read at the
    clock, so a reading later than tshark's by up to a second passes, and
    a frame stamped more than a second before an earlier one of its
    connection is not compared; a frame more than a day ahead that the
    next frame does not confirm is read at the clock before it (a broken
    time stamp), and is skipped."""
    day = 86400.0
    ours = {}
    for e in conn.get("events", []):
        ours.setdefault(e["frame"], e["t_ms"] / 1000.0)
    theirs = {}
    for e in stream["events"]:
        theirs.setdefault(e["frame"], e["t"])
    frames = sorted(theirs)
    common = sorted(set(ours) & set(theirs))
    if not common:
        return []
    a0, b0 = ours[common[0]], theirs[common[0]]
    top = b0
    for f in common:
        nxt = [g for g in frames if g > f][:1]
        if nxt and theirs[f] - b0 > day and \
                theirs[nxt[0]] < theirs[f] - day:
            continue
        if theirs[f] < top - 1.0:
            continue    # stamped before an earlier frame: read at the clock
        top = max(top, theirs[f])
        d = (ours[f] - a0) - (theirs[f] - b0)
        if -2e-6 <= d <= 1.0:
            continue
        return [f"time of frame {f}: tshark {theirs[f] - b0:.6f} s "
                f"tlsdiag {ours[f] - a0:.6f} s after frame {common[0]}"]
    return []


def ep_str(ep):
    return endpoint(ep["ip"], ep["port"])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    use_keys = "--keys" in sys.argv
    sem_mode = "--semantics" in sys.argv
    sem_total = [0]
    tlsdiag, corpora, known_path = args[:3]
    known = read_known(known_path)
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
        _, _, conns, bad = run_json(
            tlsdiag, cpath,
            os.path.join(corpora, o["keylog"]) if keys else None, 120)
        for line in bad:
            problems.append(f"{cap}: invalid JSON line: {line[:80]}")
        used = set()
        for s in o["streams"]:
            total += 1
            pair = {s["client"], s["server"]}
            match = None
            for c in conns:
                if c["id"] in used:
                    continue
                if {ep_str(c["client"]), ep_str(c["server"])} == pair:
                    match = c
                    break
            diffs = []
            if match is None:
                if s["tls"]:
                    diffs.append("no connection reported")
            else:
                used.add(match["id"])
                # What tshark decrypted with the key log, frame by frame:
                # without it we see as many encrypted records there, left
                # out of the comparison (only where the key log held
                # this connection's secrets: not a renegotiation's, say).
                dec = {}
                if o.get("keylog") and not keys:
                    for e in s["events"]:
                        if e.get("decrypted") and \
                                not e.get("retransmission"):
                            dec[e["frame"]] = dec.get(e["frame"], 0) + 1
                a, b = oracle_seq(s, keys), ours_seq(match, keys, dec)
                # Orient by the oracle's client.
                if ep_str(match["client"]) != s["client"]:
                    b = {"c2s": b["s2c"], "s2c": b["c2s"]}
                for d in ("c2s", "s2c"):
                    if a[d] != b[d]:
                        diffs.append(f"{d}: tshark {a[d]} tlsdiag {b[d]}")
                diffs += time_diffs(s, match)
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
                if sem_mode:
                    for w in semantics(s, match, keys):
                        sem_total[0] += 1
                        k2 = (cap, str(s["stream"]) + "/verdict")
                        if k2 in known:
                            seen_known.add(k2)
                            continue
                        problems.append(f"{cap} stream {s['stream']} "
                                        f"({s['client']} -> {s['server']}): "
                                        f"VERDICT {w}")
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
    if not sem_mode:
        seen_known |= {k for k in known if k[1].endswith("/verdict")}
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
          f"disagreements, {len(problems)} unexplained" +
          (f"; {sem_total[0]} verdicts against the semantics"
           if sem_mode else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
