//! The Portcullis console: UI, shared types and server functions; behind the `ssr`
//! feature also the services and SQL they call.

pub mod api;
pub mod error;
pub mod model;
pub mod policy;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod authz;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod directory;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

pub use ui::app::{App, shell};
