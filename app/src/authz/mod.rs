//! Authorisation: who calls (`Caller`), the request context (`Ctx`), and operations
//! (`Op`) whose writes need a `Permit` that only the policy engine hands out.

mod action;
pub mod cache;
mod caller;
mod op;
mod policies;

pub use action::IamAction;
pub use caller::{Caller, Credential, CurrentCaller, Principal, RoleSession};
pub use op::{Ctx, Op, Permit, Writer};
pub use policies::{Effective, PolicyCache};
