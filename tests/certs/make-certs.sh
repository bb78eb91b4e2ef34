#!/bin/sh
# make-certs.sh - regenerates the test PKI that tests/check_x509.c reads.
#
# Run from anywhere: sh tests/certs/make-certs.sh. It writes NAME.der and
# NAME.pem next to itself, and capath/ (a hashed CA directory holding
# root.pem). The keys are thrown away; the outputs are committed, so the
# tests never depend on this script, on randomness or on today's date.
#
# Times are fixed with `openssl ca -startdate/-enddate` (OpenSSL 3.0's
# `openssl x509` cannot set them). CAs are valid 2015-01-01..2049-12-31,
# leaves 2020-01-01..2045-12-31 unless a test needs otherwise. Names are
# written O first, CN last (DER order), so RFC 4514 text is "CN=..,O=..".
set -eu

out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

CA_START=150101000000Z
CA_END=491231000000Z
START=200101000000Z
END=451231000000Z

mkdir new
: > index.txt
cat > ca.cnf <<CNF
[ ca ]
default_ca = tca
[ tca ]
dir = $work
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
policy = pol
unique_subject = no
email_in_dn = no
copy_extensions = none
default_md = sha256
[ pol ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
[ dn ]
CNF

cat > ext.cnf <<'CNF'
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ server ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:tls-server.local
[ wrongname ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.local
[ wildcard ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:*.example.test
[ ip ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid:always
subjectAltName = IP:127.0.0.1, IP:::1, URI:https://ip.test/, email:ops@ip.test
[ cnonly ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid:always
[ selfsigned ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
subjectAltName = DNS:self.local
[ client ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid:always
[ client_noauth ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, emailProtection
authorityKeyIdentifier = keyid:always
CNF

# key NAME TYPE: a fresh private key in NAME.key.
key() {
	case $2 in
	rsa*)	openssl genpkey -algorithm RSA \
		    -pkeyopt rsa_keygen_bits:"${2#rsa}" -out "$1.key" ;;
	ec)	openssl genpkey -algorithm EC \
		    -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" ;;
	esac 2>/dev/null
}

# cert NAME SUBJ KEYTYPE ISSUER EXT SERIAL START END [MD]: NAME.pem and
# NAME.der signed by ISSUER (ISSUER "self": self-signed).
cert() {
	key "$1" "$3"
	openssl req -new -config ca.cnf -key "$1.key" -subj "$2" -out "$1.csr"
	echo "$6" > serial
	if [ "$4" = self ]; then
		signer="-selfsign -keyfile $1.key"
	else
		signer="-cert $4.pem -keyfile $4.key"
	fi
	# shellcheck disable=SC2086
	openssl ca -batch -config ca.cnf -preserveDN -notext -md "${9:-sha256}" \
	    -startdate "$7" -enddate "$8" -extfile ext.cnf -extensions "$5" \
	    $signer -in "$1.csr" -out "$1.pem" 2>/dev/null
	openssl x509 -in "$1.pem" -outform DER -out "$1.der"
	cp "$1.pem" "$1.der" "$out/"
}

cert root        "/O=LMT Corp/CN=rootCA"           rsa2048 self  root   1001 $CA_START $CA_END
cert inter       "/O=LMT Corp/CN=intermediateCA"   rsa2048 root  inter  1002 $CA_START $CA_END
cert leaf        "/O=LMT Corp/CN=tls-server.local" ec      inter server 1003 $START $END
cert expired     "/O=LMT Corp/CN=tls-server.local" ec      inter server 1004 180101000000Z 200102000000Z
cert future      "/O=LMT Corp/CN=tls-server.local" ec      inter server 1005 400101000000Z $END
cert wrongname   "/O=LMT Corp/CN=other.local"      ec      inter wrongname 1006 $START $END
cert wildcard    "/O=LMT Corp/CN=*.example.test"   ec      inter wildcard 1007 $START $END
cert ip          "/O=LMT Corp/CN=ip.test"          ec      inter ip     1008 $START $END
cert cnonly      "/O=LMT Corp/CN=cn-only.local"    ec      inter cnonly 1009 $START $END
cert rsa1024     "/O=LMT Corp/CN=tls-server.local" rsa1024 inter server 100A $START $END
cert sha1        "/O=LMT Corp/CN=tls-server.local" ec      inter server 100B $START $END sha1
cert selfsigned  "/O=LMT Corp/CN=self.local"       ed25519 self  selfsigned 100C $START $END
cert clientCA    "/O=LMT Corp/CN=clientCA"         rsa2048 self  root   2001 $CA_START $CA_END
cert rogueCA     "/CN=rogueCA"                     rsa2048 self  root   2002 $CA_START $CA_END
cert client      "/O=LMT Corp/CN=client"           ec      clientCA client 2003 $START $END
cert client-noauth "/O=LMT Corp/CN=client-noauth"  ec      clientCA client_noauth 2004 $START $END
cert client-rogue "/O=LMT Corp/CN=client"          ec      rogueCA client 2005 $START $END

rm -rf "$out/capath"
mkdir "$out/capath"
cp root.pem "$out/capath/$(openssl x509 -in root.pem -noout -hash).0"
