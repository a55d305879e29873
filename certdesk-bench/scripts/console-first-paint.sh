#!/usr/bin/env bash
# How fast the web console shows up in Debian's headless Chromium, against `./certdesk serve` (H2)
# on this machine: the sign-in page's first contentful paint, and an account's Certificates tab
# (100 trusted CAs, 12 private chains) rendered with its data, each over N fresh loads with the
# browser cache disabled (io.certdesk.bench.ConsolePaint). Needs chromium, chromium-driver,
# openssl, curl, jq, java 17+, mvn. Not part of CI.
# Usage: certdesk-bench/scripts/console-first-paint.sh [N]
set -euo pipefail
n=${1:-20}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
port=18870
pass=console-bench-password
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in chromium chromedriver openssl curl jq java mvn; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
CERTDESK_ADMIN_PASSWORD=$pass "$root/certdesk" serve --https-port $port --ipps-port 0 --http-port 0 --bind 127.0.0.1 --data "$work/data" \
  >"$work/certdesk.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$port/readyz"; do sleep 0.3; done
ca="$work/data/platform-ca.pem"
api="https://localhost:$port/api/v1"
token=$(curl -sf --cacert "$ca" "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | jq -r .token)
call() { curl -sf --cacert "$ca" -H "Authorization: Bearer $token" "$@"; }
account=$(call "$api/accounts" -H 'Content-Type: application/json' -d '{"name":"Paint Bench","type":"VENDOR"}' | jq -r .id)
domains=$(for i in $(seq 1 10); do printf '"d%s.paint.bench",' "$i"; done)
call -X PUT "$api/accounts/$account/domains" -H 'Content-Type: application/json' -d "{\"domains\":[${domains%,}]}" >/dev/null
for i in $(seq 1 100); do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj "/O=Paint/CN=Paint CA $i" \
    -days 400 -addext basicConstraints=critical,CA:TRUE 2>/dev/null
done >"$work/cas.pem"
call "$api/accounts/$account/trusted-cas" -F "file=@$work/cas.pem" >/dev/null
for i in $(seq 1 10); do
  call "$api/accounts/$account/private-chains/generate" -H 'Content-Type: application/json' \
    -d "{\"purpose\":\"TLS_SERVER\",\"domain\":\"d$i.paint.bench\"}" >/dev/null
done
call "$api/accounts/$account/private-chains/generate" -H 'Content-Type: application/json' -d '{"purpose":"TOKEN_SIGNING"}' >/dev/null
spki=$(openssl x509 -in "$ca" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
echo "== console in Chromium $(chromium --version 2>/dev/null | awk '{print $2}'), $n loads each, server and browser on this machine"
java -cp "$root/certdesk-bench/target/benchmarks.jar" io.certdesk.bench.ConsolePaint "https://localhost:$port" admin "$pass" "$account" "$n" "$spki"
