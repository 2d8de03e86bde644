//! The console's pages and the pieces they share.

pub mod app;
mod components;
mod layout;
mod pages;
