//! The Activity page's exports: the filtered events as a CSV or JSON download, read
//! through the same service (and authorisation) as the page.

use app::authz::{Ctx, CurrentCaller};
use app::directory::activity::{self, ListEvents, parse_day, to_csv};
use app::directory::{ClientAddr, RequestSource};
use app::error::AppError;
use app::model::AuditEvent;
use app::state::AppState;
use axum::extract::{Query, Request};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, USER_AGENT};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// At most this many events in one export (the newest first).
const MAX_EXPORTED: usize = 10_000;

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

pub async fn activity(state: AppState, Query(q): Query<ExportQuery>, request: Request) -> Response {
    // Read what is needed from the request before any await: a body is not Sync.
    let caller = request
        .extensions()
        .get::<CurrentCaller>()
        .and_then(|c| c.0.clone());
    let source = RequestSource::new(
        request
            .extensions()
            .get::<ClientAddr>()
            .map(|ClientAddr(ip)| *ip),
        request
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect()),
    );
    drop(request);
    match export(state, q, caller, source).await {
        Ok(response) => response,
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, format!("{error}\n")).into_response()
        }
    }
}

async fn export(
    state: AppState,
    q: ExportQuery,
    caller: Option<std::sync::Arc<app::authz::Caller>>,
    source: RequestSource,
) -> Result<Response, AppError> {
    let caller = caller.ok_or(AppError::Unauthenticated)?;
    let json = match q.format.as_deref() {
        Some("json") => true,
        Some("csv") | None => false,
        Some(_) => return Err(AppError::validation("format", "must be csv or json")),
    };
    let cx = Ctx::new(state, caller, source);
    let mut options = ListEvents {
        actor: nonempty(q.actor),
        action: nonempty(q.action),
        resource: nonempty(q.resource),
        outcome: nonempty(q.outcome),
        from: parse_day("from", q.from.as_deref().unwrap_or(""))?,
        to: parse_day("to", q.to.as_deref().unwrap_or(""))?.map(|d| d + time::Duration::days(1)),
        marker: None,
        max_items: Some(1000),
    };
    let mut events: Vec<AuditEvent> = Vec::new();
    loop {
        let page = activity::list_audit_events(&cx, options.clone()).await?;
        events.extend(page.items);
        match page.marker {
            Some(marker) if events.len() < MAX_EXPORTED => options.marker = Some(marker),
            _ => break,
        }
    }
    events.truncate(MAX_EXPORTED);
    let (body, kind, name) = if json {
        let body = serde_json::to_string_pretty(&events)
            .map_err(|e| AppError::internal("activity export", e))?;
        (body, "application/json", "activity.json")
    } else {
        (to_csv(&events), "text/csv; charset=utf-8", "activity.csv")
    };
    Ok((
        [
            (CONTENT_TYPE, kind.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
