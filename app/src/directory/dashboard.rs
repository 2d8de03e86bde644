//! The account overview and the security-status checklist, from real data only: an
//! item appears here once the feature it checks exists. The counts need
//! iam:GetAccountSummary, as in AWS's console; without it the panel says so.

use super::account_settings;
use crate::api::dashboard::{DashboardView, Resources, SecurityItem};
use crate::authz::Ctx;
use crate::error::AppError;

pub async fn overview(cx: &Ctx) -> Result<DashboardView, AppError> {
    let caller = cx.caller();
    let account = &caller.account;
    let public_url = &cx.state().settings.public_url;
    let mut security = Vec::new();
    if caller.is_root() {
        security.push(root_mfa_item(super::mfa::root_devices_enabled(cx).await?));
        security.push(root_keys_item(super::access_keys::root_keys(cx).await?));
    }
    let resources = match account_settings::summary_and_counts(cx).await {
        Ok((_, counts)) => {
            security.extend(practice_items(&counts));
            Resources::Counts {
                users: counts.users,
                groups: counts.groups,
                policies: counts.policies,
            }
        }
        Err(AppError::AccessDenied { message, .. }) => Resources::Denied(message),
        Err(other) => return Err(other),
    };
    Ok(DashboardView {
        account_id: account.id.to_string(),
        alias: account.alias.as_ref().map(|a| a.to_string()),
        root_email: caller.is_root().then(|| account.root_email.to_string()),
        created_at: account.created_at,
        iam_signin_url: format!(
            "{}/signin/{}",
            public_url.trim_end_matches('/'),
            account.signin_name()
        ),
        resources,
        security,
    })
}

/// Root MFA: done once the root user has an MFA device enabled.
fn root_mfa_item(root_mfa_devices: i64) -> SecurityItem {
    let done = root_mfa_devices > 0;
    SecurityItem {
        title: "Enable MFA for the root user".to_owned(),
        detail: "The root user can do anything in the account. Protect it with a second factor."
            .to_owned(),
        ok: done,
        action: act_on(done, "Assign an MFA device", "/security-credentials"),
    }
}

/// No root access keys: a key of the root user can do anything, and leaks.
fn root_keys_item(root_keys: i64) -> SecurityItem {
    let done = root_keys == 0;
    SecurityItem {
        title: "No access keys for the root user".to_owned(),
        detail: if done {
            "The root user has no access keys. Programs use IAM users' keys or roles.".to_owned()
        } else {
            format!(
                "The root user has {root_keys} access key(s). Give programs an IAM user's key or a role, then delete the root user's keys."
            )
        },
        ok: done,
        action: act_on(done, "Review root access keys", "/security-credentials"),
    }
}

/// AWS's everyday practices, checked against the directory.
fn practice_items(counts: &crate::store::accounts::Counts) -> Vec<SecurityItem> {
    let has_users = counts.users > 0;
    let grouped = has_users && counts.users_in_groups == counts.users;
    let no_own_policies = counts.users_with_own_policies == 0;
    vec![
        SecurityItem {
            title: "Create IAM users for everyday work".to_owned(),
            detail: format!(
                "Keep the root user for the few tasks only it can do. This account has {} IAM user(s).",
                counts.users
            ),
            ok: has_users,
            action: act_on(has_users, "Create a user", "/users/new"),
        },
        SecurityItem {
            title: "Grant permissions through groups".to_owned(),
            detail: format!(
                "Put users in groups and attach policies to the groups. {} of {} user(s) are in a group.",
                counts.users_in_groups, counts.users
            ),
            ok: grouped,
            action: act_on(grouped, "Open groups", "/groups"),
        },
        SecurityItem {
            title: "Avoid policies on individual users".to_owned(),
            detail: format!(
                "{} user(s) have policies of their own; prefer group policies, which are easier to review.",
                counts.users_with_own_policies
            ),
            ok: no_own_policies,
            action: act_on(no_own_policies, "Review users", "/users"),
        },
    ]
}

/// The link to act on an item, while it is not done.
fn act_on(done: bool, label: &str, href: &str) -> Option<(String, String)> {
    (!done).then(|| (label.to_owned(), href.to_owned()))
}
