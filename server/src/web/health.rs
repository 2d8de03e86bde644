use axum::http::StatusCode;
use axum::response::IntoResponse;
use sqlx::PgPool;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// The process can serve: the database answers.
pub async fn readyz(pool: PgPool) -> impl IntoResponse {
    match sqlx::query("SELECT 1").execute(&pool).await {
        Ok(_) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}
