//! Account settings: the alias (set, change, remove) and the sign-in URL it makes.

use crate::api::account::{DeleteAccountAlias, SetAccountAlias, account_settings};
use crate::ui::components::{ActionError, CopyButton, ErrorAlert, FormFields, TextField};
use leptos::prelude::*;
use leptos_meta::Title;

const BUTTON: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";

#[component]
pub fn AccountPage() -> impl IntoView {
    let set = ServerAction::<SetAccountAlias>::new();
    let remove = ServerAction::<DeleteAccountAlias>::new();
    let data = Resource::new(
        move || (set.version().get(), remove.version().get()),
        |_| account_settings(),
    );
    view! {
        <Title text="Account settings" />
        <h1 class="text-2xl font-semibold">"Account settings"</h1>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => {
                        let current = s.alias.clone();
                        view! {
                            <section class="mt-6 max-w-xl rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="alias-heading">
                                <h2 id="alias-heading" class="text-lg font-medium">"Account alias"</h2>
                                <dl class="mt-3 grid grid-cols-3 gap-y-2 text-sm">
                                    <dt class="text-slate-500">"Account ID"</dt>
                                    <dd class="col-span-2"><span class="font-mono">{s.account_id.clone()}</span><CopyButton text=s.account_id.clone() what="account ID" /></dd>
                                    <dt class="text-slate-500">"Alias"</dt>
                                    <dd class="col-span-2" data-testid="current-alias">{s.alias.clone().unwrap_or_else(|| "None".to_owned())}</dd>
                                    <dt class="text-slate-500">"IAM users sign in at"</dt>
                                    <dd class="col-span-2"><span class="break-all font-mono" data-testid="signin-url">{s.signin_url.clone()}</span><CopyButton text=s.signin_url.clone() what="sign-in URL" /></dd>
                                </dl>
                                <ActionForm action=set attr:class="mt-4 space-y-3">
                                    <FormFields action=set>
                                        <TextField name="account_alias" label="New alias" required=true
                                            hint="3 to 63 lower-case letters, digits and hyphens; not only digits" />
                                        <button type="submit" class=BUTTON>"Save alias"</button>
                                    </FormFields>
                                </ActionForm>
                                {current.map(|alias| view! {
                                    <ActionForm action=remove attr:class="mt-4">
                                        {ActionError(remove)}
                                        <input type="hidden" name="account_alias" value=alias />
                                        <button type="submit" class="rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm font-medium hover:bg-slate-50">
                                            "Remove alias"
                                        </button>
                                    </ActionForm>
                                })}
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <div class="mt-4"><ErrorAlert error /></div> }.into_any(),
                }
            })}
        </Transition>
    }
}
