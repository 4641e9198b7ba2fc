//! Creating, unlocking and locking the vault, and the idle clock.

use std::time::Instant;

use tauri::{AppHandle, Manager as _, State};
use zeroize::Zeroizing;

use super::{blocking, reply};
use crate::error::AppError;
use crate::links::Links;
use crate::session::{Session, given};
use crate::view::Status;

/// Whether a vault exists, is open, and how it can be opened.
#[tauri::command(async)]
pub(crate) fn status(session: State<'_, Session>, links: State<'_, Links>) -> Result<Status, AppError> {
    let mut status = session.status();
    status.links_waiting = links.waiting();
    reply(Ok(status))
}

/// Creates the vault: a keychain slot (when `keychain`), a password slot
/// (when a password is given).
#[tauri::command]
pub(crate) async fn create_vault(
    app: AppHandle,
    password: Option<Zeroizing<String>>,
    keychain: bool,
) -> Result<(), AppError> {
    reply(
        blocking(app, move |app| {
            app.state::<Session>().create(given(&password), keychain)
        })
        .await,
    )
}

/// Opens the vault with the keychain, or with `password`.
#[tauri::command]
pub(crate) async fn unlock(app: AppHandle, password: Option<Zeroizing<String>>) -> Result<(), AppError> {
    reply(blocking(app, move |app| app.state::<Session>().unlock(given(&password))).await)
}

/// Locks now: the vault is closed, a code still on the clipboard is
/// cleared, the camera and any pending scan end, and the page is told.
#[tauri::command]
pub(crate) async fn lock(app: AppHandle) -> Result<(), AppError> {
    reply(
        blocking(app, |app| {
            app.state::<Session>().lock();
            Ok(())
        })
        .await,
    )
}

/// The user did something in the window: the idle clock starts again.
#[tauri::command(async)]
pub(crate) fn activity(session: State<'_, Session>) {
    session.touch();
}

/// When the process started, for the start-up measurement.
pub(crate) static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// The UI drew its first code. With `TWOFOLD_STARTUP_PROBE` set (the
/// start-up measurement, scripts/measure-app.sh), the milliseconds since
/// the app started and its process id are written there.
#[tauri::command(async)]
pub(crate) fn first_code_drawn() {
    let Some(path) = std::env::var_os("TWOFOLD_STARTUP_PROBE") else {
        return;
    };
    let elapsed = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
    let _ = std::fs::write(path, format!("{elapsed:.1} {}\n", std::process::id()));
}
