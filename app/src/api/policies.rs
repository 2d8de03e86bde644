//! The console's Policies pages.

use crate::error::AppError;
use crate::model::{Page, Policy, PolicyVersion};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `scope`: "aws", "local" or anything else for all.
#[server(endpoint = "policies/list")]
pub async fn list_policies(
    scope: Option<String>,
    search: Option<String>,
    marker: Option<String>,
) -> Result<Page<Policy>, AppError> {
    use super::request;
    use crate::directory::policies::{self, ListPolicies, Scope};
    request::serve(|cx| async move {
        let scope = match scope.as_deref() {
            Some("aws") => Scope::Aws,
            Some("local") => Scope::Local,
            _ => Scope::All,
        };
        policies::list_policies(
            &cx,
            ListPolicies {
                scope,
                search,
                marker: marker.filter(|m| !m.is_empty()),
                max_items: Some(50),
                ..Default::default()
            },
        )
        .await
    })
    .await
}

/// A policy's page: the policy, its versions with documents, who uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub policy: Policy,
    pub versions: Vec<PolicyVersion>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
}

#[server(endpoint = "policies/get")]
pub async fn get_policy(policy_arn: String) -> Result<PolicyView, AppError> {
    use super::request;
    use crate::directory::policies::{self, EntityFilter, PolicyUsage};
    request::serve(|cx| async move {
        let policy = policies::get_policy(&cx, &policy_arn).await?;
        let versions = policies::list_policy_versions(&cx, &policy_arn).await?;
        let entities = policies::list_entities_for_policy(
            &cx,
            &policy_arn,
            EntityFilter::All,
            PolicyUsage::PermissionsPolicy,
            None,
        )
        .await?;
        Ok(PolicyView {
            policy,
            versions,
            users: entities.users.into_iter().map(|e| e.name).collect(),
            groups: entities.groups.into_iter().map(|e| e.name).collect(),
            roles: entities.roles.into_iter().map(|e| e.name).collect(),
        })
    })
    .await
}

#[server(endpoint = "policies/create")]
pub async fn create_policy(
    policy_name: String,
    description: Option<String>,
    policy_document: String,
) -> Result<Policy, AppError> {
    use super::request;
    use crate::directory::policies::{self, NewPolicy};
    request::serve(|cx| async move {
        let new = NewPolicy::parse(
            &policy_name,
            "/",
            description.as_deref().unwrap_or(""),
            &policy_document,
            &[],
        )?;
        let policy = policies::create_policy(&cx, new).await?;
        leptos_axum::redirect(&format!("/policies/view?arn={}", policy.arn));
        Ok(policy)
    })
    .await
}

/// A new version from the editor, made the default.
#[server(endpoint = "policies/version")]
pub async fn create_policy_version(
    policy_arn: String,
    policy_document: String,
) -> Result<PolicyVersion, AppError> {
    use super::request;
    use crate::directory::policies::{self, IdentityPolicy};
    request::serve(|cx| async move {
        let document = IdentityPolicy::parse(&policy_document)?;
        policies::create_policy_version(&cx, &policy_arn, document, true).await
    })
    .await
}

#[server(endpoint = "policies/default")]
pub async fn set_default_policy_version(
    policy_arn: String,
    version_id: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let version = policies::parse_version_id(&version_id)?;
        policies::set_default_policy_version(&cx, &policy_arn, version).await
    })
    .await
}

#[server(endpoint = "policies/delete-version")]
pub async fn delete_policy_version(policy_arn: String, version_id: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let version = policies::parse_version_id(&version_id)?;
        policies::delete_policy_version(&cx, &policy_arn, version).await
    })
    .await
}

/// Whose inline policy a form names: `holder_kind` is "user", "group" or "role".
#[cfg(feature = "ssr")]
enum InlineHolder {
    User(crate::model::UserName),
    Group(crate::model::GroupName),
    Role(crate::model::RoleName),
}

#[cfg(feature = "ssr")]
impl InlineHolder {
    fn parse(kind: &str, name: &str) -> Result<Self, AppError> {
        match kind {
            "user" => Ok(Self::User(crate::directory::users::parse_user_name(
                "holder_name",
                name,
            )?)),
            "group" => Ok(Self::Group(crate::directory::groups::parse_group_name(
                "holder_name",
                name,
            )?)),
            "role" => Ok(Self::Role(crate::directory::roles::parse_role_name(
                "holder_name",
                name,
            )?)),
            _ => Err(AppError::validation(
                "holder_kind",
                "must be user, group or role",
            )),
        }
    }

    fn name(&self) -> crate::directory::policies::HolderName<'_> {
        use crate::directory::policies::HolderName;
        match self {
            Self::User(name) => HolderName::User(name),
            Self::Group(name) => HolderName::Group(name),
            Self::Role(name) => HolderName::Role(name),
        }
    }

    /// The holder's page, where the console returns after a change.
    fn page(&self) -> String {
        use crate::ui::format::urlencode;
        match self {
            Self::User(name) => format!(
                "/users/details/{}?section=permissions",
                urlencode(name.as_str())
            ),
            Self::Group(name) => format!("/groups/details/{}", urlencode(name.as_str())),
            Self::Role(name) => format!("/roles/details/{}", urlencode(name.as_str())),
        }
    }
}

#[cfg(feature = "ssr")]
fn parse_inline_name(name: &str) -> Result<crate::model::PolicyName, AppError> {
    crate::model::PolicyName::parse(name.trim()).map_err(|m| AppError::validation("policy_name", m))
}

/// Get{User,Group}Policy, for the inline policy's page.
#[server(endpoint = "policies/inline/get")]
pub async fn get_inline_policy(
    holder_kind: String,
    holder_name: String,
    policy_name: String,
) -> Result<String, AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let holder = InlineHolder::parse(&holder_kind, &holder_name)?;
        let name = parse_inline_name(&policy_name)?;
        Ok(policies::get_inline_policy(&cx, holder.name(), &name)
            .await?
            .document)
    })
    .await
}

/// Put{User,Group}Policy from the inline policy's page (create, or replace the
/// document); returns to the holder's page.
#[server(endpoint = "policies/inline/put")]
pub async fn put_inline_policy(
    holder_kind: String,
    holder_name: String,
    policy_name: String,
    policy_document: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, IdentityPolicy};
    request::serve(|cx| async move {
        let holder = InlineHolder::parse(&holder_kind, &holder_name)?;
        let name = parse_inline_name(&policy_name)?;
        let document = IdentityPolicy::parse(&policy_document)?;
        policies::put_inline_policy(&cx, holder.name(), &name, document).await?;
        leptos_axum::redirect(&holder.page());
        Ok(())
    })
    .await
}

/// Delete{User,Group}Policy from the inline policy's page; returns to the holder's page.
#[server(endpoint = "policies/inline/delete")]
pub async fn delete_inline_policy(
    holder_kind: String,
    holder_name: String,
    policy_name: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies;
    request::serve(|cx| async move {
        let holder = InlineHolder::parse(&holder_kind, &holder_name)?;
        let name = parse_inline_name(&policy_name)?;
        policies::delete_inline_policy(&cx, holder.name(), &name).await?;
        leptos_axum::redirect(&holder.page());
        Ok(())
    })
    .await
}

/// Deletes a customer managed policy as AWS's console does: after the policy name is
/// typed again, it is detached from every user and group, removed as a permissions
/// boundary, its other versions deleted, then DeletePolicy; each step is its own
/// authorised, audited action, and a refused step stops there.
#[server(endpoint = "policies/delete")]
pub async fn delete_policy(policy_arn: String, confirmation: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::policies::{self, EntityFilter, HolderName, PolicyUsage};
    request::serve(|cx| async move {
        let policy = policies::get_policy(&cx, &policy_arn).await?;
        if confirmation.trim() != policy.name.as_str() {
            return Err(AppError::validation(
                "confirmation",
                format!(
                    "type the policy name {} exactly to confirm the deletion",
                    policy.name
                ),
            ));
        }
        let arn = policy.arn.as_str();
        let attached = policies::list_entities_for_policy(
            &cx,
            arn,
            EntityFilter::All,
            PolicyUsage::PermissionsPolicy,
            None,
        )
        .await?;
        for user in &attached.users {
            let name = crate::directory::users::parse_user_name("user_name", &user.name)?;
            policies::detach_policy(&cx, HolderName::User(&name), arn).await?;
        }
        for group in &attached.groups {
            let name = crate::directory::groups::parse_group_name("group_name", &group.name)?;
            policies::detach_policy(&cx, HolderName::Group(&name), arn).await?;
        }
        for role in &attached.roles {
            let name = crate::directory::roles::parse_role_name("role_name", &role.name)?;
            policies::detach_policy(&cx, HolderName::Role(&name), arn).await?;
        }
        let bounded = policies::list_entities_for_policy(
            &cx,
            arn,
            EntityFilter::All,
            PolicyUsage::PermissionsBoundary,
            None,
        )
        .await?;
        for user in &bounded.users {
            let name = crate::directory::users::parse_user_name("user_name", &user.name)?;
            policies::delete_user_permissions_boundary(&cx, &name).await?;
        }
        for role in &bounded.roles {
            let name = crate::directory::roles::parse_role_name("role_name", &role.name)?;
            policies::delete_permissions_boundary(&cx, HolderName::Role(&name)).await?;
        }
        for version in policies::list_policy_versions(&cx, arn).await? {
            if !version.is_default {
                policies::delete_policy_version(&cx, arn, version.version).await?;
            }
        }
        policies::delete_policy(&cx, arn).await?;
        leptos_axum::redirect("/policies");
        Ok(())
    })
    .await
}
