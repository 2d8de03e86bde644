//! Virtual MFA devices: sealed seeds, who they are enabled for, and the last time step
//! each accepted.

use super::{StoreError, decode};
use crate::authz::Writer;
use crate::model::{AccountId, IamPath, MfaDevice, MfaDeviceName, MfaOwner, UserName};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

pub use super::Holder;

#[derive(FromRow)]
struct DeviceRow {
    serial_number: String,
    name: String,
    path: String,
    created_at: OffsetDateTime,
    owner: String,
    user_name: Option<String>,
    enabled_at: Option<OffsetDateTime>,
}

const SELECT: &str = "SELECT d.serial_number, d.name, d.path, d.created_at, d.owner,
        u.name AS user_name, d.enabled_at
    FROM mfa_devices d LEFT JOIN iam_users u ON u.user_id = d.user_id";

fn to_device(row: DeviceRow) -> Result<MfaDevice, StoreError> {
    let owner = match (row.owner.as_str(), row.user_name) {
        ("none", _) => None,
        ("root", _) => Some(MfaOwner::Root),
        ("user", Some(name)) => Some(MfaOwner::User(decode("user name", &name, UserName::parse)?)),
        (other, _) => {
            return Err(StoreError::Corrupt(format!("mfa_devices.owner {other}")));
        }
    };
    Ok(MfaDevice {
        serial_number: row.serial_number,
        name: decode("name", &row.name, MfaDeviceName::parse)?,
        path: decode("path", &row.path, IamPath::parse)?,
        created_at: row.created_at,
        owner,
        enabled_at: row.enabled_at,
    })
}

pub struct NewDevice<'a> {
    pub serial_number: &'a str,
    pub account: &'a AccountId,
    pub name: &'a MfaDeviceName,
    pub path: &'a IamPath,
    pub seed_sealed: &'a [u8],
    pub now: OffsetDateTime,
}

pub async fn insert(w: &mut Writer<'_>, new: NewDevice<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO mfa_devices (serial_number, account_id, name, name_key, path, seed_sealed,
                                  created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.serial_number)
    .bind(new.account.as_str())
    .bind(new.name.as_str())
    .bind(new.name.key())
    .bind(new.path.as_str())
    .bind(new.seed_sealed)
    .bind(new.now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// A device with what only the services may see: its sealed seed and last step.
pub struct Stored {
    pub device: MfaDevice,
    /// The IAM user it is enabled for, by id.
    pub user_id: Option<String>,
    pub seed_sealed: Vec<u8>,
    pub last_step: i64,
}

/// The device with this serial number in this account, locked for the transaction.
pub async fn find_for_update(
    conn: &mut PgConnection,
    account: &AccountId,
    serial_number: &str,
) -> Result<Option<Stored>, StoreError> {
    #[derive(FromRow)]
    struct StoredRow {
        #[sqlx(flatten)]
        device: DeviceRow,
        user_id: Option<String>,
        seed_sealed: Vec<u8>,
        last_step: i64,
    }
    let row: Option<StoredRow> = sqlx::query_as(
        "SELECT d.serial_number, d.name, d.path, d.created_at, d.owner, u.name AS user_name,
                d.enabled_at, d.user_id, d.seed_sealed, d.last_step
         FROM mfa_devices d LEFT JOIN iam_users u ON u.user_id = d.user_id
         WHERE d.account_id = $1 AND d.serial_number = $2 FOR UPDATE OF d",
    )
    .bind(account.as_str())
    .bind(serial_number)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Stored {
            device: to_device(r.device)?,
            user_id: r.user_id,
            seed_sealed: r.seed_sealed,
            last_step: r.last_step,
        })
    })
    .transpose()
}

/// Which devices a listing shows.
#[derive(Debug, Clone, Copy)]
pub enum Filter<'a> {
    /// Every device of the account, or only those enabled or not.
    Assignment(Option<bool>),
    /// The devices enabled for one holder.
    EnabledFor(Holder<'a>),
}

pub async fn list(
    conn: &mut PgConnection,
    account: &AccountId,
    filter: Filter<'_>,
) -> Result<Vec<MfaDevice>, StoreError> {
    let (condition, user_id) = match filter {
        Filter::Assignment(None) => ("TRUE", None),
        Filter::Assignment(Some(true)) => ("d.owner <> 'none'", None),
        Filter::Assignment(Some(false)) => ("d.owner = 'none'", None),
        Filter::EnabledFor(Holder::Root) => ("d.owner = 'root'", None),
        Filter::EnabledFor(holder @ Holder::User(_)) => ("d.user_id = $2", holder.user_id()),
    };
    let rows: Vec<DeviceRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE d.account_id = $1 AND {condition} ORDER BY d.name_key"
    ))
    .bind(account.as_str())
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(to_device).collect()
}

/// The sealed seeds and last steps of the devices enabled for a holder (sign-in).
pub async fn enabled_seeds(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<Vec<(String, Vec<u8>, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT serial_number, seed_sealed, last_step FROM mfa_devices
         WHERE account_id = $1 AND owner = $2 AND user_id IS NOT DISTINCT FROM $3
         ORDER BY enabled_at",
    )
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .fetch_all(conn)
    .await?)
}

/// Accepts `step` from an enabled device when it is later than every step accepted
/// before; whether it was. The one place a code is spent: two requests with the same
/// code cannot both raise `last_step` to it.
pub async fn spend_step(
    conn: &mut PgConnection,
    serial_number: &str,
    step: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE mfa_devices SET last_step = $2
         WHERE serial_number = $1 AND owner <> 'none' AND last_step < $2",
    )
    .bind(serial_number)
    .bind(step)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Enables an unassigned device for `holder` with `step` as its last accepted step, and
/// counts it against the holder's limit of 8 (`iam_users_mfa_limit`,
/// `accounts_root_mfa_limit`). False when the device is no longer unassigned.
pub async fn enable(
    w: &mut Writer<'_>,
    account: &AccountId,
    serial_number: &str,
    holder: Holder<'_>,
    step: i64,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE mfa_devices SET owner = $3, user_id = $4, enabled_at = $5, last_step = $6
         WHERE account_id = $1 AND serial_number = $2 AND owner = 'none' AND last_step < $6",
    )
    .bind(account.as_str())
    .bind(serial_number)
    .bind(holder.kind())
    .bind(holder.user_id())
    .bind(now)
    .bind(step)
    .execute(w.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    count(w, account, holder, 1).await?;
    Ok(true)
}

/// Takes a device back from `holder`; false when it was not enabled for them.
pub async fn deactivate(
    w: &mut Writer<'_>,
    account: &AccountId,
    serial_number: &str,
    holder: Holder<'_>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE mfa_devices SET owner = 'none', user_id = NULL, enabled_at = NULL
         WHERE account_id = $1 AND serial_number = $2 AND owner = $3
           AND user_id IS NOT DISTINCT FROM $4",
    )
    .bind(account.as_str())
    .bind(serial_number)
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

async fn count(
    w: &mut Writer<'_>,
    account: &AccountId,
    holder: Holder<'_>,
    by: i32,
) -> Result<(), StoreError> {
    match holder {
        Holder::Root => {
            sqlx::query(
                "UPDATE accounts SET root_mfa_count = root_mfa_count + $2 WHERE account_id = $1",
            )
            .bind(account.as_str())
            .bind(by)
            .execute(w.conn())
            .await?;
        }
        Holder::User(id) => {
            sqlx::query("UPDATE iam_users SET mfa_count = mfa_count + $2 WHERE user_id = $1")
                .bind(id)
                .bind(by)
                .execute(w.conn())
                .await?;
        }
    }
    Ok(())
}

/// Sets a device's last accepted step (ResyncMFADevice), only ever forwards.
pub async fn resync(
    w: &mut Writer<'_>,
    serial_number: &str,
    step: i64,
) -> Result<bool, StoreError> {
    spend_step(w.conn(), serial_number, step).await
}

/// Deletes an unassigned device; false when there is none by that serial number.
pub async fn delete(
    w: &mut Writer<'_>,
    account: &AccountId,
    serial_number: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM mfa_devices WHERE account_id = $1 AND serial_number = $2 AND owner = 'none'",
    )
    .bind(account.as_str())
    .bind(serial_number)
    .execute(w.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many devices are enabled for the holder (the dashboard, sign-in).
pub async fn enabled_count(
    conn: &mut PgConnection,
    account: &AccountId,
    holder: Holder<'_>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM mfa_devices
         WHERE account_id = $1 AND owner = $2 AND user_id IS NOT DISTINCT FROM $3",
    )
    .bind(account.as_str())
    .bind(holder.kind())
    .bind(holder.user_id())
    .fetch_one(conn)
    .await?)
}
