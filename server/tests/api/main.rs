//! One integration-test binary: each test boots a real server on a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access_keys;
mod authz_matrix;
mod aws_api;
mod aws_policies;
mod cli;
mod console;
mod directory;
mod edge;
mod embedded;
mod fixture;
mod groups;
mod hashing;
mod health;
mod helpers;
mod limits;
mod listings;
mod master_key;
mod mfa;
mod password_policy;
mod password_strength;
mod policies;
mod roles;
mod sessions;
mod setup;
mod signin;
