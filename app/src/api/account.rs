//! The console's Account settings page: the alias and the IAM users' sign-in URL.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub account_id: String,
    pub alias: Option<String>,
    pub signin_url: String,
}

#[server(endpoint = "account/settings")]
pub async fn account_settings() -> Result<AccountView, AppError> {
    use super::request;
    use crate::directory::account_settings;
    request::serve(|cx| async move {
        let alias = account_settings::list_account_aliases(&cx)
            .await?
            .into_iter()
            .next()
            .map(|a| a.to_string());
        let base = cx
            .state()
            .settings
            .public_url
            .trim_end_matches('/')
            .to_owned();
        let account_id = cx.account().to_string();
        Ok(AccountView {
            signin_url: format!("{base}/signin/{}", alias.as_deref().unwrap_or(&account_id)),
            account_id,
            alias,
        })
    })
    .await
}

#[server(endpoint = "account/alias")]
pub async fn set_account_alias(account_alias: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::account_settings;
    request::serve(|cx| async move {
        let alias = account_settings::parse_alias(&account_alias)?;
        account_settings::create_account_alias(&cx, &alias).await
    })
    .await
}

#[server(endpoint = "account/alias/delete")]
pub async fn delete_account_alias(account_alias: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::account_settings;
    request::serve(|cx| async move {
        let alias = account_settings::parse_alias(&account_alias)?;
        account_settings::delete_account_alias(&cx, &alias).await
    })
    .await
}
