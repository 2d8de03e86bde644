use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "setup/required")]
pub async fn setup_required() -> Result<bool, AppError> {
    use super::request;
    request::finish(
        async { crate::directory::accounts::setup_required(&request::state()?).await }.await,
    )
}

/// First-run setup from the console: creates the first account and signs its root in.
#[server(endpoint = "setup")]
pub async fn create_first_account(
    email: String,
    password: String,
    password_confirmation: String,
    alias: String,
    setup_token: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::accounts::{self, NewAccountInput};
    use crate::directory::sessions;
    request::finish(
        async {
            let state = request::state()?;
            let input = NewAccountInput {
                email,
                password,
                password_confirmation: Some(password_confirmation),
                account_id: None,
                alias: Some(alias),
            };
            let account =
                accounts::create_first_account_from_web(&state, &setup_token, input).await?;
            sessions::start(
                &state,
                &request::session()?,
                &account,
                None,
                None,
                &request::source(),
            )
            .await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
