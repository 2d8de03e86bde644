use leptos::prelude::*;

const INPUT_CLASS: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 \
     text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

/// A labelled input. `on_input` lets a page follow the value as it is typed.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: &'static str,
    #[prop(optional, into)] on_input: Option<Callback<String>>,
    /// The value the field starts with.
    #[prop(optional, into)]
    value: String,
) -> impl IntoView {
    view! {
        <label class="block">
            <span class="text-sm font-medium text-slate-700">{label}</span>
            <input
                class=INPUT_CLASS
                type=kind
                name=name
                id=name
                autocomplete=autocomplete
                required=required
                value=value
                on:input=move |ev| {
                    if let Some(callback) = on_input {
                        callback.run(event_target_value(&ev));
                    }
                }
            />
            {(!hint.is_empty()).then(|| view! { <span class="mt-1 block text-xs text-slate-500">{hint}</span> })}
        </label>
    }
}

/// A password input with a show/hide toggle (works once the page is hydrated).
#[component]
pub fn PasswordField(
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    #[prop(optional, into)] on_input: Option<Callback<String>>,
) -> impl IntoView {
    let (shown, set_shown) = signal(false);
    view! {
        <div class="block">
            <label for=name class="text-sm font-medium text-slate-700">
                {label}
            </label>
            <div class="mt-1 flex gap-2">
                <input
                    class=INPUT_CLASS
                    type=move || if shown.get() { "text" } else { "password" }
                    name=name
                    id=name
                    autocomplete=autocomplete
                    required=true
                    on:input=move |ev| {
                        if let Some(callback) = on_input {
                            callback.run(event_target_value(&ev));
                        }
                    }
                />
                <button
                    type="button"
                    class="rounded-md border border-slate-300 px-3 text-xs text-slate-600 hover:bg-slate-100"
                    aria-controls=name
                    aria-pressed=move || shown.get().to_string()
                    on:click=move |_| set_shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
        </div>
    }
}
