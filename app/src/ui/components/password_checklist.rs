use crate::model::{PasswordRules, RootPasswordCheck};
use leptos::prelude::*;

/// The root password rules, ticked off as the person types: the very checks the
/// server runs, compiled into the page.
#[component]
pub fn PasswordChecklist(password: Signal<String>, email: Signal<String>) -> impl IntoView {
    let check = Memo::new(move |_| RootPasswordCheck::run(&password.get(), &email.get()));
    view! {
        <ul class="space-y-1 text-xs" aria-label="Password rules" data-testid="password-rules">
            {move || {
                check
                    .get()
                    .results
                    .into_iter()
                    .map(|(rule, ok)| {
                        view! {
                            <li
                                class=if ok { "text-emerald-700" } else { "text-slate-500" }
                                data-ok=ok.to_string()
                            >
                                {if ok { "✓ " } else { "○ " }}
                                {rule.describe()}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// The account's password rules (its policy, or AWS's default), ticked off as the
/// person types: the very checks the server runs on the new password.
#[component]
pub fn RulesChecklist(rules: PasswordRules, password: Signal<String>) -> impl IntoView {
    view! {
        <ul class="space-y-1 text-xs" aria-label="Password rules" data-testid="password-rules">
            {move || {
                rules
                    .check(&password.get())
                    .into_iter()
                    .map(|(rule, ok)| {
                        view! {
                            <li class=if ok { "text-emerald-700" } else { "text-slate-500" } data-ok=ok.to_string()>
                                {if ok { "✓ " } else { "○ " }}
                                {rule.describe()}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
