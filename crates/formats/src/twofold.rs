//! Twofold's own encrypted backup: a complete vault file with one password
//! slot (see crates/vault/FORMAT.md), so that it can also be opened as a
//! vault with `twofold --vault backup.json`.

use twofold_otp::Account;
use twofold_vault::{KdfParams, VaultData, VaultError};

use crate::error::{ExportError, ImportError};
use crate::format::{ExportOptions, Format, Imported, OutputFile};

/// A Twofold backup.
pub(crate) struct TwofoldBackup;

const NAME: &str = "twofold";

impl Format for TwofoldBackup {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Twofold encrypted backup (a vault file with a password slot)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        crate::common::starts_with_trimmed(bytes, b"{\"header\":{\"format\":\"twofold-vault\"")
            && twofold_vault::is_vault_file(bytes)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let password = password.ok_or(ImportError::PasswordRequired { format: NAME })?;
        match twofold_vault::open_backup(bytes, password) {
            Ok(data) => Ok(Imported {
                accounts: data.accounts,
                ..Imported::default()
            }),
            Err(VaultError::WrongPassword) => Err(ImportError::WrongPassword { format: NAME }),
            Err(VaultError::NoPasswordSlot) => Err(ImportError::Unsupported {
                format: NAME,
                reason: "this vault has no password slot; open it with `twofold --vault FILE` on the machine whose keychain holds its key".to_owned(),
            }),
            Err(error) => Err(ImportError::Malformed { format: NAME, reason: error.to_string() }),
        }
    }

    fn can_export(&self) -> bool {
        true
    }

    fn export(&self, accounts: &[Account], options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        let password = options.password.ok_or(ExportError::PasswordRequired { format: NAME })?;
        let data = VaultData {
            accounts: accounts.to_vec(),
            ..VaultData::default()
        };
        let bytes =
            twofold_vault::seal_backup(&data, password, KdfParams::default()).map_err(|e| ExportError::Failed {
                format: NAME,
                reason: e.to_string(),
            })?;
        Ok(vec![OutputFile { suffix: None, bytes }])
    }
}
