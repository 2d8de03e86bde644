use crate::helpers::*;
use app::error::AppError;
use std::time::Instant;

#[tokio::test]
async fn right_password_signs_in_and_opens_the_console() {
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    assert_eq!(app.page("/").await.1.as_deref(), Some("/signin"));
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
    let (status, _, body) = app.page("/").await;
    assert_eq!(status, 200);
    assert!(body.contains(account.id.as_str()) || body.contains("acme"));
    // Signed in, the sign-in page sends you to the console.
    assert_eq!(app.page("/signin").await.1.as_deref(), Some("/"));
    // Email case does not matter.
    let other = app.new_client();
    let outcome = call_with(
        &other,
        &app.url("/api/signin"),
        &[("email", "ROOT@Example.com"), ("password", ROOT_PASSWORD)],
        Default::default(),
    )
    .await;
    assert!(outcome.is_ok());
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE outcome = 'success' AND source_ip = '127.0.0.1'")
            .await,
        2
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer_in_about_the_same_time() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        assert_eq!(
            app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials)
        );
        wrong.push(started.elapsed());
        let started = Instant::now();
        assert_eq!(
            app.sign_in("nobody@example.com", "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials)
        );
        unknown.push(started.elapsed());
    }
    wrong.sort();
    unknown.sort();
    // Both paths run one argon2 verification; the unknown email must not be visibly faster.
    assert!(
        unknown[1] * 2 > wrong[1],
        "unknown email answered in {:?}, wrong password in {:?}",
        unknown[1],
        wrong[1]
    );
    assert!(
        app.page("/").await.1.as_deref() == Some("/signin"),
        "no session was created"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE outcome = 'bad_credentials'")
            .await,
        6
    );
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE account_id IS NULL")
            .await,
        3,
        "attempts on unknown emails are logged without an account"
    );
}

#[tokio::test]
async fn repeated_failures_slow_further_attempts_with_a_growing_delay() {
    let app = spawn_app().await;
    app.bootstrap().await;
    for _ in 0..5 {
        assert_eq!(
            app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials)
        );
    }
    // Even the right password is refused while the delay runs.
    assert_eq!(
        app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(AppError::Throttled {
            retry_after_secs: 5
        })
    );
    app.clock.advance(time::Duration::seconds(5));
    // A sixth failure doubles the delay.
    assert_eq!(
        app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await,
        Err(AppError::Throttled {
            retry_after_secs: 10
        })
    );
    app.clock.advance(time::Duration::seconds(10));
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
    // Success resets the count.
    assert_eq!(
        app.sign_in(ROOT_EMAIL, "Wrong-Password-1").await,
        Err(AppError::InvalidCredentials)
    );
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE outcome = 'throttled'")
            .await,
        2
    );
}

#[tokio::test]
async fn unknown_emails_are_slowed_down_exactly_like_known_ones() {
    let app = spawn_app().await;
    app.bootstrap().await;
    for _ in 0..5 {
        assert_eq!(
            app.sign_in("ghost@example.com", "Wrong-Password-1").await,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        app.sign_in("ghost@example.com", "Wrong-Password-1").await,
        Err(AppError::Throttled {
            retry_after_secs: 5
        })
    );
    // Another subject is not affected.
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
}

#[tokio::test]
async fn session_id_is_renewed_and_the_cookie_is_locked_down() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let planted = "planted-session-id-000000000000";
    let response = app
        .client
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .header("cookie", format!("portcullis_session={planted}"))
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portcullis_session="))
        .expect("a session cookie is set");
    assert!(!cookie.contains(planted), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
}

#[tokio::test]
async fn a_plain_form_post_without_wasm_redirects_like_a_browser_expects() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let referer = app.url("/signin");
    let bad = app
        .client
        .post(app.url("/api/signin"))
        .header("accept", "text/html")
        .header("referer", &referer)
        .form(&[("email", ROOT_EMAIL), ("password", "Wrong-Password-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 302);
    let location = bad.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&referer) && location.contains("__err="),
        "{location}"
    );
    // The sign-in page renders the error carried in the URL.
    let (_, _, body) = page_with(&app.client, &location).await;
    assert!(body.contains("The email address or password is incorrect."));

    let good = app
        .client
        .post(app.url("/api/signin"))
        .header("accept", "text/html")
        .header("referer", &referer)
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(good.status().as_u16(), 302);
    assert_eq!(good.headers()["location"], "/");
}

#[tokio::test]
async fn an_error_crafted_into_a_link_is_not_shown_in_its_words() {
    use base64::Engine as _;
    let app = spawn_app().await;
    app.bootstrap().await;
    let suspended = "Your account is suspended. Call +1 555 0100 now";
    let crafted = AppError::validation("email", suspended);
    let encoded =
        base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_string(&crafted).unwrap());
    let link = format!("/signin?__path=/api/signin&__err={encoded}");
    let (status, _, body) = app.page(&link).await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("suspended"),
        "the crafted text is not rendered"
    );
    assert!(
        body.contains("check the fields and try again"),
        "a fixed message instead"
    );
    // Nor when it rides along one of our own messages, as a further problem.
    let riding = AppError::Validation {
        field: "password_confirmation".to_owned(),
        message: "must match the password".to_owned(),
        also: vec![app::error::FieldProblem {
            field: "email".to_owned(),
            message: suspended.to_owned(),
        }],
    };
    let encoded =
        base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_string(&riding).unwrap());
    let (_, _, body) = app
        .page(&format!("/signin?__path=/api/signin&__err={encoded}"))
        .await;
    assert!(!body.contains("suspended"), "{body}");
    assert!(body.contains("match the password"), "our own message stays");

    // Our own messages still come through the no-wasm round trip.
    let ours = base64::engine::general_purpose::URL_SAFE
        .encode(serde_json::to_string(&AppError::InvalidCredentials).unwrap());
    let (_, _, body) = app
        .page(&format!("/signin?__path=/api/signin&__err={ours}"))
        .await;
    assert!(body.contains("The email address or password is incorrect."));
}

#[tokio::test]
async fn a_planted_valid_session_id_is_replaced_at_sign_in() {
    let app = spawn_app().await;
    app.bootstrap().await;
    // The attacker's own live session id, planted in the victim's browser.
    let attacker = app.new_client();
    let response = attacker
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    let planted = session_cookie(&response);
    let victim = bare_client().build().unwrap();
    let response = victim
        .post(app.url("/api/signin"))
        .header("accept", "application/json")
        .header("origin", &app.address)
        .header("cookie", format!("portcullis_session={planted}"))
        .form(&[("email", ROOT_EMAIL), ("password", ROOT_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let issued = session_cookie(&response);
    assert_ne!(issued, planted, "the victim gets a new session id");
    assert_eq!(
        app.count("SELECT count(*) FROM console_sessions WHERE ended_at IS NULL")
            .await,
        2,
        "two separate sessions"
    );
}

#[tokio::test]
async fn an_iam_user_signs_in_at_the_account_url_and_the_console_acts_as_them() {
    use app::directory::users::{self, NewPassword, NewUser};
    use app::model::{Password, UserName};
    let app = spawn_app().await;
    let account = app.bootstrap().await;
    let root = app.root_ctx().await;
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    users::create_login_profile(
        &root,
        &UserName::parse("tom").unwrap(),
        NewPassword::Chosen(Password::new("Tom-Passw0rd!".to_owned())),
        false,
    )
    .await
    .unwrap();

    // The URL the dashboard advertises is a page, not a 404.
    let (status, _, body) = app.page("/signin/acme").await;
    assert_eq!(status, 200);
    assert!(body.contains("Sign in as an IAM user") && body.contains("value=\"acme\""));

    let wrong = app
        .call(
            "signin/user",
            &[
                ("account", "acme"),
                ("user_name", "tom"),
                ("password", "Nope-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(wrong, Err(AppError::InvalidCredentials));
    // Account by id works as well as by alias.
    let id = account.id.to_string();
    let ok = app
        .call(
            "signin/user",
            &[
                ("account", &id),
                ("user_name", "TOM"),
                ("password", "Tom-Passw0rd!"),
            ],
        )
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    let identity = app.call("identity", &[]).await.unwrap();
    assert_eq!(identity["principal"], "tom");
    assert_eq!(identity["is_root"], false);
    // Both attempts are in the account's activity log.
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE action = 'signin:ConsoleLogin'")
            .await,
        3,
        "root's sign-in above, the failed and the good one"
    );
}

#[tokio::test]
async fn a_user_who_must_reset_is_kept_on_the_change_password_page_until_they_do() {
    use app::directory::users::{self, NewPassword, NewUser};
    use app::model::UserName;
    let app = spawn_app().await;
    app.bootstrap().await;
    let root = app.root_ctx().await;
    users::create_user(&root, NewUser::parse("newhire", "/", &[]).unwrap())
        .await
        .unwrap();
    let (_, generated) = users::create_login_profile(
        &root,
        &UserName::parse("newhire").unwrap(),
        NewPassword::Generated,
        true,
    )
    .await
    .unwrap();
    let generated = generated.unwrap();
    app.call(
        "signin/user",
        &[
            ("account", "acme"),
            ("user_name", "newhire"),
            ("password", generated.expose()),
        ],
    )
    .await
    .unwrap();
    // Every page leads to the change-password page, which itself opens.
    for page in ["/", "/users", "/signin"] {
        let (status, location, _) = app.page(page).await;
        assert_eq!(
            (status, location.as_deref()),
            (303, Some("/change-password")),
            "{page}"
        );
    }
    let (status, _, body) = app.page("/change-password").await;
    assert_eq!(status, 200);
    assert!(body.contains("Change your password"));
    let mismatch = app
        .call(
            "password",
            &[
                ("old_password", generated.expose()),
                ("new_password", "Chosen-Passw0rd!"),
                ("new_password_confirmation", "Other-Passw0rd!"),
            ],
        )
        .await;
    assert_eq!(
        mismatch,
        Err(AppError::validation(
            "new_password_confirmation",
            "must match the new password"
        ))
    );
    // A weak new password and a mismatch: every problem at once (two rules of the
    // password, then the confirmation).
    let both = app
        .call(
            "password",
            &[
                ("old_password", generated.expose()),
                ("new_password", "weak"),
                ("new_password_confirmation", "other"),
            ],
        )
        .await
        .unwrap_err();
    let fields: Vec<&str> = both.field_problems().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["new_password", "new_password", "new_password_confirmation"],
        "{both:?}"
    );
    app.call(
        "password",
        &[
            ("old_password", generated.expose()),
            ("new_password", "Chosen-Passw0rd!"),
            ("new_password_confirmation", "Chosen-Passw0rd!"),
        ],
    )
    .await
    .unwrap();
    // The same session now reaches the console.
    let (status, _, _) = app.page("/").await;
    assert_eq!(status, 200);
}

/// An IAM user's sign-in answers a wrong password, an unknown user, a user without a
/// console password and an unknown account alike, in about the same time, and is
/// throttled per user exactly as root's is (unknown names too).
#[tokio::test]
async fn iam_user_sign_in_gives_one_answer_for_every_failure_and_is_throttled_like_root() {
    use app::directory::users::{self, NewPassword, NewUser};
    use app::model::{Password, UserName};
    let app = spawn_app().await;
    app.bootstrap().await;
    let root = app.root_ctx().await;
    for name in ["tom", "nopass"] {
        users::create_user(&root, NewUser::parse(name, "/", &[]).unwrap())
            .await
            .unwrap();
    }
    users::create_login_profile(
        &root,
        &UserName::parse("tom").unwrap(),
        NewPassword::Chosen(Password::new("Tom-Passw0rd!".to_owned())),
        false,
    )
    .await
    .unwrap();
    let attempt = |account: &'static str, user: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            let result = app
                .call(
                    "signin/user",
                    &[
                        ("account", account),
                        ("user_name", user),
                        ("password", password),
                    ],
                )
                .await;
            (result.map(drop), started.elapsed())
        }
    };
    let cases = [
        ("acme", "tom", "Nope-Passw0rd!"),
        ("acme", "ghost", "Nope-Passw0rd!"),
        ("acme", "nopass", "Nope-Passw0rd!"),
        ("no-such-alias", "tom", "Tom-Passw0rd!"),
    ];
    let mut times = Vec::new();
    for (account, user, password) in cases {
        let (result, took) = attempt(account, user, password).await;
        assert_eq!(
            result,
            Err(AppError::InvalidCredentials),
            "{account}/{user}"
        );
        times.push(took);
    }
    // Every path runs one argon2 verification: none is visibly faster than the wrong
    // password of a real user.
    for (i, took) in times.iter().enumerate().skip(1) {
        assert!(
            *took * 3 > times[0],
            "case {i} answered in {took:?}, the wrong password in {:?}",
            times[0]
        );
    }
    assert_eq!(app.page("/").await.1.as_deref(), Some("/signin"));

    // Four more failures for tom (five in all): even the right password waits.
    for _ in 0..4 {
        assert_eq!(
            attempt("acme", "tom", "Nope-Passw0rd!").await.0,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        attempt("acme", "tom", "Tom-Passw0rd!").await.0,
        Err(AppError::Throttled {
            retry_after_secs: 5
        })
    );
    // A name that does not exist is slowed down in the same way.
    for _ in 0..4 {
        assert_eq!(
            attempt("acme", "ghost", "Nope-Passw0rd!").await.0,
            Err(AppError::InvalidCredentials)
        );
    }
    assert_eq!(
        attempt("acme", "ghost", "Nope-Passw0rd!").await.0,
        Err(AppError::Throttled {
            retry_after_secs: 5
        })
    );
    // Root is another subject and is not affected; after the delay tom gets in.
    assert!(app.sign_in(ROOT_EMAIL, ROOT_PASSWORD).await.is_ok());
    app.clock.advance(time::Duration::seconds(5));
    assert_eq!(attempt("acme", "tom", "Tom-Passw0rd!").await.0, Ok(()));
    assert_eq!(
        app.count("SELECT count(*) FROM signin_attempts WHERE outcome = 'throttled'")
            .await,
        2
    );
}
