//! Console sessions. The cookie (tower-sessions) carries only the id of a row in
//! `console_sessions`; that row decides, with the injected clock, whether the session
//! is still alive, so idle and absolute expiry are testable and sign-out is final.

use super::{AccountRecord, RequestSource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{self, sessions::EndReason, sessions::NewSession};
use tower_sessions::Session;
use uuid::Uuid;

const SESSION_KEY: &str = "console_session";

/// Proof that the request comes from a live console session. Only `current` makes
/// one, so a service that takes `&SignedIn` cannot be reached unauthenticated.
#[derive(Debug, Clone)]
pub struct SignedIn {
    session_id: Uuid,
    pub account: AccountRecord,
    pub principal_name: String,
}

impl SignedIn {
    pub fn session_id(&self) -> Uuid {
        self.session_id
    }
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store", error)
}

/// Starts a console session for the root user of `account`, under a fresh session id
/// (so an id planted before sign-in is worthless after it).
pub async fn start(
    state: &AppState,
    session: &Session,
    account: &AccountRecord,
    source: &RequestSource,
) -> Result<SignedIn, AppError> {
    session.cycle_id().await.map_err(session_error)?;
    let id = Uuid::new_v4();
    let mut conn = state.pool.acquire().await?;
    store::sessions::insert(
        &mut conn,
        NewSession {
            id,
            account_id: &account.account_id,
            principal_name: &account.root_email,
            now: state.clock.now(),
            source_ip: source.ip_text(),
            user_agent: source.user_agent.as_deref(),
        },
    )
    .await?;
    session
        .insert(SESSION_KEY, id)
        .await
        .map_err(session_error)?;
    Ok(SignedIn {
        session_id: id,
        account: account.clone(),
        principal_name: account.root_email.clone(),
    })
}

/// The live session behind this request, if any; ends it when it has been idle or alive
/// too long, and records the activity otherwise.
pub async fn current(state: &AppState, session: &Session) -> Result<Option<SignedIn>, AppError> {
    let Some(id) = session
        .get::<Uuid>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    let mut conn = state.pool.acquire().await?;
    let Some(record) = store::sessions::find(&mut conn, id).await? else {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    };
    let expired = if record.ended_at.is_some() {
        None
    } else if now - record.signed_in_at >= state.settings.absolute_lifetime {
        Some(EndReason::LifetimeExceeded)
    } else if now - record.last_seen_at >= state.settings.idle_timeout {
        Some(EndReason::IdleTimeout)
    } else {
        store::sessions::touch(&mut conn, id, now).await?;
        let account = store::accounts::find(&mut conn, &record.account_id).await?;
        return Ok(account.map(|account| SignedIn {
            session_id: id,
            account,
            principal_name: record.principal_name,
        }));
    };
    if let Some(reason) = expired {
        store::sessions::end(&mut conn, id, now, reason).await?;
        tracing::info!(session = %id, ?reason, "console session expired");
    }
    session.flush().await.map_err(session_error)?;
    Ok(None)
}

/// Like `current`, but an absent session is the `Unauthenticated` error.
pub async fn require(state: &AppState, session: &Session) -> Result<SignedIn, AppError> {
    current(state, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Signs out: ends the session on the server (the old cookie is then worthless) and
/// clears it in the browser.
pub async fn end(state: &AppState, session: &Session) -> Result<(), AppError> {
    if let Some(id) = session
        .get::<Uuid>(SESSION_KEY)
        .await
        .map_err(session_error)?
    {
        let mut conn = state.pool.acquire().await?;
        store::sessions::end(&mut conn, id, state.clock.now(), EndReason::SignedOut).await?;
        tracing::info!(session = %id, "signed out");
    }
    session.flush().await.map_err(session_error)
}
