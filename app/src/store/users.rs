//! IAM users, their tags and login profiles.

use super::name_page::{NamePage, Sort};
use super::{StoreError, decode};
use crate::authz::Writer;
use crate::model::{AccountId, IamPath, IdKind, Tag, UniqueId, User, UserName, arn};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

#[derive(FromRow)]
struct UserRow {
    user_id: String,
    account_id: String,
    name: String,
    path: String,
    created_at: OffsetDateTime,
    password_last_used: Option<OffsetDateTime>,
    boundary_arn: Option<String>,
    group_count: i32,
}

const SELECT: &str = "SELECT u.user_id, u.account_id, u.name, u.path, u.created_at,
        u.password_last_used, u.group_count,
        CASE WHEN b.policy_id IS NULL THEN NULL
             WHEN b.account_id IS NULL THEN 'arn:aws:iam::aws:policy' || b.path || b.name
             ELSE 'arn:aws:iam::' || b.account_id || ':policy' || b.path || b.name END
          AS boundary_arn
    FROM iam_users u LEFT JOIN managed_policies b ON b.policy_id = u.boundary_policy_id";

/// One user with its tags, in one statement (the API's callers and targets are read on
/// every request).
const SELECT_TAGGED: &str = "SELECT u.user_id, u.account_id, u.name, u.path, u.created_at,
        u.password_last_used, u.group_count,
        CASE WHEN b.policy_id IS NULL THEN NULL
             WHEN b.account_id IS NULL THEN 'arn:aws:iam::aws:policy' || b.path || b.name
             ELSE 'arn:aws:iam::' || b.account_id || ':policy' || b.path || b.name END
          AS boundary_arn,
        ARRAY(SELECT t.key FROM resource_tags t WHERE t.resource_id = u.user_id
               ORDER BY t.key_lower) AS tag_keys,
        ARRAY(SELECT t.value FROM resource_tags t WHERE t.resource_id = u.user_id
               ORDER BY t.key_lower) AS tag_values
    FROM iam_users u LEFT JOIN managed_policies b ON b.policy_id = u.boundary_policy_id";

#[derive(FromRow)]
struct TaggedUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    tag_keys: Vec<String>,
    tag_values: Vec<String>,
}

fn to_tagged_user(row: Option<TaggedUserRow>) -> Result<Option<User>, StoreError> {
    row.map(|r| {
        let tags = r
            .tag_keys
            .into_iter()
            .zip(r.tag_values)
            .map(|(key, value)| Tag { key, value })
            .collect();
        to_user(r.user, tags)
    })
    .transpose()
}

fn to_user(row: UserRow, tags: Vec<Tag>) -> Result<User, StoreError> {
    let account = decode("account_id", &row.account_id, AccountId::parse)?;
    let name = decode("name", &row.name, UserName::parse)?;
    let path = decode("path", &row.path, IamPath::parse)?;
    Ok(User {
        id: decode("user_id", &row.user_id, |s| {
            UniqueId::parse(IdKind::User, s)
        })?,
        arn: arn::user(&account, &path, &name),
        account,
        name,
        path,
        created_at: row.created_at,
        password_last_used: row.password_last_used,
        permissions_boundary: row.boundary_arn,
        group_count: row.group_count,
        tags,
    })
}

pub struct NewUser<'a> {
    pub id: &'a UniqueId,
    pub account: &'a AccountId,
    pub name: &'a UserName,
    pub path: &'a IamPath,
    pub tags: &'a [Tag],
    pub now: OffsetDateTime,
}

pub async fn insert(w: &mut Writer<'_>, new: NewUser<'_>) -> Result<(), StoreError> {
    let tag_count = i32::try_from(new.tags.len()).unwrap_or(i32::MAX);
    sqlx::query(
        "INSERT INTO iam_users (user_id, account_id, name, name_key, path, created_at, tag_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.id.as_str())
    .bind(new.account.as_str())
    .bind(new.name.as_str())
    .bind(new.name.key())
    .bind(new.path.as_str())
    .bind(new.now)
    .bind(tag_count)
    .execute(w.conn())
    .await?;
    super::tags::insert(w.conn(), new.account, new.id.as_str(), new.tags).await
}

pub async fn find_by_name(
    conn: &mut PgConnection,
    account: &AccountId,
    name: &UserName,
) -> Result<Option<User>, StoreError> {
    let row: Option<TaggedUserRow> = sqlx::query_as(&format!(
        "{SELECT_TAGGED} WHERE u.account_id = $1 AND u.name_key = $2"
    ))
    .bind(account.as_str())
    .bind(name.key())
    .fetch_optional(&mut *conn)
    .await?;
    to_tagged_user(row)
}

pub async fn find_by_id(conn: &mut PgConnection, id: &str) -> Result<Option<User>, StoreError> {
    let row: Option<TaggedUserRow> =
        sqlx::query_as(&format!("{SELECT_TAGGED} WHERE u.user_id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    to_tagged_user(row)
}

/// Locks a user's row for the rest of the transaction (tag and membership counts).
pub async fn lock(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("SELECT 1 FROM iam_users WHERE user_id = $1 FOR UPDATE")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// One page of users in `sort` order (names case-insensitively, the name breaking ties),
/// under a path prefix, whose name contains `search` (case-insensitive).
pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    path_prefix: &str,
    search: Option<&str>,
    sort: Sort<'_>,
    descending: bool,
    limit: i64,
) -> Result<Vec<User>, StoreError> {
    let page = NamePage {
        table: "iam_users",
        id: "user_id",
        account: account.as_str(),
        path_prefix,
        search,
        sort,
        descending,
        limit,
    };
    let mut query = page.start();
    query.push(format!(
        "{SELECT} JOIN page p ON p.id = u.user_id ORDER BY {}",
        page.order_by("u.")
    ));
    let rows: Vec<UserRow> = query.build_query_as().fetch_all(&mut *conn).await?;
    // Tags are not part of a list entry (AWS's ListUsers leaves them out too).
    rows.into_iter().map(|r| to_user(r, Vec::new())).collect()
}

/// One page of a group's members by name.
pub async fn in_group(
    conn: &mut PgConnection,
    group_id: &str,
    after_key: Option<&str>,
    limit: i64,
) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN group_users m ON m.user_id = u.user_id
         WHERE m.group_id = $1 AND ($2::text IS NULL OR u.name_key > $2)
         ORDER BY u.name_key LIMIT $3"
    ))
    .bind(group_id)
    .bind(after_key)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|r| to_user(r, Vec::new())).collect()
}

pub async fn rename(
    w: &mut Writer<'_>,
    id: &UniqueId,
    name: &UserName,
    path: &IamPath,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE iam_users SET name = $2, name_key = $3, path = $4 WHERE user_id = $1")
        .bind(id.as_str())
        .bind(name.as_str())
        .bind(name.key())
        .bind(path.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// What still hangs on a user, for DeleteUser's conflict check.
#[derive(Debug, Clone, Copy, Default, FromRow)]
pub struct Dependents {
    pub login_profile: bool,
    pub groups: i32,
    pub attached: i32,
    pub inline: i32,
    pub boundary: bool,
}

pub async fn dependents(conn: &mut PgConnection, id: &UniqueId) -> Result<Dependents, StoreError> {
    Ok(sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM login_profiles l WHERE l.user_id = u.user_id) AS login_profile,
                u.group_count AS groups, u.attached_count AS attached, u.inline_count AS inline,
                u.boundary_policy_id IS NOT NULL AS boundary
         FROM iam_users u WHERE u.user_id = $1 FOR UPDATE",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?
    .unwrap_or_default())
}

/// Deletes the user and everything that belongs only to it (tags, sessions).
pub async fn delete(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM resource_tags WHERE resource_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    sqlx::query(
        "UPDATE managed_policies p SET boundary_count = boundary_count - 1
                 FROM iam_users u WHERE u.user_id = $1 AND p.policy_id = u.boundary_policy_id
                   AND p.account_id IS NOT NULL",
    )
    .bind(id.as_str())
    .execute(w.conn())
    .await?;
    sqlx::query("DELETE FROM iam_users WHERE user_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

/// A user's console password, as stored.
#[derive(Debug, Clone, FromRow)]
pub struct LoginProfileRow {
    pub password_hash: String,
    pub reset_required: bool,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
}

pub async fn login_profile(
    conn: &mut PgConnection,
    id: &str,
) -> Result<Option<LoginProfileRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT password_hash, reset_required, created_at, password_changed_at
         FROM login_profiles WHERE user_id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_login_profile(
    w: &mut Writer<'_>,
    account: &AccountId,
    id: &UniqueId,
    hash: &str,
    reset_required: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO login_profiles (user_id, account_id, password_hash, reset_required,
            created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id.as_str())
    .bind(account.as_str())
    .bind(hash)
    .bind(reset_required)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Changes the password and/or the reset flag; `Ok(false)` when there is no profile.
pub async fn update_login_profile(
    w: &mut Writer<'_>,
    id: &UniqueId,
    hash: Option<&str>,
    reset_required: Option<bool>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    if hash.is_some() {
        // The password being replaced joins the history; only the newest 24 are kept.
        sqlx::query(
            "INSERT INTO password_history (user_id, account_id, password_hash, replaced_at)
             SELECT user_id, account_id, password_hash, $2 FROM login_profiles WHERE user_id = $1",
        )
        .bind(id.as_str())
        .bind(now)
        .execute(w.conn())
        .await?;
        sqlx::query(
            "DELETE FROM password_history WHERE user_id = $1 AND seq NOT IN (
                 SELECT seq FROM password_history WHERE user_id = $1
                 ORDER BY seq DESC LIMIT 24)",
        )
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    }
    let done = sqlx::query(
        "UPDATE login_profiles SET
            password_hash = coalesce($2, password_hash),
            reset_required = coalesce($3, reset_required),
            password_changed_at = CASE WHEN $2::text IS NULL THEN password_changed_at ELSE $4 END
         WHERE user_id = $1",
    )
    .bind(id.as_str())
    .bind(hash)
    .bind(reset_required)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The hashes of the user's current password and the `count - 1` before it, newest
/// first: the passwords reuse prevention of `count` forbids.
pub async fn recent_password_hashes(
    conn: &mut PgConnection,
    id: &str,
    count: u8,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT password_hash FROM (
             SELECT password_hash, 0 AS rank, 0::bigint AS seq
                 FROM login_profiles WHERE user_id = $1
             UNION ALL
             SELECT password_hash, 1, seq FROM password_history WHERE user_id = $1
         ) h ORDER BY rank, seq DESC LIMIT $2",
    )
    .bind(id)
    .bind(i64::from(count))
    .fetch_all(conn)
    .await?)
}

pub async fn delete_login_profile(w: &mut Writer<'_>, id: &UniqueId) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM login_profiles WHERE user_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// For sign-in: the user with this name in the account, with the password hash.
pub async fn find_for_signin(
    conn: &mut PgConnection,
    account: &AccountId,
    name_key: &str,
) -> Result<Option<(String, LoginProfileRow)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        user_id: String,
        #[sqlx(flatten)]
        profile: LoginProfileRow,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT u.user_id, l.password_hash, l.reset_required, l.created_at, l.password_changed_at
         FROM iam_users u JOIN login_profiles l USING (user_id)
         WHERE u.account_id = $1 AND u.name_key = $2",
    )
    .bind(account.as_str())
    .bind(name_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.user_id, r.profile)))
}

/// Marks a password as one that must be changed at the next sign-in (it expired).
pub async fn require_password_reset(conn: &mut PgConnection, id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE login_profiles SET reset_required = true WHERE user_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn record_console_use(
    conn: &mut PgConnection,
    id: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE iam_users SET password_last_used = $2 WHERE user_id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
