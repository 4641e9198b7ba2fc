//! `import`, `export` and `formats`: other apps' files in and out of the vault.

use std::path::{Path, PathBuf};

use twofold_formats::ImportError;
use zeroize::Zeroizing;

use crate::password::{self, BACKUP_PASSWORD_ENV};
use crate::vault::Context;
use crate::write_line;

/// A library error, with the way to go on in a terminal where it has one.
fn cli_error(error: twofold_app::Error) -> String {
    match error {
        twofold_app::Error::UnknownFormatName(_) => format!("{error}; see `twofold formats`"),
        twofold_app::Error::Exists(path) => format!("{path} exists; choose another path or add --force"),
        twofold_app::Error::NothingAsFormat {
            looks_like: Some(other),
            ..
        } => format!("{error}: import it with --format {other}, or without --format"),
        error => error.to_string(),
    }
}

pub(crate) fn import(
    context: &Context,
    path: &Path,
    format: Option<&str>,
    password_file: Option<&Path>,
    skip_invalid: bool,
) -> Result<(), String> {
    let bytes = twofold_app::read_export(path).map_err(cli_error)?;
    let read = match twofold_app::read_import(&bytes, format, None) {
        // Some encrypted layouts have no signature; a password given up
        // front lets their key check tell.
        Err(twofold_app::Error::Import(ImportError::UnknownFormat)) => {
            match password::given(password_file, BACKUP_PASSWORD_ENV)? {
                Some(password) => twofold_app::read_import(&bytes, None, Some(&password)),
                None => Err(twofold_app::Error::Import(ImportError::UnknownFormat)),
            }
        }
        // The error names the format found: asked by name, it is not detected again.
        Err(twofold_app::Error::Import(ImportError::PasswordRequired { format: name })) => {
            let password: Zeroizing<String> = match password::given(password_file, BACKUP_PASSWORD_ENV)? {
                Some(password) => password,
                None => password::prompt(
                    &format!("Password of {} ({name}): ", path.display()),
                    "give it with --backup-password-file FILE or TWOFOLD_BACKUP_PASSWORD",
                )?,
            };
            twofold_app::read_import(&bytes, Some(name), Some(&password))
        }
        other => other,
    }
    .map_err(|e| format!("{}: {}", path.display(), cli_error(e)))?;

    let mut vault = context.open()?;
    let format = read.format;
    let summary = twofold_app::import_into(&mut vault, read.imported, skip_invalid)
        .map_err(|e| format!("{}: {}", path.display(), cli_error(e)))?;
    for account in &summary.added {
        write_line(&format!("{}\t{}", account.id, account.label()))?;
    }
    for account in &summary.skipped {
        eprintln!("skipped: {} (already in the vault)", account.label());
    }
    for failure in &summary.failures {
        eprintln!("failed: {}: {}", failure.entry, failure.reason);
    }
    for entry in &summary.left_out {
        eprintln!("left out: {}: {}", entry.entry, entry.reason);
    }
    let left_out = match summary.left_out.len() {
        0 => String::new(),
        n => format!(", {n} left out"),
    };
    eprintln!(
        "{} ({}): {} added, {} skipped as already in the vault, {} failed{left_out}",
        path.display(),
        format.name(),
        summary.added.len(),
        summary.skipped.len(),
        summary.failures.len()
    );
    Ok(())
}

/// `export`'s switches.
pub(crate) struct ExportFlags {
    pub(crate) backup_password_file: Option<PathBuf>,
    pub(crate) plain: bool,
    pub(crate) force: bool,
}

pub(crate) fn export(context: &Context, name: &str, output: &Path, flags: ExportFlags) -> Result<(), String> {
    let format = twofold_app::format_named(name).map_err(cli_error)?;
    if !format.can_export() {
        return Err(format!(
            "{} files can be imported but not exported; see `twofold formats`",
            format.name()
        ));
    }
    let password = if format.can_encrypt() && !flags.plain {
        Some(
            match password::given(flags.backup_password_file.as_deref(), BACKUP_PASSWORD_ENV)? {
                Some(password) => password,
                None => password::prompt_new(
                    "give the export's password with --backup-password-file FILE or TWOFOLD_BACKUP_PASSWORD, or export unencrypted with --plain",
                )?,
            },
        )
    } else {
        None
    };
    let vault = context.open()?;
    let files =
        twofold_app::export(&vault.data.accounts, name, password.as_deref().map(String::as_str)).map_err(cli_error)?;
    for file in &files {
        let path = match &file.suffix {
            Some(suffix) => twofold_app::with_suffix(output, suffix),
            None => output.to_path_buf(),
        };
        twofold_app::write_private(&path, &file.bytes, flags.force).map_err(cli_error)?;
        write_line(&path.display().to_string())?;
    }
    eprintln!("{} accounts exported as {}", vault.data.accounts.len(), format.name());
    Ok(())
}

pub(crate) fn formats() -> Result<(), String> {
    write_line(&format!(
        "{:<28} {:<6} {:<6} {:<9} {}",
        "NAME", "IMPORT", "EXPORT", "ENCRYPTED", "WHAT"
    ))?;
    for format in twofold_formats::FORMATS {
        write_line(&format!(
            "{:<28} {:<6} {:<6} {:<9} {}",
            format.name(),
            if format.can_import() { "yes" } else { "-" },
            if format.can_export() { "yes" } else { "-" },
            if format.can_encrypt() { "yes" } else { "-" },
            format.description()
        ))?;
    }
    Ok(())
}
