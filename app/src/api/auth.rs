use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is signed in, for the top bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub account_id: String,
    pub alias: Option<String>,
    pub principal: String,
}

#[server(endpoint = "signin")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::{sessions, signin};
    use crate::model::Password;
    request::finish(
        async {
            let state = request::state()?;
            let source = request::source();
            let account =
                signin::sign_in_root(&state, &email, Password::new(password), &source).await?;
            sessions::start(&state, &request::session()?, &account, &source).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "signout")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::request;
    request::finish(
        async {
            crate::directory::sessions::end(&request::state()?, &request::session()?).await?;
            leptos_axum::redirect("/signin");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "identity")]
pub async fn current_identity() -> Result<Option<Identity>, AppError> {
    use super::request;
    request::finish(
        async {
            let state = request::state()?;
            let signed_in =
                crate::directory::sessions::current(&state, &request::session()?).await?;
            Ok(signed_in.map(|s| Identity {
                account_id: s.account.account_id,
                alias: s.account.alias,
                principal: format!("root ({})", s.principal_name),
            }))
        }
        .await,
    )
}
