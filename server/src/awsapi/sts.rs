//! STS actions.

use super::error::ApiError;
use super::params::Params;
use super::xml::Xml;
use super::{Failure, Outcome};
use app::authz::Ctx;
use app::directory::assume_role::{self, AssumeRoleInput};
use app::directory::sts::{self as temporary, MfaProof};
use app::error::AppError;
use app::model::AuthCode;

pub async fn dispatch(cx: &Ctx, action: &str, params: &Params, region: &str) -> Outcome {
    match action {
        "GetCallerIdentity" => get_caller_identity(cx),
        "AssumeRole" => assume_role(cx, params, region).await,
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
    Ok(Some(
        Xml::new()
            .text("Arn", &caller.arn())
            .text("UserId", &caller.user_id())
            .text("Account", caller.account.id.as_str()),
    ))
}

/// Temporary credentials; with `SerialNumber` and `TokenCode`, MFA-flagged ones.
async fn get_session_token(cx: &Ctx, params: &Params) -> Outcome {
    let duration = params.integer("DurationSeconds")?;
    let mfa = mfa_proof(params)?;
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

/// An MFA device and code from `SerialNumber` and `TokenCode`, both or neither.
fn mfa_proof(params: &Params) -> Result<Option<MfaProof<'_>>, Failure> {
    Ok(
        match (params.get("SerialNumber"), params.get("TokenCode")) {
            (None, None) => None,
            (Some(serial_number), Some(code)) => Some(MfaProof {
                serial_number,
                code: AuthCode::parse(code).map_err(|m| AppError::validation("token_code", m))?,
            }),
            (Some(_), None) => return Err(ApiError::missing("TokenCode").into()),
            (None, Some(_)) => return Err(ApiError::missing("SerialNumber").into()),
        },
    )
}

async fn assume_role(cx: &Ctx, params: &Params, region: &str) -> Outcome {
    let input = AssumeRoleInput {
        role_arn: params.required("RoleArn")?,
        session_name: params.required("RoleSessionName")?,
        duration_secs: params.integer("DurationSeconds")?,
        external_id: params.get("ExternalId"),
        policy: params.get("Policy"),
        policy_arns: params
            .key_values_of("PolicyArns", "arn")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        tags: params
            .key_values("Tags")
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        transitive_tag_keys: params
            .list("TransitiveTagKeys")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        source_identity: params.get("SourceIdentity"),
        mfa: mfa_proof(params)?,
        region: Some(region),
    };
    let assumed = assume_role::assume_role(cx, input).await?;
    let credentials = &assumed.credentials;
    let mut xml = Xml::new()
        .nest(
            "Credentials",
            Xml::new()
                .text("AccessKeyId", credentials.access_key_id.as_str())
                .text("SecretAccessKey", &credentials.secret_access_key)
                .text("SessionToken", &credentials.session_token)
                .time("Expiration", credentials.expiration),
        )
        .nest(
            "AssumedRoleUser",
            Xml::new()
                .text("AssumedRoleId", &assumed.assumed_role_id)
                .text("Arn", &assumed.arn),
        );
    if let Some(size) = assumed.packed_policy_size {
        xml = xml.number("PackedPolicySize", i64::from(size));
    }
    Ok(Some(
        xml.opt("SourceIdentity", assumed.source_identity.as_deref()),
    ))
}
