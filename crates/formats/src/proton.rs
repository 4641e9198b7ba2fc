//! Proton Authenticator's JSON export: `entries[].content.uri` holds an
//! otpauth URI (or `steam://` and the key in standard base64), with the
//! entry's name and a note beside it. The password-protected export is
//! `{version, salt, content}`: the plain export sealed with AES-256-GCM
//! (nonce first, associated data `proton.authenticator.export.v1`) under
//! Argon2id (19 MiB, 2 passes, 1 lane: fixed, not stored) of the password.
//! Read from protonpass/proton-pass-common (`proton-authenticator`:
//! `exporter.rs`, `password_exporter.rs`, `crypto.rs`, `steam`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{
    Bounded, Entry, Problem, SecretField, collect, contains_early, fill_name, json as parse_json, label, malformed,
    starts_with_trimmed, uri_account,
};
use crate::crypto::{aes_gcm_first_block, aes_gcm_open, argon2id, starts_like_json};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// Proton Authenticator's export.
pub(crate) struct Proton;

const NAME: &str = "proton";
const AAD: &[u8] = b"proton.authenticator.export.v1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

#[derive(Deserialize)]
struct Export {
    version: i64,
    entries: Bounded<ExportEntry>,
}

#[derive(Deserialize)]
struct Sealed {
    version: i64,
    salt: String,
    content: String,
}

#[derive(Deserialize)]
struct ExportEntry {
    content: Content,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    uri: Zeroizing<String>,
    #[serde(default)]
    name: Option<String>,
}

fn check_version(version: i64) -> Result<(), ImportError> {
    if version == 1 {
        return Ok(());
    }
    Err(ImportError::Unsupported {
        format: NAME,
        reason: format!("version {version} (Twofold reads version 1)"),
    })
}

/// The plain export inside a password-protected one.
fn open(sealed: &Sealed, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    check_version(sealed.version)?;
    let decode = |what: &str, text: &str| {
        BASE64
            .decode(text.trim())
            .map_err(|e| malformed(NAME, format!("{what} is not base64: {e}")))
    };
    let salt = decode("salt", &sealed.salt)?;
    if salt.len() != SALT_LEN {
        return Err(malformed(
            NAME,
            format!("the salt is {} bytes, not {SALT_LEN}", salt.len()),
        ));
    }
    let content = decode("content", &sealed.content)?;
    let (nonce, ciphertext) = content
        .split_at_checked(NONCE_LEN)
        .filter(|(_, ciphertext)| ciphertext.len() >= TAG_LEN)
        .ok_or_else(|| {
            malformed(
                NAME,
                "the content is shorter than a nonce and a tag: the file is cut short",
            )
        })?;
    let key = argon2id(password.as_bytes(), &salt, 2, 19 * 1024, 1, 32)
        .ok_or_else(|| malformed(NAME, "the key derivation failed"))?;
    aes_gcm_open(&key, nonce, ciphertext, AAD).ok_or_else(|| {
        // The right key makes the first block the start of the plain export.
        if aes_gcm_first_block(&key, nonce, ciphertext).is_some_and(|head| starts_like_json(head.as_slice(), b'{')) {
            malformed(
                NAME,
                "the password is right, but the file is cut short or damaged; export again",
            )
        } else {
            ImportError::WrongPassword { format: NAME }
        }
    })
}

/// One entry into an account. Steam keys are standard base64, not base32;
/// the entry's name stands in where the URI has no label.
fn account(content: &Content) -> Result<Account, Problem> {
    let uri = content.uri.trim();
    let name = content.name.as_deref().unwrap_or_default();
    let head = uri.get(..8).unwrap_or_default();
    if head.eq_ignore_ascii_case("steam://") {
        let encoded = uri.get(8..).unwrap_or_default();
        if let Ok(key) = BASE64.decode(encoded).map(Zeroizing::new) {
            return Entry {
                kind: Some("steam"),
                issuer: "Steam",
                name,
                secret: SecretField::Bytes(&key),
                ..Entry::default()
            }
            .account();
        }
    }
    let mut account = uri_account(uri)?;
    fill_name(&mut account, name);
    Ok(account)
}

impl Format for Proton {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Proton Authenticator JSON export, plain or password-protected"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let plain = contains_early(bytes, b"\"entries\"", 256)
            && contains_early(bytes, b"\"content\"", 1024)
            && contains_early(bytes, b"\"entry_type\"", 2048);
        // The app itself tells a protected file by a salt and no entries.
        let sealed = contains_early(bytes, b"\"salt\"", 256)
            && contains_early(bytes, b"\"content\"", 256)
            && contains_early(bytes, b"\"version\"", 256)
            && !contains_early(bytes, b"\"entries\"", usize::MAX);
        starts_with_trimmed(bytes, b"{") && (plain || sealed)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let value: serde_json::Value = parse_json(NAME, bytes)?;
        let plain;
        let bytes = if value.get("entries").is_none() && value.get("salt").is_some() {
            let sealed: Sealed = serde_json::from_value(value)
                .map_err(|e| malformed(NAME, format!("protected export: {}", crate::common::json_reason(&e))))?;
            let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
            plain = open(&sealed, password)?;
            plain.as_slice()
        } else {
            bytes
        };
        let export: Export = parse_json(NAME, bytes)?;
        check_version(export.version)?;
        Ok(collect(export.entries.0.iter().enumerate().map(|(index, entry)| {
            let result = account(&entry.content).map(|mut account| {
                account.note = entry.note.clone().unwrap_or_default();
                account
            });
            let name = entry.content.name.as_deref().unwrap_or_default();
            (label("", name, index), result)
        })))
    }
}
