//! Every sealed secret in the database, whatever it belongs to: for master-key rotation
//! and the start-up check that the server holds the keys that sealed them.

use super::StoreError;
use sqlx::{FromRow, PgConnection};

/// What a sealed secret belongs to, which is also what it was sealed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    AccessKey,
    MfaSeed,
    SessionKey,
}

#[derive(Debug, Clone)]
pub struct SealedSecret {
    pub kind: SecretKind,
    /// The access key id (long-term or temporary) or the device's serial number.
    pub id: String,
    pub sealed: Vec<u8>,
}

/// Every secret in one relation, so the queries below read as one table.
const ALL: &str = "SELECT 'access_key' AS kind, access_key_id AS id, secret_sealed AS sealed
                       FROM access_keys
                   UNION ALL
                   SELECT 'mfa_seed', serial_number, seed_sealed FROM mfa_devices
                   UNION ALL
                   SELECT 'session_key', access_key_id, secret_sealed FROM session_credentials";

/// The keys (by public name) that sealed the stored secrets, with how many each.
pub async fn key_ids_in_use(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT encode(substring(sealed FROM 2 FOR 8), 'hex') AS key_id, count(*)
         FROM ({ALL}) s GROUP BY 1 ORDER BY 1"
    ))
    .fetch_all(conn)
    .await?)
}

/// Up to `limit` secrets sealed by another key than `key_id`.
pub async fn sealed_by_others(
    conn: &mut PgConnection,
    key_id: &str,
    limit: i64,
) -> Result<Vec<SealedSecret>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        kind: String,
        id: String,
        sealed: Vec<u8>,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT kind, id, sealed FROM ({ALL}) s
         WHERE encode(substring(sealed FROM 2 FOR 8), 'hex') <> $1 LIMIT $2"
    ))
    .bind(key_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind = match r.kind.as_str() {
                "access_key" => SecretKind::AccessKey,
                "mfa_seed" => SecretKind::MfaSeed,
                "session_key" => SecretKind::SessionKey,
                other => return Err(StoreError::Corrupt(format!("secret kind {other}"))),
            };
            Ok(SealedSecret {
                kind,
                id: r.id,
                sealed: r.sealed,
            })
        })
        .collect()
}

/// Replaces a secret's sealed form, unless it changed since it was read; whether it
/// was replaced.
pub async fn replace(
    conn: &mut PgConnection,
    secret: &SealedSecret,
    resealed: &[u8],
) -> Result<bool, StoreError> {
    let sql = match secret.kind {
        SecretKind::AccessKey => {
            "UPDATE access_keys SET secret_sealed = $3 WHERE access_key_id = $1 AND secret_sealed = $2"
        }
        SecretKind::MfaSeed => {
            "UPDATE mfa_devices SET seed_sealed = $3 WHERE serial_number = $1 AND seed_sealed = $2"
        }
        SecretKind::SessionKey => {
            "UPDATE session_credentials SET secret_sealed = $3
             WHERE access_key_id = $1 AND secret_sealed = $2"
        }
    };
    let done = sqlx::query(sql)
        .bind(&secret.id)
        .bind(&secret.sealed)
        .bind(resealed)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
