//! Sends page requests where they belong before any page renders: to first-run setup
//! while no account exists, to sign-in without a live session. Works without wasm.

use app::directory::{accounts, sessions};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub async fn guard_pages(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET || !is_page(request.uri().path()) {
        return next.run(request).await;
    }
    match decide(&state, &session, request.uri().path()).await {
        Ok(None) => next.run(request).await,
        Ok(Some(location)) => Redirect::to(location).into_response(),
        Err(error) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            error.to_string(),
        )
            .into_response(),
    }
}

/// Assets, server functions and health checks pass untouched.
fn is_page(path: &str) -> bool {
    const NOT_PAGES: [&str; 4] = ["/pkg/", "/api/", "/healthz", "/readyz"];
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    !NOT_PAGES.iter().any(|p| path.starts_with(p)) && !last_segment.contains('.')
}

async fn decide(
    state: &AppState,
    session: &Session,
    path: &str,
) -> Result<Option<&'static str>, app::error::AppError> {
    if accounts::setup_required(state).await? {
        return Ok((path != "/setup").then_some("/setup"));
    }
    if path == "/setup" {
        // The page itself explains that setup is closed.
        return Ok(None);
    }
    let signed_in = sessions::current(state, session).await?.is_some();
    Ok(match (path, signed_in) {
        ("/signin", true) => Some("/"),
        ("/signin", false) | (_, true) => None,
        (_, false) => Some("/signin"),
    })
}
