//! The ciphers and key derivations of other apps' encrypted exports, in one
//! place. Each returns `None` when authentication or padding fails, which the
//! importers report as a wrong password.

use aes::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

/// AES-256-GCM decryption of `sealed` (ciphertext with the 16-byte tag at the end).
pub(crate) fn aes_gcm_open(key: &[u8], nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if key.len() != 32 || nonce.len() != 12 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
        .ok()
        .map(Zeroizing::new)
}

/// AES-256-GCM encryption; returns the ciphertext with the tag at the end.
pub(crate) fn aes_gcm_seal(key: &[u8], nonce: &[u8], plaintext: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
    if key.len() != 32 || nonce.len() != 12 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .encrypt(Nonce::from_slice(nonce), Payload { msg: plaintext, aad })
        .ok()
}

/// AES-CBC decryption with PKCS#7 padding, for a 16, 24 or 32-byte key.
pub(crate) fn aes_cbc_decrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if iv.len() != 16 || data.is_empty() || !data.len().is_multiple_of(16) {
        return None;
    }
    let plain = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec_mut::<Pkcs7>(data)
            .ok()?,
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec_mut::<Pkcs7>(data)
            .ok()?,
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded_vec_mut::<Pkcs7>(data)
            .ok()?,
        _ => return None,
    };
    Some(Zeroizing::new(plain))
}

/// PBKDF2 with HMAC-SHA-1.
pub(crate) fn pbkdf2_sha1(password: &[u8], salt: &[u8], rounds: u32, length: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; length]);
    pbkdf2::pbkdf2_hmac::<sha1_010::Sha1>(password, salt, rounds, &mut key);
    key
}

/// PBKDF2 with HMAC-SHA-256.
pub(crate) fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32, length: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; length]);
    pbkdf2::pbkdf2_hmac::<sha2_010::Sha256>(password, salt, rounds, &mut key);
    key
}

/// PBKDF2 with HMAC-SHA-512.
pub(crate) fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32, length: usize) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; length]);
    pbkdf2::pbkdf2_hmac::<sha2_010::Sha512>(password, salt, rounds, &mut key);
    key
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> Zeroizing<Vec<u8>> {
    use sha2_010::Digest as _;
    Zeroizing::new(sha2_010::Sha256::digest(data).to_vec())
}

/// scrypt with the given cost; `None` when the parameters are out of range.
pub(crate) fn scrypt(
    password: &[u8],
    salt: &[u8],
    n: u64,
    r: u32,
    p: u32,
    length: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    if !n.is_power_of_two() || !(2..=1 << 20).contains(&n) || !(1..=32).contains(&r) || !(1..=16).contains(&p) {
        return None;
    }
    let log_n = u8::try_from(n.trailing_zeros()).ok()?;
    let params = scrypt::Params::new(log_n, r, p, length).ok()?;
    let mut key = Zeroizing::new(vec![0u8; length]);
    scrypt::scrypt(password, salt, &params, &mut key).ok()?;
    Some(key)
}

/// Argon2id with the given cost; `None` when the parameters are out of range.
pub(crate) fn argon2id(
    password: &[u8],
    salt: &[u8],
    passes: u32,
    memory_kib: u32,
    lanes: u32,
    length: usize,
) -> Option<Zeroizing<Vec<u8>>> {
    if memory_kib > 1024 * 1024 || passes > 64 || lanes > 16 {
        return None;
    }
    let params = argon2::Params::new(memory_kib, passes, lanes, Some(length)).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new(vec![0u8; length]);
    argon.hash_password_into(password, salt, &mut key).ok()?;
    Some(key)
}

/// `n` random bytes from the OS.
pub(crate) fn random(n: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes)
}
