#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL cluster (unix socket only) and removes
# the cluster afterwards. The command sees PORTCULLIS_TEST_DATABASE_URL; each test
# creates its own database in it.
set -euo pipefail

pg_bin() {
  if [ -n "${PORTCULLIS_PG_BIN:-}" ]; then echo "$PORTCULLIS_PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}
bin=$(pg_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "error: PostgreSQL server binaries not found: install them (Debian: apt-get install postgresql)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/portcullis-test-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$dir"
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Durability is pointless for a throwaway cluster; speed is not.
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -s \
  -o "-h '' -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start

export PORTCULLIS_TEST_DATABASE_URL="postgres://postgres@localhost/postgres?host=$dir"
"$@"
