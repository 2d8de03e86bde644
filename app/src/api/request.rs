//! What a server function reads from its request: state, session, source.

use crate::authz::{Caller, Ctx, CurrentCaller};
use crate::directory::RequestSource;
use crate::error::AppError;
use crate::state::AppState;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::{ACCEPT, RETRY_AFTER};
use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;
use std::sync::Arc;
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
    use_context::<Parts>().map_or_else(RequestSource::default, |parts| {
        RequestSource::from_parts(&parts)
    })
}

/// The caller of this request: resolved once by the edge (`CurrentCaller` in the
/// request's extensions), or here when the edge did not (a request outside the guard).
pub async fn caller() -> Result<Option<Arc<Caller>>, AppError> {
    if let Some(CurrentCaller(caller)) =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<CurrentCaller>().cloned())
    {
        return Ok(caller);
    }
    let state = state()?;
    Ok(crate::directory::sessions::current(&state, &session()?)
        .await?
        .map(Arc::new))
}

/// The one way a console server function runs a service: the caller resolved once,
/// the context built, and the HTTP status always following the error.
pub async fn serve<T, F, Fut>(work: F) -> Result<T, AppError>
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async {
        let caller = caller().await?.ok_or(AppError::Unauthenticated)?;
        let cx = Ctx::new(state()?, caller, source());
        let done = work(cx.clone()).await;
        if let Err(error) = &done {
            cx.record_failure(error).await;
        }
        done
    }
    .await;
    finish(result)
}

/// For the few server functions that need no caller (setup, sign-in).
pub async fn serve_public<T>(
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    finish(work.await)
}
