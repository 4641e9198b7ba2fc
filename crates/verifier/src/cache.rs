//! Opened device keys, kept in memory between checks.
//!
//! Opening a sealed key (AES-256-GCM) costs as much as the HMACs of a whole
//! window, so a busy verifier keeps the keys it opened. This exposes
//! nothing new to a reader of the process's memory: the process holds the
//! server key, which opens every record. It does to the store: nothing
//! unsealed is ever written there. Keys are wiped when evicted or dropped.
//!
//! An entry serves only the record it was opened from: the same user, the
//! same code parameters and the same sealed bytes, so a re-enrolled device
//! (new sealed bytes, new nonce) or an edited record is opened afresh, and
//! replaces the user's old entry. A full cache is emptied at once: cheap,
//! and unlike evicting one entry at a time it cannot keep stale keys while
//! dropping live ones.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use twofold_otp::Generator;

/// One opened key and what it was opened from (besides its user, the map's key).
struct Entry {
    context: [u8; 11],
    sealed: Arc<[u8]>,
    generator: Arc<Generator>,
}

/// Opened keys by user.
pub(crate) struct KeyCache {
    entries: Mutex<HashMap<Box<str>, Entry>>,
    capacity: usize,
}

impl KeyCache {
    /// A cache of at most `capacity` keys (0: none kept).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// The key opened earlier from exactly these bytes for this user and parameters.
    pub(crate) fn get(&self, user: &str, context: &[u8; 11], sealed: &Arc<[u8]>) -> Option<Arc<Generator>> {
        if self.capacity == 0 {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(user)?;
        let same = (Arc::ptr_eq(&entry.sealed, sealed) || entry.sealed == *sealed) && entry.context == *context;
        same.then(|| Arc::clone(&entry.generator))
    }

    /// Keeps a key just opened, in place of the user's earlier one; a full
    /// cache is emptied first.
    pub(crate) fn put(&self, user: &str, context: [u8; 11], sealed: &Arc<[u8]>, generator: Arc<Generator>) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let entry = Entry {
            context,
            sealed: Arc::clone(sealed),
            generator,
        };
        if let Some(slot) = entries.get_mut(user) {
            *slot = entry;
            return;
        }
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(user.into(), entry);
    }

    /// Forgets the user's key (their device was removed).
    pub(crate) fn remove(&self, user: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(user);
        }
    }

    /// Keys held now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use twofold_otp::{Algorithm, Secret};

    use super::*;

    fn generator(byte: u8) -> Arc<Generator> {
        let secret = Secret::from_bytes(&[byte; 20]).unwrap();
        Arc::new(Generator::new(&secret, Algorithm::Sha1, 6).unwrap())
    }

    #[test]
    fn an_entry_serves_only_its_own_user_parameters_and_bytes() {
        let cache = KeyCache::new(10);
        let sealed: Arc<[u8]> = Arc::from(&[1u8; 60][..]);
        let context = [1u8; 11];
        assert!(cache.get("alice", &context, &sealed).is_none());
        cache.put("alice", context, &sealed, generator(7));
        let hit = cache.get("alice", &context, &sealed).unwrap();
        assert_eq!(hit.number(1), generator(7).number(1));
        // Equal bytes in another allocation (as a shared store reads them).
        let copy: Arc<[u8]> = Arc::from(&[1u8; 60][..]);
        assert!(cache.get("alice", &context, &copy).is_some());
        // A record copied to another user, edited parameters, or the same
        // nonce with other bytes: opened afresh.
        assert!(cache.get("bob", &context, &sealed).is_none());
        assert!(cache.get("alice", &[2u8; 11], &sealed).is_none());
        let mut other = [1u8; 60];
        other[59] = 2;
        assert!(cache.get("alice", &context, &Arc::from(&other[..])).is_none());
        // Re-enrolled: the new key replaces the old one.
        cache.put("alice", context, &Arc::from(&other[..]), generator(8));
        assert_eq!(cache.len(), 1);
        assert!(cache.get("alice", &context, &sealed).is_none());
        assert!(cache.get("alice", &context, &Arc::from(&other[..])).is_some());
    }

    #[test]
    fn it_holds_at_most_its_capacity_and_zero_means_none() {
        let cache = KeyCache::new(3);
        for n in 0..10u8 {
            let sealed: Arc<[u8]> = Arc::from(&[n; 40][..]);
            let user = format!("user-{n}");
            cache.put(&user, [0; 11], &sealed, generator(n));
            assert!(cache.get(&user, &[0; 11], &sealed).is_some());
            assert!(cache.len() <= 3);
        }
        // A third user finds it full: it is emptied, then takes that key.
        let full = KeyCache::new(2);
        for user in ["a", "b", "c"] {
            full.put(user, [0; 11], &Arc::from(&[1u8; 40][..]), generator(1));
        }
        assert_eq!(full.len(), 1);
        let roomy = KeyCache::new(2);
        for user in ["a", "b"] {
            roomy.put(user, [0; 11], &Arc::from(&[1u8; 40][..]), generator(1));
        }
        assert_eq!(roomy.len(), 2);
        assert_eq!(format!("{roomy:?}"), "KeyCache { capacity: 2, .. }");
        assert!(full.get("c", &[0; 11], &Arc::from(&[1u8; 40][..])).is_some());
        full.remove("c");
        assert_eq!(full.len(), 0);
        let none = KeyCache::new(0);
        let sealed: Arc<[u8]> = Arc::from(&[1u8; 40][..]);
        none.put("u", [0; 11], &sealed, generator(1));
        assert_eq!(none.len(), 0);
    }
}
