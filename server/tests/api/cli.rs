use crate::helpers::*;
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

const MASTER_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn portcullis(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PORTCULLIS_DATABASE_URL")
        .env("PORTCULLIS_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn bootstrap_creates_the_first_account_and_then_refuses() {
    let (pool, url) = fresh_database().await;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("PORTCULLIS_MASTER_KEY", MASTER_KEY),
    ];
    let out = portcullis(
        &[
            "bootstrap",
            "--email",
            ROOT_EMAIL,
            "--alias",
            "acme",
            "--account-id",
            "123456789012",
        ],
        &env,
        &format!("{ROOT_PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Created account 123456789012 (alias acme)"));
    let (id, email): (String, String) =
        sqlx::query_as("SELECT account_id, root_email FROM accounts")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((id.as_str(), email.as_str()), ("123456789012", ROOT_EMAIL));

    let again = portcullis(
        &["bootstrap", "--email", "b@example.com"],
        &env,
        ROOT_PASSWORD,
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already set up"),
        "{}",
        text(&again.stderr)
    );

    let further = portcullis(
        &["account", "create", "--email", "b@example.com"],
        &env,
        ROOT_PASSWORD,
    );
    assert!(further.status.success(), "{}", text(&further.stderr));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn bootstrap_names_the_rule_a_weak_password_breaks() {
    let (pool, url) = fresh_database().await;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("PORTCULLIS_MASTER_KEY", MASTER_KEY),
    ];
    let out = portcullis(&["bootstrap", "--email", ROOT_EMAIL], &env, "weakpass\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("password: must be at least three of"),
        "{}",
        text(&out.stderr)
    );
    let out = portcullis(&["bootstrap", "--email", ROOT_EMAIL], &env, "");
    assert!(text(&out.stderr).contains("no password on standard input"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

/// A start-up failure is one line on stderr and a non-zero exit, never a panic.
fn assert_one_line_failure(out: &Output, expected: &str) {
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
}

#[test]
fn startup_failures_print_one_clear_line() {
    let unreachable = portcullis(
        &["serve"],
        &[
            (
                "DATABASE_URL",
                "postgres://portcullis:hunter2@127.0.0.1:1/portcullis",
            ),
            ("PORTCULLIS_MASTER_KEY", MASTER_KEY),
            ("PORTCULLIS_ADDR", "127.0.0.1:0"),
        ],
        "",
    );
    assert_one_line_failure(
        &unreachable,
        "cannot connect to the database at postgres://portcullis@127.0.0.1:1/portcullis",
    );
    assert!(
        !text(&unreachable.stderr).contains("hunter2"),
        "the password is never printed"
    );

    let malformed = portcullis(
        &["serve"],
        &[("PORTCULLIS_SESSION_IDLE_TIMEOUT", "soon")],
        "",
    );
    assert_one_line_failure(
        &malformed,
        "PORTCULLIS_SESSION_IDLE_TIMEOUT: expected a duration",
    );

    let no_key = portcullis(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://127.0.0.1:1/x"),
            ("PORTCULLIS_ADDR", "127.0.0.1:0"),
        ],
        "",
    );
    assert_one_line_failure(
        &no_key,
        "PORTCULLIS_MASTER_KEY: required when DATABASE_URL is set",
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let out = portcullis(&["serve"], &[("PORTCULLIS_ADDR", addr.as_str())], "");
    assert_one_line_failure(&out, &format!("cannot listen on {addr}"));
}

#[test]
fn policy_lint_knows_every_aws_service_from_the_built_in_catalogue() {
    let lint = |action: &str| {
        let out = portcullis(
            &["policy", "lint", "--json", "-"],
            &[("DATABASE_URL", "postgres://127.0.0.1:1/unused")],
            &format!(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\"Effect\": \"Allow\",\n    \"Action\": [\"{action}\"], \"Resource\": \"*\"}}]\n}}"
            ),
        );
        let findings: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
        findings
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["code"].as_str().unwrap().to_owned(), f["line"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(lint("lambda:InvokeFunction"), []);
    assert_eq!(lint("ec2:Describe*"), []);
    assert_eq!(
        lint("lambda:InvokeFunktion"),
        [("unknown-action".to_owned(), serde_json::json!(4))]
    );
    assert_eq!(
        lint("lamda:InvokeFunction"),
        [("unknown-service".to_owned(), serde_json::json!(4))]
    );
}

#[test]
fn policy_commands_lint_and_simulate_without_a_database() {
    let lint = portcullis(
        &["policy", "lint", "-"],
        &[("DATABASE_URL", "postgres://127.0.0.1:1/unused")],
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}}}"#,
    );
    assert_eq!(lint.status.code(), Some(1));
    // A single statement (not an array) has no index in the path.
    assert!(
        text(&lint.stdout).contains(
            r#"error: Statement.Condition.IpAddress.aws:SourceIp (line 1): "10.0.0.300/8" is not a CIDR"#
        ),
        "{}",
        text(&lint.stdout)
    );

    let allow = r#"{"request":{"principal":"arn:aws:iam::123456789012:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/alice/x","context":{"aws:username":"alice"}},"identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}]}"#;
    let deny = allow.replace("alice/x", "bob/x");
    let batch = portcullis(
        &["policy", "simulate", "--batch"],
        &[],
        &format!("{allow}\nnot json\n{deny}\n"),
    );
    let lines: Vec<serde_json::Value> = text(&batch.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "one result line per case");
    assert_eq!(lines[0]["decision"], "Allow");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    assert_eq!(lines[2]["decision"], "ImplicitDeny");
    assert_eq!(
        batch.status.code(),
        Some(2),
        "a failed line makes the exit code non-zero"
    );
}

#[tokio::test]
async fn account_unlock_lifts_the_limits_on_a_root_user() {
    let app = spawn_app().await;
    app.bootstrap().await;
    for _ in 0..5 {
        let _ = app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await;
    }
    assert!(matches!(
        app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(app::error::AppError::Throttled { .. })
    ));
    let env = [
        ("DATABASE_URL", app.database_url.as_str()),
        ("PORTCULLIS_MASTER_KEY", MASTER_KEY),
    ];
    let out = portcullis(
        &["account", "unlock", "--email", "ROOT@example.com"],
        &env,
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Lifted the sign-in limits"),
        "{}",
        text(&out.stdout)
    );
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
}

#[tokio::test]
async fn audit_verify_passes_an_intact_chain_and_names_a_modified_event() {
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    // Sign-ins (one failed, one good) are events of the account's chain.
    let _ = app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await;
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
    let env = [
        ("DATABASE_URL", app.database_url.as_str()),
        ("PORTCULLIS_MASTER_KEY", MASTER_KEY),
    ];
    let id = account.id.to_string();
    let out = portcullis(&["audit", "verify", "--account-id", &id], &env, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("account {id}: 2 events, chain intact")),
        "{}",
        text(&out.stdout)
    );
    sqlx::query("UPDATE audit_events SET outcome = 'success' WHERE seq = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    let out = portcullis(&["audit", "verify"], &env, "");
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("event 1 was modified"),
        "{}",
        text(&out.stdout)
    );
}
