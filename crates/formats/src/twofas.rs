//! 2FAS backups (`.2fas`, and schema 1 `.json`): `services` with their OTP
//! settings, or `servicesEncrypted` = base64 AES-256-GCM ciphertext, salt
//! and IV joined by `:`, under PBKDF2-HMAC-SHA256 (10,000 rounds) of the
//! password. Schema 4 adds a `reference`, a fixed text encrypted the same
//! way, which 2FAS decrypts to check the password.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Value, json};
use twofold_otp::{Account, Kind};
use zeroize::Zeroizing;

use crate::common::{
    Bounded, Entry, Problem, SecretField, collect, contains_early, group_ids, insert, json as parse_json, label,
    malformed, starts_with_trimmed, uri_label,
};
use crate::crypto::{aes_gcm_first_block, aes_gcm_open, aes_gcm_seal, pbkdf2_sha256, random, starts_like_json};
use crate::error::{ExportError, ImportError};
use crate::format::{ExportOptions, Format, Imported, OutputFile};

/// A 2FAS backup.
pub(crate) struct TwoFas;

const NAME: &str = "2fas";
const ROUNDS: u32 = 10_000;
/// The text 2FAS encrypts as `reference` to check a password on import.
const REFERENCE: &str = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd";

#[derive(Deserialize)]
struct Backup {
    #[serde(default)]
    services: Bounded<Service>,
    #[serde(rename = "servicesEncrypted", default)]
    services_encrypted: Option<String>,
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<i64>,
    #[serde(default)]
    groups: Bounded<Group>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Service {
    #[serde(default)]
    name: String,
    secret: Zeroizing<String>,
    #[serde(default)]
    otp: Otp,
    #[serde(rename = "groupId", default)]
    group_id: Option<String>,
}

#[derive(Deserialize, Default)]
struct Otp {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default)]
    period: Option<i64>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(rename = "tokenType", default)]
    token_type: Option<String>,
    #[serde(default)]
    counter: Option<i64>,
    /// The otpauth URI the account was scanned from; its label names the
    /// account when `account` is empty.
    #[serde(default)]
    link: Option<String>,
    /// Older backups: `Issuer:name` or the name.
    #[serde(default)]
    label: Option<String>,
}

impl Otp {
    /// The account name: `account`, else the name in the link's label,
    /// else the older `label` field (less any `issuer:` in front).
    fn account_name(&self) -> String {
        let given = |text: Option<&str>| text.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        given(self.account.as_deref())
            .or_else(|| given(self.link.as_deref().map(|link| uri_label(link).1).as_deref()))
            .or_else(|| {
                let label = self.label.as_deref()?;
                given(Some(label.split_once(':').map_or(label, |(_, name)| name)))
            })
            .unwrap_or_default()
    }
}

/// Decrypts `ciphertext:salt:iv` (each base64).
fn decrypt(field: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let parts: Vec<&str> = field.split(':').collect();
    let [ciphertext, salt, iv] = parts[..] else {
        return Err(malformed(NAME, "servicesEncrypted is not ciphertext:salt:iv"));
    };
    let decode = |part: &str, what: &str| {
        BASE64
            .decode(part.trim())
            .map_err(|e| malformed(NAME, format!("{what}: {e}")))
    };
    let (ciphertext, salt, iv) = (
        decode(ciphertext, "ciphertext")?,
        decode(salt, "salt")?,
        decode(iv, "iv")?,
    );
    let key = pbkdf2_sha256(password.as_bytes(), &salt, ROUNDS, 32);
    aes_gcm_open(&key, &iv, &ciphertext, &[]).ok_or_else(|| {
        // The right key makes the first block the start of the services' JSON.
        if aes_gcm_first_block(&key, &iv, &ciphertext).is_some_and(|head| starts_like_json(head.as_slice(), b'[')) {
            malformed(
                NAME,
                "the password is right, but the file is cut short or damaged; back up again",
            )
        } else {
            ImportError::WrongPassword { format: NAME }
        }
    })
}

fn encrypt(plaintext: &[u8], password: &str) -> Option<String> {
    let salt = random(256)?;
    let iv = random(12)?;
    let key = pbkdf2_sha256(password.as_bytes(), &salt, ROUNDS, 32);
    let ciphertext = aes_gcm_seal(&key, &iv, plaintext, &[])?;
    Some(format!(
        "{}:{}:{}",
        BASE64.encode(ciphertext),
        BASE64.encode(salt),
        BASE64.encode(iv)
    ))
}

fn service_account(service: &Service, groups: &HashMap<&str, &str>) -> Result<Account, Problem> {
    let otp = &service.otp;
    let issuer = otp.issuer.as_deref().filter(|i| !i.is_empty()).unwrap_or(&service.name);
    let kind = otp.token_type.as_deref().map(str::to_ascii_lowercase);
    let name = otp.account_name();
    let mut account = Entry {
        kind: kind.as_deref(),
        issuer,
        name: &name,
        secret: SecretField::Base32(&service.secret),
        algorithm: otp.algorithm.as_deref(),
        digits: otp.digits,
        period: otp.period,
        counter: otp.counter,
    }
    .account()?;
    account.group = service
        .group_id
        .as_ref()
        .and_then(|id| groups.get(id.as_str()))
        .map(|name| (*name).to_owned());
    Ok(account)
}

impl Format for TwoFas {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "2FAS backup (.2fas/.json, schema 1 to 4, plain or encrypted: PBKDF2 + AES-GCM)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"services\"", 1024)
            && (contains_early(bytes, b"\"schemaVersion\"", usize::MAX)
                || contains_early(bytes, b"\"otp\"", usize::MAX))
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let backup: Backup = parse_json(NAME, bytes)?;
        if let Some(version) = backup.schema_version.filter(|v| *v > 4) {
            return Err(ImportError::Unsupported {
                format: NAME,
                reason: format!("schema version {version}"),
            });
        }
        let services = match backup.services_encrypted.as_deref().filter(|s| !s.is_empty()) {
            None => backup.services.0,
            Some(encrypted) => {
                let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
                let plain = decrypt(encrypted, password)?;
                parse_json::<Bounded<Service>>(NAME, &plain)?.0
            }
        };
        let groups: HashMap<&str, &str> = backup
            .groups
            .0
            .iter()
            .map(|g| (g.id.as_str(), g.name.as_str()))
            .collect();
        Ok(collect(services.iter().enumerate().map(|(index, service)| {
            (
                label(&service.name, &service.otp.account_name(), index),
                service_account(service, &groups),
            )
        })))
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let failed = |reason: &str| ExportError::Failed {
            format: NAME,
            reason: reason.to_owned(),
        };
        let groups = group_ids(accounts);
        let services: Vec<Value> = accounts
            .iter()
            .enumerate()
            .map(|(position, account)| {
                let mut otp = json!({
                    "link": account.to_uri().as_str(),
                    "label": account.name,
                    "account": account.name,
                    "issuer": account.issuer,
                    "digits": account.digits(),
                    "algorithm": account.effective_algorithm().as_str(),
                    "source": "Link",
                });
                match account.kind {
                    Kind::Totp { period } => {
                        insert(&mut otp, "period", json!(period.get()));
                        insert(&mut otp, "tokenType", json!("TOTP"));
                    }
                    Kind::Hotp { counter } => {
                        insert(&mut otp, "counter", json!(counter));
                        insert(&mut otp, "tokenType", json!("HOTP"));
                    }
                    Kind::Steam => {
                        insert(&mut otp, "period", json!(30));
                        insert(&mut otp, "tokenType", json!("STEAM"));
                    }
                }
                let mut service = json!({
                    "name": if account.issuer.is_empty() { &account.name } else { &account.issuer },
                    "secret": account.secret.to_base32().as_str(),
                    "updatedAt": 0,
                    "otp": otp,
                    "order": {"position": position},
                });
                if let Some((id, _)) = groups.iter().find(|(_, name)| account.group.as_deref() == Some(*name)) {
                    insert(&mut service, "groupId", json!(id));
                }
                service
            })
            .collect();
        let mut backup = json!({
            "services": [],
            "groups": groups.iter().map(|(id, name)| json!({"id": id, "name": name, "isExpanded": true})).collect::<Vec<_>>(),
            "updatedAt": 0,
            "schemaVersion": 4,
            "appVersionCode": 5000009,
            "appVersionName": "5.1.0",
            "appOrigin": "android",
        });
        match options.password {
            None => insert(&mut backup, "services", Value::Array(services)),
            Some(password) => {
                let plain = Zeroizing::new(serde_json::to_vec(&services).map_err(|e| failed(&e.to_string()))?);
                insert(
                    &mut backup,
                    "servicesEncrypted",
                    json!(encrypt(&plain, password).ok_or_else(|| failed("encryption"))?),
                );
                insert(
                    &mut backup,
                    "reference",
                    json!(encrypt(REFERENCE.as_bytes(), password).ok_or_else(|| failed("encryption"))?),
                );
            }
        }
        let bytes = serde_json::to_vec(&backup).map_err(|e| failed(&e.to_string()))?;
        Ok(vec![OutputFile { suffix: None, bytes }])
    }
}
