use super::{StoreError, decode};
use crate::model::{Account, AccountAlias, AccountId, EmailAddress};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

#[derive(FromRow)]
pub(crate) struct AccountRow {
    account_id: String,
    alias: Option<String>,
    root_email: String,
    created_at: OffsetDateTime,
}

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;

    fn try_from(row: AccountRow) -> Result<Self, StoreError> {
        Ok(Account {
            id: decode("account_id", &row.account_id, AccountId::parse)?,
            alias: row
                .alias
                .as_deref()
                .map(|a| decode("alias", a, AccountAlias::parse))
                .transpose()?,
            root_email: decode("root_email", &row.root_email, EmailAddress::parse)?,
            created_at: row.created_at,
        })
    }
}

/// Serialises account creation so "is this the first account?" cannot race.
pub async fn lock_account_creation(conn: &mut PgConnection) -> Result<(), StoreError> {
    // An arbitrary constant, fixed for this installation.
    sqlx::query("SELECT pg_advisory_xact_lock(7001000001)")
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn any_exists(conn: &mut PgConnection) -> Result<bool, StoreError> {
    Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts)")
        .fetch_one(conn)
        .await?)
}

pub struct NewAccountRow<'a> {
    pub account_id: &'a AccountId,
    pub alias: Option<&'a AccountAlias>,
    pub root_email: &'a EmailAddress,
    pub root_password_hash: &'a str,
    pub created_at: OffsetDateTime,
}

/// Inserts the account; `Ok(None)` when the account id is already taken (other unique
/// violations are errors for the caller to name).
pub async fn insert(
    conn: &mut PgConnection,
    new: NewAccountRow<'_>,
) -> Result<Option<Account>, StoreError> {
    let row: Option<AccountRow> = sqlx::query_as(
        "INSERT INTO accounts
           (account_id, alias, root_email, root_email_key, root_password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (account_id) DO NOTHING
         RETURNING account_id, alias, root_email, created_at",
    )
    .bind(new.account_id.as_str())
    .bind(new.alias.map(AccountAlias::as_str))
    .bind(new.root_email.as_str())
    .bind(new.root_email.normalized())
    .bind(new.root_password_hash)
    .bind(new.created_at)
    .fetch_optional(conn)
    .await?;
    row.map(Account::try_from).transpose()
}

pub async fn find(conn: &mut PgConnection, id: &AccountId) -> Result<Option<Account>, StoreError> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, alias, root_email, created_at FROM accounts WHERE account_id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(Account::try_from).transpose()
}

/// The account an IAM user's sign-in names: by alias, or by id when it is 12 digits.
pub async fn find_by_signin_name(
    conn: &mut PgConnection,
    name: &str,
) -> Result<Option<Account>, StoreError> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, alias, root_email, created_at FROM accounts
         WHERE account_id = $1 OR alias = $1",
    )
    .bind(name)
    .fetch_optional(conn)
    .await?;
    row.map(Account::try_from).transpose()
}

/// The account whose root user has this email, with the root password hash.
pub async fn find_root_by_email(
    conn: &mut PgConnection,
    normalized_email: &str,
) -> Result<Option<(Account, String)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        account: AccountRow,
        root_password_hash: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT account_id, alias, root_email, created_at, root_password_hash
         FROM accounts WHERE root_email_key = $1",
    )
    .bind(normalized_email)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((Account::try_from(r.account)?, r.root_password_hash)))
        .transpose()
}

/// Replaces the root user's password hash.
pub async fn set_root_password(
    conn: &mut PgConnection,
    id: &AccountId,
    hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET root_password_hash = $2 WHERE account_id = $1")
        .bind(id.as_str())
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets or clears the account's alias (unique across the installation:
/// `accounts_alias_key`).
pub async fn set_alias(
    w: &mut crate::authz::Writer<'_>,
    id: &AccountId,
    alias: Option<&AccountAlias>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET alias = $2 WHERE account_id = $1")
        .bind(id.as_str())
        .bind(alias.map(AccountAlias::as_str))
        .execute(w.conn())
        .await?;
    Ok(())
}

/// The figures of GetAccountSummary that come from the directory's tables.
#[derive(Debug, Clone, Copy, Default, FromRow)]
pub struct Counts {
    pub users: i64,
    pub groups: i64,
    pub roles: i64,
    pub policies: i64,
    pub policy_versions_in_use: i64,
    pub root_password: bool,
    /// Users in at least one group.
    pub users_in_groups: i64,
    /// Users with a managed or inline policy of their own (not through a group).
    pub users_with_own_policies: i64,
    pub mfa_devices: i64,
    pub mfa_devices_in_use: i64,
    pub root_mfa: bool,
    pub root_access_keys: bool,
}

pub async fn counts(conn: &mut PgConnection, id: &AccountId) -> Result<Counts, StoreError> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM iam_users WHERE account_id = $1) AS users,
                (SELECT count(*) FROM iam_groups WHERE account_id = $1) AS groups,
                (SELECT count(*) FROM iam_roles WHERE account_id = $1) AS roles,
                (SELECT count(*) FROM managed_policies WHERE account_id = $1) AS policies,
                (SELECT count(*) FROM (
                     SELECT policy_id FROM user_policy_attachments WHERE account_id = $1
                     UNION
                     SELECT policy_id FROM group_policy_attachments WHERE account_id = $1
                     UNION
                     SELECT policy_id FROM role_policy_attachments WHERE account_id = $1
                     UNION
                     SELECT boundary_policy_id FROM iam_users
                      WHERE account_id = $1 AND boundary_policy_id IS NOT NULL
                     UNION
                     SELECT boundary_policy_id FROM iam_roles
                      WHERE account_id = $1 AND boundary_policy_id IS NOT NULL) used
                ) AS policy_versions_in_use,
                EXISTS (SELECT 1 FROM accounts WHERE account_id = $1
                         AND root_password_hash IS NOT NULL) AS root_password,
                (SELECT count(*) FROM iam_users WHERE account_id = $1 AND group_count > 0)
                  AS users_in_groups,
                (SELECT count(*) FROM iam_users WHERE account_id = $1
                    AND (attached_count > 0 OR inline_count > 0)) AS users_with_own_policies,
                (SELECT count(*) FROM mfa_devices WHERE account_id = $1) AS mfa_devices,
                (SELECT count(*) FROM mfa_devices WHERE account_id = $1 AND owner <> 'none')
                  AS mfa_devices_in_use,
                EXISTS (SELECT 1 FROM mfa_devices WHERE account_id = $1 AND owner = 'root')
                  AS root_mfa,
                EXISTS (SELECT 1 FROM access_keys WHERE account_id = $1 AND owner = 'root')
                  AS root_access_keys",
    )
    .bind(id.as_str())
    .fetch_one(conn)
    .await?)
}

/// Deletes the account and everything of it (for the sandbox's reset). Keys and devices
/// hold their users back (`ON DELETE RESTRICT`), so they go first; the rest cascades.
pub async fn delete_with_everything(
    conn: &mut PgConnection,
    id: &AccountId,
) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM access_keys WHERE account_id = $1",
        "DELETE FROM mfa_devices WHERE account_id = $1",
        "DELETE FROM accounts WHERE account_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
