#!/usr/bin/env bash
# oracle.sh CAPTURE [KEYLOG] [PROTO]
#
# Independent ground truth for tlsdiag's tests: what tshark (not tlsdiag) sees in
# a capture, one line per TCP connection, tab-separated, with a header line:
#
#   conn client server tls_version alert alert_level alert_dir alert_frame
#   rst_dir rst_frame synack events
#
# conn        1-based, in order of first packet (not tcp.stream: a dissector such
#             as SOCKS opens streams of its own, which leave holes in those numbers)
# client      ip:port that sent the first SYN (else the first packet's sender)
# tls_version from the ServerHello (supported_versions, else legacy version);
#             with no ServerHello, the highest version the ClientHello offered;
#             "-" when no hello was seen
# alert       the first fatal alert, else the first other alert that is not
#             close_notify, RFC name, decrypted with KEYLOG when given (TLS 1.3
#             alerts are encrypted); close_notify shows in events only
# alert_dir / rst_dir   c2s or s2c (first alert as above / first RST), "-" if none
# synack      yes if the SYN was answered by SYN-ACK
# events      compact list of what each direction sent: handshake messages,
#             CCS, Alert(name), App (application data), Enc (a TLS 1.3 record
#             that could not be decrypted), data (TCP payload that tshark did
#             not decode as TLS), SYN, SYN-ACK, RST, FIN; ">" client to server,
#             "<" server to client, "xN" N packets in a row alike
#
# PROTO (default tls) is what the server ports are decoded as: tls, smtp
# (STARTTLS), pgsql (SSLRequest) or openvpn; non-standard ports need it.
# openvpn:tls_auth=N: OpenVPN whose control packets carry an N-byte
# tls-auth HMAC (tshark does not guess its size).
set -euo pipefail
f=$1; keys=${2:-}; proto=${3:-tls}
[ "$keys" = "-" ] && keys=
opts=(-n -r "$f")
case $proto in
openvpn:tls_auth=*)
  opts+=(-o openvpn.tls_auth_detection_override:TRUE -o openvpn.tls_auth:TRUE
    -o "openvpn.tls_auth_hmac_size:${proto#openvpn:tls_auth=}")
  proto=openvpn ;;
esac
[ -n "$keys" ] && [ -s "$keys" ] && opts+=(-o "tls.keylog_file:$keys")
exec 3>&2 2> >(grep -v '^Running as user' >&3)
for p in $(tshark -n -r "$f" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e tcp.dstport | sort -un); do
  opts+=(-d "tcp.port==$p,$proto")
done
tshark "${opts[@]}" -Y tcp -T fields -E separator=/t -E occurrence=a -E aggregator=, \
  -e frame.number -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
  -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset -e tcp.flags.fin -e tcp.len \
  -e tls.record.content_type -e tls.handshake.type -e tls.handshake.version \
  -e tls.handshake.extensions.supported_version \
  -e tls.alert_message.level -e tls.alert_message.desc -e tls.record.length |
awk -F'\t' '
function b(x) { return (x == "1" || x == "True" || x == "true") }
function vname(v) { v = tolower(v); if (v == "0x0304") return "TLS1.3"; if (v == "0x0303") return "TLS1.2";
  if (v == "0x0302") return "TLS1.1"; if (v == "0x0301") return "TLS1.0"; if (v == "0x0300") return "SSL3"; return v }
function vnum(v) { v = tolower(v); sub(/^0x/, "", v); return (index("0123456789abcdef", substr(v,1,1))-1)*4096 + (index("0123456789abcdef", substr(v,2,1))-1)*256 + (index("0123456789abcdef", substr(v,3,1))-1)*16 + (index("0123456789abcdef", substr(v,4,1))-1) }
function add(s, t) { ev[s] = ev[s] (ev[s] == "" ? "" : " ") t }
BEGIN {
  split("1:warning 2:fatal", a, " "); for (i in a) { split(a[i], kv, ":"); lvl[kv[1]] = kv[2] }
  n = split("0:close_notify 10:unexpected_message 20:bad_record_mac 21:decryption_failed 22:record_overflow 30:decompression_failure 40:handshake_failure 41:no_certificate 42:bad_certificate 43:unsupported_certificate 44:certificate_revoked 45:certificate_expired 46:certificate_unknown 47:illegal_parameter 48:unknown_ca 49:access_denied 50:decode_error 51:decrypt_error 60:export_restriction 70:protocol_version 71:insufficient_security 80:internal_error 86:inappropriate_fallback 90:user_canceled 100:no_renegotiation 109:missing_extension 110:unsupported_extension 111:certificate_unobtainable 112:unrecognized_name 113:bad_certificate_status_response 114:bad_certificate_hash_value 115:unknown_psk_identity 116:certificate_required 120:no_application_protocol", a, " ")
  for (i = 1; i <= n; i++) { split(a[i], kv, ":"); an[kv[1]] = kv[2] }
  n = split("0:HelloRequest 1:CH 2:SH 4:NST 5:EOED 8:EE 11:CT 12:SKE 13:CR 14:SHD 15:CV 16:CKE 20:FIN 24:KU 254:MH", a, " ")
  for (i = 1; i <= n; i++) { split(a[i], kv, ":"); hn[kv[1]] = kv[2] }
}
{
  fr = $1; s = $2; src = ($3 != "" ? $3 : "[" $4 "]") ":" $5
  if (!(s in seen)) { seen[s] = 1; order[++ns] = s; first[s] = src }
  if (b($9) && !b($10) && !(s in cli)) { cli[s] = src; srv[s] = ($6 != "" ? $6 : "[" $7 "]") ":" $8 }
  if (b($9) && b($10)) { synack[s] = "yes"; srv[s] = src }
  c = (s in cli) ? cli[s] : first[s]
  d = (src == c) ? "c2s" : "s2c"
  if (d == "s2c" && !(s in srv)) srv[s] = src
  t = ""
  nc = split($14, ct, ","); nh = split($15, ht, ","); hi = 1
  na = split($18, al, ","); split($19, ad, ","); ai = 1
  nv = split($16, hv, ","); nsv = split($17, sv, ",")
  for (i = 1; i <= nh; i++) {
    if (ht[i] == "1" && d == "c2s") { best = ""; for (j = 1; j <= nsv; j++) { v = tolower(sv[j]); if (v ~ /^0x[0-9a-f]a[0-9a-f]a$/) continue; if (best == "" || vnum(v) > vnum(best)) best = v }
      if (best == "") best = hv[1]; chv[s] = best }
    if (ht[i] == "2" && d == "s2c") { shv[s] = (nsv >= 1 && sv[1] != "") ? sv[1] : hv[1] }
  }
  for (i = 1; i <= nc; i++) {
    if (ct[i] == "22") { if (hi <= nh) { t = t (t == "" ? "" : ",") (ht[hi] in hn ? hn[ht[hi]] : "HS" ht[hi]); hi++ } else t = t (t == "" ? "" : ",") "HS?" }
    else if (ct[i] == "20") t = t (t == "" ? "" : ",") "CCS"
    else if (ct[i] == "21") { nm = (ai <= na && (ad[ai] in an)) ? an[ad[ai]] : (ai <= na ? ad[ai] : "encrypted"); t = t (t == "" ? "" : ",") "Alert(" nm ")"; ai++ }
    else if (ct[i] == "23") t = t (t == "" ? "" : ",") "App"
  }
  nr = ($20 == "" ? 0 : split($20, rl, ","))
  for (i = nc + 1; i <= nr; i++) t = t (t == "" ? "" : ",") "Enc"
  while (hi <= nh) { t = t (t == "" ? "" : ",") (ht[hi] in hn ? hn[ht[hi]] : "HS" ht[hi]); hi++ }
  for (i = 1; i <= na; i++) {
    nm = (ad[i] in an) ? an[ad[i]] : "desc" ad[i]
    if (ad[i] == "0") continue    # close_notify is a normal close, not an alert worth a column (and its sender is racy)
    if (!(s in alert) || (al[i] == "2" && alvl[s] != "fatal")) { alert[s] = nm; alvl[s] = (al[i] in lvl ? lvl[al[i]] : al[i]); adir[s] = d; afr[s] = fr }
  }
  if (b($9) && !b($10)) t = "SYN"
  else if (b($9)) t = "SYN-ACK"
  if (b($11)) { t = t (t == "" ? "" : ",") "RST"; if (!(s in rdir)) { rdir[s] = d; rfr[s] = fr } }
  if (b($12)) t = t (t == "" ? "" : ",") "FIN"
  if (t == "" && $13 + 0 > 0) t = "data"
  if (t != "") {
    if (last[s] == d && t == lastt[s]) { cnt[s]++ } else { if (cnt[s] > 1) ev[s] = ev[s] "x" cnt[s]; add(s, (d == "c2s" ? ">" : "<") t); cnt[s] = 1 }
    last[s] = d; lastt[s] = t
  }
}
END {
  print "conn\tclient\tserver\ttls_version\talert\talert_level\talert_dir\talert_frame\trst_dir\trst_frame\tsynack\tevents"
  for (k = 1; k <= ns; k++) {
    s = order[k]; c = (s in cli) ? cli[s] : first[s]
    if (cnt[s] > 1) ev[s] = ev[s] "x" cnt[s]
    v = (s in shv) ? vname(shv[s]) : ((s in chv) ? vname(chv[s]) : "-")
    printf "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, c, (s in srv ? srv[s] : "-"), v,
      (s in alert ? alert[s] : "-"), (s in alvl ? alvl[s] : "-"), (s in adir ? adir[s] : "-"), (s in afr ? afr[s] : "-"),
      (s in rdir ? rdir[s] : "-"), (s in rfr ? rfr[s] : "-"), (s in synack ? "yes" : "no"), ev[s]
  }
}'
