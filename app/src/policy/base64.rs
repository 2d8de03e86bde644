//! Base64 decoding for BinaryEquals values (standard alphabet, padding optional).

pub fn decode(text: &str) -> Option<Vec<u8>> {
    let trimmed = text.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for b in trimmed.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    // Six leftover bits cannot come from a whole number of bytes.
    if bits >= 6 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    #[test]
    fn decodes() {
        assert_eq!(super::decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(super::decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(super::decode("a"), None);
        assert_eq!(super::decode("**"), None);
    }
}
