#!/bin/sh
# Seeds for the OCSP request reader: what OpenSSL's client sends, with and without a nonce, about
# one serial and about two, with SHA-1 and SHA-256 CertIDs.
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ca.key" \
  -subj "/CN=Fuzz Issuing CA" -days 30 -out "$t/ca.pem" 2>/dev/null
openssl ocsp -issuer "$t/ca.pem" -serial 0x1f2e3d4c5b6a -reqout openssl-nonce.der
openssl ocsp -issuer "$t/ca.pem" -serial 0x01 -no_nonce -reqout openssl-no-nonce.der
openssl ocsp -issuer "$t/ca.pem" -sha256 -serial 0x0a -serial 0x0b -reqout openssl-two-sha256.der
rm -rf "$t"
