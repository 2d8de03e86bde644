//! The database: an external PostgreSQL from `DATABASE_URL`, or a private cluster that
//! `portcullis` runs itself under the data directory (unix socket only, no TCP port).

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DatabaseError(pub String);

fn fail(message: impl Into<String>) -> DatabaseError {
    DatabaseError(message.into())
}

const DATABASE_NAME: &str = "portcullis";

/// A PostgreSQL cluster owned by this process: started on creation, stopped by `stop`
/// (or, failing that, on drop).
pub struct EmbeddedPostgres {
    pgdata: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    as_postgres_user: bool,
    running: bool,
    // Held for the life of the process: a second portcullis on the same directory is
    // refused instead of corrupting the cluster.
    _lock: File,
}

impl EmbeddedPostgres {
    /// Takes the data directory's lock, creates the cluster on first use and starts it.
    pub fn start(data_dir: &Path) -> Result<Self, DatabaseError> {
        let data_dir = std::path::absolute(data_dir)
            .map_err(|e| fail(format!("data directory {}: {e}", data_dir.display())))?;
        let as_postgres_user = running_as_root();
        create_private_dir(&data_dir, if as_postgres_user { 0o711 } else { 0o700 })?;
        let lock = take_lock(&data_dir)?;

        let bin_dir = find_postgres_binaries()?;
        let pgdata = data_dir.join("postgres");
        let socket_dir = data_dir.join("run");
        let mut cluster = Self {
            pgdata,
            socket_dir,
            bin_dir,
            as_postgres_user,
            running: false,
            _lock: lock,
        };
        for dir in [&cluster.pgdata, &cluster.socket_dir] {
            create_private_dir(dir, 0o700)?;
            if as_postgres_user {
                cluster.give_to_postgres_user(dir)?;
            }
        }
        if !cluster.pgdata.join("PG_VERSION").exists() {
            cluster.initdb()?;
        }
        cluster.stop_leftover_server();
        cluster.pg_ctl_start()?;
        cluster.running = true;
        Ok(cluster)
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username("postgres")
            .database(database)
    }

    /// Opens the pool on the `portcullis` database, creating it on first use.
    pub async fn pool(&self) -> Result<PgPool, DatabaseError> {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(self.connect_options("postgres"))
            .await
            .map_err(|e| fail(format!("cannot connect to the embedded PostgreSQL: {e}")))?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(DATABASE_NAME)
                .fetch_one(&admin)
                .await
                .map_err(|e| fail(format!("embedded PostgreSQL: {e}")))?;
        if !exists {
            sqlx::query(&format!("CREATE DATABASE {DATABASE_NAME}"))
                .execute(&admin)
                .await
                .map_err(|e| fail(format!("cannot create the database: {e}")))?;
        }
        admin.close().await;
        pool_options()
            .connect_with(self.connect_options(DATABASE_NAME))
            .await
            .map_err(|e| fail(format!("cannot connect to the embedded PostgreSQL: {e}")))
    }

    /// Stops the cluster (fast shutdown: open transactions are rolled back).
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        let pgdata = self.pgdata.display().to_string();
        match self.run_pg("pg_ctl", &["-D", &pgdata, "-m", "fast", "-w", "-s", "stop"]) {
            Ok(out) if out.status.success() => tracing::info!("embedded PostgreSQL stopped"),
            Ok(out) => tracing::warn!(output = %output_text(&out), "pg_ctl stop failed"),
            Err(e) => tracing::warn!(error = %e, "pg_ctl stop failed"),
        }
    }

    fn initdb(&self) -> Result<(), DatabaseError> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        let pgdata = self.pgdata.display().to_string();
        let out = self.run_pg(
            "initdb",
            &[
                "-D",
                &pgdata,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
        )?;
        if !out.status.success() {
            return Err(fail(format!(
                "initdb failed for {pgdata}{}: {}",
                if self.as_postgres_user {
                    " (run as the postgres user: the directory must be reachable by it)"
                } else {
                    ""
                },
                output_text(&out)
            )));
        }
        Ok(())
    }

    /// A server left running by a portcullis that was killed: we hold the lock now, so
    /// nobody else owns it.
    fn stop_leftover_server(&self) {
        if !self.pgdata.join("postmaster.pid").exists() {
            return;
        }
        let pgdata = self.pgdata.display().to_string();
        let running = self
            .run_pg("pg_ctl", &["-D", &pgdata, "status"])
            .is_ok_and(|out| out.status.success());
        if running {
            tracing::warn!("stopping a PostgreSQL left running by an earlier portcullis");
            let _ = self.run_pg("pg_ctl", &["-D", &pgdata, "-m", "fast", "-w", "-s", "stop"]);
        }
    }

    fn pg_ctl_start(&self) -> Result<(), DatabaseError> {
        let pgdata = self.pgdata.display().to_string();
        let log = self.pgdata.join("server.log").display().to_string();
        // No TCP at all (-h ''), the socket in our private directory (-k).
        let options = format!("-h '' -k '{}'", self.socket_dir.display());
        let out = self.run_pg(
            "pg_ctl",
            &[
                "-D", &pgdata, "-l", &log, "-w", "-t", "60", "-s", "-o", &options, "start",
            ],
        )?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log)
                .map(|text| text.lines().rev().take(5).collect::<Vec<_>>().join(" | "))
                .unwrap_or_default();
            return Err(fail(format!(
                "the embedded PostgreSQL did not start: {} {tail}",
                output_text(&out)
            )));
        }
        tracing::info!(socket_dir = %self.socket_dir.display(), "embedded PostgreSQL started");
        Ok(())
    }

    fn run_pg(&self, program: &str, args: &[&str]) -> Result<Output, DatabaseError> {
        let binary = self.bin_dir.join(program);
        let mut command = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.arg("-u").arg("postgres").arg("--").arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        // Its own process group: a Ctrl-C in the terminal reaches portcullis only, which
        // then stops PostgreSQL after the last request.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        command
            .args(args)
            .stdin(Stdio::null())
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| fail(format!("cannot run {}: {e}", binary.display())))
    }

    fn give_to_postgres_user(&self, dir: &Path) -> Result<(), DatabaseError> {
        let out = Command::new("chown")
            .arg("postgres:postgres")
            .arg(dir)
            .output()
            .map_err(|e| fail(format!("cannot run chown: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(fail(format!(
                "cannot give {} to the postgres user (is there a postgres user?): {}",
                dir.display(),
                output_text(&out)
            )))
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

fn create_private_dir(dir: &Path, mode: u32) -> Result<(), DatabaseError> {
    fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode))
        .map_err(|e| fail(format!("cannot set permissions on {}: {e}", dir.display())))
}

fn take_lock(data_dir: &Path) -> Result<File, DatabaseError> {
    let path = data_dir.join("portcullis.lock");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| fail(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            return Err(fail(format!(
                "another portcullis{} is already using the data directory {}; stop it first \
                 or set PORTCULLIS_DATA_DIR to another directory",
                if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {holder})")
                },
                data_dir.display()
            )));
        }
        Err(TryLockError::Error(e)) => {
            return Err(fail(format!("cannot lock {}: {e}", path.display())));
        }
    }
    file.set_len(0)
        .and_then(|()| write!(file, "{}", std::process::id()))
        .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
    Ok(file)
}

/// `PORTCULLIS_PG_BIN`, else the directory of `pg_ctl` on PATH, else the newest
/// /usr/lib/postgresql/<version>/bin.
fn find_postgres_binaries() -> Result<PathBuf, DatabaseError> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(dir) = std::env::var_os("PORTCULLIS_PG_BIN").map(PathBuf::from) {
        return if has_all(&dir) {
            Ok(dir)
        } else {
            Err(fail(format!(
                "PORTCULLIS_PG_BIN: {} does not hold initdb, pg_ctl and postgres",
                dir.display()
            )))
        };
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|d| has_all(d)) {
        // Resolve symlinks (Debian links /usr/local/bin/pg_ctl into the versioned dir) so
        // all three come from the same installation.
        let resolved = fs::canonicalize(dir.join("pg_ctl"))
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .filter(|d| has_all(d));
        return Ok(resolved.unwrap_or(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_all(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(|| {
        fail(
            "no PostgreSQL server binaries found (initdb, pg_ctl, postgres): install them \
              (Debian: apt-get install postgresql) or set DATABASE_URL",
        )
    })
}

fn output_text(out: &Output) -> String {
    let text = format!(
        "{} {}",
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    text.trim().chars().take(800).collect()
}

fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(5))
}

/// Connects to an external PostgreSQL; the error names the server without its password.
pub async fn connect(url: &str) -> Result<PgPool, DatabaseError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| fail(format!("DATABASE_URL is not a valid PostgreSQL URL: {e}")))?;
    let shown = redact(url);
    tokio::time::timeout(
        Duration::from_secs(10),
        pool_options().connect_with(options),
    )
    .await
    .map_err(|_| {
        fail(format!(
            "cannot connect to the database at {shown}: timed out"
        ))
    })?
    .map_err(|e| fail(format!("cannot connect to the database at {shown}: {e}")))
}

/// The URL with any password replaced, fit for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = credentials.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}@{host}")
}

/// Applies the schema migrations, and the session store's own table.
pub async fn migrate(pool: &PgPool) -> Result<(), DatabaseError> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .map_err(|e| fail(format!("database migration failed: {e}")))?;
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .map_err(|e| fail(format!("session store migration failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_passwords_only() {
        assert_eq!(
            redact("postgres://u:secret@db:5432/x"),
            "postgres://u@db:5432/x"
        );
        assert_eq!(redact("postgres://db/x"), "postgres://db/x");
    }
}
