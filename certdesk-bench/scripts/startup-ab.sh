#!/usr/bin/env bash
# First starts of two builds, one after the other N times, so both see the machine alike: the
# checkout given (built: its ./certdesk serves) and this one. Each start is on an empty data
# folder with the CDS archive; the time is from launch to GET /readyz answering 200.
# Usage: certdesk-bench/scripts/startup-ab.sh OTHER_CHECKOUT [N]
set -euo pipefail
other=$(cd "$1" && pwd)
n=${2:-8}
root="$(cd "$(dirname "$0")/../.." && pwd)"
port=18643
work=$(mktemp -d)
trap 'pkill -f "serve --https-port $port" 2>/dev/null || true; rm -rf "$work"' EXIT
"$other/certdesk" version >/dev/null # builds the jar's archive if needed
"$root/certdesk" version >/dev/null

measure() { # $1 = checkout
  local start end pid dir="$work/data"
  rm -rf "$dir"
  start=$(date +%s%N)
  CERTDESK_ADMIN_PASSWORD=benchmark-password "$1/certdesk" serve \
    --https-port $port --bind 127.0.0.1 --data "$dir" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null --max-time 1 -k "https://127.0.0.1:$port/readyz"; do sleep 0.02; done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

a=(); b=()
for _ in $(seq 1 "$n"); do
  a+=("$(measure "$other")")
  b+=("$(measure "$root")")
done
echo "$other: first start, ms (sorted): $(printf '%s\n' "${a[@]}" | sort -n | tr '\n' ' ')"
echo "$root: first start, ms (sorted): $(printf '%s\n' "${b[@]}" | sort -n | tr '\n' ' ')"
