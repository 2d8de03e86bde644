//! The AWS Query API through the real clients: the AWS CLI (awscli 1.x) and botocore's
//! own signer, both from the virtual environment `make test` installs
//! (`target/aws-venv`, or `PORTCULLIS_AWS_VENV`).

use crate::helpers::*;
use app::clock::Clock as _;
use app::directory::access_keys;
use serde_json::Value;
use std::path::PathBuf;

pub(crate) fn venv() -> PathBuf {
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
pub(crate) struct Cli {
    endpoint: String,
    key: String,
    secret: String,
    /// A session token, for temporary credentials.
    token: Option<String>,
}

/// An AWS error as the CLI reports it: the code and the message.
#[derive(Debug)]
pub(crate) struct AwsError {
    pub code: String,
    pub message: String,
}

impl Cli {
    pub(crate) fn new(app: &TestApp, key: &str, secret: &str) -> Self {
        Self {
            endpoint: app.address.clone(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            token: None,
        }
    }

    /// The CLI with temporary credentials as GetSessionToken printed them.
    pub(crate) fn with_credentials(app: &TestApp, credentials: &Value) -> Self {
        let mut cli = Self::new(
            app,
            credentials["AccessKeyId"].as_str().unwrap(),
            credentials["SecretAccessKey"].as_str().unwrap(),
        );
        cli.token = Some(credentials["SessionToken"].as_str().unwrap().to_owned());
        cli
    }

    pub(crate) async fn run(&self, args: &[&str]) -> Result<Value, AwsError> {
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
            // No profile files: the environment is the whole configuration.
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aws-credentials",
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_RETRY_MODE", "standard");
        if let Some(token) = &self.token {
            command.env("AWS_SESSION_TOKEN", token);
        }
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
            .unwrap_or_else(|| {
                panic!("aws {args:?} failed without an AWS error: {stderr} (output: {stdout})")
            });
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

    pub(crate) async fn code(&self, args: &[&str]) -> String {
        match self.run(args).await {
            Ok(value) => panic!("aws {args:?} succeeded: {value}"),
            Err(error) => error.code,
        }
    }
}

/// A server on the real clock with its account: the account id, and the root user's
/// CLI with a new root key.
pub(crate) async fn with_root_cli() -> (TestApp, String, Cli) {
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    real_time(&app);
    let key = access_keys::create_access_key(&app.root_ctx().await, None)
        .await
        .unwrap();
    let root = Cli::new(&app, key.key.id.as_str(), &key.secret);
    (app, account.id.to_string(), root)
}

/// A CLI call that must succeed.
pub(crate) fn ok(result: Result<Value, AwsError>) -> Value {
    result.unwrap_or_else(|e| panic!("{e:?}"))
}

/// The server's clock set to the real time: the CLI signs with it.
pub(crate) fn real_time(app: &TestApp) {
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
    real_time(&app);
    app.clock.advance(time::Duration::minutes(16));
    let late = root.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(late.code, "SignatureDoesNotMatch");
    assert!(
        late.message.starts_with("Signature expired: "),
        "{}",
        late.message
    );
    real_time(&app);

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
    // Each API event names the key that signed it.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE action = 'iam:CreateUser' \
             AND outcome = 'success' AND params::jsonb->>'SignedWithAccessKeyId' = '{}'",
            root_key.key.id
        ))
        .await,
        4
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

    // A body over the cap is refused before it is read, in AWS's words and XML.
    let huge = format!(
        "Action=ListUsers&Version=2010-05-08&Marker={}",
        "a".repeat(1024 * 1024 + 1)
    );
    let refused = client
        .post(format!("{}/", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 413);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("<Code>RequestEntityTooLarge</Code>") && body.contains("<ErrorResponse"),
        "{body}"
    );
}

/// Signs each body with botocore's SigV4 signer for `service` and returns the headers
/// to send with it.
async fn botocore_sign(
    app: &TestApp,
    key: &str,
    secret: &str,
    service: &str,
    bodies: &[String],
) -> Vec<serde_json::Map<String, Value>> {
    let script = r#"
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, key, secret, service = sys.argv[1:5]
out = []
for body in json.loads(sys.stdin.read()):
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    out.append(dict(request.headers.items()))
print(json.dumps(out))
"#;
    let mut child = tokio::process::Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(&app.address)
        .arg(key)
        .arg(secret)
        .arg(service)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt as _;
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(serde_json::to_string(bodies).unwrap().as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let headers: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    headers
        .into_iter()
        .map(|h| h.as_object().unwrap().clone())
        .collect()
}

/// Every action the console's services authorise that AWS also has is an action of the
/// API: called without its parameters, each is found (a validation error or an answer,
/// never InvalidAction), and an action AWS does not have is InvalidAction.
#[tokio::test]
async fn every_iam_action_of_the_services_is_an_api_action() {
    use app::authz::IamAction;
    // Portcullis's own: nested groups and the activity log have no AWS action.
    const OURS: [IamAction; 3] = [
        IamAction::AddGroupToGroup,
        IamAction::RemoveGroupFromGroup,
        IamAction::ListAuditEvents,
    ];
    let app = spawn_app().await;
    app.bootstrap().await;
    real_time(&app);
    let root_ctx = app.root_ctx().await;
    let key = access_keys::create_access_key(&root_ctx, None)
        .await
        .unwrap();
    let of = |service: &str| -> Vec<&str> {
        IamAction::ALL
            .iter()
            .filter(|a| !OURS.contains(a) && a.service() == service)
            .map(|a| a.name())
            .collect()
    };
    let mut actions = of("iam");
    actions.push("FrobnicateUser");
    let mut bodies: Vec<String> = actions
        .iter()
        .map(|a| format!("Action={a}&Version=2010-05-08"))
        .collect();
    let mut signed = botocore_sign(&app, key.key.id.as_str(), &key.secret, "iam", &bodies).await;
    let sts = of("sts");
    assert!(!sts.is_empty());
    let sts_bodies: Vec<String> = sts
        .iter()
        .map(|a| format!("Action={a}&Version=2011-06-15"))
        .collect();
    signed.extend(botocore_sign(&app, key.key.id.as_str(), &key.secret, "sts", &sts_bodies).await);
    actions.extend(sts);
    bodies.extend(sts_bodies);
    let client = reqwest::Client::new();
    let mut missing = Vec::new();
    for ((action, body), headers) in actions.iter().zip(&bodies).zip(&signed) {
        let mut request = client.post(format!("{}/", app.address)).body(body.clone());
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str().unwrap());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let xml = response.text().await.unwrap();
        assert!(status != 500, "{action}: {xml}");
        if xml.contains("<Code>InvalidAction</Code>") {
            missing.push(*action);
        }
    }
    assert_eq!(missing, ["FrobnicateUser"], "actions the API does not know");
}

#[tokio::test]
async fn groups_policies_versions_inline_policies_and_the_password_policy_through_the_cli() {
    let (_app, id, root) = with_root_cli().await;

    ok(root
        .run(&["iam", "create-user", "--user-name", "tom"])
        .await);
    let group = ok(root
        .run(&["iam", "create-group", "--group-name", "BisDev"])
        .await);
    assert_eq!(
        group["Group"]["Arn"],
        format!("arn:aws:iam::{id}:group/BisDev")
    );
    assert!(
        group["Group"]["GroupId"]
            .as_str()
            .unwrap()
            .starts_with("AGPA")
    );
    ok(root
        .run(&[
            "iam",
            "add-user-to-group",
            "--group-name",
            "BisDev",
            "--user-name",
            "tom",
        ])
        .await);
    let got = ok(root
        .run(&["iam", "get-group", "--group-name", "BisDev"])
        .await);
    assert_eq!(got["Users"][0]["UserName"], "tom");
    let for_user = ok(root
        .run(&["iam", "list-groups-for-user", "--user-name", "tom"])
        .await);
    assert_eq!(for_user["Groups"][0]["GroupName"], "BisDev");

    // A customer managed policy, a second version made the default, the first rolled back to.
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let created = ok(root
        .run(&[
            "iam",
            "create-policy",
            "--policy-name",
            "Reader",
            "--description",
            "reads",
            "--policy-document",
            document,
        ])
        .await);
    let arn = created["Policy"]["Arn"].as_str().unwrap().to_owned();
    assert_eq!(arn, format!("arn:aws:iam::{id}:policy/Reader"));
    assert!(
        created["Policy"]["PolicyId"]
            .as_str()
            .unwrap()
            .starts_with("ANPA")
    );
    assert_eq!(created["Policy"]["DefaultVersionId"], "v1");
    let v2 = ok(root
        .run(&[
            "iam", "create-policy-version", "--policy-arn", &arn, "--set-as-default",
            "--policy-document",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#,
        ])
        .await);
    assert_eq!(v2["PolicyVersion"]["VersionId"], "v2");
    assert_eq!(v2["PolicyVersion"]["IsDefaultVersion"], true);
    // The document comes back as JSON (AWS sends it URL-encoded; the CLI decodes it).
    let v1 = ok(root
        .run(&[
            "iam",
            "get-policy-version",
            "--policy-arn",
            &arn,
            "--version-id",
            "v1",
        ])
        .await);
    assert_eq!(
        v1["PolicyVersion"]["Document"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    ok(root
        .run(&[
            "iam",
            "set-default-policy-version",
            "--policy-arn",
            &arn,
            "--version-id",
            "v1",
        ])
        .await);
    let versions = ok(root
        .run(&["iam", "list-policy-versions", "--policy-arn", &arn])
        .await);
    assert_eq!(versions["Versions"].as_array().unwrap().len(), 2);
    let bad = root
        .run(&[
            "iam",
            "create-policy",
            "--policy-name",
            "Broken",
            "--policy-document",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#,
        ])
        .await
        .unwrap_err();
    assert_eq!(bad.code, "MalformedPolicyDocument");

    ok(root
        .run(&[
            "iam",
            "attach-group-policy",
            "--group-name",
            "BisDev",
            "--policy-arn",
            &arn,
        ])
        .await);
    let entities = ok(root
        .run(&["iam", "list-entities-for-policy", "--policy-arn", &arn])
        .await);
    assert_eq!(entities["PolicyGroups"][0]["GroupName"], "BisDev");
    let local = ok(root
        .run(&[
            "iam",
            "list-policies",
            "--scope",
            "Local",
            "--only-attached",
        ])
        .await);
    assert_eq!(local["Policies"].as_array().unwrap().len(), 1);
    assert_eq!(
        root.code(&["iam", "delete-policy", "--policy-arn", &arn])
            .await,
        "DeleteConflict"
    );

    // Inline policies, on a user and on a group.
    ok(root
        .run(&[
            "iam",
            "put-user-policy",
            "--user-name",
            "tom",
            "--policy-name",
            "Own",
            "--policy-document",
            document,
        ])
        .await);
    let inline = ok(root
        .run(&[
            "iam",
            "get-user-policy",
            "--user-name",
            "tom",
            "--policy-name",
            "Own",
        ])
        .await);
    assert_eq!(
        inline["PolicyDocument"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    let names = ok(root
        .run(&["iam", "list-user-policies", "--user-name", "tom"])
        .await);
    assert_eq!(names["PolicyNames"], serde_json::json!(["Own"]));
    ok(root
        .run(&[
            "iam",
            "put-group-policy",
            "--group-name",
            "BisDev",
            "--policy-name",
            "Team",
            "--policy-document",
            document,
        ])
        .await);
    let names = ok(root
        .run(&["iam", "list-group-policies", "--group-name", "BisDev"])
        .await);
    assert_eq!(names["PolicyNames"], serde_json::json!(["Team"]));

    // The password policy, a console password, an alias and the summary.
    ok(root
        .run(&[
            "iam",
            "update-account-password-policy",
            "--minimum-password-length",
            "12",
            "--require-numbers",
            "--max-password-age",
            "90",
        ])
        .await);
    let policy = ok(root.run(&["iam", "get-account-password-policy"]).await);
    assert_eq!(policy["PasswordPolicy"]["MinimumPasswordLength"], 12);
    assert_eq!(policy["PasswordPolicy"]["ExpirePasswords"], true);
    assert_eq!(policy["PasswordPolicy"]["MaxPasswordAge"], 90);
    let short = root
        .run(&[
            "iam",
            "create-login-profile",
            "--user-name",
            "tom",
            "--password",
            "Short-1",
        ])
        .await
        .unwrap_err();
    assert_eq!(short.code, "PasswordPolicyViolation", "{}", short.message);
    let profile = ok(root
        .run(&[
            "iam",
            "create-login-profile",
            "--user-name",
            "tom",
            "--password",
            "Tom-Chose-A-Long-1",
            "--password-reset-required",
        ])
        .await);
    assert_eq!(profile["LoginProfile"]["PasswordResetRequired"], true);
    ok(root
        .run(&["iam", "create-account-alias", "--account-alias", "acme-two"])
        .await);
    let aliases = ok(root.run(&["iam", "list-account-aliases"]).await);
    assert_eq!(aliases["AccountAliases"], serde_json::json!(["acme-two"]));
    let summary = ok(root.run(&["iam", "get-account-summary"]).await);
    assert_eq!(summary["SummaryMap"]["Users"], 1);
    assert_eq!(summary["SummaryMap"]["Groups"], 1);

    // A virtual MFA device: created with its seed, which the CLI writes to a file (and
    // makes private to its owner: never point it at a shared file such as /dev/null).
    let seed_file = std::env::temp_dir().join(format!("seed-{}", uuid::Uuid::new_v4().simple()));
    let device = ok(root
        .run(&[
            "iam",
            "create-virtual-mfa-device",
            "--virtual-mfa-device-name",
            "tom-phone",
            "--outfile",
            seed_file.to_str().unwrap(),
            "--bootstrap-method",
            "Base32StringSeed",
        ])
        .await);
    let seed = std::fs::read_to_string(&seed_file).unwrap();
    std::fs::remove_file(&seed_file).unwrap();
    assert_eq!(seed.trim().len(), 32, "a base32 seed of 160 bits");
    assert_eq!(
        device["VirtualMFADevice"]["SerialNumber"],
        format!("arn:aws:iam::{id}:mfa/tom-phone")
    );
    let listed = ok(root
        .run(&[
            "iam",
            "list-virtual-mfa-devices",
            "--assignment-status",
            "Unassigned",
        ])
        .await);
    assert_eq!(listed["VirtualMFADevices"].as_array().unwrap().len(), 1);
}

/// `portcullis access-key create` prints a key as the AWS CLI would, made by the same
/// audited service; the AWS CLI then signs with it.
#[tokio::test]
async fn the_access_key_command_makes_a_key_the_cli_signs_with() {
    use app::directory::users::{self, NewUser};
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    real_time(&app);
    let root_ctx = app.root_ctx().await;
    users::create_user(&root_ctx, NewUser::parse("deployer", "/", &[]).unwrap())
        .await
        .unwrap();
    let id = account.id.to_string();
    let create = |user: Option<&str>| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"));
        command
            .args(["access-key", "create", "--account-id", &id])
            .env_remove("PORTCULLIS_DATABASE_URL")
            .env("DATABASE_URL", &app.database_url)
            // The test servers' master key: 32 bytes of 9.
            .env(
                "PORTCULLIS_MASTER_KEY",
                "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
            )
            .env("PORTCULLIS_LOG", "warn");
        if let Some(user) = user {
            command.args(["--user", user]);
        }
        command.output()
    };
    let out = create(Some("deployer")).await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let key = &printed["AccessKey"];
    assert_eq!(key["UserName"], "deployer");
    assert_eq!(key["Status"], "Active");
    let cli = Cli::new(
        &app,
        key["AccessKeyId"].as_str().unwrap(),
        key["SecretAccessKey"].as_str().unwrap(),
    );
    let me = cli.run(&["sts", "get-caller-identity"]).await.unwrap();
    assert_eq!(me["Arn"], format!("arn:aws:iam::{id}:user/deployer"));

    let out = create(None).await.unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        printed["AccessKey"]["UserName"], id,
        "root's key names the account"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_events WHERE action = 'iam:CreateAccessKey' \
             AND user_agent = 'portcullis command line' AND outcome = 'success'"
        )
        .await,
        2
    );
    // An unknown account or user: one clear line, nothing made.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(["access-key", "create", "--account-id", "000000000000"])
        .env_remove("PORTCULLIS_DATABASE_URL")
        .env("DATABASE_URL", &app.database_url)
        .env(
            "PORTCULLIS_MASTER_KEY",
            "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=",
        )
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No account has the id 000000000000"));
}

/// GetSessionToken with a TOTP code gives credentials that AWS's "require MFA" policy
/// allows; without a code, or with a wrong one, it does not; expired credentials get
/// ExpiredToken.
#[tokio::test]
async fn session_tokens_with_mfa_satisfy_a_policy_that_requires_it() {
    use crate::mfa::oathtool;
    use app::directory::mfa;
    use app::directory::users::{self, NewUser};
    use app::model::{AuthCode, IamPath, MfaDeviceName, UserName};
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    real_time(&app);
    let root_ctx = app.root_ctx().await;
    let id = account.id.to_string();
    let user = UserName::parse("carla").unwrap();
    users::create_user(&root_ctx, NewUser::parse("carla", "/", &[]).unwrap())
        .await
        .unwrap();
    let key = access_keys::create_access_key(&root_ctx, Some(&user))
        .await
        .unwrap();
    let device = mfa::create_virtual_mfa_device(
        &root_ctx,
        &MfaDeviceName::parse("carla-phone").unwrap(),
        &IamPath::root(),
    )
    .await
    .unwrap();
    let now = app.clock.now();
    let at = |t| AuthCode::parse(&oathtool(&device.base32_seed, t)).unwrap();
    mfa::enable_mfa_device(
        &root_ctx,
        Some(&user),
        &device.device.serial_number,
        (&at(now - time::Duration::seconds(30)), &at(now)),
    )
    .await
    .unwrap();
    let root_key = access_keys::create_access_key(&root_ctx, None)
        .await
        .unwrap();
    let root = Cli::new(&app, root_key.key.id.as_str(), &root_key.secret);
    root.run(&[
        "iam", "put-user-policy", "--user-name", "carla", "--policy-name", "WithMfaOnly",
        "--policy-document",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    ])
    .await
    .unwrap();
    let carla = Cli::new(&app, key.key.id.as_str(), &key.secret);
    // Her long-term key carries no MFA: the condition does not hold.
    assert_eq!(carla.code(&["iam", "list-users"]).await, "AccessDenied");

    // A code the device shows in the next step (the current one was spent enabling it).
    app.clock.advance(time::Duration::seconds(30));
    let serial = device.device.serial_number.clone();
    let wrong = carla
        .run(&[
            "sts",
            "get-session-token",
            "--serial-number",
            &serial,
            "--token-code",
            "000000",
        ])
        .await
        .unwrap_err();
    assert_eq!(wrong.code, "AccessDenied");
    assert_eq!(
        wrong.message,
        "MultiFactorAuthentication failed with invalid MFA one time pass code."
    );
    let code = oathtool(&device.base32_seed, app.clock.now());
    let issued = carla
        .run(&[
            "sts",
            "get-session-token",
            "--serial-number",
            &serial,
            "--token-code",
            &code,
            "--duration-seconds",
            "900",
        ])
        .await
        .unwrap();
    let credentials = &issued["Credentials"];
    assert!(
        credentials["AccessKeyId"]
            .as_str()
            .unwrap()
            .starts_with("ASIA")
    );
    assert_eq!(credentials["SecretAccessKey"].as_str().unwrap().len(), 40);
    let with_mfa = Cli::with_credentials(&app, credentials);
    let listed = with_mfa.run(&["iam", "list-users"]).await.unwrap();
    assert_eq!(listed["Users"][0]["UserName"], "carla");
    let me = with_mfa.run(&["sts", "get-caller-identity"]).await.unwrap();
    assert_eq!(me["Arn"], format!("arn:aws:iam::{id}:user/carla"));
    // The code is spent: asking again with it is refused.
    assert_eq!(
        carla
            .code(&[
                "sts",
                "get-session-token",
                "--serial-number",
                &serial,
                "--token-code",
                &code,
            ])
            .await,
        "AccessDenied"
    );
    // Session credentials cannot ask for more.
    assert_eq!(
        with_mfa.code(&["sts", "get-session-token"]).await,
        "AccessDenied"
    );

    // Without MFA: STS answers, IAM does not.
    let plain = carla.run(&["sts", "get-session-token"]).await.unwrap();
    let without = Cli::with_credentials(&app, &plain["Credentials"]);
    without.run(&["sts", "get-caller-identity"]).await.unwrap();
    assert_eq!(without.code(&["iam", "list-users"]).await, "AccessDenied");
    assert_eq!(
        carla
            // Beyond 36 hours (the CLI itself refuses less than 900).
            .code(&["sts", "get-session-token", "--duration-seconds", "129601"])
            .await,
        "ValidationError"
    );

    // A wrong token, and credentials past their expiry.
    let mut forged = Cli::with_credentials(&app, credentials);
    forged.token = Some("not-the-token".to_owned());
    assert_eq!(
        forged.code(&["sts", "get-caller-identity"]).await,
        "InvalidClientTokenId"
    );
    sqlx::query("UPDATE session_credentials SET expires_at = issued_at + interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    // Credentials never change once issued, so the server keeps what it read of them;
    // this test changed them behind its back.
    app.state.caches.session_keys.clear();
    app.clock.advance(time::Duration::seconds(2));
    let expired = with_mfa
        .run(&["sts", "get-caller-identity"])
        .await
        .unwrap_err();
    assert_eq!(expired.code, "ExpiredToken");

    // The root user's sessions last at most an hour.
    let root_session = root
        .run(&["sts", "get-session-token", "--duration-seconds", "7200"])
        .await
        .unwrap();
    let expiration = time::OffsetDateTime::parse(
        root_session["Credentials"]["Expiration"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let lasts = expiration - app.clock.now();
    assert!(lasts <= time::Duration::seconds(3600) && lasts > time::Duration::seconds(3500));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'sts:GetSessionToken'")
            .await,
        5,
        "three issued, two refused codes"
    );

    // Wrong codes are limited as at the console's sign-in (one count for both): after
    // five in a row, the next attempt waits, whatever its code.
    let guess = [
        "sts",
        "get-session-token",
        "--serial-number",
        &serial,
        "--token-code",
        "000000",
    ];
    for _ in 0..4 {
        assert_eq!(carla.code(&guess).await, "AccessDenied");
    }
    let throttled = carla.run(&guess).await.unwrap_err();
    assert_eq!(throttled.code, "Throttling", "{throttled:?}");
}

/// Our canonicalisation against botocore's signer on generated requests: odd but
/// valid paths (encoded characters, dot segments, doubled slashes), repeated and
/// unsorted query keys, empty values, headers with runs of spaces. Each signature
/// botocore makes must verify, and a changed byte must not.
#[tokio::test]
async fn generated_requests_signed_by_botocore_verify_with_our_canonicalisation() {
    use server::awsapi::sigv4;
    let script = r#"
import json, random, sys
from urllib.parse import quote
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
rng = random.Random(int(sys.argv[1]))
alphabet = "abcXYZ019-_.~ !$&'()*+,;=:@%/?#[]üé€\u00a0"
def text(n):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, n)))
out = []
for i in range(int(sys.argv[2])):
    segments = [quote(text(6), safe="-_.~") for _ in range(rng.randint(0, 4))]
    segments += rng.sample(["", ".", "..", "a", "%41"], rng.randint(0, 2))
    path = "/" + "/".join(segments) + rng.choice(["", "/"])
    pairs = []
    for _ in range(rng.randint(0, 5)):
        key = rng.choice(["Action", "a", "A", "b", "x-y", text(4)])
        pairs.append((key, text(8)))
    if pairs and rng.random() < 0.5:
        pairs.append(pairs[0])
    query = "&".join(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in pairs)
    url = "http://127.0.0.1:3000" + path + ("?" + query if query else "")
    method = rng.choice(["GET", "POST"])
    body = text(30).encode() if method == "POST" else b""
    headers = {"X-Custom": "  two   spaces  " + text(3).replace("\u00a0", "")}
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials("AKIAIOSFODNN7EXAMPLE", "secret/KEY+with=odd"), rng.choice(["iam", "sts"]),
              rng.choice(["us-east-1", "eu-west-3", "ap-southeast-2"])).add_auth(request)
    headers = [[k, v] for k, v in request.headers.items()]
    headers.append(["Host", "127.0.0.1:3000"])
    out.append({"method": method, "path": path, "query": query or None,
                "headers": headers, "body": list(body)})
print(json.dumps(out))
"#;
    let output = tokio::process::Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg("20261205")
        .arg("400")
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cases: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(cases.len(), 400);
    for case in &cases {
        let body: Vec<u8> = case["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
            .collect();
        let headers: Vec<(String, String)> = case["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    h[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let incoming = sigv4::Incoming {
            method: case["method"].as_str().unwrap(),
            raw_path: case["path"].as_str().unwrap(),
            raw_query: case["query"].as_str(),
            headers,
            body: &body,
        };
        let signed = sigv4::parse(&incoming).unwrap();
        let canonical = sigv4::canonical_request(&incoming, &signed).unwrap();
        let to_sign = sigv4::string_to_sign(&signed, &canonical);
        let key = sigv4::signing_key("secret/KEY+with=odd", &signed.scope);
        assert!(
            sigv4::matches(&key, &signed, &to_sign),
            "botocore's signature does not verify for {case}\ncanonical request:\n{canonical}"
        );
        // One byte more in the body: refused.
        let mut tampered_body = body.clone();
        tampered_body.push(b'!');
        let tampered = sigv4::Incoming {
            body: &tampered_body,
            ..incoming
        };
        let canonical = sigv4::canonical_request(&tampered, &signed).unwrap();
        assert!(!sigv4::matches(
            &key,
            &signed,
            &sigv4::string_to_sign(&signed, &canonical)
        ));
    }
}

/// AWS's delegation pattern: an administrator may create users only with a given
/// permissions boundary (CreateUser's `iam:PermissionsBoundary` condition key). The
/// user and its boundary are made in one transaction: a wrong boundary creates nothing.
#[tokio::test]
async fn create_user_with_a_boundary_is_one_call_that_a_policy_can_require() {
    let (app, id, root) = with_root_cli().await;

    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let boundary = ok(root
        .run(&[
            "iam",
            "create-policy",
            "--policy-name",
            "Boundary",
            "--policy-document",
            document,
        ])
        .await)["Policy"]["Arn"]
        .as_str()
        .unwrap()
        .to_owned();
    let delegation = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{{"StringEquals":{{"iam:PermissionsBoundary":"{boundary}"}}}}}}]}}"#
    );
    ok(root
        .run(&["iam", "create-user", "--user-name", "delegate"])
        .await);
    ok(root
        .run(&[
            "iam",
            "put-user-policy",
            "--user-name",
            "delegate",
            "--policy-name",
            "Delegation",
            "--policy-document",
            &delegation,
        ])
        .await);
    let created = ok(root
        .run(&["iam", "create-access-key", "--user-name", "delegate"])
        .await);
    let delegate = Cli::new(
        &app,
        created["AccessKey"]["AccessKeyId"].as_str().unwrap(),
        created["AccessKey"]["SecretAccessKey"].as_str().unwrap(),
    );

    assert_eq!(
        delegate
            .code(&["iam", "create-user", "--user-name", "free"])
            .await,
        "AccessDenied"
    );
    let bounded = ok(delegate
        .run(&[
            "iam",
            "create-user",
            "--user-name",
            "bounded",
            "--permissions-boundary",
            &boundary,
        ])
        .await);
    assert_eq!(
        bounded["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"],
        boundary.as_str()
    );
    let other = format!("arn:aws:iam::{id}:policy/Other");
    assert_eq!(
        delegate
            .code(&[
                "iam",
                "create-user",
                "--user-name",
                "other",
                "--permissions-boundary",
                &other
            ])
            .await,
        "AccessDenied"
    );
    // A boundary that does not exist: refused, and no user is left behind.
    assert_eq!(
        root.code(&[
            "iam",
            "create-user",
            "--user-name",
            "orphan",
            "--permissions-boundary",
            &other
        ])
        .await,
        "NoSuchEntity"
    );
    assert_eq!(
        root.code(&["iam", "get-user", "--user-name", "orphan"])
            .await,
        "NoSuchEntity"
    );
    let got = ok(root
        .run(&["iam", "get-user", "--user-name", "bounded"])
        .await);
    assert_eq!(
        got["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"],
        boundary.as_str()
    );

    // STS GetAccessKeyInfo: the key's account, for a caller allowed to ask.
    let delegate_key = created["AccessKey"]["AccessKeyId"].as_str().unwrap();
    let info = ok(root
        .run(&[
            "sts",
            "get-access-key-info",
            "--access-key-id",
            delegate_key,
        ])
        .await);
    assert_eq!(info["Account"], id.as_str());
    assert_eq!(
        delegate
            .code(&[
                "sts",
                "get-access-key-info",
                "--access-key-id",
                delegate_key
            ])
            .await,
        "AccessDenied"
    );
}

/// GetAccountAuthorizationDetails through the CLI: users with their groups, inline and
/// attached policies, boundary and tags; groups likewise; the account's policies with
/// every version, and only the AWS managed policies in use. Fetched one entry per page
/// (the CLI follows the markers across users, groups and policies), it is the same.
#[tokio::test]
async fn account_authorization_details_describe_the_account_page_by_page() {
    let (_app, id, root) = with_root_cli().await;
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let local = ok(root
        .run(&[
            "iam",
            "create-policy",
            "--policy-name",
            "Reader",
            "--policy-document",
            document,
        ])
        .await)["Policy"]["Arn"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(root
        .run(&[
            "iam",
            "create-policy-version",
            "--policy-arn",
            &local,
            "--policy-document",
            document,
            "--set-as-default",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "create-user",
            "--user-name",
            "alice",
            "--path",
            "/team/",
            "--tags",
            "Key=team,Value=blue",
            "--permissions-boundary",
            &local,
        ])
        .await);
    ok(root
        .run(&["iam", "create-user", "--user-name", "bob"])
        .await);
    ok(root
        .run(&["iam", "create-group", "--group-name", "Devs"])
        .await);
    ok(root
        .run(&[
            "iam",
            "add-user-to-group",
            "--group-name",
            "Devs",
            "--user-name",
            "alice",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "put-group-policy",
            "--group-name",
            "Devs",
            "--policy-name",
            "GroupInline",
            "--policy-document",
            document,
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "attach-group-policy",
            "--group-name",
            "Devs",
            "--policy-arn",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "put-user-policy",
            "--user-name",
            "alice",
            "--policy-name",
            "Own",
            "--policy-document",
            document,
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "attach-user-policy",
            "--user-name",
            "alice",
            "--policy-arn",
            &local,
        ])
        .await);

    let whole = ok(root
        .run(&["iam", "get-account-authorization-details"])
        .await);
    let users = whole["UserDetailList"].as_array().unwrap();
    assert_eq!(users.len(), 2, "{whole}");
    let alice = &users[0];
    assert_eq!(alice["UserName"], "alice");
    assert_eq!(alice["Arn"], format!("arn:aws:iam::{id}:user/team/alice"));
    assert_eq!(alice["GroupList"], serde_json::json!(["Devs"]));
    assert_eq!(alice["UserPolicyList"][0]["PolicyName"], "Own");
    // botocore decodes the URL-encoded document into JSON, as from AWS.
    assert_eq!(
        alice["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"],
        "iam:Get*"
    );
    assert_eq!(
        alice["AttachedManagedPolicies"][0]["PolicyArn"],
        local.as_str()
    );
    assert_eq!(
        alice["PermissionsBoundary"]["PermissionsBoundaryArn"],
        local.as_str()
    );
    assert_eq!(alice["Tags"][0]["Key"], "team");
    assert_eq!(users[1]["UserName"], "bob");
    assert_eq!(users[1]["GroupList"], serde_json::json!([]));
    let group = &whole["GroupDetailList"][0];
    assert_eq!(group["GroupName"], "Devs");
    assert_eq!(group["GroupPolicyList"][0]["PolicyName"], "GroupInline");
    assert_eq!(
        group["AttachedManagedPolicies"][0]["PolicyName"],
        "IAMReadOnlyAccess"
    );
    assert_eq!(whole["RoleDetailList"], serde_json::json!([]));
    let policies = whole["Policies"].as_array().unwrap();
    let names: Vec<&str> = policies
        .iter()
        .map(|p| p["PolicyName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Reader", "IAMReadOnlyAccess"],
        "only the AWS policies in use"
    );
    let reader = &policies[0];
    assert_eq!(reader["DefaultVersionId"], "v2");
    assert_eq!(reader["AttachmentCount"], 1);
    assert_eq!(reader["PermissionsBoundaryUsageCount"], 1);
    let versions = reader["PolicyVersionList"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions
            .iter()
            .filter(|v| v["IsDefaultVersion"] == true)
            .count(),
        1
    );

    let paged = ok(root
        .run(&[
            "iam",
            "get-account-authorization-details",
            "--page-size",
            "1",
        ])
        .await);
    for list in ["UserDetailList", "GroupDetailList", "Policies"] {
        assert_eq!(paged[list], whole[list], "{list}");
    }
    let only = ok(root
        .run(&[
            "iam",
            "get-account-authorization-details",
            "--filter",
            "Group",
            "LocalManagedPolicy",
        ])
        .await);
    assert_eq!(only["UserDetailList"], serde_json::json!([]));
    assert_eq!(only["GroupDetailList"].as_array().unwrap().len(), 1);
    assert_eq!(only["Policies"].as_array().unwrap().len(), 1);
}
