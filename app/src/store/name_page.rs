//! One page of a directory list (users, groups) by name: the keyset, the path prefix and
//! the console's name search, written so that PostgreSQL can answer each from an index.

use sqlx::{Postgres, QueryBuilder};

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

/// Where one page comes from: `table` with its id column, in one account.
pub struct NamePage<'a> {
    pub table: &'static str,
    pub id: &'static str,
    pub account: &'a str,
    pub path_prefix: &'a str,
    pub search: Option<&'a str>,
    pub after_key: Option<&'a str>,
    pub limit: i64,
}

impl NamePage<'_> {
    /// Starts a statement with `WITH page (id) AS (...)`: the ids of the page's rows.
    /// The caller joins `page p` on `p.id` and orders by name_key.
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
        q.push(format!(
            "{} AS id, name_key FROM {} WHERE account_id = ",
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
        if let Some(after) = self.after_key {
            q.push(" AND name_key > ").push_bind(after.to_owned());
        }
        if contains {
            q.push("), page AS (SELECT id FROM matches");
        }
        q.push(" ORDER BY name_key LIMIT ").push_bind(self.limit);
        q.push(") ");
        q
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
