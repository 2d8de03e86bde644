use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub account_id: String,
    pub alias: Option<String>,
    /// Shown to the root user only.
    pub root_email: Option<String>,
    pub created_at: OffsetDateTime,
    /// Where the account's IAM users will sign in.
    pub iam_signin_url: String,
    /// The account's IAM resources, when the caller may read the summary.
    pub resources: Resources,
    pub security: Vec<SecurityItem>,
}

/// What GetAccountSummary gave, or the denial in AWS's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Resources {
    Counts {
        users: i64,
        groups: i64,
        policies: i64,
    },
    Denied(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityItem {
    pub title: String,
    pub detail: String,
    pub ok: bool,
    /// Where to go to act on it (label, path), while it is not done.
    pub action: Option<(String, String)>,
}

#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<DashboardView, AppError> {
    use super::request;
    request::serve(|cx| async move { crate::directory::dashboard::overview(&cx).await }).await
}
