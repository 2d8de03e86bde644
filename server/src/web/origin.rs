//! Only our own host, and only our own pages may change anything.
//!
//! Every request must name one of the allowed hosts (those of `PORTCULLIS_PUBLIC_URL`):
//! a page on another site that resolves its own name to this server (DNS rebinding)
//! sends its own name as `Host` and is refused with 421. Health checks are exempt: they
//! change nothing and reveal nothing.
//!
//! A state-changing request must carry `Sec-Fetch-Site: same-origin` or an `Origin`
//! that is exactly one of ours (scheme included), and nothing that contradicts it.
//! Browsers send both on every POST; a request with neither, or one the person started
//! from the address bar (`Sec-Fetch-Site: none`), is refused. Programs use the AWS API,
//! which has its own router and its own authentication.

use crate::config::AllowedOrigins;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn verify(
    State(allowed): State<Arc<AllowedOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path == "/healthz" || path == "/readyz" {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if !host.is_some_and(|h| allowed.allows_host(h)) {
        tracing::warn!(host = ?host, path, "refused a request for another host");
        let ours = allowed.origins.first().map(String::as_str).unwrap_or("");
        return (
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "Refused: this server answers only as {ours}. If that is not the address you \
                 use, set PORTCULLIS_PUBLIC_URL.\n"
            ),
        )
            .into_response();
    }
    if is_safe(request.method()) {
        return next.run(request).await;
    }
    match same_origin(&request, &allowed) {
        Ok(()) => next.run(request).await,
        Err(reason) => {
            tracing::warn!(
                path,
                origin = ?request.headers().get(header::ORIGIN),
                sec_fetch_site = ?request.headers().get("sec-fetch-site"),
                reason,
                "refused a cross-site request"
            );
            (
                StatusCode::FORBIDDEN,
                format!(
                    "Refused: {reason} (cross-site request forgery protection). Use the \
                     console's own pages.\n"
                ),
            )
                .into_response()
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(request: &Request, allowed: &AllowedOrigins) -> Result<(), &'static str> {
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or(""));
    match site {
        None | Some(b"same-origin") => {}
        Some(b"none") => return Err("a change cannot start from the address bar or a bookmark"),
        Some(_) => return Err("the request came from another site"),
    }
    match origin {
        Some(origin) if allowed.allows_origin(origin) => Ok(()),
        Some(_) => Err("the request came from another origin"),
        None if site.is_some() => Ok(()),
        None => Err("the request did not say where it came from"),
    }
}
