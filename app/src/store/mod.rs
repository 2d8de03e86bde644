//! SQL, one module per area. Row types stay private; callers get domain types, and
//! every failure is a `StoreError` that names the constraint a statement broke, so the
//! services (not the store) decide what a broken constraint means to the user.

pub mod access_keys;
pub mod accounts;
pub mod audit;
pub mod authz;
pub mod aws_policies;
pub mod groups;
pub mod mfa;
pub mod name_page;
pub mod password_policy;
pub mod policies;
pub mod recovery;
pub mod roles;
pub mod sealed;
pub mod session_credentials;
pub mod sessions;
pub mod signin;
pub mod tags;
pub mod users;

use sqlx::{PgPool, Postgres, Transaction};

pub type Tx = Transaction<'static, Postgres>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint or index, by name.
    #[error("unique constraint {0} violated")]
    Unique(String),
    #[error("foreign key {0} violated")]
    ForeignKey(String),
    /// A check constraint, by name: how limits held by the database show themselves.
    #[error("check constraint {0} violated")]
    Check(String),
    /// The transaction lost a race (serialization failure or deadlock); retrying is safe.
    #[error("the transaction conflicted with a concurrent one")]
    Conflict,
    /// A stored value no longer parses as its domain type.
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Other(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            let constraint = db.constraint().unwrap_or_default().to_owned();
            match db.code().as_deref() {
                Some("23505") => return Self::Unique(constraint),
                Some("23503") => return Self::ForeignKey(constraint),
                Some("23514") => return Self::Check(constraint),
                Some("40001" | "40P01") => return Self::Conflict,
                _ => {}
            }
        }
        Self::Other(error)
    }
}

impl StoreError {
    /// The constraint this error names, for the services' mappings.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Self::Unique(c) | Self::ForeignKey(c) | Self::Check(c) => Some(c),
            _ => None,
        }
    }
}

pub async fn begin(pool: &PgPool) -> Result<Tx, StoreError> {
    Ok(pool.begin().await?)
}

pub async fn commit(tx: Tx) -> Result<(), StoreError> {
    Ok(tx.commit().await?)
}

pub async fn acquire(pool: &PgPool) -> Result<sqlx::pool::PoolConnection<Postgres>, StoreError> {
    Ok(pool.acquire().await?)
}

/// Parses a stored value back into its domain type; failing means the row was written
/// by something other than this code.
pub(crate) fn decode<T>(
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, StoreError> {
    parse(value).map_err(|message| StoreError::Corrupt(format!("{column}: {message}")))
}

/// Whose a credential (an MFA device, an access key) is, as the database names them.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    Root,
    /// An IAM user, by id.
    User(&'a str),
}

impl Holder<'_> {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::Root => "root",
            Self::User(_) => "user",
        }
    }

    pub(crate) fn user_id(self) -> Option<String> {
        match self {
            Self::Root => None,
            Self::User(id) => Some(id.to_owned()),
        }
    }
}
