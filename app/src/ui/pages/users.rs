//! Users: the list (server-side search, path filter, keyset pages) and a user's page.

use crate::api::groups::{AddUserToGroup, RemoveUserFromGroup};
use crate::api::users::{
    AttachUserPolicy, DeleteUser, DetachUserPolicy, RemoveUserBoundary, SetConsoleAccess,
    SetUserBoundary, TagUser, UntagUser, UserView, get_user, get_user_access, list_users,
};
use crate::error::AppError;
use crate::model::{MfaDevice, PolicySource, Tag, User, UserOrder, UserPolicy, UserSort};
use crate::policy::AccessSummary;
use crate::ui::components::access_keys::{
    AccessKeysSection, KeyActions, KeysResource, keys_resource,
};
use crate::ui::components::{ActionError, CopyButton, ErrorAlert, FormFields, TextField};
use crate::ui::format::{format_time, urlencode};
use crate::ui::small_post::{SMALL_BUTTON, small_post};
use crate::ui::tags_card::tags_card;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const BUTTON: &str =
    "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500";
const CELL: &str = "px-3 py-2 text-left";
const CARD: &str = "rounded-xl border border-slate-200 bg-surface p-6";

/// The Users list's state, as its URL holds it.
#[derive(Debug, Clone, Default, PartialEq)]
struct ListQuery {
    search: Option<String>,
    path: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    after: Option<String>,
}

impl ListQuery {
    /// The order the page shows (an unknown one is refused by the server, so the
    /// headers then show the default).
    fn user_order(&self) -> UserOrder {
        UserOrder::parse(self.sort.as_deref(), self.order.as_deref()).unwrap_or_default()
    }

    /// `/users` with this search and path, in `order`, after `after`.
    fn href(&self, order: UserOrder, after: Option<&str>) -> String {
        let mut params = Vec::new();
        if let Some(q) = &self.search {
            params.push(format!("q={}", urlencode(q)));
        }
        if let Some(p) = &self.path {
            params.push(format!("path={}", urlencode(p)));
        }
        if order != UserOrder::default() {
            params.push(format!(
                "sort={}&order={}",
                order.sort.as_str(),
                order.direction()
            ));
        }
        if let Some(after) = after {
            params.push(format!("after={}", urlencode(after)));
        }
        if params.is_empty() {
            "/users".to_owned()
        } else {
            format!("/users?{}", params.join("&"))
        }
    }
}

/// A column header that sorts the list by its column: `aria-sort` says the current
/// order, the link asks for the other direction (or this column, going up).
#[component]
fn SortHeader(query: ListQuery, sort: UserSort, label: &'static str) -> impl IntoView {
    let current = query.user_order();
    let aria_sort = (current.sort == sort).then_some(if current.descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = match aria_sort {
        Some("ascending") => " ↑",
        Some(_) => " ↓",
        None => "",
    };
    let next = current.toggled(sort);
    let hint = format!(
        ", sort {}",
        if next.descending {
            "descending"
        } else {
            "ascending"
        }
    );
    view! {
        <th scope="col" class=CELL aria-sort=aria_sort>
            <a class="hover:underline" href=query.href(next, None)>
                {label}<span aria-hidden="true">{arrow}</span><span class="sr-only">{hint}</span>
            </a>
        </th>
    }
}

#[component]
fn UsersTable(users: Vec<User>, query: ListQuery) -> impl IntoView {
    let header = |sort, label| view! { <SortHeader query=query.clone() sort label /> }.into_any();
    view! {
        <div class="mt-6 overflow-x-auto rounded-xl border border-slate-200 bg-surface" tabindex="0" role="region" aria-label="Users">
            <table class="min-w-full text-sm" data-testid="users-table">
                <thead class="bg-slate-50 text-slate-600">
                    <tr>
                        {header(UserSort::Name, "User name")}
                        <th scope="col" class=CELL>"Path"</th>
                        {header(UserSort::Groups, "Groups")}
                        {header(UserSort::LastSignIn, "Last console sign-in")}
                        {header(UserSort::Created, "Created")}
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|u| view! {
                        <tr class="border-t border-slate-100">
                            <td class=CELL><a class="font-medium text-link" href=format!("/users/details/{}", u.name)>{u.name.to_string()}</a></td>
                            <td class=format!("{CELL} font-mono")>{u.path.to_string()}</td>
                            <td class=CELL>{u.group_count}</td>
                            <td class=CELL>{u.password_last_used.map_or_else(|| "Never".to_owned(), format_time)}</td>
                            <td class=CELL>{format_time(u.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        ListQuery {
            search: q.get("q"),
            path: q.get("path"),
            sort: q.get("sort"),
            order: q.get("order"),
            after: q.get("after"),
        }
    };
    let page = Resource::new(params, |p| {
        list_users(p.search, p.path, p.sort, p.order, p.after)
    });
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
                    aria-describedby="user-search-hint"
                    prop:value=move || query.read().get("q").unwrap_or_default() />
                <span id="user-search-hint" class="mt-1 block text-xs text-slate-500">
                    "Names containing the text; one or two letters find names starting with them."
                </span>
            </label>
            <label class="block">
                <span class="text-sm font-medium text-slate-700">"Path prefix"</span>
                <input name="path" class="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm" placeholder="/"
                    prop:value=move || query.read().get("path").unwrap_or_default() />
            </label>
            // A search keeps the list's order.
            {move || {
                let order = params().user_order();
                (order != UserOrder::default()).then(|| view! {
                    <input type="hidden" name="sort" value=order.sort.as_str() />
                    <input type="hidden" name="order" value=order.direction() />
                })
            }}
            <button type="submit" class="rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm font-medium hover:bg-slate-50">
                "Search"
            </button>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let list = params();
                        let order = list.user_order();
                        let next = page.marker.as_deref().map(|m| list.href(order, Some(m)));
                        let first = list.after.is_some().then(|| list.href(order, None));
                        view! {
                            <UsersTable users=page.items query=list />
                            {(first.is_some() || next.is_some()).then(|| view! {
                                <nav class="mt-4 flex gap-4 text-sm font-medium" aria-label="Pages">
                                    {first.map(|href| view! { <a href=href class="text-link hover:underline">"First page"</a> })}
                                    {next.map(|href| view! { <a href=href class="text-link hover:underline">"Next page"</a> })}
                                </nav>
                            })}
                        }.into_any()
                    }
                    Err(error) => view! { <div class="mt-6"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A user's page: a summary, then tabs for permissions, groups, tags and credentials.
#[component]
pub fn UserPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let edits = Edits::new();
    let delete = edits.delete;
    // A refused deletion may have removed some of what hung on the user: read it again.
    // A successful one leads away from the page, so it must not reload a deleted user.
    let refusals = RwSignal::new(0_usize);
    Effect::new(move |_| {
        if delete.value().with(|v| matches!(v, Some(Err(_)))) {
            refusals.update(|n| *n += 1);
        }
    });
    let data = Resource::new(
        move || (name(), edits.versions(), refusals.get()),
        |(n, _, _)| get_user(n),
    );
    // The sections' own data is loaded here, beside the user's, and not by the sections:
    // the server renders the user's part twice while its data arrives, and a resource
    // made inside it would be fetched twice and could be read by the browser from the
    // discarded render.
    let loads = Loads {
        access: Resource::new(
            move || (name(), edits.versions()),
            |(n, _)| get_user_access(n),
        ),
        mfa: Resource::new(
            move || (name(), edits.remove_mfa.version().get()),
            |(n, _)| crate::api::mfa::user_mfa_devices(n),
        ),
        keys: keys_resource(name, edits.keys),
    };
    view! {
        <Title text="User" />
        <h1 class="text-2xl font-semibold">{move || format!("User {}", name())}</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <UserDetail view edits loads /> }.into_any(),
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What the user's page can change; every change reloads the page's data.
#[derive(Clone, Copy)]
struct Edits {
    console: ServerAction<SetConsoleAccess>,
    add_group: ServerAction<AddUserToGroup>,
    remove_group: ServerAction<RemoveUserFromGroup>,
    attach: ServerAction<AttachUserPolicy>,
    detach: ServerAction<DetachUserPolicy>,
    tag: ServerAction<TagUser>,
    untag: ServerAction<UntagUser>,
    set_boundary: ServerAction<SetUserBoundary>,
    remove_boundary: ServerAction<RemoveUserBoundary>,
    delete: ServerAction<DeleteUser>,
    remove_mfa: ServerAction<crate::api::mfa::RemoveUserMfaDevice>,
    keys: KeyActions,
}

/// The data of the page's sections that load on their own.
#[derive(Clone, Copy)]
struct Loads {
    access: Resource<Result<Option<AccessSummary>, AppError>>,
    mfa: Resource<Result<Vec<MfaDevice>, AppError>>,
    keys: KeysResource,
}

impl Edits {
    fn new() -> Self {
        Self {
            console: ServerAction::new(),
            add_group: ServerAction::new(),
            remove_group: ServerAction::new(),
            attach: ServerAction::new(),
            detach: ServerAction::new(),
            tag: ServerAction::new(),
            untag: ServerAction::new(),
            set_boundary: ServerAction::new(),
            remove_boundary: ServerAction::new(),
            delete: ServerAction::new(),
            remove_mfa: ServerAction::new(),
            keys: KeyActions::new(),
        }
    }

    /// Changes whenever a change (other than deletion) was made or refused.
    fn versions(self) -> [usize; 9] {
        [
            self.set_boundary.version().get(),
            self.remove_boundary.version().get(),
            self.console.version().get(),
            self.add_group.version().get(),
            self.remove_group.version().get(),
            self.attach.version().get(),
            self.detach.version().get(),
            self.tag.version().get(),
            self.untag.version().get(),
        ]
    }
}

#[component]
fn UserDetail(view: UserView, edits: Edits, loads: Loads) -> impl IntoView {
    let user = view.user.clone();
    let name = user.name.to_string();
    let query = use_query_map();
    let tab = move || UserTab::parse(query.read().get("section").as_deref());
    let tabs = {
        let name = name.clone();
        let counts = (view.groups.len(), user.tags.len());
        move || {
            let current = tab();
            UserTab::ALL
                .into_iter()
                .map(|t| {
                    let label = match t {
                        UserTab::Groups => format!("{} ({})", t.label(), counts.0),
                        UserTab::Tags => format!("{} ({})", t.label(), counts.1),
                        _ => t.label().to_owned(),
                    };
                    let selected = t == current;
                    let class = if selected {
                        "-mb-px border-b-2 border-indigo-600 px-3 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300"
                    } else {
                        "-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-slate-600 hover:text-slate-900"
                    };
                    view! {
                        <a role="tab" id=format!("user-tab-{}", t.key()) aria-controls=format!("user-panel-{}", t.key())
                            aria-selected=if selected { "true" } else { "false" } class=class
                            href=format!("/users/details/{}?section={}", urlencode(&name), t.key())>
                            {label}
                        </a>
                    }
                })
                .collect_view()
        }
    };
    // Every panel is rendered and all but the chosen one hidden, so that choosing a tab
    // changes attributes only: the panels (and the access summary's own loading) are
    // built once, as the server rendered them.
    view! {
        <p class="mt-1 text-sm text-slate-600"><span class="break-all font-mono" data-testid="user-arn">{user.arn.clone()}</span><CopyButton text=user.arn.clone() what="ARN" /></p>
        <section class=format!("mt-6 {CARD}") aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="text-lg font-medium">"Summary"</h2>
            <dl class="mt-3 grid grid-cols-3 gap-y-2 text-sm">
                <dt class="text-slate-500">"Created"</dt><dd class="col-span-2">{format_time(user.created_at)}</dd>
                <dt class="text-slate-500">"Console access"</dt>
                <dd class="col-span-2">{if view.console.is_some() { "Enabled" } else { "Disabled" }}</dd>
                <dt class="text-slate-500">"Last console sign-in"</dt>
                <dd class="col-span-2">{user.password_last_used.map_or_else(|| "Never".to_owned(), format_time)}</dd>
            </dl>
        </section>
        <div role="tablist" aria-label="User details" class="mt-6 flex flex-wrap gap-1 border-b border-slate-200">
            {tabs}
        </div>
        <div role="tabpanel" id="user-panel-permissions" aria-labelledby="user-tab-permissions"
            class="mt-4 space-y-6" hidden=move || tab() != UserTab::Permissions>
            <PermissionsSection user=name.clone() sources=view.sources.clone() edits />
            <AccessSection summary=loads.access />
        </div>
        <div role="tabpanel" id="user-panel-groups" aria-labelledby="user-tab-groups"
            class="mt-4" hidden=move || tab() != UserTab::Groups>
            <GroupsSection user=name.clone() groups=view.groups.clone() edits />
        </div>
        <div role="tabpanel" id="user-panel-tags" aria-labelledby="user-tab-tags"
            class="mt-4" hidden=move || tab() != UserTab::Tags>
            <TagsSection user=name.clone() tags=view.user.tags.clone() edits />
        </div>
        <div role="tabpanel" id="user-panel-security_credentials" aria-labelledby="user-tab-security_credentials"
            class="mt-4" hidden=move || tab() != UserTab::SecurityCredentials>
            <ConsolePasswordSection user=name.clone() state=view.console console=edits.console />
            <UserMfaSection devices=loads.mfa remove=edits.remove_mfa />
            <AccessKeysSection user=name.clone() keys=loads.keys actions=edits.keys root=false />
        </div>
        <div class="mt-6">
            <DeleteUserSection view=view.clone() delete=edits.delete />
        </div>
    }
}

/// The console password: enable, set (chosen or generated, shown once), disable.
#[component]
fn ConsolePasswordSection(
    user: String,
    state: Option<bool>,
    console: ServerAction<SetConsoleAccess>,
) -> impl IntoView {
    let name = user;
    let generated = move || console.value().get().and_then(Result::ok).flatten();
    // Enabling and resetting take the same fields: a password of one's choosing or a
    // generated one, and whether it must be changed at next sign-in (AWS's default).
    let password_form = |change: &'static str, label: &'static str, name: String| {
        view! {
            <ActionForm action=console attr:class="mt-3 space-y-3">
                <FormFields action=console>
                    <input type="hidden" name="user_name" value=name />
                    <input type="hidden" name="change" value=change />
                    <TextField name="password" label="New password" kind="password" autocomplete="new-password"
                        hint="Leave empty for a generated password, shown once." />
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="require_reset" value="on" checked=true />
                        "Require a new password at next sign-in"
                    </label>
                    <button type="submit" class="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50">{label}</button>
                </FormFields>
            </ActionForm>
        }
    };
    let access = match state {
        None => view! {
            <p class="text-sm" data-testid="console-access">"No console access."</p>
            {password_form("enable", "Enable console access", name.clone())}
        }
        .into_any(),
        Some(reset) => {
            let disable_name = name.clone();
            view! {
            <p class="text-sm" data-testid="console-access">
                {if reset { "Console access enabled; a new password is required at next sign-in." } else { "Console access enabled." }}
            </p>
            {password_form("reset", "Set password", name.clone())}
            <ActionForm action=console attr:class="mt-3">
                <input type="hidden" name="user_name" value=disable_name />
                <input type="hidden" name="change" value="disable" />
                <button type="submit" class="rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm font-medium hover:bg-slate-50">"Disable console access"</button>
            </ActionForm>
            }.into_any()
        }
    };
    view! {
        <section class=CARD aria-labelledby="credentials-heading">
            <h2 id="credentials-heading" class="text-lg font-medium">"Console password"</h2>
            <div class="mt-3">{access}</div>
            {move || generated().map(|p| view! {
                <p class="mt-3 rounded-md bg-emerald-50 p-3 text-sm" role="status">
                    "New password (shown once): " <span class="font-mono" data-testid="generated-password">{p}</span>
                </p>
            })}
        </section>
    }
    .into_any()
}

/// The tabs of a user's page, as AWS's console names them; `?section=` in the URL
/// chooses one, so each is a link that also works without wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserTab {
    Permissions,
    Groups,
    Tags,
    SecurityCredentials,
}

impl UserTab {
    const ALL: [Self; 4] = [
        Self::Permissions,
        Self::Groups,
        Self::Tags,
        Self::SecurityCredentials,
    ];

    /// The tab a `section` names; anything else is the first.
    fn parse(section: Option<&str>) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| Some(t.key()) == section)
            .unwrap_or(Self::Permissions)
    }

    fn key(self) -> &'static str {
        match self {
            Self::Permissions => "permissions",
            Self::Groups => "groups",
            Self::Tags => "tags",
            Self::SecurityCredentials => "security_credentials",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Permissions => "Permissions",
            Self::Groups => "Groups",
            Self::Tags => "Tags",
            Self::SecurityCredentials => "Security credentials",
        }
    }
}

/// Every policy that applies to the user, and where it comes from.
#[component]
fn PermissionsSection(user: String, sources: Vec<UserPolicy>, edits: Edits) -> impl IntoView {
    let (boundary, granting): (Vec<_>, Vec<_>) = sources
        .into_iter()
        .partition(|s| s.source == PolicySource::Boundary);
    let rows = granting
        .into_iter()
        .map(|policy| {
            let kind = match &policy.arn {
                None => "Inline",
                Some(arn) if arn.starts_with("arn:aws:iam::aws:") => "AWS managed",
                Some(_) => "Customer managed",
            };
            let name = policy.name.to_string();
            let href = match (&policy.arn, &policy.source) {
                (Some(arn), _) => format!("/policies/view?arn={}", urlencode(arn)),
                (None, PolicySource::Group { name: group, .. }) => format!(
                    "/inline-policy?group={}&name={}",
                    urlencode(group.as_str()),
                    urlencode(&name)
                ),
                (None, _) => format!(
                    "/inline-policy?user={}&name={}",
                    urlencode(&user),
                    urlencode(&name)
                ),
            };
            let name_cell = view! { <a class="font-medium text-link" href=href>{name}</a> };
            // Only what is attached to the user itself can be detached here.
            let detach = match (&policy.arn, &policy.source) {
                (Some(arn), PolicySource::Direct) => Some(small_post!(
                    edits.detach,
                    [("user_name", user.clone()), ("policy_arn", arn.clone())],
                    "Detach",
                    policy.name
                )),
                _ => None,
            };
            let from = match policy.source {
                PolicySource::Group { name, through, .. } => {
                    let group = name.to_string();
                    view! {
                        "Group "
                        <a class="text-link" href=format!("/groups/details/{group}")>{group.clone()}</a>
                        {through.map(|t| format!(" (nested: through {t})"))}
                    }.into_any()
                }
                _ => view! { "Directly" }.into_any(),
            };
            view! {
                <tr class="border-t border-slate-200">
                    <td class=CELL>{name_cell}</td>
                    <td class=CELL>{kind}</td>
                    <td class=CELL>{from}</td>
                    <td class=CELL>{detach}</td>
                </tr>
            }
        })
        .collect_view();
    // Each form below names the user; the view takes its copies by value.
    let [for_remove, for_boundary, for_attach] = [(); 3].map(|()| user.clone());
    let current_boundary = boundary.into_iter().next().and_then(|b| b.arn);
    view! {
        <section class=CARD aria-labelledby="permissions-heading">
            <h2 id="permissions-heading" class="text-lg font-medium">"Permissions"</h2>
            <p class="mt-1 text-sm text-slate-600">"Every policy that applies to this user: attached or inline, directly or through a group (also a group that the user's group is in)."</p>
            <div class="mt-3 overflow-x-auto" tabindex="0" role="region" aria-label="Policies that apply">
                <table class="min-w-full text-sm" data-testid="user-permissions">
                    <thead class="text-left text-slate-500">
                        <tr><th scope="col" class=CELL>"Policy"</th><th scope="col" class=CELL>"Type"</th><th scope="col" class=CELL>"Applies"</th><th scope="col" class=CELL><span class="sr-only">"Change"</span></th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <a class="mt-3 inline-block text-sm font-medium text-link" href=format!("/inline-policy?user={}", urlencode(&user))>"Create inline policy"</a>
            <p class="mt-3 text-sm" data-testid="user-boundary">
                "Permissions boundary: "
                {match current_boundary {
                    Some(arn) => view! {
                        <a class="break-all text-link" href=format!("/policies/view?arn={}", urlencode(&arn))>{arn.clone()}</a>
                        " (limits what the policies above may grant)"
                        <span class="ml-2 inline-block">{small_post!(edits.remove_boundary, [("user_name", for_remove)], "Remove", "the permissions boundary")}</span>
                    }.into_any(),
                    None => view! { "none" }.into_any(),
                }}
            </p>
            {ActionError(edits.remove_boundary)}
            <ActionForm action=edits.set_boundary attr:class="mt-3">
                <FormFields action=edits.set_boundary>
                    <input type="hidden" name="user_name" value=for_boundary />
                    <div class="flex flex-wrap items-end gap-2">
                        <div class="min-w-0 flex-1">
                            <TextField name="boundary_arn" label="Set the permissions boundary (managed policy ARN)"
                                hint="The most the user's policies may ever grant." />
                        </div>
                        <button type="submit" class=SMALL_BUTTON>"Set boundary"</button>
                    </div>
                </FormFields>
            </ActionForm>
            {ActionError(edits.detach)}
            <ActionForm action=edits.attach attr:class="mt-4">
                <FormFields action=edits.attach>
                    <input type="hidden" name="user_name" value=for_attach />
                    <div class="flex flex-wrap items-end gap-2">
                        <div class="min-w-0 flex-1">
                            <TextField name="policy_arn" label="Attach a managed policy (ARN)"
                                hint="For example arn:aws:iam::aws:policy/ReadOnlyAccess" />
                        </div>
                        <button type="submit" class=SMALL_BUTTON>"Attach"</button>
                    </div>
                </FormFields>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// What the user may do, service by service, read from the policies above. Loaded on
/// its own, so that a caller who may see the user but not read the policies still gets
/// the rest of the page (with AWS's denial here).
/// The user's MFA devices (ListMFADevices); an administrator can take one away (a lost
/// phone): DeactivateMFADevice, then DeleteVirtualMFADevice.
#[component]
fn UserMfaSection(
    devices: Resource<Result<Vec<MfaDevice>, AppError>>,
    remove: ServerAction<crate::api::mfa::RemoveUserMfaDevice>,
) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {CARD}") aria-labelledby="user-mfa-heading">
            <h2 id="user-mfa-heading" class="text-lg font-medium">"MFA devices"</h2>
            <p class="mt-1 text-sm text-slate-600">"Users assign their own devices on their My security credentials page."</p>
            {ActionError(remove)}
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match devices.await {
                        Ok(list) if list.is_empty() => view! { <p class="mt-3 text-sm" data-testid="user-no-mfa">"No MFA device is assigned."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-3 space-y-2 text-sm" data-testid="user-mfa-devices">
                                {list.into_iter().map(|d| {
                                    let owner = match &d.owner {
                                        Some(crate::model::MfaOwner::User(name)) => name.to_string(),
                                        _ => String::new(),
                                    };
                                    view! {
                                        <li class="flex flex-wrap items-center gap-3">
                                            <span class="break-all font-mono text-xs">{d.serial_number.clone()}</span>
                                            <span class="text-slate-500">{d.enabled_at.map(format_time).unwrap_or_default()}</span>
                                            {small_post!(remove, [("user_name", owner), ("serial_number", d.serial_number.clone())], "Remove", d.name.to_string())}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <div class="mt-3"><ErrorAlert error /></div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn AccessSection(summary: Resource<Result<Option<AccessSummary>, AppError>>) -> impl IntoView {
    view! {
        <section class=CARD aria-labelledby="access-heading">
            <h2 id="access-heading" class="text-lg font-medium">"What this user may do"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Each service's access levels as the policies above grant them: full (every resource, no conditions) or limited (some resources, or under conditions). A Deny takes an action away; a permissions boundary keeps only what it allows too. What a request gets is decided with its resource and context."
            </p>
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(Some(summary)) => view! { <AccessTable summary /> }.into_any(),
                        Ok(None) => view! { <p class="mt-3 text-sm">"This server was built without the AWS service catalogue, so it cannot summarise."</p> }.into_any(),
                        Err(error) => view! { <div class="mt-3"><ErrorAlert error /></div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn AccessTable(summary: crate::policy::AccessSummary) -> impl IntoView {
    let headline = if summary.is_everything() {
        format!(
            "Full access to all {} services.",
            summary.catalogue_services
        )
    } else if summary.services.is_empty() {
        "No access: no policy allows any action.".to_owned()
    } else {
        format!(
            "Access to {} of {} services.",
            summary.services.len(),
            summary.catalogue_services
        )
    };
    let bounded = summary
        .bounded
        .then_some(" The permissions boundary is applied.");
    let rows = summary
        .services
        .into_iter()
        .map(|service| {
            let counts = format!("{} of {}", service.granted(), service.total());
            let access = service.describe();
            view! {
                <tr class="border-t border-slate-200">
                    <th scope="row" class=CELL><span class="font-medium">{service.name}</span>" "<span class="font-mono text-xs text-slate-500">{service.prefix}</span></th>
                    <td class=CELL>{access}</td>
                    <td class=CELL>{counts}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="mt-3 text-sm font-medium" data-testid="access-headline">{headline}{bounded}</p>
        <div class="mt-3 max-h-96 overflow-auto" tabindex="0" role="region" aria-label="Access by service">
            <table class="min-w-full text-sm" data-testid="user-access">
                <thead class="text-left text-slate-500">
                    <tr><th scope="col" class=CELL>"Service"</th><th scope="col" class=CELL>"Access level"</th><th scope="col" class=CELL>"Actions granted"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The groups the user is in: leave one, join another.
#[component]
fn GroupsSection(user: String, groups: Vec<String>, edits: Edits) -> impl IntoView {
    let list = if groups.is_empty() {
        view! { <p class="mt-3 text-sm text-slate-600">"Not in any group."</p> }.into_any()
    } else {
        view! {
            <ul class="mt-3 space-y-2 text-sm" data-testid="user-groups">
                {groups.into_iter().map(|g| {
                    let remove = small_post!(
                        edits.remove_group,
                        [("group_name", g.clone()), ("user_name", user.clone())],
                        "Remove",
                        format!("from {g}")
                    );
                    view! {
                        <li class="flex items-center justify-between gap-2">
                            <a class="text-link" href=format!("/groups/details/{g}")>{g.clone()}</a>
                            {remove}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="groups-heading">
            <h2 id="groups-heading" class="text-lg font-medium">"Groups"</h2>
            {list}
            {ActionError(edits.remove_group)}
            <ActionForm action=edits.add_group attr:class="mt-4">
                <FormFields action=edits.add_group>
                    <input type="hidden" name="user_name" value=user.clone() />
                    <div class="flex flex-wrap items-end gap-2">
                        <div class="min-w-0 flex-1"><TextField name="group_name" label="Add to group" /></div>
                        <button type="submit" class=SMALL_BUTTON>"Add"</button>
                    </div>
                </FormFields>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// The user's tags: remove one, add or replace one.
#[component]
fn TagsSection(user: String, tags: Vec<Tag>, edits: Edits) -> impl IntoView {
    tags_card!(edits.tag, edits.untag, "user_name", user, tags, "user-tags").into_any()
}

/// What deleting the user removes with it, in words.
fn removed_with(view: &UserView) -> Vec<String> {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut removed = Vec::new();
    if view.console.is_some() {
        removed.push("the console password".to_owned());
    }
    if !view.groups.is_empty() {
        removed.push(format!(
            "membership of {}",
            count(view.groups.len(), "group", "groups")
        ));
    }
    if !view.attached.is_empty() {
        removed.push(count(
            view.attached.len(),
            "attached managed policy",
            "attached managed policies",
        ));
    }
    if !view.inline.is_empty() {
        removed.push(count(view.inline.len(), "inline policy", "inline policies"));
    }
    removed
}

/// Delete the user and everything that hangs on it, after the name is typed again.
#[component]
fn DeleteUserSection(view: UserView, delete: ServerAction<DeleteUser>) -> impl IntoView {
    let name = view.user.name.to_string();
    let removed = removed_with(&view);
    let what = if removed.is_empty() {
        "Nothing else hangs on this user.".to_owned()
    } else {
        format!("This also removes {}.", removed.join(", "))
    };
    view! {
        <section class="rounded-xl border border-red-200 bg-surface p-6" aria-labelledby="delete-heading">
            <h2 id="delete-heading" class="text-lg font-medium">"Delete user"</h2>
            <p class="mt-1 text-sm text-slate-600" data-testid="delete-removes">{what}" It cannot be undone."</p>
            <ActionForm action=delete attr:class="mt-4 space-y-3">
                <FormFields action=delete>
                    <input type="hidden" name="user_name" value=name.clone() />
                    <TextField name="confirmation" label="To confirm, type the user name"
                        autocomplete="off" hint="Exactly as shown in the page's title." />
                    <button type="submit" class="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-60"
                        disabled=move || delete.pending().get()>
                        "Delete user"
                    </button>
                </FormFields>
            </ActionForm>
        </section>
    }
}
