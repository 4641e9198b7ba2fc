//! Stratum (formerly Authenticator Pro) backups: a JSON object whose
//! `Authenticators` array holds the entries, plain or encrypted.
//!
//! - `AUTHENTICATORPRO` | salt (16) | nonce (12) | AES-256-GCM ciphertext and tag,
//!   key = Argon2id(password, salt; 3 passes, 64 MiB, 4 lanes), 32 bytes;
//! - legacy `AuthenticatorPro` | salt (20) | IV (16) | AES-256-CBC ciphertext,
//!   key = PBKDF2-HMAC-SHA1(password, salt, 64,000 rounds), 32 bytes.
//!
//! The app's own database (`stratum-db` in `sqlite.rs`) has the same fields,
//! so both build accounts through [`stratum_account`].

use serde_json::Value;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{self, Entry, Problem, SecretField};
use crate::crypto;
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// The format's name.
const NAME: &str = "stratum";
/// Magic of the current encrypted backup.
const HEADER: &[u8] = b"AUTHENTICATORPRO";
/// Magic of the legacy encrypted backup.
const HEADER_LEGACY: &[u8] = b"AuthenticatorPro";
/// Argon2id salt bytes.
const SALT_LEN: usize = 16;
/// GCM nonce bytes.
const NONCE_LEN: usize = 12;
/// GCM tag bytes.
const TAG_LEN: usize = 16;
/// Argon2id passes, fixed by the app (as are memory and lanes).
const ARGON2_PASSES: u32 = 3;
/// Argon2id memory in KiB (64 MiB).
const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
/// Argon2id lanes.
const ARGON2_LANES: u32 = 4;
/// Legacy PBKDF2 salt bytes.
const LEGACY_SALT_LEN: usize = 20;
/// Legacy CBC IV bytes.
const LEGACY_IV_LEN: usize = 16;
/// Legacy PBKDF2 rounds, fixed by the app.
const LEGACY_ROUNDS: u32 = 64_000;
/// AES block bytes.
const BLOCK_LEN: usize = 16;
/// A UTF-8 byte order mark, which some JSON writers put first.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How far into a plain backup the `Authenticators` key is looked for.
const DETECT_WINDOW: usize = 4096;

/// The backup's one list that matters; the other lists are skipped unread.
#[derive(serde::Deserialize)]
struct Backup {
    #[serde(rename = "Authenticators", default)]
    authenticators: Option<common::Bounded<Value>>,
}

/// Stratum / Authenticator Pro backup (JSON, or encrypted: Argon2id + AES-GCM, legacy PBKDF2 + AES-CBC).
pub(crate) struct Stratum;

impl Format for Stratum {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Stratum / Authenticator Pro backup (JSON, or encrypted: Argon2id + AES-GCM, legacy PBKDF2 + AES-CBC)"
    }

    /// Either magic with room for its header and one block, or a JSON object
    /// that starts with an `Authenticators` key.
    fn detect(&self, bytes: &[u8]) -> bool {
        (bytes.starts_with(HEADER) && bytes.len() >= HEADER.len() + SALT_LEN + NONCE_LEN + TAG_LEN)
            || (bytes.starts_with(HEADER_LEGACY)
                && bytes.len() >= HEADER_LEGACY.len() + LEGACY_SALT_LEN + LEGACY_IV_LEN + BLOCK_LEN)
            || (common::starts_with_trimmed(bytes, b"{")
                && common::contains_early(bytes, b"\"Authenticators\"", DETECT_WINDOW))
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let plaintext = if let Some(rest) = bytes.strip_prefix(HEADER) {
            decrypt(rest, password)?
        } else if let Some(rest) = bytes.strip_prefix(HEADER_LEGACY) {
            decrypt_legacy(rest, password)?
        } else {
            Zeroizing::new(bytes.to_vec())
        };
        let text = plaintext.strip_prefix(BOM).unwrap_or(&plaintext);
        let backup: Backup = common::json(NAME, text)?;
        let entries = backup
            .authenticators
            .map(|entries| entries.0)
            .ok_or_else(|| common::malformed(NAME, "no \"Authenticators\" array"))?;
        Ok(common::collect(
            entries
                .iter()
                .enumerate()
                .map(|(index, value)| json_entry(value, index)),
        ))
    }
}

/// The current layout: Argon2id and AES-GCM.
fn decrypt(rest: &[u8], password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let (Some(salt), Some(nonce), Some(sealed)) = (
        rest.get(..SALT_LEN),
        rest.get(SALT_LEN..SALT_LEN + NONCE_LEN),
        rest.get(SALT_LEN + NONCE_LEN..),
    ) else {
        return Err(common::malformed(NAME, "the encrypted backup's header is cut short"));
    };
    if sealed.len() < TAG_LEN {
        return Err(common::malformed(NAME, "the encrypted backup is cut short"));
    }
    let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
    let key = crypto::argon2id(
        password.as_bytes(),
        salt,
        ARGON2_PASSES,
        ARGON2_MEMORY_KIB,
        ARGON2_LANES,
        32,
    )
    .ok_or_else(|| common::malformed(NAME, "key derivation failed"))?;
    crypto::aes_gcm_open(&key, nonce, sealed, &[]).ok_or_else(|| {
        damaged_or_wrong(
            crypto::aes_gcm_first_block(&key, nonce, sealed)
                .as_deref()
                .map(|head| head.as_slice()),
        )
    })
}

/// A file that does not open: damaged when the right key makes its first
/// block the start of a backup, else a wrong password.
fn damaged_or_wrong(head: Option<&[u8]>) -> ImportError {
    if head.is_some_and(|head| crypto::starts_like_json(head, b'{')) {
        return common::malformed(
            NAME,
            "the password is right, but the file is cut short or damaged; export the backup again",
        );
    }
    ImportError::WrongPassword { format: NAME }
}

/// The legacy layout: PBKDF2-SHA1 and AES-CBC. CBC has no tag, so a wrong
/// key shows as bad padding or, rarely, as padding that passes over garbage;
/// plaintext that does not open like JSON counts as a wrong password too.
fn decrypt_legacy(rest: &[u8], password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let (Some(salt), Some(iv), Some(data)) = (
        rest.get(..LEGACY_SALT_LEN),
        rest.get(LEGACY_SALT_LEN..LEGACY_SALT_LEN + LEGACY_IV_LEN),
        rest.get(LEGACY_SALT_LEN + LEGACY_IV_LEN..),
    ) else {
        return Err(common::malformed(NAME, "the encrypted backup's header is cut short"));
    };
    if data.is_empty() || data.len() % BLOCK_LEN != 0 {
        return Err(common::malformed(
            NAME,
            "the encrypted backup is not whole AES blocks; it may be cut short",
        ));
    }
    let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
    let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, LEGACY_ROUNDS, 32);
    let plaintext = crypto::aes_cbc_decrypt(&key, iv, data).ok_or_else(|| {
        damaged_or_wrong(
            crypto::aes_cbc_first_block(&key, iv, data)
                .as_deref()
                .map(|head| head.as_slice()),
        )
    })?;
    let text = plaintext.strip_prefix(BOM).unwrap_or(&plaintext);
    if !common::starts_with_trimmed(text, b"{") {
        return Err(ImportError::WrongPassword { format: NAME });
    }
    Ok(plaintext)
}

/// One element of `Authenticators`.
fn json_entry(value: &Value, index: usize) -> (String, Result<Account, Problem>) {
    let Some(object) = value.as_object() else {
        return (format!("entry {}", index + 1), Err("not a JSON object".into()));
    };
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or("");
    let (issuer, username) = (text("Issuer"), text("Username"));
    let label = common::label(issuer, username, index);
    let integer = |key: &str| -> Result<Option<i64>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{key}: {n} is not a whole number")),
            Some(_) => Err(format!("{key}: not a number")),
        }
    };
    let fields = (|| {
        Ok::<_, String>(StratumFields {
            kind: integer("Type")?,
            issuer,
            username,
            secret: object.get("Secret").and_then(Value::as_str),
            algorithm: integer("Algorithm")?,
            digits: integer("Digits")?,
            period: integer("Period")?,
            counter: integer("Counter")?,
        })
    })();
    (
        label,
        fields
            .map_err(Problem::from)
            .and_then(|fields| stratum_account(&fields)),
    )
}

/// One Stratum authenticator's fields, as the backup and the database hold them.
pub(crate) struct StratumFields<'a> {
    /// 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex.
    pub(crate) kind: Option<i64>,
    /// Issuer.
    pub(crate) issuer: &'a str,
    /// Account name; may be absent.
    pub(crate) username: &'a str,
    /// Base32 secret.
    pub(crate) secret: Option<&'a str>,
    /// 0 SHA-1, 1 SHA-256, 2 SHA-512.
    pub(crate) algorithm: Option<i64>,
    /// Code length.
    pub(crate) digits: Option<i64>,
    /// TOTP period in seconds.
    pub(crate) period: Option<i64>,
    /// HOTP counter.
    pub(crate) counter: Option<i64>,
}

/// The account for a Stratum authenticator, or why there is none.
pub(crate) fn stratum_account(fields: &StratumFields<'_>) -> Result<Account, Problem> {
    let kind = match fields.kind {
        Some(1) => "hotp",
        Some(2) => "totp",
        Some(4) => "steam",
        Some(3) => {
            return Err(Problem::Unsupported(
                "mOTP (Mobile-OTP) codes are not supported by Twofold".to_owned(),
            ));
        }
        Some(5) => {
            return Err(Problem::Unsupported(
                "Yandex codes are not supported by Twofold".to_owned(),
            ));
        }
        Some(other) => return Err(format!("type: {other} is not a type Stratum defines").into()),
        None => return Err("type: missing".into()),
    };
    let algorithm = match fields.algorithm {
        None | Some(0) => "SHA1",
        Some(1) => "SHA256",
        Some(2) => "SHA512",
        Some(other) => {
            return Err(format!("algorithm: {other} is not 0 (SHA-1), 1 (SHA-256) or 2 (SHA-512)").into());
        }
    };
    let secret = fields.secret.ok_or("secret: missing")?;
    Entry {
        kind: Some(kind),
        issuer: fields.issuer,
        name: fields.username,
        secret: SecretField::Base32(secret),
        algorithm: Some(algorithm),
        digits: fields.digits,
        period: fields.period,
        counter: fields.counter,
    }
    .account()
}
