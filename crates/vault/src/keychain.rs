//! The OS keychain, through `keyring`: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows. One entry per keychain slot, named
//! after the vault's UUID and the slot's id, holding the slot's 32-byte key.
//! An entry is never overwritten: each slot makes its own.

use zeroize::Zeroizing;

/// The keychain "service" under which Twofold keeps its entries.
pub const SERVICE: &str = "twofold";

/// What can go wrong with the keychain, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeychainError {
    /// No keychain service answers (no Secret Service on the session bus, no session bus).
    #[error(
        "no keychain is available ({detail}). On Linux, start a Secret Service such as gnome-keyring (in a desktop session it usually runs already), or keep the vault behind a password instead: `twofold init --password --no-keychain`"
    )]
    Unavailable {
        /// What the platform said.
        detail: String,
    },
    /// The keychain is there but locked, or refused access.
    #[error(
        "the keychain is locked or refused access ({detail}); unlock it (log in to the desktop) or use the vault's password"
    )]
    Locked {
        /// What the platform said.
        detail: String,
    },
    /// An entry of that name is there already; it is left as it is.
    #[error("the keychain already has an entry {0}; it was left as it is")]
    Exists(String),
    /// The keychain has no entry for this vault.
    #[error(
        "the keychain has no key for this vault (was the entry deleted, or is the vault from another computer?); unlock it with its password, then run `twofold keychain enable`"
    )]
    Missing,
    /// Anything else the platform reported.
    #[error("the keychain failed: {0}")]
    Other(String),
}

/// Where keychain slot keys are kept. The system keychain is [`SystemKeychain`];
/// the trait exists so that unit tests can run without a desktop session.
pub trait KeyStore {
    /// Stores `key` as a new entry named `vault_id` (a vault's UUID and its
    /// slot's id); refused if an entry of that name is there already.
    fn store(&self, vault_id: &str, key: &[u8]) -> Result<(), KeychainError>;
    /// Reads the key stored under `vault_id`.
    fn load(&self, vault_id: &str) -> Result<Zeroizing<Vec<u8>>, KeychainError>;
    /// Deletes the entry; deleting one that is not there is not an error.
    fn delete(&self, vault_id: &str) -> Result<(), KeychainError>;
}

/// The OS keychain through the `keyring` crate.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemKeychain;

/// The keychain entry's user name for a vault (under [`SERVICE`]): what
/// `secret-tool lookup service twofold username <this>` finds.
pub(crate) fn entry_user(vault_id: &str) -> String {
    format!("vault-{vault_id}")
}

fn entry(vault_id: &str) -> Result<keyring::Entry, KeychainError> {
    keyring::Entry::new(SERVICE, &entry_user(vault_id)).map_err(classify)
}

fn classify(error: keyring::Error) -> KeychainError {
    match error {
        keyring::Error::NoEntry => KeychainError::Missing,
        keyring::Error::NoStorageAccess(inner) => KeychainError::Locked {
            detail: inner.to_string(),
        },
        keyring::Error::PlatformFailure(inner) => {
            let detail = inner.to_string();
            let lower = detail.to_ascii_lowercase();
            if lower.contains("locked") || lower.contains("prompt") || lower.contains("dismissed") {
                KeychainError::Locked { detail }
            } else {
                KeychainError::Unavailable { detail }
            }
        }
        other => KeychainError::Other(other.to_string()),
    }
}

impl KeyStore for SystemKeychain {
    fn store(&self, vault_id: &str, key: &[u8]) -> Result<(), KeychainError> {
        let entry = entry(vault_id)?;
        match entry.get_secret() {
            Ok(_) => Err(KeychainError::Exists(entry_user(vault_id))),
            Err(keyring::Error::NoEntry) => entry.set_secret(key).map_err(classify),
            Err(error) => Err(classify(error)),
        }
    }

    fn load(&self, vault_id: &str) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        entry(vault_id)?.get_secret().map(Zeroizing::new).map_err(classify)
    }

    fn delete(&self, vault_id: &str) -> Result<(), KeychainError> {
        match entry(vault_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

/// A keychain in memory, for unit tests of the slot logic only.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct MemoryKeychain(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

#[cfg(test)]
impl KeyStore for MemoryKeychain {
    fn store(&self, vault_id: &str, key: &[u8]) -> Result<(), KeychainError> {
        let mut keys = self.0.lock().unwrap();
        if keys.contains_key(vault_id) {
            return Err(KeychainError::Exists(entry_user(vault_id)));
        }
        keys.insert(vault_id.to_owned(), key.to_vec());
        Ok(())
    }

    fn load(&self, vault_id: &str) -> Result<Zeroizing<Vec<u8>>, KeychainError> {
        self.0
            .lock()
            .unwrap()
            .get(vault_id)
            .cloned()
            .map(Zeroizing::new)
            .ok_or(KeychainError::Missing)
    }

    fn delete(&self, vault_id: &str) -> Result<(), KeychainError> {
        self.0.lock().unwrap().remove(vault_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(message: &str) -> keyring::Error {
        keyring::Error::PlatformFailure(Box::new(std::io::Error::other(message.to_owned())))
    }

    #[test]
    fn a_locked_or_dismissed_keychain_is_told_from_a_missing_one() {
        for locked in [
            "Collection is locked",
            "a prompt is needed",
            "the request was Dismissed",
        ] {
            assert!(
                matches!(classify(platform(locked)), KeychainError::Locked { .. }),
                "{locked}"
            );
        }
        assert!(matches!(
            classify(platform("org.freedesktop.DBus.Error.ServiceUnknown")),
            KeychainError::Unavailable { .. }
        ));
        assert!(matches!(classify(keyring::Error::NoEntry), KeychainError::Missing));
    }
}
