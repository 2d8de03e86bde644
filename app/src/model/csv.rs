//! CSV cells for the files the console hands out (the activity export, a new user's
//! credentials), as RFC 4180 writes them and safe to open in a spreadsheet.

/// A cell that a spreadsheet shows as the text it is: quoted when it holds a comma, a
/// quote or a line break, and, when it starts as a formula would (`=`, `+`, `-`, `@`, a
/// tab or a carriage return), prefixed with `'` so that it is not run as one. Activity
/// holds text anyone can choose (a user agent, a name), so an export must never carry a
/// formula into the reader's spreadsheet.
pub fn cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    exact(&text)
}

/// A cell kept exactly as it is (quoted when needed), for a value that must survive
/// unchanged, such as a password to be typed in.
pub fn exact(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_defuses_formulas() {
        assert_eq!(cell("alice"), "alice");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(exact("=p@ss,word"), "\"=p@ss,word\"");
        assert_eq!(exact("plain"), "plain");
    }
}
