//! The activity log: every mutation, denial and sign-in, hash-chained per account.
//! `canonical` is pure so `portcullis audit verify` recomputes exactly what was hashed.

use crate::error::AppError;
use crate::store::{self, StoreError, audit::EventRow};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;
use uuid::Uuid;

/// The hash the first event of every chain points back to.
pub const GENESIS: [u8; 32] = [0; 32];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }
}

/// An event before it is chained.
#[derive(Debug, Clone)]
pub struct Event {
    pub account_id: String,
    pub at: OffsetDateTime,
    pub actor_arn: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// `iam:CreateUser`, `signin:ConsoleLogin`, ...
    pub action: String,
    pub resource: String,
    /// Request parameters with secrets removed.
    pub params: serde_json::Value,
    pub outcome: Outcome,
    pub error_code: Option<String>,
}

/// Times are stored to the microsecond; the hash covers exactly what is stored.
fn to_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.unix_timestamp_nanos() / 1000;
    OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).unwrap_or(at)
}

/// The bytes an event's hash covers, after the previous hash.
pub fn canonical(e: &EventRow) -> Vec<u8> {
    let micros = e.at.unix_timestamp_nanos() / 1000;
    let fields = serde_json::json!([
        e.account_id,
        e.seq,
        e.event_id.to_string(),
        micros.to_string(),
        e.actor_arn,
        e.source_ip,
        e.user_agent,
        e.action,
        e.resource,
        e.params,
        e.outcome,
        e.error_code,
    ]);
    fields.to_string().into_bytes()
}

pub fn chain_hash(prev: &[u8], canonical: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(canonical);
    hasher.finalize().to_vec()
}

/// Appends events to their account's chain inside the caller's transaction. The head
/// is locked last thing before commit, so the lock is held for milliseconds.
pub async fn append(conn: &mut PgConnection, events: Vec<Event>) -> Result<(), StoreError> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let account_id = first.account_id.clone();
    let (mut seq, mut prev) = store::audit::lock_head(conn, &account_id, &GENESIS).await?;
    for e in events {
        seq += 1;
        let mut row = EventRow {
            account_id: e.account_id,
            seq,
            event_id: Uuid::new_v4(),
            at: to_micros(e.at),
            actor_arn: e.actor_arn,
            source_ip: e.source_ip,
            user_agent: e.user_agent,
            action: e.action,
            resource: e.resource,
            params: e.params.to_string(),
            outcome: e.outcome.as_str().to_owned(),
            error_code: e.error_code,
            prev_hash: prev.clone(),
            hash: Vec::new(),
        };
        row.hash = chain_hash(&prev, &canonical(&row));
        store::audit::insert(conn, &row).await?;
        prev = row.hash;
    }
    store::audit::set_head(conn, &account_id, seq, &prev).await
}

/// Records one event in its own transaction: denials (the operation's own transaction
/// rolls back) and sign-ins.
pub async fn record(pool: &PgPool, event: Event) -> Result<(), AppError> {
    let mut tx = store::begin(pool).await?;
    append(&mut tx, vec![event]).await?;
    store::commit(tx).await?;
    Ok(())
}

/// What `verify` found wrong first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The event's content no longer matches its hash.
    Modified { seq: i64 },
    /// Events are missing before this one (a gap or a broken link).
    Deleted { seq: i64 },
    /// The event does not belong to the chain (after the head, or linked wrongly).
    Inserted { seq: i64 },
    /// The head names events that are no longer there.
    Truncated { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Modified { seq } => write!(f, "event {seq} was modified"),
            Self::Deleted { seq } => write!(f, "events before event {seq} were deleted"),
            Self::Inserted { seq } => write!(f, "event {seq} was inserted"),
            Self::Truncated { head_seq, last_seq } => write!(
                f,
                "events after event {last_seq} were deleted (the chain's head is at {head_seq})"
            ),
        }
    }
}

/// Walks one account's chain; `Ok(Ok(count))` when intact.
pub async fn verify(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Result<i64, Break>, StoreError> {
    let head = store::audit::head(conn, account_id).await?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_vec();
    let mut last = 0i64;
    loop {
        let page = store::audit::chain_page(conn, account_id, last, 1000).await?;
        if page.is_empty() {
            break;
        }
        for row in page {
            if let Some((head_seq, _)) = &head
                && row.seq > *head_seq
            {
                return Ok(Err(Break::Inserted { seq: row.seq }));
            }
            if row.seq != expected_seq {
                return Ok(Err(Break::Deleted { seq: row.seq }));
            }
            let computed = chain_hash(&row.prev_hash, &canonical(&row));
            if computed != row.hash {
                return Ok(Err(Break::Modified { seq: row.seq }));
            }
            if row.prev_hash != prev {
                // The row is self-consistent but does not link to its predecessor:
                // either it was put here or the one before it was replaced.
                return Ok(Err(Break::Inserted { seq: row.seq }));
            }
            prev = row.hash;
            last = row.seq;
            expected_seq += 1;
        }
    }
    match head {
        Some((head_seq, head_hash)) if head_seq != last || head_hash != prev => {
            Ok(Err(Break::Truncated {
                head_seq,
                last_seq: last,
            }))
        }
        None if last > 0 => Ok(Err(Break::Inserted { seq: 1 })),
        _ => Ok(Ok(last)),
    }
}

/// Every account that has a chain, for `audit verify` without an account.
pub async fn accounts(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    store::audit::accounts_with_events(conn).await
}
