//! One operation, end to end: a transaction, the engine's decision as a `Permit`, the
//! writes that need it, and the audit events appended to the chain on commit.

use super::policies::Effective;
use super::{Caller, IamAction, Principal};
use crate::audit::{self, Outcome};
use crate::crypto::Entropy;
use crate::directory::RequestSource;
use crate::error::AppError;
use crate::model::AccountId;
use crate::policy::{Context, Decision, Missing, PolicyType, Request, decide, evaluate};
use crate::state::AppState;
use crate::store::{self, Tx};
use sqlx::PgConnection;
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A request, resolved once: who, from where, when.
#[derive(Clone)]
pub struct Ctx {
    state: AppState,
    caller: Arc<Caller>,
    source: RequestSource,
    now: OffsetDateTime,
    attempts: Arc<Mutex<Attempts>>,
    /// The caller's account's directory generation read at the start of the request,
    /// when the request may use cached effective policies (`authz::cache`).
    generation: Option<i64>,
}

/// Changes this request was permitted but has not committed, so that one that then
/// fails (a name taken, a limit reached) is still recorded, with AWS's error code.
#[derive(Default)]
struct Attempts {
    /// The last operation begun, numbering them from 1.
    ops: u64,
    /// (operation, action, resource), in the order permitted.
    open: Vec<(u64, IamAction, String)>,
}

impl Ctx {
    pub fn new(state: AppState, caller: Arc<Caller>, source: RequestSource) -> Self {
        let now = state.clock.now();
        Self {
            state,
            caller,
            source,
            now,
            attempts: Arc::default(),
            generation: None,
        }
    }

    /// The same context, allowed to use what was cached at `generation` of the
    /// caller's account, which the request read before anything else.
    pub fn with_generation(mut self, generation: i64) -> Self {
        self.generation = Some(generation);
        self
    }

    fn attempts(&self) -> std::sync::MutexGuard<'_, Attempts> {
        // The list stays consistent whatever panicked while it was held: take it anyway.
        self.attempts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records, after an operation of this request failed with `error`, that its change
    /// did not happen: one `failure` event for the first change that operation was
    /// permitted, with the error's AWS code. A denial was recorded when it was made,
    /// and an operation that committed recorded itself. Each failure is recorded once.
    pub async fn record_failure(&self, error: &AppError) {
        let attempt = {
            let mut attempts = self.attempts();
            let last = attempts.ops;
            let first = attempts
                .open
                .iter()
                .find(|(op, _, _)| *op == last)
                .map(|(_, action, resource)| (*action, resource.clone()));
            attempts.open.clear();
            first
        };
        let Some((action, resource)) = attempt else {
            return;
        };
        if matches!(
            error,
            AppError::AccessDenied { .. }
                | AppError::Unauthenticated
                | AppError::PasswordResetRequired
        ) {
            return;
        }
        let event = self.event(
            action.qualified(),
            resource,
            serde_json::json!({}),
            Outcome::Failure,
            Some(error.aws_code().to_owned()),
        );
        if let Err(failed) =
            audit::record(&self.state.pool, self.state.entropy.as_ref(), event).await
        {
            tracing::warn!(error = %failed, "could not record a failed change in the audit log");
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn account(&self) -> &AccountId {
        &self.caller.account.id
    }

    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    pub fn source(&self) -> &RequestSource {
        &self.source
    }

    pub fn entropy(&self) -> &dyn Entropy {
        self.state.entropy.as_ref()
    }

    /// BEGIN: an operation in its own transaction.
    pub async fn begin(&self) -> Result<Op<'_>, AppError> {
        let tx = store::begin(&self.state.pool).await?;
        let number = {
            let mut attempts = self.attempts();
            attempts.ops += 1;
            attempts.ops
        };
        Ok(Op {
            cx: self,
            tx,
            number,
            policies: None,
            events: Vec::new(),
            wrote: false,
        })
    }

    /// The request the engine decides: the caller as principal and AWS's global keys.
    pub fn request(&self, action: IamAction, resource: &str, extra: Context) -> Request {
        let mut context = extra;
        if let Some(ip) = self.source.ip_text() {
            context.insert("aws:SourceIp", ip);
        }
        if let Some(ua) = &self.source.user_agent {
            context.insert("aws:UserAgent", ua.as_str());
        }
        if let Ok(now) = self.now.format(&Rfc3339) {
            context.insert("aws:CurrentTime", now);
        }
        // Epoch seconds fit an f64 exactly.
        #[allow(clippy::cast_precision_loss)]
        context.insert("aws:EpochTime", self.now.unix_timestamp() as f64);
        context.insert(
            "aws:SecureTransport",
            self.state.settings.public_url.starts_with("https://"),
        );
        // Only a console sign-in and temporary credentials say whether MFA was used;
        // long-term access keys carry no such information, so the key is absent, as in
        // AWS (and `BoolIfExists` policies treat such calls as they say).
        if self.caller.mfa_known() {
            context.insert("aws:MultiFactorAuthPresent", self.caller.mfa);
        }
        let issued_at = match (&self.caller.credential, self.caller.role_session()) {
            (super::Credential::Session { issued_at, .. }, _) => Some(*issued_at),
            // A console switched to a role: the role session's issue time.
            (_, Some(session)) => Some(session.issued_at),
            _ => None,
        };
        if let Some(Ok(issued)) = issued_at.map(|at| at.format(&Rfc3339)) {
            context.insert("aws:TokenIssueTime", issued);
        }
        if let Some(identity) = self
            .caller
            .role_session()
            .and_then(|s| s.source_identity.as_deref())
        {
            context.insert("aws:SourceIdentity", identity);
        }
        if let Some(at) = self.caller.mfa_at {
            // Whole seconds since the code was given; they fit an f64 exactly.
            #[allow(clippy::cast_precision_loss)]
            context.insert(
                "aws:MultiFactorAuthAge",
                (self.now - at).whole_seconds().max(0) as f64,
            );
        }
        Request {
            principal: self.caller.principal_info(),
            action: action.qualified(),
            resource: resource.to_owned(),
            context,
        }
    }

    /// An audit event by this caller.
    pub fn event(
        &self,
        action: String,
        resource: String,
        params: serde_json::Value,
        outcome: Outcome,
        error_code: Option<String>,
    ) -> audit::Event {
        let mut params = params;
        // A role session's events also name who assumed the role.
        if let (Some(by), serde_json::Value::Object(map)) = (
            self.caller
                .role_session()
                .and_then(|s| s.source_arn.as_deref()),
            &mut params,
        ) {
            map.insert(
                "AssumedBy".to_owned(),
                serde_json::Value::String(by.to_owned()),
            );
        }
        // Which key signed an API call, as CloudTrail's userIdentity.accessKeyId says it.
        if let (Some(key), serde_json::Value::Object(map)) = (self.caller.access_key(), &mut params)
        {
            map.insert(
                "SignedWithAccessKeyId".to_owned(),
                serde_json::Value::String(key.to_string()),
            );
        }
        audit::Event {
            account_id: self.account().to_string(),
            at: self.now,
            actor_arn: self.caller.arn(),
            source_ip: self.source.ip_text().map(str::to_owned),
            user_agent: self.source.user_agent.clone(),
            action,
            resource,
            params,
            outcome,
            error_code,
        }
    }
}

/// The engine's "yes" for one action on one resource. Only `Op::authorize` makes one.
#[derive(Debug)]
pub struct Permit {
    action: IamAction,
    resource: String,
}

impl Permit {
    pub fn action(&self) -> IamAction {
        self.action
    }

    pub fn resource(&self) -> &str {
        &self.resource
    }
}

/// The connection the store's writing functions take: only `Op::writer`, given a
/// permit, makes one, so a write without an authorisation does not compile.
pub struct Writer<'t> {
    conn: &'t mut PgConnection,
}

impl Writer<'_> {
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        self.conn
    }
}

pub struct Op<'c> {
    cx: &'c Ctx,
    tx: Tx,
    /// This operation's number in its request (see `Attempts`).
    number: u64,
    policies: Option<Effective>,
    events: Vec<audit::Event>,
    wrote: bool,
}

impl Op<'_> {
    pub fn cx(&self) -> &Ctx {
        self.cx
    }

    /// For the reads an operation needs before it can name its resource; what it
    /// returns to the caller must still be authorised.
    pub fn reader(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub async fn authorize(
        &mut self,
        action: IamAction,
        resource: &str,
    ) -> Result<Permit, AppError> {
        self.authorize_with(action, resource, Context::new()).await
    }

    /// Asks the engine, with extra context keys (aws:ResourceTag/*, aws:RequestTag/*,
    /// iam:PolicyARN, ...). Root is allowed in its own account; everyone else needs an
    /// Allow and no Deny. A denial is recorded on its own connection.
    pub async fn authorize_with(
        &mut self,
        action: IamAction,
        resource: &str,
        extra: Context,
    ) -> Result<Permit, AppError> {
        let caller = self.cx.caller();
        if caller.password_reset_required {
            return Err(AppError::PasswordResetRequired);
        }
        let permit = Permit {
            action,
            resource: resource.to_owned(),
        };
        // Root is the only principal the engine does not decide for.
        let (key, role_session) = match &caller.principal {
            Principal::Root => return Ok(self.attempting(permit)),
            Principal::User(user) => (user.id.to_string(), None),
            // A role session's policies depend on the session (its session policies):
            // cached by its credentials, or for a console session by that session.
            Principal::Role(session) => {
                let holder = caller
                    .access_key()
                    .map(ToString::to_string)
                    .or_else(|| caller.console_session().map(|id| id.to_string()))
                    .unwrap_or_default();
                (format!("S|{holder}"), Some(session.as_ref()))
            }
        };
        let effective = match &mut self.policies {
            Some(loaded) => loaded,
            empty => {
                let state = &self.cx.state;
                let (cache, now) = (&state.caches.effective, self.cx.now);
                let cached = self
                    .cx
                    .generation
                    .and_then(|generation| cache.get(&key, generation, now));
                let loaded = match cached {
                    Some(cached) => cached,
                    None => {
                        let loaded = match role_session {
                            None => {
                                Effective::load_for_user(&mut self.tx, &state.policy_cache, &key)
                                    .await?
                            }
                            Some(session) => {
                                Effective::load_for_role_session(
                                    &mut self.tx,
                                    &state.policy_cache,
                                    session,
                                )
                                .await?
                            }
                        };
                        if let Some(generation) = self.cx.generation {
                            cache.put(key, loaded.clone(), generation, now);
                        }
                        loaded
                    }
                };
                empty.insert(loaded)
            }
        };
        let request = self.cx.request(action, resource, extra);
        if decide(&effective.input(&request)).is_allowed() {
            return Ok(self.attempting(permit));
        }
        let evaluation = evaluate(&effective.input(&request));
        let message = denial_message(&request, &evaluation.explanation);
        let event = self.cx.event(
            action.qualified(),
            resource.to_owned(),
            denial_params(&request.context),
            Outcome::Denied,
            Some("AccessDenied".to_owned()),
        );
        audit::record(&self.cx.state.pool, self.cx.state.entropy.as_ref(), event).await?;
        Err(AppError::AccessDenied {
            message,
            explanation: Some(evaluation.explanation.summary),
        })
    }

    /// ChangePassword on the caller's own user. A user whose password must be reset may
    /// do this one thing without a policy: the current password they give is the proof,
    /// and without it they could never leave the change-password page. So may everyone
    /// when the password policy allows users to change their own password. Otherwise
    /// the engine decides on iam:ChangePassword as for any action.
    pub async fn authorize_own_password_change(&mut self) -> Result<Permit, AppError> {
        let caller = self.cx.caller();
        let Some(user) = caller.user() else {
            return Err(AppError::invalid_input(
                "user_name",
                "The root user changes its password in the account settings, not with ChangePassword.",
            ));
        };
        let arn = user.arn.clone();
        // The account's password policy may let every user change their own password
        // (AllowUsersToChangePassword grants iam:ChangePassword on oneself, as in AWS).
        let allowed_by_policy =
            store::password_policy::find(&mut self.tx, &self.cx.caller().account.id)
                .await?
                .is_some_and(|p| p.allow_users_to_change_password);
        if self.cx.caller().password_reset_required || allowed_by_policy {
            return Ok(self.attempting(Permit {
                action: IamAction::ChangePassword,
                resource: arn,
            }));
        }
        self.authorize(IamAction::ChangePassword, &arn).await
    }

    /// Notes a permitted change as open until this operation commits.
    fn attempting(&self, permit: Permit) -> Permit {
        if !permit.action.is_read() {
            self.cx
                .attempts()
                .open
                .push((self.number, permit.action, permit.resource.clone()));
        }
        permit
    }

    /// The connection for writes, given the permit for them.
    pub fn writer(&mut self, _permit: &Permit) -> Writer<'_> {
        self.wrote = true;
        Writer { conn: &mut self.tx }
    }

    /// Records the permitted action's event, appended to the chain on commit.
    pub fn audit(&mut self, permit: &Permit, params: serde_json::Value) {
        self.audit_as(permit, permit.resource.clone(), params);
    }

    /// As `audit`, naming the resource the action ended on (a rename's new ARN).
    pub fn audit_as(&mut self, permit: &Permit, resource: String, params: serde_json::Value) {
        let event = self.cx.event(
            permit.action.qualified(),
            resource,
            params,
            Outcome::Success,
            None,
        );
        self.events.push(event);
    }

    /// Appends the audit events and commits. A write with no audit event is a bug and
    /// is refused (rolled back), never committed silently.
    pub async fn commit(mut self) -> Result<(), AppError> {
        if self.wrote && self.events.is_empty() {
            return Err(AppError::internal(
                "audit",
                "an operation wrote without recording an audit event",
            ));
        }
        audit::append(
            &mut self.tx,
            self.cx.state.entropy.as_ref(),
            std::mem::take(&mut self.events),
        )
        .await?;
        store::commit(self.tx).await?;
        let number = self.number;
        self.cx.attempts().open.retain(|(op, _, _)| *op != number);
        Ok(())
    }
}

/// What a denied request asked for, as far as the decision knew it: the request's own
/// context keys (iam:PolicyARN, aws:RequestTag/*, aws:TagKeys, the target's tags and
/// boundary), without the global keys every request carries (the event records the
/// source address and agent itself). The resource ARN names the entity. Context keys
/// never hold secrets.
fn denial_params(context: &Context) -> serde_json::Value {
    const GLOBAL: [&str; 7] = [
        "aws:SourceIp",
        "aws:UserAgent",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:SecureTransport",
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
    ];
    let keys: serde_json::Map<String, serde_json::Value> = context
        .iter()
        .filter(|(key, _)| !GLOBAL.iter().any(|g| g.eq_ignore_ascii_case(key)))
        .map(|(key, value)| {
            let texts: Vec<serde_json::Value> = value
                .values()
                .iter()
                .map(|v| serde_json::Value::String(v.text().into_owned()))
                .collect();
            let value = match <[serde_json::Value; 1]>::try_from(texts) {
                Ok([one]) => one,
                Err(many) => serde_json::Value::Array(many),
            };
            (key.to_owned(), value)
        })
        .collect();
    if keys.is_empty() {
        serde_json::json!({})
    } else {
        serde_json::json!({ "Context": keys })
    }
}

/// The denial as AWS words it.
fn denial_message(request: &Request, explanation: &crate::policy::Explanation) -> String {
    let base = format!(
        "User: {} is not authorized to perform: {} on resource: {}",
        request.principal.arn, request.action, request.resource
    );
    match explanation.decision {
        Decision::ExplicitDeny => {
            let kind = match explanation.deciding.first().map(|s| s.policy_type) {
                Some(PolicyType::PermissionsBoundary) => "a permissions boundary",
                Some(PolicyType::Session) => "a session policy",
                Some(PolicyType::Resource | PolicyType::Trust) => "a resource-based policy",
                Some(PolicyType::Identity) | None => "an identity-based policy",
            };
            format!("{base} with an explicit deny in {kind}")
        }
        Decision::ImplicitDeny | Decision::Allow => {
            let kind = if explanation.missing.contains(&Missing::BoundaryAllow) {
                "permissions boundary"
            } else if explanation.missing.contains(&Missing::SessionAllow) {
                "session policy"
            } else {
                "identity-based policy"
            };
            format!(
                "{base} because no {kind} allows the {} action",
                request.action
            )
        }
    }
}
