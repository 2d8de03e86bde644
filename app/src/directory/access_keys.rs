//! Access keys: CreateAccessKey, UpdateAccessKey, DeleteAccessKey, ListAccessKeys,
//! GetAccessKeyLastUsed. Secrets are sealed with the master key and leave the server
//! once, in CreateAccessKey's answer; at most two keys per IAM user and per root user,
//! held by the database.

use super::principal::{Principal, authorized_principal};
use super::users::tagged_context;
use crate::authz::{Ctx, IamAction, Op};
use crate::crypto::Entropy;
use crate::error::AppError;
use crate::model::{
    AccessKey, AccessKeyId, AccessKeyStatus, MAX_ACCESS_KEYS, NewAccessKey, SECRET_LEN, UserName,
    arn,
};
use crate::store::{self, Holder};
use serde_json::json;

/// The alphabet of secrets (base64's): 64 letters, so a byte taken modulo 64 is uniform.
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn parse_key_id(field: &str, input: &str) -> Result<AccessKeyId, AppError> {
    AccessKeyId::parse(input).map_err(|m| AppError::validation(field, m))
}

pub fn parse_status(field: &str, input: &str) -> Result<AccessKeyStatus, AppError> {
    AccessKeyStatus::parse(input).map_err(|m| AppError::validation(field, m))
}

fn secret_context(id: &AccessKeyId) -> String {
    secret_context_of(id.as_str())
}

pub(crate) fn secret_context_of(id: &str) -> String {
    format!("access-key:{id}")
}

fn new_secret(entropy: &dyn Entropy) -> String {
    let mut bytes = [0u8; SECRET_LEN];
    entropy.fill(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(SECRET_ALPHABET[usize::from(b % 64)]))
        .collect()
}

fn new_key_id(entropy: &dyn Entropy) -> AccessKeyId {
    let mut random = [0u8; 16];
    entropy.fill(&mut random);
    AccessKeyId::from_random(&random)
}

fn no_such_key(id: &AccessKeyId) -> AppError {
    AppError::not_found(format!("The Access Key with id {id} cannot be found."))
}

fn limit_exceeded() -> AppError {
    AppError::limit_exceeded(format!(
        "Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}"
    ))
}

/// CreateAccessKey: a new active key for the user (the caller without a name). Its
/// secret is in the answer and nowhere else in clear.
pub async fn create_access_key(
    cx: &Ctx,
    user: Option<&UserName>,
) -> Result<NewAccessKey, AppError> {
    let id = new_key_id(cx.entropy());
    let secret = new_secret(cx.entropy());
    store_access_key(cx, user, id, secret).await
}

/// CreateAccessKey with a pair the caller chose (the sandbox's `--access-key-id` and
/// `--secret-access-key`): an id of this server's form (`AKIA` and 16 characters of
/// A-Z and 2-7) and a 40-character secret of printable characters.
pub async fn import_access_key(
    cx: &Ctx,
    user: Option<&UserName>,
    id: &str,
    secret: &str,
) -> Result<NewAccessKey, AppError> {
    let well_formed = id.len() == 20
        && id.starts_with("AKIA")
        && id[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    if !well_formed {
        return Err(AppError::validation(
            "access_key_id",
            "must be AKIA followed by 16 characters of A-Z and 2-7, as AWS's key ids are",
        ));
    }
    if secret.chars().count() != SECRET_LEN || !secret.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::validation(
            "secret_access_key",
            format!("must be {SECRET_LEN} printable characters without spaces"),
        ));
    }
    let id = parse_key_id("access_key_id", id)?;
    store_access_key(cx, user, id, secret.to_owned()).await
}

async fn store_access_key(
    cx: &Ctx,
    user: Option<&UserName>,
    id: AccessKeyId,
    secret: String,
) -> Result<NewAccessKey, AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::CreateAccessKey, user).await?;
    let sealed = cx
        .state()
        .sealer
        .seal(cx.entropy(), &secret_context(&id), secret.as_bytes());
    store::access_keys::insert(
        &mut op.writer(&permit),
        store::access_keys::NewKey {
            id: &id,
            account: cx.account(),
            holder: principal.holder(),
            secret_sealed: &sealed,
            now: cx.now(),
        },
    )
    .await
    .map_err(|e| match e.constraint() {
        Some("iam_users_access_key_limit" | "accounts_root_access_key_limit") => limit_exceeded(),
        // Only a chosen pair can collide (made ids have 80 random bits).
        Some("access_keys_pkey") => AppError::already_exists(
            "access_key_id",
            format!("An access key with the id {id} exists already."),
        ),
        _ => e.into(),
    })?;
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "AccessKeyId": id}),
    );
    op.commit().await?;
    Ok(NewAccessKey {
        key: AccessKey {
            id,
            user_name: principal.name,
            status: AccessKeyStatus::Active,
            created_at: cx.now(),
            last_used: None,
        },
        secret,
    })
}

/// The key, locked, when it is the principal's: another's key, even in this account,
/// is not found, as in AWS.
async fn principals_key(
    op: &mut Op<'_>,
    principal: &Principal,
    id: &AccessKeyId,
) -> Result<AccessKey, AppError> {
    let account = op.cx().account().clone();
    let found = store::access_keys::find_for_update(op.reader(), &account, id).await?;
    found
        .filter(|(_, holder)| match (&principal.user, holder) {
            (Some(user), Some(holder)) => user.id.as_str() == holder,
            (None, None) => true,
            _ => false,
        })
        .map(|(key, _)| key)
        .ok_or_else(|| no_such_key(id))
}

/// UpdateAccessKey: Active or Inactive; an inactive key signs nothing.
pub async fn update_access_key(
    cx: &Ctx,
    user: Option<&UserName>,
    id: &AccessKeyId,
    status: AccessKeyStatus,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::UpdateAccessKey, user).await?;
    principals_key(&mut op, &principal, id).await?;
    store::access_keys::set_status(&mut op.writer(&permit), id, status).await?;
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "AccessKeyId": id, "Status": status.as_str()}),
    );
    op.commit().await
}

/// DeleteAccessKey: for good; the key's slot is free again.
pub async fn delete_access_key(
    cx: &Ctx,
    user: Option<&UserName>,
    id: &AccessKeyId,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let (principal, permit) =
        authorized_principal(&mut op, IamAction::DeleteAccessKey, user).await?;
    principals_key(&mut op, &principal, id).await?;
    store::access_keys::delete(
        &mut op.writer(&permit),
        cx.account(),
        id,
        principal.holder(),
    )
    .await?;
    op.audit(
        &permit,
        json!({"UserName": principal.user_name(), "AccessKeyId": id}),
    );
    op.commit().await
}

/// ListAccessKeys: the user's keys (the caller's without a name), oldest first.
pub async fn list_access_keys(
    cx: &Ctx,
    user: Option<&UserName>,
) -> Result<Vec<AccessKey>, AppError> {
    let mut op = cx.begin().await?;
    let (principal, _) = authorized_principal(&mut op, IamAction::ListAccessKeys, user).await?;
    Ok(store::access_keys::list(op.reader(), cx.account(), principal.holder()).await?)
}

/// GetAccessKeyLastUsed: the key with its holder and last use. Authorised on the
/// holder; a key this account does not have is authorised on every user of the account
/// (`user/*`), so only a caller who may read any user's keys learns it does not exist.
pub async fn get_access_key_last_used(cx: &Ctx, id: &AccessKeyId) -> Result<AccessKey, AppError> {
    let mut op = cx.begin().await?;
    let found = store::access_keys::find_for_update(op.reader(), cx.account(), id).await?;
    let Some((key, _)) = found else {
        let every_user = arn::all(cx.account(), "user");
        op.authorize(IamAction::GetAccessKeyLastUsed, &every_user)
            .await?;
        return Err(no_such_key(id));
    };
    match &key.user_name {
        Some(name) => {
            let (user, user_arn) = super::users::target(&mut op, name).await?;
            op.authorize_with(
                IamAction::GetAccessKeyLastUsed,
                &user_arn,
                tagged_context(user.as_ref()),
            )
            .await?;
        }
        None => {
            let root = cx.caller().account.root_arn();
            op.authorize(IamAction::GetAccessKeyLastUsed, &root).await?;
        }
    }
    Ok(key)
}

/// How many access keys the root user has (root's dashboard checklist; the caller is
/// that root user, so nothing is disclosed).
pub async fn root_keys(cx: &Ctx) -> Result<i64, AppError> {
    let mut conn = store::acquire(&cx.state().pool).await?;
    Ok(store::access_keys::count_for(&mut conn, cx.account(), Holder::Root).await?)
}

/// How many access keys the user has (DeleteUser's conflict check).
pub async fn user_keys(
    conn: &mut sqlx::PgConnection,
    cx: &Ctx,
    user_id: &str,
) -> Result<i64, AppError> {
    Ok(store::access_keys::count_for(conn, cx.account(), Holder::User(user_id)).await?)
}
