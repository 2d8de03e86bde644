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

/// The account's password policy; `None` when it has none (AWS's default rules apply).
#[server(endpoint = "account/password-policy")]
pub async fn password_policy() -> Result<Option<crate::model::PasswordPolicy>, AppError> {
    use super::request;
    use crate::directory::password_policy;
    request::serve(|cx| async move {
        match password_policy::get_account_password_policy(&cx).await {
            Ok(policy) => Ok(Some(policy)),
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    })
    .await
}

/// UpdateAccountPasswordPolicy from the settings form (a checkbox is sent only when on).
#[server(endpoint = "account/password-policy/update")]
pub async fn update_password_policy(
    minimum_password_length: Option<String>,
    require_uppercase_characters: Option<String>,
    require_lowercase_characters: Option<String>,
    require_numbers: Option<String>,
    require_symbols: Option<String>,
    allow_users_to_change_password: Option<String>,
    max_password_age: Option<String>,
    password_reuse_prevention: Option<String>,
    hard_expiry: Option<String>,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::password_policy;
    use crate::model::PasswordPolicyInput;
    request::serve(|cx| async move {
        let input = PasswordPolicyInput {
            minimum_password_length,
            require_symbols: require_symbols.is_some(),
            require_numbers: require_numbers.is_some(),
            require_uppercase_characters: require_uppercase_characters.is_some(),
            require_lowercase_characters: require_lowercase_characters.is_some(),
            allow_users_to_change_password: allow_users_to_change_password.is_some(),
            max_password_age,
            password_reuse_prevention,
            hard_expiry: hard_expiry.is_some(),
        };
        let policy = password_policy::parse_policy(&input)?;
        password_policy::update_account_password_policy(&cx, policy).await
    })
    .await
}

/// DeleteAccountPasswordPolicy: back to AWS's default rules.
#[server(endpoint = "account/password-policy/delete")]
pub async fn delete_password_policy() -> Result<(), AppError> {
    use super::request;
    use crate::directory::password_policy;
    request::serve(|cx| async move { password_policy::delete_account_password_policy(&cx).await })
        .await
}

/// Beyond AWS: the lowest strength score the account accepts for a new password.
#[server(endpoint = "account/password-strength")]
pub async fn password_strength() -> Result<crate::model::StrengthScore, AppError> {
    use super::request;
    use crate::directory::password_policy;
    request::serve(|cx| async move { password_policy::get_minimum_password_score(&cx).await }).await
}

#[server(endpoint = "account/password-strength/update")]
pub async fn update_password_strength(minimum_password_score: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::password_policy;
    use crate::model::StrengthScore;
    request::serve(|cx| async move {
        let score = StrengthScore::parse(&minimum_password_score)
            .map_err(|message| AppError::validation("minimum_password_score", message))?;
        password_policy::set_minimum_password_score(&cx, score).await
    })
    .await
}
