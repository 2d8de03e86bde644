//! `AppError`: the one error type server functions return. Every variant is safe to
//! show to the person at the console; internal failures carry only a reference id.

use crate::model::messages;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input: names the field and the rule it breaks. Nothing was changed.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// A name, id or email that must be unique is taken.
    #[error("{field}: {message}")]
    AlreadyExists { field: String, message: String },
    /// Deliberately the same for an unknown email and a wrong password.
    #[error("The email address or password is incorrect.")]
    InvalidCredentials,
    #[error("Too many failed sign-in attempts. Try again in {retry_after_secs} seconds.")]
    Throttled { retry_after_secs: u64 },
    /// The server is at its limit for expensive work (password hashing); nothing was
    /// done, and trying again shortly will work.
    #[error("The server is busy. Try again in {retry_after_secs} seconds.")]
    Busy { retry_after_secs: u64 },
    #[error("Your session has ended. Sign in again.")]
    Unauthenticated,
    #[error("Portcullis is already set up: an account exists. Sign in instead.")]
    AlreadySetUp,
    #[error("Portcullis is not set up yet: create the first account first.")]
    NotSetUp,
    /// The request could not be carried (network, malformed request).
    #[error("The request could not be completed: {0}")]
    Request(String),
    #[error("Something went wrong on our side. Reference: {reference}.")]
    Internal { reference: String },
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The form field this error belongs to, if any, so a page can show it in place.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } | Self::AlreadyExists { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the field prefix, for showing beside the field.
    pub fn message(&self) -> String {
        match self {
            Self::Validation { message, .. } | Self::AlreadyExists { message, .. } => {
                message.clone()
            }
            other => other.to_string(),
        }
    }

    /// The HTTP status a response carrying this error gets.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Validation { .. } | Self::Request(_) => 400,
            Self::InvalidCredentials | Self::Unauthenticated => 401,
            Self::AlreadyExists { .. } | Self::AlreadySetUp | Self::NotSetUp => 409,
            Self::Throttled { .. } => 429,
            Self::Internal { .. } => 500,
            Self::Busy { .. } => 503,
        }
    }

    /// Seconds for a `Retry-After` header, for the errors that say when to try again.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Throttled { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The form of this error that may be shown when it arrived in a URL (`?__err=...`,
    /// the no-wasm form round trip) rather than from our own server: anyone can craft such
    /// a link, so only messages from the fixed list our validators produce survive, and
    /// anything else becomes a generic message.
    pub fn from_untrusted_url(self) -> Self {
        const MAX_WAIT_SECS: u64 = 24 * 3600;
        match self {
            Self::Validation { field, message } | Self::AlreadyExists { field, message }
                if !messages::is_known(&field, &message) =>
            {
                Self::Request(messages::GENERIC_FORM.to_owned())
            }
            Self::Throttled { retry_after_secs } => Self::Throttled {
                retry_after_secs: retry_after_secs.min(MAX_WAIT_SECS),
            },
            Self::Busy { retry_after_secs } => Self::Busy {
                retry_after_secs: retry_after_secs.min(MAX_WAIT_SECS),
            },
            Self::Request(text) if text != messages::GENERIC_FORM => {
                Self::Request(messages::GENERIC_FORM.to_owned())
            }
            Self::Internal { reference }
                if reference.len() != 12 || !reference.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                Self::Internal {
                    reference: "unavailable".to_owned(),
                }
            }
            other => other,
        }
    }

    /// Logs an unexpected failure with a fresh reference id and returns the user-safe
    /// error that carries only that id.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!(%reference, context, error = %error, "internal error");
        Self::Internal { reference }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Server-side failures of the framework itself are internal: never show the
            // raw text, only a reference (logged where the server can).
            ServerFnErrorErr::ServerError(text) | ServerFnErrorErr::Response(text) => {
                #[cfg(feature = "ssr")]
                {
                    Self::internal("server function", text)
                }
                #[cfg(not(feature = "ssr"))]
                {
                    let _ = text;
                    Self::Internal {
                        reference: "unavailable".to_owned(),
                    }
                }
            }
            ServerFnErrorErr::Args(text) => Self::Request(format!("malformed form data ({text})")),
            ServerFnErrorErr::Request(_) => {
                Self::Request("the server could not be reached".to_owned())
            }
            other => Self::Request(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal("database", error)
    }
}
