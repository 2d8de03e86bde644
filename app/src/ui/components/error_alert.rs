use crate::error::AppError;
use leptos::prelude::*;

/// A form's or page's error, announced to screen readers. A denial offers the policy
/// engine's explanation (which statements decided, or which Allow was missing) behind a
/// disclosure.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    let explanation = match &error {
        AppError::AccessDenied {
            explanation: Some(explanation),
            ..
        } => Some(explanation.clone()),
        _ => None,
    };
    view! {
        <div
            role="alert"
            class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800"
        >
            {error.to_string()}
            {matches!(error, AppError::Unauthenticated)
                .then(|| {
                    view! {
                        " "
                        <a href="/signin" rel="external" class="font-medium underline">
                            "Sign in"
                        </a>
                    }
                })}
            {explanation.map(|explanation| view! {
                <details class="mt-2" data-testid="denial-explanation">
                    <summary class="cursor-pointer font-medium">"Why: the policy engine's explanation"</summary>
                    <p class="mt-1 break-words">{explanation}</p>
                </details>
            })}
        </div>
    }
}

/// The error of a form's last submission, in place: for `ActionForm`s of server functions.
#[allow(non_snake_case)] // reads as a component where it is used
pub fn ActionError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error = last_error(action);
    move || error.get().map(|error| view! { <ErrorAlert error /> })
}

/// The error of a form's last submission, as it may be shown.
pub(super) fn last_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| form_error(error, action.version().get() > 0))
    })
}

/// The error a form shows. Before the form was submitted from this page, an error can
/// only have come from the URL (`?__err=`, the no-wasm round trip), which anyone can
/// craft: then only our own fixed messages are shown.
fn form_error(error: AppError, submitted_here: bool) -> AppError {
    if submitted_here {
        error
    } else {
        error.from_untrusted_url()
    }
}
