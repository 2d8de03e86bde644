//! Groups, their members (users and, our extension, groups) and what hangs on them.

use super::{
    StoreError, decode,
    name_page::{NamePage, Sort},
};
use crate::authz::Writer;
use crate::model::{AccountId, Group, GroupName, IamPath, IdKind, UniqueId, arn};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

#[derive(FromRow)]
struct GroupRow {
    group_id: String,
    account_id: String,
    name: String,
    path: String,
    created_at: OffsetDateTime,
}

const SELECT: &str = "SELECT g.group_id, g.account_id, g.name, g.path, g.created_at
    FROM iam_groups g";

fn to_group(row: GroupRow) -> Result<Group, StoreError> {
    let account = decode("account_id", &row.account_id, AccountId::parse)?;
    let name = decode("name", &row.name, GroupName::parse)?;
    let path = decode("path", &row.path, IamPath::parse)?;
    Ok(Group {
        id: decode("group_id", &row.group_id, |s| {
            UniqueId::parse(IdKind::Group, s)
        })?,
        arn: arn::group(&account, &path, &name),
        account,
        name,
        path,
        created_at: row.created_at,
    })
}

fn to_groups(rows: Vec<GroupRow>) -> Result<Vec<Group>, StoreError> {
    rows.into_iter().map(to_group).collect()
}

pub struct NewGroup<'a> {
    pub id: &'a UniqueId,
    pub account: &'a AccountId,
    pub name: &'a GroupName,
    pub path: &'a IamPath,
    pub now: OffsetDateTime,
}

pub async fn insert(w: &mut Writer<'_>, new: NewGroup<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO iam_groups (group_id, account_id, name, name_key, path, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new.id.as_str())
    .bind(new.account.as_str())
    .bind(new.name.as_str())
    .bind(new.name.key())
    .bind(new.path.as_str())
    .bind(new.now)
    .execute(w.conn())
    .await?;
    Ok(())
}

pub async fn find_by_name(
    conn: &mut PgConnection,
    account: &AccountId,
    name: &GroupName,
) -> Result<Option<Group>, StoreError> {
    let row: Option<GroupRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE g.account_id = $1 AND g.name_key = $2"
    ))
    .bind(account.as_str())
    .bind(name.key())
    .fetch_optional(conn)
    .await?;
    row.map(to_group).transpose()
}

pub async fn find_by_id(conn: &mut PgConnection, id: &str) -> Result<Option<Group>, StoreError> {
    let row: Option<GroupRow> = sqlx::query_as(&format!("{SELECT} WHERE g.group_id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(to_group).transpose()
}

/// One page of groups by name, as `store::users::list` does for users.
pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    path_prefix: &str,
    search: Option<&str>,
    after_key: Option<&str>,
    limit: i64,
) -> Result<Vec<Group>, StoreError> {
    let page = NamePage {
        table: "iam_groups",
        id: "group_id",
        account: account.as_str(),
        path_prefix,
        search,
        sort: Sort::Name { after: after_key },
        descending: false,
        limit,
    };
    let mut query = page.start();
    query.push(format!(
        "{SELECT} JOIN page p ON p.id = g.group_id ORDER BY {}",
        page.order_by("g.")
    ));
    let rows: Vec<GroupRow> = query.build_query_as().fetch_all(conn).await?;
    to_groups(rows)
}

/// The groups a user is directly in, by name.
pub async fn for_user(
    conn: &mut PgConnection,
    user_id: &str,
    after_key: Option<&str>,
    limit: i64,
) -> Result<Vec<Group>, StoreError> {
    let rows: Vec<GroupRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN group_users m ON m.group_id = g.group_id
         WHERE m.user_id = $1 AND ($2::text IS NULL OR g.name_key > $2)
         ORDER BY g.name_key LIMIT $3"
    ))
    .bind(user_id)
    .bind(after_key)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    to_groups(rows)
}

/// The groups directly inside a group (they inherit its policies).
pub async fn children(conn: &mut PgConnection, group_id: &str) -> Result<Vec<Group>, StoreError> {
    let rows: Vec<GroupRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN group_groups e ON e.child_id = g.group_id
         WHERE e.parent_id = $1 ORDER BY g.name_key"
    ))
    .bind(group_id)
    .fetch_all(conn)
    .await?;
    to_groups(rows)
}

/// The groups a group is directly inside.
pub async fn parents(conn: &mut PgConnection, group_id: &str) -> Result<Vec<Group>, StoreError> {
    let rows: Vec<GroupRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN group_groups e ON e.parent_id = g.group_id
         WHERE e.child_id = $1 ORDER BY g.name_key"
    ))
    .bind(group_id)
    .fetch_all(conn)
    .await?;
    to_groups(rows)
}

pub async fn rename(
    w: &mut Writer<'_>,
    id: &UniqueId,
    name: &GroupName,
    path: &IamPath,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE iam_groups SET name = $2, name_key = $3, path = $4 WHERE group_id = $1")
        .bind(id.as_str())
        .bind(name.as_str())
        .bind(name.key())
        .bind(path.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// What still hangs on a group, for DeleteGroup's conflict check; locks the row.
#[derive(Debug, Clone, Copy, Default, FromRow)]
pub struct Dependents {
    pub members: i32,
    pub children: i32,
    pub parents: i32,
    pub attached: i32,
    pub inline: i32,
}

pub async fn dependents(conn: &mut PgConnection, id: &UniqueId) -> Result<Dependents, StoreError> {
    Ok(sqlx::query_as(
        "SELECT member_count AS members, child_count AS children, parent_count AS parents,
                attached_count AS attached, inline_count AS inline
         FROM iam_groups WHERE group_id = $1 FOR UPDATE",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?
    .unwrap_or_default())
}

pub async fn delete(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM iam_groups WHERE group_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// Adds a user to a group; `Ok(false)` when already a member. The user's group count
/// is kept in the same statement, so the database refuses an eleventh group
/// (`iam_users_group_limit`) however many additions race.
pub async fn add_user(
    w: &mut Writer<'_>,
    account: &AccountId,
    group_id: &UniqueId,
    user_id: &UniqueId,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let added: Option<(i32,)> = sqlx::query_as(
        "WITH added AS (
             INSERT INTO group_users (account_id, group_id, user_id, added_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1
         ), counted AS (
             UPDATE iam_users SET group_count = group_count + 1
              WHERE user_id = $3 AND EXISTS (SELECT 1 FROM added) RETURNING 1
         )
         UPDATE iam_groups SET member_count = member_count + 1
          WHERE group_id = $2 AND EXISTS (SELECT 1 FROM counted) RETURNING 1",
    )
    .bind(account.as_str())
    .bind(group_id.as_str())
    .bind(user_id.as_str())
    .bind(now)
    .fetch_optional(w.conn())
    .await?;
    Ok(added.is_some())
}

/// Removes a user from a group; `Ok(false)` when not a member.
pub async fn remove_user(
    w: &mut Writer<'_>,
    group_id: &UniqueId,
    user_id: &UniqueId,
) -> Result<bool, StoreError> {
    let removed: Option<(i32,)> = sqlx::query_as(
        "WITH removed AS (
             DELETE FROM group_users WHERE group_id = $1 AND user_id = $2 RETURNING 1
         ), counted AS (
             UPDATE iam_users SET group_count = group_count - 1
              WHERE user_id = $2 AND EXISTS (SELECT 1 FROM removed) RETURNING 1
         )
         UPDATE iam_groups SET member_count = member_count - 1
          WHERE group_id = $1 AND EXISTS (SELECT 1 FROM counted) RETURNING 1",
    )
    .bind(group_id.as_str())
    .bind(user_id.as_str())
    .fetch_optional(w.conn())
    .await?;
    Ok(removed.is_some())
}

/// Serialises changes to an account's group nesting for the rest of the transaction,
/// so two opposite additions cannot both pass the cycle check.
pub async fn lock_nesting(w: &mut Writer<'_>, account: &AccountId) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('group_groups:' || $1, 0))")
        .bind(account.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// Whether `ancestor` is `group` or contains it, directly or through other groups.
/// Read after `lock_nesting`, so it sees every committed nesting.
pub async fn contains(
    conn: &mut PgConnection,
    ancestor: &str,
    group: &str,
) -> Result<bool, StoreError> {
    let (found,): (bool,) = sqlx::query_as(
        "WITH RECURSIVE up(group_id) AS (
             SELECT $2::text
             UNION
             SELECT e.parent_id FROM group_groups e JOIN up ON e.child_id = up.group_id
         )
         SELECT EXISTS (SELECT 1 FROM up WHERE group_id = $1)",
    )
    .bind(ancestor)
    .bind(group)
    .fetch_one(conn)
    .await?;
    Ok(found)
}

/// Puts `child` inside `parent`; `Ok(false)` when it already is. The child's parent count
/// is kept in the same statement (`iam_groups_parent_limit`).
pub async fn add_group(
    w: &mut Writer<'_>,
    account: &AccountId,
    parent: &UniqueId,
    child: &UniqueId,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let added: Option<(i32,)> = sqlx::query_as(
        "WITH added AS (
             INSERT INTO group_groups (account_id, parent_id, child_id, added_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1
         ), counted AS (
             UPDATE iam_groups SET parent_count = parent_count + 1
              WHERE group_id = $3 AND EXISTS (SELECT 1 FROM added) RETURNING 1
         )
         UPDATE iam_groups SET child_count = child_count + 1
          WHERE group_id = $2 AND EXISTS (SELECT 1 FROM counted) RETURNING 1",
    )
    .bind(account.as_str())
    .bind(parent.as_str())
    .bind(child.as_str())
    .bind(now)
    .fetch_optional(w.conn())
    .await?;
    Ok(added.is_some())
}

pub async fn remove_group(
    w: &mut Writer<'_>,
    parent: &UniqueId,
    child: &UniqueId,
) -> Result<bool, StoreError> {
    let removed: Option<(i32,)> = sqlx::query_as(
        "WITH removed AS (
             DELETE FROM group_groups WHERE parent_id = $1 AND child_id = $2 RETURNING 1
         ), counted AS (
             UPDATE iam_groups SET parent_count = parent_count - 1
              WHERE group_id = $2 AND EXISTS (SELECT 1 FROM removed) RETURNING 1
         )
         UPDATE iam_groups SET child_count = child_count - 1
          WHERE group_id = $1 AND EXISTS (SELECT 1 FROM counted) RETURNING 1",
    )
    .bind(parent.as_str())
    .bind(child.as_str())
    .fetch_optional(w.conn())
    .await?;
    Ok(removed.is_some())
}
