//! Groups and their members: the services named after AWS's actions, and nested groups
//! (our extension: a group inside a group inherits the outer group's policies).

use super::paging::{max_items, paginate, search};
use super::users::no_such_user;
use crate::authz::{Ctx, IamAction, Op};
use crate::error::AppError;
use crate::model::{Group, GroupDetail, GroupName, IamPath, IdKind, Page, User, UserName, arn};
use crate::store::{self, groups::NewGroup as NewGroupRow};
use serde_json::json;

pub fn no_such_group(name: &str) -> AppError {
    AppError::not_found(format!("The group with name {name} cannot be found."))
}

fn group_exists(name: &GroupName) -> AppError {
    AppError::already_exists(
        "group_name",
        format!("Group with name {name} already exists."),
    )
}

pub fn parse_group_name(field: &str, input: &str) -> Result<GroupName, AppError> {
    GroupName::parse(input).map_err(|m| AppError::validation(field, m))
}

/// Reads a group by name for an operation: found or not, the ARN to authorise on.
async fn target(op: &mut Op<'_>, name: &GroupName) -> Result<(Option<Group>, String), AppError> {
    let account = op.cx().account().clone();
    let group = store::groups::find_by_name(op.reader(), &account, name).await?;
    let arn = group.as_ref().map_or_else(
        || arn::group(&account, &IamPath::root(), name),
        |g| g.arn.clone(),
    );
    Ok((group, arn))
}

async fn existing_user(op: &mut Op<'_>, name: &UserName) -> Result<User, AppError> {
    let account = op.cx().account().clone();
    store::users::find_by_name(op.reader(), &account, name)
        .await?
        .ok_or_else(|| no_such_user(name.as_str()))
}

async fn existing_group(op: &mut Op<'_>, name: &GroupName) -> Result<Group, AppError> {
    let account = op.cx().account().clone();
    store::groups::find_by_name(op.reader(), &account, name)
        .await?
        .ok_or_else(|| no_such_group(name.as_str()))
}

pub async fn create_group(cx: &Ctx, name: GroupName, path: IamPath) -> Result<Group, AppError> {
    let mut op = cx.begin().await?;
    let arn = arn::group(cx.account(), &path, &name);
    let permit = op.authorize(IamAction::CreateGroup, &arn).await?;
    let id = cx.entropy().unique_id(IdKind::Group);
    store::groups::insert(
        &mut op.writer(&permit),
        NewGroupRow {
            id: &id,
            account: cx.account(),
            name: &name,
            path: &path,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_groups_name_key") => group_exists(&name),
        _ => e.into(),
    })?;
    op.audit(&permit, json!({"GroupName": name, "Path": path}));
    let group = store::groups::find_by_id(op.reader(), id.as_str())
        .await?
        .ok_or_else(|| AppError::internal("create group", "the new group vanished"))?;
    op.commit().await?;
    Ok(group)
}

pub async fn get_group(
    cx: &Ctx,
    name: &GroupName,
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<GroupDetail, AppError> {
    let limit = max_items(max)?;
    let mut op = cx.begin().await?;
    let (group, arn) = target(&mut op, name).await?;
    op.authorize(IamAction::GetGroup, &arn).await?;
    let group = group.ok_or_else(|| no_such_group(name.as_str()))?;
    let users = store::users::in_group(op.reader(), group.id.as_str(), marker, limit + 1).await?;
    let member_groups = store::groups::children(op.reader(), group.id.as_str()).await?;
    let parent_groups = store::groups::parents(op.reader(), group.id.as_str()).await?;
    Ok(GroupDetail {
        group,
        users: paginate(users, limit, |u| u.name.key()),
        member_groups,
        parent_groups,
    })
}

/// Options of ListGroups (and the console's Groups page).
#[derive(Debug, Clone, Default)]
pub struct ListGroups {
    pub path_prefix: Option<String>,
    pub search: Option<String>,
    pub marker: Option<String>,
    pub max_items: Option<i64>,
}

pub async fn list_groups(cx: &Ctx, options: ListGroups) -> Result<Page<Group>, AppError> {
    let prefix = IamPath::parse_prefix(options.path_prefix.as_deref().unwrap_or("/"))
        .map_err(|m| AppError::validation("path_prefix", m))?;
    let limit = max_items(options.max_items)?;
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListGroups, &arn::all(cx.account(), "group"))
        .await?;
    let items = store::groups::list(
        op.reader(),
        cx.account(),
        &prefix,
        search(options.search.as_deref()),
        options.marker.as_deref(),
        limit + 1,
    )
    .await?;
    Ok(paginate(items, limit, |g| g.name.key()))
}

/// UpdateGroup: rename and/or move, authorised on the current and the new ARN.
pub async fn update_group(
    cx: &Ctx,
    name: &GroupName,
    new_name: Option<GroupName>,
    new_path: Option<IamPath>,
) -> Result<Group, AppError> {
    let mut op = cx.begin().await?;
    let (group, arn) = target(&mut op, name).await?;
    let permit = op.authorize(IamAction::UpdateGroup, &arn).await?;
    let group = group.ok_or_else(|| no_such_group(name.as_str()))?;
    let final_name = new_name.clone().unwrap_or_else(|| group.name.clone());
    let final_path = new_path.clone().unwrap_or_else(|| group.path.clone());
    let new_arn = arn::group(cx.account(), &final_path, &final_name);
    if new_arn != arn {
        op.authorize(IamAction::UpdateGroup, &new_arn).await?;
    }
    store::groups::rename(&mut op.writer(&permit), &group.id, &final_name, &final_path)
        .await
        .map_err(|e| match e.constraint() {
            Some("iam_groups_name_key") => group_exists(&final_name),
            _ => e.into(),
        })?;
    op.audit_as(
        &permit,
        new_arn,
        json!({"GroupName": name, "NewGroupName": new_name, "NewPath": new_path}),
    );
    let updated = store::groups::find_by_id(op.reader(), group.id.as_str())
        .await?
        .ok_or_else(|| no_such_group(name.as_str()))?;
    op.commit().await?;
    Ok(updated)
}

pub async fn delete_group(cx: &Ctx, name: &GroupName) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (group, arn) = target(&mut op, name).await?;
    let permit = op.authorize(IamAction::DeleteGroup, &arn).await?;
    let group = group.ok_or_else(|| no_such_group(name.as_str()))?;
    let deps = store::groups::dependents(op.reader(), &group.id).await?;
    if deps.members > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must remove users from group first.",
        ));
    }
    if deps.children > 0 || deps.parents > 0 {
        return Err(AppError::delete_conflict(
            "Cannot delete entity, must remove member groups and leave parent groups first.",
        ));
    }
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
    store::groups::delete(&mut op.writer(&permit), &group.id).await?;
    op.audit(&permit, json!({"GroupName": name}));
    op.commit().await
}

/// AddUserToGroup: adding a member again succeeds and changes nothing, as in AWS.
/// Returns the group's name as stored (the request may spell it in another case).
pub async fn add_user_to_group(
    cx: &Ctx,
    group: &GroupName,
    user: &UserName,
) -> Result<GroupName, AppError> {
    let mut op = cx.begin().await?;
    let (found, arn) = target(&mut op, group).await?;
    let permit = op.authorize(IamAction::AddUserToGroup, &arn).await?;
    let found = found.ok_or_else(|| no_such_group(group.as_str()))?;
    let member = existing_user(&mut op, user).await?;
    let added = store::groups::add_user(
        &mut op.writer(&permit),
        cx.account(),
        &found.id,
        &member.id,
        cx.now(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_users_group_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for GroupsPerUser: 10")
        }
        Some("group_users_user_id_fkey") => no_such_user(user.as_str()),
        Some("group_users_group_id_fkey") => no_such_group(group.as_str()),
        _ => e.into(),
    })?;
    // The names as stored, as AWS echoes them.
    op.audit(
        &permit,
        json!({"GroupName": found.name, "UserName": member.name, "Changed": added}),
    );
    op.commit().await?;
    Ok(found.name)
}

/// RemoveUserFromGroup: removing a non-member succeeds, as in AWS.
pub async fn remove_user_from_group(
    cx: &Ctx,
    group: &GroupName,
    user: &UserName,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (found, arn) = target(&mut op, group).await?;
    let permit = op.authorize(IamAction::RemoveUserFromGroup, &arn).await?;
    let found = found.ok_or_else(|| no_such_group(group.as_str()))?;
    let member = existing_user(&mut op, user).await?;
    let removed =
        store::groups::remove_user(&mut op.writer(&permit), &found.id, &member.id).await?;
    op.audit(
        &permit,
        json!({"GroupName": found.name, "UserName": member.name, "Changed": removed}),
    );
    op.commit().await
}

pub async fn list_groups_for_user(
    cx: &Ctx,
    user: &UserName,
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<Page<Group>, AppError> {
    let limit = max_items(max)?;
    let mut op = cx.begin().await?;
    let (found, arn) = super::users::target(&mut op, user).await?;
    op.authorize_with(
        IamAction::ListGroupsForUser,
        &arn,
        super::users::tagged_context(found.as_ref()),
    )
    .await?;
    let found = found.ok_or_else(|| no_such_user(user.as_str()))?;
    let items = store::groups::for_user(op.reader(), found.id.as_str(), marker, limit + 1).await?;
    Ok(paginate(items, limit, |g| g.name.key()))
}

/// AddGroupToGroup (our extension, authorised on the outer group): `member` inherits
/// `parent`'s policies. Refused when it would make a cycle, also when two opposite
/// additions race: the account's nesting is changed by one transaction at a time.
pub async fn add_group_to_group(
    cx: &Ctx,
    parent: &GroupName,
    member: &GroupName,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (found, arn) = target(&mut op, parent).await?;
    let permit = op.authorize(IamAction::AddGroupToGroup, &arn).await?;
    let outer = found.ok_or_else(|| no_such_group(parent.as_str()))?;
    let inner = existing_group(&mut op, member).await?;
    store::groups::lock_nesting(&mut op.writer(&permit), cx.account()).await?;
    if store::groups::contains(op.reader(), inner.id.as_str(), outer.id.as_str()).await? {
        let message = if inner.id == outer.id {
            format!("Group {} cannot be a member of itself.", outer.name)
        } else {
            format!(
                "Group {} cannot be added to group {}: {} is already inside {}, directly or \
                 through other groups, and a group may not contain itself.",
                inner.name, outer.name, outer.name, inner.name
            )
        };
        return Err(AppError::invalid_input("member_group_name", message));
    }
    let added = store::groups::add_group(
        &mut op.writer(&permit),
        cx.account(),
        &outer.id,
        &inner.id,
        cx.now(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_groups_parent_limit") => {
            AppError::limit_exceeded("Cannot exceed quota for GroupsPerGroup: 10")
        }
        Some("group_groups_parent_id_fkey") => no_such_group(parent.as_str()),
        Some("group_groups_child_id_fkey") => no_such_group(member.as_str()),
        _ => e.into(),
    })?;
    op.audit(
        &permit,
        json!({"GroupName": parent, "MemberGroupName": member, "Changed": added}),
    );
    op.commit().await
}

pub async fn remove_group_from_group(
    cx: &Ctx,
    parent: &GroupName,
    member: &GroupName,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (found, arn) = target(&mut op, parent).await?;
    let permit = op.authorize(IamAction::RemoveGroupFromGroup, &arn).await?;
    let outer = found.ok_or_else(|| no_such_group(parent.as_str()))?;
    let inner = existing_group(&mut op, member).await?;
    let mut w = op.writer(&permit);
    store::groups::lock_nesting(&mut w, cx.account()).await?;
    let removed = store::groups::remove_group(&mut w, &outer.id, &inner.id).await?;
    op.audit(
        &permit,
        json!({"GroupName": parent, "MemberGroupName": member, "Changed": removed}),
    );
    op.commit().await
}
