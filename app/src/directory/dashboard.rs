//! The account overview and the security-status checklist, from real data only: an
//! item appears here once the feature it checks exists.

use super::sessions::SignedIn;
use crate::api::dashboard::{DashboardView, SecurityItem};

pub fn for_session(signed_in: &SignedIn, public_url: &str) -> DashboardView {
    let account = &signed_in.account;
    let signin_name = account.alias.as_deref().unwrap_or(&account.account_id);
    DashboardView {
        account_id: account.account_id.clone(),
        alias: account.alias.clone(),
        root_email: account.root_email.clone(),
        created_at: account.created_at,
        iam_signin_url: format!("{}/signin/{signin_name}", public_url.trim_end_matches('/')),
        security: vec![root_mfa_item()],
    }
}

/// Root MFA: no MFA device can be registered yet (MFA arrives with its own issue), so
/// the root user truthfully has none.
fn root_mfa_item() -> SecurityItem {
    let root_mfa_devices = 0;
    SecurityItem {
        title: "Enable MFA for the root user".to_owned(),
        detail: "The root user can do anything in the account. Protect it with a second factor."
            .to_owned(),
        ok: root_mfa_devices > 0,
    }
}
