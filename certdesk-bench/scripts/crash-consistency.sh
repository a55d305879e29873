#!/usr/bin/env bash
# Crash consistency, long form: SIGKILLs a node at random moments under a stream of changes
# (domains, generated and bound chains, PKCS#12 and trusted-CA imports, deletions, API clients,
# tokens), restarts it each time and checks that every change answered 2xx is there and whole,
# through the API and by TLS handshakes; at the end, that the database opens with nothing
# half-stored. The test suite runs the short form (CrashConsistencyTest, 4 kills each).
# Usage: certdesk-bench/scripts/crash-consistency.sh [KILLS] [h2|postgresql|both]
set -euo pipefail
kills=${1:-50}
which=${2:-both}
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/certdesk-server/target/certdesk.jar"
bench="$root/certdesk-bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$bench" ]; then
  (cd "$root" && mvn -B -q -DskipTests install)
fi
dbs=(h2 postgresql)
[ "$which" = both ] || dbs=("$which")
status=0
for db in "${dbs[@]}"; do
  java -cp "$bench" io.certdesk.bench.crash.CrashConsistency --kills "$kills" --database "$db" --jar "$jar" || status=1
done
exit $status
