//! The built-in AWS managed policies Portcullis ships, as JSON data files with AWS's effect.
//! They are written for this project (AWS's own ReadOnlyAccess lists thousands of actions of
//! services Portcullis does not host; ours covers identity, STS and a few common services).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ManagedPolicy {
    pub name: &'static str,
    pub description: &'static str,
    /// The policy document, as JSON text (Version 2012-10-17).
    pub document: &'static str,
}

impl ManagedPolicy {
    /// `arn:aws:iam::aws:policy/NAME`, the ARN AWS uses for its managed policies.
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy/{}", self.name)
    }
}

const BUILTIN: [ManagedPolicy; 7] = [
    ManagedPolicy {
        name: "AdministratorAccess",
        description: "Full access to every action on every resource.",
        document: include_str!("AdministratorAccess.json"),
    },
    ManagedPolicy {
        name: "PowerUserAccess",
        description: "Full access to everything except managing users, groups, roles and the account; may still list roles and manage service-linked roles.",
        document: include_str!("PowerUserAccess.json"),
    },
    ManagedPolicy {
        name: "ReadOnlyAccess",
        description: "Read-only access: every IAM Get/List/Generate/Simulate action, the harmless STS calls, and read actions of the common services.",
        document: include_str!("ReadOnlyAccess.json"),
    },
    ManagedPolicy {
        name: "IAMFullAccess",
        description: "Full access to IAM (users, groups, roles, policies, credentials) and read access to the organisation.",
        document: include_str!("IAMFullAccess.json"),
    },
    ManagedPolicy {
        name: "IAMReadOnlyAccess",
        description: "Read-only access to IAM: see everything, change nothing.",
        document: include_str!("IAMReadOnlyAccess.json"),
    },
    ManagedPolicy {
        name: "IAMUserChangePassword",
        description: "Lets IAM users change their own password and read the account's password rules.",
        document: include_str!("IAMUserChangePassword.json"),
    },
    ManagedPolicy {
        name: "AmazonS3ReadOnlyAccess",
        description: "Read-only access to all S3 buckets and objects.",
        document: include_str!("AmazonS3ReadOnlyAccess.json"),
    },
];

/// The seven built-in managed policies.
pub fn builtin() -> &'static [ManagedPolicy] {
    &BUILTIN
}

/// A built-in policy by name (case-insensitive, as IAM names are unique regardless of case).
pub fn find(name: &str) -> Option<&'static ManagedPolicy> {
    BUILTIN.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}
