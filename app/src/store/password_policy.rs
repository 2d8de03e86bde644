//! The account password policy row.

use super::StoreError;
use crate::authz::Writer;
use crate::model::{AccountId, PasswordPolicy, StrengthScore};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

#[derive(FromRow)]
struct PolicyRow {
    minimum_password_length: i32,
    require_symbols: bool,
    require_numbers: bool,
    require_uppercase_characters: bool,
    require_lowercase_characters: bool,
    allow_users_to_change_password: bool,
    max_password_age: Option<i32>,
    password_reuse_prevention: Option<i32>,
    hard_expiry: bool,
}

impl TryFrom<PolicyRow> for PasswordPolicy {
    type Error = StoreError;

    fn try_from(r: PolicyRow) -> Result<Self, StoreError> {
        let corrupt = |column: &str| StoreError::Corrupt(format!("{column} out of range"));
        Ok(Self {
            minimum_password_length: u8::try_from(r.minimum_password_length)
                .map_err(|_| corrupt("minimum_password_length"))?,
            require_symbols: r.require_symbols,
            require_numbers: r.require_numbers,
            require_uppercase_characters: r.require_uppercase_characters,
            require_lowercase_characters: r.require_lowercase_characters,
            allow_users_to_change_password: r.allow_users_to_change_password,
            max_password_age: r
                .max_password_age
                .map(u16::try_from)
                .transpose()
                .map_err(|_| corrupt("max_password_age"))?,
            password_reuse_prevention: r
                .password_reuse_prevention
                .map(u8::try_from)
                .transpose()
                .map_err(|_| corrupt("password_reuse_prevention"))?,
            hard_expiry: r.hard_expiry,
        })
    }
}

pub async fn find(
    conn: &mut PgConnection,
    account: &AccountId,
) -> Result<Option<PasswordPolicy>, StoreError> {
    let row: Option<PolicyRow> = sqlx::query_as(
        "SELECT minimum_password_length, require_symbols, require_numbers,
                require_uppercase_characters, require_lowercase_characters,
                allow_users_to_change_password, max_password_age, password_reuse_prevention,
                hard_expiry
         FROM account_password_policies WHERE account_id = $1",
    )
    .bind(account.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(PasswordPolicy::try_from).transpose()
}

/// Sets the account's policy, replacing any before it.
pub async fn put(
    w: &mut Writer<'_>,
    account: &AccountId,
    p: &PasswordPolicy,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO account_password_policies (account_id, minimum_password_length,
             require_symbols, require_numbers, require_uppercase_characters,
             require_lowercase_characters, allow_users_to_change_password, max_password_age,
             password_reuse_prevention, hard_expiry, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (account_id) DO UPDATE SET
             minimum_password_length = EXCLUDED.minimum_password_length,
             require_symbols = EXCLUDED.require_symbols,
             require_numbers = EXCLUDED.require_numbers,
             require_uppercase_characters = EXCLUDED.require_uppercase_characters,
             require_lowercase_characters = EXCLUDED.require_lowercase_characters,
             allow_users_to_change_password = EXCLUDED.allow_users_to_change_password,
             max_password_age = EXCLUDED.max_password_age,
             password_reuse_prevention = EXCLUDED.password_reuse_prevention,
             hard_expiry = EXCLUDED.hard_expiry,
             updated_at = EXCLUDED.updated_at",
    )
    .bind(account.as_str())
    .bind(i32::from(p.minimum_password_length))
    .bind(p.require_symbols)
    .bind(p.require_numbers)
    .bind(p.require_uppercase_characters)
    .bind(p.require_lowercase_characters)
    .bind(p.allow_users_to_change_password)
    .bind(p.max_password_age.map(i32::from))
    .bind(p.password_reuse_prevention.map(i32::from))
    .bind(p.hard_expiry)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Removes the account's policy; whether there was one.
pub async fn delete(w: &mut Writer<'_>, account: &AccountId) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM account_password_policies WHERE account_id = $1")
        .bind(account.as_str())
        .execute(w.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The lowest strength score the account accepts for a new password.
pub async fn minimum_score(
    conn: &mut PgConnection,
    account: &AccountId,
) -> Result<StrengthScore, StoreError> {
    let score: i16 =
        sqlx::query_scalar("SELECT minimum_password_score FROM accounts WHERE account_id = $1")
            .bind(account.as_str())
            .fetch_one(conn)
            .await?;
    u8::try_from(score)
        .ok()
        .and_then(StrengthScore::new)
        .ok_or_else(|| StoreError::Corrupt("minimum_password_score out of range".to_owned()))
}

pub async fn set_minimum_score(
    w: &mut Writer<'_>,
    account: &AccountId,
    score: StrengthScore,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET minimum_password_score = $2 WHERE account_id = $1")
        .bind(account.as_str())
        .bind(i16::from(score.get()))
        .execute(w.conn())
        .await?;
    Ok(())
}
