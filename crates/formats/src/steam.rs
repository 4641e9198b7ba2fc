//! Steam Mobile's guard data (needs root): the new layout
//! `{"accounts": {"<id>": {...}}}` and the old one-object `steamguard-<id>`
//! file. The key is `shared_secret` (base64); the account name labels it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::Value;
use twofold_otp::Account;

use crate::common::{Entry, Problem, SecretField, collect, contains_early, starts_with_trimmed};
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// Steam's guard file.
pub(crate) struct Steam;

const NAME: &str = "steam";

#[derive(Deserialize)]
struct Guard {
    shared_secret: zeroize::Zeroizing<String>,
    #[serde(default)]
    account_name: String,
}

fn account(guard: &Guard) -> Result<Account, Problem> {
    let secret = zeroize::Zeroizing::new(
        BASE64
            .decode(guard.shared_secret.trim())
            .map_err(|e| format!("shared_secret: {e}"))?,
    );
    Entry {
        kind: Some("steam"),
        issuer: "Steam",
        name: &guard.account_name,
        secret: SecretField::Bytes(&secret),
        ..Entry::default()
    }
    .account()
}

impl Format for Steam {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Steam Mobile guard file (steamguard: new and old layout, root)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{") && contains_early(bytes, b"\"shared_secret\"", 8192)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let value: Value = crate::common::json(NAME, bytes)?;
        let guards: Vec<Guard> = match value.get("accounts") {
            Some(Value::Object(accounts)) => accounts
                .values()
                .map(|v| serde_json::from_value(v.clone()).map_err(|e| crate::common::json_error(NAME, &e)))
                .collect::<Result<_, _>>()?,
            _ => vec![serde_json::from_value(value).map_err(|e| crate::common::json_error(NAME, &e))?],
        };
        Ok(collect(
            guards.iter().map(|guard| (guard.account_name.clone(), account(guard))),
        ))
    }
}
