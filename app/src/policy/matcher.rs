//! Wildcard matching (`*` any run, `?` one character) for actions, resources, StringLike and
//! ARN conditions. Patterns are compiled once into the cheapest shape that can answer.

use std::borrow::Cow;

/// One piece of a pattern. Text that came from a policy variable or an escape such as `${*}`
/// is always `Lit`, so a `*` inside a user name never acts as a wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Lit(String),
    Star,
    One,
    /// A policy variable, resolved while matching so a request costs no allocation; its
    /// value is literal text.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// No variables: for patterns that cannot contain any.
fn no_vars<'r>(_: &str) -> Option<Cow<'r, str>> {
    None
}

/// Splits pattern text into tokens, joining adjacent literal characters.
pub fn tokenize(pattern: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut lit = String::new();
    for ch in pattern.chars() {
        match ch {
            '*' | '?' => {
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                // Consecutive stars mean the same as one.
                if ch == '*' {
                    if toks.last() != Some(&Tok::Star) {
                        toks.push(Tok::Star);
                    }
                } else {
                    toks.push(Tok::One);
                }
            }
            _ => lit.push(ch),
        }
    }
    if !lit.is_empty() {
        toks.push(Tok::Lit(lit));
    }
    toks
}

/// Appends a literal, merging it with a preceding literal.
pub fn push_lit(toks: &mut Vec<Tok>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Tok::Lit(last)) = toks.last_mut() {
        last.push_str(text);
    } else {
        toks.push(Tok::Lit(text.to_string()));
    }
}

pub fn push_pattern(toks: &mut Vec<Tok>, text: &str) {
    for tok in tokenize(text) {
        match tok {
            Tok::Lit(s) => push_lit(toks, &s),
            Tok::Star if toks.last() == Some(&Tok::Star) => {}
            other => toks.push(other),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape<S = String> {
    Any,
    Exact(S),
    Prefix(S),
    Suffix(S),
    Contains(S),
    General(Vec<Tok>),
}

impl<S> Shape<S> {
    fn map<T>(self, f: impl Fn(S) -> T) -> Shape<T> {
        match self {
            Shape::Any => Shape::Any,
            Shape::Exact(s) => Shape::Exact(f(s)),
            Shape::Prefix(s) => Shape::Prefix(f(s)),
            Shape::Suffix(s) => Shape::Suffix(f(s)),
            Shape::Contains(s) => Shape::Contains(f(s)),
            Shape::General(toks) => Shape::General(toks),
        }
    }
}

/// The shape [`Glob::from_tokens`] would choose, read straight off the text when it is one of
/// the simple ones (no `?`, stars only at the ends), so that compiling the usual action and
/// resource patterns costs no tokenising. `None` for anything else.
fn simple_shape(pattern: &str) -> Option<Shape<&str>> {
    let shape = simple_shape_range(pattern)?;
    Some(shape.map(|(start, end)| pattern.get(start..end).unwrap_or_default()))
}

/// As [`simple_shape`], with the literal given as a byte range of the pattern.
fn simple_shape_range(pattern: &str) -> Option<Shape<(usize, usize)>> {
    let bytes = pattern.as_bytes();
    let lead = bytes.iter().take_while(|b| **b == b'*').count();
    if lead == bytes.len() {
        return Some(if lead == 0 {
            Shape::Exact((0, 0))
        } else {
            Shape::Any
        });
    }
    let trail = bytes.iter().rev().take_while(|b| **b == b'*').count();
    let range = (lead, bytes.len() - trail);
    if bytes[range.0..range.1]
        .iter()
        .any(|b| matches!(b, b'*' | b'?'))
    {
        return None;
    }
    Some(match (lead > 0, trail > 0) {
        (false, false) => Shape::Exact(range),
        (false, true) => Shape::Prefix(range),
        (true, false) => Shape::Suffix(range),
        (true, true) => Shape::Contains(range),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    shape: Shape,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        match simple_shape(pattern) {
            Some(shape) => Glob {
                shape: shape.map(str::to_string),
            },
            None => Glob::from_tokens(tokenize(pattern)),
        }
    }

    /// As [`Glob::new`] on the pattern lower-cased (ASCII), as actions are matched.
    pub fn new_lowercase(pattern: &str) -> Glob {
        if pattern.bytes().any(|b| b.is_ascii_uppercase()) {
            Glob::from_owned(pattern.to_ascii_lowercase())
        } else {
            Glob::new(pattern)
        }
    }

    /// As [`Glob::new`], reusing the pattern's own buffer for the common shapes.
    fn from_owned(mut pattern: String) -> Glob {
        let shape = match simple_shape_range(&pattern) {
            None | Some(Shape::General(_)) => return Glob::from_tokens(tokenize(&pattern)),
            Some(Shape::Any) => Shape::Any,
            Some(Shape::Exact(_)) => Shape::Exact(pattern),
            Some(Shape::Prefix((_, end))) => {
                pattern.truncate(end);
                Shape::Prefix(pattern)
            }
            Some(Shape::Suffix((start, _))) => {
                pattern.drain(..start);
                Shape::Suffix(pattern)
            }
            Some(Shape::Contains((start, end))) => {
                pattern.truncate(end);
                pattern.drain(..start);
                Shape::Contains(pattern)
            }
        };
        Glob { shape }
    }

    pub fn from_tokens(toks: Vec<Tok>) -> Glob {
        let shape = match toks.as_slice() {
            [] => Shape::Exact(String::new()),
            [Tok::Star] => Shape::Any,
            [Tok::Lit(s)] => Shape::Exact(s.clone()),
            [Tok::Lit(s), Tok::Star] => Shape::Prefix(s.clone()),
            [Tok::Star, Tok::Lit(s)] => Shape::Suffix(s.clone()),
            [Tok::Star, Tok::Lit(s), Tok::Star] => Shape::Contains(s.clone()),
            _ => Shape::General(toks),
        };
        Glob { shape }
    }

    pub fn matches(&self, text: &str) -> bool {
        self.matches_with(text, &no_vars)
    }

    /// Matches with policy variables resolved by `resolve`; an unresolvable variable without
    /// a default matches nothing.
    pub fn matches_with<'r, F>(&self, text: &str, resolve: &F) -> bool
    where
        F: Fn(&str) -> Option<Cow<'r, str>>,
    {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(s) => text == s,
            Shape::Prefix(p) => text.starts_with(p.as_str()),
            Shape::Suffix(s) => text.ends_with(s.as_str()),
            Shape::Contains(s) => text.contains(s.as_str()),
            Shape::General(toks) => match_tokens(toks, text, resolve),
        }
    }
}

/// Greedy matching with one backtrack point: on a mismatch, the last `*` swallows one more
/// character and the rest is retried. Linear in practice, quadratic at worst, never
/// exponential and never recursive, so hostile patterns cannot blow the stack.
fn match_tokens<'r, F>(toks: &[Tok], text: &str, resolve: &F) -> bool
where
    F: Fn(&str) -> Option<Cow<'r, str>>,
{
    let mut ti = 0usize;
    let mut pos = 0usize;
    let mut star: Option<(usize, usize)> = None;
    loop {
        if ti == toks.len() && pos == text.len() {
            return true;
        }
        let step = match toks.get(ti) {
            Some(Tok::Star) => {
                star = Some((ti + 1, pos));
                ti += 1;
                continue;
            }
            Some(Tok::Lit(lit)) => {
                if text[pos..].starts_with(lit.as_str()) {
                    Some(pos + lit.len())
                } else {
                    None
                }
            }
            Some(Tok::One) => text[pos..].chars().next().map(|c| pos + c.len_utf8()),
            Some(Tok::Var { key, default }) => {
                let value = match resolve(key) {
                    Some(value) => value,
                    None => match default {
                        Some(d) => Cow::Borrowed(d.as_str()),
                        None => return false,
                    },
                };
                if text[pos..].starts_with(value.as_ref()) {
                    Some(pos + value.len())
                } else {
                    None
                }
            }
            None => None,
        };
        match step {
            Some(next) => {
                pos = next;
                ti += 1;
            }
            None => {
                let Some((star_ti, star_pos)) = star else {
                    return false;
                };
                let Some(c) = text[star_pos..].chars().next() else {
                    return false;
                };
                let retry = star_pos + c.len_utf8();
                star = Some((star_ti, retry));
                ti = star_ti;
                pos = retry;
            }
        }
    }
}

/// An ARN pattern compared part by part, so a `*` in the service or region never spills
/// into the next colon-separated part. A pattern with fewer than six parts (AWS itself
/// publishes `arn:aws:waf:*`) falls back to matching the whole string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnPattern {
    Any,
    /// The usual pattern: six parts, each a simple shape, read off one copy of the text (one
    /// allocation instead of one per part: a batch simulation compiles policies by the
    /// thousand).
    Simple(SimpleArn),
    Parts(Box<[Glob; 6]>),
    Whole(Glob),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleArn {
    text: Box<str>,
    parts: [Part; 6],
}

/// A simple shape whose literal is the byte range `start..end` of [`SimpleArn::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Any,
    Exact(u32, u32),
    Prefix(u32, u32),
    Suffix(u32, u32),
    Contains(u32, u32),
}

impl SimpleArn {
    /// `None` unless all six parts have simple shapes (and the text is of sane length).
    fn new(pattern: &str) -> Option<SimpleArn> {
        u32::try_from(pattern.len()).ok()?;
        let mut offset = 0;
        let mut rest = Some(pattern);
        let mut part = |last: bool| -> Option<Part> {
            let text = rest?;
            let (part, next) = match text.split_once(':') {
                Some((part, next)) if !last => (part, Some(next)),
                _ if last => (text, None),
                _ => return None,
            };
            let shape = simple_shape_range(part)?;
            let at = offset;
            offset += part.len() + 1;
            rest = next;
            // Offsets fit: the whole text is shorter than u32::MAX (checked above).
            let range = |(start, end): (usize, usize)| ((at + start) as u32, (at + end) as u32);
            Some(match shape {
                Shape::Any => Part::Any,
                Shape::Exact(r) => {
                    let (start, end) = range(r);
                    Part::Exact(start, end)
                }
                Shape::Prefix(r) => {
                    let (start, end) = range(r);
                    Part::Prefix(start, end)
                }
                Shape::Suffix(r) => {
                    let (start, end) = range(r);
                    Part::Suffix(start, end)
                }
                Shape::Contains(r) => {
                    let (start, end) = range(r);
                    Part::Contains(start, end)
                }
                Shape::General(_) => return None,
            })
        };
        let parts = [
            part(false)?,
            part(false)?,
            part(false)?,
            part(false)?,
            part(false)?,
            part(true)?,
        ];
        Some(SimpleArn {
            text: pattern.into(),
            parts,
        })
    }

    fn matches(&self, parts: &[&str; 6]) -> bool {
        let lit = |start: u32, end: u32| {
            self.text
                .get(start as usize..end as usize)
                .unwrap_or_default()
        };
        self.parts
            .iter()
            .zip(parts.iter())
            .all(|(shape, text)| match *shape {
                Part::Any => true,
                Part::Exact(start, end) => *text == lit(start, end),
                Part::Prefix(start, end) => text.starts_with(lit(start, end)),
                Part::Suffix(start, end) => text.ends_with(lit(start, end)),
                Part::Contains(start, end) => text.contains(lit(start, end)),
            })
    }
}

impl ArnPattern {
    pub fn new(pattern: &str) -> ArnPattern {
        // Wildcards never contain a colon, so splitting the text gives the same parts as
        // splitting its tokens, without building them.
        if pattern.bytes().all(|b| b == b'*') && !pattern.is_empty() {
            return ArnPattern::Any;
        }
        if let Some(simple) = SimpleArn::new(pattern) {
            return ArnPattern::Simple(simple);
        }
        let mut parts = pattern.splitn(6, ':');
        match (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => {
                ArnPattern::Parts(Box::new([a, b, c, d, e, f].map(Glob::new)))
            }
            _ => ArnPattern::Whole(Glob::new(pattern)),
        }
    }

    pub fn from_tokens(toks: Vec<Tok>) -> ArnPattern {
        if toks == [Tok::Star] {
            return ArnPattern::Any;
        }
        let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
        for tok in &toks {
            match tok {
                Tok::Lit(s) => {
                    let mut rest = s.as_str();
                    while parts.len() < 6 {
                        let Some(at) = rest.find(':') else {
                            break;
                        };
                        if let Some(last) = parts.last_mut() {
                            push_lit(last, &rest[..at]);
                        }
                        parts.push(Vec::new());
                        rest = &rest[at + 1..];
                    }
                    if let Some(last) = parts.last_mut() {
                        push_lit(last, rest);
                    }
                }
                other => {
                    if let Some(last) = parts.last_mut() {
                        last.push(other.clone());
                    }
                }
            }
        }
        if parts.len() == 6 {
            let mut globs = parts.into_iter().map(Glob::from_tokens);
            match (
                globs.next(),
                globs.next(),
                globs.next(),
                globs.next(),
                globs.next(),
                globs.next(),
            ) {
                (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => {
                    ArnPattern::Parts(Box::new([a, b, c, d, e, f]))
                }
                _ => ArnPattern::Whole(Glob::from_tokens(toks)),
            }
        } else {
            ArnPattern::Whole(Glob::from_tokens(toks))
        }
    }

    pub fn matches(&self, arn: &str) -> bool {
        self.matches_split_with(arn, split_arn(arn).as_ref(), &no_vars)
    }

    /// Matches an ARN already split by [`split_arn`], resolving policy variables.
    pub fn matches_split_with<'r, F>(
        &self,
        arn: &str,
        parts: Option<&[&str; 6]>,
        resolve: &F,
    ) -> bool
    where
        F: Fn(&str) -> Option<Cow<'r, str>>,
    {
        match (self, parts) {
            (ArnPattern::Any, _) => true,
            (ArnPattern::Simple(simple), Some(parts)) => simple.matches(parts),
            (ArnPattern::Simple(_), None) => false,
            (ArnPattern::Whole(glob), _) => glob.matches_with(arn, resolve),
            (ArnPattern::Parts(globs), Some(parts)) => globs
                .iter()
                .zip(parts.iter())
                .all(|(g, p)| g.matches_with(p, resolve)),
            (ArnPattern::Parts(_), None) => false,
        }
    }
}

/// `arn:partition:service:region:account:resource`, the last part keeping any further colons.
pub fn split_arn(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(parts)
}

/// Whether every string `narrow` can match is also matched by `wide` (sound but not
/// complete: a `false` may be a missed case, a `true` is always right). Lint uses it to find
/// statements made redundant by another.
pub fn pattern_covers(wide: &str, narrow: &str) -> bool {
    let w: Vec<char> = wide.chars().collect();
    let n: Vec<char> = narrow.chars().collect();
    // The table is (|w|+1) x (|n|+1); past this size lint simply does not claim coverage.
    if (w.len() + 1).saturating_mul(n.len() + 1) > 4_000_000 {
        return false;
    }
    let width = n.len() + 1;
    let mut table = vec![false; (w.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    if let Some(cell) = table.get_mut(at(w.len(), n.len())) {
        *cell = true;
    }
    for i in (0..w.len()).rev() {
        for j in (0..=n.len()).rev() {
            let wc = w[i];
            let nc = n.get(j).copied();
            let value = if wc == '*' {
                table[at(i + 1, j)] || (nc.is_some() && table[at(i, j + 1)])
            } else {
                match nc {
                    None => false,
                    Some(c) if wc == '?' && c != '*' => table[at(i + 1, j + 1)],
                    Some(c) if wc != '?' && wc == c => table[at(i + 1, j + 1)],
                    Some(_) => false,
                }
            };
            table[at(i, j)] = value;
        }
    }
    table.first().copied().unwrap_or(false)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(Glob::new("s3:get*").matches("s3:getobject"));
        assert!(Glob::new("a*b?d").matches("axxbcd"));
        assert!(!Glob::new("a*b?d").matches("axxbd"));
        assert!(Glob::new("*a*a*a").matches("aaaa"));
        assert!(!Glob::new("a").matches("A"));
        assert!(Glob::new("?").matches("é"));
    }

    #[test]
    fn arn_parts() {
        let p = ArnPattern::new("arn:aws:iam::*:user/*");
        assert!(p.matches("arn:aws:iam::123456789012:user/alice"));
        assert!(!p.matches("arn:aws:iam::123456789012:role/alice"));
        let p = ArnPattern::new("arn:aws:s3:::bucket/*");
        assert!(p.matches("arn:aws:s3:::bucket/a:b:c"));
        assert!(!ArnPattern::new("arn:*:s3:::x").matches("arn:aws:iam:s3:::x"));
    }

    #[test]
    fn coverage() {
        assert!(pattern_covers("s3:*", "s3:Get*"));
        assert!(pattern_covers("*", "anything?"));
        assert!(!pattern_covers("s3:Get?", "s3:Get*"));
        assert!(!pattern_covers("s3:Get*", "s3:*"));
    }
}
