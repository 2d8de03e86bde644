use super::{AuthCard, SUBMIT_CLASS};
use crate::api::auth::{ChangePassword, SignOut};
use crate::ui::components::{FormFields, PasswordField};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/change-password`: where an IAM user whose password must be reset is sent before
/// anything else, and where any IAM user may change their password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <Title text="Change your password" />
        <AuthCard title="Change your password">
            <p class="mb-4 text-sm text-slate-600">
                "Choose a new password of 8 to 128 characters with at least three of: capital letters, small letters, digits, symbols."
            </p>
            <ActionForm action attr:class="space-y-4">
                <FormFields action>
                    <PasswordField name="old_password" label="Current password" autocomplete="current-password" />
                    <PasswordField name="new_password" label="New password" autocomplete="new-password" />
                    <PasswordField name="new_password_confirmation" label="Confirm the new password" autocomplete="new-password" />
                    <button type="submit" class=SUBMIT_CLASS disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Saving…" } else { "Change password" }}
                    </button>
                </FormFields>
            </ActionForm>
            <ActionForm action=sign_out attr:class="mt-6 text-sm">
                <button type="submit" class="font-medium text-link hover:underline">
                    "Sign out instead"
                </button>
            </ActionForm>
        </AuthCard>
    }
}
