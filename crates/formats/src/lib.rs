//! Import and export of other authenticators' files for Twofold.
//!
//! One module per format, each a [`Format`]: `import(bytes, password)` gives
//! the accounts, or [`ImportError::PasswordRequired`] when the file is
//! encrypted and no password was given, so that a UI asks for a password
//! only when the file needs one (as Aegis does). Formats that can be written
//! also `export`. [`FORMATS`] lists them all and [`detect`] names the format
//! of a file from its bytes.
//!
//! This crate knows nothing of where bytes come from or go: files, the
//! clipboard and the vault are the callers' business.
#![forbid(unsafe_code)]

mod common;
mod error;
mod format;
mod registry;

mod aegis;
mod andotp;
mod authenticator_plus;
mod authy;
mod battle_net;
mod bitwarden;
mod crypto;
mod duo;
mod ente;
mod freeotp;
mod freeotp_plus;
mod google;
mod html;
mod java;
mod lastpass;
mod prefs;
mod proton;
mod proton_pass;
mod raivo;
mod sqlite;
mod steam;
mod stratum;
mod totp_authenticator;
mod twofas;
mod twofold;
mod uri_list;
mod winauth;
mod zipped;

pub use error::{ExportError, ImportError};
pub use format::{EntryFailure, ExportOptions, Format, Imported, OutputFile};
pub use registry::{FORMATS, by_name, detect, detect_with_password};
