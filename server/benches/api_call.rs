//! What one signed IAM GetUser call costs the server, part by part (issue 9), on the
//! embedded PostgreSQL as `portcullis serve` runs it, with the world of
//! scripts/load-api.sh: user "loadtester" in a group with AWS's IAMReadOnlyAccess and a
//! group with a three-statement customer managed policy with conditions, reading user
//! "alice". Each part runs alone, one call at a time, after a warm-up:
//!
//!     cargo bench -p server --bench api_call
//!
//! signature (parse, canonical request, string to sign, HMAC; the signing key derived
//! once per scope), key derivation, key lookup (cached, which costs one query for the
//! account's generation; and uncached), the service (GetUser as root, which the engine
//! does not consult, then as loadtester: the difference is authorisation), and the XML.
//! The data directory (PORTCULLIS_BENCH_DIR, default target/bench-api) is made afresh.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use app::authz::Ctx;
use app::directory::accounts::{self, NewAccount, NewAccountInput};
use app::directory::policies::{self, HolderName, NewPolicy};
use app::directory::users::{self, NewUser};
use app::directory::{RequestSource, access_keys, groups, signing};
use app::model::{GroupName, UserName};
use server::awsapi::sigv4;
use server::database::{self, EmbeddedPostgres};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const ACCOUNT_ID: &str = "123456789012";
const N: usize = 5_000;
const WARM: usize = 500;
const ENGINEER_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"ReadStaff","Effect":"Allow","Action":["iam:GetUser","iam:ListGroupsForUser"],
  "Resource":"arn:aws:iam::*:user/staff/*",
  "Condition":{"StringEquals":{"aws:PrincipalTag/team":["platform","security"]}}},
 {"Sid":"OwnKeys","Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"},
 {"Sid":"NoWritesFromAfar","Effect":"Deny","NotAction":["iam:Get*","iam:List*"],"Resource":"*",
  "Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","127.0.0.0/8"]}}}]}"#;

fn source() -> RequestSource {
    RequestSource::new(
        Some("127.0.0.1".parse().unwrap()),
        Some("aws-cli/1.46.3".to_owned()),
    )
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Runs `f` WARM times unmeasured, then N times; prints the median and p95.
async fn timed<F, Fut>(label: &str, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..WARM {
        f().await;
    }
    let mut times = Vec::with_capacity(N);
    for _ in 0..N {
        let start = Instant::now();
        f().await;
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[N / 2];
    println!(
        "{label}: median {}, p95 {}",
        micros(median),
        micros(times[N * 95 / 100])
    );
    median
}

fn name(n: &str) -> UserName {
    UserName::parse(n).unwrap()
}

/// A GetUser request signed with `key` as botocore signs it (the headers it sends).
fn signed_request(key: &str, secret: &str, now: OffsetDateTime) -> (Vec<(String, String)>, String) {
    let body = "Action=GetUser&Version=2010-05-08&UserName=alice".to_owned();
    let date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let day = &date[..8];
    let mut headers = vec![
        (
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
        ("Host".to_owned(), "127.0.0.1:3192".to_owned()),
        ("X-Amz-Date".to_owned(), date.clone()),
        ("User-Agent".to_owned(), "aws-cli/1.46.3".to_owned()),
    ];
    let authorization = |signature: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={key}/{day}/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
        )
    };
    let mut unsigned = headers.clone();
    unsigned.push(("Authorization".to_owned(), authorization(&"0".repeat(64))));
    let incoming = sigv4::Incoming {
        method: "POST",
        raw_path: "/",
        raw_query: None,
        headers: unsigned,
        body: body.as_bytes(),
    };
    let parsed = sigv4::parse(&incoming).unwrap();
    let canonical = sigv4::canonical_request(&incoming, &parsed).unwrap();
    let to_sign = sigv4::string_to_sign(&parsed, &canonical);
    let signature = sigv4::sign(&sigv4::signing_key(secret, &parsed.scope), &to_sign);
    headers.push(("Authorization".to_owned(), authorization(&signature)));
    (headers, body)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = std::env::var_os("PORTCULLIS_BENCH_DIR")
        .map_or_else(|| PathBuf::from("target/bench-api"), PathBuf::from);
    let dir = if dir.is_relative() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir)
    } else {
        dir
    };
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut embedded = EmbeddedPostgres::start(&dir).unwrap();
    let pool = embedded.pool().await.unwrap();
    database::migrate(&pool).await.unwrap();
    server::aws_policies::sync(&pool, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let state = support::state(pool.clone());
    accounts::create_first_account(
        &state,
        NewAccount::parse(NewAccountInput {
            email: "bench@example.com".to_owned(),
            password: "Bench-Password-1".to_owned(),
            account_id: Some(ACCOUNT_ID.to_owned()),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let root = signing::command_context(&state, ACCOUNT_ID).await.unwrap();
    let tags = [
        ("team".to_owned(), "platform".to_owned()),
        ("level".to_owned(), "3".to_owned()),
    ];
    users::create_user(&root, NewUser::parse("alice", "/staff/", &[]).unwrap())
        .await
        .unwrap();
    users::create_user(&root, NewUser::parse("loadtester", "/", &tags).unwrap())
        .await
        .unwrap();
    let engineers = policies::create_policy(
        &root,
        NewPolicy::parse("EngineerAccess", "/", "", ENGINEER_POLICY, &[]).unwrap(),
    )
    .await
    .unwrap();
    for (group, policy) in [
        (
            "Auditors",
            "arn:aws:iam::aws:policy/IAMReadOnlyAccess".to_owned(),
        ),
        ("Engineers", engineers.arn.clone()),
    ] {
        let group = GroupName::parse(group).unwrap();
        groups::create_group(&root, group.clone(), app::model::IamPath::root())
            .await
            .unwrap();
        policies::attach_policy(&root, HolderName::Group(&group), &policy)
            .await
            .unwrap();
        groups::add_user_to_group(&root, &group, &name("loadtester"))
            .await
            .unwrap();
    }
    let created = access_keys::create_access_key(&root, Some(&name("loadtester")))
        .await
        .unwrap();
    let key_id = created.key.id.as_str().to_owned();
    let now = OffsetDateTime::now_utc();
    let (headers, body) = signed_request(&key_id, &created.secret, now);
    let incoming = sigv4::Incoming {
        method: "POST",
        raw_path: "/",
        raw_query: None,
        headers,
        body: body.as_bytes(),
    };
    let first = sigv4::parse(&incoming).unwrap();
    let derived = sigv4::signing_key(&created.secret, &first.scope);

    println!("one signed GetUser of alice by loadtester, part by part (n={N} each):");
    let signature = timed("signature (key derived already)", || async {
        let signed = sigv4::parse(&incoming).unwrap();
        sigv4::check_time(&signed, now).unwrap();
        let canonical = sigv4::canonical_request(&incoming, &signed).unwrap();
        let to_sign = sigv4::string_to_sign(&signed, &canonical);
        assert!(sigv4::matches(&derived, &signed, &to_sign));
    })
    .await;
    timed(
        "signing key derivation (once per key and scope)",
        || async {
            std::hint::black_box(sigv4::signing_key(&created.secret, &first.scope));
        },
    )
    .await;
    let lookup = timed("key lookup, cached (one query: the generation)", || async {
        signing::find_key(&state, &key_id, now).await.unwrap();
    })
    .await;
    timed(
        "key lookup, uncached (key with account, user with tags)",
        || async {
            state.caches.signing_keys.clear();
            signing::find_key(&state, &key_id, now).await.unwrap();
        },
    )
    .await;
    let (key, generation) = signing::find_key(&state, &key_id, now).await.unwrap();
    let caller = key.prove("bench", |_| derived, |_| true, now).unwrap();
    let cx = Ctx::new(state.clone(), Arc::new(caller), source()).with_generation(generation);
    let root_cx = root.clone();
    let alice = name("alice");
    let as_root = timed(
        "GetUser as root (transaction + query; no policies)",
        || async {
            users::get_user(&root_cx, Some(&alice)).await.unwrap();
        },
    )
    .await;
    let as_user = timed(
        "GetUser as loadtester (the same + authorisation, policies cached)",
        || async {
            users::get_user(&cx, Some(&alice)).await.unwrap();
        },
    )
    .await;
    timed(
        "GetUser as loadtester, policies uncached (+ loading them)",
        || async {
            state.caches.effective.clear();
            users::get_user(&cx, Some(&alice)).await.unwrap();
        },
    )
    .await;
    let user = users::get_user(&cx, Some(&alice)).await.unwrap();
    let xml = timed("XML answer", || async {
        std::hint::black_box(server::awsapi::get_user_answer(
            &user,
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        ));
    })
    .await;
    println!(
        "sum of the parts on a warm path: {} (signature {}, key lookup {}, \
         transaction and query {}, authorisation {}, XML {})",
        micros(signature + lookup + as_user + xml),
        micros(signature),
        micros(lookup),
        micros(as_root),
        micros(as_user.saturating_sub(as_root)),
        micros(xml)
    );
    pool.close().await;
    embedded.stop();
}
