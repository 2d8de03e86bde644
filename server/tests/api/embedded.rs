//! The embedded default database, through the real binary.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").unwrap().uid() == 0
}

/// A scratch directory for one test: its data directory and, when root, the directory
/// the clusters go to (instead of /var/lib/portcullis).
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        // Short: PostgreSQL's socket path must fit in 107 bytes.
        let root = std::env::temp_dir().join(format!(
            "pce-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        ));
        std::fs::create_dir_all(&root).unwrap();
        // The postgres user must reach the clusters directory below it.
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o711)).unwrap();
        Self { root }
    }

    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn clusters(&self) -> PathBuf {
        self.root.join("clusters")
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portcullis"));
        command
            .env_remove("DATABASE_URL")
            .env_remove("PORTCULLIS_DATABASE_URL")
            .env_remove("PORTCULLIS_MASTER_KEY")
            .env("PORTCULLIS_DATA_DIR", self.data_dir())
            .env("PORTCULLIS_CLUSTER_DIR", self.clusters())
            .env("PORTCULLIS_LOG", "warn");
        command
    }

    fn start(&self, port: u16) -> Child {
        self.command()
            .env("PORTCULLIS_ADDR", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Where the cluster lives: in the data directory, or when root under the clusters
    /// directory, named by the id the data directory keeps.
    fn cluster_dir(&self, data_dir: &Path) -> PathBuf {
        if running_as_root() {
            let id = std::fs::read_to_string(data_dir.join("cluster-id")).unwrap();
            self.clusters().join(id.trim())
        } else {
            data_dir.to_path_buf()
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn start(scratch: &Scratch, port: u16) -> Child {
    scratch.start(port)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let ready = reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
            .await
            .is_ok_and(|r| r.status() == 200);
        if ready {
            return;
        }
        assert!(Instant::now() < deadline, "portcullis did not become ready");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn embedded_cluster_starts_refuses_a_second_server_and_stops_on_ctrl_c() {
    let scratch = Scratch::new();
    let data_dir = scratch.data_dir();
    let port = free_port();
    let mut first = start(&scratch, port);
    wait_ready(port).await;
    let cluster = scratch.cluster_dir(&data_dir);
    assert!(cluster.join("postgres/PG_VERSION").exists(), "initdb ran");
    assert!(
        data_dir.join("master.key").exists(),
        "a master key was generated"
    );
    check_locked_down(&data_dir, &cluster).await;
    // Administrative commands work while the server runs, on its database.
    let unlock = scratch
        .command()
        .args(["account", "unlock", "--email", "root@example.com"])
        .output()
        .unwrap();
    assert!(
        unlock.status.success(),
        "{}",
        String::from_utf8_lossy(&unlock.stderr)
    );
    assert!(String::from_utf8_lossy(&unlock.stdout).contains("Lifted the sign-in limits"));
    // So are first-run setup and further accounts (Playwright gives each journey its own).
    for (args, said) in [
        (
            &["bootstrap", "--email", "live@example.com"][..],
            "Created account",
        ),
        (
            &[
                "account",
                "create",
                "--email",
                "more@example.com",
                "--alias",
                "more",
            ][..],
            "(alias more)",
        ),
    ] {
        let mut create = scratch
            .command()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write as _;
            let mut stdin = create.stdin.take().unwrap();
            stdin.write_all(b"Correct-Horse-9").unwrap();
        }
        let created = create.wait_with_output().unwrap();
        assert!(
            created.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        assert!(String::from_utf8_lossy(&created.stdout).contains(said));
    }

    let second = start(&scratch, free_port()).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success());
    assert!(stderr.contains("another portcullis"), "{stderr}");
    assert!(
        stderr.contains("already using the data directory"),
        "{stderr}"
    );
    // The first is unharmed.
    assert_eq!(
        reqwest::get(format!("http://127.0.0.1:{port}/readyz"))
            .await
            .unwrap()
            .status(),
        200
    );

    let signal = Command::new("kill")
        .arg("-INT")
        .arg(first.id().to_string())
        .status()
        .unwrap();
    assert!(signal.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = first.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "portcullis did not exit on SIGINT"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "exit status {status}");
    assert!(
        !cluster.join("postgres/postmaster.pid").exists(),
        "PostgreSQL was stopped with the server"
    );

    // A restart reuses the cluster (and its data) without initdb.
    let port = free_port();
    let mut again = start(&scratch, port);
    wait_ready(port).await;
    stop(&mut again);

    // A master key others may read is refused, and nothing starts.
    let key = data_dir.join("master.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = start(&scratch, free_port()).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("master.key") && stderr.contains("chmod 600"),
        "{stderr}"
    );
}

fn stop(child: &mut Child) {
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// The cluster trusts nobody: passwords over the private socket, no TCP, the
/// application as a role that is not a superuser; secrets 0600 in a 0700 directory.
async fn check_locked_down(data_dir: &Path, cluster: &Path) {
    let pgdata = cluster.join("postgres");
    let hba = std::fs::read_to_string(pgdata.join("pg_hba.conf")).unwrap();
    assert!(!hba.contains("trust"), "{hba}");
    assert!(hba.contains("scram-sha-256"), "{hba}");
    assert_eq!(mode(data_dir), 0o700);
    for secret in ["master.key", "database.credentials", "portcullis.lock"] {
        assert_eq!(mode(&data_dir.join(secret)), 0o600, "{secret}");
    }
    assert_eq!(mode(&pgdata), 0o700);

    let socket = cluster.join("run");
    let credentials = std::fs::read_to_string(data_dir.join("database.credentials")).unwrap();
    let password = |role: &str| {
        credentials
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{role}=")))
            .unwrap()
            .to_owned()
    };
    let options = |user: &str| {
        PgConnectOptions::new()
            .socket(&socket)
            .username(user)
            .database("portcullis")
    };
    let connect = |options: PgConnectOptions| async move {
        PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
    };
    // Without a password nobody gets in, not even the superuser.
    assert!(connect(options("postgres")).await.is_err());
    assert!(
        connect(options("postgres").password("wrong"))
            .await
            .is_err()
    );
    let app = connect(options("portcullis").password(&password("app")))
        .await
        .unwrap();
    let (superuser, createrole, createdb): (bool, bool, bool) = sqlx::query_as(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(&app)
    .await
    .unwrap();
    assert_eq!((superuser, createrole, createdb), (false, false, false));
    let owned: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) ORDER BY 1",
    )
    .fetch_all(&app)
    .await
    .unwrap();
    assert_eq!(owned, ["portcullis", "tower_sessions"]);
    let listen: String = sqlx::query_scalar("SHOW listen_addresses")
        .fetch_one(&app)
        .await
        .unwrap();
    assert_eq!(listen, "", "no TCP at all");
    app.close().await;
    // And indeed nothing answers for PostgreSQL on the usual TCP port.
    let tcp = connect(
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(5432)
            .username("portcullis")
            .password(&password("app")),
    )
    .await;
    assert!(tcp.is_err());
}

#[tokio::test]
async fn a_checkout_only_root_can_enter_still_gets_its_embedded_database() {
    // As a new user does: a checkout in a 0700 directory, `make run` there, default
    // data directory ./.data.
    let scratch = Scratch::new();
    let checkout = scratch.root.join("checkout");
    std::fs::create_dir(&checkout).unwrap();
    std::fs::set_permissions(&checkout, std::fs::Permissions::from_mode(0o700)).unwrap();
    let port = free_port();
    let mut server = scratch
        .command()
        .env_remove("PORTCULLIS_DATA_DIR")
        .env("PORTCULLIS_ADDR", format!("127.0.0.1:{port}"))
        .current_dir(&checkout)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(port).await;
    let data_dir = checkout.join(".data");
    assert!(data_dir.join("master.key").exists());
    assert!(
        scratch
            .cluster_dir(&data_dir)
            .join("postgres/PG_VERSION")
            .exists(),
        "the cluster is where its user can reach it"
    );
    // While no account exists, the setup token is printed and kept in the data dir.
    let token = std::fs::read_to_string(data_dir.join("setup-token")).unwrap();
    assert_eq!(token.trim().len(), 29);
    assert_eq!(mode(&data_dir.join("setup-token")), 0o600);
    stop(&mut server);
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains(token.trim()),
        "the token is printed: {stderr}"
    );
}

#[test]
fn a_data_directory_that_is_a_symlink_or_open_to_others_is_refused() {
    let scratch = Scratch::new();
    let real = scratch.root.join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, scratch.data_dir()).unwrap();
    assert_refused(&scratch, "symbolic link");

    std::fs::remove_file(scratch.data_dir()).unwrap();
    std::fs::create_dir(scratch.data_dir()).unwrap();
    std::fs::set_permissions(scratch.data_dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_refused(&scratch, "written by other users");
}

fn assert_refused(scratch: &Scratch, reason: &str) {
    let out = scratch
        .command()
        .env("PORTCULLIS_ADDR", format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(reason), "{stderr}");
}

/// `portcullis sandbox`: a throwaway server with one account and the given root key;
/// the AWS CLI works against it, `POST /_sandbox/reset` empties the account but keeps
/// the key, and the data is gone at exit.
#[tokio::test]
async fn the_sandbox_serves_one_account_resets_it_and_leaves_nothing_behind() {
    let scratch = Scratch::new();
    let port = free_port();
    let key = "AKIAIOSFODNN7EXAMPLE";
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let mut child = scratch
        .command()
        .args([
            "sandbox",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--account-id",
            "111122223333",
            "--access-key-id",
            key,
            "--secret-access-key",
            secret,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_ready(port).await;
    let mut stdout = child.stdout.take().unwrap();
    let printed = tokio::task::spawn_blocking(move || {
        use std::io::{BufRead as _, BufReader};
        let mut lines = Vec::new();
        for line in BufReader::new(&mut stdout).lines() {
            let line = line.unwrap();
            let last = line.starts_with("# reset:");
            lines.push(line);
            if last {
                break;
            }
        }
        lines
    })
    .await
    .unwrap();
    assert!(
        printed.contains(&format!("export AWS_ACCESS_KEY_ID={key}")),
        "{printed:?}"
    );
    assert!(printed.contains(&format!("export AWS_ENDPOINT_URL=http://127.0.0.1:{port}")));
    let data_dir: PathBuf = printed[0]
        .split("data in ")
        .nth(1)
        .and_then(|rest| rest.split(" (removed").next())
        .unwrap()
        .into();
    assert!(data_dir.exists());
    let cluster = running_as_root().then(|| {
        let id = std::fs::read_to_string(data_dir.join("cluster-id")).unwrap();
        scratch.clusters().join(id.trim())
    });

    let aws = |args: &[&str]| {
        let venv = std::env::var_os("PORTCULLIS_AWS_VENV").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/aws-venv"),
            PathBuf::from,
        );
        let mut command = tokio::process::Command::new(venv.join("bin/aws"));
        command
            .args([
                "--endpoint-url",
                &format!("http://127.0.0.1:{port}"),
                "--output",
                "json",
            ])
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/aws-credentials",
            );
        async move {
            let out = command.output().await.unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()
        }
    };
    let me = aws(&["sts", "get-caller-identity"]).await;
    assert_eq!(me["Arn"], "arn:aws:iam::111122223333:root");
    aws(&["iam", "create-user", "--user-name", "temp"]).await;
    aws(&["iam", "create-group", "--group-name", "Temps"]).await;
    let users = aws(&["iam", "list-users"]).await;
    assert_eq!(users["Users"].as_array().unwrap().len(), 1);

    let reset = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/_sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    let users = aws(&["iam", "list-users"]).await;
    assert_eq!(
        users["Users"],
        serde_json::json!([]),
        "the key still works, the users are gone"
    );
    let groups = aws(&["iam", "list-groups"]).await;
    assert_eq!(groups["Groups"], serde_json::json!([]));
    let keys = aws(&["iam", "list-access-keys"]).await;
    assert_eq!(keys["AccessKeyMetadata"][0]["AccessKeyId"], key);

    // Ctrl-C: the server stops and its data directory and cluster are removed.
    let signal = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(signal.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the sandbox did not exit on SIGINT"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status:?}");
    assert!(!data_dir.exists(), "{} is left behind", data_dir.display());
    if let Some(cluster) = cluster {
        assert!(!cluster.exists(), "{} is left behind", cluster.display());
    }
}
