//! Sandbox mode (`portcullis sandbox`): a server on a throwaway embedded database with
//! one account, its root user and one root access key, for testing code that uses IAM
//! locally with real enforcement. `POST /_sandbox/reset` returns the account to just
//! that; the route exists only here.

use app::directory::accounts::{self, NewAccount, NewAccountInput};
use app::directory::{access_keys, signing};
use app::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use std::sync::Arc;
use tokio::sync::Mutex;

/// What the sandbox's account is made of, kept to make it again on reset.
#[derive(Clone)]
pub struct Spec {
    pub account_id: String,
    pub root_email: String,
    pub root_password: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("account_id", &self.account_id)
            .field("access_key_id", &self.access_key_id)
            .finish()
    }
}

/// Creates the account, its root user and the root access key.
pub async fn provision(state: &AppState, spec: &Spec) -> Result<(), String> {
    let new = NewAccount::parse(NewAccountInput {
        email: spec.root_email.clone(),
        password: spec.root_password.clone(),
        password_confirmation: None,
        account_id: Some(spec.account_id.clone()),
        alias: None,
    })
    .map_err(|e| e.to_string())?;
    accounts::create_first_account(state, new)
        .await
        .map_err(|e| e.to_string())?;
    let cx = signing::command_context(state, &spec.account_id)
        .await
        .map_err(|e| e.to_string())?;
    access_keys::import_access_key(&cx, None, &spec.access_key_id, &spec.secret_access_key)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Removes everything of the account (users, groups, policies, keys, devices, sessions,
/// its activity log) and makes it again as it began.
pub async fn reset(state: &AppState, spec: &Spec) -> Result<(), String> {
    accounts::delete_for_sandbox_reset(state, &spec.account_id)
        .await
        .map_err(|e| e.to_string())?;
    provision(state, spec).await
}

struct Resetting {
    state: AppState,
    spec: Spec,
    /// One reset at a time.
    lock: Mutex<()>,
}

/// The sandbox's own route, added beside the server's.
pub fn routes(state: AppState, spec: Spec) -> Router {
    let shared = Arc::new(Resetting {
        state,
        spec,
        lock: Mutex::new(()),
    });
    Router::new()
        .route("/_sandbox/reset", post(reset_handler))
        .with_state(shared)
}

async fn reset_handler(State(shared): State<Arc<Resetting>>) -> impl IntoResponse {
    let _one = shared.lock.lock().await;
    match reset(&shared.state, &shared.spec).await {
        Ok(()) => (
            StatusCode::OK,
            "The sandbox's account is back to its root user and access key.\n".to_owned(),
        ),
        Err(error) => {
            tracing::error!(%error, "sandbox reset failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The sandbox could not be reset; see the server's log.\n".to_owned(),
            )
        }
    }
}
