#!/usr/bin/env bash
# Load figures for the README (issue 6): against the debug or release server on a fresh
# embedded database,
#   - 40 parallel setup requests after bootstrap: wall time until all are refused;
#   - 200 parallel sign-ins with random emails, each from its own address (through
#     PORTCULLIS_TRUSTED_PROXIES, so the per-address budget does not stop them before
#     the hasher): how they were answered, and /readyz and a signed-in page's latency
#     while they run.
# Usage: scripts/load-signin.sh [debug|release]   (builds nothing; run cargo build first)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-debug}
port=${PORT:-3191}
base=http://127.0.0.1:$port
dir=/tmp/pload-$$
mkdir -p "$dir" && chmod 711 "$dir"
export PORTCULLIS_DATA_DIR=$dir/data PORTCULLIS_CLUSTER_DIR=$dir/clusters
export PORTCULLIS_ADDR=127.0.0.1:$port PORTCULLIS_LOG=error PORTCULLIS_SITE_ROOT=target/site
export PORTCULLIS_TRUSTED_PROXIES=127.0.0.1
unset DATABASE_URL PORTCULLIS_DATABASE_URL PORTCULLIS_MASTER_KEY
bin=target/$profile/portcullis
printf '%s' 'Load-Password-1' | "$bin" bootstrap --email load@example.com >/dev/null
"$bin" serve 2>/dev/null &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "$base/readyz" >/dev/null; do sleep 0.2; done
post() { curl -s -o /dev/null -w '%{http_code}\n' -H 'accept: application/json' -H "origin: $base" "$@"; }

start=$(date +%s.%N)
for i in $(seq 40); do
  post --data-urlencode "email=x$i@example.com" --data-urlencode 'password=Load-Password-1' \
    --data-urlencode 'password_confirmation=Load-Password-1' --data-urlencode 'alias=' \
    --data-urlencode 'setup_token=x' "$base/api/setup" >>"$dir/setup.codes" &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
setup_ms=$(echo "($(date +%s.%N) - $start) * 1000" | bc)
setup_codes=$(sort "$dir/setup.codes" | uniq -c | tr -s ' ' | tr '\n' ';')

jar=$dir/jar
post -c "$jar" --data-urlencode 'email=load@example.com' --data-urlencode 'password=Load-Password-1' "$base/api/signin" >/dev/null
for i in $(seq 200); do
  post -H "x-forwarded-for: 198.51.$((i / 200)).$((i % 200 + 1))" \
    --data-urlencode "email=nobody$i@example.com" --data-urlencode 'password=Wrong-Password-1' \
    "$base/api/signin" >>"$dir/storm.codes" &
done
sleep 0.3
worst_ready=0; worst_page=0
for _ in $(seq 5); do
  r=$(curl -s -o /dev/null -w '%{time_total}' "$base/readyz")
  p=$(curl -s -o /dev/null -w '%{time_total}' -b "$jar" "$base/")
  worst_ready=$(echo "if ($r > $worst_ready) $r else $worst_ready" | bc)
  worst_page=$(echo "if ($p > $worst_page) $p else $worst_page" | bc)
  sleep 0.2
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
storm_codes=$(sort "$dir/storm.codes" | uniq -c | tr -s ' ' | tr '\n' ';')

echo "40 parallel setups after bootstrap: all answered in ${setup_ms%.*} ms (status counts:${setup_codes})"
echo "200 parallel sign-ins, random emails, 200 addresses: status counts:${storm_codes}"
echo "during the storm: /readyz worst $(echo "$worst_ready * 1000" | bc | cut -d. -f1) ms, signed-in dashboard worst $(echo "$worst_page * 1000" | bc | cut -d. -f1) ms"
