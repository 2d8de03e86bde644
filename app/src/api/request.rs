//! What a server function reads from its request: state, session, source.

use crate::directory::{ClientAddr, RequestSource};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::{ACCEPT, RETRY_AFTER, USER_AGENT};
use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::net::SocketAddr;
use tower_sessions::Session;

/// The one place a server function's outcome becomes an HTTP status. A plain form post
/// (no wasm) keeps the framework's redirect back to the form, which carries the error.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let plain_form = use_context::<Parts>()
            .and_then(|parts| parts.headers.get(ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if let (false, Some(response), Ok(status)) = (
            plain_form,
            use_context::<ResponseOptions>(),
            StatusCode::from_u16(error.status_code()),
        ) {
            response.set_status(status);
            if let Some(secs) = error.retry_after_secs() {
                response.insert_header(RETRY_AFTER, HeaderValue::from(secs));
            }
        }
    }
    result
}

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
    let ip = parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| *ip)
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        });
    let user_agent = parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(512).collect());
    RequestSource::new(ip, user_agent)
}
