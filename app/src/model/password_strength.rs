//! How guessable a password is, beyond AWS's length and character rules: zxcvbn knows
//! common passwords, names, words, dates, keyboard patterns and l33t spellings, and
//! scores a password from 0 (guessed at once) to 4. Each account sets the lowest score
//! it accepts for every new password, root's included. The estimate itself runs on the
//! server only: zxcvbn's dictionaries are static data of about 700 KB compressed, which
//! no wasm split can move out of the main bundle, so the browser's meter asks the
//! server (`api::password_strength`) and shares only these types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The score an account requires until it chooses another: refuses the passwords
/// zxcvbn calls "too guessable" and "very guessable".
pub const DEFAULT_MINIMUM_SCORE: StrengthScore = StrengthScore(2);

/// A zxcvbn score, 0 to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StrengthScore(u8);

impl StrengthScore {
    pub const ALL: [StrengthScore; 5] = [Self(0), Self(1), Self(2), Self(3), Self(4)];

    pub fn new(score: u8) -> Option<Self> {
        (score <= 4).then_some(Self(score))
    }

    /// A form's or the database's value: a whole number from 0 to 4.
    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<u8>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| "must be a whole number from 0 to 4".to_owned())
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The meter's word for this score.
    pub fn label(self) -> &'static str {
        match self.0 {
            0 => "Very weak",
            1 => "Weak",
            2 => "Fair",
            3 => "Strong",
            _ => "Very strong",
        }
    }

    /// What an account's minimum means, for its settings.
    pub fn describe_minimum(self) -> &'static str {
        match self.0 {
            0 => "No strength check (any password that meets the rules)",
            1 => "Weak or better: refuse only the most common passwords",
            2 => "Fair or better: refuse very guessable passwords (default)",
            3 => "Strong or better: refuse somewhat guessable passwords",
            _ => "Very strong only",
        }
    }
}

impl fmt::Display for StrengthScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The estimate of one password: its score and zxcvbn's advice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strength {
    pub score: StrengthScore,
    /// Why it is guessable ("This is a top-10 common password."), when zxcvbn knows.
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
    /// About how long an offline attacker with a slow hash would need, in words.
    pub crack_time: String,
}

/// Estimates a password's strength. `context` holds words an attacker would try first
/// for this person (user name, email, account id and alias): a password built on them
/// scores lower. zxcvbn reads only the first 100 characters, which bounds its cost.
#[cfg(feature = "ssr")]
pub fn estimate(password: &str, context: &[&str]) -> Strength {
    let entropy = zxcvbn::zxcvbn(password, context);
    let score = StrengthScore(u8::from(entropy.score()).min(4));
    let (warning, suggestions) = entropy.feedback().map_or((None, Vec::new()), |f| {
        (
            f.warning().map(|w| w.to_string()),
            f.suggestions().iter().map(ToString::to_string).collect(),
        )
    });
    Strength {
        score,
        warning,
        suggestions,
        crack_time: entropy
            .crack_times()
            .offline_slow_hashing_1e4_per_second()
            .to_string(),
    }
}

/// The words an attacker would try first for a principal: the pieces of an email or
/// name as well as the whole.
pub fn context_words<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut words = Vec::new();
    for value in values {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        words.push(value.to_owned());
        words.extend(
            value
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.len() >= 3 && *part != value)
                .map(str::to_owned),
        );
    }
    words.sort();
    words.dedup();
    words
}

/// Estimates a password against `context` (words from `context_words`) and returns its
/// refusal when it scores below `minimum`: the one check every new password passes.
#[cfg(feature = "ssr")]
pub fn judge(password: &str, context: &[String], minimum: StrengthScore) -> Option<String> {
    let words: Vec<&str> = context.iter().map(String::as_str).collect();
    refusal(&estimate(password, &words), minimum)
}

/// The refusal of a password scoring below `minimum`, naming the reason when zxcvbn
/// gives one; `None` when it is strong enough.
pub fn refusal(strength: &Strength, minimum: StrengthScore) -> Option<String> {
    if strength.score >= minimum {
        return None;
    }
    let mut message = format!(
        "is too easy to guess (strength: {}; this account requires {} or better)",
        strength.score.label(),
        minimum.label()
    );
    if let Some(warning) = &strength.warning {
        message.push_str(": ");
        message.push_str(warning.trim_end_matches('.'));
    }
    if let Some(hint) = strength.suggestions.first() {
        message.push_str(". ");
        message.push_str(hint.trim_end_matches('.'));
    }
    message.push('.');
    Some(message)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_score_low_and_random_ones_high() {
        assert_eq!(estimate("password", &[]).score.get(), 0);
        assert!(estimate("Password1!", &[]).score < DEFAULT_MINIMUM_SCORE);
        assert!(estimate("qwertyuiop", &[]).score < DEFAULT_MINIMUM_SCORE);
        assert_eq!(estimate("vN4#kq9!Tz2@Lw7$", &[]).score.get(), 4);
        assert!(estimate("Correct-Horse-9", &[]).score >= DEFAULT_MINIMUM_SCORE);
    }

    #[test]
    fn the_persons_own_words_lower_the_score() {
        let alone = estimate("Merriweather-7", &[]).score;
        let context = context_words(["ann.merriweather@example.com", "123456789012"]);
        assert!(context.contains(&"merriweather".to_owned()), "{context:?}");
        let refs: Vec<&str> = context.iter().map(String::as_str).collect();
        let known = estimate("Merriweather-7", &refs).score;
        assert!(alone >= DEFAULT_MINIMUM_SCORE, "{alone:?}");
        assert!(known < DEFAULT_MINIMUM_SCORE, "{known:?}");
    }

    #[test]
    fn a_refusal_names_the_score_the_minimum_and_the_reason() {
        let weak = estimate("password1", &[]);
        let message = refusal(&weak, DEFAULT_MINIMUM_SCORE).unwrap();
        assert!(message.starts_with("is too easy to guess (strength: Very weak;"));
        assert!(message.contains("requires Fair or better"));
        assert!(message.contains("common password"), "{message}");
        assert_eq!(refusal(&weak, StrengthScore::new(0).unwrap()), None);
        assert_eq!(StrengthScore::parse(" 3 "), Ok(StrengthScore(3)));
        assert!(StrengthScore::parse("5").is_err() && StrengthScore::parse("x").is_err());
    }

    #[test]
    fn long_input_is_bounded() {
        let long = "a1!".repeat(2_000);
        let strength = estimate(&long, &[]);
        assert!(strength.score.get() <= 4);
    }
}
