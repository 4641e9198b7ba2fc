//! What the page receives: labels, codes, seconds and settings, never a
//! secret. `ui/src/api.ts` declares the same shapes; a test keeps them equal.

use serde::{Deserialize, Serialize};
use twofold_otp::Account;

/// What the first screen needs to know.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Status {
    /// A vault file exists.
    pub(crate) exists: bool,
    /// It is open.
    pub(crate) unlocked: bool,
    /// It has a keychain slot.
    pub(crate) has_keychain: bool,
    /// It has a password slot.
    pub(crate) has_password: bool,
    /// Open it with the keychain without asking: it has a keychain slot and
    /// was not locked during this run.
    pub(crate) auto_open: bool,
    /// The keychain may open it now (not after a lock with "ask for the
    /// password after a lock" on).
    pub(crate) keychain_allowed: bool,
    /// Why the file cannot be used, if it cannot (corrupt, foreign).
    pub(crate) problem: Option<String>,
    /// How many `otpauth://` links wait for the vault to be unlocked.
    pub(crate) links_waiting: usize,
}

/// One row of the list: labels and codes, no secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Row {
    /// The account's id, for the commands that act on it.
    pub(crate) id: String,
    /// Who issued the account (a service name).
    pub(crate) issuer: String,
    /// The account's name at the issuer.
    pub(crate) name: String,
    /// The group it is filed under.
    pub(crate) group: Option<String>,
    /// Shown first.
    pub(crate) favourite: bool,
    /// `totp`, `hotp` or `steam`.
    pub(crate) kind: &'static str,
    /// The code to type now.
    pub(crate) code: String,
    /// The next period's code (time-based kinds).
    pub(crate) next_code: Option<String>,
    /// Seconds until `code` changes (time-based kinds).
    pub(crate) seconds_left: Option<u32>,
    /// Seconds each code lasts (time-based kinds).
    pub(crate) period: Option<u32>,
    /// The bundled icon chosen in Edit (`letter`: the lettered one); none: matched by issuer.
    pub(crate) icon: Option<String>,
}

impl Row {
    /// The row of `account` at Unix time `now`.
    pub(crate) fn of(account: &Account, now: u64) -> Self {
        let codes = twofold_app::codes_at(account, now);
        Self {
            id: account.id.to_string(),
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            group: account.group.clone(),
            favourite: account.favourite,
            kind: account.kind.as_str(),
            code: codes.code.to_string(),
            // HOTP's next code is not shown: it is not sent either.
            next_code: codes.period.map(|_| codes.next.to_string()),
            seconds_left: codes.seconds_left,
            period: codes.period,
            icon: account.icon.clone(),
        }
    }
}

/// What an add did: the labels of the accounts added, how many were in the
/// vault already, and why any QR code held no account.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Added {
    /// `issuer: name` of each account added.
    pub(crate) added: Vec<String>,
    /// How many were skipped as already in the vault.
    pub(crate) already_there: usize,
    /// Why other QR codes held no account.
    pub(crate) problems: Vec<String>,
}

impl Added {
    /// The view of a merge, with the problems met on the way.
    pub(crate) fn of(merge: &twofold_app::Added, problems: Vec<String>) -> Self {
        Self {
            added: merge.added.iter().map(Account::label).collect(),
            already_there: merge.skipped.len(),
            problems,
        }
    }
}

/// An account found (on the screen, in a link), offered before it is added.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Offer {
    /// Its place in the offer's list, for `add_offered`.
    pub(crate) index: usize,
    /// Who issued it.
    pub(crate) issuer: String,
    /// Its name at the issuer.
    pub(crate) name: String,
    /// `totp`, `hotp` or `steam`.
    pub(crate) kind: &'static str,
}

impl Offer {
    /// The offer rows of `accounts`, in order.
    pub(crate) fn list(accounts: &[Account]) -> Vec<Self> {
        accounts
            .iter()
            .enumerate()
            .map(|(index, account)| Self {
                index,
                issuer: account.issuer.clone(),
                name: account.name.clone(),
                kind: account.kind.as_str(),
            })
            .collect()
    }
}

/// What a screen scan found: one account is added at once; several are
/// offered, for the user to untick any before adding.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScreenScan {
    /// The add, when one account was found.
    pub(crate) added: Option<Added>,
    /// The offer's id for `add_offered`, when several were found.
    pub(crate) offer: Option<u64>,
    /// The accounts found, when several were.
    pub(crate) offered: Vec<Offer>,
    /// Why other QR codes held no account.
    pub(crate) problems: Vec<String>,
}

/// What the links handed to the app hold, offered for the user to confirm:
/// nothing is added before.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Linked {
    /// The offer's id for `add_offered`, when the links hold any account.
    pub(crate) offer: Option<u64>,
    /// The accounts the links hold.
    pub(crate) offered: Vec<Offer>,
    /// Why any link held none (malformed, not an account link).
    pub(crate) problems: Vec<String>,
    /// How many links they were.
    pub(crate) links: usize,
}

/// What one camera frame gave.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Frame {
    /// `busy` (dropped: the scanner was on another frame), `nothing`, or `added`.
    pub(crate) state: &'static str,
    /// The add, when a code with accounts was seen.
    pub(crate) added: Option<Added>,
    /// What was seen, when it held no account.
    pub(crate) note: Option<String>,
}

/// The settings the page shows and changes.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Settings {
    /// Seconds after a copy before the clipboard is cleared (0: never).
    pub(crate) clipboard_seconds: u32,
    /// Minutes without input before the app locks (0: never).
    pub(crate) auto_lock_minutes: u32,
}

/// A format of another app, and what Twofold does with it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FormatInfo {
    /// Its short name (`aegis`, `2fas` ...).
    pub(crate) name: &'static str,
    /// One line on what it is.
    pub(crate) description: &'static str,
    /// Files of it can be imported.
    pub(crate) can_import: bool,
    /// Accounts can be exported to it.
    pub(crate) can_export: bool,
    /// Its files can be encrypted with a password.
    pub(crate) can_encrypt: bool,
}

impl FormatInfo {
    /// What the page needs to know of `format`.
    pub(crate) fn of(format: &dyn twofold_formats::Format) -> Self {
        Self {
            name: format.name(),
            description: format.description(),
            can_import: format.can_import(),
            can_export: format.can_export(),
            can_encrypt: format.can_encrypt(),
        }
    }
}

/// An account of a file being imported, as the preview lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PreviewAccount {
    /// Who issued it.
    pub(crate) issuer: String,
    /// Its name at the issuer.
    pub(crate) name: String,
    /// `totp`, `hotp` or `steam`.
    pub(crate) kind: &'static str,
    /// The vault has it already: the import will skip it.
    pub(crate) duplicate: bool,
}

/// An entry of a file that could not be read, and why.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntryFailure {
    /// Which entry: its label, or its place.
    pub(crate) entry: String,
    /// Why it could not be read.
    pub(crate) reason: String,
}

impl EntryFailure {
    /// The view of each of `failures`.
    pub(crate) fn all(failures: &[twofold_formats::EntryFailure]) -> Vec<Self> {
        failures
            .iter()
            .map(|f| Self {
                entry: f.entry.clone(),
                reason: f.reason.clone(),
            })
            .collect()
    }
}

/// Where an import stands: `format` (choose it), `password` (ask for it),
/// or `preview` (the accounts read, not yet added).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImportStep {
    /// `format`, `password` or `preview`.
    pub(crate) state: &'static str,
    /// The format the file is read as, once known.
    pub(crate) format: Option<&'static str>,
    /// The preview's accounts.
    pub(crate) accounts: Vec<PreviewAccount>,
    /// The preview's entries that could not be read.
    pub(crate) failures: Vec<EntryFailure>,
    /// Entries of a kind Twofold does not support, or in the app's trash.
    pub(crate) left_out: Vec<EntryFailure>,
}

/// What an import did.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ImportSummary {
    /// `issuer: name` of each account added.
    pub(crate) added: Vec<String>,
    /// `issuer: name` of each account skipped as already in the vault.
    pub(crate) skipped: Vec<String>,
    /// Entries of the file that could not be read.
    pub(crate) failures: Vec<EntryFailure>,
    /// Entries of a kind Twofold does not support, or in the app's trash.
    pub(crate) left_out: Vec<EntryFailure>,
}

/// The files an export wrote.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Exported {
    /// Their paths.
    pub(crate) files: Vec<String>,
}

/// The transfer QR codes for a phone: how many, and the accounts left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransferCount {
    /// How many QR codes.
    pub(crate) count: usize,
    /// `issuer: name: why` of each account Google's format cannot hold.
    pub(crate) left_out: Vec<String>,
}

/// The vault's key slots.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Keys {
    /// A keychain slot.
    pub(crate) keychain: bool,
    /// A password slot.
    pub(crate) password: bool,
}

/// The preferences the page shows and changes (not the lock mark kept with them).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Preferences {
    /// `system`, `light` or `dark`.
    pub(crate) theme: twofold_app::Theme,
    /// After a lock, only the password reopens the vault.
    pub(crate) ask_password_after_lock: bool,
    /// Codes show as dots until clicked.
    pub(crate) hide_codes: bool,
    /// Closing the window keeps the app in the tray.
    #[serde(default)]
    pub(crate) close_to_tray: bool,
    /// The quick-copy box's global shortcut (`Ctrl+Alt+K`), if any.
    #[serde(default)]
    pub(crate) quick_shortcut: Option<String>,
    /// Whether closing the window can keep the app in the tray: a tray
    /// shows its icon (read only, as is the next: what a change sends is ignored).
    #[serde(default)]
    pub(crate) tray: bool,
    /// Why the shortcut is not in use, if it is not (another app holds it,
    /// a Wayland session).
    #[serde(default)]
    pub(crate) quick_shortcut_problem: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use std::collections::BTreeSet;

    use super::*;
    use crate::error::{AppError, FieldProblem};

    /// The field names of `export interface NAME { ... }` in ui/src/api.ts.
    fn declared(name: &str) -> BTreeSet<String> {
        let api = include_str!("../../ui/src/api.ts");
        let start = api
            .find(&format!("export interface {name} {{"))
            .unwrap_or_else(|| panic!("api.ts declares no interface {name}"));
        let body = &api[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
        body.lines()
            .filter_map(|line| line.trim().split(':').next())
            .map(|field| field.trim().trim_end_matches('?').to_owned())
            .filter(|field| !field.is_empty())
            .collect()
    }

    /// The member names `value` serializes with.
    fn sent(value: impl Serialize) -> BTreeSet<String> {
        serde_json::to_value(value)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    fn added() -> Added {
        Added {
            added: vec!["A: a".into()],
            already_there: 0,
            problems: Vec::new(),
        }
    }

    #[test]
    fn the_page_declares_every_reply_as_the_app_sends_it() {
        let status = Status {
            exists: true,
            unlocked: true,
            has_keychain: true,
            has_password: false,
            auto_open: true,
            keychain_allowed: true,
            problem: None,
            links_waiting: 0,
        };
        let account: Account = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
        let offer = Offer {
            index: 0,
            issuer: "A".into(),
            name: "a".into(),
            kind: "totp",
        };
        let scan = ScreenScan {
            added: Some(added()),
            offer: None,
            offered: Vec::new(),
            problems: Vec::new(),
        };
        let frame = Frame {
            state: "added",
            added: Some(added()),
            note: None,
        };
        let settings = Settings {
            clipboard_seconds: 30,
            auto_lock_minutes: 5,
        };
        let problem = FieldProblem {
            field: "secret",
            message: "not base32".into(),
        };
        let error = AppError::fields(vec![problem.clone()]);
        let failure = || EntryFailure {
            entry: "2".into(),
            reason: "no secret".into(),
        };
        let preview = PreviewAccount {
            issuer: "A".into(),
            name: "a".into(),
            kind: "totp",
            duplicate: false,
        };
        let step = ImportStep {
            state: "preview",
            format: Some("aegis"),
            accounts: Vec::new(),
            failures: Vec::new(),
            left_out: Vec::new(),
        };
        let summary = ImportSummary {
            added: Vec::new(),
            skipped: Vec::new(),
            failures: vec![failure()],
            left_out: vec![failure()],
        };
        let preferences = Preferences {
            theme: twofold_app::Theme::Dark,
            ask_password_after_lock: true,
            hide_codes: false,
            close_to_tray: true,
            quick_shortcut: Some("Ctrl+Alt+K".into()),
            tray: true,
            quick_shortcut_problem: None,
        };
        for (name, fields) in [
            ("Status", sent(status)),
            ("Row", sent(Row::of(&account, 59))),
            ("Added", sent(added())),
            ("Offer", sent(offer)),
            ("ScreenScan", sent(scan)),
            ("Linked", sent(Linked::default())),
            ("Frame", sent(frame)),
            ("Settings", sent(settings)),
            ("FieldProblem", sent(problem)),
            ("AppError", sent(error)),
            (
                "FormatInfo",
                sent(FormatInfo::of(twofold_app::format_named("aegis").unwrap())),
            ),
            ("PreviewAccount", sent(preview)),
            ("EntryFailure", sent(failure())),
            ("ImportStep", sent(step)),
            ("ImportSummary", sent(summary)),
            ("Exported", sent(Exported { files: Vec::new() })),
            (
                "Keys",
                sent(Keys {
                    keychain: true,
                    password: true,
                }),
            ),
            ("Preferences", sent(preferences)),
        ] {
            assert_eq!(
                declared(name),
                fields,
                "ui/src/api.ts's {name} differs from what the app sends"
            );
        }
    }
}
