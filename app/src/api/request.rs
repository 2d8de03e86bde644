//! What a server function reads from its request: state, session, source.

use crate::directory::RequestSource;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use leptos::prelude::use_context;
use std::net::SocketAddr;
use tower_sessions::Session;

pub fn state() -> Result<AppState, AppError> {
    AppState::from_context()
}

pub fn session() -> Result<Session, AppError> {
    let parts = use_context::<Parts>()
        .ok_or_else(|| AppError::internal("context", "request parts are not provided"))?;
    parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| AppError::internal("context", "the session layer is not installed"))
}

pub fn source() -> RequestSource {
    let Some(parts) = use_context::<Parts>() else {
        return RequestSource::default();
    };
    RequestSource {
        ip: parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string()),
        user_agent: parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect()),
    }
}
