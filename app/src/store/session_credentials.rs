//! Temporary credentials (GetSessionToken): sealed secrets and token hashes.

use super::StoreError;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

pub struct NewSession<'a> {
    pub access_key_id: &'a str,
    pub account_id: &'a str,
    pub user_id: Option<&'a str>,
    pub source_key_id: &'a str,
    pub secret_sealed: &'a [u8],
    pub token_sha256: &'a [u8],
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mfa_at: Option<OffsetDateTime>,
}

pub async fn insert(conn: &mut PgConnection, new: NewSession<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO session_credentials (access_key_id, account_id, user_id, source_key_id,
             secret_sealed, token_sha256, issued_at, expires_at, mfa_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.access_key_id)
    .bind(new.account_id)
    .bind(new.user_id)
    .bind(new.source_key_id)
    .bind(new.secret_sealed)
    .bind(new.token_sha256)
    .bind(new.issued_at)
    .bind(new.expires_at)
    .bind(new.mfa_at)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
pub struct SessionRow {
    pub account_id: String,
    pub user_id: Option<String>,
    pub secret_sealed: Vec<u8>,
    pub token_sha256: Vec<u8>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mfa_at: Option<OffsetDateTime>,
}

pub async fn find(conn: &mut PgConnection, id: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT account_id, user_id, secret_sealed, token_sha256, issued_at, expires_at, mfa_at
         FROM session_credentials WHERE access_key_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Forgets credentials that expired before `before`.
pub async fn prune(conn: &mut PgConnection, before: OffsetDateTime) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("DELETE FROM session_credentials WHERE expires_at < $1")
            .bind(before)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
