//! Who is calling: made only by the session check (and, later, the SigV4 check).

use crate::model::{Account, Tag, User};
use crate::policy::{PrincipalInfo, PrincipalKind};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Root,
    User(Box<User>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: Account,
    pub principal: Principal,
    /// The console session this caller came through.
    pub session_id: Uuid,
    pub signed_in_at: OffsetDateTime,
    /// Signed in with a second factor.
    pub mfa: bool,
    /// When the second factor was given (aws:MultiFactorAuthAge).
    pub mfa_at: Option<OffsetDateTime>,
    /// An IAM user who must choose a new password before doing anything else.
    pub password_reset_required: bool,
}

impl Caller {
    pub(crate) fn new(
        account: Account,
        principal: Principal,
        session_id: Uuid,
        signed_in_at: OffsetDateTime,
        mfa_at: Option<OffsetDateTime>,
        password_reset_required: bool,
    ) -> Self {
        Self {
            account,
            principal,
            session_id,
            signed_in_at,
            mfa: mfa_at.is_some(),
            mfa_at,
            password_reset_required,
        }
    }

    pub fn is_root(&self) -> bool {
        matches!(self.principal, Principal::Root)
    }

    pub fn arn(&self) -> String {
        match &self.principal {
            Principal::Root => self.account.root_arn(),
            Principal::User(user) => user.arn.clone(),
        }
    }

    /// How the console names the caller: `root (email)` or the user name.
    pub fn display_name(&self) -> String {
        match &self.principal {
            Principal::Root => format!("root ({})", self.account.root_email.as_str()),
            Principal::User(user) => user.name.to_string(),
        }
    }

    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::Root => None,
            Principal::User(user) => Some(user),
        }
    }

    /// The principal as the policy engine sees it (aws:username, aws:userid,
    /// aws:PrincipalTag/* and the rest derive from it).
    pub fn principal_info(&self) -> PrincipalInfo {
        let (kind, user_name, unique_id, tags) = match &self.principal {
            Principal::Root => (
                PrincipalKind::Root,
                None,
                self.account.id.to_string(),
                &[][..],
            ),
            Principal::User(user) => (
                PrincipalKind::User,
                Some(user.name.to_string()),
                user.id.to_string(),
                user.tags.as_slice(),
            ),
        };
        PrincipalInfo {
            arn: self.arn(),
            account: self.account.id.to_string(),
            kind,
            user_name,
            unique_id: Some(unique_id),
            tags: tags
                .iter()
                .map(|Tag { key, value }| (key.clone(), value.clone()))
                .collect::<BTreeMap<_, _>>(),
        }
    }
}

/// The request's caller as the edge resolved it (once per request), kept in the
/// request's extensions for the guard, the layout and the page's server functions.
#[derive(Debug, Clone, Default)]
pub struct CurrentCaller(pub Option<std::sync::Arc<Caller>>);
