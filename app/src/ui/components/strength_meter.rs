//! The password strength meter: zxcvbn's score and advice as the person types. The
//! estimate is the server's (`api::password_strength`: zxcvbn's dictionaries are too
//! large for the wasm bundle), asked once typing pauses.

use crate::api::password_strength::estimate_password_strength;
use crate::model::password_strength::{Strength, StrengthScore};
use leptos::prelude::*;
use std::time::Duration;

/// How long typing must pause before the meter asks: a word typed at speed is one call.
const PAUSE: Duration = Duration::from_millis(200);

/// The strength of `password` against the account's `minimum`, judged knowing the
/// `context` words (account, person) as the server judges it. Empty until typed into.
#[component]
pub fn StrengthMeter(
    password: Signal<String>,
    context: Signal<Vec<String>>,
    minimum: StrengthScore,
) -> impl IntoView {
    let (strength, set_strength) = signal(None::<Strength>);
    // Answers may arrive out of order; only the latest keystroke's is shown, and a
    // keystroke superseded within the pause is never sent.
    let latest = StoredValue::new(0_u64);
    let is_latest = move |ticket: u64| latest.try_get_value() == Some(ticket);
    Effect::new(move |_| {
        let typed = password.get();
        let words = context.get();
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if typed.is_empty() {
            set_strength.set(None);
            return;
        }
        set_timeout(
            move || {
                if !is_latest(ticket) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    // A failed estimate shows nothing: the server judges again on submit.
                    let estimate = estimate_password_strength(typed, words).await.ok();
                    if is_latest(ticket) {
                        set_strength.try_set(estimate);
                    }
                });
            },
            PAUSE,
        );
    });
    view! {
        <div class="mt-2 text-xs" data-testid="password-strength" aria-live="polite">
            {move || strength.get().map(|s| meter(&s, minimum))}
        </div>
    }
}

fn meter(strength: &Strength, minimum: StrengthScore) -> impl IntoView + use<> {
    let enough = strength.score >= minimum;
    let verdict = if enough {
        format!("Strength: {}", strength.score.label())
    } else {
        format!(
            "Strength: {}, too easy to guess (this account requires {} or better)",
            strength.score.label(),
            minimum.label()
        )
    };
    let advice: Vec<String> = strength
        .warning
        .iter()
        .chain(strength.suggestions.iter().take(2))
        .cloned()
        .collect();
    view! {
        <meter
            class="h-2 w-full"
            min="0"
            max="4"
            low="2"
            high="3"
            optimum="4"
            value=strength.score.get().to_string()
            aria-label="Password strength"
        ></meter>
        <p
            data-testid="password-strength-verdict"
            data-score=strength.score.get().to_string()
            data-enough=enough.to_string()
            class=if enough { "text-emerald-700" } else { "text-amber-800" }
        >
            {verdict}
        </p>
        {(!enough || strength.warning.is_some()).then(|| view! {
            <ul class="mt-1 list-disc pl-5 text-slate-600">
                {advice.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
        })}
        <p class="text-slate-500">
            {format!("Time to guess it offline (slow hash): {}", strength.crack_time)}
        </p>
    }
}
