//! Everything that can go wrong with a vault, each saying what to do.

use std::path::PathBuf;

/// Why a vault could not be created, opened, changed or saved.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// Creating over an existing file.
    #[error("{}: a file is already there; move it away or choose another path with --vault", .0.display())]
    AlreadyExists(PathBuf),
    /// No vault at the path, but its backup beside it: creating a vault
    /// there would replace the backup at its first save.
    #[error(
        "{}: no vault here, but its backup {} is there, and may be the only copy of your accounts; restore it (rename it to {}) or move it away, then create the vault",
        .0.display(),
        backup_path(.0).display(),
        .0.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    )]
    BackupInTheWay(PathBuf),
    /// No file at the path.
    #[error("{}: no vault here; create one with `twofold init`, or point --vault / TWOFOLD_VAULT at yours", .0.display())]
    NotFound(PathBuf),
    /// The file is not a Twofold vault (another app's file, or not JSON at all).
    #[error("{}: not a Twofold vault ({reason}); it was left untouched", path.display())]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The file is a Twofold vault but damaged: truncated, edited or corrupted.
    #[error(
        "{}: the vault is damaged ({reason}); it was left untouched. Restore the backup {} if it opens",
        path.display(),
        backup_path(path).display()
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Written by a newer Twofold.
    #[error("{}: the vault has format version {found}, newer than this Twofold reads ({supported}); update Twofold", path.display())]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// The password does not open the password slot.
    #[error("wrong password: it does not open this vault; try again (passwords are case-sensitive)")]
    WrongPassword,
    /// A password was needed but the vault has no password slot.
    #[error("this vault has no password; it opens with the keychain")]
    NoPasswordSlot,
    /// The keychain was asked but the vault has no keychain slot.
    #[error("this vault does not keep its key in the keychain; unlock it with its password")]
    NoKeychainSlot,
    /// The key stored in the keychain does not open the vault.
    #[error(
        "the key in the keychain does not open this vault (it belongs to another copy of it); unlock with the password"
    )]
    KeychainKeyMismatch,
    /// A keychain failure.
    #[error(transparent)]
    Keychain(#[from] crate::keychain::KeychainError),
    /// A slot change that must seal the password slot again, on a vault
    /// opened with the keychain: the password has to be given first.
    #[error("give the vault's password first: the password slot is sealed again when the keys change")]
    PasswordNeeded,
    /// Removing the last way to open the vault.
    #[error("that would leave the vault with no way to open it; add a password or the keychain first")]
    LastSlot,
    /// A slot of this kind is already there.
    #[error("the vault already has a {0} slot")]
    SlotExists(&'static str),
    /// Another process holds the vault.
    #[error("{}: another Twofold process is using the vault; close it and try again", .0.display())]
    Locked(PathBuf),
    /// KDF parameters out of the accepted range.
    #[error("password KDF parameters out of range ({0})")]
    KdfParameters(String),
    /// A file system error while reading or writing.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The OS random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}

/// Where the previous version of a vault is kept: `<file>.bak` beside it.
pub fn backup_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> VaultError + '_ {
    move |source| VaultError::Io {
        path: path.to_path_buf(),
        source,
    }
}
