use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="flex min-h-screen flex-col items-center justify-center gap-4 px-4">
            <h1 class="text-2xl font-semibold">"Page not found"</h1>
            <p class="text-slate-600">"There is no console page at this address."</p>
            <a href="/" class="text-link underline">
                "Go to the dashboard"
            </a>
        </main>
    }
}
