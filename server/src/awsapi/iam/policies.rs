//! Managed policies and their versions, tags and entities; users' inline policies and
//! permissions boundaries.

use super::{attached_xml, boundary_xml, inline_document, policy_name, tag_pairs, tags, user_name};
use crate::awsapi::Outcome;
use crate::awsapi::params::Params;
use crate::awsapi::xml::Xml;
use app::authz::Ctx;
use app::directory::policies::{
    self, EntityFilter, HolderName, IdentityPolicy, ListPolicies, NewPolicy, PolicyUsage, Scope,
    parse_version_id,
};
use app::error::AppError;
use app::model::{Policy, PolicyVersion, parse_tags};

/// AWS's Policy structure; `full` adds what GetPolicy and CreatePolicy show and
/// ListPolicies leaves out (description, tags).
fn policy_xml(policy: &Policy, full: bool) -> Xml {
    let xml = policy_fields(policy, full);
    if full && !policy.tags.is_empty() {
        return tags(xml, &policy.tags);
    }
    xml
}

/// The members Policy and ManagedPolicyDetail share, with the description or not.
fn policy_fields(policy: &Policy, with_description: bool) -> Xml {
    let mut xml = Xml::new()
        .text("PolicyName", policy.name.as_str())
        .text("PolicyId", policy.id.as_str())
        .text("Arn", &policy.arn)
        .text("Path", policy.path.as_str())
        .text("DefaultVersionId", &policy.default_version_id())
        .number("AttachmentCount", i64::from(policy.attachment_count))
        .number(
            "PermissionsBoundaryUsageCount",
            i64::from(policy.boundary_count),
        )
        .bool("IsAttachable", true);
    if with_description && !policy.description.is_empty() {
        xml = xml.text("Description", &policy.description);
    }
    xml.time("CreateDate", policy.created_at)
        .time("UpdateDate", policy.updated_at)
}

/// AWS's PolicyVersion structure; the document URL-encoded, as AWS sends it.
fn version_xml(version: &PolicyVersion, with_document: bool) -> Xml {
    let mut xml = Xml::new();
    if with_document {
        xml = xml.text("Document", &inline_document(&version.document));
    }
    xml.text("VersionId", &format!("v{}", version.version))
        .bool("IsDefaultVersion", version.is_default)
        .time("CreateDate", version.created_at)
}

fn arn(p: &Params) -> Result<&str, crate::awsapi::Failure> {
    Ok(p.required("PolicyArn")?)
}

fn version(p: &Params) -> Result<i32, crate::awsapi::Failure> {
    Ok(parse_version_id(p.required("VersionId")?)?)
}

pub async fn create_policy(cx: &Ctx, p: &Params) -> Outcome {
    let new = NewPolicy::parse(
        p.required("PolicyName")?,
        p.get("Path").unwrap_or("/"),
        p.get("Description").unwrap_or(""),
        p.required("PolicyDocument")?,
        &tag_pairs(p),
    )?;
    let policy = policies::create_policy(cx, new).await?;
    Ok(Some(Xml::new().nest("Policy", policy_xml(&policy, true))))
}

pub async fn get_policy(cx: &Ctx, p: &Params) -> Outcome {
    let policy = policies::get_policy(cx, arn(p)?).await?;
    Ok(Some(Xml::new().nest("Policy", policy_xml(&policy, true))))
}

pub async fn list_policies(cx: &Ctx, p: &Params) -> Outcome {
    let scope = match p.get("Scope") {
        None | Some("All") => Scope::All,
        Some("AWS") => Scope::Aws,
        Some("Local") => Scope::Local,
        Some(other) => {
            return Err(AppError::validation(
                "scope",
                format!("'{other}' must be one of All, AWS, Local"),
            )
            .into());
        }
    };
    let page = policies::list_policies(
        cx,
        ListPolicies {
            scope,
            only_attached: p.boolean("OnlyAttached")?.unwrap_or(false),
            path_prefix: p.get("PathPrefix").map(str::to_owned),
            search: None,
            marker: p.get("Marker").map(str::to_owned),
            max_items: p.integer("MaxItems")?,
        },
    )
    .await?;
    Ok(Some(
        Xml::new()
            .list("Policies", &page.items, |policy| policy_xml(policy, false))
            .page(page.marker.as_deref()),
    ))
}

pub async fn delete_policy(cx: &Ctx, p: &Params) -> Outcome {
    policies::delete_policy(cx, arn(p)?).await?;
    Ok(None)
}

pub async fn create_policy_version(cx: &Ctx, p: &Params) -> Outcome {
    let document = IdentityPolicy::parse(p.required("PolicyDocument")?)?;
    let set_default = p.boolean("SetAsDefault")?.unwrap_or(false);
    let version = policies::create_policy_version(cx, arn(p)?, document, set_default).await?;
    Ok(Some(
        Xml::new().nest("PolicyVersion", version_xml(&version, false)),
    ))
}

pub async fn get_policy_version(cx: &Ctx, p: &Params) -> Outcome {
    let version = policies::get_policy_version(cx, arn(p)?, version(p)?).await?;
    Ok(Some(
        Xml::new().nest("PolicyVersion", version_xml(&version, true)),
    ))
}

pub async fn list_policy_versions(cx: &Ctx, p: &Params) -> Outcome {
    let versions = policies::list_policy_versions(cx, arn(p)?).await?;
    // At most five versions: one page always.
    Ok(Some(
        Xml::new()
            .list("Versions", &versions, |v| version_xml(v, false))
            .page(None),
    ))
}

pub async fn delete_policy_version(cx: &Ctx, p: &Params) -> Outcome {
    policies::delete_policy_version(cx, arn(p)?, version(p)?).await?;
    Ok(None)
}

pub async fn set_default_policy_version(cx: &Ctx, p: &Params) -> Outcome {
    policies::set_default_policy_version(cx, arn(p)?, version(p)?).await?;
    Ok(None)
}

pub async fn tag_policy(cx: &Ctx, p: &Params) -> Outcome {
    let parsed = parse_tags(&tag_pairs(p)).map_err(|(field, m)| AppError::validation(field, m))?;
    policies::tag_policy(cx, arn(p)?, parsed).await?;
    Ok(None)
}

pub async fn untag_policy(cx: &Ctx, p: &Params) -> Outcome {
    let keys = p.list("TagKeys").into_iter().map(str::to_owned).collect();
    policies::untag_policy(cx, arn(p)?, keys).await?;
    Ok(None)
}

pub async fn list_policy_tags(cx: &Ctx, p: &Params) -> Outcome {
    let found = policies::list_policy_tags(cx, arn(p)?).await?;
    Ok(Some(tags(Xml::new(), &found).page(None)))
}

pub async fn list_entities_for_policy(cx: &Ctx, p: &Params) -> Outcome {
    let filter = match p.get("EntityFilter") {
        None => EntityFilter::All,
        Some("User") => EntityFilter::User,
        Some("Group") => EntityFilter::Group,
        Some("Role") => EntityFilter::Role,
        Some(other) => {
            return Err(AppError::validation(
                "entity_filter",
                format!("'{other}' must be one of User, Role, Group, LocalManagedPolicy, AWSManagedPolicy"),
            )
            .into());
        }
    };
    let usage = match p.get("PolicyUsageFilter") {
        Some("PermissionsBoundary") => PolicyUsage::PermissionsBoundary,
        _ => PolicyUsage::PermissionsPolicy,
    };
    let found =
        policies::list_entities_for_policy(cx, arn(p)?, filter, usage, p.get("PathPrefix")).await?;
    Ok(Some(
        Xml::new()
            .list("PolicyGroups", &found.groups, |g| {
                Xml::new().text("GroupName", &g.name).text("GroupId", &g.id)
            })
            .list("PolicyUsers", &found.users, |u| {
                Xml::new().text("UserName", &u.name).text("UserId", &u.id)
            })
            .list("PolicyRoles", &found.roles, |r| {
                Xml::new().text("RoleName", &r.name).text("RoleId", &r.id)
            })
            .page(None),
    ))
}

pub async fn put_user_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let policy = policy_name(p)?;
    let document = IdentityPolicy::parse(p.required("PolicyDocument")?)?;
    policies::put_inline_policy(cx, HolderName::User(&name), &policy, document).await?;
    Ok(None)
}

pub async fn get_user_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    let found = policies::get_inline_policy(cx, HolderName::User(&name), &policy_name(p)?).await?;
    Ok(Some(
        Xml::new()
            .text("UserName", &found.holder_name)
            .text("PolicyName", found.policy_name.as_str())
            .text("PolicyDocument", &inline_document(&found.document)),
    ))
}

pub async fn delete_user_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    policies::delete_inline_policy(cx, HolderName::User(&name), &policy_name(p)?).await?;
    Ok(None)
}

pub async fn list_user_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    super::inline_names(cx, HolderName::User(&name), p).await
}

pub async fn put_user_permissions_boundary(cx: &Ctx, p: &Params) -> Outcome {
    let name = user_name(p)?;
    policies::put_user_permissions_boundary(cx, &name, p.required("PermissionsBoundary")?).await?;
    Ok(None)
}

pub async fn delete_user_permissions_boundary(cx: &Ctx, p: &Params) -> Outcome {
    policies::delete_user_permissions_boundary(cx, &user_name(p)?).await?;
    Ok(None)
}

/// GetAccountAuthorizationDetails: users, groups and managed policies with their
/// relations; roles arrive with roles (an empty list until then).
pub async fn get_account_authorization_details(cx: &Ctx, p: &Params) -> Outcome {
    use app::directory::authorization_details::{self as details, EntityKind};
    let filter = p
        .list("Filter")
        .into_iter()
        .map(EntityKind::parse)
        .collect::<Result<Vec<_>, AppError>>()?;
    let found = details::get_account_authorization_details(
        cx,
        &filter,
        p.get("Marker"),
        p.integer("MaxItems")?,
    )
    .await?;
    let inline = |(name, document): &(app::model::PolicyName, String)| {
        Xml::new()
            .text("PolicyName", name.as_str())
            .text("PolicyDocument", &inline_document(document))
    };
    Ok(Some(
        Xml::new()
            .list("UserDetailList", &found.users, |entry| {
                let user = &entry.user;
                let xml = Xml::new()
                    .text("Path", user.path.as_str())
                    .text("UserName", user.name.as_str())
                    .text("UserId", user.id.as_str())
                    .text("Arn", &user.arn)
                    .time("CreateDate", user.created_at)
                    .list("UserPolicyList", &entry.inline_policies, inline)
                    .list("GroupList", &entry.groups, |g| Xml::bare(g.as_str()))
                    .list("AttachedManagedPolicies", &entry.attached, attached_xml);
                tags(
                    boundary_xml(xml, user.permissions_boundary.as_deref()),
                    &user.tags,
                )
            })
            .list("GroupDetailList", &found.groups, |entry| {
                super::groups::group_xml(&entry.group)
                    .list("GroupPolicyList", &entry.inline_policies, inline)
                    .list("AttachedManagedPolicies", &entry.attached, attached_xml)
            })
            .list("RoleDetailList", &found.roles, |entry| {
                let role = &entry.role;
                let xml = Xml::new()
                    .text("Path", role.path.as_str())
                    .text("RoleName", role.name.as_str())
                    .text("RoleId", role.id.as_str())
                    .text("Arn", &role.arn)
                    .time("CreateDate", role.created_at)
                    .text(
                        "AssumeRolePolicyDocument",
                        &inline_document(&role.trust_policy),
                    )
                    .list("InstanceProfileList", std::iter::empty::<()>(), |()| {
                        Xml::new()
                    })
                    .list("RolePolicyList", &entry.inline_policies, inline)
                    .list("AttachedManagedPolicies", &entry.attached, attached_xml);
                let xml = tags(
                    boundary_xml(xml, role.permissions_boundary.as_deref()),
                    &role.tags,
                );
                xml.nest(
                    "RoleLastUsed",
                    Xml::new()
                        .opt_time("LastUsedDate", role.last_used_at)
                        .opt("Region", role.last_used_region.as_deref()),
                )
            })
            .list("Policies", &found.policies, |entry| {
                policy_fields(&entry.policy, true).list("PolicyVersionList", &entry.versions, |v| {
                    version_xml(v, true)
                })
            })
            .page(found.marker.as_deref()),
    ))
}
