use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a policy document was rejected, and where.
///
/// The path uses the document's own element names (`Statement[2].Condition.IpAddress.aws:SourceIp`)
/// because that is what a person editing the JSON can find; it is empty when the problem is
/// the text as a whole (for example, it is not JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl PolicyError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for PolicyError {}
