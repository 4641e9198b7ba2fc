//! Other apps' files: an import read, previewed and merged; an export
//! written where the user chose in the system's save dialog; and the Google
//! Authenticator QR codes shown for a phone to scan.
//!
//! The file being imported, and the accounts it decrypted to, stay here
//! (never in the page, which gets labels) until the import ends or the
//! vault locks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tauri::ipc::{Request, Response};
use tauri::{AppHandle, Manager as _, State};
use tauri_plugin_dialog::DialogExt as _;
use twofold_formats::{Format, Imported};
use zeroize::{Zeroize as _, Zeroizing};

use super::{Body, blocking, raw_body, reply};
use crate::error::AppError;
use crate::session::{Session, given};
use crate::view::{EntryFailure, Exported, FormatInfo, ImportStep, ImportSummary, PreviewAccount, TransferCount};

/// The import under way, if any; emptied on lock. Lock order: the
/// session's vault first, then this (the lock hook clears it with the vault
/// held), so a file is stored, and a read's result lands, under the vault.
#[derive(Default)]
pub(crate) struct Importing {
    pending: Mutex<Option<Pending>>,
    /// Numbers every read, of every file, and is never reset: a slow read
    /// lands only if no read began after it.
    reads: AtomicU64,
}

/// A file loaded for import.
struct Pending {
    /// The latest read begun: only its result may land, and be committed.
    read: u64,
    /// The file, shared with a decryption under way.
    bytes: Arc<Zeroizing<Vec<u8>>>,
    /// The format it is read as, once known.
    format: Option<&'static dyn Format>,
    /// What it held, once read.
    imported: Option<Imported>,
}

impl Importing {
    /// Forgets the file and what it held.
    pub(crate) fn clear(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending = None;
        }
    }

    /// The number of a read about to begin.
    fn next_read(&self) -> u64 {
        self.reads.fetch_add(1, Ordering::SeqCst) + 1
    }

    fn no_import() -> AppError {
        AppError::new("no_import", "no file is being imported; choose one")
    }
}

/// The export chosen in the save dialog, waiting for [`export_to`].
#[derive(Default)]
pub(crate) struct ExportTarget(Mutex<Option<Chosen>>);

impl ExportTarget {
    /// Forgets the path chosen.
    pub(crate) fn clear(&self) {
        if let Ok(mut target) = self.0.lock() {
            *target = None;
        }
    }
}

/// A path the user chose in the save dialog.
struct Chosen {
    path: PathBuf,
    /// The file was there when chosen: the dialog asked before replacing it.
    confirmed: bool,
}

/// Every format: what it is, and whether it imports, exports, encrypts.
#[tauri::command(async)]
pub(crate) fn formats() -> Vec<FormatInfo> {
    twofold_formats::FORMATS.iter().map(|f| FormatInfo::of(*f)).collect()
}

/// Loads an export file (the raw body) for import: its format detected,
/// and read when it needs no password.
#[tauri::command]
pub(crate) async fn import_load(app: AppHandle, request: Request<'_>) -> Result<ImportStep, AppError> {
    let bytes = raw_body(&request, Body::Export);
    reply(
        blocking(app, move |app| {
            let bytes = bytes?;
            let format = twofold_formats::detect(&bytes);
            let importing = app.state::<Importing>();
            let read = importing.next_read();
            // Stored under the vault: a lock either comes first (and this
            // fails) or clears it after.
            app.state::<Session>().with_vault(|_| {
                *importing.pending.lock()? = Some(Pending {
                    read,
                    bytes: Arc::new(bytes),
                    format,
                    imported: None,
                });
                Ok(())
            })?;
            match format {
                None => Ok(step("format", None, Vec::new(), Vec::new(), Vec::new())),
                Some(_) => read_as(app, None, None),
            }
        })
        .await,
    )
}

/// Reads the loaded file again, as `format` (or the one known) and with `password`.
#[tauri::command]
pub(crate) async fn import_open(
    app: AppHandle,
    format: Option<String>,
    password: Option<Zeroizing<String>>,
) -> Result<ImportStep, AppError> {
    reply(
        blocking(app, move |app| {
            let format = format.as_deref().map(twofold_app::format_named).transpose()?;
            read_as(app, format, given(&password))
        })
        .await,
    )
}

/// Reads the loaded file as `format` (else the one known) with `password`,
/// and keeps what it held for the commit. Decryption (a KDF) runs with no
/// lock held, so neither a lock of the vault nor the list waits for it;
/// its result lands only if no other read began meanwhile.
fn read_as(
    app: &AppHandle,
    format: Option<&'static dyn Format>,
    password: Option<&str>,
) -> Result<ImportStep, AppError> {
    let importing = app.state::<Importing>();
    let read = importing.next_read();
    let (bytes, format) = {
        let mut pending = importing.pending.lock()?;
        let pending = pending.as_mut().ok_or_else(Importing::no_import)?;
        pending.read = read;
        pending.imported = None;
        (Arc::clone(&pending.bytes), format.or(pending.format))
    };
    let Some(format) = format else {
        return Ok(step("format", None, Vec::new(), Vec::new(), Vec::new()));
    };
    let result = twofold_app::read_import(&bytes, Some(format.name()), password);
    app.state::<Session>().with_vault(|vault| {
        let mut pending = importing.pending.lock()?;
        let pending = pending
            .as_mut()
            .filter(|p| p.read == read)
            .ok_or_else(|| AppError::new("no_import", "the file was read again, or another chosen, meanwhile"))?;
        pending.format = Some(format);
        let import = match result {
            Ok(import) => import,
            Err(e) if e.kind() == twofold_app::ErrorKind::PasswordRequired => {
                return Ok(step(
                    "password",
                    Some(format.name()),
                    Vec::new(),
                    Vec::new(),
                    Vec::new(),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        // The marks use the vault as it is now; the commit merges by the same rule.
        let marks = twofold_app::duplicates(&vault.data, &import.imported.accounts);
        let accounts = import
            .imported
            .accounts
            .iter()
            .zip(marks)
            .map(|(account, duplicate)| PreviewAccount {
                issuer: account.issuer.clone(),
                name: account.name.clone(),
                kind: account.kind.as_str(),
                duplicate,
            })
            .collect();
        let failures = EntryFailure::all(&import.imported.failures);
        let left_out = EntryFailure::all(&import.imported.left_out);
        pending.imported = Some(import.imported);
        Ok(step("preview", Some(format.name()), accounts, failures, left_out))
    })
}

fn step(
    state: &'static str,
    format: Option<&'static str>,
    accounts: Vec<PreviewAccount>,
    failures: Vec<EntryFailure>,
    left_out: Vec<EntryFailure>,
) -> ImportStep {
    ImportStep {
        state,
        format,
        accounts,
        failures,
        left_out,
    }
}

/// Adds the previewed accounts (saving only if one is new) and ends the
/// import. The preview has shown each entry that cannot be read, so the
/// commit is the user's choice to import the rest.
#[tauri::command]
pub(crate) async fn import_commit(app: AppHandle) -> Result<ImportSummary, AppError> {
    reply(
        blocking(app, |app| {
            let importing = app.state::<Importing>();
            let summary = app.state::<Session>().with_vault_mut(|vault| {
                let imported = importing
                    .pending
                    .lock()?
                    .take()
                    .and_then(|p| p.imported)
                    .ok_or_else(Importing::no_import)?;
                Ok(twofold_app::import_into(vault, imported, true)?)
            })?;
            Ok(ImportSummary {
                added: summary.added.iter().map(twofold_otp::Account::label).collect(),
                skipped: summary.skipped.iter().map(twofold_otp::Account::label).collect(),
                failures: EntryFailure::all(&summary.failures),
                left_out: EntryFailure::all(&summary.left_out),
            })
        })
        .await,
    )
}

/// Ends the import without adding anything.
#[tauri::command(async)]
pub(crate) fn import_cancel(importing: State<'_, Importing>) {
    importing.clear();
}

/// Opens the system's save dialog over the window; the path chosen stays
/// here for [`export_to`]. Returns the file's name, or none if cancelled.
#[tauri::command]
pub(crate) async fn choose_export_path(app: AppHandle, file_name: String) -> Result<Option<String>, AppError> {
    reply(
        blocking(app, move |app| {
            let session = app.state::<Session>();
            let epoch = session.epoch();
            session.with_vault(|_| Ok(()))?;
            let mut dialog = app
                .dialog()
                .file()
                .set_title("Export accounts")
                .set_file_name(file_name);
            if let Some(window) = app.get_webview_window("main") {
                dialog = dialog.set_parent(&window);
            }
            let chosen = dialog
                .blocking_save_file()
                .map(|path| {
                    path.into_path()
                        .map_err(|e| AppError::new("io", format!("that place cannot be written: {e}")))
                })
                .transpose()?;
            let name = chosen
                .as_ref()
                .map(|path| path.file_name().unwrap_or_default().to_string_lossy().into_owned());
            // Kept under the vault, and only if no lock came while the dialog was open.
            session.with_vault(|_| {
                if session.epoch() != epoch {
                    return Err(AppError::locked());
                }
                *app.state::<ExportTarget>().0.lock()? = chosen.map(|path| Chosen {
                    confirmed: path.exists(),
                    path,
                });
                Ok(())
            })?;
            Ok(name)
        })
        .await,
    )
}

/// Writes the vault's accounts as `format` (encrypted with `password` when
/// given) to the path chosen in the dialog, readable by the user only. A
/// file there is replaced only when the dialog asked about it, or `replace`.
#[tauri::command]
pub(crate) async fn export_to(
    app: AppHandle,
    format: String,
    password: Option<Zeroizing<String>>,
    replace: bool,
) -> Result<Exported, AppError> {
    reply(
        blocking(app, move |app| {
            let target = app.state::<ExportTarget>();
            let (path, confirmed) = {
                let target = target.0.lock()?;
                let chosen = target
                    .as_ref()
                    .ok_or_else(|| AppError::new("no_export", "choose where to save the export first"))?;
                (chosen.path.clone(), chosen.confirmed)
            };
            let session = app.state::<Session>();
            let epoch = session.epoch();
            // Encrypting an export runs a KDF: on a copy, not holding the vault.
            let accounts = session.with_vault(|vault| Ok(vault.data.accounts.clone()))?;
            let mut files = twofold_app::export(&accounts, &format, given(&password))?;
            drop(accounts);
            if session.epoch() != epoch {
                files.iter_mut().for_each(|f| f.bytes.zeroize());
                return Err(AppError::locked());
            }
            let paths: Vec<PathBuf> = files
                .iter()
                .map(|file| match &file.suffix {
                    Some(suffix) => twofold_app::with_suffix(&path, suffix),
                    None => path.clone(),
                })
                .collect();
            // All or none: a file in the way is told before anything is written.
            let in_the_way = paths.iter().find(|p| p.exists() && !(confirmed && **p == path));
            if let (false, Some(there)) = (replace, in_the_way) {
                files.iter_mut().for_each(|f| f.bytes.zeroize());
                return Err(twofold_app::Error::Exists(there.display().to_string()).into());
            }
            let written = files
                .iter()
                .zip(&paths)
                .try_for_each(|(file, target)| twofold_app::write_private(target, &file.bytes, true));
            files.iter_mut().for_each(|f| f.bytes.zeroize());
            written?;
            target.clear();
            Ok(Exported {
                files: paths.iter().map(|p| p.display().to_string()).collect(),
            })
        })
        .await,
    )
}

/// How many Google Authenticator transfer QR codes hold the vault's
/// accounts, and the accounts they cannot hold.
#[tauri::command(async)]
pub(crate) fn transfer_count(session: State<'_, Session>) -> Result<TransferCount, AppError> {
    reply(session.with_vault(|vault| {
        let transfer = twofold_app::transfer(&vault.data.accounts)?;
        Ok(TransferCount {
            count: transfer.codes.len(),
            left_out: transfer.left_out,
        })
    }))
}

/// The PNG of transfer QR code `index` (from 0), as raw bytes.
#[tauri::command(async)]
pub(crate) fn transfer_code(session: State<'_, Session>, index: usize) -> Result<Response, AppError> {
    let png = session.with_vault(|vault| {
        twofold_app::transfer(&vault.data.accounts)?
            .codes
            .into_iter()
            .nth(index)
            .ok_or_else(|| AppError::new("invalid", format!("there is no QR code {}", index + 1)))
    });
    // Logged as its size only: the code holds every secret.
    reply(png.as_ref().map(Vec::len).map_err(Clone::clone))?;
    png.map(Response::new)
}
