//! `import`, `export` and `formats`: other apps' files in and out of the vault.

use std::io::Read;
use std::path::{Path, PathBuf};

use twofold_formats::{ExportOptions, Format, ImportError};
use zeroize::Zeroizing;

use crate::password::{self, BACKUP_PASSWORD_ENV};
use crate::vault::{Context, save};
use crate::write_line;

/// No authenticator export comes near this; a larger file is refused unread.
const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

fn format_named(name: &str) -> Result<&'static dyn Format, String> {
    twofold_formats::by_name(name).ok_or_else(|| format!("format: no format is called {name:?}; see `twofold formats`"))
}

fn read_export(path: &Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > MAX_IMPORT_BYTES {
        return Err(format!(
            "{} is {size} bytes, far larger than any authenticator export",
            path.display()
        ));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1)));
    file.read_to_end(&mut bytes).map_err(cannot_read)?;
    Ok(bytes)
}

pub(crate) fn import(
    context: &Context,
    path: &Path,
    format: Option<&str>,
    password_file: Option<&Path>,
) -> Result<(), String> {
    let bytes = read_export(path)?;
    let format = match format {
        Some(name) => format_named(name)?,
        None => twofold_formats::detect(&bytes).ok_or_else(|| ImportError::UnknownFormat.to_string())?,
    };
    let imported = match format.import(&bytes, None) {
        Err(ImportError::PasswordRequired { .. }) => {
            let password = match password::given(password_file, BACKUP_PASSWORD_ENV)? {
                Some(password) => password,
                None => password::prompt(
                    &format!("Password of {} ({}): ", path.display(), format.name()),
                    "give it with --backup-password-file FILE or TWOFOLD_BACKUP_PASSWORD",
                )?,
            };
            format.import(&bytes, Some(&password))
        }
        other => other,
    }
    .map_err(|e| format!("{}: {e}", path.display()))?;

    let mut vault = context.open()?;
    let failures = imported.failures;
    let merge = vault.data.merge(imported.accounts);
    save(&mut vault)?;
    for account in &merge.added {
        write_line(&format!("{}\t{}", account.id, account.label()))?;
    }
    for account in &merge.skipped {
        eprintln!("skipped: {} (already in the vault)", account.label());
    }
    for failure in &failures {
        eprintln!("failed: {}: {}", failure.entry, failure.reason);
    }
    eprintln!(
        "{} ({}): {} added, {} skipped as already in the vault, {} failed",
        path.display(),
        format.name(),
        merge.added.len(),
        merge.skipped.len(),
        failures.len()
    );
    Ok(())
}

/// `export`'s switches.
pub(crate) struct ExportFlags {
    pub(crate) backup_password_file: Option<PathBuf>,
    pub(crate) plain: bool,
    pub(crate) force: bool,
}

/// `out.json` with suffix `-2` is `out-2.json`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
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

/// Writes an export readable by its owner only: it holds every secret.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{} exists; choose another path or add --force", path.display()),
        _ => format!("cannot write {}: {e}", path.display()),
    })?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.sync_all()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub(crate) fn export(context: &Context, name: &str, output: &Path, flags: ExportFlags) -> Result<(), String> {
    let format = format_named(name)?;
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
    let files = format
        .export(
            &vault.data.accounts,
            ExportOptions {
                password: password.as_deref().map(String::as_str),
            },
        )
        .map_err(|e| e.to_string())?;
    for file in &files {
        let path = match &file.suffix {
            Some(suffix) => with_suffix(output, suffix),
            None => output.to_path_buf(),
        };
        write_private(&path, &file.bytes, flags.force)?;
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
