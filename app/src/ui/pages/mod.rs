mod account;
mod activity;
mod change_password;
mod dashboard;
mod groups;
mod new_user;
mod not_found;
mod policies;
mod roles;
mod security_credentials;
mod setup;
mod signin;
mod users;
mod visual_editor;

pub use account::AccountPage;
pub use activity::ActivityPage;
pub use change_password::ChangePasswordPage;
pub use dashboard::DashboardPage;
pub use groups::{GroupPage, GroupsPage};
pub use new_user::NewUserPage;
pub use not_found::NotFoundPage;
pub use policies::{InlinePolicyPage, NewPolicyPage, PoliciesPage, PolicyPage};
pub use roles::{NewRolePage, RolePage, RolesPage, SwitchRolePage, color_class};
pub use security_credentials::SecurityCredentialsPage;
pub use setup::SetupPage;
pub use signin::{MfaSignInPage, SignInPage, UserSignInPage};
pub use users::{UserPage, UsersPage};

use leptos::prelude::*;

/// The narrow centred card that setup and sign-in share.
#[component]
fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="flex min-h-screen items-center justify-center px-4 py-12">
            <div class="w-full max-w-md rounded-xl border border-slate-200 bg-surface p-6 shadow-sm sm:p-8">
                <p class="text-sm font-semibold uppercase tracking-wide text-link">
                    "Portcullis"
                </p>
                <h1 class="mt-1 text-2xl font-semibold">{title}</h1>
                <div class="mt-6">{children()}</div>
            </div>
        </main>
    }
}

const SUBMIT_CLASS: &str = "w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white \
     hover:bg-indigo-500 disabled:opacity-60";
