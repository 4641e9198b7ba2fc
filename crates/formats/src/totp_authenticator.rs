//! TOTP Authenticator by Binary Boy (`com.authenticator.authservice2`).
//!
//! Its backup (`.bin`) is base64 text of AES-256-CBC (zero IV, PKCS#7)
//! under SHA-256 of the password; backups made without a password use the
//! app's built-in password `TotpAuthenticator`, which the importer tries by
//! itself. The plaintext is a JSON object whose first key is the account
//! list, itself JSON text, and whose value is a timestamp.
//!
//! Its internal preferences (`shared_prefs/TOTP_Authenticator_Preferences.xml`,
//! root needed) hold the same list in the string `STATIC_TOTP_CODES_LIST`.
//! Each account has `key` in base 16, 32 or 64 (`base`), `issuer`, `name`,
//! and `digits` and `period` as text; the app has no HOTP and no algorithm
//! other than SHA-1.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{Entry, Problem, SecretField, collect, hex, label, malformed};
use crate::crypto::{aes_cbc_decrypt, sha256};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::prefs;

/// TOTP Authenticator encrypted backup.
pub(crate) struct TotpAuthenticator;

/// TOTP Authenticator internal preferences.
pub(crate) struct TotpAuthenticatorInternal;

const NAME: &str = "totp-authenticator";
const NAME_INTERNAL: &str = "totp-authenticator-internal";
/// The preference holding the account list.
const LIST_KEY: &str = "STATIC_TOTP_CODES_LIST";
/// The password of backups made without one.
const BUILT_IN_PASSWORD: &str = "TotpAuthenticator";

/// A number the app may write as a number or as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Number(i64),
    Text(String),
}

/// Reads an optional [`Loose`] number; blank text counts as absent.
fn loose<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<Loose>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Loose::Number(n)) => Ok(Some(n)),
        Some(Loose::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Loose::Text(text)) => text.trim().parse().map(Some).map_err(de::Error::custom),
    }
}

/// One account of the list.
#[derive(Deserialize)]
struct Item {
    #[serde(default, deserialize_with = "loose")]
    base: Option<i64>,
    key: Zeroizing<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "loose")]
    digits: Option<i64>,
    #[serde(default, deserialize_with = "loose")]
    period: Option<i64>,
}

impl Item {
    /// The account; the key is decoded by its `base`.
    fn account(&self) -> Result<Account, Problem> {
        let key = self.key.trim();
        let bytes = match self.base.unwrap_or(16) {
            16 => Zeroizing::new(hex(key).ok_or("key is not hex")?),
            32 => {
                return self.entry(SecretField::Base32(key)).account();
            }
            64 => Zeroizing::new(
                STANDARD
                    .decode(key)
                    .or_else(|_| STANDARD_NO_PAD.decode(key.trim_end_matches('=')))
                    .map_err(|e| format!("key: {e}"))?,
            ),
            other => return Err(format!("keys in base {other} are not supported").into()),
        };
        self.entry(SecretField::Bytes(&bytes)).account()
    }

    /// The common fields with this secret.
    fn entry<'a>(&'a self, secret: SecretField<'a>) -> Entry<'a> {
        Entry {
            issuer: self.issuer.as_deref().unwrap_or(""),
            name: self.name.as_deref().unwrap_or(""),
            secret,
            digits: self.digits,
            period: self.period,
            ..Entry::default()
        }
    }
}

/// Reads the account list (JSON text), each account on its own.
fn import_list(format: &'static str, list: &str) -> Result<Imported, ImportError> {
    let raws: Vec<&RawValue> = crate::common::json(format, list.as_bytes())?;
    Ok(collect(raws.iter().enumerate().map(
        |(index, raw)| match serde_json::from_str::<Item>(raw.get()) {
            Ok(item) => {
                let issuer = item.issuer.as_deref().unwrap_or("");
                let name = item.name.as_deref().unwrap_or("");
                (label(issuer, name, index), item.account())
            }
            Err(e) => (
                format!("entry {}", index + 1),
                Err(Problem::from(crate::common::json_reason(&e))),
            ),
        },
    )))
}

/// The keys of a JSON object, in a buffer that is wiped (the list is a key).
struct Keys(Vec<Zeroizing<String>>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Collects an object's keys, skipping the values.
        struct KeysVisitor;

        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<Zeroizing<String>>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }

        deserializer.deserialize_map(KeysVisitor)
    }
}

/// Decrypts the backup with `password`; `None` when it does not open.
fn open(sealed: &[u8], password: &str) -> Option<Zeroizing<Vec<u8>>> {
    let key = sha256(password.as_bytes());
    let plain = aes_cbc_decrypt(&key, &[0; 16], sealed)?;
    // A wrong key that leaves valid padding by chance still does not give a JSON object.
    (plain.first() == Some(&b'{')).then_some(plain)
}

/// The base64 text without white space, or `None` if other bytes are present.
fn base64_text(bytes: &[u8]) -> Option<Vec<u8>> {
    let text: Vec<u8> = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let valid = text
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    let padding = text.iter().rev().take_while(|b| **b == b'=').count();
    let inner_padding = text.iter().filter(|b| **b == b'=').count() != padding;
    (valid && padding <= 2 && !inner_padding).then_some(text)
}

impl Format for TotpAuthenticator {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "TOTP Authenticator (Binary Boy) encrypted backup"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        // Only base64 of whole AES blocks: nothing else is visible without the key.
        let mut len = 0usize;
        let mut padding = 0usize;
        for &byte in bytes {
            match byte {
                b'=' => padding += 1,
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
                _ if byte.is_ascii_whitespace() => continue,
                _ => return false,
            }
            len += 1;
        }
        let decoded = (len / 4 * 3).saturating_sub(padding);
        padding <= 2 && len.is_multiple_of(4) && decoded >= 32 && decoded.is_multiple_of(16)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let text = base64_text(bytes).ok_or_else(|| malformed(NAME, "not base64 text"))?;
        let sealed = STANDARD
            .decode(&text)
            .map_err(|e| malformed(NAME, format!("base64: {e}")))?;
        if sealed.is_empty() || !sealed.len().is_multiple_of(16) {
            return Err(malformed(NAME, "not whole AES blocks"));
        }
        // The user's password first, then the built-in one of password-less backups.
        let plain = match password {
            None => open(&sealed, BUILT_IN_PASSWORD).ok_or(ImportError::PasswordRequired { format: NAME })?,
            Some(password) => open(&sealed, password)
                .or_else(|| open(&sealed, BUILT_IN_PASSWORD))
                .ok_or(ImportError::WrongPassword { format: NAME })?,
        };
        let keys: Keys = crate::common::json(NAME, &plain)?;
        let list = keys
            .0
            .iter()
            .find(|key| key.trim_start().starts_with('['))
            .ok_or_else(|| malformed(NAME, "no account list in the backup"))?;
        import_list(NAME, list)
    }
}

impl Format for TotpAuthenticatorInternal {
    fn name(&self) -> &'static str {
        NAME_INTERNAL
    }

    fn description(&self) -> &'static str {
        "TOTP Authenticator internal preferences (shared_prefs XML)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        prefs::looks_like(bytes) && prefs::contains(bytes, format!("name=\"{LIST_KEY}\"").as_bytes())
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let prefs = prefs::parse(bytes).map_err(|e| malformed(NAME_INTERNAL, e))?;
        let list = prefs
            .string(LIST_KEY)
            .ok_or_else(|| malformed(NAME_INTERNAL, format!("no {LIST_KEY} entry")))?;
        import_list(NAME_INTERNAL, list)
    }
}
