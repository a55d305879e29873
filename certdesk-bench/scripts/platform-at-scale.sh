#!/usr/bin/env bash
# A platform at its scale: ACCOUNTS accounts (vendors of 99 customers each, a domain or three
# each, a TLS chain and a token-signing chain each with keys of their own, ten trusted CAs each)
# written into the database of one node of certdesk.jar, on H2 and then on (embedded)
# PostgreSQL. Prints start-up to the first served handshake, heap per chain held, p50/p99 of
# listing an account's chains and trusted CAs, of a token, of an import and of the platform
# admin's account list, and the database's size per account. Not part of CI.
# Usage: certdesk-bench/scripts/platform-at-scale.sh [ACCOUNTS] [h2|postgresql|both] [NODE_HEAP]
set -euo pipefail
accounts=${1:-100000}
databases=${2:-both}
heap=${3:-1g}
root="$(cd "$(dirname "$0")/../.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
exec java -Xmx4g -Dbench.node.heap="$heap" -cp "$root/certdesk-bench/target/benchmarks.jar" \
  io.certdesk.bench.PlatformAtScale "$root/certdesk-server/target/certdesk.jar" "$accounts" "$databases"
