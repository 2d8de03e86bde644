//! Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, ResyncMFADevice,
//! DeactivateMFADevice, DeleteVirtualMFADevice, ListMFADevices, ListVirtualMFADevices,
//! and the code check at sign-in. Seeds are sealed with the master key and leave the
//! server once, when the device is created; a code is spent by raising the device's
//! last accepted time step, so none is ever accepted twice.

use super::principal::{Principal, authorized_principal};
use crate::authz::{Ctx, IamAction, Op};
use crate::crypto::totp::{Seed, step_at};
use crate::error::AppError;
use crate::model::{
    AccountId, AuthCode, IamPath, MfaDevice, MfaDeviceName, NewMfaDevice, UserName, arn,
};
use crate::state::AppState;
use crate::store::{self, Holder, mfa::Filter};
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

/// Steps either side of now a sign-in or enabling code may come from (clocks drift).
const WINDOW: i64 = 1;
/// Resynchronising is for a device whose clock has drifted further: five minutes.
const RESYNC_WINDOW: i64 = 10;
/// Enabled devices per IAM user and per root user.
pub const MAX_DEVICES: usize = 8;

pub fn parse_device_name(field: &str, input: &str) -> Result<MfaDeviceName, AppError> {
    MfaDeviceName::parse(input).map_err(|m| AppError::validation(field, m))
}

pub fn parse_code(field: &str, input: &str) -> Result<AuthCode, AppError> {
    AuthCode::parse(input).map_err(|m| AppError::validation(field, m))
}

/// A serial number as given: AWS's 9-256 characters of `[\w+=/:,.@-]`.
pub fn parse_serial(field: &str, input: &str) -> Result<String, AppError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(AppError::validation(field, "is required"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c);
    if !(9..=256).contains(&s.len()) || !s.chars().all(allowed) {
        return Err(AppError::validation(
            field,
            "must be the device's serial number (its ARN), 9-256 characters",
        ));
    }
    Ok(s.to_owned())
}

pub(crate) fn seed_context(serial_number: &str) -> String {
    format!("mfa-seed:{serial_number}")
}

fn no_such_device(serial_number: &str) -> AppError {
    AppError::not_found(format!(
        "VirtualMFADevice with serial number {serial_number} doesn't exist."
    ))
}

fn limit_exceeded() -> AppError {
    AppError::limit_exceeded(format!(
        "Cannot exceed quota for MFADevicesPerUser: {MAX_DEVICES}"
    ))
}

fn open_seed(state: &AppState, serial_number: &str, sealed: &[u8]) -> Result<Seed, AppError> {
    let bytes = state
        .sealer
        .open(&seed_context(serial_number), sealed)
        .map_err(|e| AppError::internal("mfa seed", e))?;
    Seed::from_bytes(bytes).map_err(|e| AppError::internal("mfa seed", e))
}

fn in_use() -> AppError {
    AppError::already_exists("serial_number", "MFA Device is already in use.")
}

/// The later step of two consecutive codes the device showed around `now`, later than
/// any accepted before.
fn consecutive(
    seed: &Seed,
    (first, second): (&AuthCode, &AuthCode),
    now: OffsetDateTime,
    window: i64,
    last_step: i64,
) -> Option<i64> {
    let current = step_at(now);
    (current - window..=current + window).find(|&step| {
        step - 1 > last_step && seed.shows(first, step - 1) && seed.shows(second, step)
    })
}

/// CreateVirtualMFADevice: a new device, not yet enabled for anyone. Its seed is in
/// the answer and nowhere else in clear.
pub async fn create_virtual_mfa_device(
    cx: &Ctx,
    name: &MfaDeviceName,
    path: &IamPath,
) -> Result<NewMfaDevice, AppError> {
    let serial_number = arn::mfa(cx.account(), path, name);
    let mut op = cx.begin().await?;
    let permit = op
        .authorize(IamAction::CreateVirtualMFADevice, &serial_number)
        .await?;
    let seed = Seed::generate(cx.entropy());
    let sealed =
        cx.state()
            .sealer
            .seal(cx.entropy(), &seed_context(&serial_number), seed.as_bytes());
    store::mfa::insert(
        &mut op.writer(&permit),
        store::mfa::NewDevice {
            serial_number: &serial_number,
            account: cx.account(),
            name,
            path,
            seed_sealed: &sealed,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("mfa_devices_name_key" | "mfa_devices_pkey") => AppError::already_exists(
            "virtual_mfa_device_name",
            "MFADevice entity at the same path and name already exists.",
        ),
        _ => e.into(),
    })?;
    op.audit(&permit, json!({"VirtualMFADeviceName": name, "Path": path}));
    let label = format!("{name}@{}", cx.caller().account.signin_name());
    let qr_code_png = seed
        .qr_png_base64(&label)
        .map_err(|e| AppError::internal("mfa qr code", e))?;
    let device = MfaDevice {
        serial_number,
        name: name.clone(),
        path: path.clone(),
        created_at: cx.now(),
        owner: None,
        enabled_at: None,
    };
    op.commit().await?;
    Ok(NewMfaDevice {
        device,
        base32_seed: seed.base32(),
        qr_code_png,
    })
}

/// EnableMFADevice: two consecutive codes from the device prove it holds the seed;
/// then it is the user's (or, without a user name, the caller's own), at most 8 each.
pub async fn enable_mfa_device(
    cx: &Ctx,
    user: Option<&UserName>,
    serial_number: &str,
    codes: (&AuthCode, &AuthCode),
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::EnableMFADevice, user).await?;
    let stored = store::mfa::find_for_update(op.reader(), cx.account(), serial_number)
        .await?
        .ok_or_else(|| no_such_device(serial_number))?;
    if stored.device.owner.is_some() {
        return Err(in_use());
    }
    let seed = open_seed(cx.state(), serial_number, &stored.seed_sealed)?;
    let step = consecutive(&seed, codes, cx.now(), WINDOW, stored.last_step)
        .ok_or_else(|| AppError::invalid_code("authentication_code_2"))?;
    let enabled = store::mfa::enable(
        &mut op.writer(&permit),
        cx.account(),
        serial_number,
        principal.holder(),
        step,
        cx.now(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_users_mfa_limit" | "accounts_root_mfa_limit") => limit_exceeded(),
        _ => e.into(),
    })?;
    if !enabled {
        return Err(in_use());
    }
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "SerialNumber": serial_number}),
    );
    op.commit().await
}

/// ResyncMFADevice: two consecutive codes from a device whose clock drifted, within
/// five minutes either side; later codes then count from there.
pub async fn resync_mfa_device(
    cx: &Ctx,
    user: Option<&UserName>,
    serial_number: &str,
    codes: (&AuthCode, &AuthCode),
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::ResyncMFADevice, user).await?;
    let stored = enabled_device(&mut op, &principal, serial_number).await?;
    let seed = open_seed(cx.state(), serial_number, &stored.seed_sealed)?;
    let step = consecutive(&seed, codes, cx.now(), RESYNC_WINDOW, stored.last_step)
        .ok_or_else(|| AppError::invalid_code("authentication_code_2"))?;
    if !store::mfa::resync(&mut op.writer(&permit), serial_number, step).await? {
        return Err(AppError::invalid_code("authentication_code_2"));
    }
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "SerialNumber": serial_number}),
    );
    op.commit().await
}

/// The device, locked, when it is enabled for this principal.
async fn enabled_device(
    op: &mut Op<'_>,
    principal: &Principal,
    serial_number: &str,
) -> Result<store::mfa::Stored, AppError> {
    let account = op.cx().account().clone();
    let stored = store::mfa::find_for_update(op.reader(), &account, serial_number).await?;
    let mine = stored.filter(|s| match (&principal.user, &s.user_id) {
        (Some(user), Some(id)) => user.id.as_str() == id,
        (None, None) => s.device.owner.is_some(),
        _ => false,
    });
    mine.ok_or_else(|| {
        AppError::not_found(format!(
            "MFA Device with serial number {serial_number} does not exist{}.",
            principal
                .user_name()
                .map(|n| format!(" for user {n}"))
                .unwrap_or_default()
        ))
    })
}

/// DeactivateMFADevice: the device is no longer the principal's; it stays, unassigned,
/// until DeleteVirtualMFADevice.
pub async fn deactivate_mfa_device(
    cx: &Ctx,
    user: Option<&UserName>,
    serial_number: &str,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::DeactivateMFADevice, user).await?;
    enabled_device(&mut op, &principal, serial_number).await?;
    let mut writer = op.writer(&permit);
    store::mfa::deactivate(&mut writer, cx.account(), serial_number, principal.holder()).await?;
    // Without a device no code is asked for at sign-in: the recovery codes go too.
    if store::mfa::enabled_count(writer.conn(), cx.account(), principal.holder()).await? == 0 {
        store::recovery::delete_for(writer.conn(), cx.account(), principal.holder()).await?;
    }
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "SerialNumber": serial_number}),
    );
    op.commit().await
}

/// DeleteVirtualMFADevice: only a device no one has enabled (DeleteConflict otherwise).
pub async fn delete_virtual_mfa_device(cx: &Ctx, serial_number: &str) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op
        .authorize(IamAction::DeleteVirtualMFADevice, serial_number)
        .await?;
    let stored = store::mfa::find_for_update(op.reader(), cx.account(), serial_number)
        .await?
        .ok_or_else(|| no_such_device(serial_number))?;
    if stored.device.owner.is_some() {
        return Err(AppError::delete_conflict(
            "MFA Device is still in use. Deactivate it first.",
        ));
    }
    store::mfa::delete(&mut op.writer(&permit), cx.account(), serial_number).await?;
    op.audit(&permit, json!({"SerialNumber": serial_number}));
    op.commit().await
}

/// Takes a device away from the user (the caller without a name) and deletes it: the
/// console's Remove, and part of deleting a user. Two operations, each authorised and
/// audited as its own AWS action (DeactivateMFADevice, DeleteVirtualMFADevice).
pub async fn remove_mfa_device(
    cx: &Ctx,
    user: Option<&UserName>,
    serial_number: &str,
) -> Result<(), AppError> {
    deactivate_mfa_device(cx, user, serial_number).await?;
    delete_virtual_mfa_device(cx, serial_number).await
}

/// ListMFADevices: the devices enabled for the user (the caller without a name).
pub async fn list_mfa_devices(
    cx: &Ctx,
    user: Option<&UserName>,
) -> Result<Vec<MfaDevice>, AppError> {
    let mut op = cx.begin().await?;
    let (principal, _) = authorized_principal(&mut op, IamAction::ListMFADevices, user).await?;
    Ok(store::mfa::list(
        op.reader(),
        cx.account(),
        Filter::EnabledFor(principal.holder()),
    )
    .await?)
}

/// ListVirtualMFADevices: every device of the account, or only the assigned
/// (`Some(true)`) or unassigned ones.
pub async fn list_virtual_mfa_devices(
    cx: &Ctx,
    assigned: Option<bool>,
) -> Result<Vec<MfaDevice>, AppError> {
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListVirtualMFADevices, "*").await?;
    Ok(store::mfa::list(op.reader(), cx.account(), Filter::Assignment(assigned)).await?)
}

/// How many MFA devices the root user has enabled (root's dashboard checklist; the
/// caller is that root user, so nothing is disclosed).
pub async fn root_devices_enabled(cx: &Ctx) -> Result<i64, AppError> {
    let mut conn = store::acquire(&cx.state().pool).await?;
    Ok(store::mfa::enabled_count(&mut conn, cx.account(), Holder::Root).await?)
}

/// Whether a principal must give a code at sign-in: any device enabled for it.
pub async fn required_at_signin(
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: Option<&str>,
) -> Result<bool, AppError> {
    let holder = user_id.map_or(Holder::Root, Holder::User);
    Ok(store::mfa::enabled_count(conn, account, holder).await? > 0)
}

/// The sign-in's second step: whether `code` is one a device enabled for the principal
/// shows now, not used before; spending it in `conn`'s transaction when it is.
pub async fn spend_signin_code(
    state: &AppState,
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: Option<&str>,
    code: &AuthCode,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    spend_code(state, conn, account, user_id, None, code, now).await
}

/// Whether `code` is one an enabled device of the principal (the one named `only`,
/// when given) shows now, not used before; spending it in `conn`'s transaction when it
/// is.
pub(crate) async fn spend_code(
    state: &AppState,
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: Option<&str>,
    only: Option<&str>,
    code: &AuthCode,
    now: OffsetDateTime,
) -> Result<bool, AppError> {
    let holder = user_id.map_or(Holder::Root, Holder::User);
    let current = step_at(now);
    for (serial, sealed, last_step) in store::mfa::enabled_seeds(conn, account, holder).await? {
        if only.is_some_and(|only| only != serial) {
            continue;
        }
        let seed = open_seed(state, &serial, &sealed)?;
        let shown = (current - WINDOW..=current + WINDOW)
            .filter(|&step| step > last_step)
            .find(|&step| seed.shows(code, step));
        if let Some(step) = shown
            && store::mfa::spend_step(conn, &serial, step).await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}
