use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct SessionRecord {
    pub account_id: String,
    pub principal_name: String,
    pub signed_in_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

pub struct NewSession<'a> {
    pub id: Uuid,
    pub account_id: &'a str,
    pub principal_name: &'a str,
    pub now: OffsetDateTime,
    pub source_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, new: NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO console_sessions
           (id, account_id, principal_kind, principal_name, signed_in_at, last_seen_at,
            source_ip, user_agent)
         VALUES ($1, $2, 'root', $3, $4, $4, $5, $6)",
    )
    .bind(new.id)
    .bind(new.account_id)
    .bind(new.principal_name)
    .bind(new.now)
    .bind(new.source_ip)
    .bind(new.user_agent)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn find(conn: &mut PgConnection, id: Uuid) -> Result<Option<SessionRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account_id, principal_name, signed_in_at, last_seen_at, ended_at
         FROM console_sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn touch(
    conn: &mut PgConnection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE console_sessions SET last_seen_at = greatest(last_seen_at, $2)
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, Copy)]
pub enum EndReason {
    SignedOut,
    IdleTimeout,
    LifetimeExceeded,
}

impl EndReason {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignedOut => "signed_out",
            Self::IdleTimeout => "idle_timeout",
            Self::LifetimeExceeded => "lifetime_exceeded",
        }
    }
}

pub async fn end(
    conn: &mut PgConnection,
    id: Uuid,
    now: OffsetDateTime,
    reason: EndReason,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE console_sessions SET ended_at = $2, end_reason = $3
         WHERE id = $1 AND ended_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(reason.as_str())
    .execute(conn)
    .await
    .map(|_| ())
}
