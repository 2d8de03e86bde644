//! Groups: the list with a create form, and a group's page (members, nested groups,
//! policies).

use crate::api::groups::MAX_POLICIES_PER_GROUP;
use crate::api::groups::{
    AddGroupToGroup, AddUserToGroup, AttachGroupPolicy, CreateGroup, DeleteGroup,
    DetachGroupPolicy, GroupView, RemoveGroupFromGroup, RemoveUserFromGroup, get_group,
    list_groups,
};
use crate::ui::components::{
    ActionError, CopyButton, ErrorAlert, FormFields, PolicyPicker, TextField, UserPicker,
};
use crate::ui::format::urlencode;
use crate::ui::small_post::{SMALL_BUTTON, small_post};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const CELL: &str = "px-3 py-2 text-left";
const CARD: &str = "rounded-xl border border-slate-200 bg-surface p-6";

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
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
                    <button type="submit" class=SMALL_BUTTON>"Search"</button>
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
                                {page.marker.map(|m| {
                                    let q = query.read_untracked().get("q").unwrap_or_default();
                                    let href = format!("/groups?q={}&after={}", urlencode(&q), urlencode(&m));
                                    view! {
                                        <a class="mt-4 inline-block text-sm font-medium text-link" href=href>"Next page"</a>
                                    }
                                })}
                            }.into_any(),
                            Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
            <CreateGroupForm />
        </div>
    }
}

/// Create group: a name and path, and optionally users to add and managed policies to
/// attach, as AWS's console asks.
#[component]
fn CreateGroupForm() -> impl IntoView {
    let create = ServerAction::<CreateGroup>::new();
    let members = RwSignal::new(Vec::<String>::new());
    let policies = RwSignal::new(Vec::<(String, String)>::new());
    view! {
    <section class=CARD aria-labelledby="create-group-heading">
        <h2 id="create-group-heading" class="text-lg font-medium">"Create group"</h2>
        <ActionForm action=create attr:class="mt-4 space-y-4">
            <FormFields action=create>
                <TextField name="group_name" label="Group name" required=true hint="Up to 128 letters, digits and + = , . @ _ -" />
                <TextField name="path" label="Path" hint="Optional, for example /teams/" />
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Add users (optional)"</legend>
                    <UserPicker selected=members />
                </fieldset>
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium">"Attach permissions policies (optional)"</legend>
                    <PolicyPicker selected=policies limit=MAX_POLICIES_PER_GROUP />
                </fieldset>
                <button type="submit" class=BUTTON disabled=move || create.pending().get()>"Create group"</button>
            </FormFields>
        </ActionForm>
        {move || create.value().get().and_then(Result::ok).filter(|c| !c.unfinished.is_empty()).map(|created| {
            let name = created.group.name.to_string();
            view! {
                <div class="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="group-unfinished">
                    <p>"Group " <a class="font-medium text-link" href=format!("/groups/details/{name}")>{name.clone()}</a> " created, but these steps were refused:"</p>
                    <ul class="mt-2 list-disc space-y-1 pl-5">
                        {created.unfinished.into_iter().map(|s| view! { <li><span class="font-medium">{s.step}</span>": "{s.error}</li> }).collect_view()}
                    </ul>
                </div>
            }
        })}
    </section>
    }
    .into_any()
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let edits = GroupEdits::new();
    let delete = edits.delete;
    // A refused deletion may have removed part of what hung on the group: read it again.
    let refusals = RwSignal::new(0_usize);
    Effect::new(move |_| {
        if delete.value().with(|v| matches!(v, Some(Err(_)))) {
            refusals.update(|n| *n += 1);
        }
    });
    let view_data = Resource::new(
        move || (name(), edits.versions(), refusals.get()),
        |(name, ..)| get_group(name),
    );
    view! {
        <Title text="Group" />
        <h1 class="text-2xl font-semibold">{move || format!("Group {}", name())}</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <GroupDetailView data edits /> }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the group's page can change; every change reloads the page's data.
#[derive(Clone, Copy)]
struct GroupEdits {
    add_user: ServerAction<AddUserToGroup>,
    remove_user: ServerAction<RemoveUserFromGroup>,
    add_group: ServerAction<AddGroupToGroup>,
    remove_group: ServerAction<RemoveGroupFromGroup>,
    attach: ServerAction<AttachGroupPolicy>,
    detach: ServerAction<DetachGroupPolicy>,
    delete: ServerAction<DeleteGroup>,
}

impl GroupEdits {
    fn new() -> Self {
        Self {
            add_user: ServerAction::new(),
            remove_user: ServerAction::new(),
            add_group: ServerAction::new(),
            remove_group: ServerAction::new(),
            attach: ServerAction::new(),
            detach: ServerAction::new(),
            delete: ServerAction::new(),
        }
    }

    fn versions(self) -> [usize; 6] {
        [
            self.add_user.version().get(),
            self.remove_user.version().get(),
            self.add_group.version().get(),
            self.remove_group.version().get(),
            self.attach.version().get(),
            self.detach.version().get(),
        ]
    }
}

#[component]
fn GroupDetailView(data: GroupView, edits: GroupEdits) -> impl IntoView {
    let group = data.detail.group.name.to_string();
    let removes = removed_with(&data);
    let row = "flex items-center justify-between gap-2";
    let users = data.detail.users.items.iter().map(|u| {
        let user = u.name.to_string();
        view! {
            <li class=row>
                <a class="text-link" href=format!("/users/details/{user}")>{user.clone()}</a>
                {small_post!(edits.remove_user, [("group_name", group.clone()), ("user_name", user.clone())], "Remove", user)}
            </li>
        }
    }).collect_view();
    let members = data.detail.member_groups.iter().map(|g| {
        let member = g.name.to_string();
        view! {
            <li class=row>
                <a class="text-link" href=format!("/groups/details/{member}")>{member.clone()}</a>
                {small_post!(edits.remove_group, [("group_name", group.clone()), ("member_group_name", member.clone())], "Remove", member)}
            </li>
        }
    }).collect_view();
    let parents = data.detail.parent_groups.iter().map(|g| {
        let parent = g.name.to_string();
        view! {
            <li class=row>
                <a class="text-link" href=format!("/groups/details/{parent}")>{parent.clone()}</a>
                {small_post!(edits.remove_group, [("group_name", parent.clone()), ("member_group_name", group.clone())], "Leave", parent)}
            </li>
        }
    }).collect_view();
    let attached = data.attached.iter().map(|p| {
        let arn = p.arn.clone();
        view! {
            <li class=row>
                <a class="break-all font-mono text-link" href=format!("/policies/view?arn={}", urlencode(&arn))>{arn.clone()}</a>
                {small_post!(edits.detach, [("group_name", group.clone()), ("policy_arn", arn.clone())], "Detach", p.name)}
            </li>
        }
    }).collect_view();
    // Each form below names the group; the view takes its copies by value.
    let [for_users, for_nesting, for_policies, for_delete, group_name] =
        [(); 5].map(|()| group.clone());
    view! {
        <p class="mt-1 text-sm text-slate-600"><span class="break-all font-mono" data-testid="group-arn">{data.detail.group.arn.clone()}</span><CopyButton text=data.detail.group.arn.clone() what="ARN" /></p>
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section class=CARD aria-labelledby="members-heading">
                <h2 id="members-heading" class="text-lg font-medium">"Users"</h2>
                <ul class="mt-3 space-y-2 text-sm" data-testid="group-members">{users}</ul>
                <ActionForm action=edits.add_user attr:class="mt-4">
                    <FormFields action=edits.add_user>
                        <div class="flex items-end gap-2">
                            <input type="hidden" name="group_name" value=for_users />
                            <div class="min-w-0 flex-1"><TextField name="user_name" label="Add user" /></div>
                            <button type="submit" class=SMALL_BUTTON>"Add"</button>
                        </div>
                    </FormFields>
                </ActionForm>
                {ActionError(edits.remove_user)}
            </section>
            <section class=CARD aria-labelledby="nesting-heading">
                <h2 id="nesting-heading" class="text-lg font-medium">"Nested groups"</h2>
                <p class="mt-1 text-xs text-slate-500">"Groups inside this one get its policies."</p>
                <h3 class="mt-3 text-sm font-medium">"Member groups"</h3>
                <ul class="mt-1 space-y-2 text-sm" data-testid="member-groups">{members}</ul>
                <h3 class="mt-3 text-sm font-medium">"Inside groups"</h3>
                <ul class="mt-1 space-y-2 text-sm" data-testid="parent-groups">{parents}</ul>
                <ActionForm action=edits.add_group attr:class="mt-4">
                    <FormFields action=edits.add_group>
                        <div class="flex items-end gap-2">
                            <input type="hidden" name="group_name" value=for_nesting />
                            <div class="min-w-0 flex-1"><TextField name="member_group_name" label="Add a member group" /></div>
                            <button type="submit" class=SMALL_BUTTON>"Add"</button>
                        </div>
                    </FormFields>
                </ActionForm>
                {ActionError(edits.remove_group)}
            </section>
            <section class=CARD aria-labelledby="policies-heading">
                <h2 id="policies-heading" class="text-lg font-medium">"Permissions"</h2>
                <h3 class="mt-3 text-sm font-medium">"Attached managed policies"</h3>
                <ul class="mt-1 space-y-2 text-sm" data-testid="group-policies">{attached}</ul>
                <h3 class="mt-3 text-sm font-medium">"Inline policies"</h3>
                <ul class="mt-1 space-y-1 text-sm" data-testid="group-inline-policies">
                    {data.inline.iter().map(|n| {
                        let href = format!("/inline-policy?group={}&name={}", urlencode(&group_name), urlencode(n));
                        view! { <li><a class="text-link" href=href>{n.clone()}</a></li> }
                    }).collect_view()}
                </ul>
                <a class="mt-2 inline-block text-sm font-medium text-link" href=format!("/inline-policy?group={}", urlencode(&group_name))>"Create inline policy"</a>
                <ActionForm action=edits.attach attr:class="mt-4">
                    <FormFields action=edits.attach>
                        <div class="flex items-end gap-2">
                            <input type="hidden" name="group_name" value=for_policies />
                            <div class="min-w-0 flex-1"><TextField name="policy_arn" label="Attach policy (ARN)" /></div>
                            <button type="submit" class=SMALL_BUTTON>"Attach"</button>
                        </div>
                    </FormFields>
                </ActionForm>
                {ActionError(edits.detach)}
            </section>
            <section class="rounded-xl border border-red-200 bg-surface p-6" aria-labelledby="delete-heading">
                <h2 id="delete-heading" class="text-lg font-medium">"Delete group"</h2>
                <p class="mt-1 text-sm text-slate-600" data-testid="delete-removes">
                    {if removes.is_empty() { "Nothing else hangs on this group.".to_owned() } else { format!("This also removes {}.", removes.join(", ")) }}
                    " It cannot be undone."
                </p>
                <ActionForm action=edits.delete attr:class="mt-4 space-y-3">
                    <FormFields action=edits.delete>
                        <input type="hidden" name="group_name" value=for_delete />
                        <TextField name="confirmation" label="To confirm, type the group name"
                            autocomplete="off" hint="Exactly as shown in the page's title." />
                        <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                            disabled=move || edits.delete.pending().get()>
                            "Delete group"
                        </button>
                    </FormFields>
                </ActionForm>
            </section>
        </div>
    }
    .into_any()
}

/// What deleting the group removes with it, in words.
fn removed_with(data: &GroupView) -> Vec<String> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let detail = &data.detail;
    let mut removed = Vec::new();
    let users = detail.users.items.len();
    if users > 0 {
        let more = if detail.users.is_truncated() {
            " or more"
        } else {
            ""
        };
        removed.push(format!(
            "the membership of {}{more}",
            count(users, "user", "users")
        ));
    }
    if !detail.member_groups.is_empty() {
        removed.push(format!(
            "the nesting of {}",
            count(detail.member_groups.len(), "member group", "member groups")
        ));
    }
    if !detail.parent_groups.is_empty() {
        removed.push(format!(
            "its place in {}",
            count(detail.parent_groups.len(), "group", "groups")
        ));
    }
    if !data.attached.is_empty() {
        removed.push(count(
            data.attached.len(),
            "attached managed policy",
            "attached managed policies",
        ));
    }
    if !data.inline.is_empty() {
        removed.push(count(data.inline.len(), "inline policy", "inline policies"));
    }
    removed
}
