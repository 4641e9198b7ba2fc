//! Where the verifier keeps its state: one record per user's device and one
//! mode per company, behind a small [`Store`] trait whose write is a
//! compare-and-swap, so that concurrent requests (threads or servers) never
//! both accept one code.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use twofold_otp::Algorithm;

use crate::error::StoreError;

/// Whether a company's users must set up two-factor authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Mode {
    /// Each user chooses; the default.
    #[default]
    OptIn,
    /// Every user without a device is sent to enrollment at their next login.
    Forced,
}

/// The hash of a device's HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl From<Algorithm> for Hash {
    fn from(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha1 => Self::Sha1,
            Algorithm::Sha256 => Self::Sha256,
            Algorithm::Sha512 => Self::Sha512,
        }
    }
}

impl From<Hash> for Algorithm {
    fn from(hash: Hash) -> Self {
        match hash {
            Hash::Sha1 => Self::Sha1,
            Hash::Sha256 => Self::Sha256,
            Hash::Sha512 => Self::Sha512,
        }
    }
}

/// What the verifier stores for one user's device. Its key is sealed with
/// the server key; the rest is counters and times. Stores keep it opaque:
/// they serialize it (serde) or hold it as is.
///
/// The key stored is the HMAC keyed with the secret (the state after the
/// key's pad blocks, `Generator::keyed_state`), not the secret itself: as
/// secret, but each check then costs two hash compressions per step
/// instead of four.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Nonce, AES-256-GCM ciphertext and tag of the keyed HMAC state, bound to the user.
    pub(crate) sealed_key: Arc<[u8]>,
    /// The HMAC's hash.
    pub(crate) algorithm: Hash,
    /// `None` for TOTP; for HOTP, the counter the next code must be at or after.
    pub(crate) hotp_counter: Option<u64>,
    /// Seconds per step (TOTP); kept per device, so that changing the
    /// configuration does not break devices already enrolled.
    pub(crate) period: u32,
    /// Code length.
    pub(crate) digits: u8,
    /// When enrollment started (Unix seconds).
    pub(crate) enrolled_at: u64,
    /// When the first code confirmed it; `None` while pending.
    pub(crate) confirmed_at: Option<u64>,
    /// The last time step accepted: no step at or before it is accepted again.
    pub(crate) last_step: Option<u64>,
    /// Consecutive failures.
    pub(crate) failures: u32,
    /// No code is checked before this time (Unix seconds).
    pub(crate) retry_at: u64,
    /// Locked after too many failures, until an administrator removes it.
    pub(crate) locked: bool,
    /// Keyed hashes of the unused recovery codes.
    pub(crate) recovery: Arc<[[u8; 32]]>,
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The sealed key and recovery hashes are left out: not secret
        // without the server key, but nothing a log needs.
        f.debug_struct("Device")
            .field("hotp", &self.hotp_counter.is_some())
            .field("confirmed_at", &self.confirmed_at)
            .field("failures", &self.failures)
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

/// A record with the version it was read at.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    /// Changes on every write; a write naming an old version is refused.
    pub version: u64,
    /// The record.
    pub value: T,
}

/// The verifier's state. `replace_device` must be atomic: it writes only if
/// the record is still at the version the caller read, so that of two
/// requests racing with one code, one wins and the other re-reads.
/// Versions must never repeat for a user, even after a delete.
pub trait Store: Send + Sync {
    /// The user's device record, if any.
    fn device(&self, user: &str) -> Result<Option<Versioned<Device>>, StoreError>;

    /// Writes `device` (or deletes the record when `None`) if the record is
    /// still at version `expected` (`None`: there must be no record).
    /// Returns false, writing nothing, when another write came first.
    fn replace_device(&self, user: &str, expected: Option<u64>, device: Option<Device>) -> Result<bool, StoreError>;

    /// The company's mode, if one was set.
    fn mode(&self, company: &str) -> Result<Option<Mode>, StoreError>;

    /// Sets the company's mode.
    fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError>;
}

/// A store in this process's memory: for one server, tests and examples.
/// Everything is lost when the process ends; a fleet of servers, or state
/// that must outlive a restart, needs a shared store such as Redis.
#[derive(Debug, Default)]
pub struct MemoryStore {
    devices: Mutex<HashMap<String, Versioned<Device>>>,
    modes: Mutex<HashMap<String, Mode>>,
    next_version: AtomicU64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Backend("a thread panicked while holding the memory store's lock; restart the server".into())
}

impl Store for MemoryStore {
    fn device(&self, user: &str) -> Result<Option<Versioned<Device>>, StoreError> {
        Ok(self.devices.lock().map_err(poisoned)?.get(user).cloned())
    }

    fn replace_device(&self, user: &str, expected: Option<u64>, device: Option<Device>) -> Result<bool, StoreError> {
        let mut devices = self.devices.lock().map_err(poisoned)?;
        let current = devices.get_mut(user);
        if current.as_ref().map(|d| d.version) != expected {
            return Ok(false);
        }
        let version = || self.next_version.fetch_add(1, Ordering::Relaxed) + 1;
        match (current, device) {
            (Some(slot), Some(value)) => {
                *slot = Versioned {
                    version: version(),
                    value,
                }
            }
            (None, Some(value)) => {
                devices.insert(
                    user.to_owned(),
                    Versioned {
                        version: version(),
                        value,
                    },
                );
            }
            (Some(_), None) => {
                devices.remove(user);
            }
            (None, None) => {}
        }
        Ok(true)
    }

    fn mode(&self, company: &str) -> Result<Option<Mode>, StoreError> {
        Ok(self.modes.lock().map_err(poisoned)?.get(company).copied())
    }

    fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError> {
        self.modes.lock().map_err(poisoned)?.insert(company.to_owned(), mode);
        Ok(())
    }
}

/// A shared store: several verifiers (threads, or a test's two "servers")
/// over one state.
impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn device(&self, user: &str) -> Result<Option<Versioned<Device>>, StoreError> {
        (**self).device(user)
    }

    fn replace_device(&self, user: &str, expected: Option<u64>, device: Option<Device>) -> Result<bool, StoreError> {
        (**self).replace_device(user, expected, device)
    }

    fn mode(&self, company: &str) -> Result<Option<Mode>, StoreError> {
        (**self).mode(company)
    }

    fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError> {
        (**self).set_mode(company, mode)
    }
}
