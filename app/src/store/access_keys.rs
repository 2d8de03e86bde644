//! Access keys: sealed secrets, status, and last use, counted against their holder's
//! limit of two.

use super::{Holder, StoreError, decode};
use crate::authz::Writer;
use crate::model::{
    AccessKey, AccessKeyId, AccessKeyStatus, Account, AccountId, KeyLastUse, UserName,
};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

#[derive(FromRow)]
struct KeyRow {
    access_key_id: String,
    user_name: Option<String>,
    status: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    last_used_service: Option<String>,
    last_used_region: Option<String>,
}

const SELECT: &str = "SELECT k.access_key_id, u.name AS user_name, k.status, k.created_at,
        k.last_used_at, k.last_used_service, k.last_used_region
    FROM access_keys k LEFT JOIN iam_users u ON u.user_id = k.user_id";

fn to_key(row: KeyRow) -> Result<AccessKey, StoreError> {
    let last_used = match (
        row.last_used_at,
        row.last_used_service,
        row.last_used_region,
    ) {
        (Some(at), Some(service), Some(region)) => Some(KeyLastUse {
            at,
            service,
            region,
        }),
        _ => None,
    };
    Ok(AccessKey {
        id: decode("access_key_id", &row.access_key_id, AccessKeyId::parse)?,
        user_name: row
            .user_name
            .map(|n| decode("user name", &n, UserName::parse))
            .transpose()?,
        status: decode("status", &row.status, AccessKeyStatus::parse)?,
        created_at: row.created_at,
        last_used,
    })
}

pub struct NewKey<'a> {
    pub id: &'a AccessKeyId,
    pub account: &'a AccountId,
    pub holder: Holder<'a>,
    pub secret_sealed: &'a [u8],
    pub now: OffsetDateTime,
}

/// Stores a new active key and counts it against the holder's limit of two
/// (`iam_users_access_key_limit`, `accounts_root_access_key_limit`).
pub async fn insert(w: &mut Writer<'_>, new: NewKey<'_>) -> Result<(), StoreError> {
    count(w, new.account, new.holder, 1).await?;
    sqlx::query(
        "INSERT INTO access_keys (access_key_id, account_id, owner, user_id, secret_sealed,
                                  created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new.id.as_str())
    .bind(new.account.as_str())
    .bind(new.holder.kind())
    .bind(new.holder.user_id())
    .bind(new.secret_sealed)
    .bind(new.now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// The key with this id in this account, whoever holds it, locked for the transaction,
/// with the id of the IAM user holding it.
pub async fn find_for_update(
    conn: &mut PgConnection,
    account: &AccountId,
    id: &AccessKeyId,
) -> Result<Option<(AccessKey, Option<String>)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        key: KeyRow,
        user_id: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT k.access_key_id, u.name AS user_name, k.status, k.created_at, k.last_used_at,
                k.last_used_service, k.last_used_region, k.user_id
         FROM access_keys k LEFT JOIN iam_users u ON u.user_id = k.user_id
         WHERE k.account_id = $1 AND k.access_key_id = $2 FOR UPDATE OF k",
    )
    .bind(account.as_str())
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((to_key(r.key)?, r.user_id))).transpose()
}

/// The holder's keys, oldest first.
pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<Vec<AccessKey>, StoreError> {
    let rows: Vec<KeyRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE k.account_id = $1 AND k.owner = $2
           AND k.user_id IS NOT DISTINCT FROM $3
         ORDER BY k.created_at, k.access_key_id"
    ))
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_key).collect()
}

pub async fn set_status(
    w: &mut Writer<'_>,
    id: &AccessKeyId,
    status: AccessKeyStatus,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE access_keys SET status = $2 WHERE access_key_id = $1")
        .bind(id.as_str())
        .bind(status.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// Deletes the holder's key; false when the holder has no key by that id.
pub async fn delete(
    w: &mut Writer<'_>,
    account: &AccountId,
    id: &AccessKeyId,
    holder: Holder<'_>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM access_keys WHERE account_id = $1 AND access_key_id = $2 AND owner = $3
           AND user_id IS NOT DISTINCT FROM $4",
    )
    .bind(account.as_str())
    .bind(id.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .execute(w.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    count(w, account, holder, -1).await?;
    Ok(true)
}

/// How many keys the holder has (the dashboard's root-keys item, DeleteUser).
pub async fn count_for(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM access_keys
         WHERE account_id = $1 AND owner = $2 AND user_id IS NOT DISTINCT FROM $3",
    )
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .fetch_one(conn)
    .await?)
}

async fn count(
    w: &mut Writer<'_>,
    account: &AccountId,
    holder: Holder<'_>,
    by: i32,
) -> Result<(), StoreError> {
    match holder {
        Holder::Root => {
            sqlx::query(
                "UPDATE accounts SET root_access_key_count = root_access_key_count + $2
                 WHERE account_id = $1",
            )
            .bind(account.as_str())
            .bind(by)
            .execute(w.conn())
            .await?;
        }
        Holder::User(id) => {
            sqlx::query(
                "UPDATE iam_users SET access_key_count = access_key_count + $2 WHERE user_id = $1",
            )
            .bind(id)
            .bind(by)
            .execute(w.conn())
            .await?;
        }
    }
    Ok(())
}

/// A key as an API request's signature needs it: whose it is, whether it is active, and
/// its sealed secret. Any account: the key id alone names it.
pub struct SigningRow {
    pub account: Account,
    pub user_id: Option<String>,
    pub status: String,
    pub secret_sealed: Vec<u8>,
    /// The account's directory generation in the same snapshot (`authz::cache`).
    pub generation: i64,
}

/// A key with its account, in one statement (it is read on every API request).
pub async fn find_for_signing(
    conn: &mut PgConnection,
    id: &AccessKeyId,
) -> Result<Option<SigningRow>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        account: super::accounts::AccountRow,
        user_id: Option<String>,
        status: String,
        secret_sealed: Vec<u8>,
        generation: i64,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT a.account_id, a.alias, a.root_email, a.created_at,
                k.user_id, k.status, k.secret_sealed,
                (SELECT COALESCE(sum(h.lane_seq), 0)::bigint FROM audit_heads h
                  WHERE h.account_id = k.account_id) AS generation
           FROM access_keys k JOIN accounts a ON a.account_id = k.account_id
          WHERE k.access_key_id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(SigningRow {
            account: Account::try_from(r.account)?,
            user_id: r.user_id,
            status: r.status,
            secret_sealed: r.secret_sealed,
            generation: r.generation,
        })
    })
    .transpose()
}

/// Records that the key signed a request (GetAccessKeyLastUsed), unless a use within
/// `every` of `now` is already recorded: at most one write per key per period, however
/// many servers and requests.
pub async fn record_use(
    conn: &mut PgConnection,
    id: &AccessKeyId,
    now: OffsetDateTime,
    service: &str,
    region: &str,
    every: time::Duration,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE access_keys
         SET last_used_at = $2, last_used_service = $3, last_used_region = $4
         WHERE access_key_id = $1 AND (last_used_at IS NULL OR last_used_at <= $5)",
    )
    .bind(id.as_str())
    .bind(now)
    .bind(service)
    .bind(region)
    .bind(now - every)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account of a long-term or temporary key id, whatever its state.
pub async fn account_of(
    conn: &mut PgConnection,
    id: &AccessKeyId,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT account_id FROM access_keys WHERE access_key_id = $1
         UNION ALL
         SELECT account_id FROM session_credentials WHERE access_key_id = $1
         LIMIT 1",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?)
}
