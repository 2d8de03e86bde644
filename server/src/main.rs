//! `portcullis`: the server and its administrative commands.

use app::authz::PolicyCache;
use app::clock::SystemClock;
use app::crypto::{OsEntropy, Sealer};
use app::directory::accounts::{self, NewAccount, NewAccountInput};
use app::directory::passwords::{HashCost, HashLimits, PasswordHasher};
use app::directory::setup_token::SetupGate;
use app::state::{AppState, ConsoleSettings};
use clap::{Parser, Subcommand};
use server::config::Settings;
use server::database::{self, EmbeddedPostgres};
use server::master_key;
use server::startup;
use std::io::Read as _;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "portcullis",
    version,
    about = "Self-hosted identity and access management with the semantics of AWS IAM"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// First-run setup without the browser: create the first account and its root
    /// user. Reads the root password from standard input.
    Bootstrap(AccountArgs),
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Check the activity log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check and simulate IAM policy documents (no database needed).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Manage the master key that seals access-key secrets and MFA seeds.
    #[command(subcommand, name = "master-key")]
    MasterKey(MasterKeyCommand),
    /// Access keys for automation (a first key for Terraform or a script).
    #[command(subcommand, name = "access-key")]
    AccessKey(AccessKeyCommand),
    /// A server on a throwaway database (removed at exit) with one account, its root
    /// user and one root access key, for testing code that uses IAM locally; prints the
    /// environment to export. `POST /_sandbox/reset` returns the account to just that.
    Sandbox(SandboxArgs),
}

#[derive(clap::Args)]
struct SandboxArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:3000")]
    addr: std::net::SocketAddr,
    /// The account's 12-digit id.
    #[arg(long, default_value = "123456789012")]
    account_id: String,
    /// The root access key's id (a new one when not given); with --secret-access-key.
    #[arg(long, requires = "secret_access_key")]
    access_key_id: Option<String>,
    /// The root access key's secret; with --access-key-id.
    #[arg(long, requires = "access_key_id")]
    secret_access_key: Option<String>,
}

#[derive(Subcommand)]
enum AccessKeyCommand {
    /// Create an access key (the root user's, or an IAM user's with --user) and print
    /// it as JSON, as `aws iam create-access-key` does; audited like any key creation.
    Create {
        /// The account the key belongs to.
        #[arg(long)]
        account_id: String,
        /// The IAM user to create it for; without it, the root user.
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Subcommand)]
enum MasterKeyCommand {
    /// Re-seal every secret under a new master key, while servers run. With the key
    /// file (`<data dir>/master.key`) a new key is made and the old one retired; with
    /// PORTCULLIS_MASTER_KEY=NEW,OLD (servers restarted with it first) every secret
    /// moves to NEW.
    Rotate,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Print the findings for a policy document (exit 1 when it has an error).
    Lint {
        /// The policy document (JSON); `-` for standard input.
        file: String,
        /// Findings as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate a request against policies and print the decision with its explanation.
    Simulate {
        /// A JSON case file; `-` for standard input. Not used with --batch.
        file: Option<String>,
        /// Read JSON cases one per line from standard input and write one result line each.
        #[arg(long, conflicts_with = "file")]
        batch: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every account's hash chain (or one account's) and name the first
    /// event that was modified, deleted or inserted. Exit 1 when a chain is broken.
    Verify {
        /// Only this account.
        #[arg(long)]
        account_id: Option<String>,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create a further account. Reads the root password from standard input.
    Create(AccountArgs),
    /// Lift the sign-in limits on a root user (after repeated failed attempts), from
    /// every address.
    Unlock {
        /// The root user's email address.
        #[arg(long)]
        email: String,
    },
}

#[derive(clap::Args)]
struct AccountArgs {
    /// The root user's email address.
    #[arg(long)]
    email: String,
    /// A 12-digit account id (random when not given).
    #[arg(long)]
    account_id: Option<String>,
    /// The account alias used in the IAM users' sign-in URL.
    #[arg(long)]
    alias: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Policy(command)) = cli.command {
        return policy_command(command);
    }
    let settings = match &cli.command {
        Some(Command::Sandbox(args)) => sandbox_settings(args),
        _ => Settings::from_env(),
    };
    let settings = match settings {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    init_tracing(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings).await,
            Command::Migrate => with_database(&settings, |_, _| async { Ok(()) }).await,
            Command::Bootstrap(args) => create_account(&settings, args, true).await,
            Command::Account(AccountCommand::Create(args)) => {
                create_account(&settings, args, false).await
            }
            Command::Account(AccountCommand::Unlock { email }) => {
                unlock_account(&settings, email).await
            }
            Command::Audit(AuditCommand::Verify { account_id }) => {
                verify_audit(&settings, account_id).await
            }
            Command::MasterKey(MasterKeyCommand::Rotate) => rotate_master_key(&settings).await,
            Command::Sandbox(args) => sandbox(settings, args).await,
            Command::AccessKey(AccessKeyCommand::Create { account_id, user }) => {
                create_access_key(&settings, account_id, user).await
            }
            // Answered above, before settings are read: it needs no database.
            Command::Policy(_) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("portcullis: error: {message}");
    ExitCode::FAILURE
}

fn init_tracing(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::new(&settings.log_filter);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The database the settings name, migrated; the embedded cluster (if any) comes back
/// too so the caller decides when it stops.
async fn open_database(
    settings: &Settings,
) -> Result<(sqlx::PgPool, Option<EmbeddedPostgres>, Arc<Sealer>), String> {
    let (pool, embedded) = match &settings.database_url {
        Some(url) => {
            if settings.master_keys.is_empty() {
                return Err("PORTCULLIS_MASTER_KEY: required when DATABASE_URL is set (32 bytes in base64, e.g. `openssl rand -base64 32`)".to_owned());
            }
            (
                database::connect(url).await.map_err(|e| e.to_string())?,
                None,
            )
        }
        None => {
            let data_dir = settings.data_dir.clone();
            let embedded = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&data_dir))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            let pool = embedded.pool().await.map_err(|e| e.to_string())?;
            (pool, Some(embedded))
        }
    };
    let opened = async {
        database::migrate(&pool).await.map_err(|e| e.to_string())?;
        sync_aws_policies(&pool).await?;
        master_key::open(settings, &pool, settings.database_url.is_none()).await
    }
    .await;
    match opened {
        Ok(sealer) => Ok((pool, embedded, Arc::new(sealer))),
        Err(error) => {
            pool.close().await;
            if let Some(mut embedded) = embedded {
                embedded.stop();
            }
            Err(error)
        }
    }
}

/// Writes the AWS managed policies built into this binary, unless the database holds them
/// already (then it costs one query).
async fn sync_aws_policies(pool: &sqlx::PgPool) -> Result<(), String> {
    use app::clock::Clock as _;
    let started = std::time::Instant::now();
    let report = server::aws_policies::sync(pool, SystemClock.now()).await?;
    let elapsed_ms = started.elapsed().as_millis();
    if report.skipped {
        tracing::debug!(elapsed_ms, "AWS managed policies already synced");
    } else {
        tracing::info!(
            policies = report.policies,
            inserted = report.inserted,
            updated = report.updated,
            versions_added = report.versions_added,
            versions_removed = report.versions_removed,
            elapsed_ms,
            "synced the AWS managed policies"
        );
    }
    Ok(())
}

/// Runs `work` against the database, then stops an embedded cluster whatever happened.
async fn with_database<F, Fut>(settings: &Settings, work: F) -> Result<(), String>
where
    F: FnOnce(sqlx::PgPool, Arc<Sealer>) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let (pool, embedded, sealer) = open_database(settings).await?;
    let result = work(pool.clone(), sealer).await;
    pool.close().await;
    if let Some(mut embedded) = embedded {
        embedded.stop();
    }
    result
}

/// As [`with_database`], but on the database of the server running on this data
/// directory when one runs (its embedded cluster cannot be started twice): for the
/// commands that must also work while the server runs.
async fn with_live_database<F, Fut>(settings: &Settings, work: F) -> Result<(), String>
where
    F: FnOnce(sqlx::PgPool, Arc<Sealer>) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    if settings.database_url.is_none()
        && let Some(pool) = database::attach_running(&settings.data_dir)
            .await
            .map_err(|e| e.to_string())?
    {
        let result = match master_key::open(settings, &pool, true).await {
            Ok(sealer) => work(pool.clone(), Arc::new(sealer)).await,
            Err(error) => Err(error),
        };
        pool.close().await;
        return result;
    }
    with_database(settings, work).await
}

fn app_state(
    pool: sqlx::PgPool,
    settings: &Settings,
    sealer: Arc<Sealer>,
) -> Result<AppState, String> {
    Ok(AppState {
        pool,
        clock: Arc::new(SystemClock),
        settings: Arc::new(ConsoleSettings {
            idle_timeout: settings.session_idle_timeout,
            absolute_lifetime: settings.session_max_lifetime,
            public_url: settings.public_url.clone(),
            access_key_max_age: settings.access_key_max_age,
        }),
        passwords: PasswordHasher::new(HashCost::default(), HashLimits::for_this_machine())?,
        setup: Arc::new(SetupGate::closed()),
        entropy: Arc::new(OsEntropy),
        sealer,
        policy_cache: Arc::new(PolicyCache::default()),
        caches: Arc::default(),
        catalogue: server::aws_catalogue::catalogue(),
    })
}

async fn serve(settings: Settings) -> Result<(), String> {
    // Bind first: a busy port is reported before anything else is started.
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?;
    let (pool, embedded, sealer) = open_database(&settings).await?;
    let result = async {
        let state = app_state(pool.clone(), &settings, sealer)?;
        open_setup(&state, &settings).await?;
        let leptos = startup::leptos_options(&settings.site_root, settings.addr);
        let router = startup::router(state.clone(), leptos, startup::Edge::from_settings(&settings));
        startup::spawn_session_cleanup(pool.clone());
        startup::spawn_signin_pruning(state);
        tracing::info!(address = %settings.addr, public_url = %settings.public_url, "portcullis is serving");
        startup::serve(listener, router, startup::shutdown_signal())
            .await
            .map_err(|e| format!("server error: {e}"))
    }
    .await;
    pool.close().await;
    if let Some(mut embedded) = embedded {
        embedded.stop();
    }
    result
}

async fn create_account(settings: &Settings, args: AccountArgs, first: bool) -> Result<(), String> {
    let password = read_password_from_stdin()?;
    let new = NewAccount::parse(NewAccountInput {
        email: args.email,
        password,
        password_confirmation: None,
        account_id: args.account_id,
        alias: args.alias,
    })
    .map_err(|e| e.to_string())?;
    let public_url = settings.public_url.clone();
    with_live_database(settings, |pool, sealer| async move {
        let state = app_state(pool, settings, sealer)?;
        let account = if first {
            accounts::create_first_account(&state, new).await
        } else {
            accounts::create_additional_account(&state, new).await
        }
        .map_err(|e| e.to_string())?;
        println!(
            "Created account {}{} with root user {}. Sign in at {public_url}/signin",
            account.id,
            account
                .alias
                .as_ref()
                .map(|a| format!(" (alias {a})"))
                .unwrap_or_default(),
            account.root_email,
        );
        Ok(())
    })
    .await
}

/// The environment's settings, but a fresh data directory of its own (the embedded
/// database and a new master key), the sandbox's address, and no external database.
fn sandbox_settings(args: &SandboxArgs) -> Result<Settings, server::config::ConfigError> {
    let dir = std::env::temp_dir().join(format!(
        "portcullis-sandbox-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let addr = args.addr.to_string();
    Settings::from_lookup(|name| match name {
        "PORTCULLIS_ADDR" => Some(addr.clone()),
        "PORTCULLIS_DATA_DIR" => Some(dir.to_string_lossy().into_owned()),
        "DATABASE_URL"
        | "PORTCULLIS_DATABASE_URL"
        | "PORTCULLIS_MASTER_KEY"
        | "PORTCULLIS_PUBLIC_URL" => None,
        other => std::env::var(other).ok(),
    })
}

/// A printable random secret of `len` characters from `alphabet`.
fn random_text(alphabet: &[u8], len: usize) -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())]))
        .collect()
}

async fn sandbox(settings: Settings, args: SandboxArgs) -> Result<(), String> {
    const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (access_key_id, secret_access_key) = match (args.access_key_id, args.secret_access_key) {
        (Some(id), Some(secret)) => (id, secret),
        _ => (
            format!("AKIA{}", random_text(BASE32, 16)),
            random_text(SECRET, 40),
        ),
    };
    let spec = server::sandbox::Spec {
        account_id: args.account_id,
        root_email: "root@sandbox.invalid".to_owned(),
        root_password: format!("Sbx-{}-9a", random_text(SECRET, 20)),
        access_key_id,
        secret_access_key,
    };
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?;
    let data_dir = settings.data_dir.clone();
    let (pool, embedded, sealer) = open_database(&settings).await?;
    let result = async {
        let state = app_state(pool.clone(), &settings, sealer)?;
        server::sandbox::provision(&state, &spec).await?;
        let leptos = startup::leptos_options(&settings.site_root, settings.addr);
        let router = startup::router(
            state.clone(),
            leptos,
            startup::Edge::from_settings(&settings),
        )
        .merge(server::sandbox::routes(state.clone(), spec.clone()));
        startup::spawn_session_cleanup(pool.clone());
        startup::spawn_signin_pruning(state);
        let endpoint = &settings.public_url;
        println!(
            "# Portcullis sandbox: account {}, data in {} (removed at exit)",
            spec.account_id,
            settings.data_dir.display()
        );
        println!("export AWS_ACCESS_KEY_ID={}", spec.access_key_id);
        println!("export AWS_SECRET_ACCESS_KEY={}", spec.secret_access_key);
        println!("export AWS_ENDPOINT_URL={endpoint}");
        println!("export AWS_DEFAULT_REGION=us-east-1");
        println!(
            "# console: {endpoint}/signin as {} with password {}",
            spec.root_email, spec.root_password
        );
        println!("# reset: curl -X POST {endpoint}/_sandbox/reset");
        startup::serve(listener, router, startup::shutdown_signal())
            .await
            .map_err(|e| format!("server error: {e}"))
    }
    .await;
    pool.close().await;
    if let Some(mut embedded) = embedded {
        embedded.stop();
    }
    let cluster = database::detached_cluster_dir(&data_dir);
    for dir in cluster.iter().chain(std::iter::once(&data_dir)) {
        if let Err(error) = std::fs::remove_dir_all(dir) {
            tracing::warn!(%error, dir = %dir.display(), "could not remove the sandbox's data");
        }
    }
    result
}

async fn create_access_key(
    settings: &Settings,
    account_id: String,
    user: Option<String>,
) -> Result<(), String> {
    let user = user
        .map(|name| app::model::UserName::parse(&name).map_err(|m| format!("--user: {m}")))
        .transpose()?;
    with_live_database(settings, |pool, sealer| async move {
        let state = app_state(pool, settings, sealer)?;
        let cx = app::directory::signing::command_context(&state, &account_id)
            .await
            .map_err(|e| e.to_string())?;
        let created = app::directory::access_keys::create_access_key(&cx, user.as_ref())
            .await
            .map_err(|e| e.to_string())?;
        let created_at = created
            .key
            .created_at
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| e.to_string())?;
        let answer = serde_json::json!({
            "AccessKey": {
                "UserName": created.key.user_name.as_ref().map_or(account_id.clone(), ToString::to_string),
                "AccessKeyId": created.key.id.as_str(),
                "Status": created.key.status.as_str(),
                "SecretAccessKey": created.secret,
                "CreateDate": created_at,
            }
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?
        );
        Ok(())
    })
    .await
}

async fn verify_audit(settings: &Settings, account_id: Option<String>) -> Result<(), String> {
    // Works while the server runs, on its database.
    with_live_database(settings, |pool, _| verify_audit_with(pool, account_id)).await
}

async fn verify_audit_with(pool: sqlx::PgPool, account_id: Option<String>) -> Result<(), String> {
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    let accounts = match account_id {
        Some(id) => vec![
            app::model::AccountId::parse(&id)
                .map_err(|m| format!("--account-id: {m}"))?
                .to_string(),
        ],
        None => app::audit::accounts(&mut conn)
            .await
            .map_err(|e| e.to_string())?,
    };
    let mut broken = 0;
    for account in &accounts {
        match app::audit::verify(&mut conn, account)
            .await
            .map_err(|e| e.to_string())?
        {
            Ok(count) => println!("account {account}: {count} events, chain intact"),
            Err(problem) => {
                broken += 1;
                println!("account {account}: BROKEN: {problem}");
            }
        }
    }
    if broken > 0 {
        return Err(format!(
            "{broken} of {} audit chains are broken",
            accounts.len()
        ));
    }
    Ok(())
}

/// `portcullis master-key rotate`, on the running server's database when one runs.
async fn rotate_master_key(settings: &Settings) -> Result<(), String> {
    with_live_database(settings, |pool, _| async move {
        let rotation = if settings.master_keys.is_empty() {
            master_key::rotate_file(&pool, &settings.data_dir, &OsEntropy).await?
        } else {
            master_key::rotate_configured(&pool, &settings.master_keys, &OsEntropy).await?
        };
        tracing::info!(new_key = %rotation.new_key_id, retired = ?rotation.retired_key_ids, resealed = rotation.resealed, "rotated the master key");
        println!(
            "Re-sealed {} secret(s) under master key {}; retired {}.{}",
            rotation.resealed,
            rotation.new_key_id,
            rotation.retired_key_ids.join(", "),
            if settings.master_keys.is_empty() {
                String::new()
            } else {
                " Remove the retired keys from PORTCULLIS_MASTER_KEY.".to_owned()
            }
        );
        Ok(())
    })
    .await
}

async fn unlock_account(settings: &Settings, email: String) -> Result<(), String> {
    // A lockout must be liftable while the server runs: use its database if it does.
    with_live_database(settings, |pool, sealer| {
        unlock_with(pool, settings, &email, sealer)
    })
    .await
}

async fn unlock_with(
    pool: sqlx::PgPool,
    settings: &Settings,
    email: &str,
    sealer: Arc<Sealer>,
) -> Result<(), String> {
    let state = app_state(pool, settings, sealer)?;
    let cleared = app::directory::signin::unlock_root(&state, email)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Lifted the sign-in limits on {email} ({cleared} cleared). Limits on the addresses \
         that made the attempts stay."
    );
    Ok(())
}

/// While no account exists, web setup needs a fresh one-time token: printed here and
/// written to the data directory, so only someone with access to this machine can use
/// it. Printed on standard error, never logged.
async fn open_setup(state: &AppState, settings: &Settings) -> Result<(), String> {
    if !accounts::setup_required(state)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(());
    }
    let token = SetupGate::generate_token();
    let file = settings.data_dir.join("setup-token");
    let written = database::write_private_file(&settings.data_dir, "setup-token", &token);
    let where_ = match &written {
        Ok(()) => format!(" (also in {})", file.display()),
        Err(error) => {
            tracing::warn!(%error, "could not write the setup token to the data directory");
            String::new()
        }
    };
    eprintln!(
        "\nPortcullis is not set up yet. Open {}/setup and enter this setup token{where_}:\n\n    {token}\n",
        settings.public_url
    );
    state.setup.open(token, written.ok().map(|()| file));
    Ok(())
}

fn read_password_from_stdin() -> Result<String, String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = input.strip_suffix('\n').unwrap_or(&input);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err("no password on standard input: pipe the root password in, e.g. `printf %s \"$PW\" | portcullis bootstrap --email you@example.com`".to_owned());
    }
    Ok(password.to_owned())
}

fn policy_command(command: PolicyCommand) -> ExitCode {
    use app::policy::cli;
    let read = |file: &str| -> Result<String, String> {
        if file == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|e| format!("cannot read standard input: {e}"))
        } else {
            std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))
        }
    };
    match command {
        PolicyCommand::Lint { file, json } => match read(&file) {
            Ok(text) if json => {
                let catalogue = server::aws_catalogue::catalogue();
                println!("{}", cli::lint_json(&text, catalogue));
                let (_, code) = cli::lint_report(&text, catalogue);
                ExitCode::from(u8::try_from(code).unwrap_or(1))
            }
            Ok(text) => {
                let (report, code) = cli::lint_report(&text, server::aws_catalogue::catalogue());
                print!("{report}");
                ExitCode::from(u8::try_from(code).unwrap_or(1))
            }
            Err(message) => fail(message),
        },
        PolicyCommand::Simulate { batch: true, .. } => {
            match cli::simulate_batch(std::io::stdin().lock(), std::io::stdout().lock()) {
                Ok(0) => ExitCode::SUCCESS,
                Ok(_) => ExitCode::from(2),
                Err(e) => fail(format!("cannot read or write the batch: {e}")),
            }
        }
        PolicyCommand::Simulate { file, batch: false } => {
            let file = file.unwrap_or_else(|| "-".to_owned());
            match read(&file).and_then(|text| cli::simulate_one(&text)) {
                Ok(result) => {
                    println!("{result}");
                    ExitCode::SUCCESS
                }
                Err(message) => fail(message),
            }
        }
    }
}
