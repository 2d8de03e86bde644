mod error_alert;
mod password_checklist;
mod text_field;

pub use error_alert::{ErrorAlert, form_error};
pub use password_checklist::PasswordChecklist;
pub use text_field::{PasswordField, TextField};
