//! The AWS API's callers: an access key found by the id a signature names, and the
//! caller it speaks for, made only once the signature has been proven with the key's
//! secret. Unknown, malformed and inactive keys get one answer, as in AWS.

use crate::authz::{Caller, Principal};
use crate::error::AppError;
use crate::model::{AccessKeyId, AccessKeyStatus, Account, AccountId};
use crate::state::AppState;
use crate::store;
use time::OffsetDateTime;

/// How often a key's last use is written at most (GetAccessKeyLastUsed is to the
/// quarter hour, not to the request).
pub const LAST_USE_EVERY: time::Duration = time::Duration::minutes(15);

/// An active access key with its secret, before the request is proven.
pub struct SigningKey {
    account: Account,
    principal: Principal,
    id: AccessKeyId,
    secret: String,
}

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

/// The active key named `id`, with its holder and its secret unsealed.
pub async fn find_key(state: &AppState, id: &str) -> Result<SigningKey, AppError> {
    let id = AccessKeyId::parse(id).map_err(|_| invalid_key())?;
    let mut conn = store::acquire(&state.pool).await?;
    let row = store::access_keys::find_for_signing(&mut conn, &id)
        .await?
        .ok_or_else(invalid_key)?;
    if AccessKeyStatus::parse(&row.status) != Ok(AccessKeyStatus::Active) {
        return Err(invalid_key());
    }
    let (account, principal) = holder(&mut conn, &row.account_id, row.user_id.as_deref()).await?;
    let secret = state
        .sealer
        .open(
            &super::access_keys::secret_context_of(id.as_str()),
            &row.secret_sealed,
        )
        .map_err(|e| AppError::internal("access key secret", e))?;
    let secret = String::from_utf8(secret)
        .map_err(|_| AppError::internal("access key secret", "not UTF-8"))?;
    Ok(SigningKey {
        account,
        principal,
        id,
        secret,
    })
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
    let principal = match user_id {
        None => Principal::Root,
        Some(user_id) => Principal::User(Box::new(
            store::users::find_by_id(conn, user_id)
                .await?
                .ok_or_else(invalid_key)?,
        )),
    };
    Ok((account, principal))
}

impl SigningKey {
    pub fn id(&self) -> &AccessKeyId {
        &self.id
    }

    pub fn account_id(&self) -> &AccountId {
        &self.account.id
    }

    /// The caller this key speaks for, when `proves` (given the secret) says the
    /// request's signature is the key's; otherwise AWS's SignatureDoesNotMatch, decided
    /// by the edge that knows the request.
    pub fn prove(self, proves: impl FnOnce(&str) -> bool, at: OffsetDateTime) -> Option<Caller> {
        proves(&self.secret)
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
