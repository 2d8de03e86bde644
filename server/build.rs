//! Finds the data files the server builds in, making each with its script when it is
//! missing, and hands their absolute paths to the compiler:
//! - the AWS managed policies (`src/aws_policies.rs`): `$PORTCULLIS_AWS_POLICIES` when set
//!   (relative to the workspace root), else `target/aws-data/aws-managed-policies.json`,
//!   made by `scripts/aws-managed-policies.sh`, as `PORTCULLIS_AWS_POLICIES_JSON`;
//! - the AWS service catalogue (`src/aws_catalogue.rs`): `$PORTCULLIS_AWS_CATALOGUE` or
//!   `target/aws-data/aws-catalogue.json` and its `.gz`, made by
//!   `scripts/aws-catalogue.sh`, as `PORTCULLIS_AWS_CATALOGUE_JSON`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const SCRIPT: &str = "scripts/aws-managed-policies.sh";
const DEFAULT_FILE: &str = "target/aws-data/aws-managed-policies.json";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or("CARGO_MANIFEST_DIR is not set (run this through cargo)")?;
    let workspace = manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .ok_or("the server package has no parent directory")?;
    data_file(&workspace, &POLICIES)?;
    data_file(&workspace, &CATALOGUE)
}

/// A data file built into the binary, made by its script when missing.
struct DataFile {
    what: &'static str,
    script: &'static str,
    default_file: &'static str,
    /// Overrides the file's place (relative to the workspace root).
    env: &'static str,
    /// What the compiler is told the file's absolute path is.
    rustc_env: &'static str,
    /// Whether a gzip copy (`<file>.gz`) is built in too.
    with_gzip: bool,
}

const POLICIES: DataFile = DataFile {
    what: "the AWS managed policy catalogue",
    script: SCRIPT,
    default_file: DEFAULT_FILE,
    env: "PORTCULLIS_AWS_POLICIES",
    rustc_env: "PORTCULLIS_AWS_POLICIES_JSON",
    with_gzip: false,
};

/// The AWS service catalogue (`src/aws_catalogue.rs`): the JSON and, beside it, its
/// gzip copy (`<file>.gz`).
const CATALOGUE: DataFile = DataFile {
    what: "the AWS service catalogue",
    script: "scripts/aws-catalogue.sh",
    default_file: "target/aws-data/aws-catalogue.json",
    env: "PORTCULLIS_AWS_CATALOGUE",
    rustc_env: "PORTCULLIS_AWS_CATALOGUE_JSON",
    with_gzip: true,
};

fn data_file(workspace: &Path, data: &DataFile) -> Result<(), String> {
    let script = workspace.join(data.script);
    let file = match std::env::var_os(data.env) {
        Some(path) if !path.is_empty() => workspace.join(path),
        _ => workspace.join(data.default_file),
    };
    let gzip = PathBuf::from(format!("{}.gz", file.display()));

    println!("cargo:rerun-if-env-changed={}", data.env);
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed={}", file.display());

    let present = |f: &Path| f.is_file() && (!data.with_gzip || gzip.is_file());
    if !present(&file) {
        let status = Command::new("bash")
            .arg(&script)
            .arg(&file)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !status.success() || !present(&file) {
            return Err(format!(
                "{} {} is missing and {} could not make it ({status}; its message is \
                 above). Run `{} {}` by hand (it needs npm and the npm registry), or set {} \
                 to a file it made.",
                data.what,
                file.display(),
                data.script,
                data.script,
                file.display(),
                data.env
            ));
        }
    }
    let file = std::path::absolute(&file)
        .map_err(|e| format!("cannot resolve {}: {e}", file.display()))?;
    println!("cargo:rustc-env={}={}", data.rustc_env, file.display());
    Ok(())
}
