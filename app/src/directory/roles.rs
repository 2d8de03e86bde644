//! IAM roles: the services named after AWS's actions (CreateRole, GetRole, ...). Their
//! inline and attached policies and boundary go through `policies` with
//! `HolderName::Role`; assuming a role is in `assume_role`.

use super::paging::{max_items, paginate};
use super::users::{request_tag_context, resource_tag_context, tags_json};
use crate::authz::{Ctx, IamAction, Op};
use crate::error::{AppError, Problems};
use crate::model::{
    IamPath, IdKind, Page, Role, RoleName, Tag, arn, parse_description, parse_tags,
};
use crate::policy::{Context, PolicyDocument, policy_size};
use crate::store::{self, roles::NewRole as NewRoleRow, tags::Tagged};
use serde_json::json;

/// A role's session length bounds (MaxSessionDuration), in seconds.
pub const MIN_MAX_SESSION: i32 = 3_600;
pub const MAX_MAX_SESSION: i32 = 43_200;
/// A trust policy's size, in characters other than whitespace (AWS's ACLSizePerRole).
pub const TRUST_POLICY_LIMIT: usize = 2_048;

/// The actions a trust policy may name: assuming the role, and what may come with it.
const TRUST_ACTIONS: [&str; 6] = [
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
];

pub fn parse_role_name(field: &str, input: &str) -> Result<RoleName, AppError> {
    RoleName::parse(input).map_err(|m| AppError::validation(field, m))
}

pub fn no_such_role(name: &str) -> AppError {
    AppError::not_found(format!("The role with name {name} cannot be found."))
}

fn role_exists(name: &RoleName) -> AppError {
    AppError::already_exists(
        "role_name",
        format!("Role with name {name} already exists."),
    )
}

fn tag_limit() -> AppError {
    AppError::limit_exceeded("Cannot exceed quota for TagsPerRole: 50")
}

/// A MaxSessionDuration: 3,600 to 43,200 seconds.
pub fn max_session(seconds: i64) -> Result<i32, String> {
    i32::try_from(seconds)
        .ok()
        .filter(|s| (MIN_MAX_SESSION..=MAX_MAX_SESSION).contains(s))
        .ok_or_else(|| {
            format!("Member must have value between {MIN_MAX_SESSION} and {MAX_MAX_SESSION}")
        })
}

pub fn parse_max_session(field: &str, seconds: i64) -> Result<i32, AppError> {
    max_session(seconds).map_err(|m| AppError::validation(field, m))
}

/// A document checked as a trust policy: every statement names a Principal, names no
/// Resource, and only STS's role actions; at most 2,048 characters (not counting
/// whitespace), as AWS's default quota.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    text: String,
}

impl TrustPolicy {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let malformed = |message: String| AppError::MalformedPolicy { message };
        let document = PolicyDocument::parse(text).map_err(|e| malformed(e.to_string()))?;
        for (i, statement) in document.statements.iter().enumerate() {
            if statement.principal.is_none() {
                return Err(malformed(format!(
                    "Statement[{i}]: Missing required field Principal"
                )));
            }
            if statement.resource.is_some() {
                return Err(malformed(format!(
                    "Statement[{i}]: Has prohibited field Resource"
                )));
            }
            let only_sts = !statement.action.negated
                && statement.action.values.iter().all(|action| {
                    let action = action.to_ascii_lowercase();
                    TRUST_ACTIONS.contains(&action.as_str())
                        || (action.starts_with("sts:") && action.contains(['*', '?']))
                });
            if !only_sts {
                return Err(malformed(format!(
                    "Statement[{i}].Action: AssumeRole policy may only specify STS AssumeRole actions."
                )));
            }
        }
        if policy_size(text) > TRUST_POLICY_LIMIT {
            return Err(AppError::limit_exceeded(format!(
                "Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_LIMIT}"
            )));
        }
        Ok(Self {
            text: text.to_owned(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// A validated CreateRole request.
#[derive(Debug, Clone)]
pub struct NewRole {
    pub name: RoleName,
    pub path: IamPath,
    pub description: String,
    pub trust_policy: TrustPolicy,
    pub max_session_duration: i32,
    pub tags: Vec<Tag>,
    /// A managed policy's ARN, set in the same transaction and authorised through
    /// CreateRole's `iam:PermissionsBoundary` condition key, as AWS does.
    pub permissions_boundary: Option<String>,
}

/// CreateRole's fields as a form or a request gives them.
#[derive(Debug, Clone, Default)]
pub struct RoleInput<'a> {
    pub name: &'a str,
    pub path: Option<&'a str>,
    pub description: Option<&'a str>,
    pub trust_policy: &'a str,
    pub max_session_duration: Option<i64>,
    pub tags: &'a [(String, String)],
    pub permissions_boundary: Option<&'a str>,
}

impl NewRole {
    /// Every broken rule at once, each naming its field.
    pub fn parse(input: RoleInput<'_>) -> Result<Self, AppError> {
        let mut problems = Problems::new();
        let name = problems.check("role_name", RoleName::parse(input.name));
        let path = problems.check("path", IamPath::parse(input.path.unwrap_or("/")));
        let description = problems.check(
            "description",
            parse_description(input.description.unwrap_or("")),
        );
        let max = problems.check(
            "max_session_duration",
            max_session(
                input
                    .max_session_duration
                    .unwrap_or(i64::from(MIN_MAX_SESSION)),
            ),
        );
        let tags = match parse_tags(input.tags) {
            Ok(tags) => Some(tags),
            Err((field, message)) => {
                problems.refuse(field, message);
                None
            }
        };
        let parsed = (|| Some((name?, path?, description?, max?, tags?)))();
        let (name, path, description, max_session_duration, tags) = problems.finish(parsed)?;
        // The document last: its error is AWS's MalformedPolicyDocument, not a field's.
        let trust_policy = TrustPolicy::parse(input.trust_policy)?;
        Ok(Self {
            name,
            path,
            description,
            trust_policy,
            max_session_duration,
            tags,
            permissions_boundary: input
                .permissions_boundary
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(str::to_owned),
        })
    }
}

/// The context keys a request on `role` carries: its tags and its boundary.
pub fn role_context(role: &Role) -> Context {
    let mut context = resource_tag_context(Context::new(), &role.tags);
    if let Some(boundary) = &role.permissions_boundary {
        context.insert("iam:PermissionsBoundary", boundary.as_str());
    }
    context
}

/// Reads a role by name for an operation: found or not, the ARN to authorise on.
pub(super) async fn target(
    op: &mut Op<'_>,
    name: &RoleName,
) -> Result<(Option<Role>, String), AppError> {
    let account = op.cx().account().clone();
    let role = store::roles::find_by_name(op.reader(), &account, name).await?;
    let arn = role.as_ref().map_or_else(
        || arn::role(&account, &IamPath::root(), name),
        |r| r.arn.clone(),
    );
    Ok((role, arn))
}

/// Authorises `action` on the named role (with its tags and boundary and `extra` in the
/// context); "not found" only after the check.
async fn authorized(
    op: &mut Op<'_>,
    action: IamAction,
    name: &RoleName,
    extra: Context,
) -> Result<(Role, crate::authz::Permit), AppError> {
    let (role, arn) = target(op, name).await?;
    let mut context = role.as_ref().map_or_else(Context::new, role_context);
    context.extend(extra);
    let permit = op.authorize_with(action, &arn, context).await?;
    Ok((role.ok_or_else(|| no_such_role(name.as_str()))?, permit))
}

async fn reread(op: &mut Op<'_>, role: &Role) -> Result<Role, AppError> {
    store::roles::find_by_id(op.reader(), role.id.as_str())
        .await?
        .ok_or_else(|| no_such_role(role.name.as_str()))
}

pub async fn create_role(cx: &Ctx, new: NewRole) -> Result<Role, AppError> {
    let mut op = cx.begin().await?;
    let arn = arn::role(cx.account(), &new.path, &new.name);
    let mut context = request_tag_context(&new.tags);
    if let Some(boundary) = &new.permissions_boundary {
        context.insert("iam:PermissionsBoundary", boundary.as_str());
    }
    let permit = op
        .authorize_with(IamAction::CreateRole, &arn, context)
        .await?;
    let boundary = match &new.permissions_boundary {
        None => None,
        Some(policy_arn) => Some(
            store::policies::find_by_arn(op.reader(), cx.account(), policy_arn)
                .await?
                .ok_or_else(|| super::policies::not_attachable(policy_arn))?,
        ),
    };
    let id = cx.entropy().unique_id(IdKind::Role);
    store::roles::insert(
        &mut op.writer(&permit),
        NewRoleRow {
            id: &id,
            account: cx.account(),
            name: &new.name,
            path: &new.path,
            description: &new.description,
            trust_policy: new.trust_policy.text(),
            max_session_duration: new.max_session_duration,
            tags: &new.tags,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_roles_name_key") => role_exists(&new.name),
        Some("iam_roles_tag_limit") => tag_limit(),
        _ => e.into(),
    })?;
    if let Some(policy) = &boundary {
        store::policies::set_boundary(
            &mut op.writer(&permit),
            store::policies::Holder::Role,
            &id,
            Some(&policy.id),
        )
        .await?;
    }
    op.audit(
        &permit,
        json!({
            "RoleName": new.name,
            "Path": new.path,
            "Description": new.description,
            "AssumeRolePolicyDocument": new.trust_policy.text(),
            "MaxSessionDuration": new.max_session_duration,
            "Tags": tags_json(&new.tags),
            "PermissionsBoundary": boundary.as_ref().map(|p| &p.arn),
        }),
    );
    let role = store::roles::find_by_id(op.reader(), id.as_str())
        .await?
        .ok_or_else(|| AppError::internal("create role", "the new role vanished"))?;
    op.commit().await?;
    Ok(role)
}

pub async fn get_role(cx: &Ctx, name: &RoleName) -> Result<Role, AppError> {
    let mut op = cx.begin().await?;
    let (role, _) = authorized(&mut op, IamAction::GetRole, name, Context::new()).await?;
    Ok(role)
}

pub async fn list_roles(
    cx: &Ctx,
    path_prefix: Option<&str>,
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<Page<Role>, AppError> {
    let prefix = IamPath::parse_prefix(path_prefix.unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let limit = max_items(max)?;
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListRoles, &arn::all(cx.account(), "role"))
        .await?;
    let items = store::roles::list(op.reader(), cx.account(), &prefix, marker, limit + 1).await?;
    Ok(paginate(items, limit, |r| r.name.key()))
}

/// UpdateRole: the description and/or the maximum session duration.
pub async fn update_role(
    cx: &Ctx,
    name: &RoleName,
    description: Option<String>,
    max_session_duration: Option<i32>,
) -> Result<(), AppError> {
    let description = description
        .map(|d| parse_description(&d).map_err(|m| AppError::validation("description", m)))
        .transpose()?;
    let mut op = cx.begin().await?;
    let (role, permit) = authorized(&mut op, IamAction::UpdateRole, name, Context::new()).await?;
    store::roles::update(
        &mut op.writer(&permit),
        &role.id,
        description.as_deref(),
        max_session_duration,
    )
    .await?;
    op.audit(
        &permit,
        json!({"RoleName": name, "Description": description,
               "MaxSessionDuration": max_session_duration}),
    );
    op.commit().await
}

/// UpdateRoleDescription: as UpdateRole with only a description, answering the role.
pub async fn update_role_description(
    cx: &Ctx,
    name: &RoleName,
    description: &str,
) -> Result<Role, AppError> {
    let description =
        parse_description(description).map_err(|m| AppError::validation("description", m))?;
    let mut op = cx.begin().await?;
    let (role, permit) = authorized(
        &mut op,
        IamAction::UpdateRoleDescription,
        name,
        Context::new(),
    )
    .await?;
    store::roles::update(&mut op.writer(&permit), &role.id, Some(&description), None).await?;
    op.audit(
        &permit,
        json!({"RoleName": name, "Description": description}),
    );
    let updated = reread(&mut op, &role).await?;
    op.commit().await?;
    Ok(updated)
}

pub async fn update_assume_role_policy(
    cx: &Ctx,
    name: &RoleName,
    document: TrustPolicy,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (role, permit) = authorized(
        &mut op,
        IamAction::UpdateAssumeRolePolicy,
        name,
        Context::new(),
    )
    .await?;
    store::roles::set_trust_policy(&mut op.writer(&permit), &role.id, document.text()).await?;
    op.audit(
        &permit,
        json!({"RoleName": name, "PolicyDocument": document.text()}),
    );
    op.commit().await
}

/// DeleteRole: refused while managed policies are attached or inline ones remain, as in
/// AWS. Its sessions end with it.
pub async fn delete_role(cx: &Ctx, name: &RoleName) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (role, permit) = authorized(&mut op, IamAction::DeleteRole, name, Context::new()).await?;
    store::roles::lock(&mut op.writer(&permit), &role.id).await?;
    let deps = store::roles::dependents(op.reader(), &role.id).await?;
    if deps.attached > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if deps.inline > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    store::policies::set_boundary(
        &mut op.writer(&permit),
        store::policies::Holder::Role,
        &role.id,
        None,
    )
    .await?;
    store::roles::delete(&mut op.writer(&permit), &role.id).await?;
    op.audit(&permit, json!({"RoleName": name}));
    op.commit().await
}

pub async fn tag_role(cx: &Ctx, name: &RoleName, tags: Vec<Tag>) -> Result<(), AppError> {
    if tags.is_empty() {
        return Err(AppError::validation("tags", "at least one tag is required"));
    }
    let mut op = cx.begin().await?;
    let (role, permit) = authorized(
        &mut op,
        IamAction::TagRole,
        name,
        request_tag_context(&tags),
    )
    .await?;
    let mut w = op.writer(&permit);
    store::roles::lock(&mut w, &role.id).await?;
    store::tags::add(&mut w, Tagged::Role, cx.account(), &role.id, &tags)
        .await
        .map_err(|e| match e.constraint() {
            Some("iam_roles_tag_limit") => tag_limit(),
            _ => e.into(),
        })?;
    op.audit(&permit, json!({"RoleName": name, "Tags": tags_json(&tags)}));
    op.commit().await
}

pub async fn untag_role(cx: &Ctx, name: &RoleName, keys: Vec<String>) -> Result<(), AppError> {
    if keys.is_empty() {
        return Err(AppError::validation(
            "tag_keys",
            "at least one tag key is required",
        ));
    }
    let mut op = cx.begin().await?;
    let context = Context::new().with(
        "aws:TagKeys",
        keys.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let (role, permit) = authorized(&mut op, IamAction::UntagRole, name, context).await?;
    let mut w = op.writer(&permit);
    store::roles::lock(&mut w, &role.id).await?;
    store::tags::remove(&mut w, Tagged::Role, &role.id, &keys).await?;
    op.audit(&permit, json!({"RoleName": name, "TagKeys": keys}));
    op.commit().await
}

pub async fn list_role_tags(cx: &Ctx, name: &RoleName) -> Result<Vec<Tag>, AppError> {
    let mut op = cx.begin().await?;
    let (role, _) = authorized(&mut op, IamAction::ListRoleTags, name, Context::new()).await?;
    Ok(role.tags)
}

/// The inline policy AWS's console puts on a role to revoke its active sessions.
pub const REVOKE_POLICY_NAME: &str = "AWSRevokeOlderSessions";

/// Revokes every session of the role issued before now, as AWS does: an inline policy
/// `AWSRevokeOlderSessions` denying everything to sessions whose aws:TokenIssueTime is
/// earlier (authorised as iam:PutRolePolicy). Outstanding sessions are refused from
/// their next call; sessions issued afterwards are not affected. Revoking again moves
/// the time forward.
pub async fn revoke_role_sessions(cx: &Ctx, name: &RoleName) -> Result<(), AppError> {
    // To the millisecond (as policies compare dates), rounded up: a session issued in
    // the same millisecond as the revocation is revoked too.
    let now = cx.now();
    let millis = now.nanosecond() / 1_000_000;
    let now = (now.replace_nanosecond(millis * 1_000_000).unwrap_or(now)
        + time::Duration::milliseconds(1))
    .format(&time::format_description::well_known::Rfc3339)
    .map_err(|e| AppError::internal("revocation time", e))?;
    let document = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Action": ["*"],
            "Resource": ["*"],
            "Condition": {"DateLessThan": {"aws:TokenIssueTime": now}}
        }]
    })
    .to_string();
    let policy = super::policies::IdentityPolicy::parse(&document)?;
    let policy_name = crate::model::PolicyName::parse(REVOKE_POLICY_NAME)
        .map_err(|m| AppError::internal("revocation policy", m))?;
    super::policies::put_inline_policy(
        cx,
        super::policies::HolderName::Role(name),
        &policy_name,
        policy,
    )
    .await
}

/// The Sid of the statement `allow_group_to_assume` adds to a trust policy.
pub const ACCOUNT_TRUST_SID: &str = "AllowThisAccountWithPermission";

/// `document` with a statement trusting `account_root` (so that the account's own
/// principals may assume the role when their identity policies allow it), or `None`
/// when an unconditional statement already does.
fn trusting_account(document: &str, account: &str) -> Result<Option<String>, AppError> {
    let root = format!("arn:aws:iam::{account}:root");
    let mut value: serde_json::Value =
        serde_json::from_str(document).map_err(|e| AppError::internal("stored trust policy", e))?;
    let Some(map) = value.as_object_mut() else {
        return Err(AppError::internal("stored trust policy", "not an object"));
    };
    let statements = match map.remove("Statement") {
        Some(serde_json::Value::Array(items)) => items,
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let names = |v: Option<&serde_json::Value>, wanted: &dyn Fn(&str) -> bool| match v {
        Some(serde_json::Value::String(s)) => wanted(s),
        Some(serde_json::Value::Array(items)) => {
            items.iter().any(|i| i.as_str().is_some_and(wanted))
        }
        _ => false,
    };
    let present = statements.iter().any(|s| {
        s.get("Effect").and_then(|e| e.as_str()) == Some("Allow")
            && s.get("Condition").is_none()
            && names(s.get("Action"), &|a| {
                a.eq_ignore_ascii_case("sts:AssumeRole")
            })
            && names(s.get("Principal").and_then(|p| p.get("AWS")), &|p| {
                p == root || p == account
            })
    });
    if present {
        return Ok(None);
    }
    let mut statements = statements;
    statements.push(json!({
        "Sid": ACCOUNT_TRUST_SID,
        "Effect": "Allow",
        "Principal": {"AWS": root},
        "Action": "sts:AssumeRole"
    }));
    map.insert("Statement".to_owned(), serde_json::Value::Array(statements));
    Ok(Some(value.to_string()))
}

/// Lets a group's users switch to the role, as AWS's tutorials do it, in one audited
/// transaction: the trust policy trusts the account (UpdateAssumeRolePolicy, when it
/// does not already), and the group gets an inline policy allowing sts:AssumeRole on
/// the role (PutGroupPolicy).
pub async fn allow_group_to_assume(
    cx: &Ctx,
    role_name: &RoleName,
    group_name: &crate::model::GroupName,
) -> Result<(), AppError> {
    use crate::store::policies::Holder;
    let mut op = cx.begin().await?;
    let (role, trust_permit) = authorized(
        &mut op,
        IamAction::UpdateAssumeRolePolicy,
        role_name,
        Context::new(),
    )
    .await?;
    let account = cx.account().clone();
    let group = store::groups::find_by_name(op.reader(), &account, group_name).await?;
    let group_arn = group.as_ref().map_or_else(
        || arn::group(&account, &IamPath::root(), group_name),
        |g| g.arn.clone(),
    );
    let group_permit = op.authorize(IamAction::PutGroupPolicy, &group_arn).await?;
    let group = group.ok_or_else(|| super::groups::no_such_group(group_name.as_str()))?;
    if let Some(trust) = trusting_account(&role.trust_policy, account.as_str())? {
        let trust = TrustPolicy::parse(&trust)?;
        store::roles::set_trust_policy(&mut op.writer(&trust_permit), &role.id, trust.text())
            .await?;
        op.audit(
            &trust_permit,
            json!({"RoleName": role.name, "PolicyDocument": trust.text()}),
        );
    }
    let policy_name = crate::model::PolicyName::parse(&format!("AssumeRole-{}", role.name))
        .map_err(|m| AppError::internal("group policy name", m))?;
    let document = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role.arn}]
    })
    .to_string();
    let policy = super::policies::IdentityPolicy::parse(&document)?;
    let mut w = op.writer(&group_permit);
    store::policies::lock_holder(&mut w, Holder::Group, &group.id).await?;
    store::policies::put_inline(
        &mut w,
        Holder::Group,
        &account,
        &group.id,
        &policy_name,
        policy.text(),
        i32::try_from(policy.size()).unwrap_or(i32::MAX),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_groups_inline_size_limit") => AppError::limit_exceeded(format!(
            "Maximum policy size of 5120 bytes exceeded for group {}",
            group.name
        )),
        _ => e.into(),
    })?;
    op.audit(
        &group_permit,
        json!({"GroupName": group.name, "PolicyName": policy_name, "PolicyDocument": policy.text()}),
    );
    op.commit().await
}

/// The account's users who may switch to the role now: their policies and the trust
/// policy both say yes (for a request with MFA, so that a trust policy requiring it
/// still shows who may switch after giving a code). Authorised as GetRole and
/// ListUsers; at most the first 1,000 users are looked at.
pub async fn who_may_assume(cx: &Ctx, role_name: &RoleName) -> Result<Vec<String>, AppError> {
    use crate::policy::{CompiledPolicy, PrincipalInfo, PrincipalKind, Request, decide};
    let mut op = cx.begin().await?;
    let (role, _) = authorized(&mut op, IamAction::GetRole, role_name, Context::new()).await?;
    op.authorize(IamAction::ListUsers, &arn::all(cx.account(), "user"))
        .await?;
    let trust = CompiledPolicy::parse(&role.trust_policy)
        .map_err(|e| AppError::internal("stored trust policy", e))?;
    let users = store::users::list(
        op.reader(),
        cx.account(),
        "/",
        None,
        store::name_page::Sort::Name { after: None },
        false,
        1000,
    )
    .await?;
    let mut allowed = Vec::new();
    for user in users {
        let effective = crate::authz::Effective::load_for_user(
            op.reader(),
            &cx.state().policy_cache,
            user.id.as_str(),
        )
        .await?;
        let request = Request {
            principal: PrincipalInfo {
                arn: user.arn.clone(),
                account: user.account.to_string(),
                kind: PrincipalKind::User,
                user_name: Some(user.name.to_string()),
                unique_id: Some(user.id.to_string()),
                role_arn: None,
                tags: user
                    .tags
                    .iter()
                    .map(|t| (t.key.clone(), t.value.clone()))
                    .collect(),
            },
            action: "sts:AssumeRole".to_owned(),
            resource: role.arn.clone(),
            context: Context::new().with("aws:MultiFactorAuthPresent", true),
        };
        if decide(&effective.input(&request).trust("trust policy", &trust)).is_allowed() {
            allowed.push(user.name.to_string());
        }
    }
    Ok(allowed)
}
