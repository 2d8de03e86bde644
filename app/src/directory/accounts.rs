//! Accounts and their root users: first-run setup, further accounts.

use crate::error::{AppError, Problems};
use crate::model::password_strength;
use crate::model::{
    Account, AccountAlias, AccountId, DEFAULT_MINIMUM_SCORE, EmailAddress, Password,
    RootPasswordCheck, StrengthScore,
};
use crate::state::AppState;
use crate::store::{self, StoreError, accounts::NewAccountRow};

/// A validated request to create an account with its root user.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: EmailAddress,
    pub password: Password,
    pub account_id: Option<AccountId>,
    pub alias: Option<AccountAlias>,
}

/// The raw fields of the setup form or the CLI, before checking.
#[derive(Debug, Clone, Default)]
pub struct NewAccountInput {
    pub email: String,
    pub password: String,
    /// Present only where the person typed the password twice (the web form).
    pub password_confirmation: Option<String>,
    pub account_id: Option<String>,
    pub alias: Option<String>,
}

impl NewAccount {
    /// Every field checked, each broken rule reported (the form shows them all).
    pub fn parse(input: NewAccountInput) -> Result<Self, AppError> {
        let mut problems = Problems::new();
        let email = problems.check("email", EmailAddress::parse(&input.email));
        let email_text = email.as_ref().map_or("", |e| e.as_str());
        if let Some(message) = RootPasswordCheck::run(&input.password, email_text).error_message() {
            problems.refuse("password", message);
        } else if let Some(message) = root_password_refusal(
            &input.password,
            DEFAULT_MINIMUM_SCORE,
            [
                Some(email_text),
                input.account_id.as_deref(),
                input.alias.as_deref(),
            ]
            .into_iter()
            .flatten(),
        ) {
            problems.refuse("password", message);
        }
        if let Some(confirmation) = &input.password_confirmation
            && *confirmation != input.password
        {
            problems.refuse("password_confirmation", "must match the password");
        }
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let account_id = problems.check(
            "account_id",
            non_empty(input.account_id)
                .map(|s| AccountId::parse(&s))
                .transpose(),
        );
        let alias = problems.check(
            "alias",
            non_empty(input.alias)
                .map(|s| AccountAlias::parse(&s))
                .transpose(),
        );
        let parsed = (|| {
            Some(Self {
                email: email?,
                password: Password::new(input.password),
                account_id: account_id?,
                alias: alias?,
            })
        })();
        problems.finish(parsed)
    }
}

/// Whether a root password is too easy to guess, knowing the account's words (a new
/// account has the default minimum; an existing one its own).
fn root_password_refusal<'a>(
    password: &str,
    minimum: StrengthScore,
    words: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    password_strength::judge(password, &password_strength::context_words(words), minimum)
}

/// True while no account exists: the console then only offers first-run setup.
pub async fn setup_required(state: &AppState) -> Result<bool, AppError> {
    let mut conn = store::acquire(&state.pool).await?;
    Ok(!store::accounts::any_exists(&mut conn).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Creation {
    First,
    Additional,
}

/// First-run setup from the web: needs the setup token the server printed. The cheap
/// refusals (already set up, wrong token) come before any password is hashed.
pub async fn create_first_account_from_web(
    state: &AppState,
    setup_token: &str,
    input: NewAccountInput,
) -> Result<Account, AppError> {
    if !setup_required(state).await? {
        return Err(AppError::AlreadySetUp);
    }
    state.setup.check(setup_token)?;
    let new = NewAccount::parse(input)?;
    let account = hash_and_insert(state, new, Creation::First).await?;
    state.setup.close();
    Ok(account)
}

/// First-run setup: creates the first account, refused once any account exists. Safe
/// under concurrency: exactly one of many simultaneous calls succeeds.
pub async fn create_first_account(state: &AppState, new: NewAccount) -> Result<Account, AppError> {
    create(state, new, Creation::First).await
}

/// A further account, for installations that hold several (`portcullis account create`).
pub async fn create_additional_account(
    state: &AppState,
    new: NewAccount,
) -> Result<Account, AppError> {
    create(state, new, Creation::Additional).await
}

async fn create(
    state: &AppState,
    new: NewAccount,
    creation: Creation,
) -> Result<Account, AppError> {
    // Refuse cheaply before hashing: a closed setup must not cost a hash per request.
    let exists = setup_required(state).await.map(|required| !required)?;
    refuse_if_wrong_time(creation, exists)?;
    hash_and_insert(state, new, creation).await
}

/// The expensive part of `create`, for callers that have made the cheap refusals.
async fn hash_and_insert(
    state: &AppState,
    new: NewAccount,
    creation: Creation,
) -> Result<Account, AppError> {
    // Hash before taking the lock, holding no connection: the lock then lasts
    // milliseconds, not the hash time.
    let permit = state.passwords.admit().await?;
    let hash = state.passwords.hash(permit, &new.password).await?;
    let now = state.clock.now();
    let mut tx = store::begin(&state.pool).await?;
    store::accounts::lock_account_creation(&mut tx).await?;
    let exists = store::accounts::any_exists(&mut tx).await?;
    refuse_if_wrong_time(creation, exists)?;
    // A random id can collide with an existing one; draw again (vanishingly rare).
    for _ in 0..16 {
        let account_id = match &new.account_id {
            Some(id) => id.clone(),
            None => random_account_id(state)?,
        };
        let inserted = store::accounts::insert(
            &mut tx,
            NewAccountRow {
                account_id: &account_id,
                alias: new.alias.as_ref(),
                root_email: &new.email,
                root_password_hash: &hash,
                created_at: now,
            },
        )
        .await
        .map_err(name_conflict)?;
        match inserted {
            Some(account) => {
                store::commit(tx).await?;
                tracing::info!(account_id = %account.id, "account created");
                return Ok(account);
            }
            None if new.account_id.is_some() => {
                return Err(AppError::AlreadyExists {
                    field: "account_id".to_owned(),
                    message: "is already used by another account".to_owned(),
                });
            }
            None => continue,
        }
    }
    Err(AppError::internal(
        "account creation",
        "could not draw an unused account id",
    ))
}

fn refuse_if_wrong_time(creation: Creation, any_account_exists: bool) -> Result<(), AppError> {
    match (creation, any_account_exists) {
        (Creation::First, true) => Err(AppError::AlreadySetUp),
        (Creation::Additional, false) => Err(AppError::NotSetUp),
        _ => Ok(()),
    }
}

fn random_account_id(state: &AppState) -> Result<AccountId, AppError> {
    // AWS account ids do not start with 0 in practice; keeping to that avoids ids that
    // spreadsheets and shells silently shorten.
    let n = state.entropy.u64_below(100_000_000_000, 1_000_000_000_000);
    AccountId::from_number(n).ok_or_else(|| AppError::internal("account id", n))
}

fn name_conflict(error: StoreError) -> AppError {
    match &error {
        StoreError::Unique(c) if c == "accounts_alias_key" => AppError::AlreadyExists {
            field: "alias".to_owned(),
            message: "is already used by another account".to_owned(),
        },
        StoreError::Unique(c) if c == "accounts_root_email_key" => AppError::AlreadyExists {
            field: "email".to_owned(),
            message: "is already the root email of another account".to_owned(),
        },
        _ => AppError::from(error),
    }
}

pub async fn find(state: &AppState, account_id: &AccountId) -> Result<Option<Account>, AppError> {
    let mut conn = store::acquire(&state.pool).await?;
    Ok(store::accounts::find(&mut conn, account_id).await?)
}

/// The root user changes its own password (My security credentials): the current one
/// typed again, the new one under the root password rules. Audited as the sign-in
/// service's PasswordUpdated event. Only the root user has a root password to change.
pub async fn change_root_password(
    cx: &crate::authz::Ctx,
    current: &Password,
    new: Password,
) -> Result<(), AppError> {
    let caller = cx.caller();
    if !caller.is_root() {
        return Err(AppError::invalid_input(
            "current_password",
            "Only the root user changes the root password; IAM users change theirs with ChangePassword.",
        ));
    }
    let account = &caller.account;
    let mut problems = Problems::new();
    if let Some(message) =
        RootPasswordCheck::run(new.expose(), account.root_email.as_str()).error_message()
    {
        problems.refuse("new_password", message);
    } else {
        let minimum = {
            let mut conn = store::acquire(&cx.state().pool).await?;
            store::password_policy::minimum_score(&mut conn, &account.id).await?
        };
        let words = [
            Some(account.root_email.as_str()),
            Some(account.id.as_str()),
            account.alias.as_ref().map(AccountAlias::as_str),
        ];
        if let Some(message) =
            root_password_refusal(new.expose(), minimum, words.into_iter().flatten())
        {
            problems.refuse("new_password", message);
        }
    }
    if new.expose() == current.expose() {
        problems.refuse("new_password", "must differ from the current password");
    }
    problems.finish(Some(()))?;
    let state = cx.state();
    let stored = {
        let mut conn = store::acquire(&state.pool).await?;
        store::accounts::find_root_by_email(&mut conn, &account.root_email.normalized()).await?
    };
    let Some((_, hash)) = stored else {
        return Err(AppError::Unauthenticated);
    };
    let hasher = &state.passwords;
    if !hasher
        .verify(hasher.admit().await?, current, Some(hash))
        .await?
    {
        return Err(AppError::validation(
            "current_password",
            "is not your current password",
        ));
    }
    let new_hash = hasher.hash(hasher.admit().await?, &new).await?;
    let mut tx = store::begin(&state.pool).await?;
    store::accounts::set_root_password(&mut tx, &account.id, &new_hash).await?;
    // Whoever signed in as root with the old password is signed out; this session stays.
    let sessions_ended = store::sessions::end_principal_sessions(
        &mut tx,
        &account.id,
        None,
        caller.console_session(),
        cx.now(),
        store::sessions::EndReason::PasswordChanged,
    )
    .await?;
    let root = account.root_arn();
    crate::audit::append(
        &mut tx,
        state.entropy.as_ref(),
        vec![crate::audit::Event {
            account_id: account.id.to_string(),
            at: cx.now(),
            actor_arn: root.clone(),
            source_ip: cx.source().ip_text().map(str::to_owned),
            user_agent: cx.source().user_agent.clone(),
            action: "signin:PasswordUpdated".to_owned(),
            resource: root,
            params: serde_json::json!({ "SessionsEnded": sessions_ended }),
            outcome: crate::audit::Outcome::Success,
            error_code: None,
        }],
    )
    .await?;
    store::commit(tx).await?;
    Ok(())
}

/// Deletes an account with everything of it, in one transaction: only the sandbox's
/// reset does this (no service or console action deletes an account).
pub async fn delete_for_sandbox_reset(state: &AppState, id: &str) -> Result<(), AppError> {
    let id = AccountId::parse(id).map_err(|m| AppError::validation("account_id", m))?;
    let mut tx = store::begin(&state.pool).await?;
    store::accounts::delete_with_everything(&mut tx, &id).await?;
    store::commit(tx).await?;
    // A new chain starts at generation 0 again: what was cached must go.
    state.caches.signing_keys.clear();
    state.caches.session_keys.clear();
    state.caches.effective.clear();
    Ok(())
}
