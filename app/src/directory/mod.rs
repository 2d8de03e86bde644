//! Services: each operation authenticates, validates and executes in one transaction.
//! Server functions and the CLI call these; neither does SQL itself.

pub mod accounts;
pub mod dashboard;
pub mod passwords;
pub mod sessions;
pub mod signin;

pub use crate::store::accounts::AccountRecord;

/// Where a request came from, for the sign-in log and the session record.
#[derive(Debug, Clone, Default)]
pub struct RequestSource {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}
