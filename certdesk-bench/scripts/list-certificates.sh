#!/usr/bin/env bash
# Latency of listing an account's 10,000 trusted certificates a page at a time, over HTTPS,
# against a running server: wrk on the first page and on a page deep in the list (keyset paging
# makes them cost the same), 100 and 500 per page.
# Needs: wrk, curl, python3. Usage: certdesk-bench/scripts/list-certificates.sh [COUNT] [SECONDS]
set -euo pipefail
count=${1:-10000}
seconds=${2:-30}
root="$(cd "$(dirname "$0")/../.." && pwd)"
port=18743
work=$(mktemp -d)
pass=benchmark-password
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
java -cp "$root/certdesk-bench/target/benchmarks.jar" io.certdesk.bench.MakeCertificates "$count" "$work/cas"

CERTDESK_ADMIN_PASSWORD=$pass "$root/certdesk" serve --https-port $port --bind 127.0.0.1 --data "$work/data" \
  --ca-key-type EC_P256 >"$work/server.log" 2>&1 &
server=$!
until curl -sf -o /dev/null -k "https://127.0.0.1:$port/readyz"; do sleep 0.2; done

api() { curl -sf -k -H "Authorization: Bearer $token" "$@"; }
token=$(curl -sf -k "https://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
account=$(api "https://127.0.0.1:$port/api/v1/accounts" -H 'Content-Type: application/json' -d '{"name":"Load","type":"VENDOR"}' \
  | python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
for f in "$work"/cas/*.pem; do
  api -o /dev/null "https://127.0.0.1:$port/api/v1/accounts/$account/trusted-cas" -F "file=@$f"
done
base="https://127.0.0.1:$port/api/v1/accounts/$account/trusted-cas"
# The cursor of a page near the end of the list.
cursor=$(python3 - "$base" "$token" <<'PY'
import json, ssl, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
ctx = ssl._create_unverified_context()
after, pages = None, 0
while True:
    url = base + "?limit=500" + ("&after=" + after if after else "")
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": "Bearer " + token}), context=ctx))
    pages += 1
    if page["next"] is None:
        break
    last, after = after, page["next"]
print(last)
PY
)
echo "stored: $(api "$base?limit=1" >/dev/null && echo ok), deep cursor: $cursor"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "warming up the JIT (10 s, not counted)"
wrk -t1 -c4 -d10s -H "Authorization: Bearer $token" "$base?limit=100" >/dev/null
for limit in 100 500; do
  for where in first deep; do
    url="$base?limit=$limit"
    [ "$where" = deep ] && url="$url&after=$cursor"
    echo "== $where page, limit=$limit: wrk -t1 -c4 -d${seconds}s --latency"
    wrk -t1 -c4 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$url" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
  done
done
