//! `AppError`: the one error type server functions return. Every variant is safe to
//! show to the person at the console; internal failures carry only a reference id.

use crate::model::messages;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input: names the field and the rule it breaks, and in `also` every other
    /// field the same submission broke, so a form shows all its problems at once.
    /// Nothing was changed.
    #[error("{field}: {message}")]
    Validation {
        field: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also: Vec<FieldProblem>,
    },
    /// Input that is well-formed but not acceptable here (AWS's InvalidInput).
    #[error("{field}: {message}")]
    InvalidInput { field: String, message: String },
    /// A policy document that does not parse or breaks a rule; the message names the
    /// JSON path.
    #[error("{message}")]
    MalformedPolicy { message: String },
    /// A name, id or email that must be unique is taken.
    #[error("{field}: {message}")]
    AlreadyExists { field: String, message: String },
    /// The named entity does not exist (or is not visible to the caller's account).
    #[error("{message}")]
    NotFound { message: String },
    /// A quota would be exceeded (AWS's wording names the quota).
    #[error("{message}")]
    LimitExceeded { message: String },
    /// The entity still has things attached that must go first.
    #[error("{message}")]
    DeleteConflict { message: String },
    /// Another request changed the same thing at the same moment; retrying is safe.
    #[error("Another request changed this at the same time. Try again.")]
    ConcurrentModification,
    /// The policy engine refused: the message is worded as AWS words it; the
    /// explanation names the statements that decided, for the console to show.
    #[error("{message}")]
    AccessDenied {
        message: String,
        explanation: Option<String>,
    },
    /// An MFA code that the device did not show (or showed and was already used).
    #[error("{field}: {message}")]
    InvalidAuthenticationCode { field: String, message: String },
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
    /// Session policies and tags too large for a role session (AWS's
    /// PackedPolicyTooLarge); the message says by how much.
    #[error("{message}")]
    PackedPolicyTooLarge { message: String },
    /// Temporary credentials past their expiry (AWS's ExpiredToken).
    #[error("The security token included in the request is expired")]
    ExpiredToken,
    /// The signed-in IAM user must choose a new password before anything else.
    #[error("You must change your password before you continue.")]
    PasswordResetRequired,
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

/// One broken rule of a submission: the field and, in plain words, the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Collects every broken rule of a submission instead of stopping at the first, so the
/// form can show each beside its field. Checks that need the others' results (a
/// password that must not contain the email) take what parsed.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// The parsed value, or `None` with the field's problem noted.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.refuse(field, message);
                None
            }
        }
    }

    /// The value, or `None` with the field problems of a validation error noted (any
    /// other error is noted as it is worded, on no field).
    pub fn check_error<T>(&mut self, parsed: Result<T, AppError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                let problems = error.field_problems();
                if problems.is_empty() {
                    self.refuse("", error.to_string());
                }
                for (field, message) in problems {
                    self.refuse(field, message);
                }
                None
            }
        }
    }

    pub fn refuse(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem noted, as one validation error (the first leads), or none.
    pub fn into_error(self) -> Option<AppError> {
        let mut problems = self.0.into_iter();
        let first = problems.next()?;
        Some(AppError::Validation {
            field: first.field,
            message: first.message,
            also: problems.collect(),
        })
    }

    /// `value` when nothing was noted; else every problem. A `None` value always comes
    /// with a noted problem; one without would be a wiring fault, refused generically.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, AppError> {
        match (self.into_error(), value) {
            (Some(error), _) => Err(error),
            (None, Some(value)) => Ok(value),
            (None, None) => Err(AppError::Request(messages::GENERIC_FORM.to_owned())),
        }
    }
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// Every field this error names with its message: a validation error's problems,
    /// or the one field of an InvalidInput or AlreadyExists.
    pub fn field_problems(&self) -> Vec<(&str, String)> {
        match self {
            Self::Validation {
                field,
                message,
                also,
            } => std::iter::once((field.as_str(), message.clone()))
                .chain(also.iter().map(|p| (p.field.as_str(), p.message.clone())))
                .collect(),
            Self::InvalidInput { field, message }
            | Self::AlreadyExists { field, message }
            | Self::InvalidAuthenticationCode { field, message } => {
                vec![(field.as_str(), message.clone())]
            }
            _ => Vec::new(),
        }
    }

    pub fn invalid_code(field: &str) -> Self {
        Self::InvalidAuthenticationCode {
            field: field.to_owned(),
            message: "is not the code your authenticator app shows, or it was used already"
                .to_owned(),
        }
    }

    pub fn invalid_input(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn already_exists(field: &str, message: impl Into<String>) -> Self {
        Self::AlreadyExists {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound {
            message: message.into(),
        }
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::LimitExceeded {
            message: message.into(),
        }
    }

    pub fn delete_conflict(message: impl Into<String>) -> Self {
        Self::DeleteConflict {
            message: message.into(),
        }
    }

    /// The form field this error belongs to, if any, so a page can show it in place.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. }
            | Self::InvalidInput { field, .. }
            | Self::AlreadyExists { field, .. }
            | Self::InvalidAuthenticationCode { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the field prefix, for showing beside the field.
    pub fn message(&self) -> String {
        match self {
            Self::Validation { message, .. }
            | Self::InvalidInput { message, .. }
            | Self::AlreadyExists { message, .. }
            | Self::InvalidAuthenticationCode { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The HTTP status a response carrying this error gets. No catch-all arm: a new
    /// variant does not compile until it says what it means here.
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Validation { .. }
            | Self::InvalidInput { .. }
            | Self::MalformedPolicy { .. }
            | Self::Request(_)
            | Self::PackedPolicyTooLarge { .. }
            | Self::ExpiredToken => 400,
            Self::InvalidCredentials | Self::Unauthenticated => 401,
            Self::AccessDenied { .. }
            | Self::PasswordResetRequired
            | Self::InvalidAuthenticationCode { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::AlreadyExists { .. }
            | Self::LimitExceeded { .. }
            | Self::DeleteConflict { .. }
            | Self::ConcurrentModification
            | Self::AlreadySetUp
            | Self::NotSetUp => 409,
            Self::Throttled { .. } => 429,
            Self::Internal { .. } => 500,
            Self::Busy { .. } => 503,
        }
    }

    /// The AWS error code the Query API answers with. No catch-all arm either.
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "ValidationError",
            Self::InvalidInput { .. } => "InvalidInput",
            Self::MalformedPolicy { .. } => "MalformedPolicyDocument",
            Self::AlreadyExists { .. } => "EntityAlreadyExists",
            Self::NotFound { .. } => "NoSuchEntity",
            Self::LimitExceeded { .. } => "LimitExceeded",
            Self::DeleteConflict { .. } => "DeleteConflict",
            Self::ConcurrentModification => "ConcurrentModification",
            Self::AccessDenied { .. } => "AccessDenied",
            Self::InvalidCredentials => "InvalidClientTokenId",
            Self::InvalidAuthenticationCode { .. } => "InvalidAuthenticationCode",
            Self::Throttled { .. } => "Throttling",
            Self::Busy { .. } => "ServiceUnavailable",
            Self::Unauthenticated => "MissingAuthenticationToken",
            Self::ExpiredToken => "ExpiredToken",
            Self::PackedPolicyTooLarge { .. } => "PackedPolicyTooLarge",
            Self::PasswordResetRequired => "PasswordResetRequired",
            Self::AlreadySetUp | Self::NotSetUp => "InvalidInput",
            Self::Request(_) => "MalformedQueryString",
            Self::Internal { .. } => "ServiceFailure",
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
            Self::Validation {
                field,
                message,
                also,
            } if messages::is_known(&field, &message) => Self::Validation {
                field,
                message,
                // Only the problems from the fixed list survive.
                also: also
                    .into_iter()
                    .filter(|p| messages::is_known(&p.field, &p.message))
                    .collect(),
            },
            Self::Validation { .. } => Self::Request(messages::GENERIC_FORM.to_owned()),
            Self::AlreadyExists { field, message } if !messages::is_known(&field, &message) => {
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
            // These carry names from the request; a crafted link could put any words in
            // them, so only the kind of error survives.
            Self::InvalidInput { .. }
            | Self::InvalidAuthenticationCode { .. }
            | Self::MalformedPolicy { .. }
            | Self::NotFound { .. }
            | Self::LimitExceeded { .. }
            | Self::DeleteConflict { .. }
            | Self::AccessDenied { .. } => Self::Request(messages::GENERIC_FORM.to_owned()),
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

/// A store failure that the service did not map to something the user can act on
/// (a constraint the service knows is mapped before this): logged, shown as a reference.
/// A lost race is the one exception the user can act on: try again.
#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::Conflict => Self::ConcurrentModification,
            other => Self::internal("database", other),
        }
    }
}
