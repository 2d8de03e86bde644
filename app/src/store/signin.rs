//! Sign-in attempts (the log) and the sign-in limits (see directory::throttle).

use super::StoreError;
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

pub async fn record_attempt(conn: &mut PgConnection, a: Attempt<'_>) -> Result<(), StoreError> {
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
    .await?;
    Ok(())
}

/// Which limit a row of `signin_limits` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Consecutive failures for one (subject, source address).
    Pair,
    /// The leaky bucket for one subject, from every address.
    Subject,
    /// The leaky bucket for one source address, over every subject.
    Address,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pair => "pair",
            Self::Subject => "subject",
            Self::Address => "address",
        }
    }
}

/// One limit's row, as stored.
#[derive(Debug, Clone, Copy)]
pub struct LimitRow {
    pub failures: i32,
    pub level: f64,
    pub locked_until: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    pub last_success_at: Option<OffsetDateTime>,
}

/// Locks one limit's row for this transaction, creating it if needed, so concurrent
/// attempts under the same limit are decided one after another. Callers lock scopes in
/// one fixed order (address, subject, pair) so two attempts can never wait on each other.
pub async fn lock_limit(
    conn: &mut PgConnection,
    scope: Scope,
    key: &str,
    now: OffsetDateTime,
) -> Result<LimitRow, StoreError> {
    // An upsert that always writes locks the row in the same statement, so a prune
    // between "create" and "lock" cannot make the row vanish.
    let (failures, level, locked_until, updated_at, last_success_at): (
        i32,
        f64,
        Option<OffsetDateTime>,
        OffsetDateTime,
        Option<OffsetDateTime>,
    ) = sqlx::query_as(
        "INSERT INTO signin_limits (scope, key, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key) DO UPDATE SET scope = EXCLUDED.scope
         RETURNING failures, level, locked_until, updated_at, last_success_at",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(LimitRow {
        failures,
        level,
        locked_until,
        updated_at,
        last_success_at,
    })
}

pub async fn save_limit(
    conn: &mut PgConnection,
    scope: Scope,
    key: &str,
    row: LimitRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE signin_limits SET failures = $3, level = $4, locked_until = $5, updated_at = $6,
                last_success_at = $7
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope.as_str())
    .bind(key)
    .bind(row.failures)
    .bind(row.level)
    .bind(row.locked_until)
    .bind(row.updated_at)
    .bind(row.last_success_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the limits on one subject: its backstop and its pairs with every address.
pub async fn clear_subject(conn: &mut PgConnection, subject: &str) -> Result<u64, StoreError> {
    // Rows locked subject first, then pairs: the order sign-ins lock them in.
    Ok(sqlx::query(
        "DELETE FROM signin_limits WHERE (scope, key) IN (
           SELECT scope, key FROM signin_limits
           WHERE (scope = 'subject' AND key = $1)
              OR (scope = 'pair' AND left(key, length($1) + 1) = $1 || ' ')
           ORDER BY scope = 'pair', key
           FOR UPDATE)",
    )
    .bind(subject)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Deletes limit rows untouched since `limits_before` that hold no running lockout and
/// no success since `known_before`, and attempts logged before `attempts_before`.
/// Returns the rows deleted of each.
pub async fn prune(
    conn: &mut PgConnection,
    now: OffsetDateTime,
    limits_before: OffsetDateTime,
    known_before: OffsetDateTime,
    attempts_before: OffsetDateTime,
) -> Result<(u64, u64), StoreError> {
    // Rows a sign-in holds are skipped, not waited for: pruning never deadlocks one.
    let limits = sqlx::query(
        "DELETE FROM signin_limits WHERE (scope, key) IN (
           SELECT scope, key FROM signin_limits
           WHERE updated_at < $2 AND (locked_until IS NULL OR locked_until <= $1)
             AND (last_success_at IS NULL OR last_success_at < $3)
           FOR UPDATE SKIP LOCKED)",
    )
    .bind(now)
    .bind(limits_before)
    .bind(known_before)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let attempts = sqlx::query("DELETE FROM signin_attempts WHERE at < $1")
        .bind(attempts_before)
        .execute(conn)
        .await?
        .rows_affected();
    Ok((limits, attempts))
}
