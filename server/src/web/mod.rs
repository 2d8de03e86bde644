//! HTTP edges around the console: host and origin checks, client address, security
//! headers, page guard, health.

pub mod client_addr;
pub mod export;
pub mod fn_status;
pub mod guard;
pub mod headers;
pub mod health;
pub mod idle;
pub mod origin;
