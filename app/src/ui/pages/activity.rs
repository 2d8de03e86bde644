//! Activity: the account's audit log, newest first, filtered, in pages; exports of the
//! filtered events as CSV or JSON.

use crate::api::activity::list_events;
use crate::ui::components::ErrorAlert;
use crate::ui::format::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const CELL: &str = "px-3 py-2 text-left align-top";
const INPUT: &str = "mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm";
const FILTERS: [&str; 6] = ["actor", "action", "resource", "outcome", "from", "to"];

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        FILTERS.map(|k| q.get(k))
    };
    let page = Resource::new(
        move || (filters(), query.read().get("after")),
        |([actor, action, resource, outcome, from, to], after)| {
            list_events(actor, action, resource, outcome, from, to, after)
        },
    );
    let query_string = move |extra: &str| {
        let mut parts: Vec<String> = FILTERS
            .iter()
            .zip(filters())
            .filter_map(|(k, v)| {
                v.filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", urlencode(&v)))
            })
            .collect();
        if !extra.is_empty() {
            parts.push(extra.to_owned());
        }
        parts.join("&")
    };
    let field = move |name: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      placeholder: &'static str| {
        view! {
            <label class="block">
                <span class="text-sm font-medium text-slate-700">{label}</span>
                <input name=name type=kind class=INPUT placeholder=placeholder
                    prop:value=move || query.read().get(name).unwrap_or_default() />
            </label>
        }
    };
    view! {
        <Title text="Activity" />
        <h1 class="text-2xl font-semibold">"Activity"</h1>
        <form method="get" action="/activity" class="mt-6 flex flex-wrap items-end gap-3" aria-label="Filter events">
            {field("actor", "Actor ARN", "text", "arn:aws:iam::…:user/alice")}
            {field("action", "Action", "text", "iam:CreateUser")}
            {field("resource", "Resource ARN", "text", "")}
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Outcome"</span>
                <select name="outcome" class=INPUT>
                    <option value="">"Any"</option>
                    {["success", "denied", "failure"].map(|o| view! {
                        <option value=o selected=move || query.read().get("outcome").as_deref() == Some(o)>{o}</option>
                    })}
                </select>
            </label>
            {field("from", "From", "date", "")}
            {field("to", "To", "date", "")}
            <button type="submit" class="rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm font-medium hover:bg-slate-50">"Filter"</button>
        </form>
        <p class="mt-4 flex gap-4 text-sm">
            <a rel="external" class="font-medium text-link" href=move || format!("/activity/export?{}", query_string("format=csv"))>"Export CSV"</a>
            <a rel="external" class="font-medium text-link" href=move || format!("/activity/export?{}", query_string("format=json"))>"Export JSON"</a>
        </p>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let older = page.marker.clone().map(|m| format!("/activity?{}", query_string(&format!("after={m}"))));
                        view! {
                            <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-surface" tabindex="0" role="region" aria-label="Events">
                                <table class="min-w-full text-sm" data-testid="activity-table">
                                    <thead class="bg-slate-50 text-slate-600">
                                        <tr>
                                            <th scope="col" class=CELL>"Time (UTC)"</th>
                                            <th scope="col" class=CELL>"Actor"</th>
                                            <th scope="col" class=CELL>"Action"</th>
                                            <th scope="col" class=CELL>"Resource"</th>
                                            <th scope="col" class=CELL>"Outcome"</th>
                                            <th scope="col" class=CELL>"Source"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.items.into_iter().map(|e| view! {
                                            <tr class="border-t border-slate-100" data-outcome=e.outcome.clone()>
                                                <td class=CELL>{format!("{} {:02}:{:02}:{:02}", e.at.date(), e.at.hour(), e.at.minute(), e.at.second())}</td>
                                                <td class=format!("{CELL} break-all font-mono text-xs")>{e.actor_arn.clone()}</td>
                                                <td class=CELL>{e.action.clone()}</td>
                                                <td class=format!("{CELL} break-all font-mono text-xs")>{e.resource.clone()}</td>
                                                <td class=CELL>{e.outcome.clone()}{e.error_code.clone().map(|code| view! { <span class="block text-xs text-slate-500">{code}</span> })}</td>
                                                <td class=CELL>{e.source_ip.clone().unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {older.map(|href| view! { <a class="mt-4 inline-block text-sm font-medium text-link" href=href>"Older events"</a> })}
                        }.into_any()
                    }
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}
