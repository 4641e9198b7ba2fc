//! One member of a ZIP export, plain or password-protected (ZipCrypto or
//! WinZip AES): what Authenticator Plus, Raivo, WinAuth and Proton Pass
//! write.

use std::io::{Cursor, Read as _};

use zeroize::Zeroizing;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::common;
use crate::error::ImportError;

/// A ZIP local file header's signature.
pub(crate) const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
/// Where [`names_member`] looks for a name: the first local header...
const HEAD_WINDOW: usize = 1024;
/// ...and the central directory at the end.
const TAIL_WINDOW: usize = 64 * 1024;

/// Whether the bytes are a ZIP whose first local header or central
/// directory holds `name` (member names are never encrypted).
pub(crate) fn names_member(bytes: &[u8], name: &[u8]) -> bool {
    let tail = bytes.get(bytes.len().saturating_sub(TAIL_WINDOW)..).unwrap_or(&[]);
    bytes.starts_with(LOCAL_HEADER)
        && (common::contains_early(bytes, name, HEAD_WINDOW) || common::contains_early(tail, name, TAIL_WINDOW))
}

/// The decrypted bytes of the first member whose path `wanted` accepts,
/// at most `max` of them.
///
/// A ZIP password check is one byte (ZipCrypto) or two (AES) wide, so a
/// wrong password sometimes gets past it and decrypts to garbage, which
/// then fails decompression, the CRC or the MAC: with a password given, a
/// member that cannot be read counts as a wrong password.
pub(crate) fn read_member(
    format: &'static str,
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
    password: Option<&str>,
    max: u64,
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let mut archive =
        ZipArchive::new(Cursor::new(bytes)).map_err(|e| common::malformed(format, format!("ZIP: {e}")))?;
    let index = (0..archive.len())
        .find(|&i| archive.name_for_index(i).is_some_and(&wanted))
        .ok_or_else(|| common::malformed(format, "the ZIP holds no member this format keeps its accounts in"))?;
    let encrypted = archive.by_index_raw(index).is_ok_and(|member| member.encrypted());
    let member = match password {
        Some(password) if encrypted => archive.by_index_decrypt(index, password.as_bytes()),
        _ => archive.by_index(index),
    };
    let mut member = member.map_err(|e| match e {
        ZipError::UnsupportedArchive(reason) if reason == ZipError::PASSWORD_REQUIRED => {
            ImportError::PasswordRequired { format }
        }
        ZipError::InvalidPassword => ImportError::WrongPassword { format },
        ZipError::UnsupportedArchive(reason) => ImportError::Unsupported {
            format,
            reason: reason.to_owned(),
        },
        other => common::malformed(format, format!("ZIP: {other}")),
    })?;
    let name = member.name().to_owned();
    let capacity = usize::try_from(member.size().min(max)).unwrap_or(0);
    let mut text = Zeroizing::new(Vec::with_capacity(capacity.saturating_add(1)));
    if let Err(e) = member.by_ref().take(max + 1).read_to_end(&mut text) {
        return Err(if encrypted {
            ImportError::WrongPassword { format }
        } else {
            common::malformed(format, format!("{name}: {e}: the file is cut short or damaged"))
        });
    }
    if text.len() as u64 > max {
        return Err(common::malformed(
            format,
            format!("{name} is larger than {} MiB", max >> 20),
        ));
    }
    Ok(text)
}
