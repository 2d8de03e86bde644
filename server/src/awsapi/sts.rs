//! STS actions.

use super::error::ApiError;
use super::params::Params;
use super::xml::Xml;
use super::{Failure, Outcome};
use app::authz::{Ctx, Principal};

pub async fn dispatch(cx: &Ctx, action: &str, params: &Params) -> Outcome {
    match action {
        "GetCallerIdentity" => get_caller_identity(cx),
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
