use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub account_id: String,
    pub alias: Option<String>,
    pub root_email: String,
    pub created_at: OffsetDateTime,
    /// Where the account's IAM users will sign in.
    pub iam_signin_url: String,
    pub security: Vec<SecurityItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityItem {
    pub title: String,
    pub detail: String,
    pub ok: bool,
}

#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<DashboardView, AppError> {
    use super::request;
    use crate::directory::{dashboard, sessions};
    request::finish(
        async {
            let state = request::state()?;
            let signed_in = sessions::require(&state, &request::session()?).await?;
            Ok(dashboard::for_session(
                &signed_in,
                &state.settings.public_url,
            ))
        }
        .await,
    )
}
