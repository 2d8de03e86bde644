//! STS actions.

use super::error::ApiError;
use super::params::Params;
use super::xml::Xml;
use super::{Failure, Outcome};
use app::authz::{Ctx, Principal};
use app::directory::sts::{self as temporary, MfaProof};
use app::error::AppError;
use app::model::AuthCode;

pub async fn dispatch(cx: &Ctx, action: &str, params: &Params) -> Outcome {
    match action {
        "GetCallerIdentity" => get_caller_identity(cx),
        "GetSessionToken" => get_session_token(cx, params).await,
        "GetAccessKeyInfo" => {
            let key = params.required("AccessKeyId")?;
            let account = temporary::get_access_key_info(cx, key).await?;
            Ok(Some(Xml::new().text("Account", account.as_str())))
        }
        other => Err(Failure::Api(ApiError::invalid_action(
            other,
            params.get("Version"),
        ))),
    }
}

/// Always allowed, as in AWS: who the credentials belong to.
fn get_caller_identity(cx: &Ctx) -> Outcome {
    let caller = cx.caller();
    let user_id = match &caller.principal {
        Principal::Root => caller.account.id.to_string(),
        Principal::User(user) => user.id.to_string(),
    };
    Ok(Some(
        Xml::new()
            .text("Arn", &caller.arn())
            .text("UserId", &user_id)
            .text("Account", caller.account.id.as_str()),
    ))
}

/// Temporary credentials; with `SerialNumber` and `TokenCode`, MFA-flagged ones.
async fn get_session_token(cx: &Ctx, params: &Params) -> Outcome {
    let duration = params.integer("DurationSeconds")?;
    let mfa = match (params.get("SerialNumber"), params.get("TokenCode")) {
        (None, None) => None,
        (Some(serial_number), Some(code)) => Some(MfaProof {
            serial_number,
            code: AuthCode::parse(code).map_err(|m| AppError::validation("token_code", m))?,
        }),
        (Some(_), None) => return Err(ApiError::missing("TokenCode").into()),
        (None, Some(_)) => return Err(ApiError::missing("SerialNumber").into()),
    };
    let credentials = temporary::get_session_token(cx, duration, mfa).await?;
    Ok(Some(
        Xml::new().nest(
            "Credentials",
            Xml::new()
                .text("AccessKeyId", credentials.access_key_id.as_str())
                .text("SecretAccessKey", &credentials.secret_access_key)
                .text("SessionToken", &credentials.session_token)
                .time("Expiration", credentials.expiration),
        ),
    ))
}
