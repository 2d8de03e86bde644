use super::{AuthCard, SUBMIT_CLASS};
use crate::api::auth::SignIn;
use crate::ui::components::{ActionError, PasswordField, TextField};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in as the root user">
            <ActionForm action attr:class="space-y-4">
                {ActionError(action)}
                <TextField name="email" label="Root user email address" kind="email" autocomplete="username" required=true />
                <PasswordField name="password" label="Password" autocomplete="current-password" />
                <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </AuthCard>
    }
}
