//! The account overview and the security-status checklist, from real data only: an
//! item appears here once the feature it checks exists.

use crate::api::dashboard::{DashboardView, SecurityItem};
use crate::authz::Ctx;

pub fn overview(cx: &Ctx) -> DashboardView {
    let account = &cx.caller().account;
    let public_url = &cx.state().settings.public_url;
    DashboardView {
        account_id: account.id.to_string(),
        alias: account.alias.as_ref().map(|a| a.to_string()),
        root_email: account.root_email.to_string(),
        created_at: account.created_at,
        iam_signin_url: format!(
            "{}/signin/{}",
            public_url.trim_end_matches('/'),
            account.signin_name()
        ),
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
