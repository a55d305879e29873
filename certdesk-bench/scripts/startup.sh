#!/usr/bin/env bash
# Startup to first served request: launches `./certdesk serve` and polls GET /readyz until it
# answers 200; prints milliseconds from launch. Runs N first starts (empty data folder: creates
# the database, master key and platform CA) and N restarts (existing data folder), each with the
# class-data sharing archive (the default) and without it (CERTDESK_CDS=off), side by side.
# Usage: certdesk-bench/scripts/startup.sh [N] [extra serve options...]
set -euo pipefail
n=${1:-5}; shift || true
root="$(cd "$(dirname "$0")/../.." && pwd)"
port=18643
work=$(mktemp -d)
trap 'pkill -f "certdesk.jar serve --https-port $port" 2>/dev/null || true; rm -rf "$work"' EXIT
"$root/certdesk" version >/dev/null   # builds the jar and the archive if needed

measure() { # $1 = data dir, then extra serve options
  local start end pid dir=$1
  shift
  start=$(date +%s%N)
  CERTDESK_ADMIN_PASSWORD=benchmark-password "$root/certdesk" serve \
    --https-port $port --bind 127.0.0.1 --data "$dir" "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null --max-time 1 -k "https://127.0.0.1:$port/readyz"; do sleep 0.02; done
  end=$(date +%s%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

for cds in on off; do
export CERTDESK_CDS=$cds
for kind in first restart; do
  results=()
  for i in $(seq 1 "$n"); do
    dir="$work/data-$i"
    if [ "$kind" = first ]; then rm -rf "$dir"; fi
    results+=("$(measure "$dir" "$@")")
  done
  sorted=$(printf '%s\n' "${results[@]}" | sort -n | tr '\n' ' ')
  echo "CDS $cds, $kind start (ms, sorted): $sorted"
done
done
