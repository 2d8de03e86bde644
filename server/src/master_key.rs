//! The master keys: from PORTCULLIS_MASTER_KEY, or from `<data dir>/master.key` (one
//! key per line, the current one first), checked against the database at start-up, and
//! rotated by `portcullis master-key rotate` while servers run.

use crate::config::{MasterKey, Settings};
use crate::database;
use app::crypto::sealer::KeySource;
use app::crypto::{Entropy, Sealer};
use app::directory::sealed_secrets;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

const FILE: &str = "master.key";

/// The key file as a running server's key source: read again when its modification
/// time changes, so a rotation reaches running servers without a restart.
pub struct KeyFile {
    path: PathBuf,
    loaded: Mutex<Option<SystemTime>>,
}

impl KeyFile {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE),
            loaded: Mutex::new(None),
        }
    }

    fn modified(&self) -> Option<SystemTime> {
        std::fs::symlink_metadata(&self.path)
            .and_then(|m| m.modified())
            .ok()
    }

    /// The keys in the file; `None` when there is no file.
    pub fn read(&self) -> Result<Option<Vec<MasterKey>>, String> {
        let Some(text) = database::read_private_file(&self.path).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        MasterKey::parse_ring(&text)
            .map(Some)
            .map_err(|m| format!("{}: {m}", self.path.display()))
    }

    /// Replaces the file's keys at once (a new file renamed over the old), so a
    /// server reading it never sees half of it.
    pub fn write(&self, keys: &[MasterKey]) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        let text: String = keys
            .iter()
            .map(|k| format!("{}\n", k.to_base64()))
            .collect();
        let staged = format!("{FILE}.new");
        database::write_private_file(dir, &staged, &text).map_err(|e| e.to_string())?;
        std::fs::rename(dir.join(&staged), &self.path)
            .map_err(|e| format!("cannot replace {}: {e}", self.path.display()))
    }
}

impl KeySource for KeyFile {
    fn changed(&self) -> bool {
        let loaded = *self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        self.modified() != loaded
    }

    fn load(&self) -> Result<Vec<[u8; 32]>, String> {
        let modified = self.modified();
        let keys = self
            .read()?
            .ok_or_else(|| format!("{} is missing", self.path.display()))?;
        *self.loaded.lock().unwrap_or_else(|p| p.into_inner()) = modified;
        Ok(keys.iter().map(|k| *k.bytes()).collect())
    }
}

fn sealer_of(keys: &[MasterKey]) -> Result<Sealer, String> {
    let (current, older) = keys.split_first().ok_or("no master key")?;
    let older: Vec<[u8; 32]> = older.iter().map(|k| *k.bytes()).collect();
    Ok(Sealer::with_keys(current.bytes(), &older))
}

/// The sealer this server runs with, checked against the database: the keys from
/// PORTCULLIS_MASTER_KEY, or else the key file (made on first start, when the database
/// holds no secret yet). A missing or wrong key is an error of one line.
pub async fn open(settings: &Settings, pool: &PgPool, embedded: bool) -> Result<Sealer, String> {
    let sealer = if !settings.master_keys.is_empty() {
        sealer_of(&settings.master_keys)?
    } else if !embedded {
        return Err("PORTCULLIS_MASTER_KEY: required when DATABASE_URL is set (32 bytes in base64, e.g. `openssl rand -base64 32`)".to_owned());
    } else {
        let file = KeyFile::new(&settings.data_dir);
        if file.read()?.is_none() {
            let sealed = sealed_secrets::count(pool).await?;
            if sealed > 0 {
                return Err(format!(
                    "{} is missing, but the database holds {sealed} secret(s) sealed with a master key: restore the file from your backup, or set PORTCULLIS_MASTER_KEY",
                    settings.data_dir.join(FILE).display()
                ));
            }
            file.write(&[MasterKey::generate()])?;
            tracing::info!(path = %settings.data_dir.join(FILE).display(), "generated a new master key");
        }
        Sealer::from_source(Box::new(file))?
    };
    sealed_secrets::check_keys(pool, &sealer).await?;
    Ok(sealer)
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub new_key_id: String,
    pub retired_key_ids: Vec<String>,
    pub resealed: u64,
}

/// Rotates the key file: a new key goes first (running servers seal with it from their
/// next secret on), every secret is re-sealed under it, and the old keys leave the file.
/// Secrets a server sealed with an old key meanwhile are re-sealed in a second pass.
pub async fn rotate_file(
    pool: &PgPool,
    data_dir: &Path,
    entropy: &dyn Entropy,
) -> Result<Rotation, String> {
    let file = KeyFile::new(data_dir);
    let old = file.read()?.ok_or_else(|| {
        format!(
            "{} is missing: there is no key to rotate",
            data_dir.join(FILE).display()
        )
    })?;
    let new = MasterKey::generate();
    let ring: Vec<MasterKey> = std::iter::once(new.clone()).chain(old).collect();
    let sealer = sealer_of(&ring)?;
    sealed_secrets::check_keys(pool, &sealer).await?;
    file.write(&ring)?;
    let mut resealed = sealed_secrets::reseal_all(pool, &sealer, entropy).await?;
    file.write(std::slice::from_ref(&new))?;
    resealed += sealed_secrets::reseal_all(pool, &sealer, entropy).await?;
    sealed_secrets::check_keys(pool, &sealer_of(std::slice::from_ref(&new))?).await?;
    let ids = sealer.key_ids();
    Ok(Rotation {
        new_key_id: ids[0].clone(),
        retired_key_ids: ids[1..].to_vec(),
        resealed,
    })
}

/// Rotates to the first key of PORTCULLIS_MASTER_KEY: every secret sealed by the others
/// is re-sealed under it. The servers must already run with the new key first (they
/// cannot read a changed environment).
pub async fn rotate_configured(
    pool: &PgPool,
    keys: &[MasterKey],
    entropy: &dyn Entropy,
) -> Result<Rotation, String> {
    if keys.len() < 2 {
        return Err("PORTCULLIS_MASTER_KEY holds one key: to rotate, put a new key first (PORTCULLIS_MASTER_KEY=NEW,OLD), restart the servers with it, then run this again".to_owned());
    }
    let sealer = sealer_of(keys)?;
    sealed_secrets::check_keys(pool, &sealer).await?;
    let resealed = sealed_secrets::reseal_all(pool, &sealer, entropy).await?;
    sealed_secrets::check_keys(pool, &sealer_of(&keys[..1])?).await?;
    let ids = sealer.key_ids();
    Ok(Rotation {
        new_key_id: ids[0].clone(),
        retired_key_ids: ids[1..].to_vec(),
        resealed,
    })
}
