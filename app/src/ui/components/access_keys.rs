//! The access keys of one principal, with the rotation assistant: each key's age and
//! last use, warnings for old and unused keys, and AWS's rotation steps. Used on "My
//! security credentials" (one's own keys) and on a user's page.

use super::{ActionError, CopyButton, ErrorAlert};
use crate::api::access_keys::{CreateKey, DeleteKey, KeyRow, KeysView, UpdateKey, list_keys};
use crate::error::AppError;
use crate::model::{AccessKeyStatus, MAX_ACCESS_KEYS, NewAccessKey};
use crate::ui::format::{format_time, urlencode};
use crate::ui::small_post::{SMALL_BUTTON, small_post};
use leptos::prelude::*;

/// What the section can change; each change reloads the keys.
#[derive(Clone, Copy)]
pub struct KeyActions {
    pub create: ServerAction<CreateKey>,
    pub update: ServerAction<UpdateKey>,
    pub delete: ServerAction<DeleteKey>,
}

impl KeyActions {
    #[allow(clippy::new_without_default)] // made once per page, like a signal
    pub fn new() -> Self {
        Self {
            create: ServerAction::new(),
            update: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    fn versions(self) -> [usize; 3] {
        [
            self.create.version().get(),
            self.update.version().get(),
            self.delete.version().get(),
        ]
    }
}

pub type KeysResource = Resource<Result<KeysView, AppError>>;

/// The keys of `user` (empty: the caller's own). Made by the page itself, beside its
/// other data, never inside a part that waits for data: the server renders such a part
/// twice, and the browser could read the discarded render's copy.
pub fn keys_resource(
    user: impl Fn() -> String + Send + Sync + 'static,
    actions: KeyActions,
) -> KeysResource {
    Resource::new(
        move || (user(), actions.versions()),
        |(user, _)| list_keys(user),
    )
}

#[component]
pub fn AccessKeysSection(
    /// The user whose keys these are; empty for the caller's own.
    #[prop(into)]
    user: String,
    keys: KeysResource,
    actions: KeyActions,
    /// Whether these are a root user's keys (they get AWS's warning).
    root: bool,
) -> impl IntoView {
    let create_user = user;
    view! {
        <section class="mt-6 max-w-3xl rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="keys-heading">
            <h2 id="keys-heading" class="text-lg font-medium">"Access keys"</h2>
            <p class="mt-1 text-sm text-slate-600">
                {format!("Programs (the AWS CLI, SDKs, Terraform) sign their requests with an access key. At most {MAX_ACCESS_KEYS}, inactive ones counting.")}
            </p>
            {root.then(|| view! {
                <p class="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="root-key-warning">
                    "A root user's access key can do anything in the account, and no policy limits it. Prefer an IAM user's key, or a role, for programs."
                </p>
            })}
            <details class="mt-3 text-sm">
                <summary class="cursor-pointer font-medium">"How to rotate a key"</summary>
                <ol class="mt-2 list-decimal space-y-1 pl-5 text-slate-700">
                    <li>"Create a second key (a principal may have two)."</li>
                    <li>"Move every program to the new key."</li>
                    <li>"Watch the old key's last use; once it stops changing, make it inactive."</li>
                    <li>"If nothing breaks, delete the old key."</li>
                </ol>
            </details>
            {outcomes(actions)}
            <KeyList keys actions user=create_user />
        </section>
    }
    .into_any()
}

/// What the last change said: its error, or the new key's secret.
fn outcomes(actions: KeyActions) -> AnyView {
    let created = move || actions.create.value().get().and_then(Result::ok);
    view! {
        {ActionError(actions.create)}
        {ActionError(actions.update)}
        {ActionError(actions.delete)}
        {move || created().map(|new| view! { <NewKey new /> })}
    }
    .into_any()
}

#[component]
fn KeyList(keys: KeysResource, actions: KeyActions, user: String) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
            {move || {
                let create_user = user.clone();
                Suspend::new(async move {
                    match keys.await {
                        Ok(view) => view! { <KeyTable view actions create_user /> }.into_any(),
                        Err(error) => view! { <div class="mt-3"><ErrorAlert error /></div> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

/// The secret, shown once, to copy or download as AWS's CSV.
#[component]
fn NewKey(new: NewAccessKey) -> impl IntoView {
    let id = new.key.id.to_string();
    let file = match &new.key.user_name {
        Some(user) => format!("{user}_accessKeys.csv"),
        None => "rootkey.csv".to_owned(),
    };
    let csv = format!("data:text/csv;charset=utf-8,{}", urlencode(&new.csv()));
    view! {
        <div class="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-4 text-sm" role="status" data-testid="new-access-key">
            <p class="font-medium">"Access key created. This is the only time its secret access key can be seen or downloaded."</p>
            <dl class="mt-3 grid gap-y-2 sm:grid-cols-4">
                <dt class="text-slate-600">"Access key ID"</dt>
                <dd class="sm:col-span-3"><span class="break-all font-mono" data-testid="new-key-id">{id.clone()}</span><CopyButton text=id what="access key ID" /></dd>
                <dt class="text-slate-600">"Secret access key"</dt>
                <dd class="sm:col-span-3"><span class="break-all font-mono" data-testid="new-key-secret">{new.secret.clone()}</span><CopyButton text=new.secret.clone() what="secret access key" /></dd>
            </dl>
            <a href=csv download=file rel="external" class="mt-3 inline-block font-medium text-link hover:underline">"Download .csv file"</a>
        </div>
    }
}

#[component]
fn KeyTable(view: KeysView, actions: KeyActions, create_user: String) -> impl IntoView {
    let full = view.keys.len() >= MAX_ACCESS_KEYS;
    let none = view.keys.is_empty();
    let max_age = view.max_age_days;
    let rows = view
        .keys
        .into_iter()
        .map(|row| view! { <KeyItem row user=create_user.clone() actions /> })
        .collect_view();
    view! {
        <p class="mt-4 text-xs text-slate-500">{format!("Keys older than {max_age} days are flagged for rotation.")}</p>
        {none.then(|| view! { <p class="mt-2 text-sm" data-testid="no-access-keys">"No access keys."</p> })}
        <ul class="mt-2 space-y-3" data-testid="access-keys">{rows}</ul>
        {if full {
            view! { <p class="mt-4 text-sm text-slate-600">{format!("{MAX_ACCESS_KEYS} keys: delete one to create another.")}</p> }.into_any()
        } else {
            view! {
                <ActionForm action=actions.create attr:class="mt-4">
                    <input type="hidden" name="user_name" value=create_user.clone() />
                    <button type="submit" class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">"Create access key"</button>
                </ActionForm>
            }.into_any()
        }}
    }
}

#[component]
fn KeyItem(row: KeyRow, user: String, actions: KeyActions) -> impl IntoView {
    let key = row.key;
    let id = key.id.to_string();
    let active = key.status == AccessKeyStatus::Active;
    let last_used = key.last_used.as_ref().map_or_else(
        || "Never used".to_owned(),
        |u| {
            format!(
                "Last used {} ({}, {})",
                format_time(u.at),
                u.service,
                u.region
            )
        },
    );
    let age = match row.advice.age_days {
        0 => "created today".to_owned(),
        1 => "1 day old".to_owned(),
        n => format!("{n} days old"),
    };
    let toggle = if active {
        small_post!(
            actions.update,
            [
                ("user_name", user.clone()),
                ("access_key_id", id.clone()),
                ("status", "Inactive".to_owned())
            ],
            "Make inactive",
            id.clone()
        )
        .into_any()
    } else {
        small_post!(
            actions.update,
            [
                ("user_name", user.clone()),
                ("access_key_id", id.clone()),
                ("status", "Active".to_owned())
            ],
            "Make active",
            id.clone()
        )
        .into_any()
    };
    let confirm_id = format!("confirm-{id}");
    let delete = (!active).then(|| {
        let id = id.clone();
        view! {
            <ActionForm action=actions.delete attr:class="mt-2 flex flex-wrap items-end gap-2">
                <input type="hidden" name="user_name" value=user.clone() />
                <input type="hidden" name="access_key_id" value=id.clone() />
                <div>
                    <label for=confirm_id.clone() class="block text-xs text-slate-600">"Type the key id to delete it"</label>
                    <input id=confirm_id name="confirmation" autocomplete="off"
                        class="mt-1 block w-64 max-w-full rounded-md border border-slate-300 bg-surface px-2 py-1 font-mono text-xs" />
                </div>
                <button type="submit" class="rounded-md border border-red-300 bg-surface px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50">
                    "Delete"<span class="sr-only">{format!(" {id}")}</span>
                </button>
            </ActionForm>
        }
    });
    let status_class = if active {
        "rounded bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800"
    } else {
        "rounded bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700"
    };
    view! {
        <li class="rounded-md border border-slate-200 p-3 text-sm" data-testid="access-key">
            <div class="flex flex-wrap items-center gap-3">
                <span class="break-all font-mono">{id.clone()}</span>
                <span class=status_class>{key.status.as_str()}</span>
                <span class="text-slate-600">{format!("{}, {age}", format_time(key.created_at))}</span>
                {toggle}
            </div>
            <p class="mt-1 text-slate-600">{last_used}</p>
            {(!row.advice.warnings.is_empty()).then(|| view! {
                <ul class="mt-1 list-disc pl-5 text-amber-800" data-testid="key-warnings">
                    {row.advice.warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
            {delete}
        </li>
    }
}
