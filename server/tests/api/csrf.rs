use crate::helpers::*;
use reqwest::header::{HeaderMap, HeaderValue};

async fn attempt_with(
    app: &TestApp,
    name: &'static str,
    value: &'static str,
) -> reqwest::StatusCode {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_static(value));
    app.client
        .post(app.url("/api/signin"))
        .headers(headers)
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_anything_happens() {
    let app = spawn_app().await;
    app.bootstrap().await;
    assert_eq!(
        attempt_with(&app, "origin", "https://evil.example").await,
        403
    );
    assert_eq!(attempt_with(&app, "origin", "null").await, 403);
    assert_eq!(
        attempt_with(&app, "sec-fetch-site", "cross-site").await,
        403
    );
    assert_eq!(attempt_with(&app, "sec-fetch-site", "same-site").await, 403);
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts").await,
        0,
        "nothing reached sign-in"
    );
    assert_eq!(app.count("SELECT count(*) FROM console_sessions").await, 0);

    // The console's own requests pass.
    let own_origin: &'static str = Box::leak(app.address.clone().into_boxed_str());
    assert_eq!(attempt_with(&app, "origin", own_origin).await, 200);
    assert_eq!(
        attempt_with(&app, "sec-fetch-site", "same-origin").await,
        200
    );
}
