#!/bin/sh
# make-certs.sh - regenerates the test PKI that tests/check_x509.c reads.
#
# Run from anywhere: sh tests/certs/make-certs.sh. It writes NAME.der and
# NAME.pem next to itself, and capath/ (a hashed CA directory holding
# root.pem). The keys are thrown away; the outputs are committed, so the
# tests never depend on this script, on randomness or on today's date.
#
# The certificates are made by pcaps/tools/mkpki.sh, the generator of the
# captures' PKI too, from the table below (its columns and the extension
# profiles are described there). Times are fixed (openssl ca -startdate /
# -enddate; OpenSSL 3.0's openssl x509 cannot set them). CAs are valid
# 2015-01-01..2049-12-31, leaves 2020-01-01..2045-12-31 unless a test needs
# otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CA_START=150101000000Z
CA_END=491231000000Z
START=200101000000Z
END=451231000000Z

sh "$here/../../pcaps/tools/mkpki.sh" "$here" pem+der <<TABLE
# name         subject                            key     issuer   profile       serial start      end
root          "/O=LMT Corp/CN=rootCA"             rsa2048 self     root          1001 $CA_START $CA_END
inter         "/O=LMT Corp/CN=intermediateCA"     rsa2048 root     inter         1002 $CA_START $CA_END
leaf          "/O=LMT Corp/CN=tls-server.local"   ec      inter    server        1003 $START $END
expired       "/O=LMT Corp/CN=tls-server.local"   ec      inter    server        1004 180101000000Z 200102000000Z
future        "/O=LMT Corp/CN=tls-server.local"   ec      inter    server        1005 400101000000Z $END
wrongname     "/O=LMT Corp/CN=other.local"        ec      inter    wrongname     1006 $START $END
wildcard      "/O=LMT Corp/CN=*.example.test"     ec      inter    wildcard      1007 $START $END
ip            "/O=LMT Corp/CN=ip.test"            ec      inter    ip            1008 $START $END
cnonly        "/O=LMT Corp/CN=cn-only.local"      ec      inter    cnonly        1009 $START $END
rsa1024       "/O=LMT Corp/CN=tls-server.local"   rsa1024 inter    server        100A $START $END
sha1          "/O=LMT Corp/CN=tls-server.local"   ec      inter    server        100B $START $END sha1
selfsigned    "/O=LMT Corp/CN=self.local"         ed25519 self     selfsigned    100C $START $END
clientCA      "/O=LMT Corp/CN=clientCA"           rsa2048 self     root          2001 $CA_START $CA_END
rogueCA       "/CN=rogueCA"                       rsa2048 self     root          2002 $CA_START $CA_END
client        "/O=LMT Corp/CN=client"             ec      clientCA client        2003 $START $END
client-noauth "/O=LMT Corp/CN=client-noauth"      ec      clientCA client_noauth 2004 $START $END
client-rogue  "/O=LMT Corp/CN=client"             ec      rogueCA  client        2005 $START $END
TABLE

rm -rf "$here/capath"
mkdir "$here/capath"
cp "$here/root.pem" "$here/capath/$(openssl x509 -in "$here/root.pem" -noout -hash).0"
