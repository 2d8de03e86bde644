//! Whose credentials an operation is about: AWS's credential actions take an optional
//! user name, and without one they act on the caller (an IAM user's own, or the root
//! user's).

use super::users::{no_such_user, tagged_context, target};
use crate::authz::{IamAction, Op, Permit};
use crate::error::AppError;
use crate::model::{User, UserName};
use crate::store::Holder;

/// Whose credentials an operation is about: the named IAM user, or (no name) the caller.
pub struct Principal {
    pub user: Option<User>,
    pub name: Option<UserName>,
}

impl Principal {
    pub fn holder(&self) -> Holder<'_> {
        match &self.user {
            Some(user) => Holder::User(user.id.as_str()),
            None => Holder::Root,
        }
    }

    pub fn user_name(&self) -> Option<&str> {
        self.name.as_ref().map(UserName::as_str)
    }
}

/// Resolves and authorises `action` on whose devices these are; not found only after
/// the check, so a caller without permission learns nothing.
pub async fn authorized_principal(
    op: &mut Op<'_>,
    action: IamAction,
    name: Option<&UserName>,
) -> Result<(Principal, Permit), AppError> {
    let caller = op.cx().caller().clone();
    if name.is_none() && caller.role_session().is_some() {
        // A role session has no credentials of its own to manage, and is not root.
        return Err(AppError::validation(
            "user_name",
            "Must specify userName when calling with non-User credentials",
        ));
    }
    let name = name.or(caller.user().map(|u| &u.name)).cloned();
    let Some(name) = name else {
        // The root user's own devices: only root names them (it is its own account).
        let arn = caller.account.root_arn();
        let permit = op.authorize(action, &arn).await?;
        let principal = Principal {
            user: None,
            name: None,
        };
        return Ok((principal, permit));
    };
    let (user, arn) = target(op, &name).await?;
    let permit = op
        .authorize_with(action, &arn, tagged_context(user.as_ref()))
        .await?;
    let user = user.ok_or_else(|| no_such_user(name.as_str()))?;
    let principal = Principal {
        user: Some(user),
        name: Some(name),
    };
    Ok((principal, permit))
}
