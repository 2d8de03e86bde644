//! The AWS API's callers: an access key found by the id a signature names, and the
//! caller it speaks for, made only once the signature has been proven with the key's
//! secret. Unknown, malformed and inactive keys get one answer, as in AWS.

use crate::authz::{Caller, Principal};
use crate::error::AppError;
use crate::model::{AccessKeyId, AccessKeyStatus, Account, AccountId};
use crate::state::AppState;
use crate::store;
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;

/// How often a key's last use is written at most (GetAccessKeyLastUsed is to the
/// quarter hour, not to the request).
pub const LAST_USE_EVERY: time::Duration = time::Duration::minutes(15);

/// An active access key with its secret, before the request is proven.
#[derive(Clone)]
pub struct SigningKey {
    account: Account,
    principal: Principal,
    id: AccessKeyId,
    secret: String,
    /// The last signing key derived from the secret, with its scope: the same scope
    /// (a day, a region, a service) signs every request of a client, so while this key
    /// is cached a call costs two hashes instead of five.
    derived: Arc<Mutex<Option<Derived>>>,
}

/// A scope (`date/region/service`) and the signing key derived for it.
type Derived = (String, [u8; 32]);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("SigningKey").field("id", &self.id).finish()
    }
}

/// AWS's answer for a key id that names no active key.
pub fn invalid_key() -> AppError {
    AppError::InvalidCredentials
}

/// The active key named `id`, with its holder and its secret unsealed, and the
/// generation of its account's directory this request reads everything at: from the
/// cache when the generation is still the one it was loaded at (`authz::cache`).
pub async fn find_key(
    state: &AppState,
    id: &str,
    now: OffsetDateTime,
) -> Result<(SigningKey, i64), AppError> {
    let cache = &state.caches.signing_keys;
    let key = id.to_owned();
    let mut conn = store::acquire(&state.pool).await?;
    if let Some(account) = cache.peek(&key, |known| known.account.id.clone()) {
        let generation = store::audit::generation(&mut conn, account.as_str()).await?;
        if let Some(fresh) = cache.get(&key, generation, now) {
            return Ok((fresh, generation));
        }
    }
    let (loaded, generation) = load_key(&mut conn, state, id).await?;
    cache.put(key, loaded.clone(), generation, now);
    Ok((loaded, generation))
}

async fn load_key(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    id: &str,
) -> Result<(SigningKey, i64), AppError> {
    let id = AccessKeyId::parse(id).map_err(|_| invalid_key())?;
    let row = store::access_keys::find_for_signing(conn, &id)
        .await?
        .ok_or_else(invalid_key)?;
    if AccessKeyStatus::parse(&row.status) != Ok(AccessKeyStatus::Active) {
        return Err(invalid_key());
    }
    let principal = principal(conn, row.user_id.as_deref()).await?;
    let account = row.account;
    let secret = state
        .sealer
        .open(
            &super::access_keys::secret_context_of(id.as_str()),
            &row.secret_sealed,
        )
        .map_err(|e| AppError::internal("access key secret", e))?;
    let secret = String::from_utf8(secret)
        .map_err(|_| AppError::internal("access key secret", "not UTF-8"))?;
    let key = SigningKey {
        account,
        principal,
        id,
        secret,
        derived: Arc::default(),
    };
    Ok((key, row.generation))
}

/// The account and principal a key (long-term or temporary) belongs to; a key whose
/// account or user is gone is no key.
pub(crate) async fn holder(
    conn: &mut sqlx::PgConnection,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<(Account, Principal), AppError> {
    let account_id =
        AccountId::parse(account_id).map_err(|m| AppError::internal("key account", m))?;
    let account = store::accounts::find(conn, &account_id)
        .await?
        .ok_or_else(invalid_key)?;
    Ok((account, principal(conn, user_id).await?))
}

/// The principal a key of a known account belongs to: root, or the user, who must
/// still exist.
async fn principal(
    conn: &mut sqlx::PgConnection,
    user_id: Option<&str>,
) -> Result<Principal, AppError> {
    Ok(match user_id {
        None => Principal::Root,
        Some(user_id) => Principal::User(Box::new(
            store::users::find_by_id(conn, user_id)
                .await?
                .ok_or_else(invalid_key)?,
        )),
    })
}

impl SigningKey {
    pub fn id(&self) -> &AccessKeyId {
        &self.id
    }

    pub fn account_id(&self) -> &AccountId {
        &self.account.id
    }

    /// The caller this key speaks for, when `proves` (given the signing key for
    /// `scope`, which `derive` makes from the secret) says the request's signature is
    /// the key's; otherwise AWS's SignatureDoesNotMatch, decided by the edge that knows
    /// the request.
    pub fn prove(
        self,
        scope: &str,
        derive: impl FnOnce(&str) -> [u8; 32],
        proves: impl FnOnce(&[u8; 32]) -> bool,
        at: OffsetDateTime,
    ) -> Option<Caller> {
        let signing_key = {
            let mut memo = self.derived.lock().unwrap_or_else(PoisonError::into_inner);
            match memo.as_ref() {
                Some((known, key)) if known == scope => *key,
                _ => {
                    let key = derive(&self.secret);
                    *memo = Some((scope.to_owned(), key));
                    key
                }
            }
        };
        proves(&signing_key)
            .then(|| Caller::with_access_key(self.account, self.principal, self.id, at))
    }
}

/// Records the key's use (time, service, region) at most once per [`LAST_USE_EVERY`].
pub async fn record_use(
    state: &AppState,
    id: &AccessKeyId,
    now: OffsetDateTime,
    service: &str,
    region: &str,
) -> Result<bool, AppError> {
    let mut conn = store::acquire(&state.pool).await?;
    Ok(store::access_keys::record_use(&mut conn, id, now, service, region, LAST_USE_EVERY).await?)
}

/// The account's root user acting through the operator's command line on the server
/// (which holds the database and the master key): for `portcullis access-key create`,
/// so that the key is made and audited by the same service as any other.
pub async fn command_context(
    state: &AppState,
    account: &str,
) -> Result<crate::authz::Ctx, AppError> {
    let id = AccountId::parse(account).map_err(|m| AppError::validation("account_id", m))?;
    let mut conn = store::acquire(&state.pool).await?;
    let account = store::accounts::find(&mut conn, &id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("No account has the id {id}.")))?;
    drop(conn);
    let caller = Caller::root_by_command(account, state.clock.now());
    Ok(crate::authz::Ctx::new(
        state.clone(),
        std::sync::Arc::new(caller),
        super::RequestSource::new(None, Some("portcullis command line".to_owned())),
    ))
}
