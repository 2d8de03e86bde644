//! Groups: the list with a create form, and a group's page (members, nested groups,
//! policies).

use crate::api::groups::{
    AddGroupToGroup, AddUserToGroup, AttachGroupPolicy, CreateGroup, DeleteGroup,
    RemoveUserFromGroup, get_group, list_groups,
};
use crate::ui::components::{ActionError, CopyButton, ErrorAlert, FormFields, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const SECONDARY: &str = "rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
const CELL: &str = "px-3 py-2 text-left";
const CARD: &str = "rounded-xl border border-slate-200 bg-surface p-6";

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateGroup>::new();
    let params = move || {
        let q = query.read();
        (q.get("q"), q.get("after"))
    };
    let page = Resource::new(params, |(q, after)| list_groups(q, after));
    view! {
        <Title text="Groups" />
        <h1 class="text-2xl font-semibold">"Groups"</h1>
        <div class="mt-6 grid gap-6 lg:grid-cols-3">
            <section class="lg:col-span-2">
                <form method="get" action="/groups" class="flex flex-wrap items-end gap-3" role="search">
                    <label class="block">
                        <span class="text-sm font-medium text-slate-700">"Search by name"</span>
                        <input name="q" type="search" class="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
                            aria-describedby="group-search-hint"
                            prop:value=move || query.read().get("q").unwrap_or_default() />
                        <span id="group-search-hint" class="mt-1 block text-xs text-slate-500">
                            "Names containing the text; one or two letters find names starting with them."
                        </span>
                    </label>
                    <button type="submit" class=SECONDARY>"Search"</button>
                </form>
                <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(page) => view! {
                                <div class="mt-4 overflow-x-auto rounded-xl border border-slate-200 bg-surface" tabindex="0" role="region" aria-label="Groups">
                                    <table class="min-w-full text-sm" data-testid="groups-table">
                                        <thead class="bg-slate-50 text-slate-600">
                                            <tr><th scope="col" class=CELL>"Group name"</th><th scope="col" class=CELL>"Path"</th><th scope="col" class=CELL>"Created"</th></tr>
                                        </thead>
                                        <tbody>
                                            {page.items.into_iter().map(|g| {
                                                let href = format!("/groups/details/{}", g.name);
                                                view! {
                                                    <tr class="border-t border-slate-100">
                                                        <td class=CELL><a class="font-medium text-link" href=href>{g.name.to_string()}</a></td>
                                                        <td class=format!("{CELL} font-mono")>{g.path.to_string()}</td>
                                                        <td class=CELL>{format!("{}", g.created_at.date())}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {page.marker.map(|m| view! {
                                    <a class="mt-4 inline-block text-sm font-medium text-link" href=format!("/groups?after={m}")>"Next page"</a>
                                })}
                            }.into_any(),
                            Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <section class=CARD aria-labelledby="create-group-heading">
                <h2 id="create-group-heading" class="text-lg font-medium">"Create group"</h2>
                <ActionForm action=create attr:class="mt-4 space-y-4">
                    <FormFields action=create>
                        <TextField name="group_name" label="Group name" required=true hint="Up to 128 letters, digits and + = , . @ _ -" />
                        <TextField name="path" label="Path" hint="Optional, for example /teams/" />
                        <button type="submit" class=BUTTON disabled=move || create.pending().get()>"Create group"</button>
                    </FormFields>
                </ActionForm>
            </section>
        </div>
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let add_user = ServerAction::<AddUserToGroup>::new();
    let remove_user = ServerAction::<RemoveUserFromGroup>::new();
    let add_group = ServerAction::<AddGroupToGroup>::new();
    let attach = ServerAction::<AttachGroupPolicy>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    let view_data = Resource::new(
        move || {
            (
                name(),
                add_user.version().get(),
                remove_user.version().get(),
                add_group.version().get(),
                attach.version().get(),
            )
        },
        |(name, ..)| get_group(name),
    );
    view! {
        <Title text="Group" />
        <h1 class="text-2xl font-semibold">{move || format!("Group {}", name())}</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let data = match view_data.await {
                    Ok(data) => data,
                    Err(error) => return view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                };
                let group_name = data.detail.group.name.to_string();
                let (g1, g2, g3, g4, g5) = (group_name.clone(), group_name.clone(), group_name.clone(), group_name.clone(), group_name.clone());
                view! {
                    <p class="mt-1 text-sm text-slate-600"><span class="break-all font-mono" data-testid="group-arn">{data.detail.group.arn.clone()}</span><CopyButton text=data.detail.group.arn.clone() what="ARN" /></p>
                    <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
                        <section class=CARD aria-labelledby="members-heading">
                            <h2 id="members-heading" class="text-lg font-medium">"Users"</h2>
                            <ul class="mt-3 space-y-2 text-sm" data-testid="group-members">
                                {data.detail.users.items.into_iter().map(|u| {
                                    let g = g1.clone();
                                    view! {
                                        <li class="flex items-center justify-between">
                                            <span>{u.name.to_string()}</span>
                                            <ActionForm action=remove_user>
                                                <input type="hidden" name="group_name" value=g />
                                                <input type="hidden" name="user_name" value=u.name.to_string() />
                                                <button type="submit" class=SECONDARY>"Remove"<span class="sr-only">{format!(" {}", u.name)}</span></button>
                                            </ActionForm>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <ActionForm action=add_user attr:class="mt-4 flex items-end gap-2">
                                <input type="hidden" name="group_name" value=g2 />
                                <TextField name="user_name" label="Add user" />
                                <button type="submit" class=SECONDARY>"Add"</button>
                            </ActionForm>
                            {ActionError(add_user)}
                            {ActionError(remove_user)}
                        </section>
                        <section class=CARD aria-labelledby="nesting-heading">
                            <h2 id="nesting-heading" class="text-lg font-medium">"Nested groups"</h2>
                            <p class="mt-1 text-xs text-slate-500">"Groups inside this one get its policies."</p>
                            <h3 class="mt-3 text-sm font-medium">"Member groups"</h3>
                            <ul class="text-sm" data-testid="member-groups">
                                {data.detail.member_groups.iter().map(|g| view! { <li>{g.name.to_string()}</li> }).collect_view()}
                            </ul>
                            <h3 class="mt-3 text-sm font-medium">"Inside groups"</h3>
                            <ul class="text-sm" data-testid="parent-groups">
                                {data.detail.parent_groups.iter().map(|g| view! { <li>{g.name.to_string()}</li> }).collect_view()}
                            </ul>
                            <ActionForm action=add_group attr:class="mt-4 flex items-end gap-2">
                                <input type="hidden" name="group_name" value=g3 />
                                <TextField name="member_group_name" label="Add a member group" />
                                <button type="submit" class=SECONDARY>"Add"</button>
                            </ActionForm>
                            {ActionError(add_group)}
                        </section>
                        <section class=CARD aria-labelledby="policies-heading">
                            <h2 id="policies-heading" class="text-lg font-medium">"Permissions"</h2>
                            <h3 class="mt-3 text-sm font-medium">"Attached managed policies"</h3>
                            <ul class="text-sm" data-testid="group-policies">
                                {data.attached.iter().map(|p| view! { <li class="break-all font-mono">{p.arn.clone()}</li> }).collect_view()}
                            </ul>
                            <h3 class="mt-3 text-sm font-medium">"Inline policies"</h3>
                            <ul class="text-sm">
                                {data.inline.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
                            </ul>
                            <ActionForm action=attach attr:class="mt-4 flex items-end gap-2">
                                <input type="hidden" name="group_name" value=g4 />
                                <TextField name="policy_arn" label="Attach policy (ARN)" />
                                <button type="submit" class=SECONDARY>"Attach"</button>
                            </ActionForm>
                            {ActionError(attach)}
                        </section>
                        <section class=CARD aria-labelledby="delete-heading">
                            <h2 id="delete-heading" class="text-lg font-medium">"Delete group"</h2>
                            <p class="mt-1 text-sm text-slate-600">"A group can be deleted once it has no users, member or parent groups, and no policies."</p>
                            <ActionForm action=delete attr:class="mt-4">
                                <input type="hidden" name="group_name" value=g5 />
                                <button type="submit" class="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500">"Delete group"</button>
                            </ActionForm>
                            {ActionError(delete)}
                        </section>
                    </div>
                }.into_any()
            })}
        </Transition>
    }
}
