//! The vault's settings: clipboard and auto-lock times.

use tauri::State;

use super::reply;
use crate::error::AppError;
use crate::session::Session;
use crate::view::Settings;

/// Longest clipboard timeout and idle time a setting takes: an hour, a day.
const MAX_CLIPBOARD_SECONDS: u32 = 3600;
const MAX_AUTO_LOCK_MINUTES: u32 = 1440;

/// The vault's settings.
#[tauri::command(async)]
pub(crate) fn settings(session: State<'_, Session>) -> Result<Settings, AppError> {
    reply(session.with_vault(|vault| {
        Ok(Settings {
            clipboard_seconds: vault.data.settings.clipboard_clear_seconds,
            auto_lock_minutes: vault.data.settings.auto_lock_minutes,
        })
    }))
}

/// Changes the vault's settings, within their bounds.
#[tauri::command(async)]
pub(crate) fn set_settings(session: State<'_, Session>, settings: Settings) -> Result<(), AppError> {
    reply((|| {
        if settings.clipboard_seconds > MAX_CLIPBOARD_SECONDS {
            return Err(AppError::new(
                "invalid",
                format!("clipboard: at most {MAX_CLIPBOARD_SECONDS} seconds (0 never clears it)"),
            ));
        }
        if settings.auto_lock_minutes > MAX_AUTO_LOCK_MINUTES {
            return Err(AppError::new(
                "invalid",
                format!("auto-lock: at most {MAX_AUTO_LOCK_MINUTES} minutes (0 never locks)"),
            ));
        }
        session.with_vault_mut(|vault| {
            vault.data.settings.clipboard_clear_seconds = settings.clipboard_seconds;
            vault.data.settings.auto_lock_minutes = settings.auto_lock_minutes;
            Ok(vault.save().map_err(twofold_app::Error::from)?)
        })
    })())
}
