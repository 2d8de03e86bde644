//! Roles: the list, the create-role wizard, a role's page, and Switch role.

use super::new_user::TagRowFields;
use crate::api::roles::{
    AllowGroup, AttachRolePolicy, CreateRole, DeleteRole, DetachRolePolicy, MAX_POLICIES_PER_ROLE,
    RevokeSessions, RoleView, SwitchRole, TagRole, UntagRole, UpdateRole, UpdateTrustPolicy,
    get_role, list_roles,
};
use crate::model::trust::TrustedEntity;
use crate::policy::{Severity, lint};
use crate::ui::components::{
    ActionError, CopyButton, ErrorAlert, FormFields, PolicyPicker, TextField,
};
use crate::ui::format::urlencode;
use crate::ui::small_post::{SMALL_BUTTON, small_post};
use crate::ui::tags_card::tags_card;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const SECONDARY: &str =
    "rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm font-medium hover:bg-slate-50";
const CELL: &str = "px-3 py-2 text-left";
const CARD: &str = "rounded-xl border border-slate-200 bg-surface p-6";
const STEP_BOX: &str = "space-y-4 rounded-xl border border-slate-200 bg-surface p-4 sm:p-6";
const LEGEND: &str = "px-1 text-base font-medium";
const INPUT: &str =
    "mt-1 block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 text-sm";

/// The colours Switch role offers (AWS's console's), hex and name.
const COLORS: [(&str, &str); 5] = [
    ("f2b0a9", "Red"),
    ("fbc8aa", "Orange"),
    ("efda95", "Yellow"),
    ("b7ca9d", "Green"),
    ("83d4e8", "Blue"),
];

/// The background class of a Switch role colour (the page's style rules allow no
/// inline styles); white for anything else.
pub fn color_class(hex: &str) -> &'static str {
    match hex {
        "f2b0a9" => "bg-[#f2b0a9]",
        "fbc8aa" => "bg-[#fbc8aa]",
        "efda95" => "bg-[#efda95]",
        "b7ca9d" => "bg-[#b7ca9d]",
        "83d4e8" => "bg-[#83d4e8]",
        _ => "bg-white",
    }
}

#[component]
pub fn RolesPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(move || query.read().get("after"), list_roles);
    view! {
        <Title text="Roles" />
        <div class="flex flex-wrap items-center justify-between gap-3">
            <h1 class="text-2xl font-semibold">"Roles"</h1>
            <div class="flex gap-3">
                <a href="/switch-role" class=SECONDARY>"Switch role"</a>
                <a href="/roles/new" class=BUTTON>"Create role"</a>
            </div>
        </div>
        <p class="mt-1 max-w-3xl text-sm text-slate-600">
            "A role is assumed for a while instead of holding long-term keys: its trust policy says who may assume it, its permissions what the session may do."
        </p>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="mt-6 text-sm text-slate-600" data-testid="no-roles">"No roles yet."</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-surface" tabindex="0" role="region" aria-label="Roles">
                            <table class="min-w-full text-sm" data-testid="roles-table">
                                <thead class="bg-slate-50 text-slate-600">
                                    <tr>
                                        <th scope="col" class=CELL>"Role name"</th>
                                        <th scope="col" class=CELL>"Description"</th>
                                        <th scope="col" class=CELL>"Max session"</th>
                                        <th scope="col" class=CELL>"Last used"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|r| {
                                        let href = format!("/roles/details/{}", r.name);
                                        view! {
                                            <tr class="border-t border-slate-100">
                                                <td class=CELL><a class="font-medium text-link" href=href>{r.name.to_string()}</a></td>
                                                <td class=CELL>{r.description.clone()}</td>
                                                <td class=CELL>{hours(r.max_session_duration)}</td>
                                                <td class=CELL>{r.last_used_at.map_or_else(|| "Never".to_owned(), |t| t.date().to_string())}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {page.marker.map(|m| view! {
                            <a class="mt-4 inline-block text-sm font-medium text-link" href=format!("/roles?after={}", urlencode(&m))>"Next page"</a>
                        })}
                    }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn hours(seconds: i32) -> String {
    match seconds / 3600 {
        1 => "1 hour".to_owned(),
        n => format!("{n} hours"),
    }
}

const STEPS: [&str; 4] = [
    "Trusted entity",
    "Permissions",
    "Name and details",
    "Review and create",
];
const REVIEW: usize = STEPS.len() - 1;

/// The step that holds the field an error names.
fn step_of(field: &str) -> usize {
    match field {
        "trusted_entity" | "other_account_id" | "external_id" | "service" | "custom_policy" => 0,
        "policy_arns" | "permissions_boundary" => 1,
        "" => REVIEW,
        _ => 2,
    }
}

/// What the wizard has gathered so far.
#[derive(Clone, Copy)]
struct Draft {
    kind: RwSignal<String>,
    account: RwSignal<String>,
    external_id: RwSignal<String>,
    mfa: RwSignal<bool>,
    service: RwSignal<String>,
    custom: RwSignal<String>,
    policies: RwSignal<Vec<(String, String)>>,
    boundary: RwSignal<String>,
    name: RwSignal<String>,
    hours: RwSignal<String>,
    tags: RwSignal<Vec<(usize, String, String)>>,
    next_tag: StoredValue<usize>,
}

impl Draft {
    fn new() -> Self {
        Self {
            kind: RwSignal::new("this_account".to_owned()),
            account: RwSignal::new(String::new()),
            external_id: RwSignal::new(String::new()),
            mfa: RwSignal::new(false),
            service: RwSignal::new("ec2.amazonaws.com".to_owned()),
            custom: RwSignal::new(String::new()),
            policies: RwSignal::new(Vec::new()),
            boundary: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            hours: RwSignal::new("1".to_owned()),
            tags: RwSignal::new(vec![(0, String::new(), String::new())]),
            next_tag: StoredValue::new(1),
        }
    }

    /// The trust policy the choices make (the custom one as written).
    fn trust_policy(&self, own_account: &str) -> String {
        let mfa = self.mfa.get();
        let entity = match self.kind.get().as_str() {
            "other_account" => TrustedEntity::OtherAccount {
                account_id: self.account.get(),
                external_id: Some(self.external_id.get()),
                require_mfa: mfa,
            },
            "service" => TrustedEntity::Service {
                service: self.service.get(),
            },
            "custom" => return self.custom.get(),
            _ => TrustedEntity::ThisAccount { require_mfa: mfa },
        };
        entity.document(own_account)
    }
}

#[component]
pub fn NewRolePage() -> impl IntoView {
    let action = ServerAction::<CreateRole>::new();
    let identity = Resource::new(|| (), |_| crate::api::auth::current_identity());
    let draft = Draft::new();
    let step = RwSignal::new(None::<usize>);
    Effect::new(move |_| step.set(Some(0)));
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            step.set(Some(error.field().map_or(REVIEW, step_of)));
        }
    });
    let next = move |_| step.update(|s| *s = s.map(|s| (s + 1).min(REVIEW)));
    let back = move |_| step.update(|s| *s = s.map(|s| s.saturating_sub(1)));
    let shown = move |n: usize| step.get().is_none_or(|s| s == n);
    let unfinished = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|c| !c.unfinished.is_empty())
    };
    view! {
        <Title text="Create role" />
        <h1 class="text-2xl font-semibold">"Create role"</h1>
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
        <ActionForm action attr:class="mt-6 max-w-3xl space-y-6">
            <FormFields action>
                <fieldset class=STEP_BOX class:hidden=move || !shown(0)>
                    <legend class=LEGEND>"Step 1: Trusted entity"</legend>
                    <TrustStep draft />
                </fieldset>
                <fieldset class=STEP_BOX class:hidden=move || !shown(1)>
                    <legend class=LEGEND>"Step 2: Permissions"</legend>
                    <p class="text-sm text-slate-600">"What the role's sessions may do. A permissions boundary, when set, caps it."</p>
                    <PolicyPicker selected=draft.policies limit=MAX_POLICIES_PER_ROLE />
                    <TextField name="permissions_boundary" label="Permissions boundary (policy ARN)"
                        hint="Optional, for example arn:aws:iam::aws:policy/ReadOnlyAccess"
                        on_input=move |v| draft.boundary.set(v) />
                </fieldset>
                <fieldset class=STEP_BOX class:hidden=move || !shown(2)>
                    <legend class=LEGEND>"Step 3: Name and details"</legend>
                    <TextField name="role_name" label="Role name" hint="Up to 64 letters, digits and + = , . @ _ -"
                        on_input=move |v| draft.name.set(v) />
                    <TextField name="path" label="Path" hint="Optional, for example /contractors/" />
                    <TextField name="description" label="Description" hint="Optional, up to 1,000 characters" />
                    <label class="block">
                        <span class="text-sm font-medium text-slate-700">"Maximum session duration"</span>
                        <select name="max_session_hours" class=INPUT on:change=move |ev| draft.hours.set(event_target_value(&ev))>
                            {(1..=12).map(|h| view! { <option value=h.to_string()>{hours(h * 3600)}</option> }).collect_view()}
                        </select>
                    </label>
                    <p class="text-sm font-medium">"Tags (optional)"</p>
                    <For each=move || draft.tags.get() key=|row| row.0 let:row>
                        <TagRowFields id=row.0 tags=draft.tags />
                    </For>
                    <button type="button" class=SECONDARY on:click=move |_| {
                        let id = draft.next_tag.get_value();
                        draft.next_tag.set_value(id + 1);
                        draft.tags.update(|rows| rows.push((id, String::new(), String::new())));
                    }>"Add tag"</button>
                </fieldset>
                <section class=STEP_BOX class:hidden=move || step.get() != Some(REVIEW) aria-labelledby="review-heading">
                    <h2 id="review-heading" class="text-base font-medium">"Step 4: Review and create"</h2>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let own = identity.await.ok().flatten().map(|i| i.account_id).unwrap_or_default();
                            view! { <Review draft own /> }
                        })}
                    </Transition>
                </section>
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
                        {move || if action.pending().get() { "Creating…" } else { "Create role" }}
                    </button>
                </div>
            </FormFields>
        </ActionForm>
        {move || unfinished().map(|created| {
            let name = created.role.name.to_string();
            view! {
                <div class="mt-4 max-w-3xl rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="role-unfinished">
                    <p>"Role " <a class="font-medium text-link" href=format!("/roles/details/{name}")>{name.clone()}</a> " created, but these steps were refused:"</p>
                    <ul class="mt-2 list-disc space-y-1 pl-5">
                        {created.unfinished.into_iter().map(|s| view! { <li><span class="font-medium">{s.step}</span>": "{s.error}</li> }).collect_view()}
                    </ul>
                </div>
            }
        })}
    }
}

#[component]
fn TrustStep(draft: Draft) -> impl IntoView {
    let radio = move |value: &'static str, label: &'static str, hint: &'static str| {
        view! {
            <label class="flex items-start gap-2 text-sm">
                <input type="radio" name="trusted_entity" value=value class="mt-1"
                    checked=value == "this_account"
                    on:change=move |_| draft.kind.set(value.to_owned()) />
                <span><span class="font-medium">{label}</span><span class="block text-slate-600">{hint}</span></span>
            </label>
        }
    };
    let findings = Memo::new(move |_| {
        draft.custom.with(|t| {
            if t.trim().is_empty() {
                Vec::new()
            } else {
                lint(t)
            }
        })
    });
    view! {
        <div class="space-y-3" role="radiogroup" aria-label="Trusted entity">
            {radio("this_account", "Users of this account", "Users and roles of this account whose own policies allow them to assume it.")}
            {radio("other_account", "Another account", "Principals of another account its administrators allow, optionally only with an external id or MFA.")}
            {radio("service", "An AWS service", "A service that acts on the account's behalf, such as EC2.")}
            {radio("custom", "Custom trust policy", "Write the trust policy yourself.")}
        </div>
        <div class="space-y-3" class:hidden=move || draft.kind.get() != "other_account">
            <TextField name="other_account_id" label="Account id" hint="The 12 digits of the account whose principals may assume the role"
                on_input=move |v| draft.account.set(v) />
            <TextField name="external_id" label="Require external id" hint="Optional: the secret the other account passes with AssumeRole (2 to 1,224 characters)"
                on_input=move |v| draft.external_id.set(v) />
        </div>
        <label class="flex items-center gap-2 text-sm"
            class:hidden=move || !matches!(draft.kind.get().as_str(), "this_account" | "other_account")>
            <input type="checkbox" name="require_mfa" value="on" on:change=move |ev| draft.mfa.set(event_target_checked(&ev)) />
            "Require MFA"
        </label>
        <div class:hidden=move || draft.kind.get() != "service">
            <TextField name="service" label="Service principal" value="ec2.amazonaws.com".to_owned()
                on_input=move |v| draft.service.set(v) />
        </div>
        <div class:hidden=move || draft.kind.get() != "custom">
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Trust policy (JSON)"</span>
                <textarea name="custom_policy" rows="12" spellcheck="false" aria-describedby="trust-findings"
                    class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                    on:input=move |ev| draft.custom.set(event_target_value(&ev))></textarea>
            </label>
            <ul id="trust-findings" class="mt-2 space-y-1 text-sm" data-testid="trust-findings" aria-live="polite">
                {move || findings.get().into_iter().map(|f| {
                    let tone = if f.severity == Severity::Error { "text-red-700" } else { "text-amber-700" };
                    view! { <li class=tone><span class="font-medium">{f.severity.as_str()}</span>" "<code>{f.path.clone()}</code>": "{f.message.clone()}</li> }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn Review(draft: Draft, own: String) -> impl IntoView {
    let trust = move || draft.trust_policy(&own);
    let or_none = |items: Vec<String>| {
        if items.is_empty() {
            "None".to_owned()
        } else {
            items.join(", ")
        }
    };
    view! {
        <dl class="grid gap-y-2 text-sm sm:grid-cols-3" data-testid="role-review">
            <dt class="text-slate-500">"Role name"</dt>
            <dd class="break-all sm:col-span-2">{move || draft.name.get()}</dd>
            <dt class="text-slate-500">"Maximum session"</dt>
            <dd class="sm:col-span-2">{move || format!("{} hour(s)", draft.hours.get())}</dd>
            <dt class="text-slate-500">"Policies"</dt>
            <dd class="sm:col-span-2">{move || or_none(draft.policies.get().into_iter().map(|(_, n)| n).collect())}</dd>
            <dt class="text-slate-500">"Permissions boundary"</dt>
            <dd class="break-all sm:col-span-2">{move || { let b = draft.boundary.get(); if b.trim().is_empty() { "None".to_owned() } else { b } }}</dd>
            <dt class="text-slate-500">"Tags"</dt>
            <dd class="sm:col-span-2">{move || or_none(draft.tags.get().into_iter().filter(|t| !t.1.trim().is_empty()).map(|t| format!("{} = {}", t.1, t.2)).collect())}</dd>
        </dl>
        <h3 class="text-sm font-medium">"Trust policy"</h3>
        <pre class="overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs" data-testid="review-trust">{trust}</pre>
    }
}

#[component]
pub fn RolePage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let edits = RoleEdits::new();
    let data = Resource::new(
        move || (name(), edits.versions()),
        |(name, _)| get_role(name),
    );
    view! {
        <Title text="Role" />
        <h1 class="text-2xl font-semibold">{move || format!("Role {}", name())}</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <RoleDetail data edits /> }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct RoleEdits {
    attach: ServerAction<AttachRolePolicy>,
    detach: ServerAction<DetachRolePolicy>,
    trust: ServerAction<UpdateTrustPolicy>,
    revoke: ServerAction<RevokeSessions>,
    allow: ServerAction<AllowGroup>,
    update: ServerAction<UpdateRole>,
    tag: ServerAction<TagRole>,
    untag: ServerAction<UntagRole>,
    delete: ServerAction<DeleteRole>,
}

impl RoleEdits {
    fn new() -> Self {
        Self {
            attach: ServerAction::new(),
            detach: ServerAction::new(),
            trust: ServerAction::new(),
            revoke: ServerAction::new(),
            allow: ServerAction::new(),
            update: ServerAction::new(),
            tag: ServerAction::new(),
            untag: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    fn versions(self) -> [usize; 8] {
        [
            self.tag.version().get(),
            self.untag.version().get(),
            self.update.version().get(),
            self.attach.version().get(),
            self.detach.version().get(),
            self.trust.version().get(),
            self.revoke.version().get(),
            self.allow.version().get(),
        ]
    }
}

#[component]
fn RoleDetail(data: RoleView, edits: RoleEdits) -> impl IntoView {
    let role = data.role.clone();
    let name = role.name.to_string();
    let row = "flex items-center justify-between gap-2";
    let attached = data.attached.iter().map(|p| {
        let arn = p.arn.clone();
        view! {
            <li class=row>
                <a class="break-all font-mono text-link" href=format!("/policies/view?arn={}", urlencode(&arn))>{arn.clone()}</a>
                {small_post!(edits.detach, [("role_name", name.clone()), ("policy_arn", arn.clone())], "Detach", p.name)}
            </li>
        }
    }).collect_view();
    let trust = serde_json::from_str::<serde_json::Value>(&role.trust_policy)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| role.trust_policy.clone());
    let [
        for_attach,
        for_trust,
        for_revoke,
        for_allow,
        for_delete,
        for_update,
        for_tag,
    ] = [(); 7].map(|()| name.clone());
    let tags = tags_card!(
        edits.tag,
        edits.untag,
        "role_name",
        for_tag,
        role.tags.clone(),
        "role-tags"
    );
    let max_hours = role.max_session_duration / 3600;
    let may_switch = match &data.may_switch {
        None => "You may not list the account's users.".to_owned(),
        Some(users) if users.is_empty() => {
            "No user of this account may switch to it now.".to_owned()
        }
        Some(users) => users.join(", "),
    };
    let link = data.switch_link.clone();
    view! {
        <p class="mt-1 text-sm text-slate-600"><span class="break-all font-mono" data-testid="role-arn">{role.arn.clone()}</span><CopyButton text=role.arn.clone() what="ARN" /></p>
        <dl class="mt-4 grid max-w-3xl gap-y-2 text-sm sm:grid-cols-3">
            <dt class="text-slate-500">"Description"</dt><dd class="sm:col-span-2">{if role.description.is_empty() { "None".to_owned() } else { role.description.clone() }}</dd>
            <dt class="text-slate-500">"Maximum session"</dt><dd class="sm:col-span-2" data-testid="role-max-session">{hours(role.max_session_duration)}</dd>
            <dt class="text-slate-500">"Last used"</dt><dd class="sm:col-span-2">{role.last_used_at.map_or_else(|| "Never".to_owned(), |t| format!("{} ({})", t.date(), role.last_used_region.clone().unwrap_or_default()))}</dd>
            <dt class="text-slate-500">"Permissions boundary"</dt><dd class="break-all sm:col-span-2">{role.permissions_boundary.clone().unwrap_or_else(|| "None".to_owned())}</dd>
            <dt class="text-slate-500">"Switch role link"</dt>
            <dd class="sm:col-span-2"><a class="break-all text-link" href=link.clone() data-testid="switch-link">{link.clone()}</a><CopyButton text=link what="link" /></dd>
        </dl>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section class=CARD aria-labelledby="summary-heading">
                <h2 id="summary-heading" class="text-lg font-medium">"Summary"</h2>
                <ActionForm action=edits.update attr:class="mt-3 space-y-3">
                    <FormFields action=edits.update>
                        <input type="hidden" name="role_name" value=for_update />
                        <TextField name="description" label="Description" value=role.description.clone() />
                        <label class="block">
                            <span class="text-sm font-medium text-slate-700">"Maximum session duration"</span>
                            <select name="max_session_hours" class=INPUT>
                                {(1..=12).map(|h| view! { <option value=h.to_string() selected=h == max_hours>{hours(h * 3600)}</option> }).collect_view()}
                            </select>
                        </label>
                        <TextField name="permissions_boundary" label="Permissions boundary (policy ARN)"
                            hint="Empty for none" value=role.permissions_boundary.clone().unwrap_or_default() />
                        <button type="submit" class=SMALL_BUTTON>"Save"</button>
                    </FormFields>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="trust-heading">
                <h2 id="trust-heading" class="text-lg font-medium">"Trust relationships"</h2>
                <ActionForm action=edits.trust attr:class="mt-3 space-y-3">
                    <FormFields action=edits.trust>
                        <input type="hidden" name="role_name" value=for_trust />
                        <label class="block">
                            <span class="text-sm font-medium text-slate-700">"Trust policy (JSON)"</span>
                            <textarea name="document" rows="12" spellcheck="false" data-testid="trust-policy"
                                class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs">{trust}</textarea>
                        </label>
                        <button type="submit" class=SMALL_BUTTON>"Update trust policy"</button>
                    </FormFields>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="switch-heading">
                <h2 id="switch-heading" class="text-lg font-medium">"Who may switch to this role"</h2>
                <p class="mt-2 text-sm" data-testid="may-switch">{may_switch}</p>
                <ActionForm action=edits.allow attr:class="mt-4">
                    <FormFields action=edits.allow>
                        <div class="flex items-end gap-2">
                            <input type="hidden" name="role_name" value=for_allow />
                            <div class="min-w-0 flex-1"><TextField name="group_name" label="Allow a group to switch to it"
                                hint="Adds the account to the trust policy and an sts:AssumeRole policy to the group, together." /></div>
                            <button type="submit" class=SMALL_BUTTON>"Allow"</button>
                        </div>
                    </FormFields>
                </ActionForm>
            </section>
            <section class=CARD aria-labelledby="role-policies-heading">
                <h2 id="role-policies-heading" class="text-lg font-medium">"Permissions"</h2>
                <h3 class="mt-3 text-sm font-medium">"Attached managed policies"</h3>
                <ul class="mt-1 space-y-2 text-sm" data-testid="role-policies">{attached}</ul>
                <h3 class="mt-3 text-sm font-medium">"Inline policies"</h3>
                <ul class="mt-1 space-y-1 text-sm" data-testid="role-inline-policies">
                    {data.inline.iter().map(|n| {
                        let href = format!("/inline-policy?role={}&name={}", urlencode(&name), urlencode(n));
                        view! { <li><a class="text-link" href=href>{n.clone()}</a></li> }
                    }).collect_view()}
                </ul>
                <a class="mt-2 inline-block text-sm font-medium text-link" href=format!("/inline-policy?role={}", urlencode(&name))>"Create inline policy"</a>
                <ActionForm action=edits.attach attr:class="mt-4">
                    <FormFields action=edits.attach>
                        <div class="flex items-end gap-2">
                            <input type="hidden" name="role_name" value=for_attach />
                            <div class="min-w-0 flex-1"><TextField name="policy_arn" label="Attach policy (ARN)" /></div>
                            <button type="submit" class=SMALL_BUTTON>"Attach"</button>
                        </div>
                    </FormFields>
                </ActionForm>
                {ActionError(edits.detach)}
            </section>
            <section class=CARD aria-labelledby="sessions-heading">
                <h2 id="sessions-heading" class="text-lg font-medium">"Sessions"</h2>
                <p class="mt-2 text-sm text-slate-600">"Revoking denies every session issued before now on its next request (an AWSRevokeOlderSessions inline policy); sessions begun afterwards are not affected."</p>
                <ActionForm action=edits.revoke attr:class="mt-3">
                    <input type="hidden" name="role_name" value=for_revoke />
                    <button type="submit" class=SMALL_BUTTON>"Revoke active sessions"</button>
                </ActionForm>
                {ActionError(edits.revoke)}
                {move || edits.revoke.value().get().and_then(Result::ok).map(|()| view! {
                    <p class="mt-2 text-sm text-emerald-700" role="status">"Sessions issued before now are revoked."</p>
                })}
            </section>
            {tags}
            <section class="rounded-xl border border-red-200 bg-surface p-6" aria-labelledby="delete-role-heading">
                <h2 id="delete-role-heading" class="text-lg font-medium">"Delete role"</h2>
                <p class="mt-1 text-sm text-slate-600">"Its policies are removed first; its sessions end with it. It cannot be undone."</p>
                <ActionForm action=edits.delete attr:class="mt-4">
                    <input type="hidden" name="role_name" value=for_delete />
                    <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                        disabled=move || edits.delete.pending().get()>"Delete role"</button>
                </ActionForm>
                {ActionError(edits.delete)}
            </section>
        </div>
    }
    .into_any()
}

/// Switch role, as AWS's console has it: account (id or alias), role, and how the
/// console shows the role while it is in use.
#[component]
pub fn SwitchRolePage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<SwitchRole>::new();
    let account = query.read_untracked().get("account").unwrap_or_default();
    let role = query.read_untracked().get("role").unwrap_or_default();
    let display = query
        .read_untracked()
        .get("displayName")
        .unwrap_or_default();
    view! {
        <Title text="Switch role" />
        <h1 class="text-2xl font-semibold">"Switch role"</h1>
        <p class="mt-1 max-w-2xl text-sm text-slate-600">
            "Act as a role for up to an hour, with the role's permissions instead of your own. Switch back at any time."
        </p>
        <ActionForm action attr:class="mt-6 max-w-xl space-y-4 rounded-xl border border-slate-200 bg-surface p-6">
            <FormFields action>
                <TextField name="account" label="Account" hint="The account's 12-digit id or its alias" value=account required=true />
                <TextField name="role" label="Role" hint="The role's name, with its path if it has one (path/name)" value=role required=true />
                <TextField name="display_name" label="Display name" hint="Optional: how the console names the role while you use it" value=display />
                <fieldset>
                    <legend class="text-sm font-medium text-slate-700">"Colour"</legend>
                    <div class="mt-2 flex flex-wrap gap-3">
                        {COLORS.iter().enumerate().map(|(i, (hex, label))| view! {
                            <label class="flex items-center gap-2 text-sm">
                                <input type="radio" name="color" value=*hex checked=i == 0 />
                                <span class=format!("inline-block h-4 w-4 rounded-full border border-slate-300 {}", color_class(hex))></span>
                                {*label}
                            </label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Switch role"</button>
            </FormFields>
        </ActionForm>
    }
}
