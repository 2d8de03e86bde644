#!/usr/bin/env python3
"""Writes realistic `portcullis policy simulate --batch` cases, one JSON object per line.

    scripts/gen-simulate-cases.py --count 20000 --seed 1 > cases.jsonl

Each case has one to three identity policies with conditions, sometimes a permissions
boundary and session policies, and a request whose action, resource and context keys look
like real traffic (about 1.7 KB of JSON a case). Most policies are new; a modest share is
reused from earlier cases, as real batches repeat some policies, so a per-batch cache helps
only as much as it would in practice. The same seed always gives the same bytes. A summary
(cases, bytes, policies, distinct policies) goes to stderr.
"""

import argparse
import json
import random
import sys

ACCOUNTS = ["111122223333", "444455556666", "777788889999", "210987654321", "123456789012"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
TEAMS = ["platform", "data", "web", "payments", "security", "ml", "mobile"]
PROJECTS = ["atlas", "borealis", "cobalt", "dynamo", "ember", "fjord", "granite"]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
         "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter"]
ROLES = ["Admin", "ReadOnly", "Deploy", "DataScientist", "BillingViewer", "CI", "OnCall"]

# service: (actions, how to make a resource ARN for it)
SERVICES = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation",
           "GetObjectVersion", "PutObjectAcl", "GetBucketPolicy", "ListAllMyBuckets",
           "AbortMultipartUpload"],
    "ec2": ["DescribeInstances", "StartInstances", "StopInstances", "TerminateInstances",
            "RunInstances", "CreateTags", "DeleteTags", "DescribeVolumes", "AttachVolume",
            "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress"],
    "iam": ["GetUser", "ListUsers", "CreateUser", "DeleteUser", "PassRole", "CreateAccessKey",
            "ChangePassword", "GetRole", "ListRoles", "AttachUserPolicy", "ListAccessKeys",
            "EnableMFADevice", "ListMFADevices"],
    "dynamodb": ["GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem",
                 "BatchWriteItem", "BatchGetItem", "DescribeTable"],
    "sts": ["AssumeRole", "GetCallerIdentity", "GetSessionToken", "TagSession",
            "GetFederationToken"],
    "lambda": ["InvokeFunction", "GetFunction", "UpdateFunctionCode", "ListFunctions",
               "CreateFunction"],
    "kms": ["Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "CreateGrant"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes"],
    "logs": ["CreateLogStream", "PutLogEvents", "DescribeLogGroups", "GetLogEvents"],
}
WILDCARD_ACTIONS = {
    "s3": ["s3:Get*", "s3:List*", "s3:Put*", "s3:*Object", "s3:*"],
    "ec2": ["ec2:Describe*", "ec2:*Instances", "ec2:*Tags", "ec2:*"],
    "iam": ["iam:Get*", "iam:List*", "iam:*AccessKey*", "iam:*MFA*", "iam:*"],
    "dynamodb": ["dynamodb:Get*", "dynamodb:Query", "dynamodb:Batch*", "dynamodb:*"],
    "sts": ["sts:AssumeRole*", "sts:Get*", "sts:*"],
    "lambda": ["lambda:Get*", "lambda:List*", "lambda:*"],
    "kms": ["kms:Decrypt", "kms:Generate*", "kms:*"],
    "sqs": ["sqs:*Message", "sqs:Get*", "sqs:*"],
    "logs": ["logs:Create*", "logs:Put*", "logs:*"],
}
V4_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "192.0.2.0/24", "198.51.100.0/24",
             "203.0.113.0/24", "100.64.0.0/10", "203.0.113.128/25"]
V6_RANGES = ["2001:db8::/32", "2001:db8:1234::/48", "2600:1f18::/36", "fd00::/8",
             "2a05:d018::/35", "2001:db8:abcd:12::/64"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.pool = []
        self.boundaries = []

    def pick(self, items):
        return self.r.choice(items)

    def chance(self, p):
        return self.r.random() < p

    def hexid(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def word(self):
        return self.pick(PROJECTS) + "-" + self.pick(["logs", "data", "assets", "backup",
                                                       "reports", "uploads", "archive"])

    def resource(self, service, account, wildcard):
        region = self.pick(REGIONS)
        star = "*" if wildcard else None
        if service == "s3":
            bucket = self.word() + "-" + self.hexid(4)
            if self.chance(0.3):
                return f"arn:aws:s3:::{bucket}/home/${{aws:username}}/*"
            return f"arn:aws:s3:::{bucket}/{star or self.pick(['reports/2024/q1.csv', 'img/logo.png', 'a/b/c.json'])}"
        if service == "ec2":
            return f"arn:aws:ec2:{region}:{account}:instance/{star or 'i-0' + self.hexid(16)}"
        if service in ("iam", "sts"):
            if self.chance(0.5):
                return f"arn:aws:iam::{account}:user/{star or self.pick(USERS)}"
            return f"arn:aws:iam::{account}:role/{star or self.pick(ROLES)}"
        if service == "dynamodb":
            name = self.pick(PROJECTS).capitalize() + self.pick(["Orders", "Users", "Events"])
            return f"arn:aws:dynamodb:{region}:{account}:table/{name if not wildcard else name[:3] + '*'}"
        if service == "lambda":
            return f"arn:aws:lambda:{region}:{account}:function:{star or self.word()}"
        if service == "kms":
            return f"arn:aws:kms:{region}:{account}:key/{star or self.hexid(8) + '-' + self.hexid(4) + '-' + self.hexid(12)}"
        if service == "sqs":
            return f"arn:aws:sqs:{region}:{account}:{star or self.word()}"
        return f"arn:aws:logs:{region}:{account}:log-group:/app/{self.word()}:*"

    def condition(self):
        kind = self.r.randrange(11)
        if kind == 0:
            ranges = self.r.sample(V4_RANGES, self.r.randint(1, 3))
            if self.chance(0.5):
                ranges += self.r.sample(V6_RANGES, self.r.randint(1, 2))
            return (self.pick(["IpAddress", "NotIpAddress"]), "aws:SourceIp", ranges)
        if kind == 1:
            return ("Bool", "aws:MultiFactorAuthPresent", self.pick(["true", "false"]))
        if kind == 2:
            return ("Bool", "aws:SecureTransport", "true")
        if kind == 3:
            year = self.r.randint(2023, 2030)
            return (self.pick(["DateLessThan", "DateGreaterThan"]), "aws:CurrentTime",
                    f"{year}-{self.r.randint(1, 12):02d}-{self.r.randint(1, 28):02d}T00:00:00Z")
        if kind == 4:
            return ("NumericLessThan", "aws:MultiFactorAuthAge", str(self.pick([900, 3600, 43200])))
        if kind == 5:
            return ("StringEquals", "aws:PrincipalTag/team", self.r.sample(TEAMS, self.r.randint(1, 2)))
        if kind == 6:
            return ("StringEquals", "aws:RequestedRegion", self.r.sample(REGIONS, self.r.randint(1, 3)))
        if kind == 7:
            return ("StringLike", "s3:prefix", ["home/${aws:username}/*", "shared/" + self.pick(PROJECTS) + "/*"])
        if kind == 8:
            return ("ForAnyValue:StringEquals", "aws:TagKeys", self.r.sample(["env", "team", "cost-center", "owner"], 2))
        if kind == 9:
            return ("StringEquals", "aws:PrincipalTag/project", "${aws:PrincipalTag/project}" if self.chance(0.2) else self.pick(PROJECTS))
        return ("StringNotEquals", "aws:username", self.r.sample(USERS, 2))

    def statement(self, account, services):
        service = self.pick(services)
        effect = "Deny" if self.chance(0.25) else "Allow"
        s = {}
        if self.chance(0.8):
            s["Sid"] = self.pick(["Allow", "Deny", "Read", "Write", "Admin", "Ops"]) + self.hexid(6)
        s["Effect"] = effect
        actions = []
        for _ in range(self.r.randint(1, 4)):
            if self.chance(0.35):
                actions.append(self.pick(WILDCARD_ACTIONS[service]))
            else:
                actions.append(f"{service}:{self.pick(SERVICES[service])}")
        actions = list(dict.fromkeys(actions))
        if effect == "Deny" and self.chance(0.1):
            s["NotAction"] = actions
        else:
            s["Action"] = actions[0] if len(actions) == 1 and self.chance(0.5) else actions
        if self.chance(0.15):
            s["Resource"] = "*"
        else:
            resources = [self.resource(service, account, self.chance(0.5))
                         for _ in range(self.r.randint(1, 2))]
            s["Resource"] = resources
        if self.chance(0.7):
            block = {}
            for _ in range(self.r.randint(1, 2)):
                op, key, values = self.condition()
                block.setdefault(op, {})[key] = values
            s["Condition"] = block
        return s

    def policy(self, account):
        services = self.r.sample(list(SERVICES), self.r.randint(1, 3))
        return {"Version": "2012-10-17",
                "Statement": [self.statement(account, services) for _ in range(self.r.randint(1, 3))]}

    def broad_policy(self, account):
        """A permissions boundary or session policy: wide allows, perhaps a guard rail."""
        services = self.r.sample(list(SERVICES), self.r.randint(3, 6))
        statements = [{"Sid": "Within" + self.hexid(4), "Effect": "Allow",
                       "Action": [f"{svc}:*" for svc in services], "Resource": "*"}]
        if self.chance(0.5):
            statements.append(self.statement(account, services))
        if self.chance(0.4):
            statements.append({"Sid": "NoIam" + self.hexid(4), "Effect": "Deny",
                               "Action": ["iam:CreateUser", "iam:AttachUserPolicy", "iam:CreateAccessKey"],
                               "Resource": "*"})
        return {"Version": "2012-10-17", "Statement": statements}

    def reused_or_new(self, pool, reuse, make):
        if pool and self.chance(reuse):
            return self.pick(pool)
        made = make()
        pool.append(made)
        return made

    def request(self, account, policies, index):
        kind = self.r.randrange(10)
        if kind < 6:
            user = self.pick(USERS)
            principal = {"arn": f"arn:aws:iam::{account}:user/{user}",
                         "tags": {"team": self.pick(TEAMS), "project": self.pick(PROJECTS)}}
        elif kind < 9:
            role = self.pick(ROLES)
            principal = {"arn": f"arn:aws:sts::{account}:assumed-role/{role}/session-{self.hexid(6)}",
                         "tags": {"team": self.pick(TEAMS)}}
            user = None
        else:
            principal = f"arn:aws:iam::{account}:role/{self.pick(ROLES)}"
            user = None
        # Mostly ask for something a statement names, so decisions are not all implicit denies.
        statements = [s for p in policies for s in p["Statement"] if "Action" in s]
        allows = [s for s in statements if s["Effect"] == "Allow"]
        if allows and self.chance(0.8):
            statements = allows
        service = None
        if statements and self.chance(0.85):
            s = self.pick(statements)
            action = s["Action"] if isinstance(s["Action"], str) else self.pick(s["Action"])
            service = action.split(":", 1)[0]
            if "*" in action:
                action = f"{service}:{self.pick(SERVICES[service])}"
            resources = s.get("Resource", "*")
            resource = resources if isinstance(resources, str) else self.pick(resources)
            if resource == "*":
                resource = self.resource(service, account, False)
            # A concrete resource the pattern names, as a real request would ask for.
            resource = resource.replace("${aws:username}", user or "x").replace("*", "item-" + self.hexid(4))
        else:
            service = self.pick(list(SERVICES))
            action = f"{service}:{self.pick(SERVICES[service])}"
            resource = self.resource(service, account, False).replace("${aws:username}", user or "x")
        context = {}
        if self.chance(0.7):
            # Mostly from the networks policies name (an office, a VPN), sometimes from anywhere.
            net = self.pick(["10.{}.{}", "192.168.{}.{}", "192.0.2.{1}", "203.0.113.{1}", "172.20.{}.{}"]
                            if self.chance(0.8) else ["198.18.{}.{}", "8.8.{}.{}"])
            context["aws:SourceIp"] = net.format(self.r.randrange(256), self.r.randrange(1, 255))
        else:
            context["aws:SourceIp"] = f"2001:db8:{self.hexid(4)}:{self.r.randrange(1, 99)}::{self.hexid(3)}"
        if user:
            context["aws:username"] = user
        context["aws:MultiFactorAuthPresent"] = self.chance(0.8)
        if self.chance(0.5):
            context["aws:MultiFactorAuthAge"] = self.r.randrange(10, 50000)
        context["aws:CurrentTime"] = f"{self.r.randint(2024, 2025)}-{self.r.randint(1, 12):02d}-{self.r.randint(1, 28):02d}T{self.r.randrange(24):02d}:{self.r.randrange(60):02d}:00Z"
        context["aws:SecureTransport"] = self.chance(0.9)
        context["aws:RequestedRegion"] = self.pick(REGIONS)
        if self.chance(0.3):
            context["aws:TagKeys"] = self.r.sample(["env", "team", "cost-center", "owner", "app"], 2)
        if service == "s3" and self.chance(0.5):
            context["s3:prefix"] = self.pick([f"home/{user or 'x'}/", "shared/atlas/", "tmp/"])
        return {"principal": principal, "action": action, "resource": resource, "context": context}

    def case(self, index):
        account = self.pick(ACCOUNTS)
        identity = [self.reused_or_new(self.pool, 0.25, lambda: self.policy(account))
                    for _ in range(self.r.randint(1, 3))]
        case = {"id": index}
        extra = []
        if self.chance(0.3):
            boundary = self.reused_or_new(self.boundaries, 0.5, lambda: self.broad_policy(account))
            case["permissions_boundary"] = {"name": "boundary", "document": boundary}
            extra.append(boundary)
        if self.chance(0.15):
            session = self.broad_policy(account)
            case["session_policies"] = [session]
            extra.append(session)
        case["request"] = self.request(account, identity, index)
        case["identity_policies"] = [
            {"name": f"policy-{i}", "document": p} if self.chance(0.5) else p
            for i, p in enumerate(identity)
        ]
        return case, identity + extra


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000, help="number of cases")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    args = parser.parse_args()
    gen = Gen(args.seed)
    out = sys.stdout
    total_bytes = 0
    policies = 0
    distinct = set()
    for index in range(args.count):
        case, used = gen.case(index)
        line = json.dumps(case, separators=(",", ":"))
        out.write(line)
        out.write("\n")
        total_bytes += len(line) + 1
        for p in used:
            policies += 1
            distinct.add(json.dumps(p, sort_keys=True))
    if args.count:
        print(f"cases: {args.count}, bytes: {total_bytes} ({total_bytes / args.count:.0f} a case), "
              f"policies: {policies}, distinct: {len(distinct)} ({100 * len(distinct) / max(policies, 1):.0f}%)",
              file=sys.stderr)


if __name__ == "__main__":
    main()
