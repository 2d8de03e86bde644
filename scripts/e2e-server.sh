#!/usr/bin/env bash
# Serves the built console on a fresh embedded database for the Playwright suite and
# removes that database when stopped.
set -u
cd "$(dirname "$0")/.."
profile=${PORTCULLIS_E2E_PROFILE:-debug}
dir=/tmp/portcullis-e2e-$$
rm -rf "$dir"
export PORTCULLIS_DATA_DIR=$dir
export PORTCULLIS_ADDR=127.0.0.1:${PORTCULLIS_E2E_PORT:-3100}
export PORTCULLIS_SITE_ROOT=target/site
export PORTCULLIS_LOG=${PORTCULLIS_LOG:-warn}
unset DATABASE_URL PORTCULLIS_DATABASE_URL
"target/$profile/portcullis" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid; rm -rf "$dir"; exit 0' TERM INT
wait $pid
status=$?
rm -rf "$dir"
exit $status
