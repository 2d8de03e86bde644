//! The console's Activity page.

use crate::error::AppError;
use crate::model::{AuditEvent, Page};
use leptos::prelude::*;

#[server(endpoint = "activity/list")]
pub async fn list_events(
    actor: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    marker: Option<String>,
) -> Result<Page<AuditEvent>, AppError> {
    use super::request;
    use crate::directory::activity::{self, ListEvents, parse_day};
    request::serve(|cx| async move {
        let options = ListEvents {
            actor: actor.filter(|s| !s.trim().is_empty()),
            action: action.filter(|s| !s.trim().is_empty()),
            resource: resource.filter(|s| !s.trim().is_empty()),
            outcome: outcome.filter(|s| !s.trim().is_empty()),
            from: parse_day("from", from.as_deref().unwrap_or(""))?,
            // "to" is inclusive in the form: events before the next day.
            to: parse_day("to", to.as_deref().unwrap_or(""))?.map(|d| d + time::Duration::days(1)),
            marker: marker.filter(|m| !m.is_empty()),
            max_items: Some(50),
        };
        activity::list_audit_events(&cx, options).await
    })
    .await
}
