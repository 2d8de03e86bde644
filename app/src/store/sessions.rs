use super::StoreError;
use crate::model::AccountId;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct SessionRecord {
    pub account_id: String,
    /// `None` for root.
    pub user_id: Option<String>,
    pub signed_in_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
    /// For a user: the login profile demands a new password.
    pub reset_required: bool,
    /// Signed in with a second factor, at this time.
    pub mfa_at: Option<OffsetDateTime>,
    /// Switched to a role: its session's credentials, and the console's label for it.
    pub role_key_id: Option<String>,
    pub role_display_name: Option<String>,
    pub role_color: Option<String>,
}

pub struct NewSession<'a> {
    pub id: Uuid,
    pub account_id: &'a str,
    /// `None` for root.
    pub user_id: Option<&'a str>,
    pub principal_name: &'a str,
    pub now: OffsetDateTime,
    /// When a second factor was given, if one was.
    pub mfa_at: Option<OffsetDateTime>,
    pub source_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, new: NewSession<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO console_sessions
           (id, account_id, principal_kind, user_id, principal_name, signed_in_at, last_seen_at,
            source_ip, user_agent, mfa_at)
         VALUES ($1, $2, CASE WHEN $3::text IS NULL THEN 'root' ELSE 'user' END, $3, $4, $5, $5,
                 $6, $7, $8)",
    )
    .bind(new.id)
    .bind(new.account_id)
    .bind(new.user_id)
    .bind(new.principal_name)
    .bind(new.now)
    .bind(new.source_ip)
    .bind(new.user_agent)
    .bind(new.mfa_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<SessionRecord>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT s.account_id, s.user_id, s.signed_in_at, s.last_seen_at, s.ended_at,
                coalesce(l.reset_required, false) AS reset_required, s.mfa_at,
                s.role_key_id, s.role_display_name, s.role_color
         FROM console_sessions s LEFT JOIN login_profiles l ON l.user_id = s.user_id
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Switches the session to a role session (`Some`), or back to its user (`None`).
pub async fn set_role(
    conn: &mut PgConnection,
    id: Uuid,
    role: Option<(&str, &str, &str)>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE console_sessions SET role_key_id = $2, role_display_name = $3, role_color = $4
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(role.map(|r| r.0))
    .bind(role.map(|r| r.1))
    .bind(role.map(|r| r.2))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn touch(
    conn: &mut PgConnection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE console_sessions SET last_seen_at = greatest(last_seen_at, $2)
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub enum EndReason {
    SignedOut,
    IdleTimeout,
    LifetimeExceeded,
    /// The principal's password was changed or removed elsewhere.
    PasswordChanged,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignedOut => "signed_out",
            Self::IdleTimeout => "idle_timeout",
            Self::LifetimeExceeded => "lifetime_exceeded",
            Self::PasswordChanged => "password_changed",
        }
    }
}

pub async fn end(
    conn: &mut PgConnection,
    id: Uuid,
    now: OffsetDateTime,
    reason: EndReason,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE console_sessions SET ended_at = $2, end_reason = $3
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(reason.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends every live console session of one principal (the root user when `user_id` is
/// `None`) except `keep`, the one making the change; how many ended.
pub async fn end_principal_sessions(
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: Option<&str>,
    keep: Option<Uuid>,
    now: OffsetDateTime,
    reason: EndReason,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE console_sessions SET ended_at = $4, end_reason = $5
         WHERE account_id = $1 AND ended_at IS NULL
           AND (CASE WHEN $2::text IS NULL THEN principal_kind = 'root' ELSE user_id = $2 END)
           AND id IS DISTINCT FROM $3",
    )
    .bind(account.as_str())
    .bind(user_id)
    .bind(keep)
    .bind(now)
    .bind(reason.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
