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
    sort: Option<String>,
    order: Option<String>,
    marker: Option<String>,
) -> Result<Page<User>, AppError> {
    use super::request;
    use crate::directory::users::{self, ListUsers};
    use crate::model::UserOrder;
    request::serve(|cx| async move {
        let order = UserOrder::parse(sort.as_deref(), order.as_deref())
            .map_err(|(field, rule)| AppError::validation(field, rule))?;
        users::list_users(
            &cx,
            ListUsers {
                path_prefix: path_prefix.filter(|p| !p.trim().is_empty()),
                search,
                order,
                marker: marker.filter(|m| !m.is_empty()),
                max_items: Some(50),
            },
        )
        .await
    })
    .await
}

/// What the create-user wizard reports back: the user, a generated password to show
/// once, and what was done after the user existed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub user: User,
    pub console_password: Option<String>,
    pub signin_url: String,
    /// Groups the user was added to.
    pub groups: Vec<String>,
    /// Managed policies attached to the user, by ARN.
    pub policies: Vec<String>,
    /// Steps that failed once the user existed (each its own AWS action, as in AWS's
    /// console): what was asked, and why it did not happen.
    pub unfinished: Vec<Unfinished>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    pub step: String,
    pub error: String,
}

/// One tag row of the wizard; a row without a key is an unused row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRow {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// The most groups a user may be in and managed policies a user may have (AWS's
/// GroupsPerUser and PoliciesPerUser quotas), checked before anything is created.
pub const MAX_GROUPS_PER_USER: usize = 10;
pub const MAX_POLICIES_PER_USER: usize = 10;

/// The create-user wizard: CreateUser (with tags), CreateLoginProfile when console
/// access is asked for, then AddUserToGroup and AttachUserPolicy for the chosen groups
/// and policies and for those of the user whose permissions are copied.
///
/// Everything the form says is checked before the user is created, so a refused form
/// changes nothing; a step refused afterwards (say, the caller may create users but not
/// attach a policy) is reported with the user.
#[server(endpoint = "users/create")]
pub async fn create_user(
    user_name: String,
    path: Option<String>,
    console_access: Option<String>,
    password_choice: Option<String>,
    password: Option<String>,
    require_reset: Option<String>,
    #[server(default)] groups: Vec<String>,
    copy_from: Option<String>,
    #[server(default)] policy_arns: Vec<String>,
    #[server(default)] tags: Vec<TagRow>,
) -> Result<CreatedUser, AppError> {
    use super::request;
    use crate::directory::groups as group_service;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::users::{self, NewPassword, NewUser};
    use crate::error::Problems;
    use crate::model::{GroupName, Password, UserName};
    request::serve(|cx| async move {
        let tags: Vec<(String, String)> = tags
            .into_iter()
            .filter(|row| !row.key.trim().is_empty())
            .map(|row| (row.key, row.value))
            .collect();
        // Every rule the form breaks is reported at once, each beside its field.
        let requirements = users::password_requirements(&cx)
            .await?
            .with_context([user_name.trim()]);
        let mut problems = Problems::new();
        let new = NewUser::parse_into(&mut problems, &user_name, path.as_deref().unwrap_or("/"), &tags);
        let console = console_access.is_some();
        let chosen = match (console, password_choice.as_deref()) {
            (true, Some("custom")) => match password.filter(|p| !p.is_empty()) {
                None => {
                    problems.refuse("password", "is required for a custom password");
                    None
                }
                Some(p) => {
                    let p = Password::new(p);
                    problems
                        .check_error(users::check_password(&requirements, &p))
                        .map(|()| Some(NewPassword::Chosen(p)))
                }
            },
            (true, _) => Some(Some(NewPassword::Generated)),
            (false, _) => Some(None),
        };
        let mut group_names = Vec::new();
        for name in groups.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
            let Some(name) = problems.check("groups", GroupName::parse(name)) else {
                break;
            };
            if !group_names.iter().any(|g: &GroupName| g.key() == name.key()) {
                group_names.push(name);
            }
        }
        let mut arns: Vec<String> = Vec::new();
        for arn in policy_arns.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            if !arns.iter().any(|known| known == arn) {
                arns.push(arn.to_owned());
            }
        }
        let source = copy_from.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let source = problems.check("copy_from", source.map(UserName::parse).transpose());
        let (new, chosen, source) = problems.finish((|| Some((new?, chosen?, source?)))())?;
        // The user whose permissions are copied is read first: a wrong name changes
        // nothing.
        if let Some(source) = source {
            for group in group_service::list_groups_for_user(&cx, &source, None, Some(1000))
                .await?
                .items
            {
                if !group_names.iter().any(|g| g.key() == group.name.key()) {
                    group_names.push(group.name);
                }
            }
            let holder = HolderName::User(&source);
            for attached in policies::list_attached_policies(&cx, holder, None, None, Some(1000))
                .await?
                .items
            {
                if !arns.contains(&attached.arn) {
                    arns.push(attached.arn);
                }
            }
        }
        if group_names.len() > MAX_GROUPS_PER_USER {
            return Err(AppError::validation(
                "groups",
                format!(
                    "a user can be in at most {MAX_GROUPS_PER_USER} groups; {} are chosen",
                    group_names.len()
                ),
            ));
        }
        if arns.len() > MAX_POLICIES_PER_USER {
            return Err(AppError::validation(
                "policy_arns",
                format!(
                    "a user can have at most {MAX_POLICIES_PER_USER} managed policies; {} are chosen",
                    arns.len()
                ),
            ));
        }

        let user = users::create_user(&cx, new).await?;
        let mut created = CreatedUser {
            signin_url: format!(
                "{}/signin/{}",
                cx.state().settings.public_url.trim_end_matches('/'),
                cx.caller().account.signin_name()
            ),
            console_password: None,
            groups: Vec::new(),
            policies: Vec::new(),
            unfinished: Vec::new(),
            user,
        };
        let name = created.user.name.clone();
        if let Some(choice) = chosen {
            match users::create_login_profile(&cx, &name, choice, require_reset.is_some()).await {
                Ok((_, generated)) => {
                    created.console_password = generated.map(|p| p.expose().to_owned());
                }
                Err(error) => {
                    cx.record_failure(&error).await;
                    created.unfinished.push(Unfinished {
                    step: "Console access (CreateLoginProfile)".to_owned(),
                    error: error.to_string(),
                });
                }
            }
        }
        for group in group_names {
            match group_service::add_user_to_group(&cx, &group, &name).await {
                Ok(stored) => created.groups.push(stored.to_string()),
                Err(error) => {
                    cx.record_failure(&error).await;
                    created.unfinished.push(Unfinished {
                    step: format!("Add to group {group} (AddUserToGroup)"),
                    error: error.to_string(),
                });
                }
            }
        }
        for arn in arns {
            match policies::attach_policy(&cx, HolderName::User(&name), &arn).await {
                Ok(()) => created.policies.push(arn),
                Err(error) => {
                    cx.record_failure(&error).await;
                    created.unfinished.push(Unfinished {
                    step: format!("Attach {arn} (AttachUserPolicy)"),
                    error: error.to_string(),
                });
                }
            }
        }
        Ok(created)
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
    /// Every policy that applies, with where it comes from.
    pub sources: Vec<crate::model::UserPolicy>,
    /// `None` without console access; else whether a new password is required.
    pub console: Option<bool>,
}

/// What the user may do, service by service (`None`: this server has no AWS service
/// catalogue). Its own call, so that a caller allowed to see the user but not to read
/// the policies' documents still gets the rest of the page.
#[server(endpoint = "users/access")]
pub async fn get_user_access(
    user_name: String,
) -> Result<Option<crate::policy::AccessSummary>, AppError> {
    use super::request;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        crate::directory::policies::summarise_user_access(&cx, &name).await
    })
    .await
}

#[server(endpoint = "users/get")]
pub async fn get_user(user_name: String) -> Result<UserView, AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::users;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
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
        let sources = policies::list_user_policy_sources(&cx, &name).await?;
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
            sources,
            console,
        })
    })
    .await
}

/// Console access on the user's page: `enable` (CreateLoginProfile), `reset` (a new
/// password, UpdateLoginProfile) or `disable` (DeleteLoginProfile). The new password is
/// `password` when given, else generated and returned (shown once); `require_reset`
/// (a checkbox) makes the user choose a new one at next sign-in.
#[server(endpoint = "users/console")]
pub async fn set_console_access(
    user_name: String,
    change: String,
    password: Option<String>,
    require_reset: Option<String>,
) -> Result<Option<String>, AppError> {
    use super::request;
    use crate::directory::users::{self, NewPassword};
    use crate::model::Password;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        let chosen = password.filter(|p| !p.is_empty()).map(Password::new);
        let reset_required = require_reset.is_some();
        match change.as_str() {
            "enable" => {
                let password = chosen.map_or(NewPassword::Generated, NewPassword::Chosen);
                let (_, generated) =
                    users::create_login_profile(&cx, &name, password, reset_required).await?;
                Ok(generated.map(|p| p.expose().to_owned()))
            }
            "reset" => {
                let (password, generated) = match chosen {
                    Some(p) => (p, None),
                    None => {
                        let p = users::generate_password(
                            &cx,
                            &users::password_requirements(&cx).await?.rules,
                        );
                        let shown = p.expose().to_owned();
                        (p, Some(shown))
                    }
                };
                users::update_login_profile(&cx, &name, Some(password), Some(reset_required))
                    .await?;
                Ok(generated)
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

/// "Delete user" in the console: as AWS's console does, everything that would make
/// DeleteUser refuse (console password, group memberships, attached and inline policies)
/// is removed first, each by its own authorised and audited action, then the user.
/// The user name must be typed again to confirm.
///
/// A step the caller may not take stops the deletion there: what was removed before it
/// stays removed (each step is its own action, as in AWS), and the error names the step.
#[server(endpoint = "users/delete")]
pub async fn delete_user(user_name: String, confirmation: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::users;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        if confirmation.trim() != name.as_str() {
            return Err(AppError::validation(
                "confirmation",
                format!("type the user name {name} exactly to confirm the deletion"),
            ));
        }
        match users::delete_login_profile(&cx, &name).await {
            Ok(()) | Err(AppError::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
        for group in groups::list_groups_for_user(&cx, &name, None, Some(1000))
            .await?
            .items
        {
            groups::remove_user_from_group(&cx, &group.name, &name).await?;
        }
        policies::remove_all_policies(&cx, HolderName::User(&name)).await?;
        for key in crate::directory::access_keys::list_access_keys(&cx, Some(&name)).await? {
            crate::directory::access_keys::delete_access_key(&cx, Some(&name), &key.id).await?;
        }
        for device in crate::directory::mfa::list_mfa_devices(&cx, Some(&name)).await? {
            crate::directory::mfa::remove_mfa_device(&cx, Some(&name), &device.serial_number)
                .await?;
        }
        users::delete_user(&cx, &name).await?;
        leptos_axum::redirect("/users");
        Ok(())
    })
    .await
}

/// AttachUserPolicy, from the user's page.
#[server(endpoint = "users/attach")]
pub async fn attach_user_policy(user_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        policies::attach_policy(&cx, HolderName::User(&name), policy_arn.trim()).await
    })
    .await
}

/// DetachUserPolicy, from the user's page.
#[server(endpoint = "users/detach")]
pub async fn detach_user_policy(user_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        policies::detach_policy(&cx, HolderName::User(&name), policy_arn.trim()).await
    })
    .await
}

/// PutUserPermissionsBoundary, from the user's page.
#[server(endpoint = "users/boundary")]
pub async fn set_user_boundary(user_name: String, boundary_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        if boundary_arn.trim().is_empty() {
            return Err(AppError::validation("boundary_arn", "is required"));
        }
        policies::put_user_permissions_boundary(&cx, &name, &boundary_arn).await
    })
    .await
}

/// DeleteUserPermissionsBoundary, from the user's page.
#[server(endpoint = "users/remove-boundary")]
pub async fn remove_user_boundary(user_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        policies::delete_user_permissions_boundary(&cx, &name).await
    })
    .await
}

/// TagUser with one tag (a tag with an existing key replaces it, as in AWS).
#[server(endpoint = "users/tag")]
pub async fn tag_user(
    user_name: String,
    tag_key: String,
    tag_value: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::users;
    use crate::error::Problems;
    use crate::model::Tag;
    request::serve(|cx| async move {
        // Every broken rule at once, each beside its field.
        let mut problems = Problems::new();
        let name = problems.check_error(crate::directory::users::parse_user_name(
            "user_name",
            &user_name,
        ));
        let key = problems.check("tag_key", Tag::parse_key(tag_key.trim()));
        let value = problems.check("tag_value", Tag::parse_value(&tag_value));
        let (name, key, value) = problems.finish((|| Some((name?, key?, value?)))())?;
        users::tag_user(&cx, &name, vec![Tag { key, value }]).await
    })
    .await
}

/// UntagUser with one key.
#[server(endpoint = "users/untag")]
pub async fn untag_user(user_name: String, tag_key: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::users;
    request::serve(|cx| async move {
        let name = crate::directory::users::parse_user_name("user_name", &user_name)?;
        users::untag_user(&cx, &name, vec![tag_key]).await
    })
    .await
}
