#!/usr/bin/env bash
# testssl.sh (Debian's) against a Certdesk node's HTTPS and IPPS listeners, as an auditor would run
# it: the full default scan (protocols, ciphers, server defaults, headers, vulnerabilities, client
# simulation), trusting the platform CA (--add-ca), the node started with its plain-HTTP /pki/ port
# so that its certificate names its CRL and OCSP responder. Prints every finding rated LOW or worse
# and exits 1 when one is MEDIUM, HIGH or CRITICAL. The test suite runs a --fast form (TlsScannerIT).
# Needs: java 17+, mvn, testssl, curl, python3.
# Usage: certdesk-bench/scripts/tls-scan.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
https=18443
ipps=18631
http=18080
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v testssl >/dev/null || { echo "needs testssl (apt install testssl.sh)" >&2; exit 2; }
echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1), $(testssl --version 2>/dev/null | grep -m1 -o 'testssl *[0-9.]*')"
CERTDESK_ADMIN_PASSWORD=tls-scan-password "$root/certdesk" serve --https-port $https --ipps-port $ipps --http-port $http \
  --bind 127.0.0.1 --data "$work/data" >"$work/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null -k "https://127.0.0.1:$https/readyz"; do
  kill -0 $pid 2>/dev/null || { tail -20 "$work/server.log"; exit 1; }
  sleep 0.5
done
worst=0
for target in "https://localhost:$https" "localhost:$ipps"; do
  name=$( [ "$target" = "localhost:$ipps" ] && echo ipps || echo https )
  echo "== $name ($target)"
  testssl --quiet --color 0 --warnings off --add-ca "$work/data/platform-ca.pem" \
    --jsonfile-pretty "$work/$name.json" --logfile "$work/$name.log" "$target" >/dev/null 2>&1 || true
  python3 - "$work/$name.json" <<'PY' || worst=1
import json, sys
report = json.load(open(sys.argv[1]))
counts, bad = {}, False
for target in report.get("scanResult", []):
    for section, findings in target.items():
        if not isinstance(findings, list):
            continue
        for f in findings:
            s = f.get("severity")
            if not s:
                continue
            counts[s] = counts.get(s, 0) + 1
            if s in ("LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN"):
                print(f"  {s:8} {section} {f['id']}: {f.get('finding', '')}")
            bad |= s in ("MEDIUM", "HIGH", "CRITICAL")
print("  findings by severity:", dict(sorted(counts.items())), "scan", report.get("scanTime"), "s")
sys.exit(1 if bad else 0)
PY
  grep -E '^ (SSLv2|SSLv3|TLS 1|TLS 1.1|TLS 1.2|TLS 1.3) ' "$work/$name.log" | sed 's/^/  /'
done
exit $worst
