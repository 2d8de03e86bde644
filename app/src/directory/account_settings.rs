//! The account's alias and summary: CreateAccountAlias, DeleteAccountAlias,
//! ListAccountAliases, GetAccountSummary. These actions have no resource type in IAM,
//! so they are authorised on `*`.

use crate::authz::{Ctx, IamAction};
use crate::error::AppError;
use crate::model::AccountAlias;
use crate::policy::PolicyKind;
use crate::store;
use serde_json::json;
use std::collections::BTreeMap;

pub fn parse_alias(input: &str) -> Result<AccountAlias, AppError> {
    AccountAlias::parse(input).map_err(|m| AppError::validation("account_alias", m))
}

/// CreateAccountAlias: an account has at most one alias, so a new one replaces the old.
pub async fn create_account_alias(cx: &Ctx, alias: &AccountAlias) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op.authorize(IamAction::CreateAccountAlias, "*").await?;
    store::accounts::set_alias(&mut op.writer(&permit), cx.account(), Some(alias))
        .await
        .map_err(|e| match e.constraint() {
            Some("accounts_alias_key") => AppError::already_exists(
                "account_alias",
                format!("The account alias {alias} already exists."),
            ),
            _ => e.into(),
        })?;
    op.audit(&permit, json!({"AccountAlias": alias.as_str()}));
    op.commit().await
}

pub async fn delete_account_alias(cx: &Ctx, alias: &AccountAlias) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op.authorize(IamAction::DeleteAccountAlias, "*").await?;
    let current = store::accounts::find(op.reader(), cx.account())
        .await?
        .and_then(|a| a.alias);
    if current.as_ref() != Some(alias) {
        return Err(AppError::not_found(format!(
            "The account alias {alias} cannot be found."
        )));
    }
    store::accounts::set_alias(&mut op.writer(&permit), cx.account(), None).await?;
    op.audit(&permit, json!({"AccountAlias": alias.as_str()}));
    op.commit().await
}

pub async fn list_account_aliases(cx: &Ctx) -> Result<Vec<AccountAlias>, AppError> {
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListAccountAliases, "*").await?;
    Ok(store::accounts::find(op.reader(), cx.account())
        .await?
        .and_then(|a| a.alias)
        .into_iter()
        .collect())
}

/// GetAccountSummary's map, with AWS's keys. Entities Portcullis does not have
/// (instance profiles, providers, certificates) are truthfully zero.
pub async fn get_account_summary(cx: &Ctx) -> Result<BTreeMap<String, i64>, AppError> {
    Ok(summary_and_counts(cx).await?.0)
}

/// GetAccountSummary's map and the raw counts it came from (the dashboard's checklist
/// reads a few more), under the one authorisation.
pub async fn summary_and_counts(
    cx: &Ctx,
) -> Result<(BTreeMap<String, i64>, store::accounts::Counts), AppError> {
    let mut op = cx.begin().await?;
    op.authorize(IamAction::GetAccountSummary, "*").await?;
    let counts = store::accounts::counts(op.reader(), cx.account()).await?;
    let limit = |kind: PolicyKind| i64::try_from(kind.limit()).unwrap_or(i64::MAX);
    let entries: [(&str, i64); 34] = [
        ("Users", counts.users),
        ("UsersQuota", 5000),
        ("Groups", counts.groups),
        ("GroupsQuota", 300),
        ("Policies", counts.policies),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", limit(PolicyKind::Managed)),
        ("PolicyVersionsInUse", counts.policy_versions_in_use),
        ("PolicyVersionsInUseQuota", 10000),
        ("VersionsPerPolicyQuota", 5),
        ("UserPolicySizeQuota", limit(PolicyKind::InlineUser)),
        ("GroupPolicySizeQuota", limit(PolicyKind::InlineGroup)),
        ("RolePolicySizeQuota", limit(PolicyKind::InlineRole)),
        ("AssumeRolePolicySizeQuota", 2048),
        ("GroupsPerUserQuota", 10),
        ("AttachedPoliciesPerUserQuota", 10),
        ("AttachedPoliciesPerGroupQuota", 10),
        ("AttachedPoliciesPerRoleQuota", 10),
        ("Roles", counts.roles),
        ("RolesQuota", 1000),
        ("InstanceProfiles", 0),
        ("InstanceProfilesQuota", 1000),
        ("Providers", 0),
        ("ServerCertificates", 0),
        ("ServerCertificatesQuota", 20),
        ("SigningCertificatesPerUserQuota", 2),
        ("AccountSigningCertificatesPresent", 0),
        ("AccessKeysPerUserQuota", 2),
        (
            "AccountAccessKeysPresent",
            i64::from(counts.root_access_keys),
        ),
        ("MFADevices", counts.mfa_devices),
        ("MFADevicesInUse", counts.mfa_devices_in_use),
        ("AccountMFAEnabled", i64::from(counts.root_mfa)),
        ("AccountPasswordPresent", i64::from(counts.root_password)),
        ("GlobalEndpointTokenVersion", 1),
    ];
    let map = entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    Ok((map, counts))
}
