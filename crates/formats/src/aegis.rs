//! Aegis vault exports, as Aegis's docs/vault.md specifies them: a JSON
//! header with key slots and the `db`, plain (an object) or encrypted
//! (base64 AES-256-GCM under a master key that password slots wrap with
//! scrypt-derived keys). Reads db versions 1 to 3 (groups as names in v2,
//! as UUIDs in v3); writes version 3.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use twofold_otp::{Account, Kind};
use zeroize::Zeroizing;

use crate::common::{
    Bounded, Entry, Problem, SecretField, collect, group_ids, hex, insert, json as parse_json, json_value,
    kind_problem, label, malformed, null_as_empty, starts_with_trimmed, to_hex,
};
use crate::crypto::{aes_gcm_open, aes_gcm_seal, random, scrypt};
use crate::error::{ExportError, ImportError};
use crate::format::{ExportOptions, Format, Imported, OutputFile};

/// Aegis's JSON export.
pub(crate) struct Aegis;

const NAME: &str = "aegis";
/// scrypt cost of the password slots we write (Aegis's own defaults).
const SCRYPT_N: u64 = 32768;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;

/// What a file may ask of scrypt: Aegis writes N = 2^15, r = 8, p = 1
/// (32 MiB); a file asking for 4 GiB in each of 50 slots is an attack.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;
const MAX_SCRYPT_WORK: u64 = 1 << 30;
/// Password slots tried; Aegis has one, and a slot costs a key derivation.
const MAX_SLOTS_TRIED: usize = 4;

#[derive(Deserialize)]
struct File {
    header: Header,
    db: Value,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<KeyParams>,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: i64,
    key: String,
    key_params: KeyParams,
    #[serde(default)]
    n: u64,
    #[serde(default)]
    r: u32,
    #[serde(default)]
    p: u32,
    #[serde(default)]
    salt: String,
}

#[derive(Deserialize, Serialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct Db {
    version: i64,
    entries: Bounded<DbEntry>,
    #[serde(default)]
    groups: Bounded<DbGroup>,
}

#[derive(Deserialize)]
struct DbGroup {
    uuid: String,
    name: String,
}

#[derive(Deserialize)]
struct DbEntry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    issuer: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    favorite: bool,
    /// db version 2: the group's name.
    #[serde(default)]
    group: Option<String>,
    /// db version 3: the groups' UUIDs.
    #[serde(default)]
    groups: Bounded<String>,
    info: Info,
}

#[derive(Deserialize)]
struct Info {
    secret: Zeroizing<String>,
    #[serde(default)]
    algo: Option<String>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default)]
    period: Option<i64>,
    #[serde(default)]
    counter: Option<i64>,
}

/// Opens `sealed || tag` with a hex nonce and tag.
fn open_with(key: &[u8], params: &KeyParams, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let nonce = hex(&params.nonce)?;
    let mut with_tag = sealed.to_vec();
    with_tag.extend(hex(&params.tag)?);
    aes_gcm_open(key, &nonce, &with_tag, &[])
}

fn decrypt_db(header: &Header, slots: &[Slot], db: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let params = header
        .params
        .as_ref()
        .ok_or_else(|| malformed(NAME, "encrypted db without params"))?;
    let sealed = BASE64
        .decode(db.trim())
        .map_err(|e| malformed(NAME, format!("db: {e}")))?;
    let mut password_slots = 0;
    let mut too_costly = None;
    for slot in slots.iter().filter(|slot| slot.kind == 1) {
        password_slots += 1;
        if password_slots > MAX_SLOTS_TRIED {
            break;
        }
        let memory = 128u64.saturating_mul(slot.n).saturating_mul(u64::from(slot.r));
        let work = memory.saturating_mul(u64::from(slot.p));
        if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
            too_costly = Some(memory);
            continue;
        }
        let salt = hex(&slot.salt).ok_or_else(|| malformed(NAME, "slot salt is not hex"))?;
        let derived = scrypt(password.as_bytes(), &salt, slot.n, slot.r, slot.p, 32).ok_or_else(|| {
            malformed(
                NAME,
                format!(
                    "scrypt parameters out of range (N={}, r={}, p={})",
                    slot.n, slot.r, slot.p
                ),
            )
        })?;
        let wrapped = hex(&slot.key).ok_or_else(|| malformed(NAME, "slot key is not hex"))?;
        if let Some(master) = open_with(&derived, &slot.key_params, &wrapped) {
            return open_with(&master, params, &sealed)
                .ok_or_else(|| malformed(NAME, "the db does not authenticate under the master key"));
        }
    }
    if password_slots == 0 {
        return Err(ImportError::Unsupported {
            format: NAME,
            reason: "no password slot (only biometric or raw key slots)".to_owned(),
        });
    }
    if let Some(memory) = too_costly {
        return Err(malformed(
            NAME,
            format!(
                "a password slot asks scrypt for {} MiB, more than the {} MiB Twofold allows (Aegis itself uses 32); \
                 the file was not made by Aegis",
                memory >> 20,
                MAX_SCRYPT_MEMORY >> 20
            ),
        ));
    }
    Err(ImportError::WrongPassword { format: NAME })
}

fn entry_account(entry: &DbEntry, groups: &HashMap<&str, &str>) -> Result<Account, Problem> {
    let kind = entry.kind.to_ascii_lowercase();
    if !matches!(kind.as_str(), "totp" | "hotp" | "steam") {
        return Err(kind_problem(&entry.kind));
    }
    let mut account = Entry {
        kind: Some(&kind),
        issuer: &entry.issuer,
        name: &entry.name,
        secret: SecretField::Base32(&entry.info.secret),
        algorithm: entry.info.algo.as_deref(),
        digits: entry.info.digits,
        period: entry.info.period,
        counter: entry.info.counter,
    }
    .account()?;
    account.favourite = entry.favorite;
    account.note = entry.note.clone().unwrap_or_default();
    account.group = entry.group.clone().filter(|g| !g.is_empty()).or_else(|| {
        entry
            .groups
            .0
            .iter()
            .find_map(|id| groups.get(id.as_str()).map(|name| (*name).to_owned()))
    });
    Ok(account)
}

fn read_db(db: Db) -> Result<Imported, ImportError> {
    if !(1..=3).contains(&db.version) {
        return Err(ImportError::Unsupported {
            format: NAME,
            reason: format!("db version {}", db.version),
        });
    }
    // Looked up once per entry: a crafted file's lists must not multiply.
    let groups: HashMap<&str, &str> = db.groups.0.iter().map(|g| (g.uuid.as_str(), g.name.as_str())).collect();
    Ok(collect(db.entries.0.iter().enumerate().map(|(index, entry)| {
        (label(&entry.issuer, &entry.name, index), entry_account(entry, &groups))
    })))
}

impl Format for Aegis {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Aegis vault export (JSON, plain or encrypted: scrypt + AES-GCM)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && crate::common::contains_early(bytes, b"\"header\"", 4096)
            && crate::common::contains_early(bytes, b"\"db\"", usize::MAX)
            && crate::common::contains_early(bytes, b"\"slots\"", 4096)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let file: File = parse_json(NAME, bytes)?;
        match (file.db, &file.header.slots) {
            (db @ Value::Object(_), _) => read_db(json_value(NAME, db)?),
            (Value::String(db), Some(slots)) => {
                let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
                let plain = decrypt_db(&file.header, slots, &db, password)?;
                read_db(parse_json(NAME, &plain)?)
            }
            _ => Err(malformed(
                NAME,
                "db is neither an object nor an encrypted string with slots",
            )),
        }
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
        let entries: Vec<Value> = accounts
            .iter()
            .map(|account| {
                let mut info = json!({
                    "secret": account.secret.to_base32().as_str(),
                    "algo": account.effective_algorithm().as_str(),
                    "digits": account.digits(),
                });
                match account.kind {
                    Kind::Totp { period } => insert(&mut info, "period", json!(period.get())),
                    Kind::Steam => insert(&mut info, "period", json!(30)),
                    Kind::Hotp { counter } => insert(&mut info, "counter", json!(counter)),
                }
                let group_ids: Vec<&str> = groups
                    .iter()
                    .filter(|(_, name)| account.group.as_deref() == Some(*name))
                    .map(|(id, _)| id.as_str())
                    .collect();
                json!({
                    "type": account.kind.as_str(),
                    "uuid": account.id.to_string(),
                    "name": account.name,
                    "issuer": account.issuer,
                    "note": account.note,
                    "favorite": account.favourite,
                    "icon": null,
                    "groups": group_ids,
                    "info": info,
                })
            })
            .collect();
        let db = json!({
            "version": 3,
            "entries": entries,
            "groups": groups.iter().map(|(id, name)| json!({"uuid": id, "name": name})).collect::<Vec<_>>(),
        });
        let db_text = Zeroizing::new(serde_json::to_vec(&db).map_err(|e| failed(&e.to_string()))?);
        drop(db);

        let file = match options.password {
            None => {
                json!({"version": 1, "header": {"slots": null, "params": null}, "db": serde_json::from_slice::<Value>(&db_text).map_err(|e| failed(&e.to_string()))?})
            }
            Some(password) => {
                let master = Zeroizing::new(random(32).ok_or_else(|| failed("no randomness"))?);
                let salt = random(32).ok_or_else(|| failed("no randomness"))?;
                let derived = scrypt(password.as_bytes(), &salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
                    .ok_or_else(|| failed("scrypt"))?;
                let slot_nonce = random(12).ok_or_else(|| failed("no randomness"))?;
                let wrapped = aes_gcm_seal(&derived, &slot_nonce, &master, &[]).ok_or_else(|| failed("AES-GCM"))?;
                let db_nonce = random(12).ok_or_else(|| failed("no randomness"))?;
                let sealed = aes_gcm_seal(&master, &db_nonce, &db_text, &[]).ok_or_else(|| failed("AES-GCM"))?;
                let (key, key_tag) = wrapped.split_at(wrapped.len().saturating_sub(16));
                let (ciphertext, tag) = sealed.split_at(sealed.len().saturating_sub(16));
                json!({
                    "version": 1,
                    "header": {
                        "slots": [{
                            "type": 1,
                            "uuid": uuid::Uuid::new_v4().hyphenated().to_string(),
                            "key": to_hex(key),
                            "key_params": {"nonce": to_hex(&slot_nonce), "tag": to_hex(key_tag)},
                            "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                            "salt": to_hex(&salt),
                            "repaired": true,
                            "is_backup": false,
                        }],
                        "params": {"nonce": to_hex(&db_nonce), "tag": to_hex(tag)},
                    },
                    "db": BASE64.encode(ciphertext),
                })
            }
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| failed(&e.to_string()))?;
        Ok(vec![OutputFile { suffix: None, bytes }])
    }
}
