use super::components::ActionError;
use crate::api::auth::{EXPIRY_WARNING_DAYS, SignOut, SwitchedRole, current_identity};
use crate::api::roles::SwitchBack;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

/// The signed-in console: top bar, side navigation, page.
const NAV_LINK: &str = "block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 \
     aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-link";

/// The signed-in console: top bar, side navigation (a menu button on narrow screens),
/// page.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let switch_back = ServerAction::<SwitchBack>::new();
    // Read again on every page and after switching back: switching role changes who
    // the console acts as, and a role session runs out.
    let location = leptos_router::hooks::use_location();
    let identity = Resource::new(
        move || (location.pathname.get(), switch_back.version().get()),
        |_| current_identity(),
    );
    let (menu_open, set_menu_open) = signal(false);
    view! {
        <a
            href="#main"
            rel="external"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-link"
        >
            "Skip to content"
        </a>
        <div class="flex min-h-screen flex-col">
            <header class="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 bg-indigo-950 px-4 py-3 text-white sm:px-6">
                <div class="flex items-center gap-3">
                    <button
                        type="button"
                        class="rounded-md bg-white/10 px-3 py-1.5 text-sm font-medium hover:bg-white/20 md:hidden"
                        aria-controls="console-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| set_menu_open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                    <a href="/" class="text-lg font-semibold tracking-tight">
                        "Portcullis"
                    </a>
                </div>
                <div class="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match identity.await {
                                Ok(Some(id)) => {
                                    view! {
                                        <span data-testid="account-label">
                                            "Account "
                                            <span class="font-mono">
                                                {id.alias.clone().unwrap_or(id.account_id.clone())}
                                            </span>
                                        </span>
                                        <span data-testid="principal" class="break-all">{id.principal}</span>
                                    }
                                        .into_any()
                                }
                                Ok(None) => view! { <span>"Not signed in"</span> }.into_any(),
                                Err(_) => ().into_any(),
                            }
                        })}
                    </Transition>
                    <ActionForm action=sign_out>
                        <button
                            type="submit"
                            class="rounded-md bg-white/10 px-3 py-1.5 font-medium hover:bg-white/20"
                        >
                            "Sign out"
                        </button>
                    </ActionForm>
                </div>
            </header>
            {ActionError(sign_out)}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    identity.await.ok().flatten().and_then(|id| id.switched).map(|role| role_banner(role, switch_back))
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let days = identity.await.ok().flatten().and_then(|id| id.password_days_left);
                    days.filter(|d| *d <= EXPIRY_WARNING_DAYS).map(expiry_warning)
                })}
            </Transition>
            <div class="flex flex-1 flex-col md:flex-row">
                <nav
                    id="console-nav"
                    class="border-b border-slate-200 bg-surface p-4 md:block md:w-56 md:shrink-0 md:border-b-0 md:border-r"
                    class:hidden=move || !menu_open.get()
                    aria-label="Console"
                >
                    // A followed link closes the menu, so the page it opened is what one sees.
                    <ul class="space-y-1 text-sm" on:click=move |_| set_menu_open.set(false)>
                        <li><A href="/" exact=true attr:class=NAV_LINK>"Dashboard"</A></li>
                        <li><A href="/users" attr:class=NAV_LINK>"Users"</A></li>
                        <li><A href="/groups" attr:class=NAV_LINK>"Groups"</A></li>
                        <li><A href="/roles" attr:class=NAV_LINK>"Roles"</A></li>
                        <li><A href="/policies" attr:class=NAV_LINK>"Policies"</A></li>
                        <li><A href="/activity" attr:class=NAV_LINK>"Activity"</A></li>
                        <li><A href="/account" attr:class=NAV_LINK>"Account settings"</A></li>
                        <li><A href="/security-credentials" attr:class=NAV_LINK>"My security credentials"</A></li>
                    </ul>
                </nav>
                <main id="main" tabindex="-1" class="min-w-0 flex-1 p-4 sm:p-8">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

/// The banner of a console switched to a role: which role, in whose colour, for how
/// long, and the way back to who signed in.
fn role_banner(role: SwitchedRole, switch_back: ServerAction<SwitchBack>) -> AnyView {
    let class = format!(
        "flex flex-wrap items-center justify-between gap-3 border-b border-slate-300 px-4 py-2 text-sm text-slate-900 sm:px-6 {}",
        super::pages::color_class(&role.color)
    );
    view! {
        <div role="status" data-testid="role-banner" data-color=role.color.clone() class=class>
            <p>
                "Acting as role "
                <span class="font-semibold" data-testid="role-display-name">{role.display_name.clone()}</span>
                " ("<span class="break-all font-mono">{role.session_arn.clone()}</span>"), "
                {format!("{} minutes left.", role.minutes_left)}
            </p>
            <ActionForm action=switch_back>
                <button type="submit" class="rounded-md border border-slate-500 bg-white/70 px-3 py-1 font-medium hover:bg-white">
                    {format!("Back to {}", role.signed_in_as)}
                </button>
            </ActionForm>
        </div>
    }
    .into_any()
}

/// The banner of an IAM user whose password expires soon (under the account's maximum
/// password age): a day count and the way to change it now.
fn expiry_warning(days: i64) -> AnyView {
    let when = match days {
        ..=0 => "today".to_owned(),
        1 => "in 1 day".to_owned(),
        n => format!("in {n} days"),
    };
    view! {
        <p role="status" class="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 sm:px-6" data-testid="password-expiry">
            {format!("Your password expires {when}. ")}
            <a href="/change-password" class="font-medium underline">"Change it now"</a>
        </p>
    }
    .into_any()
}
