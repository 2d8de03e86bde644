//! Root sign-in: one generic answer for unknown emails and wrong passwords, and a
//! growing delay after repeated failures, the same for known and unknown subjects.

use super::{AccountRecord, RequestSource};
use crate::error::AppError;
use crate::model::{EmailAddress, Password};
use crate::state::AppState;
use crate::store::{self, signin::Attempt, signin::Outcome, signin::ThrottleState};
use time::{Duration, OffsetDateTime};

/// Failures allowed before attempts are slowed down.
pub const FREE_FAILURES: i32 = 5;
const FIRST_DELAY_SECS: i64 = 5;
const MAX_DELAY_SECS: i64 = 15 * 60;

/// How long to refuse attempts after the given number of consecutive failures:
/// nothing for the first five, then 5 s doubling up to 15 min.
pub fn lockout_after(consecutive_failures: i32) -> Option<Duration> {
    if consecutive_failures < FREE_FAILURES {
        return None;
    }
    let doublings = (consecutive_failures - FREE_FAILURES).min(16) as u32;
    let secs = FIRST_DELAY_SECS
        .saturating_mul(1i64 << doublings)
        .min(MAX_DELAY_SECS);
    Some(Duration::seconds(secs))
}

pub async fn sign_in_root(
    state: &AppState,
    email: &str,
    password: Password,
    source: &RequestSource,
) -> Result<AccountRecord, AppError> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::validation("email", m))?;
    if password.expose().is_empty() {
        return Err(AppError::validation("password", "is required"));
    }
    if password.expose().chars().count() > 128 {
        // No root password can be longer; refuse before spending a hash on it.
        return Err(AppError::InvalidCredentials);
    }
    let subject = format!("root:{}", email.normalized());
    let now = state.clock.now();

    let mut tx = state.pool.begin().await?;
    let throttle = store::signin::lock_throttle(&mut tx, &subject).await?;
    let found = store::accounts::find_root_by_email(&mut tx, &email.normalized()).await?;
    let account_id = found.as_ref().map(|(a, _)| a.account_id.clone());
    let record = |outcome| Attempt {
        account_id: account_id.as_deref(),
        subject: &subject,
        outcome,
        source_ip: source.ip.as_deref(),
        user_agent: source.user_agent.as_deref(),
        at: now,
    };

    if let Some(until) = throttle.locked_until.filter(|until| *until > now) {
        store::signin::record_attempt(&mut tx, record(Outcome::Throttled)).await?;
        tx.commit().await?;
        log_attempt(&subject, Outcome::Throttled, source);
        return Err(AppError::Throttled {
            retry_after_secs: seconds_until(now, until),
        });
    }

    let (account, hash) = match found {
        Some((account, hash)) => (Some(account), Some(hash)),
        None => (None, None),
    };
    let matched = state.passwords.verify(&password, hash).await?;
    let outcome = if matched {
        Outcome::Success
    } else {
        Outcome::BadCredentials
    };
    let next = if matched {
        ThrottleState {
            consecutive_failures: 0,
            locked_until: None,
        }
    } else {
        let failures = throttle.consecutive_failures.saturating_add(1);
        ThrottleState {
            consecutive_failures: failures,
            locked_until: lockout_after(failures).map(|d| now + d),
        }
    };
    store::signin::save_throttle(&mut tx, &subject, next).await?;
    store::signin::record_attempt(&mut tx, record(outcome)).await?;
    tx.commit().await?;
    log_attempt(&subject, outcome, source);

    match account {
        Some(account) if matched => Ok(account),
        _ => Err(AppError::InvalidCredentials),
    }
}

fn seconds_until(now: OffsetDateTime, until: OffsetDateTime) -> u64 {
    let secs = (until - now).whole_seconds().max(1);
    // Round up: "try again in 0 seconds" would invite an attempt that is still refused.
    let extra = i64::from((until - now).subsec_nanoseconds() > 0);
    u64::try_from(secs + extra).unwrap_or(1)
}

fn log_attempt(subject: &str, outcome: Outcome, source: &RequestSource) {
    tracing::info!(
        target: "portcullis::signin",
        subject,
        outcome = outcome.as_str(),
        source_ip = source.ip.as_deref().unwrap_or("unknown"),
        "sign-in attempt"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_starts_after_five_failures_and_grows_to_a_cap() {
        assert_eq!(lockout_after(0), None);
        assert_eq!(lockout_after(4), None);
        assert_eq!(lockout_after(5), Some(Duration::seconds(5)));
        assert_eq!(lockout_after(6), Some(Duration::seconds(10)));
        assert_eq!(lockout_after(7), Some(Duration::seconds(20)));
        assert_eq!(lockout_after(12), Some(Duration::seconds(640)));
        assert_eq!(lockout_after(13), Some(Duration::seconds(900)));
        assert_eq!(lockout_after(i32::MAX), Some(Duration::seconds(900)));
    }
}
