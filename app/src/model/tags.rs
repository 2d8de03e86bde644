//! Tags: AWS's rules for keys and values.

use serde::{Deserialize, Serialize};

/// At most this many tags on one user or policy.
pub const MAX_TAGS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

impl Tag {
    pub fn parse(key: &str, value: &str) -> Result<Self, (&'static str, String)> {
        let key = Self::parse_key(key).map_err(|m| ("tag_key", m))?;
        let value = Self::parse_value(value).map_err(|m| ("tag_value", m))?;
        Ok(Self { key, value })
    }

    pub fn parse_value(value: &str) -> Result<String, String> {
        if value.chars().count() > 256 {
            return Err("must be at most 256 characters".to_owned());
        }
        if !value.chars().all(tag_char) {
            return Err("may contain only letters, digits, spaces and _ . : / = + - @".to_owned());
        }
        Ok(value.to_owned())
    }

    pub fn parse_key(key: &str) -> Result<String, String> {
        let len = key.chars().count();
        if len == 0 {
            return Err("is required".to_owned());
        }
        if len > 128 {
            return Err("must be at most 128 characters".to_owned());
        }
        if !key.chars().all(tag_char) {
            return Err("may contain only letters, digits, spaces and _ . : / = + - @".to_owned());
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err("must not begin with aws: (reserved for AWS)".to_owned());
        }
        Ok(key.to_owned())
    }
}

/// A set of tags for one request: keys unique without case.
pub fn parse_tags(pairs: &[(String, String)]) -> Result<Vec<Tag>, (&'static str, String)> {
    if pairs.len() > MAX_TAGS {
        return Err(("tags", format!("at most {MAX_TAGS} tags may be given")));
    }
    let mut tags: Vec<Tag> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let tag = Tag::parse(k, v)?;
        if tags.iter().any(|t| t.key.eq_ignore_ascii_case(&tag.key)) {
            return Err(("tag_key", format!("{} is given twice", tag.key)));
        }
        tags.push(tag);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_aws() {
        assert!(Tag::parse("Team", "Platform / Ops").is_ok());
        assert!(Tag::parse("", "x").is_err());
        assert!(Tag::parse("aws:foo", "x").is_err());
        assert!(Tag::parse(&"k".repeat(129), "x").is_err());
        assert!(Tag::parse("k", &"v".repeat(257)).is_err());
        assert!(Tag::parse("k", "a;b").is_err());
        let dup = [
            ("a".to_owned(), "1".to_owned()),
            ("A".to_owned(), "2".to_owned()),
        ];
        assert!(parse_tags(&dup).is_err());
    }
}
