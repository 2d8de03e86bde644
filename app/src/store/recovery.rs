//! Recovery codes, by hash: a holder's set replaced at once, a code spent once.

use super::{Holder, StoreError};
use crate::authz::Writer;
use crate::model::AccountId;
use sqlx::PgConnection;
use time::OffsetDateTime;

/// Replaces the holder's codes (used or not) with these.
pub async fn replace(
    w: &mut Writer<'_>,
    account: &AccountId,
    holder: Holder<'_>,
    hashes: &[[u8; 32]],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    delete_for(w.conn(), account, holder).await?;
    let hashes: Vec<Vec<u8>> = hashes.iter().map(|h| h.to_vec()).collect();
    sqlx::query(
        "INSERT INTO recovery_codes (code_hash, account_id, owner, user_id, created_at)
         SELECT h, $2, $3, $4, $5 FROM unnest($1::bytea[]) AS h",
    )
    .bind(&hashes)
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Spends the holder's unused code with this hash; whether there was one. Two
/// requests with the same code cannot both set `used_at`.
pub async fn spend(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
    hash: &[u8; 32],
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $5
         WHERE code_hash = $1 AND account_id = $2 AND owner = $3
           AND user_id IS NOT DISTINCT FROM $4 AND used_at IS NULL",
    )
    .bind(hash.as_slice())
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many of the holder's codes are unused.
pub async fn remaining(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM recovery_codes
         WHERE account_id = $1 AND owner = $2 AND user_id IS NOT DISTINCT FROM $3
           AND used_at IS NULL",
    )
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .fetch_one(conn)
    .await?)
}

/// Deletes the holder's codes (their last MFA device is gone).
pub async fn delete_for(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM recovery_codes
         WHERE account_id = $1 AND owner = $2 AND user_id IS NOT DISTINCT FROM $3",
    )
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .execute(conn)
    .await?;
    Ok(())
}
