//! The audit log's rows and the per-account chain head.

use super::StoreError;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

/// An event as stored (and as `canonical` hashes it).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EventRow {
    pub account_id: String,
    pub seq: i64,
    pub event_id: Uuid,
    pub at: OffsetDateTime,
    pub actor_arn: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub action: String,
    pub resource: String,
    pub params: String,
    pub outcome: String,
    pub error_code: Option<String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Locks the account's chain head (creating it at sequence 0), for this transaction.
pub async fn lock_head(
    conn: &mut PgConnection,
    account_id: &str,
    genesis: &[u8],
) -> Result<(i64, Vec<u8>), StoreError> {
    Ok(sqlx::query_as(
        "INSERT INTO audit_heads (account_id, seq, hash) VALUES ($1, 0, $2)
         ON CONFLICT (account_id) DO UPDATE SET account_id = EXCLUDED.account_id
         RETURNING seq, hash",
    )
    .bind(account_id)
    .bind(genesis)
    .fetch_one(conn)
    .await?)
}

pub async fn set_head(
    conn: &mut PgConnection,
    account_id: &str,
    seq: i64,
    hash: &[u8],
) -> Result<(), StoreError> {
    sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE account_id = $1")
        .bind(account_id)
        .bind(seq)
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert(conn: &mut PgConnection, e: &EventRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (account_id, seq, event_id, at, actor_arn, source_ip,
            user_agent, action, resource, params, outcome, error_code, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&e.account_id)
    .bind(e.seq)
    .bind(e.event_id)
    .bind(e.at)
    .bind(&e.actor_arn)
    .bind(&e.source_ip)
    .bind(&e.user_agent)
    .bind(&e.action)
    .bind(&e.resource)
    .bind(&e.params)
    .bind(&e.outcome)
    .bind(&e.error_code)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(conn)
    .await?;
    Ok(())
}

const COLUMNS: &str = "account_id, seq, event_id, at, actor_arn, source_ip, user_agent, action,
    resource, params, outcome, error_code, prev_hash, hash";

/// Events of one account in chain order, from `after_seq` on, at most `limit`.
pub async fn chain_page(
    conn: &mut PgConnection,
    account_id: &str,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE account_id = $1 AND seq > $2
         ORDER BY seq LIMIT $3"
    ))
    .bind(account_id)
    .bind(after_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

pub async fn head(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?,
    )
}

pub async fn accounts_with_events(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT account_id FROM audit_heads
         UNION SELECT DISTINCT account_id FROM audit_events ORDER BY 1",
    )
    .fetch_all(conn)
    .await?)
}

/// Filters for the Activity page.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub actor: Option<&'a str>,
    pub action: Option<&'a str>,
    pub resource: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Keyset: continue strictly before this sequence number.
    pub before_seq: Option<i64>,
}

/// Newest first.
pub async fn list(
    conn: &mut PgConnection,
    account_id: &str,
    f: &Filter<'_>,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events
         WHERE account_id = $1
           AND ($2::text IS NULL OR actor_arn = $2)
           AND ($3::text IS NULL OR action = $3)
           AND ($4::text IS NULL OR resource = $4)
           AND ($5::text IS NULL OR outcome = $5)
           AND ($6::timestamptz IS NULL OR at >= $6)
           AND ($7::timestamptz IS NULL OR at < $7)
           AND ($8::bigint IS NULL OR seq < $8)
         ORDER BY seq DESC LIMIT $9"
    ))
    .bind(account_id)
    .bind(f.actor)
    .bind(f.action)
    .bind(f.resource)
    .bind(f.outcome)
    .bind(f.from)
    .bind(f.to)
    .bind(f.before_seq)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
