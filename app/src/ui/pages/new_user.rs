//! The create-user wizard (user details, permissions, tags, review) and the page that
//! shows the new user's password once.
//!
//! It is one form: once the page is hydrated it shows one step at a time; without wasm
//! every step shows, one after the other, and the form still posts.

use crate::api::users::{
    CreateUser, CreatedUser, MAX_GROUPS_PER_USER, MAX_POLICIES_PER_USER, Unfinished,
};
use crate::model::{UserName, csv};
use crate::ui::components::{
    CopyButton, FormFields, GroupPicker, PolicyPicker, RulesChecklist, StrengthMeter, TextField,
};
use crate::ui::format::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white \
     hover:bg-indigo-500 disabled:opacity-60";
const SECONDARY: &str = "rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm \
     font-medium hover:bg-slate-50";
const SEARCH: &str =
    "mt-1 block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 text-sm";
const STEP_BOX: &str = "space-y-4 rounded-xl border border-slate-200 bg-surface p-4 sm:p-6";
const LEGEND: &str = "px-1 text-base font-medium";

const STEPS: [&str; 4] = ["User details", "Permissions", "Tags", "Review and create"];
const REVIEW: usize = STEPS.len() - 1;
/// AWS's TagsPerUser quota.
const MAX_TAGS: usize = 50;

/// The step that holds the field an error names, so the wizard can show it.
fn step_of(field: &str) -> usize {
    match field {
        "groups" | "copy_from" | "policy_arns" => 1,
        "tags" | "tag_key" | "tag_value" => 2,
        _ => 0,
    }
}

/// What the wizard has gathered, for the review step.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    path: RwSignal<String>,
    console: RwSignal<bool>,
    custom_password: RwSignal<bool>,
    require_reset: RwSignal<bool>,
    groups: RwSignal<Vec<String>>,
    copy_from: RwSignal<String>,
    /// (ARN, name)
    policies: RwSignal<Vec<(String, String)>>,
    /// (row id, key, value)
    tags: RwSignal<Vec<(usize, String, String)>>,
    next_tag: StoredValue<usize>,
}

impl Draft {
    fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            path: RwSignal::new(String::new()),
            console: RwSignal::new(false),
            custom_password: RwSignal::new(false),
            require_reset: RwSignal::new(true),
            groups: RwSignal::new(Vec::new()),
            copy_from: RwSignal::new(String::new()),
            policies: RwSignal::new(Vec::new()),
            tags: RwSignal::new(vec![(0, String::new(), String::new())]),
            next_tag: StoredValue::new(1),
        }
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
            fallback=move || view! { <Wizard action /> }.into_any()
        >
            {move || created().map(|c| view! { <Created created=c /> }.into_any())}
        </Show>
    }
    .into_any()
}

#[component]
fn Wizard(action: ServerAction<CreateUser>) -> impl IntoView {
    let draft = Draft::new();
    // `None` until hydrated: then every step is shown.
    let step = RwSignal::new(None::<usize>);
    Effect::new(move |_| step.set(Some(0)));
    // A refused form opens the step that holds the field the error names.
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            step.set(Some(error.field().map_or(REVIEW, step_of)));
        }
    });
    let (step_error, set_step_error) = signal(None::<String>);
    let next = move |_| {
        if step.get_untracked() == Some(0)
            && let Err(rule) = UserName::parse(draft.name.get_untracked().trim())
        {
            set_step_error.set(Some(format!("User name: {rule}.")));
            return;
        }
        set_step_error.set(None);
        step.update(|s| *s = s.map(|s| (s + 1).min(REVIEW)));
    };
    let back = move |_| {
        set_step_error.set(None);
        step.update(|s| *s = s.map(|s| s.saturating_sub(1)));
    };
    let shown = move |n: usize| step.get().is_none_or(|s| s == n);
    view! {
        <StepList step />
        <ActionForm action attr:class="mt-6 max-w-3xl space-y-6">
            <FormFields action>
                <fieldset class=STEP_BOX class:hidden=move || !shown(0)>
                    <legend class=LEGEND>"Step 1: User details"</legend>
                    <DetailsStep draft />
                </fieldset>
                <fieldset class=STEP_BOX class:hidden=move || !shown(1)>
                    <legend class=LEGEND>"Step 2: Permissions"</legend>
                    <PermissionsStep draft />
                </fieldset>
                <fieldset class=STEP_BOX class:hidden=move || !shown(2)>
                    <legend class=LEGEND>"Step 3: Tags"</legend>
                    <TagsStep draft />
                </fieldset>
                <section class=STEP_BOX class:hidden=move || step.get() != Some(REVIEW) aria-labelledby="review-heading">
                    <h2 id="review-heading" class="text-base font-medium">"Step 4: Review and create"</h2>
                    <Review draft />
                </section>
                {move || step_error.get().map(|message| view! {
                    <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800">{message}</p>
                })}
                <div class="flex flex-wrap gap-3">
                    <button type="button" class=SECONDARY
                        class:hidden=move || !matches!(step.get(), Some(s) if s > 0)
                        on:click=back>"Back"</button>
                    <button type="button" class=BUTTON
                        class:hidden=move || !matches!(step.get(), Some(s) if s < REVIEW)
                        on:click=next>"Next"</button>
                    <button type="submit" class=BUTTON
                        class:hidden=move || matches!(step.get(), Some(s) if s < REVIEW)
                        disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create user" }}
                    </button>
                </div>
            </FormFields>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn StepList(step: RwSignal<Option<usize>>) -> impl IntoView {
    view! {
        <ol class="mt-6 flex flex-wrap gap-2 text-sm" aria-label="Steps">
            {STEPS.iter().enumerate().map(|(n, label)| view! {
                <li
                    class="rounded-full border border-slate-200 px-3 py-1 text-slate-600 aria-[current=step]:border-indigo-600 aria-[current=step]:bg-indigo-50 aria-[current=step]:font-medium aria-[current=step]:text-link"
                    aria-current=move || (step.get() == Some(n)).then_some("step")
                >
                    {format!("{}. {label}", n + 1)}
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn DetailsStep(draft: Draft) -> impl IntoView {
    // The account's rules for a custom password, ticked off as it is typed, and its
    // strength, judged knowing the new user's name.
    let rules = Resource::new(|| (), |_| crate::api::auth::my_password_rules(true));
    let (typed, set_typed) = signal(String::new());
    view! {
        <TextField name="user_name" label="User name"
            hint="Up to 64 letters, digits and + = , . @ _ -"
            on_input=move |v| draft.name.set(v) />
        <TextField name="path" label="Path" hint="Optional, for example /engineering/"
            on_input=move |v| draft.path.set(v) />
        <fieldset class="space-y-2 rounded-md border border-slate-200 p-4">
            <legend class="px-1 text-sm font-medium text-slate-700">"Console access"</legend>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="console_access" value="on"
                    on:change=move |ev| draft.console.set(event_target_checked(&ev)) />
                "Let this user sign in to the console"
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="radio" name="password_choice" value="generated" checked=true
                    on:change=move |_| draft.custom_password.set(false) />
                "Generate a password"
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="radio" name="password_choice" value="custom"
                    on:change=move |_| draft.custom_password.set(true) />
                "Custom password"
            </label>
            <TextField name="password" label="Custom password" kind="password" autocomplete="new-password"
                hint="Only with a custom password; it must meet the account's rules below."
                on_input=move |v| set_typed.set(v) />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    rules.await.ok().map(|needs| {
                        let account_words = needs.context.clone();
                        let context = Signal::derive(move || {
                            let mut words = account_words.clone();
                            words.push(draft.name.get().trim().to_owned());
                            words
                        });
                        view! {
                            <RulesChecklist rules=needs.rules password=typed.into() />
                            <StrengthMeter password=typed.into() context minimum=needs.minimum_score />
                        }
                    })
                })}
            </Transition>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="require_reset" value="on" checked=true
                    on:change=move |ev| draft.require_reset.set(event_target_checked(&ev)) />
                "User must create a new password at next sign-in"
            </label>
        </fieldset>
    }
    .into_any()
}

#[component]
fn PermissionsStep(draft: Draft) -> impl IntoView {
    view! {
        <p class="text-sm text-slate-600">
            "Give the user permissions through groups (recommended), by copying another user's groups and managed policies, or by attaching managed policies directly. Any of these may be combined, or none."
        </p>
        <section aria-labelledby="pick-groups-heading" class="space-y-2">
            <h2 id="pick-groups-heading" class="text-sm font-medium">"Add the user to groups"</h2>
            <GroupPicker selected=draft.groups limit=MAX_GROUPS_PER_USER />
        </section>
        <section aria-labelledby="copy-heading" class="space-y-2">
            <h2 id="copy-heading" class="text-sm font-medium">"Copy permissions"</h2>
            <TextField name="copy_from" label="Copy groups and managed policies from user"
                hint="Optional: the name of an existing user."
                on_input=move |v| draft.copy_from.set(v) />
        </section>
        <section aria-labelledby="pick-policies-heading" class="space-y-2">
            <h2 id="pick-policies-heading" class="text-sm font-medium">"Attach policies directly"</h2>
            <PolicyPicker selected=draft.policies limit=MAX_POLICIES_PER_USER />
        </section>
    }
    .into_any()
}

#[component]
fn TagsStep(draft: Draft) -> impl IntoView {
    let add = move |_| {
        let id = draft.next_tag.get_value();
        draft.next_tag.set_value(id + 1);
        draft
            .tags
            .update(|rows| rows.push((id, String::new(), String::new())));
    };
    view! {
        <p class="text-sm text-slate-600">
            "Optional key and value pairs, for finding the user and for policies that test aws:ResourceTag. Keys up to 128 characters, values up to 256; at most 50 tags."
        </p>
        <For each=move || draft.tags.get() key=|row| row.0 let:row>
            <TagRowFields id=row.0 tags=draft.tags />
        </For>
        <button type="button" class=SECONDARY
            disabled=move || draft.tags.with(|rows| rows.len() >= MAX_TAGS)
            on:click=add>"Add tag"</button>
    }
    .into_any()
}

#[component]
pub(super) fn TagRowFields(
    id: usize,
    tags: RwSignal<Vec<(usize, String, String)>>,
) -> impl IntoView {
    let set = move |key: bool, text: String| {
        tags.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|r| r.0 == id) {
                if key {
                    row.1 = text;
                } else {
                    row.2 = text;
                }
            }
        });
    };
    let key_id = format!("tag-key-{id}");
    let value_id = format!("tag-value-{id}");
    view! {
        <div class="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-end">
            <div>
                <label for=key_id.clone() class="block text-sm text-slate-700">"Key"</label>
                <input id=key_id name=format!("tags[{id}][key]") class=SEARCH maxlength="128"
                    on:input=move |ev| set(true, event_target_value(&ev)) />
            </div>
            <div>
                <label for=value_id.clone() class="block text-sm text-slate-700">"Value"</label>
                <input id=value_id name=format!("tags[{id}][value]") class=SEARCH maxlength="256"
                    on:input=move |ev| set(false, event_target_value(&ev)) />
            </div>
            <button type="button" class=SECONDARY
                on:click=move |_| tags.update(|rows| rows.retain(|r| r.0 != id))>
                "Remove"<span class="sr-only">" tag"</span>
            </button>
        </div>
    }
}

#[component]
fn Review(draft: Draft) -> impl IntoView {
    let or_none = |items: Vec<String>| {
        if items.is_empty() {
            "None".to_owned()
        } else {
            items.join(", ")
        }
    };
    let console = move || {
        if !draft.console.get() {
            return "No console access".to_owned();
        }
        let password = if draft.custom_password.get() {
            "custom password"
        } else {
            "generated password"
        };
        let reset = if draft.require_reset.get() {
            ", new password required at first sign-in"
        } else {
            ""
        };
        format!("Yes, {password}{reset}")
    };
    view! {
        <dl class="grid gap-y-2 text-sm sm:grid-cols-3" data-testid="review">
            <dt class="text-slate-500">"User name"</dt>
            <dd class="break-all sm:col-span-2">{move || draft.name.get()}</dd>
            <dt class="text-slate-500">"Path"</dt>
            <dd class="font-mono sm:col-span-2">{move || { let p = draft.path.get(); if p.trim().is_empty() { "/".to_owned() } else { p } }}</dd>
            <dt class="text-slate-500">"Console access"</dt>
            <dd class="sm:col-span-2">{console}</dd>
            <dt class="text-slate-500">"Groups"</dt>
            <dd class="sm:col-span-2">{move || or_none(draft.groups.get())}</dd>
            <dt class="text-slate-500">"Copy permissions from"</dt>
            <dd class="sm:col-span-2">{move || { let c = draft.copy_from.get(); if c.trim().is_empty() { "Nobody".to_owned() } else { c } }}</dd>
            <dt class="text-slate-500">"Policies attached directly"</dt>
            <dd class="sm:col-span-2">{move || or_none(draft.policies.get().into_iter().map(|(_, name)| name).collect())}</dd>
            <dt class="text-slate-500">"Tags"</dt>
            <dd class="sm:col-span-2">{move || or_none(draft.tags.get().into_iter().filter(|t| !t.1.trim().is_empty()).map(|t| format!("{} = {}", t.1, t.2)).collect())}</dd>
        </dl>
    }
    .into_any()
}

/// The success page: the password is shown this once, with a CSV to hand over.
#[component]
fn Created(created: CreatedUser) -> impl IntoView {
    let name = created.user.name.to_string();
    let csv = created.console_password.as_ref().map(|p| {
        format!(
            "User name,Password,Console sign-in URL\r\n{},{},{}\r\n",
            csv::cell(&name),
            // The password exactly as it must be typed (a generated one never starts
            // as a formula would).
            csv::exact(p),
            csv::cell(&created.signin_url)
        )
    });
    let unfinished = created.unfinished.clone();
    view! {
        <div class="mt-6 max-w-2xl space-y-4 rounded-xl border border-emerald-200 bg-emerald-50 p-4 sm:p-6" role="status">
            <p class="font-medium">{format!("User {name} created.")}</p>
            <dl class="grid gap-y-2 text-sm sm:grid-cols-3">
                <dt class="text-slate-600">"ARN"</dt>
                <dd class="sm:col-span-2"><span class="break-all font-mono">{created.user.arn.clone()}</span><CopyButton text=created.user.arn.clone() what="ARN" /></dd>
                <dt class="text-slate-600">"Console sign-in URL"</dt>
                <dd class="sm:col-span-2"><span class="break-all font-mono" data-testid="signin-url">{created.signin_url.clone()}</span><CopyButton text=created.signin_url.clone() what="sign-in URL" /></dd>
                {created.console_password.clone().map(|p| view! {
                    <dt class="text-slate-600">"Password"</dt>
                    <dd class="sm:col-span-2"><span class="break-all font-mono" data-testid="generated-password">{p.clone()}</span><CopyButton text=p what="password" /></dd>
                })}
                <dt class="text-slate-600">"Groups"</dt>
                <dd class="sm:col-span-2" data-testid="created-groups">{if created.groups.is_empty() { "None".to_owned() } else { created.groups.join(", ") }}</dd>
                <dt class="text-slate-600">"Policies"</dt>
                <dd class="break-all sm:col-span-2" data-testid="created-policies">{if created.policies.is_empty() { "None".to_owned() } else { created.policies.join(", ") }}</dd>
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
            <p class="flex gap-4 text-sm font-medium">
                <a href=format!("/users/details/{name}") class="text-link">"Open the user"</a>
                <a href="/users" class="text-link">"Back to users"</a>
            </p>
        </div>
        {(!unfinished.is_empty()).then(|| view! { <UnfinishedSteps steps=unfinished /> })}
    }
    .into_any()
}

/// Steps refused after the user existed, each with AWS's reason.
#[component]
fn UnfinishedSteps(steps: Vec<Unfinished>) -> impl IntoView {
    view! {
        <div class="mt-4 max-w-2xl rounded-xl border border-red-300 bg-red-50 p-4 text-sm text-red-800 sm:p-6" role="alert" data-testid="unfinished">
            <p class="font-medium">"The user exists, but these steps did not happen:"</p>
            <ul class="mt-2 list-disc space-y-1 pl-5">
                {steps.into_iter().map(|s| view! { <li><span class="font-medium">{s.step}</span>": "{s.error}</li> }).collect_view()}
            </ul>
        </div>
    }
}
