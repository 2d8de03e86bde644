//! STS's temporary credentials: GetSessionToken, and the caller its credentials make
//! once a request's signature is proven with their secret.

use super::signing::invalid_key;
use crate::audit::{self, Outcome};
use crate::authz::{Caller, Ctx, Principal, RoleSession};
use crate::error::AppError;
use crate::model::{AccessKeyId, AccountId, AuthCode, KEY_ID_RANDOM_LEN, SECRET_LEN, Tag};
use crate::state::AppState;
use crate::store;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// GetSessionToken's bounds (AWS's): 15 minutes to 36 hours, 12 by default; the root
/// user's sessions at most one hour (longer requests get one hour, as in AWS).
pub const MIN_DURATION_SECS: i64 = 900;
pub const MAX_DURATION_SECS: i64 = 129_600;
pub const DEFAULT_DURATION_SECS: i64 = 43_200;
pub const ROOT_MAX_DURATION_SECS: i64 = 3_600;

const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn secret_context(id: &str) -> String {
    format!("session-key:{id}")
}

/// Temporary credentials as GetSessionToken returns them: the secret and the token
/// leave the server here and nowhere else.
pub struct SessionCredentials {
    pub access_key_id: AccessKeyId,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: OffsetDateTime,
}

impl std::fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// An MFA device and the code it shows, for credentials that satisfy
/// aws:MultiFactorAuthPresent.
pub struct MfaProof<'a> {
    pub serial_number: &'a str,
    pub code: AuthCode,
}

fn session_key_id(entropy: &dyn crate::crypto::Entropy) -> AccessKeyId {
    let mut random = [0u8; KEY_ID_RANDOM_LEN];
    entropy.fill(&mut random);
    let long_term = AccessKeyId::from_random(&random);
    // Same alphabet and length as a long-term key; AWS's temporary prefix.
    AccessKeyId::parse(&format!("ASIA{}", &long_term.as_str()[4..])).unwrap_or(long_term)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// GetSessionToken: temporary credentials for the caller, who must have signed with a
/// long-term access key. Needs no permission, as in AWS; audited.
pub async fn get_session_token(
    cx: &Ctx,
    duration_secs: Option<i64>,
    mfa: Option<MfaProof<'_>>,
) -> Result<SessionCredentials, AppError> {
    let caller = cx.caller();
    let Some(source_key) = caller.access_key().cloned() else {
        return Err(AppError::AccessDenied {
            message: "GetSessionToken needs a request signed with a long-term access key."
                .to_owned(),
            explanation: None,
        });
    };
    if matches!(caller.credential, crate::authz::Credential::Session { .. }) {
        return Err(AppError::AccessDenied {
            message: "Cannot call GetSessionToken with session credentials".to_owned(),
            explanation: None,
        });
    }
    let requested = duration_secs.unwrap_or(if caller.is_root() {
        ROOT_MAX_DURATION_SECS
    } else {
        DEFAULT_DURATION_SECS
    });
    if requested < MIN_DURATION_SECS {
        return Err(AppError::validation(
            "duration_seconds",
            format!("must be greater than or equal to {MIN_DURATION_SECS}"),
        ));
    }
    if requested > MAX_DURATION_SECS {
        return Err(AppError::validation(
            "duration_seconds",
            format!("must be less than or equal to {MAX_DURATION_SECS}"),
        ));
    }
    let duration = if caller.is_root() {
        requested.min(ROOT_MAX_DURATION_SECS)
    } else {
        requested
    };
    let now = cx.now();
    let state = cx.state();
    let user_id = caller.user().map(|u| u.id.to_string());
    let mut tx = store::begin(&state.pool).await?;
    let mfa_at = match &mfa {
        None => None,
        Some(proof) => {
            let spent = match spend_limited(cx, &mut tx, user_id.as_deref(), proof).await {
                Err(refusal @ AppError::Throttled { .. }) => {
                    drop(tx);
                    record(cx, Outcome::Denied, Some("Throttling"), true).await;
                    return Err(refusal);
                }
                other => other?,
            };
            if !spent {
                // The count of wrong codes is kept; nothing else was written.
                store::commit(tx).await?;
                record(cx, Outcome::Denied, Some("AccessDenied"), mfa.is_some()).await;
                return Err(AppError::AccessDenied {
                    message:
                        "MultiFactorAuthentication failed with invalid MFA one time pass code."
                            .to_owned(),
                    explanation: None,
                });
            }
            Some(now)
        }
    };
    let minted = Minted::new(cx);
    let expiration = now + Duration::seconds(duration);
    store::session_credentials::insert(
        &mut tx,
        store::session_credentials::NewSession {
            access_key_id: minted.id.as_str(),
            account_id: cx.account().as_str(),
            user_id: user_id.as_deref(),
            source_key_id: Some(source_key.as_str()),
            secret_sealed: &minted.sealed,
            token_sha256: &token_hash(&minted.token),
            issued_at: now,
            expires_at: expiration,
            mfa_at,
            role: None,
        },
    )
    .await?;
    let event = event(
        cx,
        Outcome::Success,
        None,
        mfa_at.is_some(),
        Some(&minted.id),
        duration,
    );
    audit::append(&mut tx, cx.entropy(), vec![event]).await?;
    store::commit(tx).await?;
    Ok(minted.credentials(expiration))
}

/// New temporary credentials before they are stored: the key id, the secret (and its
/// sealed form for the database), the session token.
pub(crate) struct Minted {
    pub id: AccessKeyId,
    secret: String,
    pub sealed: Vec<u8>,
    token: String,
}

impl Minted {
    pub fn new(cx: &Ctx) -> Self {
        let id = session_key_id(cx.entropy());
        let mut secret_bytes = [0u8; SECRET_LEN];
        cx.entropy().fill(&mut secret_bytes);
        let secret: String = secret_bytes
            .iter()
            .map(|b| char::from(SECRET_ALPHABET[usize::from(b % 64)]))
            .collect();
        let mut token_bytes = [0u8; 96];
        cx.entropy().fill(&mut token_bytes);
        let token: String = token_bytes
            .iter()
            .map(|b| char::from(SECRET_ALPHABET[usize::from(b % 64)]))
            .collect();
        let sealed = cx.state().sealer.seal(
            cx.entropy(),
            &secret_context(id.as_str()),
            secret.as_bytes(),
        );
        Self {
            id,
            secret,
            sealed,
            token,
        }
    }

    pub fn token_hash(&self) -> Vec<u8> {
        token_hash(&self.token)
    }

    pub fn credentials(self, expiration: OffsetDateTime) -> SessionCredentials {
        SessionCredentials {
            access_key_id: self.id,
            secret_access_key: self.secret,
            session_token: self.token,
            expiration,
        }
    }
}

/// Spends the code `proof` shows for the caller (`user_id`; `None` for root) in `tx`,
/// under the caller's wrong-code limit, which it settles: `true` when the code was
/// right, `false` when it was wrong (and counted). Throttled while codes are refused.
pub(crate) async fn spend_limited(
    cx: &Ctx,
    tx: &mut sqlx::PgConnection,
    user_id: Option<&str>,
    proof: &MfaProof<'_>,
) -> Result<bool, AppError> {
    let now = cx.now();
    let limit = super::signin::MfaLimit::lock(tx, &cx.caller().arn(), now).await?;
    if let Some(refusal) = limit.refusal(now) {
        return Err(refusal);
    }
    let spent = super::mfa::spend_code(
        cx.state(),
        tx,
        cx.account(),
        user_id,
        Some(proof.serial_number),
        &proof.code,
        now,
    )
    .await?;
    limit.settle(tx, spent, now).await?;
    Ok(spent)
}

fn event(
    cx: &Ctx,
    outcome: Outcome,
    error_code: Option<&str>,
    with_mfa: bool,
    issued: Option<&AccessKeyId>,
    duration: i64,
) -> audit::Event {
    let caller = cx.caller();
    cx.event(
        "sts:GetSessionToken".to_owned(),
        caller.arn(),
        serde_json::json!({
            "DurationSeconds": duration,
            "MFA": with_mfa,
            "AccessKeyId": issued.map(AccessKeyId::as_str),
        }),
        outcome,
        error_code.map(str::to_owned),
    )
}

async fn record(cx: &Ctx, outcome: Outcome, code: Option<&str>, with_mfa: bool) {
    let event = event(cx, outcome, code, with_mfa, None, 0);
    if let Err(error) = audit::record(&cx.state().pool, cx.entropy(), event).await {
        tracing::warn!(%error, "could not record a refused GetSessionToken");
    }
}

/// Temporary credentials named by a request, before the request is proven: their
/// holder, secret and token hash.
#[derive(Clone)]
pub struct SessionKey {
    account: crate::model::Account,
    principal: Principal,
    id: AccessKeyId,
    secret: String,
    token_sha256: Vec<u8>,
    issued_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    mfa_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("SessionKey").field("id", &self.id).finish()
    }
}

/// The temporary credentials `id` with the session token `token`, and the generation of
/// their account's directory this request reads everything at: from the cache while
/// that generation holds (`authz::cache`), as for long-term keys. Unknown ids and wrong
/// tokens are InvalidClientTokenId, expired ones ExpiredToken.
pub async fn find_session_key(
    state: &AppState,
    id: &str,
    token: &str,
    now: OffsetDateTime,
) -> Result<(SessionKey, i64), AppError> {
    let cache = &state.caches.session_keys;
    let name = id.to_owned();
    let mut conn = store::acquire(&state.pool).await?;
    let cached = match cache.peek(&name, |known| known.account.id.clone()) {
        Some(account) => {
            let generation = store::audit::generation(&mut conn, account.as_str()).await?;
            cache
                .get(&name, generation, now)
                .map(|key| (key, generation))
        }
        None => None,
    };
    let (key, generation) = match cached {
        Some(found) => found,
        None => {
            let (key, generation) = load_session_key(&mut conn, state, id).await?;
            cache.put(name, key.clone(), generation, now);
            (key, generation)
        }
    };
    if !subtle_eq(&token_hash(token), &key.token_sha256) {
        return Err(invalid_key());
    }
    if now >= key.expires_at {
        return Err(AppError::ExpiredToken);
    }
    Ok((key, generation))
}

/// Reads temporary credentials: the row (which never changes), then the account's
/// generation, then what may change (the user, the role): an entry so loaded is never
/// older than the generation it is filed under.
async fn load_session_key(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    id: &str,
) -> Result<(SessionKey, i64), AppError> {
    let id = AccessKeyId::parse(id).map_err(|_| invalid_key())?;
    let row = store::session_credentials::find(conn, id.as_str())
        .await?
        .ok_or_else(invalid_key)?;
    let generation = store::audit::generation(conn, &row.account_id).await?;
    let (account, principal) = match &row.role_id {
        None => super::signing::holder(conn, &row.account_id, row.user_id.as_deref()).await?,
        Some(role_id) => {
            let (account, session) = role_session_of(conn, &row, role_id).await?;
            (account, Principal::Role(Box::new(session)))
        }
    };
    let secret = state
        .sealer
        .open(&secret_context(id.as_str()), &row.secret_sealed)
        .map_err(|e| AppError::internal("session secret", e))?;
    let secret =
        String::from_utf8(secret).map_err(|_| AppError::internal("session secret", "not UTF-8"))?;
    Ok((
        SessionKey {
            account,
            principal,
            id,
            secret,
            token_sha256: row.token_sha256,
            issued_at: row.issued_at,
            expires_at: row.expires_at,
            mfa_at: row.mfa_at,
        },
        generation,
    ))
}

/// The role session a stored credential is: its account is its role's, and a role that
/// is gone ends its sessions.
async fn role_session_of(
    conn: &mut sqlx::PgConnection,
    row: &store::session_credentials::SessionRow,
    role_id: &str,
) -> Result<(crate::model::Account, RoleSession), AppError> {
    let (account, _) = super::signing::holder(conn, &row.account_id, None).await?;
    let role = store::roles::find_by_id(conn, role_id)
        .await?
        .ok_or_else(invalid_key)?;
    let session = RoleSession {
        role,
        session_name: row.session_name.clone().unwrap_or_default(),
        session_policy: row.session_policy.clone(),
        session_policy_ids: row.session_policy_ids.clone(),
        tags: row
            .session_tag_keys
            .iter()
            .zip(&row.session_tag_values)
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        transitive_tag_keys: row.transitive_tag_keys.clone(),
        source_identity: row.source_identity.clone(),
        issued_at: row.issued_at,
        expires_at: row.expires_at,
        source_arn: row.source_arn.clone(),
        console_label: None,
    };
    Ok((account, session))
}

/// The live role session behind a console that switched to a role (its credentials'
/// id), with its account and MFA time; `None` once expired or gone.
pub async fn console_role_session(
    conn: &mut sqlx::PgConnection,
    key_id: &str,
    now: OffsetDateTime,
) -> Result<Option<(crate::model::Account, RoleSession)>, AppError> {
    let Some(row) = store::session_credentials::find(conn, key_id).await? else {
        return Ok(None);
    };
    let Some(role_id) = row.role_id.clone() else {
        return Ok(None);
    };
    if now >= row.expires_at {
        return Ok(None);
    }
    match role_session_of(conn, &row, &role_id).await {
        Ok(found) => Ok(Some(found)),
        Err(AppError::InvalidCredentials) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Equal length and content, in time independent of where they differ.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl SessionKey {
    /// The caller these credentials speak for, when `proves` (given the secret) says
    /// the request's signature is theirs.
    pub fn prove(self, proves: impl FnOnce(&str) -> bool, at: OffsetDateTime) -> Option<Caller> {
        proves(&self.secret).then(|| {
            Caller::with_session(
                self.account,
                self.principal,
                self.id,
                self.issued_at,
                self.mfa_at,
                at,
            )
        })
    }

    pub fn id(&self) -> &AccessKeyId {
        &self.id
    }
}

/// Forgets temporary credentials that expired a day ago or more.
pub async fn prune_expired(state: &AppState) -> Result<u64, AppError> {
    let mut conn = store::acquire(&state.pool).await?;
    Ok(store::session_credentials::prune(&mut conn, state.clock.now() - Duration::days(1)).await?)
}

/// GetAccessKeyInfo: the account a key id (long-term `AKIA` or temporary `ASIA`)
/// belongs to, authorised as `sts:GetAccessKeyInfo`. As in AWS it says nothing of the
/// key's state; an id that names no key of this installation is refused.
pub async fn get_access_key_info(cx: &Ctx, key_id: &str) -> Result<AccountId, AppError> {
    let mut op = cx.begin().await?;
    op.authorize(crate::authz::IamAction::GetAccessKeyInfo, "*")
        .await?;
    let unknown = || {
        AppError::validation(
            "access_key_id",
            "Member must name an access key of this installation",
        )
    };
    let id = AccessKeyId::parse(key_id).map_err(|_| unknown())?;
    let account = store::access_keys::account_of(op.reader(), &id)
        .await?
        .ok_or_else(unknown)?;
    AccountId::parse(&account).map_err(|m| AppError::internal("key account", m))
}
