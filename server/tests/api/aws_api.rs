//! The AWS Query API through the real clients: the AWS CLI (awscli 1.x) and botocore's
//! own signer, both from the virtual environment `make test` installs
//! (`target/aws-venv`, or `PORTCULLIS_AWS_VENV`).

use crate::helpers::*;
use app::clock::Clock as _;
use app::directory::access_keys;
use serde_json::Value;
use std::path::PathBuf;

fn venv() -> PathBuf {
    let dir = std::env::var_os("PORTCULLIS_AWS_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/aws-venv"),
        PathBuf::from,
    );
    assert!(
        dir.join("bin/aws").is_file(),
        "the AWS CLI is not installed in {}: run `make test` (scripts/prerequisites.sh --test installs it)",
        dir.display()
    );
    dir
}

/// One principal's AWS CLI, pointed at the test server.
struct Cli {
    endpoint: String,
    key: String,
    secret: String,
}

/// An AWS error as the CLI reports it: the code and the message.
#[derive(Debug)]
struct AwsError {
    code: String,
    message: String,
}

impl Cli {
    fn new(app: &TestApp, key: &str, secret: &str) -> Self {
        Self {
            endpoint: app.address.clone(),
            key: key.to_owned(),
            secret: secret.to_owned(),
        }
    }

    async fn run(&self, args: &[&str]) -> Result<Value, AwsError> {
        let mut command = tokio::process::Command::new(venv().join("bin/aws"));
        command
            .arg("--endpoint-url")
            .arg(&self.endpoint)
            .arg("--output")
            .arg("json")
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", std::env::temp_dir())
            .env("AWS_ACCESS_KEY_ID", &self.key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret)
            .env("AWS_DEFAULT_REGION", "eu-west-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_RETRY_MODE", "standard");
        let output = command.output().await.expect("run the AWS CLI");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            return Ok(if stdout.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
            });
        }
        // "An error occurred (Code) when calling the Op operation: message"
        let line = stderr
            .lines()
            .find(|l| l.contains("An error occurred ("))
            .unwrap_or_else(|| panic!("aws {args:?} failed without an AWS error: {stderr}"));
        let code = line
            .split('(')
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or_default()
            .to_owned();
        // "... operation: message", or "... operation (reached max retries: 0): message"
        let after = stderr.split_once(" operation").map_or("", |(_, rest)| rest);
        let message = match after.split_once("): ") {
            Some((_, m)) if after.starts_with(" (") => m,
            _ => after.split_once(": ").map_or("", |(_, m)| m),
        }
        .trim()
        .to_owned();
        assert!(!message.is_empty(), "no message in: {stderr}");
        Err(AwsError { code, message })
    }

    async fn code(&self, args: &[&str]) -> String {
        match self.run(args).await {
            Ok(value) => panic!("aws {args:?} succeeded: {value}"),
            Err(error) => error.code,
        }
    }
}

/// The server's clock set to the real time: the CLI signs with it.
fn real_time(app: &TestApp) {
    app.clock
        .advance(time::OffsetDateTime::now_utc() - app.clock.now());
}

#[tokio::test]
async fn the_aws_cli_manages_users_and_keys_and_every_call_is_signed_and_enforced() {
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    real_time(&app);
    let root_ctx = app.root_ctx().await;
    let root_key = access_keys::create_access_key(&root_ctx, None)
        .await
        .unwrap();
    let root = Cli::new(&app, root_key.key.id.as_str(), &root_key.secret);
    let id = account.id.to_string();

    let me = root.run(&["sts", "get-caller-identity"]).await.unwrap();
    assert_eq!(me["Arn"], format!("arn:aws:iam::{id}:root"));
    assert_eq!(me["Account"], id);
    assert_eq!(me["UserId"], id);

    let created = root
        .run(&[
            "iam",
            "create-user",
            "--user-name",
            "alice",
            "--path",
            "/team/",
            "--tags",
            "Key=team,Value=blue",
        ])
        .await
        .unwrap();
    let user = &created["User"];
    assert_eq!(user["UserName"], "alice");
    assert_eq!(user["Path"], "/team/");
    assert_eq!(user["Arn"], format!("arn:aws:iam::{id}:user/team/alice"));
    assert!(user["UserId"].as_str().unwrap().starts_with("AIDA"));
    assert_eq!(user["Tags"][0]["Key"], "team");
    // ISO 8601 in UTC with whole seconds, as AWS writes it (awscli 1.x shows it as sent).
    let created_at = user["CreateDate"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
            .is_ok()
            && created_at.ends_with('Z')
            && created_at.len() == 20,
        "{created_at}"
    );

    assert_eq!(
        root.code(&["iam", "create-user", "--user-name", "ALICE"])
            .await,
        "EntityAlreadyExists"
    );
    let missing = root
        .run(&["iam", "get-user", "--user-name", "bob"])
        .await
        .unwrap_err();
    assert_eq!(missing.code, "NoSuchEntity");
    assert_eq!(missing.message, "The user with name bob cannot be found.");
    assert_eq!(
        root.code(&["iam", "create-user", "--user-name", "no spaces"])
            .await,
        "ValidationError"
    );

    // Pagination: the server answers one user per call, the CLI follows the markers.
    for name in ["bob", "carol", "dave"] {
        root.run(&["iam", "create-user", "--user-name", name])
            .await
            .unwrap();
    }
    let page = root
        .run(&["iam", "list-users", "--max-items", "3", "--page-size", "1"])
        .await
        .unwrap();
    let names: Vec<&str> = page["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["UserName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    let token = page["NextToken"].as_str().expect("more users to come");
    let rest = root
        .run(&["iam", "list-users", "--starting-token", token])
        .await
        .unwrap();
    assert_eq!(rest["Users"][0]["UserName"], "dave");
    assert!(rest.get("NextToken").is_none());

    // Alice's own key: she is who it says, and may do only what her policies allow.
    let key = root
        .run(&["iam", "create-access-key", "--user-name", "alice"])
        .await
        .unwrap();
    let alice_key = key["AccessKey"]["AccessKeyId"].as_str().unwrap().to_owned();
    assert!(alice_key.starts_with("AKIA") && alice_key.len() == 20);
    assert_eq!(key["AccessKey"]["Status"], "Active");
    let secret = key["AccessKey"]["SecretAccessKey"].as_str().unwrap();
    assert_eq!(secret.len(), 40);
    let alice = Cli::new(&app, &alice_key, secret);
    let who = alice.run(&["sts", "get-caller-identity"]).await.unwrap();
    assert_eq!(who["Arn"], format!("arn:aws:iam::{id}:user/team/alice"));
    let denied = alice.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(denied.code, "AccessDenied");
    assert!(
        denied.message.starts_with(&format!(
            "User: arn:aws:iam::{id}:user/team/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{id}:user/"
        )),
        "{}",
        denied.message
    );
    root.run(&[
        "iam",
        "attach-user-policy",
        "--user-name",
        "alice",
        "--policy-arn",
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    ])
    .await
    .unwrap();
    let attached = root
        .run(&["iam", "list-attached-user-policies", "--user-name", "alice"])
        .await
        .unwrap();
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyName"],
        "IAMReadOnlyAccess"
    );
    root.run(&[
        "iam",
        "tag-user",
        "--user-name",
        "alice",
        "--tags",
        "Key=cost,Value=42",
    ])
    .await
    .unwrap();
    root.run(&[
        "iam",
        "untag-user",
        "--user-name",
        "alice",
        "--tag-keys",
        "team",
    ])
    .await
    .unwrap();
    let tags = root
        .run(&["iam", "list-user-tags", "--user-name", "alice"])
        .await
        .unwrap();
    assert_eq!(
        tags["Tags"],
        serde_json::json!([{"Key": "cost", "Value": "42"}])
    );
    let listed = alice.run(&["iam", "list-users"]).await.unwrap();
    assert_eq!(listed["Users"].as_array().unwrap().len(), 4);
    assert_eq!(
        alice
            .code(&["iam", "create-user", "--user-name", "mallory"])
            .await,
        "AccessDenied"
    );
    assert_eq!(
        root.code(&["iam", "get-user", "--user-name", "mallory"])
            .await,
        "NoSuchEntity",
        "the denied call changed nothing"
    );
    let own = alice.run(&["iam", "list-access-keys"]).await.unwrap();
    assert_eq!(own["AccessKeyMetadata"][0]["UserName"], "alice");

    // The key's use is recorded (service and region), once per quarter hour.
    let used = root
        .run(&[
            "iam",
            "get-access-key-last-used",
            "--access-key-id",
            &alice_key,
        ])
        .await
        .unwrap();
    assert_eq!(used["UserName"], "alice");
    assert_eq!(used["AccessKeyLastUsed"]["Region"], "eu-west-1");
    assert_eq!(used["AccessKeyLastUsed"]["ServiceName"], "sts");

    // Refusals: an inactive key, an unknown key, a wrong secret, a skewed clock.
    root.run(&[
        "iam",
        "update-access-key",
        "--user-name",
        "alice",
        "--access-key-id",
        &alice_key,
        "--status",
        "Inactive",
    ])
    .await
    .unwrap();
    assert_eq!(
        alice.code(&["sts", "get-caller-identity"]).await,
        "InvalidClientTokenId"
    );
    let stranger = Cli::new(&app, "AKIAIOSFODNN7EXAMPLE", secret);
    assert_eq!(
        stranger.code(&["iam", "list-users"]).await,
        "InvalidClientTokenId"
    );
    let forger = Cli::new(&app, root_key.key.id.as_str(), secret);
    let forged = forger.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(forged.code, "SignatureDoesNotMatch");
    app.clock.advance(time::Duration::minutes(16));
    let late = root.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(late.code, "SignatureDoesNotMatch");
    assert!(
        late.message.starts_with("Signature expired: "),
        "{}",
        late.message
    );
    app.clock.advance(-time::Duration::minutes(16));

    root.run(&[
        "iam",
        "delete-access-key",
        "--user-name",
        "alice",
        "--access-key-id",
        &alice_key,
    ])
    .await
    .unwrap();
    assert_eq!(
        root.code(&["iam", "delete-user", "--user-name", "alice"])
            .await,
        "DeleteConflict",
        "alice still has a policy attached"
    );
    root.run(&["iam", "delete-user", "--user-name", "dave"])
        .await
        .unwrap();
    // Every change above is in the audit log, the denied one too.
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'iam:CreateUser' AND outcome = 'success'")
            .await,
        4
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'iam:CreateUser' AND outcome = 'denied'")
            .await,
        1
    );
}

/// botocore's own signer: a presigned GetCallerIdentity URL works as a plain GET, and
/// a signed request whose body was changed afterwards is refused.
#[tokio::test]
async fn presigned_urls_and_tampered_bodies_are_judged_as_botocore_signs_them() {
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    real_time(&app);
    let root_ctx = app.root_ctx().await;
    let key = access_keys::create_access_key(&root_ctx, None)
        .await
        .unwrap();
    let script = r#"
import json, sys
import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, key, secret = sys.argv[1:4]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
body = "Action=ListUsers&Version=2010-05-08&MaxItems=5"
request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials(key, secret), "iam", "us-east-1").add_auth(request)
print(json.dumps({"url": url, "headers": dict(request.headers.items()), "body": body}))
"#;
    let output = tokio::process::Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(&app.address)
        .arg(key.key.id.as_str())
        .arg(&key.secret)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let signed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let client = reqwest::Client::new();

    let presigned = client
        .get(signed["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let status = presigned.status();
    let xml = presigned.text().await.unwrap();
    assert_eq!(status, 200, "{xml}");
    assert!(
        xml.contains(&format!("<Arn>arn:aws:iam::{}:root</Arn>", account.id)),
        "{xml}"
    );

    let send = |body: String| {
        let mut request = client.post(format!("{}/", app.address)).body(body);
        for (name, value) in signed["headers"].as_object().unwrap() {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        request.send()
    };
    let honest = send(signed["body"].as_str().unwrap().to_owned())
        .await
        .unwrap();
    assert_eq!(honest.status(), 200);
    assert!(
        honest
            .text()
            .await
            .unwrap()
            .contains("<ListUsersResult><Users></Users>")
    );
    let tampered = send(
        signed["body"]
            .as_str()
            .unwrap()
            .replace("MaxItems=5", "MaxItems=6"),
    )
    .await
    .unwrap();
    assert_eq!(tampered.status(), 403);
    let xml = tampered.text().await.unwrap();
    assert!(xml.contains("<Code>SignatureDoesNotMatch</Code>"), "{xml}");
    assert!(xml.contains("<Type>Sender</Type>") && xml.contains("<RequestId>"));

    // No signature at all: AWS's MissingAuthenticationToken, and no console page.
    let unsigned = client
        .post(format!("{}/", app.address))
        .form(&[("Action", "ListUsers"), ("Version", "2010-05-08")])
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    assert!(
        unsigned
            .text()
            .await
            .unwrap()
            .contains("<Code>MissingAuthenticationToken</Code>")
    );
}
