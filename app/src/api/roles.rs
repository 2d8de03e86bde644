//! The console's Roles pages and Switch role.

use crate::error::AppError;
use crate::model::{AttachedPolicy, Page, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[server(endpoint = "roles/list")]
pub async fn list_roles(marker: Option<String>) -> Result<Page<Role>, AppError> {
    use super::request;
    request::serve(|cx| async move {
        crate::directory::roles::list_roles(
            &cx,
            None,
            marker.as_deref().filter(|m| !m.is_empty()),
            Some(50),
        )
        .await
    })
    .await
}

/// A role's page: the role, its policies, who may switch to it, and the link that
/// switches to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<String>,
    /// The account's users who may switch to it; `None` when the caller may not list
    /// users.
    pub may_switch: Option<Vec<String>>,
    /// `/switch-role?account=...&role=...`.
    pub switch_link: String,
}

#[server(endpoint = "roles/get")]
pub async fn get_role(role_name: String) -> Result<RoleView, AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        let role = roles::get_role(&cx, &name).await?;
        let holder = HolderName::Role(&name);
        let attached = policies::list_attached_policies(&cx, holder, None, None, Some(1000))
            .await?
            .items;
        let inline = policies::list_inline_policies(&cx, holder, None, Some(1000))
            .await?
            .items
            .into_iter()
            .map(|n| n.to_string())
            .collect();
        let may_switch = match roles::who_may_assume(&cx, &name).await {
            Ok(users) => Some(users),
            Err(AppError::AccessDenied { .. }) => None,
            Err(other) => return Err(other),
        };
        let path = role.path.as_str().trim_start_matches('/');
        let switch_link = format!(
            "/switch-role?account={}&role={}{}",
            role.account,
            crate::ui::format::urlencode(path),
            crate::ui::format::urlencode(role.name.as_str())
        );
        Ok(RoleView {
            role,
            attached,
            inline,
            may_switch,
            switch_link,
        })
    })
    .await
}

/// Create role, as AWS's console's wizard has it: the trust policy from the trusted
/// entity (or written out), then CreateRole with its boundary and tags in one call,
/// then AttachRolePolicy for each chosen policy. The role's fields are all checked
/// first, so a refused form changes nothing; an attachment refused later is reported
/// with the role. With nothing refused the page moves to the new role.
#[server(endpoint = "roles/create")]
pub async fn create_role(
    trusted_entity: String,
    other_account_id: Option<String>,
    external_id: Option<String>,
    require_mfa: Option<String>,
    service: Option<String>,
    custom_policy: Option<String>,
    role_name: String,
    path: Option<String>,
    description: Option<String>,
    max_session_hours: Option<String>,
    permissions_boundary: Option<String>,
    #[server(default)] policy_arns: Vec<String>,
    #[server(default)] tags: Vec<super::users::TagRow>,
) -> Result<CreatedRole, AppError> {
    use super::request;
    use super::users::Unfinished;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::roles::{self, NewRole, RoleInput};
    use crate::model::trust::TrustedEntity;
    request::serve(|cx| async move {
        let mfa = require_mfa.is_some();
        let entity = match trusted_entity.as_str() {
            "this_account" => Some(TrustedEntity::ThisAccount { require_mfa: mfa }),
            "other_account" => {
                let account = other_account_id.unwrap_or_default();
                crate::model::AccountId::parse(account.trim())
                    .map_err(|m| AppError::validation("other_account_id", m))?;
                let external = external_id
                    .map(|e| e.trim().to_owned())
                    .filter(|e| !e.is_empty());
                if let Some(id) = &external
                    && !(2..=1224).contains(&id.chars().count())
                {
                    return Err(AppError::validation(
                        "external_id",
                        "must be 2 to 1,224 characters",
                    ));
                }
                Some(TrustedEntity::OtherAccount {
                    account_id: account,
                    external_id: external,
                    require_mfa: mfa,
                })
            }
            "service" => {
                let service = service.unwrap_or_default();
                if !service.trim().ends_with(".amazonaws.com") {
                    return Err(AppError::validation(
                        "service",
                        "must be a service principal such as ec2.amazonaws.com",
                    ));
                }
                Some(TrustedEntity::Service { service })
            }
            "custom" => None,
            _ => {
                return Err(AppError::validation(
                    "trusted_entity",
                    "Choose who may assume the role.",
                ));
            }
        };
        let document = match entity {
            Some(entity) => entity.document(cx.account().as_str()),
            None => custom_policy.unwrap_or_default(),
        };
        let hours = match max_session_hours.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some(h) => h.parse::<i64>().map_err(|_| {
                AppError::validation("max_session_hours", "must be a whole number of hours")
            })?,
        };
        let tags: Vec<(String, String)> = tags
            .into_iter()
            .filter(|row| !row.key.trim().is_empty())
            .map(|row| (row.key, row.value))
            .collect();
        let mut arns: Vec<&str> = Vec::new();
        for arn in policy_arns
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            if !arns.contains(&arn) {
                arns.push(arn);
            }
        }
        if arns.len() > MAX_POLICIES_PER_ROLE {
            return Err(AppError::validation(
                "policy_arns",
                format!("a role can have at most {MAX_POLICIES_PER_ROLE} managed policies"),
            ));
        }
        let new = NewRole::parse(RoleInput {
            name: &role_name,
            path: path.as_deref().filter(|p| !p.trim().is_empty()),
            description: description.as_deref(),
            trust_policy: &document,
            max_session_duration: Some(hours.saturating_mul(3600)),
            tags: &tags,
            permissions_boundary: permissions_boundary.as_deref(),
        })?;
        let role = roles::create_role(&cx, new).await?;
        let mut unfinished = Vec::new();
        for arn in arns {
            if let Err(error) =
                policies::attach_policy(&cx, HolderName::Role(&role.name), arn).await
            {
                cx.record_failure(&error).await;
                unfinished.push(Unfinished {
                    step: format!("Attach {arn} (AttachRolePolicy)"),
                    error: error.to_string(),
                });
            }
        }
        if unfinished.is_empty() {
            leptos_axum::redirect(&format!("/roles/details/{}", role.name));
        }
        Ok(CreatedRole { role, unfinished })
    })
    .await
}

/// At most this many managed policies are attached to a role.
pub const MAX_POLICIES_PER_ROLE: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRole {
    pub role: Role,
    pub unfinished: Vec<super::users::Unfinished>,
}

/// Delete role, as AWS's console does it: its policies first (each its own audited
/// action), then the role.
#[server(endpoint = "roles/delete")]
pub async fn delete_role(role_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        policies::remove_all_policies(&cx, HolderName::Role(&name)).await?;
        roles::delete_role(&cx, &name).await?;
        leptos_axum::redirect("/roles");
        Ok(())
    })
    .await
}

#[server(endpoint = "roles/attach")]
pub async fn attach_role_policy(role_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let name = crate::directory::roles::parse_role_name("role_name", &role_name)?;
        policies::attach_policy(&cx, HolderName::Role(&name), &policy_arn).await
    })
    .await
}

#[server(endpoint = "roles/detach")]
pub async fn detach_role_policy(role_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let name = crate::directory::roles::parse_role_name("role_name", &role_name)?;
        policies::detach_policy(&cx, HolderName::Role(&name), &policy_arn).await
    })
    .await
}

/// The role's description, maximum session and permissions boundary (an empty
/// boundary removes it): UpdateRole, then Put/DeleteRolePermissionsBoundary when it
/// changed.
#[server(endpoint = "roles/update")]
pub async fn update_role(
    role_name: String,
    description: String,
    max_session_hours: String,
    permissions_boundary: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, HolderName};
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        let hours: i64 = max_session_hours.trim().parse().map_err(|_| {
            AppError::validation("max_session_hours", "must be a whole number of hours")
        })?;
        let max = roles::parse_max_session("max_session_hours", hours.saturating_mul(3600))?;
        let current = roles::get_role(&cx, &name).await?;
        roles::update_role(&cx, &name, Some(description.trim().to_owned()), Some(max)).await?;
        let boundary = permissions_boundary.trim();
        match (current.permissions_boundary.as_deref(), boundary) {
            (Some(_), "") => {
                policies::delete_permissions_boundary(&cx, HolderName::Role(&name)).await?
            }
            (old, new) if !new.is_empty() && old != Some(new) => {
                policies::put_permissions_boundary(&cx, HolderName::Role(&name), new).await?;
            }
            _ => {}
        }
        Ok(())
    })
    .await
}

/// TagRole with one tag (a tag with an existing key replaces it, as in AWS).
#[server(endpoint = "roles/tag")]
pub async fn tag_role(
    role_name: String,
    tag_key: String,
    tag_value: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::roles;
    use crate::error::Problems;
    use crate::model::Tag;
    request::serve(|cx| async move {
        // Every broken rule at once, each beside its field.
        let mut problems = Problems::new();
        let name = problems.check_error(roles::parse_role_name("role_name", &role_name));
        let key = problems.check("tag_key", Tag::parse_key(tag_key.trim()));
        let value = problems.check("tag_value", Tag::parse_value(&tag_value));
        let (name, key, value) = problems.finish((|| Some((name?, key?, value?)))())?;
        roles::tag_role(&cx, &name, vec![Tag { key, value }]).await
    })
    .await
}

/// UntagRole with one key.
#[server(endpoint = "roles/untag")]
pub async fn untag_role(role_name: String, tag_key: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        roles::untag_role(&cx, &name, vec![tag_key]).await
    })
    .await
}

#[server(endpoint = "roles/trust")]
pub async fn update_trust_policy(role_name: String, document: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::roles::{self, TrustPolicy};
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        roles::update_assume_role_policy(&cx, &name, TrustPolicy::parse(&document)?).await
    })
    .await
}

#[server(endpoint = "roles/revoke")]
pub async fn revoke_sessions(role_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        roles::revoke_role_sessions(&cx, &name).await
    })
    .await
}

#[server(endpoint = "roles/allow-group")]
pub async fn allow_group(role_name: String, group_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::roles;
    request::serve(|cx| async move {
        let name = roles::parse_role_name("role_name", &role_name)?;
        let group = crate::directory::groups::parse_group_name("group_name", &group_name)?;
        roles::allow_group_to_assume(&cx, &name, &group).await
    })
    .await
}

/// Switch role: the signed-in user (never the role session the console may be in)
/// assumes the role; the console then acts as it until it ends or is switched back.
#[server(endpoint = "switch-role")]
pub async fn switch_role(
    account: String,
    role: String,
    display_name: Option<String>,
    color: Option<String>,
) -> Result<(), AppError> {
    use super::request;
    use crate::authz::Ctx;
    use crate::directory::sessions;
    use crate::directory::switch_role::{SwitchRoleInput, switch_role};
    use std::sync::Arc;
    let result = async {
        let state = request::state()?;
        let session = request::session()?;
        let user = sessions::signed_in(&state, &session)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let cx = Ctx::new(state.clone(), Arc::new(user), request::source());
        let switched = switch_role(
            &cx,
            SwitchRoleInput {
                account: &account,
                role: &role,
                display_name: display_name.as_deref(),
                color: color.as_deref(),
            },
        )
        .await?;
        sessions::switch(
            &state,
            &session,
            Some((
                switched.assumed.credentials.access_key_id.as_str(),
                &switched.display_name,
                &switched.color,
            )),
        )
        .await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await;
    request::finish(result)
}

/// Back to who signed in.
#[server(endpoint = "switch-back")]
pub async fn switch_back() -> Result<(), AppError> {
    use super::request;
    let result = async {
        let state = request::state()?;
        let session = request::session()?;
        crate::directory::sessions::switch(&state, &session, None).await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await;
    request::finish(result)
}
