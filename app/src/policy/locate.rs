//! Finds where a JSON path (`Statement[0].Condition.IpAddress.aws:SourceIp`) sits in a
//! document's text, so a finding can name its line. `serde_json::Value` keeps no
//! positions, so this walks the text itself; it is only called for findings, on text that
//! has already parsed as JSON.

/// The 1-based line on which the member or item at `path` starts (for an object member,
/// the line of its key), or `None` when the text holds nothing there.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let mut walker = Walker {
        bytes: text.as_bytes(),
        pos: 0,
    };
    walker.skip_space();
    let at = walker.find(path, 0)?;
    Some(1 + walker.bytes[..at].iter().filter(|&&b| b == b'\n').count())
}

struct Walker<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// How deep `find` goes; deeper text was already refused by the JSON parser.
const MAX_DEPTH: usize = 256;

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Consumes `byte` (after white space) if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Reads a string at the cursor (the cursor on its opening quote) and returns its
    /// content with the common escapes undone.
    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let escaped = self.peek()?;
                    self.pos += 1;
                    match escaped {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex = self.bytes.get(self.pos..self.pos + 4)?;
                            self.pos += 4;
                            let code =
                                u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            // A surrogate pair's halves are kept apart: such keys do not
                            // occur in policies, and a miss only loses the line number.
                            let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    /// Moves past the value at the cursor.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'"' => self.string().map(drop),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                if self.eat(close) {
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.skip_space();
                        self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                    }
                    self.skip_value(depth + 1)?;
                    if self.eat(close) {
                        return Some(());
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// The offset where `path` starts inside the value at the cursor.
    fn find(&mut self, path: &str, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        if path.is_empty() {
            return Some(self.pos);
        }
        if let Some(rest) = path.strip_prefix('[') {
            let (index, rest) = rest.split_once(']')?;
            let index: usize = index.parse().ok()?;
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            if !self.eat(b'[') {
                return None;
            }
            for _ in 0..index {
                self.skip_value(depth + 1)?;
                if !self.eat(b',') {
                    return None;
                }
            }
            return self.find(rest, depth + 1);
        }
        if !self.eat(b'{') {
            return None;
        }
        if self.eat(b'}') {
            return None;
        }
        loop {
            self.skip_space();
            let key_at = self.pos;
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            // Keys may hold dots (`ec2:ResourceTag/a.b`), so a key matches when the path
            // goes on after it with `.`, `[` or nothing; a wrong guess is undone.
            if let Some(rest) = path.strip_prefix(key.as_str()) {
                if rest.is_empty() {
                    return Some(key_at);
                }
                if rest.starts_with('.') || rest.starts_with('[') {
                    let rest = rest.strip_prefix('.').unwrap_or(rest);
                    let value_at = self.pos;
                    if let Some(found) = self.find(rest, depth + 1) {
                        return Some(found);
                    }
                    self.pos = value_at;
                }
            }
            self.skip_value(depth + 1)?;
            if !self.eat(b',') {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject",
                 "s3:ListBucket"],
      "Resource": "*"
    },
    {
      "Effect": "Deny",
      "Action": "*",
      "Resource": "*",
      "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8",
        "10.0.0.300/8"]}, "StringEquals": {"ec2:ResourceTag/a.b": "x"}}
    }
  ]
}"#;

    #[test]
    fn finds_members_items_and_nested_keys() {
        assert_eq!(line_of(POLICY, "Version"), Some(2));
        assert_eq!(line_of(POLICY, "Statement"), Some(3));
        assert_eq!(line_of(POLICY, "Statement[0]"), Some(4));
        assert_eq!(line_of(POLICY, "Statement[0].Sid"), Some(5));
        assert_eq!(line_of(POLICY, "Statement[0].Action[1]"), Some(8));
        assert_eq!(line_of(POLICY, "Statement[1].Effect"), Some(12));
        assert_eq!(
            line_of(POLICY, "Statement[1].Condition.IpAddress.aws:SourceIp[1]"),
            Some(16)
        );
        assert_eq!(
            line_of(
                POLICY,
                "Statement[1].Condition.StringEquals.ec2:ResourceTag/a.b"
            ),
            Some(16)
        );
    }

    #[test]
    fn a_missing_path_has_no_line() {
        assert_eq!(line_of(POLICY, "Statement[2]"), None);
        assert_eq!(line_of(POLICY, "Statement[0].Principal"), None);
        assert_eq!(line_of(POLICY, "Version[0]"), None);
        assert_eq!(line_of("not json", "Version"), None);
        assert_eq!(line_of("", ""), Some(1));
    }

    #[test]
    fn escaped_keys_and_strings_are_read() {
        let text = "{\"a\\\"b\": {\"x\": \"]}\\\"\"},\n \"c\": 1}";
        assert_eq!(line_of(text, "c"), Some(2));
        assert_eq!(line_of(text, "a\"b.x"), Some(1));
    }
}
