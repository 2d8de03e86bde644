//! Sign-in attempts (the log) and the per-subject throttle state.

use sqlx::PgConnection;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    BadCredentials,
    Throttled,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::BadCredentials => "bad_credentials",
            Self::Throttled => "throttled",
        }
    }
}

pub struct Attempt<'a> {
    pub account_id: Option<&'a str>,
    pub subject: &'a str,
    pub outcome: Outcome,
    pub source_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub at: OffsetDateTime,
}

pub async fn record_attempt(conn: &mut PgConnection, a: Attempt<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO signin_attempts (account_id, subject, outcome, source_ip, user_agent, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(a.account_id)
    .bind(a.subject)
    .bind(a.outcome.as_str())
    .bind(a.source_ip)
    .bind(a.user_agent)
    .bind(a.at)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, Copy)]
pub struct ThrottleState {
    pub consecutive_failures: i32,
    pub locked_until: Option<OffsetDateTime>,
}

/// Locks the subject's throttle row for this transaction, creating it if needed, so
/// concurrent attempts for one subject are decided one after another.
pub async fn lock_throttle(
    conn: &mut PgConnection,
    subject: &str,
) -> Result<ThrottleState, sqlx::Error> {
    sqlx::query("INSERT INTO signin_throttle (subject) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    let (consecutive_failures, locked_until): (i32, Option<OffsetDateTime>) = sqlx::query_as(
        "SELECT consecutive_failures, locked_until FROM signin_throttle
         WHERE subject = $1 FOR UPDATE",
    )
    .bind(subject)
    .fetch_one(conn)
    .await?;
    Ok(ThrottleState {
        consecutive_failures,
        locked_until,
    })
}

pub async fn save_throttle(
    conn: &mut PgConnection,
    subject: &str,
    state: ThrottleState,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE signin_throttle SET consecutive_failures = $2, locked_until = $3
         WHERE subject = $1",
    )
    .bind(subject)
    .bind(state.consecutive_failures)
    .bind(state.locked_until)
    .execute(conn)
    .await
    .map(|_| ())
}
