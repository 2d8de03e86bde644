use crate::api::dashboard::{DashboardView, Resources, SecurityItem, dashboard};
use crate::ui::components::{CopyButton, ErrorAlert};
use crate::ui::format::format_time;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Dashboard" />
        <h1 class="text-2xl font-semibold">"Dashboard"</h1>
        <Suspense fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Overview view /> }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(view: DashboardView) -> impl IntoView {
    let done = view.security.iter().filter(|i| i.ok).count();
    let total = view.security.len();
    view! {
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section class="rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="account-heading">
                <h2 id="account-heading" class="text-lg font-medium">"Account"</h2>
                <dl class="mt-4 grid grid-cols-3 gap-y-3 text-sm">
                    <dt class="text-slate-500">"Account ID"</dt>
                    <dd class="col-span-2"><span class="font-mono" data-testid="account-id">{view.account_id.clone()}</span><CopyButton text=view.account_id what="account ID" /></dd>
                    <dt class="text-slate-500">"Alias"</dt>
                    <dd class="col-span-2" data-testid="account-alias">
                        {view.alias.unwrap_or_else(|| "None".to_owned())}
                    </dd>
                    {view.root_email.map(|email| view! {
                        <dt class="text-slate-500">"Root user"</dt>
                        <dd class="col-span-2">{email}</dd>
                    })}
                    <dt class="text-slate-500">"Created"</dt>
                    <dd class="col-span-2">{format_time(view.created_at)}</dd>
                    <dt class="text-slate-500">"IAM users sign in at"</dt>
                    <dd class="col-span-2">
                        <span class="break-all font-mono" data-testid="iam-signin-url">{view.iam_signin_url.clone()}</span>
                        <CopyButton text=view.iam_signin_url what="sign-in URL" />
                    </dd>
                </dl>
            </section>
            <section class="rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="resources-heading">
                <h2 id="resources-heading" class="text-lg font-medium">"IAM resources"</h2>
                {match view.resources {
                    Resources::Counts { users, groups, policies } => view! {
                        <dl class="mt-4 grid grid-cols-3 gap-4 text-center" data-testid="resource-counts">
                            <div><dt class="text-sm text-slate-500">"Users"</dt><dd class="text-2xl font-semibold">{users}</dd></div>
                            <div><dt class="text-sm text-slate-500">"Groups"</dt><dd class="text-2xl font-semibold">{groups}</dd></div>
                            <div><dt class="text-sm text-slate-500">"Customer managed policies"</dt><dd class="text-2xl font-semibold">{policies}</dd></div>
                        </dl>
                    }.into_any(),
                    Resources::Denied(message) => view! {
                        <p class="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-800" role="status" data-testid="resources-denied">
                            {message}
                        </p>
                    }.into_any(),
                }}
            </section>
            <section class="rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="security-heading">
                <h2 id="security-heading" class="text-lg font-medium">"Security status"</h2>
                <p class="mt-1 text-sm text-slate-500">{format!("{done} of {total} recommendations met")}</p>
                <ul class="mt-4 space-y-3" data-testid="security-checklist">
                    {view.security.into_iter().map(|item| view! { <SecurityRow item /> }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

#[component]
fn SecurityRow(item: SecurityItem) -> impl IntoView {
    view! {
        <li class="flex gap-3" data-ok=item.ok.to_string()>
            <span
                class=if item.ok { "text-emerald-600" } else { "text-amber-600" }
                aria-label=if item.ok { "Done" } else { "Not done" }
            >
                {if item.ok { "✓" } else { "!" }}
            </span>
            <div>
                <p class="text-sm font-medium">{item.title}</p>
                <p class="text-xs text-slate-500">{item.detail}</p>
                {item.action.map(|(label, href)| view! {
                    <a class="mt-1 inline-block text-xs font-medium text-link underline" href=href>{label}</a>
                })}
            </div>
        </li>
    }
}
