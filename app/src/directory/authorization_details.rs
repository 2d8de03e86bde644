//! GetAccountAuthorizationDetails: a snapshot of the account's users, groups, roles and
//! managed policies with how they relate (memberships, attachments, inline policies,
//! every policy version), one page at a time. The page runs over users, then groups,
//! then roles, then the account's own policies, then the AWS managed policies in use in the account (AWS
//! lists only those, not the whole catalogue), each by name.

use super::paging::max_items;
use crate::authz::{Ctx, IamAction};
use crate::error::AppError;
use crate::model::{
    AttachedPolicy, Group, GroupName, Policy, PolicyName, PolicyVersion, Role, User,
};
use crate::store::{self, policies::Holder, policies::ListFilter, policies::Scope};
use sqlx::PgConnection;

/// The entity types of the request's `Filter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    User,
    Role,
    Group,
    LocalManagedPolicy,
    AwsManagedPolicy,
}

impl EntityKind {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        match text {
            "User" => Ok(Self::User),
            "Role" => Ok(Self::Role),
            "Group" => Ok(Self::Group),
            "LocalManagedPolicy" => Ok(Self::LocalManagedPolicy),
            "AWSManagedPolicy" => Ok(Self::AwsManagedPolicy),
            _ => Err(AppError::validation(
                "filter",
                "must be one of User, Role, Group, LocalManagedPolicy, AWSManagedPolicy",
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct UserEntry {
    /// With its tags and permissions boundary.
    pub user: User,
    pub inline_policies: Vec<(PolicyName, String)>,
    /// The groups the user is directly in.
    pub groups: Vec<GroupName>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone)]
pub struct GroupEntry {
    pub group: Group,
    pub inline_policies: Vec<(PolicyName, String)>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone)]
pub struct RoleEntry {
    /// With its tags, boundary and trust policy.
    pub role: Role,
    pub inline_policies: Vec<(PolicyName, String)>,
    pub attached: Vec<AttachedPolicy>,
}

#[derive(Debug, Clone)]
pub struct PolicyEntry {
    pub policy: Policy,
    /// Newest first.
    pub versions: Vec<PolicyVersion>,
}

#[derive(Debug, Clone, Default)]
pub struct AuthorizationDetails {
    pub users: Vec<UserEntry>,
    pub groups: Vec<GroupEntry>,
    pub roles: Vec<RoleEntry>,
    pub policies: Vec<PolicyEntry>,
    /// Where the next page starts, when there is one.
    pub marker: Option<String>,
}

/// The five parts of the listing, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Users,
    Groups,
    Roles,
    LocalPolicies,
    AwsPolicies,
}

impl Part {
    const ALL: [Part; 5] = [
        Part::Users,
        Part::Groups,
        Part::Roles,
        Part::LocalPolicies,
        Part::AwsPolicies,
    ];

    fn tag(self) -> &'static str {
        match self {
            Self::Users => "U",
            Self::Groups => "G",
            Self::Roles => "R",
            Self::LocalPolicies => "L",
            Self::AwsPolicies => "A",
        }
    }

    fn wanted(self, filter: &[EntityKind]) -> bool {
        let kind = match self {
            Self::Users => EntityKind::User,
            Self::Groups => EntityKind::Group,
            Self::Roles => EntityKind::Role,
            Self::LocalPolicies => EntityKind::LocalManagedPolicy,
            Self::AwsPolicies => EntityKind::AwsManagedPolicy,
        };
        filter.is_empty() || filter.contains(&kind)
    }
}

/// A marker: the part, and the sort key of the last entry shown in it (a name key, or
/// a policy's name key and id).
struct Position {
    part: Part,
    after: String,
    after_id: String,
}

impl Position {
    fn parse(marker: &str) -> Result<Self, AppError> {
        let invalid = || AppError::validation("marker", "is not a marker this listing gave");
        let mut fields = marker.split('|');
        let tag = fields.next().ok_or_else(invalid)?;
        let part = Part::ALL
            .into_iter()
            .find(|p| p.tag() == tag)
            .ok_or_else(invalid)?;
        let after = fields.next().ok_or_else(invalid)?.to_owned();
        let after_id = fields.next().unwrap_or_default().to_owned();
        if fields.next().is_some() {
            return Err(invalid());
        }
        Ok(Self {
            part,
            after,
            after_id,
        })
    }

    fn format(part: Part, after: &str, after_id: &str) -> String {
        if after_id.is_empty() {
            format!("{}|{after}", part.tag())
        } else {
            format!("{}|{after}|{after_id}", part.tag())
        }
    }
}

pub async fn get_account_authorization_details(
    cx: &Ctx,
    filter: &[EntityKind],
    marker: Option<&str>,
    max: Option<i64>,
) -> Result<AuthorizationDetails, AppError> {
    let limit = max_items(max)?;
    let start = marker.map(Position::parse).transpose()?;
    let mut op = cx.begin().await?;
    op.authorize(IamAction::GetAccountAuthorizationDetails, "*")
        .await?;
    let account = cx.account().clone();
    let conn = op.reader();
    let mut details = AuthorizationDetails::default();
    let mut shown = 0;
    // Whether an entry beyond the page exists: one more than needed is fetched.
    let mut more = false;
    let mut last: Option<String> = None;
    for part in Part::ALL {
        if more {
            break;
        }
        if !part.wanted(filter) || start.as_ref().is_some_and(|s| part < s.part) {
            continue;
        }
        let (after, after_id) = match &start {
            Some(s) if s.part == part => (Some(s.after.as_str()), Some(s.after_id.as_str())),
            _ => (None, None),
        };
        let want = limit - shown + 1;
        match part {
            Part::Users => {
                let sort = store::name_page::Sort::Name { after };
                let users =
                    store::users::list(conn, &account, "/", None, sort, false, want).await?;
                for listed in users {
                    if shown == limit {
                        more = true;
                        break;
                    }
                    last = Some(Position::format(part, &listed.name.key(), ""));
                    details.users.push(user_entry(conn, listed).await?);
                    shown += 1;
                }
            }
            Part::Groups => {
                let groups = store::groups::list(conn, &account, "/", None, after, want).await?;
                for group in groups {
                    if shown == limit {
                        more = true;
                        break;
                    }
                    last = Some(Position::format(part, &group.name.key(), ""));
                    details.groups.push(group_entry(conn, group).await?);
                    shown += 1;
                }
            }
            Part::Roles => {
                for role in store::roles::list(conn, &account, "/", after, want).await? {
                    if shown == limit {
                        more = true;
                        break;
                    }
                    last = Some(Position::format(part, &role.name.key(), ""));
                    let id = role.id.to_string();
                    let inline_policies =
                        store::policies::inline_all(conn, Holder::Role, &id).await?;
                    let attached = store::policies::attached(
                        conn,
                        Holder::Role,
                        &id,
                        "/",
                        None,
                        i64::from(u16::MAX),
                    )
                    .await?;
                    details.roles.push(RoleEntry {
                        role,
                        inline_policies,
                        attached,
                    });
                    shown += 1;
                }
            }
            Part::LocalPolicies | Part::AwsPolicies => {
                let filter = ListFilter {
                    scope: if part == Part::LocalPolicies {
                        Scope::Local
                    } else {
                        Scope::Aws
                    },
                    only_attached: part == Part::AwsPolicies,
                    path_prefix: "/",
                    search: None,
                    after: after.zip(after_id),
                    limit: want,
                };
                for policy in store::policies::list(conn, &account, filter).await? {
                    if shown == limit {
                        more = true;
                        break;
                    }
                    last = Some(Position::format(
                        part,
                        &policy.name.key(),
                        policy.id.as_str(),
                    ));
                    let versions = store::policies::versions(conn, &policy.id).await?;
                    details.policies.push(PolicyEntry { policy, versions });
                    shown += 1;
                }
            }
        }
    }
    details.marker = if more { last } else { None };
    Ok(details)
}

async fn user_entry(conn: &mut PgConnection, listed: User) -> Result<UserEntry, AppError> {
    // A list entry has no tags; the detail has them.
    let user = store::users::find_by_id(conn, listed.id.as_str())
        .await?
        .unwrap_or(listed);
    let id = user.id.to_string();
    let inline_policies = store::policies::inline_all(conn, Holder::User, &id).await?;
    let groups = store::groups::for_user(conn, &id, None, i64::from(u16::MAX))
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect();
    let attached =
        store::policies::attached(conn, Holder::User, &id, "/", None, i64::from(u16::MAX)).await?;
    Ok(UserEntry {
        user,
        inline_policies,
        groups,
        attached,
    })
}

async fn group_entry(conn: &mut PgConnection, group: Group) -> Result<GroupEntry, AppError> {
    let id = group.id.to_string();
    let inline_policies = store::policies::inline_all(conn, Holder::Group, &id).await?;
    let attached =
        store::policies::attached(conn, Holder::Group, &id, "/", None, i64::from(u16::MAX)).await?;
    Ok(GroupEntry {
        group,
        inline_policies,
        attached,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_their_part_and_key_and_nothing_else_is_one() {
        let marker = Position::format(Part::LocalPolicies, "reader", "ANPAXYZ");
        let back = Position::parse(&marker).unwrap();
        assert_eq!(
            (back.part, back.after.as_str(), back.after_id.as_str()),
            (Part::LocalPolicies, "reader", "ANPAXYZ")
        );
        let user = Position::parse(&Position::format(Part::Users, "alice", "")).unwrap();
        assert_eq!((user.part, user.after.as_str()), (Part::Users, "alice"));
        for bad in ["", "X|a", "U", "U|a|b|c"] {
            assert!(Position::parse(bad).is_err(), "{bad}");
        }
        assert!(EntityKind::parse("AWSManagedPolicy").is_ok());
        assert!(EntityKind::parse("AwsManagedPolicy").is_err());
    }
}
