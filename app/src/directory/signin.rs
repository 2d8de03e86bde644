//! Root sign-in: one generic answer for unknown emails and wrong passwords, and the
//! limits of `throttle`, the same for known and unknown subjects. No database
//! connection is held while the password is verified.

use super::RequestSource;
use super::sessions::PendingMfa;
use super::throttle::{self, ADDRESS_BUDGET, Bucket, BucketRule, SUBJECT_BACKSTOP, Streak};
use crate::audit;
use crate::error::AppError;
use crate::model::{Account, EmailAddress, Password, User, UserName};
use crate::model::{AccountId, AuthCode, RecoveryCode};
use crate::state::AppState;
use crate::store::signin::{Attempt, LimitRow, Outcome, Scope};
use crate::store::{self, StoreError};
use sqlx::PgConnection;
use time::{Duration, OffsetDateTime};

/// The limits an attempt is counted under.
struct Keys {
    subject: String,
    address: String,
    pair: String,
}

impl Keys {
    fn new(subject: String, source: &RequestSource) -> Self {
        let address = throttle::address_key(source.ip);
        let pair = format!("{subject} {address}");
        Self {
            subject,
            address,
            pair,
        }
    }
}

/// The three rows, locked, as they were before this attempt.
struct Limits {
    address: LimitRow,
    subject: LimitRow,
    pair: LimitRow,
}

pub fn root_subject(email: &EmailAddress) -> String {
    format!("root:{}", email.normalized())
}

/// Who a sign-in names: a root user by email, or an IAM user by account and name.
#[derive(Debug, Clone)]
pub enum Target {
    Root(EmailAddress),
    /// The account as typed (id or alias) and the user name.
    User {
        account: String,
        user: UserName,
    },
}

impl Target {
    fn subject(&self) -> String {
        match self {
            Self::Root(email) => root_subject(email),
            Self::User { account, user } => {
                format!("user:{}:{}", account.to_ascii_lowercase(), user.key())
            }
        }
    }
}

/// A successful sign-in: the account, and the user when it was not root. Only a
/// sign-in that checked a password makes one.
#[derive(Debug, Clone)]
pub struct SignedIn {
    account: Account,
    user: Option<User>,
    reset_required: bool,
    /// An MFA device is enabled: the sign-in is complete only with its code.
    mfa_required: bool,
    /// When the MFA code was given, once it was.
    mfa_at: Option<OffsetDateTime>,
}

impl SignedIn {
    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// An IAM user who must choose a new password before anything else.
    pub fn reset_required(&self) -> bool {
        self.reset_required
    }

    /// The password was right, and the principal has an MFA device enabled: no session
    /// until its code is given (`sign_in_mfa`).
    pub fn mfa_required(&self) -> bool {
        self.mfa_required && self.mfa_at.is_none()
    }

    pub fn mfa_at(&self) -> Option<OffsetDateTime> {
        self.mfa_at
    }

    /// What `sign_in_mfa` needs to finish this sign-in, kept in the session meanwhile.
    pub fn pending_mfa(&self, now: OffsetDateTime) -> PendingMfa {
        PendingMfa {
            account_id: self.account.id.to_string(),
            user_id: self.user.as_ref().map(|u| u.id.to_string()),
            subject: match &self.user {
                Some(user) => user.arn.clone(),
                None => self.account.root_arn(),
            },
            password_at: now,
            reset_required: self.reset_required,
        }
    }

    /// The caller this sign-in makes, for a session started at `now` (the API and the
    /// tests use it; the console rebuilds it from the session row on every request).
    pub fn caller(
        &self,
        session_id: uuid::Uuid,
        now: time::OffsetDateTime,
    ) -> crate::authz::Caller {
        let principal = match &self.user {
            None => crate::authz::Principal::Root,
            Some(user) => crate::authz::Principal::User(Box::new(user.clone())),
        };
        crate::authz::Caller::new(
            self.account.clone(),
            principal,
            session_id,
            now,
            self.mfa_at,
            self.reset_required,
        )
    }
}

struct Found {
    account: Account,
    user_id: Option<String>,
    hash: String,
    reset_required: bool,
    /// The password is older than the password policy's maximum age, which forbids
    /// its user to change it (hard expiry): only an administrator may reset it.
    hard_expired: bool,
    /// The password is older than the policy's maximum age (and not yet marked so).
    newly_expired: bool,
}

async fn find(
    conn: &mut PgConnection,
    target: &Target,
    now: OffsetDateTime,
) -> Result<Option<Found>, StoreError> {
    match target {
        Target::Root(email) => Ok(
            store::accounts::find_root_by_email(conn, &email.normalized())
                .await?
                .map(|(account, hash)| Found {
                    account,
                    user_id: None,
                    hash,
                    reset_required: false,
                    hard_expired: false,
                    newly_expired: false,
                }),
        ),
        Target::User { account, user } => {
            let Some(account) = store::accounts::find_by_signin_name(conn, account).await? else {
                return Ok(None);
            };
            // Read whether or not the user exists, so that both cost the same queries.
            let policy = store::password_policy::find(conn, &account.id).await?;
            let Some((user_id, profile)) =
                store::users::find_for_signin(conn, &account.id, &user.key()).await?
            else {
                return Ok(None);
            };
            // A password older than the policy's maximum age must be changed at sign-in,
            // as a required reset is; with hard expiry, its user may not change it.
            let expired = policy.and_then(|p| p.max_password_age).is_some_and(|days| {
                profile.password_changed_at + time::Duration::days(i64::from(days)) <= now
            });
            let hard = policy.is_some_and(|p| p.hard_expiry);
            Ok(Some(Found {
                account,
                user_id: Some(user_id),
                hash: profile.password_hash,
                reset_required: profile.reset_required || expired,
                hard_expired: expired && hard,
                newly_expired: expired && !profile.reset_required,
            }))
        }
    }
}

pub async fn sign_in_root(
    state: &AppState,
    email: &str,
    password: Password,
    source: &RequestSource,
) -> Result<SignedIn, AppError> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::validation("email", m))?;
    sign_in(state, Target::Root(email), password, source).await
}

/// An IAM user's sign-in at `/signin/<account>`: the same limits, the same generic
/// answer and the same timing as root's.
pub async fn sign_in_user(
    state: &AppState,
    account: &str,
    user_name: &str,
    password: Password,
    source: &RequestSource,
) -> Result<SignedIn, AppError> {
    let account = account.trim();
    if account.is_empty() {
        return Err(AppError::validation("account", "is required"));
    }
    if account.len() > 63 {
        return Err(AppError::InvalidCredentials);
    }
    let user = super::users::parse_user_name("user_name", user_name)?;
    let target = Target::User {
        account: account.to_owned(),
        user,
    };
    sign_in(state, target, password, source).await
}

async fn sign_in(
    state: &AppState,
    target: Target,
    password: Password,
    source: &RequestSource,
) -> Result<SignedIn, AppError> {
    if password.expose().is_empty() {
        return Err(AppError::validation("password", "is required"));
    }
    if password.expose().chars().count() > 128 {
        // No password can be longer; refuse before spending a hash on it.
        return Err(AppError::InvalidCredentials);
    }
    let keys = Keys::new(target.subject(), source);
    let now = state.clock.now();

    // The limits first, and cheaply: a refused attempt never waits for the hasher, so
    // an address over its budget cannot occupy the hasher's queue.
    let mut tx = store::begin(&state.pool).await?;
    let limits = lock_limits(&mut tx, &keys, now).await?;
    let found = find(&mut tx, &target, now).await?;
    let account_id = found.as_ref().map(|f| f.account.id.to_string());
    let attempt = |outcome, at| Attempt {
        account_id: account_id.as_deref(),
        subject: &keys.subject,
        outcome,
        source_ip: source.ip_text(),
        user_agent: source.user_agent.as_deref(),
        at,
    };
    if let Some(wait) = refused(&limits, now) {
        store::signin::record_attempt(&mut tx, attempt(Outcome::Throttled, now)).await?;
        if let Some(found) = &found {
            let event = console_login(found, &target, None, source, now, Some("Throttled"));
            audit::append(&mut tx, state.entropy.as_ref(), vec![event]).await?;
        }
        store::commit(tx).await?;
        log_attempt(&keys.subject, Outcome::Throttled, source);
        return Err(AppError::Throttled {
            retry_after_secs: throttle::retry_secs(wait),
        });
    }
    // Charged before the check, so parallel guesses all count; refunded on success.
    save_limits(&mut tx, &keys, &charged(&limits, now)).await?;
    store::commit(tx).await?;

    // A turn at the hasher, holding no connection while waiting for it. When the
    // server is too busy the attempt did not happen: its charge is given back.
    let permit = match state.passwords.admit().await {
        Ok(permit) => permit,
        Err(busy) => {
            // Now, not the attempt's start: the rows' clocks must never move backwards.
            let now = state.clock.now();
            let mut tx = store::begin(&state.pool).await?;
            let limits = lock_limits(&mut tx, &keys, now).await?;
            save_limits(&mut tx, &keys, &uncharged(&limits, now)).await?;
            store::commit(tx).await?;
            return Err(busy);
        }
    };
    let hash = found.as_ref().map(|f| f.hash.clone());
    let matched = state.passwords.verify(permit, &password, hash).await?;
    let outcome = if matched {
        Outcome::Success
    } else {
        Outcome::BadCredentials
    };

    let done = state.clock.now();
    let mut tx = store::begin(&state.pool).await?;
    let mut user = None;
    let mut mfa_required = false;
    let hard_expired = matched && found.as_ref().is_some_and(|f| f.hard_expired);
    if matched && let Some(found) = &found {
        mfa_required =
            super::mfa::required_at_signin(&mut tx, &found.account.id, found.user_id.as_deref())
                .await?;
    }
    if matched {
        let limits = lock_limits(&mut tx, &keys, done).await?;
        save_limits(&mut tx, &keys, &succeeded(&limits, done)).await?;
        if let Some(user_id) = found
            .as_ref()
            .and_then(|f| f.user_id.as_deref())
            .filter(|_| !hard_expired)
        {
            store::users::record_console_use(&mut tx, user_id, done).await?;
            // Every later request reads "must change" from the profile.
            if found.as_ref().is_some_and(|f| f.newly_expired) {
                store::users::require_password_reset(&mut tx, user_id).await?;
            }
            user = store::users::find_by_id(&mut tx, user_id).await?;
        }
    }
    store::signin::record_attempt(&mut tx, attempt(outcome, done)).await?;
    // With MFA, the sign-in is recorded when the code is given (or refused).
    if let Some(found) = found
        .as_ref()
        .filter(|_| !(mfa_required && matched && !hard_expired))
    {
        let error = if !matched {
            Some("InvalidCredentials")
        } else if hard_expired {
            Some("PasswordExpired")
        } else {
            None
        };
        let event = console_login(found, &target, user.as_ref(), source, done, error);
        audit::append(&mut tx, state.entropy.as_ref(), vec![event]).await?;
    }
    store::commit(tx).await?;
    log_attempt(&keys.subject, outcome, source);

    match found {
        // The password was right, so saying why is safe; its user cannot change it.
        Some(_) if hard_expired => Err(AppError::validation(
            "password",
            "has expired, and this account's password policy lets only an administrator reset it",
        )),
        Some(found) if matched => Ok(SignedIn {
            account: found.account,
            user,
            reset_required: found.reset_required,
            mfa_required,
            mfa_at: None,
        }),
        _ => Err(AppError::InvalidCredentials),
    }
}

/// A sign-in's second step: the code of an MFA device enabled for whoever gave the
/// right password (`pending`). Wrong codes count as failures of their own (five free,
/// then waits doubling up to 15 minutes, as for passwords), from every address, since
/// only someone who knew the password gets here; a right one spends the code.
/// What was typed at the sign-in's second step: a code from the app, or (beyond AWS)
/// one of the principal's recovery codes.
enum SecondFactor {
    Totp(AuthCode),
    Recovery(RecoveryCode),
}

impl SecondFactor {
    fn parse(input: &str) -> Result<Self, AppError> {
        if let Ok(code) = AuthCode::parse(input) {
            return Ok(Self::Totp(code));
        }
        if let Ok(code) = RecoveryCode::parse(input) {
            return Ok(Self::Recovery(code));
        }
        AuthCode::parse(input).map(Self::Totp).map_err(|m| {
            AppError::validation("code", format!("{m}, or one of your recovery codes"))
        })
    }

    fn audit(&self, recovery_codes_left: Option<i64>) -> serde_json::Value {
        match self {
            Self::Totp(_) => serde_json::json!({"MFAUsed": "Yes"}),
            Self::Recovery(_) => serde_json::json!({
                "MFAUsed": "RecoveryCode",
                "RecoveryCodesLeft": recovery_codes_left,
            }),
        }
    }
}

/// The limit on one principal's MFA codes (after five wrong ones in a row, a wait of
/// 5 s doubling to 15 min), shared by the console's second sign-in step and
/// GetSessionToken, so a guesser gains nothing by switching between them. Locked in
/// the caller's transaction until it is settled.
pub(crate) struct MfaLimit {
    key: String,
    row: LimitRow,
}

impl MfaLimit {
    /// `subject`: the principal's ARN.
    pub(crate) async fn lock(
        conn: &mut PgConnection,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<Self, AppError> {
        let key = format!("mfa:{subject}");
        let row = store::signin::lock_limit(conn, Scope::Pair, &key, now).await?;
        Ok(Self { key, row })
    }

    /// The error to answer when codes are refused for now.
    pub(crate) fn refusal(&self, now: OffsetDateTime) -> Option<AppError> {
        streak(&self.row)
            .refused(now)
            .map(|wait| AppError::Throttled {
                retry_after_secs: throttle::retry_secs(wait),
            })
    }

    /// Counts a wrong code, or clears the count after a right one.
    pub(crate) async fn settle(
        self,
        conn: &mut PgConnection,
        spent: bool,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        let before = streak(&self.row);
        let next = if spent {
            before.succeeded(now)
        } else {
            before.charged(now)
        };
        let row = with_streak(&self.row, next, now);
        Ok(store::signin::save_limit(conn, Scope::Pair, &self.key, row).await?)
    }
}

pub async fn sign_in_mfa(
    state: &AppState,
    pending: &PendingMfa,
    code: &str,
    source: &RequestSource,
) -> Result<SignedIn, AppError> {
    let factor = SecondFactor::parse(code)?;
    let account_id = AccountId::parse(&pending.account_id)
        .map_err(|m| AppError::internal("pending sign-in", m))?;
    let now = state.clock.now();
    let mut tx = store::begin(&state.pool).await?;
    let limit = MfaLimit::lock(&mut tx, &pending.subject, now).await?;
    let Some(account) = store::accounts::find(&mut tx, &account_id).await? else {
        return Err(AppError::InvalidCredentials);
    };
    let user = match &pending.user_id {
        Some(id) => match store::users::find_by_id(&mut tx, id).await? {
            Some(user) => Some(user),
            None => return Err(AppError::InvalidCredentials),
        },
        None => None,
    };
    // `left`: how many recovery codes are left once one was spent.
    let event = |error: Option<&str>, left: Option<i64>| audit::Event {
        account_id: account.id.to_string(),
        at: now,
        actor_arn: pending.subject.clone(),
        source_ip: source.ip_text().map(str::to_owned),
        user_agent: source.user_agent.clone(),
        action: "signin:ConsoleLogin".to_owned(),
        resource: pending.subject.clone(),
        params: factor.audit(left),
        outcome: match error {
            None => audit::Outcome::Success,
            Some(_) => audit::Outcome::Failure,
        },
        error_code: error.map(str::to_owned),
    };
    if let Some(refusal) = limit.refusal(now) {
        audit::append(
            &mut tx,
            state.entropy.as_ref(),
            vec![event(Some("Throttled"), None)],
        )
        .await?;
        store::commit(tx).await?;
        return Err(refusal);
    }
    let mut left_after = None;
    let spent = match &factor {
        SecondFactor::Totp(code) => {
            super::mfa::spend_signin_code(
                state,
                &mut tx,
                &account.id,
                pending.user_id.as_deref(),
                code,
                now,
            )
            .await?
        }
        SecondFactor::Recovery(code) => {
            let left = super::recovery::spend_signin_code(
                &mut tx,
                &account.id,
                pending.user_id.as_deref(),
                code,
                now,
            )
            .await?;
            let spent = left.is_some();
            left_after = left;
            spent
        }
    };
    limit.settle(&mut tx, spent, now).await?;
    let error = (!spent).then_some("InvalidAuthenticationCode");
    audit::append(
        &mut tx,
        state.entropy.as_ref(),
        vec![event(error, left_after)],
    )
    .await?;
    store::commit(tx).await?;
    tracing::info!(
        target: "portcullis::signin",
        subject = %pending.subject,
        outcome = if spent { "success" } else { "bad_code" },
        source_ip = source.ip_text().unwrap_or("unknown"),
        "sign-in MFA code"
    );
    if !spent {
        return Err(AppError::invalid_code("code"));
    }
    Ok(SignedIn {
        account,
        user,
        reset_required: pending.reset_required,
        mfa_required: true,
        mfa_at: Some(now),
    })
}

/// The audit event of a console sign-in of a known account: a success (`error` None),
/// a wrong password, or an attempt refused by the limits. The actor is the user's own
/// ARN once signed in; a failed user sign-in names the user as typed (there is no user
/// to read the path from); root otherwise.
fn console_login(
    found: &Found,
    target: &Target,
    user: Option<&User>,
    source: &RequestSource,
    at: OffsetDateTime,
    error: Option<&str>,
) -> audit::Event {
    let actor = match (target, user) {
        (_, Some(user)) => user.arn.clone(),
        (Target::User { user: name, .. }, None) => {
            format!("arn:aws:iam::{}:user/{name}", found.account.id)
        }
        (Target::Root(_), None) => found.account.root_arn(),
    };
    audit::Event {
        account_id: found.account.id.to_string(),
        at,
        actor_arn: actor.clone(),
        source_ip: source.ip_text().map(str::to_owned),
        user_agent: source.user_agent.clone(),
        action: "signin:ConsoleLogin".to_owned(),
        resource: actor,
        params: serde_json::json!({}),
        outcome: match error {
            None => audit::Outcome::Success,
            Some(_) => audit::Outcome::Failure,
        },
        error_code: error.map(str::to_owned),
    }
}

/// Lifts every sign-in limit on a root user (`portcullis account unlock`); returns how
/// many limits were cleared. Address budgets stay: they belong to the addresses.
pub async fn unlock_root(state: &AppState, email: &str) -> Result<u64, AppError> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::validation("email", m))?;
    let mut conn = store::acquire(&state.pool).await?;
    let cleared = store::signin::clear_subject(&mut conn, &root_subject(&email)).await?;
    tracing::info!(
        target: "portcullis::signin",
        subject = %root_subject(&email),
        cleared,
        "sign-in limits lifted"
    );
    Ok(cleared)
}

/// Deletes limits nobody has touched for a day and attempts older than the retention.
pub async fn prune(state: &AppState, keep_attempts: Duration) -> Result<(u64, u64), AppError> {
    let now = state.clock.now();
    let mut conn = store::acquire(&state.pool).await?;
    Ok(store::signin::prune(
        &mut conn,
        now,
        now - throttle::FORGET_AFTER,
        now - throttle::KNOWN_FOR,
        now - keep_attempts,
    )
    .await?)
}

async fn lock_limits(
    conn: &mut PgConnection,
    keys: &Keys,
    now: OffsetDateTime,
) -> Result<Limits, StoreError> {
    // Always address, subject, pair: one order for everyone, so no two attempts wait
    // on each other's rows.
    let address = store::signin::lock_limit(conn, Scope::Address, &keys.address, now).await?;
    let subject = store::signin::lock_limit(conn, Scope::Subject, &keys.subject, now).await?;
    let pair = store::signin::lock_limit(conn, Scope::Pair, &keys.pair, now).await?;
    Ok(Limits {
        address,
        subject,
        pair,
    })
}

async fn save_limits(
    conn: &mut PgConnection,
    keys: &Keys,
    limits: &Limits,
) -> Result<(), StoreError> {
    store::signin::save_limit(conn, Scope::Address, &keys.address, limits.address).await?;
    store::signin::save_limit(conn, Scope::Subject, &keys.subject, limits.subject).await?;
    store::signin::save_limit(conn, Scope::Pair, &keys.pair, limits.pair).await
}

fn bucket(row: &LimitRow) -> Bucket {
    Bucket {
        level: row.level,
        updated_at: row.updated_at,
    }
}

fn streak(row: &LimitRow) -> Streak {
    Streak {
        failures: row.failures,
        locked_until: row.locked_until,
        last_success_at: row.last_success_at,
    }
}

fn with_bucket(row: &LimitRow, bucket: Bucket) -> LimitRow {
    LimitRow {
        level: bucket.level,
        updated_at: bucket.updated_at,
        ..*row
    }
}

fn with_streak(row: &LimitRow, streak: Streak, now: OffsetDateTime) -> LimitRow {
    LimitRow {
        failures: streak.failures,
        locked_until: streak.locked_until,
        last_success_at: streak.last_success_at,
        updated_at: now,
        ..*row
    }
}

/// The longest wait any limit imposes, if any refuses. An address this subject signed
/// in from recently is spared the subject's backstop: guessers elsewhere cannot lock the
/// owner out of a place they use.
fn refused(limits: &Limits, now: OffsetDateTime) -> Option<Duration> {
    let pair = streak(&limits.pair);
    let backstop = if pair.known(now) {
        None
    } else {
        SUBJECT_BACKSTOP.refused(&bucket(&limits.subject), now)
    };
    [
        pair.refused(now),
        backstop,
        ADDRESS_BUDGET.refused(&bucket(&limits.address), now),
    ]
    .into_iter()
    .flatten()
    .max()
}

fn charged(limits: &Limits, now: OffsetDateTime) -> Limits {
    let pair = streak(&limits.pair);
    updated(
        limits,
        now,
        BucketRule::charged,
        pair.charged(now),
        !pair.known(now),
    )
}

/// A charge given back: the attempt was never checked.
fn uncharged(limits: &Limits, now: OffsetDateTime) -> Limits {
    let pair = streak(&limits.pair);
    updated(
        limits,
        now,
        BucketRule::refunded,
        pair.uncharged(),
        !pair.known(now),
    )
}

fn succeeded(limits: &Limits, now: OffsetDateTime) -> Limits {
    let pair = streak(&limits.pair);
    // The backstop was charged unless the address was already known.
    updated(
        limits,
        now,
        BucketRule::refunded,
        pair.succeeded(now),
        !pair.known(now),
    )
}

/// Both buckets moved by `bucket_op` (the subject's only when `with_subject`), the
/// pair's streak set to `pair`.
fn updated(
    limits: &Limits,
    now: OffsetDateTime,
    bucket_op: fn(&BucketRule, &Bucket, OffsetDateTime) -> Bucket,
    pair: Streak,
    with_subject: bool,
) -> Limits {
    let moved =
        |rule: &BucketRule, row: &LimitRow| with_bucket(row, bucket_op(rule, &bucket(row), now));
    Limits {
        address: moved(&ADDRESS_BUDGET, &limits.address),
        subject: if with_subject {
            moved(&SUBJECT_BACKSTOP, &limits.subject)
        } else {
            limits.subject
        },
        pair: with_streak(&limits.pair, pair, now),
    }
}

fn log_attempt(subject: &str, outcome: Outcome, source: &RequestSource) {
    tracing::info!(
        target: "portcullis::signin",
        subject,
        outcome = outcome.as_str(),
        source_ip = source.ip_text().unwrap_or("unknown"),
        "sign-in attempt"
    );
}
