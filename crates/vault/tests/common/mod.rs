//! Helpers for the vault tests: scratch folders, cheap KDF costs, accounts.
#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

#[path = "../../../otp/tests/common/mod.rs"]
mod otp_common;

use std::path::{Path, PathBuf};

pub use otp_common::shared_dir;

use twofold_otp::{Account, Kind, Secret};
use twofold_vault::KdfParams;

/// Argon2id at its cheapest, so that tests that unlock hundreds of times
/// stay fast; one test uses the real defaults.
pub const CHEAP: KdfParams = KdfParams {
    memory_kib: 64,
    iterations: 1,
    parallelism: 1,
};

/// A fresh empty folder under the temp dir, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let mut random = [0u8; 6];
        getrandom::fill(&mut random).unwrap();
        let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("twofold-vault-{name}-{suffix}"));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A TOTP account with a random 20-byte secret.
pub fn random_account(issuer: &str, name: &str) -> Account {
    let mut secret = [0u8; 20];
    getrandom::fill(&mut secret).unwrap();
    Account::new(
        issuer,
        name,
        Secret::from_bytes(&secret).unwrap(),
        Kind::Totp {
            period: std::num::NonZeroU32::new(30).unwrap(),
        },
    )
}

/// SHA-256 of a file, hex, to show it was not changed.
pub fn file_hash(path: &Path) -> String {
    use sha2::Digest as _;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new vault at `path` with only a password slot at the cheap KDF costs.
pub fn password_vault(path: &Path, password: &str) -> twofold_vault::Vault {
    twofold_vault::Vault::create(
        path,
        twofold_vault::NewVault {
            keychain: None,
            password: Some(password),
            kdf: CHEAP,
        },
    )
    .unwrap()
}
