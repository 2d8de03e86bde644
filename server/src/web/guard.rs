//! Resolves the caller once per request (the session lookup the layout, the page and
//! its server functions then share), and sends page requests where they belong before
//! any page renders: to first-run setup while no account exists, to sign-in without a
//! live session. Works without wasm.

use app::authz::CurrentCaller;
use app::directory::{accounts, sessions};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use tower_sessions::Session;

/// Where an IAM user whose password must be reset is kept until they change it.
const CHANGE_PASSWORD: &str = "/change-password";

pub async fn guard_pages(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if !needs_caller(&path) {
        return next.run(request).await;
    }
    let caller = match sessions::current(&state, &session).await {
        Ok(caller) => caller.map(Arc::new),
        Err(error) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    let signed_in = caller.is_some();
    let must_reset = caller.as_ref().is_some_and(|c| c.password_reset_required);
    request.extensions_mut().insert(CurrentCaller(caller));
    if request.method() != Method::GET || path.starts_with("/api/") {
        return next.run(request).await;
    }
    if must_reset && path != CHANGE_PASSWORD {
        return Redirect::to(CHANGE_PASSWORD).into_response();
    }
    match decide(&state, &path, signed_in).await {
        Ok(None) => next.run(request).await,
        Ok(Some(location)) => Redirect::to(location).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

/// Assets and health checks pass untouched; pages and server functions get a caller.
fn needs_caller(path: &str) -> bool {
    const NOT_PAGES: [&str; 4] = ["/pkg/", "/aws/", "/healthz", "/readyz"];
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    !NOT_PAGES.iter().any(|p| path.starts_with(p))
        && (path.starts_with("/api/") || !last_segment.contains('.'))
}

async fn decide(
    state: &AppState,
    path: &str,
    signed_in: bool,
) -> Result<Option<&'static str>, app::error::AppError> {
    if accounts::setup_required(state).await? {
        return Ok((path != "/setup").then_some("/setup"));
    }
    if path == "/setup" {
        // The page itself explains that setup is closed.
        return Ok(None);
    }
    let signin_page = path == "/signin" || path.starts_with("/signin/") || path == "/signin-mfa";
    Ok(match (signin_page, signed_in) {
        (true, true) => Some("/"),
        (true, false) | (false, true) => None,
        (false, false) => Some("/signin"),
    })
}
