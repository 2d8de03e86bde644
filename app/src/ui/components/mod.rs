pub mod access_keys;
mod copy_button;
mod error_alert;
mod form_fields;
mod password_checklist;
mod pickers;
mod strength_meter;
mod text_field;

pub use copy_button::CopyButton;
pub use error_alert::{ActionError, ErrorAlert};
pub use form_fields::FormFields;
pub use password_checklist::{PasswordChecklist, RulesChecklist};
pub use pickers::{GroupPicker, PolicyPicker, UserPicker};
pub use strength_meter::StrengthMeter;
pub use text_field::{PasswordField, TextField};
