#!/usr/bin/env bash
# Bulk import over kept-alive HTTPS: N accounts with a domain each, then 2N PKCS#12 imports (an EC
# P-256 and an RSA-2048 chain per name) from THREADS client threads, against one node of
# certdesk.jar on H2 and then on (embedded) PostgreSQL. Prints imports per second, p50/p99 and the
# node's CPU per import. Not part of CI.
# Usage: certdesk-bench/scripts/bulk-import.sh [NAMES] [THREADS] [h2|postgres|both]
set -euo pipefail
names=${1:-1000}
threads=${2:-8}
databases=${3:-both}
root="$(cd "$(dirname "$0")/../.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
exec java -cp "$root/certdesk-bench/target/benchmarks.jar" io.certdesk.bench.BulkImport \
  "$root/certdesk-server/target/certdesk.jar" "$names" "$threads" "$databases"
