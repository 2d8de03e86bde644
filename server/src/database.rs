//! The database: an external PostgreSQL from `DATABASE_URL`, or a private cluster that
//! `portcullis` runs itself under the data directory (unix socket only, no TCP port).

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::os::unix::fs::{
    DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _,
};
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
/// The role the application connects as: no superuser, owns only its own schemas.
const APP_ROLE: &str = "portcullis";
const SUPERUSER: &str = "postgres";
/// The longest unix socket path the kernel accepts (108 bytes with the final NUL).
const MAX_SOCKET_PATH: usize = 107;
const CREDENTIALS_FILE: &str = "database.credentials";
const CLUSTER_ID_FILE: &str = "cluster-id";
/// Where clusters live when portcullis runs as root (the postgres user must reach them,
/// and a checkout under a 0700 home directory would not be reachable).
const ROOT_CLUSTERS: &str = "/var/lib/portcullis/embedded";

/// The passwords of the embedded cluster's two roles, kept 0600 in the data directory.
struct Credentials {
    superuser: String,
    app: String,
}

impl Credentials {
    fn generate() -> Self {
        Self {
            superuser: random_secret(),
            app: random_secret(),
        }
    }

    fn load(path: &Path) -> Result<Option<Self>, DatabaseError> {
        let Some(text) = read_private_file(path)? else {
            return Ok(None);
        };
        let value = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric()))
                .ok_or_else(|| fail(format!("{}: no valid {name} entry", path.display())))
        };
        Ok(Some(Self {
            superuser: value("superuser")?,
            app: value("app")?,
        }))
    }

    fn text(&self) -> String {
        format!("superuser={}\napp={}\n", self.superuser, self.app)
    }
}

/// 40 letters and digits from the OS's generator (about 238 bits); alphanumeric so it
/// can sit in SQL and in files without quoting.
fn random_secret() -> String {
    use rand::Rng as _;
    rand::rngs::OsRng
        .sample_iter(rand::distributions::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect()
}

/// A PostgreSQL cluster owned by this process: started on creation, stopped by `stop`
/// (or, failing that, on drop). It listens on a unix socket in a private directory only,
/// asks every role for its SCRAM password, and the application connects as a role that
/// is not a superuser.
pub struct EmbeddedPostgres {
    pgdata: PathBuf,
    socket_dir: PathBuf,
    bin_dir: PathBuf,
    as_postgres_user: bool,
    credentials: Credentials,
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
        ensure_private_dir(&data_dir)?;
        let lock = take_lock(&data_dir)?;
        let bin_dir = find_postgres_binaries()?;

        let cluster_dir = if as_postgres_user {
            root_cluster_dir(&data_dir)?
        } else {
            data_dir.clone()
        };
        let pgdata = cluster_dir.join("postgres");
        let socket_dir = cluster_dir.join("run");
        // The kernel limits a unix socket's path; PostgreSQL says so only in its log.
        let socket = socket_dir.join(".s.PGSQL.5432");
        let socket_len = socket.as_os_str().len();
        if socket_len > MAX_SOCKET_PATH {
            return Err(fail(format!(
                "the embedded PostgreSQL's socket would be {} ({socket_len} bytes; at most \
                 {MAX_SOCKET_PATH} fit): use a shorter PORTCULLIS_DATA_DIR{}",
                socket.display(),
                if as_postgres_user {
                    " or PORTCULLIS_CLUSTER_DIR"
                } else {
                    ""
                }
            )));
        }
        let credentials_path = data_dir.join(CREDENTIALS_FILE);
        let initialised = pgdata.join("PG_VERSION").exists();
        let credentials = match Credentials::load(&credentials_path)? {
            Some(credentials) => credentials,
            None if initialised => {
                return Err(fail(format!(
                    "the embedded cluster at {} has no credentials in {}: it was made by an \
                     earlier Portcullis that let any local process in. Move {} away (or \
                     remove it) and start again",
                    pgdata.display(),
                    credentials_path.display(),
                    pgdata.display()
                )));
            }
            None => {
                let credentials = Credentials::generate();
                write_private_file(&data_dir, CREDENTIALS_FILE, &credentials.text())?;
                credentials
            }
        };
        let mut cluster = Self {
            pgdata,
            socket_dir,
            bin_dir,
            as_postgres_user,
            credentials,
            running: false,
            _lock: lock,
        };
        for dir in [&cluster.pgdata, &cluster.socket_dir] {
            if !dir.exists() {
                cluster.make_private_dir(dir)?;
            }
        }
        if !initialised {
            cluster.initdb(&cluster_dir)?;
        }
        cluster.write_configuration()?;
        cluster.stop_leftover_server();
        cluster.pg_ctl_start()?;
        cluster.running = true;
        Ok(cluster)
    }

    fn superuser_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username(SUPERUSER)
            .password(&self.credentials.superuser)
            .database(database)
    }

    /// Opens the application's pool on the `portcullis` database, as the application
    /// role, after making sure the role, the database and its schemas exist.
    pub async fn pool(&self) -> Result<PgPool, DatabaseError> {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(self.superuser_options("postgres"))
            .await
            .map_err(|e| fail(format!("cannot connect to the embedded PostgreSQL: {e}")))?;
        let sql = |e: sqlx::Error| fail(format!("embedded PostgreSQL: {e}"));
        let role_exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
                .bind(APP_ROLE)
                .fetch_one(&admin)
                .await
                .map_err(sql)?;
        if !role_exists {
            sqlx::query(&format!("CREATE ROLE {APP_ROLE} LOGIN"))
                .execute(&admin)
                .await
                .map_err(sql)?;
        }
        // The password is alphanumeric (checked when loaded), so it can be inlined.
        sqlx::query(&format!(
            "ALTER ROLE {APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE \
             NOREPLICATION NOBYPASSRLS PASSWORD '{}'",
            self.credentials.app
        ))
        .execute(&admin)
        .await
        .map_err(sql)?;
        let db_exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(DATABASE_NAME)
                .fetch_one(&admin)
                .await
                .map_err(sql)?;
        if !db_exists {
            sqlx::query(&format!("CREATE DATABASE {DATABASE_NAME}"))
                .execute(&admin)
                .await
                .map_err(|e| fail(format!("cannot create the database: {e}")))?;
        }
        for statement in [
            format!("REVOKE ALL ON DATABASE {DATABASE_NAME} FROM PUBLIC"),
            "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC".to_owned(),
            // CREATE: the session store runs `CREATE SCHEMA IF NOT EXISTS` on its own
            // schema, which needs it even when the schema exists.
            format!("GRANT CONNECT, TEMPORARY, CREATE ON DATABASE {DATABASE_NAME} TO {APP_ROLE}"),
            format!(
                "ALTER ROLE {APP_ROLE} IN DATABASE {DATABASE_NAME} SET search_path = {APP_ROLE}"
            ),
        ] {
            sqlx::query(&statement).execute(&admin).await.map_err(sql)?;
        }
        admin.close().await;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(self.superuser_options(DATABASE_NAME))
            .await
            .map_err(|e| fail(format!("cannot connect to the embedded PostgreSQL: {e}")))?;
        for schema in [APP_ROLE, "tower_sessions"] {
            sqlx::query(&format!(
                "CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {APP_ROLE}"
            ))
            .execute(&admin)
            .await
            .map_err(sql)?;
        }
        admin.close().await;
        pool_options()
            .connect_with(app_options(&self.socket_dir, &self.credentials))
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

    fn initdb(&self, cluster_dir: &Path) -> Result<(), DatabaseError> {
        tracing::info!(pgdata = %self.pgdata.display(), "creating the embedded PostgreSQL cluster");
        // initdb reads the superuser's password from a file it can open: beside the
        // cluster, private, and gone right after.
        let pwfile = cluster_dir.join(".initdb-password");
        self.write_cluster_file(&pwfile, &self.credentials.superuser, false)?;
        let pgdata = self.pgdata.display().to_string();
        let pwfile_arg = format!("--pwfile={}", pwfile.display());
        let out = self.run_pg(
            "initdb",
            &[
                "-D",
                &pgdata,
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                &pwfile_arg,
                "-E",
                "UTF8",
                "--no-locale",
            ],
        );
        let _ = fs::remove_file(&pwfile);
        let out = out?;
        if !out.status.success() {
            return Err(fail(format!(
                "initdb failed for {pgdata}: {}",
                output_text(&out)
            )));
        }
        Ok(())
    }

    /// Writes, at every start, the authentication rules (SCRAM passwords over the unix
    /// socket, TCP refused) and the settings that keep the server off the network, into
    /// the cluster's own configuration: whoever starts the cluster, by hand or not, gets
    /// the same.
    fn write_configuration(&self) -> Result<(), DatabaseError> {
        let hba = "# Written by Portcullis at every start; edits are overwritten.\n\
                   # Passwords (SCRAM) over the private unix socket; nothing over TCP.\n\
                   local  all  all               scram-sha-256\n\
                   host   all  all  0.0.0.0/0    reject\n\
                   host   all  all  ::/0         reject\n\
                   host   replication  all  0.0.0.0/0  reject\n\
                   host   replication  all  ::/0       reject\n";
        let conf = format!(
            "# Written by Portcullis at every start; edits are overwritten.\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n\
             password_encryption = 'scram-sha-256'\n",
            // A quote in the path is doubled, as PostgreSQL's configuration syntax wants.
            self.socket_dir.display().to_string().replace('\'', "''")
        );
        self.write_cluster_file(&self.pgdata.join("pg_hba.conf"), hba, false)?;
        self.write_cluster_file(&self.pgdata.join("portcullis.conf"), &conf, false)?;
        let main_conf = self.pgdata.join("postgresql.conf");
        let text = fs::read_to_string(&main_conf)
            .map_err(|e| fail(format!("cannot read {}: {e}", main_conf.display())))?;
        let include = "include_if_exists = 'portcullis.conf'";
        if !text.lines().any(|line| line.trim() == include) {
            let line = format!("\n# Portcullis: its settings last, so they win.\n{include}\n");
            self.write_cluster_file(&main_conf, &line, true)?;
        }
        Ok(())
    }

    /// Writes (or appends to) a file of the cluster as the user the cluster runs as.
    /// As root that is `postgres`, which owns these directories and could swap a part
    /// of the path for a link: writing as `postgres` means such a link gains nothing.
    fn write_cluster_file(
        &self,
        path: &Path,
        contents: &str,
        append: bool,
    ) -> Result<(), DatabaseError> {
        if !self.as_postgres_user {
            let mut options = OpenOptions::new();
            if append {
                options.append(true);
            } else {
                options.write(true).create(true).truncate(true).mode(0o600);
            }
            return options
                .custom_flags(libc::O_NOFOLLOW)
                .open(path)
                .and_then(|mut file| file.write_all(contents.as_bytes()))
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())));
        }
        let script = if append {
            "umask 077 && cat >> \"$1\""
        } else {
            "umask 077 && cat > \"$1\""
        };
        let mut child = Command::new("runuser")
            .args(["-u", "postgres", "--", "/bin/sh", "-c", script, "sh"])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(format!("cannot run runuser: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(contents.as_bytes())
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(fail(format!(
                "cannot write {} as the postgres user: {}",
                path.display(),
                output_text(&out)
            )))
        }
    }

    /// A private directory of the cluster, made by the user the cluster runs as.
    fn make_private_dir(&self, dir: &Path) -> Result<(), DatabaseError> {
        if !self.as_postgres_user {
            return create_dir_with_mode(dir, 0o700);
        }
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--", "mkdir", "-m", "700", "--"])
            .arg(dir)
            .output()
            .map_err(|e| fail(format!("cannot run runuser: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(fail(format!(
                "cannot create {} as the postgres user: {}",
                dir.display(),
                output_text(&out)
            )))
        }
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
        let out = self.run_pg(
            "pg_ctl",
            &["-D", &pgdata, "-l", &log, "-w", "-t", "60", "-s", "start"],
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
        tracing::info!(
            pgdata = %self.pgdata.display(),
            socket_dir = %self.socket_dir.display(),
            "embedded PostgreSQL started"
        );
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
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

fn give_to_postgres_user(path: &Path) -> Result<(), DatabaseError> {
    let out = Command::new("chown")
        .arg("-h")
        .arg("postgres:postgres")
        .arg(path)
        .output()
        .map_err(|e| fail(format!("cannot run chown: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(fail(format!(
            "cannot give {} to the postgres user (is there a postgres user?): {}",
            path.display(),
            output_text(&out)
        )))
    }
}

/// The application's pool on the cluster that another portcullis is running on this data
/// directory right now, if one is (so administrative commands work without stopping the
/// server); `None` when nobody holds the data directory.
pub async fn attach_running(data_dir: &Path) -> Result<Option<PgPool>, DatabaseError> {
    let data_dir = std::path::absolute(data_dir)
        .map_err(|e| fail(format!("data directory {}: {e}", data_dir.display())))?;
    let lock_path = data_dir.join("portcullis.lock");
    let lock = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&lock_path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(format!("cannot open {}: {e}", lock_path.display()))),
    };
    match lock.try_lock() {
        // Nobody runs on it: the caller starts the cluster itself.
        Ok(()) => return Ok(None),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => {
            return Err(fail(format!("cannot lock {}: {e}", lock_path.display())));
        }
    }
    let cluster_dir = if running_as_root() {
        let id = read_cluster_id(&data_dir)?.ok_or_else(|| {
            fail(format!(
                "{} is missing",
                data_dir.join(CLUSTER_ID_FILE).display()
            ))
        })?;
        cluster_root().join(id)
    } else {
        data_dir.clone()
    };
    let credentials_path = data_dir.join(CREDENTIALS_FILE);
    let credentials = Credentials::load(&credentials_path)?
        .ok_or_else(|| fail(format!("{} is missing", credentials_path.display())))?;
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(app_options(&cluster_dir.join("run"), &credentials))
        .await
        .map(Some)
        .map_err(|e| {
            fail(format!(
                "cannot connect to the running portcullis's database: {e}"
            ))
        })
}

/// How the application connects to an embedded cluster: its role, over the socket.
fn app_options(socket_dir: &Path, credentials: &Credentials) -> PgConnectOptions {
    PgConnectOptions::new()
        .socket(socket_dir)
        .username(APP_ROLE)
        .password(&credentials.app)
        .database(DATABASE_NAME)
}

/// The id naming a root-run cluster, as kept in the data directory, if there is one.
fn read_cluster_id(data_dir: &Path) -> Result<Option<String>, DatabaseError> {
    let id_file = data_dir.join(CLUSTER_ID_FILE);
    let Some(text) = read_private_file(&id_file)? else {
        return Ok(None);
    };
    let id = text.trim().to_owned();
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(fail(format!("{}: not a cluster id", id_file.display())));
    }
    Ok(Some(id))
}

fn cluster_root() -> PathBuf {
    std::env::var_os("PORTCULLIS_CLUSTER_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(ROOT_CLUSTERS), PathBuf::from)
}

/// Running as root, the cluster runs as `postgres`, which must reach its directory; a
/// data directory under a 0700 home is out of its reach. So root's clusters live under
/// `PORTCULLIS_CLUSTER_DIR` (default /var/lib/portcullis/embedded), one directory per
/// data directory, named by an id kept in the data directory (so moving the data
/// directory keeps its cluster).
fn root_cluster_dir(data_dir: &Path) -> Result<PathBuf, DatabaseError> {
    let root = cluster_root();
    let id = match read_cluster_id(data_dir)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            write_private_file(data_dir, CLUSTER_ID_FILE, &id)?;
            id
        }
    };
    if !root.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o711)
            .create(&root)
            .map_err(|e| fail(format!("cannot create {}: {e}", root.display())))?;
        // The umask may have taken away the traversal the postgres user needs.
        fs::set_permissions(&root, fs::Permissions::from_mode(0o711))
            .map_err(|e| fail(format!("cannot set permissions on {}: {e}", root.display())))?;
    }
    let dir = root.join(id);
    if !dir.exists() {
        create_dir_with_mode(&dir, 0o700)?;
        give_to_postgres_user(&dir)?;
    }
    let legacy = data_dir.join("postgres");
    if legacy.join("PG_VERSION").exists() {
        return Err(fail(format!(
            "{} holds an embedded cluster made by an earlier Portcullis (which let any \
             local process in); run as root, the cluster now lives in {}. Move {} away (or \
             remove it) and start again",
            legacy.display(),
            root.display(),
            legacy.display()
        )));
    }
    tracing::info!(cluster = %dir.display(), "running as root: the embedded cluster lives here, owned by the postgres user");
    Ok(dir)
}

/// Where the embedded cluster of `data_dir` lives when it is not inside it (running as
/// root), so that a throwaway data directory (the sandbox's) goes with its cluster.
pub fn detached_cluster_dir(data_dir: &Path) -> Option<PathBuf> {
    if !running_as_root() {
        return None;
    }
    read_cluster_id(data_dir)
        .ok()
        .flatten()
        .map(|id| cluster_root().join(id))
}

fn running_as_root() -> bool {
    own_uid() == Some(0)
}

fn own_uid() -> Option<u32> {
    fs::metadata("/proc/self").map(|m| m.uid()).ok()
}

fn create_dir_with_mode(dir: &Path, mode: u32) -> Result<(), DatabaseError> {
    fs::DirBuilder::new()
        .mode(mode)
        .create(dir)
        .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))
}

/// The data directory: created 0700 when missing. An existing one must be a real
/// directory (not a symlink) owned by us, and is refused when others may write to it.
fn ensure_private_dir(dir: &Path) -> Result<(), DatabaseError> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| fail(format!("cannot create {}: {e}", parent.display())))?;
            }
            create_dir_with_mode(dir, 0o700)
        }
        Err(e) => Err(fail(format!("data directory {}: {e}", dir.display()))),
        Ok(meta) if meta.file_type().is_symlink() => Err(fail(format!(
            "data directory {} is a symbolic link; refusing it (name the real directory)",
            dir.display()
        ))),
        Ok(meta) if !meta.is_dir() => Err(fail(format!(
            "data directory {} is not a directory",
            dir.display()
        ))),
        Ok(meta) if Some(meta.uid()) != own_uid() => Err(fail(format!(
            "data directory {} belongs to another user (uid {}); refusing it",
            dir.display(),
            meta.uid()
        ))),
        Ok(meta) if meta.mode() & 0o022 != 0 => Err(fail(format!(
            "data directory {} may be written by other users (mode {:o}); make it private \
             (chmod 700)",
            dir.display(),
            meta.mode() & 0o7777
        ))),
        Ok(meta) => {
            if meta.mode() & 0o077 != 0 {
                // Ours and not writable by others: taking away their read access is safe.
                fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| {
                    fail(format!("cannot set permissions on {}: {e}", dir.display()))
                })?;
            }
            Ok(())
        }
    }
}

/// Writes a file only its owner may read, replacing it if present; never follows a
/// symbolic link planted at its name.
pub fn write_private_file(dir: &Path, name: &str, contents: &str) -> Result<(), DatabaseError> {
    let path = dir.join(name);
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .and_then(|()| file.write_all(contents.as_bytes()))
        .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))
}

/// Reads a secret file; refuses a symbolic link and a file others may read.
pub fn read_private_file(path: &Path) -> Result<Option<String>, DatabaseError> {
    use std::io::Read as _;
    let mut file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(format!("cannot read {}: {e}", path.display()))),
    };
    let meta = file
        .metadata()
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    if meta.mode() & 0o077 != 0 {
        return Err(fail(format!(
            "{} may be read by other users (mode {:o}); it holds a secret: chmod 600 it",
            path.display(),
            meta.mode() & 0o777
        )));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    Ok(Some(text))
}

fn take_lock(data_dir: &Path) -> Result<File, DatabaseError> {
    let path = data_dir.join("portcullis.lock");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
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
        // No ping before each use: it was a round trip on every acquire (two per API
        // call). A connection the server dropped (a restart) fails its next statement
        // and is closed then; that one request gets a ServiceFailure.
        .test_before_acquire(false)
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

/// The URL with any password removed (in the user part or as a query parameter), fit
/// for messages and logs.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let base = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((credentials, host)) => {
                let user = credentials.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}@{host}")
            }
            None => base.to_owned(),
        },
        None => base.to_owned(),
    };
    match query {
        None => base,
        Some(query) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| {
                    let key = pair
                        .split('=')
                        .next()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    !key.contains("password") && key != "passfile"
                })
                .collect();
            if kept.is_empty() {
                base
            } else {
                format!("{base}?{}", kept.join("&"))
            }
        }
    }
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
        assert_eq!(
            redact("postgres://u@db/x?password=secret&sslmode=require"),
            "postgres://u@db/x?sslmode=require"
        );
        assert_eq!(
            redact("postgres://u:a@db/x?host=/run&PASSWORD=s&sslpassword=t"),
            "postgres://u@db/x?host=/run"
        );
        assert!(!redact("postgresql://db/x?password=s3cr3t").contains("s3cr3t"));
    }
}
