mod error_alert;
mod password_checklist;
mod text_field;

pub use error_alert::{ActionError, ErrorAlert};
pub use password_checklist::PasswordChecklist;
pub use text_field::{PasswordField, TextField};
