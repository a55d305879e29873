#!/usr/bin/env bash
# Soak, long form: two nodes of ./certdesk on one PostgreSQL (embedded, or --db-url) under mixed
# load (tokens 40 %, full handshakes 30 %, list pages 20 %, PKCS#12 imports each deleted again
# 10 %, connection checks to a local HTTPS server 15 a minute). Prints per minute the count and p99
# of each kind and each node's heap after a full GC; exits 1 on any 5xx, failed handshake, failed
# or unexpected answer, or a heap that grew more than 10 % from minute 2 to the last.
# The test suite runs the short form (SoakTest, 90 s).
# Usage: certdesk-bench/scripts/soak.sh [MINUTES] [WORKERS] [--db-url URL]
set -euo pipefail
minutes=${1:-10}
workers=${2:-8}
shift $(( $# > 2 ? 2 : $# ))
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/certdesk-server/target/certdesk.jar"
bench="$root/certdesk-bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$bench" ]; then
  (cd "$root" && mvn -B -q -DskipTests install)
fi
exec java -cp "$bench" io.certdesk.bench.soak.Soak --minutes "$minutes" --workers "$workers" --jar "$jar" "$@"
