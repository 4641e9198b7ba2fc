//! Bitwarden's exports: JSON (`items[].login.totp`), the same JSON
//! protected by a password, and CSV (the `login_totp` column). The TOTP
//! field holds an otpauth URI, a `steam://` URI, or a bare base32 key, for
//! which the item's name and user name stand in as issuer and account name.
//!
//! A password-protected export (`"passwordProtected": true`) holds the plain
//! JSON as an EncString `2.iv|ciphertext|mac`: AES-256-CBC and HMAC-SHA-256
//! over iv and ciphertext, under keys expanded (HKDF-Expand, "enc" and
//! "mac") from PBKDF2-SHA-256 of the password with the salt *text*, or from
//! Argon2id with the SHA-256 of that text as its salt. Read from
//! bitwarden/clients (the vault export service and the password-protected
//! importer) and the Bitwarden SDK's `derive_kdf_key` and `stretch_key`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{
    Bounded, Entry, MAX_ENTRIES, Problem, SecretField, collect, contains_early, fill_name, json as parse_json,
    malformed, starts_with_trimmed, too_many_entries, uri_account,
};
use crate::crypto::{aes_cbc_decrypt, argon2id, hmac_sha256, hmac_sha256_verify, pbkdf2_sha256, sha256};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// Bitwarden's JSON export.
pub(crate) struct BitwardenJson;
/// Bitwarden's CSV export.
pub(crate) struct BitwardenCsv;

const JSON_NAME: &str = "bitwarden-json";
const CSV_NAME: &str = "bitwarden-csv";

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    items: Bounded<Item>,
}

/// A password-protected export.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Protected {
    salt: String,
    kdf_type: i64,
    kdf_iterations: i64,
    #[serde(default)]
    kdf_memory: Option<i64>,
    #[serde(default)]
    kdf_parallelism: Option<i64>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    validation: String,
    data: String,
}

/// Bitwarden's own floors and the settings screen's ceilings; beyond them a
/// file asks for work (or memory) no Bitwarden account can have set.
const PBKDF2_ITERATIONS: std::ops::RangeInclusive<i64> = 5_000..=2_000_000;
const ARGON2_PASSES: std::ops::RangeInclusive<i64> = 2..=10;
const ARGON2_MIB: std::ops::RangeInclusive<i64> = 16..=1024;
const ARGON2_LANES: std::ops::RangeInclusive<i64> = 1..=16;

/// The encryption and MAC keys of a password-protected export.
struct Keys {
    enc: Zeroizing<Vec<u8>>,
    mac: Zeroizing<Vec<u8>>,
}

fn protected_keys(file: &Protected, password: &str) -> Result<Keys, ImportError> {
    let out_of_range = |what: &str, value: i64| {
        malformed(
            JSON_NAME,
            format!("the file asks for {what} {value}, outside what Bitwarden allows"),
        )
    };
    let salt = file.salt.as_bytes();
    let master = match file.kdf_type {
        0 => {
            let iterations = file.kdf_iterations;
            if !PBKDF2_ITERATIONS.contains(&iterations) {
                return Err(out_of_range("PBKDF2 iterations", iterations));
            }
            pbkdf2_sha256(password.as_bytes(), salt, u32::try_from(iterations).unwrap_or(0), 32)
        }
        1 => {
            let passes = file.kdf_iterations;
            let mib = file.kdf_memory.unwrap_or(0);
            let lanes = file.kdf_parallelism.unwrap_or(0);
            if !ARGON2_PASSES.contains(&passes) {
                return Err(out_of_range("Argon2 passes", passes));
            }
            if !ARGON2_MIB.contains(&mib) {
                return Err(out_of_range("Argon2 memory (MiB)", mib));
            }
            if !ARGON2_LANES.contains(&lanes) {
                return Err(out_of_range("Argon2 lanes", lanes));
            }
            let (passes, kib, lanes) = (
                u32::try_from(passes).unwrap_or(0),
                u32::try_from(mib * 1024).unwrap_or(0),
                u32::try_from(lanes).unwrap_or(0),
            );
            argon2id(password.as_bytes(), &sha256(salt), passes, kib, lanes, 32)
                .ok_or_else(|| malformed(JSON_NAME, "the Argon2id settings are not usable"))?
        }
        other => {
            return Err(ImportError::Unsupported {
                format: JSON_NAME,
                reason: format!("key derivation type {other} (Bitwarden has 0, PBKDF2, and 1, Argon2id)"),
            });
        }
    };
    // HKDF-Expand with one block: HMAC(PRK, info || 0x01).
    Ok(Keys {
        enc: hmac_sha256(&master, &[b"enc", &[1]]),
        mac: hmac_sha256(&master, &[b"mac", &[1]]),
    })
}

/// Opens an EncString of type 2; `None` when its MAC does not match.
fn open_enc_string(keys: &Keys, text: &str, what: &str) -> Result<Option<Zeroizing<Vec<u8>>>, ImportError> {
    let body = text.trim().strip_prefix("2.").ok_or_else(|| {
        malformed(
            JSON_NAME,
            format!("{what} is not a type-2 EncString (AES-256-CBC with HMAC-SHA-256)"),
        )
    })?;
    let mut parts = body.split('|').map(|part| BASE64.decode(part));
    let (Some(Ok(iv)), Some(Ok(ciphertext)), Some(Ok(tag)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            JSON_NAME,
            format!("{what} is not iv|ciphertext|mac in base64"),
        ));
    };
    if iv.len() != 16 || tag.len() != 32 || ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return Err(malformed(
            JSON_NAME,
            format!("{what} has the wrong lengths: the file is cut short or damaged"),
        ));
    }
    if !hmac_sha256_verify(&keys.mac, &[&iv, &ciphertext], &tag) {
        return Ok(None);
    }
    aes_cbc_decrypt(&keys.enc, &iv, &ciphertext)
        .map(Some)
        .ok_or_else(|| malformed(JSON_NAME, format!("{what} authenticates but does not decrypt")))
}

/// The plain export inside a password-protected one.
fn open_protected(file: &Protected, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let keys = protected_keys(file, password)?;
    // The validation string is checked first, as Bitwarden does: a MAC
    // failure there is a wrong password, one on the data a damaged file.
    if open_enc_string(&keys, &file.validation, "the key check")?.is_none() {
        return Err(ImportError::WrongPassword { format: JSON_NAME });
    }
    open_enc_string(&keys, &file.data, "the data")?
        .ok_or_else(|| malformed(JSON_NAME, "the data does not authenticate: the file is damaged"))
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    favorite: bool,
    #[serde(default)]
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    totp: Option<String>,
}

/// One item's TOTP field into an account. The item's name and user name
/// fill the labels a URI leaves empty; a `steam://` key has none of its
/// own, so they are its labels.
fn account(totp: &str, item_name: &str, username: &str) -> Result<Account, Problem> {
    let totp = totp.trim();
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if lower.starts_with("steam://") {
        let mut account = uri_account(totp)?;
        if !item_name.trim().is_empty() {
            item_name.trim().clone_into(&mut account.issuer);
        }
        fill_name(&mut account, username);
        return Ok(account);
    }
    if lower.starts_with("otpauth://") {
        let mut account = uri_account(totp)?;
        if account.issuer.is_empty() && item_name.trim() != account.name {
            item_name.trim().clone_into(&mut account.issuer);
        }
        fill_name(&mut account, username);
        return Ok(account);
    }
    Entry {
        issuer: item_name,
        name: username,
        secret: SecretField::Base32(totp),
        ..Entry::default()
    }
    .account()
}

impl Format for BitwardenJson {
    fn name(&self) -> &'static str {
        JSON_NAME
    }

    fn description(&self) -> &'static str {
        "Bitwarden JSON export, plain or password-protected (items with a TOTP)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"encrypted\"", 256)
            // Proton Pass's data.json says "encrypted" too, with its items in vaults.
            && !contains_early(bytes, b"\"vaults\"", 1024)
            && (contains_early(bytes, b"\"passwordProtected\"", 256) || contains_early(bytes, b"\"items\"", usize::MAX))
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let value: serde_json::Value = parse_json(JSON_NAME, bytes)?;
        let protected = value.get("passwordProtected").and_then(serde_json::Value::as_bool) == Some(true);
        let encrypted = value.get("encrypted").and_then(serde_json::Value::as_bool) == Some(true);
        let plain;
        let bytes = if protected {
            let file: Protected = serde_json::from_value(value).map_err(|e| {
                malformed(
                    JSON_NAME,
                    format!("password-protected export: {}", crate::common::json_reason(&e)),
                )
            })?;
            let password = password.ok_or(ImportError::PasswordRequired { format: JSON_NAME })?;
            plain = open_protected(&file, password)?;
            plain.as_slice()
        } else if encrypted && value.get("items").is_none() {
            return Err(ImportError::Unsupported {
                format: JSON_NAME,
                reason: "this export is locked to its Bitwarden account (\"account restricted\"); export again as \"password protected\", or as plain JSON or CSV".to_owned(),
            });
        } else {
            bytes
        };
        let export: Export = parse_json(JSON_NAME, bytes)?;
        if export.encrypted {
            return Err(ImportError::Unsupported {
                format: JSON_NAME,
                reason: "the items of this export are encrypted with its Bitwarden account's key; export again as \"password protected\", or as plain JSON or CSV".to_owned(),
            });
        }
        Ok(collect(export.items.0.iter().filter_map(|item| {
            let login = item.login.as_ref()?;
            let totp = login.totp.as_deref().filter(|t| !t.trim().is_empty())?;
            let result = account(totp, &item.name, login.username.as_deref().unwrap_or("")).map(|mut account| {
                account.favourite = item.favorite;
                account.note = item.notes.clone().unwrap_or_default();
                account
            });
            Some((item.name.clone(), result))
        })))
    }
}

impl Format for BitwardenCsv {
    fn name(&self) -> &'static str {
        CSV_NAME
    }

    fn description(&self) -> &'static str {
        "Bitwarden CSV export (login_totp column)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        first_line.windows(10).any(|w| w == b"login_totp") && first_line.windows(4).any(|w| w == b"name")
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| malformed(CSV_NAME, e.to_string()))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.trim() == name);
        let totp_column = column("login_totp").ok_or_else(|| malformed(CSV_NAME, "no login_totp column"))?;
        let (name_column, user_column, notes_column, favorite_column) = (
            column("name"),
            column("login_username"),
            column("notes"),
            column("favorite"),
        );
        let mut entries = Vec::new();
        for (index, record) in reader.records().enumerate() {
            if entries.len() == MAX_ENTRIES {
                return Err(too_many_entries(CSV_NAME));
            }
            let row = index + 2;
            let record = record.map_err(|e| malformed(CSV_NAME, format!("row {row}: {e}")))?;
            let field = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or("");
            if record.len() != headers.len() {
                // A row cut short (the file's end, or a stray line break) is
                // no login: never import what is left of it.
                let label = field(name_column);
                entries.push((
                    if label.is_empty() {
                        format!("row {row}")
                    } else {
                        label.to_owned()
                    },
                    Err(Problem::Invalid(format!(
                        "row {row} has {} fields where the header has {}: the file is cut short or damaged",
                        record.len(),
                        headers.len()
                    ))),
                ));
                continue;
            }
            let totp = field(Some(totp_column));
            if totp.trim().is_empty() {
                continue;
            }
            let item_name = field(name_column);
            let result = account(totp, item_name, field(user_column)).map(|mut account| {
                account.note = field(notes_column).to_owned();
                account.favourite = field(favorite_column) == "1";
                account
            });
            entries.push((item_name.to_owned(), result));
        }
        Ok(collect(entries))
    }
}
