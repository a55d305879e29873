#!/usr/bin/env bash
# SCEP enrollments per second and per server CPU-second: a node on H2 (the embedded default, its
# default RSA-3072 platform CA, so a device's RSA certificate is signed by the RSA-3072 issuing CA)
# with the plain-HTTP port, CLIENTS accounts with SCEP on and a static password each, and ScepLoad
# (certdesk-bench): CLIENTS threads, each a device of its own account, repeating PKCSReq with a
# new transaction ID over a kept-alive connection. The client shares the machine, so the figure
# that compares is enrollments per second of *server* CPU (utime+stime from /proc).
# PROFILE=1 records a JFR profile of the server (written to $PWD/scep-enroll.jfr).
# Not part of CI. Needs: java 17+, mvn, curl, jq.
# Usage: certdesk-bench/scripts/scep-enroll.sh [SECONDS] [CLIENTS]
set -euo pipefail
seconds=${1:-20}
clients=${2:-4}
warmup=${WARMUP:-15}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
https_port=18943
http_port=18980
pass=benchmark-password
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in curl jq mvn java; do
  command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"

echo "== build"
(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
load="java -XX:+UseParallelGC -cp $root/certdesk-bench/target/benchmarks.jar io.certdesk.bench.ScepLoad"

opts=""
if [ "${PROFILE:-0}" = 1 ]; then
  opts="-XX:StartFlightRecording=name=scep,settings=profile,filename=$PWD/scep-enroll.jfr"
fi
echo "== Certdesk: start (H2, HTTPS on $https_port, SCEP on http://127.0.0.1:$http_port)"
CERTDESK_CDS=off CERTDESK_JAVA_OPTS="$opts" CERTDESK_ADMIN_PASSWORD=$pass "$root/certdesk" serve --https-port $https_port \
  --http-port $http_port --bind 127.0.0.1 --data "$work/certdesk" >"$work/certdesk.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$https_port/readyz"; do
  sleep 0.3
done
cd_pid=$(pgrep -f "certdesk.jar serve --https-port $https_port" | head -1)
ca="$work/certdesk/platform-ca.pem"
api="https://localhost:$https_port/api/v1"
session=$(curl -sf --cacert "$ca" "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | jq -r .token)
cd_api() { curl -sf --cacert "$ca" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' "$@"; }
: >"$work/accounts"
for i in $(seq 1 "$clients"); do
  a=$(cd_api "$api/accounts" -d "{\"name\":\"Printers $i\",\"type\":\"VENDOR\"}" | jq -r .id)
  cd_api -X PUT "$api/accounts/$a/domains" -d "{\"domains\":[\"mfp$i.scep.bench\"]}" >/dev/null
  cd_api -X PUT "$api/accounts/$a/scep/settings" -d '{"enabled":true}' >/dev/null
  pw=$(cd_api "$api/accounts/$a/scep/passwords" -d '{"kind":"STATIC"}' | jq -r .password)
  echo "http://127.0.0.1:$http_port/scep/$a $pw mfp$i.scep.bench" >>"$work/accounts"
done
echo "== SCEP PKCSReq: $clients clients, ${warmup}s warm-up, ${seconds}s measured"
$load "$work/accounts" "$seconds" "$warmup" "$clients" "$cd_pid"
grep -c "SCEP ENROLLMENT" "$work/certdesk.log" | xargs echo "enrollments logged by the node:"
