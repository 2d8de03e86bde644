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
    request::serve(|cx| async move { Ok(crate::directory::dashboard::overview(&cx)) }).await
}
