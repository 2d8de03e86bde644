//! The AWS managed policies built into this binary (the catalogue server/build.rs finds
//! or makes with scripts/aws-managed-policies.sh), written to the database at start-up.

use app::store::aws_policies::{self, AwsPolicy, SyncReport};
use sqlx::PgPool;
use std::sync::OnceLock;
use time::OffsetDateTime;

/// The catalogue as built in: a JSON array of [`AwsPolicy`], sorted by ARN.
pub const CATALOGUE_JSON: &str = include_str!(env!("PORTCULLIS_AWS_POLICIES_JSON"));

/// The built-in catalogue's fingerprint (what the database records once it is synced).
pub fn fingerprint() -> &'static str {
    static FINGERPRINT: OnceLock<String> = OnceLock::new();
    FINGERPRINT.get_or_init(|| aws_policies::fingerprint(CATALOGUE_JSON.as_bytes()))
}

/// The built-in catalogue, parsed.
pub fn catalogue() -> Result<Vec<AwsPolicy>, String> {
    serde_json::from_str(CATALOGUE_JSON)
        .map_err(|e| format!("the built-in AWS managed policy catalogue does not parse: {e}"))
}

/// Writes the built-in catalogue to the database unless it is there already (checked by
/// its fingerprint before the catalogue is parsed, so a restart costs one query).
pub async fn sync(pool: &PgPool, now: OffsetDateTime) -> Result<SyncReport, String> {
    let fingerprint = fingerprint();
    let stored = aws_policies::synced_fingerprint(pool)
        .await
        .map_err(|e| format!("cannot read which AWS managed policies are synced: {e}"))?;
    if stored.as_deref() == Some(fingerprint) {
        // The count is not known without parsing, and is not needed.
        return Ok(SyncReport::skipped(0));
    }
    let catalogue = catalogue()?;
    aws_policies::sync(pool, &catalogue, fingerprint, now)
        .await
        .map_err(|e| format!("cannot sync the AWS managed policies: {e}"))
}
