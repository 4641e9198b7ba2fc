//! The Battle.net app's authenticator preferences (root needed):
//! `shared_prefs/com.blizzard.messenger.authenticator_preferences.xml`.
//! `AUTHENTICATOR_DEVICE_SECRET` and `AUTHENTICATOR_SERIAL` are hex strings
//! masked by XOR with a fixed 57-byte key; unmasked, the secret is the hex
//! text of the TOTP key and the serial reads like `US-1234-5678-9012`.
//! Battle.net codes are 8 digits, SHA-1, 30 seconds.

use zeroize::Zeroizing;

use crate::common::{Entry, Problem, SecretField, collect, hex, label, malformed};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::prefs;

/// Battle.net Authenticator internal preferences.
pub(crate) struct BattleNet;

const NAME: &str = "battle-net";
const SECRET_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const ENCRYPTION_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE";
const ISSUER: &str = "Battle.net";

/// The app's fixed masking key.
const MASK: [u8; 57] = [
    0x39, 0x8e, 0x27, 0xfc, 0x50, 0x27, 0x6a, 0x65, 0x60, 0x65, 0xb0, 0xe5, 0x25, 0xf4, 0xc0, 0x6c, 0x04, 0xc6, 0x10,
    0x75, 0x28, 0x6b, 0x8e, 0x7a, 0xed, 0xa5, 0x9d, 0xa9, 0x81, 0x3b, 0x5d, 0xd6, 0xc8, 0x0d, 0x2f, 0xb3, 0x80, 0x68,
    0x77, 0x3f, 0xa5, 0x9b, 0xa4, 0x7c, 0x17, 0xca, 0x6c, 0x64, 0x79, 0x01, 0x5c, 0x1d, 0x5b, 0x8b, 0x8f, 0x6b, 0x9a,
];

/// Removes the mask from hex text; the result must be printable ASCII.
fn unmask(masked: &str, what: &str) -> Result<Zeroizing<String>, String> {
    let bytes = Zeroizing::new(hex(masked).ok_or_else(|| format!("{what} is not hex"))?);
    if bytes.len() > MASK.len() {
        return Err(format!("{what} is longer than the mask ({} bytes)", bytes.len()));
    }
    let plain: Zeroizing<Vec<u8>> = Zeroizing::new(bytes.iter().zip(MASK.iter()).map(|(b, m)| b ^ m).collect());
    if !plain.iter().all(|b| b.is_ascii_graphic()) {
        return Err(format!("{what} does not unmask to text"));
    }
    let text = String::from_utf8(plain.to_vec()).map_err(|_| format!("{what} does not unmask to text"))?;
    Ok(Zeroizing::new(text))
}

impl Format for BattleNet {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Battle.net Authenticator internal preferences (XML, masked device secret)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        prefs::looks_like(bytes) && prefs::contains(bytes, format!("name=\"{SECRET_KEY}\"").as_bytes())
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let prefs = prefs::parse(bytes).map_err(|e| malformed(NAME, e))?;
        if let Some(kind) = prefs.string(ENCRYPTION_KEY)
            && !kind.trim().eq_ignore_ascii_case("MASK")
        {
            return Err(ImportError::Unsupported {
                format: NAME,
                reason: format!("credentials protected with {kind:?} (only the MASK scheme can be read off the phone)"),
            });
        }
        let masked = prefs
            .string(SECRET_KEY)
            .ok_or_else(|| malformed(NAME, format!("no {SECRET_KEY}")))?;
        let serial = match prefs.string(SERIAL_KEY).map(str::trim) {
            None | Some("") => Ok(Zeroizing::new(String::new())),
            Some(serial) => unmask(serial, "the serial").map_err(Problem::from),
        };
        let shown = serial.as_ref().map_or(String::new(), |s| s.to_string());
        let result = serial.and_then(|serial| {
            let secret_hex = unmask(masked.trim(), "the device secret")?;
            let secret =
                Zeroizing::new(hex(&secret_hex).ok_or(Problem::from("the device secret does not unmask to hex"))?);
            Entry {
                issuer: ISSUER,
                name: &serial,
                secret: SecretField::Bytes(&secret),
                digits: Some(8),
                ..Entry::default()
            }
            .account()
        });
        Ok(collect([(label(ISSUER, &shown, 0), result)]))
    }
}
