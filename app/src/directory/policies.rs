//! Managed policies (customer managed and AWS managed), their versions, attachments to
//! users and groups, permissions boundaries, inline policies, and policy tags: the
//! services named after AWS's actions.

use super::groups::no_such_group;
use super::paging::{max_items, paginate, search};
use super::users::{no_such_user, request_tag_context, resource_tag_context};
use crate::authz::{Ctx, Effective, IamAction, Op};
use crate::error::{AppError, Problems};
use crate::model::{
    AttachedPolicy, GroupName, IamPath, IdKind, Page, Policy, PolicyName, PolicySource,
    PolicyVersion, RoleName, Tag, UniqueId, UserName, UserPolicy, arn, parse_description,
    parse_tags,
};
use crate::policy::{AccessSummary, Context, PolicyDocument, PolicyKind, policy_size, summarise};
use crate::store::{
    self,
    policies::{Holder, ListFilter, NewPolicy as NewPolicyRow, PolicyEntity},
    tags::Tagged,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use crate::store::policies::Scope;

pub fn no_such_policy(policy_arn: &str) -> AppError {
    AppError::not_found(format!("Policy {policy_arn} was not found."))
}

pub(super) fn not_attachable(policy_arn: &str) -> AppError {
    AppError::not_found(format!(
        "Policy {policy_arn} does not exist or is not attachable."
    ))
}

fn no_such_version(policy_arn: &str, version: i32) -> AppError {
    AppError::not_found(format!(
        "Policy {policy_arn} version v{version} does not exist or is not attachable."
    ))
}

fn aws_managed(policy: &Policy) -> AppError {
    AppError::AccessDenied {
        message: format!(
            "{} is an AWS managed policy: it cannot be changed, versioned, tagged or deleted.",
            policy.arn
        ),
        explanation: None,
    }
}

/// A policy document checked as an identity-based policy (no Principal, every
/// statement with a Resource), with the size IAM counts (characters other than
/// whitespace). Errors name the element's JSON path.
#[derive(Debug, Clone)]
pub struct IdentityPolicy {
    text: String,
    size: usize,
}

impl IdentityPolicy {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let malformed = |path: String, message: &str| AppError::MalformedPolicy {
            message: if path.is_empty() {
                message.to_owned()
            } else {
                format!("{path}: {message}")
            },
        };
        let document = PolicyDocument::parse(text).map_err(|e| AppError::MalformedPolicy {
            message: e.to_string(),
        })?;
        for (i, statement) in document.statements.iter().enumerate() {
            if statement.principal.is_some() {
                return Err(malformed(
                    format!("Statement[{i}].Principal"),
                    "Policy document should not specify a principal.",
                ));
            }
            if statement.resource.is_none() {
                return Err(malformed(
                    format!("Statement[{i}]"),
                    "Policy statement must contain resources.",
                ));
            }
        }
        Ok(Self {
            text: text.to_owned(),
            size: policy_size(text),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn size(&self) -> usize {
        self.size
    }

    fn chars(&self) -> i32 {
        i32::try_from(self.size).unwrap_or(i32::MAX)
    }
}

/// `v3` as AWS writes version ids.
pub fn parse_version_id(input: &str) -> Result<i32, AppError> {
    input
        .trim()
        .strip_prefix('v')
        .filter(|n| !n.starts_with('0'))
        .and_then(|n| n.parse::<i32>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| AppError::validation("version_id", "must be a version id such as v1"))
}

/// A validated CreatePolicy request.
#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub name: PolicyName,
    pub path: IamPath,
    pub description: String,
    pub document: IdentityPolicy,
    pub tags: Vec<Tag>,
}

impl NewPolicy {
    pub fn parse(
        name: &str,
        path: &str,
        description: &str,
        document: &str,
        tags: &[(String, String)],
    ) -> Result<Self, AppError> {
        // Every broken field at once. A document that alone is wrong stays AWS's
        // MalformedPolicyDocument; beside other problems it is one of them.
        let mut problems = Problems::new();
        let name = problems.check("policy_name", PolicyName::parse(name));
        let path = problems.check("path", IamPath::parse(path));
        let description = problems.check("description", parse_description(description));
        let tags = match parse_tags(tags) {
            Ok(tags) => Some(tags),
            Err((field, message)) => {
                problems.refuse(field, message);
                None
            }
        };
        let document = match IdentityPolicy::parse(document) {
            Ok(document) => Some(document),
            Err(error) if problems.is_empty() => return Err(error),
            Err(error) => {
                problems.refuse("policy_document", error.to_string());
                None
            }
        };
        let parsed = (|| {
            Some(Self {
                name: name?,
                path: path?,
                description: description?,
                document: document?,
                tags: tags?,
            })
        })();
        problems.finish(parsed)
    }
}

fn managed_size(document: &IdentityPolicy) -> Result<(), AppError> {
    if document.size() > PolicyKind::Managed.limit() {
        return Err(AppError::limit_exceeded(
            "Cannot exceed quota for PolicySize: 6144",
        ));
    }
    Ok(())
}

/// Reads a policy by ARN for an operation: found (in this account or AWS's) or not.
async fn target(op: &mut Op<'_>, policy_arn: &str) -> Result<Option<Policy>, AppError> {
    let account = op.cx().account().clone();
    Ok(store::policies::find_by_arn(op.reader(), &account, policy_arn).await?)
}

fn tagged(policy: Option<&Policy>) -> Context {
    resource_tag_context(
        Context::new(),
        policy.map_or(&[][..], |p| p.tags.as_slice()),
    )
}

/// Looks the policy up, authorises `action` on its ARN, and returns it (not found after
/// the check, so a denied caller learns nothing).
async fn authorized_policy(
    op: &mut Op<'_>,
    action: IamAction,
    policy_arn: &str,
    extra: Context,
) -> Result<(Policy, crate::authz::Permit), AppError> {
    let policy = target(op, policy_arn).await?;
    let mut context = tagged(policy.as_ref());
    context.extend(extra);
    let permit = op
        .authorize_with(action, policy_arn.trim(), context)
        .await?;
    let policy = policy.ok_or_else(|| no_such_policy(policy_arn.trim()))?;
    Ok((policy, permit))
}

fn customer_managed(policy: &Policy) -> Result<(), AppError> {
    if policy.account.is_none() {
        return Err(aws_managed(policy));
    }
    Ok(())
}

pub async fn create_policy(cx: &Ctx, new: NewPolicy) -> Result<Policy, AppError> {
    managed_size(&new.document)?;
    let mut op = cx.begin().await?;
    let policy_arn = arn::policy(Some(cx.account()), &new.path, &new.name);
    let permit = op
        .authorize_with(
            IamAction::CreatePolicy,
            &policy_arn,
            request_tag_context(&new.tags),
        )
        .await?;
    let id = cx.entropy().unique_id(IdKind::Policy);
    store::policies::insert(
        &mut op.writer(&permit),
        NewPolicyRow {
            id: &id,
            account: cx.account(),
            name: &new.name,
            path: &new.path,
            description: &new.description,
            document: new.document.text(),
            tags: &new.tags,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("managed_policies_name_key") => AppError::already_exists(
            "policy_name",
            format!(
                "A policy called {} already exists. Duplicate names are not allowed.",
                new.name
            ),
        ),
        Some("managed_policies_tag_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for TagsPerPolicy: 50")
        }
        _ => e.into(),
    })?;
    op.audit(
        &permit,
        json!({"PolicyName": new.name, "Path": new.path, "Description": new.description,
               "PolicyDocument": new.document.text(),
               "Tags": new.tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>()}),
    );
    let policy = store::policies::find_by_id(op.reader(), cx.account(), id.as_str())
        .await?
        .ok_or_else(|| AppError::internal("create policy", "the new policy vanished"))?;
    op.commit().await?;
    Ok(policy)
}

pub async fn get_policy(cx: &Ctx, policy_arn: &str) -> Result<Policy, AppError> {
    let mut op = cx.begin().await?;
    let (policy, _) =
        authorized_policy(&mut op, IamAction::GetPolicy, policy_arn, Context::new()).await?;
    Ok(policy)
}

/// Options of ListPolicies (and the console's Policies page).
#[derive(Debug, Clone, Default)]
pub struct ListPolicies {
    pub scope: Scope,
    pub only_attached: bool,
    pub path_prefix: Option<String>,
    pub search: Option<String>,
    pub marker: Option<String>,
    pub max_items: Option<i64>,
}

fn split_marker(marker: Option<&str>) -> Result<Option<(&str, &str)>, AppError> {
    marker
        .map(|m| {
            m.rsplit_once('/')
                .ok_or_else(|| AppError::validation("marker", "is not a marker this list gave"))
        })
        .transpose()
}

pub async fn list_policies(cx: &Ctx, options: ListPolicies) -> Result<Page<Policy>, AppError> {
    let prefix = IamPath::parse_prefix(options.path_prefix.as_deref().unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let limit = max_items(options.max_items)?;
    let after = split_marker(options.marker.as_deref())?;
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListPolicies, &arn::all(cx.account(), "policy"))
        .await?;
    let items = store::policies::list(
        op.reader(),
        cx.account(),
        ListFilter {
            scope: options.scope,
            only_attached: options.only_attached,
            path_prefix: &prefix,
            search: search(options.search.as_deref()),
            after,
            limit: limit + 1,
        },
    )
    .await?;
    Ok(paginate(items, limit, |p| {
        format!("{}/{}", p.name.key(), p.id)
    }))
}

pub async fn delete_policy(cx: &Ctx, policy_arn: &str) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (policy, permit) =
        authorized_policy(&mut op, IamAction::DeletePolicy, policy_arn, Context::new()).await?;
    customer_managed(&policy)?;
    let mut w = op.writer(&permit);
    let Some(locked) = store::policies::lock(&mut w, &policy.id).await? else {
        return Err(no_such_policy(&policy.arn));
    };
    if locked.attachment_count > 0 || locked.boundary_count > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete a policy attached to entities.",
        ));
    }
    if locked.version_count > 1 {
        return Err(AppError::delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must \
             delete the policy's versions. The default version is deleted with the policy.",
        ));
    }
    store::policies::delete(&mut op.writer(&permit), &policy.id).await?;
    op.audit(&permit, json!({"PolicyArn": policy.arn}));
    op.commit().await
}

pub async fn create_policy_version(
    cx: &Ctx,
    policy_arn: &str,
    document: IdentityPolicy,
    set_as_default: bool,
) -> Result<PolicyVersion, AppError> {
    managed_size(&document)?;
    let mut op = cx.begin().await?;
    let (policy, permit) = authorized_policy(
        &mut op,
        IamAction::CreatePolicyVersion,
        policy_arn,
        Context::new(),
    )
    .await?;
    customer_managed(&policy)?;
    let version = store::policies::add_version(
        &mut op.writer(&permit),
        &policy.id,
        document.text(),
        set_as_default,
        cx.now(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("managed_policies_version_limit") => AppError::limit_exceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, \
             you must delete an existing version.",
        ),
        _ => e.into(),
    })?;
    op.audit(
        &permit,
        json!({"PolicyArn": policy.arn, "PolicyDocument": document.text(),
               "SetAsDefault": set_as_default, "VersionId": format!("v{version}")}),
    );
    let created = store::policies::version(op.reader(), &policy.id, version)
        .await?
        .ok_or_else(|| AppError::internal("create policy version", "the version vanished"))?;
    op.commit().await?;
    Ok(created)
}

pub async fn get_policy_version(
    cx: &Ctx,
    policy_arn: &str,
    version: i32,
) -> Result<PolicyVersion, AppError> {
    let mut op = cx.begin().await?;
    let (policy, _) = authorized_policy(
        &mut op,
        IamAction::GetPolicyVersion,
        policy_arn,
        Context::new(),
    )
    .await?;
    store::policies::version(op.reader(), &policy.id, version)
        .await?
        .ok_or_else(|| no_such_version(&policy.arn, version))
}

/// ListPolicyVersions: newest first, each with its document.
pub async fn list_policy_versions(
    cx: &Ctx,
    policy_arn: &str,
) -> Result<Vec<PolicyVersion>, AppError> {
    let mut op = cx.begin().await?;
    let (policy, _) = authorized_policy(
        &mut op,
        IamAction::ListPolicyVersions,
        policy_arn,
        Context::new(),
    )
    .await?;
    Ok(store::policies::versions(op.reader(), &policy.id).await?)
}

pub async fn delete_policy_version(
    cx: &Ctx,
    policy_arn: &str,
    version: i32,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (policy, permit) = authorized_policy(
        &mut op,
        IamAction::DeletePolicyVersion,
        policy_arn,
        Context::new(),
    )
    .await?;
    customer_managed(&policy)?;
    let mut w = op.writer(&permit);
    let Some(locked) = store::policies::lock(&mut w, &policy.id).await? else {
        return Err(no_such_policy(&policy.arn));
    };
    if locked.default_version == version {
        return Err(AppError::delete_conflict(
            "Cannot delete the default version of a policy.",
        ));
    }
    if !store::policies::delete_version(&mut w, &policy.id, version).await? {
        return Err(no_such_version(&policy.arn, version));
    }
    op.audit(
        &permit,
        json!({"PolicyArn": policy.arn, "VersionId": format!("v{version}")}),
    );
    op.commit().await
}

pub async fn set_default_policy_version(
    cx: &Ctx,
    policy_arn: &str,
    version: i32,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (policy, permit) = authorized_policy(
        &mut op,
        IamAction::SetDefaultPolicyVersion,
        policy_arn,
        Context::new(),
    )
    .await?;
    customer_managed(&policy)?;
    if !store::policies::set_default(&mut op.writer(&permit), &policy.id, version, cx.now()).await?
    {
        return Err(no_such_version(&policy.arn, version));
    }
    op.audit(
        &permit,
        json!({"PolicyArn": policy.arn, "VersionId": format!("v{version}")}),
    );
    op.commit().await
}

pub async fn tag_policy(cx: &Ctx, policy_arn: &str, tags: Vec<Tag>) -> Result<(), AppError> {
    if tags.is_empty() {
        return Err(AppError::validation("tags", "at least one tag is required"));
    }
    let mut op = cx.begin().await?;
    let (policy, permit) = authorized_policy(
        &mut op,
        IamAction::TagPolicy,
        policy_arn,
        request_tag_context(&tags),
    )
    .await?;
    customer_managed(&policy)?;
    let mut w = op.writer(&permit);
    store::policies::lock(&mut w, &policy.id).await?;
    store::tags::add(&mut w, Tagged::Policy, cx.account(), &policy.id, &tags)
        .await
        .map_err(|e| match e.constraint() {
            Some("managed_policies_tag_limit") => {
                AppError::limit_exceeded("Cannot exceed quota for TagsPerPolicy: 50")
            }
            _ => e.into(),
        })?;
    op.audit(
        &permit,
        json!({"PolicyArn": policy.arn,
               "Tags": tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>()}),
    );
    op.commit().await
}

pub async fn untag_policy(cx: &Ctx, policy_arn: &str, keys: Vec<String>) -> Result<(), AppError> {
    for key in &keys {
        Tag::parse_key(key).map_err(|m| AppError::validation("tag_key", m))?;
    }
    let mut context = Context::new();
    context.insert(
        "aws:TagKeys",
        keys.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let mut op = cx.begin().await?;
    let (policy, permit) =
        authorized_policy(&mut op, IamAction::UntagPolicy, policy_arn, context).await?;
    customer_managed(&policy)?;
    let mut w = op.writer(&permit);
    store::policies::lock(&mut w, &policy.id).await?;
    store::tags::remove(&mut w, Tagged::Policy, &policy.id, &keys).await?;
    op.audit(&permit, json!({"PolicyArn": policy.arn, "TagKeys": keys}));
    op.commit().await
}

pub async fn list_policy_tags(cx: &Ctx, policy_arn: &str) -> Result<Vec<Tag>, AppError> {
    let mut op = cx.begin().await?;
    let (policy, _) = authorized_policy(
        &mut op,
        IamAction::ListPolicyTags,
        policy_arn,
        Context::new(),
    )
    .await?;
    Ok(policy.tags)
}

/// A user, a group or a role, named, as the attachment and inline-policy services take
/// them.
#[derive(Debug, Clone, Copy)]
pub enum HolderName<'a> {
    User(&'a UserName),
    Group(&'a GroupName),
    Role(&'a RoleName),
}

/// A holder as found: id, name, and what the context needs (tags, boundary).
struct Found {
    id: UniqueId,
    name: String,
    context: Context,
}

impl HolderName<'_> {
    fn kind(self) -> Holder {
        match self {
            Self::User(_) => Holder::User,
            Self::Group(_) => Holder::Group,
            Self::Role(_) => Holder::Role,
        }
    }

    /// The action's user, group or role form (AttachUserPolicy / AttachGroupPolicy /
    /// AttachRolePolicy, ...).
    fn action(self, user: IamAction, group: IamAction, role: IamAction) -> IamAction {
        match self {
            Self::User(_) => user,
            Self::Group(_) => group,
            Self::Role(_) => role,
        }
    }

    fn not_found(self) -> AppError {
        match self {
            Self::User(n) => no_such_user(n.as_str()),
            Self::Group(n) => no_such_group(n.as_str()),
            Self::Role(n) => super::roles::no_such_role(n.as_str()),
        }
    }

    fn param(self) -> serde_json::Value {
        match self {
            Self::User(n) => json!({"UserName": n}),
            Self::Group(n) => json!({"GroupName": n}),
            Self::Role(n) => json!({"RoleName": n}),
        }
    }

    /// Looks the holder up and authorises `action` on it, with its tags and boundary and
    /// `extra` in the context; "not found" only after the check.
    async fn authorize(
        self,
        op: &mut Op<'_>,
        action: IamAction,
        extra: Context,
    ) -> Result<(Found, crate::authz::Permit), AppError> {
        let (found, arn) = self.find(op).await?;
        let mut context = found
            .as_ref()
            .map_or_else(Context::new, |f| f.context.clone());
        context.extend(extra);
        let permit = op.authorize_with(action, &arn, context).await?;
        Ok((found.ok_or_else(|| self.not_found())?, permit))
    }

    /// Looks the holder up: found or not, the ARN to authorise on.
    async fn find(self, op: &mut Op<'_>) -> Result<(Option<Found>, String), AppError> {
        let account = op.cx().account().clone();
        match self {
            Self::User(name) => {
                let user = store::users::find_by_name(op.reader(), &account, name).await?;
                let arn = user.as_ref().map_or_else(
                    || arn::user(&account, &IamPath::root(), name),
                    |u| u.arn.clone(),
                );
                Ok((
                    user.map(|u| {
                        let mut context = resource_tag_context(Context::new(), &u.tags);
                        if let Some(boundary) = &u.permissions_boundary {
                            context.insert("iam:PermissionsBoundary", boundary.as_str());
                        }
                        Found {
                            id: u.id,
                            name: u.name.to_string(),
                            context,
                        }
                    }),
                    arn,
                ))
            }
            Self::Group(name) => {
                let group = store::groups::find_by_name(op.reader(), &account, name).await?;
                let arn = group.as_ref().map_or_else(
                    || arn::group(&account, &IamPath::root(), name),
                    |g| g.arn.clone(),
                );
                Ok((
                    group.map(|g| Found {
                        id: g.id,
                        name: g.name.to_string(),
                        context: Context::new(),
                    }),
                    arn,
                ))
            }
            Self::Role(name) => {
                let role = store::roles::find_by_name(op.reader(), &account, name).await?;
                let arn = role.as_ref().map_or_else(
                    || arn::role(&account, &IamPath::root(), name),
                    |r| r.arn.clone(),
                );
                Ok((
                    role.map(|r| Found {
                        context: super::roles::role_context(&r),
                        id: r.id,
                        name: r.name.to_string(),
                    }),
                    arn,
                ))
            }
        }
    }
}

fn with_param(
    mut base: serde_json::Value,
    key: &str,
    value: serde_json::Value,
) -> serde_json::Value {
    if let Some(map) = base.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
    base
}

/// Attach{User,Group}Policy. Attaching again succeeds and changes nothing.
pub async fn attach_policy(
    cx: &Ctx,
    holder: HolderName<'_>,
    policy_arn: &str,
) -> Result<(), AppError> {
    let action = holder.action(
        IamAction::AttachUserPolicy,
        IamAction::AttachGroupPolicy,
        IamAction::AttachRolePolicy,
    );
    let policy_arn = policy_arn.trim();
    let mut op = cx.begin().await?;
    let (found, permit) = holder
        .authorize(
            &mut op,
            action,
            Context::new().with("iam:PolicyARN", policy_arn),
        )
        .await?;
    let policy = target(&mut op, policy_arn)
        .await?
        .ok_or_else(|| not_attachable(policy_arn))?;
    let added = store::policies::attach(
        &mut op.writer(&permit),
        holder.kind(),
        cx.account(),
        &found.id,
        &policy.id,
        cx.now(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_users_attached_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for PoliciesPerUser: 10")
        }
        Some("iam_groups_attached_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for PoliciesPerGroup: 10")
        }
        Some("iam_roles_attached_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for PoliciesPerRole: 10")
        }
        Some(c) if c.ends_with("policy_id_fkey") => not_attachable(policy_arn),
        Some(c) if c.ends_with("_fkey") => holder.not_found(),
        _ => e.into(),
    })?;
    let params = with_param(holder.param(), "PolicyArn", json!(policy.arn));
    op.audit(&permit, with_param(params, "Changed", json!(added)));
    op.commit().await
}

/// Detach{User,Group}Policy.
pub async fn detach_policy(
    cx: &Ctx,
    holder: HolderName<'_>,
    policy_arn: &str,
) -> Result<(), AppError> {
    let action = holder.action(
        IamAction::DetachUserPolicy,
        IamAction::DetachGroupPolicy,
        IamAction::DetachRolePolicy,
    );
    let policy_arn = policy_arn.trim();
    let mut op = cx.begin().await?;
    let (found, permit) = holder
        .authorize(
            &mut op,
            action,
            Context::new().with("iam:PolicyARN", policy_arn),
        )
        .await?;
    let policy = target(&mut op, policy_arn)
        .await?
        .ok_or_else(|| no_such_policy(policy_arn))?;
    if !store::policies::detach(
        &mut op.writer(&permit),
        holder.kind(),
        &found.id,
        &policy.id,
    )
    .await?
    {
        return Err(no_such_policy(policy_arn));
    }
    op.audit(
        &permit,
        with_param(holder.param(), "PolicyArn", json!(policy.arn)),
    );
    op.commit().await
}

/// ListAttached{User,Group}Policies.
pub async fn list_attached_policies(
    cx: &Ctx,
    holder: HolderName<'_>,
    path_prefix: Option<&str>,
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<Page<AttachedPolicy>, AppError> {
    let action = holder.action(
        IamAction::ListAttachedUserPolicies,
        IamAction::ListAttachedGroupPolicies,
        IamAction::ListAttachedRolePolicies,
    );
    let prefix = IamPath::parse_prefix(path_prefix.unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let limit = max_items(max)?;
    let after = split_marker(marker)?;
    let mut op = cx.begin().await?;
    let (found, _) = holder.authorize(&mut op, action, Context::new()).await?;
    let items = store::policies::attached(
        op.reader(),
        holder.kind(),
        found.id.as_str(),
        &prefix,
        after,
        limit + 1,
    )
    .await?;
    Ok(paginate(items, limit, |p| {
        format!("{}/{}", p.key.0, p.key.1)
    }))
}

/// Every policy that applies to a user and where it comes from (the console's
/// Permissions view; AWS's console builds it from several List calls, and it is
/// authorised as those: ListAttachedUserPolicies, ListUserPolicies and ListGroupsForUser
/// on the user, ListAttachedGroupPolicies and ListGroupPolicies on each group whose
/// policies it shows).
pub async fn list_user_policy_sources(
    cx: &Ctx,
    user: &UserName,
) -> Result<Vec<UserPolicy>, AppError> {
    let mut op = cx.begin().await?;
    Ok(authorised_sources(&mut op, user).await?.sources)
}

/// What a user may do, service by service, read from every policy that applies (the
/// user page's summary; see [`crate::policy::summary`]). Authorised as the List calls of
/// [`list_user_policy_sources`] and the reads AWS's console makes to show each policy:
/// GetPolicyVersion on every managed policy, GetUserPolicy on the user when it has inline
/// policies, GetGroupPolicy on each group whose inline policies count. `None` when this
/// server has no AWS service catalogue to summarise against.
pub async fn summarise_user_access(
    cx: &Ctx,
    user: &UserName,
) -> Result<Option<AccessSummary>, AppError> {
    let mut op = cx.begin().await?;
    let found = authorised_sources(&mut op, user).await?;
    let mut reads: Vec<(IamAction, &str)> = found
        .sources
        .iter()
        .map(|s| match (&s.arn, &s.source) {
            (Some(policy), _) => (IamAction::GetPolicyVersion, policy.as_str()),
            (None, PolicySource::Group { arn, .. }) => (IamAction::GetGroupPolicy, arn.as_str()),
            (None, _) => (IamAction::GetUserPolicy, found.arn.as_str()),
        })
        .collect();
    reads.sort_unstable();
    reads.dedup();
    for (action, arn) in reads {
        op.authorize(action, arn).await?;
    }
    let Some(catalogue) = cx.state().catalogue else {
        return Ok(None);
    };
    let effective =
        Effective::load_for_user(op.reader(), &cx.state().policy_cache, &found.user_id).await?;
    let identity = effective.identity_policies();
    Ok(Some(summarise(
        &identity,
        effective.boundary_policy(),
        catalogue,
    )))
}

struct UserSources {
    user_id: String,
    arn: String,
    sources: Vec<UserPolicy>,
}

async fn authorised_sources(op: &mut Op<'_>, user: &UserName) -> Result<UserSources, AppError> {
    let holder = HolderName::User(user);
    let (found, arn) = holder.find(op).await?;
    let context = found
        .as_ref()
        .map_or_else(Context::new, |f| f.context.clone());
    for action in [
        IamAction::ListAttachedUserPolicies,
        IamAction::ListUserPolicies,
        IamAction::ListGroupsForUser,
    ] {
        op.authorize_with(action, &arn, context.clone()).await?;
    }
    let found = found.ok_or_else(|| holder.not_found())?;
    let account = op.cx().account().clone();
    let sources =
        store::policies::sources_for_user(op.reader(), &account, found.id.as_str()).await?;
    let mut groups: Vec<&str> = sources
        .iter()
        .filter_map(|s| match &s.source {
            PolicySource::Group { arn, .. } => Some(arn.as_str()),
            _ => None,
        })
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        op.authorize(IamAction::ListAttachedGroupPolicies, group)
            .await?;
        op.authorize(IamAction::ListGroupPolicies, group).await?;
    }
    Ok(UserSources {
        user_id: found.id.as_str().to_owned(),
        arn,
        sources,
    })
}

/// Detaches every managed policy from a user or group and deletes every inline one, each
/// by its own authorised and audited action (the console's "delete everything" before
/// DeleteUser or DeleteGroup). A refused step stops there; what went before stays done.
pub async fn remove_all_policies(cx: &Ctx, holder: HolderName<'_>) -> Result<(), AppError> {
    for attached in list_attached_policies(cx, holder, None, None, Some(1000))
        .await?
        .items
    {
        detach_policy(cx, holder, &attached.arn).await?;
    }
    for inline in list_inline_policies(cx, holder, None, Some(1000))
        .await?
        .items
    {
        delete_inline_policy(cx, holder, &inline).await?;
    }
    Ok(())
}

fn inline_size_limit(holder: HolderName<'_>) -> AppError {
    match holder {
        HolderName::User(n) => AppError::limit_exceeded(format!(
            "Maximum policy size of 2048 bytes exceeded for user {n}"
        )),
        HolderName::Group(n) => AppError::limit_exceeded(format!(
            "Maximum policy size of 5120 bytes exceeded for group {n}"
        )),
        HolderName::Role(n) => AppError::limit_exceeded(format!(
            "Maximum policy size of 10240 bytes exceeded for role {n}"
        )),
    }
}

fn no_such_inline(holder: HolderName<'_>, name: &PolicyName) -> AppError {
    let kind = match holder {
        HolderName::User(_) => "user",
        HolderName::Group(_) => "group",
        HolderName::Role(_) => "role",
    };
    AppError::not_found(format!(
        "The {kind} policy with name {name} cannot be found."
    ))
}

/// Put{User,Group}Policy: adds or replaces an inline policy. The holder's inline
/// policies together stay within AWS's size (2,048 characters for a user, 5,120 for a
/// group, not counting whitespace); the database holds the sum.
pub async fn put_inline_policy(
    cx: &Ctx,
    holder: HolderName<'_>,
    name: &PolicyName,
    document: IdentityPolicy,
) -> Result<(), AppError> {
    let action = holder.action(
        IamAction::PutUserPolicy,
        IamAction::PutGroupPolicy,
        IamAction::PutRolePolicy,
    );
    let kind = match holder {
        HolderName::User(_) => PolicyKind::InlineUser,
        HolderName::Group(_) => PolicyKind::InlineGroup,
        HolderName::Role(_) => PolicyKind::InlineRole,
    };
    if document.size() > kind.limit() {
        return Err(inline_size_limit(holder));
    }
    let mut op = cx.begin().await?;
    let (found, permit) = holder.authorize(&mut op, action, Context::new()).await?;
    let mut w = op.writer(&permit);
    store::policies::lock_holder(&mut w, holder.kind(), &found.id).await?;
    store::policies::put_inline(
        &mut w,
        holder.kind(),
        cx.account(),
        &found.id,
        name,
        document.text(),
        document.chars(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some(
            "iam_users_inline_size_limit"
            | "iam_groups_inline_size_limit"
            | "iam_roles_inline_size_limit",
        ) => inline_size_limit(holder),
        _ => e.into(),
    })?;
    let params = with_param(holder.param(), "PolicyName", json!(name));
    op.audit(
        &permit,
        with_param(params, "PolicyDocument", json!(document.text())),
    );
    op.commit().await
}

/// An inline policy as Get{User,Group}Policy returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub holder_name: String,
    pub policy_name: PolicyName,
    pub document: String,
}

pub async fn get_inline_policy(
    cx: &Ctx,
    holder: HolderName<'_>,
    name: &PolicyName,
) -> Result<InlinePolicy, AppError> {
    let action = holder.action(
        IamAction::GetUserPolicy,
        IamAction::GetGroupPolicy,
        IamAction::GetRolePolicy,
    );
    let mut op = cx.begin().await?;
    let (found, _) = holder.authorize(&mut op, action, Context::new()).await?;
    let (policy_name, document) =
        store::policies::inline(op.reader(), holder.kind(), found.id.as_str(), name)
            .await?
            .ok_or_else(|| no_such_inline(holder, name))?;
    Ok(InlinePolicy {
        holder_name: found.name,
        policy_name,
        document,
    })
}

pub async fn delete_inline_policy(
    cx: &Ctx,
    holder: HolderName<'_>,
    name: &PolicyName,
) -> Result<(), AppError> {
    let action = holder.action(
        IamAction::DeleteUserPolicy,
        IamAction::DeleteGroupPolicy,
        IamAction::DeleteRolePolicy,
    );
    let mut op = cx.begin().await?;
    let (found, permit) = holder.authorize(&mut op, action, Context::new()).await?;
    let mut w = op.writer(&permit);
    store::policies::lock_holder(&mut w, holder.kind(), &found.id).await?;
    if !store::policies::delete_inline(&mut w, holder.kind(), &found.id, name).await? {
        return Err(no_such_inline(holder, name));
    }
    op.audit(
        &permit,
        with_param(holder.param(), "PolicyName", json!(name)),
    );
    op.commit().await
}

/// List{User,Group}Policies: the inline policies' names.
pub async fn list_inline_policies(
    cx: &Ctx,
    holder: HolderName<'_>,
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<Page<PolicyName>, AppError> {
    let action = holder.action(
        IamAction::ListUserPolicies,
        IamAction::ListGroupPolicies,
        IamAction::ListRolePolicies,
    );
    let limit = max_items(max)?;
    let mut op = cx.begin().await?;
    let (found, _) = holder.authorize(&mut op, action, Context::new()).await?;
    let names = store::policies::inline_names(
        op.reader(),
        holder.kind(),
        found.id.as_str(),
        marker,
        limit + 1,
    )
    .await?;
    Ok(paginate(names, limit, |n| n.to_string()))
}

/// PutUserPermissionsBoundary: a managed policy (the account's or AWS's) caps what the
/// user's identity policies can allow.
pub async fn put_user_permissions_boundary(
    cx: &Ctx,
    user: &UserName,
    policy_arn: &str,
) -> Result<(), AppError> {
    put_permissions_boundary(cx, HolderName::User(user), policy_arn).await
}

/// DeleteUserPermissionsBoundary: succeeds (changing nothing) when there is none.
pub async fn delete_user_permissions_boundary(cx: &Ctx, user: &UserName) -> Result<(), AppError> {
    delete_permissions_boundary(cx, HolderName::User(user)).await
}

/// Put{User,Role}PermissionsBoundary. A group has no boundary.
pub async fn put_permissions_boundary(
    cx: &Ctx,
    holder: HolderName<'_>,
    policy_arn: &str,
) -> Result<(), AppError> {
    let policy_arn = policy_arn.trim();
    let action = boundary_action(
        holder,
        IamAction::PutUserPermissionsBoundary,
        IamAction::PutRolePermissionsBoundary,
    )?;
    let mut op = cx.begin().await?;
    let (found, permit) = holder
        .authorize(
            &mut op,
            action,
            Context::new().with("iam:PermissionsBoundary", policy_arn),
        )
        .await?;
    let policy = target(&mut op, policy_arn)
        .await?
        .ok_or_else(|| not_attachable(policy_arn))?;
    let mut w = op.writer(&permit);
    store::policies::lock_holder(&mut w, holder.kind(), &found.id).await?;
    store::policies::set_boundary(&mut w, holder.kind(), &found.id, Some(&policy.id))
        .await
        .map_err(|e| match e.constraint() {
            Some(c) if c.ends_with("boundary_fkey") || c.ends_with("boundary_policy_id_fkey") => {
                not_attachable(policy_arn)
            }
            _ => e.into(),
        })?;
    op.audit(
        &permit,
        with_param(holder.param(), "PermissionsBoundary", json!(policy.arn)),
    );
    op.commit().await
}

/// Delete{User,Role}PermissionsBoundary: succeeds (changing nothing) when there is none.
pub async fn delete_permissions_boundary(cx: &Ctx, holder: HolderName<'_>) -> Result<(), AppError> {
    let action = boundary_action(
        holder,
        IamAction::DeleteUserPermissionsBoundary,
        IamAction::DeleteRolePermissionsBoundary,
    )?;
    let mut op = cx.begin().await?;
    let (found, permit) = holder.authorize(&mut op, action, Context::new()).await?;
    let mut w = op.writer(&permit);
    store::policies::lock_holder(&mut w, holder.kind(), &found.id).await?;
    let changed = store::policies::set_boundary(&mut w, holder.kind(), &found.id, None).await?;
    op.audit(
        &permit,
        with_param(holder.param(), "Changed", json!(changed)),
    );
    op.commit().await
}

fn boundary_action(
    holder: HolderName<'_>,
    user: IamAction,
    role: IamAction,
) -> Result<IamAction, AppError> {
    match holder {
        HolderName::User(_) => Ok(user),
        HolderName::Role(_) => Ok(role),
        HolderName::Group(_) => Err(AppError::validation(
            "permissions_boundary",
            "A group cannot have a permissions boundary.",
        )),
    }
}

/// ListEntitiesForPolicy's EntityFilter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EntityFilter {
    #[default]
    All,
    User,
    Group,
    Role,
}

/// ListEntitiesForPolicy's PolicyUsageFilter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PolicyUsage {
    #[default]
    PermissionsPolicy,
    PermissionsBoundary,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PolicyEntities {
    pub users: Vec<PolicyEntity>,
    pub groups: Vec<PolicyEntity>,
    pub roles: Vec<PolicyEntity>,
}

pub async fn list_entities_for_policy(
    cx: &Ctx,
    policy_arn: &str,
    filter: EntityFilter,
    usage: PolicyUsage,
    path_prefix: Option<&str>,
) -> Result<PolicyEntities, AppError> {
    let prefix = IamPath::parse_prefix(path_prefix.unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let mut op = cx.begin().await?;
    let (policy, _) = authorized_policy(
        &mut op,
        IamAction::ListEntitiesForPolicy,
        policy_arn,
        Context::new(),
    )
    .await?;
    let boundary = usage == PolicyUsage::PermissionsBoundary;
    let mut entities = PolicyEntities::default();
    let account = cx.account().clone();
    for (wanted, holder) in [
        (EntityFilter::User, Holder::User),
        (EntityFilter::Group, Holder::Group),
        (EntityFilter::Role, Holder::Role),
    ] {
        if filter != EntityFilter::All && filter != wanted {
            continue;
        }
        let found = store::policies::entities(
            op.reader(),
            &account,
            policy.id.as_str(),
            holder,
            boundary,
            &prefix,
        )
        .await?;
        match holder {
            Holder::User => entities.users = found,
            Holder::Group => entities.groups = found,
            Holder::Role => entities.roles = found,
        }
    }
    Ok(entities)
}
