#!/bin/sh
# Captures real ClientHellos from openssl s_client as fuzz seeds (run from this folder).
set -eu
capture() { # name, s_client options...
  name=$1; shift
  python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18443)); s.listen(1); c, _ = s.accept(); c.settimeout(2)
data = b""
try:
    while len(data) < 65536:
        chunk = c.recv(65536)
        if not chunk: break
        data += chunk
except socket.timeout: pass
open(sys.argv[1], "wb").write(data)' "$name" &
  sleep 0.5
  timeout 3 openssl s_client -connect 127.0.0.1:18443 "$@" </dev/null >/dev/null 2>&1 || true
  wait
}
capture openssl-tls13-sni.bin -servername print.acme.test
capture openssl-tls12-rsa-suites.bin -servername old.acme.test -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
capture openssl-rsa-sigalgs-no-sni.bin -noservername -sigalgs RSA-PSS+SHA256:RSA+SHA256
