//! The pure half of `portcullis policy lint` and `portcullis policy simulate`: text in, text
//! out, so the binary only reads files and sets the exit code.
//!
//! A simulation case is one JSON object:
//! `{"request": {"principal": "arn:...", "action": "...", "resource": "...", "context": {...}},
//!   "identity_policies": [...], "resource_policy": {...}, "trust_policy": {...},
//!   "permissions_boundary": {...}, "session_policy": {...}, "session_policies": [...]}`. Each policy is a document (object or JSON string) or
//! `{"name": "...", "document": ...}`, or `{"managed": "ReadOnlyAccess"}` for a built-in
//! managed policy. Only `request` and `identity_policies` are required.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{BufRead, Write};
use std::rc::Rc;
use std::sync::mpsc;

use serde_json::{Map, Value, json};

use super::catalogue::Catalogue;
use super::compile::CompiledPolicy;
use super::context::{Context, PrincipalInfo, Request};
use super::document::PolicyDocument;
use super::evaluate::{EvaluationInput, NamedPolicy, evaluate, trace};
use super::explain::write_result_json;
use super::json::Json;
use super::lint::{Severity, lint_with};
use super::managed::ManagedPolicy;
use super::parse::document_from_json;

/// A parsed case, owning its compiled policies.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: Option<Value>,
    pub request: Request,
    pub identity: Vec<(String, Rc<CompiledPolicy>)>,
    pub resource: Option<(String, Rc<CompiledPolicy>)>,
    pub trust: Option<(String, Rc<CompiledPolicy>)>,
    pub boundary: Option<(String, Rc<CompiledPolicy>)>,
    pub session: Vec<(String, Rc<CompiledPolicy>)>,
}

impl Case {
    pub fn input(&self) -> EvaluationInput<'_> {
        fn named(entry: &(String, Rc<CompiledPolicy>)) -> NamedPolicy<'_> {
            NamedPolicy::new(entry.0.as_str(), entry.1.as_ref())
        }
        EvaluationInput {
            request: &self.request,
            identity_policies: self.identity.iter().map(named).collect(),
            resource_policy: self.resource.as_ref().map(named),
            trust_policy: self.trust.as_ref().map(named),
            permissions_boundary: self.boundary.as_ref().map(named),
            session_policies: self.session.iter().map(named).collect(),
        }
    }
}

/// Compiled policies keyed by their JSON, so a batch that repeats the same policies on every
/// line compiles each once. The key is the policy's compact JSON with sorted keys (what
/// printing it as a `serde_json::Value` gives), written into a reused buffer, so a lookup
/// allocates nothing. A policy is kept from its second sighting on: one seen once (most, in
/// a batch of generated cases) is dropped after its case, while it is still in the CPU's
/// caches, instead of crowding out the rest and being freed later. Once full, the oldest
/// entry makes way for each new one.
#[derive(Default)]
pub struct PolicyCache {
    entries: HashMap<Rc<[u8]>, Rc<CompiledPolicy>, Sip>,
    order: VecDeque<Rc<[u8]>>,
    /// Hashes of the keys seen once and not kept.
    seen: HashSet<u64, Sip>,
    key: Vec<u8>,
    managed: BTreeMap<&'static str, Rc<CompiledPolicy>>,
}

/// Deterministic hashing: the engine has no randomness, and keys here are not adversarial
/// beyond the batch they come from.
type Sip = BuildHasherDefault<DefaultHasher>;

const CACHE_LIMIT: usize = 4096;
const SEEN_LIMIT: usize = 65_536;

impl PolicyCache {
    fn get(&mut self, path: &str, document: Json<'_>) -> Result<Rc<CompiledPolicy>, String> {
        self.key.clear();
        document.write_canonical(&mut self.key);
        if let Some(found) = self.entries.get(self.key.as_slice()) {
            return Ok(found.clone());
        }
        let parsed = match &document {
            Json::String(s) => PolicyDocument::parse(s),
            other => document_from_json(other),
        }
        .map_err(|e| format!("{path}: {e}"))?;
        let compiled = Rc::new(CompiledPolicy::new(parsed));
        if self.seen.len() >= SEEN_LIMIT {
            self.seen.clear();
        }
        if self
            .seen
            .insert(self.entries.hasher().hash_one(self.key.as_slice()))
        {
            return Ok(compiled);
        }
        if self.entries.len() >= CACHE_LIMIT
            && let Some(oldest) = self.order.pop_front()
        {
            self.entries.remove(&oldest);
        }
        let key: Rc<[u8]> = Rc::from(self.key.as_slice());
        self.entries.insert(key.clone(), compiled.clone());
        self.order.push_back(key);
        Ok(compiled)
    }

    fn managed(&mut self, policy: &'static ManagedPolicy) -> Result<Rc<CompiledPolicy>, String> {
        if let Some(found) = self.managed.get(policy.name) {
            return Ok(found.clone());
        }
        let compiled = Rc::new(
            CompiledPolicy::parse(policy.document)
                .map_err(|e| format!("built-in policy {}: {e}", policy.name))?,
        );
        self.managed.insert(policy.name, compiled.clone());
        Ok(compiled)
    }
}

fn named_policy(
    cache: &mut PolicyCache,
    path: &str,
    default_name: String,
    mut value: Json<'_>,
) -> Result<(String, Rc<CompiledPolicy>), String> {
    if let Json::Object(_) = value {
        if let Some(managed) = value.get("managed") {
            let Some(name) = managed.as_str() else {
                return Err(format!("{path}.managed: must be a policy name"));
            };
            let Some(policy) = super::managed::find(name) else {
                return Err(format!(
                    "{path}.managed: no built-in managed policy is named \"{name}\""
                ));
            };
            return Ok((policy.name.to_string(), cache.managed(policy)?));
        }
        let field = if value.get("document").is_some() {
            "document"
        } else {
            "policy"
        };
        if let Some(document) = value.take(field) {
            let name = match value.take("name") {
                Some(Json::String(n)) => n.into_owned(),
                Some(_) => return Err(format!("{path}.name: must be a string")),
                None => default_name,
            };
            return Ok((name, cache.get(&format!("{path}.document"), document)?));
        }
    }
    Ok((default_name, cache.get(path, value)?))
}

fn policy_list(
    cache: &mut PolicyCache,
    field: &str,
    value: Option<Json<'_>>,
) -> Result<Vec<(String, Rc<CompiledPolicy>)>, String> {
    match value {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("{field}[{i}]");
                named_policy(cache, &path, path.clone(), item)
            })
            .collect(),
        Some(other) => Err(format!(
            "{field}: must be an array of policies, not {}",
            other.describe()
        )),
    }
}

fn parse_principal(value: &Json<'_>) -> Result<PrincipalInfo, String> {
    match value {
        Json::String(arn) => {
            PrincipalInfo::from_arn(arn).map_err(|e| format!("request.principal: {e}"))
        }
        map @ Json::Object(_) => {
            let Some(Json::String(arn)) = map.get("arn") else {
                return Err("request.principal.arn: must be a string".into());
            };
            let mut info =
                PrincipalInfo::from_arn(arn).map_err(|e| format!("request.principal: {e}"))?;
            let text = |name: &str| -> Result<Option<String>, String> {
                match map.get(name) {
                    None | Some(Json::Null) => Ok(None),
                    Some(Json::String(s)) => Ok(Some(s.to_string())),
                    Some(_) => Err(format!("request.principal.{name}: must be a string")),
                }
            };
            if let Some(account) = text("account")? {
                info.account = account;
            }
            if let Some(kind) = map.get("kind") {
                info.kind = serde_json::from_value(kind.to_value())
                    .map_err(|_| "request.principal.kind: unknown principal kind".to_string())?;
            }
            if let Some(name) = text("user_name")? {
                info.user_name = Some(name);
            }
            if let Some(id) = text("unique_id")? {
                info.unique_id = Some(id);
            }
            match map.get("tags") {
                None | Some(Json::Null) => {}
                Some(Json::Object(tags)) => {
                    for (k, v) in tags {
                        let Json::String(v) = v else {
                            return Err(format!("request.principal.tags.{k}: must be a string"));
                        };
                        info.tags.insert(k.to_string(), v.to_string());
                    }
                }
                Some(_) => return Err("request.principal.tags: must be an object".into()),
            }
            Ok(info)
        }
        _ => Err("request.principal: must be an ARN string or an object".into()),
    }
}

fn parse_request(value: Option<&Json<'_>>) -> Result<Request, String> {
    let Some(map @ Json::Object(_)) = value else {
        return Err("request: is missing or not an object".into());
    };
    let field = |name: &str| -> Result<String, String> {
        match map.get(name) {
            Some(Json::String(s)) => Ok(s.to_string()),
            Some(_) => Err(format!("request.{name}: must be a string")),
            None => Err(format!("request.{name}: is missing")),
        }
    };
    let principal = parse_principal(
        map.get("principal")
            .ok_or_else(|| "request.principal: is missing".to_string())?,
    )?;
    let context = match map.get("context") {
        None | Some(Json::Null) => Context::new(),
        Some(v) => Context::from_json_view(v).map_err(|e| format!("request.{e}"))?,
    };
    Ok(Request {
        principal,
        action: field("action")?,
        resource: field("resource").unwrap_or_else(|_| "*".to_string()),
        context,
    })
}

/// Parses a simulation case, reusing compiled policies from `cache`.
pub fn parse_case_value(value: &Value, cache: &mut PolicyCache) -> Result<Case, String> {
    case_from_json(Json::from_value(value), cache).map_err(|(_, message)| message)
}

/// As [`parse_case_value`], consuming the case so its policies move into the cache. An error
/// comes with the case's id, when it has one.
fn case_from_json(
    mut value: Json<'_>,
    cache: &mut PolicyCache,
) -> Result<Case, (Option<Value>, String)> {
    if !matches!(value, Json::Object(_)) {
        return Err((
            None,
            format!("a case must be a JSON object, not {}", value.describe()),
        ));
    }
    let id = value.take("id").map(|id| id.to_value());
    match case_fields(&mut value, cache) {
        Ok(mut case) => {
            case.id = id;
            Ok(case)
        }
        Err(message) => Err((id, message)),
    }
}

fn case_fields(map: &mut Json<'_>, cache: &mut PolicyCache) -> Result<Case, String> {
    let request = parse_request(map.get("request"))?;
    if map.get("identity_policies").is_none() {
        return Err("identity_policies: is missing (use [] for none)".into());
    }
    let identity = policy_list(cache, "identity_policies", map.take("identity_policies"))?;
    let session_list = map.take("session_policies");
    let mut single = |cache: &mut PolicyCache, field: &str| -> Result<_, String> {
        match map.take(field) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => named_policy(cache, field, field.to_string(), v).map(Some),
        }
    };
    let resource = single(cache, "resource_policy")?;
    let trust = single(cache, "trust_policy")?;
    let boundary = single(cache, "permissions_boundary")?;
    let mut session = policy_list(cache, "session_policies", session_list)?;
    if let Some(p) = single(cache, "session_policy")? {
        session.insert(0, p);
    }
    Ok(Case {
        id: None,
        request,
        identity,
        resource,
        trust,
        boundary,
        session,
    })
}

pub fn parse_case(text: &str) -> Result<Case, String> {
    let value = Json::parse(text).map_err(|e| format!("the case is not valid JSON: {e}"))?;
    case_from_json(value, &mut PolicyCache::default()).map_err(|(_, message)| message)
}

fn result_json(case: &Case) -> Value {
    let evaluation = evaluate(&case.input());
    let mut out = Map::new();
    if let Some(id) = &case.id {
        out.insert("id".into(), id.clone());
    }
    out.insert(
        "decision".into(),
        Value::String(evaluation.decision.as_str().into()),
    );
    out.insert(
        "explanation".into(),
        serde_json::to_value(&evaluation.explanation).unwrap_or(Value::Null),
    );
    Value::Object(out)
}

/// `portcullis policy simulate FILE`: one case in, the decision and explanation out (pretty
/// JSON), or a message saying what is wrong with the case.
pub fn simulate_one(case_json: &str) -> Result<String, String> {
    let case = parse_case(case_json)?;
    serde_json::to_string_pretty(&result_json(&case)).map_err(|e| e.to_string())
}

/// Lines are read and handed out in blocks of about this many lines (or bytes), so that a
/// worker has enough to do per hand-off while memory stays bounded however long the input.
const BLOCK_LINES: usize = 256;
const BLOCK_BYTES: usize = 512 * 1024;
/// Blocks in flight per worker: one being worked on, one waiting.
const BLOCKS_PER_WORKER: usize = 2;

/// Consecutive input lines, kept in one buffer.
#[derive(Default)]
struct Block {
    /// The line number (from 1) of the first line.
    first: usize,
    text: String,
    /// Where each line is in `text`, line ending excluded.
    lines: Vec<(usize, usize)>,
}

/// A block's result lines, how many of its cases failed, and the block itself, handed back
/// so its buffers are reused (freeing large buffers makes the allocator sweep its free lists,
/// which showed in profiles).
struct Done {
    block: Block,
    text: Vec<u8>,
    failures: usize,
}

/// Reads up to a block of lines into `block` (its buffers reused), as `BufRead::lines` would
/// give them. Returns whether the input is exhausted, and the read error that ended it, if
/// any.
fn read_block(
    input: &mut impl BufRead,
    block: &mut Block,
    first: usize,
) -> (bool, Option<std::io::Error>) {
    block.first = first;
    block.text.clear();
    block.lines.clear();
    while block.lines.len() < BLOCK_LINES && block.text.len() < BLOCK_BYTES {
        let start = block.text.len();
        match input.read_line(&mut block.text) {
            Ok(0) => return (true, None),
            Ok(_) => {
                let mut end = block.text.len();
                if block.text[..end].ends_with('\n') {
                    end -= 1;
                    if block.text[..end].ends_with('\r') {
                        end -= 1;
                    }
                }
                block.lines.push((start, end));
            }
            Err(e) => {
                block.text.truncate(start);
                return (true, Some(e));
            }
        }
    }
    (false, None)
}

/// Runs a block's cases, writing their result lines into `out` (cleared first); returns how
/// many failed.
fn run_block(block: &Block, cache: &mut PolicyCache, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut failures = 0;
    for (i, &(start, end)) in block.lines.iter().enumerate() {
        let line = block.text.get(start..end).unwrap_or_default();
        if line.trim().is_empty() {
            continue;
        }
        if !batch_line(line, block.first + i, cache, out) {
            failures += 1;
        }
        out.push(b'\n');
    }
    failures
}

/// `portcullis policy simulate --batch`: one case per input line, one JSON result per output
/// line, in input order. A bad line gets `{"line": N, "error": "..."}` and the batch goes on;
/// blank lines are skipped. Returns the number of cases that failed.
///
/// Input beyond one block is shared out to a worker thread per core, each with its own
/// policy cache; the engine itself stays single-threaded (and wasm-compatible).
pub fn simulate_batch(mut input: impl BufRead, mut output: impl Write) -> std::io::Result<usize> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut block = Block::default();
    let (mut finished, mut error) = read_block(&mut input, &mut block, 1);
    let mut failures = 0;
    if finished || workers < 2 {
        let mut cache = PolicyCache::default();
        let mut out = Vec::new();
        loop {
            failures += run_block(&block, &mut cache, &mut out);
            output.write_all(&out)?;
            if finished {
                break;
            }
            let next = block.first + block.lines.len();
            (finished, error) = read_block(&mut input, &mut block, next);
        }
    } else {
        failures = parallel(block, &mut input, &mut output, workers, &mut error)?;
    }
    output.flush()?;
    match error {
        Some(e) => Err(e),
        None => Ok(failures),
    }
}

/// Runs the blocks on `workers` threads, block `k` on worker `k % workers`, and writes their
/// results in block order. A read error ends the input (it is left in `error`).
fn parallel(
    first: Block,
    input: &mut impl BufRead,
    output: &mut impl Write,
    workers: usize,
    error: &mut Option<std::io::Error>,
) -> std::io::Result<usize> {
    std::thread::scope(|scope| {
        let mut jobs = Vec::with_capacity(workers);
        let mut results = Vec::with_capacity(workers);
        for _ in 0..workers {
            let (job_tx, job_rx) = mpsc::channel::<(Block, Vec<u8>)>();
            let (done_tx, done_rx) = mpsc::channel::<Done>();
            scope.spawn(move || {
                let mut cache = PolicyCache::default();
                for (block, mut text) in job_rx {
                    let failures = run_block(&block, &mut cache, &mut text);
                    let done = Done {
                        block,
                        text,
                        failures,
                    };
                    if done_tx.send(done).is_err() {
                        break;
                    }
                }
            });
            jobs.push(job_tx);
            results.push(done_rx);
        }
        let mut next_line = first.first + first.lines.len();
        let mut pending = Some(first);
        let mut spare_blocks: Vec<Block> = Vec::new();
        let mut spare_texts: Vec<Vec<u8>> = Vec::new();
        let mut finished = false;
        let (mut sent, mut written, mut failures) = (0usize, 0usize, 0usize);
        loop {
            while sent - written < workers * BLOCKS_PER_WORKER {
                let block = match pending.take() {
                    Some(block) => block,
                    None if finished => break,
                    None => {
                        let mut block = spare_blocks.pop().unwrap_or_default();
                        let (end, e) = read_block(input, &mut block, next_line);
                        finished = end;
                        *error = e;
                        next_line = block.first + block.lines.len();
                        block
                    }
                };
                let text = spare_texts.pop().unwrap_or_default();
                let worker = jobs.get(sent % workers).ok_or_else(worker_gone)?;
                worker.send((block, text)).map_err(|_| worker_gone())?;
                sent += 1;
            }
            if written == sent {
                break;
            }
            let done = results
                .get(written % workers)
                .ok_or_else(worker_gone)?
                .recv()
                .map_err(|_| worker_gone())?;
            failures += done.failures;
            output.write_all(&done.text)?;
            spare_blocks.push(done.block);
            spare_texts.push(done.text);
            written += 1;
        }
        Ok(failures)
    })
}

fn worker_gone() -> std::io::Error {
    std::io::Error::other("a simulation worker stopped unexpectedly")
}

/// One batch line: its result or error object written to `out`; false if the case failed.
fn batch_line(line: &str, number: usize, cache: &mut PolicyCache, out: &mut Vec<u8>) -> bool {
    let parsed = Json::parse(line)
        .map_err(|e| (None, format!("the case is not valid JSON: {e}")))
        .and_then(|value| case_from_json(value, cache));
    match parsed {
        Ok(case) => {
            let input = case.input();
            write_result_json(out, case.id.as_ref(), &trace(&input));
            true
        }
        Err((id, message)) => {
            let mut err = Map::new();
            err.insert("line".into(), json!(number));
            if let Some(id) = id {
                err.insert("id".into(), id);
            }
            err.insert("error".into(), Value::String(message));
            // Serialising a Value into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &Value::Object(err));
            false
        }
    }
}

/// `portcullis policy lint FILE`: the findings as text, and the exit code (1 when the policy
/// has an error, else 0). With the AWS service catalogue, every service's actions are
/// checked.
pub fn lint_report(input: &str, catalogue: Option<&Catalogue>) -> (String, i32) {
    let findings = lint_with(input, catalogue);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("No findings.\n");
    }
    for finding in &findings {
        out.push_str(&finding.to_string());
        out.push('\n');
    }
    if !findings.is_empty() {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        out.push_str(&format!(
            "{} error(s), {} security warning(s), {} warning(s), {} suggestion(s)\n",
            errors,
            count(Severity::SecurityWarning),
            count(Severity::Warning),
            count(Severity::Suggestion)
        ));
    }
    (out, i32::from(errors > 0))
}

/// The findings as a JSON array, for scripts and the editor.
pub fn lint_json(input: &str, catalogue: Option<&Catalogue>) -> String {
    serde_json::to_string(&lint_with(input, catalogue)).unwrap_or_else(|_| "[]".into())
}
