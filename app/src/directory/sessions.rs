//! Console sessions. The cookie (tower-sessions) carries only the id of a row in
//! `console_sessions`; that row decides, with the injected clock, whether the session
//! is still alive, so idle and absolute expiry are testable and sign-out is final.
//! `current` is the one place a console `Caller` is made.

use super::RequestSource;
use crate::authz::{Caller, Principal};
use crate::error::AppError;
use crate::model::{Account, AccountId, User};
use crate::state::AppState;
use crate::store::{self, sessions::EndReason, sessions::NewSession};
use tower_sessions::Session;
use uuid::Uuid;

const SESSION_KEY: &str = "console_session";
/// A sign-in whose password was right, waiting for the code of an MFA device.
const PENDING_KEY: &str = "pending_mfa";
/// How long after the password the code may come.
pub const PENDING_FOR: time::Duration = time::Duration::minutes(5);

/// Who signed in with a password and must now give an MFA code. Only `sign_in` of
/// `signin` makes one (after checking the password), and only `pending` reads it back.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingMfa {
    pub account_id: String,
    /// `None` for root.
    pub user_id: Option<String>,
    /// What the person typed to name themselves, for the audit log.
    pub subject: String,
    pub password_at: time::OffsetDateTime,
    pub reset_required: bool,
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    AppError::internal("session store", error)
}

/// Starts a console session for the root user of `account`, or for `user` in it, under
/// a fresh session id (so an id planted before sign-in is worthless after it).
pub async fn start(
    state: &AppState,
    session: &Session,
    account: &Account,
    user: Option<&User>,
    mfa_at: Option<time::OffsetDateTime>,
    source: &RequestSource,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .remove_value(PENDING_KEY)
        .await
        .map_err(session_error)?;
    let id = Uuid::new_v4();
    let mut conn = store::acquire(&state.pool).await?;
    store::sessions::insert(
        &mut conn,
        NewSession {
            id,
            account_id: account.id.as_str(),
            user_id: user.map(|u| u.id.as_str()),
            principal_name: user.map_or(account.root_email.as_str(), |u| u.name.as_str()),
            now: state.clock.now(),
            mfa_at,
            source_ip: source.ip_text(),
            user_agent: source.user_agent.as_deref(),
        },
    )
    .await?;
    session.insert(SESSION_KEY, id).await.map_err(session_error)
}

/// Remembers a sign-in that now needs an MFA code, under a fresh session id.
pub async fn await_mfa(session: &Session, pending: &PendingMfa) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(session_error)
}

/// The sign-in waiting for an MFA code, while it may still be completed.
pub async fn pending(state: &AppState, session: &Session) -> Result<Option<PendingMfa>, AppError> {
    let pending = session
        .get::<PendingMfa>(PENDING_KEY)
        .await
        .map_err(session_error)?;
    let now = state.clock.now();
    Ok(pending.filter(|p| now - p.password_at < PENDING_FOR && p.password_at <= now))
}

/// Forgets a pending sign-in (too many wrong codes: the password must be given again).
pub async fn forget_pending(session: &Session) -> Result<(), AppError> {
    session
        .remove_value(PENDING_KEY)
        .await
        .map(drop)
        .map_err(session_error)
}

/// The caller behind this request's live session, if any: the role session it switched
/// to while that lasts, else who signed in. Ends the session when it has been idle or
/// alive too long, and records the activity otherwise.
pub async fn current(state: &AppState, session: &Session) -> Result<Option<Caller>, AppError> {
    resolve(state, session, true).await
}

/// Who signed in to this session, whatever role it switched to.
pub async fn signed_in(state: &AppState, session: &Session) -> Result<Option<Caller>, AppError> {
    resolve(state, session, false).await
}

/// Switches the console session to the role session whose credentials are `key_id`,
/// labelled with `display_name` and `color`; `None` switches back to who signed in.
pub async fn switch(
    state: &AppState,
    session: &Session,
    role: Option<(&str, &str, &str)>,
) -> Result<(), AppError> {
    let Some(id) = session
        .get::<Uuid>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Err(AppError::Unauthenticated);
    };
    let mut conn = store::acquire(&state.pool).await?;
    Ok(store::sessions::set_role(&mut conn, id, role).await?)
}

async fn resolve(
    state: &AppState,
    session: &Session,
    as_role: bool,
) -> Result<Option<Caller>, AppError> {
    let Some(id) = session
        .get::<Uuid>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    let mut conn = store::acquire(&state.pool).await?;
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
        let account_id = AccountId::parse(&record.account_id)
            .map_err(|m| AppError::internal("session account", m))?;
        let Some(account) = store::accounts::find(&mut conn, &account_id).await? else {
            return Ok(None);
        };
        let principal = match &record.user_id {
            None => Principal::Root,
            Some(user_id) => match store::users::find_by_id(&mut conn, user_id).await? {
                Some(user) => Principal::User(Box::new(user)),
                // The user was deleted: the session died with it.
                None => return Ok(None),
            },
        };
        if let (true, Some(key_id)) = (as_role, &record.role_key_id) {
            match super::sts::console_role_session(&mut conn, key_id, now).await? {
                Some((role_account, mut role_session)) => {
                    role_session.console_label = Some((
                        record.role_display_name.clone().unwrap_or_default(),
                        record.role_color.clone().unwrap_or_default(),
                    ));
                    return Ok(Some(Caller::new(
                        role_account,
                        Principal::Role(Box::new(role_session)),
                        id,
                        record.signed_in_at,
                        record.mfa_at,
                        // A reset required meanwhile still comes first.
                        record.reset_required,
                    )));
                }
                // The role session ended: back to who signed in.
                None => store::sessions::set_role(&mut conn, id, None).await?,
            }
        }
        return Ok(Some(Caller::new(
            account,
            principal,
            id,
            record.signed_in_at,
            record.mfa_at,
            record.reset_required,
        )));
    };
    if let Some(reason) = expired {
        store::sessions::end(&mut conn, id, now, reason).await?;
        tracing::info!(session = %id, ?reason, "console session expired");
    }
    session.flush().await.map_err(session_error)?;
    Ok(None)
}

/// Signs out: ends the session on the server (the old cookie is then worthless) and
/// clears it in the browser.
pub async fn end(state: &AppState, session: &Session) -> Result<(), AppError> {
    if let Some(id) = session
        .get::<Uuid>(SESSION_KEY)
        .await
        .map_err(session_error)?
    {
        let mut conn = store::acquire(&state.pool).await?;
        store::sessions::end(&mut conn, id, state.clock.now(), EndReason::SignedOut).await?;
        tracing::info!(session = %id, "signed out");
    }
    session.flush().await.map_err(session_error)
}
