//! The console's Users pages.

use crate::error::AppError;
use crate::model::{Page, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One page of the Users list, as the console asked for it.
#[server(endpoint = "users/list")]
pub async fn list_users(
    search: Option<String>,
    path_prefix: Option<String>,
    marker: Option<String>,
) -> Result<Page<User>, AppError> {
    use super::request;
    use crate::directory::users::{self, ListUsers};
    request::serve(|cx| async move {
        users::list_users(
            &cx,
            ListUsers {
                path_prefix: path_prefix.filter(|p| !p.trim().is_empty()),
                search,
                marker: marker.filter(|m| !m.is_empty()),
                max_items: Some(50),
            },
        )
        .await
    })
    .await
}

/// What the create-user form reports back: the user, and a generated password to show
/// once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub user: User,
    pub console_password: Option<String>,
    pub signin_url: String,
}

/// CreateUser, with console access (CreateLoginProfile) when asked for.
#[server(endpoint = "users/create")]
pub async fn create_user(
    user_name: String,
    path: Option<String>,
    console_access: Option<String>,
    password_choice: Option<String>,
    password: Option<String>,
    require_reset: Option<String>,
) -> Result<CreatedUser, AppError> {
    use super::request;
    use crate::directory::users::{self, NewPassword, NewUser};
    use crate::model::Password;
    request::serve(|cx| async move {
        let new = NewUser::parse(&user_name, path.as_deref().unwrap_or("/"), &[])?;
        let console = console_access.is_some();
        let chosen = match (console, password_choice.as_deref()) {
            (true, Some("custom")) => {
                let p = password.filter(|p| !p.is_empty()).ok_or_else(|| {
                    AppError::validation("password", "is required for a custom password")
                })?;
                let p = Password::new(p);
                // Checked before the user exists: a refused form changes nothing.
                users::check_password(&p)?;
                Some(NewPassword::Chosen(p))
            }
            (true, _) => Some(NewPassword::Generated),
            (false, _) => None,
        };
        let user = users::create_user(&cx, new).await?;
        let mut console_password = None;
        if let Some(choice) = chosen {
            let (_, generated) =
                users::create_login_profile(&cx, &user.name, choice, require_reset.is_some())
                    .await?;
            console_password = generated.map(|p| p.expose().to_owned());
        }
        let account = &cx.caller().account;
        Ok(CreatedUser {
            signin_url: format!(
                "{}/signin/{}",
                cx.state().settings.public_url.trim_end_matches('/'),
                account.signin_name()
            ),
            user,
            console_password,
        })
    })
    .await
}

/// A user's page: the user, groups, policies, and console access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub user: User,
    pub groups: Vec<String>,
    pub attached: Vec<crate::model::AttachedPolicy>,
    pub inline: Vec<String>,
    /// `None` without console access; else whether a new password is required.
    pub console: Option<bool>,
}

#[server(endpoint = "users/get")]
pub async fn get_user(user_name: String) -> Result<UserView, AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::users;
    use crate::model::UserName;
    request::serve(|cx| async move {
        let name = UserName::parse(&user_name).map_err(|m| AppError::validation("user_name", m))?;
        let user = users::get_user(&cx, Some(&name)).await?;
        let groups = groups::list_groups_for_user(&cx, &name, None, Some(1000))
            .await?
            .items
            .into_iter()
            .map(|g| g.name.to_string())
            .collect();
        let holder = HolderName::User(&name);
        let attached = policies::list_attached_policies(&cx, holder, None, None, Some(1000))
            .await?
            .items;
        let inline = policies::list_inline_policies(&cx, holder, None, Some(1000))
            .await?
            .items
            .into_iter()
            .map(|n| n.to_string())
            .collect();
        let console = match users::get_login_profile(&cx, &name).await {
            Ok(profile) => Some(profile.password_reset_required),
            Err(AppError::NotFound { .. }) => None,
            Err(other) => return Err(other),
        };
        Ok(UserView {
            user,
            groups,
            attached,
            inline,
            console,
        })
    })
    .await
}

/// Console access on the user's page: `enable` (a generated password, to be changed at
/// first sign-in), `reset` (a new generated password, to be changed), `disable`.
/// Returns the generated password, shown once.
#[server(endpoint = "users/console")]
pub async fn set_console_access(
    user_name: String,
    change: String,
) -> Result<Option<String>, AppError> {
    use super::request;
    use crate::directory::users::{self, NewPassword};
    use crate::model::UserName;
    request::serve(|cx| async move {
        let name = UserName::parse(&user_name).map_err(|m| AppError::validation("user_name", m))?;
        match change.as_str() {
            "enable" => {
                let (_, generated) =
                    users::create_login_profile(&cx, &name, NewPassword::Generated, true).await?;
                Ok(generated.map(|p| p.expose().to_owned()))
            }
            "reset" => {
                let password = users::generate_password(&cx);
                users::update_login_profile(&cx, &name, Some(password.clone()), Some(true)).await?;
                Ok(Some(password.expose().to_owned()))
            }
            "disable" => {
                users::delete_login_profile(&cx, &name).await?;
                Ok(None)
            }
            _ => Err(AppError::validation(
                "change",
                "must be enable, reset or disable",
            )),
        }
    })
    .await
}
