//! Policies: the list (AWS managed and customer managed), a policy's page (document,
//! versions with rollback and a diff, who uses it, a new version from the editor), and
//! the create form. The editor lints as you type with the policy engine compiled into
//! the page: no request leaves the browser for it.

use super::visual_editor::VisualEditor;
use crate::api::policies::{
    CreatePolicy, CreatePolicyVersion, DeleteInlinePolicy, DeletePolicy, DeletePolicyVersion,
    PutInlinePolicy, SetDefaultPolicyVersion, get_inline_policy, get_policy, list_policies,
};
use crate::policy::{Catalogue, Severity, lint_with};
use crate::ui::components::{ActionError, CopyButton, ErrorAlert, FormFields, TextField};
use crate::ui::format::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const SECONDARY: &str = "rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
const CELL: &str = "px-3 py-2 text-left align-top";
const CARD: &str = "rounded-xl border border-slate-200 bg-surface p-6";

const STARTER: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"iam:ListUsers\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        (q.get("scope"), q.get("q"), q.get("after"))
    };
    let page = Resource::new(params, |(scope, q, after)| list_policies(scope, q, after));
    let scope_link = |scope: &'static str, label: &'static str| {
        view! {
            <a href=format!("/policies?scope={scope}") class=SECONDARY
                aria-current=move || (query.read().get("scope").as_deref().unwrap_or("all") == scope).then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <Title text="Policies" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-semibold">"Policies"</h1>
            <a href="/policies/new" class=BUTTON>"Create policy"</a>
        </div>
        <nav class="mt-4 flex gap-2" aria-label="Policy type">
            {scope_link("all", "All")}
            {scope_link("aws", "AWS managed")}
            {scope_link("local", "Customer managed")}
        </nav>
        <form method="get" action="/policies" class="mt-4 flex items-end gap-3" role="search">
            <input type="hidden" name="scope" prop:value=move || query.read().get("scope").unwrap_or_default() />
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Search by name"</span>
                <input name="q" type="search" class="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
                    aria-describedby="policy-search-hint"
                    prop:value=move || query.read().get("q").unwrap_or_default() />
                <span id="policy-search-hint" class="mt-1 block text-xs text-slate-500">
                    "Names containing the text; one or two letters find names starting with them."
                </span>
            </label>
            <button type="submit" class=SECONDARY>"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let next = page.marker.clone().map(|m| {
                            let (scope, q, _) = params();
                            format!("/policies?scope={}&q={}&after={}", scope.unwrap_or_default(), urlencode(&q.unwrap_or_default()), urlencode(&m))
                        });
                        view! {
                            <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-surface" tabindex="0" role="region" aria-label="Policies">
                                <table class="min-w-full text-sm" data-testid="policies-table">
                                    <thead class="bg-slate-50 text-slate-600">
                                        <tr>
                                            <th scope="col" class=CELL>"Policy name"</th>
                                            <th scope="col" class=CELL>"Type"</th>
                                            <th scope="col" class=CELL>"Attached entities"</th>
                                            <th scope="col" class=CELL>"Description"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.items.into_iter().map(|p| view! {
                                            <tr class="border-t border-slate-100">
                                                <td class=CELL><a class="font-medium text-link" href=format!("/policies/view?arn={}", urlencode(&p.arn))>{p.name.to_string()}</a></td>
                                                <td class=CELL>{if p.account.is_some() { "Customer managed" } else { "AWS managed" }}</td>
                                                <td class=CELL>{p.attachment_count}</td>
                                                <td class=CELL>{p.description.clone()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {next.map(|href| view! { <a class="mt-4 inline-block text-sm font-medium text-link" href=href>"Next page"</a> })}
                        }.into_any()
                    }
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The JSON editor with its findings, updated on every keystroke in the browser. Once
/// the AWS service catalogue has loaded (fetched when the editor opens, a compressed
/// asset of its own, not part of the wasm), lint checks every service's action names.
#[component]
fn PolicyEditor(initial: String) -> impl IntoView {
    let (text, set_text) = signal(initial.clone());
    let catalogue = RwSignal::new(None::<Arc<Catalogue>>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Some(loaded) = fetch_catalogue().await {
                catalogue.set(Some(Arc::new(loaded)));
            }
        });
    });
    let findings =
        Memo::new(move |_| catalogue.with(|c| text.with(|t| lint_with(t, c.as_deref()))));
    let status = move || {
        catalogue.with(|c| match c {
            Some(c) => format!(
                "Action names are checked against {} AWS services ({} actions).",
                c.services().len(),
                c.action_count()
            ),
            None => "Action names are checked for iam and sts until the AWS service catalogue has loaded.".to_owned(),
        })
    };
    view! {
        <label class="block">
            <span class="text-sm font-medium text-slate-700">"Policy document (JSON)"</span>
            <textarea
                name="policy_document"
                rows="16"
                spellcheck="false"
                aria-describedby="policy-findings"
                class="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
                prop:value=move || text.get()
                on:input=move |ev| set_text.set(event_target_value(&ev))
            >
                {initial}
            </textarea>
        </label>
        <p class="mt-1 text-xs text-slate-500" data-testid="catalogue-status">{status}</p>
        <ul id="policy-findings" class="mt-2 space-y-1 text-sm" data-testid="lint-findings" aria-live="polite">
            {move || findings.get().into_iter().map(|f| {
                let tone = match f.severity {
                    Severity::Error => "text-red-700",
                    Severity::SecurityWarning | Severity::Warning => "text-amber-700",
                    Severity::Suggestion => "text-slate-600",
                };
                view! {
                    <li class=tone data-severity=f.severity.as_str()>
                        <span class="font-medium">{f.severity.as_str()}</span>
                        {(!f.path.is_empty()).then(|| view! {
                            {f.line.map(|n| format!(" line {n},"))} " " <code>{f.path.clone()}</code>
                        })}
                        ": " {f.message.clone()}
                    </li>
                }
            }).collect_view()}
        </ul>
        <VisualEditor catalogue text set_text />
    }
}

#[component]
pub fn NewPolicyPage() -> impl IntoView {
    let action = ServerAction::<CreatePolicy>::new();
    view! {
        <Title text="Create policy" />
        <h1 class="text-2xl font-semibold">"Create policy"</h1>
        <ActionForm action attr:class="mt-6 max-w-3xl space-y-4">
            <FormFields action>
                <TextField name="policy_name" label="Policy name" required=true hint="Up to 128 letters, digits and + = , . @ _ -" />
                <TextField name="description" label="Description" hint="Optional; cannot be changed later" />
                <PolicyEditor initial=STARTER.to_owned() />
                <button type="submit" class=BUTTON disabled=move || action.pending().get()>"Create policy"</button>
            </FormFields>
        </ActionForm>
    }
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let query = use_query_map();
    let arn = move || query.read().get("arn").unwrap_or_default();
    let new_version = ServerAction::<CreatePolicyVersion>::new();
    let set_default = ServerAction::<SetDefaultPolicyVersion>::new();
    let delete_version = ServerAction::<DeletePolicyVersion>::new();
    let delete = ServerAction::<DeletePolicy>::new();
    let data = Resource::new(
        move || {
            (
                arn(),
                new_version.version().get(),
                set_default.version().get(),
                delete_version.version().get(),
            )
        },
        |(arn, ..)| get_policy(arn),
    );
    view! {
        <Title text="Policy" />
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let view_data = match data.await {
                    Ok(v) => v,
                    Err(error) => return view! { <h1 class="text-2xl font-semibold">"Policy"</h1><div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                };
                view! { <PolicyDetail data=view_data new_version set_default delete_version delete /> }.into_any()
            })}
        </Transition>
    }
}

/// A policy's page once loaded; split in cards so each renders on its own.
#[component]
fn PolicyDetail(
    data: crate::api::policies::PolicyView,
    new_version: ServerAction<CreatePolicyVersion>,
    set_default: ServerAction<SetDefaultPolicyVersion>,
    delete_version: ServerAction<DeletePolicyVersion>,
    delete: ServerAction<DeletePolicy>,
) -> impl IntoView {
    let policy = data.policy.clone();
    let removes = deletion_removes(&data);
    let customer = policy.account.is_some();
    let default_doc = data
        .versions
        .iter()
        .find(|v| v.is_default)
        .map(|v| v.document.clone())
        .unwrap_or_default();
    let arn_value = policy.arn.clone();
    let delete_arn = policy.arn.clone();
    let edit_doc = default_doc.clone();
    view! {
        <h1 class="text-2xl font-semibold">{policy.name.to_string()}</h1>
        <p class="mt-1 text-sm text-slate-600"><span class="break-all font-mono" data-testid="policy-arn">{policy.arn.clone()}</span><CopyButton text=policy.arn.clone() what="ARN" /></p>
        <p class="mt-1 text-sm text-slate-600">{policy.description.clone()}</p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section class=CARD aria-labelledby="document-heading">
                <h2 id="document-heading" class="text-lg font-medium">{format!("Document ({})", policy.default_version_id())}</h2>
                <pre class="mt-3 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs" tabindex="0" role="region" aria-label="Policy document" data-testid="policy-document">{pretty(&default_doc)}</pre>
            </section>
            <Versions versions=data.versions.clone() arn=arn_value.clone() customer set_default delete_version />
            <section class=CARD aria-labelledby="entities-heading">
                <h2 id="entities-heading" class="text-lg font-medium">"Entities attached"</h2>
                <ul class="mt-3 text-sm" data-testid="policy-entities">
                    {data.users.iter().map(|u| view! { <li>{format!("User {u}")}</li> }).collect_view()}
                    {data.groups.iter().map(|g| view! { <li>{format!("Group {g}")}</li> }).collect_view()}
                    {data.roles.iter().map(|r| view! { <li>{format!("Role {r}")}</li> }).collect_view()}
                </ul>
            </section>
            {customer.then(|| view! {
                <section class=CARD aria-labelledby="edit-heading">
                    <h2 id="edit-heading" class="text-lg font-medium">"Edit (saves a new default version)"</h2>
                    <ActionForm action=new_version attr:class="mt-3 space-y-3">
                        {ActionError(new_version)}
                        <input type="hidden" name="policy_arn" value=arn_value.clone() />
                        <PolicyEditor initial=pretty(&edit_doc) />
                        <button type="submit" class=BUTTON>"Save as new version"</button>
                    </ActionForm>
                </section>
                <section class="rounded-xl border border-red-200 bg-surface p-6" aria-labelledby="delete-heading">
                    <h2 id="delete-heading" class="text-lg font-medium">"Delete policy"</h2>
                    <p class="mt-1 text-sm text-slate-600" data-testid="delete-removes">{removes}" It cannot be undone."</p>
                    <ActionForm action=delete attr:class="mt-4 space-y-3">
                        <FormFields action=delete>
                            <input type="hidden" name="policy_arn" value=delete_arn />
                            <TextField name="confirmation" label="To confirm, type the policy name"
                                autocomplete="off" hint="Exactly as shown in the page's title." />
                            <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                                disabled=move || delete.pending().get()>
                                "Delete policy"
                            </button>
                        </FormFields>
                    </ActionForm>
                </section>
            }.into_any())}
        </div>
    }
}

/// What deleting the policy takes with it, as the delete card says it.
fn deletion_removes(data: &crate::api::policies::PolicyView) -> String {
    let mut parts = Vec::new();
    let attached = data.users.len() + data.groups.len() + data.roles.len();
    if attached > 0 {
        parts.push(format!(
            "detaches it from {attached} {}",
            if attached == 1 { "entity" } else { "entities" }
        ));
    }
    let others = data.versions.iter().filter(|v| !v.is_default).count();
    if others > 0 {
        parts.push(format!(
            "deletes {others} other {}",
            if others == 1 { "version" } else { "versions" }
        ));
    }
    if parts.is_empty() {
        "Deleting removes the policy.".to_owned()
    } else {
        format!(
            "Deleting {}, removes it as a permissions boundary wherever it is one, then removes the policy.",
            parts.join(" and ")
        )
    }
}

/// An inline policy of a user, group or role (`?user=`, `?group=` or `?role=`;
/// `&name=` to edit one, without it a new one): the document in the linting editor,
/// saved with Put{User,Group,Role}Policy, and a delete button.
#[component]
pub fn InlinePolicyPage() -> impl IntoView {
    let query = use_query_map();
    let target = move || {
        let q = query.read();
        let holder = match (q.get("user"), q.get("group"), q.get("role")) {
            (Some(user), _, _) => ("user", user),
            (None, Some(group), _) => ("group", group),
            (None, None, Some(role)) => ("role", role),
            (None, None, None) => ("user", String::new()),
        };
        (holder.0, holder.1, q.get("name").unwrap_or_default())
    };
    let document = Resource::new(target, |(kind, holder, name)| async move {
        if name.is_empty() {
            Ok(STARTER.to_owned())
        } else {
            get_inline_policy(kind.to_owned(), holder, name)
                .await
                .map(|d| pretty(&d))
        }
    });
    let save = ServerAction::<PutInlinePolicy>::new();
    let delete = ServerAction::<DeleteInlinePolicy>::new();
    view! {
        <Title text="Inline policy" />
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (kind, holder, name) = target();
                let back = match kind {
                    "user" => format!("/users/details/{}?section=permissions", urlencode(&holder)),
                    "role" => format!("/roles/details/{}", urlencode(&holder)),
                    _ => format!("/groups/details/{}", urlencode(&holder)),
                };
                let editing = !name.is_empty();
                let heading = if editing {
                    format!("Inline policy {name} of {kind} {holder}")
                } else {
                    format!("Create an inline policy for {kind} {holder}")
                };
                let doc = match document.await {
                    Ok(doc) => doc,
                    Err(error) => return view! {
                        <h1 class="text-2xl font-semibold">{heading}</h1>
                        <div class="mt-4"><ErrorAlert error /></div>
                    }.into_any(),
                };
                let (kind2, holder2, name2) = (kind.to_owned(), holder.clone(), name.clone());
                view! {
                    <h1 class="text-2xl font-semibold">{heading}</h1>
                    <p class="mt-1 text-sm"><a class="text-link" href=back>{format!("Back to {kind} {holder}")}</a></p>
                    <p class="mt-1 max-w-3xl text-sm text-slate-600">"An inline policy belongs to this one "{kind}" only and is deleted with it; the "{kind}"'s inline policies together hold at most "{match kind { "user" => "2,048", "role" => "10,240", _ => "5,120" }}" characters, not counting white space."</p>
                    <ActionForm action=save attr:class="mt-6 max-w-3xl space-y-4">
                        <FormFields action=save>
                            <input type="hidden" name="holder_kind" value=kind />
                            <input type="hidden" name="holder_name" value=holder.clone() />
                            {if editing {
                                view! { <input type="hidden" name="policy_name" value=name.clone() /> }.into_any()
                            } else {
                                view! { <TextField name="policy_name" label="Policy name" required=true hint="Up to 128 letters, digits and + = , . @ _ -" /> }.into_any()
                            }}
                            <PolicyEditor initial=doc />
                            <button type="submit" class=BUTTON disabled=move || save.pending().get()>
                                {if editing { "Save changes" } else { "Create policy" }}
                            </button>
                        </FormFields>
                    </ActionForm>
                    {editing.then(|| view! {
                        <section class="mt-6 max-w-3xl rounded-xl border border-red-200 bg-surface p-6" aria-labelledby="delete-inline-heading">
                            <h2 id="delete-inline-heading" class="text-lg font-medium">"Delete this inline policy"</h2>
                            <ActionForm action=delete attr:class="mt-3">
                                <input type="hidden" name="holder_kind" value=kind2 />
                                <input type="hidden" name="holder_name" value=holder2 />
                                <input type="hidden" name="policy_name" value=name2 />
                                <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                                    disabled=move || delete.pending().get()>
                                    "Delete inline policy"
                                </button>
                            </ActionForm>
                            {ActionError(delete)}
                        </section>
                    })}
                }.into_any()
            })}
        </Transition>
    }
}

/// The versions with default/delete buttons, and a diff between any two.
#[component]
fn Versions(
    versions: Vec<crate::model::PolicyVersion>,
    arn: String,
    customer: bool,
    set_default: ServerAction<SetDefaultPolicyVersion>,
    delete_version: ServerAction<DeletePolicyVersion>,
) -> impl IntoView {
    let (left, set_left) = signal(versions.last().map(|v| v.version).unwrap_or(1));
    let (right, set_right) = signal(versions.first().map(|v| v.version).unwrap_or(1));
    let docs = versions.clone();
    let diff = move || {
        let find = |n: i32| {
            docs.iter()
                .find(|v| v.version == n)
                .map(|v| v.document.clone())
                .unwrap_or_default()
        };
        diff_lines(&find(left.get()), &find(right.get()))
    };
    let options = versions.iter().map(|v| v.version).collect::<Vec<_>>();
    let options2 = options.clone();
    let rows = versions.iter().map(|v| {
        let id = format!("v{}", v.version);
        let (a1, a2) = (arn.clone(), arn.clone());
        let (id1, id2, id3, id4) = (id.clone(), id.clone(), id.clone(), id.clone());
        let buttons = (customer && !v.is_default).then(|| view! {
            <div class="flex gap-2">
                <ActionForm action=set_default>
                    <input type="hidden" name="policy_arn" value=a1 />
                    <input type="hidden" name="version_id" value=id1 />
                    <button type="submit" class=SECONDARY>{format!("Make {id2} the default")}</button>
                </ActionForm>
                <ActionForm action=delete_version>
                    <input type="hidden" name="policy_arn" value=a2 />
                    <input type="hidden" name="version_id" value=id3 />
                    <button type="submit" class=SECONDARY>{format!("Delete {id4}")}</button>
                </ActionForm>
            </div>
        }.into_any());
        view! {
            <tr class="border-t border-slate-100">
                <td class=CELL>{id.clone()}{v.is_default.then_some(" (default)")}</td>
                <td class=CELL>{format!("{}", v.created_at.date())}</td>
                <td class=CELL>{buttons}</td>
            </tr>
        }.into_any()
    }).collect_view();
    view! {
        <section class=CARD aria-labelledby="versions-heading">
            <h2 id="versions-heading" class="text-lg font-medium">"Versions"</h2>
            <table class="mt-3 min-w-full text-sm" data-testid="policy-versions">
                <tbody>{rows}</tbody>
            </table>
            {ActionError(set_default)}
            {ActionError(delete_version)}
            <h3 class="mt-4 text-sm font-medium">"Compare versions"</h3>
            <div class="mt-2 flex gap-2 text-sm">
                <label>"From "<select on:change=move |ev| set_left.set(event_target_value(&ev).parse().unwrap_or(1))>
                    {options.into_iter().map(|n| view! { <option value=n.to_string() selected=move || left.get() == n>{format!("v{n}")}</option> }).collect_view()}
                </select></label>
                <label>"to "<select on:change=move |ev| set_right.set(event_target_value(&ev).parse().unwrap_or(1))>
                    {options2.into_iter().map(|n| view! { <option value=n.to_string() selected=move || right.get() == n>{format!("v{n}")}</option> }).collect_view()}
                </select></label>
            </div>
            <pre class="mt-2 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs" tabindex="0" role="region" aria-label="Differences between the versions" data-testid="policy-diff">
                {move || diff().into_iter().map(|(mark, line)| {
                    let class = match mark { '+' => "block bg-emerald-50 text-emerald-800", '-' => "block bg-red-50 text-red-800", _ => "block" };
                    view! { <span class=class>{format!("{mark} {line}")}</span> }
                }).collect_view()}
            </pre>
        </section>
    }
}

fn pretty(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| document.to_owned())
}

/// A line diff (longest common subsequence): `' '` kept, `'-'` only in `a`, `'+'` only
/// in `b`. Documents are small (a managed policy is at most 6,144 characters).
pub fn diff_lines(a: &str, b: &str) -> Vec<(char, String)> {
    let (a, b) = (pretty(a), pretty(b));
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(('+', b[j].to_owned()));
            j += 1;
        } else {
            out.push(('-', a[i].to_owned()));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::diff_lines;

    #[test]
    fn diff_marks_changed_lines() {
        let a = r#"{"Statement":[{"Action":"s3:GetObject"}]}"#;
        let b = r#"{"Statement":[{"Action":"s3:PutObject"}]}"#;
        let d = diff_lines(a, b);
        assert!(d.iter().any(|(m, l)| *m == '-' && l.contains("GetObject")));
        assert!(d.iter().any(|(m, l)| *m == '+' && l.contains("PutObject")));
        assert!(d.iter().any(|(m, _)| *m == ' '));
        assert!(diff_lines(a, a).iter().all(|(m, _)| *m == ' '));
    }
}

/// The AWS service catalogue, from the server's asset (the browser revalidates it by
/// its ETag, so a second opening costs a 304); `None` when it cannot be had, and lint
/// then keeps to iam and sts.
#[cfg(feature = "hydrate")]
async fn fetch_catalogue() -> Option<Catalogue> {
    use leptos::wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str(crate::policy::catalogue::ASSET_PATH))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    Catalogue::parse(&text.as_string()?).ok()
}
