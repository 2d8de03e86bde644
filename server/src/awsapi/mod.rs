//! The AWS Query API for IAM and STS on the console's port: `POST /` with a form body
//! (or `GET /?Action=…`), signed with Signature Version 4 by an access key Portcullis
//! issued, answered in AWS's XML. Every action calls the same service functions as the
//! console, authorised by the same engine, with the caller the signature proved.

mod error;
mod iam;
mod params;
pub mod sigv4;
mod sts;
mod xml;

use app::authz::Ctx;
use app::directory::sts as temporary;
use app::directory::{RequestSource, signing};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use error::ApiError;
use params::Params;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;

pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const STS_VERSION: &str = "2011-06-15";

/// What the API keeps between requests.
pub struct Api {
    state: AppState,
    /// When each key's use was last written, so that a busy key costs no query per
    /// request (the database also keeps it to once per quarter hour across servers).
    last_use: Mutex<HashMap<String, OffsetDateTime>>,
}

impl Api {
    pub fn new(state: AppState) -> Arc<Self> {
        Arc::new(Self {
            state,
            last_use: Mutex::new(HashMap::new()),
        })
    }
}

/// Which service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Iam,
    Sts,
}

impl Service {
    fn namespace(self) -> &'static str {
        match self {
            Self::Iam => IAM_NAMESPACE,
            Self::Sts => STS_NAMESPACE,
        }
    }
}

/// Whether the request is an API call rather than a console page: any POST to `/`
/// (the console never posts there), or a GET of `/` naming an action or signed in its
/// query string.
fn is_api_call(request: &Request) -> bool {
    if request.uri().path() != "/" {
        return false;
    }
    if request.method() == Method::POST {
        return true;
    }
    request.method() == Method::GET
        && request.uri().query().is_some_and(|q| {
            q.split('&')
                .any(|p| p.starts_with("Action=") || p.starts_with("X-Amz-Algorithm="))
        })
}

/// Takes API calls off the console's path (no session, no origin check); everything
/// else goes on.
pub async fn intercept(State(api): State<Arc<Api>>, request: Request, next: Next) -> Response {
    if !is_api_call(&request) {
        return next.run(request).await;
    }
    handle(&api, request).await
}

fn request_id(api: &Api) -> String {
    let mut bytes = [0u8; 16];
    api.state.entropy.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

async fn handle(api: &Api, request: Request) -> Response {
    let request_id = request_id(api);
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > crate::startup::MAX_BODY_BYTES as u64) {
        return respond_error(IAM_NAMESPACE, &ApiError::too_large(), &request_id);
    }
    let body = match axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return respond_error(IAM_NAMESPACE, &ApiError::too_large(), &request_id),
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(query) = parts.uri.query() {
        pairs.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    if parts.method == Method::POST {
        pairs.extend(form_urlencoded::parse(&body).into_owned());
    }
    let params = Params::from_pairs(pairs);
    let version_says = match params.get("Version") {
        Some(STS_VERSION) => Service::Sts,
        _ => Service::Iam,
    };
    let incoming = sigv4::Incoming {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: &body,
    };
    let source = RequestSource::from_parts(&parts);
    let now = api.state.clock.now();
    let (service, cx, region) = match authenticate(api, &incoming, now, source).await {
        Ok(found) => found,
        Err(error) => return respond_error(version_says.namespace(), &error, &request_id),
    };
    let Some(action) = params.get("Action") else {
        return respond_error(
            service.namespace(),
            &ApiError::missing_action(),
            &request_id,
        );
    };
    let outcome = match service {
        Service::Iam => iam::dispatch(&cx, action, &params).await,
        Service::Sts => sts::dispatch(&cx, action, &params, &region).await,
    };
    match outcome {
        Ok(result) => {
            let body = xml::response(service.namespace(), action, result, &request_id);
            xml_response(StatusCode::OK, body, &request_id)
        }
        Err(Failure::Service(error)) => {
            cx.record_failure(&error).await;
            respond_error(service.namespace(), &ApiError::from(error), &request_id)
        }
        Err(Failure::Api(error)) => respond_error(service.namespace(), &error, &request_id),
    }
}

/// Proves the request's signature and makes its caller's context.
async fn authenticate(
    api: &Api,
    incoming: &sigv4::Incoming<'_>,
    now: OffsetDateTime,
    source: RequestSource,
) -> Result<(Service, Ctx, String), ApiError> {
    let signed = sigv4::parse(incoming)?;
    sigv4::check_time(&signed, now)?;
    let service = match signed.scope.service.as_str() {
        "iam" => Service::Iam,
        "sts" => Service::Sts,
        other => {
            return Err(ApiError::signature_mismatch(format!(
                "Credential should be scoped to correct service: 'iam' or 'sts', not '{other}'."
            )));
        }
    };
    let canonical = sigv4::canonical_request(incoming, &signed)?;
    let to_sign = sigv4::string_to_sign(&signed, &canonical);
    let proves = |secret: &str| {
        let derived = sigv4::signing_key(secret, &signed.scope);
        sigv4::matches(&derived, &signed, &to_sign)
    };
    let (caller, generation) = if let Some(token) = &signed.security_token {
        let (key, generation) =
            temporary::find_session_key(&api.state, &signed.scope.access_key_id, token, now)
                .await?;
        let caller = key.prove(proves, now).ok_or_else(error::mismatch)?;
        // As in AWS: GetSessionToken's credentials reach IAM only when MFA was given
        // (a role session's reach it as the role's policies say).
        if service == Service::Iam && !caller.mfa && caller.role_session().is_none() {
            return Err(ApiError::from(app::error::AppError::AccessDenied {
                message: "Temporary credentials from GetSessionToken can call IAM only when \
                          they were issued with MFA (SerialNumber and TokenCode)."
                    .to_owned(),
                explanation: None,
            }));
        }
        (caller, Some(generation))
    } else {
        let (key, generation) =
            signing::find_key(&api.state, &signed.scope.access_key_id, now).await?;
        let key_id = key.id().clone();
        let scope = format!(
            "{}/{}/{}",
            signed.scope.date, signed.scope.region, signed.scope.service
        );
        let caller = key
            .prove(
                &scope,
                |secret| sigv4::signing_key(secret, &signed.scope),
                |derived| sigv4::matches(derived, &signed, &to_sign),
                now,
            )
            .ok_or_else(error::mismatch)?;
        record_use(api, &key_id, now, service, &signed.scope.region).await;
        (caller, Some(generation))
    };
    let cx = Ctx::new(api.state.clone(), Arc::new(caller), source);
    Ok((
        service,
        match generation {
            Some(generation) => cx.with_generation(generation),
            None => cx,
        },
        signed.scope.region,
    ))
}

/// Writes the key's last use when this server has not written it in the last quarter
/// hour; a failure to write is logged, never a reason to refuse the call.
async fn record_use(
    api: &Api,
    key: &app::model::AccessKeyId,
    now: OffsetDateTime,
    service: Service,
    region: &str,
) {
    {
        let mut seen = api.last_use.lock().unwrap_or_else(PoisonError::into_inner);
        match seen.get(key.as_str()) {
            Some(at) if now - *at < signing::LAST_USE_EVERY => return,
            _ => {
                if seen.len() > 100_000 {
                    seen.clear();
                }
                seen.insert(key.as_str().to_owned(), now);
            }
        }
    }
    let name = match service {
        Service::Iam => "iam",
        Service::Sts => "sts",
    };
    if let Err(error) = signing::record_use(&api.state, key, now, name, region).await {
        tracing::warn!(%error, key = %key, "could not record an access key's use");
    }
}

/// Why an action failed: a service's error, or the API's own (a parameter missing).
pub enum Failure {
    Service(app::error::AppError),
    Api(ApiError),
}

impl From<app::error::AppError> for Failure {
    fn from(error: app::error::AppError) -> Self {
        Self::Service(error)
    }
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

/// An action's result: its members, or none for actions that answer only metadata.
pub type Outcome = Result<Option<xml::Xml>, Failure>;

fn respond_error(namespace: &str, error: &ApiError, request_id: &str) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = xml::error(
        namespace,
        error.sender,
        error.code,
        &error.message,
        request_id,
    );
    xml_response(status, body, request_id)
}

fn xml_response(status: StatusCode, body: String, request_id: &str) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// GetUser's whole answer for `user`, as `handle` writes it (the benchmark of one
/// call's cost times this part on its own).
pub fn get_user_answer(user: &app::model::User, request_id: &str) -> String {
    let result = xml::Xml::new().nest("User", iam::user_xml(user, true));
    xml::response(IAM_NAMESPACE, "GetUser", Some(result), request_id)
}
