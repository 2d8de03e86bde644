//! The console's Groups pages.

use crate::error::AppError;
use crate::model::{AttachedPolicy, Group, GroupDetail, Page};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[server(endpoint = "groups/list")]
pub async fn list_groups(
    search: Option<String>,
    marker: Option<String>,
) -> Result<Page<Group>, AppError> {
    use super::request;
    use crate::directory::groups::{self, ListGroups};
    request::serve(|cx| async move {
        groups::list_groups(
            &cx,
            ListGroups {
                search,
                marker: marker.filter(|m| !m.is_empty()),
                max_items: Some(50),
                ..Default::default()
            },
        )
        .await
    })
    .await
}

/// A group as created from the Groups page, with the steps that followed it and were
/// refused (the group stays created, as in AWS's console).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedGroup {
    pub group: Group,
    pub unfinished: Vec<super::users::Unfinished>,
}

/// At most this many managed policies are attached to a group.
pub const MAX_POLICIES_PER_GROUP: usize = 10;

/// Create group, as AWS's console has it: CreateGroup, then AddUserToGroup for each
/// chosen user and AttachGroupPolicy for each chosen policy, each its own authorised and
/// audited action. The names and the number of policies are checked before the group
/// exists, so a refused form changes nothing; a later step that is refused is reported
/// with the group. With nothing refused the page moves to the new group.
#[server(endpoint = "groups/create")]
pub async fn create_group(
    group_name: String,
    path: Option<String>,
    #[server(default)] users: Vec<String>,
    #[server(default)] policy_arns: Vec<String>,
) -> Result<CreatedGroup, AppError> {
    use super::request;
    use super::users::Unfinished;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    use crate::error::Problems;
    use crate::model::{GroupName, IamPath, UserName};
    request::serve(|cx| async move {
        // Every broken rule at once, each beside its field.
        let mut problems = Problems::new();
        let name = problems.check("group_name", GroupName::parse(&group_name));
        let path = problems.check("path", IamPath::parse(path.as_deref().unwrap_or("/")));
        let mut members: Vec<UserName> = Vec::new();
        for user in users.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            let Some(user) = problems.check("users", UserName::parse(user)) else {
                break;
            };
            if !members.iter().any(|m| m.key() == user.key()) {
                members.push(user);
            }
        }
        let mut arns: Vec<&str> = Vec::new();
        for arn in policy_arns.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            if !arns.contains(&arn) {
                arns.push(arn);
            }
        }
        if arns.len() > MAX_POLICIES_PER_GROUP {
            problems.refuse(
                "policy_arns",
                format!(
                    "a group can have at most {MAX_POLICIES_PER_GROUP} managed policies; {} are chosen",
                    arns.len()
                ),
            );
        }
        let (name, path) = problems.finish((|| Some((name?, path?)))())?;
        let group = groups::create_group(&cx, name, path).await?;
        let mut unfinished = Vec::new();
        for user in &members {
            if let Err(error) = groups::add_user_to_group(&cx, &group.name, user).await {
                cx.record_failure(&error).await;
                unfinished.push(Unfinished {
                    step: format!("Add user {user} (AddUserToGroup)"),
                    error: error.to_string(),
                });
            }
        }
        for arn in arns {
            if let Err(error) =
                policies::attach_policy(&cx, HolderName::Group(&group.name), arn).await
            {
                cx.record_failure(&error).await;
                unfinished.push(Unfinished {
                    step: format!("Attach {arn} (AttachGroupPolicy)"),
                    error: error.to_string(),
                });
            }
        }
        if unfinished.is_empty() {
            leptos_axum::redirect(&format!("/groups/details/{}", group.name));
        }
        Ok(CreatedGroup { group, unfinished })
    })
    .await
}

/// A group's page: members, nesting, and its policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub detail: GroupDetail,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<String>,
}

#[server(endpoint = "groups/get")]
pub async fn get_group(group_name: String) -> Result<GroupView, AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let name = groups::parse_group_name("group_name", &group_name)?;
        let detail = groups::get_group(&cx, &name, None, Some(1000)).await?;
        let attached =
            policies::list_attached_policies(&cx, HolderName::Group(&name), None, None, Some(1000))
                .await?
                .items;
        let inline =
            policies::list_inline_policies(&cx, HolderName::Group(&name), None, Some(1000))
                .await?
                .items
                .into_iter()
                .map(|n| n.to_string())
                .collect();
        Ok(GroupView {
            detail,
            attached,
            inline,
        })
    })
    .await
}

/// The changes the group page's forms make, one server function each.
#[server(endpoint = "groups/add-user")]
pub async fn add_user_to_group(group_name: String, user_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        let user = crate::directory::users::parse_user_name("user_name", &user_name)?;
        groups::add_user_to_group(&cx, &group, &user)
            .await
            .map(drop)
    })
    .await
}

#[server(endpoint = "groups/remove-user")]
pub async fn remove_user_from_group(group_name: String, user_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        let user = crate::directory::users::parse_user_name("user_name", &user_name)?;
        groups::remove_user_from_group(&cx, &group, &user).await
    })
    .await
}

#[server(endpoint = "groups/add-group")]
pub async fn add_group_to_group(
    group_name: String,
    member_group_name: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    request::serve(|cx| async move {
        let parent = groups::parse_group_name("group_name", &group_name)?;
        let member = groups::parse_group_name("member_group_name", &member_group_name)?;
        groups::add_group_to_group(&cx, &parent, &member).await
    })
    .await
}

#[server(endpoint = "groups/attach")]
pub async fn attach_group_policy(group_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        policies::attach_policy(&cx, HolderName::Group(&group), &policy_arn).await
    })
    .await
}

/// DetachGroupPolicy, from the group's page.
#[server(endpoint = "groups/detach")]
pub async fn detach_group_policy(group_name: String, policy_arn: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        policies::detach_policy(&cx, HolderName::Group(&group), policy_arn.trim()).await
    })
    .await
}

/// RemoveGroupFromGroup (our action): `member_group_name` leaves `group_name`. The group
/// page uses it both ways: to remove a member group, and to leave a group it is in.
#[server(endpoint = "groups/remove-group")]
pub async fn remove_group_from_group(
    group_name: String,
    member_group_name: String,
) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    request::serve(|cx| async move {
        let parent = groups::parse_group_name("group_name", &group_name)?;
        let member = groups::parse_group_name("member_group_name", &member_group_name)?;
        groups::remove_group_from_group(&cx, &parent, &member).await
    })
    .await
}

/// Delete group, as AWS's console does it: everything that would make DeleteGroup
/// refuse (its users, member groups, the groups it is in, attached and inline policies)
/// is removed first, each by its own authorised and audited action, then the group. The
/// group name must be typed again to confirm. A step the caller may not take stops the
/// deletion there; what was removed before it stays removed.
#[server(endpoint = "groups/delete")]
pub async fn delete_group(group_name: String, confirmation: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::directory::policies::{self, HolderName};
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        if confirmation.trim() != group.as_str() {
            return Err(AppError::validation(
                "confirmation",
                format!("type the group name {group} exactly to confirm the deletion"),
            ));
        }
        loop {
            let detail = groups::get_group(&cx, &group, None, Some(1000)).await?;
            let more = detail.users.marker.is_some() && !detail.users.items.is_empty();
            for user in &detail.users.items {
                groups::remove_user_from_group(&cx, &group, &user.name).await?;
            }
            for member in &detail.member_groups {
                groups::remove_group_from_group(&cx, &group, &member.name).await?;
            }
            for parent in &detail.parent_groups {
                groups::remove_group_from_group(&cx, &parent.name, &group).await?;
            }
            if !more {
                break;
            }
        }
        policies::remove_all_policies(&cx, HolderName::Group(&group)).await?;
        groups::delete_group(&cx, &group).await?;
        leptos_axum::redirect("/groups");
        Ok(())
    })
    .await
}
