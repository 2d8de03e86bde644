//! Builds the router and runs the server.

use crate::web::{csrf, guard, health};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub const SESSION_COOKIE: &str = "portcullis_session";

/// The options Leptos needs to render pages and serve the compiled bundle.
pub fn leptos_options(site_root: &std::path::Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("portcullis")
        .site_root(site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

pub fn router(state: AppState, leptos: LeptosOptions, secure_cookies: bool) -> Router {
    let store = PostgresStore::new(state.pool.clone());
    // The store's own expiry is only an outer bound (the absolute lifetime); idle and
    // absolute expiry are decided by `console_sessions` with the injected clock.
    let max_lifetime = time::Duration::seconds(state.settings.absolute_lifetime.whole_seconds());
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(max_lifetime));

    let routes = generate_route_list(App);
    let context_state = state.clone();
    let pool = state.pool.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(move || health::readyz(pool.clone())))
        .leptos_routes_with_context(
            &leptos,
            routes,
            move || provide_context(context_state.clone()),
            {
                let leptos = leptos.clone();
                move || shell(leptos.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(axum::middleware::from_fn_with_state(
            state,
            guard::guard_pages,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(csrf::verify_origin))
        .layer(TraceLayer::new_for_http())
        .with_state(leptos)
}

/// Removes expired sessions from the store now and then.
pub fn spawn_session_cleanup(pool: sqlx::PgPool) {
    use tower_sessions::session_store::ExpiredDeletion as _;
    let store = PostgresStore::new(pool);
    tokio::spawn(store.continuously_delete_expired(tokio::time::Duration::from_secs(300)));
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
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
