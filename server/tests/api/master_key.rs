//! The master key: rotation re-seals every secret and running servers follow it; a
//! missing or wrong key stops start-up with one line; and a dump of the database holds
//! no secret, seed, recovery code or password in any common encoding.

use crate::fixture::*;
use crate::helpers::ROOT_PASSWORD;
use app::crypto::{Sealer, SeededEntropy};
use app::directory::{access_keys, mfa, users};
use app::model::{IamPath, MfaDeviceName, NewAccessKey, NewMfaDevice};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use server::config::{MasterKey, Settings};
use server::master_key::{self, KeyFile};
use std::process::Command;

/// The fixture's server seals with this key (see `helpers::test_state`).
const FIXTURE_KEY: [u8; 32] = [9; 32];

/// An access key and an MFA device enabled for user "holder", made by root.
async fn secrets(fx: &Fx) -> (NewAccessKey, NewMfaDevice) {
    let root = fx.root().await;
    users::create_user(&root, users::NewUser::parse("holder", "/", &[]).unwrap())
        .await
        .unwrap();
    let key = access_keys::create_access_key(&root, Some(&name("holder")))
        .await
        .unwrap();
    let device = mfa::create_virtual_mfa_device(
        &root,
        &MfaDeviceName::parse("holder").unwrap(),
        &IamPath::root(),
    )
    .await
    .unwrap();
    (key, device)
}

async fn sealed_of(fx: &Fx, key: &NewAccessKey, device: &NewMfaDevice) -> (Vec<u8>, Vec<u8>) {
    let secret: Vec<u8> =
        sqlx::query_scalar("SELECT secret_sealed FROM access_keys WHERE access_key_id = $1")
            .bind(key.key.id.as_str())
            .fetch_one(&fx.pool)
            .await
            .unwrap();
    let seed: Vec<u8> =
        sqlx::query_scalar("SELECT seed_sealed FROM mfa_devices WHERE serial_number = $1")
            .bind(&device.device.serial_number)
            .fetch_one(&fx.pool)
            .await
            .unwrap();
    (secret, seed)
}

fn data_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("portcullis-mk-{tag}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn rotation_reseals_every_secret_and_a_running_server_follows_the_key_file() {
    let fx = fixture().await;
    let (key, device) = secrets(&fx).await;
    let dir = data_dir("rotate");
    let file = KeyFile::new(&dir);
    file.write(&[MasterKey::from_bytes(FIXTURE_KEY)]).unwrap();
    // A server started before the rotation, reading the key file.
    let running = Sealer::from_source(Box::new(KeyFile::new(&dir))).unwrap();
    let before = running.key_id();

    let rotation = master_key::rotate_file(&fx.pool, &dir, &SeededEntropy::new(5))
        .await
        .unwrap();
    assert_eq!(rotation.resealed, 2);
    assert_eq!(rotation.retired_key_ids, vec![before.clone()]);
    assert_ne!(rotation.new_key_id, before);
    // The file now holds the new key alone.
    let keys = file.read().unwrap().unwrap();
    assert_eq!(keys.len(), 1);
    let new = Sealer::new(keys[0].bytes());
    assert_eq!(new.key_id(), rotation.new_key_id);

    let (secret, seed) = sealed_of(&fx, &key, &device).await;
    for sealed in [&secret, &seed] {
        assert_eq!(Sealer::sealed_by(sealed), Some(rotation.new_key_id.clone()));
    }
    let context = format!("access-key:{}", key.key.id);
    assert_eq!(new.open(&context, &secret).unwrap(), key.secret.as_bytes());
    // The old key alone opens nothing any more.
    assert!(Sealer::new(&FIXTURE_KEY).open(&context, &secret).is_err());
    // The running server opens the re-sealed secrets, and seals with the new key.
    assert_eq!(
        running.open(&context, &secret).unwrap(),
        key.secret.as_bytes()
    );
    let seed_context = format!("mfa-seed:{}", device.device.serial_number);
    let opened_seed = running.open(&seed_context, &seed).unwrap();
    let shown = app::crypto::totp::Seed::from_bytes(opened_seed).unwrap();
    assert_eq!(
        shown.base32(),
        device.base32_seed,
        "the same seed, re-sealed"
    );
    let later = running.seal(&SeededEntropy::new(6), "c", b"x");
    assert_eq!(Sealer::sealed_by(&later), Some(rotation.new_key_id.clone()));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn settings_with(dir: &std::path::Path, key: Option<&str>) -> Settings {
    let dir = dir.display().to_string();
    Settings::from_lookup(|name| match name {
        "PORTCULLIS_DATA_DIR" => Some(dir.clone()),
        "PORTCULLIS_MASTER_KEY" => key.map(str::to_owned),
        _ => None,
    })
    .unwrap()
}

#[tokio::test]
async fn a_missing_or_wrong_key_stops_start_up_and_a_right_one_does_not() {
    let fx = fixture().await;
    secrets(&fx).await;
    let dir = data_dir("start");
    let missing = master_key::open(&settings_with(&dir, None), &fx.pool, true)
        .await
        .unwrap_err();
    assert!(missing.contains("master.key is missing"), "{missing}");
    assert!(missing.contains("2 secret(s)"), "{missing}");
    assert!(
        !dir.join("master.key").exists(),
        "no new key replaces a lost one"
    );

    let wrong = MasterKey::generate().to_base64();
    let error = master_key::open(&settings_with(&dir, Some(&wrong)), &fx.pool, false)
        .await
        .unwrap_err();
    assert!(error.contains("does not match the database"), "{error}");
    assert!(!error.contains('\n'));

    let right = MasterKey::from_bytes(FIXTURE_KEY).to_base64();
    let sealer = master_key::open(&settings_with(&dir, Some(&right)), &fx.pool, false)
        .await
        .unwrap();
    assert_eq!(sealer.key_id(), Sealer::new(&FIXTURE_KEY).key_id());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_cli_rotates_to_the_first_configured_key() {
    let fx = fixture().await;
    let (key, _) = secrets(&fx).await;
    let old = MasterKey::from_bytes(FIXTURE_KEY).to_base64();
    let new = MasterKey::generate();
    let run = |args: &[&str], keys: &str| {
        Command::new(env!("CARGO_BIN_EXE_portcullis"))
            .args(args)
            .env_remove("PORTCULLIS_DATABASE_URL")
            .env("DATABASE_URL", &fx.url)
            .env("PORTCULLIS_MASTER_KEY", keys)
            .env("PORTCULLIS_LOG", "warn")
            .output()
            .unwrap()
    };
    let one = run(&["master-key", "rotate"], &old);
    assert!(!one.status.success());
    assert!(String::from_utf8_lossy(&one.stderr).contains("put a new key first"));

    let both = format!("{},{old}", new.to_base64());
    let out = run(&["master-key", "rotate"], &both);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Re-sealed 2 secret(s)"), "{stdout}");
    assert!(stdout.contains("Remove the retired keys"), "{stdout}");
    // The old key alone no longer starts anything, in one line; the new one does.
    let stale = run(&["migrate"], &old);
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(!stale.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("does not match the database"), "{stderr}");
    assert!(run(&["migrate"], &new.to_base64()).status.success());
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT secret_sealed FROM access_keys WHERE access_key_id = $1")
            .bind(key.key.id.as_str())
            .fetch_one(&fx.pool)
            .await
            .unwrap();
    let opened = Sealer::new(new.bytes())
        .open(&format!("access-key:{}", key.key.id), &sealed)
        .unwrap();
    assert_eq!(opened, key.secret.as_bytes());
}

/// Every way a secret might be written down: as is, in either case, hex and base64.
fn encodings(secret: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(secret).into_owned();
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        text.clone(),
        text.to_lowercase(),
        hex.clone(),
        hex.to_uppercase(),
        BASE64.encode(secret),
        BASE64.encode(secret).trim_end_matches('=').to_owned(),
    ]
}

#[tokio::test]
async fn a_database_dump_holds_no_secret_seed_or_password() {
    let fx = fixture().await;
    let (key, device) = secrets(&fx).await;
    let root = fx.root().await;
    users::create_login_profile(
        &root,
        &name("holder"),
        users::NewPassword::Chosen(app::model::Password::new(USER_PASSWORD.to_owned())),
        false,
    )
    .await
    .unwrap();
    // Root's own device, and the recovery codes that come with it.
    fx.enabled_device(&root, "root-device", None).await;
    let codes = app::directory::recovery::issue_recovery_codes(&root)
        .await
        .unwrap();
    let (_, seed_sealed) = sealed_of(&fx, &key, &device).await;
    let seed = fx
        .state
        .sealer
        .open(
            &format!("mfa-seed:{}", device.device.serial_number),
            &seed_sealed,
        )
        .unwrap();
    let dump = Command::new("pg_dump")
        .args(["--data-only", "--dbname", &fx.url])
        .output()
        .expect("pg_dump (PostgreSQL's client tools)");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump = String::from_utf8_lossy(&dump.stdout).into_owned();
    assert!(
        dump.contains(key.key.id.as_str()),
        "the dump has the key's row"
    );
    // The seed's raw bytes also as PostgreSQL writes bytea (\x and hex).
    let mut forbidden: Vec<(String, String)> = Vec::new();
    for (what, secret) in [
        ("access key secret", key.secret.as_bytes().to_vec()),
        ("MFA seed (Base32)", device.base32_seed.as_bytes().to_vec()),
        ("MFA seed", seed.clone()),
        ("root password", ROOT_PASSWORD.as_bytes().to_vec()),
        ("user password", USER_PASSWORD.as_bytes().to_vec()),
    ] {
        for encoded in encodings(&secret) {
            forbidden.push((what.to_owned(), encoded));
        }
    }
    for code in &codes {
        for shown in [code.as_str().to_owned(), code.grouped()] {
            for encoded in encodings(shown.as_bytes()) {
                forbidden.push(("recovery code".to_owned(), encoded));
            }
        }
    }
    assert!(
        dump.contains("recovery_codes"),
        "the dump has the codes' table"
    );
    for (what, encoded) in forbidden {
        assert!(
            !dump.contains(&encoded),
            "the dump holds the {what} as {encoded}"
        );
    }
}
