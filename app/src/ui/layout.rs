use super::components::ActionError;
use crate::api::auth::{SignOut, current_identity};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

/// The signed-in console: top bar, side navigation, page.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let identity = Resource::new(|| (), |_| current_identity());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="flex min-h-screen flex-col">
            <header class="flex items-center justify-between bg-slate-900 px-6 py-3 text-slate-100">
                <a href="/" class="text-lg font-semibold tracking-tight">
                    "Portcullis"
                </a>
                <div class="flex items-center gap-6 text-sm">
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
                                        <span data-testid="principal">{id.principal}</span>
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
                            class="rounded-md bg-slate-700 px-3 py-1.5 font-medium hover:bg-slate-600"
                        >
                            "Sign out"
                        </button>
                    </ActionForm>
                </div>
            </header>
            {ActionError(sign_out)}
            <div class="flex flex-1">
                <nav class="w-56 border-r border-slate-200 bg-white p-4" aria-label="Console">
                    <ul class="space-y-1 text-sm">
                        <li>
                            <A
                                href="/"
                                exact=true
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Dashboard"
                            </A>
                        </li>
                        <li>
                            <A
                                href="/users"
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Users"
                            </A>
                        </li>
                        <li>
                            <A
                                href="/groups"
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Groups"
                            </A>
                        </li>
                        <li>
                            <A
                                href="/policies"
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Policies"
                            </A>
                        </li>
                        <li>
                            <A
                                href="/activity"
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Activity"
                            </A>
                        </li>
                        <li>
                            <A
                                href="/account"
                                attr:class="block rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
                            >
                                "Account settings"
                            </A>
                        </li>
                    </ul>
                </nav>
                <main class="flex-1 p-8">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}
