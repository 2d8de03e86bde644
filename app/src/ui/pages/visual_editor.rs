//! The visual policy editor: a service from the AWS service catalogue, its actions
//! grouped by access level, resources, and request conditions (source address, MFA),
//! added as a statement to the JSON the text editor holds. Its controls have no `name`,
//! so the form around it posts only the JSON.

use crate::policy::builder::{BuildError, StatementSpec, add_statement};
use crate::policy::catalogue::Service;
use crate::policy::{AccessLevel, Catalogue};
use leptos::prelude::*;
use std::sync::Arc;

const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
/// The non-empty items of a list typed one per line or separated by commas.
fn items(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn VisualEditor(
    catalogue: RwSignal<Option<Arc<Catalogue>>>,
    text: ReadSignal<String>,
    set_text: WriteSignal<String>,
) -> impl IntoView {
    let prefix = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let every_action = RwSignal::new(false);
    let allow = RwSignal::new(true);
    let resources = RwSignal::new(String::new());
    let source_ips = RwSignal::new(String::new());
    let require_mfa = RwSignal::new(false);
    let error = RwSignal::new(None::<BuildError>);
    let added = RwSignal::new(0_usize);

    let add = move |_| {
        let service = prefix.get_untracked();
        let actions = if service.is_empty() {
            Vec::new()
        } else if every_action.get_untracked() {
            vec![format!("{service}:*")]
        } else {
            chosen
                .get_untracked()
                .iter()
                .map(|a| format!("{service}:{a}"))
                .collect()
        };
        let spec = StatementSpec {
            allow: allow.get_untracked(),
            actions,
            resources: items(&resources.get_untracked()),
            source_ips: items(&source_ips.get_untracked()),
            require_mfa: require_mfa.get_untracked(),
        };
        match add_statement(&text.get_untracked(), &spec) {
            Ok(json) => {
                set_text.set(json);
                error.set(None);
                added.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    };

    let service =
        move || catalogue.with(|c| c.as_ref().and_then(|c| c.service(&prefix.get()).cloned()));

    view! {
        <details class="mt-4 rounded-md border border-slate-200 p-4" data-testid="visual-editor">
            <summary class="cursor-pointer text-sm font-medium">"Visual editor: add a statement"</summary>
            {move || match catalogue.get() {
                None => view! {
                    <p class="mt-3 text-sm text-slate-500">"The AWS service catalogue is loading…"</p>
                }.into_any(),
                Some(c) => view! {
                    <div class="mt-3 grid grid-cols-1 gap-4 sm:grid-cols-2">
                        <label class="block">
                            <span class="text-sm font-medium text-slate-700">"Effect"</span>
                            <select class=INPUT on:change=move |ev| allow.set(event_target_value(&ev) == "Allow")>
                                <option value="Allow" selected=true>"Allow"</option>
                                <option value="Deny">"Deny"</option>
                            </select>
                        </label>
                        <ServicePicker catalogue=c prefix chosen every_action />
                    </div>
                    {move || service().map(|s| view! { <ActionPicker service=s chosen every_action /> }.into_any())}
                    <div class="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2">
                        <label class="block">
                            <span class="text-sm font-medium text-slate-700">"Resources"</span>
                            <textarea rows="2" class=format!("{INPUT} font-mono") aria-describedby="visual-resources-hint"
                                prop:value=move || resources.get()
                                on:input=move |ev| resources.set(event_target_value(&ev))></textarea>
                            <span id="visual-resources-hint" class="mt-1 block text-xs text-slate-500">"ARNs, one per line; empty means every resource (*)"</span>
                        </label>
                        <label class="block">
                            <span class="text-sm font-medium text-slate-700">"Only from these addresses"</span>
                            <input class=INPUT aria-describedby="visual-ips-hint"
                                prop:value=move || source_ips.get()
                                on:input=move |ev| source_ips.set(event_target_value(&ev)) />
                            <span id="visual-ips-hint" class="mt-1 block text-xs text-slate-500">"aws:SourceIp: addresses or networks, comma-separated (203.0.113.0/24)"</span>
                        </label>
                    </div>
                    <label class="mt-4 flex items-center gap-2 text-sm">
                        <input type="checkbox" prop:checked=move || require_mfa.get()
                            on:change=move |ev| require_mfa.set(event_target_checked(&ev)) />
                        "Only when signed in with MFA (aws:MultiFactorAuthPresent)"
                    </label>
                    {move || error.get().map(|e| view! {
                        <p role="alert" class="mt-3 text-sm text-red-700" data-field=e.field>{e.message}</p>
                    })}
                    <button type="button" on:click=add
                        class="mt-4 rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
                        "Add statement"
                    </button>
                    <span class="sr-only" aria-live="polite">
                        {move || (added.get() > 0).then(|| format!("Statement added ({}).", added.get()))}
                    </span>
                }.into_any(),
            }}
        </details>
    }
}

#[component]
fn ServicePicker(
    catalogue: Arc<Catalogue>,
    prefix: RwSignal<String>,
    chosen: RwSignal<Vec<String>>,
    every_action: RwSignal<bool>,
) -> impl IntoView {
    let mut services: Vec<(String, String)> = catalogue
        .services()
        .iter()
        .map(|s| (s.prefix.clone(), format!("{} ({})", s.name, s.prefix)))
        .collect();
    services.sort_by_key(|s| s.1.to_lowercase());
    view! {
        <label class="block">
            <span class="text-sm font-medium text-slate-700">"Service"</span>
            <select class=INPUT on:change=move |ev| {
                prefix.set(event_target_value(&ev));
                chosen.set(Vec::new());
                every_action.set(false);
            }>
                <option value="" selected=move || prefix.get().is_empty()>"Choose a service"</option>
                {services.into_iter().map(|(p, label)| {
                    let value = p.clone();
                    view! { <option value=value selected=move || prefix.get() == p>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
    .into_any()
}

#[component]
fn ActionPicker(
    service: Service,
    chosen: RwSignal<Vec<String>>,
    every_action: RwSignal<bool>,
) -> impl IntoView {
    let prefix = service.prefix.clone();
    let groups: Vec<(AccessLevel, Vec<String>)> = AccessLevel::ALL
        .iter()
        .map(|level| {
            let names = service
                .actions
                .iter()
                .filter(|a| a.access_level() == *level)
                .map(|a| a.name().to_owned())
                .collect::<Vec<_>>();
            (*level, names)
        })
        .filter(|(_, names)| !names.is_empty())
        .collect();
    view! {
        <div class="mt-4" data-testid="visual-actions">
            <label class="flex items-center gap-2 text-sm font-medium">
                <input type="checkbox" prop:checked=move || every_action.get()
                    on:change=move |ev| every_action.set(event_target_checked(&ev)) />
                {format!("All {} actions ({prefix}:*)", service.name)}
            </label>
            <div class="mt-2 grid max-h-80 grid-cols-1 gap-4 overflow-y-auto sm:grid-cols-2"
                tabindex="0" role="region" aria-label="Actions">
                {groups.into_iter().map(|(level, names)| view! {
                    <fieldset class="text-sm" prop:disabled=move || every_action.get()>
                        <legend class="font-medium">{format!("{} ({})", level.label(), names.len())}</legend>
                        {names.into_iter().map(|name| {
                            let toggled = name.clone();
                            let shown = name.clone();
                            view! {
                                <label class="mt-1 flex items-center gap-2 font-mono text-xs">
                                    <input type="checkbox"
                                        prop:checked=move || chosen.with(|c| c.contains(&shown))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                c.retain(|a| a != &toggled);
                                                if on {
                                                    c.push(toggled.clone());
                                                }
                                            });
                                        } />
                                    {name}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
            </div>
        </div>
    }
    .into_any()
}
