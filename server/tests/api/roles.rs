//! Roles and AssumeRole through the AWS CLI: a contractor's account assuming a role in
//! another account with an external id, role management with AWS's rules, session
//! lengths and role chaining, session policies, MFA in trust policies.

use crate::aws_api::{Cli, ok, real_time, with_root_cli};
use crate::fixture::new_account;
use crate::helpers::*;
use app::clock::Clock as _;
use app::directory::access_keys;
use app::directory::signing::command_context;
use app::directory::users::{self, NewUser};
use app::model::UserName;
use serde_json::Value;

/// A user of the account `cx` is root of, with an access key and one inline policy:
/// that user's CLI.
async fn user_cli(app: &TestApp, cx: &app::authz::Ctx, user: &str, policy: Option<&str>) -> Cli {
    let name = UserName::parse(user).unwrap();
    users::create_user(cx, NewUser::parse(user, "/", &[]).unwrap())
        .await
        .unwrap();
    if let Some(document) = policy {
        app::directory::policies::put_inline_policy(
            cx,
            app::directory::policies::HolderName::User(&name),
            &app::model::PolicyName::parse("Inline").unwrap(),
            app::directory::policies::IdentityPolicy::parse(document).unwrap(),
        )
        .await
        .unwrap();
    }
    let key = access_keys::create_access_key(cx, Some(&name))
        .await
        .unwrap();
    Cli::new(app, key.key.id.as_str(), &key.secret)
}

/// A second account on the same server, with its root's CLI.
async fn second_account(app: &TestApp, email: &str, alias: &str) -> (String, app::authz::Ctx, Cli) {
    let account =
        app::directory::accounts::create_additional_account(&app.state, new_account(email, alias))
            .await
            .unwrap();
    let id = account.id.to_string();
    let root = command_context(&app.state, &id).await.unwrap();
    let key = access_keys::create_access_key(&root, None).await.unwrap();
    let cli = Cli::new(app, key.key.id.as_str(), &key.secret);
    (id, root, cli)
}

fn allow_assume(role_arn: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{role_arn}"}}]}}"#
    )
}

#[tokio::test]
async fn a_contractor_account_assumes_a_role_across_accounts_with_its_external_id() {
    let (app, a, root_a) = with_root_cli().await;
    let root_a_ctx = app.root_ctx().await;
    let (b, root_b_ctx, root_b) = second_account(&app, "owner@b.example", "bravo").await;
    assert_ne!(a, b);

    // Account B trusts account A, with an external id, to read S3 and IAM.
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"contract-7781"}}}}}}]}}"#
    );
    let created = ok(root_b
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "ContractorAccess",
            "--assume-role-policy-document",
            &trust,
            "--description",
            "Read-only access for Acme's auditors",
        ])
        .await);
    let role = &created["Role"];
    let role_arn = format!("arn:aws:iam::{b}:role/ContractorAccess");
    assert_eq!(role["Arn"], role_arn.as_str());
    assert!(role["RoleId"].as_str().unwrap().starts_with("AROA"));
    // The CLI decodes the URL-encoded document into JSON.
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"],
        format!("arn:aws:iam::{a}:root").as_str()
    );
    for policy in ["AmazonS3ReadOnlyAccess", "IAMReadOnlyAccess"] {
        ok(root_b
            .run(&[
                "iam",
                "attach-role-policy",
                "--role-name",
                "ContractorAccess",
                "--policy-arn",
                &format!("arn:aws:iam::aws:policy/{policy}"),
            ])
            .await);
    }
    users::create_user(
        &root_b_ctx,
        NewUser::parse("bravo-admin", "/", &[]).unwrap(),
    )
    .await
    .unwrap();

    // In account A: a user allowed to assume it, and one who is not.
    let alice = user_cli(&app, &root_a_ctx, "alice", Some(&allow_assume(&role_arn))).await;
    let carol = user_cli(&app, &root_a_ctx, "carol", None).await;
    let assume = |external: Option<&'static str>| {
        let mut args = vec![
            "sts".to_owned(),
            "assume-role".to_owned(),
            "--role-arn".to_owned(),
            role_arn.clone(),
            "--role-session-name".to_owned(),
            "alice-audit".to_owned(),
        ];
        if let Some(id) = external {
            args.extend(["--external-id".to_owned(), id.to_owned()]);
        }
        args
    };
    let args = assume(Some("contract-7781"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let assumed = ok(alice.run(&args).await);
    let credentials = &assumed["Credentials"];
    assert!(
        credentials["AccessKeyId"]
            .as_str()
            .unwrap()
            .starts_with("ASIA")
    );
    let user = &assumed["AssumedRoleUser"];
    let session_arn = format!("arn:aws:sts::{b}:assumed-role/ContractorAccess/alice-audit");
    assert_eq!(user["Arn"], session_arn.as_str());
    let role_id = role["RoleId"].as_str().unwrap();
    assert_eq!(
        user["AssumedRoleId"],
        format!("{role_id}:alice-audit").as_str()
    );

    // The session acts in account B with the role's permissions.
    let session = Cli::with_credentials(&app, credentials);
    let me = ok(session.run(&["sts", "get-caller-identity"]).await);
    assert_eq!(me["Arn"], session_arn.as_str());
    assert_eq!(me["Account"], b.as_str());
    assert_eq!(me["UserId"], format!("{role_id}:alice-audit").as_str());
    let listed = ok(session.run(&["iam", "list-users"]).await);
    let names: Vec<&str> = listed["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["UserName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bravo-admin"], "B's users, not A's");
    let write = session
        .run(&["iam", "create-user", "--user-name", "mallory"])
        .await
        .unwrap_err();
    assert_eq!(write.code, "AccessDenied");
    assert!(write.message.contains(&session_arn), "{}", write.message);
    assert_eq!(
        app.count("SELECT count(*) FROM iam_users WHERE name = 'mallory'")
            .await,
        0
    );

    // Refused: without the external id, with a wrong one, without the identity
    // permission, and as root (roles are never assumed by root).
    for (cli, external) in [
        (&alice, None),
        (&alice, Some("contract-0000")),
        (&carol, Some("contract-7781")),
        (&root_a, Some("contract-7781")),
    ] {
        let args = assume(external);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let refused = cli.run(&args).await.unwrap_err();
        assert_eq!(refused.code, "AccessDenied", "{external:?}: {refused:?}");
    }
    let args = assume(None);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let refused = alice.run(&args).await.unwrap_err();
    assert_eq!(
        refused.message,
        format!(
            "User: arn:aws:iam::{a}:user/alice is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        )
    );
    // A role that does not exist is refused the same way, naming nothing more.
    let missing = alice
        .run(&[
            "sts",
            "assume-role",
            "--role-arn",
            &format!("arn:aws:iam::{b}:role/Nope"),
            "--role-session-name",
            "x1",
        ])
        .await
        .unwrap_err();
    assert_eq!(missing.code, "AccessDenied");

    // Both accounts' logs show the assumption; B's shows the refusals of A's users too.
    let assumed_in = |account: &str| {
        format!(
            "SELECT count(*) FROM audit_events WHERE account_id = '{account}'
               AND action = 'sts:AssumeRole' AND outcome = 'success'
               AND actor_arn = 'arn:aws:iam::{a}:user/alice'"
        )
    };
    assert_eq!(app.count(&assumed_in(&a)).await, 1);
    assert_eq!(app.count(&assumed_in(&b)).await, 1);
    assert!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE account_id = '{b}'
               AND action = 'sts:AssumeRole' AND outcome = 'denied'"
        ))
        .await
            >= 3
    );
    // RoleLastUsed says when and where.
    let got = ok(root_b
        .run(&["iam", "get-role", "--role-name", "ContractorAccess"])
        .await);
    assert_eq!(got["Role"]["RoleLastUsed"]["Region"], "eu-west-1");
}

#[tokio::test]
async fn roles_are_managed_through_the_cli_with_aws_rules() {
    let (app, id, root) = with_root_cli().await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{id}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let created = ok(root
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "Deployer",
            "--path",
            "/ci/",
            "--assume-role-policy-document",
            &trust,
            "--max-session-duration",
            "7200",
            "--tags",
            "Key=team,Value=platform",
        ])
        .await);
    assert_eq!(
        created["Role"]["Arn"],
        format!("arn:aws:iam::{id}:role/ci/Deployer").as_str()
    );
    // Names are unique without case.
    let taken = root
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "deployer",
            "--assume-role-policy-document",
            &trust,
        ])
        .await
        .unwrap_err();
    assert_eq!(taken.code, "EntityAlreadyExists");
    // Trust policies are checked as trust policies.
    for (document, code, says) in [
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#.to_owned(),
            "MalformedPolicyDocument",
            "Principal",
        ),
        (
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{id}"}},"Action":"sts:AssumeRole","Resource":"*"}}]}}"#),
            "MalformedPolicyDocument",
            "Has prohibited field Resource",
        ),
        (
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{id}"}},"Action":"iam:CreateUser"}}]}}"#),
            "MalformedPolicyDocument",
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Principal":{{"AWS":"{id}"}},"Action":"sts:AssumeRole"}}]}}"#,
                "x".repeat(2100)
            ),
            "LimitExceeded",
            "Cannot exceed quota for ACLSizePerRole: 2048",
        ),
    ] {
        let refused = root
            .run(&[
                "iam", "create-role", "--role-name", "Broken",
                "--assume-role-policy-document", &document,
            ])
            .await
            .unwrap_err();
        assert_eq!(refused.code, code, "{refused:?}");
        assert!(refused.message.contains(says), "{}", refused.message);
    }
    let too_long = root
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "Broken",
            "--assume-role-policy-document",
            &trust,
            "--max-session-duration",
            "50000",
        ])
        .await
        .unwrap_err();
    assert_eq!(too_long.code, "ValidationError");
    assert_eq!(app.count("SELECT count(*) FROM iam_roles").await, 1);

    // Get, list, update.
    ok(root
        .run(&[
            "iam",
            "update-role",
            "--role-name",
            "Deployer",
            "--description",
            "Deploys",
            "--max-session-duration",
            "10800",
        ])
        .await);
    let described = ok(root
        .run(&[
            "iam",
            "update-role-description",
            "--role-name",
            "Deployer",
            "--description",
            "Deploys the site",
        ])
        .await);
    assert_eq!(described["Role"]["Description"], "Deploys the site");
    let got = ok(root
        .run(&["iam", "get-role", "--role-name", "Deployer"])
        .await);
    assert_eq!(got["Role"]["MaxSessionDuration"], 10800);
    assert_eq!(got["Role"]["Tags"][0]["Key"], "team");
    let listed = ok(root
        .run(&["iam", "list-roles", "--path-prefix", "/ci/"])
        .await);
    assert_eq!(listed["Roles"].as_array().unwrap().len(), 1);
    assert!(
        listed["Roles"][0].get("Tags").is_none(),
        "ListRoles leaves tags out"
    );
    let narrower = trust.replace(&format!("\"{id}\""), &format!("\"arn:aws:iam::{id}:root\""));
    ok(root
        .run(&[
            "iam",
            "update-assume-role-policy",
            "--role-name",
            "Deployer",
            "--policy-document",
            &narrower,
        ])
        .await);

    // Policies, boundary, tags.
    let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#;
    ok(root
        .run(&[
            "iam",
            "put-role-policy",
            "--role-name",
            "Deployer",
            "--policy-name",
            "List",
            "--policy-document",
            inline,
        ])
        .await);
    let fetched = ok(root
        .run(&[
            "iam",
            "get-role-policy",
            "--role-name",
            "Deployer",
            "--policy-name",
            "List",
        ])
        .await);
    assert_eq!(
        fetched["PolicyDocument"]["Statement"][0]["Action"],
        "iam:ListUsers"
    );
    let names = ok(root
        .run(&["iam", "list-role-policies", "--role-name", "Deployer"])
        .await);
    assert_eq!(names["PolicyNames"][0], "List");
    ok(root
        .run(&[
            "iam",
            "attach-role-policy",
            "--role-name",
            "Deployer",
            "--policy-arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ])
        .await);
    let attached = ok(root
        .run(&[
            "iam",
            "list-attached-role-policies",
            "--role-name",
            "Deployer",
        ])
        .await);
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyName"],
        "ReadOnlyAccess"
    );
    // The account-wide reads know roles too.
    let entities = ok(root
        .run(&[
            "iam",
            "list-entities-for-policy",
            "--policy-arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--entity-filter",
            "Role",
        ])
        .await);
    assert_eq!(entities["PolicyRoles"][0]["RoleName"], "Deployer");
    let details = ok(root
        .run(&[
            "iam",
            "get-account-authorization-details",
            "--filter",
            "Role",
        ])
        .await);
    let detail = &details["RoleDetailList"][0];
    assert_eq!(detail["RoleName"], "Deployer");
    assert_eq!(detail["RolePolicyList"][0]["PolicyName"], "List");
    assert_eq!(
        detail["AttachedManagedPolicies"][0]["PolicyName"],
        "ReadOnlyAccess"
    );
    assert_eq!(
        detail["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    let summary = ok(root.run(&["iam", "get-account-summary"]).await);
    assert_eq!(summary["SummaryMap"]["Roles"], 1);
    assert_eq!(summary["SummaryMap"]["AccountAccessKeysPresent"], 1);
    ok(root
        .run(&[
            "iam",
            "put-role-permissions-boundary",
            "--role-name",
            "Deployer",
            "--permissions-boundary",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        ])
        .await);
    let got = ok(root
        .run(&["iam", "get-role", "--role-name", "Deployer"])
        .await);
    assert_eq!(
        got["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"],
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    );
    ok(root
        .run(&[
            "iam",
            "delete-role-permissions-boundary",
            "--role-name",
            "Deployer",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "tag-role",
            "--role-name",
            "Deployer",
            "--tags",
            "Key=env,Value=prod",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "untag-role",
            "--role-name",
            "Deployer",
            "--tag-keys",
            "team",
        ])
        .await);
    let tags = ok(root
        .run(&["iam", "list-role-tags", "--role-name", "Deployer"])
        .await);
    assert_eq!(tags["Tags"].as_array().unwrap().len(), 1);
    assert_eq!(tags["Tags"][0]["Key"], "env");

    // DeleteRole waits for its policies to go, as in AWS.
    let conflict = root
        .run(&["iam", "delete-role", "--role-name", "Deployer"])
        .await
        .unwrap_err();
    assert_eq!(conflict.code, "DeleteConflict");
    assert_eq!(
        conflict.message,
        "Cannot delete entity, must detach all policies first."
    );
    ok(root
        .run(&[
            "iam",
            "detach-role-policy",
            "--role-name",
            "Deployer",
            "--policy-arn",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
        ])
        .await);
    let conflict = root
        .run(&["iam", "delete-role", "--role-name", "Deployer"])
        .await
        .unwrap_err();
    assert_eq!(
        conflict.message,
        "Cannot delete entity, must delete policies first."
    );
    ok(root
        .run(&[
            "iam",
            "delete-role-policy",
            "--role-name",
            "Deployer",
            "--policy-name",
            "List",
        ])
        .await);
    ok(root
        .run(&["iam", "delete-role", "--role-name", "Deployer"])
        .await);
    let gone = root
        .run(&["iam", "get-role", "--role-name", "Deployer"])
        .await
        .unwrap_err();
    assert_eq!(gone.code, "NoSuchEntity");
    assert_eq!(gone.message, "The role with name Deployer cannot be found.");
}

/// `aws sts assume-role` of `arn` as session "dana", with `extra` arguments.
async fn assume(cli: &Cli, arn: &str, extra: &[&str]) -> Result<Value, crate::aws_api::AwsError> {
    let mut args = vec![
        "sts",
        "assume-role",
        "--role-arn",
        arn,
        "--role-session-name",
        "dana",
    ];
    args.extend_from_slice(extra);
    cli.run(&args).await
}

/// The credentials of an `aws sts assume-role` answer.
fn session_of(app: &TestApp, answer: &Value) -> Cli {
    Cli::with_credentials(app, &answer["Credentials"])
}

#[tokio::test]
async fn session_lengths_role_chaining_and_session_policies() {
    let (app, id, root) = with_root_cli().await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{id}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    for (role, max) in [("Admin", "7200"), ("Hop", "43200")] {
        ok(root
            .run(&[
                "iam",
                "create-role",
                "--role-name",
                role,
                "--assume-role-policy-document",
                &trust,
                "--max-session-duration",
                max,
            ])
            .await);
    }
    ok(root
        .run(&[
            "iam",
            "attach-role-policy",
            "--role-name",
            "Admin",
            "--policy-arn",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        ])
        .await);
    let hop_arn = format!("arn:aws:iam::{id}:role/Hop");
    ok(root
        .run(&[
            "iam",
            "put-role-policy",
            "--role-name",
            "Admin",
            "--policy-name",
            "Chain",
            "--policy-document",
            &allow_assume(&hop_arn),
        ])
        .await);
    let admin_arn = format!("arn:aws:iam::{id}:role/Admin");
    let dana = user_cli(
        &app,
        &app.root_ctx().await,
        "dana",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#),
    )
    .await;
    // DurationSeconds: at most the role's maximum (the CLI itself refuses under 900).
    let long = assume(&dana, &admin_arn, &["--duration-seconds", "10800"])
        .await
        .unwrap_err();
    assert_eq!(long.code, "ValidationError");
    assert_eq!(
        long.message,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    );
    let admin = ok(assume(&dana, &admin_arn, &["--duration-seconds", "7200"]).await);
    let admin_session = session_of(&app, &admin);
    ok(admin_session.run(&["iam", "list-users"]).await);

    // Role chaining: at most an hour, in AWS's words.
    let chained = assume(&admin_session, &hop_arn, &["--duration-seconds", "7200"])
        .await
        .unwrap_err();
    assert_eq!(chained.code, "ValidationError");
    assert_eq!(
        chained.message,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
    );
    let hop = ok(assume(&admin_session, &hop_arn, &[]).await);
    let me = ok(session_of(&app, &hop)
        .run(&["sts", "get-caller-identity"])
        .await);
    assert_eq!(
        me["Arn"],
        format!("arn:aws:sts::{id}:assumed-role/Hop/dana").as_str()
    );
    // Hop has no policies: its session may do nothing.
    assert_eq!(
        session_of(&app, &hop).code(&["iam", "list-users"]).await,
        "AccessDenied"
    );

    // A session policy narrows what the role allows: GetUser only, not ListUsers.
    let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;
    let narrowed = ok(assume(&dana, &admin_arn, &["--policy", narrow]).await);
    assert!(narrowed["PackedPolicySize"].as_i64().unwrap() > 0);
    let narrowed = session_of(&app, &narrowed);
    ok(narrowed
        .run(&["iam", "get-user", "--user-name", "dana"])
        .await);
    let denied = narrowed.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(denied.code, "AccessDenied");
    assert!(
        denied.message.contains("session policy"),
        "{}",
        denied.message
    );
    // A managed session policy narrows the same way.
    let managed = ok(assume(
        &dana,
        &admin_arn,
        &[
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        ],
    )
    .await);
    assert_eq!(
        session_of(&app, &managed)
            .code(&["iam", "list-users"])
            .await,
        "AccessDenied"
    );
    // A session policy cannot widen it: IAMReadOnlyAccess has no CreateUser.
    let wide =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let widened = session_of(
        &app,
        &ok(assume(&dana, &admin_arn, &["--policy", wide]).await),
    );
    assert_eq!(
        widened
            .code(&["iam", "create-user", "--user-name", "eve"])
            .await,
        "AccessDenied"
    );
    // Session names follow AWS's pattern.
    let bad = dana
        .run(&[
            "sts",
            "assume-role",
            "--role-arn",
            &admin_arn,
            "--role-session-name",
            "dana:1",
        ])
        .await
        .unwrap_err();
    assert_eq!(bad.code, "ValidationError");
    // Revoking the role's sessions holds on the next call of a session the server has
    // seen (and cached), and not for one begun afterwards.
    app::directory::roles::revoke_role_sessions(
        &app.root_ctx().await,
        &app::model::RoleName::parse("Admin").unwrap(),
    )
    .await
    .unwrap();
    let revoked = admin_session.run(&["iam", "list-users"]).await.unwrap_err();
    assert_eq!(revoked.code, "AccessDenied");
    assert!(
        revoked.message.contains("explicit deny"),
        "{}",
        revoked.message
    );
    app.clock.advance(time::Duration::seconds(1));
    let fresh = session_of(&app, &ok(assume(&dana, &admin_arn, &[]).await));
    ok(fresh.run(&["iam", "list-users"]).await);
    ok(root
        .run(&[
            "iam",
            "delete-role-policy",
            "--role-name",
            "Admin",
            "--policy-name",
            "AWSRevokeOlderSessions",
        ])
        .await);
    // Deleting the role ends its sessions.
    ok(root
        .run(&[
            "iam",
            "detach-role-policy",
            "--role-name",
            "Admin",
            "--policy-arn",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        ])
        .await);
    ok(root
        .run(&[
            "iam",
            "delete-role-policy",
            "--role-name",
            "Admin",
            "--policy-name",
            "Chain",
        ])
        .await);
    ok(root
        .run(&["iam", "delete-role", "--role-name", "Admin"])
        .await);
    assert_eq!(
        admin_session.code(&["sts", "get-caller-identity"]).await,
        "InvalidClientTokenId"
    );
}

#[tokio::test]
async fn a_trust_policy_requiring_mfa_accepts_only_credentials_with_it() {
    use crate::mfa::oathtool;
    use app::directory::mfa;
    use app::model::{AuthCode, IamPath, MfaDeviceName};
    let (app, id, root) = with_root_cli().await;
    let root_ctx = app.root_ctx().await;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{id}:root"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#
    );
    ok(root
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "BreakGlass",
            "--assume-role-policy-document",
            &trust,
        ])
        .await);
    let role_arn = format!("arn:aws:iam::{id}:role/BreakGlass");
    let erin = user_cli(&app, &root_ctx, "erin", Some(&allow_assume(&role_arn))).await;
    let device = mfa::create_virtual_mfa_device(
        &root_ctx,
        &MfaDeviceName::parse("erin-phone").unwrap(),
        &IamPath::root(),
    )
    .await
    .unwrap();
    real_time(&app);
    let now = app.clock.now();
    let at = |t| AuthCode::parse(&oathtool(&device.base32_seed, t)).unwrap();
    mfa::enable_mfa_device(
        &root_ctx,
        Some(&UserName::parse("erin").unwrap()),
        &device.device.serial_number,
        (&at(now - time::Duration::seconds(30)), &at(now)),
    )
    .await
    .unwrap();
    let assume = [
        "sts",
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "erin",
    ];
    // Her long-term key says nothing of MFA: refused.
    assert_eq!(erin.code(&assume).await, "AccessDenied");
    // Temporary credentials issued with a code carry it: accepted.
    app.clock.advance(time::Duration::seconds(30));
    let code = oathtool(&device.base32_seed, app.clock.now());
    let issued = ok(erin
        .run(&[
            "sts",
            "get-session-token",
            "--serial-number",
            &device.device.serial_number,
            "--token-code",
            &code,
        ])
        .await);
    let with_mfa = Cli::with_credentials(&app, &issued["Credentials"]);
    let assumed = ok(with_mfa.run(&assume).await);
    let session = session_of(&app, &assumed);
    let me = ok(session.run(&["sts", "get-caller-identity"]).await);
    assert_eq!(
        me["Arn"],
        format!("arn:aws:sts::{id}:assumed-role/BreakGlass/erin").as_str()
    );
    // The code given with AssumeRole itself also counts.
    app.clock.advance(time::Duration::seconds(30));
    let code = oathtool(&device.base32_seed, app.clock.now());
    let mut with_code = assume.to_vec();
    with_code.extend([
        "--serial-number",
        &device.device.serial_number,
        "--token-code",
        &code,
    ]);
    ok(erin.run(&with_code).await);
}

#[tokio::test]
async fn revoking_a_roles_sessions_ends_those_issued_before_and_not_after() {
    use crate::fixture::{fixture, source};
    use app::directory::assume_role::{AssumeRoleInput, assume_role};
    use app::directory::policies::{self, HolderName};
    use app::directory::roles::{self, NewRole, RoleInput};
    use app::directory::sts::{SessionCredentials, find_session_key};
    use app::error::AppError;
    use app::model::RoleName;
    use std::sync::Arc;

    let fx = fixture().await;
    let root = fx.root().await;
    let account = root.account().to_string();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let reader = RoleName::parse("Reader").unwrap();
    roles::create_role(
        &root,
        NewRole::parse(RoleInput {
            name: "Reader",
            trust_policy: &trust,
            ..RoleInput::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    policies::attach_policy(
        &root,
        HolderName::Role(&reader),
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
    )
    .await
    .unwrap();
    let role_arn = format!("arn:aws:iam::{account}:role/Reader");
    fx.user("ivan", &[&allow_assume(&role_arn)]).await;
    let fx = &fx;
    let assume = |duration: Option<i64>| {
        let role_arn = role_arn.clone();
        async move {
            let ivan = fx.sign_in_user("ivan", "192.0.2.10").await;
            assume_role(
                &ivan,
                AssumeRoleInput {
                    role_arn: &role_arn,
                    session_name: "ivan",
                    duration_secs: duration,
                    ..AssumeRoleInput::default()
                },
            )
            .await
        }
    };
    // The request's own bounds, in AWS's words.
    let short = assume(Some(600)).await.unwrap_err();
    assert!(
        short.to_string().contains(
            "Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
        ),
        "{short}"
    );
    // The session as its next request would present it, at the clock's time.
    let session = |credentials: &SessionCredentials| {
        let (id, token) = (
            credentials.access_key_id.to_string(),
            credentials.session_token.clone(),
        );
        async move {
            let now = fx.clock_now();
            let (key, _) = find_session_key(&fx.state, &id, &token, now).await.unwrap();
            let caller = key.prove(|_| true, now).unwrap();
            app::authz::Ctx::new(fx.state.clone(), Arc::new(caller), source("192.0.2.10"))
        }
    };
    let list = |cx: app::authz::Ctx| async move {
        app::directory::users::list_users(&cx, Default::default()).await
    };
    let older = assume(None).await.unwrap().credentials;
    list(session(&older).await).await.unwrap();

    fx.clock.advance(time::Duration::minutes(5));
    roles::revoke_role_sessions(&fx.root().await, &reader)
        .await
        .unwrap();
    let refused = list(session(&older).await).await.unwrap_err();
    assert!(
        matches!(&refused, AppError::AccessDenied { message, .. } if message.contains("explicit deny")),
        "{refused:?}"
    );
    fx.clock.advance(time::Duration::minutes(5));
    let newer = assume(None).await.unwrap().credentials;
    list(session(&newer).await).await.unwrap();
    assert!(list(session(&older).await).await.is_err());
    // The revocation is the inline policy AWS's console writes, and it is audited.
    assert_eq!(
        fx.count("SELECT count(*) FROM role_inline_policies WHERE name = 'AWSRevokeOlderSessions'")
            .await,
        1
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'iam:PutRolePolicy'")
            .await,
        1
    );
}

#[tokio::test]
async fn boundaries_session_tags_source_identity_and_principal_keys_hold_for_role_sessions() {
    let (app, id, root) = with_root_cli().await;
    // The trust policy lets the account's principals in, with session tags and a source
    // identity, from loopback only (aws:SourceIp in a trust policy).
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{id}:root"}},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Condition":{{"IpAddress":{{"aws:SourceIp":"127.0.0.0/8"}}}}}}]}}"#
    );
    ok(root
        .run(&[
            "iam",
            "create-role",
            "--role-name",
            "Builder",
            "--path",
            "/ci/",
            "--assume-role-policy-document",
            &trust,
            "--permissions-boundary",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        ])
        .await);
    // Everything is attached, the boundary caps it at IAM reads; reading a user needs
    // the session tag project=apollo, the role's own ARN (with its path) as
    // aws:PrincipalArn, and the session's id as aws:userid.
    ok(root
        .run(&[
            "iam",
            "attach-role-policy",
            "--role-name",
            "Builder",
            "--policy-arn",
            "arn:aws:iam::aws:policy/AdministratorAccess",
        ])
        .await);
    let role_id = ok(root
        .run(&["iam", "get-role", "--role-name", "Builder"])
        .await)["Role"]["RoleId"]
        .as_str()
        .unwrap()
        .to_owned();
    let deny_unless = |key: &str, value: &str| {
        format!(
            r#"{{"Effect":"Deny","Action":"iam:GetUser","Resource":"*","Condition":{{"StringNotEquals":{{"{key}":"{value}"}}}}}}"#
        )
    };
    let guarded = format!(
        r#"{{"Version":"2012-10-17","Statement":[{},{},{}]}}"#,
        deny_unless("aws:PrincipalTag/project", "apollo"),
        deny_unless(
            "aws:PrincipalArn",
            &format!("arn:aws:iam::{id}:role/ci/Builder")
        ),
        deny_unless("aws:userid", &format!("{role_id}:fran")),
    );
    ok(root
        .run(&[
            "iam",
            "put-role-policy",
            "--role-name",
            "Builder",
            "--policy-name",
            "Guard",
            "--policy-document",
            &guarded,
        ])
        .await);
    let fran = user_cli(
        &app,
        &app.root_ctx().await,
        "fran",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],"Resource":"*"}]}"#),
    )
    .await;
    let role_arn = format!("arn:aws:iam::{id}:role/ci/Builder");
    let assumed = ok(fran
        .run(&[
            "sts",
            "assume-role",
            "--role-arn",
            &role_arn,
            "--role-session-name",
            "fran",
            "--tags",
            "Key=project,Value=apollo",
            "--source-identity",
            "fran@example.com",
        ])
        .await);
    assert_eq!(assumed["SourceIdentity"], "fran@example.com");
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{id}:assumed-role/Builder/fran").as_str(),
        "the session's ARN leaves the role's path out, as AWS's does"
    );
    let session = session_of(&app, &assumed);
    ok(session
        .run(&["iam", "get-user", "--user-name", "fran"])
        .await);
    let capped = session
        .run(&["iam", "create-user", "--user-name", "gus"])
        .await
        .unwrap_err();
    assert_eq!(capped.code, "AccessDenied");
    assert!(
        capped.message.contains("permissions boundary"),
        "{}",
        capped.message
    );

    // Another tag value: the Deny holds.
    let other = session_of(
        &app,
        &ok(fran
            .run(&[
                "sts",
                "assume-role",
                "--role-arn",
                &role_arn,
                "--role-session-name",
                "fran",
                "--tags",
                "Key=project,Value=gemini",
            ])
            .await),
    );
    assert_eq!(
        other
            .code(&["iam", "get-user", "--user-name", "fran"])
            .await,
        "AccessDenied"
    );
    // Session tags must be allowed (sts:TagSession): without it in her policy, refused.
    let hugo = user_cli(
        &app,
        &app.root_ctx().await,
        "hugo",
        Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#),
    )
    .await;
    let untagged = [
        "sts",
        "assume-role",
        "--role-arn",
        &role_arn,
        "--role-session-name",
        "hugo",
    ];
    ok(hugo.run(&untagged).await);
    let mut tagged = untagged.to_vec();
    tagged.extend(["--tags", "Key=project,Value=apollo"]);
    let refused = hugo.run(&tagged).await.unwrap_err();
    assert_eq!(refused.code, "AccessDenied");
    assert!(
        refused.message.contains("sts:TagSession"),
        "{}",
        refused.message
    );
    // The role session's events name who assumed the role.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE actor_arn = 'arn:aws:sts::{id}:assumed-role/Builder/fran'
               AND outcome = 'denied' AND params LIKE '%\"AssumedBy\":\"arn:aws:iam::{id}:user/fran\"%'"
        ))
        .await,
        2
    );
}

#[tokio::test]
async fn the_console_switches_to_a_role_in_another_account_for_an_hour_and_honours_mfa() {
    use app::directory::policies::{self, HolderName, IdentityPolicy};
    use app::directory::roles::{self, NewRole, RoleInput};
    use app::directory::users::NewPassword;
    use app::model::{Password, PolicyName};
    let app = spawn_app().await;
    let home = app.bootstrap().await;
    let root_a = app.root_ctx().await;
    let (b, root_b, _) = second_account(&app, "owner@b.example", "bravo").await;
    let a = home.id.to_string();
    // In B: a role trusting A, and one trusting A only with MFA.
    for (name, condition) in [
        ("Auditor", ""),
        (
            "Guarded",
            r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
        ),
    ] {
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{a}:root"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
        );
        roles::create_role(
            &root_b,
            NewRole::parse(RoleInput {
                name,
                trust_policy: &trust,
                ..RoleInput::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
        policies::attach_policy(
            &root_b,
            HolderName::Role(&app::model::RoleName::parse(name).unwrap()),
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        )
        .await
        .unwrap();
    }
    // In A: ivy, who may assume roles in B.
    let ivy = UserName::parse("ivy").unwrap();
    users::create_user(&root_a, NewUser::parse("ivy", "/", &[]).unwrap())
        .await
        .unwrap();
    users::create_login_profile(
        &root_a,
        &ivy,
        NewPassword::Chosen(Password::new("Ivy-Passw0rd-2026".to_owned())),
        false,
    )
    .await
    .unwrap();
    policies::put_inline_policy(
        &root_a,
        HolderName::User(&ivy),
        &PolicyName::parse("AssumeInBravo").unwrap(),
        IdentityPolicy::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{b}:role/*"}}]}}"#
        ))
        .unwrap(),
    )
    .await
    .unwrap();
    app.call(
        "signin/user",
        &[
            ("account", "acme"),
            ("user_name", "ivy"),
            ("password", "Ivy-Passw0rd-2026"),
        ],
    )
    .await
    .unwrap();
    let identity = || async { app.call("identity", &[]).await.unwrap() };

    // Without MFA, the guarded role refuses her; by alias, the other one takes her.
    let refused = app
        .call("switch-role", &[("account", "bravo"), ("role", "Guarded")])
        .await
        .unwrap_err();
    assert!(
        matches!(refused, app::error::AppError::AccessDenied { .. }),
        "{refused:?}"
    );
    app.call(
        "switch-role",
        &[
            ("account", "bravo"),
            ("role", "Auditor"),
            ("display_name", "Bravo audit"),
            ("color", "83d4e8"),
        ],
    )
    .await
    .unwrap();
    let now = identity().await;
    assert_eq!(now["account_id"], b.as_str());
    assert_eq!(now["switched"]["display_name"], "Bravo audit");
    assert_eq!(now["switched"]["color"], "83d4e8");
    assert_eq!(now["switched"]["signed_in_as"], "ivy");
    assert_eq!(
        now["switched"]["session_arn"],
        format!("arn:aws:sts::{b}:assumed-role/Auditor/ivy").as_str()
    );
    // B's users, read with the role's permissions; a write refused and recorded with
    // both identities.
    let listed = app.call("users/list", &[]).await.unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "B has no users"
    );
    let denied = app
        .call("groups/create", &[("group_name", "Sneaky")])
        .await
        .unwrap_err();
    assert!(matches!(denied, app::error::AppError::AccessDenied { .. }));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_events WHERE account_id = '{b}' AND action = 'iam:CreateGroup'
               AND actor_arn = 'arn:aws:sts::{b}:assumed-role/Auditor/ivy'
               AND params LIKE '%\"AssumedBy\":\"arn:aws:iam::{a}:user/ivy\"%'"
        ))
        .await,
        1
    );
    // An hour later the role session has ended: the console is ivy's again.
    // (Half an hour at a time: the console session itself ends after an idle hour.)
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(identity().await["account_id"], b.as_str());
    app.clock.advance(time::Duration::minutes(30));
    let later = identity().await;
    assert_eq!(later["account_id"], a.as_str());
    assert!(later["switched"].is_null(), "{later}");
    // Switch again, then back by hand.
    app.call(
        "switch-role",
        &[("account", b.as_str()), ("role", "Auditor")],
    )
    .await
    .unwrap();
    assert_eq!(identity().await["account_id"], b.as_str());
    app.call("switch-back", &[]).await.unwrap();
    assert!(identity().await["switched"].is_null());
}

#[tokio::test]
async fn chained_sessions_keep_their_source_identity_and_a_reset_password_comes_first() {
    use crate::fixture::{fixture, name, source};
    use app::directory::assume_role::{AssumeRoleInput, assume_role};
    use app::directory::policies::{self, HolderName};
    use app::directory::roles::{self, NewRole, RoleInput};
    use app::directory::sts::find_session_key;
    use app::error::AppError;
    use app::model::RoleName;
    use std::sync::Arc;

    let fx = fixture().await;
    let root = fx.root().await;
    let account = root.account().to_string();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}}]}}"#
    );
    for role in ["First", "Second"] {
        roles::create_role(
            &root,
            NewRole::parse(RoleInput {
                name: role,
                trust_policy: &trust,
                ..RoleInput::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
    }
    let read_only = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
    policies::attach_policy(
        &root,
        HolderName::Role(&RoleName::parse("Second").unwrap()),
        read_only,
    )
    .await
    .unwrap();
    let chain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"*"}]}"#;
    policies::attach_policy(
        &root,
        HolderName::Role(&RoleName::parse("First").unwrap()),
        read_only,
    )
    .await
    .unwrap();
    policies::put_inline_policy(
        &root,
        HolderName::Role(&RoleName::parse("First").unwrap()),
        &app::model::PolicyName::parse("Chain").unwrap(),
        app::directory::policies::IdentityPolicy::parse(chain).unwrap(),
    )
    .await
    .unwrap();
    let kim = fx.user("kim", &[chain]).await;
    let arn = |role: &str| format!("arn:aws:iam::{account}:role/{role}");
    let session = |credentials: app::directory::sts::SessionCredentials| {
        let fx = &fx;
        async move {
            let now = fx.clock_now();
            let (key, _) = find_session_key(
                &fx.state,
                credentials.access_key_id.as_str(),
                &credentials.session_token,
                now,
            )
            .await
            .unwrap();
            let caller = key.prove(|_| true, now).unwrap();
            app::authz::Ctx::new(fx.state.clone(), Arc::new(caller), source("192.0.2.10"))
        }
    };
    let first_arn = arn("First");
    let first = assume_role(
        &kim,
        AssumeRoleInput {
            role_arn: &first_arn,
            session_name: "kim",
            source_identity: Some("kim@example.com"),
            ..AssumeRoleInput::default()
        },
    )
    .await
    .unwrap();
    let first = session(first.credentials).await;
    let second_arn = arn("Second");
    // The chained session inherits the source identity, and may not name another.
    let second = assume_role(
        &first,
        AssumeRoleInput {
            role_arn: &second_arn,
            session_name: "kim",
            ..AssumeRoleInput::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(second.source_identity.as_deref(), Some("kim@example.com"));
    let second = session(second.credentials).await;
    assert_eq!(
        second
            .caller()
            .role_session()
            .unwrap()
            .source_identity
            .as_deref(),
        Some("kim@example.com")
    );
    let changed = assume_role(
        &first,
        AssumeRoleInput {
            role_arn: &second_arn,
            session_name: "kim",
            source_identity: Some("someone-else"),
            ..AssumeRoleInput::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(changed, AppError::AccessDenied { .. }),
        "{changed:?}"
    );
    // The same managed session policy named twice is one policy, not a missing one.
    let twice = assume_role(
        &kim,
        AssumeRoleInput {
            role_arn: &second_arn,
            session_name: "kim",
            policy_arns: vec![read_only.to_owned(), read_only.to_owned()],
            ..AssumeRoleInput::default()
        },
    )
    .await
    .unwrap();
    app::directory::users::list_users(&session(twice.credentials).await, Default::default())
        .await
        .unwrap();
    // A user who must choose a new password does that before assuming any role.
    app::directory::users::update_login_profile(&root, &name("kim"), None, Some(true))
        .await
        .unwrap();
    let must_reset = fx.sign_in_user("kim", "192.0.2.10").await;
    let refused = assume_role(
        &must_reset,
        AssumeRoleInput {
            role_arn: &second_arn,
            session_name: "kim",
            ..AssumeRoleInput::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused, AppError::PasswordResetRequired);
}
