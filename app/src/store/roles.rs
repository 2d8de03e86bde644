//! IAM roles and their tags (policies are in `policies`, through `Holder::Role`).

use super::name_page::like_escape;
use super::{StoreError, decode};
use crate::authz::Writer;
use crate::model::{AccountId, IamPath, IdKind, Role, RoleName, Tag, UniqueId, arn};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

/// One role with its tags and its boundary's ARN, in one statement.
const SELECT: &str = "SELECT r.role_id, r.account_id, r.name, r.path, r.description,
        r.trust_policy, r.max_session_duration, r.created_at, r.last_used_at,
        r.last_used_region,
        CASE WHEN b.policy_id IS NULL THEN NULL
             WHEN b.account_id IS NULL THEN 'arn:aws:iam::aws:policy' || b.path || b.name
             ELSE 'arn:aws:iam::' || b.account_id || ':policy' || b.path || b.name END
          AS boundary_arn,
        ARRAY(SELECT t.key FROM resource_tags t WHERE t.resource_id = r.role_id
               ORDER BY t.key_lower) AS tag_keys,
        ARRAY(SELECT t.value FROM resource_tags t WHERE t.resource_id = r.role_id
               ORDER BY t.key_lower) AS tag_values
    FROM iam_roles r LEFT JOIN managed_policies b ON b.policy_id = r.boundary_policy_id";

#[derive(FromRow)]
struct RoleRow {
    role_id: String,
    account_id: String,
    name: String,
    path: String,
    description: String,
    trust_policy: String,
    max_session_duration: i32,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    last_used_region: Option<String>,
    boundary_arn: Option<String>,
    tag_keys: Vec<String>,
    tag_values: Vec<String>,
}

fn to_role(row: RoleRow) -> Result<Role, StoreError> {
    let account = decode("account_id", &row.account_id, AccountId::parse)?;
    let name = decode("name", &row.name, RoleName::parse)?;
    let path = decode("path", &row.path, IamPath::parse)?;
    Ok(Role {
        id: decode("role_id", &row.role_id, |s| {
            UniqueId::parse(IdKind::Role, s)
        })?,
        arn: arn::role(&account, &path, &name),
        account,
        name,
        path,
        description: row.description,
        trust_policy: row.trust_policy,
        max_session_duration: row.max_session_duration,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        last_used_region: row.last_used_region,
        permissions_boundary: row.boundary_arn,
        tags: row
            .tag_keys
            .into_iter()
            .zip(row.tag_values)
            .map(|(key, value)| Tag { key, value })
            .collect(),
    })
}

pub struct NewRole<'a> {
    pub id: &'a UniqueId,
    pub account: &'a AccountId,
    pub name: &'a RoleName,
    pub path: &'a IamPath,
    pub description: &'a str,
    pub trust_policy: &'a str,
    pub max_session_duration: i32,
    pub tags: &'a [Tag],
    pub now: OffsetDateTime,
}

pub async fn insert(w: &mut Writer<'_>, new: NewRole<'_>) -> Result<(), StoreError> {
    let tag_count = i32::try_from(new.tags.len()).unwrap_or(i32::MAX);
    sqlx::query(
        "INSERT INTO iam_roles (role_id, account_id, name, name_key, path, description,
             trust_policy, max_session_duration, created_at, tag_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new.id.as_str())
    .bind(new.account.as_str())
    .bind(new.name.as_str())
    .bind(new.name.key())
    .bind(new.path.as_str())
    .bind(new.description)
    .bind(new.trust_policy)
    .bind(new.max_session_duration)
    .bind(new.now)
    .bind(tag_count)
    .execute(w.conn())
    .await?;
    super::tags::insert(w.conn(), new.account, new.id.as_str(), new.tags).await
}

pub async fn find_by_name(
    conn: &mut PgConnection,
    account: &AccountId,
    name: &RoleName,
) -> Result<Option<Role>, StoreError> {
    let row: Option<RoleRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.account_id = $1 AND r.name_key = $2"
    ))
    .bind(account.as_str())
    .bind(name.key())
    .fetch_optional(conn)
    .await?;
    row.map(to_role).transpose()
}

pub async fn find_by_id(conn: &mut PgConnection, id: &str) -> Result<Option<Role>, StoreError> {
    let row: Option<RoleRow> = sqlx::query_as(&format!("{SELECT} WHERE r.role_id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(to_role).transpose()
}

/// One page of the account's roles under a path prefix, by name key.
pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    path_prefix: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Role>, StoreError> {
    let rows: Vec<RoleRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.account_id = $1 AND r.path LIKE $2
            AND ($3::text IS NULL OR r.name_key > $3)
          ORDER BY r.name_key LIMIT $4"
    ))
    .bind(account.as_str())
    .bind(format!("{}%", like_escape(path_prefix)))
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_role).collect()
}

/// Locks a role's row for the rest of the transaction (its counts).
pub async fn lock(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("SELECT 1 FROM iam_roles WHERE role_id = $1 FOR UPDATE")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// UpdateRole / UpdateRoleDescription: `None` leaves a field as it is.
pub async fn update(
    w: &mut Writer<'_>,
    id: &UniqueId,
    description: Option<&str>,
    max_session_duration: Option<i32>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE iam_roles SET description = COALESCE($2, description),
                max_session_duration = COALESCE($3, max_session_duration)
          WHERE role_id = $1",
    )
    .bind(id.as_str())
    .bind(description)
    .bind(max_session_duration)
    .execute(w.conn())
    .await?;
    Ok(())
}

pub async fn set_trust_policy(
    w: &mut Writer<'_>,
    id: &UniqueId,
    document: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE iam_roles SET trust_policy = $2 WHERE role_id = $1")
        .bind(id.as_str())
        .bind(document)
        .execute(w.conn())
        .await?;
    Ok(())
}

/// What still hangs on a role (DeleteRole refuses while any does).
pub struct Dependents {
    pub attached: i32,
    pub inline: i32,
}

pub async fn dependents(conn: &mut PgConnection, id: &UniqueId) -> Result<Dependents, StoreError> {
    let (attached, inline): (i32, i32) =
        sqlx::query_as("SELECT attached_count, inline_count FROM iam_roles WHERE role_id = $1")
            .bind(id.as_str())
            .fetch_optional(conn)
            .await?
            .unwrap_or((0, 0));
    Ok(Dependents { attached, inline })
}

/// Deletes a role, its tags and (by cascade) its sessions.
pub async fn delete(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM resource_tags WHERE resource_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    sqlx::query("DELETE FROM iam_roles WHERE role_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// Notes that a role was assumed (RoleLastUsed), at most once a minute per role.
pub async fn record_use(
    conn: &mut PgConnection,
    id: &UniqueId,
    at: OffsetDateTime,
    region: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE iam_roles SET last_used_at = $2, last_used_region = $3
          WHERE role_id = $1
            AND (last_used_at IS NULL OR last_used_at < $2 - interval '1 minute')",
    )
    .bind(id.as_str())
    .bind(at)
    .bind(region)
    .execute(conn)
    .await?;
    Ok(())
}
