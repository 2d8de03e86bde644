//! Errors shown where they belong: a field's own error beside it (`aria-invalid`,
//! `aria-describedby`, focus), anything else in one alert at the top of the form.

use super::ErrorAlert;
use super::error_alert::last_error;
use crate::error::AppError;
use leptos::prelude::*;

/// The last error of the form around a field, and which fields can show theirs.
#[derive(Clone, Copy)]
pub(super) struct FieldErrors {
    error: Signal<Option<AppError>>,
    shown_in_place: StoredValue<Vec<&'static str>>,
}

impl FieldErrors {
    /// Registers a field by its input name; returns its error message as it changes.
    pub(super) fn claim(self, name: &'static str) -> Signal<Option<String>> {
        self.shown_in_place.update_value(|names| names.push(name));
        let error = self.error;
        Signal::derive(move || {
            error
                .get()
                .filter(|e| e.field() == Some(name))
                .map(|e| plain_words(&e.message()))
        })
    }
}

/// A form's fields. Wrap the inside of an `ActionForm` in it: the fields within show
/// their own errors; an error that no field here owns is shown above them.
#[component]
pub fn FormFields<S>(action: ServerAction<S>, children: Children) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let errors = FieldErrors {
        error: last_error(action),
        shown_in_place: StoredValue::new(Vec::new()),
    };
    provide_context(errors);
    // The fields register while they are built, so build them before the alert asks.
    let fields = children();
    let elsewhere = move || {
        errors.error.get().filter(|e| {
            e.field().is_none_or(|field| {
                !errors
                    .shown_in_place
                    .with_value(|names| names.contains(&field))
            })
        })
    };
    view! {
        {move || elsewhere().map(|error| view! { <ErrorAlert error /> })}
        {fields}
    }
}

/// "must match the password" reads as a sentence beside its field.
fn plain_words(message: &str) -> String {
    let mut chars = message.trim().chars();
    let mut sentence: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    #[test]
    fn a_rule_becomes_a_sentence() {
        assert_eq!(
            plain_words("must match the password"),
            "Must match the password."
        );
        assert_eq!(plain_words("Is taken."), "Is taken.");
        assert_eq!(plain_words(""), "");
    }
}
