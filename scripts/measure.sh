#!/usr/bin/env bash
# Measures the figures in the README's Performance section:
#   - clean release build time (scripts/build-release.sh, in its own target dir)
#   - release wasm size, raw and gzip -9: the main bundle every page loads, and the lazy
#     chunks (split_*.wasm, one per lazy page view; chunk_*.wasm, code pages share)
#   - root sign-in latency (median and p90 of N sequential sign-ins over HTTP,
#     argon2id m=19456 KiB t=2 p=1), against the release server on a fresh embedded DB
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-40}
target=target/measure
port=${PORT:-3190}

rm -rf "$target"
start=$(date +%s)
CARGO_TARGET_DIR=$target scripts/build-release.sh >/dev/null 2>&1
build_secs=$(( $(date +%s) - start ))

wasm=target/site/pkg/portcullis.wasm
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
chunks=""
for chunk in target/site/pkg/split_*.wasm target/site/pkg/chunk_*.wasm; do
  [ -f "$chunk" ] || continue
  name=$(basename "$chunk" .wasm)
  chunks="$chunks
  $name: $(( $(stat -c %s "$chunk") / 1024 )) KiB raw, $(( $(gzip -9 -c "$chunk" | wc -c) / 1024 )) KiB gzip -9"
done

data=/tmp/pmeasure-$$
rm -rf "$data"
mkdir -p "$data" && chmod 711 "$data"
export PORTCULLIS_DATA_DIR=$data/data PORTCULLIS_CLUSTER_DIR=$data/clusters PORTCULLIS_ADDR=127.0.0.1:$port PORTCULLIS_LOG=warn PORTCULLIS_SITE_ROOT=target/site
unset DATABASE_URL PORTCULLIS_DATABASE_URL PORTCULLIS_MASTER_KEY
printf '%s' 'Measure-Password-1' | "$target/release/portcullis" bootstrap --email measure@example.com >/dev/null
"$target/release/portcullis" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done

times=()
for _ in $(seq "$N"); do
  t=$(curl -s -o /dev/null -w '%{time_total}' -H 'accept: application/json' -H "origin: http://127.0.0.1:$port" \
      --data-urlencode 'email=measure@example.com' --data-urlencode 'password=Measure-Password-1' \
      "http://127.0.0.1:$port/api/signin")
  times+=("$t")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk -v n="$N" 'NR==int((n+1)/2){printf "%.1f", $1*1000}')
p90=$(echo "$sorted" | awk -v n="$N" 'NR==int(n*0.9){printf "%.1f", $1*1000}')

echo "clean release build (scripts/build-release.sh): ${build_secs} s"
echo "release wasm, main bundle: $((raw / 1024)) KiB raw, $((gz / 1024)) KiB gzip -9"
[ -z "$chunks" ] || echo "lazy chunks:$chunks"
echo "root sign-in over HTTP (N=$N, sequential): median ${median} ms, p90 ${p90} ms"
