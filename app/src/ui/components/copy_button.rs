use leptos::prelude::*;

/// What the button says after a press.
#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // pressed only in the browser
enum Outcome {
    Ready,
    Copied,
    Failed,
}

/// Copies `text` to the clipboard. The clipboard needs a secure context (HTTPS or
/// localhost); elsewhere the button says so and the text stays selectable beside it.
#[component]
pub fn CopyButton(
    #[prop(into)] text: String,
    /// What is copied, heard by screen readers after the visible word: "ARN".
    what: &'static str,
) -> impl IntoView {
    let (outcome, set_outcome) = signal(Outcome::Ready);
    let text = StoredValue::new(text);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let copied = write_clipboard(&text.get_value()).await;
            set_outcome.set(if copied {
                Outcome::Copied
            } else {
                Outcome::Failed
            });
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, set_outcome);
    };
    view! {
        <button
            type="button"
            class="ml-2 inline-flex rounded border border-slate-300 px-1.5 py-0.5 align-middle font-sans text-xs font-medium text-slate-600 hover:bg-slate-100"
            on:click=copy
        >
            <span aria-live="polite">
                {move || match outcome.get() {
                    Outcome::Ready => "Copy",
                    Outcome::Copied => "Copied",
                    Outcome::Failed => "Copy unavailable",
                }}
            </span>
            <span class="sr-only">{format!(" {what}")}</span>
        </button>
    }
}

#[cfg(feature = "hydrate")]
async fn write_clipboard(text: &str) -> bool {
    use wasm_bindgen_futures::JsFuture;
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // `navigator.clipboard` is undefined outside a secure context.
    let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map(|value| !value.is_undefined())
        .unwrap_or(false);
    if !available {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}
