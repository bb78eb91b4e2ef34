#!/usr/bin/env python3
"""make_expected.py - derive tests/e2e/expected/verdicts.tsv from tshark.

The expected verdict of every connection comes from pcaps/expected.tsv,
whose alert, direction and reset columns pcaps/tools/oracle.sh reads from
tshark. This script adds what tlsdiag can know without keys: it asks tshark
whether the deciding alert is on the wire in the clear (record content
type 21); a TLS 1.3 alert that is not is only visible to tlsdiag as a
19-byte encrypted record, so the expected verdict becomes the inferred one.
It never runs tlsdiag. Usage: python3 tests/tools/make_expected.py
"""
import os
import subprocess
import sys

# What tlsdiag can say without keys when a TLS 1.3 alert is encrypted.
HRR_RANDOM = ("cf21ad74e59a6111be1d8c021e65b891"
              "c2a211167abb8c5e079e09e2c8a8339c")
T13_INFERRED = {
    "server_cert_untrusted": "server_cert_rejected",
    "server_cert_name_mismatch": "server_cert_rejected",
    "server_cert_expired": "server_cert_rejected",
    "server_cert_rejected": "server_cert_rejected",
    "client_cert_missing": "client_cert_missing",
    "client_cert_untrusted": "client_cert_rejected",
    "client_cert_expired": "client_cert_rejected",
    "client_cert_rejected": "client_cert_rejected",
    "client_cert_reset": "client_cert_reset",
}


def clear_frames(cap):
    """Frame numbers holding a cleartext alert record, per tshark."""
    out = subprocess.run(
        ["tshark", "-r", cap, "-Y", "tls.record.content_type == 21",
         "-T", "fields", "-e", "frame.number"],
        capture_output=True, text=True, check=True).stdout
    return {int(x) for x in out.split()}


def plaintext_alerts(cap):
    """(tcp.stream, srcport) of every cleartext alert record, per tshark."""
    out = subprocess.run(
        ["tshark", "-r", cap, "-Y", "tls.record.content_type == 21",
         "-T", "fields", "-e", "tcp.stream", "-e", "tcp.srcport",
         "-e", "tls.alert_message.desc"],
        capture_output=True, text=True, check=True).stdout
    found = set()
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) >= 3 and f[2]:
            found.add(int(f[0]))
    return found


ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
          40: "handshake_failure", 42: "bad_certificate",
          43: "unsupported_certificate", 44: "certificate_revoked",
          45: "certificate_expired", 46: "certificate_unknown",
          47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied",
          50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
          71: "insufficient_security", 80: "internal_error",
          86: "inappropriate_fallback", 90: "user_canceled",
          109: "missing_extension", 110: "unsupported_extension",
          112: "unrecognized_name", 116: "certificate_required",
          120: "no_application_protocol"}
HS = {1: "ClientHello", 2: "ServerHello", 8: "EncryptedExtensions",
      11: "Certificate", 13: "CertificateRequest", 20: "Finished"}


def keyed_events(cap, keys, clear):
    """Per tcp.stream, the handshake messages and alerts tshark reads
    with the key log, in wire order, as check_verdicts.py events; a
    message tshark could only read by decrypting is marked with "!"."""
    out = subprocess.run(
        ["tshark", "-r", cap, "-o", "tls.keylog_file:" + keys,
         "-Y", "tls", "-T", "fields", "-E", "occurrence=a",
         "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.dstport",
         "-e", "tls.handshake.type", "-e", "tls.alert_message.desc",
         "-e", "tls.record.opaque_type", "-e", "tls.record.content_type",
         "-e", "frame.number", "-e", "tls.handshake.random"],
        capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 9:
            continue
        st, sport, dport = int(f[0]), f[1], f[2]
        info = streams.setdefault(st, {"server": None, "ev": []})
        types = [int(t) for t in f[3].split(",") if t]
        if 1 in types:
            info["server"] = dport
        if info["server"] is None:
            continue
        d = "s2c" if sport == info["server"] else "c2s"
        # opaque_type 23 marks records tshark decrypted (TLS 1.3).
        enc = "23" in f[5].split(",")
        for t in types:
            if t == 2 and HRR_RANDOM in f[8].replace(":", ""):
                info["ev"].append(f"{d}:HelloRetryRequest")
            elif t in HS:
                dec = "!" if enc and t not in (1, 2) else ""
                info["ev"].append(f"{d}:{HS[t]}{dec}")
        for a in f[4].split(","):
            if a:
                name = ALERTS.get(int(a), a)
                # tshark without keys shows cleartext alerts only.
                dec = "" if int(f[7]) in clear else "!"
                info["ev"].append(f"{d}:Alert={name}{dec}")
    return {st: i["ev"] for st, i in streams.items()}


def main():
    rows = [l.rstrip("\n").split("\t") for l in open("pcaps/expected.tsv")]
    out = ["capture\tconn\tkeys\tcode\tconfidence\tevents"]
    cache = {}
    for cap, conn, code, ver, alert, adir, rdir, notes in \
            (r[:8] for r in rows[1:]):
        if cap not in cache:
            cache[cap] = plaintext_alerts("pcaps/" + cap)
        clear = (int(conn) - 1) in cache[cap]
        conf = "certain"
        ev = []
        if code == "tcp_no_answer":
            ev = ["c2s:SYN"]
        elif code == "tcp_refused":
            ev = ["c2s:SYN", "s2c:RST"]
        else:
            ev = ["c2s:SYN", "s2c:SYN-ACK"]
            if code != "not_tls" or ver != "-":
                ev.append("c2s:ClientHello")
            if ver != "-" and code not in ("cipher_mismatch",
                                           "version_mismatch", "not_tls"):
                ev.append("s2c:ServerHello")
        want = code
        if ver == "TLS1.3" and code in T13_INFERRED and not clear:
            want, conf = T13_INFERRED[code], "inferred"
        elif ver == "TLS1.3" and code == "server_cert_name_mismatch" and \
                clear:
            # The alert is in the clear but the certificate is not:
            # the alert alone names the rejection, not its cause.
            want = "server_cert_rejected"
        if code.startswith("server_cert") and alert == "-":
            # No alert names it: the client closed after the handshake
            # (curl checks the name afterwards). In TLS 1.2 the
            # certificate is on the wire, in TLS 1.3 it is encrypted.
            # Without the certificate (TLS 1.3, no keys) nothing tells
            # this from a health check that closes at once: the verdict
            # is closed_after_handshake. Either way the handshake
            # completed, so the outcome is suspect, not failed.
            conf = "inferred"
            want = code + "@suspect"
            if ver == "TLS1.3":
                want = "closed_after_handshake@suspect"
        if ver == "TLS1.2" and code.startswith("client_cert") and \
                code != "client_cert_missing":
            ev.append("c2s:Certificate")
        if ver == "TLS1.2" and code.startswith("server_cert"):
            ev.append("s2c:Certificate")
        if alert not in ("-", "close_notify", "decode_error") and adir != "-":
            ev.append(f"{adir}:Alert={alert}" if clear else f"{adir}:Alert")
        if code == "client_cert_reset":
            ev.append("s2c:RST")
        if code == "ok" and ver == "TLS1.2":
            ev += ["s2c:ChangeCipherSpec", "c2s:ApplicationData",
                   "s2c:ApplicationData"]
        if code == "not_tls":
            ev.append("s2c:NotTLS" if ver != "-" else "c2s:NotTLS")
        out.append("\t".join([cap, conn, "-", want, conf, " ".join(ev)]))
        # With the key log, TLS 1.3 gives the exact verdict: the
        # decrypted messages and alerts tshark reads become the events.
        kf = "pcaps/" + cap.rsplit(".", 1)[0] + ".keys"
        if ver != "TLS1.3" or not os.path.exists(kf):
            continue
        kkey = (cap, kf)
        if kkey not in cache:
            cache[kkey] = keyed_events("pcaps/" + cap, kf,
                                       clear_frames("pcaps/" + cap))
        kev = ev[:2] + cache[kkey].get(int(conn) - 1, [])
        kwant, kconf = code, "certain"
        if code.startswith("server_cert") and alert == "-":
            kwant, kconf = code + "@suspect", "inferred"
        out.append("\t".join([cap, conn, "keys", kwant, kconf,
                              " ".join(kev)]))
    with open("tests/e2e/expected/verdicts.tsv", "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
