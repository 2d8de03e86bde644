//! The console's pages and the pieces they share.

pub mod app;
mod components;
pub(crate) mod format;
mod layout;
mod lazy_pages;
mod pages;
mod small_post;
mod tags_card;
