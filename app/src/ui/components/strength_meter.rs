//! The password strength meter: zxcvbn's score and advice as the person types. The
//! estimate comes from a lazily loaded wasm chunk (the dictionaries are large), so only
//! a page where someone types a new password fetches it, at the first keystroke.

use crate::model::password_strength::{self, Strength, StrengthScore};
use leptos::prelude::*;

/// The same estimate the server makes before it accepts a password.
#[lazy]
async fn estimate_strength(password: String, context: Vec<String>) -> Strength {
    let words: Vec<&str> = context.iter().map(String::as_str).collect();
    password_strength::estimate(&password, &words)
}

/// The strength of `password` against the account's `minimum`, judged knowing the
/// `context` words (account, person) as the server judges it. Empty until typed into.
#[component]
pub fn StrengthMeter(
    password: Signal<String>,
    context: Signal<Vec<String>>,
    minimum: StrengthScore,
) -> impl IntoView {
    let (strength, set_strength) = signal(None::<Strength>);
    // Estimates may finish out of order (the first waits for the chunk); only the
    // latest keystroke's is shown.
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let typed = password.get();
        let words = context.get();
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if typed.is_empty() {
            set_strength.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let estimate = estimate_strength(typed, words).await;
            if latest.get_value() == ticket {
                set_strength.set(Some(estimate));
            }
        });
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
