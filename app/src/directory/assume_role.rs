//! STS AssumeRole: temporary credentials for a role, given to a caller whom the role's
//! trust policy allows and (across accounts, or when the trust policy names only the
//! account) whose own identity policies allow `sts:AssumeRole` on the role, decided by
//! the one engine with the trust policy as the resource-side policy.

use super::policies::IdentityPolicy;
use super::sts::{MfaProof, Minted, SessionCredentials};
use super::users::{request_tag_context, resource_tag_context};
use crate::audit::{self, Outcome};
use crate::authz::{Ctx, Effective, IamAction, Principal};
use crate::error::AppError;
use crate::model::{AccountId, IamPath, Role, RoleName, Tag, arn, parse_tags};
use crate::policy::{CompiledPolicy, Request, decide, evaluate};
use crate::store::{self, session_credentials::RoleSessionRow};
use serde_json::json;
use time::Duration;

/// DurationSeconds' bounds and default, and the cap on a session that a role session
/// asks for (role chaining), as in AWS.
pub const MIN_DURATION_SECS: i64 = 900;
pub const MAX_DURATION_SECS: i64 = 43_200;
pub const DEFAULT_DURATION_SECS: i64 = 3_600;
pub const CHAINED_MAX_SECS: i64 = 3_600;
/// Session policies (the inline one and the managed ARNs) together, in characters.
pub const SESSION_POLICY_LIMIT: usize = 2_048;
pub const MAX_POLICY_ARNS: usize = 10;

/// AssumeRole's parameters as the request gave them.
#[derive(Default)]
pub struct AssumeRoleInput<'a> {
    pub role_arn: &'a str,
    pub session_name: &'a str,
    pub duration_secs: Option<i64>,
    pub external_id: Option<&'a str>,
    /// The inline session policy.
    pub policy: Option<&'a str>,
    pub policy_arns: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<&'a str>,
    pub mfa: Option<MfaProof<'a>>,
    /// The region the request was signed for (the role's RoleLastUsed).
    pub region: Option<&'a str>,
}

/// What AssumeRole answers: the credentials and the session's names.
#[derive(Debug)]
pub struct AssumedRole {
    pub credentials: SessionCredentials,
    /// `AROA...:<session>`.
    pub assumed_role_id: String,
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// Percent of the allowed size the session policies and tags use, when given.
    pub packed_policy_size: Option<u32>,
    pub source_identity: Option<String>,
}

/// AWS's wording for a parameter outside its constraint.
fn constraint(value: &str, member: &str, rule: &str) -> AppError {
    AppError::validation(
        "",
        format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
        ),
    )
}

fn matches_pattern(value: &str, extra: &[char]) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) || extra.contains(&c))
}

/// `[\w+=,.@-]`, 2 to 64 characters: RoleSessionName and SourceIdentity.
fn session_word(value: &str, member: &str) -> Result<String, AppError> {
    if !matches_pattern(value, &[]) {
        return Err(constraint(
            value,
            member,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ));
    }
    let length = value.chars().count();
    if !(2..=64).contains(&length) {
        return Err(constraint(
            value,
            member,
            "Member must have length between 2 and 64",
        ));
    }
    Ok(value.to_owned())
}

fn external_id(value: &str) -> Result<String, AppError> {
    if !matches_pattern(value, &[':', '/']) {
        return Err(constraint(
            value,
            "externalId",
            "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*",
        ));
    }
    if !(2..=1224).contains(&value.chars().count()) {
        return Err(constraint(
            value,
            "externalId",
            "Member must have length between 2 and 1224",
        ));
    }
    Ok(value.to_owned())
}

fn duration(value: Option<i64>) -> Result<i64, AppError> {
    let value = value.unwrap_or(DEFAULT_DURATION_SECS);
    if value < MIN_DURATION_SECS {
        return Err(constraint(
            &value.to_string(),
            "durationSeconds",
            &format!("Member must have value greater than or equal to {MIN_DURATION_SECS}"),
        ));
    }
    if value > MAX_DURATION_SECS {
        return Err(constraint(
            &value.to_string(),
            "durationSeconds",
            &format!("Member must have value less than or equal to {MAX_DURATION_SECS}"),
        ));
    }
    Ok(value)
}

/// `arn:aws:iam::<account>:role/<path><name>` taken apart.
pub fn parse_role_arn(text: &str) -> Result<(AccountId, IamPath, RoleName), AppError> {
    let invalid = || AppError::validation("", format!("{text} is invalid"));
    let rest = text.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    let resource = resource.strip_prefix("role").ok_or_else(invalid)?;
    let (path, name) = resource.rsplit_once('/').ok_or_else(invalid)?;
    let account = AccountId::parse(account).map_err(|_| invalid())?;
    let path = IamPath::parse(&format!("{path}/")).map_err(|_| invalid())?;
    let name = RoleName::parse(name).map_err(|_| invalid())?;
    Ok((account, path, name))
}

/// The session's tags: those passed on by the calling session (transitive ones), then
/// the request's, which may not name a key passed on.
fn session_tags(
    cx: &Ctx,
    input: &AssumeRoleInput<'_>,
) -> Result<(Vec<Tag>, Vec<String>), AppError> {
    let requested = parse_tags(&input.tags).map_err(|(field, m)| AppError::validation(field, m))?;
    let mut keys: Vec<String> = requested
        .iter()
        .map(|t| t.key.to_ascii_lowercase())
        .collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(AppError::validation(
            "",
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    for key in &input.transitive_tag_keys {
        if !requested.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
            return Err(AppError::validation(
                "",
                "The specified transitive tag key must be included in the requested tags.",
            ));
        }
    }
    let mut tags = Vec::new();
    let mut transitive = input.transitive_tag_keys.clone();
    if let Some(calling) = cx.caller().role_session() {
        for key in &calling.transitive_tag_keys {
            let Some(tag) = calling
                .tags
                .iter()
                .find(|t| t.key.eq_ignore_ascii_case(key))
            else {
                continue;
            };
            if requested.iter().any(|t| t.key.eq_ignore_ascii_case(key)) {
                return Err(AppError::validation(
                    "tags",
                    format!(
                        "The tag {key} is transitive from the calling session and cannot be overridden."
                    ),
                ));
            }
            tags.push(tag.clone());
            if !transitive.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                transitive.push(key.clone());
            }
        }
    }
    tags.extend(requested);
    if tags.len() > crate::model::MAX_TAGS {
        return Err(AppError::validation(
            "tags",
            "Member must have length less than or equal to 50",
        ));
    }
    Ok((tags, transitive))
}

/// The session policies' size as a share of what is allowed, refused past 100 %.
fn packed_size(
    policy: Option<&IdentityPolicy>,
    arns: &[String],
    tags: &[Tag],
) -> Result<Option<u32>, AppError> {
    if policy.is_none() && arns.is_empty() && tags.is_empty() {
        return Ok(None);
    }
    let used = policy.map_or(0, IdentityPolicy::size)
        + arns.iter().map(String::len).sum::<usize>()
        + tags
            .iter()
            .map(|t| t.key.len() + t.value.len())
            .sum::<usize>();
    let percent =
        u32::try_from(used.saturating_mul(100).div_ceil(SESSION_POLICY_LIMIT)).unwrap_or(u32::MAX);
    if percent > 100 {
        return Err(AppError::PackedPolicyTooLarge {
            message: format!("Packed policy consumes {percent}% of allotted space"),
        });
    }
    Ok(Some(percent))
}

fn denied(caller_arn: &str, role_arn: &str, explanation: Option<String>) -> AppError {
    AppError::AccessDenied {
        message: format!(
            "User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        ),
        explanation,
    }
}

pub async fn assume_role(cx: &Ctx, input: AssumeRoleInput<'_>) -> Result<AssumedRole, AppError> {
    let caller = cx.caller();
    if caller.is_root() {
        return Err(AppError::AccessDenied {
            message: "Roles may not be assumed by root accounts.".to_owned(),
            explanation: None,
        });
    }
    // A console user who must choose a new password does that first, role or not.
    if caller.password_reset_required {
        return Err(AppError::PasswordResetRequired);
    }
    let session_name = session_word(input.session_name, "roleSessionName")?;
    let requested = duration(input.duration_secs)?;
    let external = input.external_id.map(external_id).transpose()?;
    let asked_identity = input
        .source_identity
        .map(|s| session_word(s, "sourceIdentity"))
        .transpose()?;
    // A source identity stays with the chain of sessions it was set on, as in AWS: a
    // chained session inherits it and may not name another.
    let inherited = caller
        .role_session()
        .and_then(|s| s.source_identity.clone());
    let source_identity = match (asked_identity, inherited) {
        (Some(asked), Some(held)) if asked != held => {
            return Err(AppError::AccessDenied {
                message: format!(
                    "The source identity of the calling session ({held}) cannot be changed."
                ),
                explanation: None,
            });
        }
        (asked, held) => asked.or(held),
    };
    let session_policy = input.policy.map(IdentityPolicy::parse).transpose()?;
    if input.policy_arns.len() > MAX_POLICY_ARNS {
        return Err(AppError::validation(
            "policy_arns",
            format!("Member must have length less than or equal to {MAX_POLICY_ARNS}"),
        ));
    }
    for policy_arn in &input.policy_arns {
        arn::parse_policy(policy_arn).map_err(|m| AppError::validation("policy_arns", m))?;
    }
    let (tags, transitive) = session_tags(cx, &input)?;
    let packed = packed_size(session_policy.as_ref(), &input.policy_arns, &tags)?;
    let (role_account, role_path, role_name) = parse_role_arn(input.role_arn.trim())?;
    let asked_arn = arn::role(&role_account, &role_path, &role_name);

    let state = cx.state();
    let now = cx.now();
    let mut mfa_at = caller.mfa_at;
    if let Some(proof) = &input.mfa {
        // The code is spent (or counted as wrong) in a transaction of its own, whatever
        // the rest of the request comes to: a code is never accepted twice.
        let Some(user) = caller.user() else {
            return Err(AppError::AccessDenied {
                message: "Only an IAM user can give an MFA code with AssumeRole.".to_owned(),
                explanation: None,
            });
        };
        let mut tx = store::begin(&state.pool).await?;
        let spent = super::sts::spend_limited(cx, &mut tx, Some(user.id.as_str()), proof).await?;
        store::commit(tx).await?;
        if !spent {
            return Err(AppError::AccessDenied {
                message: "MultiFactorAuthentication failed with invalid MFA one time pass code."
                    .to_owned(),
                explanation: None,
            });
        }
        mfa_at = Some(now);
    }
    let mut tx = store::begin(&state.pool).await?;
    let role = store::roles::find_by_name(&mut tx, &role_account, &role_name)
        .await?
        .filter(|r| r.path == role_path);
    let Some(role) = role else {
        drop(tx);
        record_refusal(cx, &asked_arn, &role_account, None).await;
        return Err(denied(&caller.arn(), &asked_arn, None));
    };

    // The request as the engine sees it: the caller's keys and AssumeRole's own.
    let mut extra = resource_tag_context(request_tag_context(&tags), &role.tags);
    extra.insert("sts:RoleSessionName", session_name.as_str());
    if let Some(id) = &external {
        extra.insert("sts:ExternalId", id.as_str());
    }
    if let Some(identity) = &source_identity {
        extra.insert("sts:SourceIdentity", identity.as_str());
    }
    if !transitive.is_empty() {
        extra.insert(
            "sts:TransitiveTagKeys",
            transitive.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    let mut request = cx.request(IamAction::AssumeRole, &role.arn, extra);
    if let Some(at) = mfa_at {
        request.context.insert("aws:MultiFactorAuthPresent", true);
        // Whole seconds since the code was given; they fit an f64 exactly.
        #[allow(clippy::cast_precision_loss)]
        request.context.insert(
            "aws:MultiFactorAuthAge",
            (now - at).whole_seconds().max(0) as f64,
        );
    }
    let effective = match &caller.principal {
        Principal::User(user) => {
            Effective::load_for_user(&mut tx, &state.policy_cache, user.id.as_str()).await?
        }
        Principal::Role(session) => {
            Effective::load_for_role_session(&mut tx, &state.policy_cache, session).await?
        }
        Principal::Root => Effective::default(),
    };
    let trust = CompiledPolicy::parse(&role.trust_policy)
        .map_err(|e| AppError::internal("stored trust policy", e))?;
    // Session tags need sts:TagSession and a source identity sts:SetSourceIdentity,
    // from both sides, as AWS asks.
    let mut actions = vec!["sts:AssumeRole"];
    if !input.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    for action in actions {
        let asked = Request {
            action: action.to_owned(),
            ..request.clone()
        };
        let evaluation_input = effective.input(&asked).trust("trust policy", &trust);
        if !decide(&evaluation_input).is_allowed() {
            let explanation = evaluate(&evaluation_input).explanation.summary;
            drop(tx);
            record_refusal(cx, &role.arn, &role.account, Some(action)).await;
            let mut error = denied(&caller.arn(), &role.arn, Some(explanation));
            if let AppError::AccessDenied { message, .. } = &mut error {
                *message = message.replace("sts:AssumeRole", action);
            }
            return Err(error);
        }
    }

    let chained = caller.role_session().is_some();
    if chained && requested > CHAINED_MAX_SECS {
        return Err(AppError::validation(
            "",
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    if requested > i64::from(role.max_session_duration) {
        return Err(AppError::validation(
            "",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    let policy_ids = session_policy_ids(&mut tx, &role, &input.policy_arns).await?;

    let minted = Minted::new(cx);
    let expiration = now + Duration::seconds(requested);
    let (tag_keys, tag_values): (Vec<String>, Vec<String>) = tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .unzip();
    let caller_arn = caller.arn();
    store::session_credentials::insert(
        &mut tx,
        store::session_credentials::NewSession {
            access_key_id: minted.id.as_str(),
            account_id: role.account.as_str(),
            user_id: None,
            source_key_id: caller.access_key().map(|k| k.as_str()),
            secret_sealed: &minted.sealed,
            token_sha256: &minted.token_hash(),
            issued_at: now,
            expires_at: expiration,
            mfa_at,
            role: Some(RoleSessionRow {
                role_id: role.id.as_str(),
                session_name: &session_name,
                session_policy: session_policy.as_ref().map(IdentityPolicy::text),
                session_policy_ids: &policy_ids,
                tag_keys: &tag_keys,
                tag_values: &tag_values,
                transitive_tag_keys: &transitive,
                source_identity: source_identity.as_deref(),
                chained,
                source_arn: &caller_arn,
            }),
        },
    )
    .await?;
    store::roles::record_use(&mut tx, &role.id, now, input.region.unwrap_or("us-east-1")).await?;
    let params = json!({
        "RoleArn": role.arn,
        "RoleSessionName": session_name,
        "DurationSeconds": requested,
        "ExternalId": external.is_some(),
        "PolicyArns": input.policy_arns,
        "SessionPolicy": session_policy.as_ref().map(IdentityPolicy::text),
        "Tags": super::users::tags_json(&tags),
        "SourceIdentity": source_identity,
        "MFA": mfa_at.is_some(),
        "AccessKeyId": minted.id.as_str(),
    });
    // Both accounts see the assumption (the role's owner, and the caller's).
    let mut accounts = vec![role.account.to_string(), cx.account().to_string()];
    accounts.sort_unstable();
    accounts.dedup();
    for account in accounts {
        let mut event = cx.event(
            IamAction::AssumeRole.qualified(),
            role.arn.clone(),
            params.clone(),
            Outcome::Success,
            None,
        );
        event.account_id = account;
        audit::append(&mut tx, cx.entropy(), vec![event]).await?;
    }
    store::commit(tx).await?;
    let session = crate::authz::RoleSession {
        role: role.clone(),
        session_name: session_name.clone(),
        session_policy: None,
        session_policy_ids: Vec::new(),
        tags: Vec::new(),
        transitive_tag_keys: Vec::new(),
        source_identity: source_identity.clone(),
        issued_at: now,
        expires_at: expiration,
        source_arn: None,
        console_label: None,
    };
    Ok(AssumedRole {
        credentials: minted.credentials(expiration),
        assumed_role_id: session.user_id(),
        arn: session.arn(),
        packed_policy_size: packed,
        source_identity,
    })
}

/// The managed session policies by id, each once: each must exist (the role's account's
/// or AWS's).
async fn session_policy_ids(
    conn: &mut sqlx::PgConnection,
    role: &Role,
    arns: &[String],
) -> Result<Vec<String>, AppError> {
    let mut ids: Vec<String> = Vec::with_capacity(arns.len());
    for policy_arn in arns {
        let policy = store::policies::find_by_arn(conn, &role.account, policy_arn)
            .await?
            .ok_or_else(|| super::policies::not_attachable(policy_arn))?;
        // The same policy named twice is one session policy.
        let id = policy.id.to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A refused AssumeRole, in the caller's account and, when the role exists in another,
/// in the role's.
async fn record_refusal(cx: &Ctx, role_arn: &str, role_account: &AccountId, action: Option<&str>) {
    let mut accounts = vec![cx.account().to_string()];
    if action.is_some() && role_account != cx.account() {
        accounts.push(role_account.to_string());
    }
    for account in accounts {
        let mut event = cx.event(
            action.unwrap_or("sts:AssumeRole").to_owned(),
            role_arn.to_owned(),
            json!({}),
            Outcome::Denied,
            Some("AccessDenied".to_owned()),
        );
        event.account_id = account;
        if let Err(error) = audit::record(&cx.state().pool, cx.entropy(), event).await {
            tracing::warn!(%error, "could not record a refused AssumeRole");
        }
    }
}
