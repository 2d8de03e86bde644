use super::{AuthCard, SUBMIT_CLASS};
use crate::api::auth::{SignIn, SignInMfa, SignInUser};
use crate::ui::components::{FormFields, PasswordField, TextField};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const LINK_CLASS: &str = "font-medium text-link hover:underline";

/// `/signin`: the root user's form, or (`?as=user`) the IAM user's with an empty
/// account field.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let as_user = query.read_untracked().get("as").as_deref() == Some("user");
    if as_user {
        return view! { <UserSignIn account=String::new() /> }.into_any();
    }
    let action = ServerAction::<SignIn>::new();
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in as the root user">
            <ActionForm action attr:class="space-y-4">
                <FormFields action>
                    <TextField name="email" label="Root user email address" kind="email" autocomplete="username" required=true />
                    <PasswordField name="password" label="Password" autocomplete="current-password" />
                    <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </FormFields>
            </ActionForm>
            <p class="mt-6 text-sm text-slate-600">
                "An IAM user? "
                <a href="/signin?as=user" rel="external" class=LINK_CLASS>"Sign in as an IAM user"</a>
            </p>
        </AuthCard>
    }
    .into_any()
}

/// `/signin/<account id or alias>`: the sign-in URL an administrator hands to IAM users.
#[component]
pub fn UserSignInPage() -> impl IntoView {
    let params = use_params_map();
    let account = params.read_untracked().get("account").unwrap_or_default();
    view! { <UserSignIn account /> }
}

#[component]
fn UserSignIn(account: String) -> impl IntoView {
    view! {
        <Title text="Sign in as an IAM user" />
        <AuthCard title="Sign in as an IAM user">
            <UserSignInForm account />
            <p class="mt-6 text-sm text-slate-600">
                "The account's root user? "
                <a href="/signin" class=LINK_CLASS>"Sign in with the root email"</a>
            </p>
        </AuthCard>
    }
}

#[component]
fn UserSignInForm(account: String) -> impl IntoView {
    let action = ServerAction::<SignInUser>::new();
    view! {
        <ActionForm action attr:class="space-y-4">
            <FormFields action>
                <TextField name="account" label="Account ID or alias" autocomplete="organization" required=true value=account />
                <TextField name="user_name" label="IAM user name" autocomplete="username" required=true />
                <PasswordField name="password" label="Password" autocomplete="current-password" />
                <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </FormFields>
        </ActionForm>
    }
}

/// `/signin-mfa`: after a right password, the code of the principal's MFA device.
#[component]
pub fn MfaSignInPage() -> impl IntoView {
    let action = ServerAction::<SignInMfa>::new();
    view! {
        <Title text="Multi-factor authentication" />
        <AuthCard title="Multi-factor authentication">
            <p class="mb-4 text-sm text-slate-600">
                "Your password was right. Open your authenticator app and type the code it shows for this account."
            </p>
            <ActionForm action attr:class="space-y-4">
                <FormFields action>
                    <TextField
                        name="code"
                        label="MFA code"
                        autocomplete="one-time-code"
                        required=true
                        hint="Six digits; the app shows a new code every 30 seconds. Lost the device? Type one of your recovery codes."
                    />
                    <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Checking…" } else { "Sign in" }}
                    </button>
                </FormFields>
            </ActionForm>
            <p class="mt-6 text-sm text-slate-600">
                "No code within five minutes of the password? "
                <a href="/signin" class=LINK_CLASS>"Start again"</a>
            </p>
        </AuthCard>
    }
}
