//! Who is calling: made only by the session check and the SigV4 check.

use crate::model::{AccessKeyId, Account, Role, Tag, User};
use crate::policy::{PrincipalInfo, PrincipalKind};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Root,
    User(Box<User>),
    /// A session of a role (AssumeRole): its permissions are the role's, narrowed by
    /// the role's boundary and the session's policies.
    Role(Box<RoleSession>),
}

/// A role session as its credentials were issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    pub role: Role,
    pub session_name: String,
    /// The inline session policy (AssumeRole's `Policy`).
    pub session_policy: Option<String>,
    /// The managed session policies (AssumeRole's `PolicyArns`), by id.
    pub session_policy_ids: Vec<String>,
    /// Session tags: they override the role's tags of the same key.
    pub tags: Vec<Tag>,
    /// Session tags that pass on to sessions this session assumes (role chaining).
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Who assumed the role (a user's or a role session's ARN), for the audit log.
    pub source_arn: Option<String>,
    /// How the console labels a switched-to role: display name and colour (`rrggbb`).
    pub console_label: Option<(String, String)>,
}

impl RoleSession {
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub fn arn(&self) -> String {
        crate::model::arn::assumed_role(&self.role.account, &self.role.name, &self.session_name)
    }

    /// `AROA...:<session>`, as aws:userid and GetCallerIdentity's UserId.
    pub fn user_id(&self) -> String {
        format!("{}:{}", self.role.id, self.session_name)
    }

    /// The principal's tags: the role's, with the session's replacing those of the same
    /// key (keys compared without case).
    pub fn principal_tags(&self) -> Vec<Tag> {
        let mut tags: Vec<Tag> = self
            .role
            .tags
            .iter()
            .filter(|t| !self.tags.iter().any(|s| s.key.eq_ignore_ascii_case(&t.key)))
            .cloned()
            .collect();
        tags.extend(self.tags.iter().cloned());
        tags
    }
}

/// What the caller proved itself with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A console session.
    Console { session_id: Uuid },
    /// A long-term access key that signed an API request.
    AccessKey { id: AccessKeyId },
    /// Temporary credentials (GetSessionToken) that signed an API request.
    Session {
        id: AccessKeyId,
        issued_at: OffsetDateTime,
    },
    /// The operator's command line on the server (`portcullis access-key create`): it
    /// holds the database and the master key, so it acts as the account's root user.
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: Account,
    pub principal: Principal,
    pub credential: Credential,
    /// When the credential was presented: the console sign-in, or the signed request.
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
            credential: Credential::Console { session_id },
            signed_in_at,
            mfa: mfa_at.is_some(),
            mfa_at,
            password_reset_required,
        }
    }

    /// A caller whose request was signed with a long-term access key: no MFA (the
    /// key says nothing of it), and a password to reset does not stop the API, as in AWS.
    pub(crate) fn with_access_key(
        account: Account,
        principal: Principal,
        id: AccessKeyId,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            account,
            principal,
            credential: Credential::AccessKey { id },
            signed_in_at: at,
            mfa: false,
            mfa_at: None,
            password_reset_required: false,
        }
    }

    /// A caller whose request was signed with temporary credentials: MFA as it was when
    /// they were issued.
    pub(crate) fn with_session(
        account: Account,
        principal: Principal,
        id: AccessKeyId,
        issued_at: OffsetDateTime,
        mfa_at: Option<OffsetDateTime>,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            account,
            principal,
            credential: Credential::Session { id, issued_at },
            signed_in_at: at,
            mfa: mfa_at.is_some(),
            mfa_at,
            password_reset_required: false,
        }
    }

    /// Whether the credential says if MFA was used (a console sign-in, temporary
    /// credentials); long-term access keys say nothing of it.
    pub fn mfa_known(&self) -> bool {
        matches!(
            self.credential,
            Credential::Console { .. } | Credential::Session { .. }
        )
    }

    /// The account's root user, acting through the operator's command line.
    pub(crate) fn root_by_command(account: Account, at: OffsetDateTime) -> Self {
        Self {
            account,
            principal: Principal::Root,
            credential: Credential::Command,
            signed_in_at: at,
            mfa: false,
            mfa_at: None,
            password_reset_required: false,
        }
    }

    /// The console session this caller came through, if it came through one.
    pub fn console_session(&self) -> Option<Uuid> {
        match &self.credential {
            Credential::Console { session_id } => Some(*session_id),
            Credential::AccessKey { .. } | Credential::Session { .. } | Credential::Command => None,
        }
    }

    /// The access key (long-term or temporary) that signed this caller's request, if
    /// one did.
    pub fn access_key(&self) -> Option<&AccessKeyId> {
        match &self.credential {
            Credential::AccessKey { id } | Credential::Session { id, .. } => Some(id),
            Credential::Console { .. } | Credential::Command => None,
        }
    }

    pub fn is_root(&self) -> bool {
        matches!(self.principal, Principal::Root)
    }

    pub fn arn(&self) -> String {
        match &self.principal {
            Principal::Root => self.account.root_arn(),
            Principal::User(user) => user.arn.clone(),
            Principal::Role(session) => session.arn(),
        }
    }

    /// The unique id GetCallerIdentity and aws:userid give: the account id for root,
    /// `AIDA...` for a user, `AROA...:<session>` for a role session.
    pub fn user_id(&self) -> String {
        match &self.principal {
            Principal::Root => self.account.id.to_string(),
            Principal::User(user) => user.id.to_string(),
            Principal::Role(session) => session.user_id(),
        }
    }

    pub fn role_session(&self) -> Option<&RoleSession> {
        match &self.principal {
            Principal::Role(session) => Some(session),
            Principal::Root | Principal::User(_) => None,
        }
    }

    /// How the console names the caller: `root (email)` or the user name.
    pub fn display_name(&self) -> String {
        match &self.principal {
            Principal::Root => format!("root ({})", self.account.root_email.as_str()),
            Principal::User(user) => user.name.to_string(),
            Principal::Role(session) => format!("{}/{}", session.role.name, session.session_name),
        }
    }

    pub fn user(&self) -> Option<&User> {
        match &self.principal {
            Principal::Root | Principal::Role(_) => None,
            Principal::User(user) => Some(user),
        }
    }

    /// The principal as the policy engine sees it (aws:username, aws:userid,
    /// aws:PrincipalTag/* and the rest derive from it).
    pub fn principal_info(&self) -> PrincipalInfo {
        let (kind, user_name, role_arn, tags) = match &self.principal {
            Principal::Root => (PrincipalKind::Root, None, None, Vec::new()),
            Principal::User(user) => (
                PrincipalKind::User,
                Some(user.name.to_string()),
                None,
                user.tags.clone(),
            ),
            Principal::Role(session) => (
                PrincipalKind::AssumedRole,
                None,
                Some(session.role.arn.clone()),
                session.principal_tags(),
            ),
        };
        PrincipalInfo {
            arn: self.arn(),
            account: self.account.id.to_string(),
            kind,
            user_name,
            unique_id: Some(self.user_id()),
            role_arn,
            tags: tags
                .into_iter()
                .map(|Tag { key, value }| (key, value))
                .collect::<BTreeMap<_, _>>(),
        }
    }
}

/// The request's caller as the edge resolved it (once per request), kept in the
/// request's extensions for the guard, the layout and the page's server functions.
#[derive(Debug, Clone, Default)]
pub struct CurrentCaller(pub Option<std::sync::Arc<Caller>>);
