//! Managed policies and their versions, attachments, permissions boundaries and inline
//! policies.
//!
//! AWS managed policies (account_id NULL) are shared by every account: their rows carry
//! no counters (an attachment count there would leak one account's use to another and
//! make one row every account writes to); how often an account uses one is counted
//! from that account's attachments.

use super::{
    StoreError, decode,
    name_page::{like_escape, search_pattern},
};
use crate::authz::Writer;
use crate::model::{
    AccountId, AttachedPolicy, GroupName, IamPath, IdKind, Policy, PolicyName, PolicySource,
    PolicyVersion, Tag, UniqueId, UserPolicy, arn,
};
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;

#[derive(FromRow)]
struct PolicyRow {
    policy_id: String,
    account_id: Option<String>,
    name: String,
    path: String,
    description: String,
    default_version: i32,
    attachment_count: i64,
    boundary_count: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// `$1` is always the reading account: it scopes the counts of AWS managed policies.
const SELECT: &str = "SELECT p.policy_id, p.account_id, p.name, p.path, p.description,
        p.default_version, p.created_at, p.updated_at,
        CASE WHEN p.account_id IS NOT NULL THEN p.attachment_count::bigint
             ELSE (SELECT count(*) FROM user_policy_attachments a
                    WHERE a.policy_id = p.policy_id AND a.account_id = $1)
                + (SELECT count(*) FROM group_policy_attachments a
                    WHERE a.policy_id = p.policy_id AND a.account_id = $1) END
          AS attachment_count,
        CASE WHEN p.account_id IS NOT NULL THEN p.boundary_count::bigint
             ELSE (SELECT count(*) FROM iam_users u
                    WHERE u.boundary_policy_id = p.policy_id AND u.account_id = $1) END
          AS boundary_count
    FROM managed_policies p";

fn to_policy(row: PolicyRow, tags: Vec<Tag>) -> Result<Policy, StoreError> {
    let account = row
        .account_id
        .as_deref()
        .map(|a| decode("account_id", a, AccountId::parse))
        .transpose()?;
    let name = decode("name", &row.name, PolicyName::parse)?;
    let path = decode("path", &row.path, IamPath::parse)?;
    Ok(Policy {
        id: decode("policy_id", &row.policy_id, |s| {
            UniqueId::parse(IdKind::Policy, s)
        })?,
        arn: arn::policy(account.as_ref(), &path, &name),
        account,
        name,
        path,
        description: row.description,
        default_version: row.default_version,
        attachment_count: i32::try_from(row.attachment_count).unwrap_or(i32::MAX),
        boundary_count: i32::try_from(row.boundary_count).unwrap_or(i32::MAX),
        created_at: row.created_at,
        updated_at: row.updated_at,
        tags,
    })
}

pub struct NewPolicy<'a> {
    pub id: &'a UniqueId,
    pub account: &'a AccountId,
    pub name: &'a PolicyName,
    pub path: &'a IamPath,
    pub description: &'a str,
    pub document: &'a str,
    pub tags: &'a [Tag],
    pub now: OffsetDateTime,
}

pub async fn insert(w: &mut Writer<'_>, new: NewPolicy<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO managed_policies (policy_id, account_id, name, name_key, path, description,
             created_at, updated_at, default_version, next_version, version_count, tag_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1, 2, 1, $8)",
    )
    .bind(new.id.as_str())
    .bind(new.account.as_str())
    .bind(new.name.as_str())
    .bind(new.name.key())
    .bind(new.path.as_str())
    .bind(new.description)
    .bind(new.now)
    .bind(i32::try_from(new.tags.len()).unwrap_or(i32::MAX))
    .execute(w.conn())
    .await?;
    sqlx::query(
        "INSERT INTO policy_versions (policy_id, version, document, created_at)
         VALUES ($1, 1, $2, $3)",
    )
    .bind(new.id.as_str())
    .bind(new.document)
    .bind(new.now)
    .execute(w.conn())
    .await?;
    super::tags::insert(w.conn(), new.account, new.id.as_str(), new.tags).await
}

/// The policy an ARN names, as the reading account sees it: its own customer managed
/// policies and AWS's; another account's policy is not found.
pub async fn find_by_arn(
    conn: &mut PgConnection,
    account: &AccountId,
    policy_arn: &str,
) -> Result<Option<Policy>, StoreError> {
    let Ok((owner, path, name)) = arn::parse_policy(policy_arn) else {
        return Ok(None);
    };
    if owner.as_ref().is_some_and(|o| o != account) {
        return Ok(None);
    }
    let row: Option<PolicyRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE p.account_id IS NOT DISTINCT FROM $2 AND p.path = $3 AND p.name_key = $4"
    ))
    .bind(account.as_str())
    .bind(owner.as_ref().map(AccountId::as_str))
    .bind(path.as_str())
    .bind(name.key())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let tags = super::tags::of(conn, &row.policy_id).await?;
            Ok(Some(to_policy(row, tags)?))
        }
        None => Ok(None),
    }
}

pub async fn find_by_id(
    conn: &mut PgConnection,
    account: &AccountId,
    id: &str,
) -> Result<Option<Policy>, StoreError> {
    let row: Option<PolicyRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE p.policy_id = $2 AND (p.account_id IS NULL OR p.account_id = $1)"
    ))
    .bind(account.as_str())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => {
            let tags = super::tags::of(conn, &row.policy_id).await?;
            Ok(Some(to_policy(row, tags)?))
        }
        None => Ok(None),
    }
}

/// ListPolicies' Scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scope {
    #[default]
    All,
    Aws,
    Local,
}

pub struct ListFilter<'a> {
    pub scope: Scope,
    pub only_attached: bool,
    pub path_prefix: &'a str,
    pub search: Option<&'a str>,
    /// Continue after this (name key, policy id).
    pub after: Option<(&'a str, &'a str)>,
    pub limit: i64,
}

/// One page of the policies an account sees, by name then id (an AWS managed and a
/// customer managed policy may share a name).
pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    filter: ListFilter<'_>,
) -> Result<Vec<Policy>, StoreError> {
    // Only the conditions in use go into the statement, so each shape gets a plan that
    // can use the indexes (a generic plan for "$3 IS NULL OR ..." could use none).
    let mut q = QueryBuilder::<Postgres>::new(format!("{SELECT} WHERE "));
    match filter.scope {
        Scope::All => {
            q.push("(p.account_id IS NULL OR p.account_id = ")
                .push_bind(account.as_str().to_owned())
                .push(")");
        }
        Scope::Aws => {
            q.push("p.account_id IS NULL");
        }
        Scope::Local => {
            q.push("p.account_id = ")
                .push_bind(account.as_str().to_owned());
        }
    }
    if filter.path_prefix != "/" {
        q.push(" AND p.path LIKE ")
            .push_bind(format!("{}%", like_escape(filter.path_prefix)));
    }
    if let Some(search) = filter.search {
        q.push(" AND p.name_key LIKE ")
            .push_bind(search_pattern(search));
    }
    if let Some((name_key, id)) = filter.after {
        q.push(" AND (p.name_key, p.policy_id) > (")
            .push_bind(name_key.to_owned())
            .push(", ")
            .push_bind(id.to_owned())
            .push(")");
    }
    if filter.only_attached {
        q.push(" AND (EXISTS (SELECT 1 FROM user_policy_attachments a WHERE a.policy_id = p.policy_id AND a.account_id = ")
            .push_bind(account.as_str().to_owned())
            .push(") OR EXISTS (SELECT 1 FROM group_policy_attachments a WHERE a.policy_id = p.policy_id AND a.account_id = ")
            .push_bind(account.as_str().to_owned())
            .push("))");
    }
    q.push(" ORDER BY p.name_key, p.policy_id LIMIT ")
        .push_bind(filter.limit);
    let rows: Vec<PolicyRow> = q.build_query_as().fetch_all(conn).await?;
    rows.into_iter().map(|r| to_policy(r, Vec::new())).collect()
}

/// A customer managed policy's counts, read under its row lock.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Locked {
    pub version_count: i32,
    pub default_version: i32,
    pub attachment_count: i32,
    pub boundary_count: i32,
}

/// Locks a customer managed policy's row for the rest of the transaction and returns
/// its counts: an attachment racing a delete either committed before (and is counted)
/// or waits and then finds no policy.
pub async fn lock(w: &mut Writer<'_>, id: &UniqueId) -> Result<Option<Locked>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT version_count, default_version, attachment_count, boundary_count
           FROM managed_policies WHERE policy_id = $1 FOR UPDATE",
    )
    .bind(id.as_str())
    .fetch_optional(w.conn())
    .await?)
}

/// Deletes a policy with its versions and tags. The caller has checked, under the row
/// lock, that nothing is attached and only the default version is left.
pub async fn delete(w: &mut Writer<'_>, id: &UniqueId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM resource_tags WHERE resource_id = $1")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    sqlx::query("DELETE FROM managed_policies WHERE policy_id = $1 AND account_id IS NOT NULL")
        .bind(id.as_str())
        .execute(w.conn())
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct VersionRow {
    version: i32,
    document: String,
    is_default: bool,
    created_at: OffsetDateTime,
}

impl From<VersionRow> for PolicyVersion {
    fn from(r: VersionRow) -> Self {
        Self {
            version: r.version,
            document: r.document,
            is_default: r.is_default,
            created_at: r.created_at,
        }
    }
}

pub async fn versions(
    conn: &mut PgConnection,
    id: &UniqueId,
) -> Result<Vec<PolicyVersion>, StoreError> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT v.version, v.document, v.version = p.default_version AS is_default, v.created_at
           FROM policy_versions v JOIN managed_policies p USING (policy_id)
          WHERE v.policy_id = $1 ORDER BY v.version DESC",
    )
    .bind(id.as_str())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(PolicyVersion::from).collect())
}

pub async fn version(
    conn: &mut PgConnection,
    id: &UniqueId,
    version: i32,
) -> Result<Option<PolicyVersion>, StoreError> {
    let row: Option<VersionRow> = sqlx::query_as(
        "SELECT v.version, v.document, v.version = p.default_version AS is_default, v.created_at
           FROM policy_versions v JOIN managed_policies p USING (policy_id)
          WHERE v.policy_id = $1 AND v.version = $2",
    )
    .bind(id.as_str())
    .bind(version)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(PolicyVersion::from))
}

/// Adds the next version, counted in the same statement so the database refuses a
/// sixth (`managed_policies_version_limit`); returns its number.
pub async fn add_version(
    w: &mut Writer<'_>,
    id: &UniqueId,
    document: &str,
    set_default: bool,
    now: OffsetDateTime,
) -> Result<i32, StoreError> {
    let (version,): (i32,) = sqlx::query_as(
        "WITH bumped AS (
             UPDATE managed_policies SET next_version = next_version + 1,
                    version_count = version_count + 1,
                    default_version = CASE WHEN $2 THEN next_version ELSE default_version END,
                    updated_at = $4
              WHERE policy_id = $1 AND account_id IS NOT NULL
          RETURNING next_version - 1 AS version
         )
         INSERT INTO policy_versions (policy_id, version, document, created_at)
         SELECT $1, version, $3, $4 FROM bumped RETURNING version",
    )
    .bind(id.as_str())
    .bind(set_default)
    .bind(document)
    .bind(now)
    .fetch_one(w.conn())
    .await?;
    Ok(version)
}

/// Deletes a version that is not the default; `Ok(false)` when there is none such.
pub async fn delete_version(
    w: &mut Writer<'_>,
    id: &UniqueId,
    version: i32,
) -> Result<bool, StoreError> {
    let done: Option<(i32,)> = sqlx::query_as(
        "WITH gone AS (
             DELETE FROM policy_versions v USING managed_policies p
              WHERE v.policy_id = $1 AND v.version = $2 AND p.policy_id = v.policy_id
                AND p.default_version <> $2 AND p.account_id IS NOT NULL
          RETURNING 1
         )
         UPDATE managed_policies SET version_count = version_count - 1
          WHERE policy_id = $1 AND EXISTS (SELECT 1 FROM gone) RETURNING 1",
    )
    .bind(id.as_str())
    .bind(version)
    .fetch_optional(w.conn())
    .await?;
    Ok(done.is_some())
}

/// Makes an existing version the default; `Ok(false)` when it does not exist.
pub async fn set_default(
    w: &mut Writer<'_>,
    id: &UniqueId,
    version: i32,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE managed_policies SET default_version = $2, updated_at = $3
          WHERE policy_id = $1 AND account_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM policy_versions WHERE policy_id = $1 AND version = $2)",
    )
    .bind(id.as_str())
    .bind(version)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Who a policy is attached to, or bounds: users, groups and roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    User,
    Group,
    Role,
}

impl Holder {
    fn attachments(self) -> &'static str {
        match self {
            Self::User => "user_policy_attachments",
            Self::Group => "group_policy_attachments",
            Self::Role => "role_policy_attachments",
        }
    }

    fn entities(self) -> &'static str {
        match self {
            Self::User => "iam_users",
            Self::Group => "iam_groups",
            Self::Role => "iam_roles",
        }
    }

    fn id_column(self) -> &'static str {
        match self {
            Self::User => "user_id",
            Self::Group => "group_id",
            Self::Role => "role_id",
        }
    }

    fn inline_table(self) -> &'static str {
        match self {
            Self::User => "user_inline_policies",
            Self::Group => "group_inline_policies",
            Self::Role => "role_inline_policies",
        }
    }
}

/// Attaches a policy; `Ok(false)` when already attached. The holder's count is kept in
/// the same statement (`iam_users_attached_limit` / `iam_groups_attached_limit`), and a
/// customer managed policy's attachment count with it.
pub async fn attach(
    w: &mut Writer<'_>,
    holder: Holder,
    account: &AccountId,
    holder_id: &UniqueId,
    policy_id: &UniqueId,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let (table, entities, id) = (holder.attachments(), holder.entities(), holder.id_column());
    let added: Option<(i32,)> = sqlx::query_as(&format!(
        "WITH added AS (
             INSERT INTO {table} (account_id, {id}, policy_id, attached_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1
         ), counted AS (
             UPDATE {entities} SET attached_count = attached_count + 1
              WHERE {id} = $2 AND EXISTS (SELECT 1 FROM added) RETURNING 1
         ), policy AS (
             UPDATE managed_policies SET attachment_count = attachment_count + 1
              WHERE policy_id = $3 AND account_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM counted)
         )
         SELECT 1 FROM counted"
    ))
    .bind(account.as_str())
    .bind(holder_id.as_str())
    .bind(policy_id.as_str())
    .bind(now)
    .fetch_optional(w.conn())
    .await?;
    Ok(added.is_some())
}

/// Detaches a policy; `Ok(false)` when it was not attached.
pub async fn detach(
    w: &mut Writer<'_>,
    holder: Holder,
    holder_id: &UniqueId,
    policy_id: &UniqueId,
) -> Result<bool, StoreError> {
    let (table, entities, id) = (holder.attachments(), holder.entities(), holder.id_column());
    let removed: Option<(i32,)> = sqlx::query_as(&format!(
        "WITH removed AS (
             DELETE FROM {table} WHERE {id} = $1 AND policy_id = $2 RETURNING 1
         ), counted AS (
             UPDATE {entities} SET attached_count = attached_count - 1
              WHERE {id} = $1 AND EXISTS (SELECT 1 FROM removed) RETURNING 1
         ), policy AS (
             UPDATE managed_policies SET attachment_count = attachment_count - 1
              WHERE policy_id = $2 AND account_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM counted)
         )
         SELECT 1 FROM counted"
    ))
    .bind(holder_id.as_str())
    .bind(policy_id.as_str())
    .fetch_optional(w.conn())
    .await?;
    Ok(removed.is_some())
}

pub async fn attached(
    conn: &mut PgConnection,
    holder: Holder,
    holder_id: &str,
    path_prefix: &str,
    after: Option<(&str, &str)>,
    limit: i64,
) -> Result<Vec<AttachedPolicy>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        policy_id: String,
        account_id: Option<String>,
        name: String,
        name_key: String,
        path: String,
    }
    let (table, id) = (holder.attachments(), holder.id_column());
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT p.policy_id, p.account_id, p.name, p.name_key, p.path
           FROM {table} a JOIN managed_policies p USING (policy_id)
          WHERE a.{id} = $1 AND p.path LIKE $2
            AND ($3::text IS NULL OR (p.name_key, p.policy_id) > ($3, $4))
          ORDER BY p.name_key, p.policy_id LIMIT $5"
    ))
    .bind(holder_id)
    .bind(format!("{}%", like_escape(path_prefix)))
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let account = r
                .account_id
                .as_deref()
                .map(|a| decode("account_id", a, AccountId::parse))
                .transpose()?;
            let name = decode("name", &r.name, PolicyName::parse)?;
            let path = decode("path", &r.path, IamPath::parse)?;
            Ok(AttachedPolicy {
                arn: arn::policy(account.as_ref(), &path, &name),
                name,
                key: (r.name_key, r.policy_id),
            })
        })
        .collect()
}

/// Sets (or, with `None`, removes) a user's or role's permissions boundary, keeping
/// customer managed policies' boundary counts. The caller holds the holder's row lock
/// (`old` must not lock: a row this statement updates would be skipped by FOR UPDATE).
pub async fn set_boundary(
    w: &mut Writer<'_>,
    holder: Holder,
    holder_id: &UniqueId,
    policy_id: Option<&UniqueId>,
) -> Result<bool, StoreError> {
    let (entities, id) = (holder.entities(), holder.id_column());
    let changed: Option<(i32,)> = sqlx::query_as(&format!(
        "WITH old AS (
             SELECT boundary_policy_id AS old_id FROM {entities} WHERE {id} = $1
         ), changed AS (
             UPDATE {entities} SET boundary_policy_id = $2
              WHERE {id} = $1 AND boundary_policy_id IS DISTINCT FROM $2
          RETURNING 1
         ), dec AS (
             UPDATE managed_policies SET boundary_count = boundary_count - 1
              WHERE policy_id = (SELECT old_id FROM old) AND account_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM changed)
         ), inc AS (
             UPDATE managed_policies SET boundary_count = boundary_count + 1
              WHERE policy_id = $2 AND account_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM changed)
         )
         SELECT 1 FROM changed"
    ))
    .bind(holder_id.as_str())
    .bind(policy_id.map(UniqueId::as_str))
    .fetch_optional(w.conn())
    .await?;
    Ok(changed.is_some())
}

/// An entity that uses a policy, as ListEntitiesForPolicy names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEntity {
    pub name: String,
    pub id: String,
}

/// The account's users and groups a policy is attached to (`boundary`: whose
/// permissions boundary it is), by name.
pub async fn entities(
    conn: &mut PgConnection,
    account: &AccountId,
    policy_id: &str,
    holder: Holder,
    boundary: bool,
    path_prefix: &str,
) -> Result<Vec<PolicyEntity>, StoreError> {
    let (entities, id) = (holder.entities(), holder.id_column());
    let condition = if boundary {
        if holder == Holder::Group {
            return Ok(Vec::new());
        }
        "e.boundary_policy_id = $2".to_owned()
    } else {
        format!(
            "EXISTS (SELECT 1 FROM {} a WHERE a.{id} = e.{id} AND a.policy_id = $2)",
            holder.attachments()
        )
    };
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT e.name, e.{id} FROM {entities} e
          WHERE e.account_id = $1 AND {condition} AND e.path LIKE $3
          ORDER BY e.name_key"
    ))
    .bind(account.as_str())
    .bind(policy_id)
    .bind(format!("{}%", like_escape(path_prefix)))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, id)| PolicyEntity { name, id })
        .collect())
}

/// Locks a user's or group's row (its inline policy size, its attachment count).
pub async fn lock_holder(
    w: &mut Writer<'_>,
    holder: Holder,
    holder_id: &UniqueId,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "SELECT 1 FROM {} WHERE {} = $1 FOR UPDATE",
        holder.entities(),
        holder.id_column()
    ))
    .bind(holder_id.as_str())
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Puts an inline policy (adds or replaces), keeping the holder's inline count and
/// total size: the database refuses a total over the limit
/// (`iam_users_inline_size_limit` / `iam_groups_inline_size_limit`). The caller holds
/// the holder's row lock. A put always gets a new revision.
pub async fn put_inline(
    w: &mut Writer<'_>,
    holder: Holder,
    account: &AccountId,
    holder_id: &UniqueId,
    name: &PolicyName,
    document: &str,
    chars: i32,
) -> Result<(), StoreError> {
    let (table, entities, id) = (holder.inline_table(), holder.entities(), holder.id_column());
    sqlx::query(&format!(
        "WITH old AS (
             SELECT chars FROM {table} WHERE {id} = $2 AND name = $3
         ), put AS (
             INSERT INTO {table} (account_id, {id}, name, document, chars)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT ({id}, name) DO UPDATE SET document = EXCLUDED.document,
                chars = EXCLUDED.chars, revision = nextval('inline_policy_revisions')
             RETURNING 1
         )
         UPDATE {entities} SET
             inline_count = inline_count + CASE WHEN EXISTS (SELECT 1 FROM old) THEN 0 ELSE 1 END,
             inline_chars = inline_chars + $5 - coalesce((SELECT chars FROM old), 0)
          WHERE {id} = $2 AND EXISTS (SELECT 1 FROM put)"
    ))
    .bind(account.as_str())
    .bind(holder_id.as_str())
    .bind(name.as_str())
    .bind(document)
    .bind(chars)
    .execute(w.conn())
    .await?;
    Ok(())
}

pub async fn inline(
    conn: &mut PgConnection,
    holder: Holder,
    holder_id: &str,
    name: &PolicyName,
) -> Result<Option<(PolicyName, String)>, StoreError> {
    let row: Option<(String, String)> = sqlx::query_as(&format!(
        "SELECT name, document FROM {} WHERE {} = $1 AND name = $2",
        holder.inline_table(),
        holder.id_column()
    ))
    .bind(holder_id)
    .bind(name.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|(n, d)| Ok((decode("name", &n, PolicyName::parse)?, d)))
        .transpose()
}

/// All of a holder's inline policies with their documents, by name.
pub async fn inline_all(
    conn: &mut PgConnection,
    holder: Holder,
    holder_id: &str,
) -> Result<Vec<(PolicyName, String)>, StoreError> {
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT name, document FROM {} WHERE {} = $1 ORDER BY name",
        holder.inline_table(),
        holder.id_column()
    ))
    .bind(holder_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(n, d)| Ok((decode("name", &n, PolicyName::parse)?, d)))
        .collect()
}

/// The names of a holder's inline policies, in order.
pub async fn inline_names(
    conn: &mut PgConnection,
    holder: Holder,
    holder_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<PolicyName>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT name FROM {} WHERE {} = $1 AND ($2::text IS NULL OR name > $2)
          ORDER BY name LIMIT $3",
        holder.inline_table(),
        holder.id_column()
    ))
    .bind(holder_id)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(n,)| decode("name", &n, PolicyName::parse))
        .collect()
}

/// Deletes an inline policy; `Ok(false)` when there is none of that name.
pub async fn delete_inline(
    w: &mut Writer<'_>,
    holder: Holder,
    holder_id: &UniqueId,
    name: &PolicyName,
) -> Result<bool, StoreError> {
    let (table, entities, id) = (holder.inline_table(), holder.entities(), holder.id_column());
    let done: Option<(i32,)> = sqlx::query_as(&format!(
        "WITH gone AS (
             DELETE FROM {table} WHERE {id} = $1 AND name = $2 RETURNING chars
         )
         UPDATE {entities} SET inline_count = inline_count - 1,
                inline_chars = inline_chars - (SELECT chars FROM gone)
          WHERE {id} = $1 AND EXISTS (SELECT 1 FROM gone) RETURNING 1"
    ))
    .bind(holder_id.as_str())
    .bind(name.as_str())
    .fetch_optional(w.conn())
    .await?;
    Ok(done.is_some())
}

/// Every policy that applies to a user and where it comes from: attached to or inline in
/// the user, in a group the user is in or one of that group's outer groups (reached
/// from the user's group nearest to it), and the boundary. The same set as
/// `authz::user_policy_refs`, named for people.
pub async fn sources_for_user(
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: &str,
) -> Result<Vec<UserPolicy>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        kind: String,
        policy_account: Option<String>,
        policy_name: String,
        policy_path: Option<String>,
        group_name: Option<String>,
        group_path: Option<String>,
        through_name: Option<String>,
    }
    // Nesting has no cycles (refused when added), and depth bounds the walk regardless.
    let rows: Vec<Row> = sqlx::query_as(
        "WITH RECURSIVE member_of(group_id, through_id, depth) AS (
             SELECT group_id, group_id, 0 FROM group_users WHERE user_id = $1
             UNION
             SELECT gg.parent_id, m.through_id, m.depth + 1
               FROM group_groups gg JOIN member_of m ON gg.child_id = m.group_id
              WHERE m.depth < 64
         ),
         reached AS (
             SELECT DISTINCT ON (m.group_id) m.group_id, g.name, g.name_key, g.path,
                    CASE WHEN m.depth > 0 THEN t.name END AS through_name
               FROM member_of m
               JOIN iam_groups g ON g.group_id = m.group_id
               JOIN iam_groups t ON t.group_id = m.through_id
              ORDER BY m.group_id, m.depth, t.name_key
         )
         SELECT kind, policy_account, policy_name, policy_path, group_name, group_path,
                through_name
           FROM (
             SELECT 0 AS rank, 'direct' AS kind, p.account_id AS policy_account,
                    p.name AS policy_name, p.name_key, p.path AS policy_path,
                    NULL::text AS group_name, NULL::text AS group_key,
                    NULL::text AS group_path, NULL::text AS through_name
               FROM user_policy_attachments a JOIN managed_policies p USING (policy_id)
              WHERE a.user_id = $1
             UNION ALL
             SELECT 0, 'direct', NULL, i.name, lower(i.name), NULL, NULL, NULL, NULL, NULL
               FROM user_inline_policies i WHERE i.user_id = $1
             UNION ALL
             SELECT 1, 'group', p.account_id, p.name, p.name_key, p.path,
                    r.name, r.name_key, r.path, r.through_name
               FROM reached r
               JOIN group_policy_attachments a ON a.group_id = r.group_id
               JOIN managed_policies p ON p.policy_id = a.policy_id
             UNION ALL
             SELECT 1, 'group', NULL, i.name, lower(i.name), NULL,
                    r.name, r.name_key, r.path, r.through_name
               FROM reached r JOIN group_inline_policies i ON i.group_id = r.group_id
             UNION ALL
             SELECT 2, 'boundary', p.account_id, p.name, p.name_key, p.path,
                    NULL, NULL, NULL, NULL
               FROM iam_users u JOIN managed_policies p ON p.policy_id = u.boundary_policy_id
              WHERE u.user_id = $1
           ) sources
          ORDER BY rank, group_key NULLS FIRST, name_key, policy_path NULLS FIRST",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let name = decode("policy_name", &r.policy_name, PolicyName::parse)?;
            let arn = match &r.policy_path {
                Some(path) => {
                    let policy_account = r
                        .policy_account
                        .as_deref()
                        .map(|a| decode("account_id", a, AccountId::parse))
                        .transpose()?;
                    let path = decode("path", path, IamPath::parse)?;
                    Some(arn::policy(policy_account.as_ref(), &path, &name))
                }
                None => None,
            };
            let source = match (r.kind.as_str(), r.group_name, r.group_path) {
                ("direct", _, _) => PolicySource::Direct,
                ("boundary", _, _) => PolicySource::Boundary,
                (_, Some(group), Some(path)) => {
                    let group = decode("group_name", &group, GroupName::parse)?;
                    let path = decode("group_path", &path, IamPath::parse)?;
                    PolicySource::Group {
                        arn: arn::group(account, &path, &group),
                        name: group,
                        through: r
                            .through_name
                            .as_deref()
                            .map(|t| decode("through_name", t, GroupName::parse))
                            .transpose()?,
                    }
                }
                (kind, _, _) => {
                    return Err(StoreError::Corrupt(format!(
                        "policy source {kind} without a group"
                    )));
                }
            };
            Ok(UserPolicy { name, arn, source })
        })
        .collect()
}
