//! The account password policy: its services, the rules it puts on new passwords, and
//! AllowUsersToChangePassword.

use crate::fixture::*;
use app::directory::password_policy as policy;
use app::directory::users::{self, NewPassword, NewUser};
use app::error::AppError;
use app::model::{Password, PasswordPolicy, PasswordPolicyInput};

fn strict() -> PasswordPolicy {
    PasswordPolicy::parse(&PasswordPolicyInput {
        minimum_password_length: Some("14".into()),
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        ..PasswordPolicyInput::default()
    })
    .unwrap()
}

fn problems(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(String, String)> {
    match result {
        Err(error) => error
            .field_problems()
            .into_iter()
            .map(|(f, m)| (f.to_owned(), m))
            .collect(),
        Ok(v) => panic!("accepted: {v:?}"),
    }
}

#[tokio::test]
async fn get_update_and_delete_follow_aws() {
    let fx = fixture().await;
    let root = fx.root().await;
    let missing = format!(
        "The Password Policy with domain name {} cannot be found.",
        fx.account.id
    );
    assert_eq!(
        policy::get_account_password_policy(&root).await,
        Err(AppError::not_found(missing.clone()))
    );
    policy::update_account_password_policy(&root, strict())
        .await
        .unwrap();
    assert_eq!(
        policy::get_account_password_policy(&root).await,
        Ok(strict())
    );
    // An update replaces the whole policy: what is not given takes AWS's default.
    let lenient = PasswordPolicy::parse(&PasswordPolicyInput::default()).unwrap();
    policy::update_account_password_policy(&root, lenient)
        .await
        .unwrap();
    let now = policy::get_account_password_policy(&root).await.unwrap();
    assert_eq!(now.minimum_password_length, 6);
    assert!(!now.require_symbols);
    policy::delete_account_password_policy(&root).await.unwrap();
    assert_eq!(
        policy::delete_account_password_policy(&root).await,
        Err(AppError::not_found(missing))
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action LIKE 'iam:%AccountPasswordPolicy' AND outcome = 'success'")
            .await,
        3
    );
    // The database holds the ranges too.
    policy::update_account_password_policy(&root, strict())
        .await
        .unwrap();
    assert!(
        sqlx::query("UPDATE account_password_policies SET minimum_password_length = 5")
            .execute(&fx.pool)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn new_passwords_meet_the_policy_and_every_broken_rule_is_named() {
    let fx = fixture().await;
    let root = fx.root().await;
    users::create_user(&root, NewUser::parse("tom", "/", &[]).unwrap())
        .await
        .unwrap();
    // Without a policy, AWS's default rules: this one is fine.
    let fine_by_default = || NewPassword::Chosen(Password::new("Short-Horse-9".to_owned()));
    policy::update_account_password_policy(&root, strict())
        .await
        .unwrap();
    let refused =
        problems(users::create_login_profile(&root, &name("tom"), fine_by_default(), false).await);
    assert_eq!(
        refused,
        [(
            "password".to_owned(),
            "must have at least 14 characters".to_owned()
        )]
    );
    let refused = problems(
        users::create_login_profile(
            &root,
            &name("tom"),
            NewPassword::Chosen(Password::new("lowercase".to_owned())),
            false,
        )
        .await,
    );
    assert_eq!(
        refused.len(),
        4,
        "length, uppercase, number, symbol: {refused:?}"
    );
    assert!(refused.iter().all(|(field, _)| field == "password"));
    assert_eq!(fx.count("SELECT count(*) FROM login_profiles").await, 0);
    // A generated password always meets the policy, however long it asks for.
    let long = PasswordPolicy::parse(&PasswordPolicyInput {
        minimum_password_length: Some("40".into()),
        require_symbols: true,
        ..PasswordPolicyInput::default()
    })
    .unwrap();
    policy::update_account_password_policy(&root, long)
        .await
        .unwrap();
    let (_, generated) =
        users::create_login_profile(&root, &name("tom"), NewPassword::Generated, true)
            .await
            .unwrap();
    let generated = generated.unwrap();
    assert_eq!(generated.expose().chars().count(), 40);
    assert!(
        app::model::PasswordRules::Policy(long)
            .violations(generated.expose())
            .is_empty()
    );
    // UpdateLoginProfile checks the same rules.
    let refused = problems(
        users::update_login_profile(
            &root,
            &name("tom"),
            Some(Password::new("Correct-Horse-9".to_owned())),
            None,
        )
        .await,
    );
    assert_eq!(refused[0].1, "must have at least 40 characters");
}

#[tokio::test]
async fn allow_users_to_change_password_grants_change_password_and_reading_the_policy() {
    let fx = fixture().await;
    let root = fx.root().await;
    let tom = fx.user("tom", &[]).await;
    let current = Password::new(USER_PASSWORD.to_owned());
    let changed = || {
        users::change_password(
            &tom,
            &current,
            Password::new("Brandnewpassw0rdX".to_owned()),
        )
    };
    assert!(matches!(
        changed().await,
        Err(AppError::AccessDenied { .. })
    ));
    policy::update_account_password_policy(&root, strict())
        .await
        .unwrap();
    assert!(matches!(
        policy::get_account_password_policy(&tom).await,
        Err(AppError::AccessDenied { .. })
    ));
    let allowing = PasswordPolicy {
        allow_users_to_change_password: true,
        ..strict()
    };
    policy::update_account_password_policy(&root, allowing)
        .await
        .unwrap();
    assert_eq!(
        policy::get_account_password_policy(&tom).await,
        Ok(allowing)
    );
    // The policy's rules apply to one's own change too.
    assert!(matches!(
        changed().await,
        Err(AppError::Validation { field, .. }) if field == "new_password"
    ));
    users::change_password(
        &tom,
        &Password::new(USER_PASSWORD.to_owned()),
        Password::new("Brand-new-Passw0rd!".to_owned()),
    )
    .await
    .unwrap();
    // Granting a change of one's own password grants nothing else.
    assert!(matches!(
        policy::update_account_password_policy(&tom, strict()).await,
        Err(AppError::AccessDenied { .. })
    ));
}

#[tokio::test]
async fn an_expired_password_must_be_changed_and_with_hard_expiry_an_administrator_resets_it() {
    use app::directory::signin;
    let fx = fixture().await;
    let root = fx.root().await;
    let tom = fx.user("tom", &[]).await;
    drop(tom);
    let from = source("192.0.2.20");
    let sign_in = |password: &'static str| {
        signin::sign_in_user(
            &fx.state,
            fx.account.id.as_str(),
            "tom",
            Password::new(password.to_owned()),
            &from,
        )
    };
    let thirty_days = PasswordPolicy::parse(&PasswordPolicyInput {
        max_password_age: Some("30".into()),
        ..PasswordPolicyInput::default()
    })
    .unwrap();
    policy::update_account_password_policy(&root, thirty_days)
        .await
        .unwrap();
    fx.clock.advance(time::Duration::days(29));
    assert!(!sign_in(USER_PASSWORD).await.unwrap().reset_required());
    fx.clock.advance(time::Duration::days(2));
    // Expired: signed in, but nothing but a change until it is changed, on every request.
    let signed = sign_in(USER_PASSWORD).await.unwrap();
    assert!(signed.reset_required());
    assert_eq!(
        fx.count("SELECT count(*) FROM login_profiles WHERE reset_required")
            .await,
        1
    );
    let expired = fx.sign_in_user("tom", "192.0.2.20").await;
    assert_eq!(
        users::list_users(&expired, users::ListUsers::default()).await,
        Err(AppError::PasswordResetRequired)
    );
    users::change_password(
        &expired,
        &Password::new(USER_PASSWORD.to_owned()),
        Password::new("Second-Passw0rd".to_owned()),
    )
    .await
    .unwrap();
    assert!(!sign_in("Second-Passw0rd").await.unwrap().reset_required());

    // With hard expiry, an expired password is refused at sign-in, saying so, and
    // recorded; an administrator's new password lets the user in again.
    let hard = PasswordPolicy {
        hard_expiry: true,
        ..thirty_days
    };
    policy::update_account_password_policy(&root, hard)
        .await
        .unwrap();
    fx.clock.advance(time::Duration::days(31));
    let refused = sign_in("Second-Passw0rd").await;
    assert!(
        matches!(&refused, Err(AppError::Validation { field, message, .. })
            if field == "password" && message.contains("expired")),
        "{refused:?}"
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'signin:ConsoleLogin' AND error_code = 'PasswordExpired'")
            .await,
        1
    );
    // (A request of now: a context holds the time it began.)
    let root = fx.root().await;
    users::update_login_profile(
        &root,
        &name("tom"),
        Some(Password::new("Admin-Set-Passw0rd".to_owned())),
        Some(true),
    )
    .await
    .unwrap();
    assert!(
        sign_in("Admin-Set-Passw0rd")
            .await
            .unwrap()
            .reset_required()
    );
}

#[tokio::test]
async fn reuse_prevention_refuses_the_last_passwords_and_only_those() {
    let fx = fixture().await;
    let root = fx.root().await;
    let tom = fx.user("tom", &[]).await;
    let remember_three = PasswordPolicy::parse(&PasswordPolicyInput {
        password_reuse_prevention: Some("3".into()),
        allow_users_to_change_password: true,
        ..PasswordPolicyInput::default()
    })
    .unwrap();
    policy::update_account_password_policy(&root, remember_three)
        .await
        .unwrap();
    let tom = &tom;
    let change = |old: &'static str, new: &'static str| async move {
        users::change_password(
            tom,
            &Password::new(old.to_owned()),
            Password::new(new.to_owned()),
        )
        .await
    };
    change(USER_PASSWORD, "Second-Passw0rd").await.unwrap();
    change("Second-Passw0rd", "Third-Passw0rd").await.unwrap();
    // The first is two back: within the last three, refused.
    let refused = change("Third-Passw0rd", USER_PASSWORD).await;
    assert!(
        matches!(&refused, Err(AppError::Validation { field, message, .. })
            if field == "new_password" && message.contains("last 3 passwords")),
        "{refused:?}"
    );
    // An administrator's reset to the current one is refused too.
    let refused = users::update_login_profile(
        &root,
        &name("tom"),
        Some(Password::new("Third-Passw0rd".to_owned())),
        None,
    )
    .await;
    assert!(
        matches!(&refused, Err(AppError::Validation { field, .. }) if field == "password"),
        "{refused:?}"
    );
    change("Third-Passw0rd", "Fourth-Passw0rd").await.unwrap();
    // Now the first is three back: allowed again.
    change("Fourth-Passw0rd", USER_PASSWORD).await.unwrap();
    assert_eq!(fx.count("SELECT count(*) FROM password_history").await, 4);
}

#[tokio::test]
async fn a_user_is_told_how_many_days_their_password_has_left() {
    let fx = fixture().await;
    let root = fx.root().await;
    let alice = fx.user("alice", &[]).await;
    let days = |cx: app::authz::Ctx| {
        let fx_state = fx.state.clone();
        let now = fx.clock_now();
        async move {
            users::password_days_left(&fx_state, cx.caller(), now)
                .await
                .unwrap()
        }
    };
    assert_eq!(days(alice.clone()).await, None, "no maximum age");
    let thirty = PasswordPolicy::parse(&PasswordPolicyInput {
        max_password_age: Some("30".into()),
        ..PasswordPolicyInput::default()
    })
    .unwrap();
    policy::update_account_password_policy(&root, thirty)
        .await
        .unwrap();
    assert_eq!(days(alice.clone()).await, Some(30));
    fx.clock.advance(time::Duration::days(20));
    assert_eq!(days(alice.clone()).await, Some(10));
    assert_eq!(
        days(root.clone()).await,
        None,
        "the root user has no maximum age"
    );
}

#[tokio::test]
async fn the_root_user_changes_its_password_with_the_current_one() {
    use crate::helpers::{ROOT_EMAIL, ROOT_PASSWORD};
    use app::directory::accounts::change_root_password;
    let fx = fixture().await;
    let root = fx.root().await;
    let alice = fx.user("alice", &[]).await;
    let pw = |s: &str| Password::new(s.to_owned());
    assert_eq!(
        problems(change_root_password(&root, &pw("wrong"), pw("New-Root-Passw0rd")).await),
        vec![(
            "current_password".to_owned(),
            "is not your current password".to_owned()
        )]
    );
    let weak = problems(change_root_password(&root, &pw(ROOT_PASSWORD), pw("short")).await);
    assert_eq!(weak[0].0, "new_password");
    let same = problems(change_root_password(&root, &pw(ROOT_PASSWORD), pw(ROOT_PASSWORD)).await);
    assert_eq!(
        same,
        vec![(
            "new_password".to_owned(),
            "must differ from the current password".to_owned()
        )]
    );
    change_root_password(&root, &pw(ROOT_PASSWORD), pw("New-Root-Passw0rd"))
        .await
        .unwrap();
    let source = source("192.0.2.1");
    assert!(
        app::directory::signin::sign_in_root(&fx.state, ROOT_EMAIL, pw(ROOT_PASSWORD), &source)
            .await
            .is_err()
    );
    app::directory::signin::sign_in_root(&fx.state, ROOT_EMAIL, pw("New-Root-Passw0rd"), &source)
        .await
        .unwrap();
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_events WHERE action = 'signin:PasswordUpdated'")
            .await,
        1
    );
    // An IAM user has no root password to change.
    assert!(matches!(
        change_root_password(&alice, &pw(USER_PASSWORD), pw("New-Root-Passw0rd")).await,
        Err(AppError::InvalidInput { .. })
    ));
}
