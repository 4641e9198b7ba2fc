//! Ente Auth's encrypted export: JSON `{version, kdfParams: {memLimit,
//! opsLimit, salt}, encryptedData, encryptionNonce}` (saved as `.txt` or
//! `.json`). The key is libsodium's `crypto_pwhash` (Argon2id 1.3, one
//! lane, memLimit bytes, opsLimit passes); the data is one message of a
//! secretstream (XChaCha20-Poly1305) whose header is `encryptionNonce`, and
//! its plaintext is Ente's plain export: otpauth URIs, one per line. Read
//! from ente-io/ente (the export screen, `crypto_util.dart`, the CLI's
//! `decrypt.go`) and ente_crypto_dart.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

use crate::common::{contains_early, json as parse_json, malformed, starts_with_trimmed};
use crate::crypto::{argon2id, secretstream_first};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::uri_list::UriList;

/// Ente Auth's encrypted export.
pub(crate) struct EnteEncrypted;

const NAME: &str = "ente-encrypted";
/// secretstream tags: the data is pushed as a plain message by current
/// builds (their closing FINAL chunk is never written), as FINAL by older ones.
const TAG_MESSAGE: u8 = 0;
const TAG_FINAL: u8 = 3;
/// What Ente writes: 1 GiB (older builds' first try), halved on devices
/// that cannot, down to libsodium's floor of 8 KiB.
const MAX_MEMORY: u64 = 1 << 30;
const MIN_MEMORY: u64 = 8 * 1024;
/// Ente doubles the passes as it halves the memory, so memory times passes
/// is 4 GiB in every file it writes; more is work no Ente file asks for.
const MAX_WORK: u64 = 4 << 30;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    version: i64,
    kdf_params: KdfParams,
    encrypted_data: String,
    encryption_nonce: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KdfParams {
    mem_limit: u64,
    ops_limit: u64,
    salt: String,
}

fn decode(what: &str, text: &str) -> Result<Vec<u8>, ImportError> {
    let text = text.trim();
    BASE64
        .decode(text)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('=')))
        .map_err(|e| malformed(NAME, format!("{what} is not base64: {e}")))
}

impl Format for EnteEncrypted {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Ente Auth encrypted export (the plain export is uri-list)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"kdfParams\"", 256)
            && contains_early(bytes, b"\"encryptedData\"", 512)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let export: Export = parse_json(NAME, bytes)?;
        if export.version != 1 {
            return Err(ImportError::Unsupported {
                format: NAME,
                reason: format!("version {} (Twofold reads version 1)", export.version),
            });
        }
        let KdfParams {
            mem_limit,
            ops_limit,
            ref salt,
        } = export.kdf_params;
        if !(MIN_MEMORY..=MAX_MEMORY).contains(&mem_limit)
            || ops_limit == 0
            || mem_limit.saturating_mul(ops_limit) > MAX_WORK
        {
            return Err(malformed(
                NAME,
                format!("the key derivation asks for {mem_limit} bytes and {ops_limit} passes, beyond any Ente export"),
            ));
        }
        let salt = decode("the salt", salt)?;
        let header = decode("encryptionNonce", &export.encryption_nonce)?;
        let sealed = decode("encryptedData", &export.encrypted_data)?;
        if salt.len() != 16 || header.len() != 24 {
            return Err(malformed(NAME, "the salt or the stream header has the wrong length"));
        }
        if sealed.len() < 17 {
            return Err(malformed(
                NAME,
                "the encrypted data is shorter than its tag: the file is cut short",
            ));
        }
        let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
        let (passes, kib) = (
            u32::try_from(ops_limit).unwrap_or(u32::MAX),
            u32::try_from(mem_limit / 1024).unwrap_or(u32::MAX),
        );
        let key = argon2id(password.as_bytes(), &salt, passes, kib, 1, 32)
            .ok_or_else(|| malformed(NAME, "the key derivation settings are not usable"))?;
        let (plain, tag) =
            secretstream_first(&key, &header, &sealed).ok_or(ImportError::WrongPassword { format: NAME })?;
        if tag != TAG_MESSAGE && tag != TAG_FINAL {
            return Err(malformed(
                NAME,
                format!("the stream's first message has tag {tag}, not a message"),
            ));
        }
        UriList.import(&plain, None).map_err(|error| match error {
            ImportError::Malformed { reason, .. } => malformed(NAME, format!("the decrypted text: {reason}")),
            other => other,
        })
    }
}
