//! Pieces every importer needs: one way from a format's fields to an
//! [`Account`], JSON parsing with the format's name in the error, hex.

use std::num::NonZeroU32;

use serde::de::DeserializeOwned;
use twofold_otp::{Account, Algorithm, Kind, Secret};

use crate::error::ImportError;
use crate::format::{EntryFailure, Imported};

/// The secret as a format stores it.
pub(crate) enum SecretField<'a> {
    /// Base32 text (lenient: case, spaces, padding).
    Base32(&'a str),
    /// Raw key bytes.
    Bytes(&'a [u8]),
}

/// The fields of one entry, as most formats have them.
pub(crate) struct Entry<'a> {
    /// `totp`, `hotp` or `steam` in any case; `None` is TOTP.
    pub(crate) kind: Option<&'a str>,
    pub(crate) issuer: &'a str,
    pub(crate) name: &'a str,
    pub(crate) secret: SecretField<'a>,
    /// `SHA1`, `sha256`, `HmacSHA512`...; `None` is SHA-1.
    pub(crate) algorithm: Option<&'a str>,
    /// `None` is 6 (5 for Steam).
    pub(crate) digits: Option<i64>,
    /// `None` is 30.
    pub(crate) period: Option<i64>,
    /// `None` is 0.
    pub(crate) counter: Option<i64>,
}

impl Default for Entry<'_> {
    fn default() -> Self {
        Self {
            kind: None,
            issuer: "",
            name: "",
            secret: SecretField::Bytes(&[]),
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
        }
    }
}

impl Entry<'_> {
    /// The account, or why these fields do not make one.
    pub(crate) fn account(&self) -> Result<Account, String> {
        let secret = match self.secret {
            SecretField::Base32(text) => Secret::from_base32(text).map_err(|e| format!("secret: {e}"))?,
            SecretField::Bytes(bytes) => Secret::from_bytes(bytes).map_err(|e| format!("secret: {e}"))?,
        };
        let kind_name = self.kind.unwrap_or("totp").trim().to_ascii_lowercase();
        let kind = match kind_name.as_str() {
            "totp" | "" => {
                let period = self.period.unwrap_or(30);
                let period = u32::try_from(period)
                    .ok()
                    .and_then(NonZeroU32::new)
                    .ok_or_else(|| format!("period: {period} is not a whole number of seconds >= 1"))?;
                Kind::Totp { period }
            }
            "hotp" => {
                let counter = self.counter.unwrap_or(0);
                Kind::Hotp {
                    counter: u64::try_from(counter).map_err(|_| format!("counter: {counter} is negative"))?,
                }
            }
            "steam" => Kind::Steam,
            other => return Err(format!("type: {other:?} is not totp, hotp or steam")),
        };
        let algorithm: Algorithm = match self.algorithm.map(str::trim) {
            None | Some("") => Algorithm::Sha1,
            Some(name) => name.parse().map_err(|e| format!("{e}"))?,
        };
        let account = Account::new(self.issuer.trim(), self.name.trim(), secret, kind).with_algorithm(algorithm);
        if kind == Kind::Steam {
            return Ok(account);
        }
        let digits = self.digits.unwrap_or(6);
        let digits = u8::try_from(digits).map_err(|_| format!("digits: {digits} is not from 5 to 10"))?;
        account.with_digits(digits).map_err(|e| format!("{e}"))
    }
}

/// Collects entries into accounts and failures, naming each failure.
pub(crate) fn collect<I>(entries: I) -> Imported
where
    I: IntoIterator<Item = (String, Result<Account, String>)>,
{
    let mut imported = Imported::default();
    for (label, result) in entries {
        match result {
            Ok(account) => imported.accounts.push(account),
            Err(reason) => imported.failures.push(EntryFailure { entry: label, reason }),
        }
    }
    imported
}

/// `issuer: name`, or whichever is present, or `entry N`.
pub(crate) fn label(issuer: &str, name: &str, index: usize) -> String {
    match (issuer.trim(), name.trim()) {
        ("", "") => format!("entry {}", index + 1),
        (issuer, "") => issuer.to_owned(),
        ("", name) => name.to_owned(),
        (issuer, name) => format!("{issuer}: {name}"),
    }
}

/// The error for bytes that are not what `format` says.
pub(crate) fn malformed(format: &'static str, reason: impl Into<String>) -> ImportError {
    ImportError::Malformed {
        format,
        reason: reason.into(),
    }
}

/// Parses JSON, naming the format in the error.
pub(crate) fn json<T: DeserializeOwned>(format: &'static str, bytes: &[u8]) -> Result<T, ImportError> {
    serde_json::from_slice(bytes).map_err(|e| malformed(format, format!("JSON: {e}")))
}

/// Lowercase or uppercase hex to bytes; `None` on odd length or a non-hex digit.
pub(crate) fn hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// Bytes as lowercase hex.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `bytes`, less leading white space, start with `prefix`.
pub(crate) fn starts_with_trimmed(bytes: &[u8], prefix: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).is_some_and(|rest| rest.starts_with(prefix))
}

/// Whether the text contains `needle` within its first `window` bytes.
pub(crate) fn contains_early(bytes: &[u8], needle: &[u8], window: usize) -> bool {
    let end = bytes.len().min(window);
    bytes
        .get(..end)
        .is_some_and(|head| head.windows(needle.len()).any(|w| w == needle))
}

/// Sets `key` in a JSON object (does nothing to other values).
pub(crate) fn insert(object: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

/// The groups of `accounts`, each with a fresh UUID, for formats that store
/// groups in a list and point to them from accounts.
pub(crate) fn group_ids(accounts: &[twofold_otp::Account]) -> Vec<(String, &str)> {
    let mut names: Vec<&str> = accounts.iter().filter_map(|a| a.group.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| (uuid::Uuid::new_v4().hyphenated().to_string(), name))
        .collect()
}
