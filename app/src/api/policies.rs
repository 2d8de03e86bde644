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
