//! One error type for every step, with a kind the front ends branch on.

use twofold_formats::{ExportError, ImportError};
use twofold_otp::{AccountError, PayloadError};
use twofold_scan::ScanError;
use twofold_vault::{KeychainError, VaultError};

/// What kind of failure an [`Error`] is: what a front end shows differently
/// (a password field to retry, a damaged file to restore, an id to correct).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A password that does not open the vault or the file.
    WrongPassword,
    /// The keychain is missing, locked, or has no key for this vault.
    Keychain,
    /// The vault file is damaged, foreign or newer than this build reads.
    VaultDamaged,
    /// Another process holds the vault.
    VaultBusy,
    /// A file could not be read or written.
    Io,
    /// No account has this id (or the id is empty).
    NoSuchAccount,
    /// The id starts several accounts' ids.
    AmbiguousId,
    /// A link, label or form value that is not valid.
    Invalid,
    /// An image that is not readable, or too large.
    BadImage,
    /// An image with no QR code in it.
    NoQrCode,
    /// QR codes were found, but none holds an account.
    NoAccount,
    /// An encrypted export file was given without its password.
    PasswordRequired,
    /// An export file that is damaged, unsupported or of no known format.
    BadExport,
    /// An export that cannot be written in the format asked for.
    Export,
    /// The system clock is before 1970.
    Clock,
    /// A file that is there already, and was not to be replaced unasked.
    Exists,
    /// A change that would leave the vault with no slot, so no way in.
    LastSlot,
    /// Anything else (the OS random generator failing, a slot already there).
    Other,
}

impl ErrorKind {
    /// The kind as a `snake_case` word, for the app's IPC errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongPassword => "wrong_password",
            Self::Keychain => "keychain",
            Self::VaultDamaged => "vault_damaged",
            Self::VaultBusy => "vault_busy",
            Self::Io => "io",
            Self::NoSuchAccount => "no_such_account",
            Self::AmbiguousId => "ambiguous_id",
            Self::Invalid => "invalid",
            Self::BadImage => "bad_image",
            Self::NoQrCode => "no_qr_code",
            Self::NoAccount => "no_account",
            Self::PasswordRequired => "password_required",
            Self::BadExport => "bad_export",
            Self::Export => "export",
            Self::Clock => "clock",
            Self::Exists => "exists",
            Self::LastSlot => "last_slot",
            Self::Other => "other",
        }
    }
}

/// Why a step failed; every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Creating, opening, changing or saving the vault.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// A link that holds no valid account.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The link numbered `number` (from 1) of several holds no valid account.
    #[error("URI {number}: {source}")]
    Link {
        /// Its place in the list, from 1.
        number: usize,
        /// What is wrong with it.
        source: PayloadError,
    },
    /// An account change that is not valid (labels, counter).
    #[error(transparent)]
    Account(#[from] AccountError),
    /// An image that cannot be read.
    #[error(transparent)]
    Image(#[from] ScanError),
    /// An image file larger than any screenshot.
    #[error("the image is over {} MB; use a screenshot or a smaller photo", .0 >> 20)]
    ImageTooLarge(usize),
    /// An image with no QR code.
    #[error("no QR code was found in the image; try a sharper or larger picture, or crop it to the code")]
    NoQrCode,
    /// QR codes, none of which holds an account; why, per code.
    #[error("{}", .0.join("; "))]
    NoAccount(Vec<String>),
    /// No account has the id given (or it is empty).
    #[error("{}", if .0.is_empty() { "id: empty".to_owned() } else { format!("id: no account has the id {:?}", .0) })]
    NoSuchAccount(String),
    /// The id given starts several accounts' ids.
    #[error("id: {id:?} starts {count} account ids; give more of it")]
    AmbiguousId {
        /// The id given.
        id: String,
        /// How many ids it starts.
        count: usize,
    },
    /// Importing another app's file.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// Exporting to another app's format.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// No format has this name.
    #[error("format: no format is called {0:?}")]
    UnknownFormatName(String),
    /// A format that can only be read.
    #[error("{0} files can be imported but not exported")]
    NotExportable(&'static str),
    /// An export file larger than any authenticator writes.
    #[error("{path} is {size} bytes, far larger than any authenticator export")]
    ExportTooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
    },
    /// A file that already exists, not to be replaced unasked.
    #[error("{0} exists; choose another path, or confirm that it may be replaced")]
    Exists(String),
    /// Reading or writing a file.
    #[error("cannot {action} {path}: {source}")]
    File {
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The preferences file cannot be read.
    #[error("the preferences in {path} are damaged ({reason}); delete that file to start from the defaults")]
    Preferences {
        /// The file.
        path: String,
        /// What is wrong in it.
        reason: String,
    },
    /// A new password that is empty.
    #[error("password: empty; type the new password")]
    EmptyPassword,
    /// A change of the vault's keys, asked without its present password.
    #[error("give the vault's present password to change how it opens")]
    CurrentPasswordNeeded,
    /// The clock is before 1970.
    #[error("the system clock is before 1970; set the date, or no code can be right")]
    Clock,
    /// An export with entries that cannot be read: nothing was imported.
    #[error(
        "{} of the file's entries cannot be read, so nothing was imported: {}; \
         fix or export the file again, or import the rest and leave these out (--skip-invalid)",
        .0.len(),
        .0.iter().map(|f| format!("{}: {}", f.entry, f.reason)).collect::<Vec<_>>().join("; ")
    )]
    InvalidEntries(Vec<twofold_formats::EntryFailure>),
    /// A file named as a format that yields nothing read as it.
    #[error("the file holds no account read as {format}{}", match .looks_like {
        Some(other) => format!("; it is a file of the {other} format"),
        None => "; choose another format, or check that the file holds accounts".to_owned(),
    })]
    NothingAsFormat {
        /// The format named.
        format: &'static str,
        /// The format the file's signature shows, if any.
        looks_like: Option<&'static str>,
    },
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Vault(error) => vault_kind(error),
            Self::Payload(_)
            | Self::Link { .. }
            | Self::Account(_)
            | Self::UnknownFormatName(_)
            | Self::EmptyPassword => ErrorKind::Invalid,
            Self::Image(_) | Self::ImageTooLarge(_) => ErrorKind::BadImage,
            Self::NoQrCode => ErrorKind::NoQrCode,
            Self::NoAccount(_) => ErrorKind::NoAccount,
            Self::NoSuchAccount(_) => ErrorKind::NoSuchAccount,
            Self::AmbiguousId { .. } => ErrorKind::AmbiguousId,
            Self::Import(ImportError::PasswordRequired { .. }) => ErrorKind::PasswordRequired,
            Self::Import(ImportError::WrongPassword { .. }) => ErrorKind::WrongPassword,
            Self::Import(_) | Self::ExportTooLarge { .. } | Self::InvalidEntries(_) | Self::NothingAsFormat { .. } => {
                ErrorKind::BadExport
            }
            Self::Export(_) | Self::NotExportable(_) => ErrorKind::Export,
            Self::Exists(_) => ErrorKind::Exists,
            Self::File { .. } | Self::Preferences { .. } => ErrorKind::Io,
            Self::CurrentPasswordNeeded => ErrorKind::PasswordRequired,
            Self::Clock => ErrorKind::Clock,
        }
    }
}

fn vault_kind(error: &VaultError) -> ErrorKind {
    match error {
        VaultError::WrongPassword => ErrorKind::WrongPassword,
        VaultError::Keychain(KeychainError::Other(_)) => ErrorKind::Other,
        VaultError::Keychain(_) | VaultError::KeychainKeyMismatch | VaultError::NoKeychainSlot => ErrorKind::Keychain,
        VaultError::Foreign { .. } | VaultError::Corrupt { .. } | VaultError::NewerVersion { .. } => {
            ErrorKind::VaultDamaged
        }
        VaultError::Locked(_) => ErrorKind::VaultBusy,
        VaultError::LastSlot => ErrorKind::LastSlot,
        VaultError::Io { .. }
        | VaultError::NotFound(_)
        | VaultError::AlreadyExists(_)
        | VaultError::BackupInTheWay(_) => ErrorKind::Io,
        _ => ErrorKind::Other,
    }
}
