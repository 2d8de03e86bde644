//! AWS's list paging: `MaxItems` (1-1000, 100 by default) and an opaque `Marker` that
//! continues after the last item shown (here: the last item's sort key).

use crate::error::AppError;
use crate::model::Page;

pub const DEFAULT_MAX_ITEMS: i64 = 100;
pub const MAX_MAX_ITEMS: i64 = 1000;

pub fn max_items(requested: Option<i64>) -> Result<i64, AppError> {
    match requested {
        None => Ok(DEFAULT_MAX_ITEMS),
        Some(n) if (1..=MAX_MAX_ITEMS).contains(&n) => Ok(n),
        Some(_) => Err(AppError::validation(
            "max_items",
            format!("must be between 1 and {MAX_MAX_ITEMS}"),
        )),
    }
}

/// A page from `limit + 1` fetched items: the extra one only says there is more.
pub fn paginate<T>(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let marker = if items.len() > limit {
        items.truncate(limit);
        items.last().map(key)
    } else {
        None
    };
    Page { items, marker }
}

/// The optional search text of the console's lists, trimmed; empty means none.
pub fn search(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|s| !s.is_empty())
}
