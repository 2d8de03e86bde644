# Generates operators.jsonl beside this file (python3 operators.py). Every expectation below is
# written by hand from AWS's documented semantics, not computed by the engine.
import json
import os
A, D, X = "Allow", "ImplicitDeny", "ExplicitDeny"
MISSING = object()
out = []

def stmt(op, key, values):
    return {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {op: {key: values}}}

def case(name, op, key, values, req, expect):
    c = {"name": name, "statement": stmt(op, key, values), "expect": expect}
    if req is not MISSING:
        c["context"] = {key: req}
    out.append(c)

def table(op, key, values, rows):
    for req, expect in rows:
        label = "missing" if req is MISSING else json.dumps(req)
        case(f"{op} {key} {json.dumps(values)} vs {label}", op, key, values, req, expect)

# Strings
table("StringEquals", "aws:PrincipalTag/team", "blue", [("blue", A), ("Blue", D), ("blue ", D), (MISSING, D), (["red", "blue"], A), ([], D)])
table("StringEquals", "aws:PrincipalTag/team", ["red", "blue"], [("blue", A), ("red", A), ("green", D)])
table("StringNotEquals", "aws:PrincipalTag/team", "blue", [("red", A), ("blue", D), (MISSING, A), (["red", "blue"], D), (["red", "green"], A)])
table("StringNotEquals", "aws:PrincipalTag/team", ["red", "blue"], [("blue", D), ("red", D), ("green", A)])
table("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "BLUE", [("blue", A), ("Blue", A), ("red", D), (MISSING, D)])
table("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "BLUE", [("blue", D), ("red", A), (MISSING, A)])
table("StringLike", "s3:prefix", "home/alice/*", [("home/alice/", A), ("home/alice/docs/a.txt", A), ("home/bob/", D), ("HOME/alice/x", D), (MISSING, D)])
table("StringLike", "s3:prefix", "a?c", [("abc", A), ("ac", D), ("abbc", D), ("a/c", A)])
table("StringLike", "s3:prefix", ["", "home/*"], [("", A), ("home/x", A), ("other", D)])
table("StringLike", "s3:prefix", "*", [("anything", A), ("", A), (MISSING, D)])
table("StringNotLike", "s3:prefix", "private/*", [("public/x", A), ("private/x", D), (MISSING, A)])
table("StringNotLike", "s3:prefix", ["private/*", "secret*"], [("secret.txt", D), ("public", A)])
# Numbers
table("NumericEquals", "s3:max-keys", "10", [("10", A), (10, A), ("10.0", A), ("11", D), ("abc", D), (MISSING, D)])
table("NumericNotEquals", "s3:max-keys", "10", [("10", D), ("11", A), (MISSING, A)])
table("NumericLessThan", "s3:max-keys", "10", [("9", A), ("10", D), ("11", D), ("-5", A), ("9.99", A)])
table("NumericLessThanEquals", "s3:max-keys", "10", [("10", A), ("11", D), ("0", A)])
table("NumericGreaterThan", "s3:max-keys", "10", [("11", A), ("10", D), ("1e3", A)])
table("NumericGreaterThanEquals", "s3:max-keys", "10", [("10", A), ("9", D), (MISSING, D)])
table("NumericLessThan", "aws:MultiFactorAuthAge", 3600, [(100, A), (3600, D), ("7200", D)])
# Dates
T = "2024-01-01T00:00:00Z"
table("DateEquals", "aws:CurrentTime", T, [(T, A), ("2024-01-01T00:00:01Z", D), ("2024-01-01T02:00:00+02:00", A), ("2024-01-01", A), ("not a date", D), (MISSING, D)])
table("DateEquals", "aws:CurrentTime", "1704067200", [(T, A), ("2024-01-02T00:00:00Z", D)])
table("DateNotEquals", "aws:CurrentTime", T, [(T, D), ("2025-01-01T00:00:00Z", A), (MISSING, A)])
table("DateLessThan", "aws:CurrentTime", "2024-06-01T00:00:00Z", [(T, A), ("2024-06-01T00:00:00Z", D), ("2024-07-01T00:00:00Z", D), ("2024-05-31T23:59:59.999Z", A)])
table("DateLessThanEquals", "aws:CurrentTime", "2024-06-01T00:00:00Z", [("2024-06-01T00:00:00Z", A), ("2024-06-01T00:00:00.001Z", D)])
table("DateGreaterThan", "aws:CurrentTime", "2024-06-01T00:00:00Z", [("2024-06-02T00:00:00Z", A), ("2024-06-01T00:00:00Z", D), (T, D)])
table("DateGreaterThanEquals", "aws:CurrentTime", "2024-06-01T00:00:00Z", [("2024-06-01T00:00:00Z", A), (T, D), (MISSING, D)])
table("DateGreaterThanEquals", "aws:EpochTime", "2024-01-01T00:00:00Z", [(1704067200, A), (1704067199, D), ("1704067300", A)])
table("DateLessThan", "aws:TokenIssueTime", "2024-01-01T00:00:00-05:00", [("2024-01-01T04:59:59Z", A), ("2024-01-01T05:00:00Z", D)])
# W3C ISO 8601 year and year-month forms mean their first instant (UTC); four digits are a year, not epoch seconds.
table("DateGreaterThanEquals", "aws:CurrentTime", "2024", [("2024-01-01T00:00:00Z", A), ("2023-12-31T23:59:59Z", D), ("2024-06", A)])
table("DateLessThan", "aws:CurrentTime", "2024-07", [("2024-06-30T23:59:59Z", A), ("2024-07-01T00:00:00Z", D), ("2024", A)])
# Bool
table("Bool", "aws:SecureTransport", "true", [(True, A), ("true", A), ("TRUE", A), (False, D), ("false", D), ("yes", D), (MISSING, D)])
table("Bool", "aws:SecureTransport", True, [(True, A), (False, D)])
table("Bool", "aws:MultiFactorAuthPresent", "false", [(False, A), (True, D), (MISSING, D)])
# Binary
table("BinaryEquals", "ex:blob", "aGVsbG8=", [("aGVsbG8=", A), ("aGVsbG8", A), ("d29ybGQ=", D), ("not base64!", D), (MISSING, D)])
# IP addresses
table("IpAddress", "aws:SourceIp", "10.0.0.0/8", [("10.1.2.3", A), ("10.255.255.255", A), ("11.0.0.1", D), ("2001:db8::1", D), ("::ffff:10.1.2.3", A), ("nonsense", D), (MISSING, D)])
table("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.168.0.0/16"], [("192.168.7.7", A), ("172.16.0.1", D)])
table("IpAddress", "aws:SourceIp", "203.0.113.5", [("203.0.113.5", A), ("203.0.113.6", D)])
table("IpAddress", "aws:SourceIp", "203.0.113.0/24", [("203.0.113.200", A), ("203.0.114.1", D)])
table("IpAddress", "aws:SourceIp", "2001:db8::/32", [("2001:db8:1::1", A), ("2001:db9::1", D), ("10.0.0.1", D)])
table("IpAddress", "aws:SourceIp", "0.0.0.0/0", [("8.8.8.8", A), ("::1", D), ("::ffff:8.8.8.8", A)])
# IPv4 and IPv6 ranges are separate, as in AWS (its dual-stack guidance has policies list
# IPv6 ranges beside IPv4 ones): no IPv4 client is inside an IPv6 range, not even ::/0.
table("IpAddress", "aws:SourceIp", "::/0", [("::1", A), ("2001:db8::1", A), ("10.1.2.3", D), ("0.0.0.0", D), ("::ffff:10.1.2.3", D)])
table("NotIpAddress", "aws:SourceIp", "::/0", [("10.1.2.3", A), ("::ffff:10.1.2.3", A), ("2001:db8::1", D), (MISSING, A)])
table("IpAddress", "aws:SourceIp", "::/1", [("10.1.2.3", D), ("::1", A)])
table("IpAddress", "aws:SourceIp", ["192.0.2.0/24", "2001:db8::/32"], [("192.0.2.7", A), ("2001:db8::7", A), ("198.51.100.7", D), ("2001:db9::7", D)])
table("NotIpAddress", "aws:SourceIp", ["192.0.2.0/24", "::/0"], [("192.0.2.7", D), ("2001:db8::7", D), ("198.51.100.7", A)])
table("ForAnyValue:IpAddress", "ex:ips", "::/0", [(["192.0.2.1", "10.9.9.9"], D), (["192.0.2.1", "2001:db8::1"], A)])
table("ForAllValues:NotIpAddress", "ex:ips", "::/0", [(["192.0.2.1", "10.9.9.9"], A), (["192.0.2.1", "2001:db8::1"], D)])
table("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", [("10.1.2.3", D), ("11.1.1.1", A), (MISSING, A), ("::ffff:10.1.2.3", D), ("::ffff:11.1.1.1", A), ("2001:db8::1", A)])
table("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.0.2.0/24"], [("192.0.2.1", D), ("198.51.100.1", A)])
# A source address in IPv4-mapped form (::ffff:10.1.2.3, as a dual-stack socket reports an IPv4
# peer) is that IPv4 client: it is compared with IPv4 ranges, so re-spelling it cannot escape a
# Deny on its range (above), and it is in no IPv6 range. An IPv4-mapped range in a policy is an
# IPv6 range, so it holds no IPv4 client and, as mapped sources count as IPv4, no request at
# all (lint warns about it).
table("IpAddress", "aws:SourceIp", "::ffff:10.0.0.0/104", [("10.1.2.3", D), ("::ffff:10.1.2.3", D), ("11.1.2.3", D), ("2001:db8::1", D)])
table("NotIpAddress", "aws:SourceIp", "::ffff:10.0.0.0/104", [("10.1.2.3", A), ("::ffff:10.1.2.3", A), ("11.1.2.3", A)])
table("IpAddress", "aws:SourceIp", "::ffff:0:0/96", [("10.1.2.3", D), ("::ffff:10.1.2.3", D)])
table("NotIpAddress", "aws:SourceIp", "::ffff:0:0/96", [("10.1.2.3", A), ("::ffff:10.1.2.3", A)])
table("IpAddress", "aws:SourceIp", "2001:db8::/32", [("::ffff:10.1.2.3", D)])
# The deprecated IPv4-compatible form (::10.1.2.3) is an ordinary IPv6 address.
table("IpAddress", "aws:SourceIp", "10.0.0.0/8", [("::10.1.2.3", D)])
# ARNs
TOPIC = "arn:aws:sns:us-east-1:111122223333:topic"
table("ArnEquals", "aws:SourceArn", TOPIC, [(TOPIC, A), ("arn:aws:sns:us-east-1:111122223333:other", D), ("topic", D), (MISSING, D)])
table("ArnEquals", "aws:SourceArn", "arn:aws:sns:*:111122223333:topic", [(TOPIC, A), ("arn:aws:sns:eu-west-1:111122223333:topic", A)])
table("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", [(TOPIC, A), ("arn:aws:sns:us-east-1:444455556666:topic", D), ("arn:aws:sqs:us-east-1:111122223333:q", D), ("not-an-arn", D)])
table("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", [("arn:aws:s3:::bucket/a:b", A), ("arn:aws:s3:::bucket2/a", D)])
table("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/app-*", [("arn:aws:iam::111122223333:role/app-web", A), ("arn:aws:iam::111122223333:role/db", D)])
table("ArnNotEquals", "aws:SourceArn", TOPIC, [(TOPIC, D), ("arn:aws:sns:us-east-1:111122223333:other", A), (MISSING, A)])
table("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", [(TOPIC, D), ("arn:aws:sns:us-east-1:444455556666:topic", A), (MISSING, A)])
# Null
table("Null", "aws:TokenIssueTime", "true", [(MISSING, A), ("2024-01-01T00:00:00Z", D), ([], A)])
table("Null", "aws:TokenIssueTime", "false", [(MISSING, D), ("2024-01-01T00:00:00Z", A)])
table("Null", "aws:TokenIssueTime", True, [(MISSING, A)])
# IfExists
table("StringEqualsIfExists", "aws:PrincipalTag/team", "blue", [(MISSING, A), ("blue", A), ("red", D)])
table("StringNotEqualsIfExists", "aws:PrincipalTag/team", "blue", [(MISSING, A), ("blue", D), ("red", A)])
table("StringLikeIfExists", "s3:prefix", "home/*", [(MISSING, A), ("home/x", A), ("etc", D)])
table("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600", [(MISSING, A), (100, A), (7200, D)])
table("DateLessThanIfExists", "aws:CurrentTime", "2030-01-01T00:00:00Z", [(MISSING, A), (T, A), ("2031-01-01T00:00:00Z", D)])
table("BoolIfExists", "aws:MultiFactorAuthPresent", "true", [(MISSING, A), (True, A), (False, D)])
table("IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", [(MISSING, A), ("10.0.0.1", A), ("11.0.0.1", D)])
table("NotIpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", [(MISSING, A), ("10.0.0.1", D)])
table("ArnLikeIfExists", "aws:SourceArn", "arn:aws:sns:*:111122223333:*", [(MISSING, A), (TOPIC, A), ("arn:aws:sns:us-east-1:444455556666:t", D)])
table("BinaryEqualsIfExists", "ex:blob", "aGVsbG8=", [(MISSING, A), ("aGVsbG8=", A), ("d29ybGQ=", D)])
# Set operators on a multi-valued key
table("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], [(["env"], A), (["env", "team"], A), (["env", "cost"], D), (MISSING, A), ([], A), ("env", A), ("cost", D)])
table("ForAnyValue:StringEquals", "aws:TagKeys", ["env", "team"], [(["cost", "env"], A), (["cost"], D), (MISSING, D), ([], D), ("team", A)])
table("ForAllValues:StringLike", "aws:TagKeys", "team-*", [(["team-a", "team-b"], A), (["team-a", "x"], D), (MISSING, A)])
table("ForAnyValue:StringLike", "aws:TagKeys", "team-*", [(["x", "team-a"], A), (["x", "y"], D)])
table("ForAllValues:StringNotEquals", "aws:TagKeys", "admin", [(["a", "b"], A), (["a", "admin"], D), (MISSING, A)])
table("ForAnyValue:StringNotEquals", "aws:TagKeys", "admin", [(["admin", "x"], A), (["admin"], D), (MISSING, D)])
table("ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", ["Env", "Team"], [(["ENV", "team"], A), (["env", "cost"], D)])
table("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "env", [(MISSING, A), (["x"], D), (["env"], A)])
table("ForAllValues:StringLikeIfExists", "aws:TagKeys", "team-*", [(MISSING, A), (["team-1"], A), (["nope"], D)])
table("ForAllValues:ArnLike", "aws:CalledVia", "arn:aws:iam::*:role/*", [(["arn:aws:iam::1:role/a", "arn:aws:iam::2:role/b"], A), (["arn:aws:iam::1:role/a", "arn:aws:iam::1:user/u"], D)])
table("ForAnyValue:IpAddress", "ex:ips", "10.0.0.0/8", [(["192.0.2.1", "10.9.9.9"], A), (["192.0.2.1"], D)])
table("ForAllValues:NumericLessThan", "ex:sizes", "100", [([1, 50, 99], A), ([1, 100], D), (MISSING, A)])
table("ForAnyValue:NumericGreaterThan", "ex:sizes", "100", [([1, 101], A), ([1, 2], D)])
table("ForAnyValue:DateGreaterThan", "ex:times", T, [(["2023-01-01T00:00:00Z", "2025-01-01T00:00:00Z"], A), (["2023-01-01T00:00:00Z"], D)])
table("ForAllValues:Bool", "ex:flags", "true", [([True, True], A), ([True, False], D)])

# Missing key, every operator: without IfExists a missing key fails except for the
# negated operators; with IfExists it passes; ForAllValues passes; ForAnyValue fails.
SAMPLE = {"String": "x", "Numeric": "10", "Date": T, "Bool": "true", "Binary": "aGVsbG8=",
          "Ip": "10.0.0.0/8", "Arn": TOPIC}
OPS = {
    "StringEquals": ("String", False), "StringNotEquals": ("String", True),
    "StringEqualsIgnoreCase": ("String", False), "StringNotEqualsIgnoreCase": ("String", True),
    "StringLike": ("String", False), "StringNotLike": ("String", True),
    "NumericEquals": ("Numeric", False), "NumericNotEquals": ("Numeric", True),
    "NumericLessThan": ("Numeric", False), "NumericLessThanEquals": ("Numeric", False),
    "NumericGreaterThan": ("Numeric", False), "NumericGreaterThanEquals": ("Numeric", False),
    "DateEquals": ("Date", False), "DateNotEquals": ("Date", True),
    "DateLessThan": ("Date", False), "DateLessThanEquals": ("Date", False),
    "DateGreaterThan": ("Date", False), "DateGreaterThanEquals": ("Date", False),
    "Bool": ("Bool", False), "BinaryEquals": ("Binary", False),
    "IpAddress": ("Ip", False), "NotIpAddress": ("Ip", True),
    "ArnEquals": ("Arn", False), "ArnLike": ("Arn", False),
    "ArnNotEquals": ("Arn", True), "ArnNotLike": ("Arn", True),
}
for op, (kind, negated) in OPS.items():
    v = SAMPLE[kind]
    case(f"{op} with the key missing", op, "ex:absent", v, MISSING, A if negated else D)
    case(f"{op}IfExists with the key missing", op + "IfExists", "ex:absent", v, MISSING, A)
    case(f"ForAllValues:{op} with the key missing", "ForAllValues:" + op, "ex:absent", v, MISSING, A)
    case(f"ForAnyValue:{op} with the key missing", "ForAnyValue:" + op, "ex:absent", v, MISSING, D)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "operators.jsonl"), "w") as f:
    f.write("// Condition operators: match, no match, missing key, IfExists, set qualifiers.\n")
    f.write("// Generated by a small script from hand-written tables; each expectation follows AWS's documented rules.\n")
    for c in out:
        f.write(json.dumps(c, separators=(",", ":")) + "\n")
print(len(out))
