//! Console passwords, the account's password policy, aliases and summary, and virtual
//! MFA devices.

use super::{optional_user_name, user_name, user_xml};
use crate::awsapi::params::Params;
use crate::awsapi::xml::Xml;
use crate::awsapi::{Failure, Outcome};
use app::authz::Ctx;
use app::directory::account_settings::{self, parse_alias};
use app::directory::mfa::{self, parse_device_name};
use app::directory::password_policy;
use app::directory::users::{self, LoginProfile, NewPassword};
use app::error::AppError;
use app::model::{AuthCode, IamPath, MfaDevice, MfaOwner, Password, PasswordPolicyInput};
use base64::Engine as _;

/// A password the account's rules refuse is AWS's PasswordPolicyViolation (400), its
/// message naming every rule broken; other errors pass as they are.
fn password_violation(error: AppError) -> Failure {
    let problems: Vec<String> = error
        .field_problems()
        .into_iter()
        .filter(|(field, _)| matches!(*field, "password" | "new_password"))
        .map(|(_, message)| message)
        .collect();
    if problems.is_empty() {
        return Failure::Service(error);
    }
    Failure::Api(crate::awsapi::error::ApiError::password_policy_violation(
        format!(
            "Password does not conform to the account password policy: it {}.",
            problems.join("; it ")
        ),
    ))
}

fn login_profile_xml(profile: &LoginProfile) -> Xml {
    Xml::new().nest(
        "LoginProfile",
        Xml::new()
            .text("UserName", profile.user_name.as_str())
            .time("CreateDate", profile.created_at)
            .bool("PasswordResetRequired", profile.password_reset_required),
    )
}

pub async fn create_login_profile(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    // AWS lets only a special case go without a password; Portcullis asks for one.
    let password = Password::new(p.required("Password")?.to_owned());
    let reset = p.boolean("PasswordResetRequired")?.unwrap_or(false);
    let (profile, _) = users::create_login_profile(cx, &name, NewPassword::Chosen(password), reset)
        .await
        .map_err(password_violation)?;
    Ok(Some(login_profile_xml(&profile)))
}

pub async fn get_login_profile(cx: &Ctx, p: &Params) -> Outcome {
    let profile = users::get_login_profile(cx, &user_name(p)?).await?;
    Ok(Some(login_profile_xml(&profile)))
}

pub async fn update_login_profile(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let password = p.get("Password").map(|text| Password::new(text.to_owned()));
    let reset = p.boolean("PasswordResetRequired")?;
    users::update_login_profile(cx, &name, password, reset)
        .await
        .map_err(password_violation)?;
    Ok(None)
}

pub async fn delete_login_profile(cx: &Ctx, p: &Params) -> Outcome {
    users::delete_login_profile(cx, &user_name(p)?).await?;
    Ok(None)
}

pub async fn change_password(cx: &Ctx, p: &Params) -> Outcome {
    let old = Password::new(p.required("OldPassword")?.to_owned());
    let new = Password::new(p.required("NewPassword")?.to_owned());
    users::change_password(cx, &old, new)
        .await
        .map_err(password_violation)?;
    Ok(None)
}

pub async fn get_account_password_policy(cx: &Ctx) -> Outcome {
    let policy = password_policy::get_account_password_policy(cx).await?;
    let mut xml = Xml::new()
        .number(
            "MinimumPasswordLength",
            i64::from(policy.minimum_password_length),
        )
        .bool("RequireSymbols", policy.require_symbols)
        .bool("RequireNumbers", policy.require_numbers)
        .bool(
            "RequireUppercaseCharacters",
            policy.require_uppercase_characters,
        )
        .bool(
            "RequireLowercaseCharacters",
            policy.require_lowercase_characters,
        )
        .bool(
            "AllowUsersToChangePassword",
            policy.allow_users_to_change_password,
        )
        .bool("ExpirePasswords", policy.max_password_age.is_some());
    if let Some(days) = policy.max_password_age {
        xml = xml.number("MaxPasswordAge", i64::from(days));
    }
    if let Some(count) = policy.password_reuse_prevention {
        xml = xml.number("PasswordReusePrevention", i64::from(count));
    }
    xml = xml.bool("HardExpiry", policy.hard_expiry);
    Ok(Some(Xml::new().nest("PasswordPolicy", xml)))
}

pub async fn update_account_password_policy(cx: &Ctx, p: &Params) -> Outcome {
    let flag = |name: &str| p.boolean(name).map(|b| b.unwrap_or(false));
    let input = PasswordPolicyInput {
        minimum_password_length: p.get("MinimumPasswordLength").map(str::to_owned),
        require_symbols: flag("RequireSymbols")?,
        require_numbers: flag("RequireNumbers")?,
        require_uppercase_characters: flag("RequireUppercaseCharacters")?,
        require_lowercase_characters: flag("RequireLowercaseCharacters")?,
        allow_users_to_change_password: flag("AllowUsersToChangePassword")?,
        max_password_age: p.get("MaxPasswordAge").map(str::to_owned),
        password_reuse_prevention: p.get("PasswordReusePrevention").map(str::to_owned),
        hard_expiry: flag("HardExpiry")?,
    };
    let policy = password_policy::parse_policy(&input)?;
    password_policy::update_account_password_policy(cx, policy).await?;
    Ok(None)
}

pub async fn delete_account_password_policy(cx: &Ctx) -> Outcome {
    password_policy::delete_account_password_policy(cx).await?;
    Ok(None)
}

pub async fn create_account_alias(cx: &Ctx, p: &Params) -> Outcome {
    account_settings::create_account_alias(cx, &parse_alias(p.required("AccountAlias")?)?).await?;
    Ok(None)
}

pub async fn delete_account_alias(cx: &Ctx, p: &Params) -> Outcome {
    account_settings::delete_account_alias(cx, &parse_alias(p.required("AccountAlias")?)?).await?;
    Ok(None)
}

pub async fn list_account_aliases(cx: &Ctx) -> Outcome {
    let aliases = account_settings::list_account_aliases(cx).await?;
    Ok(Some(
        Xml::new()
            .list("AccountAliases", &aliases, |a| Xml::bare(a.as_str()))
            .page(None),
    ))
}

/// The summary map as the Query protocol writes maps: `<entry><key/><value/></entry>`.
pub async fn get_account_summary(cx: &Ctx) -> Outcome {
    let summary = account_settings::get_account_summary(cx).await?;
    let mut entries = Xml::new();
    for (key, value) in &summary {
        entries = entries.nest("entry", Xml::new().text("key", key).number("value", *value));
    }
    Ok(Some(Xml::new().nest("SummaryMap", entries)))
}

fn code(p: &Params, name: &str, field: &str) -> Result<AuthCode, Failure> {
    Ok(AuthCode::parse(p.required(name)?).map_err(|m| AppError::validation(field, m))?)
}

pub async fn create_virtual_mfa_device(cx: &Ctx, p: &Params) -> Outcome {
    let name = parse_device_name(
        "virtual_mfa_device_name",
        p.required("VirtualMFADeviceName")?,
    )?;
    let path = IamPath::parse(p.get("Path").unwrap_or("/"))
        .map_err(|m| AppError::validation("path", m))?;
    let created = mfa::create_virtual_mfa_device(cx, &name, &path).await?;
    Ok(Some(
        Xml::new().nest(
            "VirtualMFADevice",
            Xml::new()
                .text("SerialNumber", &created.device.serial_number)
                // A blob, so base64 on the wire (of the base32 text), as AWS sends it.
                .text(
                    "Base32StringSeed",
                    &base64::engine::general_purpose::STANDARD.encode(&created.base32_seed),
                )
                .text("QRCodePNG", &created.qr_code_png),
        ),
    ))
}

pub async fn enable_mfa_device(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let serial = p.required("SerialNumber")?;
    let first = code(p, "AuthenticationCode1", "authentication_code_1")?;
    let second = code(p, "AuthenticationCode2", "authentication_code_2")?;
    mfa::enable_mfa_device(cx, user.as_ref(), serial, (&first, &second)).await?;
    Ok(None)
}

pub async fn resync_mfa_device(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let serial = p.required("SerialNumber")?;
    let first = code(p, "AuthenticationCode1", "authentication_code_1")?;
    let second = code(p, "AuthenticationCode2", "authentication_code_2")?;
    mfa::resync_mfa_device(cx, user.as_ref(), serial, (&first, &second)).await?;
    Ok(None)
}

pub async fn deactivate_mfa_device(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    mfa::deactivate_mfa_device(cx, user.as_ref(), p.required("SerialNumber")?).await?;
    Ok(None)
}

pub async fn delete_virtual_mfa_device(cx: &Ctx, p: &Params) -> Outcome {
    mfa::delete_virtual_mfa_device(cx, p.required("SerialNumber")?).await?;
    Ok(None)
}

fn owner_name(cx: &Ctx, owner: Option<&MfaOwner>) -> String {
    match owner {
        Some(MfaOwner::User(name)) => name.to_string(),
        // Root's devices name the account, as AWS shows them.
        Some(MfaOwner::Root) | None => cx.account().to_string(),
    }
}

pub async fn list_mfa_devices(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let devices = mfa::list_mfa_devices(cx, user.as_ref()).await?;
    // At most eight devices: one page always.
    Ok(Some(
        Xml::new()
            .list("MFADevices", &devices, |d: &MfaDevice| {
                Xml::new()
                    .text("UserName", &owner_name(cx, d.owner.as_ref()))
                    .text("SerialNumber", &d.serial_number)
                    .opt_time("EnableDate", d.enabled_at)
            })
            .page(None),
    ))
}

pub async fn list_virtual_mfa_devices(cx: &Ctx, p: &Params) -> Outcome {
    let assigned = match p.get("AssignmentStatus") {
        None | Some("Any") => None,
        Some("Assigned") => Some(true),
        Some("Unassigned") => Some(false),
        Some(other) => {
            return Err(AppError::validation(
                "assignment_status",
                format!("'{other}' must be one of Assigned, Unassigned, Any"),
            )
            .into());
        }
    };
    let devices = mfa::list_virtual_mfa_devices(cx, assigned).await?;
    let mut list = Xml::new();
    for device in &devices {
        let mut xml = Xml::new().text("SerialNumber", &device.serial_number);
        match &device.owner {
            Some(MfaOwner::User(name)) => {
                if let Ok(user) = users::get_user(cx, Some(name)).await {
                    xml = xml.nest("User", user_xml(&user, false));
                }
            }
            Some(MfaOwner::Root) => {
                let account = &cx.caller().account;
                xml = xml.nest(
                    "User",
                    Xml::new()
                        .text("UserId", account.id.as_str())
                        .text("Arn", &account.root_arn())
                        .time("CreateDate", account.created_at),
                );
            }
            None => {}
        }
        xml = xml.opt_time("EnableDate", device.enabled_at);
        list = list.nest("member", xml);
    }
    Ok(Some(Xml::new().nest("VirtualMFADevices", list).page(None)))
}
