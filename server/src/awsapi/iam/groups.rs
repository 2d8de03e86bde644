//! Groups, memberships, and the groups' managed and inline policies.

use super::{inline_document, policy_name, user_name, user_xml};
use crate::awsapi::Outcome;
use crate::awsapi::params::Params;
use crate::awsapi::xml::Xml;
use app::authz::Ctx;
use app::directory::groups::{self, ListGroups, parse_group_name};
use app::directory::policies::{self, HolderName, IdentityPolicy};
use app::model::{Group, GroupName, IamPath};

fn group_name(p: &Params) -> Result<GroupName, crate::awsapi::Failure> {
    Ok(parse_group_name("group_name", p.required("GroupName")?)?)
}

/// AWS's Group structure.
pub fn group_xml(group: &Group) -> Xml {
    Xml::new()
        .text("Path", group.path.as_str())
        .text("GroupName", group.name.as_str())
        .text("GroupId", group.id.as_str())
        .text("Arn", &group.arn)
        .time("CreateDate", group.created_at)
}

pub async fn create_group(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    let path = super::path(p, "Path", "path")?.unwrap_or_else(IamPath::root);
    let group = groups::create_group(cx, name, path).await?;
    Ok(Some(Xml::new().nest("Group", group_xml(&group))))
}

pub async fn get_group(cx: &Ctx, p: &Params) -> Outcome {
    let detail =
        groups::get_group(cx, &group_name(p)?, p.get("Marker"), p.integer("MaxItems")?).await?;
    Ok(Some(
        Xml::new()
            .nest("Group", group_xml(&detail.group))
            .list("Users", &detail.users.items, |u| user_xml(u, false))
            .page(detail.users.marker.as_deref()),
    ))
}

pub async fn list_groups(cx: &Ctx, p: &Params) -> Outcome {
    let page = groups::list_groups(
        cx,
        ListGroups {
            path_prefix: p.get("PathPrefix").map(str::to_owned),
            marker: p.get("Marker").map(str::to_owned),
            max_items: p.integer("MaxItems")?,
            ..Default::default()
        },
    )
    .await?;
    Ok(Some(
        Xml::new()
            .list("Groups", &page.items, group_xml)
            .page(page.marker.as_deref()),
    ))
}

pub async fn update_group(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    let new_name = p
        .get("NewGroupName")
        .map(|n| parse_group_name("new_group_name", n))
        .transpose()?;
    let new_path = super::path(p, "NewPath", "new_path")?;
    groups::update_group(cx, &name, new_name, new_path).await?;
    Ok(None)
}

pub async fn delete_group(cx: &Ctx, p: &Params) -> Outcome {
    groups::delete_group(cx, &group_name(p)?).await?;
    Ok(None)
}

pub async fn add_user_to_group(cx: &Ctx, p: &Params) -> Outcome {
    groups::add_user_to_group(cx, &group_name(p)?, &user_name(p)?).await?;
    Ok(None)
}

pub async fn remove_user_from_group(cx: &Ctx, p: &Params) -> Outcome {
    groups::remove_user_from_group(cx, &group_name(p)?, &user_name(p)?).await?;
    Ok(None)
}

pub async fn list_groups_for_user(cx: &Ctx, p: &Params) -> Outcome {
    let page =
        groups::list_groups_for_user(cx, &user_name(p)?, p.get("Marker"), p.integer("MaxItems")?)
            .await?;
    Ok(Some(
        Xml::new()
            .list("Groups", &page.items, group_xml)
            .page(page.marker.as_deref()),
    ))
}

pub async fn attach_group_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    policies::attach_policy(cx, HolderName::Group(&name), p.required("PolicyArn")?).await?;
    Ok(None)
}

pub async fn detach_group_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    policies::detach_policy(cx, HolderName::Group(&name), p.required("PolicyArn")?).await?;
    Ok(None)
}

pub async fn list_attached_group_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    super::attached(cx, HolderName::Group(&name), p).await
}

pub async fn put_group_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    let policy = policy_name(p)?;
    let document = IdentityPolicy::parse(p.required("PolicyDocument")?)?;
    policies::put_inline_policy(cx, HolderName::Group(&name), &policy, document).await?;
    Ok(None)
}

pub async fn get_group_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    let found = policies::get_inline_policy(cx, HolderName::Group(&name), &policy_name(p)?).await?;
    Ok(Some(
        Xml::new()
            .text("GroupName", &found.holder_name)
            .text("PolicyName", found.policy_name.as_str())
            .text("PolicyDocument", &inline_document(&found.document)),
    ))
}

pub async fn delete_group_policy(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    policies::delete_inline_policy(cx, HolderName::Group(&name), &policy_name(p)?).await?;
    Ok(None)
}

pub async fn list_group_policies(cx: &Ctx, p: &Params) -> Outcome {
    let name = group_name(p)?;
    super::inline_names(cx, HolderName::Group(&name), p).await
}
