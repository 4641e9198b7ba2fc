//! Duo Mobile's internal account list (`duokit/accounts.json`, needs root):
//! third-party OTP accounts with a base32 secret and a name (no issuer),
//! and a counter for HOTP, taken as the counter of the next code.

use serde::Deserialize;

use crate::common::{Entry, SecretField, collect, contains_early, json as parse_json, starts_with_trimmed};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// Duo Mobile's accounts file.
pub(crate) struct Duo;

const NAME: &str = "duo";

#[derive(Deserialize)]
struct DuoAccount {
    #[serde(default)]
    name: String,
    #[serde(rename = "otpGenerator")]
    otp_generator: Generator,
}

#[derive(Deserialize)]
struct Generator {
    #[serde(rename = "otpSecret")]
    otp_secret: zeroize::Zeroizing<String>,
    #[serde(default)]
    counter: Option<i64>,
}

impl Format for Duo {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Duo Mobile internal accounts (JSON, root)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"[") && contains_early(bytes, b"\"otpGenerator\"", 4096)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let crate::common::Bounded(accounts): crate::common::Bounded<DuoAccount> = parse_json(NAME, bytes)?;
        Ok(collect(accounts.iter().map(|duo| {
            let generator = &duo.otp_generator;
            let result = Entry {
                kind: Some(if generator.counter.is_some() { "hotp" } else { "totp" }),
                name: &duo.name,
                secret: SecretField::Base32(&generator.otp_secret),
                counter: generator.counter,
                ..Entry::default()
            }
            .account();
            (duo.name.clone(), result)
        })))
    }
}
