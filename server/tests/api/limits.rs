//! Sign-in limits: per (subject, address), per address across subjects, per subject
//! across addresses; the owner elsewhere is never locked out by a guesser.

use crate::helpers::*;
use app::error::AppError;

async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> Outcome {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    call_with(
        &app.new_client(),
        &app.url("/api/signin"),
        &[("email", email), ("password", password)],
        headers,
    )
    .await
}

async fn proxied_app() -> TestApp {
    let app = spawn_app_with(Options {
        trusted_proxies: "127.0.0.1",
        ..Options::default()
    })
    .await;
    app.bootstrap().await;
    app
}

#[tokio::test]
async fn a_guesser_is_slowed_down_while_the_owner_elsewhere_signs_in() {
    let app = proxied_app().await;
    let guesser = "203.0.113.66";
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&app, guesser, ROOT_EMAIL, "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        sign_in_from(&app, guesser, ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(AppError::Throttled {
            retry_after_secs: 5
        })
    );
    // Each attempt is in the account's activity: five wrong passwords, one refused.
    let codes: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT outcome, error_code FROM audit_events WHERE action = 'signin:ConsoleLogin' ORDER BY seq",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let failed = ("failure".to_owned(), Some("InvalidCredentials".to_owned()));
    let throttled = ("failure".to_owned(), Some("Throttled".to_owned()));
    assert_eq!(codes[..5], vec![failed; 5][..], "{codes:?}");
    assert_eq!(codes[5..], [throttled][..], "{codes:?}");
    assert!(
        sign_in_from(&app, "198.51.100.7", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok()
    );
    // One guess every 15 minutes for a day never locks the owner out.
    for _ in 0..96 {
        app.clock.advance(time::Duration::minutes(15));
        let _ = sign_in_from(&app, guesser, ROOT_EMAIL, "Wrong-Password-1").await;
    }
    assert!(
        sign_in_from(&app, "198.51.100.7", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn one_address_spraying_many_emails_runs_out_of_budget() {
    let app = proxied_app().await;
    let sprayer = "2001:db8:66:1::10";
    let mut refused_at = None;
    for i in 0..40 {
        // Different addresses in the same /64 count as one.
        let address = format!("2001:db8:66:1::{:x}", 0x10 + i);
        let email = format!("user{i}@example.com");
        match sign_in_from(&app, &address, &email, "Wrong-Password-1").await {
            Err(AppError::InvalidCredentials) => {}
            Err(AppError::Throttled { retry_after_secs }) => {
                assert!(retry_after_secs > 0);
                refused_at.get_or_insert(i);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(refused_at, Some(30), "30 failures, then refused");
    // The 429 also reaches a brand-new subject from that network...
    let response = app
        .new_client()
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .header("x-forwarded-for", sprayer)
        .form(&[("email", "fresh@example.com"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    // ...but not the owner, from another address.
    assert!(
        sign_in_from(&app, "192.0.2.10", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok()
    );
    // A minute later the budget has room for one more.
    app.clock.advance(time::Duration::seconds(61));
    assert_eq!(
        sign_in_from(&app, sprayer, "late@example.com", "Wrong-Password-1").await,
        Err(AppError::InvalidCredentials)
    );
}

#[tokio::test]
async fn many_addresses_guessing_one_subject_hit_the_backstop_but_not_the_owners_address() {
    let app = proxied_app().await;
    // The owner's usual address.
    assert!(
        sign_in_from(&app, "198.51.100.7", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok()
    );
    for i in 0..50 {
        let address = format!("203.0.{}.{}", i / 250, i % 250 + 1);
        assert_eq!(
            sign_in_from(&app, &address, ROOT_EMAIL, "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials),
            "attempt {i}"
        );
    }
    assert!(matches!(
        sign_in_from(&app, "192.0.2.10", ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(AppError::Throttled { .. })
    ));
    assert!(
        sign_in_from(&app, "198.51.100.7", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok(),
        "an address the owner signed in from is spared the backstop"
    );
    // The backstop drains: half a minute later the owner is in.
    app.clock.advance(time::Duration::seconds(31));
    assert!(
        sign_in_from(&app, "192.0.2.10", ROOT_EMAIL, ROOT_PASSWORD)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_app().await;
    app.bootstrap().await;
    for i in 0..6 {
        // A client rotating X-Forwarded-For on its own gains nothing.
        let address = format!("198.51.100.{i}");
        let _ = sign_in_from(&app, &address, ROOT_EMAIL, "Wrong-Password-1").await;
    }
    assert!(matches!(
        sign_in_from(&app, "198.51.100.99", ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(AppError::Throttled { .. })
    ));
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE source_ip <> '127.0.0.1'")
            .await,
        0
    );
}

#[tokio::test]
async fn parallel_guesses_cannot_slip_past_the_limit() {
    let app = proxied_app().await;
    let guesses =
        (0..20).map(|_| sign_in_from(&app, "203.0.113.5", ROOT_EMAIL, "Wrong-1-Password"));
    let outcomes = futures::future::join_all(guesses).await;
    let checked = outcomes
        .iter()
        .filter(|o| **o == Err(AppError::InvalidCredentials))
        .count();
    assert_eq!(checked, 5, "{outcomes:?}");
}

#[tokio::test]
async fn stale_limits_are_pruned_and_old_attempts_expire() {
    let app = proxied_app().await;
    for i in 0..10 {
        let email = format!("ghost{i}@example.com");
        let _ = sign_in_from(&app, "203.0.113.9", &email, "Wrong-Password-1").await;
    }
    let rows = app.count("SELECT count(*) FROM signin_limits").await;
    assert_eq!(rows, 1 + 10 + 10, "one address, ten subjects, ten pairs");
    app.clock.advance(time::Duration::hours(25));
    let (limits, attempts) = app::directory::signin::prune(&app.state, time::Duration::days(90))
        .await
        .unwrap();
    assert_eq!((limits, attempts), (21, 0));
    app.clock.advance(time::Duration::days(90));
    let (_, attempts) = app::directory::signin::prune(&app.state, time::Duration::days(90))
        .await
        .unwrap();
    assert_eq!(attempts, 10);
    assert_eq!(app.count("SELECT count(*) FROM signin_limits").await, 0);
}
