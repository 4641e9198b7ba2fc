//! What can go wrong reading or writing another app's file.

/// Why a file could not be imported. Every message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is encrypted and no password was given.
    #[error("this {format} file is encrypted; give the password it was exported with")]
    PasswordRequired {
        /// The format's name.
        format: &'static str,
    },
    /// The password does not decrypt the file.
    #[error("wrong password for this {format} file; try again (passwords are case-sensitive)")]
    WrongPassword {
        /// The format's name.
        format: &'static str,
    },
    /// The bytes are not what the format says: truncated, damaged or another kind of file.
    #[error(
        "not a valid {format} file ({reason}); check that it was exported completely, or name its format with --format"
    )]
    Malformed {
        /// The format's name.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A valid file of a version or variant we do not read.
    #[error("this {format} file is not supported: {reason}")]
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// What is not supported.
        reason: String,
    },
    /// No format recognised the file.
    #[error("the file's format was not recognised; name it with --format (see `twofold formats`)")]
    UnknownFormat,
}

/// Why accounts could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The format is read-only here.
    #[error("{format} files can be imported but not exported")]
    NotExportable {
        /// The format's name.
        format: &'static str,
    },
    /// An encrypted export without a password.
    #[error("{format} export needs a password; give one with --backup-password-file")]
    PasswordRequired {
        /// The format's name.
        format: &'static str,
    },
    /// An account the format cannot hold.
    #[error("{format} cannot hold {label}: {reason}")]
    Unsupported {
        /// The format's name.
        format: &'static str,
        /// The account's `issuer: name`.
        label: String,
        /// What the format lacks.
        reason: String,
    },
    /// Anything else (randomness, encoding).
    #[error("{format} export failed: {reason}")]
    Failed {
        /// The format's name.
        format: &'static str,
        /// What failed.
        reason: String,
    },
}
