//! The account model of Twofold and everything that needs only an account:
//! `otpauth://` URIs in and out, HOTP (RFC 4226), TOTP (RFC 6238) and Steam
//! Guard codes, and Google Authenticator's `otpauth-migration://` payload.
//!
//! This crate knows nothing of files, images or storage: text comes in,
//! [`Account`]s and codes come out. Every parser returns a typed error that
//! names the field at fault; nothing panics on input.
//!
//! ```
//! use twofold_otp::Account;
//!
//! let account: Account = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
//!     .parse()
//!     .unwrap();
//! assert_eq!(account.issuer, "Example");
//! assert_eq!(account.code_at(59).to_string(), "996554");
//! assert_eq!(account.remaining_seconds(59), Some(1));
//! ```
#![forbid(unsafe_code)]

mod account;
mod base32;
mod code;
mod entry;
mod keyed;
pub mod migration;
mod secret;
mod uri;

pub use account::{Account, AccountError, AccountId, Algorithm, Kind, STEAM_DIGITS, STEAM_PERIOD};
pub use code::{Code, Generator, Numbers};
pub use entry::{AccountForm, FieldError, PayloadError, Payloads, accounts_from_uri, accounts_in_payloads};
pub use secret::{Secret, SecretError};
pub use uri::UriError;
