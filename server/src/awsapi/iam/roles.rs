//! Roles, their trust policies, and their managed and inline policies, boundary and
//! tags.

use super::{boundary_xml, inline_document, policy_name, tag_pairs, tags};
use crate::awsapi::params::Params;
use crate::awsapi::xml::Xml;
use crate::awsapi::{Failure, Outcome};
use app::authz::Ctx;
use app::directory::policies::{self, HolderName, IdentityPolicy};
use app::directory::roles::{
    self, NewRole, RoleInput, TrustPolicy, parse_max_session, parse_role_name,
};
use app::error::AppError;
use app::model::{Role, RoleName, parse_tags};

fn role_name(p: &Params) -> Result<RoleName, Failure> {
    Ok(parse_role_name("role_name", p.required("RoleName")?)?)
}

/// Which of a role's members an answer carries: ListRoles leaves out the boundary,
/// the tags and the last use, as AWS does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Listed,
    Full,
}

/// AWS's Role structure, in its members' order.
fn role_xml(role: &Role, detail: Detail) -> Xml {
    let mut xml = Xml::new()
        .text("Path", role.path.as_str())
        .text("RoleName", role.name.as_str())
        .text("RoleId", role.id.as_str())
        .text("Arn", &role.arn)
        .time("CreateDate", role.created_at)
        .text(
            "AssumeRolePolicyDocument",
            &inline_document(&role.trust_policy),
        );
    if !role.description.is_empty() {
        xml = xml.text("Description", &role.description);
    }
    xml = xml.text("MaxSessionDuration", &role.max_session_duration.to_string());
    if detail == Detail::Listed {
        return xml;
    }
    xml = boundary_xml(xml, role.permissions_boundary.as_deref());
    if !role.tags.is_empty() {
        xml = tags(xml, &role.tags);
    }
    let mut last_used = Xml::new().opt_time("LastUsedDate", role.last_used_at);
    if role.last_used_at.is_some() {
        last_used = last_used.opt("Region", role.last_used_region.as_deref());
    }
    xml.nest("RoleLastUsed", last_used)
}

pub async fn create_role(cx: &Ctx, p: &Params) -> Outcome {
    let tag_list = tag_pairs(p);
    let new = NewRole::parse(RoleInput {
        name: p.required("RoleName")?,
        path: p.get("Path"),
        description: p.get("Description"),
        trust_policy: p.required("AssumeRolePolicyDocument")?,
        max_session_duration: p.integer("MaxSessionDuration")?,
        tags: &tag_list,
        permissions_boundary: p.get("PermissionsBoundary"),
    })?;
    let role = roles::create_role(cx, new).await?;
    Ok(Some(Xml::new().nest("Role", role_xml(&role, Detail::Full))))
}

pub async fn get_role(cx: &Ctx, p: &Params) -> Outcome {
    let role = roles::get_role(cx, &role_name(p)?).await?;
    Ok(Some(Xml::new().nest("Role", role_xml(&role, Detail::Full))))
}

pub async fn list_roles(cx: &Ctx, p: &Params) -> Outcome {
    let page = roles::list_roles(
        cx,
        p.get("PathPrefix"),
        p.get("Marker"),
        p.integer("MaxItems")?,
    )
    .await?;
    Ok(Some(
        Xml::new()
            .list("Roles", &page.items, |r| role_xml(r, Detail::Listed))
            .page(page.marker.as_deref()),
    ))
}

pub async fn update_role(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let max = p
        .integer("MaxSessionDuration")?
        .map(|s| parse_max_session("max_session_duration", s))
        .transpose()?;
    roles::update_role(cx, &name, p.get("Description").map(str::to_owned), max).await?;
    // UpdateRole's answer is an empty result element, which clients look for.
    Ok(Some(Xml::new()))
}

pub async fn update_role_description(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let role = roles::update_role_description(cx, &name, p.required("Description")?).await?;
    Ok(Some(Xml::new().nest("Role", role_xml(&role, Detail::Full))))
}

pub async fn update_assume_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let document = TrustPolicy::parse(p.required("PolicyDocument")?)?;
    roles::update_assume_role_policy(cx, &name, document).await?;
    Ok(None)
}

pub async fn delete_role(cx: &Ctx, p: &Params) -> Outcome {
    roles::delete_role(cx, &role_name(p)?).await?;
    Ok(None)
}

pub async fn tag_role(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let tag_list =
        parse_tags(&tag_pairs(p)).map_err(|(field, m)| AppError::validation(field, m))?;
    roles::tag_role(cx, &name, tag_list).await?;
    Ok(None)
}

pub async fn untag_role(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let keys = p.list("TagKeys").into_iter().map(str::to_owned).collect();
    roles::untag_role(cx, &name, keys).await?;
    Ok(None)
}

pub async fn list_role_tags(cx: &Ctx, p: &Params) -> Outcome {
    let found = roles::list_role_tags(cx, &role_name(p)?).await?;
    Ok(Some(tags(Xml::new(), &found).page(None)))
}

pub async fn attach_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    policies::attach_policy(cx, HolderName::Role(&name), p.required("PolicyArn")?).await?;
    Ok(None)
}

pub async fn detach_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    policies::detach_policy(cx, HolderName::Role(&name), p.required("PolicyArn")?).await?;
    Ok(None)
}

pub async fn list_attached_role_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    super::attached(cx, HolderName::Role(&name), p).await
}

pub async fn put_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let policy = policy_name(p)?;
    let document = IdentityPolicy::parse(p.required("PolicyDocument")?)?;
    policies::put_inline_policy(cx, HolderName::Role(&name), &policy, document).await?;
    Ok(None)
}

pub async fn get_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    let found = policies::get_inline_policy(cx, HolderName::Role(&name), &policy_name(p)?).await?;
    Ok(Some(
        Xml::new()
            .text("RoleName", &found.holder_name)
            .text("PolicyName", found.policy_name.as_str())
            .text("PolicyDocument", &inline_document(&found.document)),
    ))
}

pub async fn delete_role_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    policies::delete_inline_policy(cx, HolderName::Role(&name), &policy_name(p)?).await?;
    Ok(None)
}

pub async fn list_role_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    super::inline_names(cx, HolderName::Role(&name), p).await
}

pub async fn put_role_permissions_boundary(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    policies::put_permissions_boundary(
        cx,
        HolderName::Role(&name),
        p.required("PermissionsBoundary")?,
    )
    .await?;
    Ok(None)
}

pub async fn delete_role_permissions_boundary(cx: &Ctx, p: &Params) -> Outcome {
    let name = role_name(p)?;
    policies::delete_permissions_boundary(cx, HolderName::Role(&name)).await?;
    Ok(None)
}
