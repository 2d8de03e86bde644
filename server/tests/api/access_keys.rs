//! Access keys: AWS's formats, secrets sealed and shown once, two per user and per root
//! user under racing requests, another's keys not found, a user managing only their
//! own keys with AWS's documented self-management policy, DeleteUser's conflict.

use crate::fixture::*;
use app::authz::Ctx;
use app::directory::access_keys;
use app::directory::users;
use app::error::AppError;
use app::model::{AccessKeyId, AccessKeyStatus, NewAccessKey};
use time::Duration;

/// AWS's documented policy letting users manage their own access keys
/// ("IAM: Allows IAM users to manage their own access keys", trimmed to keys).
const OWN_KEYS: &str = r#"{"Version":"2012-10-17","Statement":[{
    "Sid":"ManageOwnAccessKeys","Effect":"Allow",
    "Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:GetAccessKeyLastUsed",
              "iam:GetUser","iam:ListAccessKeys","iam:UpdateAccessKey"],
    "Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;

async fn spawn_creations(
    cx: &Ctx,
    user: Option<&str>,
    n: usize,
) -> Vec<Result<NewAccessKey, AppError>> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let cx = cx.clone();
            let user = user.map(name);
            tokio::spawn(async move { access_keys::create_access_key(&cx, user.as_ref()).await })
        })
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_new_key_has_aws_formats_and_its_secret_is_only_sealed() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, users::NewUser::parse("ci", "/", &[]).unwrap())
        .await
        .unwrap();
    let new = access_keys::create_access_key(&root, Some(&name("ci")))
        .await
        .unwrap();
    let id = new.key.id.as_str();
    assert_eq!(id.len(), 20);
    assert!(id.starts_with("AKIA"), "{id}");
    assert!(
        id[4..]
            .bytes()
            .all(|b| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains(&b))
    );
    assert_eq!(new.secret.len(), 40);
    assert!(
        new.secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    );
    assert_eq!(new.key.status, AccessKeyStatus::Active);
    assert_eq!(new.key.user_name, Some(name("ci")));
    // Stored sealed: the secret is not in the row, and opens only for this key.
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT secret_sealed FROM access_keys WHERE access_key_id = $1")
            .bind(id)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
    assert!(!sealed.windows(40).any(|w| w == new.secret.as_bytes()));
    let opened = fx
        .state
        .sealer
        .open(&format!("access-key:{id}"), &sealed)
        .unwrap();
    assert_eq!(opened, new.secret.as_bytes());
    assert!(
        fx.state
            .sealer
            .open("access-key:AKIAOTHER", &sealed)
            .is_err()
    );
    // Audited with the key id, never the secret.
    let logged: String = sqlx::query_scalar(
        "SELECT string_agg(row_to_json(e)::text, '') FROM audit_events e WHERE action = 'iam:CreateAccessKey'",
    )
    .fetch_one(&fx.pool)
    .await
    .unwrap();
    assert!(logged.contains(id), "{logged}");
    assert!(!logged.contains(&new.secret));
    // Listed without the secret; never used yet.
    let keys = access_keys::list_access_keys(&root, Some(&name("ci")))
        .await
        .unwrap();
    assert_eq!(keys, vec![new.key.clone()]);
    let used = access_keys::get_access_key_last_used(&root, &new.key.id)
        .await
        .unwrap();
    assert_eq!((used.user_name, used.last_used), (Some(name("ci")), None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_keys_per_user_and_per_root_when_twenty_requests_race() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, users::NewUser::parse("busy", "/", &[]).unwrap())
        .await
        .unwrap();
    for user in [Some("busy"), None] {
        let results = spawn_creations(&root, user, 20).await;
        let created = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(created, 2, "{user:?}");
        for result in &results {
            if let Err(error) = result {
                assert_eq!(
                    error,
                    &AppError::limit_exceeded("Cannot exceed quota for AccessKeysPerUser: 2"),
                    "{user:?}"
                );
            }
        }
        let listed = access_keys::list_access_keys(&root, user.map(name).as_ref())
            .await
            .unwrap();
        assert_eq!(listed.len(), 2, "{user:?}");
    }
    assert_eq!(
        fx.count("SELECT access_key_count::bigint FROM iam_users WHERE name = 'busy'")
            .await,
        2
    );
    // An inactive key still counts; a deleted one frees its slot.
    let keys = access_keys::list_access_keys(&root, Some(&name("busy")))
        .await
        .unwrap();
    access_keys::update_access_key(
        &root,
        Some(&name("busy")),
        &keys[0].id,
        AccessKeyStatus::Inactive,
    )
    .await
    .unwrap();
    assert!(matches!(
        access_keys::create_access_key(&root, Some(&name("busy"))).await,
        Err(AppError::LimitExceeded { .. })
    ));
    access_keys::delete_access_key(&root, Some(&name("busy")), &keys[0].id)
        .await
        .unwrap();
    access_keys::create_access_key(&root, Some(&name("busy")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_user_manages_their_own_keys_and_is_denied_anothers() {
    let fx = fixture().await;
    let root = fx.root().await;
    let alice = fx.user("alice", &[OWN_KEYS]).await;
    fx.user("bob", &[]).await;
    let bobs = access_keys::create_access_key(&root, Some(&name("bob")))
        .await
        .unwrap();
    // No user name: the caller's own keys.
    let mine = access_keys::create_access_key(&alice, None).await.unwrap();
    assert_eq!(mine.key.user_name, Some(name("alice")));
    let listed = access_keys::list_access_keys(&alice, None).await.unwrap();
    assert_eq!(listed.len(), 1);
    access_keys::update_access_key(&alice, None, &mine.key.id, AccessKeyStatus::Inactive)
        .await
        .unwrap();
    let listed = access_keys::list_access_keys(&alice, Some(&name("alice")))
        .await
        .unwrap();
    assert_eq!(listed[0].status, AccessKeyStatus::Inactive);
    // Bob's keys: denied, whether listed, made, changed or read.
    let denied = |r: Result<(), AppError>| matches!(r, Err(AppError::AccessDenied { .. }));
    assert!(denied(
        access_keys::list_access_keys(&alice, Some(&name("bob")))
            .await
            .map(drop)
    ));
    assert!(denied(
        access_keys::create_access_key(&alice, Some(&name("bob")))
            .await
            .map(drop)
    ));
    assert!(denied(
        access_keys::delete_access_key(&alice, Some(&name("bob")), &bobs.key.id).await
    ));
    assert!(denied(
        access_keys::get_access_key_last_used(&alice, &bobs.key.id)
            .await
            .map(drop)
    ));
    // Bob's key named as her own is not hers: not found, and nothing changes.
    let result = access_keys::delete_access_key(&alice, None, &bobs.key.id).await;
    assert_eq!(
        result,
        Err(AppError::not_found(format!(
            "The Access Key with id {} cannot be found.",
            bobs.key.id
        )))
    );
    // Even root finds a key only under its holder.
    let result = access_keys::update_access_key(
        &root,
        Some(&name("alice")),
        &bobs.key.id,
        AccessKeyStatus::Inactive,
    )
    .await;
    assert!(
        matches!(result, Err(AppError::NotFound { .. })),
        "{result:?}"
    );
    let unknown = AccessKeyId::parse("AKIAAAAAAAAAAAAAAAAA").unwrap();
    assert!(matches!(
        access_keys::get_access_key_last_used(&root, &unknown).await,
        Err(AppError::NotFound { .. })
    ));
    // A caller who may not read every user's keys is not told which keys exist.
    assert!(denied(
        access_keys::get_access_key_last_used(&alice, &unknown)
            .await
            .map(drop)
    ));
    access_keys::delete_access_key(&alice, None, &mine.key.id)
        .await
        .unwrap();
    assert_eq!(fx.count("SELECT count(*) FROM access_keys").await, 1);
}

#[tokio::test]
async fn keys_of_another_account_are_not_found() {
    let fx = fixture().await;
    let root = fx.root().await;
    let theirs = access_keys::create_access_key(&root, None).await.unwrap();
    app::directory::accounts::create_additional_account(
        &fx.state,
        new_account("other@example.com", "other"),
    )
    .await
    .unwrap();
    let other = fx.root_of("other@example.com").await;
    for result in [
        access_keys::get_access_key_last_used(&other, &theirs.key.id)
            .await
            .map(drop),
        access_keys::update_access_key(&other, None, &theirs.key.id, AccessKeyStatus::Inactive)
            .await,
        access_keys::delete_access_key(&other, None, &theirs.key.id).await,
    ] {
        assert!(
            matches!(result, Err(AppError::NotFound { .. })),
            "{result:?}"
        );
    }
}

#[tokio::test]
async fn delete_user_refuses_while_the_user_has_keys() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, users::NewUser::parse("leaver", "/", &[]).unwrap())
        .await
        .unwrap();
    let key = access_keys::create_access_key(&root, Some(&name("leaver")))
        .await
        .unwrap();
    assert_eq!(
        users::delete_user(&root, &name("leaver")).await,
        Err(AppError::delete_conflict(
            "Cannot delete entity, must delete access keys first."
        ))
    );
    access_keys::delete_access_key(&root, Some(&name("leaver")), &key.key.id)
        .await
        .unwrap();
    users::delete_user(&root, &name("leaver")).await.unwrap();
}

#[tokio::test]
async fn last_use_and_the_rotation_advice_read_what_the_api_recorded() {
    let fx = fixture().await;
    let root = fx.root().await;
    let key = access_keys::create_access_key(&root, None).await.unwrap();
    let used_at = fx.clock_now() + Duration::days(3);
    sqlx::query(
        "UPDATE access_keys SET last_used_at = $2, last_used_service = 'iam',
             last_used_region = 'us-east-1' WHERE access_key_id = $1",
    )
    .bind(key.key.id.as_str())
    .bind(used_at)
    .execute(&fx.pool)
    .await
    .unwrap();
    let read = access_keys::get_access_key_last_used(&root, &key.key.id)
        .await
        .unwrap();
    let last = read.last_used.clone().unwrap();
    assert_eq!(
        (last.service.as_str(), last.region.as_str()),
        ("iam", "us-east-1")
    );
    assert_eq!(last.at, used_at);
    assert_eq!(read.user_name, None, "a root user's key");
    let later = fx.clock_now() + Duration::days(120);
    let advice = app::model::key_advice(&read, later, Duration::days(90));
    assert_eq!(advice.age_days, 120);
    assert_eq!(advice.unused_days, Some(117));
    assert_eq!(advice.warnings.len(), 2, "{advice:?}");
}

/// The console's key forms over HTTP: create (secret shown once), deactivate, delete
/// only once inactive and with the id typed again; the user page lists the keys.
#[tokio::test]
async fn the_console_creates_rotates_and_deletes_keys() {
    use crate::helpers::{ROOT_EMAIL, ROOT_PASSWORD, spawn_app};
    let app = spawn_app().await;
    app.bootstrap().await;
    app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.unwrap();
    app.call("users/create", &[("user_name", "ci")])
        .await
        .unwrap();
    let created = app
        .call("keys/create", &[("user_name", "ci")])
        .await
        .unwrap();
    let id = created["key"]["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 40);
    let listed = app.call("keys/list", &[("user_name", "ci")]).await.unwrap();
    assert_eq!(listed["keys"][0]["key"]["id"], id.as_str());
    assert_eq!(listed["max_age_days"], 90);
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is shown once"
    );
    let (status, _, page) = app
        .page("/users/details/ci?section=security_credentials")
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&id), "the user page lists the key");
    assert!(!page.contains(&secret));
    // An active key is not deleted from the console: deactivate it first.
    let refused = app
        .call(
            "keys/delete",
            &[
                ("user_name", "ci"),
                ("access_key_id", &id),
                ("confirmation", &id),
            ],
        )
        .await;
    assert!(
        matches!(&refused, Err(AppError::Validation { message, .. }) if message.contains("deactivate")),
        "{refused:?}"
    );
    app.call(
        "keys/update",
        &[
            ("user_name", "ci"),
            ("access_key_id", &id),
            ("status", "Inactive"),
        ],
    )
    .await
    .unwrap();
    let wrong = app
        .call(
            "keys/delete",
            &[
                ("user_name", "ci"),
                ("access_key_id", &id),
                ("confirmation", "AKIA"),
            ],
        )
        .await;
    assert!(
        matches!(wrong, Err(AppError::Validation { .. })),
        "{wrong:?}"
    );
    app.call(
        "keys/delete",
        &[
            ("user_name", "ci"),
            ("access_key_id", &id),
            ("confirmation", &id),
        ],
    )
    .await
    .unwrap();
    // Root's own keys, from its credentials page, with the warning; and the dashboard.
    app.call("keys/create", &[("user_name", "")]).await.unwrap();
    let (_, _, mine) = app.page("/security-credentials").await;
    assert!(mine.contains("root-key-warning"), "{mine}");
    let dashboard = app.call("dashboard", &[]).await.unwrap();
    let item = dashboard["security"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "No access keys for the root user")
        .cloned()
        .unwrap();
    assert_eq!(item["ok"], false, "{item}");
    assert_eq!(app.count("SELECT count(*) FROM access_keys").await, 1);
}
