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

#[tokio::test]
async fn a_new_or_removed_password_signs_out_the_principals_other_sessions() {
    use app::directory::users::{self, NewPassword, NewUser};
    use app::model::{Password, UserName};
    use reqwest::header::HeaderMap;
    let app = spawn_app().await;
    app.bootstrap().await;
    let post = |client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]| {
        let url = app.url(&format!("/api/{endpoint}"));
        let client = client.clone();
        let form: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            call_with(&client, &url, &form, HeaderMap::new()).await
        }
    };
    // Signed in: the console's home page answers; signed out: a redirect to sign in.
    let signed_in = |client: &reqwest::Client| {
        let (client, url) = (client.clone(), app.url("/"));
        async move { page_with(&client, &url).await.0 == 200 }
    };
    let root = app.root_ctx().await;
    // The root user on a laptop and a phone.
    let (laptop, phone) = (app.new_client(), app.new_client());
    for client in [&laptop, &phone] {
        post(
            client,
            "signin",
            &[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)],
        )
        .await
        .unwrap();
    }
    assert!(signed_in(&phone).await);
    post(
        &laptop,
        "me/root-password",
        &[
            ("current_password", ROOT_PASSWORD),
            ("new_password", "New-Root-Passw0rd"),
            ("new_password_confirmation", "New-Root-Passw0rd"),
        ],
    )
    .await
    .unwrap();
    // The session that changed it goes on; the other one is over.
    assert!(signed_in(&laptop).await);
    assert!(!signed_in(&phone).await);
    // An IAM user signed in twice: their own change ends the other session, and an
    // administrator's reset or removal of the password ends every one.
    let tom = UserName::parse("tom").unwrap();
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    users::create_login_profile(
        &root,
        &tom,
        NewPassword::Chosen(Password::new("Tom-Passw0rd!".to_owned())),
        false,
    )
    .await
    .unwrap();
    let user_signin = |client, password: &'static str| {
        post(
            client,
            "signin/user",
            &[
                ("account", "acme"),
                ("user_name", "tom"),
                ("password", password),
            ],
        )
    };
    let (desk, train) = (app.new_client(), app.new_client());
    let allowing = app::model::PasswordPolicy {
        allow_users_to_change_password: true,
        ..app::model::PasswordPolicy::parse(&Default::default()).unwrap()
    };
    app::directory::password_policy::update_account_password_policy(&root, allowing)
        .await
        .unwrap();
    for client in [&desk, &train] {
        user_signin(client, "Tom-Passw0rd!").await.unwrap();
    }
    post(
        &desk,
        "password",
        &[
            ("old_password", "Tom-Passw0rd!"),
            ("new_password", "Tom-Changed-Passw0rd!"),
            ("new_password_confirmation", "Tom-Changed-Passw0rd!"),
        ],
    )
    .await
    .unwrap();
    assert!(signed_in(&desk).await);
    assert!(!signed_in(&train).await);
    user_signin(&train, "Tom-Changed-Passw0rd!").await.unwrap();
    users::update_login_profile(
        &root,
        &tom,
        Some(Password::new("Admin-Set-Passw0rd".to_owned())),
        Some(true),
    )
    .await
    .unwrap();
    assert!(!signed_in(&desk).await);
    assert!(!signed_in(&train).await);
    user_signin(&desk, "Admin-Set-Passw0rd").await.unwrap();
    users::delete_login_profile(&root, &tom).await.unwrap();
    assert!(!signed_in(&desk).await);
    assert_eq!(
        app.count("SELECT count(*) FROM console_sessions WHERE end_reason = 'password_changed'")
            .await,
        5,
        "the phone; the train; both of tom's at the reset; the desk's at the removal"
    );
    // Only the laptop is still signed in.
    assert_eq!(
        app.count("SELECT count(*) FROM console_sessions WHERE ended_at IS NULL")
            .await,
        1
    );
}
