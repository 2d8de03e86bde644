//! Searchable checkbox lists for choosing groups, users and managed policies in a form
//! (the create-user wizard, create group). What is chosen stays chosen, and posted,
//! while a new search shows other options.

use crate::api::groups::list_groups;
use crate::api::policies::list_policies;
use crate::api::users::list_users;
use crate::ui::components::ErrorAlert;
use leptos::prelude::*;

const SEARCH: &str =
    "mt-1 block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 text-sm";

/// A search box that must not submit its form when Enter is pressed in it.
fn search_box(id: &'static str, label: &'static str, set: WriteSignal<String>) -> impl IntoView {
    view! {
        <label for=id class="block text-sm text-slate-700">{label}</label>
        <input id=id type="search" class=SEARCH
            on:input=move |ev| set.set(event_target_value(&ev))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" {
                    ev.prevent_default();
                }
            } />
    }
}

/// Users to choose, found by name (the first page of what the search finds).
#[component]
pub fn UserPicker(selected: RwSignal<Vec<String>>) -> impl IntoView {
    let (search, set_search) = signal(String::new());
    let found = Resource::new(
        move || search.get(),
        |q| list_users((!q.trim().is_empty()).then_some(q), None, None, None, None),
    );
    view! {
        {search_box("user-search", "Find users by name", set_search)}
        <p class="text-xs text-slate-500" data-testid="users-chosen">
            {move || format!("{} users chosen", selected.with(Vec::len))}
        </p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(page) => {
                        let options = page.items.into_iter().map(|u| (u.name.to_string(), u.name.to_string())).collect();
                        view! { <Choices field="users" options selected labels=None test_id="user-choices" /> }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn GroupPicker(selected: RwSignal<Vec<String>>, limit: usize) -> impl IntoView {
    let (search, set_search) = signal(String::new());
    let found = Resource::new(
        move || search.get(),
        |q| list_groups((!q.trim().is_empty()).then_some(q), None),
    );
    view! {
        {search_box("group-search", "Find groups by name", set_search)}
        <p class="text-xs text-slate-500" data-testid="groups-chosen">
            {move || format!("{} of at most {limit} groups chosen", selected.with(Vec::len))}
        </p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(page) => {
                        let options = page.items.into_iter().map(|g| (g.name.to_string(), g.name.to_string())).collect();
                        view! { <Choices field="groups" options selected labels=None test_id="group-choices" /> }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn PolicyPicker(selected: RwSignal<Vec<(String, String)>>, limit: usize) -> impl IntoView {
    let (search, set_search) = signal(String::new());
    let found = Resource::new(
        move || search.get(),
        |q| list_policies(None, (!q.trim().is_empty()).then_some(q), None),
    );
    // The checkboxes work on ARNs; the names are kept for the review.
    let arns = RwSignal::new(Vec::<String>::new());
    let names = StoredValue::new(Vec::<(String, String)>::new());
    Effect::new(move |_| {
        let chosen = arns.get();
        let known = names.get_value();
        selected.set(
            chosen
                .into_iter()
                .map(|arn| {
                    let name = known
                        .iter()
                        .find(|(a, _)| *a == arn)
                        .map_or_else(|| arn.clone(), |(_, n)| n.clone());
                    (arn, name)
                })
                .collect(),
        );
    });
    view! {
        {search_box("policy-search", "Find policies by name", set_search)}
        <p class="text-xs text-slate-500">
            {move || format!("{} of at most {limit} policies chosen", arns.with(Vec::len))}
        </p>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match found.await {
                    Ok(page) => {
                        let options: Vec<(String, String)> = page.items.into_iter().map(|p| {
                            let kind = if p.account.is_none() { "AWS managed" } else { "Customer managed" };
                            (p.arn.clone(), format!("{} ({kind})", p.name))
                        }).collect();
                        names.update_value(|known| {
                            for option in &options {
                                if !known.iter().any(|(arn, _)| *arn == option.0) {
                                    known.push(option.clone());
                                }
                            }
                        });
                        view! { <Choices field="policy_arns" options selected=arns labels=Some(names) test_id="policy-choices" /> }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// Checkboxes named `field[i]`: what is chosen stays listed (and posted) while the
/// search shows other options.
#[component]
fn Choices(
    field: &'static str,
    /// (value, label) of what the search found.
    options: Vec<(String, String)>,
    selected: RwSignal<Vec<String>>,
    /// Labels of chosen values the search no longer shows.
    labels: Option<StoredValue<Vec<(String, String)>>>,
    test_id: &'static str,
) -> impl IntoView {
    let label_of = move |value: &str| {
        labels
            .and_then(|l| {
                l.with_value(|l| l.iter().find(|(v, _)| v == value).map(|(_, n)| n.clone()))
            })
            .unwrap_or_else(|| value.to_owned())
    };
    let mut rows: Vec<(String, String)> = selected
        .get_untracked()
        .into_iter()
        .filter(|value| !options.iter().any(|(v, _)| v == value))
        .map(|value| (label_of(&value), value))
        .map(|(label, value)| (value, label))
        .collect();
    rows.extend(options);
    if rows.is_empty() {
        return view! { <p class="text-sm text-slate-500">"Nothing found."</p> }.into_any();
    }
    view! {
        <ul class="max-h-64 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2 text-sm" data-testid=test_id>
            {rows.into_iter().enumerate().map(|(i, (value, label))| {
                let checked = {
                    let value = value.clone();
                    move || selected.with(|s| s.contains(&value))
                };
                let toggle = {
                    let value = value.clone();
                    move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            s.retain(|v| *v != value);
                            if on {
                                s.push(value.clone());
                            }
                        });
                    }
                };
                view! {
                    <li>
                        <label class="flex items-center gap-2 break-all">
                            <input type="checkbox" name=format!("{field}[{i}]") value=value
                                checked=checked.clone() prop:checked=checked on:change=toggle />
                            {label}
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
