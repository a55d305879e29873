#!/usr/bin/env bash
# ACME issuances per second, Certdesk's ACME directory against Pebble 2.4 (Let's Encrypt's test
# ACME server, from Debian), side by side in one run on this machine; then the rate of Certdesk's
# device-CSR signing (POST …/certificates/sign). The client is AcmeLoad (certdesk-bench): CLIENTS
# threads, each an ACME account made with EAB on both servers, one kept-alive HTTPS connection each,
# repeating newOrder, finalize (EC P-256 CSR), certificate download. Validation passes on both:
# Pebble with PEBBLE_VA_ALWAYS_VALID=1 and PEBBLE_AUTHZREUSE=100 (its orders are ready once the
# first authorization is valid), Certdesk with the account's domains counted as validated. Both
# sign with an RSA-2048 intermediate. Pebble keeps everything in memory; Certdesk commits each
# order, authorization, challenge and certificate to its database (H2 file, the embedded default).
# The figure that compares is issuances per second of *server* CPU (utime+stime from /proc), as the
# client shares the machine. Not part of CI.
# Needs: java 17+, mvn, pebble, curl, jq, openssl.
# Usage: certdesk-bench/scripts/acme-vs-pebble.sh [SECONDS] [CLIENTS]
set -euo pipefail
seconds=${1:-20}
clients=${2:-8}
warmup=${WARMUP:-15}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
cd_port=18843
pebble_port=14700
pass=benchmark-password
domain=load.acme.bench
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in pebble curl jq openssl mvn java; do
  command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"

echo "== build"
(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
load="java -XX:+UseParallelGC -cp $root/certdesk-bench/target/benchmarks.jar io.certdesk.bench.AcmeLoad"

echo "== Certdesk: start (H2, HTTPS on $cd_port, RSA-2048 platform CA)"
CERTDESK_ADMIN_PASSWORD=$pass "$root/certdesk" serve --https-port $cd_port --bind 127.0.0.1 --data "$work/certdesk" \
  --ca-key-type RSA_2048 >"$work/certdesk.log" 2>&1 &
cd_pid=$!
pids+=($cd_pid)
until curl -sf -o /dev/null -k "https://127.0.0.1:$cd_port/readyz"; do
  kill -0 $cd_pid 2>/dev/null || { tail -20 "$work/certdesk.log"; exit 1; }
  sleep 0.3
done
ca="$work/certdesk/platform-ca.pem"
api="https://localhost:$cd_port/api/v1"
session=$(curl -sf --cacert "$ca" "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | jq -r .token)
cd_api() { curl -sf --cacert "$ca" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' "$@"; }
account=$(cd_api "$api/accounts" -d '{"name":"ACME load","type":"VENDOR"}' | jq -r .id)
cd_api -X PUT "$api/accounts/$account/domains" -d "{\"domains\":[\"$domain\"]}" >/dev/null
cd_api -X PUT "$api/accounts/$account/acme/settings" -d '{"domainsPrevalidated":true,"ordersPerHour":100000}' >/dev/null
: >"$work/certdesk-eab"
for _ in $(seq 1 "$clients"); do
  cd_api "$api/accounts/$account/acme/eab" -d '{}' | jq -r '.keyId + " " + .hmacKey' >>"$work/certdesk-eab"
done
# device-CSR signing: an account per client (at most 5,000 certificates in force an account)
: >"$work/sign"
for i in $(seq 1 "$clients"); do
  a=$(cd_api "$api/accounts" -d "{\"name\":\"Devices $i\",\"type\":\"VENDOR\"}" | jq -r .id)
  cd_api -X PUT "$api/accounts/$a/domains" -d "{\"domains\":[\"printer$i.sign.bench\"]}" >/dev/null
  echo "$api/accounts/$a/certificates/sign printer$i.sign.bench" >>"$work/sign"
done

echo "== Pebble: start (HTTPS on $pebble_port, EAB required, validation always passes)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/pebble.key" -out "$work/pebble.pem" \
  -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
: >"$work/pebble-eab"
macs=""
for i in $(seq 1 "$clients"); do
  mac=$(openssl rand 32 | basenc --base64url | tr -d '=\n')
  echo "kid-$i $mac" >>"$work/pebble-eab"
  macs="$macs\"kid-$i\": \"$mac\","
done
cat >"$work/pebble.json" <<EOF
{"pebble": {"listenAddress": "127.0.0.1:$pebble_port", "managementListenAddress": "127.0.0.1:$((pebble_port + 1))",
  "certificate": "$work/pebble.pem", "privateKey": "$work/pebble.key", "httpPort": 5002, "tlsPort": 5001,
  "ocspResponderURL": "", "externalAccountBindingRequired": true, "externalAccountMACKeys": {${macs%,}}}}
EOF
PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=100 \
  pebble -config "$work/pebble.json" >"$work/pebble.log" 2>&1 &
pebble_pid=$!
pids+=($pebble_pid)
until curl -sf -o /dev/null --cacert "$work/pebble.pem" "https://127.0.0.1:$pebble_port/dir"; do sleep 0.2; done
echo "Pebble's intermediate: $(curl -sf --cacert "$work/pebble.pem" "https://127.0.0.1:$((pebble_port + 1))/intermediates/0" \
  | openssl x509 -noout -text | grep -m1 'Public Key Algorithm' | xargs) $(curl -sf --cacert "$work/pebble.pem" \
  "https://127.0.0.1:$((pebble_port + 1))/intermediates/0" | openssl x509 -noout -text | grep -m1 'Public-Key' | xargs)"

echo "== ACME issuances, $clients clients, ${warmup} s warm-up, $seconds s measured"
printf 'pebble   '
$load acme "https://127.0.0.1:$pebble_port/dir" "$work/pebble.pem" "$work/pebble-eab" $domain "$seconds" "$warmup" \
  "$clients" $pebble_pid
printf 'certdesk '
$load acme "https://localhost:$cd_port/acme/$account/directory" "$ca" "$work/certdesk-eab" $domain "$seconds" "$warmup" \
  "$clients" $cd_pid
kill $pebble_pid

echo "== Certdesk device-CSR signing (POST …/certificates/sign, PEM chain back), $clients clients"
printf 'certdesk '
$load sign "$work/sign" "$ca" "$session" - "$seconds" "$warmup" "$clients" $cd_pid
echo "database: $(du -sh "$work/certdesk" | cut -f1) after the run"
