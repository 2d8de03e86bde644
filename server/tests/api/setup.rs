use crate::helpers::*;
use app::error::AppError;

#[tokio::test]
async fn every_page_leads_to_setup_while_no_account_exists() {
    let app = spawn_app().await;
    for path in ["/", "/signin", "/nowhere"] {
        let (status, location, _) = app.page(path).await;
        assert_eq!(status, 303, "{path}");
        assert_eq!(location.as_deref(), Some("/setup"), "{path}");
    }
    let (status, _, body) = app.page("/setup").await;
    assert_eq!(status, 200);
    assert!(body.contains("Create account"), "setup form is rendered");
    // The page loads the bundle under the names cargo-leptos writes.
    assert!(body.contains(r#"href="/pkg/portcullis.wasm""#), "{body}");
    assert!(body.contains(r#"href="/pkg/portcullis.js""#), "{body}");
}

#[tokio::test]
async fn setup_creates_the_account_and_signs_the_root_user_in() {
    let app = spawn_app().await;
    let outcome = app
        .call(
            "setup",
            &[
                ("email", ROOT_EMAIL),
                ("password", ROOT_PASSWORD),
                ("setup_token", SETUP_TOKEN),
                ("password_confirmation", ROOT_PASSWORD),
                ("alias", "acme"),
            ],
        )
        .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    let (id, alias, email): (String, Option<String>, String) =
        sqlx::query_as("SELECT account_id, alias, root_email FROM accounts")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(id.len(), 12);
    assert!(id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(alias.as_deref(), Some("acme"));
    assert_eq!(email, ROOT_EMAIL);
    let hash: String = sqlx::query_scalar("SELECT root_password_hash FROM accounts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );

    // Signed in: the dashboard renders with the account's data.
    let (status, _, body) = app.page("/").await;
    assert_eq!(status, 200);
    let dashboard = app.call("dashboard", &[]).await.unwrap();
    assert_eq!(dashboard["account_id"], id.as_str());
    assert!(
        dashboard["iam_signin_url"]
            .as_str()
            .unwrap()
            .ends_with("/signin/acme")
    );
    assert_eq!(
        dashboard["security"][0]["ok"], false,
        "root MFA is not enabled"
    );
    assert!(body.contains("Dashboard"));
}

#[tokio::test]
async fn a_second_setup_is_refused_by_page_and_function() {
    let app = spawn_app().await;
    app.bootstrap().await;
    let (status, _, body) = app.page("/setup").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("already set up"),
        "page explains that setup is closed"
    );
    assert!(!body.contains("Create account"));
    let outcome = app
        .call(
            "setup",
            &[
                ("email", "other@example.com"),
                ("password", ROOT_PASSWORD),
                ("setup_token", SETUP_TOKEN),
                ("password_confirmation", ROOT_PASSWORD),
                ("alias", ""),
            ],
        )
        .await;
    assert_eq!(outcome, Err(AppError::AlreadySetUp));
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 1);
}

#[tokio::test]
async fn weak_or_mismatched_input_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        ("not-an-email", ROOT_PASSWORD, ROOT_PASSWORD, "", "email"),
        (ROOT_EMAIL, "short1A", "short1A", "", "password"),
        (ROOT_EMAIL, "alllowercase", "alllowercase", "", "password"),
        (
            ROOT_EMAIL,
            ROOT_PASSWORD,
            "Different-Horse-9",
            "",
            "password_confirmation",
        ),
        (
            ROOT_EMAIL,
            ROOT_PASSWORD,
            ROOT_PASSWORD,
            "Bad_Alias",
            "alias",
        ),
    ];
    for (email, password, confirmation, alias, field) in cases {
        let outcome = app
            .call(
                "setup",
                &[
                    ("email", email),
                    ("password", password),
                    ("setup_token", SETUP_TOKEN),
                    ("password_confirmation", confirmation),
                    ("alias", alias),
                ],
            )
            .await;
        let error = outcome.expect_err(field);
        assert_eq!(error.field(), Some(field), "{error}");
    }
    let error = app
        .call(
            "setup",
            &[
                ("email", ROOT_EMAIL),
                ("password", "short1A"),
                ("setup_token", SETUP_TOKEN),
                ("password_confirmation", "short1A"),
                ("alias", ""),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "password: must be at least 8 characters");
    // Everything wrong at once is reported at once, each on its field, in form order.
    let error = app
        .call(
            "setup",
            &[
                ("email", "not-an-email"),
                ("password", "short1A"),
                ("setup_token", SETUP_TOKEN),
                ("password_confirmation", "other"),
                ("alias", "Bad_Alias"),
            ],
        )
        .await
        .unwrap_err();
    let fields: Vec<&str> = error.field_problems().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["email", "password", "password_confirmation", "alias"],
        "{error:?}"
    );
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);
}

#[tokio::test]
async fn concurrent_setup_requests_create_exactly_one_account() {
    // Room for every request to wait its turn at the hasher: this test is about the
    // account, not the limiter.
    let app = spawn_app_with(Options {
        limits: app::directory::passwords::HashLimits {
            concurrent: 2,
            queued: 16,
            max_wait: std::time::Duration::from_secs(30),
        },
        ..Options::default()
    })
    .await;
    let attempts = (0..12).map(|i| {
        let client = app.new_client();
        let url = app.url("/api/setup");
        async move {
            let email = format!("root{i}@example.com");
            call_with(
                &client,
                &url,
                &[
                    ("email", email.as_str()),
                    ("password", ROOT_PASSWORD),
                    ("setup_token", SETUP_TOKEN),
                    ("password_confirmation", ROOT_PASSWORD),
                    ("alias", ""),
                ],
                Default::default(),
            )
            .await
        }
    });
    let outcomes = futures::future::join_all(attempts).await;
    let created = outcomes.iter().filter(|o| o.is_ok()).count();
    let refused = outcomes
        .iter()
        // Once the account exists the setup token is gone too, so a late request may be
        // refused for either reason; what matters is that all but one are refused.
        .filter(|o| {
            matches!(o, Err(AppError::AlreadySetUp))
                || matches!(o, Err(AppError::Validation { field, .. }) if field == "setup_token")
        })
        .count();
    assert_eq!((created, refused), (1, 11), "{outcomes:?}");
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 1);
}

#[tokio::test]
async fn aliases_and_root_emails_are_unique_across_accounts() {
    use app::directory::accounts::{NewAccount, NewAccountInput, create_additional_account};
    let app = spawn_app().await;
    app.bootstrap().await;
    let new = |email: &str, alias: Option<&str>, id: Option<&str>| {
        NewAccount::parse(NewAccountInput {
            email: email.to_owned(),
            password: ROOT_PASSWORD.to_owned(),
            alias: alias.map(str::to_owned),
            account_id: id.map(str::to_owned),
            ..Default::default()
        })
        .unwrap()
    };
    let dup_email =
        create_additional_account(&app.state, new("ROOT@example.com", None, None)).await;
    assert_eq!(dup_email.unwrap_err().field(), Some("email"));
    let dup_alias =
        create_additional_account(&app.state, new("b@example.com", Some("acme"), None)).await;
    assert_eq!(dup_alias.unwrap_err().field(), Some("alias"));
    let second =
        create_additional_account(&app.state, new("b@example.com", None, Some("000000000042")))
            .await
            .unwrap();
    assert_eq!(second.id.as_str(), "000000000042");
    let dup_id =
        create_additional_account(&app.state, new("c@example.com", None, Some("000000000042")))
            .await;
    assert_eq!(dup_id.unwrap_err().field(), Some("account_id"));
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 2);
}

#[tokio::test]
async fn web_setup_needs_the_token_the_server_printed() {
    let app = spawn_app().await;
    let form = |token: &'static str| {
        vec![
            ("email", ROOT_EMAIL),
            ("password", ROOT_PASSWORD),
            ("password_confirmation", ROOT_PASSWORD),
            ("alias", ""),
            ("setup_token", token),
        ]
    };
    let missing = app.call("setup", &form("")).await.unwrap_err();
    assert_eq!(missing.to_string(), "setup_token: is required");
    let wrong = app
        .call("setup", &form("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"))
        .await
        .unwrap_err();
    assert_eq!(wrong.field(), Some("setup_token"));
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 0);
    // As people type it: lower case, spaces instead of dashes.
    let typed: &'static str = Box::leak(
        SETUP_TOKEN
            .to_lowercase()
            .replace('-', " ")
            .into_boxed_str(),
    );
    assert!(app.call("setup", &form(typed)).await.is_ok());
    assert_eq!(app.count("SELECT count(*) FROM accounts").await, 1);
}

#[tokio::test]
async fn a_non_ascii_root_email_sets_up_signs_in_and_stays_unique() {
    use app::directory::accounts::{NewAccount, NewAccountInput, create_additional_account};
    let app = spawn_app().await;
    let outcome = app
        .call(
            "setup",
            &[
                ("email", "Ärger@Example.com"),
                ("password", ROOT_PASSWORD),
                ("password_confirmation", ROOT_PASSWORD),
                ("alias", ""),
                ("setup_token", SETUP_TOKEN),
            ],
        )
        .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    for spelling in [
        "Ärger@Example.com",
        "ärger@example.com",
        "ÄRGER@EXAMPLE.COM",
    ] {
        let client = app.new_client();
        let signed_in = call_with(
            &client,
            &app.url("/api/signin"),
            &[("email", spelling), ("password", ROOT_PASSWORD)],
            Default::default(),
        )
        .await;
        assert!(signed_in.is_ok(), "{spelling}: {signed_in:?}");
    }
    let twin = NewAccount::parse(NewAccountInput {
        email: "äRGER@example.com".to_owned(),
        password: ROOT_PASSWORD.to_owned(),
        ..Default::default()
    })
    .unwrap();
    let error = create_additional_account(&app.state, twin)
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("email"), "{error}");
}
