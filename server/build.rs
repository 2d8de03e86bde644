//! Finds the AWS managed policy catalogue that `src/aws_policies.rs` embeds, making it
//! with `scripts/aws-managed-policies.sh` when it is missing, and hands its absolute
//! path to the compiler as `PORTCULLIS_AWS_POLICIES_JSON`.
//!
//! The file is `$PORTCULLIS_AWS_POLICIES` when set (relative to the workspace root), else
//! `<workspace>/target/aws-data/aws-managed-policies.json`.

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
    let script = workspace.join(SCRIPT);
    let file = match std::env::var_os("PORTCULLIS_AWS_POLICIES") {
        Some(path) if !path.is_empty() => workspace.join(path),
        _ => workspace.join(DEFAULT_FILE),
    };

    println!("cargo:rerun-if-env-changed=PORTCULLIS_AWS_POLICIES");
    println!("cargo:rerun-if-changed={}", script.display());
    println!("cargo:rerun-if-changed={}", file.display());

    if !file.is_file() {
        let status = Command::new("bash")
            .arg(&script)
            .arg(&file)
            .status()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !status.success() || !file.is_file() {
            return Err(format!(
                "the AWS managed policy catalogue {} is missing and {SCRIPT} could not make it \
                 ({status}; its message is above). Run `{SCRIPT} {}` by hand (it needs npm and \
                 the npm registry), or set PORTCULLIS_AWS_POLICIES to a catalogue it made.",
                file.display(),
                file.display()
            ));
        }
    }
    let file = std::path::absolute(&file)
        .map_err(|e| format!("cannot resolve {}: {e}", file.display()))?;
    println!(
        "cargo:rustc-env=PORTCULLIS_AWS_POLICIES_JSON={}",
        file.display()
    );
    Ok(())
}
