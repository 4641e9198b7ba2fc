//! The vault file on disk (see FORMAT.md): a JSON envelope holding the
//! header, the sealed payload, and a checksum over both.
//!
//! The header's exact bytes are the associated data of the payload's
//! AES-GCM seal, so that no slot, nonce or version can be changed without
//! the payload failing to open. The checksum guards nothing cryptographically
//! (an attacker can recompute it); it tells accidental damage apart from a
//! wrong password, which GCM alone cannot.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};

use crate::crypto::{KdfParams, NONCE_LEN};

/// The `format` value of every Twofold vault.
pub(crate) const FORMAT_NAME: &str = "twofold-vault";
/// The newest format version this build reads and the one it writes.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// No vault is anywhere near this large; a bigger file is not read into memory.
pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Bytes as base64 in JSON.
pub(crate) mod b64 {
    use super::BASE64;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = <&str>::deserialize(deserializer)?;
        BASE64.decode(text).map_err(serde::de::Error::custom)
    }
}

/// The unencrypted part of the file: what is needed to find the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Header {
    pub(crate) format: String,
    pub(crate) version: u32,
    /// Names the keychain entry; stays the same for the life of the vault.
    pub(crate) uuid: String,
    pub(crate) slots: Vec<Slot>,
    /// The payload's AES-GCM nonce, fresh for every save.
    #[serde(with = "b64")]
    pub(crate) nonce: Vec<u8>,
}

/// One way to open the vault: the vault key sealed under a slot key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub(crate) enum Slot {
    /// The slot key is kept in the OS keychain.
    Keychain {
        /// Names this slot's own keychain entry (`vault-<uuid>-<id>`), so
        /// that copies of a vault never share one; absent in vaults made
        /// before slots had ids (their entry is `vault-<uuid>`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(with = "b64")]
        nonce: Vec<u8>,
        /// The vault key sealed under the slot key, with its tag.
        #[serde(with = "b64")]
        key: Vec<u8>,
    },
    /// The slot key is derived from a password with Argon2id.
    Password {
        kdf: String,
        params: KdfParams,
        #[serde(with = "b64")]
        salt: Vec<u8>,
        #[serde(with = "b64")]
        nonce: Vec<u8>,
        #[serde(with = "b64")]
        key: Vec<u8>,
    },
}

impl Slot {
    /// The keychain entry of a keychain slot of vault `uuid` (what
    /// [`crate::KeyStore`] is given); `None` for a password slot.
    pub(crate) fn keychain_entry(&self, uuid: &str) -> Option<String> {
        match self {
            Self::Keychain { id: Some(id), .. } => Some(format!("{uuid}-{id}")),
            Self::Keychain { id: None, .. } => Some(uuid.to_owned()),
            Self::Password { .. } => None,
        }
    }
}

/// The associated data that binds a sealed vault key to its vault and slot
/// kind: a slot copied into another vault, or relabelled, does not open.
pub(crate) fn slot_aad(uuid: &str, kind: &str) -> Vec<u8> {
    format!("{FORMAT_NAME}/{uuid}/{kind}").into_bytes()
}

#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    header: &'a RawValue,
    payload: &'a str,
    checksum: &'a str,
}

/// A parsed file: the header, its exact text (the payload's AAD), and the sealed payload.
pub(crate) struct ParsedFile {
    pub(crate) header: Header,
    pub(crate) header_text: String,
    pub(crate) payload: Vec<u8>,
}

/// Why the bytes are not a readable vault. `Foreign` and `Corrupt` map to
/// the errors of the same names; the path is added by the caller.
#[derive(Debug)]
pub(crate) enum ParseError {
    Foreign(String),
    Corrupt(String),
    Newer(u32),
}

fn checksum(header_text: &str, payload: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(header_text.as_bytes());
    hasher.update(b".");
    hasher.update(payload.as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the envelope and header, checking format, version and checksum.
pub(crate) fn parse(bytes: &[u8]) -> Result<ParsedFile, ParseError> {
    // Ours or not? A damaged vault still names its format near the start.
    let looks_ours = bytes
        .windows(FORMAT_NAME.len())
        .take(256)
        .any(|w| w == FORMAT_NAME.as_bytes());
    let damaged = |reason: String| {
        if looks_ours {
            ParseError::Corrupt(reason)
        } else {
            ParseError::Foreign(reason)
        }
    };

    let text = std::str::from_utf8(bytes).map_err(|_| damaged("not UTF-8 text".to_owned()))?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| damaged(format!("not JSON: {e}")))?;
    let format = value
        .get("header")
        .and_then(|h| h.get("format"))
        .and_then(|f| f.as_str());
    match format {
        Some(FORMAT_NAME) => {}
        Some(other) => return Err(ParseError::Foreign(format!("its format is {other:?}"))),
        None if looks_ours => return Err(ParseError::Corrupt("the header has no format".to_owned())),
        None => return Err(ParseError::Foreign("JSON without a Twofold header".to_owned())),
    }
    let version = value
        .get("header")
        .and_then(|h| h.get("version"))
        .and_then(|v| v.as_u64());
    if let Some(version) = version.filter(|v| *v > u64::from(FORMAT_VERSION)) {
        return Err(ParseError::Newer(u32::try_from(version).unwrap_or(u32::MAX)));
    }

    let envelope: Envelope<'_> = serde_json::from_str(text).map_err(|e| ParseError::Corrupt(e.to_string()))?;
    if checksum(envelope.header.get(), envelope.payload) != envelope.checksum {
        return Err(ParseError::Corrupt(
            "checksum mismatch: the file was changed or damaged".to_owned(),
        ));
    }
    let header: Header =
        serde_json::from_str(envelope.header.get()).map_err(|e| ParseError::Corrupt(format!("header: {e}")))?;
    if header.version == 0 {
        return Err(ParseError::Corrupt("version 0".to_owned()));
    }
    if header.nonce.len() != NONCE_LEN {
        return Err(ParseError::Corrupt("the payload nonce is not 12 bytes".to_owned()));
    }
    if header.slots.is_empty() {
        return Err(ParseError::Corrupt("no key slots".to_owned()));
    }
    let payload = BASE64
        .decode(envelope.payload)
        .map_err(|e| ParseError::Corrupt(format!("payload: {e}")))?;
    Ok(ParsedFile {
        header_text: envelope.header.get().to_owned(),
        header,
        payload,
    })
}

/// The header's exact text, which is also the payload's AAD.
pub(crate) fn header_text(header: &Header) -> String {
    // Serialising our own struct to a String cannot fail.
    serde_json::to_string(header).unwrap_or_default()
}

/// The whole file for a header text and sealed payload.
pub(crate) fn serialize(header_text: &str, payload: &[u8]) -> Vec<u8> {
    let payload = BASE64.encode(payload);
    let checksum = checksum(header_text, &payload);
    let mut out = Vec::with_capacity(header_text.len() + payload.len() + 128);
    out.extend_from_slice(b"{\"header\":");
    out.extend_from_slice(header_text.as_bytes());
    out.extend_from_slice(b",\"payload\":\"");
    out.extend_from_slice(payload.as_bytes());
    out.extend_from_slice(b"\",\"checksum\":\"");
    out.extend_from_slice(checksum.as_bytes());
    out.extend_from_slice(b"\"}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_bound_to_its_vault_and_kind() {
        let aad = slot_aad("0f6c", "password");
        assert_eq!(aad, b"twofold-vault/0f6c/password");
        assert_ne!(aad, slot_aad("0f6d", "password"));
        assert_ne!(aad, slot_aad("0f6c", "keychain"));
    }

    #[test]
    fn a_damaged_file_that_names_our_format_is_corrupt_not_foreign() {
        let ours = br#"{"header":{"formt":"twofold-vault","version":1},"payload":"","checksum":""}"#;
        assert!(matches!(parse(ours), Err(ParseError::Corrupt(_))));
        let theirs = br#"{"header":{"version":1},"payload":"","checksum":""}"#;
        assert!(matches!(parse(theirs), Err(ParseError::Foreign(_))));
    }
}
