#!/usr/bin/env bash
# make-captures.sh - regenerate tlsdiag's reference captures.
#
#   sudo bash pcaps/make-captures.sh          (Debian 12, as root)
#
# Builds a throwaway PKI (copied to pcaps/pki/), then records real TLS
# scenarios with tcpdump: pcaps/<name>.pcap plus the client's key log
# pcaps/<name>.keys, and writes pcaps/expected.tsv and pcaps/README.md from
# what tshark sees in each capture (pcaps/tools/oracle.sh).
#
# Traffic stays on this machine: every server binds 127.0.0.1 or ::1, except
# in the network namespaces this script creates (tlsdiag-cap, tlsdiag-a,
# tlsdiag-b, tlsdiag-pre), which it removes on exit. Needs: openssl 3, curl, python3,
# tcpdump, tshark, editcap, nft, iproute2 (ip, tc, ss); clang for the VLAN
# captures (skipped without it); PostgreSQL 15 server for starttls-postgres
# and pg-ssl-refused, dante-server (danted) for socks5, xvfb-run and
# xfreerdp (freerdp2-x11) for the real RDP client in rdp (a Python client
# stands in without them), nmap and testssl.sh for scan-nmap-ccs and
# scan-testssl, chromium and certutil (libnss3-tools) for chromium-*,
# openvpn for openvpn-*, java, javac and keytool (a JDK) for java-* (each
# skipped without it).
#
# Environment: KEEP=1 keeps the temporary directory (logs). ONLY="name1 name2" records just those scenarios (the PKI is
# then reused from pcaps/pki/ if present) and leaves expected.tsv rows of the
# other captures alone.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=$HERE/tools
OUT=$HERE
WORK=$(mktemp -d /tmp/tlsdiag-captures.XXXXXX)
chmod 755 "$WORK"
LOG=$WORK/log
mkdir -p "$LOG"
PKI=$WORK/pki
REG=$WORK/registry.tsv
: >"$REG"
ONLY=${ONLY:-}
NS_CAP=tlsdiag-cap
NS_A=tlsdiag-a
NS_B=tlsdiag-b
NS_PRE=tlsdiag-pre
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
SRV_PIDS=()
CAP_PID=
PGDATA=
FAILS=0

say() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
warn() { say "WARNING: $*"; FAILS=$((FAILS + 1)); }

cleanup() {
	local p
	[ -n "$CAP_PID" ] && kill -INT "$CAP_PID" 2>/dev/null
	for p in "${SRV_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$PGDATA" ] && [ -d "$PGDATA" ] &&
		timeout 20 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
	wait 2>/dev/null
	for p in "$NS_CAP" "$NS_A" "$NS_B" "$NS_PRE"; do ip netns del "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "run as root (tcpdump, netns)" >&2; exit 1; }
for t in openssl curl python3 tcpdump tshark editcap nft ip tc ss timeout; do
	command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

# ---------------------------------------------------------------- processes

# bg LOGNAME CMD... : start a server in the background, remember its pid
bg() {
	local log=$LOG/$1.log
	shift
	"$@" >>"$log" 2>&1 </dev/null &
	SRV_PIDS+=($!)
}

stop_servers() {
	local p
	for p in "${SRV_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${SRV_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	SRV_PIDS=()
}

# wait_port PORT [NETNS] : wait until something listens on TCP PORT
wait_port() {
	local i pre=()
	[ -n "${2:-}" ] && pre=(ip netns exec "$2")
	for i in $(seq 100); do
		"${pre[@]}" ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	warn "nothing listens on port $1"
	return 1
}

# cap_start NAME FILTER [NETNS] [IFACE] [TCPDUMP ARGS...]
# Starts tcpdump writing pcaps/NAME.pcap and returns once it really captures.
# --immediate-mode matters: with the default TPACKET_V3 ring, packets sit in
# a block until it fills or its 1 s timeout expires, and tcpdump stopped by
# SIGINT before that loses them (short captures came out empty).
cap_start() {
	local name=$1 filter=$2 ns=${3:-} ifc=${4:-lo} i pre=()
	shift $(($# < 4 ? $# : 4))
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	CAP_NAME=$name
	rm -f "$OUT/$name.pcap"
	"${pre[@]}" timeout 120 tcpdump -i "$ifc" -U --immediate-mode -s 0 -nn "$@" -w "$OUT/$name.pcap" $filter \
		2>"$LOG/$name.tcpdump" &
	CAP_PID=$!
	for i in $(seq 100); do
		grep -q 'listening on' "$LOG/$name.tcpdump" && break
		sleep 0.1
	done
	grep -q 'listening on' "$LOG/$name.tcpdump" || warn "$name: tcpdump did not start"
	sleep 0.3
}

cap_stop() {
	sleep 0.7
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
	local got
	got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$LOG/$CAP_NAME.tcpdump")
	say "$CAP_NAME: ${got:-?} packets, $(stat -c %s "$OUT/$CAP_NAME.pcap" 2>/dev/null || echo 0) bytes"
}

# register FILE KEYS PROTO NCONN RULES DESC
#  FILE   capture file name under pcaps/
#  KEYS   key log file name under pcaps/, or -
#  PROTO  what the server ports are decoded as (tls, smtp, pgsql)
#  NCONN  number of TCP connections the capture must hold (N+: at least N,
#         where a browser decides how many to open)
#  RULES  expected verdict per connection: "SEL:CODE:NOTE|..." checked in
#         order; SEL is PORT/ALERT (* matches anything; PORT is the server
#         port, ALERT the alert column of tools/oracle.sh, - for none) or
#         #CONN (the connection's number in the capture)
#  DESC   how it was made (README)
register() {
	# a key log without any secret (handshake failed before keys existed) is dropped
	if [ "$2" != - ] && ! grep -q '^[A-Z_0-9]* [0-9a-fA-F]' "$OUT/$2" 2>/dev/null; then
		rm -f "$OUT/$2"
		set -- "$1" - "${@:3}"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$REG"
}

keys_fresh() { rm -f "$OUT/$1.keys"; }

# ---------------------------------------------------------------- PKI

make_pki() {
	# tools/mkpki.sh, the generator of tests/certs/ too, from this table
	# (columns and extension profiles described there). Roots as openssl
	# req -x509 made them: random serial, 20 years; the rest 10 years.
	mkdir -p "$PKI"
	sh "$TOOLS/mkpki.sh" "$PKI" crt+key 2>>"$LOG/pki.log" <<'TABLE' ||
# name              subject                                 key issuer         profile          serial start end
rootCA              "/O=LMT Corp/CN=rootCA"                  rsa self           v3_root          random now +7300
intermediateCA      "/O=LMT Corp/CN=intermediateCA"          rsa rootCA         v3_inter         1000   now +3650
server              "/O=LMT Corp/CN=tls-server.local"        rsa intermediateCA v3_server        1001   now +3650
server-expired      "/O=LMT Corp/CN=tls-server.local"        rsa intermediateCA v3_server        1002   20200101000000Z 20210101000000Z
server-other        "/O=LMT Corp/CN=other.local"             rsa intermediateCA v3_server_other  1003   now +3650
clientCA            "/O=LMT Corp/CN=clientCA"                ec  self           v3_root          random now +7300
client              "/O=LMT Corp/CN=tls-client"              ec  clientCA       v3_client        1004   now +3650
client-expired      "/O=LMT Corp/CN=tls-client-expired"      ec  clientCA       v3_client        1005   20200101000000Z 20210101000000Z
client-noclientauth "/O=LMT Corp/CN=tls-client-noclientauth" ec  clientCA       v3_client_noauth 1006   now +3650
rogueCA             "/CN=rogueCA"                            rsa self           v3_root          random now +7300
rogue-client        "/O=Rogue/CN=rogue-client"               rsa rogueCA        v3_client        1007   now +3650
TABLE
		{ echo "tools/mkpki.sh failed: $(tail -3 "$LOG/pki.log")" >&2; exit 1; }
	local s
	for s in server server-expired server-other; do
		cat "$PKI/$s.crt" "$PKI/intermediateCA.crt" >"$PKI/$s-chain.crt"
	done
	rm -rf "$OUT/pki"
	mkdir -p "$OUT/pki"
	cp "$PKI"/*.crt "$PKI"/*.key "$OUT/pki/"
	say "PKI: $(ls "$OUT/pki" | wc -l) files in pcaps/pki"
}

if [ -n "$ONLY" ] && [ -f "$OUT/pki/server.crt" ]; then
	mkdir -p "$PKI" && cp "$OUT/pki"/* "$PKI/"
else
	make_pki
fi

# A leaf for tls-server.local issued directly by rogueCA, a root, with no
# intermediate (added after the PKI above: made from the committed rogueCA
# key when missing, so the other certificates stay as they are).
if [ ! -f "$PKI/server-rogue.crt" ]; then
	echo 'server-rogue "/O=Rogue/CN=tls-server.local" rsa rogueCA v3_server 2001 now +3650' |
		sh "$TOOLS/mkpki.sh" "$PKI" crt+key 2>>"$LOG/pki.log" ||
		{ echo "tools/mkpki.sh failed for server-rogue" >&2; exit 1; }
	cp "$PKI"/server-rogue.* "$OUT/pki/"
fi

# ---------------------------------------------------------------- helpers

SERVER=(-cert "$PKI/server.crt" -key "$PKI/server.key" -cert_chain "$PKI/intermediateCA.crt")
MTLS=(-Verify 10 -verify_return_error -CAfile "$PKI/clientCA.crt")
HTTPREQ='GET /ok.txt HTTP/1.0\r\nHost: tls-server.local\r\n\r\n'
# s_server -WWW serves files from its working directory: a tiny page keeps
# the captures small (-www would send a 4 KB status page)
mkdir -p "$WORK/www" && echo "hello from tls-server.local" >"$WORK/www/ok.txt"

# srv NAME HOST:PORT ARGS... : openssl s_server answering HTTP GET /ok.txt (-WWW)
srv() {
	local name=$1 hp=$2
	shift 2
	bg "$name.server" env -C "$WORK/www" timeout 60 openssl s_server -accept "$hp" -WWW "$@"
}

# cl NAME PORT ARGS... : curl https://tls-server.local:PORT/ -> 127.0.0.1, key log pcaps/NAME.keys
cl() {
	local name=$1 port=$2
	shift 2
	SSLKEYLOGFILE=$OUT/$name.keys timeout 10 curl -sS -o /dev/null -w "%{http_code}\n" --max-time 8 \
		--resolve "tls-server.local:$port:127.0.0.1" --cacert "$PKI/rootCA.crt" "$@" \
		"https://tls-server.local:$port/ok.txt" >>"$LOG/$name.client" 2>&1
	echo "curl exit $?" >>"$LOG/$name.client"
}

# sc NAME PORT ARGS... : openssl s_client to 127.0.0.1:PORT, SNI tls-server.local, HTTP request on stdin
sc() {
	local name=$1 port=$2
	shift 2
	printf "$HTTPREQ" | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername tls-server.local \
		-CAfile "$PKI/rootCA.crt" -keylogfile "$OUT/$name.keys" -ign_eof "$@" >>"$LOG/$name.client" 2>&1
	echo "s_client exit $?" >>"$LOG/$name.client"
}

vargs() { [ "$1" = 12 ] && echo -tls1_2 || echo -tls1_3; }

PORT=14400
nextport() { PORT=$((PORT + 1)); }

# run_simple NAME PORT SERVER_ARGS -- CLIENT(cl|sc) CLIENT_ARGS...
# One s_server, one client connection, one capture.
run_simple() {
	local name=$1 port=$2
	shift 2
	local sargs=()
	while [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	local client=$1
	shift
	keys_fresh "$name"
	srv "$name" "127.0.0.1:$port" "${sargs[@]}"
	wait_port "$port"
	cap_start "$name" "tcp port $port"
	"$client" "$name" "$port" "$@"
	cap_stop
	stop_servers
}

# ---------------------------------------------------------------- scenarios

for v in 12 13; do
	V=TLS1.${v#1}
	tv=$(vargs $v)

	nextport; n=tls$v-ok
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" -- cl
		register $n.pcap $n.keys tls 1 "*/*:ok:one-way TLS, HTTP GET answered" \
			"openssl s_server $tv -WWW (chain leaf+intermediate); curl --cacert rootCA https://tls-server.local:PORT/ok.txt"
	fi

	nextport; n=tls$v-mtls-ok
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" "${MTLS[@]}" -- cl --cert "$PKI/client.crt" --key "$PKI/client.key"
		register $n.pcap $n.keys tls 1 "*/*:ok:mutual TLS, client cert CN=tls-client" \
			"s_server $tv -Verify 10 -verify_return_error -CAfile clientCA; curl --cert client.crt"
	fi

	nextport; n=tls$v-resume
	if want $n; then
		keys_fresh $n
		extra=()
		[ $v = 12 ] && extra=(-no_ticket)   # TLS 1.2: classic session-ID resumption
		srv $n 127.0.0.1:$PORT $tv "${SERVER[@]}" "${extra[@]}"
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		sc $n $PORT -sess_out "$WORK/$n.sess"
		sleep 0.3
		sc $n $PORT -sess_in "$WORK/$n.sess"
		cap_stop
		stop_servers
		grep -q '^Reused' "$LOG/$n.client" || warn "$n: second connection not resumed"
		if [ $v = 12 ]; then
			register $n.pcap $n.keys tls 2 "*/*:ok:full handshake, session ID stored (server -no_ticket)" \
				"s_server -tls1_2 -no_ticket; s_client -sess_out, then s_client -sess_in (same session ID: abbreviated handshake)"
		else
			register $n.pcap $n.keys tls 2 "*/*:ok:full handshake then PSK resumption from the NewSessionTicket" \
				"s_server -tls1_3; s_client -sess_out, then s_client -sess_in (pre_shared_key resumption)"
		fi
	fi

	nextport; n=tls$v-cipher-mismatch
	if want $n; then
		if [ $v = 12 ]; then
			run_simple $n $PORT -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384 "${SERVER[@]}" -- \
				sc -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
			d="s_server -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384; s_client -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
		else
			run_simple $n $PORT -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384 "${SERVER[@]}" -- \
				sc -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
			d="s_server -tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384; s_client -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256"
		fi
		register $n.pcap $n.keys tls 1 "*/*:cipher_mismatch:no common cipher suite" "$d"
	fi

	nextport; n=tls$v-untrusted-ca
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" -- cl --cacert "$PKI/rogueCA.crt"
		register $n.pcap $n.keys tls 1 "*/*:server_cert_untrusted:client trusts only rogueCA" \
			"s_server $tv with the normal chain; curl --cacert rogueCA.crt"
	fi

	nextport; n=tls$v-name-mismatch
	if want $n; then
		run_simple $n $PORT $tv -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" \
			-cert_chain "$PKI/intermediateCA.crt" -- sc -verify_hostname tls-server.local -verify_return_error
		register $n.pcap $n.keys tls 1 "*/*:server_cert_name_mismatch:cert is for other.local, SNI tls-server.local" \
			"s_server $tv -cert server-other (CN/SAN other.local); s_client -servername tls-server.local -verify_hostname tls-server.local -verify_return_error"
	fi

	# curl (7.88, OpenSSL backend) checks the host name itself after the
	# handshake: the handshake completes, then curl sends close_notify.
	nextport; n=tls$v-name-mismatch-curl
	if want $n; then
		run_simple $n $PORT $tv -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" \
			-cert_chain "$PKI/intermediateCA.crt" -- cl
		register $n.pcap $n.keys tls 1 "*/*:server_cert_name_mismatch:handshake completes; curl then closes (close_notify) because the cert is for other.local" \
			"s_server $tv -cert server-other (CN/SAN other.local); curl https://tls-server.local (curl checks the name after the handshake)"
	fi

	nextport; n=tls$v-server-expired
	if want $n; then
		run_simple $n $PORT $tv -cert "$PKI/server-expired.crt" -key "$PKI/server-expired.key" \
			-cert_chain "$PKI/intermediateCA.crt" -- cl
		register $n.pcap $n.keys tls 1 "*/*:server_cert_expired:server cert valid 2020-01-01..2021-01-01" \
			"s_server $tv -cert server-expired; curl --cacert rootCA"
	fi

	nextport; n=tls$v-missing-intermediate
	if want $n; then
		run_simple $n $PORT $tv -cert "$PKI/server.crt" -key "$PKI/server.key" -- cl
		register $n.pcap $n.keys tls 1 "*/*:server_cert_untrusted:server sends leaf only, client has rootCA only" \
			"s_server $tv without -cert_chain; curl --cacert rootCA"
	fi

	# The leaf is issued by a root the client does not trust, with no
	# intermediate: an untrusted root, not a missing intermediate.
	nextport; n=tls$v-direct-untrusted-root
	if want $n; then
		run_simple $n $PORT $tv -cert "$PKI/server-rogue.crt" -key "$PKI/server-rogue.key" -- cl
		register $n.pcap $n.keys tls 1 "*/*:server_cert_untrusted:leaf issued directly by rogueCA (a root), client trusts rootCA only" \
			"s_server $tv -cert server-rogue.crt (issued by the root rogueCA, no intermediate); curl --cacert rootCA"
	fi

	nextport; n=tls$v-client-cert-missing
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" "${MTLS[@]}" -- cl
		register $n.pcap $n.keys tls 1 "*/*:client_cert_missing:server requires a client cert, client has none" \
			"s_server $tv -Verify 10 -verify_return_error -CAfile clientCA; curl without --cert"
	fi

	nextport; n=tls$v-client-cert-untrusted
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" "${MTLS[@]}" -- cl --cert "$PKI/rogue-client.crt" --key "$PKI/rogue-client.key"
		register $n.pcap $n.keys tls 1 "*/*:client_cert_untrusted:client cert issued by rogueCA" \
			"s_server $tv -Verify 10 -verify_return_error -CAfile clientCA; curl --cert rogue-client.crt"
	fi

	nextport; n=tls$v-client-cert-expired
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" "${MTLS[@]}" -- cl --cert "$PKI/client-expired.crt" --key "$PKI/client-expired.key"
		register $n.pcap $n.keys tls 1 "*/*:client_cert_expired:client cert valid 2020-01-01..2021-01-01" \
			"s_server $tv -Verify 10 -verify_return_error -CAfile clientCA; curl --cert client-expired.crt"
	fi

	nextport; n=tls$v-client-cert-no-clientauth
	if want $n; then
		run_simple $n $PORT $tv "${SERVER[@]}" "${MTLS[@]}" -- cl --cert "$PKI/client-noclientauth.crt" --key "$PKI/client-noclientauth.key"
		register $n.pcap $n.keys tls 1 "*/*:client_cert_rejected:client cert EKU is serverAuth only" \
			"s_server $tv -Verify 10 -verify_return_error -CAfile clientCA; curl --cert client-noclientauth.crt"
	fi

	nextport; n=tls$v-client-cert-reset
	if want $n; then
		keys_fresh $n
		up=$((PORT + 100))
		srv $n 127.0.0.1:$up $tv "${SERVER[@]}" "${MTLS[@]}"
		wait_port $up
		bg $n.relay timeout 60 python3 -u "$TOOLS/reset-relay.py" 127.0.0.1 $PORT 127.0.0.1 $up 1
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		cl $n $PORT --cert "$PKI/client.crt" --key "$PKI/client.key"
		cap_stop
		stop_servers
		grep -q 'reset' "$LOG/$n.relay.log" || warn "$n: relay did not reset"
		register $n.pcap $n.keys tls 1 "*/*:client_cert_reset:RST right after the client's Certificate, no alert" \
			"tools/reset-relay.py on the captured port in front of s_server $tv -Verify (port $up, not captured); curl --cert client.crt"
	fi

	nextport; n=tls$v-client-aborts
	if want $n; then
		keys_fresh $n
		srv $n 127.0.0.1:$PORT $tv "${SERVER[@]}"
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		timeout 10 python3 "$TOOLS/abort-client.py" 127.0.0.1 $PORT tls-server.local "$PKI/rootCA.crt" 1.${v#1} \
			"$OUT/$n.keys" >>"$LOG/$n.client" 2>&1
		cap_stop
		stop_servers
		register $n.pcap $n.keys tls 1 "*/*:client_aborted:client FIN after the server flight, no alert" \
			"s_server $tv; tools/abort-client.py (Python ssl over memory BIOs: reads the server flight, verifies it, sends FIN instead of its next flight)"
	fi
done

nextport; n=tls13-hrr
if want $n; then
	run_simple $n $PORT -tls1_3 -groups X25519 "${SERVER[@]}" -- sc -groups P-256:X25519
	register $n.pcap $n.keys tls 1 "*/*:ok:HelloRetryRequest for X25519, then full handshake" \
		"s_server -tls1_3 -groups X25519; s_client -groups P-256:X25519 (key share for P-256 only)"
fi

nextport; n=version-mismatch
if want $n; then
	run_simple $n $PORT -tls1_3 "${SERVER[@]}" -- cl --tls-max 1.2
	register $n.pcap $n.keys tls 1 "*/*:version_mismatch:client max TLS 1.2, server TLS 1.3 only" \
		"s_server -tls1_3; curl --tls-max 1.2"
fi

nextport; n=tcp-refused
if want $n; then
	cap_start $n "tcp port $PORT"
	timeout 10 curl -sS --max-time 5 "https://127.0.0.1:$PORT/" >>"$LOG/$n.client" 2>&1
	cap_stop
	register $n.pcap - tls 1 "*/*:tcp_refused:nothing listens on the port" \
		"no server; curl https://127.0.0.1:$PORT/"
fi

nextport; n=tcp-no-answer
if want $n; then
	ip netns del $NS_CAP 2>/dev/null
	ip netns add $NS_CAP && ip -n $NS_CAP link set lo up
	# inside our own namespace only: drop SYNs to the port at the input hook
	ip netns exec $NS_CAP nft -f - <<EOF
table inet tlsdiag {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $PORT tcp flags & (syn | ack) == syn drop
	}
}
EOF
	cap_start $n "tcp port $PORT" $NS_CAP lo
	ip netns exec $NS_CAP timeout 10 curl -sS --connect-timeout 3 "https://127.0.0.1:$PORT/" >>"$LOG/$n.client" 2>&1
	cap_stop
	ip netns del $NS_CAP
	register $n.pcap - tls 1 "*/*:tcp_no_answer:SYNs dropped by nft in the namespace" \
		"inside netns $NS_CAP: nft drops SYNs to the port on lo; curl --connect-timeout 3 https://127.0.0.1:$PORT/ (tcpdump in the netns)"
fi

nextport; n=http-to-tls-port
if want $n; then
	srv $n 127.0.0.1:$PORT -tls1_3 "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	timeout 10 curl -sS --max-time 5 "http://127.0.0.1:$PORT/" >>"$LOG/$n.client" 2>&1
	cap_stop
	stop_servers
	register $n.pcap - tls 1 "*/*:not_tls:client speaks plain HTTP to a TLS server, which closes without an alert" \
		"s_server -WWW; curl http://127.0.0.1:$PORT/"
fi

nextport; n=tls-to-http-port
if want $n; then
	keys_fresh $n
	bg $n.server timeout 60 python3 -m http.server --bind 127.0.0.1 --directory "$WORK" $PORT
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	cl $n $PORT
	cap_stop
	stop_servers
	[ -s "$OUT/$n.keys" ] || rm -f "$OUT/$n.keys"
	register $n.pcap - tls 1 "*/*:not_tls:client sends a ClientHello, server answers HTTP 400" \
		"python3 -m http.server --bind 127.0.0.1; curl https://tls-server.local:$PORT/"
fi

nextport; n=starttls-smtp
if want $n; then
	keys_fresh $n
	bg $n.server timeout 60 python3 "$TOOLS/smtp-starttls.py" 127.0.0.1 $PORT "$PKI/server-chain.crt" "$PKI/server.key" 1
	wait_port $PORT
	printf 'Subject: tlsdiag\r\n\r\nhello over STARTTLS\r\n' >"$WORK/mail.txt"
	cap_start $n "tcp port $PORT"
	SSLKEYLOGFILE=$OUT/$n.keys timeout 10 curl -sS --max-time 8 --ssl-reqd \
		--resolve "tls-server.local:$PORT:127.0.0.1" --cacert "$PKI/rootCA.crt" \
		--mail-from alice@tls-client.local --mail-rcpt bob@tls-server.local -T "$WORK/mail.txt" \
		"smtp://tls-server.local:$PORT/tls-client.local" >>"$LOG/$n.client" 2>&1
	echo "curl exit $?" >>"$LOG/$n.client"
	cap_stop
	stop_servers
	register $n.pcap $n.keys smtp 1 "*/*:ok:SMTP EHLO, STARTTLS, TLS handshake, mail sent over TLS" \
		"tools/smtp-starttls.py (Python ssl); curl --ssl-reqd smtp:// (decode with -d tcp.port==$PORT,smtp)"
fi

nextport; n=starttls-postgres
if want $n; then
	if [ -n "$PGBIN" ] && [ -x "$PGBIN/postgres" ] && id postgres >/dev/null 2>&1; then
		keys_fresh $n
		PGDATA=$WORK/pg/data
		mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
		timeout 60 runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >"$LOG/$n.initdb" 2>&1
		cp "$PKI/server-chain.crt" "$PGDATA/server.crt"
		cp "$PKI/server.key" "$PGDATA/server.key"
		chown postgres "$PGDATA/server.crt" "$PGDATA/server.key" && chmod 600 "$PGDATA/server.key"
		timeout 30 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 20 -l "$WORK/pg/server.log" \
			-o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$WORK/pg -c ssl=on" start \
			>>"$LOG/$n.server.log" 2>&1
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		timeout 10 openssl s_client -starttls postgres -connect 127.0.0.1:$PORT -servername tls-server.local \
			-CAfile "$PKI/rootCA.crt" -verify_return_error -keylogfile "$OUT/$n.keys" </dev/null >>"$LOG/$n.client" 2>&1
		sleep 0.3
		timeout 10 psql "host=tls-server.local hostaddr=127.0.0.1 port=$PORT user=postgres dbname=postgres sslmode=verify-full sslrootcert=$PKI/rootCA.crt" \
			-Atc 'select version()' >>"$LOG/$n.client" 2>&1
		echo "psql exit $?" >>"$LOG/$n.client"
		cap_stop
		timeout 20 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1
		PGDATA=
		register $n.pcap $n.keys pgsql 2 "#1:closed_after_handshake:s_client -starttls postgres (key log): SSLRequest, S, TLS, then s_client (stdin closed) quits at once with close_notify|#2:ok:psql (no key log): SSLRequest, S, TLS" \
			"PostgreSQL ${PGBIN//[^0-9]/} (ssl=on, 127.0.0.1); conn 1 openssl s_client -starttls postgres (key log), conn 2 psql sslmode=verify-full (libpq 15 cannot write a key log: encrypted)"
	else
		say "starttls-postgres skipped: no PostgreSQL server"
	fi
fi

# --- plaintext preambles in front of TLS, and their refusals. In the
# namespace $NS_PRE the services sit on their usual ports (443, 465, 1080,
# 3389), so tshark decodes them without hints (RDP: tshark 4.0 does not
# follow the negotiation into TLS, so the oracle decodes 3389 as TLS, which
# shows the X.224 PDUs as continuation data and reads the TLS after them). The two on the host's
# loopback use ports below the sequence of the others (14391, 14392), so
# the ports of the captures after them do not move.
pre_ns() {
	ip netns list | grep -qw "$NS_PRE" && return 0
	ip netns add $NS_PRE && ip -n $NS_PRE link set lo up
}
pre() { ip netns exec $NS_PRE "$@"; }

n=socks5
if want $n; then
	if command -v danted >/dev/null; then
		pre_ns
		keys_fresh $n
		cat >"$WORK/danted.conf" <<EOF
logoutput: stderr
internal: 127.0.0.1 port = 1080
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks block { from: 0.0.0.0/0 to: 127.0.0.1/32 port = 8443 }
socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }
EOF
		bg $n.proxy pre timeout 60 danted -f "$WORK/danted.conf"
		bg $n.server pre env -C "$WORK/www" timeout 60 openssl s_server -accept 127.0.0.1:443 -WWW -tls1_3 "${SERVER[@]}"
		wait_port 1080 $NS_PRE; wait_port 443 $NS_PRE
		cap_start $n "tcp port 1080" $NS_PRE
		for how in "--socks5 127.0.0.1:1080 https://tls-server.local/ok.txt" \
			"--socks5-hostname 127.0.0.1:1080 -k https://localhost/ok.txt" \
			"--socks5 127.0.0.1:1080 https://tls-server.local:444/ok.txt" \
			"--socks5 127.0.0.1:1080 https://tls-server.local:8443/ok.txt"; do
			# shellcheck disable=SC2086
			SSLKEYLOGFILE=$OUT/$n.keys pre timeout 10 curl -sS -o /dev/null -w "%{http_code}\n" --max-time 8 \
				--resolve "tls-server.local:443:127.0.0.1" --resolve "tls-server.local:444:127.0.0.1" \
				--resolve "tls-server.local:8443:127.0.0.1" --cacert "$PKI/rootCA.crt" $how >>"$LOG/$n.client" 2>&1
			echo "curl $how: exit $?" >>"$LOG/$n.client"
			sleep 0.3
		done
		cap_stop
		stop_servers
		register $n.pcap $n.keys socks 4 "#1:ok:curl --socks5 (address type IPv4), CONNECT granted, TLS 1.3|#2:ok:curl --socks5-hostname (address type domain name), CONNECT granted, TLS 1.3|#3:not_tls:CONNECT to a closed port: the proxy answers reply 5 (connection refused)|#4:not_tls:CONNECT to a port the proxy's rules block: reply 2 (not allowed by ruleset)" \
			"in netns $NS_PRE: dante SOCKS5 proxy (danted) on 127.0.0.1:1080 (no authentication; a rule blocks port 8443), s_server -tls1_3 on :443; curl --socks5 / --socks5-hostname (key log)"
	else
		say "socks5 skipped: no danted (dante-server)"
	fi
fi

n=rdp
if want $n; then
	pre_ns
	rm -f "$OUT/$n.keys"
	rdpc=(xvfb-run -a xfreerdp /v:127.0.0.1:3389 /cert:ignore /sec:tls /u:tlsdiag /p:tlsdiag)
	if command -v xvfb-run >/dev/null && command -v xfreerdp >/dev/null; then
		answers=(ssl fail5 ssl rdp); real=1
	else
		answers=(ssl rdp); real=
		say "rdp: no xvfb-run/xfreerdp, the Python client only"
	fi
	bg $n.server pre timeout 90 python3 "$TOOLS/rdp-x224.py" server 127.0.0.1 3389 \
		"$PKI/server-chain.crt" "$PKI/server.key" "$OUT/$n.keys" "${answers[@]}"
	wait_port 3389 $NS_PRE
	cap_start $n "tcp port 3389" $NS_PRE
	if [ -n "$real" ]; then
		for i in 1 2; do
			pre timeout 15 "${rdpc[@]}" >>"$LOG/$n.client" 2>&1
			echo "xfreerdp $i exit $?" >>"$LOG/$n.client"
			sleep 0.3
		done
	fi
	for i in 1 2; do
		pre timeout 10 python3 "$TOOLS/rdp-x224.py" client 127.0.0.1 3389 3 >>"$LOG/$n.client" 2>&1
		sleep 0.3
	done
	cap_stop
	stop_servers
	if [ -n "$real" ]; then
		register $n.pcap $n.keys tls 4 "#1:ok:xfreerdp /sec:tls: Connection Request (TLS), Confirm selecting PROTOCOL_SSL, TLS|#2:not_tls:xfreerdp /sec:tls: the server answers RDP_NEG_FAILURE 5 (HYBRID_REQUIRED_BY_SERVER)|#3:ok:Python client asking SSL or HYBRID, PROTOCOL_SSL selected, TLS|#4:not_tls:Python client asking SSL or HYBRID, the server selects standard RDP security (no TLS)" \
			"in netns $NS_PRE on :3389: tools/rdp-x224.py server (X.224 Connection Confirm built in Python, then TLS by the ssl module; the server writes the key log); conn 1-2 xfreerdp (FreeRDP 2) /sec:tls /cert:ignore under xvfb-run, conn 3-4 tools/rdp-x224.py client"
	else
		register $n.pcap $n.keys tls 2 "#1:ok:Python client asking SSL or HYBRID, PROTOCOL_SSL selected, TLS|#2:not_tls:Python client asking SSL or HYBRID, the server selects standard RDP security (no TLS)" \
			"in netns $NS_PRE on :3389: tools/rdp-x224.py server and client (X.224 PDUs built in Python, TLS by the ssl module)"
	fi
fi

n=pg-ssl-refused; PORT_SAVED=$PORT; PORT=14391
if want $n; then
	if [ -n "$PGBIN" ] && [ -x "$PGBIN/postgres" ] && id postgres >/dev/null 2>&1; then
		PGDATA=$WORK/pg2/data
		mkdir -p "$WORK/pg2" && chown postgres "$WORK/pg2"
		timeout 60 runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >"$LOG/$n.initdb" 2>&1
		timeout 30 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 20 -l "$WORK/pg2/server.log" \
			-o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$WORK/pg2 -c ssl=off" start \
			>>"$LOG/$n.server.log" 2>&1
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		for mode in require prefer; do
			timeout 10 psql "host=127.0.0.1 port=$PORT user=postgres dbname=postgres sslmode=$mode" \
				-Atc 'select 1' >>"$LOG/$n.client" 2>&1
			echo "psql sslmode=$mode exit $?" >>"$LOG/$n.client"
			sleep 0.3
		done
		cap_stop
		timeout 20 runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1
		PGDATA=
		register $n.pcap - pgsql 2 "#1:not_tls:psql sslmode=require: SSLRequest answered N, psql gives up|#2:not_tls:psql sslmode=prefer: SSLRequest answered N, the session goes on in plaintext" \
			"PostgreSQL ${PGBIN//[^0-9]/} with ssl=off on 127.0.0.1:$PORT; psql sslmode=require, then sslmode=prefer"
	else
		say "pg-ssl-refused skipped: no PostgreSQL server"
	fi
fi

n=starttls-smtp-refused; PORT=14392
if want $n; then
	bg $n.server timeout 60 python3 "$TOOLS/smtp-starttls.py" 127.0.0.1 $PORT "$PKI/server-chain.crt" "$PKI/server.key" 1 refuse
	wait_port $PORT
	printf 'Subject: tlsdiag\r\n\r\nhello\r\n' >"$WORK/mail.txt"
	cap_start $n "tcp port $PORT"
	timeout 10 curl -sS --max-time 8 --ssl-reqd --mail-from alice@tls-client.local --mail-rcpt bob@tls-server.local \
		-T "$WORK/mail.txt" "smtp://127.0.0.1:$PORT/tls-client.local" >>"$LOG/$n.client" 2>&1
	echo "curl exit $?" >>"$LOG/$n.client"
	cap_stop
	stop_servers
	register $n.pcap - smtp 1 "*/*:not_tls:EHLO advertises STARTTLS, STARTTLS answered 454, curl --ssl-reqd quits" \
		"tools/smtp-starttls.py in refuse mode (454 4.7.0); curl --ssl-reqd smtp://"
fi
PORT=$PORT_SAVED

n=irc-starttls
if want $n; then
	# IRC's own port, on loopback; two connections: STARTTLS accepted
	# (670, TLS, key log), then refused (691, the client gives up).
	keys_fresh $n
	bg $n.server timeout 60 python3 "$TOOLS/irc-starttls.py" 127.0.0.1 6667 "$PKI/server-chain.crt" "$PKI/server.key" ok,refuse
	wait_port 6667
	cap_start $n "tcp port 6667"
	printf 'QUIT\r\n' | timeout 10 openssl s_client -starttls irc -connect 127.0.0.1:6667 -servername tls-server.local \
		-CAfile "$PKI/rootCA.crt" -verify_return_error -keylogfile "$OUT/$n.keys" -ign_eof >>"$LOG/$n.client" 2>&1
	echo "s_client exit $?" >>"$LOG/$n.client"
	sleep 0.3
	printf 'QUIT\r\n' | timeout 10 openssl s_client -starttls irc -connect 127.0.0.1:6667 -servername tls-server.local \
		-CAfile "$PKI/rootCA.crt" -ign_eof >>"$LOG/$n.client" 2>&1
	echo "s_client exit $?" >>"$LOG/$n.client"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 2 "#1:ok:IRC STARTTLS answered 670, TLS handshake, QUIT over TLS|#2:not_tls:IRC STARTTLS answered 691 (refused), s_client gives up" \
		"tools/irc-starttls.py (Python ssl) on 127.0.0.1:6667; openssl s_client -starttls irc, twice (the server accepts the first STARTTLS, refuses the second)"
fi

n=tls12-null-cipher
if want $n; then
	# A suite that authenticates without encrypting (OpenSSL enables the
	# NULL ciphers only by name, at security level 0): Finished and the
	# alerts are in the clear behind their MAC. Fixed port: the ports of
	# the other scenarios stay as they were.
	NP=14393
	run_simple $n $NP -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0' "${SERVER[@]}" -- \
		sc -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0'
	register $n.pcap $n.keys tls 1 "*/*:ok:TLS_RSA_WITH_NULL_SHA256: handshake, HTTP GET answered in the clear, close_notify" \
		"s_server -tls1_2 -cipher NULL-SHA256:@SECLEVEL=0 -WWW; s_client -tls1_2 -cipher NULL-SHA256:@SECLEVEL=0 (HTTP GET on stdin)"
fi

n=smtp-banner-465
if want $n; then
	pre_ns
	bg $n.server pre timeout 60 python3 "$TOOLS/smtp-starttls.py" 127.0.0.1 465 "$PKI/server-chain.crt" "$PKI/server.key" 1 refuse
	wait_port 465 $NS_PRE
	cap_start $n "tcp port 465" $NS_PRE
	pre timeout 10 python3 "$TOOLS/tls-client-late.py" 127.0.0.1 465 0.3 tls-server.local "$PKI/rootCA.crt" >>"$LOG/$n.client" 2>&1
	cap_stop
	stop_servers
	register $n.pcap - tls 1 "*/*:not_tls:a plaintext SMTP server on 465 greets with 220, the client's ClientHello (sent 0.3 s after connecting) gets 502" \
		"in netns $NS_PRE: tools/smtp-starttls.py (plaintext, refuse mode) on 127.0.0.1:465; tools/tls-client-late.py (Python ssl, handshake 0.3 s after connect)"
fi

nextport; n=tls13-ok-ipv6
if want $n; then
	keys_fresh $n
	srv $n "[::1]:$PORT" -tls1_3 "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	SSLKEYLOGFILE=$OUT/$n.keys timeout 10 curl -sS -o /dev/null --max-time 8 \
		--resolve "tls-server.local:$PORT:[::1]" --cacert "$PKI/rootCA.crt" \
		"https://tls-server.local:$PORT/ok.txt" >>"$LOG/$n.client" 2>&1
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 1 "*/*:ok:TLS 1.3 over IPv6 ::1" "s_server -tls1_3 -accept [::1]:$PORT; curl --resolve tls-server.local:$PORT:[::1]"
fi

for cs in aes256:TLS_AES_256_GCM_SHA384 chacha20:TLS_CHACHA20_POLY1305_SHA256 aes128ccm:TLS_AES_128_CCM_SHA256; do
	nextport; n=tls13-${cs%%:*}; suite=${cs#*:}
	if want $n; then
		run_simple $n $PORT -tls1_3 -ciphersuites $suite "${SERVER[@]}" -- cl --tls13-ciphers $suite
		register $n.pcap $n.keys tls 1 "*/*:ok:cipher suite $suite" \
			"s_server -tls1_3 -ciphersuites $suite; curl --tls13-ciphers $suite"
	fi
done

# mixed-20: four servers, twenty clients started at once (their packets interleave)
nextport; n=mixed-20
if want $n; then
	keys_fresh $n
	PA=$PORT; PB=$((PORT + 1)); PR=$((PORT + 2)); PH=$((PORT + 3)); PORT=$PH
	srv $n.a 127.0.0.1:$PA -tls1_3 "${SERVER[@]}"
	srv $n.b 127.0.0.1:$PB -tls1_2 "${SERVER[@]}" "${MTLS[@]}"
	bg $n.h timeout 60 python3 -m http.server --bind 127.0.0.1 --directory "$WORK" $PH
	wait_port $PA; wait_port $PB; wait_port $PH
	cap_start $n "tcp portrange $PA-$PH"
	cpids=()
	for kind in ok ok untrusted mtls missing refused ok nottls untrusted mtls \
		missing refused ok ok mtls missing refused untrusted ok nottls; do
		case $kind in
		ok) cl $n $PA & ;;
		untrusted) cl $n $PA --cacert "$PKI/rogueCA.crt" & ;;
		mtls) cl $n $PB --cert "$PKI/client.crt" --key "$PKI/client.key" & ;;
		missing) cl $n $PB & ;;
		refused) cl $n $PR & ;;
		nottls) cl $n $PH & ;;
		esac
		cpids+=($!)
	done
	wait "${cpids[@]}"
	sleep 1
	cap_stop
	stop_servers
	sw=$(tshark -r "$OUT/$n.pcap" -T fields -e tcp.stream 2>/dev/null | uniq | wc -l)
	[ "$sw" -gt 25 ] || warn "$n: connections barely interleave ($sw runs)"
	say "$n: $sw runs of packets from one connection"
	register $n.pcap $n.keys tls 20 \
		"$PA/unknown_ca:server_cert_untrusted:curl --cacert rogueCA|$PA/*:ok:TLS 1.3 one-way|$PB/handshake_failure:client_cert_missing:TLS 1.2 mTLS, no client cert|$PB/*:ok:TLS 1.2 mTLS|$PR/*:tcp_refused:nothing listens|$PH/*:not_tls:TLS to plain HTTP server" \
		"20 curl clients started at once against s_server -tls1_3 ($PA), s_server -tls1_2 -Verify ($PB), a closed port ($PR), python http.server ($PH)"
fi

# --- link types: each a short TLS 1.3 handshake
nextport; n=link-sll
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -tls1_3 "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT" "" any -y LINUX_SLL
	cl $n $PORT
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 1 "*/*:ok:LINKTYPE_LINUX_SLL (113)" "tcpdump -i any (Linux cooked v1); s_server -tls1_3; curl"
fi

nextport; n=link-sll2
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -tls1_3 "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT" "" any -y LINUX_SLL2
	cl $n $PORT
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 1 "*/*:ok:LINKTYPE_LINUX_SLL2 (276)" "tcpdump -i any -y LINUX_SLL2; s_server -tls1_3; curl"
fi

nextport; n=link-eth-src
if want link-null || want link-raw; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -tls1_3 "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	cl $n $PORT
	cap_stop
	stop_servers
	if want link-null; then
		python3 "$TOOLS/to-null.py" "$OUT/$n.pcap" "$OUT/link-null.pcap" 2>>"$LOG/$n.convert"
		cp "$OUT/$n.keys" "$OUT/link-null.keys"
		register link-null.pcap link-null.keys tls 1 "*/*:ok:LINKTYPE_NULL (0), AF_INET little-endian" \
			"tcpdump -i lo capture of s_server -tls1_3 + curl, rewritten by tools/to-null.py (Ethernet header -> 4-byte AF header)"
	fi
	if want link-raw; then
		editcap -F pcap -C 14 -T rawip "$OUT/$n.pcap" "$OUT/link-raw.pcap"
		cp "$OUT/$n.keys" "$OUT/link-raw.keys"
		register link-raw.pcap link-raw.keys tls 1 "*/*:ok:LINKTYPE_RAW (101)" \
			"same kind of lo capture, then editcap -F pcap -C 14 -T rawip (chop the Ethernet header)"
	fi
	rm -f "$OUT/$n.pcap" "$OUT/$n.keys"
fi

# 802.1Q and QinQ between two namespaces of our own. This kernel may lack
# the 8021q module, so the tags are pushed/popped by tc BPF programs
# (tools/vlan-tag.bpf.c) with the kernel's skb_vlan_push/pop.
vlan_capture() { # NAME PUSH_SECTION
	local name=$1 push=$2 obj=$WORK/vlan-tag.o ns
	for ns in $NS_A $NS_B; do ip netns del $ns 2>/dev/null; ip netns add $ns; done
	ip link add va netns $NS_A type veth peer name vb netns $NS_B || return 1
	for ns in "$NS_A va 10.200.0.1" "$NS_B vb 10.200.0.2"; do
		set -- $ns
		ip netns exec $1 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n $1 link set lo up
		ip -n $1 addr add $3/24 dev $2
		ip -n $1 link set $2 up
		ip netns exec $1 tc qdisc add dev $2 clsact
		ip netns exec $1 tc filter add dev $2 egress bpf da obj "$obj" sec "$push" || return 1
		ip netns exec $1 tc filter add dev $2 ingress bpf da obj "$obj" sec pop || return 1
	done
	# static neighbours: no ARP in the capture
	ip -n $NS_A neigh replace 10.200.0.2 lladdr "$(ip -n $NS_B -br link show vb | awk '{print $3}')" dev va nud permanent
	ip -n $NS_B neigh replace 10.200.0.1 lladdr "$(ip -n $NS_A -br link show va | awk '{print $3}')" dev vb nud permanent
	keys_fresh "$name"
	bg "$name.server" ip netns exec $NS_B env -C "$WORK/www" timeout 60 openssl s_server -accept 10.200.0.2:$PORT -WWW -tls1_3 "${SERVER[@]}"
	wait_port $PORT $NS_B
	cap_start "$name" "" $NS_B vb
	SSLKEYLOGFILE=$OUT/$name.keys ip netns exec $NS_A timeout 10 curl -sS -o /dev/null --max-time 8 \
		--resolve "tls-server.local:$PORT:10.200.0.2" --cacert "$PKI/rootCA.crt" \
		"https://tls-server.local:$PORT/ok.txt" >>"$LOG/$name.client" 2>&1
	cap_stop
	stop_servers
	for ns in $NS_A $NS_B; do ip netns del $ns; done
}
if want link-vlan || want link-qinq; then
	if command -v clang >/dev/null && clang -O2 -target bpf -c "$TOOLS/vlan-tag.bpf.c" -o "$WORK/vlan-tag.o" 2>>"$LOG/clang"; then
		nextport
		if want link-vlan && vlan_capture link-vlan push1q; then
			register link-vlan.pcap link-vlan.keys tls 1 "*/*:ok:802.1Q VLAN 100 on every frame" \
				"netns $NS_A (10.200.0.1, curl) <-veth-> netns $NS_B (10.200.0.2, s_server -tls1_3); tags added by the kernel (tc BPF skb_vlan_push, tools/vlan-tag.bpf.c); tcpdump on the veth in $NS_B"
		fi
		nextport
		if want link-qinq && vlan_capture link-qinq pushqinq; then
			register link-qinq.pcap link-qinq.keys tls 1 "*/*:ok:802.1ad S-VLAN 200 outside 802.1Q VLAN 100" \
				"as link-vlan, with two tags pushed: outer 802.1ad (0x88a8) VLAN 200, inner 802.1Q VLAN 100"
		fi
	else
		warn "link-vlan/link-qinq skipped: cannot build tools/vlan-tag.bpf.c with clang"
	fi
fi

if want tls13-ok.pcapng && [ -f "$OUT/tls13-ok.pcap" ]; then
	editcap -F pcapng "$OUT/tls13-ok.pcap" "$OUT/tls13-ok.pcapng"
	register tls13-ok.pcapng tls13-ok.keys tls 1 "*/*:ok:same frames as tls13-ok.pcap" \
		"editcap -F pcapng tls13-ok.pcap (uses tls13-ok.keys)"
fi

# GnuTLS's client rejects a chain whose root it does not trust with
# bad_certificate, not unknown_ca: every check tlsdiag can make passes and
# only trust is left (the elimination rule of the verdict).
for v in 12 13; do
	nextport; n=tls$v-gnutls-untrusted-root
	if want $n && command -v gnutls-cli >/dev/null; then
		keys_fresh $n
		srv $n 127.0.0.1:$PORT $(vargs $v) "${SERVER[@]}"
		wait_port $PORT
		cap_start $n "tcp port $PORT"
		printf "$HTTPREQ" | SSLKEYLOGFILE=$OUT/$n.keys timeout 10 gnutls-cli \
			--x509cafile "$PKI/rogueCA.crt" --sni-hostname tls-server.local \
			--priority "NORMAL:-VERS-ALL:+VERS-TLS1.${v#1}" -p $PORT 127.0.0.1 \
			>>"$LOG/$n.client" 2>&1
		echo "gnutls-cli exit $?" >>"$LOG/$n.client"
		cap_stop
		stop_servers
		register $n.pcap $n.keys tls 1 "*/*:server_cert_untrusted:gnutls-cli trusts only rogueCA, answers bad_certificate" \
			"s_server $(vargs $v) with the normal chain (leaf+intermediate); gnutls-cli --x509cafile rogueCA.crt --sni-hostname tls-server.local"
	elif want $n; then
		warn "$n skipped: no gnutls-cli (Debian gnutls-bin)"
	fi
done

# ------------------------------------------------ knowledge across connections
# Several connections to one server in one capture: TLS 1.2 clients see the
# chain in the clear, TLS 1.3 clients (no keys) only its encrypted record.
# tlsdiag infers the TLS 1.3 rejections from the chain the TLS 1.2
# connections show (issue 16); the last two captures are the cases where it
# must not (a certificate per name, another server).

# clh NAME PORT HOST ARGS... : curl https://HOST:PORT/ -> 127.0.0.1, trusting
# rootCA unless ARGS say otherwise; one line per run in the client log
clh() {
	local name=$1 port=$2 host=$3
	shift 3
	SSLKEYLOGFILE=$OUT/$name.keys timeout 10 curl -sS -o /dev/null -w "%{http_code}\n" --max-time 8 \
		--resolve "$host:$port:127.0.0.1" --cacert "$PKI/rootCA.crt" "$@" \
		"https://$host:$port/ok.txt" >>"$LOG/$name.client" 2>&1
	echo "curl $host $* exit $?" >>"$LOG/$name.client"
	sleep 0.2
}

# gct NAME PORT HOST CAFILE : gnutls-cli TLS 1.3 asking for HOST, trusting
# CAFILE (GnuTLS encrypts its alerts: nothing on the wire names the cause)
gct() {
	printf "$HTTPREQ" | SSLKEYLOGFILE=$OUT/$1.keys timeout 10 gnutls-cli \
		--x509cafile "$4" --sni-hostname "$3" \
		--priority "NORMAL:-VERS-ALL:+VERS-TLS1.3" -p "$2" 127.0.0.1 >>"$LOG/$1.client" 2>&1
	echo "gnutls-cli $3 exit $?" >>"$LOG/$1.client"
	sleep 0.2
}

nextport; n=kb-name-mismatch
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" \
		-cert_chain "$PKI/intermediateCA.crt"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	clh $n $PORT other.local --tls-max 1.2
	clh $n $PORT tls-server.local --tlsv1.3
	printf "$HTTPREQ" | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_3 \
		-servername tls-server.local -verify_hostname tls-server.local -verify_return_error \
		-CAfile "$PKI/rootCA.crt" -keylogfile "$OUT/$n.keys" -ign_eof >>"$LOG/$n.client" 2>&1
	echo "s_client exit $?" >>"$LOG/$n.client"
	sleep 0.2
	gct $n $PORT tls-server.local "$PKI/rootCA.crt"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 4 "#1:ok:curl TLS 1.2 asks for other.local: the chain in the clear|#2:server_cert_name_mismatch:curl TLS 1.3 asks for tls-server.local, completes, then closes [known chain]|#3:server_cert_name_mismatch:s_client TLS 1.3 -verify_hostname tls-server.local [known chain]|#4:server_cert_name_mismatch:gnutls-cli TLS 1.3 --sni-hostname tls-server.local [known chain]" \
		"s_server (TLS 1.2 and 1.3) with the other.local chain; curl --tls-max 1.2 https://other.local; curl --tlsv1.3, s_client -tls1_3 -verify_hostname and gnutls-cli TLS 1.3 asking for tls-server.local"
fi

nextport; n=kb-expired
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -cert "$PKI/server-expired.crt" -key "$PKI/server-expired.key" \
		-cert_chain "$PKI/intermediateCA.crt"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	clh $n $PORT tls-server.local --tls-max 1.2 --insecure
	clh $n $PORT tls-server.local --tlsv1.3
	gct $n $PORT tls-server.local "$PKI/rootCA.crt"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 3 "#1:ok:curl TLS 1.2 --insecure: the expired chain in the clear|#2:server_cert_expired:curl TLS 1.3 rejects the expired certificate (its alert in the clear names it)|#3:server_cert_expired:gnutls-cli TLS 1.3 rejects it with an encrypted alert [known chain]" \
		"s_server with the expired chain (2020-2021); curl --tls-max 1.2 --insecure, then curl --tlsv1.3 and gnutls-cli TLS 1.3"
fi

nextport; n=kb-untrusted
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT "${SERVER[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	clh $n $PORT tls-server.local --tls-max 1.2
	clh $n $PORT tls-server.local --tlsv1.3 --cacert "$PKI/rogueCA.crt"
	gct $n $PORT tls-server.local "$PKI/rogueCA.crt"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 3 "#1:ok:curl TLS 1.2 trusting rootCA|#2:server_cert_untrusted:curl TLS 1.3 trusting only rogueCA (unknown_ca in the clear)|#3:server_cert_untrusted:gnutls-cli TLS 1.3 trusting only rogueCA, encrypted alert: every check of the known chain passes, only trust is left (with --ca-file rogueCA.crt: the chain does not verify) [known chain]" \
		"s_server with the normal chain; curl --tls-max 1.2, then curl --tlsv1.3 --cacert rogueCA.crt and gnutls-cli TLS 1.3 --x509cafile rogueCA.crt"
fi

# The chain shown only after the failure: streamed reports cannot use it,
# --two-pass can.
nextport; n=kb-late
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" \
		-cert_chain "$PKI/intermediateCA.crt"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	gct $n $PORT tls-server.local "$PKI/rootCA.crt"
	clh $n $PORT other.local --tls-max 1.2
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 2 "#1:server_cert_name_mismatch:gnutls-cli TLS 1.3 asks for tls-server.local, encrypted alert; the chain (other.local) is seen only in #2: server_cert_rejected when streamed, the name mismatch with --two-pass|#2:ok:curl TLS 1.2 asks for other.local: the chain in the clear" \
		"s_server with the other.local chain; gnutls-cli TLS 1.3 --sni-hostname tls-server.local, then curl --tls-max 1.2 https://other.local"
fi

# The client side: the CA names a server accepts, seen in a TLS 1.2
# handshake, explain TLS 1.3 client-certificate rejections.
nextport; n=kb-mtls
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT "${SERVER[@]}" "${MTLS[@]}"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	clh $n $PORT tls-server.local --tls-max 1.2 --cert "$PKI/client.crt" --key "$PKI/client.key"
	clh $n $PORT tls-server.local --tlsv1.3 --cert "$PKI/rogue-client.crt" --key "$PKI/rogue-client.key"
	clh $n $PORT tls-server.local --tlsv1.3
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 3 "#1:ok:curl TLS 1.2 with client.crt: the CertificateRequest (clientCA) in the clear|#2:client_cert_untrusted:curl TLS 1.3 with rogue-client.crt (issued by rogueCA)|#3:client_cert_missing:curl TLS 1.3 without a client certificate" \
		"s_server -Verify 10 -verify_return_error -CAfile clientCA (TLS 1.2 and 1.3); curl --tls-max 1.2 --cert client.crt; curl --tlsv1.3 --cert rogue-client.crt; curl --tlsv1.3 without a certificate"
fi

# Negative cases: the known chain is not the one the TLS 1.3 client got.
nextport; n=kb-other-name
if want $n; then
	keys_fresh $n
	srv $n 127.0.0.1:$PORT "${SERVER[@]}" -servername other.local \
		-cert2 "$PKI/server-other.crt" -key2 "$PKI/server-other.key"
	wait_port $PORT
	cap_start $n "tcp port $PORT"
	clh $n $PORT tls-server.local --tls-max 1.2
	clh $n $PORT other.local --tlsv1.3 --cacert "$PKI/rogueCA.crt"
	gct $n $PORT other.local "$PKI/rogueCA.crt"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 3 "#1:ok:curl TLS 1.2 asks for tls-server.local: that chain in the clear|#2:server_cert_untrusted:curl TLS 1.3 asks for other.local and gets the other.local certificate (s_server -servername other.local -cert2), which it rejects (unknown_ca in the clear)|#3:server_cert_untrusted:gnutls-cli TLS 1.3 asks for other.local, gets the other.local certificate and rejects it with an encrypted alert: the known chain is for another name, no inference" \
		"s_server with a certificate per name (-servername other.local -cert2 server-other.crt); curl --tls-max 1.2 https://tls-server.local; curl --tlsv1.3 --cacert rogueCA.crt https://other.local"
fi

nextport; n=kb-other-server
if want $n; then
	keys_fresh $n
	P2=$((PORT + 100))
	srv $n 127.0.0.1:$PORT -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" \
		-cert_chain "$PKI/intermediateCA.crt"
	srv $n 127.0.0.1:$P2 "${SERVER[@]}"
	wait_port $PORT
	wait_port $P2
	cap_start $n "tcp port $PORT or tcp port $P2"
	clh $n $PORT other.local --tls-max 1.2
	clh $n $P2 tls-server.local --tlsv1.3 --cacert "$PKI/rogueCA.crt"
	gct $n $P2 tls-server.local "$PKI/rogueCA.crt"
	cap_stop
	stop_servers
	register $n.pcap $n.keys tls 3 "#1:ok:curl TLS 1.2 to port $PORT (other.local chain)|#2:server_cert_untrusted:curl TLS 1.3 to port $P2, another server, trusting only rogueCA (unknown_ca in the clear)|#3:server_cert_untrusted:gnutls-cli TLS 1.3 to port $P2 trusting only rogueCA, encrypted alert: nothing is known of that server, no inference" \
		"two s_servers: other.local chain on $PORT, normal chain on $P2; curl --tls-max 1.2 to the first, curl --tlsv1.3 --cacert rogueCA.crt to the second"
fi

# ---------------------------------------------------------------- scanners
# Real TLS scanners (Debian's nmap and testssl.sh; each capture skipped
# without its tool) against one s_server, all inside a network namespace of
# their own, so that nothing they look up or probe leaves it. Scanners do
# what clients do not: connect and close without a byte, send
# ChangeCipherSpec before the key exchange, close with a close_notify
# marked fatal once they have read the server's hello.

# scan_ns NAME [S_SERVER ARGS...]: a fresh namespace with lo up, s_server in
# it on $PORT (default: the normal chain, TLS 1.0 to 1.3 as OpenSSL's
# defaults allow), tcpdump on its lo
scan_ns() {
	local n=$1
	shift
	[ $# -gt 0 ] || set -- "${SERVER[@]}"
	ip netns del $NS_CAP 2>/dev/null
	ip netns add $NS_CAP && ip -n $NS_CAP link set lo up
	bg "$n.server" ip netns exec $NS_CAP env -C "$WORK/www" timeout 300 \
		openssl s_server -accept 127.0.0.1:$PORT -WWW "$@"
	wait_port $PORT $NS_CAP
	cap_start "$n" "tcp port $PORT" $NS_CAP lo
}

scan_ns_stop() {
	cap_stop
	stop_servers
	ip netns del $NS_CAP
}

nextport; n=scan-nmap-ccs
if want $n && command -v nmap >/dev/null; then
	scan_ns $n
	ip netns exec $NS_CAP timeout 120 nmap -sT -Pn -n -p $PORT --script ssl-ccs-injection 127.0.0.1 \
		>>"$LOG/$n.client" 2>&1
	scan_ns_stop
	register $n.pcap - tls 3 "#1:closed_before_tls:nmap's connect scan (SYN, SYN-ACK, then the client's RST)|#2:client_aborted:the script's first hello; the client closes after the server's flight and the server answers the close with decode_error|#3:alert_other:the client's ChangeCipherSpec before its key exchange (the CVE-2014-0224 probe), refused with unexpected_message" \
		"inside netns $NS_CAP: s_server (chain leaf+intermediate); nmap -sT -Pn -n -p PORT --script ssl-ccs-injection 127.0.0.1 (tcpdump in the netns)"
fi

nextport; n=scan-testssl
if want $n && command -v testssl >/dev/null; then
	scan_ns $n
	ip netns exec $NS_CAP timeout 280 testssl --quiet --color 0 --warnings off -p 127.0.0.1:$PORT \
		>>"$LOG/$n.client" 2>&1
	scan_ns_stop
	register $n.pcap - tls 26 "*/decode_error:closed_before_tls:testssl.sh connects and closes without a byte; OpenSSL answers the close with decode_error|#2:client_aborted:hello read, then a close_notify marked fatal (TLS 1.3)|#3:client_aborted:hello read, then a close_notify marked fatal|#6:client_aborted:hello read, then a close_notify marked fatal|#5:ok:HTTP request answered|*/protocol_version:version_mismatch:SSLv2 or TLS 1.3 drafts only|*/handshake_failure:cipher_mismatch:SSLv3 hello, no common suite|*/internal_error:server_rejected_hello:TLS 1.0 or 1.1 only (OpenSSL 3 at security level 1 refuses them)|*/-:closed_after_handshake:openssl s_client completes the handshake and leaves" \
		"inside netns $NS_CAP: s_server (chain leaf+intermediate); testssl --quiet -p 127.0.0.1:PORT (tcpdump in the netns, on the port: testssl's own probes of port 4433 are left out)"
fi

# ---------------------------------------------------------------- a browser
# Debian's Chromium, headless, inside the namespace (it reaches nothing but
# the s_server there), trusting rootCA through an NSS database of its own
# (certutil, libnss3-tools), SNI tls-server.local mapped to 127.0.0.1, key
# log from SSLKEYLOGFILE. Skipped without chromium or certutil. Chromium
# opens more than one connection (a spare one; after a CertificateRequest
# it closes while it would ask its user, then connects again).

# chr NAME: chromium --headless --dump-dom https://tls-server.local:PORT/ok.txt
chr() {
	local n=$1 home=$WORK/chromium-$1
	mkdir -p "$home/.pki/nssdb"
	certutil -d "sql:$home/.pki/nssdb" -N --empty-password
	certutil -d "sql:$home/.pki/nssdb" -A -t "C,," -n rootCA -i "$PKI/rootCA.crt"
	ip netns exec $NS_CAP env HOME="$home" SSLKEYLOGFILE="$OUT/$n.keys" timeout 40 \
		chromium --headless=new --no-sandbox --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-default-apps --disable-extensions \
		--user-data-dir="$home/profile" --host-resolver-rules="MAP tls-server.local 127.0.0.1" \
		--dump-dom "https://tls-server.local:$PORT/ok.txt" >>"$LOG/$n.client" 2>&1
	echo "chromium exit $?" >>"$LOG/$n.client"
}
have_chromium() { command -v chromium >/dev/null && command -v certutil >/dev/null; }
MTLS=(-Verify 1 -verify_return_error -CAfile "$PKI/clientCA.crt")

nextport; n=chromium-mtls12
if want $n && have_chromium; then
	keys_fresh $n
	scan_ns $n "${SERVER[@]}" -tls1_2 "${MTLS[@]}"
	chr $n
	scan_ns_stop
	register $n.pcap $n.keys tls 3+ "*/handshake_failure:client_cert_missing:Chromium's retry with an empty Certificate, refused|*/*:client_aborted:Chromium closes after the CertificateRequest (it would ask its user which certificate to send)" \
		"inside netns $NS_CAP: s_server -tls1_2 -Verify 1 -verify_return_error -CAfile clientCA; chromium --headless (rootCA in its NSS database, no client certificate) (tcpdump in the netns)"
fi

nextport; n=chromium-mtls13
if want $n && have_chromium; then
	keys_fresh $n
	scan_ns $n "${SERVER[@]}" "${MTLS[@]}"
	chr $n
	scan_ns_stop
	register $n.pcap $n.keys tls 3+ "*/certificate_required:client_cert_missing:Chromium's retry with an empty Certificate, refused|*/*:client_aborted:Chromium closes after the CertificateRequest (it would ask its user which certificate to send)" \
		"inside netns $NS_CAP: s_server -Verify 1 -verify_return_error -CAfile clientCA (TLS 1.3); chromium --headless (rootCA in its NSS database, no client certificate) (tcpdump in the netns)"
fi

nextport; n=chromium-name-mismatch
if want $n && have_chromium; then
	keys_fresh $n
	scan_ns $n -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" -cert_chain "$PKI/intermediateCA.crt"
	chr $n
	scan_ns_stop
	register $n.pcap $n.keys tls 1+ "*/*:server_cert_name_mismatch:Chromium (ERR_CERT_COMMON_NAME_INVALID) sends certificate_unknown, encrypted in TLS 1.3" \
		"inside netns $NS_CAP: s_server with the other.local chain (TLS 1.3); chromium --headless https://tls-server.local:PORT/ (rootCA in its NSS database) (tcpdump in the netns)"
fi

# ---------------------------------------------------------------- Java
# Java's own TLS (JSSE, through HttpsURLConnection: tools/JavaGet.java,
# compiled with javac), trusting rootCA from a JKS trust store made with
# keytool. JSSE pads its TLS 1.3 records: an alert is not 19 bytes long, an
# empty Certificate not 25. It writes no key log: the key log here is the
# server's (s_server -keylogfile). Skipped without java, javac or keytool.
have_java() { command -v java >/dev/null && command -v javac >/dev/null && command -v keytool >/dev/null; }

# jv NAME: java JavaGet https://tls-server.local:PORT/ok.txt
jv() {
	local n=$1
	mkdir -p "$WORK/java"
	[ -f "$WORK/java/JavaGet.class" ] || javac -d "$WORK/java" "$TOOLS/JavaGet.java"
	[ -f "$WORK/java/trust.jks" ] || keytool -importcert -noprompt -alias rootca -file "$PKI/rootCA.crt" \
		-keystore "$WORK/java/trust.jks" -storepass changeit >/dev/null
	echo "127.0.0.1 tls-server.local" >"$WORK/java/hosts"
	ip netns exec $NS_CAP timeout 30 java -Djdk.net.hosts.file="$WORK/java/hosts" \
		-Djavax.net.ssl.trustStore="$WORK/java/trust.jks" -Djavax.net.ssl.trustStorePassword=changeit \
		-cp "$WORK/java" JavaGet "https://tls-server.local:$PORT/ok.txt" >>"$LOG/$n.client" 2>&1
}

nextport; n=java-name-mismatch
if want $n && have_java; then
	keys_fresh $n
	scan_ns $n -cert "$PKI/server-other.crt" -key "$PKI/server-other.key" -cert_chain "$PKI/intermediateCA.crt" \
		-keylogfile "$OUT/$n.keys"
	jv $n
	scan_ns_stop
	register $n.pcap $n.keys tls 1 "*/*:server_cert_name_mismatch:Java (No subject alternative DNS name matching) sends certificate_unknown in a 35-byte record (padded)" \
		"inside netns $NS_CAP: s_server with the other.local chain (TLS 1.3, -keylogfile); java JavaGet https://tls-server.local:PORT/ (trust store: rootCA) (tcpdump in the netns)"
fi

nextport; n=java-mtls13
if want $n && have_java; then
	keys_fresh $n
	scan_ns $n "${SERVER[@]}" "${MTLS[@]}" -keylogfile "$OUT/$n.keys"
	jv $n
	scan_ns_stop
	register $n.pcap $n.keys tls 1+ "*/*:client_cert_missing:Java has no client certificate: an empty Certificate in a 41-byte record (padded); the server refuses with certificate_required" \
		"inside netns $NS_CAP: s_server -Verify 1 -verify_return_error -CAfile clientCA (TLS 1.3, -keylogfile); java JavaGet without a key store (tcpdump in the netns)"
fi

# ---------------------------------------------------------------- a VPN
# OpenVPN over TCP (Debian's openvpn, --dev null: no tunnel device), server
# and client in the namespace: its TLS runs inside OpenVPN's control channel
# packets, each framed with a 2-byte length (tshark: -d tcp.port==PORT,openvpn).
# Skipped without openvpn. The server trusts clientCA; the client trusts
# rootCA and gives up after 6 s (timeout).

# ovpn NAME PORT "SERVER ARGS" "CLIENT ARGS"
ovpn() {
	local n=$1 port=$2
	ip netns del $NS_CAP 2>/dev/null
	ip netns add $NS_CAP && ip -n $NS_CAP link set lo up
	cap_start "$n" "tcp port $port" $NS_CAP lo
	# shellcheck disable=SC2086 # the argument lists are split on purpose
	bg "$n.server" ip netns exec $NS_CAP timeout 20 openvpn --dev null --proto tcp-server \
		--local 127.0.0.1 --port "$port" --tls-server --dh none --ca "$PKI/clientCA.crt" \
		--cert "$PKI/server.crt" --key "$PKI/server.key" --extra-certs "$PKI/intermediateCA.crt" $3
	wait_port "$port" $NS_CAP
	# shellcheck disable=SC2086
	ip netns exec $NS_CAP timeout 6 openvpn --dev null --proto tcp-client --remote 127.0.0.1 "$port" \
		--tls-client --ca "$PKI/rootCA.crt" $4 >>"$LOG/$n.client" 2>&1
	scan_ns_stop
}
OVPN_CLIENT="--cert $PKI/client.crt --key $PKI/client.key"

n=openvpn-tcp443
if want $n && command -v openvpn >/dev/null; then
	ovpn $n 443 "" "$OVPN_CLIENT"
	register $n.pcap - openvpn 1 "*/*:ok:OpenVPN on port 443, client certificate from clientCA accepted" \
		"inside netns $NS_CAP: openvpn --dev null --proto tcp-server --port 443 (TLS 1.3, --ca clientCA); openvpn --proto tcp-client --cert client.crt (tcpdump in the netns)"
fi

nextport; n=openvpn-client-cert-untrusted
if want $n && command -v openvpn >/dev/null; then
	ovpn $n $PORT "--tls-version-max 1.2" "--tls-version-max 1.2 --connect-retry-max 1 --cert $PKI/rogue-client.crt --key $PKI/rogue-client.key"
	register $n.pcap - openvpn 1 "*/*:client_cert_reset:the server resets after the rogueCA client certificate (no alert)" \
		"inside netns $NS_CAP: openvpn --proto tcp-server --tls-version-max 1.2 (--ca clientCA); openvpn --proto tcp-client --connect-retry-max 1 --cert rogue-client.crt (tcpdump in the netns)"
fi

nextport; n=openvpn-tls-auth
if want $n && command -v openvpn >/dev/null; then
	openvpn --genkey secret "$WORK/ta.key"
	ovpn $n $PORT "--tls-auth $WORK/ta.key 0 --auth SHA256" "--tls-auth $WORK/ta.key 1 --auth SHA256 $OVPN_CLIENT"
	register $n.pcap - openvpn:tls_auth=32 1 "*/*:ok:tls-auth (HMAC-SHA256 on each control packet) around the TLS" \
		"inside netns $NS_CAP: openvpn --proto tcp-server --tls-auth ta.key 0 --auth SHA256; openvpn --proto tcp-client --tls-auth ta.key 1 (tcpdump in the netns)"
fi

nextport; n=openvpn-tls-crypt
if want $n && command -v openvpn >/dev/null; then
	[ -f "$WORK/ta.key" ] || openvpn --genkey secret "$WORK/ta.key"
	ovpn $n $PORT "--tls-crypt $WORK/ta.key" "--tls-crypt $WORK/ta.key $OVPN_CLIENT"
	register $n.pcap - openvpn 1 "*/*:handshake_not_seen:tls-crypt encrypts the control channel: no TLS on the wire" \
		"inside netns $NS_CAP: openvpn --proto tcp-server --tls-crypt ta.key; openvpn --proto tcp-client --tls-crypt ta.key (tcpdump in the netns)"
fi

# ---------------------------------------------------------------- expected.tsv

say "deriving expected.tsv with tools/oracle.sh"
EXP=$OUT/expected.tsv
NEW=$WORK/expected.new
ORC=$WORK/oracle
mkdir -p "$ORC"
printf 'capture\tconn\tcode\ttls_version\talert\talert_dir\trst_dir\tnotes\n' >"$NEW"
# keep the rows of captures not regenerated this time (ONLY=...)
if [ -n "$ONLY" ] && [ -f "$EXP" ]; then
	tail -n +2 "$EXP" | awk -F'\t' 'NR==FNR { redo[$1] = 1; next } !($1 in redo)' "$REG" - >>"$NEW"
fi
while IFS=$'\t' read -r file keys proto nconn rules desc; do
	kf=-
	[ "$keys" != - ] && kf=$OUT/$keys
	bash "$TOOLS/oracle.sh" "$OUT/$file" "$kf" "$proto" >"$ORC/$file.tsv" || warn "$file: oracle failed"
	got=$(($(wc -l <"$ORC/$file.tsv") - 1))
	case $nconn in
	*+) [ "$got" -ge "${nconn%+}" ] || warn "$file: $got connections, expected $nconn" ;;
	*) [ "$got" = "$nconn" ] || warn "$file: $got connections, expected $nconn" ;;
	esac
	tail -n +2 "$ORC/$file.tsv" | awk -F'\t' -v file="$file" -v rules="$rules" '
	{
		port = $3; sub(/.*:/, "", port); alert = $5; code = "?"; note = ""
		n = split(rules, r, "|")
		for (i = 1; i <= n; i++) {
			k = index(r[i], ":"); sel = substr(r[i], 1, k - 1); rest = substr(r[i], k + 1)
			k = index(rest, ":"); split(sel, pa, "/")
			if ((sel ~ /^#/ && substr(sel, 2) == $1) || (sel !~ /^#/ && (pa[1] == "*" || pa[1] == port) && (pa[2] == "*" || pa[2] == alert))) { code = substr(rest, 1, k - 1); note = substr(rest, k + 1); break }
		}
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", file, $1, code, $4, $5, $7, $9, note
	}' >>"$NEW"
done <"$REG"
# stable order: as registered (this script's order), rows of other captures first
if [ -f "$EXP" ]; then
	# conn numbers are left out: in mixed-20 the order of the clients varies
	diff <(cut -f1,3-7 "$EXP" | sort) <(cut -f1,3-7 "$NEW" | sort) >"$WORK/exp.diff" &&
		say "expected.tsv: verdict columns unchanged" ||
		{ say "expected.tsv changed (verdict columns):"; cat "$WORK/exp.diff" >&2; }
fi
cp "$NEW" "$EXP"

# ---------------------------------------------------------------- README.md

if [ -z "$ONLY" ]; then
	say "writing README.md"
	[ -f "$TOOLS/readme.sh" ] && . "$TOOLS/readme.sh" && write_readme >"$OUT/README.md"
fi

if [ "$FAILS" -gt 0 ]; then
	say "$FAILS warning(s)"
	exit 1
fi
say "done"
