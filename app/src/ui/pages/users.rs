//! Users: the list (server-side search, path filter, keyset pages) and the create form.

use crate::api::users::{CreateUser, CreatedUser, list_users};
use crate::ui::components::{ActionError, ErrorAlert, TextField};
use crate::ui::format::{format_time, urlencode};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const BUTTON: &str =
    "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500";
const CELL: &str = "px-3 py-2 text-left";

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("q"), q.get("path"), q.get("after"))
    };
    let page = Resource::new(params, |(q, path, after)| list_users(q, path, after));
    view! {
        <Title text="Users" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-semibold">"Users"</h1>
            <a href="/users/new" class=BUTTON>"Create user"</a>
        </div>
        <form method="get" action="/users" class="mt-6 flex flex-wrap items-end gap-3" role="search">
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Search by name"</span>
                <input name="q" type="search" class="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
                    prop:value=move || query.read().get("q").unwrap_or_default() />
            </label>
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Path prefix"</span>
                <input name="path" class="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm" placeholder="/"
                    prop:value=move || query.read().get("path").unwrap_or_default() />
            </label>
            <button type="submit" class="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
                "Search"
            </button>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let next = page.marker.clone().map(|marker| {
                            let (q, path, _) = params();
                            let mut href = format!("/users?after={}", urlencode(&marker));
                            if let Some(q) = q { href.push_str(&format!("&q={}", urlencode(&q))); }
                            if let Some(p) = path { href.push_str(&format!("&path={}", urlencode(&p))); }
                            href
                        });
                        view! {
                            <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-white">
                                <table class="min-w-full text-sm" data-testid="users-table">
                                    <thead class="bg-slate-50 text-slate-600">
                                        <tr>
                                            <th scope="col" class=CELL>"User name"</th>
                                            <th scope="col" class=CELL>"Path"</th>
                                            <th scope="col" class=CELL>"Groups"</th>
                                            <th scope="col" class=CELL>"Last console sign-in"</th>
                                            <th scope="col" class=CELL>"Created"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.items.into_iter().map(|u| view! {
                                            <tr class="border-t border-slate-100">
                                                <td class=CELL>{u.name.to_string()}</td>
                                                <td class=format!("{CELL} font-mono")>{u.path.to_string()}</td>
                                                <td class=CELL>{u.group_count}</td>
                                                <td class=CELL>{u.password_last_used.map_or_else(|| "Never".to_owned(), format_time)}</td>
                                                <td class=CELL>{format_time(u.created_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {next.map(|href| view! {
                                <a href=href class="mt-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">"Next page"</a>
                            })}
                        }.into_any()
                    }
                    Err(error) => view! { <div class="mt-6"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    let created = move || action.value().get().and_then(Result::ok);
    view! {
        <Title text="Create user" />
        <h1 class="text-2xl font-semibold">"Create user"</h1>
        <Show
            when=move || created().is_some()
            fallback=move || view! {
                <ActionForm action attr:class="mt-6 max-w-lg space-y-4">
                    {ActionError(action)}
                    <TextField name="user_name" label="User name" required=true
                        hint="Up to 64 letters, digits and + = , . @ _ -" />
                    <TextField name="path" label="Path" hint="Optional, for example /engineering/" />
                    <fieldset class="space-y-2 rounded-md border border-slate-200 p-4">
                        <legend class="px-1 text-sm font-medium text-slate-700">"Console access"</legend>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="console_access" value="on" />
                            "Let this user sign in to the console"
                        </label>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="radio" name="password_choice" value="generated" checked=true />
                            "Generate a password"
                        </label>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="radio" name="password_choice" value="custom" />
                            "Custom password"
                        </label>
                        <label class="block">
                            <span class="text-sm text-slate-700">"Custom password"</span>
                            <input type="password" name="password" autocomplete="new-password"
                                class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm" />
                        </label>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="require_reset" value="on" checked=true />
                            "User must create a new password at next sign-in"
                        </label>
                    </fieldset>
                    <button type="submit" class=BUTTON disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create user" }}
                    </button>
                </ActionForm>
            }
        >
            {move || created().map(|c| view! { <Created created=c /> })}
        </Show>
    }
}

/// The success page: the password is shown this once, with a CSV to hand over.
#[component]
fn Created(created: CreatedUser) -> impl IntoView {
    let name = created.user.name.to_string();
    let csv = created.console_password.as_ref().map(|p| {
        format!(
            "User name,Password,Console sign-in URL\r\n{},{},{}\r\n",
            csv_field(&name),
            csv_field(p),
            csv_field(&created.signin_url)
        )
    });
    view! {
        <div class="mt-6 max-w-2xl space-y-4 rounded-xl border border-emerald-200 bg-emerald-50 p-6" role="status">
            <p class="font-medium">{format!("User {name} created.")}</p>
            <dl class="grid grid-cols-3 gap-y-2 text-sm">
                <dt class="text-slate-600">"ARN"</dt>
                <dd class="col-span-2 break-all font-mono">{created.user.arn.clone()}</dd>
                <dt class="text-slate-600">"Console sign-in URL"</dt>
                <dd class="col-span-2 break-all font-mono" data-testid="signin-url">{created.signin_url.clone()}</dd>
                {created.console_password.clone().map(|p| view! {
                    <dt class="text-slate-600">"Password"</dt>
                    <dd class="col-span-2 font-mono" data-testid="generated-password">{p}</dd>
                })}
            </dl>
            {csv.map(|csv| view! {
                <p class="text-sm text-slate-700">"This is the only time the password is shown. Download it or copy it now."</p>
                <a
                    class=BUTTON
                    download=format!("{name}_credentials.csv")
                    href=format!("data:text/csv;charset=utf-8,{}", urlencode(&csv))
                >
                    "Download .csv"
                </a>
            })}
            <p><a href="/users" class="text-sm font-medium text-indigo-600">"Back to users"</a></p>
        </div>
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
