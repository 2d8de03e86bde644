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

#[server(endpoint = "groups/create")]
pub async fn create_group(group_name: String, path: Option<String>) -> Result<Group, AppError> {
    use super::request;
    use crate::directory::groups;
    use crate::model::IamPath;
    request::serve(|cx| async move {
        let name = groups::parse_group_name("group_name", &group_name)?;
        let path = IamPath::parse(path.as_deref().unwrap_or("/"))
            .map_err(|m| AppError::validation("path", m))?;
        let group = groups::create_group(&cx, name, path).await?;
        leptos_axum::redirect(&format!("/groups/details/{}", group.name));
        Ok(group)
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

#[server(endpoint = "groups/delete")]
pub async fn delete_group(group_name: String) -> Result<(), AppError> {
    use super::request;
    use crate::directory::groups;
    request::serve(|cx| async move {
        let group = groups::parse_group_name("group_name", &group_name)?;
        groups::delete_group(&cx, &group).await?;
        leptos_axum::redirect("/groups");
        Ok(())
    })
    .await
}
