//! Temporary credentials (GetSessionToken, AssumeRole): sealed secrets, token hashes,
//! and for role sessions what narrows them.

use super::StoreError;
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

pub struct NewSession<'a> {
    pub access_key_id: &'a str,
    pub account_id: &'a str,
    pub user_id: Option<&'a str>,
    pub source_key_id: Option<&'a str>,
    pub secret_sealed: &'a [u8],
    pub token_sha256: &'a [u8],
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mfa_at: Option<OffsetDateTime>,
    pub role: Option<RoleSessionRow<'a>>,
}

/// What a role session carries besides its key.
pub struct RoleSessionRow<'a> {
    pub role_id: &'a str,
    pub session_name: &'a str,
    pub session_policy: Option<&'a str>,
    pub session_policy_ids: &'a [String],
    pub tag_keys: &'a [String],
    pub tag_values: &'a [String],
    pub transitive_tag_keys: &'a [String],
    pub source_identity: Option<&'a str>,
    pub chained: bool,
    pub source_arn: &'a str,
}

pub async fn insert(conn: &mut PgConnection, new: NewSession<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO session_credentials (access_key_id, account_id, user_id, source_key_id,
             secret_sealed, token_sha256, issued_at, expires_at, mfa_at, role_id,
             session_name, session_policy, session_policy_ids, session_tag_keys,
             session_tag_values, transitive_tag_keys, source_identity, chained, source_arn)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19)",
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
    .bind(new.role.as_ref().map(|r| r.role_id))
    .bind(new.role.as_ref().map(|r| r.session_name))
    .bind(new.role.as_ref().and_then(|r| r.session_policy))
    .bind(new.role.as_ref().map_or(&[][..], |r| r.session_policy_ids))
    .bind(new.role.as_ref().map_or(&[][..], |r| r.tag_keys))
    .bind(new.role.as_ref().map_or(&[][..], |r| r.tag_values))
    .bind(new.role.as_ref().map_or(&[][..], |r| r.transitive_tag_keys))
    .bind(new.role.as_ref().and_then(|r| r.source_identity))
    .bind(new.role.as_ref().is_some_and(|r| r.chained))
    .bind(new.role.as_ref().map(|r| r.source_arn))
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
    pub role_id: Option<String>,
    pub session_name: Option<String>,
    pub session_policy: Option<String>,
    pub session_policy_ids: Vec<String>,
    pub session_tag_keys: Vec<String>,
    pub session_tag_values: Vec<String>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub chained: bool,
    pub source_arn: Option<String>,
}

pub async fn find(conn: &mut PgConnection, id: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT account_id, user_id, secret_sealed, token_sha256, issued_at, expires_at, mfa_at,
                role_id, session_name, session_policy, session_policy_ids, session_tag_keys,
                session_tag_values, transitive_tag_keys, source_identity, chained, source_arn
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
