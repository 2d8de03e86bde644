//! Domain types that can only be built by a parser that checks them. Pure: they run
//! in the browser too, so forms check as you type with the same rules the server uses.

mod account;
mod email;
pub mod messages;
mod password;

pub use account::{AccountAlias, AccountId};
pub use email::EmailAddress;
pub use password::{Password, PasswordRule, RootPasswordCheck};
