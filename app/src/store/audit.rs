//! The audit log's rows and the per-account chain head.

use super::StoreError;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

/// An event as stored (and as `canonical` hashes it).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct EventRow {
    pub account_id: String,
    /// The event's number in the account's log (the Activity page's order).
    pub seq: i64,
    /// Which of the account's chains holds the event, and its position there.
    pub lane: i16,
    pub lane_seq: i64,
    /// The canonical encoding its hash covers (see `audit::canonical`).
    pub form: i16,
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

/// The lanes (chains) each account has.
pub const LANES: i16 = 8;

/// A lane's head: its last position and hash.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Head {
    pub lane: i16,
    pub lane_seq: i64,
    pub hash: Vec<u8>,
}

/// Locks one of the account's lanes for this transaction: the first that no other
/// transaction holds, or when all are held, one at random (waiting for it). Creates the
/// lanes at position 0 the first time.
pub async fn lock_lane(
    conn: &mut PgConnection,
    account_id: &str,
    genesis: &[u8],
) -> Result<Head, StoreError> {
    let free: Option<Head> = sqlx::query_as(
        "SELECT lane, lane_seq, hash FROM audit_heads WHERE account_id = $1
         ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(head) = free {
        return Ok(head);
    }
    sqlx::query(
        "INSERT INTO audit_heads (account_id, lane, lane_seq, hash)
         SELECT $1, lane, 0, $2 FROM generate_series(0, $3 - 1) AS lane
         ON CONFLICT (account_id, lane) DO NOTHING",
    )
    .bind(account_id)
    .bind(genesis)
    .bind(LANES)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_as(
        "SELECT lane, lane_seq, hash FROM audit_heads
         WHERE account_id = $1 AND lane = (SELECT floor(random() * $2)::smallint)
         FOR UPDATE",
    )
    .bind(account_id)
    .bind(f64::from(LANES))
    .fetch_one(conn)
    .await?)
}

/// Numbers for `count` new events.
pub async fn next_numbers(conn: &mut PgConnection, count: usize) -> Result<Vec<i64>, StoreError> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    Ok(
        sqlx::query_scalar("SELECT nextval('audit_event_seq') FROM generate_series(1, $1)")
            .bind(count)
            .fetch_all(conn)
            .await?,
    )
}

pub async fn set_head(
    conn: &mut PgConnection,
    account_id: &str,
    head: &Head,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE audit_heads SET lane_seq = $3, hash = $4 WHERE account_id = $1 AND lane = $2",
    )
    .bind(account_id)
    .bind(head.lane)
    .bind(head.lane_seq)
    .bind(&head.hash)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert(conn: &mut PgConnection, e: &EventRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (account_id, seq, lane, lane_seq, form, event_id, at,
            actor_arn, source_ip, user_agent, action, resource, params, outcome, error_code,
            prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&e.account_id)
    .bind(e.seq)
    .bind(e.lane)
    .bind(e.lane_seq)
    .bind(e.form)
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

const COLUMNS: &str =
    "account_id, seq, lane, lane_seq, form, event_id, at, actor_arn, source_ip, user_agent, action,
    resource, params, outcome, error_code, prev_hash, hash";

/// Events of one lane in chain order, after position `after`, at most `limit`.
pub async fn chain_page(
    conn: &mut PgConnection,
    account_id: &str,
    lane: i16,
    after: i64,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events
         WHERE account_id = $1 AND lane = $2 AND lane_seq > $3
         ORDER BY lane_seq LIMIT $4"
    ))
    .bind(account_id)
    .bind(lane)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// The account's lane heads.
pub async fn heads(conn: &mut PgConnection, account_id: &str) -> Result<Vec<Head>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT lane, lane_seq, hash FROM audit_heads WHERE account_id = $1 ORDER BY lane",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?)
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

/// The account's directory generation: the sum of its lanes' positions, which every
/// committed change advances (see `authz::cache`).
pub async fn generation(conn: &mut PgConnection, account_id: &str) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(sum(lane_seq), 0)::bigint FROM audit_heads WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(conn)
    .await?)
}
