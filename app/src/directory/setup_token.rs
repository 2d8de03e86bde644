//! The one-time token that web setup requires. While no account exists, the server
//! prints a fresh token at start (and writes it to its data directory); only someone who
//! can read the server's terminal or files can create the first account from a browser.
//! A page on another site that reaches 127.0.0.1 (DNS rebinding) cannot.

use crate::error::AppError;
use rand::RngCore as _;
use std::path::PathBuf;
use std::sync::Mutex;

/// The setup token of this server process, if setup is open.
#[derive(Debug, Default)]
pub struct SetupGate {
    open: Mutex<Option<OpenGate>>,
}

#[derive(Debug)]
struct OpenGate {
    token: String,
    /// Where the token was written, removed once setup is done.
    file: Option<PathBuf>,
}

/// 25 characters from a 32-letter alphabet without look-alikes: 125 bits.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const GROUPS: usize = 5;
const GROUP_LEN: usize = 5;

impl SetupGate {
    /// A gate with no token: web setup is refused (the CLI still works).
    pub fn closed() -> Self {
        Self::default()
    }

    /// Opens web setup with this token (written to `file`, if anywhere).
    pub fn open(&self, token: String, file: Option<PathBuf>) {
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = Some(OpenGate { token, file });
    }

    /// A fresh random token, in groups for reading aloud: `ABCDE-FGHJK-...`.
    pub fn generate_token() -> String {
        let mut bytes = [0u8; GROUPS * GROUP_LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let letters: Vec<char> = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect();
        letters
            .chunks(GROUP_LEN)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Accepts the token as people type it: any case, with or without the dashes and
    /// spaces.
    pub fn check(&self, presented: &str) -> Result<(), AppError> {
        let presented = canonical(presented);
        if presented.is_empty() {
            return Err(AppError::validation("setup_token", "is required"));
        }
        let guard = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let matches = guard
            .as_ref()
            .is_some_and(|gate| constant_time_eq(&canonical(&gate.token), &presented));
        if matches {
            Ok(())
        } else {
            Err(AppError::validation(
                "setup_token",
                "does not match the setup token this server printed when it started",
            ))
        }
    }

    /// Setup is done: the token is spent and its file removed.
    pub fn close(&self) {
        let gate = self.open.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(file) = gate.and_then(|g| g.file)
            && let Err(error) = std::fs::remove_file(&file)
        {
            tracing::warn!(file = %file.display(), %error, "could not remove the spent setup token");
        }
    }
}

fn canonical(text: &str) -> Vec<u8> {
    text.bytes()
        .filter(|b| !matches!(b, b'-' | b' ' | b'\t'))
        .map(|b| b.to_ascii_uppercase())
        .take(256)
        .collect()
}

/// Compares without stopping at the first difference, so timing reveals nothing about
/// how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_checked_forgivingly() {
        let token = SetupGate::generate_token();
        assert_eq!(token.len(), 29);
        assert_ne!(token, SetupGate::generate_token());
        let gate = SetupGate::closed();
        gate.open(token.clone(), None);
        assert!(gate.check(&token).is_ok());
        assert!(gate.check(&token.to_lowercase().replace('-', " ")).is_ok());
        assert!(gate.check("ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2").is_err());
        assert_eq!(
            gate.check(" ").unwrap_err().message(),
            "is required".to_owned()
        );
        gate.close();
        assert!(gate.check(&token).is_err(), "spent after setup");
    }

    #[test]
    fn a_closed_gate_refuses_everything() {
        assert!(SetupGate::closed().check("anything").is_err());
    }
}
