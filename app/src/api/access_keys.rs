//! Access keys in the console: one's own ("My security credentials") and, for
//! administrators, a user's (the user page's Security credentials tab). An empty user
//! name means the caller's own keys, as AWS's actions without `UserName` do.

use crate::error::AppError;
use crate::model::{AccessKey, KeyAdvice, NewAccessKey};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A key as the rotation assistant shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub key: AccessKey,
    pub advice: KeyAdvice,
}

/// Whose keys a page shows, and the keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysView {
    /// The user's name; `None` for the root user's own keys.
    pub user_name: Option<String>,
    pub keys: Vec<KeyRow>,
    /// Keys older than this many days should be rotated (configuration).
    pub max_age_days: i64,
}

#[cfg(feature = "ssr")]
fn whose(user_name: &str) -> Result<Option<crate::model::UserName>, AppError> {
    let name = user_name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    crate::directory::users::parse_user_name("user_name", name).map(Some)
}

/// ListAccessKeys, with each key's last use and the rotation advice.
#[server(endpoint = "keys/list")]
pub async fn list_keys(user_name: String) -> Result<KeysView, AppError> {
    use super::request;
    use crate::directory::access_keys;
    request::serve(|cx| async move {
        let who = whose(&user_name)?;
        let max_age = cx.state().settings.access_key_max_age;
        let keys = access_keys::list_access_keys(&cx, who.as_ref()).await?;
        let user_name = who
            .map(|n| n.to_string())
            .or_else(|| cx.caller().user().map(|u| u.name.to_string()));
        let now = cx.now();
        Ok(KeysView {
            user_name,
            keys: keys
                .into_iter()
                .map(|key| KeyRow {
                    advice: crate::model::key_advice(&key, now, max_age),
                    key,
                })
                .collect(),
            max_age_days: max_age.whole_days(),
        })
    })
    .await
}

/// CreateAccessKey: the secret, shown once.
#[server(endpoint = "keys/create")]
pub async fn create_key(user_name: String) -> Result<NewAccessKey, AppError> {
    use super::request;
    use crate::directory::access_keys;
    request::serve(|cx| async move {
        let who = whose(&user_name)?;
        access_keys::create_access_key(&cx, who.as_ref()).await
    })
    .await
}

/// UpdateAccessKey: Active or Inactive.
#[server(endpoint = "keys/update")]
pub async fn update_key(
    user_name: String,
    access_key_id: String,
    status: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::access_keys;
    use crate::error::Problems;
    request::serve(|cx| async move {
        let mut problems = Problems::new();
        let who = problems.check_error(whose(&user_name));
        let id = problems.check_error(access_keys::parse_key_id("access_key_id", &access_key_id));
        let status = problems.check_error(access_keys::parse_status("status", &status));
        let (who, id, status) = problems.finish((|| Some((who?, id?, status?)))())?;
        access_keys::update_access_key(&cx, who.as_ref(), &id, status).await
    })
    .await
}

/// DeleteAccessKey, as AWS's console offers it: only an inactive key (deactivating
/// first shows whether anything still used it), with its id typed again.
#[server(endpoint = "keys/delete")]
pub async fn delete_key(
    user_name: String,
    access_key_id: String,
    confirmation: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::access_keys;
    use crate::model::AccessKeyStatus;
    request::serve(|cx| async move {
        let who = whose(&user_name)?;
        let id = access_keys::parse_key_id("access_key_id", &access_key_id)?;
        if confirmation.trim() != id.as_str() {
            return Err(AppError::validation(
                "confirmation",
                format!("type the access key id {id} exactly to confirm the deletion"),
            ));
        }
        let keys = access_keys::list_access_keys(&cx, who.as_ref()).await?;
        if keys
            .iter()
            .any(|k| k.id == id && k.status == AccessKeyStatus::Active)
        {
            return Err(AppError::validation(
                "confirmation",
                "deactivate the key first: a key is deleted only once nothing uses it",
            ));
        }
        access_keys::delete_access_key(&cx, who.as_ref(), &id).await
    })
    .await
}
