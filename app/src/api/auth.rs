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
}

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
        Ok(request::caller().await?.map(|caller| Identity {
            account_id: caller.account.id.to_string(),
            alias: caller.account.alias.as_ref().map(|a| a.to_string()),
            principal: caller.display_name(),
            is_root: caller.is_root(),
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
        let rules = crate::directory::users::password_rules(&cx).await?;
        crate::directory::users::check_new_password(
            &mut problems,
            &rules,
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
