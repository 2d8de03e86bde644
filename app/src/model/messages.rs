//! The fixed list of field messages our forms can show. An error that arrives in a URL
//! (the no-wasm form round trip) is shown only when its field and message are on this
//! list, so a crafted link cannot put its own words in the console's error box.

use super::PasswordRule;

/// Shown in place of any message that is not on the list.
pub const GENERIC_FORM: &str = "the form could not be submitted; check the fields and try again";

const FIELDS: [&str; 9] = [
    "account",
    "code",
    "user_name",
    "email",
    "password",
    "password_confirmation",
    "account_id",
    "alias",
    "setup_token",
];

const MESSAGES: [&str; 19] = [
    "must be the 6 digits your app shows",
    "may contain only letters, digits and the characters + = , . @ _ -",
    "must be at most 64 characters",
    "is required",
    "must be at most 254 characters",
    "must not contain spaces",
    "must be an email address like name@example.com",
    "is already the root email of another account",
    "is already used by another account",
    "must match the password",
    "must be exactly 12 digits",
    "must be 3 to 63 characters long",
    "may contain only lowercase letters, digits and hyphens",
    "must start and end with a letter or digit",
    "must not contain two hyphens in a row",
    "must contain a letter or hyphen (an all-digit alias would look like an account id)",
    "does not match the setup token this server printed when it started",
    "must be at most 128 characters",
    GENERIC_FORM,
];

pub fn is_known(field: &str, message: &str) -> bool {
    FIELDS.contains(&field)
        && (MESSAGES.contains(&message)
            || PasswordRule::ROOT
                .iter()
                .any(|rule| message == rule.error_message()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountAlias, AccountId, EmailAddress, RootPasswordCheck};

    #[test]
    fn every_message_our_validators_produce_is_on_the_list() {
        let mut produced = Vec::new();
        for email in ["", "a b@c.d", "root", &format!("{}@x.io", "a".repeat(260))] {
            produced.push(("email", EmailAddress::parse(email).unwrap_err()));
        }
        for id in ["1", "abcdefghijkl"] {
            produced.push(("account_id", AccountId::parse(id).unwrap_err()));
        }
        for alias in ["ab", "ABC", "-abc", "a--b", "123456"] {
            produced.push(("alias", AccountAlias::parse(alias).unwrap_err()));
        }
        for password in ["Ab1!", "alllowercase1", "Root@Example.com"] {
            let message = RootPasswordCheck::run(password, "root@example.com")
                .error_message()
                .unwrap();
            produced.push(("password", message));
        }
        for code in ["12345", ""] {
            produced.push(("code", super::super::AuthCode::parse(code).unwrap_err()));
        }
        for (field, message) in produced {
            assert!(is_known(field, &message), "{field}: {message}");
        }
    }

    #[test]
    fn other_words_are_not() {
        assert!(!is_known(
            "email",
            "Call +1 555 0100 to unlock your account"
        ));
        assert!(!is_known("hacked", "is required"));
    }
}
