//! Server functions, one file per area. Each is a few lines: principal from the
//! session, then a service call.

pub mod account;
pub mod activity;
pub mod auth;
pub mod dashboard;
pub mod groups;
pub mod policies;
pub mod setup;
pub mod users;

#[cfg(feature = "ssr")]
mod request;
