//! Security headers on every console response.
//!
//! The Content-Security-Policy allows scripts only from this origin and inline scripts
//! only with the nonce of that very page (Leptos puts it on its hydration scripts), so an
//! injected `<script>` does not run; wasm may be compiled (`'wasm-unsafe-eval'`), nothing
//! may frame the console, and forms post only to it.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether the console is served over https (then HSTS is sent).
#[derive(Debug, Clone, Copy)]
pub struct Https(pub bool);

pub async fn secure(State(Https(https)): State<Https>, request: Request, next: Next) -> Response {
    // The compiled bundle is the same for everyone and may be cached; everything else
    // (pages, server functions) can carry account data.
    let cacheable =
        request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.ico";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Pages rendered by Leptos carry their own, with their nonce.
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // No other origin ever learns a console URL. Our own origin still gets the Referer:
    // the no-wasm form round trip returns to the form through it.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
