//! Recovery codes (beyond AWS): ten single-use codes that stand in for an MFA code when
//! the device is lost. Issued with a principal's MFA device, for themselves only, shown
//! once; only hashes are kept; each use is audited with the sign-in it made.
//!
//! Issuing is part of enrolling a device: it needs iam:EnableMFADevice on oneself and
//! is audited as that action, with `RecoveryCodesIssued` in its parameters.

use super::principal::authorized_principal;
use crate::authz::{Ctx, IamAction};
use crate::error::AppError;
use crate::model::{AccountId, RECOVERY_CODE_LEN, RECOVERY_CODES, RecoveryCode};
use crate::store::{self, Holder};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use time::OffsetDateTime;

/// What is stored of a code: bound to its account, so equal codes of two accounts
/// (never issued, but possible) do not collide.
fn hash(account: &AccountId, code: &RecoveryCode) -> [u8; 32] {
    let mut digest = Sha256::new();
    digest.update(b"portcullis recovery code\0");
    digest.update(account.as_str().as_bytes());
    digest.update(b"\0");
    digest.update(code.as_str().as_bytes());
    digest.finalize().into()
}

/// A new set of ten codes for the caller, replacing any earlier set. Only a caller with
/// an MFA device has use for them.
pub async fn issue_recovery_codes(cx: &Ctx) -> Result<Vec<RecoveryCode>, AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::EnableMFADevice, None).await?;
    let holder = principal.holder();
    if store::mfa::enabled_count(op.reader(), cx.account(), holder).await? == 0 {
        return Err(AppError::invalid_input(
            "recovery_codes",
            "Recovery codes come with an MFA device: assign one first.",
        ));
    }
    let codes: Vec<RecoveryCode> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut random = [0u8; RECOVERY_CODE_LEN];
            cx.entropy().fill(&mut random);
            RecoveryCode::from_random(&random)
        })
        .collect();
    let hashes: Vec<[u8; 32]> = codes.iter().map(|c| hash(cx.account(), c)).collect();
    store::recovery::replace(
        &mut op.writer(&permit),
        cx.account(),
        holder,
        &hashes,
        cx.now(),
    )
    .await?;
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "RecoveryCodesIssued": RECOVERY_CODES}),
    );
    op.commit().await?;
    Ok(codes)
}

/// How many unused codes the caller has (their own page).
pub async fn my_remaining_codes(cx: &Ctx) -> Result<i64, AppError> {
    if cx.caller().role_session().is_some() {
        return Ok(0);
    }
    let mut conn = store::acquire(&cx.state().pool).await?;
    let holder = cx
        .caller()
        .user()
        .map_or(Holder::Root, |u| Holder::User(u.id.as_str()));
    Ok(store::recovery::remaining(&mut conn, cx.account(), holder).await?)
}

/// The sign-in's second step with a recovery code: spends it in `conn`'s transaction
/// when it is one of the principal's unused codes; how many are left after it, if so.
pub async fn spend_signin_code(
    conn: &mut PgConnection,
    account: &AccountId,
    user_id: Option<&str>,
    code: &RecoveryCode,
    now: OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    let holder = user_id.map_or(Holder::Root, Holder::User);
    if !store::recovery::spend(conn, account, holder, &hash(account, code), now).await? {
        return Ok(None);
    }
    Ok(Some(
        store::recovery::remaining(conn, account, holder).await?,
    ))
}
