//! The sign-in limits, as pure rules over `now` so every number is testable.
//!
//! Three counters decide whether an attempt may go ahead:
//! - per (subject, source address): consecutive failures; after 5, refused for 5 s,
//!   doubling with each further failure up to 15 min; a success resets it. This is the
//!   one that stops guessing, and it is the guesser's own address that waits, so an
//!   attacker elsewhere cannot lock the owner out.
//! - per subject, from every address (the backstop against guessing from many
//!   addresses): a leaky bucket of 50 failures that drains one every 30 s.
//! - per source address, over every subject (against spraying many emails from one
//!   address): a leaky bucket of 30 failures that drains one every 60 s.
//!
//! An attempt is charged to all three before its password is checked (so parallel
//! guesses cannot slip past a limit while the hashes run) and refunded on success.

use time::{Duration, OffsetDateTime};

/// Failures allowed per (subject, address) before attempts are slowed down.
pub const FREE_FAILURES: i32 = 5;
const FIRST_DELAY_SECS: i64 = 5;
const MAX_DELAY_SECS: i64 = 15 * 60;

/// A leaky bucket: `capacity` failures at once, then one per `drain_secs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketRule {
    pub capacity: f64,
    pub drain_secs: f64,
}

pub const SUBJECT_BACKSTOP: BucketRule = BucketRule {
    capacity: 50.0,
    drain_secs: 30.0,
};

pub const ADDRESS_BUDGET: BucketRule = BucketRule {
    capacity: 30.0,
    drain_secs: 60.0,
};

/// Rows untouched this long are forgotten (pruned); the buckets are empty long before.
pub const FORGET_AFTER: Duration = Duration::hours(24);
/// An address a subject signed in from within this long is known for it: spared the
/// subject's backstop, and remembered (not pruned) that long.
pub const KNOWN_FOR: Duration = Duration::days(30);

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

/// Consecutive failures for one (subject, address), and when it last signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    pub failures: i32,
    pub locked_until: Option<OffsetDateTime>,
    pub last_success_at: Option<OffsetDateTime>,
}

impl Streak {
    pub fn refused(&self, now: OffsetDateTime) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    pub fn charged(&self, now: OffsetDateTime) -> Self {
        let failures = self.failures.saturating_add(1);
        Self {
            failures,
            locked_until: lockout_after(failures).map(|d| now + d),
            ..*self
        }
    }

    /// A charge taken back (the attempt was never checked); a lockout it started ends.
    pub fn uncharged(&self) -> Self {
        let failures = self.failures.saturating_sub(1).max(0);
        Self {
            failures,
            locked_until: self
                .locked_until
                .filter(|_| lockout_after(failures).is_some()),
            ..*self
        }
    }

    pub fn succeeded(&self, now: OffsetDateTime) -> Self {
        Self {
            failures: 0,
            locked_until: None,
            last_success_at: Some(now),
        }
    }

    /// Whether this subject signed in from this address recently.
    pub fn known(&self, now: OffsetDateTime) -> bool {
        self.last_success_at.is_some_and(|at| now - at < KNOWN_FOR)
    }
}

/// A leaky bucket's level as stored: the level at `updated_at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub level: f64,
    pub updated_at: OffsetDateTime,
}

impl BucketRule {
    fn level_at(&self, bucket: &Bucket, now: OffsetDateTime) -> f64 {
        let elapsed = (now - bucket.updated_at).as_seconds_f64().max(0.0);
        (bucket.level - elapsed / self.drain_secs).max(0.0)
    }

    /// How long until the bucket has room for one more whole failure, when it has not.
    pub fn refused(&self, bucket: &Bucket, now: OffsetDateTime) -> Option<Duration> {
        let excess = self.level_at(bucket, now) + 1.0 - self.capacity;
        (excess > 0.0).then(|| Duration::seconds_f64(excess * self.drain_secs))
    }

    pub fn charged(&self, bucket: &Bucket, now: OffsetDateTime) -> Bucket {
        Bucket {
            level: self.level_at(bucket, now) + 1.0,
            updated_at: now,
        }
    }

    pub fn refunded(&self, bucket: &Bucket, now: OffsetDateTime) -> Bucket {
        Bucket {
            level: (self.level_at(bucket, now) - 1.0).max(0.0),
            updated_at: now,
        }
    }
}

/// Whole seconds to announce, rounded up: "try again in 0 seconds" would invite an
/// attempt that is still refused.
pub fn retry_secs(wait: Duration) -> u64 {
    let whole = wait.whole_seconds().max(0);
    let extra = i64::from(wait.subsec_nanoseconds() > 0);
    u64::try_from(whole + extra).unwrap_or(1).max(1)
}

/// The key a source address is budgeted under: IPv4 addresses one by one, IPv6 by /64
/// (one end site gets a whole /64, so counting single v6 addresses would count nothing).
pub fn address_key(ip: Option<std::net::IpAddr>) -> String {
    use std::net::IpAddr;
    match ip {
        None => "unknown".to_owned(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);

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

    #[test]
    fn a_streak_locks_after_five_and_a_success_clears_it_and_remembers_the_address() {
        let mut streak = Streak::default();
        for _ in 0..5 {
            assert_eq!(streak.refused(T0), None);
            streak = streak.charged(T0);
        }
        assert_eq!(streak.refused(T0), Some(Duration::seconds(5)));
        assert_eq!(streak.uncharged().refused(T0), None, "a charge taken back");
        let later = T0 + Duration::seconds(5);
        let signed_in = streak.succeeded(later);
        assert_eq!((signed_in.failures, signed_in.locked_until), (0, None));
        assert!(signed_in.known(later + Duration::days(29)));
        assert!(!signed_in.known(later + Duration::days(31)));
        assert!(!Streak::default().known(T0));
    }

    #[test]
    fn a_bucket_allows_its_capacity_at_once_then_one_per_drain_period() {
        let rule = ADDRESS_BUDGET;
        let mut bucket = Bucket {
            level: 0.0,
            updated_at: T0,
        };
        for _ in 0..30 {
            assert_eq!(rule.refused(&bucket, T0), None);
            bucket = rule.charged(&bucket, T0);
        }
        let wait = rule.refused(&bucket, T0).unwrap();
        assert_eq!(retry_secs(wait), 60, "a drain period until room for one");
        let later = T0 + Duration::seconds(61);
        assert_eq!(rule.refused(&bucket, later), None);
        bucket = rule.charged(&bucket, later);
        assert!(rule.refused(&bucket, later).is_some(), "only one more");
        // A day later it is empty.
        let day = later + Duration::days(1);
        assert_eq!(rule.charged(&bucket, day).level, 1.0);
    }

    #[test]
    fn a_trickle_below_the_drain_rate_never_fills_the_backstop() {
        // One wrong guess every 15 minutes, for a week.
        let rule = SUBJECT_BACKSTOP;
        let mut bucket = Bucket {
            level: 0.0,
            updated_at: T0,
        };
        let mut now = T0;
        for _ in 0..(4 * 24 * 7) {
            assert_eq!(rule.refused(&bucket, now), None);
            bucket = rule.charged(&bucket, now);
            now += Duration::minutes(15);
        }
    }

    #[test]
    fn refunds_undo_a_charge_but_never_go_below_empty() {
        let rule = SUBJECT_BACKSTOP;
        let empty = Bucket {
            level: 0.0,
            updated_at: T0,
        };
        let charged = rule.charged(&empty, T0);
        assert_eq!(rule.refunded(&charged, T0).level, 0.0);
        assert_eq!(rule.refunded(&empty, T0).level, 0.0);
    }

    #[test]
    fn addresses_are_budgeted_per_v4_address_and_per_v6_slash_64() {
        let key = |s: &str| address_key(Some(s.parse().unwrap()));
        assert_eq!(key("10.1.2.3"), "10.1.2.3");
        assert_eq!(key("::ffff:10.1.2.3"), "10.1.2.3");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(address_key(None), "unknown");
    }

    #[test]
    fn retry_seconds_round_up() {
        assert_eq!(retry_secs(Duration::milliseconds(1)), 1);
        assert_eq!(retry_secs(Duration::milliseconds(4_200)), 5);
        assert_eq!(retry_secs(Duration::seconds(5)), 5);
    }
}
