use crate::helpers::*;
use app::error::AppError;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    app.pool.close().await;
    let ready = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 503, "not ready without the database");
}

#[tokio::test]
async fn internal_errors_reach_the_browser_only_as_a_reference() {
    let app = spawn_app().await;
    app.pool.close().await;
    let error = app.call("setup/required", &[]).await.unwrap_err();
    let AppError::Internal { reference } = &error else {
        panic!("expected an internal error, got {error:?}");
    };
    assert_eq!(reference.len(), 12);
    let text = error.to_string();
    assert!(!text.to_lowercase().contains("pool"), "{text}");
    assert!(text.contains(reference.as_str()));
}

#[tokio::test]
async fn unknown_pages_are_not_found_once_signed_in() {
    let app = spawn_app().await;
    app.bootstrap().await;
    app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.unwrap();
    let (status, _, body) = app.page("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
}
