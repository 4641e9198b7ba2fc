//! andOTP backups: a JSON array of entries, either plain or sealed with
//! AES-256-GCM. The sealed files come in two layouts, neither with a magic
//! number:
//!
//! - new: iterations (u32, big-endian) | salt (12) | nonce (12) | ciphertext | tag (16),
//!   key = PBKDF2-HMAC-SHA1(password, salt, iterations, 32 bytes);
//! - old: nonce (12) | ciphertext | tag (16), key = SHA-256(password).
//!
//! The GCM tag tells which one a file is: the cheap old key is tried first,
//! then the PBKDF2 one.

use std::ops::RangeInclusive;

use serde_json::Value;
use twofold_otp::Account;

use crate::common::{self, Entry, Problem, SecretField};
use crate::crypto;
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// The format's name.
const NAME: &str = "andotp";
/// Bytes of the iteration count at the start of a new-format file.
const ITERATIONS_LEN: usize = 4;
/// Bytes of PBKDF2 salt after the iteration count.
const SALT_LEN: usize = 12;
/// Bytes of GCM nonce.
const NONCE_LEN: usize = 12;
/// Bytes of GCM tag at the end.
const TAG_LEN: usize = 16;
/// The shortest plaintext, `[]`.
const MIN_PLAINTEXT: usize = 2;
/// The iteration counts `detect` takes for andOTP's: the app draws each
/// backup's from 140,000 to 160,000, but backups made by other tools (and
/// older builds) carry a few thousand; fewer than 1,000 is no real backup.
const APP_ITERATIONS: RangeInclusive<u32> = 1_000..=MAX_ITERATIONS;
/// The most PBKDF2 iterations run for a file, so that a file that is not
/// andOTP's cannot keep us busy for minutes.
const MAX_ITERATIONS: u32 = 3_000_000;
/// How far into a plain backup the keys of the first entry are looked for.
const DETECT_WINDOW: usize = 4096;

/// andOTP backup (JSON, or encrypted .bin: PBKDF2 new format or SHA-256 old format).
pub(crate) struct AndOtp;

impl Format for AndOtp {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "andOTP backup (JSON, or encrypted .bin: PBKDF2 new format or SHA-256 old format)"
    }

    /// The plain array by its entries' keys; the new encrypted layout by an
    /// iteration count that andOTP would have chosen. The old encrypted
    /// layout is random bytes throughout and is not claimed: name the format.
    fn detect(&self, bytes: &[u8]) -> bool {
        looks_plain(bytes) || looks_new_format(bytes)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if !common::within_json_budget(text) {
            return common::json::<common::Bounded<Value>>(NAME, text).map(|entries| convert(&entries.0));
        }
        if let Ok(common::Bounded(entries)) = serde_json::from_slice::<common::Bounded<Value>>(text) {
            return Ok(convert(&entries));
        }
        // Text that is not a JSON array is a damaged plain backup, not an
        // encrypted one (ciphertext is never valid UTF-8 for long).
        if std::str::from_utf8(text).is_ok() {
            return common::json::<common::Bounded<Value>>(NAME, text).map(|entries| convert(&entries.0));
        }
        if !long_enough(bytes) {
            return Err(common::malformed(NAME, "too short for an encrypted andOTP backup"));
        }
        let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
        let plaintext = decrypt_old(bytes, password)
            .or_else(|| decrypt_new(bytes, password))
            .ok_or_else(|| {
                if right_key_of_a_damaged_file(bytes, password) {
                    common::malformed(
                        NAME,
                        "the password is right, but the file is cut short or damaged; make the backup again",
                    )
                } else {
                    ImportError::WrongPassword { format: NAME }
                }
            })?;
        if !common::within_json_budget(&plaintext) {
            return common::json::<common::Bounded<Value>>(NAME, &plaintext).map(|entries| convert(&entries.0));
        }
        let common::Bounded(entries): common::Bounded<Value> = serde_json::from_slice(&plaintext).map_err(|e| {
            common::malformed(
                NAME,
                format!(
                    "decrypted, but not a JSON array of entries: {}",
                    common::json_reason(&e)
                ),
            )
        })?;
        Ok(convert(&entries))
    }
}

/// Whether the bytes are a JSON array whose first entry has andOTP's keys.
fn looks_plain(bytes: &[u8]) -> bool {
    common::starts_with_trimmed(bytes, b"[")
        && [&b"\"secret\""[..], b"\"label\"", b"\"type\"", b"\"digits\""]
            .iter()
            .all(|key| common::contains_early(bytes, key, DETECT_WINDOW))
}

/// Whether the bytes start with an iteration count andOTP would have used and
/// are long enough for salt, nonce, the shortest ciphertext and the tag.
fn looks_new_format(bytes: &[u8]) -> bool {
    iterations(bytes).is_some_and(|n| APP_ITERATIONS.contains(&n))
        && bytes.get(ITERATIONS_LEN + SALT_LEN..).is_some_and(long_enough)
}

/// The big-endian u32 at the start of the bytes.
fn iterations(bytes: &[u8]) -> Option<u32> {
    let head: [u8; ITERATIONS_LEN] = bytes.get(..ITERATIONS_LEN)?.try_into().ok()?;
    Some(u32::from_be_bytes(head))
}

/// Whether `sealed` (`nonce | ciphertext | tag`) can hold the shortest
/// backup, `[]`: a shorter one is no backup, nor worth a key derivation.
fn long_enough(sealed: &[u8]) -> bool {
    sealed.len() >= NONCE_LEN + MIN_PLAINTEXT + TAG_LEN
}

/// Opens `nonce | ciphertext | tag` with `key`.
fn open(key: &[u8], sealed: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    if !long_enough(sealed) {
        return None;
    }
    let (nonce, body) = sealed.split_at_checked(NONCE_LEN)?;
    crypto::aes_gcm_open(key, nonce, body, &[])
}

/// The old layout: the key is the SHA-256 of the password.
fn decrypt_old(bytes: &[u8], password: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let key = crypto::sha256(password.as_bytes());
    open(&key, bytes)
}

/// Whether the bytes are an old-layout backup that `password` opens.
pub(crate) fn opens_without_header(bytes: &[u8], password: &str) -> bool {
    decrypt_old(bytes, password).is_some()
}

/// The new layout: PBKDF2 with the file's iteration count and salt.
fn decrypt_new(bytes: &[u8], password: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let rounds = iterations(bytes).filter(|n| (1..=MAX_ITERATIONS).contains(n))?;
    let salt = bytes.get(ITERATIONS_LEN..ITERATIONS_LEN + SALT_LEN)?;
    let sealed = bytes.get(ITERATIONS_LEN + SALT_LEN..)?;
    if !long_enough(sealed) {
        return None;
    }
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, rounds, 32);
    open(&key, sealed)
}

/// Whether either layout's key turns the first block into the start of a
/// JSON array: then the password was right and the tag failed because
/// bytes are missing or changed.
fn right_key_of_a_damaged_file(bytes: &[u8], password: &str) -> bool {
    let starts_an_array = |key: &[u8], sealed: &[u8]| {
        let (Some(nonce), Some(body)) = (sealed.get(..NONCE_LEN), sealed.get(NONCE_LEN..)) else {
            return false;
        };
        crypto::aes_gcm_first_block(key, nonce, body)
            .is_some_and(|head| crypto::starts_like_json(head.as_slice(), b'['))
    };
    if starts_an_array(&crypto::sha256(password.as_bytes()), bytes) {
        return true;
    }
    let (Some(rounds), Some(salt), Some(sealed)) = (
        iterations(bytes).filter(|n| (1..=MAX_ITERATIONS).contains(n)),
        bytes.get(ITERATIONS_LEN..ITERATIONS_LEN + SALT_LEN),
        bytes.get(ITERATIONS_LEN + SALT_LEN..),
    ) else {
        return false;
    };
    starts_an_array(&crypto::pbkdf2_sha1(password.as_bytes(), salt, rounds, 32), sealed)
}

/// Every entry of the array, each an account or a named failure.
fn convert(entries: &[Value]) -> Imported {
    common::collect(entries.iter().enumerate().map(|(index, value)| {
        let Some(object) = value.as_object() else {
            return (format!("entry {}", index + 1), Err(Problem::from("not a JSON object")));
        };
        let (issuer, name) = names(object);
        let label = common::label(&issuer, &name, index);
        (label, account(object, &issuer, &name))
    }))
}

/// Issuer and account name. Entries with an `issuer` key keep the name in
/// `label`; older entries hold `Issuer - Name` in `label`, and the oldest
/// backups repeat the issuer there as `Issuer - Issuer:Name`, whose second
/// `Issuer:` is dropped.
fn names(object: &serde_json::Map<String, Value>) -> (String, String) {
    let label = object.get("label").and_then(Value::as_str).unwrap_or("").trim();
    if let Some(issuer) = object.get("issuer").and_then(Value::as_str) {
        return (issuer.trim().to_owned(), label.to_owned());
    }
    let Some((issuer, rest)) = label.split_once(" - ") else {
        return (String::new(), label.to_owned());
    };
    let (issuer, rest) = (issuer.trim(), rest.trim());
    let name = rest
        .split_once(':')
        .filter(|(prefix, _)| prefix.trim().eq_ignore_ascii_case(issuer))
        .map_or(rest, |(_, name)| name.trim());
    (issuer.to_owned(), name.to_owned())
}

/// One entry's account.
fn account(object: &serde_json::Map<String, Value>, issuer: &str, name: &str) -> Result<Account, Problem> {
    let text = |key: &str| object.get(key).and_then(Value::as_str);
    let secret = text("secret").ok_or("secret: missing")?;
    let mut account = Entry {
        kind: text("type"),
        issuer,
        name,
        secret: SecretField::Base32(secret),
        algorithm: text("algorithm"),
        digits: integer(object, "digits")?,
        period: integer(object, "period")?,
        counter: integer(object, "counter")?,
    }
    .account()?;
    if let Some(tags) = object.get("tags").and_then(Value::as_array) {
        account.tags = tags.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    }
    Ok(account)
}

/// A whole number field, given as a number or a numeric string; `None` when
/// absent or null.
fn integer(object: &serde_json::Map<String, Value>, key: &str) -> Result<Option<i64>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .map(Some)
            .ok_or_else(|| format!("{key}: {number} is not a whole number")),
        Some(Value::String(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("{key}: {text:?} is not a whole number")),
        Some(_) => Err(format!("{key}: not a number")),
    }
}
