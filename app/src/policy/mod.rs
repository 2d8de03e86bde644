//! The AWS IAM policy language: parsing, validation, evaluation with explanations, linting,
//! and the built-in managed policies.
//!
//! Everything here is pure (no I/O, no clock, no randomness) so the browser can run the very
//! same code through WebAssembly. Time reaches the engine only as a context key such as
//! `aws:CurrentTime`.
//!
//! The way through it:
//! - [`PolicyDocument::parse`] checks a document and says where it is wrong ([`PolicyError`]);
//!   [`check_size`] applies AWS's size limits; [`lint()`] gives Access Analyzer-style findings.
//! - [`CompiledPolicy::new`] prepares a document once for many decisions.
//! - [`EvaluationInput`] gathers the request and the policies (identity, resource or trust,
//!   permissions boundary, session); [`decide`] gives the decision alone, fast, and
//!   [`evaluate`] adds the [`Explanation`].
//! - [`managed::builtin`] lists the built-in managed policies; [`cli`] holds the pure half of
//!   `portcullis policy lint|simulate`.

pub mod actions;
mod base64;
pub mod builder;
pub mod catalogue;
mod cidr;
pub mod cli;
mod compile;
mod condition;
mod context;
mod date;
mod document;
mod error;
mod evaluate;
mod explain;
mod json;
mod keys;
pub mod lint;
mod locate;
pub mod managed;
mod matcher;
mod number;
mod operator;
mod parse;
mod principal;
mod size;
pub mod summary;
mod variables;

pub use catalogue::{AccessLevel, Catalogue};
pub use cidr::Cidr;
pub use compile::CompiledPolicy;
pub use context::{Context, ContextValue, PrincipalInfo, PrincipalKind, Request, Scalar};
pub use document::{
    Clause, Condition, Effect, PolicyDocument, Principal, PrincipalClause, PrincipalType,
    Statement, Version,
};
pub use error::PolicyError;
pub use evaluate::{
    Decision, Evaluation, EvaluationInput, NamedPolicy, PolicyType, decide, evaluate,
};
pub use explain::{Explanation, Missing, NotApplied, Reason, StatementRef};
pub use lint::{Finding, Severity, lint, lint_with};
pub use operator::{Operator, OperatorKind, SetQualifier, ValueType};
pub use principal::PrincipalMatch;
pub use size::{PolicyKind, SizeError, check_size, policy_size};
pub use summary::{AccessSummary, ServiceSummary, summarise};
