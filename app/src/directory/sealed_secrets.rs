//! The master key's side of the database: whether this server holds every key that
//! sealed a stored secret (checked at start-up), and re-sealing every secret under the
//! current key (`portcullis master-key rotate`).

use crate::crypto::{Entropy, Sealer};
use crate::store::{self, sealed::SealedSecret, sealed::SecretKind};
use sqlx::PgPool;

/// What a secret was sealed for: the same context its service seals and opens it with.
fn context(secret: &SealedSecret) -> String {
    match secret.kind {
        SecretKind::AccessKey => super::access_keys::secret_context_of(&secret.id),
        SecretKind::MfaSeed => super::mfa::seed_context(&secret.id),
        SecretKind::SessionKey => super::sts::secret_context(&secret.id),
    }
}

/// Fails, in one line, when a stored secret was sealed by a key the sealer does not
/// hold: a server started with the wrong master key must not run (it could neither
/// check a signature nor a code).
pub async fn check_keys(pool: &PgPool, sealer: &Sealer) -> Result<(), String> {
    let mut conn = store::acquire(pool).await.map_err(|e| e.to_string())?;
    let in_use = store::sealed::key_ids_in_use(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    let held = sealer.key_ids();
    let unknown: Vec<String> = in_use
        .iter()
        .filter(|(id, _)| !held.contains(id))
        .map(|(id, count)| format!("{count} by key {id}"))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the master key does not match the database: secrets were sealed by keys this server does not hold ({}); it holds {}. Start it with the master key that sealed them",
        unknown.join(", "),
        held.join(", ")
    ))
}

/// How many secrets the database holds, by any key (a missing key file is only safe
/// to replace by a new key when there are none).
pub async fn count(pool: &PgPool) -> Result<i64, String> {
    let mut conn = store::acquire(pool).await.map_err(|e| e.to_string())?;
    let in_use = store::sealed::key_ids_in_use(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(in_use.iter().map(|(_, n)| n).sum())
}

/// Re-seals every secret not sealed by the sealer's current key under it; returns how
/// many. Each secret is replaced on its own, only if unchanged since it was read, so a
/// running server can go on creating and deleting secrets meanwhile.
pub async fn reseal_all(
    pool: &PgPool,
    sealer: &Sealer,
    entropy: &dyn Entropy,
) -> Result<u64, String> {
    const BATCH: i64 = 200;
    let current = sealer.key_id();
    let mut conn = store::acquire(pool).await.map_err(|e| e.to_string())?;
    let mut resealed = 0;
    let mut stalled = 0;
    loop {
        let batch = store::sealed::sealed_by_others(&mut conn, &current, BATCH)
            .await
            .map_err(|e| e.to_string())?;
        if batch.is_empty() {
            return Ok(resealed);
        }
        let mut progress = false;
        for secret in &batch {
            let context = context(secret);
            let plain = sealer
                .open(&context, &secret.sealed)
                .map_err(|e| format!("cannot open the secret of {}: {e}", secret.id))?;
            let fresh = sealer.seal(entropy, &context, &plain);
            if store::sealed::replace(&mut conn, secret, &fresh)
                .await
                .map_err(|e| e.to_string())?
            {
                resealed += 1;
                progress = true;
            }
        }
        // A secret that changed under us is read again; one that keeps being sealed by
        // an old key (a server that cannot read the key file) stops the rotation.
        stalled = if progress { 0 } else { stalled + 1 };
        if stalled > 3 {
            return Err(format!(
                "secrets keep being sealed by an old key (the last: {}); is a server running without access to the new key?",
                batch[0].id
            ));
        }
    }
}
