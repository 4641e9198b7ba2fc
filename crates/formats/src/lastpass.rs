//! LastPass Authenticator's JSON export (Settings, Transfer accounts,
//! Export accounts to file): `accounts[]` with `issuerName`, `userName`,
//! a base32 `secret`, `algorithm`, `digits`, `timeStep`, and `folders[]`.
//! TOTP only. Read from the shapes of real exports in Proton
//! Authenticator's test data and the importers of Proton, Bitwarden
//! Authenticator, 2FAS and Ente.

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::common::{
    Bounded, Entry, Problem, SecretField, collect, contains_early, json as parse_json, label, starts_with_trimmed,
};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// LastPass Authenticator's export.
pub(crate) struct LastPass;

const NAME: &str = "lastpass";
/// The folders every LastPass file has: "Other accounts" and "Favorites".
const BUILT_IN_FOLDERS: [i64; 2] = [0, 1];

#[derive(Deserialize)]
struct Export {
    accounts: Bounded<LastPassAccount>,
    #[serde(default)]
    folders: Bounded<Folder>,
}

#[derive(Deserialize)]
struct Folder {
    id: i64,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LastPassAccount {
    #[serde(default)]
    issuer_name: String,
    #[serde(default)]
    original_issuer_name: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    original_user_name: String,
    #[serde(default)]
    secret: Zeroizing<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default)]
    time_step: Option<i64>,
    #[serde(default)]
    is_favorite: bool,
    #[serde(default)]
    folder_data: Option<FolderData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FolderData {
    // A number in real files; some writers quote it.
    #[serde(default)]
    folder_id: serde_json::Value,
}

/// What the user sees first, else what was scanned.
fn shown<'a>(edited: &'a str, original: &'a str) -> &'a str {
    if edited.trim().is_empty() { original } else { edited }
}

impl Format for LastPass {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "LastPass Authenticator JSON export"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"accounts\"", 1024)
            && contains_early(bytes, b"\"issuerName\"", 4096)
            && contains_early(bytes, b"\"timeStep\"", 4096)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let export: Export = parse_json(NAME, bytes)?;
        let folders: std::collections::HashMap<i64, &str> = export
            .folders
            .0
            .iter()
            .map(|f| (f.id, f.name.trim()))
            .filter(|(_, name)| !name.is_empty())
            .collect();
        let folder = |data: &Option<FolderData>| {
            let id = data.as_ref().and_then(|d| match &d.folder_id {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })?;
            if BUILT_IN_FOLDERS.contains(&id) {
                return None;
            }
            folders.get(&id).map(|name| (*name).to_owned())
        };
        Ok(collect(export.accounts.0.iter().enumerate().map(|(index, entry)| {
            let issuer = shown(&entry.issuer_name, &entry.original_issuer_name);
            let name = shown(&entry.user_name, &entry.original_user_name);
            if entry.secret.trim().is_empty() {
                // LastPass's own push-login accounts carry no key.
                let reason = "no key: a LastPass push-login account, which only LastPass answers";
                return (label(issuer, name, index), Err(Problem::Unsupported(reason.to_owned())));
            }
            let result = Entry {
                issuer,
                name,
                secret: SecretField::Base32(&entry.secret),
                algorithm: entry.algorithm.as_deref(),
                digits: entry.digits,
                period: entry.time_step,
                ..Entry::default()
            }
            .account()
            .map(|mut account| {
                account.favourite = entry.is_favorite;
                account.group = folder(&entry.folder_data);
                account
            });
            (label(issuer, name, index), result)
        })))
    }
}
