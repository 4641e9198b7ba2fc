//! Creating and opening the vault, with the keychain or a password.

use std::path::Path;

use twofold_vault::{KdfParams, KeyStore, KeychainError, NewVault, Unlock, Vault, VaultError};

use crate::Error;

/// Creates a vault at `path` whose key is kept in `keychain` (when given)
/// and/or behind `password` (when given and not empty); either opens it.
pub fn create(path: &Path, password: Option<&str>, keychain: Option<&dyn KeyStore>) -> Result<Vault, Error> {
    Ok(Vault::create(
        path,
        NewVault {
            keychain,
            password: password.filter(|p| !p.is_empty()),
            kdf: KdfParams::default(),
        },
    )?)
}

/// Opens the vault at `path` with one slot.
pub fn open(path: &Path, unlock: Unlock<'_>) -> Result<Vault, Error> {
    Ok(Vault::open(path, unlock)?)
}

/// How [`open_with`] ended: the vault, or a password to ask for.
pub enum Opening {
    /// The vault is open.
    Open(Vault),
    /// Ask for the password, then [`open`] with it; `keychain_failed` says
    /// why the keychain did not open it, when it was tried.
    AskPassword {
        /// The keychain's failure, worth a note before asking.
        keychain_failed: Option<KeychainError>,
    },
}

/// Opens the vault without asking anyone: with `given` (a password from a
/// file or the environment) when the vault has a password slot, else with
/// the keychain; when neither works and a password would, says so. The
/// front end then asks in its own way.
pub fn open_with(path: &Path, given: Option<&str>, keychain: &dyn KeyStore) -> Result<Opening, Error> {
    let info = twofold_vault::inspect(path)?;
    if let (Some(password), true) = (given, info.has_password) {
        return open(path, Unlock::Password(password)).map(Opening::Open);
    }
    if info.has_keychain {
        match Vault::open(path, Unlock::Keychain(keychain)) {
            Ok(vault) => return Ok(Opening::Open(vault)),
            Err(VaultError::Keychain(error)) if info.has_password => {
                return Ok(Opening::AskPassword {
                    keychain_failed: Some(error),
                });
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(Opening::AskPassword { keychain_failed: None })
}
