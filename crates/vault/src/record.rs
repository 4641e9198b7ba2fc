//! What the encrypted payload holds: accounts, groups and settings, in a
//! serde form of our own so that the file format does not move when the
//! in-memory model does.

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};
use twofold_otp::{Account, AccountId, Algorithm, Kind, Secret};
use zeroize::Zeroizing;

/// Everything a vault keeps.
#[derive(Debug, Clone, Default)]
pub struct VaultData {
    /// The accounts, in the user's order.
    pub accounts: Vec<Account>,
    /// Group names, in the user's order (an account's group need not be listed).
    pub groups: Vec<String>,
    /// Preferences that travel with the vault.
    pub settings: Settings,
}

/// What a merge did: the accounts added, and those skipped as already there.
#[derive(Debug, Default)]
pub struct Merge {
    /// Accounts that were new, now in the vault.
    pub added: Vec<Account>,
    /// Accounts skipped because the vault (or an earlier one of the same
    /// batch) already makes the same codes under the same labels.
    pub skipped: Vec<Account>,
}

impl VaultData {
    /// Adds accounts, skipping exact duplicates: same issuer, name, secret
    /// and code parameters (see [`Account::same_otp`]). An account with the
    /// same label but another secret is added: it is another account.
    pub fn merge(&mut self, accounts: Vec<Account>) -> Merge {
        let mut merge = Merge::default();
        for account in accounts {
            if self.accounts.iter().any(|existing| existing.same_otp(&account)) {
                merge.skipped.push(account);
            } else {
                if let Some(group) = account.group.as_ref().filter(|g| !self.groups.contains(g)) {
                    self.groups.push(group.clone());
                }
                self.accounts.push(account.clone());
                merge.added.push(account);
            }
        }
        merge
    }
}

/// Preferences kept inside the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Seconds after a copy before the clipboard is cleared (0: never).
    pub clipboard_clear_seconds: u32,
    /// Minutes of inactivity before the app locks (0: never).
    pub auto_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clipboard_clear_seconds: 30,
            auto_lock_minutes: 5,
        }
    }
}

/// The payload as stored: see FORMAT.md.
#[derive(Serialize, Deserialize)]
pub(crate) struct PayloadRecord {
    pub(crate) accounts: Vec<AccountRecord>,
    #[serde(default)]
    pub(crate) groups: Vec<String>,
    #[serde(default)]
    pub(crate) settings: Settings,
}

/// One account as stored.
#[derive(Serialize, Deserialize)]
pub(crate) struct AccountRecord {
    id: String,
    issuer: String,
    name: String,
    /// Unpadded base32.
    secret: Zeroizing<String>,
    /// `totp`, `hotp` or `steam`.
    kind: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    algorithm: String,
    digits: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    note: String,
    #[serde(default)]
    favourite: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icon: Option<String>,
}

impl From<&Account> for AccountRecord {
    fn from(account: &Account) -> Self {
        Self {
            id: account.id.to_string(),
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            secret: account.secret.to_base32(),
            kind: account.kind.as_str().to_owned(),
            algorithm: account.effective_algorithm().as_str().to_owned(),
            digits: account.digits(),
            period: match account.kind {
                Kind::Totp { period } => Some(period.get()),
                _ => None,
            },
            counter: account.kind.counter(),
            group: account.group.clone(),
            tags: account.tags.clone(),
            note: account.note.clone(),
            favourite: account.favourite,
            icon: account.icon.clone(),
        }
    }
}

impl AccountRecord {
    /// Back to an account; the error names the field.
    pub(crate) fn to_account(&self) -> Result<Account, String> {
        let id: AccountId = self.id.parse().map_err(|e| format!("{e}"))?;
        let secret = Secret::from_base32(&self.secret).map_err(|e| format!("secret: {e}"))?;
        let kind = match self.kind.as_str() {
            "totp" => {
                let period = self.period.and_then(NonZeroU32::new).ok_or("period: missing or zero")?;
                Kind::Totp { period }
            }
            "hotp" => Kind::Hotp {
                counter: self.counter.ok_or("counter: missing")?,
            },
            "steam" => Kind::Steam,
            other => return Err(format!("kind: {other:?} is not totp, hotp or steam")),
        };
        let algorithm: Algorithm = self.algorithm.parse().map_err(|e| format!("{e}"))?;
        let mut account = Account::new(self.issuer.clone(), self.name.clone(), secret, kind).with_algorithm(algorithm);
        if kind != Kind::Steam {
            account.set_digits(self.digits).map_err(|e| format!("{e}"))?;
        }
        account.id = id;
        account.group = self.group.clone();
        account.tags = self.tags.clone();
        account.note = self.note.clone();
        account.favourite = self.favourite;
        account.icon = self.icon.clone();
        Ok(account)
    }
}

impl PayloadRecord {
    pub(crate) fn from_data(data: &VaultData) -> Self {
        Self {
            accounts: data.accounts.iter().map(AccountRecord::from).collect(),
            groups: data.groups.clone(),
            settings: data.settings.clone(),
        }
    }

    pub(crate) fn into_data(self) -> Result<VaultData, String> {
        let accounts = self
            .accounts
            .iter()
            .enumerate()
            .map(|(index, record)| record.to_account().map_err(|e| format!("account {}: {e}", index + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(VaultData {
            accounts,
            groups: self.groups,
            settings: self.settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(uri: &str) -> Account {
        uri.parse().unwrap()
    }

    #[test]
    fn merge_skips_exact_duplicates_only() {
        let mut data = VaultData::default();
        let first = data.merge(vec![
            account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"),
            account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"),
        ]);
        assert_eq!((first.added.len(), first.skipped.len()), (1, 1));
        let mut grouped = account("otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ");
        grouped.group = Some("Work".to_owned());
        let second = data.merge(vec![
            account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"),
            grouped,
            account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&digits=8"),
        ]);
        assert_eq!((second.added.len(), second.skipped.len()), (2, 1));
        assert_eq!(data.accounts.len(), 3);
        assert_eq!(data.groups, vec!["Work".to_owned()]);
    }
}
