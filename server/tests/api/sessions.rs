use crate::helpers::*;
use app::error::AppError;
use time::Duration;

/// A signed-in app and the value of its session cookie.
async fn signed_in_app() -> (TestApp, String) {
    let app = spawn_app().await;
    app.bootstrap().await;
    let response = app
        .client
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let cookie = session_cookie(&response);
    (app, cookie)
}

async fn end_reason(app: &TestApp) -> Option<String> {
    sqlx::query_scalar("SELECT end_reason FROM console_sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn activity_keeps_a_session_alive_and_an_idle_hour_ends_it() {
    let (app, _) = signed_in_app().await;
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(59));
        assert_eq!(app.page("/").await.0, 200, "active within the idle timeout");
    }
    app.clock.advance(Duration::minutes(60));
    assert_eq!(app.page("/").await.1.as_deref(), Some("/signin"));
    assert_eq!(end_reason(&app).await.as_deref(), Some("idle_timeout"));
    // Coming back later does not revive it.
    assert_eq!(
        app.call("dashboard", &[]).await,
        Err(AppError::Unauthenticated)
    );
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_however_active() {
    let (app, _) = signed_in_app().await;
    for _ in 0..14 {
        app.clock.advance(Duration::minutes(50));
        assert!(app.call("dashboard", &[]).await.is_ok());
    }
    // 11 h 40 min so far; 20 more minutes reach 12 h.
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        app.call("dashboard", &[]).await,
        Err(AppError::Unauthenticated)
    );
    assert_eq!(end_reason(&app).await.as_deref(), Some("lifetime_exceeded"));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let (app, cookie) = signed_in_app().await;
    assert!(app.call("signout", &[]).await.is_ok());
    assert_eq!(end_reason(&app).await.as_deref(), Some("signed_out"));
    // Replaying the old cookie from elsewhere gets nothing.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = replay
        .get(app.url("/"))
        .header("cookie", format!("portcullis_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/signin");
    let response = replay
        .post(app.url("/api/dashboard"))
        .header("accept", "application/json")
        .header("origin", &app.address)
        .header("cookie", format!("portcullis_session={cookie}"))
        .send()
        .await
        .unwrap();
    let error: AppError = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(error, AppError::Unauthenticated);
}

#[tokio::test]
async fn the_cookie_only_names_a_server_side_session_record() {
    let (app, cookie) = signed_in_app().await;
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session WHERE id = $1")
            .bind(&cookie)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 1, "the session lives in PostgreSQL");
    assert_eq!(
        app.count("SELECT count(*) FROM console_sessions WHERE ended_at IS NULL")
            .await,
        1
    );
}
