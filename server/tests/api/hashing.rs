//! Password hashing is a bounded resource: cheap refusals first, a limited number of
//! hashes at once, and no database connection held while one runs.

use crate::helpers::*;
use app::directory::passwords::{HashCost, HashLimits};
use app::error::AppError;
use std::time::{Duration, Instant};

/// These tests load both cores on purpose; run them one at a time, so their figures
/// are not each other's noise.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Four times the memory and passes of the default: a hash takes a good while.
const EXPENSIVE: HashCost = HashCost {
    memory_kib: 4 * 19_456,
    iterations: 4,
    parallelism: 1,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_setup_is_refused_without_hashing() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app_with(Options {
        cost: EXPENSIVE,
        ..Options::default()
    })
    .await;
    app.bootstrap().await;
    let form = [
        ("email", "intruder@example.com"),
        ("password", ROOT_PASSWORD),
        ("password_confirmation", ROOT_PASSWORD),
        ("alias", ""),
        ("setup_token", "whatever"),
    ];
    // 40 at once, as the review measured: every one is refused fast.
    let started = Instant::now();
    let calls = (0..40).map(|_| app.call("setup", &form));
    let outcomes = futures::future::join_all(calls).await;
    let elapsed = started.elapsed();
    assert!(outcomes.iter().all(|o| *o == Err(AppError::AlreadySetUp)));
    assert!(
        elapsed < Duration::from_secs(1),
        "40 refusals took {elapsed:?}"
    );
    // The fastest of five, so a scheduling hiccup on a loaded machine does not count.
    let mut fastest = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(app.call("setup", &form).await, Err(AppError::AlreadySetUp));
        fastest = fastest.min(started.elapsed());
    }
    assert!(
        fastest < Duration::from_millis(100),
        "one refusal took {fastest:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_storm_gets_busy_answers_and_leaves_the_console_responsive() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app_with(Options {
        cost: EXPENSIVE,
        limits: HashLimits {
            concurrent: 2,
            queued: 8,
            max_wait: Duration::from_secs(2),
        },
        // Every request from its own address, so the per-address budget does not stop
        // the storm before it reaches the hasher.
        trusted_proxies: "127.0.0.1",
        ..Options::default()
    })
    .await;
    app.bootstrap().await;
    app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.unwrap();

    let storm = (0..200u32).map(|i| {
        let client = app.new_client();
        let url = app.url("/api/signin");
        tokio::spawn(async move {
            let email = format!("nobody{i}@example.com");
            let forwarded = format!("198.51.{}.{}", i / 200, i % 200 + 1);
            client
                .post(url)
                .header("accept", "application/json")
                .header("x-forwarded-for", forwarded)
                .form(&[("email", email.as_str()), ("password", "Wrong-Password-1")])
                .send()
                .await
                .map(|r| {
                    let retry = r.headers().get("retry-after").cloned();
                    (r.status().as_u16(), retry)
                })
        })
    });
    let storm: Vec<_> = storm.collect();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // While the storm runs, health and a signed-in page answer quickly.
    for _ in 0..3 {
        let started = Instant::now();
        let ready = reqwest::get(app.url("/readyz")).await.unwrap();
        assert_eq!(ready.status(), 200);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "/readyz took {took:?}");
        let started = Instant::now();
        let (status, _, _) = app.page("/").await;
        assert_eq!(status, 200);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "the dashboard took {took:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let mut busy = 0;
    let mut refused = 0;
    for handle in storm {
        let (status, retry) = handle.await.unwrap().unwrap();
        match status {
            503 => {
                busy += 1;
                assert_eq!(retry.unwrap(), "1", "Retry-After on a busy answer");
            }
            401 => refused += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        busy > 100,
        "most of the storm was told to come back: {busy}"
    );
    assert!(refused >= 2, "some were checked: {refused}");
}
