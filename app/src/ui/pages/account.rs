//! Account settings: the alias (set, change, remove) and the sign-in URL it makes, and
//! the account password policy.

use crate::api::account::{
    DeleteAccountAlias, DeletePasswordPolicy, SetAccountAlias, UpdatePasswordPolicy,
    UpdatePasswordStrength, account_settings, password_policy, password_strength,
};
use crate::model::{PasswordPolicy, PasswordRules, StrengthScore};
use crate::ui::components::{ActionError, CopyButton, ErrorAlert, FormFields, TextField};
use leptos::prelude::*;
use leptos_meta::Title;

const SELECT: &str = "block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 text-sm";
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
        <PasswordPolicySection />
        <PasswordStrengthSection />
    }
}

/// Beyond AWS: the lowest strength (zxcvbn score) a new password may have.
#[component]
fn PasswordStrengthSection() -> impl IntoView {
    let update = ServerAction::<UpdatePasswordStrength>::new();
    let data = Resource::new(move || update.version().get(), |_| password_strength());
    view! {
        <section class="mt-6 max-w-xl rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="password-strength-heading">
            <h2 id="password-strength-heading" class="text-lg font-medium">"Password strength"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Beyond the rules above, every new password (the root user's too) is judged by how easily it could be guessed: common passwords, names, words, dates, keyboard patterns and the account's own names count against it. Passwords below the minimum are refused; people see the strength as they type."
            </p>
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(current) => {
                            let options = StrengthScore::ALL
                                .into_iter()
                                .map(|score| view! {
                                    <option value=score.get().to_string() selected=score == current>
                                        {score.describe_minimum()}
                                    </option>
                                })
                                .collect_view();
                            view! {
                                <ActionForm action=update attr:class="mt-4 space-y-3">
                                    <FormFields action=update>
                                        <label for="minimum_password_score" class="block text-sm font-medium text-slate-700">"Minimum strength"</label>
                                        <select id="minimum_password_score" name="minimum_password_score" class=SELECT>
                                            {options}
                                        </select>
                                        <button type="submit" class=BUTTON>"Save minimum strength"</button>
                                    </FormFields>
                                </ActionForm>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <div class="mt-3"><ErrorAlert error /></div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The account password policy: the rules every IAM user's new password must meet.
#[component]
fn PasswordPolicySection() -> impl IntoView {
    let update = ServerAction::<UpdatePasswordPolicy>::new();
    let remove = ServerAction::<DeletePasswordPolicy>::new();
    let data = Resource::new(
        move || (update.version().get(), remove.version().get()),
        |_| password_policy(),
    );
    view! {
        <section class="mt-6 max-w-xl rounded-xl border border-slate-200 bg-surface p-6" aria-labelledby="password-policy-heading">
            <h2 id="password-policy-heading" class="text-lg font-medium">"Password policy"</h2>
            <p class="mt-1 text-sm text-slate-600">"The rules for IAM users' console passwords. They apply the next time a password is set or changed."</p>
            <Transition fallback=|| view! { <p class="mt-3 text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(policy) => view! { <PasswordPolicyForm policy update remove /> }.into_any(),
                        Err(error) => view! { <div class="mt-3"><ErrorAlert error /></div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PasswordPolicyForm(
    policy: Option<PasswordPolicy>,
    update: ServerAction<UpdatePasswordPolicy>,
    remove: ServerAction<DeletePasswordPolicy>,
) -> impl IntoView {
    let rules = policy.map_or(PasswordRules::Default, PasswordRules::Policy);
    let summary = if policy.is_some() {
        "This account's own policy: a new password must have"
    } else {
        "No policy is set, so AWS's default rules apply: a new password must have"
    };
    let listed = rules
        .rules()
        .into_iter()
        .map(|rule| view! { <li>{rule.describe()}</li> })
        .collect_view();
    let p = policy.unwrap_or(PasswordPolicy {
        minimum_password_length: 8,
        require_symbols: false,
        require_numbers: false,
        require_uppercase_characters: false,
        require_lowercase_characters: false,
        allow_users_to_change_password: false,
        max_password_age: None,
        password_reuse_prevention: None,
        hard_expiry: false,
    });
    let checkbox = |name: &'static str, label: &'static str, checked: bool| {
        view! {
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name=name value="on" checked=checked />
                {label}
            </label>
        }
    };
    let number = |n: Option<u16>| n.map(|n| n.to_string()).unwrap_or_default();
    view! {
        <div data-testid="password-rules-now" class="mt-3 text-sm">
            <p>{summary}</p>
            <ul class="mt-1 list-disc pl-5">{listed}</ul>
            {p.allow_users_to_change_password.then_some(view! { <p class="mt-1">"Users may change their own password."</p> })}
        </div>
        <ActionForm action=update attr:class="mt-4 space-y-3">
            <FormFields action=update>
                <TextField name="minimum_password_length" label="Minimum length" kind="number"
                    value=p.minimum_password_length.to_string() hint="6 to 128 characters" />
                <fieldset class="space-y-2">
                    <legend class="text-sm font-medium text-slate-700">"Require at least one"</legend>
                    {checkbox("require_uppercase_characters", "uppercase letter (A-Z)", p.require_uppercase_characters)}
                    {checkbox("require_lowercase_characters", "lowercase letter (a-z)", p.require_lowercase_characters)}
                    {checkbox("require_numbers", "number (0-9)", p.require_numbers)}
                    {checkbox("require_symbols", "symbol: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '", p.require_symbols)}
                </fieldset>
                {checkbox("allow_users_to_change_password", "Allow users to change their own password", p.allow_users_to_change_password)}
                <TextField name="max_password_age" label="Passwords expire after (days)" kind="number"
                    value=number(p.max_password_age) hint="1 to 1095; empty: they never expire" />
                <TextField name="password_reuse_prevention" label="Remember previous passwords" kind="number"
                    value=number(p.password_reuse_prevention.map(u16::from)) hint="A new password may not be any of the user's last 1 to 24 (the current one counts); empty: no limit" />
                {checkbox("hard_expiry", "An expired password must be reset by an administrator", p.hard_expiry)}
                <button type="submit" class=BUTTON>"Save password policy"</button>
            </FormFields>
        </ActionForm>
        {policy.is_some().then(|| view! {
            <ActionForm action=remove attr:class="mt-3">
                {ActionError(remove)}
                <button type="submit" class="rounded-md border border-slate-300 bg-surface px-4 py-2 text-sm font-medium hover:bg-slate-50">
                    "Use AWS's default rules"
                </button>
            </ActionForm>
        })}
    }
    .into_any()
}
