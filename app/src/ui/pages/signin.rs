use super::{AuthCard, SUBMIT_CLASS};
use crate::api::auth::SignIn;
use crate::ui::components::{ErrorAlert, PasswordField, TextField, form_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in as the root user">
            <ActionForm action attr:class="space-y-4">
                {move || {
                    action
                        .value()
                        .get()
                        .and_then(Result::err)
                        .map(|error| form_error(error, action.version().get() > 0))
                        .map(|error| view! { <ErrorAlert error /> })
                }}
                <TextField name="email" label="Root user email address" kind="email" autocomplete="username" required=true />
                <PasswordField name="password" label="Password" autocomplete="current-password" />
                <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </AuthCard>
    }
}
