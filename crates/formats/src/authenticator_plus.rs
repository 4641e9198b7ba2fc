//! Authenticator Plus "Export as Text and HTML": a ZIP, encrypted with the
//! legacy ZipCrypto cipher under the export password, whose `Accounts.txt`
//! lists one otpauth URI per line.

use std::io::{Cursor, Read};

use twofold_otp::Account;
use zeroize::Zeroizing;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::common;
use crate::error::ImportError;
use crate::format::{Format, Imported};

/// The format's name.
const NAME: &str = "authenticator-plus";
/// The member holding the URIs.
const ACCOUNTS: &str = "Accounts.txt";
/// A ZIP local file header's signature.
const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
/// Where `detect` looks for the member's name: the first local header...
const HEAD_WINDOW: usize = 1024;
/// ...and the central directory at the end.
const TAIL_WINDOW: usize = 64 * 1024;
/// The largest `Accounts.txt` read; real ones are a few KiB.
const MAX_TEXT: u64 = 4 << 20;

/// Authenticator Plus "Export as Text and HTML" (password-protected ZIP of otpauth URIs).
pub(crate) struct AuthenticatorPlus;

impl Format for AuthenticatorPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Authenticator Plus 'Export as Text and HTML' (password-protected ZIP of otpauth URIs)"
    }

    /// A ZIP that names an `Accounts.txt` member in its first header or its
    /// central directory.
    fn detect(&self, bytes: &[u8]) -> bool {
        let tail = bytes.get(bytes.len().saturating_sub(TAIL_WINDOW)..).unwrap_or(&[]);
        bytes.starts_with(LOCAL_HEADER)
            && (common::contains_early(bytes, ACCOUNTS.as_bytes(), HEAD_WINDOW)
                || common::contains_early(tail, ACCOUNTS.as_bytes(), TAIL_WINDOW))
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let text = read_accounts(bytes, password)?;
        let text =
            std::str::from_utf8(&text).map_err(|_| common::malformed(NAME, format!("{ACCOUNTS} is not UTF-8 text")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Ok(common::collect(
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(number, line)| {
                    let parsed = line.trim().parse::<Account>().map_err(|e| e.to_string());
                    let label = match &parsed {
                        Ok(account) if !(account.issuer.is_empty() && account.name.is_empty()) => {
                            common::label(&account.issuer, &account.name, number)
                        }
                        _ => format!("line {}", number + 1),
                    };
                    (label, parsed)
                }),
        ))
    }
}

/// The decrypted bytes of `Accounts.txt`.
///
/// ZipCrypto checks a password against one byte of its header, so one wrong
/// password in 256 gets past that check and decrypts to garbage, which then
/// fails decompression or the CRC: with a password given, a member that
/// cannot be read counts as a wrong password.
fn read_accounts(bytes: &[u8], password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| common::malformed(NAME, format!("ZIP: {e}")))?;
    let index = (0..archive.len())
        .find(|&i| {
            archive
                .name_for_index(i)
                .is_some_and(|name| name.rsplit(['/', '\\']).next() == Some(ACCOUNTS))
        })
        .ok_or_else(|| common::malformed(NAME, format!("the ZIP holds no {ACCOUNTS}")))?;
    let member = match password {
        Some(password) => archive.by_index_decrypt(index, password.as_bytes()),
        None => archive.by_index(index),
    };
    let mut member = member.map_err(|e| match e {
        ZipError::UnsupportedArchive(reason) if reason == ZipError::PASSWORD_REQUIRED => {
            ImportError::PasswordRequired { format: NAME }
        }
        ZipError::InvalidPassword => ImportError::WrongPassword { format: NAME },
        ZipError::UnsupportedArchive(reason) => ImportError::Unsupported {
            format: NAME,
            reason: reason.to_owned(),
        },
        other => common::malformed(NAME, format!("ZIP: {other}")),
    })?;
    let encrypted = member.encrypted();
    let capacity = usize::try_from(member.size().min(MAX_TEXT)).unwrap_or(0);
    let mut text = Zeroizing::new(Vec::with_capacity(capacity.saturating_add(1)));
    if let Err(e) = member.by_ref().take(MAX_TEXT + 1).read_to_end(&mut text) {
        return Err(if encrypted {
            ImportError::WrongPassword { format: NAME }
        } else {
            common::malformed(NAME, format!("{ACCOUNTS}: {e}"))
        });
    }
    if text.len() as u64 > MAX_TEXT {
        return Err(common::malformed(
            NAME,
            format!("{ACCOUNTS} is larger than {} MiB", MAX_TEXT >> 20),
        ));
    }
    Ok(text)
}
