//! Server functions, one file per area. Each is a few lines: principal from the
//! session, then a service call.

pub mod access_keys;
// The password policy form has nine fields, one argument each (see `users` below).
#[allow(clippy::too_many_arguments)]
pub mod account;
pub mod activity;
pub mod auth;
pub mod dashboard;
pub mod groups;
pub mod mfa;
pub mod password_strength;
pub mod policies;
// The create-role wizard's form has a field per question, one argument each.
#[allow(clippy::too_many_arguments)]
pub mod roles;
pub mod setup;
// A server function takes one argument per form field (the create-user wizard has ten),
// and `#[server]` does not carry an `allow` on the function to the code it generates.
#[allow(clippy::too_many_arguments)]
pub mod users;

#[cfg(feature = "ssr")]
mod request;
