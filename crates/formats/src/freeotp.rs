//! FreeOTP for Android, both generations.
//!
//! FreeOTP 1.x keeps its tokens in `shared_prefs/tokens.xml` (root needed):
//! one `<string>` per token holding the token as JSON (the key as an array
//! of signed bytes), plus `tokenOrder`, a JSON list of the token names.
//! These versions store an HOTP counter one below the counter of the next
//! code (they subtract one when adding a token and add it back when sharing
//! one), so the importer adds it back. FreeOTP+ keeps the same file. The
//! earliest versions stored each token as its `otpauth://` URI instead
//! (with the counter already the next one), which is read too.
//!
//! FreeOTP 2.x backups (`externalBackup.xml`) are a Java-serialised
//! `HashMap<String, String>`: `masterKey` is a JSON object with a PBKDF2
//! salt and iteration count and the AES-256-GCM-wrapped master key; each
//! token has an entry `<uuid>` whose JSON holds its key sealed under the
//! master key, and an entry `<uuid>-token` with the token's other fields.
//! In both layers the GCM nonce sits in a DER-encoded parameter block and
//! the `mToken` string is the additional authenticated data.

use std::collections::HashMap;

use serde::Deserialize;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{Entry, Problem, SecretField, collect, label, malformed};
use crate::crypto::{aes_gcm_open, pbkdf2_sha1, pbkdf2_sha256, pbkdf2_sha512};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::java;
use crate::prefs::{self, Value};

/// FreeOTP 1.x internal token store (tokens.xml).
pub(crate) struct FreeOtp;

/// FreeOTP 2.x encrypted backup (externalBackup.xml).
pub(crate) struct FreeOtp2;

const NAME_V1: &str = "freeotp";
const NAME_V2: &str = "freeotp2";

/// The preference that lists the tokens' names in display order.
const TOKEN_ORDER: &str = "tokenOrder";
/// Most PBKDF2 rounds accepted before a file is refused (FreeOTP uses 100,000).
const MAX_ITERATIONS: u32 = 10_000_000;

/// How an app's stored HOTP counter relates to the next code's counter.
#[derive(Clone, Copy)]
pub(crate) enum Counter {
    /// FreeOTP 1.x and FreeOTP+: the stored value is one below.
    StoredMinusOne,
    /// FreeOTP 2.x: the stored value is the next counter.
    Next,
}

/// A token as the FreeOTP family writes it (Gson field names).
#[derive(Deserialize)]
pub(crate) struct Token {
    #[serde(default)]
    algo: Option<String>,
    #[serde(default)]
    counter: Option<i64>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default, rename = "issuerExt")]
    issuer_ext: Option<String>,
    #[serde(default, rename = "issuerInt")]
    issuer_int: Option<String>,
    #[serde(default, rename = "issuerAlt")]
    issuer_alt: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default, rename = "labelAlt")]
    label_alt: Option<String>,
    #[serde(default)]
    period: Option<i64>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    secret: Option<Zeroizing<Vec<i64>>>,
}

/// The first of these that is present and not blank.
fn first_present<'a>(choices: &[&'a Option<String>]) -> &'a str {
    choices
        .iter()
        .filter_map(|c| c.as_deref())
        .find(|s| !s.trim().is_empty())
        .unwrap_or("")
}

impl Token {
    /// The issuer shown: the user's rename, else the label's prefix, else the `issuer` parameter.
    fn issuer(&self) -> &str {
        first_present(&[&self.issuer_alt, &self.issuer_ext, &self.issuer_int])
    }

    /// The account name shown: the user's rename, else the label.
    fn name(&self) -> &str {
        first_present(&[&self.label_alt, &self.label])
    }

    /// `issuer: name` for messages, or `fallback` when the token has neither.
    pub(crate) fn describe(&self, fallback: &str) -> String {
        let text = label(self.issuer(), self.name(), 0);
        if self.issuer().trim().is_empty() && self.name().trim().is_empty() {
            fallback.to_owned()
        } else {
            text
        }
    }

    /// The account, with the key from the token itself or, for FreeOTP 2, given apart.
    pub(crate) fn account(&self, key: Option<&[u8]>, counter: Counter) -> Result<Account, Problem> {
        let own;
        let secret = match key {
            Some(key) => key,
            None => {
                own = signed_bytes(self.secret.as_deref().ok_or("no secret")?)?;
                &own[..]
            }
        };
        let kind = self.kind.as_deref().map(str::trim).unwrap_or("totp");
        // FreeOTP shows Steam codes for TOTP tokens whose label prefix is "Steam".
        let steam = kind.eq_ignore_ascii_case("totp") && self.issuer_ext.as_deref() == Some("Steam");
        let counter = match counter {
            Counter::StoredMinusOne => Some(self.counter.unwrap_or(-1).saturating_add(1)),
            Counter::Next => self.counter,
        };
        Entry {
            kind: Some(if steam { "steam" } else { kind }),
            issuer: self.issuer(),
            name: self.name(),
            secret: SecretField::Bytes(secret),
            algorithm: self.algo.as_deref(),
            digits: self.digits,
            period: self.period,
            counter,
        }
        .account()
    }
}

/// A JSON array of Java bytes (-128 to 127; 128 to 255 taken as unsigned) as bytes.
pub(crate) fn signed_bytes(values: &[i64]) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut out = Zeroizing::new(Vec::with_capacity(values.len()));
    for &value in values {
        if !(-128..=255).contains(&value) {
            return Err(format!("{value} is not a byte"));
        }
        out.push(u8::try_from(value.rem_euclid(256)).map_err(|_| "not a byte")?);
    }
    Ok(out)
}

/// Whether the bytes look like a FreeOTP-family `tokens.xml`.
pub(crate) fn looks_like_tokens_xml(bytes: &[u8]) -> bool {
    prefs::looks_like(bytes) && prefs::contains(bytes, b"name=\"tokenOrder\"")
}

/// Whether some token has 7 digits, which FreeOTP 1.x refuses and FreeOTP+ allows:
/// the one sign that tells the two apps' identical files apart.
pub(crate) fn has_seven_digit_token(bytes: &[u8]) -> bool {
    let needles: [&[u8]; 2] = [b"&quot;digits&quot;:7", b"\"digits\":7"];
    needles.iter().any(|needle| {
        bytes
            .windows(needle.len())
            .enumerate()
            .filter(|(_, window)| window == needle)
            .any(|(at, _)| !bytes.get(at + needle.len()).is_some_and(u8::is_ascii_digit))
    })
}

/// Reads a FreeOTP-family `tokens.xml`, in the app's display order.
pub(crate) fn import_tokens_xml(format: &'static str, bytes: &[u8]) -> Result<Imported, ImportError> {
    let prefs = prefs::parse(bytes).map_err(|e| malformed(format, e))?;
    let order: Vec<String> = prefs
        .string(TOKEN_ORDER)
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let mut tokens: Vec<(&str, &str)> = prefs
        .entries()
        .iter()
        .filter_map(|pref| match &pref.value {
            Value::String(text) if pref.name != TOKEN_ORDER => Some((pref.name.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    let position: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .rev()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    tokens.sort_by_key(|(name, _)| position.get(name).copied().unwrap_or(usize::MAX));
    Ok(collect(tokens.into_iter().map(|(name, text)| {
        // The earliest versions kept each token as its otpauth URI (counter already the next one).
        if text.trim_start().starts_with("otpauth://") {
            return (name.to_owned(), crate::common::uri_account(text));
        }
        match serde_json::from_str::<Token>(text) {
            Ok(token) => (token.describe(name), token.account(None, Counter::StoredMinusOne)),
            Err(e) => (name.to_owned(), Err(Problem::from(crate::common::json_reason(&e)))),
        }
    })))
}

impl Format for FreeOtp {
    fn name(&self) -> &'static str {
        NAME_V1
    }

    fn description(&self) -> &'static str {
        "FreeOTP 1.x internal token store (tokens.xml)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        looks_like_tokens_xml(bytes) && !has_seven_digit_token(bytes)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        import_tokens_xml(NAME_V1, bytes)
    }
}

/// FreeOTP 2's `masterKey` entry.
#[derive(Deserialize)]
struct MasterKey {
    #[serde(rename = "mAlgorithm")]
    algorithm: String,
    #[serde(rename = "mEncryptedKey")]
    encrypted_key: SealedKey,
    #[serde(rename = "mIterations")]
    iterations: u32,
    #[serde(rename = "mSalt")]
    salt: Vec<i64>,
}

/// A key sealed with AES-GCM, as FreeOTP 2 writes it.
#[derive(Deserialize)]
struct SealedKey {
    #[serde(rename = "mCipher")]
    cipher: String,
    #[serde(rename = "mCipherText")]
    cipher_text: Vec<i64>,
    #[serde(rename = "mParameters")]
    parameters: Vec<i64>,
    #[serde(rename = "mToken")]
    token: String,
}

/// A token's key entry: the sealed key, itself as JSON text.
#[derive(Deserialize)]
struct KeyEntry {
    key: String,
}

impl SealedKey {
    /// Opens the key with `wrapping`; `Err` on an unsupported or damaged
    /// entry, `Ok(None)` when authentication fails.
    fn open(&self, wrapping: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
        if self.cipher != "AES/GCM/NoPadding" {
            return Err(format!("cipher {:?} is not AES/GCM/NoPadding", self.cipher));
        }
        let parameters = signed_bytes(&self.parameters)?;
        let nonce = gcm_nonce(&parameters)?;
        let sealed = signed_bytes(&self.cipher_text)?;
        Ok(aes_gcm_open(wrapping, &nonce, &sealed, self.token.as_bytes()))
    }
}

/// One DER element: its tag, its contents and what follows it.
fn der(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7F => (usize::from(first), rest),
        0x81 => {
            let (&len, rest) = rest.split_first()?;
            (usize::from(len), rest)
        }
        0x82 => {
            let len = rest.get(..2)?;
            (
                usize::from(u16::from_be_bytes([*len.first()?, *len.get(1)?])),
                rest.get(2..)?,
            )
        }
        _ => return None,
    };
    Some((tag, rest.get(..len)?, rest.get(len..)?))
}

/// The nonce of DER `GCMParameters` (`SEQUENCE { OCTET STRING nonce, INTEGER tagLength }`).
fn gcm_nonce(parameters: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "GCM parameters are not valid DER".to_owned();
    let (tag, contents, _) = der(parameters).ok_or_else(bad)?;
    let (nonce, tag_len) = match tag {
        0x04 => (contents, 16),
        0x30 => {
            let (tag, nonce, rest) = der(contents).ok_or_else(bad)?;
            if tag != 0x04 {
                return Err(bad());
            }
            // RFC 5084: the tag length defaults to 12 bytes when absent.
            let tag_len = match der(rest) {
                Some((0x02, value, _)) => value
                    .iter()
                    .fold(0u64, |n, &b| n.saturating_mul(256).saturating_add(u64::from(b))),
                Some(_) => return Err(bad()),
                None => 12,
            };
            (nonce, tag_len)
        }
        _ => return Err(bad()),
    };
    if tag_len != 16 {
        return Err(format!("a GCM tag of {tag_len} bytes is not supported"));
    }
    if nonce.len() != 12 {
        return Err(format!("a GCM nonce of {} bytes is not supported", nonce.len()));
    }
    Ok(nonce.to_vec())
}

/// A PBKDF2 variant: password, salt, rounds, length.
type Kdf = fn(&[u8], &[u8], u32, usize) -> Zeroizing<Vec<u8>>;

/// The key derivation the master key names, if supported.
fn kdf(master: &MasterKey) -> Result<Kdf, ImportError> {
    let unsupported = |reason: String| ImportError::Unsupported {
        format: NAME_V2,
        reason,
    };
    if master.iterations == 0 || master.iterations > MAX_ITERATIONS {
        return Err(unsupported(format!("{} PBKDF2 iterations", master.iterations)));
    }
    match master.algorithm.to_ascii_uppercase().as_str() {
        "PBKDF2WITHHMACSHA1" => Ok(pbkdf2_sha1),
        "PBKDF2WITHHMACSHA256" => Ok(pbkdf2_sha256),
        "PBKDF2WITHHMACSHA512" => Ok(pbkdf2_sha512),
        _ => Err(unsupported(format!("key derivation {:?}", master.algorithm))),
    }
}

/// One token of a FreeOTP 2 backup: its key entry and its details.
fn v2_account(master_key: &[u8], key_entry: &str, details: Option<&str>) -> Result<Account, Problem> {
    let details = details.ok_or("the token's details are missing")?;
    let mut token: Token =
        serde_json::from_str(details).map_err(|e| format!("token: {}", crate::common::json_reason(&e)))?;
    let entry: KeyEntry =
        serde_json::from_str(key_entry).map_err(|e| format!("key: {}", crate::common::json_reason(&e)))?;
    let sealed: SealedKey =
        serde_json::from_str(&entry.key).map_err(|e| format!("key: {}", crate::common::json_reason(&e)))?;
    // A token without `algo` uses its key's algorithm, which the key's `mToken` names (`HmacSHA1`).
    if token.algo.is_none() {
        token.algo = sealed.token.strip_prefix("Hmac").map(str::to_owned);
    }
    let secret = sealed
        .open(master_key)?
        .ok_or("the key does not open with the master key")?;
    token.account(Some(&secret), Counter::Next)
}

impl Format for FreeOtp2 {
    fn name(&self) -> &'static str {
        NAME_V2
    }

    fn description(&self) -> &'static str {
        "FreeOTP 2.x encrypted backup (externalBackup.xml: Java-serialised, PBKDF2 + AES-GCM)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(&java::MAGIC)
            && crate::common::contains_early(bytes, b"java.util.HashMap", 64)
            && prefs::contains(bytes, b"masterKey")
            && prefs::contains(bytes, b"mEncryptedKey")
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let map = java::read_string_map(bytes).map_err(|e| malformed(NAME_V2, e))?;
        let master_text = map
            .iter()
            .find_map(|(k, v)| (k == "masterKey").then_some(v.as_str()))
            .ok_or_else(|| malformed(NAME_V2, "no masterKey entry"))?;
        let master: MasterKey = serde_json::from_str(master_text)
            .map_err(|e| malformed(NAME_V2, format!("masterKey: {}", crate::common::json_reason(&e))))?;
        // Refuse what cannot be read before asking for a password.
        let unsupported = |reason: String| ImportError::Unsupported {
            format: NAME_V2,
            reason,
        };
        if master.encrypted_key.cipher != "AES/GCM/NoPadding" {
            return Err(unsupported(format!(
                "master key cipher {:?}",
                master.encrypted_key.cipher
            )));
        }
        let parameters = signed_bytes(&master.encrypted_key.parameters)
            .map_err(|e| malformed(NAME_V2, format!("mParameters: {e}")))?;
        gcm_nonce(&parameters).map_err(unsupported)?;
        let kdf = kdf(&master)?;
        let salt = signed_bytes(&master.salt).map_err(|e| malformed(NAME_V2, format!("mSalt: {e}")))?;

        let password = password.ok_or(ImportError::PasswordRequired { format: NAME_V2 })?;
        let wrapping = kdf(password.as_bytes(), &salt, master.iterations, 32);
        let master_key = master
            .encrypted_key
            .open(&wrapping)
            .map_err(|e| malformed(NAME_V2, e))?
            .ok_or(ImportError::WrongPassword { format: NAME_V2 })?;
        if master_key.len() != 32 {
            return Err(malformed(
                NAME_V2,
                format!("a master key of {} bytes", master_key.len()),
            ));
        }

        let by_key: HashMap<&str, &str> = map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let details = |key: &str| by_key.get(format!("{key}-token").as_str()).copied();
        let entries = map.iter().filter(|(key, value)| {
            // Token keys are the entries with a `-token` partner, or whose JSON has a `key`.
            key != "masterKey"
                && !key.ends_with("-token")
                && (details(key).is_some() || serde_json::from_str::<KeyEntry>(value).is_ok())
        });
        Ok(collect(entries.map(|(key, value)| {
            let detail = details(key);
            let name = detail
                .and_then(|d| serde_json::from_str::<Token>(d).ok())
                .map_or_else(|| key.clone(), |token| token.describe(key));
            (name, v2_account(&master_key, value, detail))
        })))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A FreeOTP 2 master key naming `algorithm` and `iterations` (the sealed key is not opened).
    fn master(algorithm: &str, iterations: u32) -> MasterKey {
        serde_json::from_value(serde_json::json!({
            "mAlgorithm": algorithm,
            "mEncryptedKey": {"mCipher": "AES/GCM/NoPadding", "mCipherText": [], "mParameters": [], "mToken": "AES"},
            "mIterations": iterations,
            "mSalt": [],
        }))
        .unwrap()
    }

    #[test]
    fn each_pbkdf2_hash_derives_as_its_name_says_and_iterations_are_bounded() {
        let derived = |algorithm: &str| kdf(&master(algorithm, 1)).map(|kdf| kdf(b"pw", b"salt", 1, 32));
        assert_eq!(
            derived("PBKDF2withHmacSHA1").unwrap(),
            pbkdf2_sha1(b"pw", b"salt", 1, 32)
        );
        assert_eq!(
            derived("PBKDF2withHmacSHA256").unwrap(),
            pbkdf2_sha256(b"pw", b"salt", 1, 32)
        );
        assert_eq!(
            derived("PBKDF2withHmacSHA512").unwrap(),
            pbkdf2_sha512(b"pw", b"salt", 1, 32)
        );
        assert!(matches!(derived("scrypt"), Err(ImportError::Unsupported { .. })));
        // At most MAX_ITERATIONS, and at least one; kdf only picks the function, so the cap costs nothing.
        assert!(kdf(&master("PBKDF2withHmacSHA1", MAX_ITERATIONS)).is_ok());
        for iterations in [0, MAX_ITERATIONS + 1] {
            assert!(
                matches!(
                    kdf(&master("PBKDF2withHmacSHA1", iterations)),
                    Err(ImportError::Unsupported { .. })
                ),
                "{iterations}"
            );
        }
    }
}
