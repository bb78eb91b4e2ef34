#!/usr/bin/env python3
"""fingerprints_compare.py - tlsdiag's ja4/ja3/ja3s against other tools.

usage:
  fingerprints_compare.py ja4 TLSDIAG CORPORA KNOWN_TSV [-v]
      every TCP stream of the JA4 project's Rust snapshots
      (CORPORA/ja4/rust/ja4/src/snapshots/*.snap, made by the JA4 project
      from CORPORA/ja4/pcap/) against tlsdiag's tls.ja4 for the same
      connection; KNOWN_TSV lists (capture, stream, reason) that disagree
      for the reason given (a listed stream that agrees fails too).
  fingerprints_compare.py suricata TLSDIAG CORPORA [-v]
      every tls.ja3.hash / tls.ja3.string / tls.ja3s.hash /
      tls.ja3s.string that a suricata-verify test.yaml expects, against
      the number of tlsdiag connections of that test's pcap with the same
      ja3 / ja3s (a string is compared through its MD5).
  fingerprints_compare.py pcaps TLSDIAG TOP_SRCDIR EXPECTED_TSV [-v]
      tlsdiag's ja3/ja3s on every capture in pcaps/ against the values
      tshark gave (EXPECTED_TSV, made by make-expected).
  fingerprints_compare.py corpora TLSDIAG CORPORA EXPECTED_TSV KNOWN_TSV [-v]
      tlsdiag's ja3/ja3s on the TCP captures of CORPORA against tshark's
      (EXPECTED_TSV, made by make-expected-corpora); KNOWN_TSV lists
      (capture, client, field, reason) that disagree for that reason.
  fingerprints_compare.py make-expected-corpora CORPORA > EXPECTED_TSV
      as make-expected, over the TCP captures of CORPORA.
  fingerprints_compare.py make-expected TOP_SRCDIR > EXPECTED_TSV
      runs tshark on every capture in pcaps/ and writes, per TCP
      connection with a ClientHello or ServerHello, tshark's
      tls.handshake.ja3 of its first ClientHello and tls.handshake.ja3s of
      its first ServerHello that is not a HelloRetryRequest.

Connections are matched by client and server address and port, in order.
Each mode prints the counts compared and every disagreement, and exits 1
if there is an unexplained one.
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_table import endpoint, read_known, run_json  # noqa: E402

# RFC 8446 4.1.3: the random of a HelloRetryRequest.
HRR_RANDOM = ("cf21ad74e59a6111be1d8c021e65b891"
              "c2a211167abb8c5e079e09e2c8a8339c")


def run_tlsdiag(tlsdiag, pcap):
    """tlsdiag --json on |pcap|: its connections, by (client, server)."""
    _, _, lst, bad = run_json(tlsdiag, pcap)
    if bad:
        raise ValueError(f"{pcap}: tlsdiag wrote a line that is not JSON: "
                         f"{bad[0][:80]}")
    conns = {}
    for c in lst:               # in id order
        key = (endpoint(c["client"]["ip"], c["client"]["port"]),
               endpoint(c["server"]["ip"], c["server"]["port"]))
        conns.setdefault(key, []).append(c)
    return conns


def take(conns, key):
    """The next tlsdiag connection for |key| (ports reused in order)."""
    lst = conns.get(key)
    if not lst:
        return None
    return lst.pop(0)


# ---- JA4: the Rust implementation's snapshots ----

def read_snapshot(path):
    """The streams of an insta snapshot (a YAML list of flat mappings
    with nested lists we do not need): stream, transport, src, dst,
    src_port, dst_port, ja4."""
    streams = []
    cur = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^- stream: (\d+)", line)
        if m:
            cur = {"stream": m.group(1)}
            streams.append(cur)
            continue
        m = re.match(r"^  (transport|src|dst|src_port|dst_port|ja4): "
                     r"(\S+)\s*$", line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2)
    return streams


def mode_ja4(tlsdiag, corpora, known_path, verbose):
    known = read_known(known_path)
    snaps = sorted(glob.glob(os.path.join(
        corpora, "ja4/rust/ja4/src/snapshots/ja4__insta@*.snap")))
    if not snaps:
        print(f"no snapshots under {corpora}/ja4")
        return 1
    total = agree = explained = udp = no_ja4 = 0
    problems = []
    seen = set()
    for snap in snaps:
        cap = os.path.basename(snap)[len("ja4__insta@"):-len(".snap")]
        pcap = os.path.join(corpora, "ja4/pcap", cap)
        conns = run_tlsdiag(tlsdiag, pcap)
        for s in read_snapshot(snap):
            if s.get("transport") != "tcp":
                udp += 1
                continue
            key = (endpoint(s["src"], s["src_port"]),
                   endpoint(s["dst"], s["dst_port"]))
            c = take(conns, key)
            ours = c["tls"].get("ja4") if c is not None else None
            want = s.get("ja4")
            if want is None and ours is None:
                no_ja4 += 1
                continue
            total += 1
            k = (cap, s["stream"])
            if ours == want:
                agree += 1
                if k in known:
                    problems.append(f"{cap} stream {s['stream']}: listed "
                                    f"as known but agrees ({want})")
                elif verbose:
                    print(f"ok {cap} stream {s['stream']}: {want}")
                continue
            msg = (f"{cap} stream {s['stream']} {key[0]} -> {key[1]}: "
                   f"JA4 project {want}, tlsdiag {ours}")
            if k in known:
                explained += 1
                seen.add(k)
                print(f"known: {msg} ({known[k]})")
            else:
                problems.append(msg)
        for lst in conns.values():
            for c in lst:
                if c["tls"].get("ja4") is not None:
                    problems.append(f"{cap}: tlsdiag connection #{c['id']} "
                                    f"has ja4 {c['tls']['ja4']}, the "
                                    "snapshot has no such stream")
    for k in known:
        if k not in seen and not any(p.startswith(f"{k[0]} stream {k[1]}:")
                                     for p in problems):
            problems.append(f"{k[0]} stream {k[1]}: listed as known, "
                            "not found")
    print(f"ja4: {len(snaps)} captures, {total} TCP streams with a JA4 "
          f"compared: {agree} equal, {explained} known disagreements, "
          f"{len(problems)} unexplained; {no_ja4} TCP streams without a "
          f"ClientHello on either side, {udp} QUIC streams not compared")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


# ---- JA3/JA3S: suricata-verify's expectations ----

def read_suricata_checks(path):
    """(pcap, [(field, md5, count)]) of a test.yaml, read line by line:
    each `count:` applies to the tls.ja3(s) fields of its match block."""
    pcap = None
    checks = []
    count = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^pcap:\s*(\S+)", line)
        if m:
            pcap = m.group(1)
        m = re.match(r"^\s*-?\s*filter:", line)
        if m:
            count = None
        m = re.match(r"^\s+count:\s*(\d+)", line)
        if m:
            count = int(m.group(1))
        m = re.match(r'^\s+tls\.(ja3s?)\.(hash|string):\s*"(.*)"\s*$', line)
        if m:
            field, kind, val = m.groups()
            md5 = val if kind == "hash" else \
                hashlib.md5(val.encode()).hexdigest()
            checks.append((field, kind, md5, count))
    return pcap, checks


def mode_suricata(tlsdiag, corpora, verbose):
    base = os.path.join(corpora, "suricata-verify")
    tests = []
    for root, _, files in os.walk(base):
        if "test.yaml" in files:
            tests.append(root)
    compared = agree = 0
    problems = []
    ntests = 0
    for t in sorted(tests):
        pcap, checks = read_suricata_checks(os.path.join(t, "test.yaml"))
        if not checks:
            continue
        if pcap is None:
            pcaps = sorted(glob.glob(os.path.join(t, "*.pcap")))
            pcap = pcaps[0] if pcaps else None
        else:
            pcap = os.path.normpath(os.path.join(t, pcap))
        name = os.path.relpath(t, base)
        if pcap is None or not os.path.exists(pcap):
            problems.append(f"{name}: no capture")
            continue
        ntests += 1
        conns = run_tlsdiag(tlsdiag, pcap)
        got = {"ja3": [], "ja3s": []}
        for lst in conns.values():
            for c in lst:
                for f in got:
                    if c["tls"].get(f) is not None:
                        got[f].append(c["tls"][f])
        # A hash and its string in one match block are one expectation.
        done = set()
        for field, kind, md5, count in checks:
            if (field, md5, count) in done:
                continue
            done.add((field, md5, count))
            compared += 1
            n = got[field].count(md5)
            want = 1 if count is None else count
            if n == want:
                agree += 1
                if verbose:
                    print(f"ok {name}: {field} {md5} x{n}")
            else:
                problems.append(f"{name}: {field} {md5} expected {want} "
                                f"time(s), tlsdiag has it {n} time(s) "
                                f"(tlsdiag's: {sorted(set(got[field]))})")
    print(f"suricata-verify: {ntests} tests, {compared} ja3/ja3s "
          f"expectations compared: {agree} equal, {len(problems)} not")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


# ---- JA3/JA3S: tshark on pcaps/ ----

def pcaps_list(top):
    caps = []
    for pat in ("pcaps/*.pcap", "pcaps/*.pcapng", "pcaps/derived/*.pcap"):
        caps += glob.glob(os.path.join(top, pat))
    return sorted(os.path.relpath(c, top) for c in caps)


def tshark_fields(pcap):
    cmd = ["tshark", "-n", "-r", pcap,
           "-o", "tcp.reassemble_out_of_order:TRUE",
           # RDP negotiates TLS on 3389 (pcaps/rdp.pcap): read it as TLS;
           # so does IRC STARTTLS on 6667 (pcaps/irc-starttls.pcap), which
           # tshark's IRC dissector does not follow.
           "-d", "tcp.port==3389,tls", "-d", "tcp.port==6667,tls",
           "-Y", "tcp && (tls.handshake.type == 1 || "
           "tls.handshake.type == 2)",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=|",
           "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport",
           "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
           "-e", "tls.handshake.type", "-e", "tls.handshake.random",
           "-e", "tls.handshake.ja3", "-e", "tls.handshake.ja3s"]
    name = os.path.basename(pcap)
    if name.startswith("openvpn-"):
        # OpenVPN over TCP (pcaps/openvpn-*.pcap): its TLS is read out of
        # the control channel; tls-auth's HMAC size (SHA-256, as
        # make-captures.sh sets it) must be told.
        port = subprocess.run(
            ["tshark", "-n", "-r", pcap, "-c", "1", "-T", "fields",
             "-e", "tcp.dstport"], capture_output=True, text=True,
            timeout=60).stdout.strip()
        extra = ["-d", f"tcp.port=={port},openvpn"]
        if "tls-auth" in name:
            extra += ["-o", "openvpn.tls_auth_detection_override:TRUE",
                      "-o", "openvpn.tls_auth:TRUE",
                      "-o", "openvpn.tls_auth_hmac_size:32"]
        cmd = cmd[:4] + extra + cmd[4:]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    return r.stdout.splitlines()


def tshark_expected(top, caps):
    """Lines capture, client, server, ja3, ja3s for |caps| under |top|."""
    out = []
    for cap in caps:
        conns = {}
        order = []
        for line in tshark_fields(os.path.join(top, cap)):
            f = line.split("\t")
            # Tunnels (GRE, Geneve) give outer|inner addresses: the
            # connection is the inner one; with both IPv4 and IPv6 it is
            # 6in4, the inner one IPv6.
            src = endpoint((f[1] or f[0]).split("|")[-1], f[2])
            dst = endpoint((f[4] or f[3]).split("|")[-1], f[5])
            types = f[6].split("|")
            randoms = f[7].split("|") if f[7] else []
            ja3 = [x for x in f[8].split("|") if x]
            ja3s = [x for x in f[9].split("|") if x]
            if "1" in types:
                key = (src, dst)
                if key not in conns:
                    conns[key] = {"ja3": None, "ja3s": None}
                    order.append(key)
                if conns[key]["ja3"] is None and ja3:
                    conns[key]["ja3"] = ja3[0]
            if "2" in types:
                key = (dst, src)
                if key not in conns:
                    conns[key] = {"ja3": None, "ja3s": None}
                    order.append(key)
                # Randoms of the frame's hellos in order; a
                # HelloRetryRequest's is the fixed HRR value.
                sh_randoms = [r.replace(":", "") for r in randoms]
                for i, h in enumerate(ja3s):
                    rnd = sh_randoms[i] if i < len(sh_randoms) else ""
                    if rnd == HRR_RANDOM:
                        continue
                    if conns[key]["ja3s"] is None:
                        conns[key]["ja3s"] = h
        for key in order:
            c = conns[key]
            out.append("\t".join([cap, key[0], key[1], c["ja3"] or "-",
                                  c["ja3s"] or "-"]))
        if not order:
            out.append("\t".join([cap, "-", "-", "-", "-"]))
    return out


def tshark_version():
    return subprocess.run(["tshark", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0].rstrip(".")


def mode_make_expected(top):
    out = tshark_expected(top, pcaps_list(top))
    ver = subprocess.run(["tshark", "--version"], capture_output=True,
                         text=True).stdout.splitlines()[0].rstrip(".")
    print("# fingerprints.tsv - tshark's JA3 and JA3S of every TCP "
          "connection with a hello")
    print("# in pcaps/, the oracle of tests/e2e/fingerprints.sh.")
    print(f"# Made by: python3 tests/tools/fingerprints_compare.py "
          f"make-expected . > tests/e2e/expected/fingerprints.tsv")
    print(f"# with {ver}: tls.handshake.ja3 of the first ClientHello, "
          "tls.handshake.ja3s of the first")
    print("# ServerHello that is not a HelloRetryRequest (its random is "
          "RFC 8446's fixed value);")
    print("# tcp.reassemble_out_of_order on. '-' where tshark gave none; a "
          "capture without any")
    print("# hello has one line of '-'.")
    print("# capture\tclient\tserver\tja3\tja3s")
    for line in out:
        print(line)
    return 0


def corpora_list(corpora):
    """The TCP captures of ../shared/corpora (those with an oracle)."""
    man = json.load(open(os.path.join(corpora, "MANIFEST.json")))
    return sorted(m["file"] for m in man if m.get("kind") == "capture" and
                  os.path.exists(os.path.join(corpora, m["file"] +
                                              ".oracle.json")))


def mode_make_expected_corpora(corpora):
    out = tshark_expected(corpora, corpora_list(corpora))
    print("# fingerprints-corpora.tsv - tshark's JA3 and JA3S of every TCP "
          "connection with a hello")
    print("# in the captures of ../shared/corpora (those with an oracle), "
          "read by tests/e2e/fingerprints.sh.")
    print("# Made by: python3 tests/tools/fingerprints_compare.py "
          "make-expected-corpora ../shared/corpora")
    print("#   > tests/e2e/expected/fingerprints-corpora.tsv")
    print(f"# with {tshark_version()}, as make-expected does for pcaps/ "
          "(no decode-as: TLS on ports")
    print("# tshark does not map is not in it). Disagreements are "
          "explained in fingerprints-corpora-known.tsv.")
    print("# capture\tclient\tserver\tja3\tja3s")
    for line in out:
        print(line)
    return 0


def mode_corpora(tlsdiag, corpora, expected, known_path, verbose):
    """tshark's values only: a connection tshark did not fingerprint
    (TLS on a port it does not map) is not compared."""
    known = {}
    for line in open(known_path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cap, cli, field, reason = line.rstrip("\n").split("\t", 3)
        known[(cap, cli, field)] = reason
    want = {}
    for line in open(expected, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cap, cli, srv, ja3, ja3s = line.rstrip("\n").split("\t")
        if cli != "-":
            want.setdefault(cap, []).append((cli, srv, ja3, ja3s))
    n = {"ja3": 0, "ja3s": 0}
    ok = {"ja3": 0, "ja3s": 0}
    explained = 0
    problems = []
    seen = set()
    for cap in sorted(want):
        path = os.path.join(corpora, cap)
        conns = run_tlsdiag(tlsdiag, path) if os.path.exists(path) else {}
        for cli, srv, ja3, ja3s in want[cap]:
            c = take(conns, (cli, srv))
            tls = c["tls"] if c is not None else {}
            for field, w in (("ja3", ja3), ("ja3s", ja3s)):
                if w == "-":
                    continue
                n[field] += 1
                ours = tls.get(field)
                k = (cap, cli, field)
                if ours == w:
                    ok[field] += 1
                    if k in known:
                        problems.append(f"{cap} {cli} {field}: listed as "
                                        "known but agrees")
                    continue
                msg = f"{cap} {cli} -> {srv}: {field} tshark {w}, tlsdiag {ours}"
                if k in known:
                    explained += 1
                    seen.add(k)
                    if verbose:
                        print(f"known: {msg} ({known[k]})")
                else:
                    problems.append(msg)
    for k in known:
        if k not in seen and not any(p.startswith(f"{k[0]} {k[1]} {k[2]}:")
                                     for p in problems):
            problems.append(f"{k[0]} {k[1]} {k[2]}: listed as known, "
                            "not found")
    print(f"corpora vs tshark: {len(want)} captures with hellos, "
          f"{n['ja3']} ja3 and {n['ja3s']} ja3s values compared: "
          f"{ok['ja3']} and {ok['ja3s']} equal, {explained} known "
          f"disagreements, {len(problems)} unexplained")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


def mode_pcaps(tlsdiag, top, expected, verbose):
    want = {}
    for line in open(expected, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cap, cli, srv, ja3, ja3s = line.rstrip("\n").split("\t")
        lst = want.setdefault(cap, [])
        if cli != "-":
            lst.append((cli, srv, ja3, ja3s))
    caps = pcaps_list(top)
    n_ja3 = n_ja3s = ok_ja3 = ok_ja3s = 0
    problems = [f"{c}: not in {expected} (rerun make-expected)"
                for c in caps if c not in want]
    problems += [f"{c}: in {expected} but not in pcaps/"
                 for c in want if c not in caps]
    for cap in caps:
        if cap not in want:
            continue
        conns = run_tlsdiag(tlsdiag, os.path.join(top, cap))
        for cli, srv, ja3, ja3s in want[cap]:
            c = take(conns, (cli, srv))
            tls = c["tls"] if c is not None else {}
            for field, w in (("ja3", ja3), ("ja3s", ja3s)):
                w = None if w == "-" else w
                ours = tls.get(field)
                if field == "ja3":
                    n_ja3 += w is not None
                else:
                    n_ja3s += w is not None
                if ours == w:
                    if w is not None:
                        if field == "ja3":
                            ok_ja3 += 1
                        else:
                            ok_ja3s += 1
                    continue
                problems.append(f"{cap} {cli} -> {srv}: {field} tshark "
                                f"{w}, tlsdiag {ours}")
        # tlsdiag connections with a fingerprint tshark did not see.
        for lst in conns.values():
            for c in lst:
                for field in ("ja3", "ja3s"):
                    if c["tls"].get(field) is not None:
                        problems.append(
                            f"{cap} {endpoint(c['client']['ip'], c['client']['port'])}"
                            f": tlsdiag {field} {c['tls'][field]}, none "
                            "from tshark")
    print(f"pcaps: {len(caps)} captures, {n_ja3} ja3 and {n_ja3s} ja3s "
          f"values from tshark compared: {ok_ja3} and {ok_ja3s} equal, "
          f"{len(problems)} disagreements")
    for p in problems:
        print(f"FAIL: {p}")
    return 1 if problems else 0


def main():
    verbose = "-v" in sys.argv
    args = [a for a in sys.argv[1:] if a != "-v"]
    if not args:
        print(__doc__)
        return 2
    mode = args[0]
    if mode == "ja4" and len(args) == 4:
        return mode_ja4(args[1], args[2], args[3], verbose)
    if mode == "suricata" and len(args) == 3:
        return mode_suricata(args[1], args[2], verbose)
    if mode == "pcaps" and len(args) == 4:
        return mode_pcaps(args[1], args[2], args[3], verbose)
    if mode == "make-expected" and len(args) == 2:
        return mode_make_expected(args[1])
    if mode == "corpora" and len(args) == 5:
        return mode_corpora(args[1], args[2], args[3], args[4], verbose)
    if mode == "make-expected-corpora" and len(args) == 2:
        return mode_make_expected_corpora(args[1])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
