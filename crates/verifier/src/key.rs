//! The server key: seals each device's secret at rest and keys the hashes
//! of recovery codes.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, KeyInit as MacInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::StoreError;

/// Bytes of an AES-GCM nonce, stored in front of each sealed secret.
const NONCE: usize = 12;

/// The server's 256-bit key. Stored keys are sealed with AES-256-GCM
/// under a key derived from it, bound to their user (a sealed key copied
/// to another user's record does not open); recovery codes are hashed with
/// HMAC-SHA-256 under a second derived key, so a stolen store alone reveals
/// neither. Keep it outside the store (a secret manager, an environment
/// variable): whoever has both can compute every user's codes.
///
/// It prints as `ServerKey(..)` and is wiped when dropped.
#[derive(Clone)]
pub struct ServerKey {
    cipher: Aes256Gcm,
    recovery: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(..)")
    }
}

impl ServerKey {
    /// A fresh random key from the OS CSPRNG.
    pub fn generate() -> Result<Self, StoreError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut()).map_err(|e| StoreError::Random(e.to_string()))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The key from its 32 bytes (as stored in a secret manager).
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        let sealing = derive(bytes, b"twofold-verifier sealing v1");
        let recovery = derive(bytes, b"twofold-verifier recovery codes v1");
        Self {
            cipher: Aes256Gcm::new((&*sealing).into()),
            recovery,
        }
    }

    /// Seals `secret` (key material) for `user`, bound also to `context`:
    /// nonce, then ciphertext and tag.
    pub(crate) fn seal(&self, user: &str, context: &[u8], secret: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: &associated(user, context),
                },
            )
            .map_err(|_| StoreError::Seal)?;
        let mut out = Vec::with_capacity(NONCE + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`ServerKey::seal`] made for `user`.
    pub(crate) fn open(&self, user: &str, context: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE).ok_or(StoreError::Unseal)?;
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &associated(user, context),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| StoreError::Unseal)
    }

    /// The keyed hash a recovery code is stored as, bound to its user.
    pub(crate) fn recovery_hash(&self, user: &str, code: &str) -> [u8; 32] {
        let mut mac = hmac_sha256(self.recovery.as_ref());
        // The user's length first, so that ("ab", "c") and ("a", "bc") differ.
        mac.update(&(user.len() as u64).to_be_bytes());
        mac.update(user.as_bytes());
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// The associated data: the user's length and name, then the context.
fn associated(user: &str, context: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + user.len() + context.len());
    out.extend_from_slice(&(user.len() as u64).to_be_bytes());
    out.extend_from_slice(user.as_bytes());
    out.extend_from_slice(context);
    out
}

/// HMAC-SHA-256 keyed with `key`. HMAC takes keys of any length, so keying
/// cannot fail; the fallback keeps this free of panics.
fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as MacInit>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<Sha256> as MacInit>::new(&Default::default()))
}

/// HMAC-SHA-256(key, label): one independent subkey per use.
fn derive(key: &[u8; 32], label: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut mac = hmac_sha256(key);
    mac.update(label);
    Zeroizing::new(mac.finalize().into_bytes().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_for_their_user_and_key() {
        let key = ServerKey::from_bytes(&[7; 32]);
        let secret = b"12345678901234567890";
        let sealed = key.seal("alice", b"ctx", secret).unwrap();
        assert_eq!(sealed.len(), 12 + 20 + 16);
        assert_eq!(key.open("alice", b"ctx", &sealed).unwrap().as_slice(), secret);
        assert!(matches!(key.open("bob", b"ctx", &sealed), Err(StoreError::Unseal)));
        assert!(matches!(key.open("alice", b"ctX", &sealed), Err(StoreError::Unseal)));
        assert!(matches!(key.open("alicec", b"tx", &sealed), Err(StoreError::Unseal)));
        let other = ServerKey::from_bytes(&[8; 32]);
        assert!(matches!(other.open("alice", b"ctx", &sealed), Err(StoreError::Unseal)));
        assert!(matches!(
            key.open("alice", b"ctx", &sealed[..5]),
            Err(StoreError::Unseal)
        ));
        // Two seals of one secret differ (fresh nonces).
        assert_ne!(key.seal("alice", b"ctx", secret).unwrap(), sealed);
    }

    #[test]
    fn recovery_hashes_depend_on_user_code_and_key() {
        let key = ServerKey::from_bytes(&[7; 32]);
        let hash = key.recovery_hash("ab", "c");
        assert_eq!(hash, key.recovery_hash("ab", "c"));
        assert_ne!(hash, key.recovery_hash("a", "bc"));
        assert_ne!(hash, ServerKey::from_bytes(&[9; 32]).recovery_hash("ab", "c"));
        assert_eq!(format!("{key:?}"), "ServerKey(..)");
    }
}
