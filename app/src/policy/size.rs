//! AWS's size limits on policy documents. IAM counts characters without whitespace.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyKind {
    /// One managed policy version: 6,144 characters.
    Managed,
    /// All inline policies of one user together: 2,048 characters.
    InlineUser,
    /// All inline policies of one group together: 5,120 characters.
    InlineGroup,
    /// All inline policies of one role together: 10,240 characters.
    InlineRole,
}

impl PolicyKind {
    pub fn limit(self) -> usize {
        match self {
            PolicyKind::Managed => 6_144,
            PolicyKind::InlineUser => 2_048,
            PolicyKind::InlineGroup => 5_120,
            PolicyKind::InlineRole => 10_240,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            PolicyKind::Managed => "a managed policy",
            PolicyKind::InlineUser => "a user's inline policies together",
            PolicyKind::InlineGroup => "a group's inline policies together",
            PolicyKind::InlineRole => "a role's inline policies together",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeError {
    pub kind: PolicyKind,
    pub size: usize,
    pub limit: usize,
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} may have at most {} characters (not counting whitespace); this has {}",
            self.kind.describe(),
            self.limit,
            self.size
        )
    }
}

impl std::error::Error for SizeError {}

/// The size IAM counts for a document: its characters other than whitespace.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Checks one managed policy document, or the whole set of inline policies of one user,
/// group or role (pass them all: the limit is on their sum).
pub fn check_size(kind: PolicyKind, documents: &[&str]) -> Result<usize, SizeError> {
    let size = documents.iter().map(|d| policy_size(d)).sum();
    if size > kind.limit() {
        Err(SizeError {
            kind,
            size,
            limit: kind.limit(),
        })
    } else {
        Ok(size)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_free() {
        assert_eq!(policy_size("{ \"a\" :\n\t1 }"), 7);
        let big = "x".repeat(2_049);
        assert!(check_size(PolicyKind::InlineUser, &[&big]).is_err());
        assert!(check_size(PolicyKind::InlineGroup, &[&big]).is_ok());
        assert_eq!(
            check_size(
                PolicyKind::InlineUser,
                &["x".repeat(1_024).as_str(), "y".repeat(1_025).as_str()]
            ),
            Err(SizeError {
                kind: PolicyKind::InlineUser,
                size: 2_049,
                limit: 2_048
            })
        );
    }
}
