//! IAM actions: each reads AWS's parameters, calls the service the console calls, and
//! writes AWS's result members. Users and access keys here; groups and policies in
//! their own files.

mod account;
mod groups;
mod policies;
mod roles;

use super::error::ApiError;
use super::params::Params;
use super::xml::Xml;
use super::{Failure, Outcome};
use app::authz::Ctx;
use app::directory::access_keys::{self, parse_key_id, parse_status};
use app::directory::policies::HolderName;
use app::directory::users::{self, ListUsers, NewUser, parse_user_name};
use app::error::AppError;
use app::model::{AccessKey, IamPath, PolicyName, Tag, User, UserName, parse_tags};

pub async fn dispatch(cx: &Ctx, action: &str, p: &Params) -> Outcome {
    match action {
        "CreateUser" => create_user(cx, p).await,
        "GetUser" => get_user(cx, p).await,
        "ListUsers" => list_users(cx, p).await,
        "UpdateUser" => update_user(cx, p).await,
        "DeleteUser" => delete_user(cx, p).await,
        "TagUser" => tag_user(cx, p).await,
        "UntagUser" => untag_user(cx, p).await,
        "ListUserTags" => list_user_tags(cx, p).await,
        "AttachUserPolicy" => attach_user_policy(cx, p).await,
        "DetachUserPolicy" => detach_user_policy(cx, p).await,
        "ListAttachedUserPolicies" => list_attached_user_policies(cx, p).await,
        "PutUserPolicy" => policies::put_user_policy(cx, p).await,
        "GetUserPolicy" => policies::get_user_policy(cx, p).await,
        "DeleteUserPolicy" => policies::delete_user_policy(cx, p).await,
        "ListUserPolicies" => policies::list_user_policies(cx, p).await,
        "PutUserPermissionsBoundary" => policies::put_user_permissions_boundary(cx, p).await,
        "DeleteUserPermissionsBoundary" => policies::delete_user_permissions_boundary(cx, p).await,
        "CreateLoginProfile" => account::create_login_profile(cx, p).await,
        "GetLoginProfile" => account::get_login_profile(cx, p).await,
        "UpdateLoginProfile" => account::update_login_profile(cx, p).await,
        "DeleteLoginProfile" => account::delete_login_profile(cx, p).await,
        "ChangePassword" => account::change_password(cx, p).await,
        "GetAccountPasswordPolicy" => account::get_account_password_policy(cx).await,
        "UpdateAccountPasswordPolicy" => account::update_account_password_policy(cx, p).await,
        "DeleteAccountPasswordPolicy" => account::delete_account_password_policy(cx).await,
        "CreateAccountAlias" => account::create_account_alias(cx, p).await,
        "DeleteAccountAlias" => account::delete_account_alias(cx, p).await,
        "ListAccountAliases" => account::list_account_aliases(cx).await,
        "GetAccountSummary" => account::get_account_summary(cx).await,
        "GetAccountAuthorizationDetails" => {
            policies::get_account_authorization_details(cx, p).await
        }
        "CreateVirtualMFADevice" => account::create_virtual_mfa_device(cx, p).await,
        "EnableMFADevice" => account::enable_mfa_device(cx, p).await,
        "ResyncMFADevice" => account::resync_mfa_device(cx, p).await,
        "DeactivateMFADevice" => account::deactivate_mfa_device(cx, p).await,
        "DeleteVirtualMFADevice" => account::delete_virtual_mfa_device(cx, p).await,
        "ListMFADevices" => account::list_mfa_devices(cx, p).await,
        "ListVirtualMFADevices" => account::list_virtual_mfa_devices(cx, p).await,
        "CreateGroup" => groups::create_group(cx, p).await,
        "GetGroup" => groups::get_group(cx, p).await,
        "ListGroups" => groups::list_groups(cx, p).await,
        "UpdateGroup" => groups::update_group(cx, p).await,
        "DeleteGroup" => groups::delete_group(cx, p).await,
        "AddUserToGroup" => groups::add_user_to_group(cx, p).await,
        "RemoveUserFromGroup" => groups::remove_user_from_group(cx, p).await,
        "ListGroupsForUser" => groups::list_groups_for_user(cx, p).await,
        "AttachGroupPolicy" => groups::attach_group_policy(cx, p).await,
        "DetachGroupPolicy" => groups::detach_group_policy(cx, p).await,
        "ListAttachedGroupPolicies" => groups::list_attached_group_policies(cx, p).await,
        "PutGroupPolicy" => groups::put_group_policy(cx, p).await,
        "GetGroupPolicy" => groups::get_group_policy(cx, p).await,
        "DeleteGroupPolicy" => groups::delete_group_policy(cx, p).await,
        "ListGroupPolicies" => groups::list_group_policies(cx, p).await,
        "CreatePolicy" => policies::create_policy(cx, p).await,
        "GetPolicy" => policies::get_policy(cx, p).await,
        "ListPolicies" => policies::list_policies(cx, p).await,
        "DeletePolicy" => policies::delete_policy(cx, p).await,
        "CreatePolicyVersion" => policies::create_policy_version(cx, p).await,
        "GetPolicyVersion" => policies::get_policy_version(cx, p).await,
        "ListPolicyVersions" => policies::list_policy_versions(cx, p).await,
        "DeletePolicyVersion" => policies::delete_policy_version(cx, p).await,
        "SetDefaultPolicyVersion" => policies::set_default_policy_version(cx, p).await,
        "TagPolicy" => policies::tag_policy(cx, p).await,
        "UntagPolicy" => policies::untag_policy(cx, p).await,
        "ListPolicyTags" => policies::list_policy_tags(cx, p).await,
        "ListEntitiesForPolicy" => policies::list_entities_for_policy(cx, p).await,
        "CreateRole" => roles::create_role(cx, p).await,
        "GetRole" => roles::get_role(cx, p).await,
        "ListRoles" => roles::list_roles(cx, p).await,
        "UpdateRole" => roles::update_role(cx, p).await,
        "UpdateRoleDescription" => roles::update_role_description(cx, p).await,
        "UpdateAssumeRolePolicy" => roles::update_assume_role_policy(cx, p).await,
        "DeleteRole" => roles::delete_role(cx, p).await,
        "TagRole" => roles::tag_role(cx, p).await,
        "UntagRole" => roles::untag_role(cx, p).await,
        "ListRoleTags" => roles::list_role_tags(cx, p).await,
        "AttachRolePolicy" => roles::attach_role_policy(cx, p).await,
        "DetachRolePolicy" => roles::detach_role_policy(cx, p).await,
        "ListAttachedRolePolicies" => roles::list_attached_role_policies(cx, p).await,
        "PutRolePolicy" => roles::put_role_policy(cx, p).await,
        "GetRolePolicy" => roles::get_role_policy(cx, p).await,
        "DeleteRolePolicy" => roles::delete_role_policy(cx, p).await,
        "ListRolePolicies" => roles::list_role_policies(cx, p).await,
        "PutRolePermissionsBoundary" => roles::put_role_permissions_boundary(cx, p).await,
        "DeleteRolePermissionsBoundary" => roles::delete_role_permissions_boundary(cx, p).await,
        "CreateAccessKey" => create_access_key(cx, p).await,
        "ListAccessKeys" => list_access_keys(cx, p).await,
        "UpdateAccessKey" => update_access_key(cx, p).await,
        "DeleteAccessKey" => delete_access_key(cx, p).await,
        "GetAccessKeyLastUsed" => get_access_key_last_used(cx, p).await,
        other => Err(Failure::Api(ApiError::invalid_action(
            other,
            p.get("Version"),
        ))),
    }
}

/// A policy document as AWS sends it in answers: URL-encoded (RFC 3986).
fn inline_document(document: &str) -> String {
    super::sigv4::uri_encode(document, false)
}

fn policy_name(p: &Params) -> Result<PolicyName, Failure> {
    Ok(PolicyName::parse(p.required("PolicyName")?)
        .map_err(|m| AppError::validation("policy_name", m))?)
}

/// List{User,Group}Policies: the inline policies' names.
async fn inline_names(cx: &Ctx, holder: HolderName<'_>, p: &Params) -> Outcome {
    let page = app::directory::policies::list_inline_policies(
        cx,
        holder,
        p.get("Marker"),
        p.integer("MaxItems")?,
    )
    .await?;
    Ok(Some(
        Xml::new()
            .list("PolicyNames", &page.items, |n| Xml::bare(n.as_str()))
            .page(page.marker.as_deref()),
    ))
}

/// ListAttached{User,Group}Policies.
async fn attached(cx: &Ctx, holder: HolderName<'_>, p: &Params) -> Outcome {
    let page = app::directory::policies::list_attached_policies(
        cx,
        holder,
        p.get("PathPrefix"),
        p.get("Marker"),
        p.integer("MaxItems")?,
    )
    .await?;
    Ok(Some(
        Xml::new()
            .list("AttachedPolicies", &page.items, attached_xml)
            .page(page.marker.as_deref()),
    ))
}

/// An optional path parameter (`Path`, `NewPath`), parsed; its error names `field`.
fn path(p: &Params, name: &str, field: &str) -> Result<Option<IamPath>, AppError> {
    p.get(name)
        .map(|text| IamPath::parse(text).map_err(|m| AppError::validation(field, m)))
        .transpose()
}

fn user_name(p: &Params) -> Result<UserName, Failure> {
    Ok(parse_user_name("user_name", p.required("UserName")?)?)
}

fn optional_user_name(p: &Params) -> Result<Option<UserName>, Failure> {
    Ok(p.get("UserName")
        .map(|n| parse_user_name("user_name", n))
        .transpose()?)
}

pub(super) fn tags(xml: Xml, tags: &[Tag]) -> Xml {
    xml.list("Tags", tags, |t| {
        Xml::new().text("Key", &t.key).text("Value", &t.value)
    })
}

/// AWS's AttachedPolicy structure.
pub(super) fn attached_xml(policy: &app::model::AttachedPolicy) -> Xml {
    Xml::new()
        .text("PolicyName", policy.name.as_str())
        .text("PolicyArn", &policy.arn)
}

/// AWS's AttachedPermissionsBoundary member, when the user has one.
pub(super) fn boundary_xml(xml: Xml, boundary: Option<&str>) -> Xml {
    match boundary {
        None => xml,
        Some(arn) => xml.nest(
            "PermissionsBoundary",
            Xml::new()
                .text("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .text("PermissionsBoundaryArn", arn),
        ),
    }
}

/// AWS's User structure.
pub(crate) fn user_xml(user: &User, with_tags: bool) -> Xml {
    let xml = Xml::new()
        .text("Path", user.path.as_str())
        .text("UserName", user.name.as_str())
        .text("UserId", user.id.as_str())
        .text("Arn", &user.arn)
        .time("CreateDate", user.created_at)
        .opt_time("PasswordLastUsed", user.password_last_used);
    let mut xml = boundary_xml(xml, user.permissions_boundary.as_deref());
    if with_tags && !user.tags.is_empty() {
        xml = tags(xml, &user.tags);
    }
    xml
}

pub(super) fn tag_pairs(p: &Params) -> Vec<(String, String)> {
    p.key_values("Tags")
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

async fn create_user(cx: &Ctx, p: &Params) -> Outcome {
    let tags = tag_pairs(p);
    let mut new = NewUser::parse(p.required("UserName")?, p.get("Path").unwrap_or("/"), &tags)?;
    new.permissions_boundary = p.get("PermissionsBoundary").map(|b| b.trim().to_owned());
    let user = users::create_user(cx, new).await?;
    Ok(Some(Xml::new().nest("User", user_xml(&user, true))))
}

async fn get_user(cx: &Ctx, p: &Params) -> Outcome {
    let name = optional_user_name(p)?;
    if name.is_none() && cx.caller().is_root() {
        // The root user, as AWS describes it: no name or path.
        let account = &cx.caller().account;
        return Ok(Some(
            Xml::new().nest(
                "User",
                Xml::new()
                    .text("UserId", account.id.as_str())
                    .text("Arn", &account.root_arn())
                    .time("CreateDate", account.created_at),
            ),
        ));
    }
    let user = users::get_user(cx, name.as_ref()).await?;
    Ok(Some(Xml::new().nest("User", user_xml(&user, true))))
}

async fn list_users(cx: &Ctx, p: &Params) -> Outcome {
    let page = users::list_users(
        cx,
        ListUsers {
            path_prefix: p.get("PathPrefix").map(str::to_owned),
            marker: p.get("Marker").map(str::to_owned),
            max_items: p.integer("MaxItems")?,
            ..Default::default()
        },
    )
    .await?;
    // ListUsers does not return tags (AWS: "use ListUserTags").
    Ok(Some(
        Xml::new()
            .list("Users", &page.items, |u| user_xml(u, false))
            .page(page.marker.as_deref()),
    ))
}

async fn update_user(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let new_name = p
        .get("NewUserName")
        .map(|n| parse_user_name("new_user_name", n))
        .transpose()?;
    let new_path = path(p, "NewPath", "new_path")?;
    users::update_user(cx, &name, new_name, new_path).await?;
    Ok(None)
}

async fn delete_user(cx: &Ctx, p: &Params) -> Outcome {
    users::delete_user(cx, &user_name(p)?).await?;
    Ok(None)
}

async fn tag_user(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let tags = parse_tags(&tag_pairs(p)).map_err(|(field, m)| AppError::validation(field, m))?;
    users::tag_user(cx, &name, tags).await?;
    Ok(None)
}

async fn untag_user(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let keys = p.list("TagKeys").into_iter().map(str::to_owned).collect();
    users::untag_user(cx, &name, keys).await?;
    Ok(None)
}

async fn list_user_tags(cx: &Ctx, p: &Params) -> Outcome {
    let tags_of = users::list_user_tags(cx, &user_name(p)?).await?;
    // At most 50 tags: one page always.
    Ok(Some(tags(Xml::new(), &tags_of).page(None)))
}

async fn attach_user_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    app::directory::policies::attach_policy(cx, HolderName::User(&name), p.required("PolicyArn")?)
        .await?;
    Ok(None)
}

async fn detach_user_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    app::directory::policies::detach_policy(cx, HolderName::User(&name), p.required("PolicyArn")?)
        .await?;
    Ok(None)
}

async fn list_attached_user_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    attached(cx, HolderName::User(&name), p).await
}

fn key_metadata(key: &AccessKey, owner: &str) -> Xml {
    Xml::new()
        .text(
            "UserName",
            key.user_name.as_ref().map_or(owner, UserName::as_str),
        )
        .text("AccessKeyId", key.id.as_str())
        .text("Status", key.status.as_str())
        .time("CreateDate", key.created_at)
}

/// The name AWS shows for keys without a user: the caller's own (root's keys show the
/// account's id, as AWS does).
fn owner_name(cx: &Ctx, user: Option<&UserName>) -> String {
    match (user, cx.caller().user()) {
        (Some(name), _) => name.to_string(),
        (None, Some(me)) => me.name.to_string(),
        (None, None) => cx.account().to_string(),
    }
}

async fn create_access_key(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let created = access_keys::create_access_key(cx, user.as_ref()).await?;
    let owner = owner_name(cx, user.as_ref());
    let key = &created.key;
    Ok(Some(
        Xml::new().nest(
            "AccessKey",
            Xml::new()
                .text(
                    "UserName",
                    key.user_name
                        .as_ref()
                        .map_or(owner.as_str(), UserName::as_str),
                )
                .text("AccessKeyId", key.id.as_str())
                .text("Status", key.status.as_str())
                .text("SecretAccessKey", &created.secret)
                .time("CreateDate", key.created_at),
        ),
    ))
}

async fn list_access_keys(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let keys = access_keys::list_access_keys(cx, user.as_ref()).await?;
    let owner = owner_name(cx, user.as_ref());
    // At most two keys: one page always.
    Ok(Some(
        Xml::new()
            .list("AccessKeyMetadata", &keys, |k| key_metadata(k, &owner))
            .page(None),
    ))
}

async fn update_access_key(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let id = parse_key_id("access_key_id", p.required("AccessKeyId")?)?;
    let status = parse_status("status", p.required("Status")?)?;
    access_keys::update_access_key(cx, user.as_ref(), &id, status).await?;
    Ok(None)
}

async fn delete_access_key(cx: &Ctx, p: &Params) -> Outcome {
    let user = optional_user_name(p)?;
    let id = parse_key_id("access_key_id", p.required("AccessKeyId")?)?;
    access_keys::delete_access_key(cx, user.as_ref(), &id).await?;
    Ok(None)
}

async fn get_access_key_last_used(cx: &Ctx, p: &Params) -> Outcome {
    let id = parse_key_id("access_key_id", p.required("AccessKeyId")?)?;
    let key = access_keys::get_access_key_last_used(cx, &id).await?;
    let last = match &key.last_used {
        Some(used) => Xml::new()
            .time("LastUsedDate", used.at)
            .text("ServiceName", &used.service)
            .text("Region", &used.region),
        // AWS's answer for a key never used.
        None => Xml::new().text("ServiceName", "N/A").text("Region", "N/A"),
    };
    let owner = owner_name(cx, key.user_name.as_ref());
    Ok(Some(
        Xml::new()
            .text("UserName", &owner)
            .nest("AccessKeyLastUsed", last),
    ))
}
