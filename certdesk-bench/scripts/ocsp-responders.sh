#!/usr/bin/env bash
# OCSP answers per second: Certdesk's responder against OpenSSL's own (`openssl ocsp -index`,
# Debian) on the same certificates, side by side in one run: GET requests without a nonce (RFC
# 5019; Certdesk answers them pre-signed, from memory) and POST requests with a nonce (a signature
# each, on both). The server under test is pinned to core 1, the client to core 0; the figure that
# compares is answers per second of *server* CPU (utime+stime from /proc). OpenSSL's responder
# signs with its own self-signed P-256 key (Certdesk's keys never leave it): the same work.
# The client is OcspLoad (certdesk-bench), not wrk: OpenSSL's responder serves one connection at
# a time and hangs on the empty connection wrk opens before its first request. Both servers get
# a new connection per request, as OpenSSL's own client does; Certdesk also with kept-alive ones.
# Needs: java 17+, mvn, curl, openssl, python3, taskset. Not part of CI.
# Usage: certdesk-bench/scripts/ocsp-responders.sh [CERTIFICATES] [SECONDS] [WARMUP_SECONDS]
set -euo pipefail
count=${1:-100}
seconds=${2:-20}
warmup=${3:-20}
root="$(cd "$(dirname "$0")/../.." && pwd)"
scripts="$root/certdesk-bench/scripts"
work=$(mktemp -d)
cd_port=18943
cd_http=18980
ossl_port=18981
pass=benchmark-password
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in curl openssl python3 taskset java mvn; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
echo "== Certdesk ($(java -version 2>&1 | head -1 | cut -d'"' -f2)), pinned to core 1"
CERTDESK_ADMIN_PASSWORD=$pass taskset -c 1 "$root/certdesk" serve --https-port $cd_port --ipps-port 0 --http-port $cd_http \
  --bind 127.0.0.1 --data "$work/certdesk" --ca-key-type EC_P256 >"$work/certdesk.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$cd_port/readyz"; do sleep 0.3; done
cd_pid=$(pgrep -f "certdesk.jar serve --https-port $cd_port" | head -1)
api="https://localhost:$cd_port/api/v1"
ca="$work/certdesk/platform-ca.pem"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf --cacert "$ca" "$api/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | json '["token"]')
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
account=$(curl -sf --cacert "$ca" "${auth[@]}" "$api/accounts" -d '{"name":"OCSP bench","type":"VENDOR"}' | json '["id"]')
domains=$(python3 -c "import json; print(json.dumps({'domains': ['o%d.ocsp.bench' % i for i in range($count)]}))")
curl -sf --cacert "$ca" "${auth[@]}" -X PUT "$api/accounts/$account/domains" -d "$domains" >/dev/null
echo "== $count generated chains, one OCSP request of each (with and without a nonce)"
mkdir -p "$work/req"
: >"$work/index.txt"
for i in $(seq 0 $((count - 1))); do
  id=$(curl -sf --cacert "$ca" "${auth[@]}" "$api/accounts/$account/private-chains/generate" \
    -d "{\"purpose\":\"TLS_SERVER\",\"domain\":\"o$i.ocsp.bench\"}" | json '["id"]')
  curl -sf --cacert "$ca" "${auth[@]}" "$api/accounts/$account/private-chains/$id/chain.pem" >"$work/req/chain.pem"
  awk -v d="$work/req" '/BEGIN/{n++} {print > (d "/c" n ".pem")}' "$work/req/chain.pem"
  mv "$work/req/c1.pem" "$work/req/leaf$i.pem"
  mv "$work/req/c2.pem" "$work/issuing.pem"
  openssl ocsp -issuer "$work/issuing.pem" -cert "$work/req/leaf$i.pem" -no_nonce -reqout "$work/req/get$i.der" >/dev/null
  openssl ocsp -issuer "$work/issuing.pem" -cert "$work/req/leaf$i.pem" -reqout "$work/req/nonce$i.der" >/dev/null
  echo "$work/req/nonce$i.der" >>"$work/nonce-files.txt"
  serial=$(openssl x509 -in "$work/req/leaf$i.pem" -noout -serial | cut -d= -f2)
  expiry=$(openssl x509 -in "$work/req/leaf$i.pem" -noout -enddate | cut -d= -f2)
  printf 'V\t%s\t\t%s\tunknown\t/CN=o%d.ocsp.bench\n' "$(date -u -d "$expiry" +%y%m%d%H%M%SZ)" "$serial" "$i" >>"$work/index.txt"
done
python3 - "$work" "$count" <<'PY'
import base64, sys, urllib.parse
work, count = sys.argv[1], int(sys.argv[2])
with open(f"{work}/certdesk-paths.txt", "w") as cd, open(f"{work}/openssl-paths.txt", "w") as ossl:
    for i in range(count):
        b64 = urllib.parse.quote(base64.b64encode(open(f"{work}/req/get{i}.der", "rb").read()).decode(), safe="")
        cd.write(f"/pki/ocsp/{b64}\n")
        ossl.write(f"/{b64}\n")
PY

echo "== OpenSSL $(openssl version | cut -d' ' -f2) responder (openssl ocsp -index, one process), pinned to core 1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/responder.key" -out "$work/responder.pem" \
  -days 2 -subj "/CN=OpenSSL bench responder" -addext extendedKeyUsage=OCSPSigning 2>/dev/null
taskset -c 1 openssl ocsp -index "$work/index.txt" -port $ossl_port -rsigner "$work/responder.pem" -rkey "$work/responder.key" \
  -CA "$work/issuing.pem" -nmin 720 -ignore_err >"$work/openssl.log" 2>&1 &
pids+=($!)
ossl_pid=$!
until grep -q "waiting for OCSP client connections" "$work/openssl.log"; do sleep 0.2; done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
load="java -XX:+UseParallelGC -cp $root/certdesk-bench/target/benchmarks.jar io.certdesk.bench.OcspLoad"
# measure LABEL PID PORT SECONDS MODE LIST POST_PATH CONNECTION -> "rate, per server CPU-second, p50/p99, failures"
measure() {
  local label=$1 pid=$2 port=$3 secs=$4; shift 4
  local before after out
  before=$(ticks "$pid")
  out=$(taskset -c 0 $load 127.0.0.1 "$port" "$1" "$2" "$3" "$secs" 16 "$4")
  after=$(ticks "$pid")
  python3 - "$label" "$out" "$before" "$after" "$hz" <<'PY'
import sys
label, out, before, after, hz = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
v = dict(zip(out[0::2], out[1::2]))
cpu = (after - before) / hz
print(f"{label}: {float(v['rate']):,.0f} answers/s, server CPU {cpu:.1f} s -> {int(v['done']) / cpu:,.0f} per server CPU-second,"
      f" p50 {v['p50_ms']} ms, p99 {v['p99_ms']} ms, {v['failed']} failed")
PY
}
# the answers say what they should before anything is counted
curl -sf "http://127.0.0.1:$cd_http$(head -1 "$work/certdesk-paths.txt")" -o "$work/a.der"
openssl ocsp -respin "$work/a.der" -issuer "$work/issuing.pem" -cert "$work/req/leaf0.pem" -CAfile "$ca" 2>&1 | grep -q "leaf0.pem: good"
curl -sf "http://127.0.0.1:$ossl_port$(head -1 "$work/openssl-paths.txt")" -o "$work/b.der"
openssl ocsp -respin "$work/b.der" -issuer "$work/issuing.pem" -cert "$work/req/leaf0.pem" -VAfile "$work/responder.pem" 2>&1 | grep -q "leaf0.pem: good"

echo "== warm-up: ${warmup} s on Certdesk, 3 s on OpenSSL (not counted)"
taskset -c 0 $load 127.0.0.1 $cd_http get "$work/certdesk-paths.txt" - "$warmup" 16 close >/dev/null
taskset -c 0 $load 127.0.0.1 $cd_http post "$work/nonce-files.txt" /pki/ocsp "$((warmup / 2))" 16 keep-alive >/dev/null
taskset -c 0 $load 127.0.0.1 $ossl_port get "$work/openssl-paths.txt" - 3 16 close >/dev/null
echo "== ${seconds} s each, client: 16 connections on core 0"
measure "Certdesk GET, no nonce, new connection each (pre-signed)" "$cd_pid" $cd_http "$seconds" get "$work/certdesk-paths.txt" - close
measure "OpenSSL  GET, no nonce, new connection each             " "$ossl_pid" $ossl_port "$seconds" get "$work/openssl-paths.txt" - close
measure "Certdesk GET, no nonce, kept-alive connections          " "$cd_pid" $cd_http "$seconds" get "$work/certdesk-paths.txt" - keep-alive
measure "Certdesk POST with a nonce, new connection each         " "$cd_pid" $cd_http "$seconds" post "$work/nonce-files.txt" /pki/ocsp close
measure "OpenSSL  POST with a nonce, new connection each         " "$ossl_pid" $ossl_port "$seconds" post "$work/nonce-files.txt" / close
measure "Certdesk POST with a nonce, kept-alive connections      " "$cd_pid" $cd_http "$seconds" post "$work/nonce-files.txt" /pki/ocsp keep-alive
