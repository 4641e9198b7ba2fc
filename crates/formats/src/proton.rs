//! Proton Authenticator's JSON export: `entries[].content.uri` holds an
//! otpauth URI, with a note beside it.

use serde::Deserialize;

use crate::common::{collect, contains_early, json as parse_json, starts_with_trimmed};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// Proton Authenticator's export.
pub(crate) struct Proton;

const NAME: &str = "proton";

#[derive(Deserialize)]
struct Export {
    version: i64,
    entries: Vec<ExportEntry>,
}

#[derive(Deserialize)]
struct ExportEntry {
    content: Content,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    uri: String,
    #[serde(default)]
    name: String,
}

impl Format for Proton {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Proton Authenticator JSON export"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"entries\"", 256)
            && contains_early(bytes, b"\"content\"", 1024)
            && contains_early(bytes, b"\"entry_type\"", 2048)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let export: Export = parse_json(NAME, bytes)?;
        if export.version != 1 {
            return Err(ImportError::Unsupported {
                format: NAME,
                reason: format!("version {}", export.version),
            });
        }
        Ok(collect(export.entries.iter().map(|entry| {
            let result = entry
                .content
                .uri
                .parse::<twofold_otp::Account>()
                .map_err(|e| e.to_string())
                .map(|mut account| {
                    account.note = entry.note.clone().unwrap_or_default();
                    account
                });
            (entry.content.name.clone(), result)
        })))
    }
}
