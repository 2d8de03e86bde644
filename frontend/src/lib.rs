//! The browser half of the console: hydrates the server-rendered pages.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Most console pages are lazy routes whose code sits in separate wasm chunks, so
    // hydration waits for the current page's chunk (what `hydrate_lazy` does), and the
    // marker for end-to-end tests, which must not type before the page is live, is set
    // only once it is done.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
