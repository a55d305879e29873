#!/bin/sh
# Seeds for the certificate request reader: what OpenSSL writes for a device, EC and RSA, with and
# without subject alternative names (one with an IP address), in DER and PEM.
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$t/ec.key" \
  -subj /CN=print.interop.test -addext subjectAltName=DNS:print.interop.test -outform DER -out openssl-ec-san.der
openssl req -new -newkey rsa:2048 -nodes -keyout "$t/rsa.key" -subj /CN=print.interop.test -out openssl-rsa-cn-only.pem
openssl req -new -key "$t/ec.key" -subj /CN=printer \
  -addext subjectAltName=DNS:print.interop.test,IP:127.0.0.1 -outform DER -out openssl-ec-ip.der
rm -rf "$t"
