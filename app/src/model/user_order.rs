//! The orders of the console's Users list (AWS's ListUsers has only one: by name).

use serde::{Deserialize, Serialize};

/// The column the Users list is sorted by; the name breaks ties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserSort {
    #[default]
    Name,
    /// How many groups the user is directly in.
    Groups,
    /// The last console sign-in; "never" sorts before any time.
    LastSignIn,
    Created,
}

impl UserSort {
    pub const ALL: [UserSort; 4] = [
        UserSort::Name,
        UserSort::Groups,
        UserSort::LastSignIn,
        UserSort::Created,
    ];

    /// The name in URLs and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Name => "name",
            UserSort::Groups => "groups",
            UserSort::LastSignIn => "last_sign_in",
            UserSort::Created => "created",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == s)
    }
}

/// A sort column and direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserOrder {
    pub sort: UserSort,
    pub descending: bool,
}

impl UserOrder {
    /// From the `sort` and `order` (`asc`/`desc`) fields; absent or empty means by name,
    /// ascending. The error names the field and the rule.
    pub fn parse(sort: Option<&str>, order: Option<&str>) -> Result<Self, (&'static str, String)> {
        let sort = match sort.map(str::trim).filter(|s| !s.is_empty()) {
            None => UserSort::Name,
            Some(s) => UserSort::parse(s).ok_or_else(|| {
                (
                    "sort",
                    "must be one of name, groups, last_sign_in, created".to_owned(),
                )
            })?,
        };
        let descending = match order.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(("order", "must be asc or desc".to_owned())),
        };
        Ok(Self { sort, descending })
    }

    /// The order that a click on `sort`'s column header asks for: the other direction
    /// of the current column, or another column going up.
    pub fn toggled(self, sort: UserSort) -> Self {
        Self {
            sort,
            descending: sort == self.sort && !self.descending,
        }
    }

    pub fn direction(self) -> &'static str {
        if self.descending { "desc" } else { "asc" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_sort_and_both_directions() {
        for sort in UserSort::ALL {
            for (order, descending) in [("asc", false), ("desc", true)] {
                assert_eq!(
                    UserOrder::parse(Some(sort.as_str()), Some(order)),
                    Ok(UserOrder { sort, descending })
                );
            }
        }
        assert_eq!(UserOrder::parse(None, Some("")), Ok(UserOrder::default()));
    }

    #[test]
    fn refuses_unknown_values_naming_the_field() {
        assert_eq!(UserOrder::parse(Some("email"), None).unwrap_err().0, "sort");
        assert_eq!(
            UserOrder::parse(Some("name"), Some("up")).unwrap_err().0,
            "order"
        );
    }

    #[test]
    fn a_header_click_toggles_its_column_and_starts_others_ascending() {
        let by_name = UserOrder::default();
        let down = by_name.toggled(UserSort::Name);
        assert!(down.descending);
        assert!(!down.toggled(UserSort::Name).descending);
        assert_eq!(
            down.toggled(UserSort::Created),
            UserOrder {
                sort: UserSort::Created,
                descending: false
            }
        );
    }
}
