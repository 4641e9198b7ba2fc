//! The encrypted account store of Twofold.
//!
//! One file holds a JSON header (format, version, key slots, nonce) and the
//! AES-256-GCM ciphertext of the accounts, with the header's bytes as
//! associated data. A random 256-bit vault key is wrapped by key slots, as
//! in Aegis: a keychain slot whose key lives in the OS keychain (`keyring`:
//! Secret Service, macOS Keychain, Windows Credential Manager), and/or a
//! password slot through Argon2id. Either opens the vault. FORMAT.md
//! describes the file for other programs.
//!
//! Saves are atomic and keep the previous file as `<file>.bak`; an advisory
//! lock keeps two processes from writing at once; a damaged, foreign or
//! newer file is reported and never overwritten.
//!
//! This crate knows accounts only through `twofold-otp` and nothing of
//! other apps' formats.
#![forbid(unsafe_code)]

mod crypto;
mod error;
mod format;
mod fsio;
mod keychain;
mod record;
mod vault;

pub use crypto::KdfParams;
pub use error::{VaultError, backup_path};
pub use keychain::{KeyStore, KeychainError, SERVICE as KEYCHAIN_SERVICE, SystemKeychain};
pub use record::{Merge, Settings, VaultData};
pub use vault::{
    NewVault, PasswordSlot, Unlock, Vault, VaultInfo, default_path, inspect, is_vault_file, open_backup, seal_backup,
};

/// The lock file that sits beside a vault while it is open.
pub fn lock_path(vault: &std::path::Path) -> std::path::PathBuf {
    fsio::lock_path(vault)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_lock_file_sits_beside_the_vault() {
        let vault = std::path::Path::new("/home/ana/.local/share/twofold/vault.json");
        assert_eq!(
            super::lock_path(vault),
            std::path::Path::new("/home/ana/.local/share/twofold/vault.json.lock")
        );
    }
}
