use super::{AuthCard, SUBMIT_CLASS};
use crate::api::auth::{ChangePassword, SignOut, my_password_rules};
use crate::ui::components::{FormFields, PasswordField, RulesChecklist, StrengthMeter};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/change-password`: where an IAM user whose password must be reset is sent before
/// anything else, and where any IAM user may change their password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let rules = Resource::new(|| (), |_| my_password_rules(false));
    let (typed, set_typed) = signal(String::new());
    view! {
        <Title text="Change your password" />
        <AuthCard title="Change your password">
            <p class="mb-2 text-sm text-slate-600">
                "Choose a new password that meets this account's rules:"
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    rules.await.ok().map(|needs| {
                        let context = needs.context.clone();
                        view! {
                            <div class="mb-4">
                                <RulesChecklist rules=needs.rules password=typed.into() />
                                <StrengthMeter password=typed.into() context=Signal::stored(context)
                                    minimum=needs.minimum_score />
                            </div>
                        }
                    })
                })}
            </Transition>
            <ActionForm action attr:class="space-y-4">
                <FormFields action>
                    <PasswordField name="old_password" label="Current password" autocomplete="current-password" />
                    <PasswordField name="new_password" label="New password" autocomplete="new-password"
                        on_input=Callback::new(move |value| set_typed.set(value)) />
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
