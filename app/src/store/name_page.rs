//! One page of a directory list (users, groups) by name: the keyset, the path prefix and
//! the console's name search, written so that PostgreSQL can answer each from an index.

use sqlx::{Postgres, QueryBuilder};
use time::OffsetDateTime;

/// Searches this short match names that start with the text; longer ones match names
/// containing it. A one- or two-letter substring matches most of a large directory and
/// no index narrows it, whereas a prefix reads only the matching range of the name index.
pub const CONTAINS_FROM: usize = 3;

/// Whether a search matches names containing it (rather than starting with it).
fn is_substring(search: &str) -> bool {
    search.chars().count() >= CONTAINS_FROM
}

/// The LIKE pattern for a search, on names kept in lower case.
pub fn search_pattern(search: &str) -> String {
    let text = like_escape(&search.to_ascii_lowercase());
    if is_substring(search) {
        format!("%{text}%")
    } else {
        format!("{text}%")
    }
}

/// Escapes LIKE's wildcards so user input matches literally.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// What a page is sorted by. The name always comes last, so that the order is total and
/// a page can continue after its last row; each order has an index on
/// `(account_id, key, name_key)`, read forwards or backwards.
#[derive(Debug, Clone, Copy)]
pub enum Sort<'a> {
    /// By name; continues after this name key.
    Name { after: Option<&'a str> },
    /// By an integer column, then name.
    Integer {
        column: &'static str,
        after: Option<(i32, &'a str)>,
    },
    /// By a time column, then name. A missing time (`nullable`) sorts as `-infinity`,
    /// the expression the index holds, so "never" comes first going up and last going
    /// down, and a keyset can continue across it.
    Time {
        column: &'static str,
        nullable: bool,
        after: Option<(Option<OffsetDateTime>, &'a str)>,
    },
}

impl Sort<'_> {
    /// The leading sort expression over the table's columns (`alias` is `""` or `"u."`).
    fn key(&self, alias: &str) -> Option<String> {
        match self {
            Sort::Name { .. } => None,
            Sort::Integer { column, .. } => Some(format!("{alias}{column}")),
            Sort::Time {
                column, nullable, ..
            } => Some(if *nullable {
                format!("COALESCE({alias}{column}, '-infinity'::timestamptz)")
            } else {
                format!("{alias}{column}")
            }),
        }
    }

    /// `ORDER BY`'s list for rows of `alias`.
    pub fn order_by(&self, alias: &str, descending: bool) -> String {
        let dir = if descending { " DESC" } else { "" };
        match self.key(alias) {
            Some(key) => format!("{key}{dir}, {alias}name_key{dir}"),
            None => format!("{alias}name_key{dir}"),
        }
    }

    /// ` AND <keyset condition>`: rows after the given one in this order.
    fn push_after(&self, q: &mut QueryBuilder<'static, Postgres>, descending: bool) {
        let after = if descending { " < " } else { " > " };
        match *self {
            Sort::Name { after: Some(name) } => {
                q.push(" AND name_key")
                    .push(after)
                    .push_bind(name.to_owned());
            }
            Sort::Integer {
                after: Some((value, name)),
                ..
            } => {
                q.push(format!(
                    " AND ({}, name_key){after}(",
                    self.key("").unwrap_or_default()
                ))
                .push_bind(value)
                .push(", ")
                .push_bind(name.to_owned())
                .push(")");
            }
            Sort::Time {
                after: Some((time, name)),
                ..
            } => {
                q.push(format!(
                    " AND ({}, name_key){after}(COALESCE(",
                    self.key("").unwrap_or_default()
                ))
                .push_bind(time)
                .push("::timestamptz, '-infinity'::timestamptz), ")
                .push_bind(name.to_owned())
                .push(")");
            }
            _ => {}
        }
    }
}

/// Where one page comes from: `table` with its id column, in one account.
pub struct NamePage<'a> {
    pub table: &'static str,
    pub id: &'static str,
    pub account: &'a str,
    pub path_prefix: &'a str,
    pub search: Option<&'a str>,
    pub sort: Sort<'a>,
    pub descending: bool,
    pub limit: i64,
}

impl NamePage<'_> {
    /// Starts a statement with `WITH page (id) AS (...)`: the ids of the page's rows.
    /// The caller joins `page p` on `p.id` and orders by [`NamePage::order_by`].
    ///
    /// Only the conditions in use go into the statement, so each shape gets its own plan
    /// (a generic plan for "$3 IS NULL OR name_key LIKE $3" could use no index). A
    /// substring search first collects every match through the trigram index, then
    /// sorts: walking the name index in order and filtering, which the planner prefers
    /// for a LIMIT, reads most of the table when the matches sit together late in the
    /// alphabet.
    pub fn start(&self) -> QueryBuilder<'static, Postgres> {
        let mut q = QueryBuilder::new("WITH ");
        let contains = self.search.is_some_and(is_substring);
        if contains {
            q.push("matches AS MATERIALIZED (SELECT ");
        } else {
            q.push("page AS (SELECT ");
        }
        let key = self
            .sort
            .key("")
            .map(|k| format!(", {k} AS sort_key"))
            .unwrap_or_default();
        q.push(format!(
            "{} AS id, name_key{key} FROM {} WHERE account_id = ",
            self.id, self.table
        ))
        .push_bind(self.account.to_owned());
        if self.path_prefix != "/" {
            q.push(" AND path LIKE ")
                .push_bind(format!("{}%", like_escape(self.path_prefix)));
        }
        if let Some(search) = self.search {
            q.push(" AND name_key LIKE ")
                .push_bind(search_pattern(search));
        }
        self.sort.push_after(&mut q, self.descending);
        let order = if contains {
            q.push("), page AS (SELECT id FROM matches");
            // The materialised matches carry the key as `sort_key`.
            let dir = if self.descending { " DESC" } else { "" };
            match self.sort {
                Sort::Name { .. } => format!("name_key{dir}"),
                _ => format!("sort_key{dir}, name_key{dir}"),
            }
        } else {
            self.sort.order_by("", self.descending)
        };
        q.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(self.limit);
        q.push(") ");
        q
    }

    /// The outer statement's `ORDER BY` list, for rows of `alias` (`"u."`).
    pub fn order_by(&self, alias: &str) -> String {
        self.sort.order_by(alias, self.descending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_searches_are_prefixes_longer_ones_substrings() {
        assert_eq!(search_pattern("Jo"), "jo%");
        assert_eq!(search_pattern("Joh"), "%joh%");
        assert_eq!(search_pattern("a_b%"), "%a\\_b\\%%");
    }
}
