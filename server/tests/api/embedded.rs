//! The embedded default database, through the real binary.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn start(data_dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_portcullis"))
        .env_remove("DATABASE_URL")
        .env_remove("PORTCULLIS_DATABASE_URL")
        .env_remove("PORTCULLIS_MASTER_KEY")
        .env("PORTCULLIS_DATA_DIR", data_dir)
        .env("PORTCULLIS_ADDR", format!("127.0.0.1:{port}"))
        .env("PORTCULLIS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
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
    let data_dir = std::env::temp_dir().join(format!(
        "portcullis-embedded-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let port = free_port();
    let mut first = start(&data_dir, port);
    wait_ready(port).await;
    assert!(data_dir.join("postgres/PG_VERSION").exists(), "initdb ran");
    assert!(
        data_dir.join("master.key").exists(),
        "a master key was generated"
    );
    // Unix socket only: nothing listens for PostgreSQL on TCP.
    let conf = std::fs::read_to_string(data_dir.join("postgres/postmaster.opts")).unwrap();
    assert!(conf.contains("-h") && conf.contains("-k"), "{conf}");

    let second = start(&data_dir, free_port()).wait_with_output().unwrap();
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
        !data_dir.join("postgres/postmaster.pid").exists(),
        "PostgreSQL was stopped with the server"
    );

    // A restart reuses the cluster (and its data) without initdb.
    let port = free_port();
    let mut again = start(&data_dir, port);
    wait_ready(port).await;
    Command::new("kill")
        .arg("-TERM")
        .arg(again.id().to_string())
        .status()
        .unwrap();
    assert!(again.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&data_dir);
}
