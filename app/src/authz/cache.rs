//! What every API call would otherwise read again: the signing key with its holder,
//! and a user's effective policies. Each entry is filed under its account's
//! generation, read from the database before the entry was loaded: the sum of the
//! account's audit lanes' positions, which every committed change (on any server
//! sharing the database) advances in its own transaction. A request reads the current
//! generation once (one small query instead of the three the entries replace) and
//! uses an entry only when it matches, so a change holds on the next request
//! everywhere, as without the cache. Entries older than [`CACHE_TTL`] are not used
//! either: the AWS managed policies change outside any account's chain. Nothing is
//! cached for a key that was not found, so a new key works at once.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use time::{Duration, OffsetDateTime};

/// How long a cached entry may be used at most.
pub const CACHE_TTL: Duration = Duration::seconds(60);
/// More entries than this and a cache starts afresh (cheap to refill).
const MAX_ENTRIES: usize = 50_000;

/// Values by key, each tied to the generation of its account seen before it was read.
#[derive(Debug)]
pub struct Cached<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
}

#[derive(Debug)]
struct Entry<V> {
    value: V,
    generation: i64,
    loaded_at: OffsetDateTime,
}

impl<K, V> Default for Cached<K, V> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Cached<K, V> {
    /// What `look` reads of the value filed under `key`, whatever its generation (to
    /// learn its account without copying it).
    pub fn peek<R>(&self, key: &K, look: impl FnOnce(&V) -> R) -> Option<R> {
        lock(&self.entries).get(key).map(|e| look(&e.value))
    }

    /// The value, when it was loaded at the account's `generation` (read by this
    /// request) and is younger than the TTL.
    pub fn get(&self, key: &K, generation: i64, now: OffsetDateTime) -> Option<V> {
        let entries = lock(&self.entries);
        let entry = entries.get(key)?;
        let fresh = entry.generation == generation
            && now >= entry.loaded_at
            && now - entry.loaded_at < CACHE_TTL;
        fresh.then(|| entry.value.clone())
    }

    /// Keeps `value`, read after `generation` of its account was.
    pub fn put(&self, key: K, value: V, generation: i64, now: OffsetDateTime) {
        let mut entries = lock(&self.entries);
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                value,
                generation,
                loaded_at: now,
            },
        );
    }

    pub fn clear(&self) {
        lock(&self.entries).clear();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A map is consistent whatever panicked while it was held.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_its_generation_until_the_ttl() {
        let cache: Cached<&str, u32> = Cached::default();
        let t0 = OffsetDateTime::UNIX_EPOCH;
        cache.put("k", 7, 5, t0);
        assert_eq!(cache.get(&"k", 5, t0 + Duration::seconds(1)), Some(7));
        assert_eq!(cache.get(&"k", 6, t0), None, "the account changed");
        assert_eq!(cache.get(&"k", 5, t0 + CACHE_TTL), None, "too old");
        assert_eq!(cache.get(&"k", 5, t0 - Duration::seconds(1)), None);
        assert_eq!(cache.peek(&"k", |v| *v + 1), Some(8));
        cache.clear();
        assert_eq!(cache.get(&"k", 5, t0), None);
    }
}
