//! One integration-test binary: each test boots a real server on a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod csrf;
mod embedded;
mod health;
mod helpers;
mod sessions;
mod setup;
mod signin;
