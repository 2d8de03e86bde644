//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}` and the escapes
//! `${*}`, `${?}`, `${$}`, in Resource and Condition values (2012-10-17 documents only).

use super::matcher::{Tok, push_lit, push_pattern};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text written in the policy: wildcards in it keep their meaning.
    Pattern(String),
    /// Text from an escape: always literal.
    Literal(String),
    Var {
        /// Lower-cased, because context keys are looked up case-insensitively.
        key: String,
        default: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

impl Template {
    /// `None` when the text has no variable or escape, so callers keep the cheaper static form.
    pub fn parse(text: &str) -> Option<Template> {
        if !text.contains("${") {
            return None;
        }
        let mut pieces = Vec::new();
        let mut plain = String::new();
        let mut rest = text;
        let mut any = false;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(close) = after.find('}') else {
                break;
            };
            let inner = &after[..close];
            let piece = match inner {
                "*" => Some(Piece::Literal("*".into())),
                "?" => Some(Piece::Literal("?".into())),
                "$" => Some(Piece::Literal("$".into())),
                _ => parse_var(inner),
            };
            match piece {
                Some(piece) => {
                    plain.push_str(&rest[..start]);
                    if !plain.is_empty() {
                        pieces.push(Piece::Pattern(std::mem::take(&mut plain)));
                    }
                    pieces.push(piece);
                    any = true;
                }
                // Not a variable (`${}`, `${ }`): the text stays as written.
                None => plain.push_str(&rest[..start + 2 + close + 1]),
            }
            rest = &after[close + 1..];
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            pieces.push(Piece::Pattern(plain));
        }
        any.then_some(Template { pieces })
    }

    /// The template as pattern tokens, variables left in place to be resolved per request.
    pub fn tokens(&self) -> Vec<Tok> {
        let mut toks = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Pattern(text) => push_pattern(&mut toks, text),
                Piece::Literal(text) => push_lit(&mut toks, text),
                Piece::Var { key, default } => toks.push(Tok::Var {
                    key: key.clone(),
                    default: default.clone(),
                }),
            }
        }
        toks
    }

    /// The variables that have no default, which leave the template unresolved when missing.
    pub fn required_variables(&self) -> Vec<String> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Var { key, default: None } => Some(key.clone()),
                _ => None,
            })
            .collect()
    }

    /// Substitutes the variables. `lookup` returns a key's single value; a missing or
    /// multi-valued key without a default leaves the template unresolved (`Err` with the key),
    /// which AWS treats as "this element does not match".
    pub fn render<F>(&self, lookup: F) -> Result<Vec<Tok>, &str>
    where
        F: Fn(&str) -> Option<String>,
    {
        let mut toks = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Pattern(text) => push_pattern(&mut toks, text),
                Piece::Literal(text) => push_lit(&mut toks, text),
                Piece::Var { key, default } => match lookup(key) {
                    Some(value) => push_lit(&mut toks, &value),
                    None => match default {
                        Some(value) => push_lit(&mut toks, value),
                        None => return Err(key),
                    },
                },
            }
        }
        Ok(toks)
    }
}

fn parse_var(inner: &str) -> Option<Piece> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .unwrap_or(default);
            (key.trim(), Some(default.to_string()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty()
        || key
            .chars()
            .any(|c| c.is_whitespace() || c == '{' || c == '$')
    {
        return None;
    }
    Some(Piece::Var {
        key: key.to_ascii_lowercase(),
        default,
    })
}

/// The text of rendered tokens, for operators that compare whole values: a wildcard written in
/// the policy is an ordinary character there.
pub fn tokens_to_text(toks: &[Tok]) -> String {
    let mut out = String::new();
    for tok in toks {
        match tok {
            Tok::Lit(s) => out.push_str(s),
            Tok::Star => out.push('*'),
            Tok::One => out.push('?'),
            Tok::Var { key, .. } => {
                out.push_str("${");
                out.push_str(key);
                out.push('}');
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders() {
        let t = Template::parse("arn:aws:s3:::bucket/${aws:username}/*").unwrap();
        let toks = t
            .render(|k| (k == "aws:username").then(|| "al*ce".to_string()))
            .unwrap();
        assert_eq!(
            toks,
            vec![Tok::Lit("arn:aws:s3:::bucket/al*ce/".into()), Tok::Star]
        );
        let t = Template::parse("${aws:PrincipalTag/team, 'none'}").unwrap();
        assert_eq!(tokens_to_text(&t.render(|_| None).unwrap()), "none");
        let t = Template::parse("a${*}b${?}${$}").unwrap();
        assert_eq!(t.render(|_| None).unwrap(), vec![Tok::Lit("a*b?$".into())]);
        assert!(Template::parse("no vars").is_none());
        assert!(Template::parse("${}").is_none());
        assert_eq!(Template::parse("${x}").unwrap().render(|_| None), Err("x"));
    }
}
