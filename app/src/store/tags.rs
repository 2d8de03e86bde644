//! Tags on users and policies, in one table keyed by the resource's id (keys compared
//! without case, as AWS does). The tagged row keeps a count the database limits.

use super::StoreError;
use crate::authz::Writer;
use crate::model::{AccountId, Tag, UniqueId};
use sqlx::PgConnection;

/// What carries tags, and where its count lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tagged {
    User,
    Policy,
    Role,
}

impl Tagged {
    fn table_and_id(self) -> (&'static str, &'static str) {
        match self {
            Self::User => ("iam_users", "user_id"),
            Self::Policy => ("managed_policies", "policy_id"),
            Self::Role => ("iam_roles", "role_id"),
        }
    }
}

pub async fn of(conn: &mut PgConnection, resource_id: &str) -> Result<Vec<Tag>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT key, value FROM resource_tags WHERE resource_id = $1 ORDER BY key_lower",
    )
    .bind(resource_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect())
}

/// Adds or replaces tags without recounting (for a row inserted with its count).
pub(crate) async fn insert(
    conn: &mut PgConnection,
    account: &AccountId,
    resource_id: &str,
    tags: &[Tag],
) -> Result<(), StoreError> {
    for tag in tags {
        sqlx::query(
            "INSERT INTO resource_tags (account_id, resource_id, key_lower, key, value)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (resource_id, key_lower) DO UPDATE SET key = EXCLUDED.key,
                value = EXCLUDED.value",
        )
        .bind(account.as_str())
        .bind(resource_id)
        .bind(tag.key.to_ascii_lowercase())
        .bind(&tag.key)
        .bind(&tag.value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds or replaces tags and recounts (the count's CHECK refuses more than 50). The
/// caller holds the tagged row's lock.
pub async fn add(
    w: &mut Writer<'_>,
    kind: Tagged,
    account: &AccountId,
    id: &UniqueId,
    tags: &[Tag],
) -> Result<(), StoreError> {
    insert(w.conn(), account, id.as_str(), tags).await?;
    recount(w.conn(), kind, id).await
}

pub async fn remove(
    w: &mut Writer<'_>,
    kind: Tagged,
    id: &UniqueId,
    keys: &[String],
) -> Result<(), StoreError> {
    let lower: Vec<String> = keys.iter().map(|k| k.to_ascii_lowercase()).collect();
    sqlx::query("DELETE FROM resource_tags WHERE resource_id = $1 AND key_lower = ANY($2)")
        .bind(id.as_str())
        .bind(&lower)
        .execute(w.conn())
        .await?;
    recount(w.conn(), kind, id).await
}

async fn recount(conn: &mut PgConnection, kind: Tagged, id: &UniqueId) -> Result<(), StoreError> {
    let (table, column) = kind.table_and_id();
    sqlx::query(&format!(
        "UPDATE {table} SET tag_count =
            (SELECT count(*) FROM resource_tags WHERE resource_id = $1)
         WHERE {column} = $1"
    ))
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}
