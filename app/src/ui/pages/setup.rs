use super::{AuthCard, SUBMIT_CLASS};
use crate::api::setup::{CreateFirstAccount, setup_required};
use crate::model::DEFAULT_MINIMUM_SCORE;
use crate::model::password_strength::context_words;
use crate::ui::components::{
    ErrorAlert, FormFields, PasswordChecklist, PasswordField, StrengthMeter, TextField,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// First-run setup: shown while no account exists; afterwards it says so and points to
/// sign-in.
#[component]
pub fn SetupPage() -> impl IntoView {
    let required = Resource::new(|| (), |_| setup_required());
    view! {
        <Title text="Set up" />
        <AuthCard title="Set up Portcullis">
            <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match required.await {
                        Ok(true) => view! { <SetupForm /> }.into_any(),
                        Ok(false) => view! { <AlreadySetUp /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Suspense>
        </AuthCard>
    }
}

#[component]
fn AlreadySetUp() -> impl IntoView {
    view! {
        <div role="status" class="space-y-3 text-sm">
            <p>"Portcullis is already set up: an account exists, so setup is closed."</p>
            <a href="/signin" class="font-medium text-link underline">
                "Sign in"
            </a>
        </div>
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let action = ServerAction::<CreateFirstAccount>::new();
    let (email, set_email) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (alias, set_alias) = signal(String::new());
    // The server judges the root password knowing the email and alias; so does the meter.
    let context =
        Signal::derive(move || context_words([email.get().as_str(), alias.get().as_str()]));
    view! {
        <p class="mb-4 text-sm text-slate-600">
            "Create the first account and its root user. The root user can do anything in the account; keep its password safe."
        </p>
        <ActionForm action attr:class="space-y-4">
            <FormFields action>
                <TextField
                    name="setup_token"
                    label="Setup token"
                    autocomplete="off"
                    required=true
                    hint="Printed by the server when it started, and kept in the file setup-token in its data directory."
                />
                <TextField
                    name="email"
                    label="Root user email address"
                    kind="email"
                    autocomplete="username"
                    required=true
                    on_input=move |v| set_email.set(v)
                />
                <PasswordField
                    name="password"
                    label="Password"
                    autocomplete="new-password"
                    on_input=move |v| set_password.set(v)
                />
                <PasswordChecklist password=password.into() email=email.into() />
                <StrengthMeter password=password.into() context minimum=DEFAULT_MINIMUM_SCORE />
                <PasswordField name="password_confirmation" label="Confirm password" autocomplete="new-password" />
                <TextField
                    name="alias"
                    label="Account alias (optional)"
                    hint="Lowercase letters, digits and hyphens; used in your IAM users' sign-in URL."
                    on_input=move |v| set_alias.set(v)
                />
                <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create account" }}
                </button>
            </FormFields>
        </ActionForm>
    }
}
