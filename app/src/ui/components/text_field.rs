use super::form_fields::FieldErrors;
use leptos::html::Input;
use leptos::prelude::*;

const INPUT_CLASS: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-surface px-3 py-2 \
     text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 \
     aria-[invalid=true]:border-red-700";

/// What a field needs to show its own error: the message, the ids that describe the
/// input, and focus moving to it when the form comes back with its error.
struct FieldError {
    message: Signal<Option<String>>,
    id: String,
    input: NodeRef<Input>,
}

impl FieldError {
    fn new(name: &'static str) -> Self {
        let errors = use_context::<FieldErrors>();
        let message = errors
            .map(|errors| errors.claim(name))
            .unwrap_or_else(|| Signal::derive(|| None));
        let input = NodeRef::<Input>::new();
        Effect::new(move |_| {
            // With several fields in error, the first one in the form takes the focus.
            if message.get().is_some()
                && errors.is_some_and(|errors| errors.leads(name))
                && let Some(input) = input.get()
            {
                // After this turn's rendering: the field may be in a step just shown.
                request_animation_frame(move || {
                    let _ = input.focus();
                });
            }
        });
        Self {
            message,
            id: format!("{name}-error"),
            input,
        }
    }

    /// `aria-describedby`: the hint (when there is one) and the error (while there is one).
    fn described_by(&self, hint_id: Option<String>) -> impl Fn() -> Option<String> + use<> {
        let (message, id) = (self.message, self.id.clone());
        move || {
            let ids: Vec<&str> = hint_id
                .as_deref()
                .into_iter()
                .chain(message.get().is_some().then_some(id.as_str()))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    fn view(&self) -> impl IntoView + use<> {
        let (message, id) = (self.message, self.id.clone());
        move || {
            message.get().map(|text| {
                view! { <span id=id.clone() class="mt-1 block text-sm text-red-700">{text}</span> }
            })
        }
    }
}

/// A labelled input. `on_input` lets a page follow the value as it is typed. Inside
/// `FormFields`, the form's error about this field is shown beneath it.
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
    let error = FieldError::new(name);
    let hint_id = (!hint.is_empty()).then(|| format!("{name}-hint"));
    let message = error.message;
    view! {
        <div class="block">
            <label for=name class="text-sm font-medium text-slate-700">{label}</label>
            <input
                class=INPUT_CLASS
                type=kind
                name=name
                id=name
                node_ref=error.input
                autocomplete=autocomplete
                required=required
                value=value
                autofocus=move || message.get().is_some()
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=error.described_by(hint_id.clone())
                on:input=move |ev| {
                    if let Some(callback) = on_input {
                        callback.run(event_target_value(&ev));
                    }
                }
            />
            {error.view()}
            {hint_id.map(|id| view! { <span id=id class="mt-1 block text-xs text-slate-500">{hint}</span> })}
        </div>
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
    let error = FieldError::new(name);
    let message = error.message;
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
                    node_ref=error.input
                    autocomplete=autocomplete
                    required=true
                    autofocus=move || message.get().is_some()
                    aria-invalid=move || message.get().is_some().then_some("true")
                    aria-describedby=error.described_by(None)
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
            {error.view()}
        </div>
    }
}
