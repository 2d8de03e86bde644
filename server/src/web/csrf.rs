//! CSRF defence for every state-changing request: the browser must say the request
//! comes from our own origin. Browsers send `Sec-Fetch-Site` and `Origin` on every
//! POST; a request from another site is refused before it reaches any handler. Clients
//! that are not browsers send neither and carry no ambient cookie to abuse. Together
//! with SameSite=Lax session cookies.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn verify_origin(request: Request, next: Next) -> Response {
    if is_safe(request.method()) || same_origin(&request) {
        next.run(request).await
    } else {
        tracing::warn!(
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "refused a cross-site request"
        );
        (
            StatusCode::FORBIDDEN,
            "Refused: this request came from another site (cross-site request forgery protection).",
        )
            .into_response()
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" is a navigation the person started (address bar, bookmark).
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest);
            matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
        }
    }
}
