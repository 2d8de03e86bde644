use crate::model::{AccountAlias, AccountId, EmailAddress};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

/// An account as the console sees it (never the password hash).
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub account_id: String,
    pub alias: Option<String>,
    pub root_email: String,
    pub created_at: OffsetDateTime,
}

#[derive(FromRow)]
struct AccountRow {
    account_id: String,
    alias: Option<String>,
    root_email: String,
    created_at: OffsetDateTime,
}

impl From<AccountRow> for AccountRecord {
    fn from(row: AccountRow) -> Self {
        Self {
            account_id: row.account_id,
            alias: row.alias,
            root_email: row.root_email,
            created_at: row.created_at,
        }
    }
}

/// Serialises account creation so "is this the first account?" cannot race.
pub async fn lock_account_creation(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    // An arbitrary constant that names this lock across the installation.
    sqlx::query("SELECT pg_advisory_xact_lock(7001000001)")
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn any_exists(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM accounts)")
        .fetch_one(conn)
        .await
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
) -> Result<Option<AccountRecord>, sqlx::Error> {
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
    Ok(row.map(Into::into))
}

pub async fn find(
    conn: &mut PgConnection,
    account_id: &str,
) -> Result<Option<AccountRecord>, sqlx::Error> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, alias, root_email, created_at FROM accounts WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Into::into))
}

/// The account whose root user has this email, with the root password hash.
pub async fn find_root_by_email(
    conn: &mut PgConnection,
    normalized_email: &str,
) -> Result<Option<(AccountRecord, String)>, sqlx::Error> {
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
    Ok(row.map(|r| (r.account.into(), r.root_password_hash)))
}
