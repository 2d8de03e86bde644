//! The Query API's errors: AWS's code, HTTP status and message, from the services'
//! `AppError` (one exhaustive match) and from the signature check.

use super::sigv4::{MISMATCH, SigError};
use app::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// The request was at fault (AWS's `Sender`), not the server (`Receiver`).
    pub sender: bool,
}

impl ApiError {
    fn sender(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            sender: true,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::sender(400, "ValidationError", message)
    }

    /// A required parameter that is absent.
    pub fn missing(name: &str) -> Self {
        Self::validation(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            super::params::lower_camel(name)
        ))
    }

    pub fn invalid_action(action: &str, version: Option<&str>) -> Self {
        Self::sender(
            400,
            "InvalidAction",
            format!(
                "Could not find operation {action} for version {}",
                version.unwrap_or("NO_VERSION_SPECIFIED")
            ),
        )
    }

    pub fn missing_action() -> Self {
        Self::sender(400, "MissingAction", "Missing Action")
    }

    pub fn missing_token() -> Self {
        Self::sender(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    }

    pub fn signature_mismatch(message: impl Into<String>) -> Self {
        Self::sender(403, "SignatureDoesNotMatch", message)
    }

    pub fn invalid_client_token() -> Self {
        Self::sender(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    }

    pub fn password_policy_violation(message: impl Into<String>) -> Self {
        Self::sender(400, "PasswordPolicyViolation", message)
    }

    pub fn too_large() -> Self {
        Self::sender(413, "RequestEntityTooLarge", "Request body too large.")
    }
}

impl From<SigError> for ApiError {
    fn from(error: SigError) -> Self {
        match error {
            SigError::Missing => Self::missing_token(),
            SigError::IncompleteSignature(message) => {
                Self::sender(400, "IncompleteSignature", message)
            }
            SigError::SignatureDoesNotMatch(message) => Self::signature_mismatch(message),
        }
    }
}

/// The status AWS answers each error with (Query protocol). No catch-all arm: a new
/// variant does not compile until it says what it means here.
fn status(error: &AppError) -> u16 {
    match error {
        AppError::Validation { .. }
        | AppError::InvalidInput { .. }
        | AppError::MalformedPolicy { .. }
        | AppError::Request(_)
        | AppError::Throttled { .. }
        | AppError::AlreadySetUp
        | AppError::NotSetUp
        | AppError::PackedPolicyTooLarge { .. }
        | AppError::ExpiredToken => 400,
        AppError::AccessDenied { .. }
        | AppError::InvalidCredentials
        | AppError::Unauthenticated
        | AppError::PasswordResetRequired
        | AppError::InvalidAuthenticationCode { .. } => 403,
        AppError::NotFound { .. } => 404,
        AppError::AlreadyExists { .. }
        | AppError::LimitExceeded { .. }
        | AppError::DeleteConflict { .. }
        | AppError::ConcurrentModification => 409,
        AppError::Internal { .. } => 500,
        AppError::Busy { .. } => 503,
    }
}

/// `user_name` as AWS names the member: `userName`.
fn member_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let message = match &error {
            // A message that names no field is AWS's whole message already.
            AppError::Validation {
                field,
                message,
                also,
            } if field.is_empty() && also.is_empty() => message.clone(),
            AppError::Validation {
                field,
                message,
                also,
            } => {
                let count = 1 + also.len();
                let mut parts = vec![format!(
                    "Value at '{}' failed to satisfy constraint: {message}",
                    member_name(field)
                )];
                parts.extend(also.iter().map(|p| {
                    format!(
                        "Value at '{}' failed to satisfy constraint: {}",
                        member_name(&p.field),
                        p.message
                    )
                }));
                format!(
                    "{count} validation error{} detected: {}",
                    if count == 1 { "" } else { "s" },
                    parts.join("; ")
                )
            }
            AppError::InvalidCredentials => {
                "The security token included in the request is invalid.".to_owned()
            }
            AppError::InvalidInput { message, .. }
            | AppError::AlreadyExists { message, .. }
            | AppError::InvalidAuthenticationCode { message, .. } => message.clone(),
            other => other.to_string(),
        };
        Self {
            status: status(&error),
            code: error.aws_code(),
            sender: !matches!(error, AppError::Internal { .. } | AppError::Busy { .. }),
            message,
        }
    }
}

/// The generic mismatch, for a signature that does not match.
pub fn mismatch() -> ApiError {
    ApiError::signature_mismatch(MISMATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_carry_aws_codes_and_statuses() {
        let e = ApiError::from(AppError::not_found("The user with name x cannot be found."));
        assert_eq!((e.status, e.code, e.sender), (404, "NoSuchEntity", true));
        let e = ApiError::from(AppError::validation("user_name", "must be 1-64 characters"));
        assert_eq!(e.code, "ValidationError");
        assert_eq!(
            e.message,
            "1 validation error detected: Value at 'userName' failed to satisfy constraint: must be 1-64 characters"
        );
        let e = ApiError::from(AppError::InvalidCredentials);
        assert_eq!((e.status, e.code), (403, "InvalidClientTokenId"));
        let e = ApiError::from(AppError::internal("test", "boom"));
        assert_eq!((e.status, e.code, e.sender), (500, "ServiceFailure", false));
        assert!(!e.message.contains("boom"));
    }
}
