//! The Portcullis host: configuration, database lifecycle, the HTTP router.

pub mod config;
pub mod database;
pub mod startup;
mod web;
