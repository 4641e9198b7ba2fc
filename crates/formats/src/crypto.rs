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

/// The first 16 bytes of an AES-256-GCM plaintext, decrypted *without*
/// checking the tag (GCM is counter mode: with a 12-byte nonce the data
/// starts at counter 2). Only for telling a damaged file (the right key:
/// the text starts as the format's does) from a wrong password, never to
/// use the bytes.
pub(crate) fn aes_gcm_first_block(key: &[u8], nonce: &[u8], sealed: &[u8]) -> Option<Zeroizing<[u8; 16]>> {
    use aes::cipher::{BlockEncrypt as _, KeyInit as _};
    if key.len() != 32 || nonce.len() != 12 {
        return None;
    }
    let ciphertext: &[u8; 16] = sealed.get(..16)?.try_into().ok()?;
    let cipher = aes::Aes256::new_from_slice(key).ok()?;
    let mut block = Zeroizing::new([0u8; 16]);
    let (head, counter) = block.split_at_mut(12);
    head.copy_from_slice(nonce);
    counter.copy_from_slice(&2u32.to_be_bytes());
    cipher.encrypt_block(aes::Block::from_mut_slice(block.as_mut_slice()));
    for (byte, c) in block.iter_mut().zip(ciphertext) {
        *byte ^= c;
    }
    Some(block)
}

/// The first 16 bytes of an AES-CBC plaintext, without the padding check
/// that needs the last block; for the same diagnosis as
/// [`aes_gcm_first_block`].
pub(crate) fn aes_cbc_first_block(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<[u8; 16]>> {
    use aes::cipher::{BlockDecrypt as _, KeyInit as _};
    let mut block = Zeroizing::new(<[u8; 16]>::try_from(data.get(..16)?).ok()?);
    let buffer = aes::Block::from_mut_slice(block.as_mut_slice());
    match key.len() {
        16 => aes::Aes128::new_from_slice(key).ok()?.decrypt_block(buffer),
        24 => aes::Aes192::new_from_slice(key).ok()?.decrypt_block(buffer),
        32 => aes::Aes256::new_from_slice(key).ok()?.decrypt_block(buffer),
        _ => return None,
    }
    for (byte, v) in block.iter_mut().zip(iv.get(..16)?) {
        *byte ^= v;
    }
    Some(block)
}

/// Whether decrypted bytes begin as the format's JSON does: `open` (`{`
/// or `[`), for an array perhaps an object's `{`, then `"` and four letters,
/// digits or `_` of a key; white space may stand between. A wrong key gives
/// this about once in eighteen million tries (2^-16 for the two marks, and
/// (63/256)^4 for the key).
pub(crate) fn starts_like_json(head: &[u8], open: u8) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut bytes = head.iter().copied().skip_while(u8::is_ascii_whitespace);
    if bytes.next() != Some(open) {
        return false;
    }
    let mut next = bytes.find(|b| !b.is_ascii_whitespace());
    if open == b'[' && next == Some(b'{') {
        next = bytes.find(|b| !b.is_ascii_whitespace());
    }
    next == Some(b'"')
        && bytes
            .take(4)
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count()
            == 4
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

/// HMAC-SHA-256 of the concatenated `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<Vec<u8>> {
    use hmac012::Mac as _;
    // HMAC takes a key of any length.
    let Ok(mut mac) = <hmac012::Hmac<sha2_010::Sha256> as hmac012::Mac>::new_from_slice(key) else {
        return Zeroizing::new(Vec::new());
    };
    for part in parts {
        mac.update(part);
    }
    Zeroizing::new(mac.finalize().into_bytes().to_vec())
}

/// Whether `tag` is the HMAC-SHA-256 of the concatenated `parts`, compared
/// in constant time.
pub(crate) fn hmac_sha256_verify(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    use hmac012::Mac as _;
    let Ok(mut mac) = <hmac012::Hmac<sha2_010::Sha256> as hmac012::Mac>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(tag).is_ok()
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
    if memory_kib > 1024 * 1024 || passes > 1024 || lanes > 16 {
        return None;
    }
    let params = argon2::Params::new(memory_kib, passes, lanes, Some(length)).ok()?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new(vec![0u8; length]);
    argon.hash_password_into(password, salt, &mut key).ok()?;
    Some(key)
}

/// The first message of a libsodium `crypto_secretstream_xchacha20poly1305`
/// stream without associated data: its plaintext and tag, or `None` when
/// the Poly1305 tag does not match (wrong key, or damaged bytes).
///
/// The state starts as HChaCha20 of the key and the header's first 16
/// bytes, with the nonce counter 1 and the header's last 8 bytes. ChaCha20
/// block 0 is the Poly1305 key, block 1 hides the tag byte, the message
/// follows from block 2; the MAC covers the whole 64-byte tag block, the
/// ciphertext, `len mod 16` zero bytes (libsodium's padding) and the two
/// lengths. Checked against libsodium's own output (the fixtures).
pub(crate) fn secretstream_first(key: &[u8], header: &[u8], sealed: &[u8]) -> Option<(Zeroizing<Vec<u8>>, u8)> {
    use chacha20::cipher::{KeyIvInit as _, StreamCipher as _};
    use poly1305::universal_hash::KeyInit as _;
    use subtle::ConstantTimeEq as _;

    const MAC_LEN: usize = 16;
    if key.len() != 32 || header.len() != 24 || sealed.len() < 1 + MAC_LEN {
        return None;
    }
    let (head, nonce_tail) = header.split_at(16);
    let mut derived = chacha20::hchacha::<chacha20::cipher::consts::U10>(
        chacha20::Key::from_slice(key),
        chacha20::cipher::generic_array::GenericArray::from_slice(head),
    );
    let mut subkey = Zeroizing::new([0u8; 32]);
    subkey.copy_from_slice(&derived);
    zeroize::Zeroize::zeroize(derived.as_mut_slice());
    let mut nonce = [0u8; 12];
    nonce[0] = 1;
    nonce[4..].copy_from_slice(nonce_tail);
    let mut stream = chacha20::ChaCha20::new(chacha20::Key::from_slice(subkey.as_slice()), &nonce.into());

    let mut poly_key = Zeroizing::new([0u8; 64]);
    stream.apply_keystream(poly_key.as_mut_slice());
    let mut block = Zeroizing::new([0u8; 64]);
    let (sealed_tag, rest) = sealed.split_first()?;
    let (ciphertext, mac) = rest.split_at(rest.len() - MAC_LEN);
    let first = |block: &mut [u8; 64]| block.first_mut().map(|byte| std::mem::replace(byte, *sealed_tag));
    first(&mut block)?;
    stream.apply_keystream(block.as_mut_slice());
    // The tag byte decrypted; the MAC covers the block as sent.
    let tag = first(&mut block)?;

    let length = ciphertext.len();
    let mut input = Zeroizing::new(Vec::with_capacity(64 + length + 16 + 16));
    input.extend_from_slice(block.as_slice());
    input.extend_from_slice(ciphertext);
    let padded = input.len() + length % 16;
    input.resize(padded, 0);
    input.extend_from_slice(&0u64.to_le_bytes());
    input.extend_from_slice(&(64 + length as u64).to_le_bytes());
    let poly_key = poly1305::Key::from_slice(poly_key.get(..32)?);
    let expected = poly1305::Poly1305::new(poly_key).compute_unpadded(&input);
    if !bool::from(expected.as_slice().ct_eq(mac)) {
        return None;
    }
    let mut message = Zeroizing::new(ciphertext.to_vec());
    stream.apply_keystream(&mut message);
    Some((message, tag))
}

/// `n` random bytes from the OS.
pub(crate) fn random(n: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use aes::cipher::BlockEncryptMut as _;

    use super::*;

    const PLAIN: &[u8] = b"{\"name\": \"a format's JSON, more than one block long\"}";

    #[test]
    fn keys_and_nonces_of_other_lengths_are_refused_not_panicked_on() {
        let sealed = aes_gcm_seal(&[7; 32], &[1; 12], PLAIN, b"").unwrap();
        assert_eq!(
            aes_gcm_open(&[7; 32], &[1; 12], &sealed, b"").unwrap().as_slice(),
            PLAIN
        );
        for (key, nonce) in [
            (&[7u8; 31][..], &[1u8; 12][..]),
            (&[7; 32], &[1; 16]),
            (&[7; 32], &[1; 8]),
            (&[7; 16], &[1; 12]),
        ] {
            assert!(aes_gcm_open(key, nonce, &sealed, b"").is_none());
            assert!(aes_gcm_seal(key, nonce, PLAIN, b"").is_none());
            assert!(aes_gcm_first_block(key, nonce, &sealed).is_none());
        }
    }

    #[test]
    fn the_first_block_is_the_plaintexts_start_without_the_tag_or_padding() {
        let sealed = aes_gcm_seal(&[7; 32], &[1; 12], PLAIN, b"aad").unwrap();
        assert_eq!(
            aes_gcm_first_block(&[7; 32], &[1; 12], &sealed).unwrap().as_slice(),
            &PLAIN[..16]
        );
        let iv = [9u8; 16];
        for key in [&[3u8; 16][..], &[3u8; 24][..], &[3u8; 32][..]] {
            let data = match key.len() {
                16 => cbc::Encryptor::<aes::Aes128>::new_from_slices(key, &iv)
                    .unwrap()
                    .encrypt_padded_vec_mut::<Pkcs7>(PLAIN),
                24 => cbc::Encryptor::<aes::Aes192>::new_from_slices(key, &iv)
                    .unwrap()
                    .encrypt_padded_vec_mut::<Pkcs7>(PLAIN),
                _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(key, &iv)
                    .unwrap()
                    .encrypt_padded_vec_mut::<Pkcs7>(PLAIN),
            };
            assert_eq!(
                aes_cbc_first_block(key, &iv, &data).unwrap().as_slice(),
                &PLAIN[..16],
                "{}-byte key",
                key.len()
            );
            assert_eq!(
                aes_cbc_decrypt(key, &iv, &data).unwrap().as_slice(),
                PLAIN,
                "{}-byte key",
                key.len()
            );
        }
        assert!(aes_cbc_first_block(&[3; 20], &iv, &[0; 32]).is_none());
        assert!(aes_cbc_decrypt(&[3; 20], &iv, &[0; 32]).is_none());
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn scrypt_gives_rfc_7914s_vector_and_refuses_each_parameter_out_of_range() {
        // RFC 7914, section 12, the second vector.
        let key = scrypt(b"password", b"NaCl", 1024, 8, 16, 64).unwrap();
        assert_eq!(
            hex(&key),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622e\
             af30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
        // Each bound alone: N not a power of two, N too small, r and p too big.
        for (n, r, p) in [(3, 1, 1), (1, 1, 1), (4, 33, 1), (4, 1, 17), (4, 0, 1), (4, 1, 0)] {
            assert!(scrypt(b"pw", b"salt", n, r, p, 32).is_none(), "N={n} r={r} p={p}");
        }
        assert!(scrypt(b"pw", b"salt", 4, 32, 16, 32).is_some());
    }

    #[test]
    fn argon2id_takes_passes_and_lanes_up_to_their_caps_and_not_beyond() {
        assert!(argon2id(b"pw", b"saltsalt", 1024, 8, 1, 32).is_some());
        assert!(argon2id(b"pw", b"saltsalt", 1025, 8, 1, 32).is_none());
        assert!(argon2id(b"pw", b"saltsalt", 1, 8 * 16, 16, 32).is_some());
        assert!(argon2id(b"pw", b"saltsalt", 1, 8 * 17, 17, 32).is_none());
        assert!(argon2id(b"pw", b"saltsalt", 1, 1024 * 1024 + 1, 1, 32).is_none());
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn a_secretstream_message_of_no_bytes_opens_and_short_or_odd_inputs_are_refused() {
        // Made with libsodium (PyNaCl): key 00 01 .. 1f, one push of no
        // bytes with the tag FINAL (3): a 17-byte message, the shortest.
        let key: Vec<u8> = (0..32).collect();
        let header = unhex("23dc365245070cf8c93960985e53a0c7a46abef29f956b58");
        let sealed = unhex("cea0434bd88e8714fb0bbb1fb973033026");
        let (message, tag) = secretstream_first(&key, &header, &sealed).unwrap();
        assert!(message.is_empty());
        assert_eq!(tag, 3);
        assert!(secretstream_first(&key, &header, &sealed[..16]).is_none());
        assert!(secretstream_first(&key[..31], &header, &sealed).is_none());
        assert!(secretstream_first(&key, &header[..23], &sealed).is_none());
        let mut damaged = sealed.clone();
        damaged[0] ^= 1;
        assert!(secretstream_first(&key, &header, &damaged).is_none());
    }

    #[test]
    fn only_the_start_of_a_json_object_with_a_quoted_key_looks_like_json() {
        for head in [
            &b"{\"name\": 1"[..],
            b"  \n{ \"db_v\"",
            b"\xEF\xBB\xBF{\"_abc",
            b"[{\"secret\"",
            b"[ \"uuid\"",
        ] {
            let open = if head.contains(&b'[') { b'[' } else { b'{' };
            assert!(starts_like_json(head, open), "{head:?}");
        }
        for (head, open) in [
            (&b"{{\"name\""[..], b'{'),
            (b"{\"ab\"}", b'{'),
            (b"{x1234", b'{'),
            (b"{\"na-e", b'{'),
            (b"[\"name", b'{'),
            (b"[[\"name", b'['),
            (b"", b'{'),
        ] {
            assert!(!starts_like_json(head, open), "{head:?}");
        }
    }
}
