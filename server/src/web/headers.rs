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

/// What the headers depend on.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// The console is served over https: HSTS is sent.
    pub https: bool,
    /// The bundle's file names carry a hash of their content, so a name never changes
    /// meaning and browsers may keep the file for a year without asking again.
    pub hashed_bundle: bool,
}

/// A hashed file never changes; an unhashed one (the debug build) must be revalidated,
/// or a rebuilt bundle would meet a stale page.
fn bundle_cache_control(hashed: bool) -> HeaderValue {
    if hashed {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("no-cache")
    }
}

pub async fn secure(State(edge): State<Edge>, request: Request, next: Next) -> Response {
    // The compiled bundle is the same for everyone and may be cached; everything else
    // (pages, server functions) can carry account data.
    let path = request.uri().path();
    let bundle = path.starts_with("/pkg/");
    let cache_control = if bundle {
        bundle_cache_control(edge.hashed_bundle)
    } else if path == "/favicon.ico" {
        HeaderValue::from_static("public, max-age=86400")
    } else if path == crate::aws_catalogue::PATH {
        // Public AWS data, the same for everyone; it changes with the binary, so it is
        // revalidated (its ETag makes that a 304).
        HeaderValue::from_static("public, no-cache")
    } else {
        HeaderValue::from_static("no-store")
    };
    let https = edge.https;
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
    headers.insert(header::CACHE_CONTROL, cache_control);
    // The bundle is served brotli, gzip or plain as the browser accepts: a shared cache
    // must keep them apart (ServeDir does not say so).
    if bundle && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::bundle_cache_control;

    #[test]
    fn only_a_hashed_bundle_is_cached_without_asking() {
        assert_eq!(
            bundle_cache_control(true),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(bundle_cache_control(false), "no-cache");
    }
}
