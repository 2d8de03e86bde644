//! The account password policy: GetAccountPasswordPolicy, UpdateAccountPasswordPolicy,
//! DeleteAccountPasswordPolicy. These actions have no resource type in IAM, so they are
//! authorised on `*`. The rules a new password must meet come from here too.

use crate::authz::{Ctx, IamAction};
use crate::error::AppError;
use crate::model::{
    Account, AccountId, PasswordPolicy, PasswordRequirements, PasswordRules, StrengthScore,
};
use crate::store;
use serde_json::json;
use sqlx::PgConnection;

fn no_policy(account: &AccountId) -> AppError {
    AppError::not_found(format!(
        "The Password Policy with domain name {account} cannot be found."
    ))
}

/// UpdateAccountPasswordPolicy's fields parsed, every one out of its range reported at
/// once beside its field (the console's form and the AWS API both parse here).
pub fn parse_policy(input: &crate::model::PasswordPolicyInput) -> Result<PasswordPolicy, AppError> {
    let mut problems = crate::error::Problems::new();
    let policy = match PasswordPolicy::parse(input) {
        Ok(policy) => Some(policy),
        Err(broken) => {
            for (field, message) in broken {
                problems.refuse(field, message);
            }
            None
        }
    };
    problems.finish(policy)
}

/// The rules a new password in this account must meet.
pub async fn rules(
    conn: &mut PgConnection,
    account: &AccountId,
) -> Result<PasswordRules, AppError> {
    Ok(store::password_policy::find(conn, account)
        .await?
        .map_or(PasswordRules::Default, PasswordRules::Policy))
}

/// Everything a new password in this account must meet: the rules, the account's
/// minimum strength, and its id and alias as words an attacker would try.
pub async fn requirements(
    conn: &mut PgConnection,
    account: &Account,
) -> Result<PasswordRequirements, AppError> {
    let rules = rules(conn, &account.id).await?;
    let minimum_score = store::password_policy::minimum_score(conn, &account.id).await?;
    let requirements = PasswordRequirements {
        rules,
        minimum_score,
        context: Vec::new(),
    };
    Ok(requirements.with_context(
        [
            Some(account.id.as_str()),
            account.alias.as_ref().map(|a| a.as_str()),
        ]
        .into_iter()
        .flatten(),
    ))
}

/// GetAccountPasswordPolicy. As in AWS, a policy that lets users change their own
/// password also lets every IAM user of the account read it, without a policy.
pub async fn get_account_password_policy(cx: &Ctx) -> Result<PasswordPolicy, AppError> {
    let mut op = cx.begin().await?;
    let policy = store::password_policy::find(op.reader(), cx.account()).await?;
    let granted =
        policy.is_some_and(|p| p.allow_users_to_change_password) && cx.caller().user().is_some();
    if !granted {
        op.authorize(IamAction::GetAccountPasswordPolicy, "*")
            .await?;
    }
    policy.ok_or_else(|| no_policy(cx.account()))
}

/// UpdateAccountPasswordPolicy: sets the whole policy (a field not given takes its
/// default, as in AWS).
pub async fn update_account_password_policy(
    cx: &Ctx,
    policy: PasswordPolicy,
) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op
        .authorize(IamAction::UpdateAccountPasswordPolicy, "*")
        .await?;
    store::password_policy::put(&mut op.writer(&permit), cx.account(), &policy, cx.now()).await?;
    op.audit(
        &permit,
        json!({
            "MinimumPasswordLength": policy.minimum_password_length,
            "RequireSymbols": policy.require_symbols,
            "RequireNumbers": policy.require_numbers,
            "RequireUppercaseCharacters": policy.require_uppercase_characters,
            "RequireLowercaseCharacters": policy.require_lowercase_characters,
            "AllowUsersToChangePassword": policy.allow_users_to_change_password,
            "MaxPasswordAge": policy.max_password_age,
            "PasswordReusePrevention": policy.password_reuse_prevention,
            "HardExpiry": policy.hard_expiry,
        }),
    );
    op.commit().await
}

/// DeleteAccountPasswordPolicy: back to AWS's default rules.
pub async fn delete_account_password_policy(cx: &Ctx) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op
        .authorize(IamAction::DeleteAccountPasswordPolicy, "*")
        .await?;
    if !store::password_policy::delete(&mut op.writer(&permit), cx.account()).await? {
        return Err(no_policy(cx.account()));
    }
    op.audit(&permit, json!({}));
    op.commit().await
}

/// Beyond AWS: the lowest strength score a new password in the account may have. It is
/// part of the password settings, so reading it takes GetAccountPasswordPolicy's
/// permission and changing it UpdateAccountPasswordPolicy's (audited under that name,
/// with only this field).
pub async fn get_minimum_password_score(cx: &Ctx) -> Result<StrengthScore, AppError> {
    let mut op = cx.begin().await?;
    op.authorize(IamAction::GetAccountPasswordPolicy, "*")
        .await?;
    Ok(store::password_policy::minimum_score(op.reader(), cx.account()).await?)
}

pub async fn set_minimum_password_score(cx: &Ctx, score: StrengthScore) -> Result<(), AppError> {
    let mut op = cx.begin().await?;
    let permit = op
        .authorize(IamAction::UpdateAccountPasswordPolicy, "*")
        .await?;
    store::password_policy::set_minimum_score(&mut op.writer(&permit), cx.account(), score).await?;
    op.audit(&permit, json!({ "MinimumPasswordScore": score.get() }));
    op.commit().await
}
