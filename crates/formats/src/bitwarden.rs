//! Bitwarden's unencrypted exports: JSON (`items[].login.totp`) and CSV
//! (the `login_totp` column). The TOTP field holds an otpauth URI, a
//! `steam://` URI, or a bare base32 key, for which the item's name and
//! user name stand in as issuer and account name.

use serde::Deserialize;
use twofold_otp::Account;

use crate::common::{Entry, SecretField, collect, contains_early, json as parse_json, malformed, starts_with_trimmed};
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
    items: Vec<Item>,
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

/// One item's TOTP field into an account.
fn account(totp: &str, item_name: &str, username: &str) -> Result<Account, String> {
    let totp = totp.trim();
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
        return totp.parse::<Account>().map_err(|e| e.to_string());
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
        "Bitwarden unencrypted JSON export (items with a TOTP)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"encrypted\"", 256)
            && contains_early(bytes, b"\"items\"", usize::MAX)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let export: Export = parse_json(JSON_NAME, bytes)?;
        if export.encrypted {
            return Err(ImportError::Unsupported {
                format: JSON_NAME,
                reason: "encrypted Bitwarden exports are not read; export again as unencrypted JSON or CSV".to_owned(),
            });
        }
        Ok(collect(export.items.iter().filter_map(|item| {
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
            let record = record.map_err(|e| malformed(CSV_NAME, format!("row {}: {e}", index + 2)))?;
            let field = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or("");
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
