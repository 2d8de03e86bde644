use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is signed in, for the top bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub account_id: String,
    pub alias: Option<String>,
    pub principal: String,
    pub is_root: bool,
    /// Days left before an IAM user's password expires, under a maximum age.
    pub password_days_left: Option<i64>,
    /// The role the console switched to, if it did.
    pub switched: Option<SwitchedRole>,
}

/// A console switched to a role: what the banner shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchedRole {
    pub display_name: String,
    /// `rrggbb`, one of the offered colours.
    pub color: String,
    pub role_arn: String,
    pub session_arn: String,
    /// Who signed in (and is switched back to).
    pub signed_in_as: String,
    /// Minutes left in the role session.
    pub minutes_left: i64,
}

/// Days before expiry from which the console warns (AWS's console warns ahead too).
pub const EXPIRY_WARNING_DAYS: i64 = 14;

#[server(endpoint = "signin")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::signin;
    use crate::model::Password;
    request::serve_public(async {
        let state = request::state()?;
        let source = request::source();
        let done = signin::sign_in_root(&state, &email, Password::new(password), &source).await?;
        begin_session(&state, &done, &source).await
    })
    .await
}

/// An IAM user's sign-in: account (id or alias), user name, password.
#[server(endpoint = "signin/user")]
pub async fn sign_in_user(
    account: String,
    user_name: String,
    password: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::signin;
    use crate::model::Password;
    request::serve_public(async {
        let state = request::state()?;
        let source = request::source();
        let done = signin::sign_in_user(
            &state,
            &account,
            &user_name,
            Password::new(password),
            &source,
        )
        .await?;
        begin_session(&state, &done, &source).await
    })
    .await
}

/// After a right password: the console session, or first the MFA code's page.
#[cfg(feature = "ssr")]
async fn begin_session(
    state: &crate::state::AppState,
    done: &crate::directory::signin::SignedIn,
    source: &crate::directory::RequestSource,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::sessions;
    let session = request::session()?;
    if done.mfa_required() {
        sessions::await_mfa(&session, &done.pending_mfa(state.clock.now())).await?;
        leptos_axum::redirect("/signin-mfa");
        return Ok(());
    }
    sessions::start(
        state,
        &session,
        done.account(),
        done.user(),
        done.mfa_at(),
        source,
    )
    .await?;
    leptos_axum::redirect(if done.reset_required() {
        "/change-password"
    } else {
        "/"
    });
    Ok(())
}

/// The second step of a sign-in with MFA: the code the authenticator app shows.
#[server(endpoint = "signin/mfa")]
pub async fn sign_in_mfa(code: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::{sessions, signin};
    request::serve_public(async {
        let state = request::state()?;
        let source = request::source();
        let session = request::session()?;
        let Some(pending) = sessions::pending(&state, &session).await? else {
            return Err(AppError::Unauthenticated);
        };
        let done = signin::sign_in_mfa(&state, &pending, &code, &source).await?;
        begin_session(&state, &done, &source).await
    })
    .await
}

#[server(endpoint = "signout")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::request;
    request::serve_public(async {
        crate::directory::sessions::end(&request::state()?, &request::session()?).await?;
        leptos_axum::redirect("/signin");
        Ok(())
    })
    .await
}

#[server(endpoint = "identity")]
pub async fn current_identity() -> Result<Option<Identity>, AppError> {
    use super::request;
    request::serve_public(async {
        let Some(caller) = request::caller().await? else {
            return Ok(None);
        };
        let state = request::state()?;
        let now = state.clock.now();
        let password_days_left =
            crate::directory::users::password_days_left(&state, &caller, now).await?;
        let switched = caller.role_session().map(|session| {
            let (display_name, color) = session.console_label.clone().unwrap_or_default();
            SwitchedRole {
                display_name,
                color,
                role_arn: session.role.arn.clone(),
                session_arn: session.arn(),
                signed_in_as: session
                    .source_arn
                    .as_deref()
                    .and_then(|arn| arn.rsplit('/').next())
                    .unwrap_or_default()
                    .to_owned(),
                minutes_left: (session.expires_at - now).whole_minutes().max(0),
            }
        });
        Ok(Some(Identity {
            account_id: caller.account.id.to_string(),
            alias: caller.account.alias.as_ref().map(|a| a.to_string()),
            principal: caller.display_name(),
            is_root: caller.is_root(),
            password_days_left,
            switched,
        }))
    })
    .await
}

/// ChangePassword for the signed-in IAM user (the page a user who must reset is sent to).
#[server(endpoint = "password")]
pub async fn change_password(
    old_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::error::Problems;
    use crate::model::Password;
    request::serve(|cx| async move {
        let (old_password, new_password) =
            (Password::new(old_password), Password::new(new_password));
        // Every broken rule at once, beside its field.
        let mut problems = Problems::new();
        let requirements = crate::directory::users::my_password_requirements(&cx).await?;
        crate::directory::users::check_new_password(
            &mut problems,
            &requirements,
            &old_password,
            &new_password,
        );
        if new_password.expose() != new_password_confirmation {
            problems.refuse("new_password_confirmation", "must match the new password");
        }
        problems.finish(Some(()))?;
        crate::directory::users::change_password(&cx, &old_password, new_password).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// What a new password of the caller's must meet (the change-password page ticks the
/// rules off and shows the strength as the user types; the new-user wizard adds the
/// typed name to the context).
#[server(endpoint = "password/rules")]
pub async fn my_password_rules(
    for_new_user: bool,
) -> Result<crate::model::PasswordRequirements, AppError> {
    use super::request;
    use crate::directory::users;
    request::serve(|cx| async move {
        if for_new_user {
            users::password_requirements(&cx).await
        } else {
            users::my_password_requirements(&cx).await
        }
    })
    .await
}

/// The root user changes its password (My security credentials).
#[server(endpoint = "me/root-password")]
pub async fn change_root_password(
    current_password: String,
    new_password: String,
    new_password_confirmation: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::model::Password;
    request::serve(|cx| async move {
        if new_password != new_password_confirmation {
            return Err(AppError::validation(
                "new_password_confirmation",
                "must match the new password",
            ));
        }
        crate::directory::accounts::change_root_password(
            &cx,
            &Password::new(current_password),
            Password::new(new_password),
        )
        .await
    })
    .await
}
