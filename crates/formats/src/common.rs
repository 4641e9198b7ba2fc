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
    pub(crate) fn account(&self) -> Result<Account, Problem> {
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
            other => return Err(kind_problem(other)),
        };
        let algorithm: Algorithm = match self.algorithm.map(str::trim) {
            None | Some("") => Algorithm::Sha1,
            Some(name) => name.parse().map_err(|e| algorithm_problem(name, e))?,
        };
        let account = Account::new(self.issuer.trim(), self.name.trim(), secret, kind).with_algorithm(algorithm);
        if kind == Kind::Steam {
            return Ok(account);
        }
        let digits = self.digits.unwrap_or(6);
        let digits = u8::try_from(digits).map_err(|_| format!("digits: {digits} is not from 5 to 10"))?;
        Ok(account.with_digits(digits).map_err(|e| format!("{e}"))?)
    }
}

/// The most entries a file is read with: no one keeps ten thousand
/// accounts, and a crafted file of millions of tiny entries would cost
/// gigabytes as parsed values.
pub(crate) const MAX_ENTRIES: usize = 10_000;

/// The lines of a text file that hold something (not blank, not a `#`
/// comment), trimmed, with their 0-based numbers: the URI-per-line formats'.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// The error for a file of more than [`MAX_ENTRIES`] entries.
pub(crate) fn too_many_entries(format: &'static str) -> ImportError {
    malformed(
        format,
        format!("{TOO_MANY}: more than {MAX_ENTRIES}, which no authenticator export holds"),
    )
}

/// A JSON array read element by element, refused (before the rest is
/// parsed) past [`MAX_ENTRIES`].
pub(crate) struct Bounded<T>(pub(crate) Vec<T>);

impl<T> Default for Bounded<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

/// The start of the error [`Bounded`] gives, which [`json_reason`] keeps.
const TOO_MANY: &str = "too many entries";

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Bounded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Elements<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Elements<T> {
            type Value = Bounded<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an array of at most {MAX_ENTRIES} entries")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX_ENTRIES {
                        return Err(serde::de::Error::custom(format!(
                            "{TOO_MANY}: more than {MAX_ENTRIES}, which no authenticator export holds"
                        )));
                    }
                    items.push(item);
                }
                Ok(Bounded(items))
            }
        }
        deserializer.deserialize_seq(Elements(std::marker::PhantomData))
    }
}

/// Why one entry of a file did not become an account.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Fields that are damaged or do not make an account: a failure.
    Invalid(String),
    /// A well-formed entry of a kind Twofold makes no codes for (mOTP,
    /// Yandex, SHA-384): left out with a note, not a failure.
    Unsupported(String),
}

impl From<String> for Problem {
    fn from(reason: String) -> Self {
        Problem::Invalid(reason)
    }
}

impl From<&str> for Problem {
    fn from(reason: &str) -> Self {
        Problem::Invalid(reason.to_owned())
    }
}

/// Code types other apps have and Twofold does not.
const UNSUPPORTED_KINDS: [&str; 5] = ["motp", "yandex", "yaotp", "push", "battlenet"];
/// Hashes other apps accept and no OTP standard names.
const UNSUPPORTED_ALGORITHMS: [&str; 7] = ["md5", "sha224", "sha384", "sha3224", "sha3256", "sha3384", "sha3512"];

/// Whether a type or algorithm name is exactly one of another app's that
/// Twofold knows of and does not support (any other unknown name is a
/// damaged field, a failure). Case, `-`, `_` and an `Hmac` prefix aside.
fn known_unsupported(value: &str, known: &[&str]) -> bool {
    let value = value
        .trim()
        .trim_matches('"')
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .collect::<String>()
        .to_ascii_lowercase();
    let value = value.strip_prefix("hmac").unwrap_or(&value);
    known.contains(&value)
}

/// The problem for a type name that is not totp, hotp or steam.
pub(crate) fn kind_problem(kind: &str) -> Problem {
    let reason = format!("type: {:?} is not totp, hotp or steam", kind.trim());
    if known_unsupported(kind, &UNSUPPORTED_KINDS) {
        Problem::Unsupported(format!("{} codes are not supported by Twofold", kind.trim()))
    } else {
        Problem::Invalid(reason)
    }
}

/// The problem for an algorithm name that is not SHA-1, SHA-256 or SHA-512.
pub(crate) fn algorithm_problem(algorithm: &str, error: impl std::fmt::Display) -> Problem {
    if known_unsupported(algorithm, &UNSUPPORTED_ALGORITHMS) {
        Problem::Unsupported(format!(
            "{} codes are not supported by Twofold (SHA-1, SHA-256 and SHA-512 are)",
            algorithm.trim()
        ))
    } else {
        Problem::Invalid(error.to_string())
    }
}

/// An `otpauth://` or `steam://` URI into an account; a type or algorithm
/// Twofold does not support is [`Problem::Unsupported`].
pub(crate) fn uri_account(uri: &str) -> Result<Account, Problem> {
    uri.trim().parse::<Account>().map_err(|error| match &error {
        twofold_otp::UriError::Type { found } if known_unsupported(found, &UNSUPPORTED_KINDS) => {
            kind_problem(found.trim_matches('"'))
        }
        twofold_otp::UriError::Algorithm { value } if known_unsupported(value, &UNSUPPORTED_ALGORITHMS) => {
            algorithm_problem(value.trim_matches('"'), &error)
        }
        _ => Problem::Invalid(error.to_string()),
    })
}

/// The issuer and name in an otpauth URI's label (`otpauth://totp/Issuer:name?...`),
/// percent-decoded and trimmed; empty where the label has none. Reads the
/// label only, so a link without a usable secret still names its account.
pub(crate) fn uri_label(uri: &str) -> (String, String) {
    let path = uri
        .trim()
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, path)| path.split(['?', '#']).next().unwrap_or_default())
        .unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    match decoded.split_once(':') {
        Some((issuer, name)) => (issuer.trim().to_owned(), name.trim().to_owned()),
        None => (String::new(), decoded.trim().to_owned()),
    }
}

/// Collects entries into accounts, failures and entries left out, naming
/// each failure.
pub(crate) fn collect<I, E>(entries: I) -> Imported
where
    I: IntoIterator<Item = (String, Result<Account, E>)>,
    E: Into<Problem>,
{
    let mut imported = Imported::default();
    for (label, result) in entries {
        match result.map_err(Into::into) {
            Ok(account) => imported.accounts.push(account),
            Err(Problem::Invalid(reason)) => imported.failures.push(EntryFailure { entry: label, reason }),
            Err(Problem::Unsupported(reason)) => imported.left_out.push(EntryFailure { entry: label, reason }),
        }
    }
    imported
}

/// Gives `account` the file's own name for it when its URI had no account
/// name: every label a file holds ends up in issuer or name.
pub(crate) fn fill_name(account: &mut Account, name: &str) {
    let name = name.trim();
    if account.name.is_empty() && !name.is_empty() && name != account.issuer {
        account.name = name.to_owned();
    }
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

/// Parses JSON, naming the format in the error; refuses, before parsing,
/// text of more values than any export holds ([`within_json_budget`]).
pub(crate) fn json<'a, T: serde::Deserialize<'a>>(format: &'static str, bytes: &'a [u8]) -> Result<T, ImportError> {
    if !within_json_budget(bytes) {
        return Err(malformed(format, TOO_MANY_VALUES));
    }
    serde_json::from_slice(bytes).map_err(|e| json_error(format, &e))
}

/// The most JSON values (counted by the commas and brackets outside
/// strings) a file is parsed with: 10,000 accounts of a few dozen fields
/// each. A parsed value costs 32 bytes or more whatever its text, so a
/// file of millions of tiny values, nested or not, would cost gigabytes.
const MAX_JSON_VALUES: usize = 2_000_000;
const TOO_MANY_VALUES: &str = "too many values: more than 2,000,000, which no authenticator export holds";

/// Whether the JSON text has at most [`MAX_JSON_VALUES`] values.
pub(crate) fn within_json_budget(bytes: &[u8]) -> bool {
    let (mut values, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b',' | b'[' | b'{' => {
                values += 1;
                if values > MAX_JSON_VALUES {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// A parsed JSON value as `T`, naming the format in the error.
pub(crate) fn json_value<T: DeserializeOwned>(
    format: &'static str,
    value: serde_json::Value,
) -> Result<T, ImportError> {
    serde_json::from_value(value).map_err(|e| json_error(format, &e))
}

/// A JSON error in words that never quote the file: serde's own message
/// can hold the value it did not expect, which may be a secret. Field
/// names are kept (serde quotes them in backticks); values are not.
pub(crate) fn json_error(format: &'static str, error: &serde_json::Error) -> ImportError {
    malformed(format, json_reason(error))
}

/// What is wrong with some JSON, in words that quote no value.
pub(crate) fn json_reason(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let message = error.to_string();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("missing field") || message.starts_with("duplicate field"));
    if message.starts_with(TOO_MANY) {
        return message.split(" at line ").next().unwrap_or(TOO_MANY).to_owned();
    }
    let what = match (error.classify(), field) {
        (Category::Eof, _) => "the JSON ends early: the file is cut short".to_owned(),
        (Category::Syntax, _) => "the text is not valid JSON".to_owned(),
        (Category::Io, _) => "the JSON could not be read".to_owned(),
        (Category::Data, Some(field)) if message.starts_with("missing") => format!("the field `{field}` is missing"),
        (Category::Data, Some(field)) => format!("the field `{field}` is given twice"),
        (Category::Data, None) => "a field holds a value of the wrong type".to_owned(),
    };
    if error.line() == 0 {
        what
    } else {
        format!("{what} (line {}, column {})", error.line(), error.column())
    }
}

/// A string field that may be `null`, read as empty.
pub(crate) fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    use serde::Deserialize as _;
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
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
