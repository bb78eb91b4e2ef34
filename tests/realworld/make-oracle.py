#!/usr/bin/env python3
"""make-oracle.py - build a tshark-derived oracle for every TCP capture in this corpus.

Usage (from anywhere; paths are relative to the folder holding this script):
    python3 make-oracle.py                 # all captures listed by the walk below
    python3 make-oracle.py -j 4 FILE...    # only these captures (paths relative to this folder)
    python3 make-oracle.py --check         # only print which captures would be processed

For each capture C it writes C.oracle.json next to it (e.g. zeek/.../hrr.pcap.oracle.json).
Python 3 standard library only; needs `tshark` (tested with 4.0.17) on PATH.

How tshark is run (one pass per capture):
    tshark -n -r C -T pdml -J "frame ip ipv6 tcp tls _ws.malformed"
           -Y "tcp and not icmp and not icmpv6"
           -o tcp.reassemble_out_of_order:TRUE
           [-o tls.keylog_file:K]      when KEYLOGS below names a keylog for C
           [-d tcp.port==P,tls]       when DECODE_AS below names a port for C
pcapng files with an embedded Decryption Secrets Block are decrypted by tshark without -o.

Output object (one per capture):
{
  "capture": "<path relative to corpora/>",
  "tshark": "<version>", "tshark_args": [...], "keylog": "<path>"|null,
  "tcp_frames": N,                      # frames that passed the tcp display filter
  "malformed_frames": [N, ...],         # frames where tshark flagged a malformed packet
  "streams": [ STREAM, ... ]            # one per tcp.stream, in tcp.stream order
}
STREAM = {
  "stream": tcp.stream index,
  "client": "ip:port", "server": "ip:port"   (IPv6 as "[addr]:port"),
  "client_by": how the client was chosen, first rule that applies: "syn" (sender of a SYN
               without ACK), "syn-ack" (receiver of a SYN+ACK), "clienthello" (sender of the
               first ClientHello), "serverhello" (receiver of the first ServerHello),
               "port" (the endpoint whose port is >= 1024 when the other one is < 1024),
               "first-packet" (sender of the first frame; no better evidence),
  "tls": true if tshark dissected any TLS/SSL record in the stream (or handed it TLS
         bytes it could not frame, see ContinuationData),
  "events": [ EVENT, ... ]   ordered by frame, then by position inside the frame,
  "sni": server_name of the first ClientHello carrying one, else null,
  "version": negotiated version of the first (non-HRR) ServerHello, from supported_versions
             if present, else ServerHello.version, as tshark names it ("TLS 1.2",
             "TLS 1.3", "SSL 3.0", "SSL 2.0", "TLS 1.3 (draft 18)" ...); null if no ServerHello,
  "version_hex": same as hex string "0x0303", or null,
  "cipher": IANA name of the cipher suite chosen in that ServerHello (null for SSLv2/none),
  "cipher_hex": "0xc02f" or null,
  "hrr": true if a HelloRetryRequest was seen,
  "client_hellos": number of ClientHello messages (renegotiation/duplicates show as > 1),
  "certs": [ {"frame":N, "dir":"s2c"|"c2s", "count":k, "subjects":[DN,...],
              "issuers":[DN,...], "subject_cns":[CN or null,...]}, ... ]
            one entry per Certificate handshake message, certificates in message order;
            DN = "C=US, O=Example, CN=www.example.com" in DER encoding order, attribute
            names shortened (CN O OU C L ST emailAddress serialNumber DC street ...), unknown
            attribute types kept as tshark prints them,
  "tcp_anomalies": counts of tshark tcp.analysis flags in the stream (only those > 0):
            retransmission, fast_retransmission, spurious_retransmission, out_of_order,
            lost_segment, ack_lost_segment, duplicate_ack, zero_window, keep_alive
}
EVENT = {"frame": N, "t": seconds since the first frame of the capture (frame.time_relative),
         "dir": "c2s"|"s2c", "what": WHAT, optional extra keys below}

WHAT vocabulary (strings):
  TCP (from the tcp flags of the frame; one frame can give several):
    "SYN"          SYN without ACK
    "SYN-ACK"      SYN with ACK
    "FIN"          FIN set (with or without ACK)
    "RST"          RST set (with or without ACK)
  TLS records / messages (as tshark dissected them, after TCP and TLS reassembly; the frame
  is the one in which tshark completed the record, usually the last segment of it):
    handshake message names: "HelloRequest" "ClientHello" "ServerHello" "HelloRetryRequest"
      "HelloVerifyRequest" "NewSessionTicket" "EndOfEarlyData" "EncryptedExtensions"
      "Certificate" "ServerKeyExchange" "CertificateRequest" "ServerHelloDone"
      "CertificateVerify" "ClientKeyExchange" "Finished" "CertificateURL" "CertificateStatus"
      "SupplementalData" "KeyUpdate" "CompressedCertificate" "MessageHash" "NextProtocol"
      "Handshake(N)"  for any other type N
    "EncryptedHandshake"  handshake record whose content is encrypted (e.g. TLS<=1.2
                          Finished after ChangeCipherSpec, or renegotiation under encryption)
    "ChangeCipherSpec"
    "Alert(LEVEL, DESC)"  e.g. "Alert(fatal, unknown_ca)", "Alert(warning, close_notify)";
                          LEVEL warning|fatal|level(N); DESC RFC 8446 name or unknown(N)
    "EncryptedAlert"      alert record that could not be decrypted
    "ApplicationData"     application_data record(s). In TLS 1.3 without keys the encrypted
                          handshake (EncryptedExtensions..Finished) also appears as
                          ApplicationData, because that is what is on the wire. Runs of
                          consecutive ApplicationData records in the same direction are
                          collapsed into one event with "n": number of records and
                          "last_frame": frame of the last one.
    "Heartbeat(request)" / "Heartbeat(response)" / "EncryptedHeartbeat"
    "SSLv2:ClientHello" "SSLv2:ServerHello" "SSLv2:ClientMasterKey" "SSLv2:ClientFinished"
      "SSLv2:ServerVerify" "SSLv2:ServerFinished" "SSLv2:RequestCertificate"
      "SSLv2:ClientCertificate" "SSLv2:Error" "SSLv2:Encrypted" "SSLv2:Type(N)"
      (SSLv2 record layer, including the SSLv2-compatible ClientHello of TLS clients)
    "Record(N)"           any other record content type N
    "ContinuationData"    bytes tshark handed to TLS but could not place on a record boundary
                          (after a capture gap, a stream picked up midstream, or garbage
                          on a TLS port), with "bytes"
    "UnknownRecord"       bytes inside a TLS stream that tshark could not parse as a record
                          ("Ignored Unknown Record"), with "bytes"
  Other payload:
    "Payload"             TCP payload that tshark did not dissect as TLS at all, e.g. the
                          plaintext part of a STARTTLS protocol, an HTTP answer to a
                          ClientHello, or a non-TLS stream; "bytes" = TCP payload length of
                          the frame (segments tshark held for reassembly of a non-TLS PDU are
                          not counted, so treat it as approximate). Frames flagged as TCP
                          retransmissions are not reported as Payload. Consecutive Payload
                          frames in one direction are collapsed like ApplicationData.
  Optional keys on an event:
    "decrypted": true      the record was decrypted with the keylog / embedded secrets
                           (TLS 1.3: record had an outer opaque_type; TLS <= 1.2 with a keylog:
                           a handshake/alert/heartbeat message readable after the sender's
                           ChangeCipherSpec). Without keys such records show as
                           EncryptedHandshake / EncryptedAlert / ApplicationData.
    "retransmission": true tshark flagged the frame as a TCP retransmission
    "n", "last_frame"      see ApplicationData / Payload
    "bytes"                see Payload / UnknownRecord
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))

# This copy lives in tlsdiag's tests/realworld/; it was taken from
# ../shared/corpora/make-oracle.py (the external corpus beside
# the project) and differs only here: the keylogs come from MANIFEST.json beside
# this script instead of a table, and nothing needs decode-as or is out
# of scope in this set.
# capture (relative path) -> keylog (relative path). Captures not listed: no keylog.
KEYLOGS = {m["file"]: m["keylog"]
           for m in json.load(open(os.path.join(HERE, "MANIFEST.json")))
           if m["kind"] == "capture" and m.get("keylog")}

# capture -> list of "tcp.port==P,tls" decode-as rules (TLS on ports tshark does not map to TLS)
DECODE_AS = {
    # tshark 4.0 maps the client's port 3017 to NDPS (the lower port wins)
    # and never looks for TLS there.
    "hotplace/test/applet/tlsserver/pcap/tlsserver-mldsa.pcapng": ["tcp.port==3017,tls"],
}

# captures kept but outside the TCP scope (DTLS / QUIC): none here.
OUT_OF_SCOPE = set()

CAPTURE_RE = re.compile(r"\.(pcap|pcapng|cap)(\.gz)?$")

HS_NAMES = {
    0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 3: "HelloVerifyRequest",
    4: "NewSessionTicket", 5: "EndOfEarlyData", 6: "HelloRetryRequest",
    8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange",
    13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify",
    16: "ClientKeyExchange", 20: "Finished", 21: "CertificateURL", 22: "CertificateStatus",
    23: "SupplementalData", 24: "KeyUpdate", 25: "CompressedCertificate",
    67: "NextProtocol", 254: "MessageHash",
}
SSL2_NAMES = {
    0: "Error", 1: "ClientHello", 2: "ClientMasterKey", 3: "ClientFinished", 4: "ServerHello",
    5: "ServerVerify", 6: "ServerFinished", 7: "RequestCertificate", 8: "ClientCertificate",
}
ALERT_DESC = {
    0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
    21: "decryption_failed", 22: "record_overflow", 30: "decompression_failure",
    40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
    43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
    46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
    49: "access_denied", 50: "decode_error", 51: "decrypt_error",
    60: "export_restriction", 70: "protocol_version", 71: "insufficient_security",
    80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
    100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
    111: "certificate_unobtainable", 112: "unrecognized_name",
    113: "bad_certificate_status_response", 114: "bad_certificate_hash_value",
    115: "unknown_psk_identity", 116: "certificate_required",
    120: "no_application_protocol", 121: "ech_required",
}
ALERT_LEVEL = {1: "warning", 2: "fatal"}
DN_SHORT = {
    "id-at-commonName": "CN", "id-at-organizationName": "O",
    "id-at-organizationalUnitName": "OU", "id-at-countryName": "C",
    "id-at-localityName": "L", "id-at-stateOrProvinceName": "ST",
    "pkcs-9-at-emailAddress": "emailAddress", "id-at-serialNumber": "serialNumber",
    "id-domainComponent": "DC", "id-at-streetAddress": "street",
    "id-at-postalCode": "postalCode", "id-at-givenName": "GN", "id-at-surname": "SN",
    "id-at-title": "title", "id-at-businessCategory": "businessCategory",
    "id-at-name": "name", "id-at-initials": "initials", "id-at-pseudonym": "pseudonym",
    "id-at-dnQualifier": "dnQualifier", "id-at-generationQualifier": "generationQualifier",
    "id-at-organizationIdentifier": "organizationIdentifier",
    "id-at-description": "description", "userid": "UID",
}
TCP_ANOMALIES = [
    "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
    "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "keep_alive",
]


def tshark_version():
    try:
        out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return None
    m = re.search(r"TShark \(Wireshark\) (\S+)", out)
    return m.group(1) if m else out.splitlines()[0] if out else None


def find_captures():
    caps = []
    for root, dirs, files in os.walk(HERE):
        dirs.sort()
        for f in sorted(files):
            if CAPTURE_RE.search(f):
                rel = os.path.relpath(os.path.join(root, f), HERE)
                caps.append(rel)
    return caps


def tshark_args(rel):
    args = ["-n", "-r", rel, "-T", "pdml", "-J", "frame ip ipv6 tcp tls _ws.malformed",
            "-Y", "tcp and not icmp and not icmpv6",
            "-o", "tcp.reassemble_out_of_order:TRUE"]
    kl = KEYLOGS.get(rel)
    if kl:
        args += ["-o", "tls.keylog_file:" + kl]
    for d in DECODE_AS.get(rel, []):
        args += ["-d", d]
    return args


# ---------------------------------------------------------------- PDML helpers
def fields(elem, name):
    """direct children <field name=name>"""
    return [c for c in elem if c.tag == "field" and c.get("name") == name]


def first(elem, name):
    for c in elem.iter("field"):
        if c.get("name") == name:
            return c
    return None


def child_show(elem, name):
    for c in elem:
        if c.tag == "field" and c.get("name") == name:
            return c.get("show")
    return None


def int_or_none(s):
    if s is None:
        return None
    try:
        return int(s, 0)
    except ValueError:
        try:
            return int(s)
        except ValueError:
            return None


def version_label(field):
    """'Supported Version: TLS 1.3 (0x0304)' -> ('TLS 1.3', '0x0304')"""
    sn = field.get("showname") or ""
    show = field.get("show")
    m = re.match(r"^[^:]*:\s*(.*?)\s*\((0x[0-9a-fA-F]+)\)\s*$", sn)
    if m:
        name, hx = m.group(1), m.group(2).lower()
        if not name or name.lower() == "unknown":
            name = "unknown(%s)" % hx
        return name, hx
    return None, show


def cipher_label(field):
    sn = field.get("showname") or ""
    m = re.match(r"^[^:]*:\s*(.*?)\s*\((0x[0-9a-fA-F]+)\)\s*$", sn)
    if m:
        return m.group(1), m.group(2).lower()
    return None, field.get("show")


RDN_ITEM_RE = re.compile(r"^RelativeDistinguishedName item \((.*)\)$", re.S)


def parse_dn(rdnseq):
    """rdnSequence field -> (DN string in encoding order, CN or None)"""
    parts = []
    cn = None
    for item in rdnseq.iter("field"):
        if item.get("name") != "x509if.RelativeDistinguishedName_item_element":
            continue
        m = RDN_ITEM_RE.match(item.get("showname") or "")
        if not m:
            continue
        attr, _, val = m.group(1).partition("=")
        short = DN_SHORT.get(attr, attr)
        parts.append("%s=%s" % (short, val))
        if short == "CN" and cn is None:
            cn = val
    if not parts:  # fall back to tshark's one-line form
        sn = rdnseq.get("showname") or ""
        m = re.match(r"^rdnSequence: \d+ items? \((.*)\)$", sn, re.S)
        return (m.group(1) if m else sn or None), None
    return ", ".join(parts), cn


def parse_certificate_msg(hs):
    subjects, issuers, cns = [], [], []
    for cert in hs.iter("field"):
        if cert.get("name") != "tls.handshake.certificate":
            continue
        subj = iss = cn = None
        for f in cert.iter("field"):
            n = f.get("name")
            if n == "x509af.subject" and subj is None:
                rs = next((g for g in f.iter("field") if (g.get("name") or "").endswith(".rdnSequence")), None)
                if rs is not None:
                    subj, cn = parse_dn(rs)
            elif n == "x509af.issuer" and iss is None:
                rs = next((g for g in f.iter("field") if (g.get("name") or "").endswith(".rdnSequence")), None)
                if rs is not None:
                    iss, _ = parse_dn(rs)
        if subj is None:  # undecodable certificate: tshark may still print a DN in the summary
            m = re.search(r"\(([^()]*=[^()]*)\)\s*$", cert.get("showname") or "")
            if m:
                subj = m.group(1)
        subjects.append(subj)
        issuers.append(iss)
        cns.append(cn)
    return subjects, issuers, cns


# ---------------------------------------------------------------- per-record decoding
def record_events(rec):
    """yield (what, extra) for one <field name="tls.record"> element; extra may hold
    'decrypted', 'hello' (dict with sni/version/cipher) or 'certs'."""
    sn = rec.get("showname") or ""
    ct = int_or_none(child_show(rec, "tls.record.content_type"))
    opaque = child_show(rec, "tls.record.opaque_type")
    rver = child_show(rec, "tls.record.version")
    decrypted = opaque is not None and ct is not None
    base = {"decrypted": True} if decrypted else {}
    out = []
    if sn.startswith("SSLv2") or rver == "0x0002":
        t = int_or_none(child_show(rec, "tls.handshake.type"))
        hs_nodes = fields(rec, "tls.handshake")
        if t is None and hs_nodes:
            t = int_or_none(child_show(hs_nodes[0], "tls.handshake.type"))
        if t is None:
            out.append(("SSLv2:Encrypted", dict(base)))
        else:
            name = SSL2_NAMES.get(t)
            ev = dict(base)
            if t == 4:
                ev["hello"] = {"version": ("SSL 2.0", "0x0002"), "cipher": (None, None)}
            if t == 1:
                node = hs_nodes[0] if hs_nodes else rec
                vf = next((c for c in node if c.get("name") == "tls.handshake.version"), None)
                ev["clienthello"] = {"sni": None,
                                     "version": version_label(vf) if vf is not None else None}
            out.append(("SSLv2:" + name if name else "SSLv2:Type(%d)" % t, ev))
        return out
    if ct is None:
        if opaque is not None:
            return [("ApplicationData", {})]
        return []
    if ct == 20:
        out.append(("ChangeCipherSpec", dict(base)))
    elif ct == 21:
        msgs = fields(rec, "tls.alert_message") or [rec]
        for am in msgs:
            lvl = int_or_none(child_show(am, "tls.alert_message.level"))
            desc = int_or_none(child_show(am, "tls.alert_message.desc"))
            if lvl is None and desc is None:
                out.append(("EncryptedAlert", dict(base)))
            else:
                ls = ALERT_LEVEL.get(lvl, "level(%s)" % lvl)
                ds = ALERT_DESC.get(desc, "unknown(%s)" % desc)
                out.append(("Alert(%s, %s)" % (ls, ds), dict(base)))
    elif ct == 22:
        hs_nodes = fields(rec, "tls.handshake")
        if not hs_nodes:
            out.append(("EncryptedHandshake", dict(base)))
        for hs in hs_nodes:
            t = int_or_none(child_show(hs, "tls.handshake.type"))
            hsn = hs.get("showname") or ""
            if t is None:
                out.append(("EncryptedHandshake", dict(base)))
                continue
            name = HS_NAMES.get(t, "Handshake(%d)" % t)
            ev = dict(base)
            if t == 2 and "Hello Retry Request" in hsn:
                name = "HelloRetryRequest"
            if t == 1:
                sni = None
                for f in hs.iter("field"):
                    if f.get("name") == "tls.handshake.extensions_server_name":
                        sni = f.get("show")
                        break
                ev["clienthello"] = {"sni": sni}
            elif t == 2:
                sv = None
                for f in hs.iter("field"):
                    if f.get("name") == "tls.handshake.extensions.supported_version":
                        sv = f
                        break
                vf = sv if sv is not None else next(
                    (c for c in hs if c.get("name") == "tls.handshake.version"), None)
                cf = next((c for c in hs if c.get("name") == "tls.handshake.ciphersuite"), None)
                ev["hello"] = {
                    "version": version_label(vf) if vf is not None else (None, None),
                    "cipher": cipher_label(cf) if cf is not None else (None, None),
                    "hrr": name == "HelloRetryRequest",
                }
            elif t == 11:
                subjects, issuers, cns = parse_certificate_msg(hs)
                ev["certs"] = {"count": len(subjects), "subjects": subjects,
                               "issuers": issuers, "subject_cns": cns}
            out.append((name, ev))
    elif ct == 23:
        out.append(("ApplicationData", dict(base)))
    elif ct == 24:
        hb = first(rec, "tls.heartbeat_message.type")
        if hb is None:
            out.append(("EncryptedHeartbeat", dict(base)))
        else:
            t = int_or_none(hb.get("show"))
            out.append(({1: "Heartbeat(request)", 2: "Heartbeat(response)"}.get(
                t, "Heartbeat(%s)" % t), dict(base)))
    else:
        out.append(("Record(%d)" % ct, dict(base)))
    return out


# ---------------------------------------------------------------- per-capture processing
class Stream:
    def __init__(self, idx):
        self.idx = idx
        self.raw = []            # (frame, t, src, dst, what, extra, order)
        self.syn_from = None
        self.synack_to = None
        self.ch_from = None
        self.sh_to = None
        self.first_src = None
        self.first_dst = None
        self.tls = False
        self.anom = {}


def endpoint(addr, port):
    if addr is None:
        return "?:%s" % port
    if ":" in addr:
        return "[%s]:%s" % (addr, port)
    return "%s:%s" % (addr, port)


def process_packet(pkt, streams, malformed):
    frame = t = None
    src = dst = None
    tcp = None
    tls_protos = []
    for proto in pkt:
        if proto.tag != "proto":
            continue
        name = proto.get("name")
        if name == "geninfo":
            frame = int_or_none(child_show(proto, "num"))
        elif name == "frame":
            t = child_show(proto, "frame.time_relative")
            fn = child_show(proto, "frame.number")
            if fn is not None:
                frame = int(fn)
        elif name == "ip" and tcp is None:
            src, dst = child_show(proto, "ip.src"), child_show(proto, "ip.dst")
        elif name == "ipv6" and tcp is None:
            src, dst = child_show(proto, "ipv6.src"), child_show(proto, "ipv6.dst")
        elif name == "tcp" and tcp is None:
            tcp = proto
        elif name == "tls":
            tls_protos.append(proto)
        elif name == "_ws.malformed":
            malformed.append(frame)
    if tcp is None:
        return
    sidx = int_or_none(child_show(tcp, "tcp.stream"))
    sport = child_show(tcp, "tcp.srcport")
    dport = child_show(tcp, "tcp.dstport")
    flags = int_or_none(child_show(tcp, "tcp.flags")) or 0
    s = streams.get(sidx)
    if s is None:
        s = streams[sidx] = Stream(sidx)
    a, b = endpoint(src, sport), endpoint(dst, dport)
    if s.first_src is None:
        s.first_src, s.first_dst = a, b
    retrans = False
    for f in tcp.iter("field"):
        n = f.get("name") or ""
        if n.startswith("tcp.analysis."):
            k = n[len("tcp.analysis."):]
            if k in TCP_ANOMALIES:
                s.anom[k] = s.anom.get(k, 0) + 1
                if k in ("retransmission", "fast_retransmission", "spurious_retransmission"):
                    retrans = True
    ft = float(t) if t is not None else None
    order = 0

    def add(what, extra=None):
        nonlocal order
        e = dict(extra or {})
        if retrans:
            e["retransmission"] = True
        s.raw.append((frame, ft, a, b, what, e, order))
        order += 1

    syn, ack, fin, rst = flags & 0x02, flags & 0x10, flags & 0x01, flags & 0x04
    if syn and not ack:
        add("SYN")
        if s.syn_from is None:
            s.syn_from = (a, b)
    elif syn and ack:
        add("SYN-ACK")
        if s.synack_to is None:
            s.synack_to = (b, a)
    # positions of payload that tshark keeps for a later reassembly (start of a record
    # that continues in a later segment): an empty TLS layer there is not an event
    pending = set(f.get("pos") for f in tcp if f.get("name") == "tcp.segment_data")
    for tp in tls_protos:
        kids = [c for c in tp if c.tag == "field"]
        if not any(c.get("name") == "tls.record" for c in kids):
            if not kids and tp.get("pos") in pending:
                continue
            s.tls = True
            add("ContinuationData", {"bytes": int_or_none(tp.get("size")) or 0})
        for c in kids:
            if c.get("name") == "tls.record":
                s.tls = True
                for what, extra in record_events(c):
                    if "clienthello" in extra and s.ch_from is None:
                        s.ch_from = (a, b)
                    if "hello" in extra and s.sh_to is None:
                        s.sh_to = (b, a)
                    add(what, extra)
            elif c.get("name") == "" and "Ignored Unknown Record" in (c.get("show") or ""):
                add("UnknownRecord", {"bytes": int_or_none(c.get("size")) or 0})
    if not tls_protos and not retrans:
        tlen = int_or_none(child_show(tcp, "tcp.len")) or 0
        held = any(f.get("name") == "tcp.segment_data" for f in tcp)
        if tlen > 0 and not held:
            add("Payload", {"bytes": tlen})
    if fin:
        add("FIN")
    if rst:
        add("RST")


NOT_DECRYPTABLE = ("SYN", "SYN-ACK", "FIN", "RST", "Payload", "ContinuationData",
                   "UnknownRecord", "ChangeCipherSpec", "ApplicationData")


def port_of(ep):
    try:
        return int(ep.rsplit(":", 1)[1])
    except (ValueError, IndexError, AttributeError):
        return None


def finish_stream(s, have_keys=False):
    if s.syn_from:
        client, server, by = s.syn_from[0], s.syn_from[1], "syn"
    elif s.synack_to:
        client, server, by = s.synack_to[0], s.synack_to[1], "syn-ack"
    elif s.ch_from:
        client, server, by = s.ch_from[0], s.ch_from[1], "clienthello"
    elif s.sh_to:
        client, server, by = s.sh_to[0], s.sh_to[1], "serverhello"
    else:
        client, server, by = s.first_src, s.first_dst, "first-packet"
        pa, pb = port_of(client), port_of(server)
        if pa is not None and pb is not None and pa < 1024 <= pb:
            client, server, by = server, client, "port"
        elif pa is not None and pb is not None and pb < 1024 <= pa:
            by = "port"
    events = []
    sni = version = version_hex = cipher = cipher_hex = None
    hrr = False
    n_ch = 0
    certs = []
    s.raw.sort(key=lambda r: (r[0], r[6]))
    ccs_seen = set()
    for frame, t, a, b, what, extra, _ in s.raw:
        d = "c2s" if a == client else "s2c"
        if what == "ChangeCipherSpec":
            ccs_seen.add(d)
        elif (have_keys and d in ccs_seen and what not in NOT_DECRYPTABLE
              and not what.startswith("Encrypted") and not what.startswith("SSLv2")):
            # TLS <= 1.2: a message readable after ChangeCipherSpec was decrypted with the keylog
            extra["decrypted"] = True
        ch = extra.pop("clienthello", None)
        hello = extra.pop("hello", None)
        cm = extra.pop("certs", None)
        if ch is not None:
            n_ch += 1
            if sni is None and ch.get("sni"):
                sni = ch["sni"]
        if hello is not None:
            if hello.get("hrr"):
                hrr = True
            elif version is None and version_hex is None:
                version, version_hex = hello["version"]
                cipher, cipher_hex = hello["cipher"]
        if cm is not None:
            c = {"frame": frame, "dir": d}
            c.update(cm)
            certs.append(c)
        if (what in ("ApplicationData", "Payload") and events and events[-1]["what"] == what
                and events[-1]["dir"] == d
                and events[-1].get("decrypted") == extra.get("decrypted")
                and events[-1].get("retransmission") == extra.get("retransmission")):
            last = events[-1]
            last["n"] = last.get("n", 1) + 1
            last["last_frame"] = frame
            if "bytes" in extra:
                last["bytes"] = last.get("bytes", 0) + extra["bytes"]
            continue
        ev = {"frame": frame, "t": round(t, 6) if t is not None else None, "dir": d, "what": what}
        ev.update(extra)
        events.append(ev)
    out = {"stream": s.idx, "client": client, "server": server, "client_by": by,
           "tls": s.tls, "events": events, "sni": sni, "version": version,
           "version_hex": version_hex, "cipher": cipher, "cipher_hex": cipher_hex,
           "hrr": hrr, "client_hellos": n_ch, "certs": certs,
           "tcp_anomalies": dict(sorted(s.anom.items()))}
    return out


def run_one(rel, version):
    args = tshark_args(rel)
    t0 = time.time()
    proc = subprocess.Popen(["tshark"] + args, cwd=HERE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    streams = {}
    malformed = []
    n = 0
    try:
        for ev, elem in ET.iterparse(proc.stdout, events=("end",)):
            if elem.tag == "packet":
                n += 1
                process_packet(elem, streams, malformed)
                elem.clear()
    except ET.ParseError as e:
        pass
    err = proc.stderr.read().decode("utf-8", "replace")
    rc = proc.wait()
    dt = time.time() - t0
    result = {
        "capture": rel,
        "tshark": version,
        "tshark_args": args,
        "keylog": KEYLOGS.get(rel),
        "tcp_frames": n,
        "malformed_frames": sorted(set(x for x in malformed if x is not None)),
        "streams": [finish_stream(streams[k], have_keys=bool(KEYLOGS.get(rel)))
                    for k in sorted(streams, key=lambda x: (x is None, x))],
    }
    errs = [l for l in err.splitlines() if l.strip() and "Running as user" not in l]
    if rc != 0 or errs:
        result["tshark_stderr"] = errs[:20]
        result["tshark_rc"] = rc
    return result, dt


def dump(result):
    """JSON with one event per line (keeps files readable and diffs small)."""
    lines = ["{"]
    top = [k for k in result if k != "streams"]
    for k in top:
        lines.append(" %s: %s," % (json.dumps(k), json.dumps(result[k], ensure_ascii=False)))
    lines.append(' "streams": [')
    for i, s in enumerate(result["streams"]):
        lines.append("  {")
        keys = list(s.keys())
        for j, k in enumerate(keys):
            comma = "," if j < len(keys) - 1 else ""
            if k in ("events", "certs") and s[k]:
                lines.append("   %s: [" % json.dumps(k))
                for m, e in enumerate(s[k]):
                    c2 = "," if m < len(s[k]) - 1 else ""
                    lines.append("    %s%s" % (json.dumps(e, ensure_ascii=False), c2))
                lines.append("   ]%s" % comma)
            else:
                lines.append("   %s: %s%s" % (json.dumps(k), json.dumps(s[k], ensure_ascii=False), comma))
        lines.append("  }%s" % ("," if i < len(result["streams"]) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", help="captures, relative to this folder")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    caps = [os.path.relpath(os.path.abspath(f), HERE) if os.path.exists(f) else f
            for f in a.files] if a.files else find_captures()
    caps = [c for c in caps if c not in OUT_OF_SCOPE]
    if a.check:
        for c in caps:
            print(c, KEYLOGS.get(c) or "", " ".join(DECODE_AS.get(c, [])))
        print(len(caps), "captures", file=sys.stderr)
        return
    version = tshark_version()
    t0 = time.time()
    total_tshark = 0.0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run_one, c, version): c for c in caps}
        for fut in concurrent.futures.as_completed(futs):
            c = futs[fut]
            result, dt = fut.result()
            total_tshark += dt
            with open(os.path.join(HERE, c + ".oracle.json"), "w", encoding="utf-8") as f:
                f.write(dump(result))
            ntls = sum(1 for s in result["streams"] if s["tls"])
            print("%7.2fs %4d streams %4d tls  %s" % (dt, len(result["streams"]), ntls, c),
                  flush=True)
    wall = time.time() - t0
    print("captures: %d  wall: %.1fs  sum of per-capture tshark+parse time: %.1fs  jobs: %d"
          % (len(caps), wall, total_tshark, a.jobs))


if __name__ == "__main__":
    main()
