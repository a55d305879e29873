#!/usr/bin/env bash
# Access tokens per second, Certdesk's token endpoint against Keycloak 26's client-credentials
# grant, side by side in one run on this machine: both over HTTPS with kept-alive connections,
# ES256 and RS256, at peak (wrk, 16 connections) and paced at half of each one's own peak
# (latency below saturation). Fetches Keycloak's distribution from Maven Central, starts it with
# `kc.sh start-dev`, creates a realm and a confidential client per algorithm, and does the same
# in Certdesk (an account per algorithm, an API client each). Not part of CI.
# Needs: java 17+, mvn, wrk, curl, jq, openssl, unzip, python3.
# Usage: certdesk-bench/scripts/tokens-vs-keycloak.sh [SECONDS]
set -euo pipefail
seconds=${1:-20}
warmup=${WARMUP:-20}
kc_version=26.7.3
root="$(cd "$(dirname "$0")/../.." && pwd)"
lua="$root/certdesk-bench/scripts/token-post.lua"
cache="$root/certdesk-bench/target/keycloak"
work=$(mktemp -d)
cd_port=18743
kc_port=18543
pass=benchmark-password
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for tool in wrk curl jq openssl unzip python3 mvn; do
  command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

echo "== Keycloak $kc_version: fetch and start (start-dev, HTTPS on $kc_port)"
mkdir -p "$cache"
if [ ! -x "$cache/keycloak-$kc_version/bin/kc.sh" ]; then
  mvn -B -q dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:$kc_version:zip -Dtransitive=false
  unzip -q -o "$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$kc_version/keycloak-quarkus-dist-$kc_version.zip" -d "$cache"
fi
kc_home="$cache/keycloak-$kc_version"
rm -rf "$kc_home/data"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/kc.key" -out "$work/kc.pem" -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$pass "$kc_home/bin/kc.sh" start-dev --http-port=18180 \
  --https-port=$kc_port --https-certificate-file="$work/kc.pem" --https-certificate-key-file="$work/kc.key" >"$work/kc.log" 2>&1 &
pids+=($!)

echo "== Certdesk: build and start (H2, HTTPS on $cd_port)"
(cd "$root" && mvn -B -q -DskipTests install) >/dev/null
CERTDESK_ADMIN_PASSWORD=$pass "$root/certdesk" serve --https-port $cd_port --bind 127.0.0.1 --data "$work/certdesk" \
  --ca-key-type EC_P256 >"$work/certdesk.log" 2>&1 &
pids+=($!)
until curl -sf -o /dev/null -k "https://127.0.0.1:$cd_port/readyz"; do sleep 0.3; done
for _ in $(seq 1 240); do
  curl -sf -o /dev/null --cacert "$work/kc.pem" "https://localhost:$kc_port/realms/master" && break
  sleep 0.5
done
curl -sf -o /dev/null --cacert "$work/kc.pem" "https://localhost:$kc_port/realms/master" || { tail -20 "$work/kc.log"; exit 1; }

# Keycloak: a realm per algorithm, each with a confidential client allowed the client-credentials grant.
kc="curl -sf --cacert $work/kc.pem"
adm=$($kc -d grant_type=password -d client_id=admin-cli -d username=admin -d password=$pass \
  "https://localhost:$kc_port/realms/master/protocol/openid-connect/token" | jq -r .access_token)
kc_admin() { $kc -H "Authorization: Bearer $adm" -H 'Content-Type: application/json' "$@"; }
kc_secret=$(openssl rand -hex 24)
for alg in ES256 RS256; do
  realm=bench-$alg
  kc_admin -X POST "https://localhost:$kc_port/admin/realms" -d "{\"realm\":\"$realm\",\"enabled\":true}"
  kc_admin -X POST "https://localhost:$kc_port/admin/realms/$realm/clients" -d "{\"clientId\":\"fleet\",\"secret\":\"$kc_secret\",
    \"publicClient\":false,\"serviceAccountsEnabled\":true,\"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false}"
done
realm_id=$(kc_admin "https://localhost:$kc_port/admin/realms/bench-ES256" | jq -r .id)
kc_admin -X POST "https://localhost:$kc_port/admin/realms/bench-ES256/components" -d "{\"name\":\"ecdsa-p256\",
  \"providerId\":\"ecdsa-generated\",\"providerType\":\"org.keycloak.keys.KeyProvider\",\"parentId\":\"$realm_id\",
  \"config\":{\"priority\":[\"200\"],\"ecdsaEllipticCurveKey\":[\"P-256\"]}}"
kc_admin -X PUT "https://localhost:$kc_port/admin/realms/bench-ES256" -d '{"defaultSignatureAlgorithm":"ES256"}'

# Certdesk: an account per algorithm (a new account signs ES256 with its P-256 chain; the other gets an RSA-2048 one).
cd_api() { curl -sf -k -H "Authorization: Bearer $session" -H 'Content-Type: application/json' "$@"; }
session=$(curl -sf -k "https://127.0.0.1:$cd_port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$pass\"}" | jq -r .token)
declare -A url form
for alg in ES256 RS256; do
  account=$(cd_api "https://127.0.0.1:$cd_port/api/v1/accounts" -d "{\"name\":\"Tokens $alg\",\"type\":\"VENDOR\"}" | jq -r .id)
  if [ $alg = RS256 ]; then
    chain=$(cd_api "https://127.0.0.1:$cd_port/api/v1/accounts/$account/private-chains/generate" \
      -d '{"purpose":"TOKEN_SIGNING","keyType":"RSA_2048"}' | jq -r .id)
    cd_api -X PUT "https://127.0.0.1:$cd_port/api/v1/accounts/$account/pki-settings" -d "{\"signingChainId\":\"$chain\"}" >/dev/null
  fi
  client=$(cd_api "https://127.0.0.1:$cd_port/api/v1/accounts/$account/api-clients" -d '{"name":"fleet"}')
  url[certdesk-$alg]="https://127.0.0.1:$cd_port/api/v1/accounts/$account/oauth2/token"
  form[certdesk-$alg]="grant_type=client_credentials&client_id=$(jq -r .clientId <<<"$client")&client_secret=$(jq -r .clientSecret <<<"$client")"
  url[keycloak-$alg]="https://localhost:$kc_port/realms/bench-$alg/protocol/openid-connect/token"
  form[keycloak-$alg]="grant_type=client_credentials&client_id=fleet&client_secret=$kc_secret"
done

targets="certdesk-ES256 keycloak-ES256 certdesk-RS256 keycloak-RS256"
for t in $targets; do
  alg=$(curl -sf -k -d "${form[$t]}" "${url[$t]}" | jq -r .access_token | python3 -c 'import base64, json, sys
h = sys.stdin.read().split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))["alg"])')
  [ "$alg" = "${t#*-}" ] || { echo "$t signs $alg, expected ${t#*-}" >&2; exit 1; }
done

# wrk's latency figure, in ms
ms() { python3 -c 'import re,sys; v,u=re.match(r"([\d.]+)(us|ms|s)",sys.argv[1]).groups(); print(round(float(v)*{"us":0.001,"ms":1,"s":1000}[u],2))' "$1"; }
run() { # target connections pace_ms seconds -> "rps p50 p99 non2xx"
  local out
  out=$(TOKEN_FORM="${form[$1]}" PACE_MS=$3 wrk -t2 -c"$2" -d"$4s" --latency -s "$lua" "${url[$1]}" 2>/dev/null)
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(ms "$(awk '$1=="50%" {print $2}' <<<"$out")") \
$(ms "$(awk '$1=="99%" {print $2}' <<<"$out")") $(awk '/Non-2xx/ {print $4}' <<<"$out" | grep . || echo 0)"
}

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(java -version 2>&1 | head -1)"
echo "each: ${warmup} s warm-up (not counted), ${seconds} s at peak (wrk -t2 -c16), ${seconds} s paced at half of that peak (wrk -t2 -c32)"
declare -A peak half
for t in $targets; do
  run "$t" 16 0 "$warmup" >/dev/null
  peak[$t]=$(run "$t" 16 0 "$seconds")
  read -r rps _ _ _ <<<"${peak[$t]}"
  # 32 connections, each waiting PACE_MS after each answer: one pass to learn the latency, then the pace for half the peak.
  pace=$(python3 -c "print(max(1, round(32 * 1000 / ($rps / 2))))")
  read -r got _ _ _ <<<"$(run "$t" 32 "$pace" 10)"
  pace=$(python3 -c "lat = 32 * 1000 / $got - $pace; print(max(1, round(32 * 1000 / ($rps / 2) - lat)))")
  half[$t]=$(run "$t" 32 "$pace" "$seconds")
  echo "  $t: peak ${peak[$t]} | half ${half[$t]} (pace ${pace} ms)"
done

echo
echo "| server, algorithm | tokens/s at peak | p50 | p99 | tokens/s paced (≈50% of peak) | p50 | p99 | non-200 |"
echo "|---|---|---|---|---|---|---|---|"
for t in $targets; do
  read -r prps pp50 pp99 pbad <<<"${peak[$t]}"
  read -r hrps hp50 hp99 hbad <<<"${half[$t]}"
  echo "| $t | $prps | $pp50 ms | $pp99 ms | $hrps | $hp50 ms | $hp99 ms | $((pbad + hbad)) |"
done
for alg in ES256 RS256; do
  read -r c _ _ _ <<<"${peak[certdesk-$alg]}"
  read -r k _ _ _ <<<"${peak[keycloak-$alg]}"
  echo "$alg: Certdesk ÷ Keycloak at peak = $(python3 -c "print(f'{$c / $k:.1f}')")×"
done
