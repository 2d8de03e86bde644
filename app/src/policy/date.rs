//! Dates as condition values: ISO 8601 or epoch seconds, to milliseconds since the epoch.
//! Hand-written so the engine needs no date crate and never reads a clock.

/// Parses the W3C profile of ISO 8601 that AWS documents for the Date operators (`2024`,
/// `2024-01`, `2024-01-31`, `2024-01-31T10:00Z`, `2024-01-31T10:00:00.250+02:00`; a year or
/// month alone means its first instant, UTC), or a number of seconds since 1970 such as
/// `1706695200`. Four digits alone are a year, not 2024 seconds after 1970. Other digit
/// strings are epoch seconds: the W3C profile has no compact form, so `20240131` is read as
/// seconds, as a number would be.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        return parse_iso(text);
    }
    if is_epoch(text) {
        return epoch_millis(text);
    }
    parse_iso(text)
}

fn is_epoch(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
}

fn epoch_millis(text: &str) -> Option<i64> {
    let seconds: f64 = text.parse().ok()?;
    if !seconds.is_finite() || seconds.abs() > 1.0e15 {
        return None;
    }
    Some((seconds * 1000.0).round() as i64)
}

/// Milliseconds since the epoch for a number of seconds given as a float (an `aws:EpochTime`
/// passed as a JSON number).
pub fn from_epoch_seconds(seconds: f64) -> Option<i64> {
    if !seconds.is_finite() || seconds.abs() > 1.0e15 {
        return None;
    }
    Some((seconds * 1000.0).round() as i64)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize) -> Option<i64> {
        let end = self.pos.checked_add(count)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut value: i64 = 0;
        for b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
        }
        self.pos = end;
        Some(value)
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

fn parse_iso(text: &str) -> Option<i64> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let year = c.digits(4)?;
    if c.done() {
        return Some(days_from_civil(year, 1, 1) * 86_400_000);
    }
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(2)?;
    if c.done() {
        if !(1..=12).contains(&month) {
            return None;
        }
        return Some(days_from_civil(year, month, 1) * 86_400_000);
    }
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis_of_day: i64 = 0;
    let mut offset_minutes: i64 = 0;
    if !c.done() {
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        let hour = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.digits(2)?;
        let mut second = 0;
        let mut millis = 0;
        if c.eat(b':') {
            second = c.digits(2)?;
            if c.eat(b'.') || c.eat(b',') {
                let mut scale = 100;
                let mut any = false;
                while let Some(b) = c.peek() {
                    if !b.is_ascii_digit() {
                        break;
                    }
                    any = true;
                    millis += i64::from(b - b'0') * scale;
                    scale /= 10;
                    c.pos += 1;
                }
                if !any {
                    return None;
                }
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        millis_of_day = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
        match c.peek() {
            None => {}
            Some(b'Z') | Some(b'z') => c.pos += 1,
            Some(sign @ (b'+' | b'-')) => {
                c.pos += 1;
                let oh = c.digits(2)?;
                c.eat(b':');
                let om = if c.done() { 0 } else { c.digits(2)? };
                if oh > 23 || om > 59 {
                    return None;
                }
                offset_minutes = oh * 60 + om;
                if sign == b'-' {
                    offset_minutes = -offset_minutes;
                }
            }
            Some(_) => return None,
        }
        if !c.done() {
            return None;
        }
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400_000 + millis_of_day - offset_minutes * 60_000)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's well-known method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_iso_agree() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("0"), Some(0));
        assert_eq!(parse_date("2024-02-29"), parse_date("1709164800"));
        assert_eq!(
            parse_date("2024-01-01T02:00:00+02:00"),
            parse_date("2024-01-01T00:00:00Z")
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn year_and_month_alone_are_dates() {
        assert_eq!(parse_date("2024"), parse_date("2024-01-01T00:00:00Z"));
        assert_eq!(parse_date("2024-02"), parse_date("2024-02-01T00:00:00Z"));
        assert_eq!(parse_date("1970"), Some(0));
        assert_eq!(parse_date("2024-13"), None);
        assert_eq!(parse_date("2024-1"), None);
        assert_eq!(parse_date("2024-"), None);
        // Not four digits: epoch seconds.
        assert_eq!(parse_date("20240131"), Some(20_240_131_000));
        assert_eq!(parse_date("100"), Some(100_000));
    }
}
