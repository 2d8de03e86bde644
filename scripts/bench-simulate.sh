#!/usr/bin/env bash
# Throughput of `portcullis policy simulate --batch` on generated realistic cases.
#
#   scripts/bench-simulate.sh [COUNT] [SEED]     (defaults: 20000 cases, seed 1)
#
# Builds the release binary when it is missing or stale (honours CARGO_TARGET_DIR; set
# PORTCULLIS_BIN to time another binary), generates the cases into target/tmp/, runs the
# batch once, checks that every case got exactly one result line in input order, and prints
# cases, bytes, seconds and cases/s.
set -euo pipefail

count="${1:-20000}"
seed="${2:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -z "${PORTCULLIS_BIN:-}" ]]; then
    cargo build --quiet --release -p server --bin portcullis
    PORTCULLIS_BIN="$target/release/portcullis"
fi

mkdir -p "$root/target/tmp"
# Named after the generator's own text too, so a changed generator means new cases.
version="$(cksum < scripts/gen-simulate-cases.py | cut -d' ' -f1)"
cases="$root/target/tmp/simulate-cases-$count-$seed-$version.jsonl"
results="$root/target/tmp/simulate-results-$count-$seed.jsonl"
if [[ ! -s "$cases" ]]; then
    python3 scripts/gen-simulate-cases.py --count "$count" --seed "$seed" > "$cases.part"
    mv "$cases.part" "$cases"
fi

start=$(date +%s%N)
status=0
"$PORTCULLIS_BIN" policy simulate --batch < "$cases" > "$results" || status=$?
end=$(date +%s%N)
# Exit 2 means some cases were invalid, which the check below reports; anything else failed.
if [[ $status -ne 0 && $status -ne 2 ]]; then
    echo "portcullis policy simulate --batch exited with $status" >&2
    exit 1
fi

python3 - "$cases" "$results" <<'EOF'
import json, sys
cases, results = sys.argv[1], sys.argv[2]
with open(cases) as f:
    ids = [json.loads(line)["id"] for line in f if line.strip()]
with open(results) as f:
    out = [json.loads(line) for line in f]
if len(out) != len(ids):
    sys.exit(f"{len(ids)} cases but {len(out)} results")
for i, (want, got) in enumerate(zip(ids, out)):
    if got.get("id") != want:
        sys.exit(f"result {i + 1} has id {got.get('id')!r}, expected {want!r}: output order differs from input order")
errors = sum(1 for r in out if "error" in r)
if errors:
    sys.exit(f"{errors} cases failed, first: {next(r for r in out if 'error' in r)}")
decisions = {}
for r in out:
    decisions[r["decision"]] = decisions.get(r["decision"], 0) + 1
print("decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(decisions.items())))
EOF

bytes=$(stat -c %s "$cases")
awk -v n="$count" -v b="$bytes" -v ns="$((end - start))" 'BEGIN {
    s = ns / 1e9
    printf "cases: %d, bytes: %d, seconds: %.3f, cases/s: %.0f\n", n, b, s, n / s
}'
