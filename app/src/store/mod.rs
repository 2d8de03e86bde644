//! SQL, one module per area. Row types stay private; callers get domain types.

pub mod accounts;
pub mod sessions;
pub mod signin;

/// The name of the constraint a statement broke, if it broke a unique one.
pub fn unique_violation(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint().map(str::to_owned),
        _ => None,
    }
}
