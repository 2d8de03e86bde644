//! The activity log: every mutation, denial and sign-in, hash-chained per account.
//! `canonical` is pure so `portcullis audit verify` recomputes exactly what was hashed.

use crate::crypto::Entropy;
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

/// The canonical encoding new events are hashed with.
pub const FORM: i16 = 2;

/// The bytes an event's hash covers, after the previous hash. Form 1 (before lanes)
/// covered the number alone, which was then also the position in the chain; form 2
/// covers the number, the lane and the position.
pub fn canonical(e: &EventRow) -> Vec<u8> {
    let micros = e.at.unix_timestamp_nanos() / 1000;
    let mut fields = vec![serde_json::json!(e.account_id), serde_json::json!(e.seq)];
    if e.form != 1 {
        fields.extend([
            serde_json::json!(e.form),
            serde_json::json!(e.lane),
            serde_json::json!(e.lane_seq),
        ]);
    }
    fields.extend([
        serde_json::json!(e.event_id.to_string()),
        serde_json::json!(micros.to_string()),
        serde_json::json!(e.actor_arn),
        serde_json::json!(e.source_ip),
        serde_json::json!(e.user_agent),
        serde_json::json!(e.action),
        serde_json::json!(e.resource),
        serde_json::json!(e.params),
        serde_json::json!(e.outcome),
        serde_json::json!(e.error_code),
    ]);
    serde_json::Value::Array(fields).to_string().into_bytes()
}

pub fn chain_hash(prev: &[u8], canonical: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(canonical);
    hasher.finalize().to_vec()
}

/// Appends events to one of their account's lanes inside the caller's transaction. The
/// lane is locked last thing before commit, so the lock is held for milliseconds, and
/// concurrent writers of one account take different lanes instead of queueing.
/// Event ids come from the state's entropy, like every other id, so a test's seeded
/// entropy makes them reproducible.
pub async fn append(
    conn: &mut PgConnection,
    entropy: &dyn Entropy,
    events: Vec<Event>,
) -> Result<(), StoreError> {
    let Some(first) = events.first() else {
        return Ok(());
    };
    let account_id = first.account_id.clone();
    let mut head = store::audit::lock_lane(conn, &account_id, &GENESIS).await?;
    let numbers = store::audit::next_numbers(conn, events.len()).await?;
    for (e, seq) in events.into_iter().zip(numbers) {
        head.lane_seq += 1;
        let mut row = EventRow {
            account_id: e.account_id,
            seq,
            lane: head.lane,
            lane_seq: head.lane_seq,
            form: FORM,
            event_id: event_id(entropy),
            at: to_micros(e.at),
            actor_arn: e.actor_arn,
            source_ip: e.source_ip,
            user_agent: e.user_agent,
            action: e.action,
            resource: e.resource,
            params: e.params.to_string(),
            outcome: e.outcome.as_str().to_owned(),
            error_code: e.error_code,
            prev_hash: std::mem::take(&mut head.hash),
            hash: Vec::new(),
        };
        row.hash = chain_hash(&row.prev_hash, &canonical(&row));
        store::audit::insert(conn, &row).await?;
        head.hash = row.hash;
    }
    store::audit::set_head(conn, &account_id, &head).await
}

/// A random (version 4) UUID from `entropy`.
fn event_id(entropy: &dyn Entropy) -> Uuid {
    let mut bytes = [0; 16];
    entropy.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Records one event in its own transaction: denials (the operation's own transaction
/// rolls back) and sign-ins.
pub async fn record(pool: &PgPool, entropy: &dyn Entropy, event: Event) -> Result<(), AppError> {
    let mut tx = store::begin(pool).await?;
    append(&mut tx, entropy, vec![event]).await?;
    store::commit(tx).await?;
    Ok(())
}

/// What `verify` found wrong first. Events are named by their number in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The event's content no longer matches its hash.
    Modified { seq: i64 },
    /// Events are missing before this one (a gap or a broken link).
    Deleted { seq: i64 },
    /// The event does not belong to the chain (after the head, or linked wrongly).
    Inserted { seq: i64 },
    /// The lane's head names events that are no longer there: those after `last_seq`
    /// (`None`: all of the lane's events).
    Truncated { lane: i16, last_seq: Option<i64> },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Modified { seq } => write!(f, "event {seq} was modified"),
            Self::Deleted { seq } => write!(f, "events before event {seq} were deleted"),
            Self::Inserted { seq } => write!(f, "event {seq} was inserted"),
            Self::Truncated {
                lane,
                last_seq: Some(seq),
            } => write!(
                f,
                "events after event {seq} were deleted (chain {lane}'s head is further on)"
            ),
            Self::Truncated {
                lane,
                last_seq: None,
            } => write!(f, "every event of chain {lane} was deleted"),
        }
    }
}

/// Walks every lane of one account's log; `Ok(Ok(count))` when intact. The first break
/// found is reported, lane by lane.
pub async fn verify(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Result<i64, Break>, StoreError> {
    let heads = store::audit::heads(conn, account_id).await?;
    let mut total = 0;
    // Every lane the schema allows, so events in a lane without a head are found too.
    for lane in 0..store::audit::LANES {
        let head = heads.iter().find(|h| h.lane == lane);
        match verify_lane(conn, account_id, lane, head).await? {
            Ok(count) => total += count,
            Err(found) => return Ok(Err(found)),
        }
    }
    Ok(Ok(total))
}

async fn verify_lane(
    conn: &mut PgConnection,
    account_id: &str,
    lane: i16,
    head: Option<&store::audit::Head>,
) -> Result<Result<i64, Break>, StoreError> {
    let mut prev = GENESIS.to_vec();
    let mut position = 0i64;
    let mut last_seq = None;
    loop {
        let page = store::audit::chain_page(conn, account_id, lane, position, 1000).await?;
        if page.is_empty() {
            break;
        }
        for row in page {
            if head.is_none_or(|h| row.lane_seq > h.lane_seq) {
                return Ok(Err(Break::Inserted { seq: row.seq }));
            }
            if row.lane_seq != position + 1 {
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
            position = row.lane_seq;
            last_seq = Some(row.seq);
        }
    }
    match head {
        Some(h) if h.lane_seq != position || h.hash != prev => {
            Ok(Err(Break::Truncated { lane, last_seq }))
        }
        _ => Ok(Ok(position)),
    }
}

/// Every account that has a chain, for `audit verify` without an account.
pub async fn accounts(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    store::audit::accounts_with_events(conn).await
}
