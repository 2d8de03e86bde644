//! Small text helpers the pages share.

/// Percent-encodes everything but unreserved characters, for query strings.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `2026-11-23 09:00 UTC`.
pub fn format_time(at: time::OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_what_a_query_cannot_carry() {
        assert_eq!(
            super::urlencode("arn:aws:iam::aws:policy/A b&c"),
            "arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA%20b%26c"
        );
    }
}
