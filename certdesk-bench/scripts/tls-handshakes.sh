#!/usr/bin/env bash
# Full TLS handshakes per second with SNI: Certdesk's TLS edge against nginx (Debian) serving the
# same N names with the same certificates (one server block per name, an EC P-256 and an RSA-2048
# certificate each), side by side in one run. The server under test is pinned to core 1, the
# client (handshakes.c: OpenSSL, a new session every time, the next name as SNI) to core 0; the
# figure that compares is handshakes per second of *server* CPU (utime+stime from /proc).
# Also: the heap the TLS index takes for N names, and the time from an import to its first handshake.
# Needs: gcc, libssl-dev, nginx, taskset, java 17+, mvn. Not part of CI.
# Usage: certdesk-bench/scripts/tls-handshakes.sh [NAMES] [SECONDS] [WARMUP_SECONDS]
set -euo pipefail
names=${1:-1000}
seconds=${2:-20}
warmup=${3:-40}
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
cd_port=18843
nginx_port=18844
pass=benchmark-password
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in gcc nginx taskset java mvn curl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done

(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
gcc -O2 -o "$work/handshakes" "$root/certdesk-bench/handshakes/handshakes.c" -lssl -lcrypto
bench="java -cp $root/certdesk-bench/target/benchmarks.jar"
$bench io.certdesk.bench.TlsEdgeSetup generate "$work" "$names"

ticks() { # utime+stime of a process and its children threads, in clock ticks
  local total=0
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo $total
}
hz=$(getconf CLK_TCK)
# measure NAME PORT SIGALGS SECONDS PIDS... -> "rate per_cpu_second failures"
measure() {
  local label=$1 port=$2 sigalgs=$3 secs=$4; shift 4
  local before after out
  before=$(ticks "$@")
  out=$(taskset -c 0 "$work/handshakes" 127.0.0.1 "$port" "$work/names.txt" "$secs" 2 "$sigalgs")
  after=$(ticks "$@")
  python3 - "$label" "$out" "$before" "$after" "$hz" <<'PY'
import sys
label, out, before, after, hz = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
done, failed, secs = int(out[1]), int(out[3]), float(out[5])
cpu = (after - before) / hz
print(f"{label}: {done / secs:,.0f} handshakes/s, server CPU {cpu:.1f} s -> {done / cpu:,.0f} per server CPU-second, {failed} failed")
PY
}

echo "== Certdesk (JSSE, JDK $(java -version 2>&1 | head -1 | cut -d'"' -f2)), $names names, pinned to core 1"
CERTDESK_ADMIN_PASSWORD=$pass JAVA_TOOL_OPTIONS="-Xlog:disable" taskset -c 1 "$root/certdesk" serve --https-port $cd_port --ipps-port 0 --http-port 0 \
  --tls-engine JSSE --bind 127.0.0.1 --data "$work/certdesk" --ca-key-type EC_P256 >"$work/certdesk.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$cd_port/readyz"; do sleep 0.3; done
cd_pid=$(pgrep -f "certdesk.jar serve --https-port $cd_port" | head -1)
jcmd "$cd_pid" GC.run >/dev/null
heap_used() { # KiB used in the Java heap (every generation, not metaspace), after a full GC
  jcmd "$cd_pid" GC.run >/dev/null
  jcmd "$cd_pid" GC.heap_info | awk '!/Metaspace|class space/ {for (i=1;i<NF;i++) if ($i=="used") {v=$(i+1); gsub(/[K,]/,"",v); s+=v}} END {print s}'
}
heap_before=$(heap_used)
$bench io.certdesk.bench.TlsEdgeSetup load "$work" "https://localhost:$cd_port" $pass "$work/certdesk/platform-ca.pem"
heap_after=$(heap_used)
echo "heap after a full GC: ${heap_before} KiB before loading, ${heap_after} KiB after: $(( (heap_after - heap_before) * 1024 / (names * 2) )) bytes per chain ($((names * 2)) chains, certificates included)"
$bench io.certdesk.bench.TlsEdgeSetup latency "$work" "https://localhost:$cd_port" $pass "$work/certdesk/platform-ca.pem"

echo "== nginx $(nginx -v 2>&1 | cut -d/ -f2), same names and certificates, one worker pinned to core 1"
mkdir -p "$work/nginx/logs"
{
  echo "worker_processes 1; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;"
  echo "events { worker_connections 4096; }"
  echo "http { access_log off; ssl_protocols TLSv1.2 TLSv1.3; server_names_hash_max_size 262144; server_names_hash_bucket_size 128;"
  echo "  server { listen 127.0.0.1:$nginx_port ssl default_server; server_name _;"
  echo "    ssl_certificate $work/pem/h1.edge.bench.ec.crt; ssl_certificate_key $work/pem/h1.edge.bench.ec.key; return 200; }"
  while read -r name; do
    echo "  server { listen 127.0.0.1:$nginx_port ssl; server_name $name;"
    echo "    ssl_certificate $work/pem/$name.ec.crt; ssl_certificate_key $work/pem/$name.ec.key;"
    echo "    ssl_certificate $work/pem/$name.rsa.crt; ssl_certificate_key $work/pem/$name.rsa.key; return 200; }"
  done <"$work/names.txt"
  echo "}"
} >"$work/nginx/nginx.conf"
taskset -c 1 nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
until [ -f "$work/nginx/nginx.pid" ]; do sleep 0.2; done
sleep 1
nginx_workers=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | tr '\n' ' ')

echo "== warm-up: ${warmup} s on Certdesk, 5 s on nginx (not counted)"
taskset -c 0 "$work/handshakes" 127.0.0.1 $cd_port "$work/names.txt" "$warmup" 2 >/dev/null
taskset -c 0 "$work/handshakes" 127.0.0.1 $nginx_port "$work/names.txt" 5 2 >/dev/null
echo "== ${seconds} s each, client: 2 processes on core 0"
measure "Certdesk JSSE      EC P-256" $cd_port "ECDSA+SHA256" "$seconds" "$cd_pid"
measure "nginx              EC P-256" $nginx_port "ECDSA+SHA256" "$seconds" $nginx_workers
measure "Certdesk JSSE      RSA-2048" $cd_port "RSA-PSS+SHA256:RSA+SHA256" "$seconds" "$cd_pid"
measure "nginx              RSA-2048" $nginx_port "RSA-PSS+SHA256:RSA+SHA256" "$seconds" $nginx_workers

echo "== Certdesk again on the same data on its default engine, BoringSSL (Conscrypt), warm-up ${warmup} s"
kill "$cd_pid"; while kill -0 "$cd_pid" 2>/dev/null; do sleep 0.2; done
CERTDESK_ADMIN_PASSWORD=$pass taskset -c 1 "$root/certdesk" serve --https-port $cd_port --ipps-port 0 --http-port 0 \
  --bind 127.0.0.1 --data "$work/certdesk" >"$work/certdesk-conscrypt.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$cd_port/readyz"; do sleep 0.3; done
cd_pid=$(pgrep -f "certdesk.jar serve --https-port $cd_port" | head -1)
grep -q "BoringSSL through Conscrypt" "$work/certdesk-conscrypt.log" || { echo "Conscrypt did not load" >&2; exit 1; }
taskset -c 0 "$work/handshakes" 127.0.0.1 $cd_port "$work/names.txt" "$warmup" 2 >/dev/null
measure "Certdesk Conscrypt EC P-256" $cd_port "ECDSA+SHA256" "$seconds" "$cd_pid"
measure "Certdesk Conscrypt RSA-2048" $cd_port "RSA-PSS+SHA256:RSA+SHA256" "$seconds" "$cd_pid"
grep -o "TLS edge: [0-9]* chains of [0-9]* accounts loaded in [0-9]* ms" "$work/certdesk-conscrypt.log" || true
