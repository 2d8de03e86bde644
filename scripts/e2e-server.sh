#!/usr/bin/env bash
# Serves the built console on a fresh embedded database for the Playwright suite and
# removes that database when stopped. PORTCULLIS_E2E_DIR (set by playwright.config.ts)
# holds the data directory, where the tests read the setup token, and, when run as
# root, the cluster (instead of /var/lib/portcullis).
set -u
cd "$(dirname "$0")/.."
profile=${PORTCULLIS_E2E_PROFILE:-debug}
port=${PORTCULLIS_E2E_PORT:-3100}
dir=${PORTCULLIS_E2E_DIR:-/tmp/pe2e-$port}
rm -rf "$dir"
mkdir -p "$dir"
chmod 711 "$dir"
export PORTCULLIS_DATA_DIR=$dir/data
export PORTCULLIS_CLUSTER_DIR=$dir/clusters
export PORTCULLIS_ADDR=127.0.0.1:$port
export PORTCULLIS_SITE_ROOT=target/site
export PORTCULLIS_LOG=${PORTCULLIS_LOG:-warn}
unset DATABASE_URL PORTCULLIS_DATABASE_URL PORTCULLIS_MASTER_KEY
"target/$profile/portcullis" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; rm -rf "$dir"; exit 0' TERM INT
wait $pid
status=$?
rm -rf "$dir"
exit $status
