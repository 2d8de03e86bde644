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
            error.get().and_then(|e| {
                e.field_problems()
                    .into_iter()
                    .find(|(field, _)| *field == name)
                    .map(|(_, message)| plain_words(&message))
            })
        })
    }

    /// Whether `name` is the first field of the form, in its order, with a problem: the
    /// one that takes the focus.
    pub(super) fn leads(self, name: &'static str) -> bool {
        let Some(error) = self.error.get_untracked() else {
            return false;
        };
        let problems = error.field_problems();
        self.shown_in_place.with_value(|names| {
            names
                .iter()
                .find(|n| problems.iter().any(|(field, _)| field == *n))
                .is_some_and(|first| *first == name)
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
    // The error itself when it names no field; else each of its problems that no field
    // here shows.
    let elsewhere = move || -> Vec<AppError> {
        let Some(error) = errors.error.get() else {
            return Vec::new();
        };
        let problems = error.field_problems();
        if problems.is_empty() {
            return vec![error];
        }
        problems
            .into_iter()
            .filter(|(field, _)| {
                !errors
                    .shown_in_place
                    .with_value(|names| names.contains(field))
            })
            .map(|(field, message)| AppError::validation(field, message))
            .collect()
    };
    view! {
        {move || elsewhere().into_iter().map(|error| view! { <ErrorAlert error /> }).collect_view()}
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
