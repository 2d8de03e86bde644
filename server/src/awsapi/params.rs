//! A Query API request's parameters (form body and query string together), read by
//! AWS's names: `Name`, lists as `Name.member.N`, structures as `Name.member.N.Field`.

use super::error::ApiError;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Pairs from the query string and the form body (application/x-www-form-urlencoded);
    /// a name given twice keeps its first value.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map = BTreeMap::new();
        for (key, value) in pairs {
            map.entry(key).or_insert(value);
        }
        Self(map)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A parameter the action cannot do without, refused in AWS's words when absent.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::missing(name))
    }

    /// `Name.member.1`, `Name.member.2`, … in order, up to the first gap.
    pub fn list(&self, name: &str) -> Vec<&str> {
        (1..)
            .map_while(|i| self.get(&format!("{name}.member.{i}")))
            .collect()
    }

    /// `Name.member.N.Key` and `.Value` pairs (Tags).
    pub fn key_values(&self, name: &str) -> Vec<(&str, &str)> {
        (1..)
            .map_while(|i| {
                let key = self.get(&format!("{name}.member.{i}.Key"))?;
                Some((
                    key,
                    self.get(&format!("{name}.member.{i}.Value")).unwrap_or(""),
                ))
            })
            .collect()
    }

    /// `Name.member.N.Field` in order, up to the first gap (PolicyArns' `arn`).
    pub fn key_values_of(&self, name: &str, field: &str) -> Vec<&str> {
        (1..)
            .map_while(|i| self.get(&format!("{name}.member.{i}.{field}")))
            .collect()
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(text) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(text) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(text) => Err(ApiError::validation(format!(
                "1 validation error detected: Value '{text}' at '{}' failed to satisfy constraint: Member must be a boolean",
                lower_camel(name)
            ))),
        }
    }

    pub fn integer(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                ApiError::validation(format!(
                    "1 validation error detected: Value '{text}' at '{}' failed to satisfy constraint: Member must be a number",
                    lower_camel(name)
                ))
            }),
        }
    }
}

/// AWS names a parameter in its validation messages in lower camel case (`userName`).
pub fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        )
    }

    #[test]
    fn lists_and_structures_are_read_by_member_number() {
        let p = params(&[
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "blue"),
            ("Tags.member.2.Key", "cost"),
            ("TagKeys.member.2", "b"),
            ("TagKeys.member.1", "a"),
            ("TagKeys.member.4", "gap"),
        ]);
        assert_eq!(p.key_values("Tags"), vec![("team", "blue"), ("cost", "")]);
        assert_eq!(p.list("TagKeys"), vec!["a", "b"]);
        assert!(p.list("Nothing").is_empty());
    }

    #[test]
    fn missing_and_malformed_values_are_refused_in_aws_words() {
        let p = params(&[("MaxItems", "ten"), ("SetAsDefault", "yes")]);
        assert_eq!(
            p.required("UserName").unwrap_err().message,
            "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(p.integer("MaxItems").unwrap_err().code, "ValidationError");
        assert_eq!(
            p.boolean("SetAsDefault").unwrap_err().code,
            "ValidationError"
        );
    }
}
