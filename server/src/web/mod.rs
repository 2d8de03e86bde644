//! HTTP edges around the console: origin checks, page guard, health.

pub mod csrf;
pub mod guard;
pub mod health;
