//! A small button that posts hidden fields to a server function: the Remove, Leave and
//! Detach buttons of the user and group pages. A macro, because `ActionForm`'s bounds on
//! the server function are many; the page brings `SMALL_BUTTON` into scope with it.

/// The look of the small secondary buttons.
pub const SMALL_BUTTON: &str = "rounded-md border border-slate-300 bg-surface px-3 py-1.5 text-sm \
     font-medium hover:bg-slate-50";

/// `small_post!(action, [("field", value), ...], "Label", what)`: the label shows, and
/// `what` names the button for screen readers ("Remove" + " alice").
macro_rules! small_post {
    ($action:expr, [$(($name:literal, $value:expr)),* $(,)?], $label:literal, $what:expr) => {
        {
            let fields: Vec<(&'static str, String)> = vec![$(($name, $value)),*];
            let what = format!(" {}", $what);
            view! {
                <ActionForm action=$action>
                    {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
                    <button type="submit" class=SMALL_BUTTON>{$label}<span class="sr-only">{what}</span></button>
                </ActionForm>
            }
        }
    };
}

pub(crate) use small_post;
