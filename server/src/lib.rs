//! The Portcullis host: configuration, database lifecycle, the HTTP router.

pub mod aws_catalogue;
pub mod aws_policies;
pub mod awsapi;
pub mod config;
pub mod database;
pub mod master_key;
pub mod sandbox;
pub mod startup;
mod web;
