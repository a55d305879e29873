#!/bin/sh
# Seeds for taking back a signed certificate: a leaf and its CA as OpenSSL writes them, PEM and PKCS#7.
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" -subj "/CN=Interop CA" \
  -days 3650 -addext basicConstraints=critical,CA:TRUE -out "$t/ca.pem" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/leaf.key" -subj /CN=print.interop.test \
  -addext subjectAltName=DNS:print.interop.test -out "$t/leaf.csr" 2>/dev/null
openssl x509 -req -in "$t/leaf.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 3650 \
  -copy_extensions copy -out "$t/leaf.pem" 2>/dev/null
cat "$t/leaf.pem" "$t/ca.pem" > openssl-leaf-and-ca.pem
openssl crl2pkcs7 -nocrl -certfile openssl-leaf-and-ca.pem -outform DER -out openssl-leaf-and-ca.p7b
rm -rf "$t"
