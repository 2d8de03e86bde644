//! Beyond AWS: a new password that is too easy to guess (zxcvbn's score below the
//! account's minimum, judged knowing the account's and the person's names) is refused,
//! the root user's included; the minimum is the account's choice.

use crate::fixture::*;
use app::directory::accounts::{NewAccount, NewAccountInput, change_root_password};
use app::directory::password_policy as policy;
use app::directory::users::{self, NewPassword, NewUser};
use app::error::AppError;
use app::model::{Password, StrengthScore};

fn pw(s: &str) -> Password {
    Password::new(s.to_owned())
}

fn chosen(s: &str) -> NewPassword {
    NewPassword::Chosen(pw(s))
}

fn refusal(result: Result<impl std::fmt::Debug, AppError>) -> (String, String) {
    match result {
        Err(error) => {
            let problems = error.field_problems();
            assert_eq!(problems.len(), 1, "{problems:?}");
            (problems[0].0.to_owned(), problems[0].1.clone())
        }
        Ok(v) => panic!("accepted: {v:?}"),
    }
}

fn score(n: u8) -> StrengthScore {
    StrengthScore::new(n).unwrap()
}

#[tokio::test]
async fn guessable_passwords_are_refused_below_the_accounts_minimum() {
    let fx = fixture().await;
    let root = fx.root().await;
    let alice = fx.user("alice", &[]).await;
    for user in ["merriweather", "tom"] {
        users::create_user(&root, NewUser::parse(user, "/", &[]).unwrap())
            .await
            .unwrap();
    }
    // Ten characters of all four kinds meet AWS's default rules, but this is a common
    // password with a digit and a symbol added.
    let (field, message) = refusal(
        users::create_login_profile(&root, &name("tom"), chosen("Password1!"), false).await,
    );
    assert_eq!(field, "password");
    assert!(
        message.starts_with(
            "is too easy to guess (strength: Weak; this account requires Fair or better)"
        ),
        "{message}"
    );
    assert!(message.contains("commonly used password"), "{message}");
    // A password built on the user's own name is weaker for that user than for another.
    let (_, message) = refusal(
        users::create_login_profile(
            &root,
            &name("merriweather"),
            chosen("Merriweather-7"),
            false,
        )
        .await,
    );
    assert!(message.starts_with("is too easy to guess"), "{message}");
    users::create_login_profile(&root, &name("tom"), chosen("Merriweather-7"), false)
        .await
        .unwrap();
    assert_eq!(fx.count("SELECT count(*) FROM login_profiles").await, 2);
    // UpdateLoginProfile judges the same way.
    let (field, _) = refusal(
        users::update_login_profile(&root, &name("tom"), Some(pw("qwerty123!A")), None).await,
    );
    assert_eq!(field, "password");
    // The account chooses: no check at all, or only very strong passwords.
    policy::set_minimum_password_score(&root, score(0))
        .await
        .unwrap();
    users::create_login_profile(&root, &name("merriweather"), chosen("Password1!"), false)
        .await
        .unwrap();
    policy::set_minimum_password_score(&root, score(4))
        .await
        .unwrap();
    assert_eq!(
        policy::get_minimum_password_score(&root).await,
        Ok(score(4))
    );
    let (_, message) = refusal(
        users::update_login_profile(&root, &name("tom"), Some(pw("Tom-Passw0rd!")), None).await,
    );
    assert!(
        message.contains("requires Very strong or better"),
        "{message}"
    );
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM audit_events WHERE action = 'iam:UpdateAccountPasswordPolicy'
             AND params LIKE '%MinimumPasswordScore%' AND outcome = 'success'"
        )
        .await,
        2
    );
    // AWS's password policy actions leave it alone: it is not one of their fields.
    policy::delete_account_password_policy(&root).await.ok();
    assert_eq!(
        policy::get_minimum_password_score(&root).await,
        Ok(score(4))
    );
    // It takes the password policy's permissions, and the database holds its range.
    assert!(matches!(
        policy::set_minimum_password_score(&alice, score(0)).await,
        Err(AppError::AccessDenied { .. })
    ));
    assert!(matches!(
        policy::get_minimum_password_score(&alice).await,
        Err(AppError::AccessDenied { .. })
    ));
    assert!(
        sqlx::query("UPDATE accounts SET minimum_password_score = 5")
            .execute(&fx.pool)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_users_own_change_is_judged_knowing_their_name() {
    let fx = fixture().await;
    let root = fx.root().await;
    let allowing = app::model::PasswordPolicy {
        allow_users_to_change_password: true,
        ..app::model::PasswordPolicy::parse(&Default::default()).unwrap()
    };
    policy::update_account_password_policy(&root, allowing)
        .await
        .unwrap();
    let merriweather = fx.user("merriweather", &[]).await;
    let current = pw(USER_PASSWORD);
    let (field, _) =
        refusal(users::change_password(&merriweather, &current, pw("Merriweather-7")).await);
    assert_eq!(field, "new_password");
    users::change_password(&merriweather, &current, pw("Lantern-Orbit-42"))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_root_password_is_judged_too() {
    use crate::helpers::ROOT_PASSWORD;
    // A new account: the default minimum, knowing the email.
    let input = |password: &str| NewAccountInput {
        email: "ann.merriweather@example.com".to_owned(),
        password: password.to_owned(),
        ..NewAccountInput::default()
    };
    let (field, message) = refusal(NewAccount::parse(input("Password1!")));
    assert_eq!(field, "password");
    assert!(message.starts_with("is too easy to guess"), "{message}");
    let (_, message) = refusal(NewAccount::parse(input("Merriweather-7")));
    assert!(message.starts_with("is too easy to guess"), "{message}");
    assert!(NewAccount::parse(input("Lantern-Orbit-42")).is_ok());
    // An existing account: its own minimum.
    let fx = fixture().await;
    let root = fx.root().await;
    let (field, _) =
        refusal(change_root_password(&root, &pw(ROOT_PASSWORD), pw("Password1!")).await);
    assert_eq!(field, "new_password");
    policy::set_minimum_password_score(&root, score(0))
        .await
        .unwrap();
    change_root_password(&root, &pw(ROOT_PASSWORD), pw("Password1!"))
        .await
        .unwrap();
}
