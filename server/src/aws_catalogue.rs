//! The AWS service catalogue built into this binary (server/build.rs finds or makes it
//! with scripts/aws-catalogue.sh): served to the policy editor as a compressed asset, and
//! read by `portcullis policy lint`.

use app::policy::Catalogue;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;

/// Where the console fetches it (app::ui keeps the same path).
pub const PATH: &str = app::policy::catalogue::ASSET_PATH;

const JSON: &str = include_str!(env!("PORTCULLIS_AWS_CATALOGUE_JSON"));
const GZIP: &[u8] = include_bytes!(concat!(env!("PORTCULLIS_AWS_CATALOGUE_JSON"), ".gz"));

/// The built-in catalogue, parsed once; `None` if it does not parse (the build checks
/// that it does, so this only guards against a hand-made file).
pub fn catalogue() -> Option<&'static Catalogue> {
    static PARSED: OnceLock<Option<Catalogue>> = OnceLock::new();
    PARSED
        .get_or_init(|| match Catalogue::parse(JSON) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::error!("{e}");
                None
            }
        })
        .as_ref()
}

/// A strong validator: the content's fingerprint.
fn etag() -> &'static str {
    static ETAG: OnceLock<String> = OnceLock::new();
    ETAG.get_or_init(|| {
        let fingerprint = app::store::aws_policies::fingerprint(JSON.as_bytes());
        format!("\"{}\"", &fingerprint[..32])
    })
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `GET` of the catalogue: gzip when the client takes it, else plain JSON; a matching
/// `If-None-Match` gets 304. Cache headers are set by the edge layer.
pub async fn serve(headers: HeaderMap) -> Response {
    let etag = etag();
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else if accepts_gzip(&headers) {
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            GZIP,
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], JSON).into_response()
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        out.insert(header::ETAG, value);
    }
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}
