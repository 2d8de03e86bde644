//! The account password policy, with AWS's fields and ranges, and the check of a
//! password against it. Pure, so the same rules tick in the browser as the server
//! enforces.

use super::password_strength::{self, StrengthScore};
use serde::{Deserialize, Serialize};

/// The characters AWS counts as symbols in a password policy.
pub const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";
pub const MIN_LENGTH_RANGE: (u8, u8) = (6, 128);
pub const MAX_AGE_RANGE: (u16, u16) = (1, 1095);
pub const REUSE_RANGE: (u8, u8) = (1, 24);
/// No password is longer than this, whatever the policy.
pub const MAX_LENGTH: usize = 128;

/// An account's password policy (UpdateAccountPasswordPolicy's fields). An account
/// without one uses AWS's default rules (`PasswordRules::Default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: u8,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days; `None`: passwords do not expire.
    pub max_password_age: Option<u16>,
    /// How many previous passwords may not be used again; `None`: any may.
    pub password_reuse_prevention: Option<u8>,
    /// An expired password cannot be changed by its user; an administrator must reset it.
    pub hard_expiry: bool,
}

/// UpdateAccountPasswordPolicy's input as given: every field optional, as in AWS, where
/// an omitted field takes its default (length 6, nothing required, no expiry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordPolicyInput {
    pub minimum_password_length: Option<String>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub max_password_age: Option<String>,
    pub password_reuse_prevention: Option<String>,
    pub hard_expiry: bool,
}

/// An optional whole number in a range; empty means "not given".
fn ranged<T>(field: &str, text: Option<&str>, (min, max): (T, T)) -> Result<Option<T>, String>
where
    T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
{
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(Some(n)),
        _ => Err(format!(
            "{field} must be a whole number from {min} to {max}"
        )),
    }
}

impl PasswordPolicy {
    /// Parses the fields, naming each one that is out of its range (field, message).
    pub fn parse(input: &PasswordPolicyInput) -> Result<Self, Vec<(&'static str, String)>> {
        let mut problems = Vec::new();
        let mut take = |field: &'static str, result: Result<Option<u16>, String>| match result {
            Ok(value) => value,
            Err(message) => {
                problems.push((field, message));
                None
            }
        };
        let length = take(
            "minimum_password_length",
            ranged(
                "The minimum length",
                input.minimum_password_length.as_deref(),
                (u16::from(MIN_LENGTH_RANGE.0), u16::from(MIN_LENGTH_RANGE.1)),
            ),
        );
        let age = take(
            "max_password_age",
            ranged(
                "The maximum age",
                input.max_password_age.as_deref(),
                MAX_AGE_RANGE,
            ),
        );
        let reuse = take(
            "password_reuse_prevention",
            ranged(
                "The number of remembered passwords",
                input.password_reuse_prevention.as_deref(),
                (u16::from(REUSE_RANGE.0), u16::from(REUSE_RANGE.1)),
            ),
        );
        if !problems.is_empty() {
            return Err(problems);
        }
        let narrow = |n: Option<u16>| n.and_then(|n| u8::try_from(n).ok());
        Ok(Self {
            minimum_password_length: narrow(length).unwrap_or(MIN_LENGTH_RANGE.0),
            require_symbols: input.require_symbols,
            require_numbers: input.require_numbers,
            require_uppercase_characters: input.require_uppercase_characters,
            require_lowercase_characters: input.require_lowercase_characters,
            allow_users_to_change_password: input.allow_users_to_change_password,
            max_password_age: age,
            password_reuse_prevention: narrow(reuse),
            hard_expiry: input.hard_expiry,
        })
    }
}

/// The rules a new password must meet: the account's policy, or AWS's default rules
/// when it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordRules {
    /// AWS's default: 8 to 128 characters with at least three of the four kinds.
    Default,
    Policy(PasswordPolicy),
}

/// One rule of a password policy, reported on its own so a form can tick it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyRule {
    MinLength(u8),
    MaxLength,
    ThreeKinds,
    Uppercase,
    Lowercase,
    Number,
    Symbol,
}

impl PolicyRule {
    pub fn describe(self) -> String {
        match self {
            Self::MinLength(n) => format!("at least {n} characters"),
            Self::MaxLength => format!("at most {MAX_LENGTH} characters"),
            Self::ThreeKinds => {
                "at least three of: uppercase letter, lowercase letter, digit, symbol".to_owned()
            }
            Self::Uppercase => "at least one uppercase letter (A-Z)".to_owned(),
            Self::Lowercase => "at least one lowercase letter (a-z)".to_owned(),
            Self::Number => "at least one number (0-9)".to_owned(),
            Self::Symbol => format!("at least one symbol ({SYMBOLS})"),
        }
    }

    /// The form error for a password that breaks this rule.
    pub fn error_message(self) -> String {
        format!("must have {}", self.describe())
    }

    fn holds(self, password: &str) -> bool {
        let length = password.chars().count();
        match self {
            Self::MinLength(n) => length >= usize::from(n),
            Self::MaxLength => length <= MAX_LENGTH,
            Self::ThreeKinds => {
                [
                    password.chars().any(char::is_uppercase),
                    password.chars().any(char::is_lowercase),
                    password.chars().any(|c| c.is_ascii_digit()),
                    password
                        .chars()
                        .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
                ]
                .iter()
                .filter(|present| **present)
                .count()
                    >= 3
            }
            Self::Uppercase => password.chars().any(|c| c.is_ascii_uppercase()),
            Self::Lowercase => password.chars().any(|c| c.is_ascii_lowercase()),
            Self::Number => password.chars().any(|c| c.is_ascii_digit()),
            Self::Symbol => password.chars().any(|c| SYMBOLS.contains(c)),
        }
    }
}

impl PasswordRules {
    /// Every rule, in the order a form lists them.
    pub fn rules(&self) -> Vec<PolicyRule> {
        match self {
            Self::Default => vec![
                PolicyRule::MinLength(8),
                PolicyRule::MaxLength,
                PolicyRule::ThreeKinds,
            ],
            Self::Policy(p) => {
                let mut rules = vec![
                    PolicyRule::MinLength(p.minimum_password_length),
                    PolicyRule::MaxLength,
                ];
                let wanted = [
                    (p.require_uppercase_characters, PolicyRule::Uppercase),
                    (p.require_lowercase_characters, PolicyRule::Lowercase),
                    (p.require_numbers, PolicyRule::Number),
                    (p.require_symbols, PolicyRule::Symbol),
                ];
                rules.extend(wanted.iter().filter(|(on, _)| *on).map(|(_, r)| *r));
                rules
            }
        }
    }

    /// Each rule with whether the password meets it.
    pub fn check(&self, password: &str) -> Vec<(PolicyRule, bool)> {
        self.rules()
            .into_iter()
            .map(|rule| (rule, rule.holds(password)))
            .collect()
    }

    /// The messages of every rule the password breaks.
    pub fn violations(&self, password: &str) -> Vec<String> {
        self.check(password)
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(rule, _)| rule.error_message())
            .collect()
    }

    /// The shortest password these rules accept.
    pub fn minimum_length(&self) -> usize {
        match self {
            Self::Default => 8,
            Self::Policy(p) => usize::from(p.minimum_password_length),
        }
    }
}

/// Everything a new password in an account must meet: the rules, and (beyond AWS) the
/// lowest strength score the account accepts, judged knowing the words an attacker
/// would try first (the account's id and alias, the person's name or email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRequirements {
    pub rules: PasswordRules,
    pub minimum_score: StrengthScore,
    pub context: Vec<String>,
}

impl PasswordRequirements {
    /// The same requirements, knowing more words about the person.
    pub fn with_context<'a>(mut self, words: impl IntoIterator<Item = &'a str>) -> Self {
        self.context.extend(password_strength::context_words(words));
        self.context.sort();
        self.context.dedup();
        self
    }

    /// Every rule the password breaks; when it meets them all, whether it is too easy
    /// to guess (the estimate is the costlier check, and moot for a broken password).
    #[cfg(feature = "ssr")]
    pub fn problems(&self, password: &str) -> Vec<String> {
        let broken = self.rules.violations(password);
        if !broken.is_empty() {
            return broken;
        }
        password_strength::judge(password, &self.context, self.minimum_score)
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PasswordPolicyInput {
        PasswordPolicyInput::default()
    }

    #[test]
    fn omitted_fields_take_aws_defaults() {
        let policy = PasswordPolicy::parse(&input()).unwrap();
        assert_eq!(policy.minimum_password_length, 6);
        assert_eq!(policy.max_password_age, None);
        assert_eq!(policy.password_reuse_prevention, None);
        assert!(!policy.allow_users_to_change_password && !policy.hard_expiry);
        assert_eq!(
            PasswordRules::Policy(policy).rules(),
            vec![PolicyRule::MinLength(6), PolicyRule::MaxLength]
        );
    }

    #[test]
    fn ranges_are_aws_and_every_broken_one_is_named() {
        let edges = PasswordPolicyInput {
            minimum_password_length: Some("128".into()),
            max_password_age: Some("1095".into()),
            password_reuse_prevention: Some("24".into()),
            ..input()
        };
        let policy = PasswordPolicy::parse(&edges).unwrap();
        assert_eq!(policy.minimum_password_length, 128);
        assert_eq!(policy.max_password_age, Some(1095));
        assert_eq!(policy.password_reuse_prevention, Some(24));
        let out = PasswordPolicyInput {
            minimum_password_length: Some("5".into()),
            max_password_age: Some("1096".into()),
            password_reuse_prevention: Some("0".into()),
            ..input()
        };
        let fields: Vec<&str> = PasswordPolicy::parse(&out)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "minimum_password_length",
                "max_password_age",
                "password_reuse_prevention"
            ]
        );
        let words = PasswordPolicyInput {
            minimum_password_length: Some("ten".into()),
            ..input()
        };
        assert!(PasswordPolicy::parse(&words).is_err());
    }

    #[test]
    fn each_required_kind_is_its_own_rule() {
        let policy = PasswordPolicy::parse(&PasswordPolicyInput {
            minimum_password_length: Some("12".into()),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            ..input()
        })
        .unwrap();
        let rules = PasswordRules::Policy(policy);
        assert!(rules.violations("Abcdefghij1!").is_empty());
        assert_eq!(
            rules.violations("abcdefghij1!"),
            ["must have at least one uppercase letter (A-Z)"]
        );
        assert_eq!(rules.violations("ABCDEFGHIJ1!").len(), 1);
        assert_eq!(rules.violations("Abcdefghijk!").len(), 1);
        // A symbol outside AWS's set does not count.
        assert_eq!(
            rules.violations("Abcdefghij1~"),
            [format!("must have at least one symbol ({SYMBOLS})")]
        );
        assert_eq!(
            rules.violations("Ab1!"),
            ["must have at least 12 characters"]
        );
    }

    #[test]
    fn without_a_policy_the_default_rules_apply() {
        assert!(
            PasswordRules::Default
                .violations("Correct-Horse-9")
                .is_empty()
        );
        assert_eq!(PasswordRules::Default.violations("alllowercase").len(), 1);
        assert_eq!(PasswordRules::Default.violations("Ab1!").len(), 1);
    }
}
