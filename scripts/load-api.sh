#!/usr/bin/env bash
# Load figure for the README (issue 9): signed IAM GetUser calls through the AWS Query
# API from 64 concurrent connections (wrk), every call's signature and policies checked.
#
# On a sandbox server (throwaway embedded database) the AWS CLI makes user "loadtester"
# in two groups: Auditors (AWS's IAMReadOnlyAccess) and Engineers (a customer managed
# policy of three statements with conditions, one a Deny), with tags, and an access key
# for it. One GetUser request for user "alice", signed by botocore with that key, is
# then sent by every connection: AWS accepts a signed request again for 15 minutes, so
# each call costs the server the whole check (signature, key, policies, query, XML).
#
# With AS_ROLE=1 the calls are signed instead with a role session's credentials:
# loadtester assumes role "Reader" (trusting loadtester by ARN; AWS's IAMReadOnlyAccess
# and the same customer managed policy attached, so the same decision is made), and
# every call carries the session token, so each also costs the session's lookup and
# the role's policies.
#
# Usage: scripts/load-api.sh [release|debug]   (builds nothing: build the server first,
#        `cargo build --release -p server` or `make measure`; needs target/aws-venv from
#        `scripts/prerequisites.sh --test`)
# Settings: CONNS (64), SECS (20), THREADS (2, wrk's), PORT (3192).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
conns=${CONNS:-64}
secs=${SECS:-20}
threads=${THREADS:-2}
port=${PORT:-3192}
venv=${PORTCULLIS_AWS_VENV:-target/aws-venv}
bin=${BIN:-target/$profile/portcullis}
[ -x "$bin" ] || { echo "load-api: $bin is missing: build it first" >&2; exit 1; }
[ -x "$venv/bin/aws" ] || { echo "load-api: $venv has no AWS CLI: run scripts/prerequisites.sh --test" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "load-api: wrk is missing (Debian: sudo apt-get install -y wrk)" >&2
    exit 1
  fi
fi

dir=$(mktemp -d /tmp/pload-api.XXXXXX)
chmod 711 "$dir"
export PORTCULLIS_LOG=error PORTCULLIS_SITE_ROOT=target/site PORTCULLIS_DATA_DIR=$dir/data
unset DATABASE_URL PORTCULLIS_DATABASE_URL PORTCULLIS_MASTER_KEY
"$bin" sandbox --addr "127.0.0.1:$port" >"$dir/env" 2>"$dir/server.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
until grep -q AWS_ENDPOINT_URL "$dir/env" 2>/dev/null && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.2
done
# shellcheck disable=SC1091
source <(grep '^export ' "$dir/env")
aws() { "$venv/bin/aws" --endpoint-url "$AWS_ENDPOINT_URL" --output text "$@"; }

aws iam create-user --user-name alice --path /staff/ >/dev/null
aws iam create-user --user-name loadtester --tags Key=team,Value=platform Key=level,Value=3 >/dev/null
aws iam create-group --group-name Auditors >/dev/null
aws iam attach-group-policy --group-name Auditors --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
aws iam create-group --group-name Engineers >/dev/null
cat >"$dir/policy.json" <<'EOF'
{"Version":"2012-10-17","Statement":[
 {"Sid":"ReadStaff","Effect":"Allow","Action":["iam:GetUser","iam:ListGroupsForUser"],
  "Resource":"arn:aws:iam::*:user/staff/*",
  "Condition":{"StringEquals":{"aws:PrincipalTag/team":["platform","security"]}}},
 {"Sid":"OwnKeys","Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"},
 {"Sid":"NoWritesFromAfar","Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*",
  "Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.0/8"]}}}]}
EOF
arn=$(aws iam create-policy --policy-name EngineerAccess --policy-document "file://$dir/policy.json" --query Policy.Arn)
aws iam attach-group-policy --group-name Engineers --policy-arn "$arn"
aws iam add-user-to-group --group-name Auditors --user-name loadtester
aws iam add-user-to-group --group-name Engineers --user-name loadtester
read -r key_id secret < <(aws iam create-access-key --user-name loadtester \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]')

token=""
if [ "${AS_ROLE:-0}" = 1 ]; then
  account=$(aws sts get-caller-identity --query Account)
  cat >"$dir/trust.json" <<EOF
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
 "Principal":{"AWS":"arn:aws:iam::$account:user/loadtester"}}]}
EOF
  aws iam create-role --role-name Reader --assume-role-policy-document "file://$dir/trust.json" \
    --tags Key=team,Value=platform >/dev/null
  aws iam attach-role-policy --role-name Reader --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
  aws iam attach-role-policy --role-name Reader --policy-arn "$arn"
  read -r key_id secret token < <(AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret \
    aws sts assume-role --role-arn "arn:aws:iam::$account:role/Reader" --role-session-name load \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
fi

# One signed request, written as wrk's script.
"$venv/bin/python" - "$AWS_ENDPOINT_URL" "$key_id" "$secret" "$token" >"$dir/getuser.lua" <<'EOF'
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, key_id, secret, token = sys.argv[1:5]
body = "Action=GetUser&Version=2010-05-08&UserName=alice"
request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials(key_id, secret, token or None), "iam", "us-east-1").add_auth(request)
print('wrk.method = "POST"')
print("wrk.body = " + json.dumps(body))
for name, value in request.headers.items():
    if name.lower() != "host":
        print("wrk.headers[%s] = %s" % (json.dumps(name), json.dumps(value)))
EOF

# The request must succeed as the user before it is timed.
if [ -n "$token" ]; then export AWS_SESSION_TOKEN=$token; fi
AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret \
  aws iam get-user --user-name alice --query User.Arn >/dev/null

wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$dir/getuser.lua" "$AWS_ENDPOINT_URL/" | tee "$dir/wrk.out"
if grep -q "Non-2xx" "$dir/wrk.out"; then
  echo "load-api: some calls were not answered 200" >&2
  exit 1
fi
