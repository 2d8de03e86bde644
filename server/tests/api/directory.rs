//! Users through the services: rules, limits under races, authorisation by the engine,
//! audit, cross-account isolation.

use crate::fixture::*;
use app::audit::{self, Break};
use app::authz::Ctx;
use app::clock::Clock as _;
use app::directory::groups;
use app::directory::policies::{self, NewPolicy};
use app::directory::users::{self, ListUsers, NewPassword, NewUser};
use app::error::AppError;
use app::model::{GroupName, IamPath, Password, Tag, UserOrder, UserSort};

const ALLOW_ALL_IAM: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#;
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}"#;

fn new_user(n: &str) -> NewUser {
    NewUser::parse(n, "/", &[]).unwrap()
}

#[tokio::test]
async fn create_get_list_update_delete_a_user() {
    let fx = fixture().await;
    let root = fx.root().await;
    let tags = [("team".to_owned(), "blue".to_owned())];
    let alice = users::create_user(&root, NewUser::parse("Alice", "/eng/", &tags).unwrap())
        .await
        .unwrap();
    assert!(alice.id.as_str().starts_with("AIDA"));
    assert_eq!(
        alice.arn,
        format!("arn:aws:iam::{}:user/eng/Alice", fx.account.id)
    );
    assert_eq!(alice.tags, vec![Tag::parse("team", "blue").unwrap()]);

    // Names are unique without case.
    let dup = users::create_user(&root, new_user("alice")).await;
    assert_eq!(
        dup,
        Err(AppError::already_exists(
            "user_name",
            "User with name alice already exists."
        ))
    );
    // Looked up without case, too.
    assert_eq!(
        users::get_user(&root, Some(&name("ALICE")))
            .await
            .unwrap()
            .id,
        alice.id
    );
    assert_eq!(
        users::get_user(&root, Some(&name("bob"))).await,
        Err(AppError::not_found(
            "The user with name bob cannot be found."
        ))
    );

    for n in ["bob", "carol", "dave"] {
        users::create_user(&root, new_user(n)).await.unwrap();
    }
    let page = users::list_users(
        &root,
        ListUsers {
            max_items: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<_> = page.items.iter().map(|u| u.name.to_string()).collect();
    assert_eq!(names, ["Alice", "bob"]);
    let next = users::list_users(
        &root,
        ListUsers {
            max_items: Some(2),
            marker: page.marker.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let names: Vec<_> = next.items.iter().map(|u| u.name.to_string()).collect();
    assert_eq!(names, ["carol", "dave"]);
    assert!(next.marker.is_none());
    let eng = users::list_users(
        &root,
        ListUsers {
            path_prefix: Some("/eng".to_owned()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(eng.items.len(), 1);
    let search = |text: &str| {
        let root = &root;
        let text = text.to_owned();
        async move {
            let page = users::list_users(
                root,
                ListUsers {
                    search: Some(text),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            page.items
                .iter()
                .map(|u| u.name.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("ARO").await, ["carol"], "three letters: contained");
    assert_eq!(search("Ca").await, ["carol"], "two letters: a prefix");
    assert!(
        search("AR").await.is_empty(),
        "two letters: not a substring"
    );

    let renamed = users::update_user(
        &root,
        &name("bob"),
        Some(name("robert")),
        Some(IamPath::parse("/ops/").unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(
        renamed.arn,
        format!("arn:aws:iam::{}:user/ops/robert", fx.account.id)
    );
    assert!(matches!(
        users::update_user(&root, &name("robert"), Some(name("CAROL")), None).await,
        Err(AppError::AlreadyExists { .. })
    ));

    users::delete_user(&root, &name("robert")).await.unwrap();
    assert!(matches!(
        users::get_user(&root, Some(&name("robert"))).await,
        Err(AppError::NotFound { .. })
    ));
    // Each mutation left one event: 4 creates, 1 update, 1 delete (the failed ones none).
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM audit_events WHERE action LIKE 'iam:%' AND outcome = 'success'"
        )
        .await,
        6
    );
}

#[tokio::test]
async fn bad_names_are_refused_naming_the_field() {
    for (n, path) in [
        ("a b", "/"),
        ("", "/"),
        (&"x".repeat(65) as &str, "/"),
        ("ok", "nope"),
    ] {
        let error = NewUser::parse(n, path, &[]).unwrap_err();
        assert!(
            matches!(error, AppError::Validation { .. }),
            "{n:?} {path:?}"
        );
    }
}

#[tokio::test]
async fn fifty_racing_creates_of_one_name_make_one_user() {
    let fx = fixture().await;
    let root = fx.root().await;
    let attempts = (0..50).map(|i| {
        let root = root.clone();
        let n = if i % 2 == 0 { "Racer" } else { "racer" };
        tokio::spawn(async move { users::create_user(&root, new_user(n)).await })
    });
    let results = futures::future::join_all(attempts).await;
    let won = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    let lost = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(AppError::AlreadyExists { .. }))))
        .count();
    assert_eq!((won, lost), (1, 49));
    assert_eq!(fx.count("SELECT count(*) FROM iam_users").await, 1);
}

#[tokio::test]
async fn a_user_without_policies_is_denied_everything_and_nothing_changes() {
    let fx = fixture().await;
    let mallory = fx.user("mallory", &[]).await;
    let before = fx.count("SELECT count(*) FROM iam_users").await;
    let denied = users::create_user(&mallory, new_user("eve"))
        .await
        .unwrap_err();
    let AppError::AccessDenied {
        message,
        explanation,
    } = denied
    else {
        panic!("{denied:?}")
    };
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{0}:user/mallory is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{0}:user/eve because no identity-based policy allows the iam:CreateUser action",
            fx.account.id
        )
    );
    assert!(explanation.unwrap().contains("implicitly denied"));
    assert_eq!(fx.count("SELECT count(*) FROM iam_users").await, before);
    assert!(matches!(
        users::list_users(&mallory, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    // Not even "not found" leaks before the check.
    assert!(matches!(
        users::get_user(&mallory, Some(&name("nobody"))).await,
        Err(AppError::AccessDenied { .. })
    ));
    // A denial records what was asked for, as the decision knew it.
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    assert!(matches!(
        policies::attach_policy(
            &mallory,
            policies::HolderName::User(&name("mallory")),
            admin
        )
        .await,
        Err(AppError::AccessDenied { .. })
    ));
    let params: String = sqlx::query_scalar(
        "SELECT params FROM audit_events WHERE action = 'iam:AttachUserPolicy' AND outcome = 'denied'",
    )
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    let params: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert_eq!(params["Context"]["iam:PolicyARN"], admin, "{params}");
    assert!(params["Context"].get("aws:SourceIp").is_none(), "{params}");
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE outcome = 'denied'")
            .await,
        4
    );
}

#[tokio::test]
async fn read_only_may_read_and_may_not_write() {
    let fx = fixture().await;
    let reader = fx.user("reader", &[READ_ONLY]).await;
    assert_eq!(
        users::list_users(&reader, ListUsers::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        users::get_user(&reader, None).await.is_ok(),
        "GetUser without a name is the caller"
    );
    assert!(matches!(
        users::create_user(&reader, new_user("x")).await,
        Err(AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        users::delete_user(&reader, &name("reader")).await,
        Err(AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        users::tag_user(
            &reader,
            &name("reader"),
            vec![Tag::parse("a", "b").unwrap()]
        )
        .await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn an_explicit_deny_on_the_source_address_wins() {
    let fx = fixture().await;
    let deny_net = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;
    let inside = fx
        .user_from("admin", &[ALLOW_ALL_IAM, deny_net], "203.0.113.7")
        .await;
    let denied = users::create_user(&inside, new_user("x"))
        .await
        .unwrap_err();
    let AppError::AccessDenied { message, .. } = denied else {
        panic!("{denied:?}")
    };
    assert!(
        message.ends_with("with an explicit deny in an identity-based policy"),
        "{message}"
    );
    let outside = fx.sign_in_user("admin", "198.51.100.7").await;
    users::create_user(&outside, new_user("x")).await.unwrap();
}

#[tokio::test]
async fn username_variables_scope_a_user_to_themselves() {
    let fx = fixture().await;
    let own = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetUser","iam:*LoginProfile","iam:*UserTags","iam:TagUser"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;
    let root = fx.root().await;
    users::create_user(&root, new_user("other")).await.unwrap();
    let me = fx.user("selfish", &[own]).await;
    assert!(users::get_user(&me, Some(&name("selfish"))).await.is_ok());
    users::tag_user(&me, &name("selfish"), vec![Tag::parse("k", "v").unwrap()])
        .await
        .unwrap();
    assert!(matches!(
        users::get_user(&me, Some(&name("other"))).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn a_permissions_boundary_limits_what_policies_allow() {
    let fx = fixture().await;
    let admin = fx.user("bounded", &[ALLOW_ALL_IAM]).await;
    users::create_user(&admin, new_user("ok-before"))
        .await
        .unwrap();
    // A boundary that allows only reads.
    let root = fx.root().await;
    let boundary = policies::create_policy(
        &root,
        NewPolicy::parse("ReadOnly", "/", "", READ_ONLY, &[]).unwrap(),
    )
    .await
    .unwrap();
    policies::put_user_permissions_boundary(&root, &name("bounded"), &boundary.arn)
        .await
        .unwrap();
    assert_eq!(
        users::get_user(&root, Some(&name("bounded")))
            .await
            .unwrap()
            .permissions_boundary,
        Some(boundary.arn.clone())
    );
    // Takes effect on the next operation: which versions apply is read every time.
    let denied = users::create_user(&admin, new_user("after"))
        .await
        .unwrap_err();
    let AppError::AccessDenied { message, .. } = denied else {
        panic!("{denied:?}")
    };
    assert!(
        message.ends_with("because no permissions boundary allows the iam:CreateUser action"),
        "{message}"
    );
    assert!(
        users::list_users(&admin, ListUsers::default())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn accounts_see_nothing_of_each_other() {
    let fx = fixture().await;
    let root_a = fx.root().await;
    users::create_user(&root_a, new_user("shared-name"))
        .await
        .unwrap();
    app::directory::accounts::create_additional_account(
        &fx.state,
        new_account("b@example.com", "beta"),
    )
    .await
    .unwrap();
    let root_b = fx.root_of("b@example.com").await;
    assert!(
        users::list_users(&root_b, ListUsers::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(matches!(
        users::get_user(&root_b, Some(&name("shared-name"))).await,
        Err(AppError::NotFound { .. })
    ));
    // The same name is free in another account.
    users::create_user(&root_b, new_user("shared-name"))
        .await
        .unwrap();
    assert!(matches!(
        users::delete_user(&root_b, &name("nobody")).await,
        Err(AppError::NotFound { .. })
    ));
    assert_eq!(
        users::list_users(&root_a, ListUsers::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // Groups, customer managed policies and the activity log are each account's own.
    let team = GroupName::parse("Team").unwrap();
    groups::create_group(&root_a, team.clone(), IamPath::root())
        .await
        .unwrap();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    let a_policy = policies::create_policy(
        &root_a,
        NewPolicy::parse("Secret", "/", "", doc, &[]).unwrap(),
    )
    .await
    .unwrap();
    assert!(
        groups::list_groups(&root_b, groups::ListGroups::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(matches!(
        groups::get_group(&root_b, &team, None, None).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        groups::add_user_to_group(&root_b, &team, &name("shared-name")).await,
        Err(AppError::NotFound { .. })
    ));
    // Account A's policy, named by its ARN, is not B's to read, attach or delete (not
    // found, or denied: either way B learns nothing of it).
    assert!(matches!(
        policies::get_policy(&root_b, &a_policy.arn).await,
        Err(AppError::NotFound { .. } | AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        policies::attach_policy(
            &root_b,
            policies::HolderName::User(&name("shared-name")),
            &a_policy.arn
        )
        .await,
        Err(AppError::NotFound { .. } | AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        policies::delete_policy(&root_b, &a_policy.arn).await,
        Err(AppError::NotFound { .. } | AppError::AccessDenied { .. })
    ));
    let b_local = policies::list_policies(
        &root_b,
        policies::ListPolicies {
            scope: policies::Scope::Local,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(b_local.items.is_empty(), "{:?}", b_local.items);
    let events = app::directory::activity::list_audit_events(
        &root_b,
        app::directory::activity::ListEvents::default(),
    )
    .await
    .unwrap();
    assert!(!events.items.is_empty());
    assert!(
        events
            .items
            .iter()
            .all(|e| e.actor_arn.contains(&root_b.account().to_string())
                && !e.resource.contains(&root_a.account().to_string())),
        "{:?}",
        events.items
    );
    // Still A's, untouched.
    assert!(policies::get_policy(&root_a, &a_policy.arn).await.is_ok());
}

#[tokio::test]
async fn deleting_a_user_with_a_password_is_a_conflict() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, new_user("temp")).await.unwrap();
    let (_, generated) =
        users::create_login_profile(&root, &name("temp"), NewPassword::Generated, true)
            .await
            .unwrap();
    let generated = generated.unwrap();
    assert_eq!(generated.expose().chars().count(), 20);
    assert!(matches!(
        users::create_login_profile(&root, &name("temp"), NewPassword::Generated, true).await,
        Err(AppError::AlreadyExists { .. })
    ));
    assert_eq!(
        users::delete_user(&root, &name("temp")).await,
        Err(AppError::delete_conflict(
            "Cannot delete entity, must delete login profile first."
        ))
    );
    assert!(
        users::get_login_profile(&root, &name("temp"))
            .await
            .unwrap()
            .password_reset_required
    );
    // The audit event never holds the password.
    let params: Vec<String> = sqlx::query_scalar("SELECT params FROM audit_events")
        .fetch_all(&fx.pool)
        .await
        .unwrap();
    assert!(params.iter().all(|p| !p.contains(generated.expose())));
    users::delete_login_profile(&root, &name("temp"))
        .await
        .unwrap();
    users::delete_user(&root, &name("temp")).await.unwrap();
}

#[tokio::test]
async fn a_weak_chosen_password_is_refused() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, new_user("weak")).await.unwrap();
    let error = users::create_login_profile(
        &root,
        &name("weak"),
        NewPassword::Chosen(Password::new("short".to_owned())),
        false,
    )
    .await
    .unwrap_err();
    assert_eq!(error.field(), Some("password"));
}

#[tokio::test]
async fn a_user_who_must_reset_may_do_nothing_else() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, new_user("fresh")).await.unwrap();
    users::create_login_profile(
        &root,
        &name("fresh"),
        NewPassword::Chosen(Password::new(USER_PASSWORD.to_owned())),
        true,
    )
    .await
    .unwrap();
    // The console resolves the caller from the session row, which carries the flag.
    let signed = app::directory::signin::sign_in_user(
        &fx.state,
        "acme",
        "FRESH",
        Password::new(USER_PASSWORD.to_owned()),
        &source("192.0.2.3"),
    )
    .await
    .unwrap();
    assert_eq!(signed.user().unwrap().name.as_str(), "fresh");
    assert!(matches!(
        app::directory::signin::sign_in_user(
            &fx.state,
            "acme",
            "fresh",
            Password::new("Wrong-Passw0rd".to_owned()),
            &source("192.0.2.3")
        )
        .await,
        Err(AppError::InvalidCredentials)
    ));
    // Until the password is changed, every action answers "reset required" ...
    let fresh = fx.sign_in_user("fresh", "192.0.2.3").await;
    assert_eq!(
        users::list_users(&fresh, ListUsers::default()).await,
        Err(AppError::PasswordResetRequired)
    );
    // ... except changing it, which needs no policy then, only the current password.
    let new_password = || Password::new("Brand-new-Passw0rd".to_owned());
    assert_eq!(
        users::change_password(
            &fresh,
            &Password::new("Wrong-Passw0rd".to_owned()),
            new_password()
        )
        .await,
        Err(AppError::validation(
            "old_password",
            "is not your current password"
        ))
    );
    assert!(matches!(
        users::change_password(&fresh, &Password::new(USER_PASSWORD.to_owned()), Password::new("short".to_owned())).await,
        Err(AppError::Validation { field, .. }) if field == "new_password"
    ));
    users::change_password(
        &fresh,
        &Password::new(USER_PASSWORD.to_owned()),
        new_password(),
    )
    .await
    .unwrap();
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'iam:ChangePassword' AND outcome = 'success'").await,
        1
    );
    let signed = app::directory::signin::sign_in_user(
        &fx.state,
        "acme",
        "fresh",
        new_password(),
        &source("192.0.2.3"),
    )
    .await
    .unwrap();
    let after = Ctx::new(
        fx.state.clone(),
        std::sync::Arc::new(signed.caller(uuid::Uuid::new_v4(), fx.clock.now())),
        source("192.0.2.3"),
    );
    // Now an ordinary user: the engine decides, and a second change needs a policy.
    assert!(matches!(
        users::list_users(&after, ListUsers::default()).await,
        Err(AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        users::change_password(
            &after,
            &new_password(),
            Password::new("Another-Passw0rd".to_owned())
        )
        .await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn fifty_tags_at_most_even_when_racing() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, new_user("tagged")).await.unwrap();
    let attempts = (0..60).map(|i| {
        let root = root.clone();
        tokio::spawn(async move {
            users::tag_user(
                &root,
                &name("tagged"),
                vec![Tag::parse(&format!("k{i}"), "v").unwrap()],
            )
            .await
        })
    });
    let results = futures::future::join_all(attempts).await;
    let limited = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(AppError::LimitExceeded { .. }))))
        .count();
    assert_eq!(limited, 10);
    assert_eq!(
        users::list_user_tags(&root, &name("tagged"))
            .await
            .unwrap()
            .len(),
        50
    );
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_event() {
    let fx = fixture().await;
    let root = fx.root().await;
    for n in ["a1", "a2", "a3", "a4", "a5"] {
        users::create_user(&root, new_user(n)).await.unwrap();
    }
    let account = fx.account.id.as_str();
    let mut conn = fx.pool.acquire().await.unwrap();
    let total = audit::verify(&mut conn, account).await.unwrap().unwrap();
    assert!(total >= 5, "sign-in and creates: {total}");

    // Modified.
    sqlx::query("UPDATE audit_events SET resource = 'arn:forged' WHERE seq = 3")
        .execute(&fx.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&mut conn, account).await.unwrap(),
        Err(Break::Modified { seq: 3 })
    );
    sqlx::query("UPDATE audit_events SET resource = (SELECT resource FROM audit_events WHERE seq = 4) WHERE seq = 3")
        .execute(&fx.pool).await.unwrap();
    // Deleted (in the middle).
    let fx2 = fixture().await;
    let root2 = fx2.root().await;
    for n in ["b1", "b2", "b3"] {
        users::create_user(&root2, new_user(n)).await.unwrap();
    }
    let account2 = fx2.account.id.as_str();
    let mut conn2 = fx2.pool.acquire().await.unwrap();
    sqlx::query("DELETE FROM audit_events WHERE seq = 2")
        .execute(&fx2.pool)
        .await
        .unwrap();
    assert_eq!(
        audit::verify(&mut conn2, account2).await.unwrap(),
        Err(Break::Deleted { seq: 3 })
    );

    // Inserted: a made-up event at the end, hashed correctly but past the head.
    let fx3 = fixture().await;
    let root3 = fx3.root().await;
    users::create_user(&root3, new_user("c1")).await.unwrap();
    let account3 = fx3.account.id.as_str();
    let mut conn3 = fx3.pool.acquire().await.unwrap();
    let (position, hash): (i64, Vec<u8>) =
        sqlx::query_as("SELECT lane_seq, hash FROM audit_heads WHERE lane = 0")
            .fetch_one(&fx3.pool)
            .await
            .unwrap();
    let mut row = app::store::audit::chain_page(&mut conn3, account3, 0, position - 1, 1)
        .await
        .unwrap()
        .remove(0);
    let seq = row.seq;
    row.seq = seq + 1;
    row.lane_seq = position + 1;
    row.event_id = uuid::Uuid::new_v4();
    row.resource = "arn:aws:iam::000000000000:user/ghost".to_owned();
    row.prev_hash = hash;
    row.hash = audit::chain_hash(&row.prev_hash, &audit::canonical(&row));
    app::store::audit::insert(&mut conn3, &row).await.unwrap();
    assert_eq!(
        audit::verify(&mut conn3, account3).await.unwrap(),
        Err(Break::Inserted { seq: seq + 1 })
    );
}

#[tokio::test]
async fn concurrent_writers_of_one_account_share_its_chains_and_verify_intact() {
    let fx = fixture().await;
    let root = fx.root().await;
    let creates = (0..24).map(|i| {
        let root = &root;
        async move { users::create_user(root, new_user(&format!("racer{i}"))).await }
    });
    for result in futures::future::join_all(creates).await {
        result.unwrap();
    }
    let mut conn = fx.pool.acquire().await.unwrap();
    let total = audit::verify(&mut conn, fx.account.id.as_str())
        .await
        .unwrap()
        .unwrap();
    let (events, numbers, lanes): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT seq), count(DISTINCT lane) FROM audit_events
         WHERE account_id = $1",
    )
    .bind(fx.account.id.as_str())
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    assert_eq!(total, events, "verify walks every event of every lane");
    assert_eq!(numbers, events, "each event has its own number");
    assert!(events >= 24);
    assert!((1..=8).contains(&lanes), "{lanes} lanes");

    // Deleting a lane's last event is seen through that lane's head.
    sqlx::query(
        "DELETE FROM audit_events WHERE (account_id, lane, lane_seq) =
           (SELECT account_id, lane, lane_seq FROM audit_events WHERE account_id = $1
            ORDER BY lane DESC, lane_seq DESC LIMIT 1)",
    )
    .bind(fx.account.id.as_str())
    .execute(&fx.pool)
    .await
    .unwrap();
    assert!(matches!(
        audit::verify(&mut conn, fx.account.id.as_str())
            .await
            .unwrap(),
        Err(Break::Truncated { .. })
    ));
}

#[tokio::test]
async fn the_dashboard_needs_get_account_summary_and_shows_root_email_to_root_only() {
    use app::api::dashboard::Resources;
    use app::directory::dashboard;
    let fx = fixture().await;
    let plain = fx.user("plain", &[]).await;
    let summary = fx
        .user(
            "summary",
            &[r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetAccountSummary","Resource":"*"}]}"#],
        )
        .await;
    let root = fx.root().await;
    let view = dashboard::overview(&root).await.unwrap();
    assert_eq!(view.root_email.as_deref(), Some(crate::helpers::ROOT_EMAIL));
    assert_eq!(
        view.resources,
        Resources::Counts {
            users: 2,
            groups: 0,
            policies: 0
        }
    );
    // "summary" has an inline policy of its own; "plain" has none.
    let own = view
        .security
        .iter()
        .find(|i| i.title == "Avoid policies on individual users")
        .unwrap();
    assert!(!own.ok && own.detail.starts_with("1 user(s)"), "{own:?}");

    let view = dashboard::overview(&plain).await.unwrap();
    assert_eq!(view.root_email, None);
    let Resources::Denied(message) = view.resources else {
        panic!("{:?}", view.resources)
    };
    assert!(message.contains("iam:GetAccountSummary"), "{message}");
    let view = dashboard::overview(&summary).await.unwrap();
    assert!(matches!(view.resources, Resources::Counts { users: 2, .. }));
    assert_eq!(view.root_email, None);
}

/// Every page of the Users list in `order`, `per_page` at a time, by following markers.
async fn all_pages(cx: &Ctx, order: UserOrder, search: Option<&str>, per_page: i64) -> Vec<String> {
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let page = users::list_users(
            cx,
            ListUsers {
                order,
                search: search.map(str::to_owned),
                marker,
                max_items: Some(per_page),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        names.extend(page.items.iter().map(|u| u.name.to_string()));
        match page.marker {
            Some(m) => marker = Some(m),
            None => return names,
        }
    }
}

#[tokio::test]
async fn the_users_list_sorts_by_each_column_both_ways_across_pages() {
    let fx = fixture().await;
    let root = fx.root().await;
    // Created a minute apart, in this order; ties on group count and on "never signed
    // in" are broken by name.
    for n in ["dora", "Bea", "carl", "abe", "Eve"] {
        // A request's time is fixed when it starts: a new one sees the clock move.
        users::create_user(&fx.root().await, new_user(n))
            .await
            .unwrap();
        fx.clock.advance(time::Duration::minutes(1));
    }
    for (group, members) in [("ops", &["carl", "abe"][..]), ("dev", &["carl", "Eve"])] {
        let g = GroupName::parse(group).unwrap();
        groups::create_group(&root, g.clone(), IamPath::root())
            .await
            .unwrap();
        for m in members {
            groups::add_user_to_group(&root, &g, &name(m))
                .await
                .unwrap();
        }
    }
    // Console sign-ins: Bea, then dora, an hour apart; the others never.
    for n in ["Bea", "dora"] {
        users::create_login_profile(
            &root,
            &name(n),
            NewPassword::Chosen(Password::new(USER_PASSWORD.to_owned())),
            false,
        )
        .await
        .unwrap();
        fx.clock.advance(time::Duration::hours(1));
        fx.sign_in_user(n, "192.0.2.10").await;
    }

    let cases: [(UserSort, bool, [&str; 5]); 8] = [
        (UserSort::Name, false, ["abe", "Bea", "carl", "dora", "Eve"]),
        (UserSort::Name, true, ["Eve", "dora", "carl", "Bea", "abe"]),
        (
            UserSort::Groups,
            false,
            ["Bea", "dora", "abe", "Eve", "carl"],
        ),
        (
            UserSort::Groups,
            true,
            ["carl", "Eve", "abe", "dora", "Bea"],
        ),
        (
            UserSort::LastSignIn,
            false,
            ["abe", "carl", "Eve", "Bea", "dora"],
        ),
        (
            UserSort::LastSignIn,
            true,
            ["dora", "Bea", "Eve", "carl", "abe"],
        ),
        (
            UserSort::Created,
            false,
            ["dora", "Bea", "carl", "abe", "Eve"],
        ),
        (
            UserSort::Created,
            true,
            ["Eve", "abe", "carl", "Bea", "dora"],
        ),
    ];
    for (sort, descending, expected) in cases {
        let order = UserOrder { sort, descending };
        for per_page in [1, 2, 5] {
            assert_eq!(
                all_pages(&root, order, None, per_page).await,
                expected,
                "{order:?}, {per_page} per page"
            );
        }
    }
    // With a search (three letters: names containing it), the order holds.
    users::create_user(&fx.root().await, new_user("Abel"))
        .await
        .unwrap();
    let order = UserOrder {
        sort: UserSort::Created,
        descending: true,
    };
    assert_eq!(
        all_pages(&root, order, Some("abe"), 1).await,
        ["Abel", "abe"]
    );
    assert_eq!(
        all_pages(&root, order, Some("ab"), 1).await,
        ["Abel", "abe"]
    );

    // A marker of another order, or a made-up one, is refused naming the field.
    let by_name = users::list_users(
        &root,
        ListUsers {
            max_items: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for (sort, marker) in [
        (UserSort::Created, by_name.marker.clone().unwrap()),
        (UserSort::Groups, "x:abe".to_owned()),
        (
            UserSort::LastSignIn,
            "99999999999999999999999:abe".to_owned(),
        ),
        (UserSort::Created, "never:abe".to_owned()),
        (UserSort::Created, "5:".to_owned()),
    ] {
        let refused = users::list_users(
            &root,
            ListUsers {
                order: UserOrder {
                    sort,
                    descending: false,
                },
                marker: Some(marker.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(refused.field(), Some("marker"), "{sort:?} {marker}");
    }
}
