//! The status of a server function's error answer follows the error, also when the
//! error arose before the function ran.
//!
//! A server function that runs sets its status through `api::serve`. One whose form
//! could not even be decoded (a list field sent as a single value, a missing argument)
//! never runs, and Leptos answers it with 500; that is bad input, not a fault of the
//! server, so the answer gets the status its error names.

use app::error::AppError;
use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// The header Leptos puts on a server function's error answer.
const ERROR_HEADER: &str = "serverfnerror";
/// An error answer is a short JSON document; anything longer is left as it is.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn follow_error(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Only a body known to be short is read; reading cannot then fail on its length.
    let short = HttpBody::size_hint(&body)
        .upper()
        .is_some_and(|n| n <= MAX_ERROR_BYTES as u64);
    if !short {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
