//! Proton Pass's export: a ZIP holding `Proton Pass/data.json`, whose
//! vaults (keyed by share id) hold items; a TOTP is a login's
//! `content.totpUri` or an extra field of type `totp`, on any item. The
//! PGP-encrypted export is not read (export "ZIP" instead, or decrypt it
//! with `gpg --decrypt`). Read from ProtonMail/WebClients
//! (`packages/pass/lib/export`) and Proton Authenticator's Pass importer.

use serde::Deserialize;
use serde_json::Value;

use crate::common::{Entry, Problem, SecretField, collect, contains_early, fill_name, json as parse_json, uri_account};
use crate::error::ImportError;
use crate::format::{EntryFailure, Format, Imported};
use crate::zipped;

/// Proton Pass's export.
pub(crate) struct ProtonPass;

const NAME: &str = "proton-pass";
const MEMBER: &str = "Proton Pass/data.json";
/// The newer encrypted export: the JSON as OpenPGP inside the ZIP.
const PGP_MEMBER: &str = "Proton Pass/data.pgp";
/// The older encrypted export: the whole ZIP as armored OpenPGP.
const PGP_ARMOR: &[u8] = b"-----BEGIN PGP MESSAGE-----";
const MAX_JSON: u64 = 64 << 20;
/// An item in the trash.
const TRASHED: i64 = 2;

#[derive(Deserialize)]
struct Export {
    vaults: serde_json::Map<String, Value>,
}

/// One TOTP of an item into an account: a URI, or a bare key under the
/// item's name and user.
fn account(totp: &str, item: &str, user: &str, note: &str, pinned: bool) -> Result<twofold_otp::Account, Problem> {
    let totp = totp.trim();
    let mut account = if totp
        .get(..10)
        .is_some_and(|head| head.eq_ignore_ascii_case("otpauth://"))
    {
        let mut account = uri_account(totp)?;
        if account.issuer.is_empty() && item.trim() != account.name {
            item.trim().clone_into(&mut account.issuer);
        }
        fill_name(&mut account, user);
        account
    } else {
        Entry {
            issuer: item,
            name: user,
            secret: SecretField::Base32(totp),
            ..Entry::default()
        }
        .account()?
    };
    note.clone_into(&mut account.note);
    account.favourite = pinned;
    Ok(account)
}

fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl Format for ProtonPass {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Proton Pass export (the unencrypted ZIP, or its data.json)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        zipped::names_member(bytes, MEMBER.as_bytes())
            || zipped::names_member(bytes, PGP_MEMBER.as_bytes())
            || crate::common::starts_with_trimmed(bytes, PGP_ARMOR)
            || (crate::common::starts_with_trimmed(bytes, b"{")
                && contains_early(bytes, b"\"vaults\"", 1024)
                && contains_early(bytes, b"\"itemId\"", 64 * 1024))
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        if crate::common::starts_with_trimmed(bytes, PGP_ARMOR) || zipped::names_member(bytes, PGP_MEMBER.as_bytes()) {
            return Err(ImportError::Unsupported {
                format: NAME,
                reason: "this export is encrypted with OpenPGP, which Twofold does not read; export again choosing \
                         ZIP, or decrypt it first (gpg --decrypt)"
                    .to_owned(),
            });
        }
        let json = if bytes.starts_with(zipped::LOCAL_HEADER) {
            zipped::read_member(NAME, bytes, |name| name.ends_with(MEMBER), password, MAX_JSON)?
        } else {
            zeroize::Zeroizing::new(bytes.to_vec())
        };
        let export: Export = parse_json(NAME, &json)?;
        let mut entries = Vec::new();
        let mut left_out = Vec::new();
        for vault in export.vaults.values() {
            for (index, item) in vault
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let Some(data) = item.get("data").filter(|data| data.is_object()) else {
                    // A damaged item is a failure, not a silent gap.
                    let reason = Problem::Invalid("an item without its data".to_owned());
                    entries.push((format!("item {}", index + 1), Err(reason)));
                    continue;
                };
                let name = text(data, &["metadata", "name"]);
                let note = text(data, &["metadata", "note"]);
                let user = [
                    text(data, &["content", "itemEmail"]),
                    text(data, &["content", "itemUsername"]),
                ]
                .into_iter()
                .find(|u| !u.trim().is_empty())
                .unwrap_or_default();
                let pinned = item.get("pinned").and_then(Value::as_bool).unwrap_or(false);
                let mut totps = vec![(name.to_owned(), text(data, &["content", "totpUri"]))];
                for field in data.get("extraFields").and_then(Value::as_array).into_iter().flatten() {
                    if field.get("type").and_then(Value::as_str) == Some("totp") {
                        let field_name = text(field, &["fieldName"]);
                        totps.push((format!("{name} - {field_name}"), text(field, &["data", "totpUri"])));
                    }
                }
                for (label, totp) in totps.into_iter().filter(|(_, totp)| !totp.trim().is_empty()) {
                    if item.get("state").and_then(Value::as_i64) == Some(TRASHED) {
                        left_out.push(EntryFailure {
                            entry: label,
                            reason: "in Proton Pass's trash; restore it there to move it".to_owned(),
                        });
                        continue;
                    }
                    entries.push((label.clone(), account(totp, &label, user, note, pinned)));
                }
            }
        }
        let mut imported = collect(entries);
        imported.left_out.extend(left_out);
        Ok(imported)
    }
}
