//! The vault's settings (clipboard and auto-lock times), its keys, and the
//! app's preferences.

use tauri::{AppHandle, Manager as _, State};
use twofold_app::KeyChange;
use twofold_vault::SystemKeychain;
use zeroize::Zeroizing;

use super::{blocking, reply};
use crate::desktop::Tray;
use crate::error::AppError;
use crate::quick::Shortcut;
use crate::session::{Session, given};
use crate::view::{Keys, Preferences, Settings};

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

/// The app's preferences (theme, codes hidden, the password after a lock,
/// the tray and the quick-copy shortcut); they are read while locked too.
#[tauri::command(async)]
pub(crate) fn preferences(
    session: State<'_, Session>,
    tray: State<'_, Tray>,
    shortcut: State<'_, Shortcut>,
) -> Result<Preferences, AppError> {
    reply(session.preferences().map(|p| Preferences {
        theme: p.theme,
        ask_password_after_lock: p.ask_password_after_lock,
        hide_codes: p.hide_codes,
        close_to_tray: p.close_to_tray,
        quick_shortcut: p.quick_shortcut,
        tray: tray.usable(),
        quick_shortcut_problem: shortcut.problem(),
    }))
}

/// Changes the preferences, with the vault unlocked (the page reads them
/// while locked, and changes them only in Settings), and under its lock, so
/// that a lock's mark and a change never overwrite each other. Asking for
/// the password after a lock needs a password slot: a lock must not shut
/// the user out. A changed quick-copy shortcut is grabbed first, outside
/// the vault's lock (the grab waits on the grabber's thread): one that
/// cannot be had is refused and nothing is saved; if the save then fails,
/// the shortcut before is grabbed again. An unchanged shortcut that cannot
/// be had (Settings says why) does not stop the others from being saved.
#[tauri::command(async)]
pub(crate) fn set_preferences(app: AppHandle, preferences: Preferences) -> Result<(), AppError> {
    let session = app.state::<Session>();
    let shortcuts = app.state::<Shortcut>();
    reply((|| {
        session.with_vault(|_| Ok(()))?;
        let before = session.preferences()?.quick_shortcut;
        let wanted = preferences
            .quick_shortcut
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let changed = wanted != before.as_deref();
        match shortcuts.set(&app, wanted) {
            Err(e) if changed => return Err(e),
            _ => {}
        }
        let saved = session.with_vault(|vault| {
            let mut kept = session.preferences()?;
            if preferences.ask_password_after_lock && !vault.has_password() {
                return Err(AppError::new(
                    "invalid",
                    "the vault has no password to ask for; set one first (Settings, Keys)",
                ));
            }
            kept.theme = preferences.theme;
            kept.hide_codes = preferences.hide_codes;
            kept.ask_password_after_lock = preferences.ask_password_after_lock;
            kept.password_needed &= kept.ask_password_after_lock;
            kept.close_to_tray = preferences.close_to_tray;
            kept.quick_shortcut = wanted.map(str::to_owned);
            session.set_preferences(&kept)
        });
        if saved.is_err() && changed {
            let _ = shortcuts.set(&app, before.as_deref());
        }
        saved
    })())
}

/// How the vault opens: its keychain and password slots.
#[tauri::command(async)]
pub(crate) fn keys(session: State<'_, Session>) -> Result<Keys, AppError> {
    reply(session.with_vault(|vault| {
        Ok(Keys {
            keychain: vault.has_keychain(),
            password: vault.has_password(),
        })
    }))
}

/// Makes a change of the vault's slots, after checking the present password
/// when it has one (Argon2id, so on the blocking pool; the vault stays held
/// throughout, so that the change and the preferences it implies are one step).
async fn change_keys(
    app: AppHandle,
    current: Option<Zeroizing<String>>,
    change: impl FnOnce(&mut twofold_vault::Vault, Option<&str>) -> Result<(), twofold_app::Error> + Send + 'static,
) -> Result<(), AppError> {
    reply(
        blocking(app, move |app| {
            let session = app.state::<Session>();
            session.with_vault_mut(|vault| {
                change(vault, given(&current))?;
                // A vault without a password cannot ask for one after a lock
                // (changed under the same lock, so no lock comes between).
                let preferences = session.preferences().ok().filter(|p| p.ask_password_after_lock);
                if let (false, Some(mut preferences)) = (vault.has_password(), preferences) {
                    preferences.ask_password_after_lock = false;
                    preferences.password_needed = false;
                    session.set_preferences(&preferences)?;
                }
                Ok(())
            })
        })
        .await,
    )
}

/// Sets the vault's password, or changes it (`current`: the present one).
#[tauri::command]
pub(crate) async fn set_password(
    app: AppHandle,
    current: Option<Zeroizing<String>>,
    password: Zeroizing<String>,
) -> Result<(), AppError> {
    change_keys(app, current, move |vault, current| {
        twofold_app::change_keys(vault, current, KeyChange::SetPassword(&password), &SystemKeychain)
    })
    .await
}

/// Removes the vault's password; refused when it is the only way in.
#[tauri::command]
pub(crate) async fn remove_password(app: AppHandle, current: Option<Zeroizing<String>>) -> Result<(), AppError> {
    change_keys(app, current, |vault, current| {
        twofold_app::change_keys(vault, current, KeyChange::RemovePassword, &SystemKeychain)
    })
    .await
}

/// Turns the keychain slot on or off; off is refused when it is the only way in.
#[tauri::command]
pub(crate) async fn set_keychain(
    app: AppHandle,
    enabled: bool,
    current: Option<Zeroizing<String>>,
) -> Result<(), AppError> {
    change_keys(app, current, move |vault, current| {
        twofold_app::change_keys(vault, current, KeyChange::Keychain(enabled), &SystemKeychain)
    })
    .await
}
