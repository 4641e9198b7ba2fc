//! AES-256-GCM sealing, Argon2id, and randomness: the only cryptography in
//! the vault, in one place.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::{Zeroize, Zeroizing};

use crate::error::VaultError;

/// Bytes in an AES-256 key.
pub(crate) const KEY_LEN: usize = 32;
/// Bytes in an AES-GCM nonce.
pub(crate) const NONCE_LEN: usize = 12;

/// A 256-bit AES key: the vault key, or a slot key that wraps it. Wiped on
/// drop and never printed.
#[derive(Clone)]
pub(crate) struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    /// A fresh key from the OS CSPRNG.
    pub(crate) fn random() -> Result<Self, VaultError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        fill_random(key.as_mut())?;
        Ok(Self(key))
    }

    /// A key from exactly 32 bytes; `None` for any other length.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes.get(..KEY_LEN).filter(|_| bytes.len() == KEY_LEN)?);
        Some(Self(key))
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Encrypts `plaintext` under `nonce` (never reuse one with the same key:
    /// take each from [`random_nonce`]); returns the ciphertext with its
    /// 16-byte tag. `aad` is authenticated, not encrypted.
    pub(crate) fn seal(&self, nonce: &[u8; NONCE_LEN], plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, VaultError> {
        let cipher = Aes256Gcm::new(self.0.as_ref().into());
        cipher
            .encrypt(Nonce::from_slice(nonce), Payload { msg: plaintext, aad })
            .map_err(|_| VaultError::Random("AES-GCM refused to encrypt".to_owned()))
    }

    /// Decrypts and authenticates; `None` when the key, nonce, AAD or
    /// ciphertext does not match (wrong key or tampering: GCM cannot tell which).
    pub(crate) fn open(&self, nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if nonce.len() != NONCE_LEN {
            return None;
        }
        let cipher = Aes256Gcm::new(self.0.as_ref().into());
        cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
            .ok()
            .map(Zeroizing::new)
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// Argon2id cost parameters, stored in each password slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// What new password slots use: 64 MiB, 3 passes, 1 lane (about a third
    /// of a second on a laptop core; above OWASP's Argon2id minimum).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// The most a file may ask for: a hostile vault must not be able to make
    /// unlocking take gigabytes or minutes.
    const MAX: KdfParams = KdfParams {
        memory_kib: 1024 * 1024,
        iterations: 64,
        parallelism: 16,
    };

    /// Checks the parameters against Argon2's minimums and our maximums.
    pub(crate) fn check(&self) -> Result<argon2::Params, VaultError> {
        if self.memory_kib > Self::MAX.memory_kib
            || self.iterations > Self::MAX.iterations
            || self.parallelism > Self::MAX.parallelism
        {
            return Err(VaultError::KdfParameters(format!(
                "memory {} KiB, {} passes, {} lanes; at most {} KiB, {} passes, {} lanes",
                self.memory_kib,
                self.iterations,
                self.parallelism,
                Self::MAX.memory_kib,
                Self::MAX.iterations,
                Self::MAX.parallelism
            )));
        }
        argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(KEY_LEN))
            .map_err(|e| VaultError::KdfParameters(e.to_string()))
    }

    /// Derives a slot key from a password and salt.
    pub(crate) fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Key, VaultError> {
        let params = self.check()?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(password, salt, key.as_mut())
            .map_err(|e| VaultError::KdfParameters(e.to_string()))?;
        Ok(Key(key))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A fresh random 96-bit nonce. Random nonces are safe for far more saves
/// than a vault will ever see (2^32 under one key).
pub(crate) fn random_nonce() -> Result<[u8; NONCE_LEN], VaultError> {
    let mut nonce = [0u8; NONCE_LEN];
    fill_random(&mut nonce)?;
    Ok(nonce)
}

/// Fills `buffer` from the OS CSPRNG.
pub(crate) fn fill_random(buffer: &mut [u8]) -> Result<(), VaultError> {
    getrandom::fill(buffer).map_err(|e| {
        buffer.zeroize();
        VaultError::Random(e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_tamper() {
        let key = Key::random().unwrap();
        let nonce = random_nonce().unwrap();
        let sealed = key.seal(&nonce, b"accounts", b"header").unwrap();
        assert_eq!(key.open(&nonce, &sealed, b"header").unwrap().as_slice(), b"accounts");
        assert!(key.open(&nonce, &sealed, b"other header").is_none());
        let mut flipped = sealed.clone();
        flipped[0] ^= 1;
        assert!(key.open(&nonce, &flipped, b"header").is_none());
        assert!(Key::random().unwrap().open(&nonce, &sealed, b"header").is_none());
        assert!(key.open(&nonce[..11], &sealed, b"header").is_none());
    }

    #[test]
    fn the_largest_cost_a_file_may_ask_is_allowed_and_one_more_is_not() {
        assert!(KdfParams::MAX.check().is_ok());
        let over = |change: fn(&mut KdfParams)| {
            let mut params = KdfParams::MAX;
            change(&mut params);
            params.check()
        };
        assert!(matches!(over(|p| p.memory_kib += 1), Err(VaultError::KdfParameters(_))));
        assert!(matches!(over(|p| p.iterations += 1), Err(VaultError::KdfParameters(_))));
        assert!(matches!(
            over(|p| p.parallelism += 1),
            Err(VaultError::KdfParameters(_))
        ));
    }

    #[test]
    fn argon2id_is_deterministic_per_salt() {
        // Same password and salt give the same key; another salt another key.
        let params = KdfParams {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        };
        let a = params.derive(b"password", b"somesaltsomesalt").unwrap();
        let b = params.derive(b"password", b"somesaltsomesalt").unwrap();
        let c = params.derive(b"password", b"othersaltothersa").unwrap();
        assert_eq!(a.expose(), b.expose());
        assert_ne!(a.expose(), c.expose());
    }

    #[test]
    fn hostile_kdf_parameters_are_refused() {
        let huge = KdfParams {
            memory_kib: u32::MAX,
            iterations: 1,
            parallelism: 1,
        };
        assert!(matches!(huge.check(), Err(VaultError::KdfParameters(_))));
        let zero = KdfParams {
            memory_kib: 0,
            iterations: 0,
            parallelism: 0,
        };
        assert!(matches!(zero.check(), Err(VaultError::KdfParameters(_))));
        assert!(KdfParams::DEFAULT.check().is_ok());
    }

    #[test]
    fn key_debug_is_redacted() {
        assert_eq!(format!("{:?}", Key::random().unwrap()), "Key(<redacted>)");
    }
}
