//! The activity log as the console reads it: ListAuditEvents (Portcullis's own action,
//! in the iam namespace, authorised on `*`), newest first, filtered, keyset-paged.

use super::paging::max_items;
use crate::authz::{Ctx, IamAction};
use crate::error::AppError;
use crate::model::{AuditEvent, Page, csv};
use crate::store::{self, audit::Filter};
use time::OffsetDateTime;

#[derive(Debug, Clone, Default)]
pub struct ListEvents {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub resource: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub marker: Option<String>,
    pub max_items: Option<i64>,
}

pub async fn list_audit_events(
    cx: &Ctx,
    options: ListEvents,
) -> Result<Page<AuditEvent>, AppError> {
    let limit = max_items(options.max_items)?;
    let before_seq = options
        .marker
        .as_deref()
        .map(|m| {
            m.parse::<i64>()
                .map_err(|_| AppError::validation("marker", "is not a marker this list gave"))
        })
        .transpose()?;
    if let Some(outcome) = options.outcome.as_deref()
        && !["success", "denied", "failure"].contains(&outcome)
    {
        return Err(AppError::validation(
            "outcome",
            "must be success, denied or failure",
        ));
    }
    let mut op = cx.begin().await?;
    op.authorize(IamAction::ListAuditEvents, "*").await?;
    let filter = Filter {
        actor: options.actor.as_deref(),
        action: options.action.as_deref(),
        resource: options.resource.as_deref(),
        outcome: options.outcome.as_deref(),
        from: options.from,
        to: options.to,
        before_seq,
    };
    let rows = store::audit::list(op.reader(), cx.account().as_str(), &filter, limit + 1).await?;
    let items: Vec<AuditEvent> = rows
        .into_iter()
        .map(|r| AuditEvent {
            seq: r.seq,
            at: r.at,
            actor_arn: r.actor_arn,
            source_ip: r.source_ip,
            user_agent: r.user_agent,
            action: r.action,
            resource: r.resource,
            params: r.params,
            outcome: r.outcome,
            error_code: r.error_code,
        })
        .collect();
    Ok(super::paging::paginate(items, limit, |e| e.seq.to_string()))
}

/// A date filter from a form (`2026-11-23`), as the start of that day in UTC.
pub fn parse_day(field: &str, input: &str) -> Result<Option<OffsetDateTime>, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(input, &format)
        .map(|d| Some(d.midnight().assume_utc()))
        .map_err(|_| AppError::validation(field, "must be a date such as 2026-11-23"))
}

/// The events as CSV, one row each, with a header.
pub fn to_csv(events: &[AuditEvent]) -> String {
    let mut out = String::from(
        "seq,time,actor,source_ip,user_agent,action,resource,outcome,error_code,parameters\r\n",
    );
    for e in events {
        let at =
            e.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
        let row = [
            e.seq.to_string(),
            at,
            e.actor_arn.clone(),
            e.source_ip.clone().unwrap_or_default(),
            e.user_agent.clone().unwrap_or_default(),
            e.action.clone(),
            e.resource.clone(),
            e.outcome.clone(),
            e.error_code.clone().unwrap_or_default(),
            e.params.clone(),
        ];
        out.push_str(
            &row.iter()
                .map(|c| csv::cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}
