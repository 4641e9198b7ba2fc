//! Authy for Android's token store (root needed):
//! `shared_prefs/com.authy.storage.tokens.authenticator.xml`, whose
//! `com.authy.storage.tokens.authenticator.key` string is a JSON array of
//! third-party TOTP tokens, and `com.authy.storage.tokens.authy.xml`
//! (`...authy.key`) for Authy's own tokens. Third-party tokens have a
//! base32 `decryptedSecret`, or, when the user set a backup password, an
//! `encryptedSecret`: AES-256-CBC with a zero IV under
//! PBKDF2-HMAC-SHA1(password, the entry's `salt` text, 1000 rounds), whose
//! plaintext is the base32 secret. Authy stores neither algorithm nor
//! period: its tokens are SHA-1, 30 seconds (10 for its own tokens, whose
//! key is the hex `secretSeed`).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde::Deserialize;
use serde_json::value::RawValue;
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{Entry, Problem, SecretField, collect, hex, label, malformed};
use crate::crypto::{aes_cbc_decrypt, pbkdf2_sha1};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::prefs;

/// Authy for Android internal token store.
pub(crate) struct Authy;

const NAME: &str = "authy";

/// The preferences holding the token lists: third-party tokens, then Authy's own.
const KEYS: [&str; 2] = [
    "com.authy.storage.tokens.authenticator.key",
    "com.authy.storage.tokens.authy.key",
];
/// PBKDF2 rounds of the backup-password encryption.
const ROUNDS: u32 = 1000;

/// One token of Authy's lists.
#[derive(Deserialize)]
struct Token {
    #[serde(default, rename = "accountType")]
    account_type: Option<String>,
    #[serde(default, rename = "decryptedSecret")]
    decrypted_secret: Option<Zeroizing<String>>,
    #[serde(default, rename = "encryptedSecret")]
    encrypted_secret: Option<String>,
    #[serde(default)]
    salt: Option<String>,
    #[serde(default, rename = "secretSeed")]
    secret_seed: Option<Zeroizing<String>>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default, rename = "originalIssuer")]
    original_issuer: Option<String>,
    #[serde(default, rename = "originalName")]
    original_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

/// The outcome of opening one encrypted secret.
enum Opened {
    /// The base32 secret.
    Secret(Zeroizing<String>),
    /// The password does not open it.
    Refused,
}

impl Token {
    /// Whether the key is only present encrypted.
    fn is_encrypted(&self) -> bool {
        self.decrypted_secret.is_none() && self.secret_seed.is_none() && self.encrypted_secret.is_some()
    }

    /// Issuer and account name as the user saw them.
    fn names(&self) -> (String, String) {
        let name = self.name.as_deref().unwrap_or("").trim();
        if self.secret_seed.is_some() {
            // Authy's own tokens carry only the service's name.
            return (name.to_owned(), String::new());
        }
        let original_name = self.original_name.as_deref().unwrap_or("").trim();
        let issuer = match self.original_issuer.as_deref().map(str::trim) {
            Some(issuer) if !issuer.is_empty() => issuer.to_owned(),
            _ => {
                if let Some((prefix, _)) = original_name.split_once(':') {
                    prefix.trim().to_owned()
                } else if let Some((prefix, _)) = name.split_once(" - ") {
                    prefix.trim().to_owned()
                } else {
                    account_type_issuer(self.account_type.as_deref().unwrap_or(""))
                }
            }
        };
        // The display name usually repeats the issuer: "Deno: Mason", "Deno - Mason".
        let mut account = name;
        if !issuer.is_empty()
            && let Some(rest) = account.strip_prefix(issuer.as_str())
        {
            let rest = rest.trim_start();
            if let Some(rest) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('-')) {
                account = rest.trim();
            } else if rest.is_empty() {
                account = rest;
            }
        }
        if account.is_empty() {
            account = original_name
                .split_once(':')
                .map_or(original_name, |(_, rest)| rest.trim());
            if account == issuer {
                account = "";
            }
        }
        (issuer, account.to_owned())
    }

    /// Opens the encrypted secret with `password`; `Err` when the entry is damaged.
    fn open(&self, password: &str) -> Result<Opened, String> {
        let sealed = self.encrypted_secret.as_deref().ok_or("no secret")?.trim();
        let salt = self.salt.as_deref().ok_or("an encrypted secret without its salt")?;
        let sealed = STANDARD
            .decode(sealed)
            .or_else(|_| STANDARD_NO_PAD.decode(sealed.trim_end_matches('=')))
            .map_err(|e| format!("encryptedSecret: {e}"))?;
        if sealed.is_empty() || !sealed.len().is_multiple_of(16) {
            return Err("encryptedSecret is not whole AES blocks".to_owned());
        }
        let key = pbkdf2_sha1(password.as_bytes(), salt.as_bytes(), ROUNDS, 32);
        let Some(plain) = aes_cbc_decrypt(&key, &[0; 16], &sealed) else {
            return Ok(Opened::Refused);
        };
        // A wrong key that happens to leave valid padding still yields noise, not base32.
        let is_base32 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'=' | b' ' | b'-');
        if plain.is_empty() || !plain.iter().all(is_base32) {
            return Ok(Opened::Refused);
        }
        let text = String::from_utf8(plain.to_vec()).map_err(|_| "not text")?;
        Ok(Opened::Secret(Zeroizing::new(text)))
    }

    /// The account, given the base32 secret (for encrypted entries, already opened).
    fn account(&self, opened: Option<&str>) -> Result<Account, Problem> {
        let (issuer, name) = self.names();
        if let Some(seed) = &self.secret_seed {
            let key = Zeroizing::new(hex(seed).ok_or("secretSeed is not hex")?);
            // Authy's own tokens carry the service's name alone (`names` leaves the account's empty).
            return Entry {
                issuer: &issuer,
                secret: SecretField::Bytes(&key),
                digits: Some(self.digits.unwrap_or(7)),
                period: Some(10),
                ..Entry::default()
            }
            .account();
        }
        let secret = match (opened, &self.decrypted_secret) {
            (Some(secret), _) => secret,
            (None, Some(secret)) => secret.as_str(),
            (None, None) => return Err("no secret".into()),
        };
        Entry {
            issuer: &issuer,
            name: &name,
            secret: SecretField::Base32(secret),
            digits: self.digits,
            ..Entry::default()
        }
        .account()
    }
}

/// Authy's account type as an issuer: `google` becomes `Google`; the generic type none.
fn account_type_issuer(kind: &str) -> String {
    let kind = kind.trim();
    if kind.is_empty() || kind.eq_ignore_ascii_case("authenticator") {
        return String::new();
    }
    let mut chars = kind.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl Format for Authy {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Authy for Android internal token store (shared_prefs XML, plain or with encrypted secrets)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        prefs::looks_like(bytes)
            && KEYS
                .iter()
                .any(|key| prefs::contains(bytes, format!("name=\"{key}\"").as_bytes()))
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let prefs = prefs::parse(bytes).map_err(|e| malformed(NAME, e))?;
        let lists: Vec<&str> = KEYS.iter().filter_map(|key| prefs.string(key)).collect();
        if lists.is_empty() {
            return Err(malformed(NAME, "no Authy token list in the file"));
        }
        let mut raws = Vec::new();
        for list in lists {
            let crate::common::Bounded(items): crate::common::Bounded<&RawValue> = serde_json::from_str(list)
                .map_err(|e| malformed(NAME, format!("token list: {}", crate::common::json_reason(&e))))?;
            raws.extend(items);
        }
        let tokens: Vec<Result<Token, String>> = raws
            .iter()
            .map(|raw| serde_json::from_str(raw.get()).map_err(|e| crate::common::json_reason(&e)))
            .collect();

        let encrypted = tokens.iter().any(|t| t.as_ref().is_ok_and(Token::is_encrypted));
        let mut opened: Vec<Option<Result<Opened, String>>> = Vec::with_capacity(tokens.len());
        if encrypted {
            let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
            for token in &tokens {
                opened.push(
                    token
                        .as_ref()
                        .ok()
                        .filter(|t| t.is_encrypted())
                        .map(|t| t.open(password)),
                );
            }
            let refused = opened.iter().filter(|o| matches!(o, Some(Ok(Opened::Refused)))).count();
            let accepted = opened
                .iter()
                .filter(|o| matches!(o, Some(Ok(Opened::Secret(_)))))
                .count();
            if refused > 0 && accepted == 0 {
                return Err(ImportError::WrongPassword { format: NAME });
            }
        }

        Ok(collect(tokens.iter().enumerate().map(|(index, token)| {
            let token = match token {
                Ok(token) => token,
                Err(e) => return (format!("entry {}", index + 1), Err(Problem::from(e.clone()))),
            };
            let (issuer, name) = token.names();
            let result = match opened.get(index) {
                Some(Some(Ok(Opened::Secret(secret)))) => token.account(Some(secret)),
                Some(Some(Ok(Opened::Refused))) => Err("the password does not open this secret".into()),
                Some(Some(Err(e))) => Err(e.clone().into()),
                _ => token.account(None),
            };
            (label(&issuer, &name, index), result)
        })))
    }
}
