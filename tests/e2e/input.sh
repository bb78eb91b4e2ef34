#!/bin/sh
# input.sh - issue 15 case 10: compressed captures and key logs embedded in
# pcapng files.
#  - A gzip copy of a committed capture (pcap and pcapng), found by its
#    magic bytes whatever its name, and the same on standard input
#    redirected from the file, gives byte for byte the output of the
#    original; a plain capture through a pipe is still read.
#  - pcaps/derived/tls13-ok-dsb.pcapng (editcap --inject-secrets
#    tls,tls13-ok.keys on tls13-ok.pcapng, Wireshark's own tool) decrypts
#    without --keylog exactly as tls13-ok.pcapng with --keylog; tshark, the
#    oracle, decrypts the same handshake messages from the file alone.
#  - A gzip stream cut short is an input error (exit 2), after what was
#    read.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v gzip >/dev/null 2>&1 || skip "gzip not installed"
K="$PCAPS/tls13-ok.keys"
run() { # OUT ARGS...
	o=$1
	shift
	SSLKEYLOGFILE='' "$TLSDIAG" --json --summary "$@" >"$TMP/$o" \
	    2>"$TMP/$o.err"
	echo $? >"$TMP/$o.rc"
}
for f in tls13-ok.pcap tls13-ok.pcapng tls12-client-cert-untrusted.pcap; do
	gzip -9nc "$PCAPS/$f" >"$TMP/$f.gz"
	cp "$TMP/$f.gz" "$TMP/no-suffix"
	run orig --keylog "$K" -r "$PCAPS/$f"
	run gz --keylog "$K" -r "$TMP/$f.gz"
	run nosuffix --keylog "$K" -r "$TMP/no-suffix"
	run stdin --keylog "$K" -r - <"$TMP/$f.gz"
	run plainstdin --keylog "$K" -r - <"$PCAPS/$f"
	cat "$PCAPS/$f" | run pipe --keylog "$K" -r -
	[ -s "$TMP/orig" ] || fail "$f: no output"
	for o in gz nosuffix stdin plainstdin pipe; do
		if cmp -s "$TMP/orig" "$TMP/$o" &&
		    [ "$(cat "$TMP/$o.rc")" = 0 ]; then pass; else
			fail "$f ($o): output differs or exit $(cat "$TMP/$o.rc"): $(cat "$TMP/$o.err")"
		fi
	done
done

# A named pipe (mkfifo, or a shell's <(...)) can be read once: it is
# neither opened to check it first nor scanned for key logs, and --threads
# does not read it twice (the first bytes were lost before: "unknown file
# format").
for f in tls13-ok.pcap tls13-ok.pcapng; do
	run orig --keylog "$K" -r "$PCAPS/$f"
	rm -f "$TMP/named.pipe"
	mkfifo "$TMP/named.pipe" || skip "mkfifo failed"
	cat "$PCAPS/$f" >"$TMP/named.pipe" 2>/dev/null &
	# One that opened it twice would wait for a second writer: timeout.
	SSLKEYLOGFILE='' timeout 30 "$TLSDIAG" --json --summary --keylog "$K" \
	    --threads 2 -r "$TMP/named.pipe" >"$TMP/fifo" 2>"$TMP/fifo.err"
	echo $? >"$TMP/fifo.rc"
	kill $! 2>/dev/null
	wait
	if cmp -s "$TMP/orig" "$TMP/fifo" && [ "$(cat "$TMP/fifo.rc")" = 0 ] &&
	    grep -q "^tlsdiag: --threads: one analysis thread with a pipe" "$TMP/fifo.err"; then
		pass; else fail "$f through a FIFO: exit $(cat "$TMP/fifo.rc"): $(cat "$TMP/fifo.err")"; fi
done

# Embedded key log.
D="$PCAPS/derived/tls13-ok-dsb.pcapng"
run keyed --keylog "$K" -r "$PCAPS/tls13-ok.pcapng"
run dsb -r "$D"
run nokeys -r "$PCAPS/tls13-ok.pcapng"
gzip -9nc "$D" >"$TMP/dsb.gz"
run dsbgz -r "$TMP/dsb.gz"
for o in dsb dsbgz; do
	if cmp -s "$TMP/keyed" "$TMP/$o"; then pass; else
		fail "$o: output differs from --keylog"; fi
	if grep -q "^tlsdiag: using the TLS key log embedded in .* (1 decryption secrets block)$" "$TMP/$o.err"; then
		pass; else fail "$o: stderr '$(cat "$TMP/$o.err")'"; fi
done
if cmp -s "$TMP/keyed" "$TMP/nokeys"; then
	fail "tls13-ok.pcapng reads the same without keys: the test proves nothing"
else pass; fi
if command -v tshark >/dev/null 2>&1; then
	# Handshake message types tshark decrypts from the file alone, and
	# the ones tlsdiag shows decrypted.
	want=$(tshark -r "$D" -Y 'tls.handshake.type' -T fields \
	    -e tls.handshake.type 2>/dev/null | tr ',' '\n' | sort | uniq |
	    tr '\n' ' ')
	got=$(python3 -c '
import json, sys
names = {"ClientHello": 1, "ServerHello": 2, "NewSessionTicket": 4,
         "EncryptedExtensions": 8, "Certificate": 11,
         "CertificateVerify": 15, "Finished": 20}
c = json.loads(open(sys.argv[1]).readline())
print(" ".join(sorted({str(names[e["type"]]) for e in c["events"]
                       if e["type"] in names})) + " ")' "$TMP/dsb")
	if [ "$want" = "$got" ]; then pass; else
		fail "handshake types: tshark '$want', tlsdiag '$got'"; fi
fi

# A gzip stream cut short.
head -c 3000 "$TMP/tls13-ok.pcap.gz" >"$TMP/cut.gz"
run cut -r "$TMP/cut.gz"
if [ "$(cat "$TMP/cut.rc")" = 2 ] && [ -s "$TMP/cut.err" ]; then pass; else
	fail "cut gzip: exit $(cat "$TMP/cut.rc"), stderr '$(cat "$TMP/cut.err")'"
fi
finish
