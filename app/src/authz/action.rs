//! The IAM actions the services perform, each with the name the policy engine sees.

macro_rules! iam_actions {
    ($($variant:ident),* $(,)?) => {
        /// Every action a service can ask the authoriser about.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum IamAction {
            $($variant),*
        }

        impl IamAction {
            pub const ALL: &'static [IamAction] = &[$(IamAction::$variant),*];

            /// The action name without the service prefix, as AWS names it.
            pub fn name(self) -> &'static str {
                match self {
                    $(IamAction::$variant => stringify!($variant)),*
                }
            }
        }
    };
}

iam_actions!(
    CreateUser,
    GetUser,
    ListUsers,
    UpdateUser,
    DeleteUser,
    TagUser,
    UntagUser,
    ListUserTags,
    CreateLoginProfile,
    GetLoginProfile,
    UpdateLoginProfile,
    DeleteLoginProfile,
    ChangePassword,
    CreateGroup,
    GetGroup,
    ListGroups,
    UpdateGroup,
    DeleteGroup,
    AddUserToGroup,
    RemoveUserFromGroup,
    ListGroupsForUser,
    // Our extension (AWS has no nested groups): authorised on the parent group.
    AddGroupToGroup,
    RemoveGroupFromGroup,
    CreatePolicy,
    GetPolicy,
    ListPolicies,
    DeletePolicy,
    CreatePolicyVersion,
    GetPolicyVersion,
    ListPolicyVersions,
    DeletePolicyVersion,
    SetDefaultPolicyVersion,
    TagPolicy,
    UntagPolicy,
    ListPolicyTags,
    AttachUserPolicy,
    DetachUserPolicy,
    ListAttachedUserPolicies,
    AttachGroupPolicy,
    DetachGroupPolicy,
    ListAttachedGroupPolicies,
    PutUserPolicy,
    GetUserPolicy,
    DeleteUserPolicy,
    ListUserPolicies,
    PutGroupPolicy,
    GetGroupPolicy,
    DeleteGroupPolicy,
    ListGroupPolicies,
    PutUserPermissionsBoundary,
    DeleteUserPermissionsBoundary,
    ListEntitiesForPolicy,
    CreateAccountAlias,
    DeleteAccountAlias,
    ListAccountAliases,
    GetAccountSummary,
    GetAccountAuthorizationDetails,
    GetAccountPasswordPolicy,
    UpdateAccountPasswordPolicy,
    DeleteAccountPasswordPolicy,
    CreateVirtualMFADevice,
    EnableMFADevice,
    ResyncMFADevice,
    DeactivateMFADevice,
    DeleteVirtualMFADevice,
    ListMFADevices,
    ListVirtualMFADevices,
    CreateAccessKey,
    UpdateAccessKey,
    DeleteAccessKey,
    ListAccessKeys,
    GetAccessKeyLastUsed,
    // Reading the activity log: Portcullis's own, in the iam namespace like the rest.
    ListAuditEvents,
    CreateRole,
    GetRole,
    ListRoles,
    UpdateRole,
    UpdateRoleDescription,
    UpdateAssumeRolePolicy,
    DeleteRole,
    PutRolePolicy,
    GetRolePolicy,
    DeleteRolePolicy,
    ListRolePolicies,
    AttachRolePolicy,
    DetachRolePolicy,
    ListAttachedRolePolicies,
    PutRolePermissionsBoundary,
    DeleteRolePermissionsBoundary,
    TagRole,
    UntagRole,
    ListRoleTags,
    // STS's, decided by the same engine.
    GetAccessKeyInfo,
    AssumeRole,
);

impl IamAction {
    /// Whether the action only reads (AWS's List and Read access levels, which its
    /// names begin with): a change is every other.
    pub fn is_read(self) -> bool {
        let name = self.name();
        name.starts_with("Get") || name.starts_with("List")
    }

    /// The service prefix policies name the action with.
    pub fn service(self) -> &'static str {
        match self {
            Self::GetAccessKeyInfo | Self::AssumeRole => "sts",
            _ => "iam",
        }
    }

    /// `iam:CreateUser`.
    pub fn qualified(self) -> String {
        format!("{}:{}", self.service(), self.name())
    }
}

impl std::fmt::Display for IamAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.service(), self.name())
    }
}
