//! Condition evaluation: operators, missing keys, `...IfExists`, and the set qualifiers.

use std::net::IpAddr;

use super::base64;
use super::cidr::{Cidr, parse_ip};
use super::context::{ContextValue, Found, Request, Scalar};
use super::date::{from_epoch_seconds, parse_date};
use super::document::Condition;
use super::matcher::{ArnPattern, Glob, split_arn};
use super::number::parse_number;
use super::operator::{Operator, OperatorKind, SetQualifier, ValueType};
use super::variables::{Template, tokens_to_text};

/// A policy value prepared for its operator. Values holding policy variables are kept as
/// templates and prepared per request.
#[derive(Debug, Clone)]
enum Prepared {
    Text(String),
    Lower(String),
    Glob(Glob),
    Number(f64),
    Date(i64),
    Bool(bool),
    Binary(Vec<u8>),
    Cidr(Cidr),
    Arn(ArnPattern),
    /// A literal that could not be prepared (cannot happen after parsing, kept so a value
    /// never silently matches).
    Invalid,
}

#[derive(Debug, Clone)]
enum PolicyValue {
    Static(Prepared),
    Template(Template),
}

#[derive(Debug, Clone)]
pub struct CompiledCondition {
    pub operator: Operator,
    /// Lower-cased for lookup.
    pub key: String,
    values: Vec<PolicyValue>,
}

/// Why a condition failed, cheap to produce; the explanation turns it into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionFailure {
    NoMatch,
    UnresolvedVariable(String),
}

fn prepare(kind: OperatorKind, text: &str) -> Prepared {
    match kind.value_type() {
        ValueType::String => match kind {
            OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase => {
                Prepared::Lower(text.to_lowercase())
            }
            OperatorKind::StringLike | OperatorKind::StringNotLike => {
                Prepared::Glob(Glob::new(text))
            }
            _ => Prepared::Text(text.to_string()),
        },
        ValueType::Numeric => parse_number(text).map_or(Prepared::Invalid, Prepared::Number),
        ValueType::Date => parse_date(text).map_or(Prepared::Invalid, Prepared::Date),
        ValueType::Bool | ValueType::Null => {
            if text.eq_ignore_ascii_case("true") {
                Prepared::Bool(true)
            } else if text.eq_ignore_ascii_case("false") {
                Prepared::Bool(false)
            } else {
                Prepared::Invalid
            }
        }
        ValueType::Binary => base64::decode(text).map_or(Prepared::Invalid, Prepared::Binary),
        ValueType::Ip => Cidr::parse(text).map_or(Prepared::Invalid, Prepared::Cidr),
        ValueType::Arn => Prepared::Arn(ArnPattern::new(text)),
    }
}

impl CompiledCondition {
    pub fn new(condition: &Condition, variables: bool) -> CompiledCondition {
        let kind = condition.operator.kind;
        let values = condition
            .values
            .iter()
            .map(|text| {
                let template = if variables && kind != OperatorKind::Null {
                    Template::parse(text)
                } else {
                    None
                };
                match template {
                    Some(t) => PolicyValue::Template(t),
                    None => PolicyValue::Static(prepare(kind, text)),
                }
            })
            .collect();
        CompiledCondition {
            operator: condition.operator,
            key: condition.key.to_ascii_lowercase(),
            values,
        }
    }

    pub fn evaluate(&self, request: &Request) -> Result<(), ConditionFailure> {
        let found = request.lookup(&self.key);
        let op = self.operator;
        if op.kind == OperatorKind::Null {
            let absent = match &found {
                None => true,
                Some(Found::Context(v)) => v.values().is_empty(),
                Some(Found::Derived(_)) => false,
            };
            let any = self
                .values
                .iter()
                .any(|v| matches!(v, PolicyValue::Static(Prepared::Bool(b)) if *b == absent));
            return if any {
                Ok(())
            } else {
                Err(ConditionFailure::NoMatch)
            };
        }

        // Resolve templates once per evaluation. A variable without a value is null, which
        // nothing equals or is like: the value is dropped and the operator evaluated on the
        // rest, so a negated operator (StringNotEquals, ...) still matches and a positive one
        // can only match through the other values.
        let mut resolved: Vec<Prepared> = Vec::new();
        let mut unresolved: Option<String> = None;
        let has_templates = self
            .values
            .iter()
            .any(|v| matches!(v, PolicyValue::Template(_)));
        if has_templates {
            for value in &self.values {
                match value {
                    PolicyValue::Static(p) => resolved.push(p.clone()),
                    PolicyValue::Template(t) => {
                        let toks = match t.render(|k| request.variable(k)) {
                            Ok(toks) => toks,
                            Err(k) => {
                                if unresolved.is_none() {
                                    unresolved = Some(k.to_string());
                                }
                                continue;
                            }
                        };
                        let prepared = match op.kind.value_type() {
                            // Substituted text is literal, but wildcards written around it
                            // keep their meaning.
                            ValueType::String
                                if matches!(
                                    op.kind,
                                    OperatorKind::StringLike | OperatorKind::StringNotLike
                                ) =>
                            {
                                Prepared::Glob(Glob::from_tokens(toks))
                            }
                            ValueType::Arn => Prepared::Arn(ArnPattern::from_tokens(toks)),
                            _ => prepare(op.kind, &tokens_to_text(&toks)),
                        };
                        resolved.push(prepared);
                    }
                }
            }
        }
        let policy_values: PolicyValues<'_> = if has_templates {
            PolicyValues::Owned(&resolved)
        } else {
            PolicyValues::Static(&self.values)
        };

        let negated = op.kind.is_negated();
        let test = |v: &RequestValue<'_>| {
            let any = policy_values.any(|p| positive_match(op.kind, v, p));
            any != negated
        };

        let passed = match (&found, op.qualifier) {
            (None, None) => op.if_exists || negated,
            (None, Some(SetQualifier::ForAllValues)) => true,
            (None, Some(SetQualifier::ForAnyValue)) => op.if_exists,
            (Some(found), qualifier) => {
                let values = RequestValues::of(found);
                match qualifier {
                    None => {
                        if values.is_empty() {
                            op.if_exists || negated
                        } else if negated {
                            // NOR over request values as well: none may match.
                            !values.any(|v| policy_values.any(|p| positive_match(op.kind, v, p)))
                        } else {
                            values.any(test)
                        }
                    }
                    Some(SetQualifier::ForAllValues) => values.all(test),
                    Some(SetQualifier::ForAnyValue) => {
                        if values.is_empty() {
                            op.if_exists
                        } else {
                            values.any(test)
                        }
                    }
                }
            }
        };
        match (passed, unresolved) {
            (true, _) => Ok(()),
            // A negated operator fails on a value that did resolve; the missing variable is
            // only worth naming when it could have made a positive operator match.
            (false, Some(key)) if !negated => Err(ConditionFailure::UnresolvedVariable(key)),
            (false, _) => Err(ConditionFailure::NoMatch),
        }
    }
}

enum PolicyValues<'a> {
    Static(&'a [PolicyValue]),
    Owned(&'a [Prepared]),
}

impl PolicyValues<'_> {
    fn any(&self, mut f: impl FnMut(&Prepared) -> bool) -> bool {
        match self {
            PolicyValues::Static(values) => values.iter().any(|v| match v {
                PolicyValue::Static(p) => f(p),
                PolicyValue::Template(_) => false,
            }),
            PolicyValues::Owned(values) => values.iter().any(f),
        }
    }
}

enum RequestValue<'a> {
    Scalar(&'a Scalar),
    Text(&'a str),
}

impl RequestValue<'_> {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            RequestValue::Scalar(s) => s.text(),
            RequestValue::Text(t) => std::borrow::Cow::Borrowed(t),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            RequestValue::Scalar(Scalar::Number(n)) => Some(*n),
            RequestValue::Scalar(Scalar::String(s)) => parse_number(s),
            RequestValue::Text(t) => parse_number(t),
            RequestValue::Scalar(Scalar::Bool(_)) => None,
        }
    }

    fn date(&self) -> Option<i64> {
        match self {
            RequestValue::Scalar(Scalar::Number(n)) => from_epoch_seconds(*n),
            RequestValue::Scalar(Scalar::String(s)) => parse_date(s),
            RequestValue::Text(t) => parse_date(t),
            RequestValue::Scalar(Scalar::Bool(_)) => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            RequestValue::Scalar(Scalar::Bool(b)) => Some(*b),
            RequestValue::Scalar(Scalar::Number(_)) => None,
            RequestValue::Scalar(Scalar::String(s)) => parse_bool(s),
            RequestValue::Text(t) => parse_bool(t),
        }
    }

    fn ip(&self) -> Option<IpAddr> {
        parse_ip(&self.text())
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The request's values for a key, without allocating.
enum RequestValues<'a> {
    One(RequestValue<'a>),
    Many(&'a [Scalar]),
}

impl<'a> RequestValues<'a> {
    fn of(found: &'a Found<'a>) -> RequestValues<'a> {
        match found {
            Found::Context(ContextValue::Single(s)) => RequestValues::One(RequestValue::Scalar(s)),
            Found::Context(ContextValue::Multi(v)) => RequestValues::Many(v),
            Found::Derived(s) => RequestValues::One(RequestValue::Text(s)),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, RequestValues::Many([]))
    }

    fn any(&self, mut f: impl FnMut(&RequestValue<'_>) -> bool) -> bool {
        match self {
            RequestValues::One(v) => f(v),
            RequestValues::Many(values) => values.iter().any(|s| f(&RequestValue::Scalar(s))),
        }
    }

    fn all(&self, mut f: impl FnMut(&RequestValue<'_>) -> bool) -> bool {
        match self {
            RequestValues::One(v) => f(v),
            RequestValues::Many(values) => values.iter().all(|s| f(&RequestValue::Scalar(s))),
        }
    }
}

fn positive_match(kind: OperatorKind, value: &RequestValue<'_>, policy: &Prepared) -> bool {
    use OperatorKind::*;
    match (kind, policy) {
        (StringEquals | StringNotEquals, Prepared::Text(p)) => value.text() == p.as_str(),
        (StringEqualsIgnoreCase | StringNotEqualsIgnoreCase, Prepared::Lower(p)) => {
            value.text().to_lowercase() == *p
        }
        (StringLike | StringNotLike, Prepared::Glob(g)) => g.matches(&value.text()),
        (_, Prepared::Number(p)) => match value.number() {
            Some(v) => compare(kind, v.partial_cmp(p)),
            None => false,
        },
        (_, Prepared::Date(p)) => match value.date() {
            Some(v) => compare(kind, Some(v.cmp(p))),
            None => false,
        },
        (Bool, Prepared::Bool(p)) => value.boolean() == Some(*p),
        (BinaryEquals, Prepared::Binary(p)) => match value {
            RequestValue::Scalar(Scalar::String(s)) => {
                base64::decode(s).is_some_and(|bytes| bytes == *p)
            }
            RequestValue::Text(t) => base64::decode(t).is_some_and(|bytes| bytes == *p),
            _ => false,
        },
        (IpAddress | NotIpAddress, Prepared::Cidr(c)) => {
            value.ip().is_some_and(|ip| c.contains(ip))
        }
        (ArnEquals | ArnLike | ArnNotEquals | ArnNotLike, Prepared::Arn(p)) => {
            let text = value.text();
            // A value that is not an ARN never equals one.
            split_arn(&text).is_some() && p.matches(&text)
        }
        _ => false,
    }
}

fn compare(kind: OperatorKind, ordering: Option<std::cmp::Ordering>) -> bool {
    use OperatorKind::*;
    use std::cmp::Ordering::*;
    let Some(ordering) = ordering else {
        return false;
    };
    match kind {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ordering == Equal,
        NumericLessThan | DateLessThan => ordering == Less,
        NumericLessThanEquals | DateLessThanEquals => ordering != Greater,
        NumericGreaterThan | DateGreaterThan => ordering == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ordering != Less,
        _ => false,
    }
}
