//! Raivo OTP's export (iOS): a ZIP protected with the user's password
//! (WinZip AES-256 by SSZipArchive) whose `raivo-otp-export.json` is an
//! array of entries with every value a string: `issuer`, `account`,
//! `secret`, `algorithm`, `digits`, `kind` (TOTP or HOTP), `timer`,
//! `counter`, and in newer versions `pinned`. Read from
//! raivo-otp/ios-application (its exporter and importer) and SSZipArchive.

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::common::{Bounded, Entry, Problem, SecretField, collect, json as parse_json, label};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::zipped;

/// Raivo OTP's export.
pub(crate) struct Raivo;

const NAME: &str = "raivo";
const MEMBER: &str = "raivo-otp-export.json";
const MAX_JSON: u64 = 16 << 20;

#[derive(Deserialize)]
struct RaivoEntry {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    secret: Zeroizing<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    digits: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    timer: Option<String>,
    #[serde(default)]
    counter: Option<String>,
    #[serde(default)]
    pinned: Option<String>,
}

/// A number Raivo wrote as text; `Err` names the field.
fn number(field: &str, text: Option<&str>) -> Result<Option<i64>, Problem> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| Problem::Invalid(format!("{field}: {text:?} is not a whole number"))),
    }
}

fn account(entry: &RaivoEntry) -> Result<twofold_otp::Account, Problem> {
    let mut account = Entry {
        kind: entry.kind.as_deref(),
        issuer: &entry.issuer,
        name: &entry.account,
        secret: SecretField::Base32(&entry.secret),
        algorithm: entry.algorithm.as_deref(),
        digits: number("digits", entry.digits.as_deref())?,
        period: number("timer", entry.timer.as_deref())?,
        counter: number("counter", entry.counter.as_deref())?,
    }
    .account()?;
    account.favourite = entry.pinned.as_deref().map(str::trim) == Some("true");
    Ok(account)
}

impl Format for Raivo {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Raivo OTP export (password-protected ZIP)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        zipped::names_member(bytes, MEMBER.as_bytes())
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let json = zipped::read_member(NAME, bytes, |name| name == MEMBER, password, MAX_JSON)?;
        let Bounded(entries): Bounded<RaivoEntry> = parse_json(NAME, &json)?;
        Ok(collect(entries.iter().enumerate().map(|(index, entry)| {
            (label(&entry.issuer, &entry.account, index), account(entry))
        })))
    }
}
