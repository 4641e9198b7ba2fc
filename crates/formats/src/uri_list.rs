//! A text file of `otpauth://` URIs, one per line: what Google-compatible
//! apps, WinAuth and Ente Auth export. Ente adds a `codeDisplay` parameter
//! (JSON) with its pinned flag and tags, which become favourite and tags.

use twofold_otp::Account;

use crate::common::{MAX_ENTRIES, Problem, collect, content_lines, malformed, too_many_entries, uri_account};
use crate::error::{ExportError, ImportError};
use crate::format::{EntryFailure, ExportOptions, Format, Imported, OutputFile};

/// otpauth:// URIs, one per line.
pub(crate) struct UriList;

const NAME: &str = "uri-list";

/// Ente's `codeDisplay={"pinned":..,"tags":[..],..}`, if the URI has one.
/// Ente writes query values form-encoded: a space is `+`.
fn ente_display(uri: &str) -> Option<serde_json::Value> {
    let query = uri.split_once('?')?.1;
    let value = query.split('&').find_map(|pair| pair.strip_prefix("codeDisplay="))?;
    let value = value.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&value).decode_utf8().ok()?;
    serde_json::from_str(&decoded).ok()
}

/// A line as one of Ente's backup builds wrote it, a JSON string
/// (`"otpauth://..."`), unquoted; any other line as it is.
fn unquoted(line: &str) -> std::borrow::Cow<'_, str> {
    if line.len() >= 2
        && line.starts_with('"')
        && line.ends_with('"')
        && let Ok(text) = serde_json::from_str::<String>(line)
    {
        return text.into();
    }
    line.into()
}

/// Whether a line is a code in Ente's trash, which Ente exports too.
fn in_ente_trash(line: &str) -> bool {
    ente_display(line)
        .and_then(|display| display.get("trashed").and_then(serde_json::Value::as_bool))
        .unwrap_or(false)
}

/// Reads one URI line into an account, with Ente's display data applied.
pub(crate) fn account_from_line(line: &str) -> Result<Account, Problem> {
    let line = unquoted(line);
    let line = line.as_ref();
    let mut account = uri_account(line)?;
    if let Some(display) = ente_display(line) {
        account.favourite = display
            .get("pinned")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        if let Some(tags) = display.get("tags").and_then(serde_json::Value::as_array) {
            account.tags = tags.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
        }
        if let Some(note) = display.get("note").and_then(serde_json::Value::as_str) {
            account.note = note.to_owned();
        }
    }
    Ok(account)
}

impl Format for UriList {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "otpauth:// URIs, one per line (also Ente Auth and WinAuth exports)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return false;
        };
        let mut lines = content_lines(text).peekable();
        lines.peek().is_some()
            && lines.all(|(_, line)| {
                let line = line.strip_prefix('"').unwrap_or(line);
                let lower = line.get(..10).unwrap_or(line).to_ascii_lowercase();
                lower.starts_with("otpauth://") || lower.starts_with("steam://")
            })
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let text = std::str::from_utf8(bytes).map_err(|_| malformed(NAME, "not UTF-8 text"))?;
        let mut left_out = Vec::new();
        if content_lines(text).nth(MAX_ENTRIES).is_some() {
            return Err(too_many_entries(NAME));
        }
        let entries: Vec<(String, Result<Account, Problem>)> = content_lines(text)
            .filter(|(number, line)| {
                let trashed = in_ente_trash(&unquoted(line));
                if trashed {
                    left_out.push(EntryFailure {
                        entry: format!("line {}", number + 1),
                        reason: "in Ente's trash; restore it in Ente to move it".to_owned(),
                    });
                }
                !trashed
            })
            .map(|(number, line)| (format!("line {}", number + 1), account_from_line(line)))
            .collect();
        if entries.is_empty() && left_out.is_empty() {
            return Err(malformed(NAME, "no otpauth:// URIs in the file"));
        }
        let mut imported = collect(entries);
        imported.left_out.extend(left_out);
        Ok(imported)
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], _options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let mut text = String::new();
        for account in accounts {
            text.push_str(&account.to_uri());
            text.push('\n');
        }
        Ok(vec![OutputFile {
            suffix: None,
            bytes: text.into_bytes(),
        }])
    }
}
