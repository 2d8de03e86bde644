//! The directory's entities as services return them and pages show them.

use super::{AccountId, GroupName, IamPath, PolicyName, RoleName, Tag, UniqueId, UserName};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UniqueId,
    pub account: AccountId,
    pub name: UserName,
    pub path: IamPath,
    pub arn: String,
    pub created_at: OffsetDateTime,
    pub password_last_used: Option<OffsetDateTime>,
    /// The ARN of the managed policy that bounds this user's permissions.
    pub permissions_boundary: Option<String>,
    /// How many groups the user is directly in.
    pub group_count: i32,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: UniqueId,
    pub account: AccountId,
    pub name: GroupName,
    pub path: IamPath,
    pub arn: String,
    pub created_at: OffsetDateTime,
}

/// An IAM role: who may assume it (the trust policy), for how long at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: UniqueId,
    pub account: AccountId,
    pub name: RoleName,
    pub path: IamPath,
    pub arn: String,
    pub description: String,
    /// The trust policy, as written.
    pub trust_policy: String,
    /// Seconds: 3,600 to 43,200.
    pub max_session_duration: i32,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_region: Option<String>,
    /// The ARN of the managed policy that bounds the role's permissions.
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: UniqueId,
    /// `None` for an AWS managed policy.
    pub account: Option<AccountId>,
    pub name: PolicyName,
    pub path: IamPath,
    pub arn: String,
    pub description: String,

    pub default_version: i32,
    pub attachment_count: i32,
    pub boundary_count: i32,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub tags: Vec<Tag>,
}

impl Policy {
    /// `v1`, `v2`, ... as AWS names versions.
    pub fn default_version_id(&self) -> String {
        format!("v{}", self.default_version)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub version: i32,
    pub document: String,
    pub is_default: bool,
    pub created_at: OffsetDateTime,
}

/// One page of a keyset-paginated list: `marker` continues after the last item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub marker: Option<String>,
}

impl<T> Page<T> {
    pub fn is_truncated(&self) -> bool {
        self.marker.is_some()
    }
}

/// GetGroup: the group, one page of its users, and (our extension) the groups nested in
/// it and the groups it is nested in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub group: Group,
    pub users: Page<User>,
    pub member_groups: Vec<Group>,
    pub parent_groups: Vec<Group>,
}

/// A managed policy as ListAttached*Policies shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub name: PolicyName,
    pub arn: String,
    /// For paging: name key and id.
    pub key: (String, String),
}

/// One policy that applies to a user, and where it comes from (the user page's
/// Permissions view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPolicy {
    pub name: PolicyName,
    /// A managed policy's ARN; `None` for an inline policy.
    pub arn: Option<String>,
    pub source: PolicySource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicySource {
    /// Attached to the user, or inline in it.
    Direct,
    /// Attached to or inline in a group the user is in, or a group that group is in:
    /// `through` is then the user's own group it is reached from.
    Group {
        name: GroupName,
        arn: String,
        through: Option<GroupName>,
    },
    /// The user's permissions boundary: it limits, never grants.
    Boundary,
}

/// One event of the activity log, as the Activity page and its exports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub actor_arn: String,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub action: String,
    pub resource: String,
    pub params: String,
    pub outcome: String,
    pub error_code: Option<String>,
}
