//! Builds the router and runs the server.

use crate::config::AllowedOrigins;
use crate::web::{client_addr, export, fn_status, guard, headers, health, idle, origin};
use app::policy::Cidr;
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::routing::get;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

/// The session cookie's name over plain http. Over https it is `__Host-` prefixed, so
/// the browser refuses it unless it is Secure, host-only and for the whole site.
pub const SESSION_COOKIE: &str = "portcullis_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-portcullis_session";

/// A body larger than this gets 413 before anything reads it: console forms are small.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A request (headers, body and handling) must be done within this long (408 otherwise).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A client must send its request headers within this long, or the connection closes.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection on which nothing moves for this long is closed: longer than a request
/// may take, so a request in flight is never cut off by it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long requests in flight may take to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// What the HTTP edge needs from the configuration.
#[derive(Debug, Clone)]
pub struct Edge {
    pub https: bool,
    pub allowed: AllowedOrigins,
    pub trusted_proxies: Vec<Cidr>,
}

impl Edge {
    pub fn from_settings(settings: &crate::config::Settings) -> Self {
        Self {
            https: settings.secure_cookies(),
            allowed: settings.allowed_origins.clone(),
            trusted_proxies: settings.trusted_proxies.clone(),
        }
    }
}

/// The options Leptos needs to render pages and serve the compiled bundle.
pub fn leptos_options(site_root: &std::path::Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("portcullis")
        .site_root(site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed_bundle())
        .build()
}

/// Whether the bundle was built with content hashes in its file names (`make run`'s
/// release build): cargo-leptos then leaves `hash.txt` beside the server binary, where
/// Leptos reads the names from.
pub fn hashed_bundle() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE)))
        .is_some_and(|file| file.is_file())
}

const HASH_FILE: &str = "hash.txt";

pub fn router(state: AppState, leptos: LeptosOptions, edge: Edge) -> Router {
    let store = PostgresStore::new(state.pool.clone());
    // A browser-session cookie: it goes when the browser closes. Idle and absolute
    // expiry are decided by `console_sessions` with the injected clock; the store's own
    // record expiry is only an outer bound.
    let sessions = SessionManagerLayer::new(store)
        .with_name(if edge.https {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(edge.https)
        .with_path("/")
        .with_expiry(Expiry::OnSessionEnd);

    let routes = generate_route_list(App);
    let context_state = state.clone();
    let page_context = move || {
        provide_context(context_state.clone());
        page_security_policy();
    };
    let pool = state.pool.clone();
    let export_state = state.clone();
    let api = crate::awsapi::Api::new(state.clone());
    // The bundle, as brotli or gzip when the release build left compressed copies.
    let bundle = ServeDir::new(std::path::Path::new(leptos.site_root.as_ref()).join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", bundle)
        .route(crate::aws_catalogue::PATH, get(crate::aws_catalogue::serve))
        .route("/healthz", get(health::healthz))
        .route(
            "/activity/export",
            get(
                move |query: axum::extract::Query<export::ExportQuery>,
                      request: axum::extract::Request| {
                    export::activity(export_state.clone(), query, request)
                },
            ),
        )
        .route("/readyz", get(move || health::readyz(pool.clone())))
        .leptos_routes_with_context(&leptos, routes, page_context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            page_context,
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            guard::guard_pages,
        ))
        .layer(axum::middleware::from_fn(fn_status::follow_error))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(edge.allowed),
            origin::verify,
        ))
        // Inside the AWS API's interception, which caps its bodies itself and refuses
        // a larger one in AWS's XML.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // The AWS API: signed, not a browser, so outside the session and origin checks.
        .layer(axum::middleware::from_fn_with_state(
            api,
            crate::awsapi::intercept,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(edge.trusted_proxies),
            client_addr::resolve,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            headers::Edge {
                https: edge.https,
                hashed_bundle: leptos.hash_files,
            },
            headers::secure,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(leptos)
}

/// A page's Content-Security-Policy names the nonce Leptos put on that page's scripts.
fn page_security_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&headers::content_security_policy(Some(&nonce))) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Removes expired sessions from the store now and then.
pub fn spawn_session_cleanup(pool: sqlx::PgPool) {
    use tower_sessions::session_store::ExpiredDeletion as _;
    let store = PostgresStore::new(pool);
    tokio::spawn(store.continuously_delete_expired(tokio::time::Duration::from_secs(300)));
}

/// Forgets stale sign-in limits and old sign-in attempts now and then.
pub fn spawn_signin_pruning(state: AppState) {
    /// Sign-in attempts are kept this long (they are the record of who tried what).
    const KEEP_ATTEMPTS: time::Duration = time::Duration::days(90);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match app::directory::signin::prune(&state, KEEP_ATTEMPTS).await {
                Ok((limits, attempts)) => {
                    tracing::debug!(limits, attempts, "pruned sign-in records");
                }
                Err(error) => tracing::warn!(%error, "could not prune sign-in records"),
            }
            match app::directory::sts::prune_expired(&state).await {
                Ok(pruned) => tracing::debug!(pruned, "pruned expired temporary credentials"),
                Err(error) => {
                    tracing::warn!(%error, "could not prune expired temporary credentials");
                }
            }
        }
    });
}

/// Serves until `shutdown` completes, then lets requests in flight finish. Unlike
/// `axum::serve`, a client that sends its headers too slowly is cut off
/// (`HEADER_READ_TIMEOUT`), so slow clients cannot hold connections open for ever.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // HTTP/1 only: browsers speak HTTP/2 only over TLS, which a reverse proxy ends, and
    // the version sniffing of a dual builder has no timeout of its own.
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let (stream, activity) = idle::Watched::new(stream);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that has not started its first request by the header deadline,
            // or that goes quiet for longer than any request may take, is dropped. A
            // connection the server has already answered on is past its start: a kept-
            // alive one whose streamed page pauses at that moment is busy, not silent
            // (cutting it broke slow pages mid-body).
            let silent_start = async {
                tokio::time::sleep(HEADER_READ_TIMEOUT).await;
                if activity.has_answered() || activity.idle_for() < HEADER_READ_TIMEOUT {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %peer, "connection ended with an error");
                    }
                }
                () = silent_start => tracing::debug!(%peer, "closed a connection that sent nothing"),
                () = activity.idle_longer_than(IDLE_TIMEOUT) => {
                    tracing::debug!(%peer, "closed an idle connection");
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the shutdown grace period were cut off");
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
