use super::layout::ConsoleLayout;
use super::lazy_pages::{
    AccountRoute, ActivityRoute, ChangePasswordRoute, DashboardRoute, GroupRoute, GroupsRoute,
    InlinePolicyRoute, MfaSignInRoute, NewPolicyRoute, NewRoleRoute, NewUserRoute, PoliciesRoute,
    PolicyRoute, RoleRoute, RolesRoute, SecurityCredentialsRoute, SetupRoute, SwitchRoleRoute,
    UserRoute, UsersRoute,
};
use super::pages::{NotFoundPage, SignInPage, UserSignInPage};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="icon" type_="image/x-icon" href="/favicon.ico" />
        <Meta name="description" content="Portcullis identity and access management console" />
        // A title of its own, so that the document keeps one while a page being left has
        // taken its title away and the next (a lazy chunk) has not yet set its own.
        <Title text="Console" formatter=|page: String| format!("{page} | Portcullis") />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} />
                <Route path=path!("/signin") view=SignInPage />
                <Route path=path!("/signin/:account") view=UserSignInPage />
                <Route path=path!("/signin-mfa") view={Lazy::<MfaSignInRoute>::new()} />
                <Route path=path!("/change-password") view={Lazy::<ChangePasswordRoute>::new()} />
                <ParentRoute path=path!("") view=ConsoleLayout>
                    <Route path=path!("") view={Lazy::<DashboardRoute>::new()} />
                    <Route path=path!("/users") view={Lazy::<UsersRoute>::new()} />
                    <Route path=path!("/users/new") view={Lazy::<NewUserRoute>::new()} />
                    <Route path=path!("/users/details/:name") view={Lazy::<UserRoute>::new()} />
                    <Route path=path!("/groups") view={Lazy::<GroupsRoute>::new()} />
                    <Route path=path!("/groups/details/:name") view={Lazy::<GroupRoute>::new()} />
                    <Route path=path!("/roles") view={Lazy::<RolesRoute>::new()} />
                    <Route path=path!("/roles/new") view={Lazy::<NewRoleRoute>::new()} />
                    <Route path=path!("/roles/details/:name") view={Lazy::<RoleRoute>::new()} />
                    <Route path=path!("/switch-role") view={Lazy::<SwitchRoleRoute>::new()} />
                    <Route path=path!("/policies") view={Lazy::<PoliciesRoute>::new()} />
                    <Route path=path!("/policies/new") view={Lazy::<NewPolicyRoute>::new()} />
                    <Route path=path!("/policies/view") view={Lazy::<PolicyRoute>::new()} />
                    <Route path=path!("/inline-policy") view={Lazy::<InlinePolicyRoute>::new()} />
                    <Route path=path!("/activity") view={Lazy::<ActivityRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("/security-credentials") view={Lazy::<SecurityCredentialsRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
