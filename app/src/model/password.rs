use serde::{Deserialize, Serialize};
use std::fmt;

/// A password in clear, on its way to be hashed or checked. Its `Debug` hides it and it
/// cannot be serialised, so it cannot end up in a log, a response or a stored record by
/// accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(clear: String) -> Self {
        Self(clear)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(****)")
    }
}

/// The rules for a root password, each reported on its own so a form can tick them
/// off as the person types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordRule {
    MinLength,
    MaxLength,
    ThreeCharacterClasses,
    NotTheEmail,
}

impl PasswordRule {
    pub const ROOT: [PasswordRule; 4] = [
        Self::MinLength,
        Self::MaxLength,
        Self::ThreeCharacterClasses,
        Self::NotTheEmail,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Self::MinLength => "at least 8 characters",
            Self::MaxLength => "at most 128 characters",
            Self::ThreeCharacterClasses => {
                "at least three of: uppercase letter, lowercase letter, digit, symbol"
            }
            Self::NotTheEmail => "not the same as the email address",
        }
    }

    /// The form error for a password that breaks this rule.
    pub fn error_message(self) -> String {
        format!("must be {}", self.describe())
    }
}

/// The outcome of checking a candidate root password against every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootPasswordCheck {
    pub results: Vec<(PasswordRule, bool)>,
}

impl RootPasswordCheck {
    pub fn run(password: &str, email: &str) -> Self {
        let length = password.chars().count();
        let classes = [
            password.chars().any(char::is_uppercase),
            password.chars().any(char::is_lowercase),
            password.chars().any(|c| c.is_ascii_digit()),
            password
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        ]
        .iter()
        .filter(|present| **present)
        .count();
        let email = email.trim();
        let results = PasswordRule::ROOT
            .iter()
            .map(|rule| {
                let ok = match rule {
                    PasswordRule::MinLength => length >= 8,
                    PasswordRule::MaxLength => length <= 128,
                    PasswordRule::ThreeCharacterClasses => classes >= 3,
                    PasswordRule::NotTheEmail => {
                        email.is_empty() || !password.eq_ignore_ascii_case(email)
                    }
                };
                (*rule, ok)
            })
            .collect();
        Self { results }
    }

    /// The first rule broken, if any.
    pub fn first_failure(&self) -> Option<PasswordRule> {
        self.results
            .iter()
            .find(|(_, ok)| !ok)
            .map(|(rule, _)| *rule)
    }

    /// A sentence naming the rule broken, for a form error.
    pub fn error_message(&self) -> Option<String> {
        self.first_failure().map(PasswordRule::error_message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strong_password_passes_every_rule() {
        let check = RootPasswordCheck::run("Correct-Horse-9", "root@example.com");
        assert_eq!(check.first_failure(), None);
    }

    #[test]
    fn each_rule_can_fail_alone() {
        let email = "root@example.com";
        assert_eq!(
            RootPasswordCheck::run("Ab1!", email).first_failure(),
            Some(PasswordRule::MinLength)
        );
        assert_eq!(
            RootPasswordCheck::run(&format!("Ab1!{}", "x".repeat(125)), email).first_failure(),
            Some(PasswordRule::MaxLength)
        );
        assert_eq!(
            RootPasswordCheck::run("alllowercase1", email).first_failure(),
            Some(PasswordRule::ThreeCharacterClasses)
        );
        assert_eq!(
            RootPasswordCheck::run("Root@Example.com", email).first_failure(),
            Some(PasswordRule::NotTheEmail)
        );
    }

    #[test]
    fn three_of_four_classes_is_enough() {
        assert!(
            RootPasswordCheck::run("lower-and-1", "a@b.c")
                .first_failure()
                .is_none()
        );
        assert!(
            RootPasswordCheck::run("UPPER-AND-1", "a@b.c")
                .first_failure()
                .is_none()
        );
        assert!(
            RootPasswordCheck::run("UpperLower1", "a@b.c")
                .first_failure()
                .is_none()
        );
        assert!(
            RootPasswordCheck::run("UpperLower!", "a@b.c")
                .first_failure()
                .is_none()
        );
        assert!(
            RootPasswordCheck::run("UpperLowerX", "a@b.c")
                .first_failure()
                .is_some()
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::new("hunter2-Secret".to_owned());
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
