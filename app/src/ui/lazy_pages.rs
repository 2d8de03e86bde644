//! The console pages that load their code on demand: each is a lazy route, so its view
//! (and what only it uses, such as the policy engine behind the editor) sits in a wasm
//! chunk of its own, fetched when the page is first opened (the server's page preloads
//! the chunks it needs). Only the sign-in pages and the shell stay in the main bundle,
//! which every visitor downloads: setup happens once, and the MFA step and the forced
//! password change (with the password rules and the strength meter) only for some.

use super::pages::{
    AccountPage, ActivityPage, ChangePasswordPage, DashboardPage, GroupPage, GroupsPage,
    InlinePolicyPage, MfaSignInPage, NewPolicyPage, NewRolePage, NewUserPage, PoliciesPage,
    PolicyPage, RolePage, RolesPage, SecurityCredentialsPage, SetupPage, SwitchRolePage, UserPage,
    UsersPage,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A lazy route `$route` showing page component `$page`; the page loads its own data.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(DashboardRoute, DashboardPage);
lazy_page!(UsersRoute, UsersPage);
lazy_page!(NewUserRoute, NewUserPage);
lazy_page!(UserRoute, UserPage);
lazy_page!(GroupsRoute, GroupsPage);
lazy_page!(GroupRoute, GroupPage);
lazy_page!(PoliciesRoute, PoliciesPage);
lazy_page!(NewPolicyRoute, NewPolicyPage);
lazy_page!(PolicyRoute, PolicyPage);
lazy_page!(InlinePolicyRoute, InlinePolicyPage);
lazy_page!(RolesRoute, RolesPage);
lazy_page!(NewRoleRoute, NewRolePage);
lazy_page!(RoleRoute, RolePage);
lazy_page!(SwitchRoleRoute, SwitchRolePage);
lazy_page!(ActivityRoute, ActivityPage);
lazy_page!(AccountRoute, AccountPage);
lazy_page!(SecurityCredentialsRoute, SecurityCredentialsPage);
lazy_page!(SetupRoute, SetupPage);
lazy_page!(MfaSignInRoute, MfaSignInPage);
lazy_page!(ChangePasswordRoute, ChangePasswordPage);
