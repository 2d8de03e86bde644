//! The strength meter's estimate. Public: the first-run setup and the forced password
//! change ask for it before anyone has a full session. Each call costs at most about a
//! millisecond (zxcvbn reads 100 characters; the context is capped below), less than
//! one sign-in attempt's hash, and changes nothing.

use crate::error::AppError;
use crate::model::Strength;
use leptos::prelude::*;

/// Longer input is cut here: AWS's longest password is 128 characters, and zxcvbn
/// itself reads only the first 100.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// The meter's context is a handful of words (account id, alias, name, email parts).
pub const MAX_CONTEXT_WORDS: usize = 16;

/// zxcvbn's estimate of `password` knowing the `context` words, exactly as the server
/// estimates a new password before it accepts it.
#[server(endpoint = "password/strength")]
pub async fn estimate_password_strength(
    password: String,
    #[server(default)] context: Vec<String>,
) -> Result<Strength, AppError> {
    use super::request;
    use crate::model::password_strength;
    request::serve_public(async move {
        let password: String = password.chars().take(MAX_PASSWORD_CHARS).collect();
        let words: Vec<String> = context
            .iter()
            .take(MAX_CONTEXT_WORDS)
            .map(|word| word.chars().take(MAX_PASSWORD_CHARS).collect())
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        Ok(password_strength::estimate(&password, &words))
    })
    .await
}
