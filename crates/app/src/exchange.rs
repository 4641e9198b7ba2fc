//! Other apps' files in and out: the steps of an import (read, detect,
//! decrypt, merge) and of an export (encode, write privately).

use std::io::Read as _;
use std::path::{Path, PathBuf};

use twofold_formats::{EntryFailure, ExportOptions, Format, Imported, OutputFile};
use twofold_otp::Account;
use twofold_vault::Vault;
use zeroize::Zeroizing;

use crate::Error;

/// No authenticator export comes near this; a larger file is refused unread.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// The format called `name` (see `twofold_formats::FORMATS`).
pub fn format_named(name: &str) -> Result<&'static dyn Format, Error> {
    twofold_formats::by_name(name).ok_or_else(|| Error::UnknownFormatName(name.to_owned()))
}

/// Reads an export file whole, refusing one larger than any export; the
/// bytes are wiped when dropped (a plain export holds every secret).
pub fn read_export(path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    let cannot_read = |source| Error::File {
        action: "read",
        path: path.display().to_string(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(Error::ExportTooLarge {
            path: path.display().to_string(),
            size,
        });
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1)));
    file.read_to_end(&mut bytes).map_err(cannot_read)?;
    Ok(bytes)
}

/// An export file read: its format and what it held.
pub struct Import {
    /// The format it was read as.
    pub format: &'static dyn Format,
    /// Its accounts, and the entries that could not be read.
    pub imported: Imported,
}

/// Reads an export's bytes as the format named `format`, or the one
/// detected. An encrypted file without `password` fails with the kind
/// `PasswordRequired`: the front end then asks, and calls again.
///
/// A format named that reads no entry at all from the file is an error
/// that says what the file looks like, not an import of nothing.
pub fn read_import(bytes: &[u8], format: Option<&str>, password: Option<&str>) -> Result<Import, Error> {
    let (format, named) = match format {
        Some(name) => (format_named(name)?, true),
        None => (
            twofold_formats::detect_with_password(bytes, password)
                .ok_or(twofold_formats::ImportError::UnknownFormat)?,
            false,
        ),
    };
    let imported = format.import(bytes, password)?;
    if named && imported.accounts.is_empty() && imported.failures.is_empty() && imported.left_out.is_empty() {
        let looks_like = twofold_formats::detect(bytes)
            .map(|found| found.name())
            .filter(|found| *found != format.name());
        return Err(Error::NothingAsFormat {
            format: format.name(),
            looks_like,
        });
    }
    Ok(Import { format, imported })
}

/// What an import did to the vault.
#[derive(Debug, Default)]
pub struct ImportSummary {
    /// Accounts added.
    pub added: Vec<Account>,
    /// Accounts skipped as already in the vault.
    pub skipped: Vec<Account>,
    /// Entries of the file that could not be read, with the reason (only
    /// with `skip_invalid`: else there is no import).
    pub failures: Vec<EntryFailure>,
    /// Entries of a kind Twofold does not support, or in the app's trash.
    pub left_out: Vec<EntryFailure>,
}

/// Merges an import into the vault, all or nothing: an entry that cannot
/// be read refuses the whole file, the vault untouched, unless
/// `skip_invalid` (the user chose to import the rest). Saves only if an
/// account was new.
pub fn import_into(vault: &mut Vault, imported: Imported, skip_invalid: bool) -> Result<ImportSummary, Error> {
    if !imported.failures.is_empty() && !skip_invalid {
        return Err(Error::InvalidEntries(imported.failures));
    }
    let merge = crate::add(vault, imported.accounts)?;
    Ok(ImportSummary {
        added: merge.added,
        skipped: merge.skipped,
        failures: imported.failures,
        left_out: imported.left_out,
    })
}

/// `accounts` in the format called `name`, encrypted with `password` when
/// given (and the format can be); one file, or several (Google QR codes).
pub fn export(accounts: &[Account], name: &str, password: Option<&str>) -> Result<Vec<OutputFile>, Error> {
    let format = format_named(name)?;
    if !format.can_export() {
        return Err(Error::NotExportable(format.name()));
    }
    Ok(format.export(accounts, ExportOptions { password })?)
}

/// The Google Authenticator transfer QR codes of a vault, for a phone to scan.
pub struct Transfer {
    /// PNG images of the QR codes, one a batch.
    pub codes: Vec<Vec<u8>>,
    /// `issuer: name: why` of each account Google's format cannot hold, left out.
    pub left_out: Vec<String>,
}

/// The transfer QR codes of `accounts`: those Google's format can hold, the
/// others named with the reason (one Steam account must not stop the move
/// of all the others).
pub fn transfer(accounts: &[Account]) -> Result<Transfer, Error> {
    let (fit, left_out): (Vec<&Account>, Vec<String>) =
        accounts
            .iter()
            .fold((Vec::new(), Vec::new()), |(mut fit, mut left_out), account| {
                match twofold_otp::migration::check_exportable(account) {
                    Ok(()) => fit.push(account),
                    Err(reason) => left_out.push(reason.to_string()),
                }
                (fit, left_out)
            });
    let fit: Vec<Account> = fit.into_iter().cloned().collect();
    let codes = if fit.is_empty() {
        Vec::new()
    } else {
        export(&fit, "google-qr", None)?
            .into_iter()
            .map(|file| file.bytes)
            .collect()
    };
    Ok(Transfer { codes, left_out })
}

/// `out.json` with suffix `-2` is `out-2.json`.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(extension) => format!("{stem}{suffix}.{}", extension.to_string_lossy()),
        None => format!("{stem}{suffix}"),
    };
    path.with_file_name(name)
}

/// Writes an export readable by its owner only (it holds every secret),
/// never over an existing file unless `replace`. A replacement is a new
/// file renamed over the old: it never takes the old file's mode, and a
/// symbolic link there is replaced, not followed.
pub fn write_private(path: &Path, bytes: &[u8], replace: bool) -> Result<(), Error> {
    let cannot_write = |source| Error::File {
        action: "write",
        path: path.display().to_string(),
        source,
    };
    if !replace {
        return write_new(path, bytes).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Exists(path.display().to_string()),
            _ => cannot_write(e),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temporary = path.with_file_name(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let written = write_new(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(cannot_write)
}

/// Writes `bytes` to a file that must not exist yet, owner-only, synced.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::ErrorKind;

    fn accounts() -> Vec<Account> {
        vec![
            "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP&issuer=A"
                .parse()
                .unwrap(),
            "otpauth://hotp/B:bob?secret=GEZDGNBVGY3TQOJQ&issuer=B&counter=3"
                .parse()
                .unwrap(),
        ]
    }

    #[test]
    fn an_encrypted_export_asks_for_its_password_by_kind_and_reads_back_with_it() {
        let files = export(&accounts(), "aegis", Some("pw")).unwrap();
        let bytes = &files[0].bytes;
        let asked = read_import(bytes, None, None).err().unwrap();
        assert_eq!(asked.kind(), ErrorKind::PasswordRequired);
        let wrong = read_import(bytes, None, Some("nope")).err().unwrap();
        assert_eq!(wrong.kind(), ErrorKind::WrongPassword);
        let read = read_import(bytes, None, Some("pw")).unwrap();
        assert_eq!(read.format.name(), "aegis");
        let labels: Vec<String> = read.imported.accounts.iter().map(Account::label).collect();
        assert_eq!(labels, ["A: alice", "B: bob"]);
    }

    #[test]
    fn unknown_and_import_only_formats_are_refused_by_name() {
        assert_eq!(
            export(&accounts(), "nope", None).unwrap_err().kind(),
            ErrorKind::Invalid
        );
        assert_eq!(
            export(&accounts(), "steam", None).unwrap_err().kind(),
            ErrorKind::Export
        );
        let unknown = read_import(b"hello", None, None).err().unwrap();
        assert_eq!(unknown.kind(), ErrorKind::BadExport);
    }

    #[test]
    fn a_private_write_never_replaces_unasked_and_is_owner_only() {
        let dir = std::env::temp_dir().join(format!("twofold-app-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.json");
        let _ = std::fs::remove_file(&path);
        write_private(&path, b"one", false).unwrap();
        let again = write_private(&path, b"two", false).unwrap_err();
        assert_eq!(again.kind(), ErrorKind::Exists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        // A 0644 file replaced comes out 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        write_private(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(with_suffix(&path, "-2"), dir.join("out-2.json"));
        // A link in the way is replaced, and what it pointed to is left alone.
        #[cfg(unix)]
        {
            let elsewhere = dir.join("elsewhere.txt");
            std::fs::write(&elsewhere, b"not an export").unwrap();
            let link = dir.join("link.json");
            std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
            write_private(&link, b"three", true).unwrap();
            assert_eq!(std::fs::read(&elsewhere).unwrap(), b"not an export");
            assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read(&link).unwrap(), b"three");
        }
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "a temporary file was left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_transfer_leaves_out_only_what_google_cannot_hold_and_says_why() {
        let accounts: Vec<Account> = [
            "otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
            "steam://JBSWY3DPEHPK3PXP",
            "otpauth://totp/Slow:ann?secret=JBSWY3DPEHPK3PXP&issuer=Slow&period=60",
        ]
        .iter()
        .map(|uri| uri.parse().unwrap())
        .collect();
        let moved = transfer(&accounts).unwrap();
        assert_eq!(moved.codes.len(), 1);
        assert_eq!(moved.left_out.len(), 2, "{:?}", moved.left_out);
        assert!(moved.left_out[0].contains("Steam"), "{:?}", moved.left_out);
        assert!(moved.left_out[1].contains("Slow") && moved.left_out[1].contains("60 s"));
        assert!(transfer(&accounts[1..2]).unwrap().codes.is_empty());
    }
}
