//! The one small trait every format implements, and what it returns.

use twofold_otp::Account;

use crate::error::{ExportError, ImportError};

/// Accounts read from a file, and the entries that could not be read.
#[derive(Debug, Default)]
pub struct Imported {
    /// The accounts, in the file's order.
    pub accounts: Vec<Account>,
    /// Entries that could not be read (malformed), each with the reason.
    pub failures: Vec<EntryFailure>,
    /// Entries left out on purpose, each with the reason: a kind Twofold
    /// does not make codes for (mOTP, Yandex, SHA-384), or a code in the
    /// app's trash. Not failures: the rest of the file is imported.
    pub left_out: Vec<EntryFailure>,
}

/// An entry of a file that could not become an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFailure {
    /// Which entry: its label if it has one, else its position.
    pub entry: String,
    /// Why it was skipped.
    pub reason: String,
}

/// How to write an export.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions<'a> {
    /// Encrypt with this password (formats that can); `None` writes a plain export.
    pub password: Option<&'a str>,
}

/// One file of an export; most formats write one, Google QR codes one per batch.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Added before the extension of the output path when an export has
    /// several files (`-1`, `-2`, ...); `None` for a single file.
    pub suffix: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// A backup or export format of some authenticator.
pub trait Format: Sync {
    /// Short name for the command line: `aegis`, `2fas`, ...
    fn name(&self) -> &'static str;
    /// One line on what the format is.
    fn description(&self) -> &'static str;
    /// Whether the bytes look like this format (cheap; no decryption).
    fn detect(&self, bytes: &[u8]) -> bool;
    /// Whether [`Format::import`] reads this format (false for export-only ones).
    fn can_import(&self) -> bool {
        true
    }
    /// Whether files of this format can be encrypted with a password.
    fn can_encrypt(&self) -> bool {
        false
    }
    /// Reads accounts; `password` is used only when the file is encrypted,
    /// and its absence then gives [`ImportError::PasswordRequired`].
    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError>;
    /// Whether [`Format::export`] is implemented.
    fn can_export(&self) -> bool {
        false
    }
    /// Writes accounts in this format.
    fn export(&self, _accounts: &[Account], _options: ExportOptions<'_>) -> Result<Vec<OutputFile>, ExportError> {
        Err(ExportError::NotExportable { format: self.name() })
    }
}
