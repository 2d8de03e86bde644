//! MFA devices in the console: one's own ("My security credentials") and, for
//! administrators, a user's (the user page's Security credentials tab).

use crate::error::AppError;
use crate::model::{MfaDevice, NewMfaDevice};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in principal's own credentials page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCredentials {
    pub principal: String,
    pub is_root: bool,
    /// The root user's email (its password must not contain it); `None` for IAM users.
    pub root_email: Option<String>,
    /// What a new root password must meet beyond the root rules (the account's minimum
    /// strength, judged knowing its words); `None` for IAM users.
    pub root_password: Option<crate::model::PasswordRequirements>,
    /// The name the new-device form starts with (AWS's for root; the user's own).
    pub suggested_device_name: String,
    pub devices: Vec<MfaDevice>,
    /// Unused recovery codes (beyond AWS).
    pub recovery_codes_left: i64,
}

#[server(endpoint = "me/mfa")]
pub async fn my_mfa_devices() -> Result<MyCredentials, AppError> {
    use super::request;
    use crate::directory::mfa;
    request::serve(|cx| async move {
        let devices = mfa::list_mfa_devices(&cx, None).await?;
        let caller = cx.caller();
        Ok(MyCredentials {
            principal: caller.display_name(),
            is_root: caller.is_root(),
            root_email: caller
                .is_root()
                .then(|| caller.account.root_email.to_string()),
            root_password: if caller.is_root() {
                Some(crate::directory::users::my_password_requirements(&cx).await?)
            } else {
                None
            },
            suggested_device_name: caller.user().map_or_else(
                || "root-account-mfa-device".to_owned(),
                |user| user.name.to_string(),
            ),
            devices,
            recovery_codes_left: crate::directory::recovery::my_remaining_codes(&cx).await?,
        })
    })
    .await
}

/// CreateVirtualMFADevice for oneself: the seed and its QR code, shown once.
#[server(endpoint = "me/mfa/create")]
pub async fn create_my_mfa_device(device_name: String) -> Result<NewMfaDevice, AppError> {
    use super::request;
    use crate::directory::mfa;
    use crate::model::IamPath;
    request::serve(|cx| async move {
        let name = mfa::parse_device_name("device_name", &device_name)?;
        mfa::create_virtual_mfa_device(&cx, &name, &IamPath::root()).await
    })
    .await
}

/// EnableMFADevice for oneself, with two consecutive codes; answers with a new set of
/// recovery codes (shown once, grouped as typed).
#[server(endpoint = "me/mfa/enable")]
pub async fn enable_my_mfa_device(
    serial_number: String,
    authentication_code_1: String,
    authentication_code_2: String,
) -> Result<Vec<String>, AppError> {
    use super::request;
    use crate::directory::mfa;
    use crate::error::Problems;
    request::serve(|cx| async move {
        let mut problems = Problems::new();
        let serial = problems.check_error(mfa::parse_serial("serial_number", &serial_number));
        let first = problems.check_error(mfa::parse_code(
            "authentication_code_1",
            &authentication_code_1,
        ));
        let second = problems.check_error(mfa::parse_code(
            "authentication_code_2",
            &authentication_code_2,
        ));
        let (serial, first, second) = problems.finish((|| Some((serial?, first?, second?)))())?;
        mfa::enable_mfa_device(&cx, None, &serial, (&first, &second)).await?;
        let codes = crate::directory::recovery::issue_recovery_codes(&cx).await?;
        Ok(codes
            .iter()
            .map(crate::model::RecoveryCode::grouped)
            .collect())
    })
    .await
}

/// A new set of recovery codes for oneself, replacing the old (used or not).
#[server(endpoint = "me/mfa/recovery-codes")]
pub async fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    use super::request;
    request::serve(|cx| async move {
        let codes = crate::directory::recovery::issue_recovery_codes(&cx).await?;
        Ok(codes
            .iter()
            .map(crate::model::RecoveryCode::grouped)
            .collect())
    })
    .await
}

/// Removes one of one's own devices: DeactivateMFADevice, then DeleteVirtualMFADevice.
#[server(endpoint = "me/mfa/remove")]
pub async fn remove_my_mfa_device(serial_number: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::mfa;
    request::serve(|cx| async move {
        let serial = mfa::parse_serial("serial_number", &serial_number)?;
        mfa::remove_mfa_device(&cx, None, &serial).await
    })
    .await
}

/// ListMFADevices for a user (the user page).
#[server(endpoint = "users/mfa")]
pub async fn user_mfa_devices(user_name: String) -> Result<Vec<MfaDevice>, AppError> {
    use super::request;
    use crate::directory::{mfa, users};
    request::serve(|cx| async move {
        let name = users::parse_user_name("user_name", &user_name)?;
        mfa::list_mfa_devices(&cx, Some(&name)).await
    })
    .await
}

/// An administrator takes a device from a user (a lost phone): DeactivateMFADevice,
/// then DeleteVirtualMFADevice.
#[server(endpoint = "users/mfa/remove")]
pub async fn remove_user_mfa_device(
    user_name: String,
    serial_number: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::{mfa, users};
    request::serve(|cx| async move {
        let name = users::parse_user_name("user_name", &user_name)?;
        let serial = mfa::parse_serial("serial_number", &serial_number)?;
        mfa::remove_mfa_device(&cx, Some(&name), &serial).await
    })
    .await
}
